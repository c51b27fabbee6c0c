// Its response never comes: the wall-clock limit ends it.
export default () => new Promise(() => {});
