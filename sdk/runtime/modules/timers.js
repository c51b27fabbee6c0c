// setTimeout, setInterval, clearTimeout, clearInterval (HTML "Timers") and queueMicrotask.
//
// A timer belongs to the invocation that set it: it fires on the worker's libuv loop while
// that invocation runs (before its response, or after it for ctx.waitUntil work), each
// batch under what is left of the invocation's CPU limit, and is cancelled when the
// invocation ends. The native side (isolate_pool/timer_queue.h) keeps due times and ids;
// this side keeps the callbacks. Timers cannot be set at a function's top level.
'use strict';
(function hearthTimers(rt) {
  const { ObjectCreate, ReflectApply, TypeErrorCtor, PromisePrototypeThen } = rt.primordials;
  const { timerSchedule, timerCancel } = rt.native;
  const kMaxId = 0x7fffffff;

  // id -> { callback, args, timeout, repeat, nesting }
  let timers = ObjectCreate(null);
  let lastId = 0;
  // The nesting level of the timer whose callback runs now (0 outside any).
  let nesting = 0;

  // WebIDL `long`: ToNumber, then modulo 2^32 into the signed range.
  function toLong(value) {
    const number = +value;  // throws on Symbol and BigInt, as WebIDL's ToNumber does
    return number | 0;
  }

  function nextId() {
    // Ids are positive and never reused while their timer lives.
    do {
      lastId = lastId >= kMaxId ? 1 : lastId + 1;
    } while (timers[lastId] !== undefined);
    return lastId;
  }

  function start(name, callback, timeout, args, repeat) {
    if (typeof callback !== 'function') {
      // HTML would compile a string; a function's code cannot turn strings into code.
      throw new TypeErrorCtor(`${name}: the callback must be a function (strings are not ` +
        'compiled as code)');
    }
    let delay = toLong(timeout);
    if (delay < 0) delay = 0;
    const level = nesting + 1;
    // HTML: past five nested levels, no timer fires sooner than 4 ms.
    if (level > 5 && delay < 4) delay = 4;
    const id = nextId();
    timerSchedule(id, delay);  // throws at the top level, or past the cap of pending timers
    timers[id] = { callback, args, timeout: delay, repeat, nesting: level };
    return id;
  }

  function clear(id) {
    const key = toLong(id);
    if (timers[key] === undefined) return;
    delete timers[key];
    timerCancel(key);
  }

  function setTimeout(callback, timeout = 0, ...args) {
    return start('setTimeout', callback, timeout, args, false);
  }
  function setInterval(callback, timeout = 0, ...args) {
    return start('setInterval', callback, timeout, args, true);
  }
  function clearTimeout(id = 0) {
    clear(id);
  }
  function clearInterval(id = 0) {
    clear(id);
  }

  function queueMicrotask(callback) {
    if (arguments.length === 0) {
      throw new TypeErrorCtor("Failed to execute 'queueMicrotask': 1 argument required, but " +
        'only 0 present.');
    }
    if (typeof callback !== 'function') {
      throw new TypeErrorCtor("Failed to execute 'queueMicrotask': parameter 1 is not of type " +
        "'Function'.");
    }
    PromisePrototypeThen(rt.resolvedPromise(undefined), () => {
      try {
        ReflectApply(callback, undefined, []);
      } catch (error) {
        rt.reportException(error);
      }
    });
  }

  rt.setTimerHooks({
    // The host found timer `id` due. An interval is set again after its callback, as
    // HTML's timer initialisation steps do.
    run(id) {
      const timer = timers[id];
      if (timer === undefined) return;  // cleared by an earlier callback of the same batch
      if (!timer.repeat) delete timers[id];
      const outer = nesting;
      nesting = timer.nesting;
      try {
        ReflectApply(timer.callback, globalThis, timer.args);
      } catch (error) {
        rt.reportException(error);
      } finally {
        nesting = outer;
      }
      if (timer.repeat && timers[id] === timer) {
        timer.nesting++;
        if (timer.nesting > 5 && timer.timeout < 4) timer.timeout = 4;
        try {
          timerSchedule(id, timer.timeout);
        } catch {
          delete timers[id];  // the invocation ended inside its own callback
        }
      }
    },
    // The invocation ended: its timers are gone.
    clear() {
      timers = ObjectCreate(null);
    },
  });

  // Functions with the names and lengths of the WebIDL operations.
  return { setTimeout, setInterval, clearTimeout, clearInterval, queueMicrotask };
})
