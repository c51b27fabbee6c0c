const deeper = (n) => deeper(n + 1) + 1;
export default () => String(deeper(0));
