// Tampers with what the runtime might use to build the result.
export default () => {
  Object.prototype.then = function (resolve) {
    resolve(this);
  };
  Array.prototype.push = () => {
    throw new Error("push tampered");
  };
  Uint8Array.prototype.set = () => {
    throw new Error("set tampered");
  };
  JSON.stringify = () => {
    throw new Error("stringify tampered");
  };
  Object.defineProperty(Response.prototype, "status", {
    get() {
      for (;;) {}
    },
  });
  TextEncoder.prototype.encode = () => new Uint8Array(1 << 30);
  globalThis.Promise = function () {
    throw new Error("Promise tampered");
  };
  return { tampered: true };
};
