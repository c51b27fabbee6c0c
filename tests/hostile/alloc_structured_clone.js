// structuredClone of a 200 MB string under a 64 MB limit. The string is a rope of a few
// hundred bytes until the serializer flattens it; the serializer's own buffer, outside V8's
// heap, would then need 200 MB more. Both must end in the memory limit (or an exception),
// never in V8 aborting the process or the agent growing past the limit.
export default () => {
  const huge = "x".repeat(200 * 1024 * 1024);
  return String(structuredClone(huge).length);
};
