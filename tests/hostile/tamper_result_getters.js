// A result whose getters never return.
export default () => ({
  get body() {
    for (;;) {}
  },
  get status() {
    for (;;) {}
  },
});
