// Floods the console with large messages: captured up to the cap, the rest dropped.
export default () => {
  const line = "c".repeat(64 << 10);
  for (let i = 0; i < 200; ++i) console.log(line, i);
  return "logged";
};
