// An interval that fires as often as it can and a response that never comes: the worker's
// loop must keep serving others between the interval's turns, and the deadline ends it.
export default () => new Promise(() => {
  setInterval(() => {}, 0);
});
