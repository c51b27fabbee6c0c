// Hearth in-isolate runtime: the minimal Web API slice every function sees (a subset of
// the WinterTC Minimum Common API: Headers, Request, Response, TextEncoder, TextDecoder,
// console). The rest of the Web API is in modules/*.js, loaded on first use.
//
// The native side (isolate_pool/function_isolate.cc) evaluates this file once per V8
// context as a classic script, before any user code. Its completion value is the function
// below; the host calls it with `native` and keeps the returned `internals` to itself.
// Neither object is reachable from user code.
//
//   native.utf8Encode(string) -> Uint8Array         lone surrogates become U+FFFD
//   native.utf8Decode(Uint8Array, fatal) -> string  U+FFFD for bad input, or a TypeError
//                                                   when fatal; a BOM is left in place
//   native.log(level, message)                      level: debug|info|log|warn|error
//   native.brand(value) -> kBrand* below, or 0      which built-in `value` really is
//   native.moduleGlobals() -> [[module, [global]]]  the lazily loaded modules (section
//   native.loadModule(name) -> factory              "Runtime modules" below)
//   native.domainToASCII(domain, beStrict)          the URL Standard's "domain to ASCII"
//     -> string, or null for an invalid domain      through ICU's UTS #46 (for modules/url.js)
//   native.* for the modules: performanceNow, performanceTimeOrigin (performance.js);
//   randomFill, randomUUID, digest, hmac, hmacVerify (crypto.js); structuredClone,
//   domExceptionBase (structured_clone.js, domexception.js); base64Encode, base64Decode
//   (base64.js). Each says what it does in its header under isolate_pool/.
//
//   internals.checkHandler(defaultExport) -> null, or a string saying why it cannot serve
//   internals.invoke(handler, method, url, flatHeaders, body, env, done)
//     flatHeaders: [name0, value0, ...]; body: Uint8Array or null; env is passed through.
//     Calls done exactly once, synchronously or from a later microtask:
//       done(0, status, flatHeaders, bodyU8)  a response: lowercase names in Headers
//                                             iteration order, set-cookie kept apart
//       done(1, errorText)                    the handler threw or its promise rejected
//       done(2, errorText)                    the handler's result is not a response
//
// User code runs in this context afterwards and may tamper with any built-in. Everything
// the runtime does later therefore goes through intrinsics captured here ("primordials"),
// never resolves a promise with a value it did not choose (no thenable lookups), never
// runs an iterator protocol on its own data, and keeps internal arrays prototype-free.
'use strict';
(function hearthRuntime(native) {
  // ===== Primordials ======================================================================

  const uncurryThis = Function.prototype.bind.bind(Function.prototype.call);
  const getterOf = (object, key) => uncurryThis(Object.getOwnPropertyDescriptor(object, key).get);

  const ObjectPrototype = Object.prototype;
  const {
    create: ObjectCreate, defineProperty: ObjectDefineProperty, is: ObjectIs,
    getOwnPropertyDescriptor: ObjectGetOwnPropertyDescriptor,
    getPrototypeOf: ObjectGetPrototypeOf, setPrototypeOf: ObjectSetPrototypeOf,
    freeze: ObjectFreeze,
  } = Object;
  const ObjectPrototypeHasOwnProperty = uncurryThis(ObjectPrototype.hasOwnProperty);
  const { apply: ReflectApply, construct: ReflectConstruct, ownKeys: ReflectOwnKeys } = Reflect;
  const ArrayIsArray = Array.isArray;
  const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
  const ArrayPrototypeSort = uncurryThis(Array.prototype.sort);
  const StringCtor = String;
  const StringFromCharCode = String.fromCharCode;
  const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
  const StringPrototypeSlice = uncurryThis(String.prototype.slice);
  const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
  const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
  const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
  const StringPrototypeToUpperCase = uncurryThis(String.prototype.toUpperCase);
  const StringPrototypeRepeat = uncurryThis(String.prototype.repeat);
  const StringPrototypePadStart = uncurryThis(String.prototype.padStart);
  const StringPrototypePadEnd = uncurryThis(String.prototype.padEnd);
  const StringPrototypeValueOf = uncurryThis(String.prototype.valueOf);
  const NumberCtor = Number;
  const { isFinite: NumberIsFinite, parseInt: NumberParseInt } = Number;
  const NumberParseFloat = Number.parseFloat;
  const NumberPrototypeToString = uncurryThis(Number.prototype.toString);
  const NumberPrototypeValueOf = uncurryThis(Number.prototype.valueOf);
  const BooleanPrototypeValueOf = uncurryThis(Boolean.prototype.valueOf);
  const { trunc: MathTrunc, sqrt: MathSqrt, floor: MathFloor, round: MathRound } = Math;
  const { min: MathMin, max: MathMax } = Math;
  const { iterator: SymbolIterator, toStringTag: SymbolToStringTag } = Symbol;
  const FunctionPrototypeToString = uncurryThis(Function.prototype.toString);
  const ErrorPrototype = Error.prototype;
  const ErrorCaptureStackTrace = Error.captureStackTrace;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const { stringify: JSONStringify, parse: JSONParse } = JSON;
  const PromiseCtor = Promise;
  const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
  // The intrinsic exec reads only the regexp's own lastIndex: safe on private regexps.
  const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
  const RegExpPrototypeGetSource = getterOf(RegExp.prototype, 'source');
  const RegExpPrototypeGetFlags = getterOf(RegExp.prototype, 'flags');
  const DateNow = Date.now;
  const DatePrototypeGetTime = uncurryThis(Date.prototype.getTime);
  const DatePrototypeToISOString = uncurryThis(Date.prototype.toISOString);
  const MapPrototypeGetSize = getterOf(Map.prototype, 'size');
  const MapPrototypeEntries = uncurryThis(Map.prototype.entries);
  const MapIteratorNext = uncurryThis(ObjectGetPrototypeOf(new Map().entries()).next);
  const SetPrototypeGetSize = getterOf(Set.prototype, 'size');
  const SetPrototypeValues = uncurryThis(Set.prototype.values);
  const SetIteratorNext = uncurryThis(ObjectGetPrototypeOf(new Set().values()).next);
  const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][SymbolIterator]()));
  const Uint8ArrayCtor = Uint8Array;
  const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
  const TypedArrayPrototypeGetBuffer = getterOf(TypedArrayPrototype, 'buffer');
  const TypedArrayPrototypeGetByteOffset = getterOf(TypedArrayPrototype, 'byteOffset');
  const TypedArrayPrototypeGetByteLength = getterOf(TypedArrayPrototype, 'byteLength');
  const TypedArrayPrototypeGetLength = getterOf(TypedArrayPrototype, 'length');
  const TypedArrayPrototypeGetTag = getterOf(TypedArrayPrototype, SymbolToStringTag);
  const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
  const ArrayBufferIsView = ArrayBuffer.isView;
  const ArrayBufferPrototypeGetByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
  const SharedArrayBufferPrototypeGetByteLength = typeof SharedArrayBuffer === 'function'
    ? getterOf(SharedArrayBuffer.prototype, 'byteLength') : null;
  const DataViewPrototypeGetBuffer = getterOf(DataView.prototype, 'buffer');
  const DataViewPrototypeGetByteOffset = getterOf(DataView.prototype, 'byteOffset');
  const DataViewPrototypeGetByteLength = getterOf(DataView.prototype, 'byteLength');
  const SymbolAsyncIterator = Symbol.asyncIterator;
  const FunctionPrototypeSymbolHasInstance = uncurryThis(Function.prototype[Symbol.hasInstance]);
  const MathRandom = Math.random;
  const typedArrayConstructors = ObjectFreeze({
    __proto__: null, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
    Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
  });

  const { utf8Encode, utf8Decode: nativeUtf8Decode, log: nativeLog } = native;

  // ===== Small helpers ====================================================================

  // Internal arrays have no prototype, so index reads and writes never reach an accessor
  // the user planted on Array.prototype or Object.prototype.
  function newList() {
    const list = [];
    ObjectSetPrototypeOf(list, null);
    return list;
  }
  const append = (list, value) => { list[list.length] = value; };
  const isObject = (value) =>
    (typeof value === 'object' && value !== null) || typeof value === 'function';
  const hasOwn = (object, key) => ObjectPrototypeHasOwnProperty(object, key);
  const noop = () => {};
  const plural = (count, noun) => `${count} ${noun}${count > 1 ? 's' : ''}`;
  // fn(), or `fallback` if it throws: for looking at values that may be hostile.
  function attempt(fn, fallback = undefined) {
    try {
      return fn();
    } catch {
      return fallback;
    }
  }
  // Brand checks: what a value really is, whatever its prototype says. Native, because the
  // alternative (an intrinsic that throws on foreign receivers) costs an exception with a
  // stack trace per check, on every invocation.
  const nativeBrand = native.brand;
  // The same numbers as native_bindings.cc's Brand.
  const kBrandPromise = 1, kBrandArrayBuffer = 2, kBrandSharedArrayBuffer = 3, kBrandDate = 4;
  const kBrandRegExp = 5, kBrandNumber = 6, kBrandString = 7, kBrandBoolean = 8;
  const kBrandMap = 9, kBrandSet = 10;

  // Promises handed to user code, made without consulting anything the user can patch.
  const resolvedPromise = (value) => new PromiseCtor((resolve) => resolve(value));
  const rejectedPromise = (error) => new PromiseCtor((resolve, reject) => reject(error));
  // Subscribes to a native promise with the captured `then`; false (and nothing done) when
  // `value` is not one, as the intrinsic checks that before anything else.
  // (`then` may still throw on a native promise: it reads the user-patchable `constructor`.)
  const tryNativeThen = (value, onFulfilled, onRejected) => nativeBrand(value) === kBrandPromise &&
    attempt(() => (PromisePrototypeThen(value, onFulfilled, onRejected), true), false);

  // WebIDL conversions. `${}` throws on symbols, as WebIDL's ToString does.
  const toUSVString = (value) => (typeof value === 'string' ? value : `${value}`);
  function toByteString(value) {
    const string = toUSVString(value);
    for (let i = 0; i < string.length; i++) {
      if (StringPrototypeCharCodeAt(string, i) > 0xff) {
        throw new TypeErrorCtor('Cannot convert argument to a ByteString because the character ' +
          `at index ${i} has a value greater than 255.`);
      }
    }
    return string;
  }
  function toUnsignedShort(value) {
    const number = +value; // throws on BigInt and Symbol, like WebIDL's ToNumber
    if (!NumberIsFinite(number)) return 0;
    const wrapped = MathTrunc(number) % 65536;
    return wrapped < 0 ? wrapped + 65536 : wrapped;
  }
  // A dictionary argument: undefined and null are empty (null here), primitives are errors.
  function toDictionary(value, what) {
    if (value === undefined || value === null) return null;
    if (!isObject(value)) throw new TypeErrorCtor(`${what} must be an object`);
    return value;
  }
  const member = (dictionary, key) => (dictionary === null ? undefined : dictionary[key]);
  function trimWith(string, isSpace) {
    let start = 0;
    let end = string.length;
    while (start < end && isSpace(StringPrototypeCharCodeAt(string, start))) start++;
    while (end > start && isSpace(StringPrototypeCharCodeAt(string, end - 1))) end--;
    return start === 0 && end === string.length ? string : StringPrototypeSlice(string, start, end);
  }

  // ----- Bytes -----

  const emptyBytes = () => new Uint8ArrayCtor(0);
  const isUint8Array = (value) =>
    ArrayBufferIsView(value) && TypedArrayPrototypeGetTag(value) === 'Uint8Array';
  const isArrayBuffer = (value) => nativeBrand(value) === kBrandArrayBuffer;

  // A Uint8Array over the bytes of an ArrayBuffer, SharedArrayBuffer or ArrayBufferView
  // (no copy), or null for anything else. Detached buffers read as empty.
  function bufferSourceBytes(value) {
    if (!isObject(value)) return null;
    let buffer = value, offset = 0, length;
    if (ArrayBufferIsView(value)) {
      if (TypedArrayPrototypeGetTag(value) !== undefined) {
        length = TypedArrayPrototypeGetByteLength(value); // 0 once detached
        buffer = TypedArrayPrototypeGetBuffer(value);
        offset = TypedArrayPrototypeGetByteOffset(value);
      } else {
        length = attempt(() => DataViewPrototypeGetByteLength(value), 0); // throws once detached
        if (length === 0) return emptyBytes();
        buffer = DataViewPrototypeGetBuffer(value);
        offset = DataViewPrototypeGetByteOffset(value);
      }
    } else if (isArrayBuffer(value)) {
      length = ArrayBufferPrototypeGetByteLength(value);
    } else if (SharedArrayBufferPrototypeGetByteLength !== null &&
               nativeBrand(value) === kBrandSharedArrayBuffer) {
      length = SharedArrayBufferPrototypeGetByteLength(value);
    } else {
      return null;
    }
    return length === 0 ? emptyBytes() : new Uint8ArrayCtor(buffer, offset, length);
  }
  function copyBytes(bytes) {
    const copy = new Uint8ArrayCtor(TypedArrayPrototypeGetLength(bytes));
    TypedArrayPrototypeSet(copy, bytes);
    return copy;
  }
  const sliceBytes = (bytes, start, end) => new Uint8ArrayCtor(TypedArrayPrototypeGetBuffer(bytes),
    TypedArrayPrototypeGetByteOffset(bytes) + start, end - start);
  function concatBytes(first, second) {
    const firstLength = TypedArrayPrototypeGetLength(first);
    const out = new Uint8ArrayCtor(firstLength + TypedArrayPrototypeGetLength(second));
    TypedArrayPrototypeSet(out, first);
    TypedArrayPrototypeSet(out, second, firstLength);
    return out;
  }
  // The Encoding spec's "UTF-8 decode", used for bodies: drops one leading BOM.
  function utf8DecodeWithoutBOM(bytes) {
    const text = nativeUtf8Decode(bytes, false);
    return StringPrototypeCharCodeAt(text, 0) === 0xfeff ? StringPrototypeSlice(text, 1) : text;
  }

  // Makes a class look like a WebIDL interface: enumerable members and a toStringTag.
  function webidlClass(cls, tag) {
    for (const target of [cls.prototype, cls]) {
      const keys = ReflectOwnKeys(target);
      for (let i = 0; i < keys.length; i++) {
        if (typeof keys[i] !== 'string' || keys[i] === 'constructor' || keys[i] === 'prototype' ||
            keys[i] === 'length' || keys[i] === 'name') continue;
        const descriptor = ObjectGetOwnPropertyDescriptor(target, keys[i]);
        descriptor.enumerable = true;
        ObjectDefineProperty(target, keys[i], descriptor);
      }
    }
    ObjectDefineProperty(cls.prototype, SymbolToStringTag, { value: tag, configurable: true });
  }

  // ===== inspect: a small, never-throwing subset of Node's util.inspect ===================
  //
  // Getters are never run (shown as [Getter]), anything that throws while being looked at
  // is shown as [object], and output follows Node's layout rules (80 columns, depth 2).

  const kMaxItems = 100;
  const kMaxStringLength = 10000;
  const kMaxKeys = 1000;
  const kBreakLength = 80;
  const kIdentifier = /^[A-Za-z_$][A-Za-z_$0-9]*$/;
  const kNumeric = /^-?(?:[0-9]|NaN$|Infinity$)/;

  // Set once the fetch classes exist: (value) => [name, [[key, value], ...]] or null.
  let describeWebObject = () => null;

  function inspect(value, depth = 2) {
    return formatValue({ depth, indent: 0, seen: newList() }, value, 0, false);
  }

  function formatValue(ctx, value, level, nested) {
    switch (typeof value) {
      case 'string': return nested ? quoteString(value) : value;
      case 'number': return formatNumber(value);
      case 'bigint': return `${value}n`;
      case 'boolean': case 'undefined': return `${value}`;
      case 'symbol': return StringCtor(value);
    }
    if (value === null) return 'null';
    return attempt(() => formatObject(ctx, value, level, nested),
                   typeof value === 'function' ? '[Function]' : '[object]');
  }

  const formatNumber = (number) => (ObjectIs(number, -0) ? '-0' : `${number}`);

  const kEscapes = { 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 92: '\\\\' };
  ObjectSetPrototypeOf(kEscapes, null);

  // Single quotes unless the string holds some (then " or `), as Node picks them.
  function quoteString(string) {
    let quote = 39;
    if (StringPrototypeIncludes(string, "'")) {
      if (!StringPrototypeIncludes(string, '"')) quote = 34;
      else if (!StringPrototypeIncludes(string, '`') && !StringPrototypeIncludes(string, '${')) {
        quote = 96;
      }
    }
    const extra = string.length - kMaxStringLength;
    if (extra > 0) string = StringPrototypeSlice(string, 0, kMaxStringLength);
    const q = StringFromCharCode(quote);
    let out = q;
    let last = 0;
    for (let i = 0; i < string.length; i++) {
      const code = StringPrototypeCharCodeAt(string, i);
      if (code >= 0x20 && code !== 0x7f && code !== 92 && code !== quote) continue;
      const digits = StringPrototypeSlice(NumberPrototypeToString(code + 0x100, 16), 1); // 2 digits
      const escaped = code === quote ? `\\${q}` : kEscapes[code];
      out += StringPrototypeSlice(string, last, i) +
        (escaped !== undefined ? escaped : `\\x${StringPrototypeToUpperCase(digits)}`);
      last = i + 1;
    }
    out += StringPrototypeSlice(string, last) + q;
    return extra > 0 ? `${out}... ${plural(extra, 'more character')}` : out;
  }

  function formatKey(key) {
    if (typeof key === 'symbol') return `[${StringCtor(key)}]`;
    return RegExpPrototypeExec(kIdentifier, key) !== null ? key : quoteString(key);
  }

  // A function's name from its own data property (never a getter), or ''.
  function functionName(fn) {
    const descriptor = ObjectGetOwnPropertyDescriptor(fn, 'name');
    const name = descriptor !== undefined && hasOwn(descriptor, 'value') ? descriptor.value : '';
    return typeof name === 'string' ? name : '';
  }

  // As Node: the name of the first named `constructor` on the prototype chain; null for a
  // null-prototype object.
  function constructorName(object) {
    let proto = ObjectGetPrototypeOf(object);
    if (proto === null) return null;
    for (let i = 0; proto !== null && i < 1000; i++, proto = ObjectGetPrototypeOf(proto)) {
      const descriptor = ObjectGetOwnPropertyDescriptor(proto, 'constructor');
      const ctor = descriptor !== undefined && hasOwn(descriptor, 'value') && descriptor.value;
      if (typeof ctor !== 'function') continue;
      const name = functionName(ctor);
      if (name !== '') return name;
    }
    return '';
  }

  const isError = (value) => attempt(() => {
    for (let i = 0, proto = value; i < 1000 && proto !== null; i++) {
      proto = ObjectGetPrototypeOf(proto);
      if (proto === ErrorPrototype) return true;
    }
    return false;
  }, false);

  // name, message and stack of an error, each read defensively.
  function errorParts(error) {
    const name = attempt(() => error.name);
    return {
      name: typeof name === 'string' ? name : 'Error',
      message: attempt(() => error.message),
      stack: attempt(() => error.stack),
    };
  }

  function formatPropertyValue(ctx, object, key, level) {
    const descriptor = ObjectGetOwnPropertyDescriptor(object, key);
    if (descriptor === undefined) return 'undefined';
    if (hasOwn(descriptor, 'value')) return formatValue(ctx, descriptor.value, level + 1, true);
    const setter = descriptor.set !== undefined;
    if (descriptor.get !== undefined) return setter ? '[Getter/Setter]' : '[Getter]';
    return setter ? '[Setter]' : 'undefined';
  }

  function formatFunction(fn) {
    const name = functionName(fn);
    const source = attempt(() => FunctionPrototypeToString(fn), '');
    const afterClass = StringPrototypeSlice(source, 5, 6); // ' ' or '{' for a class
    if (StringPrototypeSlice(source, 0, 5) === 'class' &&
        RegExpPrototypeExec(kIdentifier, afterClass) === null) {
      return `[class ${name || '(anonymous)'}]`;
    }
    let kind = constructorName(fn); // AsyncFunction, GeneratorFunction, ...
    if (!kind || StringPrototypeSlice(kind, -8) !== 'Function') kind = 'Function';
    return name ? `[${kind}: ${name}]` : `[${kind} (anonymous)]`;
  }

  function formatObject(ctx, value, level, nested) {
    if (typeof value === 'function') return formatFunction(value);
    const seen = ctx.seen;
    for (let i = 0; i < seen.length; i++) if (seen[i] === value) return '[Circular]';
    if (isError(value)) {
      const { name, message, stack } = errorParts(value);
      const headline = typeof message === 'string' && message !== '' ? `${name}: ${message}` : name;
      return nested || typeof stack !== 'string' ? `[${headline}]` : stack;
    }
    const brand = nativeBrand(value);
    if (brand === kBrandDate) {
      const valid = NumberIsFinite(DatePrototypeGetTime(value));
      return valid ? DatePrototypeToISOString(value) : 'Invalid Date';
    }
    if (brand === kBrandRegExp) {
      return `/${RegExpPrototypeGetSource(value)}/${RegExpPrototypeGetFlags(value)}`;
    }
    if (brand === kBrandNumber) {
      return `[Number: ${formatNumber(NumberPrototypeValueOf(value))}]`;
    }
    if (brand === kBrandString) {
      return `[String: ${quoteString(StringPrototypeValueOf(value))}]`;
    }
    if (brand === kBrandBoolean) {
      return `[Boolean: ${BooleanPrototypeValueOf(value)}]`;
    }

    const name = constructorName(value);
    const isArray = ArrayIsArray(value);
    const typedTag = ArrayBufferIsView(value) ? TypedArrayPrototypeGetTag(value) : undefined;
    const isMap = brand === kBrandMap;
    const isSet = brand === kBrandSet;
    const web = describeWebObject(value);
    if (level > ctx.depth) {
      return isArray ? '[Array]' : `[${web !== null ? web[0] : name || 'Object'}]`;
    }

    const output = newList();
    const arrayLike = isArray || typedTag !== undefined;
    let prefix = name === null ? '[Object: null prototype]' : name === 'Object' ? '' : name;
    let groupable = -1; // how many leading entries are array items, for column packing
    append(seen, value);
    ctx.indent += 2;
    try {
      if (web !== null) {
        prefix = web[0];
        const fields = web[1];
        for (let i = 0; i < fields.length; i++) {
          const shown = formatValue(ctx, fields[i][1], level + 1, true);
          append(output, `${formatKey(fields[i][0])}: ${shown}`);
        }
      } else if (arrayLike) {
        if (!isArray) prefix = `${typedTag}(${TypedArrayPrototypeGetLength(value)})`;
        else prefix = name === 'Array' ? '' : name === null ? '[Array: null prototype]' : name;
        groupable = formatArrayItems(ctx, value, level, isArray, output);
      } else if (isMap || isSet) {
        const size = isMap ? MapPrototypeGetSize(value) : SetPrototypeGetSize(value);
        prefix = `${isMap ? 'Map' : 'Set'}(${size})`;
        const iterator = isMap ? MapPrototypeEntries(value) : SetPrototypeValues(value);
        for (let i = 0; ; i++) {
          const step = isMap ? MapIteratorNext(iterator) : SetIteratorNext(iterator);
          if (step.done) break;
          if (i === kMaxItems) {
            append(output, `... ${plural(size - i, 'more item')}`);
            break;
          }
          const shown = formatValue(ctx, isMap ? step.value[0] : step.value, level + 1, true);
          if (!isMap) append(output, shown);
          else append(output, `${shown} => ${formatValue(ctx, step.value[1], level + 1, true)}`);
        }
      } else if (isArrayBuffer(value)) {
        prefix = 'ArrayBuffer';
        append(output, `byteLength: ${ArrayBufferPrototypeGetByteLength(value)}`);
      }
      if (web === null && !isMap && !isSet) {
        formatOwnProperties(ctx, value, level, arrayLike, output);
      }
    } finally {
      ctx.indent -= 2;
      seen.length -= 1;
    }
    if (output.length === 0) return `${prefix ? `${prefix} ` : ''}${arrayLike ? '[]' : '{}'}`;
    return joinOutput(ctx, output, prefix, arrayLike ? '[' : '{', arrayLike ? ']' : '}', groupable);
  }

  // Appends up to kMaxItems items (holes counted as Node shows them); returns how many
  // entries are items, not counting the "... more items" line.
  function formatArrayItems(ctx, value, level, isArray, output) {
    const length = isArray ? value.length : TypedArrayPrototypeGetLength(value);
    const shown = MathMin(length, kMaxItems);
    let holes = 0;
    for (let i = 0; i <= shown; i++) {
      if (i < shown && isArray && !hasOwn(value, i)) {
        holes++;
        continue;
      }
      if (holes > 0) append(output, `<${plural(holes, 'empty item')}>`);
      holes = 0;
      if (i === shown) break;
      append(output, isArray ? formatPropertyValue(ctx, value, `${i}`, level)
        : formatValue(ctx, value[i], level + 1, true));
    }
    const items = output.length;
    if (length > shown) append(output, `... ${plural(length - shown, 'more item')}`);
    return items;
  }

  // Own enumerable properties; for arrays and typed arrays only the non-index ones.
  function formatOwnProperties(ctx, value, level, arrayLike, output) {
    const keys = ReflectOwnKeys(value);
    for (let i = 0, count = 0; i < keys.length; i++) {
      const key = keys[i];
      if (arrayLike && typeof key === 'string' && (key === 'length' || isArrayIndex(key))) continue;
      const descriptor = ObjectGetOwnPropertyDescriptor(value, key);
      if (descriptor === undefined || !descriptor.enumerable) continue;
      if (++count > kMaxKeys) return append(output, '...');
      append(output, `${formatKey(key)}: ${formatPropertyValue(ctx, value, key, level)}`);
    }
  }

  function isArrayIndex(key) {
    const leadingZero = key.length > 1 && StringPrototypeCharCodeAt(key, 0) === 48;
    if (key.length === 0 || key.length > 10 || leadingZero) return false;
    for (let i = 0; i < key.length; i++) {
      const code = StringPrototypeCharCodeAt(key, i);
      if (code < 48 || code > 57) return false;
    }
    return true;
  }

  // Node's rule: one line when it fits in 80 columns, else one entry per line, except
  // that more than six array items are packed into aligned columns.
  function joinOutput(ctx, output, prefix, open, close, groupable) {
    const start = prefix ? `${prefix} ${open}` : open;
    const lines = groupable >= 0 && output.length > 6 ? groupItems(ctx, output, groupable) : output;
    if (lines === output) {
      let total = output.length + ctx.indent + start.length + 10;
      let fits = total + output.length <= kBreakLength;
      for (let i = 0; fits && i < output.length; i++) {
        total += output[i].length;
        if (total > kBreakLength || StringPrototypeIncludes(output[i], '\n')) fits = false;
      }
      if (fits) return `${start} ${ArrayPrototypeJoin(output, ', ')} ${close}`;
    }
    const indentation = `\n${StringPrototypeRepeat(' ', ctx.indent)}`;
    const body = ArrayPrototypeJoin(lines, `,${indentation}  `);
    return `${start}${indentation}  ${body}${indentation}${close}`;
  }

  // Node's groupArrayElements (compact = 3, no colours) over the first `count` entries.
  function groupItems(ctx, output, count) {
    let totalLength = 0;
    let maxLength = 0;
    let numeric = true;
    for (let i = 0; i < count; i++) {
      totalLength += output[i].length + 2;
      maxLength = MathMax(maxLength, output[i].length);
      if (RegExpPrototypeExec(kNumeric, output[i]) === null) numeric = false;
    }
    const actualMax = maxLength + 2;
    if (actualMax * 3 + ctx.indent >= kBreakLength) return output;
    if (totalLength / actualMax <= 5 && maxLength > 6) return output; // too uneven to pack
    const biasedMax = MathMax(actualMax - 3 - MathSqrt(actualMax - totalLength / output.length), 1);
    const columns = MathMin(MathRound(MathSqrt(2.5 * biasedMax * count) / biasedMax),
                            MathFloor((kBreakLength - ctx.indent) / actualMax), 12);
    if (columns <= 1) return output;
    const widths = newList();
    for (let column = 0; column < columns; column++) {
      let width = 0;
      for (let j = column; j < count; j += columns) width = MathMax(width, output[j].length);
      append(widths, width + 2);
    }
    const pad = numeric ? StringPrototypePadStart : StringPrototypePadEnd;
    const rows = newList();
    for (let i = 0; i < count; i += columns) {
      const last = MathMin(i + columns, count) - 1;
      let row = '';
      for (let j = i; j < last; j++) row += pad(`${output[j]}, `, widths[j - i], ' ');
      const lastWidth = widths[last - i] - 2;
      row += numeric ? StringPrototypePadStart(output[last], lastWidth, ' ') : output[last];
      append(rows, row);
    }
    for (let i = count; i < output.length; i++) append(rows, output[i]);
    return rows;
  }

  // A string for any value, for messages; never throws.
  const safeString = (value) =>
    (typeof value === 'string' ? value : attempt(() => inspect(value), '[object]'));

  // util.format's subset: %s %d %i %f %j %o %O %c %% in a leading string, then the rest of
  // the arguments joined by spaces (strings as they are, anything else inspected).
  function formatArgs(args) {
    const count = args.length;
    if (count === 0) return '';
    const first = args[0];
    let out = '';
    let next = 0; // index of the last argument used
    if (typeof first === 'string') {
      if (count === 1) return first;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (StringPrototypeCharCodeAt(first, i) !== 37) continue; // '%'
        const code = StringPrototypeCharCodeAt(first, ++i);
        if (next + 1 === count || code === 37) { // out of arguments, or %%
          if (code === 37) {
            out += StringPrototypeSlice(first, lastPos, i);
            lastPos = i + 1;
          }
          continue;
        }
        let piece;
        switch (code) {
          case 115: piece = formatPercentS(args[++next]); break; // %s
          case 100: piece = formatPercentNumber(args[++next], NumberCtor); break; // %d
          case 105: piece = formatPercentNumber(args[++next], NumberParseInt); break; // %i
          case 102: piece = formatPercentNumber(args[++next], NumberParseFloat); break; // %f
          case 106: piece = formatPercentJ(args[++next]); break; // %j
          case 111: piece = inspect(args[++next], 4); break; // %o
          case 79: piece = inspect(args[++next]); break; // %O
          case 99: next++; piece = ''; break; // %c: CSS means nothing here
          default: continue;
        }
        out += StringPrototypeSlice(first, lastPos, i - 1) + piece;
        lastPos = i + 1;
      }
      out += StringPrototypeSlice(first, lastPos);
      next++;
    }
    for (let separator = next === 0 ? '' : ' '; next < count; next++, separator = ' ') {
      out += separator + (typeof args[next] === 'string' ? args[next] : inspect(args[next]));
    }
    return out;
  }
  function formatPercentS(value) {
    if (typeof value === 'object' && value !== null) return inspect(value, 0);
    if (typeof value === 'number') return formatNumber(value);
    if (typeof value === 'bigint') return `${value}n`;
    return attempt(() => StringCtor(value), '[object]'); // functions show their source, as in Node
  }
  function formatPercentNumber(value, convert) {
    if (typeof value === 'bigint' && convert !== NumberParseFloat) return `${value}n`;
    if (typeof value === 'symbol') return 'NaN';
    const number = () => (convert === NumberCtor ? NumberCtor(value) : convert(StringCtor(value)));
    return attempt(() => formatNumber(number()), 'NaN');
  }
  const formatPercentJ = (value) => attempt(() => `${JSONStringify(value)}`, '[Circular]');

  // ===== Encoding: TextEncoder, TextDecoder ================================================

  class TextEncoder {
    get encoding() { return 'utf-8'; }

    encode(input = '') {
      return utf8Encode(toUSVString(input));
    }

    // Writes whole code points only; `read` counts UTF-16 code units; a lone surrogate is
    // written as U+FFFD.
    encodeInto(source, destination) {
      const string = toUSVString(source);
      if (!isUint8Array(destination)) {
        throw new TypeErrorCtor('encodeInto: destination must be a Uint8Array');
      }
      const capacity = TypedArrayPrototypeGetLength(destination);
      let read = 0;
      let written = 0;
      while (read < string.length) {
        let code = StringPrototypeCharCodeAt(string, read);
        let units = 1;
        if (code >= 0xd800 && code <= 0xdfff) {
          // A high surrogate followed by a low one; charCodeAt past the end is NaN.
          const low = code <= 0xdbff ? StringPrototypeCharCodeAt(string, read + 1) : 0;
          if (low >= 0xdc00 && low <= 0xdfff) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            units = 2;
          } else {
            code = 0xfffd;
          }
        }
        const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        if (written + size > capacity) break;
        if (size === 1) {
          destination[written] = code;
        } else {
          // Lead byte, then continuation bytes of 6 bits each, most significant first.
          const lead = size === 2 ? 0xc0 : size === 3 ? 0xe0 : 0xf0;
          destination[written] = lead | (code >> (6 * (size - 1)));
          for (let k = 1; k < size; k++) {
            destination[written + k] = 0x80 | ((code >> (6 * (size - 1 - k))) & 0x3f);
          }
        }
        read += units;
        written += size;
      }
      return { read, written };
    }
  }
  webidlClass(TextEncoder, 'TextEncoder');

  // The Encoding spec's labels for UTF-8, the only encoding so far.
  const kUtf8Labels = [
    'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8',
  ];
  const isAsciiWhitespace = (code) =>
    code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d || code === 0x20;

  // How much of `bytes` can be decoded now: a trailing sequence that is a valid but
  // incomplete start of a code point (at most 3 bytes) waits for the next chunk. Decoding
  // the rest now gives the same text as decoding everything at once.
  function decodablePrefixLength(bytes) {
    const length = TypedArrayPrototypeGetLength(bytes);
    let start = length - 1;
    while (start >= 0 && start >= length - 3 && (bytes[start] & 0xc0) === 0x80) start--;
    if (start < 0 || start < length - 3) return length;
    const lead = bytes[start];
    const needed = lead >= 0xc2 && lead <= 0xdf ? 2
      : lead >= 0xe0 && lead <= 0xef ? 3
        : lead >= 0xf0 && lead <= 0xf4 ? 4 : 1;
    if (length - start >= needed) return length;
    // After these leads the second byte's range is narrower (no overlongs, surrogates or
    // code points past U+10FFFF): an invalid prefix is decoded, to U+FFFD, right away.
    const second = length - start >= 2 ? bytes[start + 1] : -1;
    if (second !== -1 && ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) ||
        (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f))) return length;
    return start;
  }

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    #pending = null; // Uint8Array: an incomplete sequence kept between streaming calls
    #started = false; // whether the current stream has produced output (BOM handled)

    constructor(label = 'utf-8', options = undefined) {
      const trimmed = trimWith(toUSVString(label), isAsciiWhitespace);
      const normalized = StringPrototypeToLowerCase(trimmed);
      let known = false;
      for (let i = 0; i < kUtf8Labels.length; i++) known ||= kUtf8Labels[i] === normalized;
      if (!known) throw new RangeErrorCtor(`The "${toUSVString(label)}" encoding is not supported`);
      const dictionary = toDictionary(options, 'TextDecoder options');
      this.#fatal = !!member(dictionary, 'fatal');
      this.#ignoreBOM = !!member(dictionary, 'ignoreBOM');
    }

    get encoding() {
      this.#fatal; // brand check: throws for anything but a TextDecoder
      return 'utf-8';
    }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }

    decode(input = undefined, options = undefined) {
      let bytes = input === undefined ? emptyBytes() : bufferSourceBytes(input);
      if (bytes === null) {
        throw new TypeErrorCtor('decode: input must be an ArrayBuffer or an ArrayBufferView');
      }
      const stream = !!member(toDictionary(options, 'TextDecoder.decode options'), 'stream');
      if (this.#pending !== null) {
        bytes = concatBytes(this.#pending, bytes);
        this.#pending = null;
      }
      const length = TypedArrayPrototypeGetLength(bytes);
      const end = stream ? decodablePrefixLength(bytes) : length;
      if (end < length) this.#pending = copyBytes(sliceBytes(bytes, end, length));
      let text;
      try {
        const ready = end === length ? bytes : sliceBytes(bytes, 0, end);
        text = end === 0 ? '' : nativeUtf8Decode(ready, this.#fatal);
      } catch (error) {
        this.#pending = null;
        this.#started = false;
        throw error;
      }
      if (!this.#started && text.length > 0) {
        this.#started = true;
        if (!this.#ignoreBOM && StringPrototypeCharCodeAt(text, 0) === 0xfeff) {
          text = StringPrototypeSlice(text, 1);
        }
      }
      if (!stream) this.#started = false;
      return text;
    }
  }
  webidlClass(TextDecoder, 'TextDecoder');

  // ===== Fetch: Headers ====================================================================
  //
  // A header list is a null-prototype array of { name (lowercased), value } in insertion
  // order. Header lists are owned by one Headers object; copies are made when shared.

  const kInternal = ObjectCreate(null); // constructor argument that skips WebIDL processing
  const kToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const kImmutableHeaders = "Can't modify immutable headers.";
  const isHttpWhitespace = (code) =>
    code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

  function headerName(value) {
    const name = toByteString(value);
    if (RegExpPrototypeExec(kToken, name) === null) {
      throw new TypeErrorCtor(`Invalid header name: "${name}"`);
    }
    return StringPrototypeToLowerCase(name);
  }
  function headerValue(value) {
    const normalized = trimWith(toByteString(value), isHttpWhitespace);
    for (let i = 0; i < normalized.length; i++) {
      const code = StringPrototypeCharCodeAt(normalized, i);
      if (code === 0 || code === 0x0a || code === 0x0d) {
        throw new TypeErrorCtor(`Invalid header value: ${quoteString(normalized)}`);
      }
    }
    return normalized;
  }
  function copyHeaderList(list) {
    const copy = newList();
    for (let i = 0; i < list.length; i++) {
      append(copy, { name: list[i].name, value: list[i].value });
    }
    return copy;
  }
  function hasHeader(list, name) {
    for (let i = 0; i < list.length; i++) if (list[i].name === name) return true;
    return false;
  }
  const compareHeaderNames = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

  // Fetch's "sort and combine": sorted by name, the values of a name joined with ", ",
  // except set-cookie, which stays one entry per value.
  function sortAndCombine(list) {
    const sorted = copyHeaderList(list);
    ArrayPrototypeSort(sorted, compareHeaderNames); // stable, so each name keeps its order
    const out = newList();
    for (let i = 0; i < sorted.length; i++) {
      const previous = out.length > 0 ? out[out.length - 1] : null;
      if (previous !== null && previous.name === sorted[i].name && previous.name !== 'set-cookie') {
        previous.value += `, ${sorted[i].value}`;
      } else {
        append(out, sorted[i]);
      }
    }
    return out;
  }

  let headersList; // (headers) => its list
  let headersGuard; // (headers) => 'none' | 'immutable'
  let headersIterationList; // (headers) => its sorted-and-combined list (do not modify)
  let newHeaders; // (list, guard) => Headers
  let isHeaders; // (value) => boolean

  class Headers {
    #list = newList();
    #guard = 'none'; // 'immutable' for incoming requests and redirect/error responses
    #sorted = null; // sort-and-combine cache, dropped on every change

    static {
      isHeaders = (value) => isObject(value) && #list in value;
      headersList = (headers) => headers.#list;
      headersGuard = (headers) => headers.#guard;
      headersIterationList = (headers) => (headers.#sorted ??= sortAndCombine(headers.#list));
      newHeaders = (list, guard) => {
        const headers = new Headers();
        headers.#list = list;
        headers.#guard = guard;
        return headers;
      };
    }

    constructor(init = undefined) {
      if (init !== undefined) this.#fill(init);
    }

    // Fetch's "fill": from Headers, a sequence of pairs or a record.
    #fill(init) {
      if (isHeaders(init)) {
        const pairs = headersIterationList(init);
        for (let i = 0; i < pairs.length; i++) this.#append(pairs[i].name, pairs[i].value);
        return;
      }
      if (!isObject(init)) {
        throw new TypeErrorCtor("Failed to construct 'Headers': The provided value is not of " +
          "type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
      }
      // A sequence of pairs. Iterating the caller's own objects with the iterator protocol
      // is what WebIDL does, so for-of is right here.
      const method = init[SymbolIterator];
      if (method !== undefined && method !== null) {
        if (typeof method !== 'function') throw new TypeErrorCtor('Headers init is not iterable');
        for (const pair of init) {
          if (!isObject(pair)) throw new TypeErrorCtor('Header pair must be an iterable');
          const items = newList();
          for (const item of pair) append(items, item);
          if (items.length !== 2) {
            throw new TypeErrorCtor('Header pair must contain exactly two items');
          }
          this.#append(items[0], items[1]);
        }
        return;
      }
      const keys = ReflectOwnKeys(init);
      for (let i = 0; i < keys.length; i++) {
        const descriptor = ObjectGetOwnPropertyDescriptor(init, keys[i]);
        if (descriptor === undefined || !descriptor.enumerable) continue;
        if (typeof keys[i] === 'symbol') throw new TypeErrorCtor('Header names cannot be symbols');
        this.#append(keys[i], init[keys[i]]);
      }
    }

    #append(name, value) {
      name = headerName(name);
      value = headerValue(value);
      this.#checkMutable();
      append(this.#list, { name, value });
      this.#sorted = null;
    }

    #checkMutable() {
      if (this.#guard === 'immutable') throw new TypeErrorCtor(kImmutableHeaders);
    }

    append(name, value) {
      this.#append(name, value);
    }

    delete(name) {
      name = headerName(name);
      this.#checkMutable();
      const kept = newList();
      for (let i = 0; i < this.#list.length; i++) {
        if (this.#list[i].name !== name) append(kept, this.#list[i]);
      }
      this.#list = kept;
      this.#sorted = null;
    }

    get(name) {
      name = headerName(name);
      let result = null;
      for (let i = 0; i < this.#list.length; i++) {
        const entry = this.#list[i];
        if (entry.name !== name) continue;
        result = result === null ? entry.value : `${result}, ${entry.value}`;
      }
      return result;
    }

    getSetCookie() {
      const result = [];
      for (let i = 0, n = 0; i < this.#list.length; i++) {
        if (this.#list[i].name !== 'set-cookie') continue;
        // A null-prototype descriptor: a `get` planted on Object.prototype must not count.
        ObjectDefineProperty(result, n++, {
          __proto__: null, value: this.#list[i].value,
          writable: true, enumerable: true, configurable: true,
        });
      }
      return result;
    }

    has(name) {
      return hasHeader(this.#list, headerName(name));
    }

    set(name, value) {
      name = headerName(name);
      value = headerValue(value);
      this.#checkMutable();
      // The first entry of that name takes the value in place; the others go.
      const updated = newList();
      let found = false;
      for (let i = 0; i < this.#list.length; i++) {
        if (this.#list[i].name !== name) {
          append(updated, this.#list[i]);
        } else if (!found) {
          found = true;
          append(updated, { name, value });
        }
      }
      if (!found) append(updated, { name, value });
      this.#list = updated;
      this.#sorted = null;
    }

    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') {
        throw new TypeErrorCtor('Headers.forEach: callback is not a function');
      }
      // Live, as WebIDL iterables are: changes made by the callback are seen.
      for (let i = 0; i < headersIterationList(this).length; i++) {
        const entry = headersIterationList(this)[i];
        ReflectApply(callback, thisArg, [entry.value, entry.name, this]);
      }
    }

    keys() { return new HeadersIterator(this, 'key', kInternal); }
    values() { return new HeadersIterator(this, 'value', kInternal); }
    entries() { return new HeadersIterator(this, 'key+value', kInternal); }
  }
  ObjectDefineProperty(Headers.prototype, SymbolIterator, {
    value: Headers.prototype.entries, writable: true, configurable: true });
  webidlClass(Headers, 'Headers');

  class HeadersIterator {
    #headers;
    #kind;
    #index = 0;

    constructor(headers, kind, token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
      this.#headers = headers;
      this.#kind = kind;
    }

    next() {
      const list = headersIterationList(this.#headers);
      if (this.#index >= list.length) return { value: undefined, done: true };
      const { name, value } = list[this.#index++];
      const kind = this.#kind;
      const result = kind === 'key' ? name : kind === 'value' ? value : [name, value];
      return { value: result, done: false };
    }
  }
  ObjectSetPrototypeOf(HeadersIterator.prototype, IteratorPrototype);
  delete HeadersIterator.prototype.constructor;
  webidlClass(HeadersIterator, 'Headers Iterator');

  // ===== Fetch: bodies =====================================================================
  //
  // A body is { bytes: Uint8Array | null, stream: ReadableStream | null, used }: bytes (the
  // runtime's own copy, never handed out, so clones share them) until a stream is asked
  // for, then the stream. Streams, Blob, FormData and URLSearchParams are modules/body.js's,
  // loaded only when one of them is involved.

  const kBodyUsed = 'Body has already been used. It can only be used once.';
  const newBody = (bytes) => ({ bytes, stream: null, used: false });
  const bodyModule = () => requireModule('body');
  // Fetch's "unusable" (disturbed or locked), and "disturbed" (the bodyUsed attribute).
  const bodyUnusable = (body) => (body.stream !== null ? bodyModule().unusable(body) : body.used);
  const bodyUsed = (body) => (body.stream !== null ? bodyModule().disturbed(body) : body.used);
  const hasBody = (body) => body.bytes !== null || body.stream !== null;
  const bodyStream = (body) => (hasBody(body) ? bodyModule().stream(body) : null);

  // Fetch's "extract a body": a body with its `type`. An object goes to the body module
  // only once a module that makes Blobs, FormData, streams or URLSearchParams is loaded.
  function extractBody(value) {
    const bytes = typeof value === 'string' ? null : bufferSourceBytes(value);
    if (bytes !== null) return { bytes: copyBytes(bytes), stream: null, used: false, type: null };
    if (isObject(value) && (loadedModules.blob !== undefined ||
        loadedModules.formdata !== undefined || loadedModules.streams !== undefined ||
        loadedModules.url !== undefined)) {
      const extracted = bodyModule().extract(value);
      if (extracted !== null) return extracted;
    }
    const text = utf8Encode(toUSVString(value));
    return { bytes: text, stream: null, used: false, type: 'text/plain;charset=UTF-8' };
  }

  function consumeBody(body, kind, headers) {
    try {
      if (bodyUnusable(body)) throw new TypeErrorCtor(kBodyUsed);
      if (body.stream !== null || kind === 'blob' || kind === 'formData') {
        return bodyModule().consume(body, kind, headersList(headers));
      }
      const bytes = body.bytes;
      if (bytes !== null) body.used = true; // a null body is never disturbed
      if (kind === 'text' || kind === 'json') {
        const text = bytes === null ? '' : utf8DecodeWithoutBOM(bytes);
        return resolvedPromise(kind === 'text' ? text : JSONParse(text));
      }
      const copy = bytes === null ? emptyBytes() : copyBytes(bytes);
      return resolvedPromise(kind === 'bytes' ? copy : TypedArrayPrototypeGetBuffer(copy));
    } catch (error) {
      return rejectedPromise(error);
    }
  }

  // clone(): the same bytes, or the stream teed.
  const cloneBody = (body) =>
    (body.stream !== null ? bodyModule().clone(body) : newBody(body.bytes));

  // respond() with a stream body: read to its end, the body cap enforced as chunks come.
  function sendStreamBody(response, finish) {
    const { status, headers, body } = responseParts(response);
    const flat = flatHeaders(headersIterationList(headers));
    bodyModule().collectResponse(body.stream, native.responseBodyLimit(), {
      __proto__: null,
      done: (bytes) => finish(0, status, flat, bytes),
      bad: (message) => finish(2, message),
      threw: (error) => finish(1, describeError(error)),
    });
  }

  // A clone's headers: the same list, and immutable if the original's are.
  const copyHeaders = (headers) =>
    newHeaders(copyHeaderList(headersList(headers)), headersGuard(headers));

  // Adds the extracted body's content type unless the headers already have one.
  function addContentType(headers, type) {
    if (type !== null && !hasHeader(headersList(headers), 'content-type')) {
      headers.append('content-type', type);
    }
  }

  // ===== Fetch: Request ====================================================================

  // Fetch uppercases these; PATCH is added because a lowercase "patch" is always a mistake.
  const kNormalizedMethods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
  function normalizeMethod(method) {
    const upper = StringPrototypeToUpperCase(method);
    for (let i = 0; i < kNormalizedMethods.length; i++) {
      if (kNormalizedMethods[i] === upper) return upper;
    }
    return method;
  }

  let newRequest; // (method, url, headers, body) => Request
  let describeRequest; // (value) => [[key, value], ...] or null

  class Request {
    #method;
    #url; // kept as given: there is no URL parser yet, so relative URLs stay relative
    #headers;
    #body;

    static {
      newRequest = (method, url, headers, body) => {
        const request = new Request(kInternal);
        request.#method = method;
        request.#url = url;
        request.#headers = headers;
        request.#body = body;
        return request;
      };
      describeRequest = (value) => (isObject(value) && #body in value
        ? [['method', value.#method], ['url', value.#url], ['headers', value.#headers],
          ['bodyUsed', bodyUsed(value.#body)]]
        : null);
    }

    constructor(input, init = undefined) {
      if (input === kInternal) return;
      if (arguments.length < 1) {
        throw new TypeErrorCtor("Failed to construct 'Request': 1 argument required.");
      }
      const source = isObject(input) && #body in input ? input : null;
      const dictionary = toDictionary(init, 'RequestInit');
      const initBody = member(dictionary, 'body');
      const initDuplex = member(dictionary, 'duplex');
      const initHeaders = member(dictionary, 'headers');
      const initMethod = member(dictionary, 'method');
      if (initDuplex !== undefined && toUSVString(initDuplex) !== 'half') {
        throw new TypeErrorCtor(`'${toUSVString(initDuplex)}' is not a valid RequestDuplex`);
      }
      let method = source !== null ? source.#method : 'GET';
      if (initMethod !== undefined) {
        method = toByteString(initMethod);
        if (RegExpPrototypeExec(kToken, method) === null) {
          throw new TypeErrorCtor(`'${method}' is not a valid HTTP method.`);
        }
        method = normalizeMethod(method);
      }
      const headers = initHeaders !== undefined || source === null ? new Headers(initHeaders)
        : newHeaders(copyHeaderList(headersList(source.#headers)), 'none');
      const hasInitBody = initBody !== undefined && initBody !== null;
      const sourceHasBody = source !== null && hasBody(source.#body);
      if ((hasInitBody || sourceHasBody) && (method === 'GET' || method === 'HEAD')) {
        throw new TypeErrorCtor('Request with GET/HEAD method cannot have body.');
      }
      let body = newBody(null);
      if (hasInitBody) {
        const extracted = extractBody(initBody);
        addContentType(headers, extracted.type);
        if (extracted.stream !== null && initDuplex === undefined) {
          throw new TypeErrorCtor("Failed to construct 'Request': The duplex member must be " +
            'specified for a request with a streaming body');
        }
        body = extracted;
      } else if (sourceHasBody) {
        body = Request.#takeBody(source);
      }
      this.#method = method;
      this.#url = source !== null ? source.#url : toUSVString(input);
      this.#headers = headers;
      this.#body = body;
    }

    // Fetch's "create a proxy" of a source request's body: it moves; the source's is used.
    static #takeBody(source) {
      if (bodyUnusable(source.#body)) {
        throw new TypeErrorCtor(
          'Cannot construct a Request with a Request object that has already been used.');
      }
      if (source.#body.stream !== null) return bodyModule().proxy(source.#body);
      source.#body.used = true;
      return newBody(source.#body.bytes);
    }

    get method() { return this.#method; }
    get url() { return this.#url; }
    get headers() { return this.#headers; }
    get body() { return bodyStream(this.#body); }
    get bodyUsed() { return bodyUsed(this.#body); }
    get duplex() {
      this.#body; // brand check
      return 'half';
    }

    text() { return consumeBody(this.#body, 'text', this.#headers); }
    json() { return consumeBody(this.#body, 'json', this.#headers); }
    arrayBuffer() { return consumeBody(this.#body, 'arrayBuffer', this.#headers); }
    bytes() { return consumeBody(this.#body, 'bytes', this.#headers); }
    blob() { return consumeBody(this.#body, 'blob', this.#headers); }
    formData() { return consumeBody(this.#body, 'formData', this.#headers); }

    clone() {
      if (bodyUnusable(this.#body)) {
        throw new TypeErrorCtor(
          "Failed to execute 'clone' on 'Request': Request body is already used");
      }
      const headers = copyHeaders(this.#headers);
      return newRequest(this.#method, this.#url, headers, cloneBody(this.#body));
    }
  }
  webidlClass(Request, 'Request');

  // ===== Fetch: Response ===================================================================

  const kNullBodyStatuses = [101, 103, 204, 205, 304];
  const kRedirectStatuses = [301, 302, 303, 307, 308];
  function includesNumber(list, value) {
    for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
    return false;
  }
  function isReasonPhrase(text) {
    for (let i = 0; i < text.length; i++) {
      const code = StringPrototypeCharCodeAt(text, i);
      if (code !== 0x09 && (code < 0x20 || code === 0x7f)) return false; // ByteString: <= 0xff
    }
    return true;
  }

  let isResponse; // (value) => boolean
  let responseParts; // (response) => { status, type, headers, body }
  let describeResponse; // (value) => [[key, value], ...] or null

  class Response {
    #status = 200;
    #statusText = '';
    #headers;
    #body;
    #type = 'default'; // or 'error'

    static {
      isResponse = (value) => isObject(value) && #body in value;
      responseParts = (response) => ({
        status: response.#status, type: response.#type,
        headers: response.#headers, body: response.#body,
      });
      describeResponse = (value) => (isObject(value) && #body in value
        ? [['status', value.#status], ['statusText', value.#statusText],
          ['headers', value.#headers], ['ok', value.#status >= 200 && value.#status <= 299],
          ['bodyUsed', bodyUsed(value.#body)]]
        : null);
    }

    constructor(body = null, init = undefined) {
      if (body === kInternal) return;
      const extracted = body === null || body === undefined ? null : extractBody(body);
      Response.#initialize(this, init, extracted);
    }

    // Fetch's "initialize a response".
    static #initialize(response, init, extracted) {
      const dictionary = toDictionary(init, 'ResponseInit');
      const initHeaders = member(dictionary, 'headers');
      const rawStatus = member(dictionary, 'status');
      const rawStatusText = member(dictionary, 'statusText');
      const status = rawStatus === undefined ? 200 : toUnsignedShort(rawStatus);
      const statusText = rawStatusText === undefined ? '' : toByteString(rawStatusText);
      if (status < 200 || status > 599) {
        throw new RangeErrorCtor("Failed to construct 'Response': The status provided " +
          `(${status}) is outside the range [200, 599].`);
      }
      if (!isReasonPhrase(statusText)) {
        throw new TypeErrorCtor(`Invalid statusText: ${quoteString(statusText)}`);
      }
      const headers = new Headers(initHeaders);
      if (extracted !== null) {
        if (includesNumber(kNullBodyStatuses, status)) {
          throw new TypeErrorCtor(`Response with null body status (${status}) cannot have body`);
        }
        addContentType(headers, extracted.type);
      }
      response.#status = status;
      response.#statusText = statusText;
      response.#headers = headers;
      response.#body = extracted ?? newBody(null);
    }

    static #create(status, headers, type) {
      const response = new Response(kInternal);
      response.#status = status;
      response.#headers = headers;
      response.#body = newBody(null);
      response.#type = type;
      return response;
    }

    static error() {
      return Response.#create(0, newHeaders(newList(), 'immutable'), 'error');
    }

    static redirect(url, status = 302) {
      const location = headerValue(toUSVString(url)); // kept as given, as there is no URL yet
      status = toUnsignedShort(status);
      if (!includesNumber(kRedirectStatuses, status)) {
        throw new RangeErrorCtor(
          `Failed to execute 'redirect' on 'Response': Invalid status code ${status}`);
      }
      const list = newList();
      append(list, { name: 'location', value: location });
      return Response.#create(status, newHeaders(list, 'immutable'), 'default');
    }

    static json(data, init = undefined) {
      const text = JSONStringify(data);
      if (text === undefined) throw new TypeErrorCtor('Value is not JSON serializable');
      const response = new Response(kInternal);
      Response.#initialize(response, init,
        { bytes: utf8Encode(text), stream: null, used: false, type: 'application/json' });
      return response;
    }

    get type() { return this.#type; }
    // Only fetch() makes responses with a URL or redirects; reading #type brand-checks.
    get url() {
      this.#type;
      return '';
    }
    get redirected() {
      this.#type;
      return false;
    }
    get status() { return this.#status; }
    get ok() { return this.#status >= 200 && this.#status <= 299; }
    get statusText() { return this.#statusText; }
    get headers() { return this.#headers; }
    get body() { return bodyStream(this.#body); }
    get bodyUsed() { return bodyUsed(this.#body); }

    text() { return consumeBody(this.#body, 'text', this.#headers); }
    json() { return consumeBody(this.#body, 'json', this.#headers); }
    arrayBuffer() { return consumeBody(this.#body, 'arrayBuffer', this.#headers); }
    bytes() { return consumeBody(this.#body, 'bytes', this.#headers); }
    blob() { return consumeBody(this.#body, 'blob', this.#headers); }
    formData() { return consumeBody(this.#body, 'formData', this.#headers); }

    clone() {
      if (bodyUnusable(this.#body)) {
        throw new TypeErrorCtor(
          "Failed to execute 'clone' on 'Response': Response body is already used");
      }
      const response = Response.#create(this.#status, copyHeaders(this.#headers), this.#type);
      response.#statusText = this.#statusText;
      response.#body = cloneBody(this.#body);
      return response;
    }
  }
  webidlClass(Response, 'Response');

  describeWebObject = (value) => {
    if (isHeaders(value)) {
      const list = headersIterationList(value);
      const fields = newList();
      for (let i = 0; i < list.length; i++) append(fields, [list[i].name, list[i].value]);
      return ['Headers', fields];
    }
    const request = describeRequest(value);
    if (request !== null) return ['Request', request];
    const response = describeResponse(value);
    return response !== null ? ['Response', response] : null;
  };

  // ===== console ===========================================================================
  //
  // Every method formats its arguments (never throwing) and hands one string to
  // native.log. trace goes out at 'debug' level and assert at 'error', as Workers does.

  let groupIndent = '';
  const counts = ObjectCreate(null);
  const timers = ObjectCreate(null);

  function emit(level, message) {
    if (groupIndent !== '') {
      let indented = groupIndent;
      for (let i = 0; i < message.length; i++) {
        indented += message[i] === '\n' ? `\n${groupIndent}` : message[i];
      }
      message = indented;
    }
    attempt(() => nativeLog(level, message));
  }
  const safeFormat = (args) =>
    attempt(() => formatArgs(args), '[console: could not format the arguments]');
  const labelOf = (label) =>
    (label === undefined ? 'default' : attempt(() => toUSVString(label), 'default'));
  const logAt = (level) => (...args) => emit(level, safeFormat(args));
  const elapsed = (key) => `${key}: ${DateNow() - timers[key]}ms`;

  const consoleMethods = {
    log: logAt('log'),
    info: logAt('info'),
    warn: logAt('warn'),
    error: logAt('error'),
    debug: logAt('debug'),
    table: logAt('log'),
    dir: logAt('log'),
    dirxml: logAt('log'),
    trace(...args) {
      const stack = attempt(() => {
        const holder = ObjectCreate(null);
        ErrorCaptureStackTrace(holder, consoleMethods.trace); // the frames below console.trace
        return holder.stack;
      });
      const newline = typeof stack === 'string' ? StringPrototypeIndexOf(stack, '\n') : -1;
      emit('debug', (args.length > 0 ? `Trace: ${safeFormat(args)}` : 'Trace') +
        (newline >= 0 ? StringPrototypeSlice(stack, newline) : ''));
    },
    assert(condition = false, ...args) {
      if (condition) return;
      emit('error', args.length > 0 ? `Assertion failed: ${safeFormat(args)}` : 'Assertion failed');
    },
    count(label = undefined) {
      const key = labelOf(label);
      counts[key] = (counts[key] || 0) + 1;
      emit('info', `${key}: ${counts[key]}`);
    },
    countReset(label = undefined) {
      const key = labelOf(label);
      if (counts[key] === undefined) emit('warn', `Count for '${key}' does not exist`);
      else counts[key] = 0;
    },
    group(...args) {
      if (args.length > 0) emit('log', safeFormat(args));
      groupIndent += '  ';
    },
    groupCollapsed(...args) {
      ReflectApply(consoleMethods.group, undefined, args);
    },
    groupEnd() {
      groupIndent = StringPrototypeSlice(groupIndent, 0, MathMax(0, groupIndent.length - 2));
    },
    time(label = undefined) {
      const key = labelOf(label);
      if (timers[key] === undefined) timers[key] = DateNow();
      else emit('warn', `Label '${key}' already exists for console.time()`);
    },
    timeLog(label = undefined, ...args) {
      const key = labelOf(label);
      if (timers[key] === undefined) emit('warn', `No such label '${key}' for console.timeLog()`);
      else emit('log', args.length > 0 ? `${elapsed(key)} ${safeFormat(args)}` : elapsed(key));
    },
    timeEnd(label = undefined) {
      const key = labelOf(label);
      if (timers[key] === undefined) {
        return emit('warn', `No such label '${key}' for console.timeEnd()`);
      }
      emit('log', elapsed(key));
      delete timers[key];
    },
  };

  // A namespace object, like the real console: enumerable methods on an object whose
  // prototype is an empty object.
  const console = ObjectCreate(ObjectCreate(ObjectPrototype));
  {
    const names = ReflectOwnKeys(consoleMethods);
    for (let i = 0; i < names.length; i++) {
      const fn = consoleMethods[names[i]];
      ObjectDefineProperty(fn, 'name', { value: names[i], configurable: true });
      ObjectDefineProperty(console, names[i], {
        value: fn, writable: true, enumerable: true, configurable: true,
      });
    }
    ObjectDefineProperty(console, SymbolToStringTag, { value: 'console', configurable: true });
  }

  // ===== Runtime modules: globals loaded on first use =======================================
  //
  // Most of the Web API lives in sdk/runtime/modules/*.js (see runtime_modules.h). Each of
  // their globals starts as an accessor on globalThis; the first read loads its module (a
  // factory compiled from the binary's bytes), the accessor becomes a plain data property,
  // and the module's objects exist from then on in that isolate only. An isolate whose
  // function never touches URL never pays for URL, neither in the base snapshot every
  // isolate boots from nor at run time; a function that uses it at top level carries it in
  // its own snapshot.
  //
  // A module loads after user code may have run, so what it must not lose to tampering it
  // takes from `rt.primordials` (captured here, before any user code); its factory runs once
  // per isolate, under the limits of whatever user code first touched it.

  const primordials = ObjectFreeze({
    __proto__: null,
    uncurryThis, getterOf, ObjectPrototype, ObjectCreate, ObjectDefineProperty, ObjectIs,
    ObjectGetOwnPropertyDescriptor, ObjectGetPrototypeOf, ObjectSetPrototypeOf, ObjectFreeze,
    ObjectPrototypeHasOwnProperty, ReflectApply, ReflectConstruct, ReflectOwnKeys, ArrayIsArray,
    ArrayPrototypeJoin, ArrayPrototypeSort, StringCtor, StringFromCharCode,
    StringPrototypeCharCodeAt, StringPrototypeSlice, StringPrototypeIncludes,
    StringPrototypeIndexOf, StringPrototypeToLowerCase, StringPrototypeToUpperCase,
    StringPrototypeRepeat, StringPrototypePadStart, StringPrototypePadEnd, NumberCtor,
    NumberIsFinite, NumberParseInt, NumberParseFloat, NumberPrototypeToString, MathTrunc,
    MathSqrt, MathFloor, MathRound, MathMin, MathMax, SymbolIterator, SymbolToStringTag,
    FunctionPrototypeToString, ErrorPrototype, ErrorCaptureStackTrace, TypeErrorCtor,
    RangeErrorCtor, JSONStringify, JSONParse, PromiseCtor, PromisePrototypeThen,
    RegExpPrototypeExec, DateNow, MapPrototypeGetSize, SetPrototypeGetSize, Uint8ArrayCtor,
    TypedArrayPrototype, TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteOffset,
    TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetLength, TypedArrayPrototypeGetTag,
    TypedArrayPrototypeSet, ArrayBufferIsView, ArrayBufferPrototypeGetByteLength,
    SymbolAsyncIterator, DataViewPrototypeGetBuffer,
    DataViewPrototypeGetByteOffset, DataViewPrototypeGetByteLength,
    FunctionPrototypeSymbolHasInstance, MathRandom,
  });

  const loadedModules = ObjectCreate(null);
  // A module's exports, loading it (once per isolate) if it has not been.
  function requireModule(name) {
    const loaded = loadedModules[name];
    if (loaded !== undefined) return loaded;
    const exports = ReflectApply(native.loadModule(name), undefined, [rt]);
    loadedModules[name] = exports;
    return exports;
  }

  // What a module's factory gets. Helpers are shared rather than copied per module.
  // Set by modules/timers.js when it loads: how the host's timer events reach it.
  let timerHooks = null;

  const rt = ObjectFreeze({
    __proto__: null,
    primordials,
    native,
    require: requireModule,
    loaded: (name) => loadedModules[name] ?? null, // without loading it
    setTimerHooks(hooks) { timerHooks = hooks; },
    // An exception nobody can catch (a timer's or a microtask's callback threw): reported on
    // the console, as a browser reports it, and the invocation goes on.
    reportException(error) {
      const text = describeError(error);
      nativeLog('error', StringPrototypeSlice(text, 0, 9) === 'Uncaught ' ? text : `Uncaught ${text}`);
    },
    utf8Encode,
    utf8Decode: nativeUtf8Decode,
    domainToASCII: native.domainToASCII,
    newList, append, isObject, hasOwn, attempt, plural,
    resolvedPromise, rejectedPromise, tryNativeThen,
    toUSVString, toByteString, toDictionary, member, webidlClass,
    bufferSourceBytes, copyBytes, concatBytes, utf8DecodeWithoutBOM,
    // Removes the first `item` of an internal list, keeping the order of the rest.
    removeItem(list, item) {
      let i = 0;
      while (i < list.length && list[i] !== item) i++;
      if (i === list.length) return;
      for (; i + 1 < list.length; i++) list[i] = list[i + 1];
      list.length--;
    },
    // WebIDL's check of an operation's argument count, worded as browsers word it.
    requireArguments(count, required, what) {
      if (count >= required) return;
      throw new TypeErrorCtor(`Failed to execute '${what}': ${plural(required, 'argument')} ` +
        `required, but only ${count} present.`);
    },
    // A new DOMException (the module loads on first use).
    domException(message, name) {
      return new (requireModule('domexception').DOMException)(message, name);
    },
    isSharedBuffer: (value) => nativeBrand(ArrayBufferIsView(value)
      ? TypedArrayPrototypeGetTag(value) !== undefined ? TypedArrayPrototypeGetBuffer(value)
        : DataViewPrototypeGetBuffer(value)
      : value) === kBrandSharedArrayBuffer,
    isUint8Array, typedArrayConstructors,
    transferArrayBuffer: native.transferArrayBuffer,
    isDetachedBuffer: native.isDetachedBuffer,
    TextDecoder, TextDecoderPrototypeDecode: uncurryThis(TextDecoder.prototype.decode),
  });

  function defineGlobal(name, value) {
    ObjectDefineProperty(globalThis, name, {
      value, writable: true, enumerable: false, configurable: true,
    });
  }
  {
    const modules = native.moduleGlobals();
    for (let i = 0; i < modules.length; i++) {
      const moduleName = modules[i][0];
      const names = modules[i][1];
      for (let j = 0; j < names.length; j++) {
        const name = names[j];
        ObjectDefineProperty(globalThis, name, {
          get() {
            const value = requireModule(moduleName)[name];
            defineGlobal(name, value);
            return value;
          },
          set(value) { defineGlobal(name, value); },
          enumerable: false,
          configurable: true,
        });
      }
    }
  }

  // ===== Globals ===========================================================================

  {
    const globals = { Headers, Request, Response, TextEncoder, TextDecoder, console };
    const names = ReflectOwnKeys(globals);
    for (let i = 0; i < names.length; i++) {
      defineGlobal(names[i], globals[names[i]]);
    }
  }

  // ===== Containment: built-ins that would not stop =========================================
  //
  // V8 10.2 runs a few built-ins as native loops that never look for a termination request.
  // On a sparse array (`new Array(1e8)`: no elements, a huge length) Array.prototype.fill
  // and Array.from create one element per index in such a loop: a few bytes of source become
  // gigabytes of heap, and neither the watchdog nor the memory limit can stop the loop before
  // V8 aborts the process. Past kLongLoop indexes they run here, as JavaScript loops, which
  // stop when told (the CPU or memory limit); below it, the built-ins run as before.
  // docs/SECURITY.md lists what is known to remain.
  {
    const kLongLoop = 1 << 20;
    const ArrayPrototype = Array.prototype;
    const builtinFill = ArrayPrototype.fill;
    const builtinFrom = Array.from;
    const ArrayCtor = Array;
    const NumberMaxSafeInteger = Number.MAX_SAFE_INTEGER;
    const SymbolIterator = Symbol.iterator;
    const toIntegerOrInfinity = (value) => {
      const number = +value;
      return number !== number ? 0 : MathTrunc(number);
    };
    const toLength = (value) => MathMin(MathMax(toIntegerOrInfinity(value), 0),
                                        NumberMaxSafeInteger);
    const relativeIndex = (value, length, fallback) => {
      const relative = value === undefined ? fallback : toIntegerOrInfinity(value);
      return relative < 0 ? MathMax(length + relative, 0) : MathMin(relative, length);
    };
    const methods = {
      fill(value, start = undefined, end = undefined) {
        if (this === null || this === undefined) return ReflectApply(builtinFill, this, []);
        const object = Object(this);
        const length = toLength(object.length);
        if (length <= kLongLoop) return ReflectApply(builtinFill, object, [value, start, end]);
        const first = relativeIndex(start, length, 0);
        const final = relativeIndex(end, length, length);
        for (let k = first; k < final; k++) object[k] = value;  // Strict: throws on failure.
        return object;
      },
      from(items, mapFn = undefined, thisArg = undefined) {
        // Iterables other than arrays hold what they yield (bounded by memory): built-in.
        const iterable = items !== null && items !== undefined &&
                         typeof items[SymbolIterator] === 'function';
        if (items === null || items === undefined || (iterable && !ArrayIsArray(items)) ||
            toLength(items.length) <= kLongLoop) {
          return ReflectApply(builtinFrom, this, [items, mapFn, thisArg]);
        }
        if (mapFn !== undefined && typeof mapFn !== 'function') {
          throw new TypeError(`${typeof mapFn} is not a function`);
        }
        const length = toLength(items.length);
        const result = typeof this === 'function' ? new this(length) : new ArrayCtor(length);
        for (let k = 0; k < length; k++) {
          const value = items[k];
          result[k] = mapFn === undefined ? value : ReflectApply(mapFn, thisArg, [value, k]);
        }
        result.length = length;
        return result;
      },
    };
    // String.prototype.split builds its result in one native array, and V8 aborts the
    // process when that would pass 2^27 elements ("invalid size error"): a 256 MB string
    // split into characters. Past kLongString characters a string separator is split here,
    // in JavaScript (the array grows as any other, under the memory limit); a RegExp
    // separator goes to its own @@split as before.
    const kLongString = 1 << 24;
    const StringPrototype = String.prototype;
    const builtinSplit = StringPrototype.split;
    const StringPrototypeIndexOfHere = uncurryThis(StringPrototype.indexOf);
    const StringPrototypeSliceHere = uncurryThis(StringPrototype.slice);
    const SymbolSplit = Symbol.split;
    const splitMethods = {
      split(separator, limit) {
        if (this === null || this === undefined ||
            (separator !== null && separator !== undefined &&
             typeof separator !== 'string' && typeof separator[SymbolSplit] === 'function')) {
          return ReflectApply(builtinSplit, this, [separator, limit]);
        }
        const string = `${this}`;
        if (string.length <= kLongString) {
          return ReflectApply(builtinSplit, string, [separator, limit]);
        }
        const most = limit === undefined ? 2 ** 32 - 1 : limit >>> 0;
        const result = [];
        if (most === 0) return result;
        if (separator === undefined) {
          result[0] = string;
          return result;
        }
        const by = `${separator}`;
        if (by === '') {
          for (let k = 0; k < string.length && k < most; k++) result[k] = string[k];
          return result;
        }
        let from = 0;
        for (let at = StringPrototypeIndexOfHere(string, by, 0); at !== -1;
          at = StringPrototypeIndexOfHere(string, by, from)) {
          result[result.length] = StringPrototypeSliceHere(string, from, at);
          if (result.length === most) return result;
          from = at + by.length;
        }
        result[result.length] = StringPrototypeSliceHere(string, from);
        return result;
      },
    };
    ObjectDefineProperty(StringPrototype, 'split', {
      value: splitMethods.split, writable: true, enumerable: false, configurable: true,
    });
    ObjectDefineProperty(ArrayPrototype, 'fill', {
      value: methods.fill, writable: true, enumerable: false, configurable: true,
    });
    ObjectDefineProperty(ArrayCtor, 'from', {
      value: methods.from, writable: true, enumerable: false, configurable: true,
    });

    // The same for the methods that walk every index of a sparse array in a native loop
    // (indexOf over `new Array(2 ** 32 - 1)`: minutes of a worker, deaf to termination):
    // past kLongLoop indexes, the specification's steps as JavaScript loops. Slower than the
    // built-ins on huge dense arrays; stopped by the CPU limit like any other code.
    const ObjectHasProperty = (object, key) => key in object;
    const lengthOf = (object) => toLength(object.length);
    const builtins = {};
    const longMethods = {
      indexOf(search, fromIndex = undefined) {
        const object = Object(this);
        const length = lengthOf(object);
        if (length <= kLongLoop) return ReflectApply(builtins.indexOf, object, [search, fromIndex]);
        for (let k = relativeIndex(fromIndex, length, 0); k < length; k++) {
          if (ObjectHasProperty(object, k) && object[k] === search) return k;
        }
        return -1;
      },
      lastIndexOf(search, fromIndex = undefined) {
        const object = Object(this);
        const length = lengthOf(object);
        if (length <= kLongLoop) {
          return ReflectApply(builtins.lastIndexOf, object,
                              arguments.length > 1 ? [search, fromIndex] : [search]);
        }
        let k = arguments.length > 1 ? toIntegerOrInfinity(fromIndex) : length - 1;
        k = k < 0 ? length + k : MathMin(k, length - 1);
        for (; k >= 0; k--) {
          if (ObjectHasProperty(object, k) && object[k] === search) return k;
        }
        return -1;
      },
      reverse() {
        const object = Object(this);
        const length = lengthOf(object);
        if (length <= kLongLoop) return ReflectApply(builtins.reverse, object, []);
        for (let lower = 0, upper = length - 1; lower < upper; lower++, upper--) {
          const lowerExists = ObjectHasProperty(object, lower);
          const upperExists = ObjectHasProperty(object, upper);
          const lowerValue = lowerExists ? object[lower] : undefined;
          const upperValue = upperExists ? object[upper] : undefined;
          if (upperExists) object[lower] = upperValue; else delete object[lower];
          if (lowerExists) object[upper] = lowerValue; else delete object[upper];
        }
        return object;
      },
      slice(start, end) {
        const object = Object(this);
        const length = lengthOf(object);
        if (length <= kLongLoop) return ReflectApply(builtins.slice, object, [start, end]);
        const first = relativeIndex(start, length, 0);
        const final = relativeIndex(end, length, length);
        const result = new ArrayCtor(MathMax(final - first, 0));
        for (let k = first; k < final; k++) {
          if (ObjectHasProperty(object, k)) result[k - first] = object[k];
        }
        return result;
      },
      copyWithin(target, start, end = undefined) {
        const object = Object(this);
        const length = lengthOf(object);
        if (length <= kLongLoop) {
          return ReflectApply(builtins.copyWithin, object, [target, start, end]);
        }
        let to = relativeIndex(target, length, 0);
        let from = relativeIndex(start, length, 0);
        const final = relativeIndex(end, length, length);
        let count = MathMin(final - from, length - to);
        let step = 1;
        if (from < to && to < from + count) {
          step = -1;
          from += count - 1;
          to += count - 1;
        }
        for (; count > 0; count--, from += step, to += step) {
          if (ObjectHasProperty(object, from)) object[to] = object[from]; else delete object[to];
        }
        return object;
      },
      splice(start, deleteCount, ...items) {
        const object = Object(this);
        const length = lengthOf(object);
        if (length <= kLongLoop) return ReflectApply(builtins.splice, object, arguments);
        const first = relativeIndex(start, length, 0);
        const removed = arguments.length === 0 ? 0
          : arguments.length === 1 ? length - first
          : MathMin(MathMax(toIntegerOrInfinity(deleteCount), 0), length - first);
        const result = new ArrayCtor(removed);
        for (let k = 0; k < removed; k++) {
          if (ObjectHasProperty(object, first + k)) result[k] = object[first + k];
        }
        const added = items.length;
        if (added < removed) {
          for (let k = first; k < length - removed; k++) {
            if (ObjectHasProperty(object, k + removed)) object[k + added] = object[k + removed];
            else delete object[k + added];
          }
          for (let k = length; k > length - removed + added; k--) delete object[k - 1];
        } else if (added > removed) {
          for (let k = length - removed; k > first; k--) {
            const from = k + removed - 1;
            if (ObjectHasProperty(object, from)) object[k + added - 1] = object[from];
            else delete object[k + added - 1];
          }
        }
        for (let i = 0; i < added; i++) object[first + i] = items[i];
        object.length = length - removed + added;
        return result;
      },
      sort(compare) {
        if (compare !== undefined && typeof compare !== 'function') {
          throw new TypeError('The comparison function must be either a function or undefined');
        }
        const object = Object(this);
        const length = lengthOf(object);
        if (length <= kLongLoop) return ReflectApply(builtins.sort, object, [compare]);
        // SortIndexedProperties: the present values, sorted (undefined last), then holes.
        const values = [];
        let undefineds = 0;
        for (let k = 0; k < length; k++) {
          if (!ObjectHasProperty(object, k)) continue;
          const value = object[k];
          if (value === undefined) undefineds++; else values[values.length] = value;
        }
        const before = compare !== undefined
          ? (a, b) => { const order = +ReflectApply(compare, undefined, [a, b]); return order < 0; }
          : (a, b) => { const x = `${a}`, y = `${b}`; return x < y; };
        // Merge sort (stable, as the specification requires), bottom-up.
        let from = values, to = new ArrayCtor(values.length);
        for (let width = 1; width < values.length; width *= 2) {
          for (let low = 0; low < values.length; low += 2 * width) {
            const middle = MathMin(low + width, values.length);
            const high = MathMin(low + 2 * width, values.length);
            let i = low, j = middle, k = low;
            while (i < middle && j < high) to[k++] = before(from[j], from[i]) ? from[j++] : from[i++];
            while (i < middle) to[k++] = from[i++];
            while (j < high) to[k++] = from[j++];
          }
          const swap = from; from = to; to = swap;
        }
        let k = 0;
        for (; k < from.length; k++) object[k] = from[k];
        for (let u = 0; u < undefineds; u++, k++) object[k] = undefined;
        for (; k < length; k++) {
          if (ObjectHasProperty(object, k)) delete object[k];
        }
        return object;
      },
    };
    const longNames = ReflectOwnKeys(longMethods);
    for (let i = 0; i < longNames.length; i++) {
      const name = longNames[i];
      builtins[name] = ArrayPrototype[name];
      ObjectDefineProperty(ArrayPrototype, name, {
        value: longMethods[name], writable: true, enumerable: false, configurable: true,
      });
    }
  }

  // ===== Internals: the host's entry points ================================================

  const kExpected = 'expected a Response, string, Uint8Array, ArrayBuffer or plain object';
  const kMaxThenableDepth = 32;
  const kNotJson = 'handler returned an object that cannot be serialised to JSON';

  // "undefined", "number 42", "an instance of Foo", ... for messages; never throws.
  function describeType(value) {
    try {
      switch (typeof value) {
        case 'number': return `number ${formatNumber(value)}`;
        case 'boolean': return `boolean ${value}`;
        case 'bigint': return `bigint ${value}n`;
        case 'symbol': return `symbol ${StringCtor(value)}`;
        case 'string':
          if (value.length > 40) value = `${StringPrototypeSlice(value, 0, 40)}...`;
          return `string ${quoteString(value)}`;
        case 'function':
          return functionName(value) ? `function ${functionName(value)}` : 'an anonymous function';
        case 'undefined': return 'undefined';
      }
      if (value === null) return 'null';
      if (ArrayIsArray(value)) return 'an array';
      const name = constructorName(value);
      if (name === null) return 'an object with a null prototype';
      return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
    } catch {
      return 'an object';
    }
  }

  // Text for done(1): the stack when it carries the message, else "Name: message", and
  // "Uncaught <value>" for thrown non-errors. Never throws.
  function describeError(error) {
    try {
      if (!isObject(error) || !isError(error)) return `Uncaught ${safeString(error)}`;
      let { name, message, stack } = errorParts(error);
      if (typeof message !== 'string') message = message === undefined ? '' : safeString(message);
      const useStack = typeof stack === 'string' && StringPrototypeIncludes(stack, message);
      return useStack ? stack : `${name}: ${message}`;
    } catch {
      return 'Uncaught exception';
    }
  }

  function checkHandler(exported) {
    try {
      if (typeof exported === 'function') return null;
      // The fetch property is read once (it may be a getter); the description of what is
      // wrong is only made when something is.
      const fetch = isObject(exported) ? exported.fetch : undefined;
      if (typeof fetch === 'function') return null;
      let got = describeType(exported);
      if (isObject(exported)) {
        if (fetch === undefined) got += ' without a fetch method';
        else got += ` whose fetch is ${describeType(fetch)}`;
      }
      return 'default export must be a function or an object with a fetch(request, env, ctx) ' +
        `method (got ${got})`;
    } catch (error) {
      return `default export could not be inspected: ${describeError(error)}`;
    }
  }

  function incomingRequest(method, url, flatHeaders, body) {
    method = typeof method === 'string' && method !== '' ? normalizeMethod(method) : 'GET';
    const list = newList();
    const count = isObject(flatHeaders) ? flatHeaders.length : 0;
    for (let i = 0; i + 1 < count; i += 2) {
      append(list, {
        name: StringPrototypeToLowerCase(toUSVString(flatHeaders[i])),
        value: trimWith(toUSVString(flatHeaders[i + 1]), isHttpWhitespace),
      });
    }
    // The host made `body` for this call alone, so it is adopted without a copy. Incoming
    // headers are immutable, as on Workers: `new Request(request, init)` makes a mutable copy.
    const bytes = method === 'GET' || method === 'HEAD' || !isUint8Array(body) ? null : body;
    return newRequest(method, toUSVString(url), newHeaders(list, 'immutable'), newBody(bytes));
  }

  // ctx of one invocation. waitUntil work goes on after the response, within the
  // invocation's limits; `track` follows each promise until it settles.
  function createExecutionContext(track) {
    return {
      waitUntil(promise) {
        track(promise);
      },
      passThroughOnException() {}, // there is no origin to fall back to yet
    };
  }

  // A header list flattened to [name, value, ...] in iteration order.
  function flatHeaders(list) {
    const flat = newList();
    for (let i = 0; i < list.length; i++) {
      append(flat, list[i].name);
      append(flat, list[i].value);
    }
    return flat;
  }
  const contentTypeOnly = (type) => flatHeaders([{ name: 'content-type', value: type }]);

  function isJsonResult(value) {
    if (ArrayIsArray(value)) return true;
    const proto = ObjectGetPrototypeOf(value);
    return proto === ObjectPrototype || proto === null;
  }

  // Waits for the handler's result through any chain of promises and thenables, then
  // turns it into a response. Plain objects and arrays count as thenables only with an
  // own `then`, so that a poisoned Object.prototype.then cannot capture them.
  function settleResult(value, depth, viaPromise, finish) {
    if (depth > kMaxThenableDepth) {
      return finish(1, `the handler's result is a chain of over ${kMaxThenableDepth} promises`);
    }
    if (!isObject(value) || isResponse(value) || bufferSourceBytes(value) !== null) {
      return respond(value, viaPromise, finish);
    }
    let settled = false;
    const onFulfilled = (result) => {
      if (settled) return;
      settled = true;
      settleResult(result, depth + 1, true, finish);
    };
    const onRejected = (error) => {
      if (settled) return;
      settled = true;
      finish(1, describeError(error));
    };
    if (tryNativeThen(value, onFulfilled, onRejected)) return;
    let then;
    try {
      const inherited = ObjectGetOwnPropertyDescriptor(value, 'then') === undefined;
      then = inherited && isJsonResult(value) ? undefined : value.then;
    } catch (error) {
      return finish(1, describeError(error));
    }
    if (typeof then !== 'function') return respond(value, viaPromise, finish);
    try {
      ReflectApply(then, value, [onFulfilled, onRejected]);
    } catch (error) {
      onRejected(error);
    }
  }

  function respond(value, viaPromise, finish) {
    const returned = `handler returned${viaPromise ? ' a Promise that resolved to' : ''}`;
    try {
      if (isResponse(value)) {
        const { status, type, headers, body } = responseParts(value);
        if (type === 'error') return finish(2, `${returned} Response.error(); ${kExpected}`);
        if (body.stream !== null) return sendStreamBody(value, finish);
        if (body.used) return finish(2, 'response body already used');
        if (body.bytes !== null) body.used = true;
        const flat = flatHeaders(headersIterationList(headers));
        return finish(0, status, flat, body.bytes ?? emptyBytes());
      }
      if (typeof value === 'string') {
        return finish(0, 200, contentTypeOnly('text/plain;charset=UTF-8'), utf8Encode(value));
      }
      const bytes = bufferSourceBytes(value);
      if (bytes !== null) return finish(0, 200, contentTypeOnly('application/octet-stream'), bytes);
      if (typeof value === 'object' && value !== null && isJsonResult(value)) {
        let json, problem;
        try {
          json = JSONStringify(value);
          if (typeof json !== 'string') problem = 'JSON.stringify produced nothing';
        } catch (error) {
          const { message } = errorParts(error);
          problem = typeof message === 'string' ? message : safeString(error);
        }
        if (problem !== undefined) {
          return finish(2, `${kNotJson}: ${problem}`);
        }
        return finish(0, 200, contentTypeOnly('application/json'), utf8Encode(json));
      }
      return finish(2, `${returned} ${describeType(value)}; ${kExpected}`);
    } catch (error) {
      finish(1, describeError(error));
    }
  }

  function invoke(handler, method, url, headers, body, env, done) {
    let called = false;
    // ctx.waitUntil promises not settled yet; done(3) tells the host when none is left after
    // the response, so that the invocation can end (and its timers be cancelled).
    let pending = 0;
    let ended = false;
    const endIfIdle = () => {
      if (!called || pending !== 0 || ended) return;
      ended = true;
      try {
        done(3);
      } catch {}
    };
    const finish = (kind, first, second, third) => {
      if (called) return;
      called = true;
      try {
        if (kind === 0) done(0, first, second, third);
        else done(kind, first);
      } catch {} // the host's callback failed; it still must not be called twice
      endIfIdle();
    };
    const track = (promise) => {
      if (ended) return; // too late: the invocation is over
      pending++;
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        pending--;
        endIfIdle();
      };
      if (!tryNativeThen(promise, settle, settle)) {
        tryNativeThen(resolvedPromise(promise), settle, settle);
      }
    };
    let result;
    try {
      const request = incomingRequest(method, url, headers, body);
      const ctx = createExecutionContext(track);
      if (typeof handler === 'function') {
        result = ReflectApply(handler, undefined, [request, env, ctx]);
      } else {
        const fetch = isObject(handler) ? handler.fetch : undefined;
        if (typeof fetch !== 'function') {
          throw new TypeErrorCtor('the default export has no fetch() method');
        }
        result = ReflectApply(fetch, handler, [request, env, ctx]);
      }
    } catch (error) {
      return finish(1, describeError(error));
    }
    settleResult(result, 0, false, finish);
  }

  // The host's timer events (see isolate_pool/timer_queue.h): a due timer, and the end of
  // an invocation, whose timers are all cancelled.
  function runTimer(id) {
    if (timerHooks !== null) timerHooks.run(id);
  }
  function clearTimers() {
    if (timerHooks !== null) timerHooks.clear();
  }

  return { invoke, checkHandler, runTimer, clearTimers };
})
