// Sorts a large array with a comparator: a long built-in calling back into JavaScript.
export default () => {
  const a = Array.from({ length: 2e6 }, (_, i) => (i * 7919) % 1000003);
  a.sort((x, y) => x - y);
  return String(a[0]);
};
