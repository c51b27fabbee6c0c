// A 24 MB exception message: the error text is capped before it is copied out.
export default () => {
  throw new Error("e".repeat(24 << 20));
};
