// A SharedArrayBuffer far past the limit, the refusal caught and ignored.
export default () => {
  try {
    return String(new SharedArrayBuffer(2 ** 31).byteLength);
  } catch (e) {
    return "caught " + e.name;
  }
};
