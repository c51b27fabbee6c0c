// Answers, then keeps running in a microtask.
export default () => {
  Promise.resolve().then(() => {
    for (;;) {}
  });
  return new Response("answered");
};
