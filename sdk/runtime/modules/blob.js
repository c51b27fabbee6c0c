// Blob and File (W3C File API, sections 3 and 4).
//
// A Blob holds its bytes as one Uint8Array that nothing else can reach and nothing ever
// writes, so slice() makes a view, not a copy; what a reader gets (text, arrayBuffer,
// bytes, stream) is always a copy.
'use strict';
(function hearthBlob(rt) {
  const {
    ReflectApply, TypeErrorCtor, SymbolIterator, StringPrototypeCharCodeAt, StringPrototypeSlice,
    StringPrototypeToLowerCase, MathMax, MathMin, MathFloor, NumberIsFinite, Uint8ArrayCtor,
    TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteOffset, TypedArrayPrototypeGetLength,
    TypedArrayPrototypeSet, DateNow, ObjectCreate,
  } = rt.primordials;
  const {
    newList, append, isObject, resolvedPromise, rejectedPromise, toDictionary, member,
    webidlClass, bufferSourceBytes, copyBytes, utf8Encode, utf8DecodeWithoutBOM, toUSVString,
    isSharedBuffer,
  } = rt;

  const kInternal = ObjectCreate(null);
  const emptyBytes = () => new Uint8ArrayCtor(0);
  const subarray = (bytes, start, end) => new Uint8ArrayCtor(TypedArrayPrototypeGetBuffer(bytes),
    TypedArrayPrototypeGetByteOffset(bytes) + start, end - start);

  let isBlob; // (value) => boolean
  let blobBytes; // (blob) => its Uint8Array (never to be handed out or written)
  let blobType; // (blob) => its type
  let newBlob; // (bytes, type) => Blob owning `bytes`
  let initializeBlob; // (blob, bytes, type): for File's constructor

  // WebIDL's sequence<BlobPart> conversion: each part a Blob, a buffer source or a
  // USVString (here: its UTF-8 bytes), in the iteration order of the user's iterable.
  function toBlobParts(value, what) {
    const parts = newList();
    if (value === undefined) return parts;
    if (!isObject(value)) {
      throw new TypeErrorCtor(`${what}: The provided value cannot be converted to a sequence.`);
    }
    const method = value[SymbolIterator];
    if (typeof method !== 'function') {
      throw new TypeErrorCtor(`${what}: The object must have a callable @@iterator property.`);
    }
    const iterator = ReflectApply(method, value, []);
    if (!isObject(iterator)) throw new TypeErrorCtor(`${what}: The iterator is not an object.`);
    const next = iterator.next;
    for (;;) {
      const step = ReflectApply(next, iterator, []);
      if (!isObject(step)) {
        throw new TypeErrorCtor(`${what}: The iterator result is not an object.`);
      }
      if (step.done) break;
      append(parts, toBlobPart(step.value));
    }
    return parts;
  }

  // One BlobPart: { bytes } for Blobs and buffers (copied now, as the parts may change
  // before the Blob is made), { string } for the rest.
  function toBlobPart(value) {
    if (isBlob(value)) return { __proto__: null, bytes: blobBytes(value), string: null };
    if (isObject(value)) {
      if (isSharedBuffer(value)) {
        throw new TypeErrorCtor('A BlobPart cannot be a SharedArrayBuffer or a view on one');
      }
      const bytes = bufferSourceBytes(value);
      if (bytes !== null) return { __proto__: null, bytes: copyBytes(bytes), string: null };
    }
    return { __proto__: null, bytes: null, string: toUSVString(value) };
  }

  // BlobPropertyBag: { endings, type }, in that order.
  function toBlobPropertyBag(options, what) {
    const dictionary = toDictionary(options, what);
    let endings = member(dictionary, 'endings');
    if (endings === undefined) {
      endings = 'transparent';
    } else {
      endings = `${endings}`;
      if (endings !== 'transparent' && endings !== 'native') {
        throw new TypeErrorCtor(`The provided value '${endings}' is not a valid EndingType.`);
      }
    }
    const type = member(dictionary, 'type');
    return { __proto__: null, dictionary, endings, type: type === undefined ? '' : `${type}` };
  }

  // WebIDL's USVString: `${}` (which throws on symbols), lone surrogates made U+FFFD.
  function toUSVStringStrict(value) {
    const string = toUSVString(value);
    let out = '';
    let last = 0;
    for (let i = 0; i < string.length; i++) {
      const code = StringPrototypeCharCodeAt(string, i);
      if (code < 0xd800 || code > 0xdfff) continue;
      if (code <= 0xdbff) {
        const next = StringPrototypeCharCodeAt(string, i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      }
      out += `${StringPrototypeSlice(string, last, i)}\ufffd`;
      last = i + 1;
    }
    return last === 0 ? string : out + StringPrototypeSlice(string, last);
  }

  // The File API's type rule: printable ASCII, lowercased, or else the empty string.
  function normalizeType(type) {
    for (let i = 0; i < type.length; i++) {
      const code = StringPrototypeCharCodeAt(type, i);
      if (code < 0x20 || code > 0x7e) return '';
    }
    return StringPrototypeToLowerCase(type);
  }

  // "Convert line endings to native": CRLF, CR and LF all become LF (the native line
  // ending here).
  function toNativeLineEndings(string) {
    let out = '';
    let last = 0;
    for (let i = 0; i < string.length; i++) {
      if (StringPrototypeCharCodeAt(string, i) !== 0x0d) continue;
      out += `${StringPrototypeSlice(string, last, i)}\n`;
      if (StringPrototypeCharCodeAt(string, i + 1) === 0x0a) i++;
      last = i + 1;
    }
    return last === 0 ? string : out + StringPrototypeSlice(string, last);
  }

  // "Process blob parts": the bytes of every part, one after the other.
  function processBlobParts(parts, endings) {
    const chunks = newList();
    let total = 0;
    for (let i = 0; i < parts.length; i++) {
      let bytes = parts[i].bytes;
      if (bytes === null) {
        const string = parts[i].string;
        bytes = utf8Encode(endings === 'native' ? toNativeLineEndings(string) : string);
      }
      append(chunks, bytes);
      total += TypedArrayPrototypeGetLength(bytes);
    }
    if (chunks.length === 1 && parts[0].bytes === null) return chunks[0]; // encoded: ours
    const out = new Uint8ArrayCtor(total);
    for (let i = 0, offset = 0; i < chunks.length; i++) {
      TypedArrayPrototypeSet(out, chunks[i], offset);
      offset += TypedArrayPrototypeGetLength(chunks[i]);
    }
    return out;
  }

  // WebIDL [Clamp] long long: rounded half to even.
  function toClampedLongLong(value) {
    let number = +value;
    if (number !== number) return 0;
    number = MathMin(MathMax(number, -(2 ** 63 - 1)), 2 ** 63 - 1);
    const floor = MathFloor(number);
    const fraction = number - floor;
    const rounded = fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
    return rounded === 0 ? 0 : rounded; // +0, never -0
  }
  // WebIDL long long (without [Clamp] or [EnforceRange]): truncated, wrapped into 64 bits.
  function toLongLong(value) {
    const number = +value;
    if (!NumberIsFinite(number)) return 0;
    let integer = number < 0 ? -MathFloor(-number) : MathFloor(number);
    if (integer >= 2 ** 63 || integer < -(2 ** 63)) {
      integer %= 2 ** 64;
      if (integer >= 2 ** 63) integer -= 2 ** 64;
      else if (integer < -(2 ** 63)) integer += 2 ** 64;
    }
    return integer === 0 ? 0 : integer;
  }

  class Blob {
    #bytes;
    #type;

    static {
      isBlob = (value) => isObject(value) && #bytes in value;
      blobBytes = (blob) => blob.#bytes;
      blobType = (blob) => blob.#type;
      initializeBlob = (blob, bytes, type) => {
        blob.#bytes = bytes;
        blob.#type = type;
      };
      newBlob = (bytes, type) => {
        const blob = new Blob(kInternal);
        initializeBlob(blob, bytes, type);
        return blob;
      };
    }

    constructor(blobParts = undefined, options = undefined) {
      if (blobParts === kInternal) return;
      const parts = toBlobParts(blobParts, "Failed to construct 'Blob'");
      const bag = toBlobPropertyBag(options, "Failed to construct 'Blob': options");
      this.#bytes = processBlobParts(parts, bag.endings);
      this.#type = normalizeType(bag.type);
    }

    get size() {
      return TypedArrayPrototypeGetLength(this.#bytes);
    }

    get type() {
      return this.#type;
    }

    slice(start = undefined, end = undefined, contentType = undefined) {
      const bytes = this.#bytes;
      const size = TypedArrayPrototypeGetLength(bytes);
      let relativeStart = start === undefined ? 0 : toClampedLongLong(start);
      relativeStart = relativeStart < 0 ? MathMax(size + relativeStart, 0)
        : MathMin(relativeStart, size);
      let relativeEnd = end === undefined ? size : toClampedLongLong(end);
      relativeEnd = relativeEnd < 0 ? MathMax(size + relativeEnd, 0) : MathMin(relativeEnd, size);
      const type = contentType === undefined ? '' : normalizeType(`${contentType}`);
      const span = MathMax(relativeEnd - relativeStart, 0);
      const sliced = span === 0 ? emptyBytes()
        : subarray(bytes, relativeStart, relativeStart + span);
      return newBlob(sliced, type);
    }

    stream() {
      return rt.require('streams').byteStreamOf(copyBytes(this.#bytes));
    }

    text() {
      if (!isBlob(this)) return rejectedPromise(new TypeErrorCtor('Illegal invocation'));
      return resolvedPromise(utf8DecodeWithoutBOM(this.#bytes));
    }

    arrayBuffer() {
      if (!isBlob(this)) return rejectedPromise(new TypeErrorCtor('Illegal invocation'));
      return resolvedPromise(TypedArrayPrototypeGetBuffer(copyBytes(this.#bytes)));
    }

    bytes() {
      if (!isBlob(this)) return rejectedPromise(new TypeErrorCtor('Illegal invocation'));
      return resolvedPromise(copyBytes(this.#bytes));
    }
  }
  webidlClass(Blob, 'Blob');

  let isFile; // (value) => boolean
  let fileName; // (file) => its name
  let fileLastModified; // (file) => its lastModified
  let newFile; // (bytes, name, type, lastModified) => File owning `bytes`

  class File extends Blob {
    #name;
    #lastModified;

    static {
      isFile = (value) => isObject(value) && #name in value;
      fileName = (file) => file.#name;
      fileLastModified = (file) => file.#lastModified;
      newFile = (bytes, name, type, lastModified) => {
        const file = new File(kInternal);
        initializeBlob(file, bytes, type);
        file.#name = name;
        file.#lastModified = lastModified;
        return file;
      };
    }

    constructor(fileBits, fileName, options = undefined) {
      if (fileBits === kInternal) {
        super(kInternal);
        return;
      }
      if (arguments.length < 2) {
        throw new TypeErrorCtor("Failed to construct 'File': 2 arguments required, but only " +
          `${arguments.length} present.`);
      }
      // Converted in WebIDL's order (the parts, the name, the options) before anything is made.
      const parts = toBlobParts(fileBits, "Failed to construct 'File'");
      const name = toUSVStringStrict(fileName);
      const bag = toBlobPropertyBag(options, "Failed to construct 'File': options");
      const lastModified = member(bag.dictionary, 'lastModified');
      const bytes = processBlobParts(parts, bag.endings);
      super(kInternal);
      initializeBlob(this, bytes, normalizeType(bag.type));
      this.#name = name;
      this.#lastModified = lastModified === undefined ? DateNow() : toLongLong(lastModified);
    }

    get name() {
      return this.#name;
    }

    get lastModified() {
      return this.#lastModified;
    }
  }
  webidlClass(File, 'File');

  return {
    Blob, File,
    // Internal.
    isBlob, blobBytes, blobType, newBlob, isFile, fileName, fileLastModified, newFile,
    toUSVStringStrict, normalizeType,
  };
})
