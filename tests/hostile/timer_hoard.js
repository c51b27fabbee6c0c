// As many pending timers as it can set, each holding a large closure: the cap on pending
// timers (or the memory limit) stops it, never the agent's own memory.
export default () => {
  for (;;) {
    const big = new Array(1000).fill(0);
    setTimeout(() => big, 3600000);
  }
};
