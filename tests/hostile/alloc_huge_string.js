// One flat string of 256 MB (a legal length, far past the limit), garbage at once: padEnd
// builds a rope, reading a character flattens it into a single allocation.
export default () => {
  const s = "x".padEnd(2 ** 28, "y");
  return String(s.charCodeAt(s.length - 1));
};
