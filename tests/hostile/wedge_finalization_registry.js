// A FinalizationRegistry whose cleanup callback never returns. V8 runs cleanups as tasks of
// the isolate's platform, after some garbage collection: possibly after the response.
const registry = new FinalizationRegistry(() => {
  for (;;) {}
});
export default () => {
  for (let i = 0; i < 2000; ++i) registry.register({ payload: new Array(64).fill(i) }, i);
  const churn = [];
  for (let i = 0; i < 200000; ++i) churn.push({ i });
  return "registered";
};
