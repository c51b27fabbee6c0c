// The Fetch Standard's bodies beyond strings and buffers, for runtime.js's Request and
// Response: extracting Blob, FormData, URLSearchParams and ReadableStream bodies, reading
// a body that is a stream, blob() and formData() (with the MIME type of the headers),
// clone() (tee) and the proxy of `new Request(request)`, and the read loop that turns a
// handler's stream body into the bytes handed to the host.
//
// A body is runtime.js's record { bytes, stream, used } (see its "Fetch: bodies"): this
// module reads and writes it. It defines no globals; runtime.js loads it the first time a
// body involves a stream, a Blob, a FormData or a URLSearchParams.
'use strict';
(function hearthBody(rt) {
  const {
    ReflectApply, TypeErrorCtor, PromisePrototypeThen, Uint8ArrayCtor,
    TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetBuffer, TypedArrayPrototypeSet,
    StringPrototypeCharCodeAt, StringPrototypeSlice, StringPrototypeToLowerCase,
    FunctionPrototypeSymbolHasInstance,
  } = rt.primordials;
  const {
    newList, append, resolvedPromise, copyBytes, utf8Encode,
    utf8DecodeWithoutBOM, isUint8Array,
  } = rt;

  const streams = () => rt.require('streams');
  const emptyBytes = () => new Uint8ArrayCtor(0);

  // ===== Extract ===========================================================================

  // A URLSearchParams from the 'url' module, if the runtime has it and it is loaded (no
  // URLSearchParams exists before); its own toString, captured when first needed.
  let urlSearchParamsToString = null;
  function urlSearchParamsString(value) {
    const url = rt.loaded('url');
    if (url === null || typeof url.URLSearchParams !== 'function') return null;
    const URLSearchParams = url.URLSearchParams;
    if (!FunctionPrototypeSymbolHasInstance(URLSearchParams, value)) return null;
    urlSearchParamsToString ??= URLSearchParams.prototype.toString;
    return ReflectApply(urlSearchParamsToString, value, []);
  }

  // Fetch's "extract a body" for the objects runtime.js leaves to this module: a body with
  // its `type` (null: none), or null for anything else (which runtime.js makes a string).
  // Each module is asked only if loaded: an object of a module that is not cannot exist.
  function extract(value) {
    const blob = rt.loaded('blob');
    if (blob !== null && blob.isBlob(value)) {
      const type = blob.blobType(value);
      return { bytes: blob.blobBytes(value), stream: null, used: false, type: type || null };
    }
    const formdata = rt.loaded('formdata');
    if (formdata !== null && formdata.isFormData(value)) {
      const serialized = formdata.serializeMultipart(value);
      return { bytes: serialized.bytes, stream: null, used: false, type: serialized.type };
    }
    const streamsModule = rt.loaded('streams');
    if (streamsModule !== null && streamsModule.isReadableStream(value)) {
      if (streams().isDisturbed(value) || streams().isLocked(value)) {
        throw new TypeErrorCtor('The ReadableStream is locked or has been read from');
      }
      return { bytes: null, stream: value, used: false, type: null };
    }
    const params = urlSearchParamsString(value);
    if (params !== null) {
      return {
        bytes: utf8Encode(params), stream: null, used: false,
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
      };
    }
    return null;
  }

  // ===== Streams of bodies =================================================================

  const unusable = (body) => streams().isDisturbed(body.stream) || streams().isLocked(body.stream);
  const disturbed = (body) => streams().isDisturbed(body.stream);

  // The body's stream, made from its bytes the first time it is asked for. Bytes that were
  // read already give a stream that is closed and disturbed, as reading it would have left it.
  function stream(body) {
    if (body.stream === null) {
      const bytes = body.bytes;
      body.stream = streams().byteStreamOf(body.used || bytes === null ? emptyBytes()
        : copyBytes(bytes));
      body.bytes = null;
      if (body.used) streams().cancelStream(body.stream, undefined);
    }
    return body.stream;
  }

  // clone(): the stream teed, one branch kept, one for the clone.
  function clone(body) {
    const branches = streams().teeStream(body.stream);
    body.stream = branches[0];
    return { bytes: null, stream: branches[1], used: false };
  }

  // `new Request(request)`: Fetch's "create a proxy", which reads the source's stream.
  const proxy = (body) =>
    ({ bytes: null, stream: streams().proxyStream(body.stream), used: false });

  // ===== Consume ===========================================================================

  // Fetch's "consume body" for a stream body, blob() and formData(), given the header list
  // (runtime.js checked that the body is usable). The bytes travel in a null-prototype box:
  // resolving a promise with a Uint8Array would look up a `then` the user may have planted
  // on Object.prototype.
  function consume(body, kind, headerList) {
    const contentType = headerListGet(headerList, 'content-type');
    let boxPromise;
    if (body.stream !== null) {
      boxPromise = readAllBytes(body.stream);
    } else {
      const bytes = body.bytes;
      if (bytes !== null) body.used = true;
      boxPromise =
        resolvedPromise({ __proto__: null, bytes: bytes === null ? emptyBytes() : bytes });
    }
    return PromisePrototypeThen(boxPromise, (box) => convert(box.bytes, kind, contentType));
  }

  function convert(bytes, kind, contentType) {
    switch (kind) {
      case 'text': return utf8DecodeWithoutBOM(bytes);
      case 'json': return rt.primordials.JSONParse(utf8DecodeWithoutBOM(bytes));
      case 'arrayBuffer': return TypedArrayPrototypeGetBuffer(copyBytes(bytes));
      case 'bytes': return copyBytes(bytes);
      case 'blob': {
        // Typed as the Blob constructor types (lowercased, as Node and browsers do).
        const mimeType = extractMimeType(contentType);
        const blob = rt.require('blob');
        return blob.newBlob(copyBytes(bytes),
          mimeType === null ? '' : blob.normalizeType(serializeMimeType(mimeType)));
      }
      case 'formData': return parseFormData(bytes, extractMimeType(contentType));
    }
    throw new TypeErrorCtor(`unknown body kind ${kind}`);
  }

  // The combined value of a header in a runtime.js header list, or null.
  function headerListGet(list, name) {
    let result = null;
    for (let i = 0; i < list.length; i++) {
      if (list[i].name !== name) continue;
      result = result === null ? list[i].value : `${result}, ${list[i].value}`;
    }
    return result;
  }

  // Fetch's "fully read" for the body's consumers: every chunk must be a Uint8Array. A
  // promise of { bytes }.
  function readAllBytes(streamObject) {
    let resolve, reject;
    const promise = new rt.primordials.PromiseCtor((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    const chunks = newList();
    let total = 0;
    streams().pump(streamObject, {
      __proto__: null,
      chunk: (chunk) => {
        if (!isUint8Array(chunk)) {
          reject(new TypeErrorCtor('The body stream produced a chunk that is not a Uint8Array'));
          return false;
        }
        const length = TypedArrayPrototypeGetByteLength(chunk);
        if (length > 0) {
          append(chunks, copyBytes(chunk));
          total += length;
        }
        return true;
      },
      stopReason: () => new TypeErrorCtor('The body stream produced a chunk that is not a ' +
        'Uint8Array'),
      close: () => resolve({ __proto__: null, bytes: concatChunks(chunks, total) }),
      error: (error) => reject(error),
    });
    return promise;
  }

  function concatChunks(chunks, total) {
    if (chunks.length === 0) return emptyBytes();
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8ArrayCtor(total);
    for (let i = 0, offset = 0; i < chunks.length; i++) {
      TypedArrayPrototypeSet(out, chunks[i], offset);
      offset += TypedArrayPrototypeGetByteLength(chunks[i]);
    }
    return out;
  }

  // ===== A handler's stream body ===========================================================

  // Reads the stream one chunk at a time, keeping copies, up to `limit` bytes in all; then
  // `result.done(bytes)`, or `result.bad(message)` (not a response the host can send: the
  // stream is cancelled), or `result.threw(error)` (the stream errored). The sink is where
  // streaming to the client will hand each chunk out instead.
  function collectResponse(streamObject, limit, result) {
    if (streams().isDisturbed(streamObject)) return result.bad('response body already used');
    if (streams().isLocked(streamObject)) {
      return result.bad('the response body stream is locked to a reader');
    }
    const chunks = newList();
    let total = 0;
    let problem = null;
    const stop = (message) => {
      problem = message;
      result.bad(message);
      return false;
    };
    streams().pump(streamObject, {
      __proto__: null,
      chunk: (chunk) => {
        if (!isUint8Array(chunk)) {
          return stop('the response body stream produced a chunk that is not a Uint8Array');
        }
        const length = TypedArrayPrototypeGetByteLength(chunk);
        if (total + length > limit) {
          return stop(`the response body has more than ${limit} bytes; the limit is ${limit}`);
        }
        if (length > 0) {
          append(chunks, copyBytes(chunk));
          total += length;
        }
        return true;
      },
      stopReason: () => new TypeErrorCtor(problem),
      close: () => result.done(concatChunks(chunks, total)),
      error: (error) => result.threw(error),
    });
  }

  // ===== MIME types (MIME Sniffing Standard, section 4) ====================================

  const isHttpWhitespace = (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  const isTokenCodePoint = (c) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) || c === 0x21 || c === 0x23 || c === 0x24 || c === 0x25 ||
    c === 0x26 || c === 0x27 || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e ||
    c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
  const isQuotedStringCodePoint = (c) => c === 0x09 || (c >= 0x20 && c <= 0x7e) ||
    (c >= 0x80 && c <= 0xff);
  function allOf(string, predicate) {
    for (let i = 0; i < string.length; i++) {
      if (!predicate(StringPrototypeCharCodeAt(string, i))) return false;
    }
    return true;
  }
  function trimHttpWhitespace(string, leading, trailing) {
    let start = 0;
    let end = string.length;
    const spaceAt = (i) => isHttpWhitespace(StringPrototypeCharCodeAt(string, i));
    while (leading && start < end && spaceAt(start)) start++;
    while (trailing && end > start && spaceAt(end - 1)) end--;
    return StringPrototypeSlice(string, start, end);
  }

  // Fetch's "collect an HTTP quoted string" with extract-value true; returns [value, end].
  function collectHttpQuotedString(input, position) {
    let value = '';
    position++; // the opening quote
    for (;;) {
      let start = position;
      while (position < input.length) {
        const c = StringPrototypeCharCodeAt(input, position);
        if (c === 0x22 || c === 0x5c) break;
        position++;
      }
      value += StringPrototypeSlice(input, start, position);
      if (position >= input.length) break;
      const quoteOrBackslash = StringPrototypeCharCodeAt(input, position);
      position++;
      if (quoteOrBackslash === 0x5c) {
        if (position >= input.length) {
          value += '\\';
          break;
        }
        value += input[position];
        position++;
      } else {
        break;
      }
      start = position;
    }
    return { value, position };
  }

  // { type, subtype, parameters: list of [name, value] } or null.
  function parseMimeType(input) {
    input = trimHttpWhitespace(input, true, true);
    let position = 0;
    while (position < input.length && StringPrototypeCharCodeAt(input, position) !== 0x2f) {
      position++;
    }
    const type = StringPrototypeSlice(input, 0, position);
    if (type === '' || !allOf(type, isTokenCodePoint)) return null;
    if (position >= input.length) return null;
    position++;
    let start = position;
    while (position < input.length && StringPrototypeCharCodeAt(input, position) !== 0x3b) {
      position++;
    }
    const subtype = trimHttpWhitespace(StringPrototypeSlice(input, start, position), false, true);
    if (subtype === '' || !allOf(subtype, isTokenCodePoint)) return null;
    const mimeType = {
      __proto__: null,
      type: StringPrototypeToLowerCase(type),
      subtype: StringPrototypeToLowerCase(subtype),
      parameters: newList(),
    };
    while (position < input.length) {
      position++; // the ';'
      while (position < input.length &&
             isHttpWhitespace(StringPrototypeCharCodeAt(input, position))) position++;
      start = position;
      while (position < input.length) {
        const c = StringPrototypeCharCodeAt(input, position);
        if (c === 0x3b || c === 0x3d) break;
        position++;
      }
      const name = StringPrototypeToLowerCase(StringPrototypeSlice(input, start, position));
      if (position < input.length) {
        if (StringPrototypeCharCodeAt(input, position) === 0x3b) continue;
        position++; // the '='
      }
      if (position >= input.length) break;
      let value;
      if (StringPrototypeCharCodeAt(input, position) === 0x22) {
        const collected = collectHttpQuotedString(input, position);
        value = collected.value;
        position = collected.position;
        while (position < input.length && StringPrototypeCharCodeAt(input, position) !== 0x3b) {
          position++;
        }
      } else {
        start = position;
        while (position < input.length && StringPrototypeCharCodeAt(input, position) !== 0x3b) {
          position++;
        }
        value = trimHttpWhitespace(StringPrototypeSlice(input, start, position), false, true);
        if (value === '') continue;
      }
      if (name !== '' && allOf(name, isTokenCodePoint) && allOf(value, isQuotedStringCodePoint) &&
          mimeParameter(mimeType, name) === null) {
        append(mimeType.parameters, [name, value]);
      }
    }
    return mimeType;
  }

  function mimeParameter(mimeType, name) {
    const parameters = mimeType.parameters;
    for (let i = 0; i < parameters.length; i++) {
      if (parameters[i][0] === name) return parameters[i][1];
    }
    return null;
  }
  function setMimeParameter(mimeType, name, value) {
    const parameters = mimeType.parameters;
    for (let i = 0; i < parameters.length; i++) {
      if (parameters[i][0] === name) {
        parameters[i][1] = value;
        return;
      }
    }
    append(parameters, [name, value]);
  }
  const essence = (mimeType) => `${mimeType.type}/${mimeType.subtype}`;

  function serializeMimeType(mimeType) {
    let out = essence(mimeType);
    const parameters = mimeType.parameters;
    for (let i = 0; i < parameters.length; i++) {
      let value = parameters[i][1];
      if (value === '' || !allOf(value, isTokenCodePoint)) {
        let quoted = '"';
        for (let j = 0; j < value.length; j++) {
          const c = StringPrototypeCharCodeAt(value, j);
          if (c === 0x22 || c === 0x5c) quoted += '\\';
          quoted += value[j];
        }
        value = `${quoted}"`;
      }
      out += `;${parameters[i][0]}=${value}`;
    }
    return out;
  }

  // Fetch's "get, decode, and split" of a header value: split at commas outside quotes.
  function splitHeaderValue(value) {
    const values = newList();
    let position = 0;
    let current = '';
    for (;;) {
      const start = position;
      while (position < value.length) {
        const c = StringPrototypeCharCodeAt(value, position);
        if (c === 0x22 || c === 0x2c) break;
        position++;
      }
      current += StringPrototypeSlice(value, start, position);
      if (position < value.length && StringPrototypeCharCodeAt(value, position) === 0x22) {
        const collected = collectHttpQuotedStringRaw(value, position);
        current += collected.value;
        position = collected.position;
        if (position < value.length) continue;
      } else if (position < value.length) {
        position++; // the ','
      }
      let trimmedStart = 0;
      let trimmedEnd = current.length;
      const isTabOrSpace = (c) => c === 0x09 || c === 0x20;
      while (trimmedStart < trimmedEnd &&
             isTabOrSpace(StringPrototypeCharCodeAt(current, trimmedStart))) trimmedStart++;
      while (trimmedEnd > trimmedStart &&
             isTabOrSpace(StringPrototypeCharCodeAt(current, trimmedEnd - 1))) trimmedEnd--;
      append(values, StringPrototypeSlice(current, trimmedStart, trimmedEnd));
      current = '';
      if (position >= value.length) break;
    }
    return values;
  }
  // "Collect an HTTP quoted string" with extract-value false: the quotes and escapes kept.
  function collectHttpQuotedStringRaw(input, position) {
    const start = position;
    position++;
    while (position < input.length) {
      const c = StringPrototypeCharCodeAt(input, position);
      if (c === 0x22) {
        position++;
        break;
      }
      position += c === 0x5c ? 2 : 1;
    }
    if (position > input.length) position = input.length;
    return { value: StringPrototypeSlice(input, start, position), position };
  }

  // Fetch's "extract a MIME type" from the Content-Type header's value (null: none).
  function extractMimeType(contentType) {
    if (contentType === null) return null;
    let charset = null;
    let currentEssence = null;
    let mimeType = null;
    const values = splitHeaderValue(contentType);
    for (let i = 0; i < values.length; i++) {
      const temporary = parseMimeType(values[i]);
      if (temporary === null || essence(temporary) === '*/*') continue;
      mimeType = temporary;
      if (essence(mimeType) !== currentEssence) {
        charset = mimeParameter(mimeType, 'charset');
        currentEssence = essence(mimeType);
      } else if (mimeParameter(mimeType, 'charset') === null && charset !== null) {
        setMimeParameter(mimeType, 'charset', charset);
      }
    }
    return mimeType;
  }

  // ===== formData() ========================================================================

  function parseFormData(bytes, mimeType) {
    const formdata = rt.require('formdata');
    if (mimeType !== null && essence(mimeType) === 'multipart/form-data') {
      const boundary = mimeParameter(mimeType, 'boundary');
      if (boundary === null) {
        throw new TypeErrorCtor('Could not parse content as FormData: no multipart boundary');
      }
      const entries = formdata.parseMultipart(bytes, boundary);
      if (entries === null) throw new TypeErrorCtor('Could not parse content as FormData.');
      return formdata.newFormData(entries);
    }
    if (mimeType !== null && essence(mimeType) === 'application/x-www-form-urlencoded') {
      return formdata.newFormData(formdata.parseUrlencoded(bytes));
    }
    throw new TypeErrorCtor('Could not parse content as FormData: the Content-Type is neither ' +
      'multipart/form-data nor application/x-www-form-urlencoded');
  }

  return {
    extract, unusable, disturbed, stream, clone, proxy, consume, collectResponse,
    parseMimeType, serializeMimeType, extractMimeType,
  };
})
