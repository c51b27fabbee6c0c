// Fills the ArrayBuffer allocator to its last byte (refusals caught), then makes V8 allocate
// a backing store itself: `.buffer` of a small on-heap typed array.
export default () => {
  const keep = [];
  for (let size = 1 << 26; size >= 1; ) {
    try {
      keep.push(new ArrayBuffer(size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
  const small = new Uint8Array(16);
  return String(small.buffer.byteLength + keep.length);
};
