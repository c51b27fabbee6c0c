// Never leaves the microtask queue.
export default () => {
  const spin = () => Promise.resolve().then(spin);
  spin();
  return new Promise(() => {});
};
