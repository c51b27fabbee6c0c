// A Map doubles its backing table as it grows: the last growths are large single allocations.
export default () => {
  const m = new Map();
  for (let i = 0; ; ++i) m.set(i, i);
};
