// FormData (XMLHttpRequest Standard, section 5) and its two wire forms for Fetch bodies:
// multipart/form-data (HTML's encoding algorithm; Fetch's parser, after RFC 7578) and
// application/x-www-form-urlencoded (URL Standard's parser).
//
// An entry list is a null-prototype list of { name, value }: value a string or a File.
'use strict';
(function hearthFormData(rt) {
  const {
    ReflectApply, TypeErrorCtor, ObjectCreate, ObjectDefineProperty, ObjectGetPrototypeOf,
    ObjectSetPrototypeOf, SymbolIterator, StringPrototypeCharCodeAt, StringPrototypeSlice,
    StringFromCharCode, NumberPrototypeToString, MathRandom, MathFloor, Uint8ArrayCtor,
    TypedArrayPrototypeGetLength, TypedArrayPrototypeSet, TypedArrayPrototypeGetBuffer,
    TypedArrayPrototypeGetByteOffset,
  } = rt.primordials;
  const { newList, append, isObject, webidlClass, utf8Encode, utf8DecodeWithoutBOM } = rt;
  const blobs = rt.require('blob');
  const { isBlob, isFile, toUSVStringStrict } = blobs;

  const kInternal = ObjectCreate(null);
  const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][SymbolIterator]()));

  // XHR's "create an entry".
  function createEntry(name, value, filename) {
    name = toUSVStringStrict(name);
    if (typeof value === 'string' || !isBlob(value)) {
      return { __proto__: null, name, value: toUSVStringStrict(value) };
    }
    let file = value;
    const bytes = blobs.blobBytes(value);
    const type = blobs.blobType(value);
    if (!isFile(value)) {
      file = blobs.newFile(bytes, filename === undefined ? 'blob' : filename, type,
        rt.primordials.DateNow());
    } else if (filename !== undefined) {
      file = blobs.newFile(bytes, filename, type, blobs.fileLastModified(value));
    }
    return { __proto__: null, name, value: file };
  }

  function requireArguments(count, needed, method) {
    if (count < needed) {
      throw new TypeErrorCtor(`Failed to execute '${method}' on 'FormData': ${needed} ` +
        `argument${needed > 1 ? 's' : ''} required, but only ${count} present.`);
    }
  }

  // The (name, value[, filename]) overloads of append and set: three arguments, or a Blob
  // as the value, select the Blob overload.
  function entryFromArguments(args, method) {
    requireArguments(args.length, 2, method);
    if (args.length > 2 || isBlob(args[1])) {
      if (!isBlob(args[1])) {
        throw new TypeErrorCtor(`Failed to execute '${method}' on 'FormData': parameter 2 is ` +
          "not of type 'Blob'.");
      }
      const name = toUSVStringStrict(args[0]);
      const filename = args.length > 2 && args[2] !== undefined ? toUSVStringStrict(args[2])
        : undefined;
      return createEntry(name, args[1], filename);
    }
    return createEntry(args[0], args[1], undefined);
  }

  let isFormData; // (value) => boolean
  let entriesOf; // (formData) => its entry list
  let newFormData; // (entries) => FormData

  class FormData {
    #entries = newList();

    static {
      isFormData = (value) => isObject(value) && #entries in value;
      entriesOf = (formData) => formData.#entries;
      newFormData = (entries) => {
        const formData = new FormData();
        formData.#entries = entries;
        return formData;
      };
    }

    constructor(form = undefined, submitter = undefined) {
      if (form !== undefined) {
        // There is no HTMLFormElement here: any form argument is of the wrong type.
        throw new TypeErrorCtor("Failed to construct 'FormData': parameter 1 is not of type " +
          "'HTMLFormElement'.");
      }
    }

    append(name, value) {
      append(this.#entries, entryFromArguments(arguments, 'append'));
    }

    delete(name) {
      requireArguments(arguments.length, 1, 'delete');
      name = toUSVStringStrict(name);
      const kept = newList();
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) {
        if (entries[i].name !== name) append(kept, entries[i]);
      }
      this.#entries = kept;
    }

    get(name) {
      requireArguments(arguments.length, 1, 'get');
      name = toUSVStringStrict(name);
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) {
        if (entries[i].name === name) return entries[i].value;
      }
      return null;
    }

    getAll(name) {
      requireArguments(arguments.length, 1, 'getAll');
      name = toUSVStringStrict(name);
      const entries = this.#entries;
      const values = [];
      for (let i = 0, n = 0; i < entries.length; i++) {
        if (entries[i].name !== name) continue;
        ObjectDefineProperty(values, n++, {
          __proto__: null, value: entries[i].value, writable: true, enumerable: true,
          configurable: true,
        });
      }
      return values;
    }

    has(name) {
      requireArguments(arguments.length, 1, 'has');
      name = toUSVStringStrict(name);
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) if (entries[i].name === name) return true;
      return false;
    }

    set(name, value) {
      const entry = entryFromArguments(arguments, 'set');
      const entries = this.#entries;
      const updated = newList();
      let found = false;
      for (let i = 0; i < entries.length; i++) {
        if (entries[i].name !== entry.name) {
          append(updated, entries[i]);
        } else if (!found) {
          found = true;
          append(updated, entry);
        }
      }
      if (!found) append(updated, entry);
      this.#entries = updated;
    }

    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') {
        throw new TypeErrorCtor("Failed to execute 'forEach' on 'FormData': parameter 1 is not " +
          "of type 'Function'.");
      }
      // Live, as WebIDL iterables are: changes made by the callback are seen.
      for (let i = 0; i < this.#entries.length; i++) {
        const entry = this.#entries[i];
        ReflectApply(callback, thisArg, [entry.value, entry.name, this]);
      }
    }

    keys() { return newIterator(this, 'key'); }
    values() { return newIterator(this, 'value'); }
    entries() { return newIterator(this, 'key+value'); }
  }
  ObjectDefineProperty(FormData.prototype, SymbolIterator, {
    value: FormData.prototype.entries, writable: true, configurable: true,
  });
  webidlClass(FormData, 'FormData');

  let newIterator; // (formData, kind) => FormData Iterator

  class FormDataIterator {
    #formData;
    #kind;
    #index = 0;

    static {
      newIterator = (formData, kind) => {
        entriesOf(formData); // brand check
        const iterator = new FormDataIterator(kInternal);
        iterator.#formData = formData;
        iterator.#kind = kind;
        return iterator;
      };
    }

    constructor(token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
    }

    next() {
      const entries = entriesOf(this.#formData);
      if (this.#index >= entries.length) return { value: undefined, done: true };
      const { name, value } = entries[this.#index++];
      const kind = this.#kind;
      const result = kind === 'key' ? name : kind === 'value' ? value : [name, value];
      return { value: result, done: false };
    }
  }
  ObjectSetPrototypeOf(FormDataIterator.prototype, IteratorPrototype);
  delete FormDataIterator.prototype.constructor;
  webidlClass(FormDataIterator, 'FormData Iterator');

  // ===== multipart/form-data: serializing ==================================================

  // HTML: newlines in names (and string values) become CRLF.
  function normalizeNewlines(string) {
    let out = '';
    let last = 0;
    for (let i = 0; i < string.length; i++) {
      const code = StringPrototypeCharCodeAt(string, i);
      if (code === 0x0d) {
        if (StringPrototypeCharCodeAt(string, i + 1) === 0x0a) {
          i++;
          continue;
        }
      } else if (code !== 0x0a) {
        continue;
      }
      out += `${StringPrototypeSlice(string, last, i)}\r\n`;
      last = i + 1;
    }
    return last === 0 ? string : out + StringPrototypeSlice(string, last);
  }
  // HTML: in field names and filenames, LF, CR and '"' are written %0A, %0D and %22.
  function escapeName(string) {
    let out = '';
    let last = 0;
    for (let i = 0; i < string.length; i++) {
      const code = StringPrototypeCharCodeAt(string, i);
      const escaped = code === 0x0a ? '%0A' : code === 0x0d ? '%0D' : code === 0x22 ? '%22' : null;
      if (escaped === null) continue;
      out += StringPrototypeSlice(string, last, i) + escaped;
      last = i + 1;
    }
    return last === 0 ? string : out + StringPrototypeSlice(string, last);
  }

  // A boundary: random, and checked against every part's bytes, so that it cannot occur in
  // them whatever Math.random's state (a function's snapshot freezes it).
  function newBoundary() {
    let boundary = '----HearthFormBoundary';
    for (let i = 0; i < 16; i++) {
      boundary += NumberPrototypeToString(MathFloor(MathRandom() * 36), 36);
    }
    return boundary;
  }
  function includesBytes(haystack, needle) {
    const n = TypedArrayPrototypeGetLength(needle);
    const last = TypedArrayPrototypeGetLength(haystack) - n;
    const first = needle[0];
    for (let i = 0; i <= last; i++) {
      if (haystack[i] !== first) continue;
      let j = 1;
      while (j < n && haystack[i + j] === needle[j]) j++;
      if (j === n) return true;
    }
    return false;
  }

  // { bytes, type } of the FormData as multipart/form-data.
  function serializeMultipart(formData) {
    const entries = entriesOf(formData);
    const parts = newList(); // header bytes, then content bytes, per entry
    for (let i = 0; i < entries.length; i++) {
      const { name, value } = entries[i];
      let header = `Content-Disposition: form-data; name="${escapeName(normalizeNewlines(name))}"`;
      let content;
      if (typeof value === 'string') {
        content = utf8Encode(normalizeNewlines(value));
      } else {
        header += `; filename="${escapeName(blobs.fileName(value))}"\r\nContent-Type: ` +
          `${blobs.blobType(value) || 'application/octet-stream'}`;
        content = blobs.blobBytes(value);
      }
      append(parts, utf8Encode(`${header}\r\n\r\n`));
      append(parts, content);
    }
    let boundary;
    for (;;) {
      boundary = newBoundary();
      const needle = utf8Encode(boundary);
      let clash = false;
      for (let i = 1; i < parts.length && !clash; i += 2) clash = includesBytes(parts[i], needle);
      if (!clash) break;
    }
    const delimiter = utf8Encode(`--${boundary}\r\n`);
    const crlf = utf8Encode('\r\n');
    const close = utf8Encode(`--${boundary}--\r\n`);
    const pieces = newList();
    for (let i = 0; i < parts.length; i += 2) {
      append(pieces, delimiter);
      append(pieces, parts[i]);
      append(pieces, parts[i + 1]);
      append(pieces, crlf);
    }
    append(pieces, close);
    let total = 0;
    for (let i = 0; i < pieces.length; i++) total += TypedArrayPrototypeGetLength(pieces[i]);
    const bytes = new Uint8ArrayCtor(total);
    for (let i = 0, offset = 0; i < pieces.length; i++) {
      TypedArrayPrototypeSet(bytes, pieces[i], offset);
      offset += TypedArrayPrototypeGetLength(pieces[i]);
    }
    return { bytes, type: `multipart/form-data; boundary=${boundary}` };
  }

  // ===== multipart/form-data: parsing ======================================================

  // Bytes [start, end) as a string of one code unit per byte, for header lines.
  function latin1(bytes, start, end) {
    let out = '';
    for (let i = start; i < end; i += 4096) {
      const stop = end < i + 4096 ? end : i + 4096;
      let chunk = '';
      for (let j = i; j < stop; j++) chunk += StringFromCharCode(bytes[j]);
      out += chunk;
    }
    return out;
  }
  function indexOfBytes(bytes, needle, from) {
    const n = TypedArrayPrototypeGetLength(needle);
    const last = TypedArrayPrototypeGetLength(bytes) - n;
    for (let i = from; i <= last; i++) {
      if (bytes[i] !== needle[0]) continue;
      let j = 1;
      while (j < n && bytes[i + j] === needle[j]) j++;
      if (j === n) return i;
    }
    return -1;
  }
  const subarray = (bytes, start, end) => new Uint8ArrayCtor(TypedArrayPrototypeGetBuffer(bytes),
    TypedArrayPrototypeGetByteOffset(bytes) + start, end - start);
  const isHeaderSpace = (c) => c === 0x20 || c === 0x09;
  function lowerAscii(string) {
    let out = '';
    for (let i = 0; i < string.length; i++) {
      const c = StringPrototypeCharCodeAt(string, i);
      out += c >= 0x41 && c <= 0x5a ? StringFromCharCode(c + 32) : string[i];
    }
    return out;
  }

  // A part's headers: { name, filename, contentType } from Content-Disposition and
  // Content-Type, or null when they are not those of a form-data part. `name` and `filename`
  // are Fetch's "multipart/form-data name": quoted, %0A %0D %22 decoded, UTF-8.
  function parsePartHeaders(lines) {
    let name = null;
    let filename = null;
    let contentType = null;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const colon = rt.primordials.StringPrototypeIndexOf(line, ':');
      if (colon <= 0) return null;
      const headerName = lowerAscii(StringPrototypeSlice(line, 0, colon));
      let value = StringPrototypeSlice(line, colon + 1);
      let start = 0;
      while (start < value.length && isHeaderSpace(StringPrototypeCharCodeAt(value, start))) {
        start++;
      }
      let end = value.length;
      while (end > start && isHeaderSpace(StringPrototypeCharCodeAt(value, end - 1))) end--;
      value = StringPrototypeSlice(value, start, end);
      if (headerName === 'content-disposition') {
        const parsed = parseContentDisposition(value);
        if (parsed === null) return null;
        name = parsed.name;
        filename = parsed.filename;
      } else if (headerName === 'content-type') {
        contentType = value;
      }
    }
    if (name === null) return null;
    return { __proto__: null, name, filename, contentType };
  }

  // `form-data; name="..."[; filename="..."]`, parameters in any order, others ignored.
  function parseContentDisposition(value) {
    const lower = lowerAscii(value);
    if (StringPrototypeSlice(lower, 0, 9) !== 'form-data') return null;
    let position = 9;
    let name = null;
    let filename = null;
    while (position < value.length) {
      while (position < value.length && isHeaderSpace(StringPrototypeCharCodeAt(value, position))) {
        position++;
      }
      if (position >= value.length) break;
      if (StringPrototypeCharCodeAt(value, position) !== 0x3b) return null; // ';'
      position++;
      while (position < value.length && isHeaderSpace(StringPrototypeCharCodeAt(value, position))) {
        position++;
      }
      const nameStart = position;
      while (position < value.length && StringPrototypeCharCodeAt(value, position) !== 0x3d &&
             StringPrototypeCharCodeAt(value, position) !== 0x3b) position++;
      const parameter = lowerAscii(StringPrototypeSlice(value, nameStart, position));
      if (position >= value.length || StringPrototypeCharCodeAt(value, position) !== 0x3d) {
        continue; // a parameter without a value
      }
      position++;
      let parameterValue;
      if (StringPrototypeCharCodeAt(value, position) === 0x22) {
        position++;
        const valueStart = position;
        while (position < value.length && StringPrototypeCharCodeAt(value, position) !== 0x22) {
          position++;
        }
        if (position >= value.length) return null; // no closing quote
        parameterValue = decodeName(StringPrototypeSlice(value, valueStart, position));
        position++;
      } else {
        const valueStart = position;
        while (position < value.length && StringPrototypeCharCodeAt(value, position) !== 0x3b &&
               !isHeaderSpace(StringPrototypeCharCodeAt(value, position))) position++;
        parameterValue = decodeName(StringPrototypeSlice(value, valueStart, position));
      }
      if (parameter === 'name') name = parameterValue;
      else if (parameter === 'filename') filename = parameterValue;
    }
    return name === null ? null : { __proto__: null, name, filename };
  }

  // %0A, %0D and %22 decoded, then the bytes (one per code unit) decoded as UTF-8.
  function decodeName(raw) {
    let out = '';
    let last = 0;
    for (let i = 0; i + 2 < raw.length; i++) {
      if (StringPrototypeCharCodeAt(raw, i) !== 0x25) continue;
      const code = lowerAscii(StringPrototypeSlice(raw, i + 1, i + 3));
      const decoded = code === '0a' ? '\n' : code === '0d' ? '\r' : code === '22' ? '"' : null;
      if (decoded === null) continue;
      out += StringPrototypeSlice(raw, last, i) + decoded;
      last = i + 3;
      i += 2;
    }
    out += StringPrototypeSlice(raw, last);
    const bytes = new Uint8ArrayCtor(out.length);
    for (let i = 0; i < out.length; i++) bytes[i] = StringPrototypeCharCodeAt(out, i);
    return utf8DecodeWithoutBOM(bytes);
  }

  // Fetch's multipart/form-data parser: the entry list, or null when `bytes` is not a
  // multipart/form-data body with that boundary.
  function parseMultipart(bytes, boundary) {
    const entries = newList();
    const length = TypedArrayPrototypeGetLength(bytes);
    const dashBoundary = utf8Encode(`--${boundary}`);
    const delimiter = utf8Encode(`\r\n--${boundary}`);
    const boundaryLength = TypedArrayPrototypeGetLength(dashBoundary);
    // The first delimiter: at the start, or after a preamble that ends with CRLF.
    let position;
    if (indexOfBytes(bytes, dashBoundary, 0) === 0) {
      position = boundaryLength;
    } else {
      const at = indexOfBytes(bytes, delimiter, 0);
      if (at < 0) return null;
      position = at + 2 + boundaryLength;
    }
    for (;;) {
      // After a delimiter: "--" ends the body; else optional whitespace, then CRLF.
      if (position + 1 < length && bytes[position] === 0x2d && bytes[position + 1] === 0x2d) {
        return entries;
      }
      while (position < length && isHeaderSpace(bytes[position])) position++;
      if (position + 1 >= length || bytes[position] !== 0x0d || bytes[position + 1] !== 0x0a) {
        return null;
      }
      position += 2;
      // Header lines up to an empty line.
      const lines = newList();
      for (;;) {
        let end = position;
        while (end + 1 < length && !(bytes[end] === 0x0d && bytes[end + 1] === 0x0a)) end++;
        if (end + 1 >= length) return null;
        if (end === position) {
          position += 2;
          break;
        }
        append(lines, latin1(bytes, position, end));
        position = end + 2;
      }
      const headers = parsePartHeaders(lines);
      if (headers === null) return null;
      const end = indexOfBytes(bytes, delimiter, position);
      if (end < 0) return null;
      const content = subarray(bytes, position, end);
      if (headers.filename !== null) {
        const type = headers.contentType === null ? 'text/plain' : headers.contentType;
        append(entries, {
          __proto__: null, name: headers.name,
          value: blobs.newFile(rt.copyBytes(content), headers.filename, type,
            rt.primordials.DateNow()),
        });
      } else {
        append(entries,
          { __proto__: null, name: headers.name, value: utf8DecodeWithoutBOM(content) });
      }
      position = end + TypedArrayPrototypeGetLength(delimiter);
    }
  }

  // ===== application/x-www-form-urlencoded =================================================

  const hexValue = (c) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37
    : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

  // Bytes [start, end) with '+' as a space and %XX decoded, as UTF-8 (without BOM).
  function decodeFormComponent(bytes, start, end) {
    const out = new Uint8ArrayCtor(end - start);
    let n = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c === 0x2b) {
        out[n++] = 0x20;
      } else if (c === 0x25 && i + 2 < end && hexValue(bytes[i + 1]) >= 0 &&
                 hexValue(bytes[i + 2]) >= 0) {
        out[n++] = hexValue(bytes[i + 1]) * 16 + hexValue(bytes[i + 2]);
        i += 2;
      } else {
        out[n++] = c;
      }
    }
    return utf8DecodeWithoutBOM(subarray(out, 0, n));
  }

  // The URL Standard's application/x-www-form-urlencoded parser, as FormData entries.
  function parseUrlencoded(bytes) {
    const entries = newList();
    const length = TypedArrayPrototypeGetLength(bytes);
    let start = 0;
    while (start <= length) {
      let end = start;
      while (end < length && bytes[end] !== 0x26) end++;
      if (end > start) {
        let equals = start;
        while (equals < end && bytes[equals] !== 0x3d) equals++;
        append(entries, {
          __proto__: null,
          name: decodeFormComponent(bytes, start, equals),
          value: equals < end ? decodeFormComponent(bytes, equals + 1, end) : '',
        });
      }
      start = end + 1;
    }
    return entries;
  }

  return {
    FormData,
    // Internal.
    isFormData, newFormData, serializeMultipart, parseMultipart, parseUrlencoded,
  };
})
