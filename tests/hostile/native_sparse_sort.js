// A sparse array of length 2^32-1: V8 walks every index in a native loop that ignores
// termination; the runtime runs it as JavaScript past 2^20 indexes (stopped by cpu_ms).
export default () => { const a = new Array(2**32-1); a[2**32-2]=1; a[0]=2; return String(a.sort().length); };
