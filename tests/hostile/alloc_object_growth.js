// Grows the heap a little at a time until the limit.
export default () => {
  const keep = [];
  for (let i = 0; ; ++i) keep.push({ i, s: "v" + i });
};
