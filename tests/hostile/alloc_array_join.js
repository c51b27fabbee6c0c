// Joins into one string of ~400 MB.
export default () => new Array(5e7).fill("abcdefgh").join("").length;
