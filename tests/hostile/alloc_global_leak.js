// Keeps 24 MB more in a global on every invocation: the isolate that reaches the limit is
// replaced, and the next one starts empty.
const leak = [];
export default () => {
  leak.push(new Array(3e6).fill(0.5));
  return String(leak.length);
};
