// Event, EventTarget and CustomEvent (DOM Standard, sections 2.2 to 2.10), for targets that
// have no parent: an event's path is its target alone, so dispatch runs the target's
// capturing listeners, then its other listeners, all at AT_TARGET.
//
// A listener that throws does not stop the others: its exception is reported through
// console.error ("Uncaught ..."), as workerd and browsers report it, and dispatch goes on.
//
// Besides the globals, the module gives other modules what the specifications let the
// platform do and user code not: fire a trusted event (whatever user code did to
// dispatchEvent), and define an event handler attribute (onabort).
'use strict';
(function hearthEvents(rt) {
  const {
    ObjectDefineProperty, ObjectGetOwnPropertyDescriptor, ReflectApply, TypeErrorCtor,
  } = rt.primordials;
  const { newList, append, isObject, toDictionary, member, toUSVString } = rt;
  const { performanceNow } = rt.native;

  const NONE = 0, CAPTURING_PHASE = 1, AT_TARGET = 2, BUBBLING_PHASE = 3;
  // Event flags (DOM 2.2).
  const kStopPropagation = 1, kStopImmediatePropagation = 2, kCanceled = 4;
  const kInPassiveListener = 8, kInitialized = 16, kDispatch = 32;

  const illegalInvocation = () => new TypeErrorCtor('Illegal invocation');
  function requireArguments(count, required, what) {
    if (count < required) {
      throw new TypeErrorCtor(`Failed to execute '${what}': ${required} argument` +
        `${required > 1 ? 's' : ''} required, but only ${count} present.`);
    }
  }
  const domException = (message, name) => new (rt.require('domexception').DOMException)(
    message, name);

  // ===== EventTarget ======================================================================

  // A listener: { type, callback, capture, passive, once, signal, removed, handler }, where
  // `handler` marks the listener of an event handler attribute (callback is then internal).
  let listenersOf;  // (target) -> its listener list, or undefined for non-targets
  let handlersOf;   // (target) -> its event handler map, made on first use

  // "Remove an event listener": marks it removed, so that a dispatch already under way
  // skips it too.
  function removeListener(list, listener) {
    listener.removed = true;
    let i = 0;
    while (i < list.length && list[i] !== listener) i++;
    if (i === list.length) return;
    for (; i + 1 < list.length; i++) list[i] = list[i + 1];
    list.length--;
  }

  function findListener(list, type, callback, capture) {
    for (let i = 0; i < list.length; i++) {
      const listener = list[i];
      if (listener.type === type && listener.callback === callback &&
          listener.capture === capture) {
        return listener;
      }
    }
    return null;
  }

  let abortInternals = null;  // abort.js's, once some listener came with a signal
  function signalInternals() {
    if (abortInternals === null) abortInternals = rt.require('abort').signalInternals;
    return abortInternals;
  }

  class EventTarget {
    #listeners = newList();
    #handlers = null;

    static {
      listenersOf = (target) => (isObject(target) && #listeners in target
        ? target.#listeners : undefined);
      handlersOf = (target) => {
        if (target.#handlers === null) target.#handlers = { __proto__: null };
        return target.#handlers;
      };
    }

    addEventListener(type, callback, options = undefined) {
      if (!(isObject(this) && #listeners in this)) throw illegalInvocation();
      requireArguments(arguments.length, 2, 'addEventListener');
      type = toUSVString(type);
      callback = toCallback(callback);
      // "Flatten more": a boolean is capture alone; a dictionary's members are read in
      // WebIDL's order (capture, then once, passive, signal).
      let capture = false, once = false, passive = false, signal = null;
      if (isObject(options)) {
        capture = !!options.capture;
        once = !!options.once;
        passive = !!options.passive;
        const value = options.signal;
        if (value !== undefined) {
          if (!signalInternals().isSignal(value)) {
            throw new TypeErrorCtor("Failed to execute 'addEventListener': member signal is " +
              'not of type AbortSignal.');
          }
          signal = value;
        }
      } else if (options !== undefined && options !== null) {
        capture = !!options;
      }
      if (signal !== null && abortInternals.isAborted(signal)) return;
      if (callback === null) return;
      const list = this.#listeners;
      if (findListener(list, type, callback, capture) !== null) return;
      const listener = {
        __proto__: null, type, callback, capture, passive, once, signal, removed: false,
        handler: false,
      };
      append(list, listener);
      if (signal !== null) {
        abortInternals.addAlgorithm(signal, () => removeListener(list, listener));
      }
    }

    removeEventListener(type, callback, options = undefined) {
      if (!(isObject(this) && #listeners in this)) throw illegalInvocation();
      requireArguments(arguments.length, 2, 'removeEventListener');
      type = toUSVString(type);
      callback = toCallback(callback);
      const capture = isObject(options) ? !!options.capture : !!options;
      if (callback === null) return;
      const list = this.#listeners;
      const listener = findListener(list, type, callback, capture);
      if (listener !== null) removeListener(list, listener);
    }

    dispatchEvent(event) {
      if (!(isObject(this) && #listeners in this)) throw illegalInvocation();
      requireArguments(arguments.length, 1, 'dispatchEvent');
      if (!isEvent(event)) {
        throw new TypeErrorCtor("Failed to execute 'dispatchEvent': parameter 1 is not of " +
          "type 'Event'.");
      }
      return dispatch(this, event, false);
    }
  }
  rt.webidlClass(EventTarget, 'EventTarget');

  // WebIDL's conversion to `EventListener?` (a callback interface): null, or any object.
  function toCallback(value) {
    if (value === undefined || value === null) return null;
    if (!isObject(value)) {
      throw new TypeErrorCtor("The \"callback\" argument must be an object (a function or " +
        'an object with a handleEvent method).');
    }
    return value;
  }

  // ===== Event ============================================================================

  // Set in Event's static blocks, where its private names are in scope.
  let checkEvent;   // (value) -> value, or a TypeError when it is not an Event
  let isEvent;      // (value) -> whether value is an Event
  let dispatch;     // (target, event, trusted) -> !canceled (DOM 2.9), after its checks
  let cancel;       // (event) -> "set the canceled flag", as preventDefault does
  let isDispatching;

  // [LegacyUnforgeable] readonly attribute boolean isTrusted: an own accessor of every
  // event, one getter shared by all.
  let isTrustedDescriptor;

  class Event {
    #type = '';
    #target = null;
    #currentTarget = null;
    #phase = NONE;
    #flags = 0;
    #bubbles = false;
    #cancelable = false;
    #composed = false;
    #trusted = false;
    #timeStamp = 0;

    constructor(type, eventInitDict = undefined) {
      requireArguments(arguments.length, 1, 'Event');
      type = toUSVString(type);
      const init = toDictionary(eventInitDict, "The 'eventInitDict' argument");
      this.#bubbles = !!member(init, 'bubbles');
      this.#cancelable = !!member(init, 'cancelable');
      this.#composed = !!member(init, 'composed');
      this.#type = type;
      this.#flags = kInitialized;
      this.#timeStamp = performanceNow();
      ObjectDefineProperty(this, 'isTrusted', isTrustedDescriptor);
    }

    static {
      isTrustedDescriptor = {
        __proto__: null,
        get: ObjectGetOwnPropertyDescriptor({
          get isTrusted() {
            if (!(isObject(this) && #flags in this)) throw illegalInvocation();
            return this.#trusted;
          },
        }, 'isTrusted').get,
        set: undefined,
        enumerable: true,
        configurable: false,
      };
      checkEvent = (value) => {
        if (!(isObject(value) && #flags in value)) throw illegalInvocation();
        return value;
      };
      isEvent = (value) => isObject(value) && #flags in value;
      isDispatching = (event) => (event.#flags & kDispatch) !== 0;
      cancel = (event) => {
        if (event.#cancelable && !(event.#flags & kInPassiveListener)) event.#flags |= kCanceled;
      };
      // The path of an event dispatched at a target without a parent is the target alone:
      // its capturing listeners run, then the others, all AT_TARGET.
      dispatch = (target, event, trusted) => {
        if ((event.#flags & (kDispatch | kInitialized)) !== kInitialized) {
          throw domException('The event is already being dispatched or was not initialized.',
            'InvalidStateError');
        }
        event.#trusted = trusted;
        event.#flags |= kDispatch;
        event.#target = target;
        event.#phase = AT_TARGET;
        const listeners = listenersOf(target);
        invoke(target, event, listeners, CAPTURING_PHASE);
        invoke(target, event, listeners, BUBBLING_PHASE);
        event.#phase = NONE;
        event.#currentTarget = null;
        event.#flags &= ~(kDispatch | kStopPropagation | kStopImmediatePropagation);
        return !(event.#flags & kCanceled);
      };
      // "Invoke" and "inner invoke" for one phase, over a clone of the listener list: what
      // is added during a phase is not called in it; what is removed is not called at all.
      const invoke = (target, event, list, phase) => {
        if (event.#flags & kStopPropagation) return;
        event.#currentTarget = target;
        const count = list.length;
        if (count === 0) return;
        const listeners = newList();
        for (let i = 0; i < count; i++) listeners[i] = list[i];
        const capturing = phase === CAPTURING_PHASE;
        for (let i = 0; i < count; i++) {
          const listener = listeners[i];
          if (listener.removed || listener.type !== event.#type) continue;
          if (listener.capture !== capturing) continue;
          if (listener.once) removeListener(list, listener);
          if (listener.passive) event.#flags |= kInPassiveListener;
          callListener(listener, event, target);
          event.#flags &= ~kInPassiveListener;
          if (event.#flags & kStopImmediatePropagation) break;
        }
      };
    }

    get type() { return checkEvent(this).#type; }
    get target() { return checkEvent(this).#target; }
    get srcElement() { return checkEvent(this).#target; }
    get currentTarget() { return checkEvent(this).#currentTarget; }
    get eventPhase() { return checkEvent(this).#phase; }
    get bubbles() { return checkEvent(this).#bubbles; }
    get cancelable() { return checkEvent(this).#cancelable; }
    get composed() { return checkEvent(this).#composed; }
    get timeStamp() { return checkEvent(this).#timeStamp; }
    get defaultPrevented() { return (checkEvent(this).#flags & kCanceled) !== 0; }

    composedPath() {
      const event = checkEvent(this);
      // The path is the target alone, and exists only while the event is dispatched.
      const path = [];
      if (event.#flags & kDispatch) path[0] = event.#currentTarget;
      return path;
    }

    stopPropagation() {
      checkEvent(this).#flags |= kStopPropagation;
    }

    get cancelBubble() { return (checkEvent(this).#flags & kStopPropagation) !== 0; }
    set cancelBubble(value) {
      if (checkEvent(this) && value) this.#flags |= kStopPropagation;
    }

    stopImmediatePropagation() {
      checkEvent(this).#flags |= kStopPropagation | kStopImmediatePropagation;
    }

    preventDefault() {
      cancel(checkEvent(this));
    }

    get returnValue() { return (checkEvent(this).#flags & kCanceled) === 0; }
    set returnValue(value) {
      if (checkEvent(this) && !value) cancel(this);
    }

    initEvent(type, bubbles = false, cancelable = false) {
      checkEvent(this);
      requireArguments(arguments.length, 1, 'initEvent');
      type = toUSVString(type);
      if (this.#flags & kDispatch) return;
      this.#flags = kInitialized;
      this.#trusted = false;
      this.#target = null;
      this.#type = type;
      this.#bubbles = !!bubbles;
      this.#cancelable = !!cancelable;
    }
  }
  rt.webidlClass(Event, 'Event');
  {
    const names = ['NONE', 'CAPTURING_PHASE', 'AT_TARGET', 'BUBBLING_PHASE'];
    for (let i = 0; i < names.length; i++) {
      const descriptor = { __proto__: null, value: i, enumerable: true };
      ObjectDefineProperty(Event, names[i], descriptor);
      ObjectDefineProperty(Event.prototype, names[i], descriptor);
    }
  }

  // WebIDL's "call a user object's operation": a function is called with the current target
  // as `this`; another object's handleEvent is looked up at each call. What it throws is
  // reported, and the dispatch goes on.
  function callListener(listener, event, target) {
    try {
      const callback = listener.callback;
      if (listener.handler) {
        callback(event, target);
      } else if (typeof callback === 'function') {
        ReflectApply(callback, target, [event]);
      } else {
        const handleEvent = callback.handleEvent;
        if (typeof handleEvent !== 'function') {
          throw new TypeErrorCtor("The listener's handleEvent is not a function.");
        }
        ReflectApply(handleEvent, callback, [event]);
      }
    } catch (error) {
      rt.reportException(error);
    }
  }

  // ===== CustomEvent ======================================================================

  class CustomEvent extends Event {
    #detail = null;

    constructor(type, eventInitDict = undefined) {
      requireArguments(arguments.length, 1, 'CustomEvent');
      super(type, eventInitDict);
      // Read after Event's members: CustomEventInit's own come after those it inherits.
      const detail = member(toDictionary(eventInitDict, "The 'eventInitDict' argument"),
        'detail');
      this.#detail = detail === undefined ? null : detail;
    }

    get detail() {
      if (!(isObject(this) && #detail in this)) throw illegalInvocation();
      return this.#detail;
    }

    initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
      if (!(isObject(this) && #detail in this)) throw illegalInvocation();
      requireArguments(arguments.length, 1, 'initCustomEvent');
      if (isDispatching(this)) return;
      ReflectApply(initEvent, this, [type, bubbles, cancelable]);
      this.#detail = detail;
    }
  }
  const initEvent = Event.prototype.initEvent;
  rt.webidlClass(CustomEvent, 'CustomEvent');

  // ===== What other modules get ===========================================================

  // Fires a trusted event of `type` at `target` (HTML's "fire an event").
  function fireEvent(target, type) {
    return dispatch(target, new Event(type), true);
  }

  // Defines `on<type>` on `prototype`: an event handler IDL attribute (HTML 8.1.8). Its
  // listener is added when a handler is first set, removed when it is set to null (and
  // added anew, last, when one is set again), and calls whatever handler is set when the
  // event comes.
  function defineEventHandler(prototype, type) {
    const name = `on${type}`;
    const accessors = {
      get [name]() {
        if (listenersOf(this) === undefined) throw illegalInvocation();
        const entry = handlersOf(this)[type];
        return entry === undefined ? null : entry.value;
      },
      set [name](value) {
        const list = listenersOf(this);
        if (list === undefined) throw illegalInvocation();
        const handlers = handlersOf(this);
        const entry = handlers[type];
        if (!isObject(value)) {
          // [LegacyTreatNonObjectAsNull]: anything but an object deactivates the handler.
          if (entry !== undefined) {
            removeListener(list, entry.listener);
            handlers[type] = undefined;
          }
        } else if (entry !== undefined) {
          entry.value = value;
        } else {
          const created = { __proto__: null, value, listener: null };
          created.listener = {
            __proto__: null, type, capture: false, passive: false, once: false, signal: null,
            removed: false, handler: true,
            callback: (event, currentTarget) => {
              const handler = created.value;
              if (typeof handler !== 'function') return;
              if (ReflectApply(handler, currentTarget, [event]) === false) cancel(event);
            },
          };
          handlers[type] = created;
          append(list, created.listener);
        }
      },
    };
    const { get, set } = ObjectGetOwnPropertyDescriptor(accessors, name);
    ObjectDefineProperty(prototype, name, {
      __proto__: null, get, set, enumerable: true, configurable: true,
    });
  }

  return {
    Event, EventTarget, CustomEvent,
    isEvent, fireEvent, defineEventHandler,
  };
})
