// Catastrophic backtracking inside the regexp engine.
export default () => String(/^(a+)+$/.test("a".repeat(40) + "b"));
