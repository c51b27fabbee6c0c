// Blocks the thread for 25 s at no CPU, unless Atomics.wait is unavailable (it must be).
export default () => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return String(Atomics.wait(cell, 0, 0, 25000));
};
