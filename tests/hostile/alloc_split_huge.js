// Splits a 256 MB string into characters: V8 would abort the process building the array.
export default () => { const s = "a".repeat(1<<28); return String(s.split("").length); };
