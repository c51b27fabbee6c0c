// Doubles a string and reads from it: each read flattens a rope into one large allocation.
export default () => {
  let s = "abcdefgh";
  for (;;) {
    s = s + s;
    if (s.charCodeAt(s.length - 1) !== 104) return "impossible";
  }
};
