// A sparse array of length 2^32-1: V8 walks every index in a native loop that ignores
// termination; the runtime runs it as JavaScript past 2^20 indexes (stopped by cpu_ms).
export default () => { const a=new Array(2**32-1); return String(a.splice(0, 2**31).length); };
