// performance (W3C High Resolution Time): now() and timeOrigin, in milliseconds.
//
// Both are read from native code at each use (isolate_pool/performance_binding.cc): the time
// origin is when this isolate started serving its function, never a value of the JavaScript
// heap, which a function snapshot would carry into every isolate booted from it. Both come
// coarsened to 100 microseconds, as browsers without cross-origin isolation give them.
'use strict';
(function hearthPerformance(rt) {
  const { TypeErrorCtor } = rt.primordials;
  const { performanceNow, performanceTimeOrigin } = rt.native;
  const { EventTarget } = rt.require('events');

  const kToken = {};  // what the one instance is made with: `new Performance()` is illegal
  let performance;

  class Performance extends EventTarget {
    constructor(token = undefined) {
      if (token !== kToken) throw new TypeErrorCtor('Illegal constructor');
      super();
    }

    now() {
      checkPerformance(this);
      return performanceNow();
    }

    get timeOrigin() {
      checkPerformance(this);
      return performanceTimeOrigin();
    }

    toJSON() {
      checkPerformance(this);
      return { timeOrigin: performanceTimeOrigin() };
    }
  }
  function checkPerformance(value) {
    if (value !== performance) throw new TypeErrorCtor('Illegal invocation');
  }
  rt.webidlClass(Performance, 'Performance');
  performance = new Performance(kToken);

  return { performance, Performance, now: performanceNow };
})
