// ArrayBuffer memory, a megabyte at a time, kept alive.
export default () => {
  const keep = [];
  for (;;) keep.push(new Uint8Array(1 << 20).fill(1));
};
