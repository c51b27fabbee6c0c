// 800 MB of doubles from a few bytes of source: a sparse array filled index by index.
export default () => String(new Array(1e8).fill(1.5).length);
