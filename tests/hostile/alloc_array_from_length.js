// Array.from over an array-like of length 2^32-1: one element per index.
export default () => String(Array.from({length: 2**32-1}).length);
