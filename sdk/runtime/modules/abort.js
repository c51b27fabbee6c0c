// AbortController and AbortSignal (DOM Standard, section 3.1), with AbortSignal.abort,
// AbortSignal.timeout (on the timers module's setTimeout) and AbortSignal.any.
//
// A dependent signal (from AbortSignal.any) is held by its sources until it or they are
// aborted. The DOM Standard holds it weakly, but must keep it while it has abort listeners,
// which a WeakRef cannot express; holding it strongly costs a small object per
// AbortSignal.any call on a source that is never aborted.
'use strict';
(function hearthAbort(rt) {
  const {
    ReflectApply, TypeErrorCtor, NumberIsFinite, MathTrunc, MathMin, SymbolIterator,
  } = rt.primordials;
  const { newList, append, isObject } = rt;
  const { EventTarget, fireEvent, defineEventHandler } = rt.require('events');
  const domException = (message, name) => new (rt.require('domexception').DOMException)(
    message, name);

  const kCreate = {};  // what internal construction passes: `new AbortSignal()` is illegal
  const kNoReason = {};
  const kMaxTimeout = 0x7fffffff;  // setTimeout's largest delay (HTML: a signed long)

  let isSignal, isAborted, addAlgorithm, signalAbort, createDependent;

  class AbortSignal extends EventTarget {
    #reason = kNoReason;
    #algorithms = newList();
    #dependent = false;
    #sources = null;     // list of signals (a dependent signal's)
    #dependents = null;  // list of signals (a source's)

    constructor(token = undefined) {
      if (token !== kCreate) throw new TypeErrorCtor('Illegal constructor');
      super();
    }

    static {
      isSignal = (value) => isObject(value) && #reason in value;
      isAborted = (signal) => signal.#reason !== kNoReason;
      addAlgorithm = (signal, algorithm) => {
        if (signal.#reason === kNoReason) append(signal.#algorithms, algorithm);
      };
      // DOM "signal abort".
      signalAbort = (signal, reason) => {
        if (signal.#reason !== kNoReason) return;
        signal.#reason = reason !== undefined ? reason
          : domException('This operation was aborted', 'AbortError');
        const dependentsToAbort = newList();
        const dependents = signal.#dependents;
        if (dependents !== null) {
          for (let i = 0; i < dependents.length; i++) {
            const dependent = dependents[i];
            if (dependent.#reason !== kNoReason) continue;
            dependent.#reason = signal.#reason;
            append(dependentsToAbort, dependent);
          }
          signal.#dependents = null;
        }
        runAbortSteps(signal);
        for (let i = 0; i < dependentsToAbort.length; i++) runAbortSteps(dependentsToAbort[i]);
      };
      const runAbortSteps = (signal) => {
        const algorithms = signal.#algorithms;
        signal.#algorithms = newList();
        // An aborted dependent is of no more use to its other sources.
        const sources = signal.#sources;
        signal.#sources = null;
        for (let i = 0; sources !== null && i < sources.length; i++) {
          const dependents = sources[i].#dependents;
          if (dependents !== null) removeFrom(dependents, signal);
        }
        for (let i = 0; i < algorithms.length; i++) {
          try {
            algorithms[i]();
          } catch (error) {
            rt.reportException(error);
          }
        }
        fireEvent(signal, 'abort');
      };
      // DOM "create a dependent abort signal".
      createDependent = (signals) => {
        const result = new AbortSignal(kCreate);
        for (let i = 0; i < signals.length; i++) {
          if (signals[i].#reason !== kNoReason) {
            result.#reason = signals[i].#reason;
            return result;
          }
        }
        result.#dependent = true;
        result.#sources = newList();
        const link = (source) => {
          for (let j = 0; j < result.#sources.length; j++) {
            if (result.#sources[j] === source) return;
          }
          append(result.#sources, source);
          if (source.#dependents === null) source.#dependents = newList();
          append(source.#dependents, result);
        };
        for (let i = 0; i < signals.length; i++) {
          const signal = signals[i];
          if (!signal.#dependent) {
            link(signal);
          } else {
            const sources = signal.#sources;
            for (let j = 0; sources !== null && j < sources.length; j++) link(sources[j]);
          }
        }
        return result;
      };
    }

    static abort(reason = undefined) {
      const signal = new AbortSignal(kCreate);
      signalAbort(signal, reason);
      return signal;
    }

    static timeout(milliseconds) {
      if (arguments.length < 1) {
        throw new TypeErrorCtor("Failed to execute 'timeout' on 'AbortSignal': 1 argument " +
          'required, but only 0 present.');
      }
      const delay = toEnforcedUnsignedLongLong(milliseconds);
      const signal = new AbortSignal(kCreate);
      const { setTimeout } = rt.require('timers');
      // In steps of at most setTimeout's largest delay, which a longer one would overflow.
      const wait = (remaining) => {
        const step = MathMin(remaining, kMaxTimeout);
        ReflectApply(setTimeout, undefined, [() => {
          if (remaining > step) return wait(remaining - step);
          signalAbort(signal, domException('The operation timed out.', 'TimeoutError'));
        }, step]);
      };
      wait(delay);
      return signal;
    }

    static any(signals) {
      if (arguments.length < 1) {
        throw new TypeErrorCtor("Failed to execute 'any' on 'AbortSignal': 1 argument " +
          'required, but only 0 present.');
      }
      // WebIDL sequence<AbortSignal>: the argument's own iterator, every element checked.
      if (!isObject(signals) || typeof signals[SymbolIterator] !== 'function') {
        throw new TypeErrorCtor("Failed to execute 'any' on 'AbortSignal': The provided " +
          'value cannot be converted to a sequence.');
      }
      const list = newList();
      for (const signal of signals) {
        if (!isSignal(signal)) {
          throw new TypeErrorCtor("Failed to execute 'any' on 'AbortSignal': Failed to " +
            "convert value to 'AbortSignal'.");
        }
        append(list, signal);
      }
      return createDependent(list);
    }

    get aborted() {
      return checkSignal(this).#reason !== kNoReason;
    }

    get reason() {
      const reason = checkSignal(this).#reason;
      return reason === kNoReason ? undefined : reason;
    }

    throwIfAborted() {
      const reason = checkSignal(this).#reason;
      if (reason !== kNoReason) throw reason;
    }
  }
  function removeFrom(list, item) {
    let i = 0;
    while (i < list.length && list[i] !== item) i++;
    if (i === list.length) return;
    for (; i + 1 < list.length; i++) list[i] = list[i + 1];
    list.length--;
  }
  function checkSignal(value) {
    if (!isSignal(value)) throw new TypeErrorCtor('Illegal invocation');
    return value;
  }
  defineEventHandler(AbortSignal.prototype, 'abort');
  rt.webidlClass(AbortSignal, 'AbortSignal');

  // WebIDL [EnforceRange] unsigned long long.
  function toEnforcedUnsignedLongLong(value) {
    const number = +value;  // throws on BigInt and Symbol, like WebIDL's ToNumber
    if (!NumberIsFinite(number)) {
      throw new TypeErrorCtor('Value is not a finite number: the timeout is out of range.');
    }
    const integer = MathTrunc(number);
    if (integer < 0 || integer > 2 ** 53 - 1) {
      throw new TypeErrorCtor(`Value ${integer} is outside the range [0, ${2 ** 53 - 1}].`);
    }
    return integer === 0 ? 0 : integer;  // -0 is 0
  }

  class AbortController {
    #signal = new AbortSignal(kCreate);

    get signal() {
      if (!(isObject(this) && #signal in this)) throw new TypeErrorCtor('Illegal invocation');
      return this.#signal;
    }

    abort(reason = undefined) {
      if (!(isObject(this) && #signal in this)) throw new TypeErrorCtor('Illegal invocation');
      signalAbort(this.#signal, reason);
    }
  }
  rt.webidlClass(AbortController, 'AbortController');

  return {
    AbortController, AbortSignal,
    signalInternals: { __proto__: null, isSignal, isAborted, addAlgorithm, signalAbort },
  };
})
