// A global regexp replace over a 16 MB string near the heap limit: a long native loop.
export default () => {
  const s = "ab".repeat(8 << 20);
  return String(s.replace(/a/g, "xyz").length);
};
