// JSON.stringify of a graph whose text is far larger than the limit.
export default () => {
  const row = Array.from({ length: 1000 }, (_, i) => ({ key: "k" + i, value: "v".repeat(64) }));
  const rows = new Array(20000).fill(row);
  return String(JSON.stringify(rows).length);
};
