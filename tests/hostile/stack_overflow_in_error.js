// An exception whose description overflows the stack when the runtime reads it.
export default () => {
  const e = new Error("boom");
  const loop = () => loop();
  Object.defineProperty(e, "message", { get: loop });
  Object.defineProperty(e, "stack", { get: loop });
  throw e;
};
