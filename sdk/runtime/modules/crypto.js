// crypto (W3C Web Cryptography API): getRandomValues, randomUUID, and crypto.subtle with
// digest (SHA-1, SHA-256, SHA-384, SHA-512) and HMAC keys (importKey, exportKey, generateKey,
// sign, verify; raw and jwk formats). Every other algorithm is a NotSupportedError.
//
// Randomness and hashing are native (isolate_pool/crypto_binding.cc, OpenSSL): random bytes
// come from the OS's CSPRNG at each call and are never kept in the JavaScript heap, which a
// function snapshot would replay in every isolate booted from it.
//
// The SubtleCrypto methods do their work at once and return a settled promise; errors are
// rejections, never exceptions, WebIDL's argument conversions included.
'use strict';
(function hearthCrypto(rt) {
  const {
    ArrayBufferIsView, TypedArrayPrototypeGetTag, TypedArrayPrototypeGetByteLength,
    TypedArrayPrototypeGetBuffer, StringPrototypeCharCodeAt, StringFromCharCode, NumberIsFinite,
    MathTrunc, TypeErrorCtor, SymbolIterator, ReflectApply, Uint8ArrayCtor,
  } = rt.primordials;
  const { newList, append, isObject, resolvedPromise, rejectedPromise, bufferSourceBytes,
    copyBytes } = rt;
  const { randomFill, randomUUID, digest, hmac, hmacVerify } = rt.native;
  const domException = (message, name) => new (rt.require('domexception').DOMException)(
    message, name);
  const illegalInvocation = () => new TypeErrorCtor('Illegal invocation');
  const kCreate = {};  // what internal construction passes: the constructors are illegal

  function requireArguments(count, required, what) {
    if (count < required) {
      throw new TypeErrorCtor(`Failed to execute '${what}': ${required} argument` +
        `${required > 1 ? 's' : ''} required, but only ${count} present.`);
    }
  }

  // ===== Crypto ===========================================================================

  const kIntegerArrays = {
    __proto__: null, Int8Array: true, Uint8Array: true, Uint8ClampedArray: true,
    Int16Array: true, Uint16Array: true, Int32Array: true, Uint32Array: true,
    BigInt64Array: true, BigUint64Array: true,
  };
  const kMaxRandomBytes = 65536;

  let subtle;
  let crypto;

  class Crypto {
    constructor(token = undefined) {
      if (token !== kCreate) throw new TypeErrorCtor('Illegal constructor');
    }

    get subtle() {
      if (this !== crypto) throw illegalInvocation();
      return subtle;
    }

    getRandomValues(array) {
      if (this !== crypto) throw illegalInvocation();
      requireArguments(arguments.length, 1, 'getRandomValues');
      if (!ArrayBufferIsView(array)) {
        throw new TypeErrorCtor("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 " +
          "is not of type 'ArrayBufferView'.");
      }
      const tag = TypedArrayPrototypeGetTag(array);  // undefined for a DataView
      if (tag === undefined || kIntegerArrays[tag] !== true) {
        throw domException(`The provided ArrayBufferView is of type '${tag ?? 'DataView'}', ` +
          'which is not an integer array type.', 'TypeMismatchError');
      }
      const length = TypedArrayPrototypeGetByteLength(array);
      if (length > kMaxRandomBytes) {
        throw domException(`The ArrayBufferView's byte length (${length}) exceeds the number ` +
          `of bytes of entropy available via this API (${kMaxRandomBytes}).`,
        'QuotaExceededError');
      }
      if (length > 0) randomFill(array);
      return array;
    }

    randomUUID() {
      if (this !== crypto) throw illegalInvocation();
      return randomUUID();
    }
  }
  rt.webidlClass(Crypto, 'Crypto');

  // ===== Algorithms =======================================================================

  const kHashes = {
    __proto__: null,
    'SHA-1': { __proto__: null, id: 1, blockBits: 512, jwk: 'HS1' },
    'SHA-256': { __proto__: null, id: 2, blockBits: 512, jwk: 'HS256' },
    'SHA-384': { __proto__: null, id: 3, blockBits: 1024, jwk: 'HS384' },
    'SHA-512': { __proto__: null, id: 4, blockBits: 1024, jwk: 'HS512' },
  };

  // The registered algorithms of each operation, by name, with the reader of their
  // parameters (WebCrypto 18.4, "registered algorithms").
  const readName = () => null;
  const readHmacParams = (algorithm, op) => {
    // HmacImportParams and HmacKeyGenParams: `hash` (required), then `length`.
    const hashValue = algorithm.hash;
    if (hashValue === undefined) {
      throw new TypeErrorCtor(`Failed to execute '${op}' on 'SubtleCrypto': HmacParams: ` +
        "required member 'hash' is undefined.");
    }
    const hash = isObject(hashValue) ? hashValue : `${hashValue}`;
    const lengthValue = algorithm.length;
    const length = lengthValue === undefined ? undefined : toUnsignedLong(lengthValue, 'length');
    return { __proto__: null, hash: normalizeAlgorithm(hash, 'digest'), length };
  };
  const kRegistered = {
    __proto__: null,
    digest: { __proto__: null, 'SHA-1': readName, 'SHA-256': readName, 'SHA-384': readName,
      'SHA-512': readName },
    importKey: { __proto__: null, HMAC: readHmacParams },
    generateKey: { __proto__: null, HMAC: readHmacParams },
    sign: { __proto__: null, HMAC: readName },
    verify: { __proto__: null, HMAC: readName },
    exportKey: { __proto__: null, HMAC: readName },
    encrypt: { __proto__: null },
    decrypt: { __proto__: null },
    deriveBits: { __proto__: null },
    deriveKey: { __proto__: null },
    wrapKey: { __proto__: null },
    unwrapKey: { __proto__: null },
  };

  // WebIDL: an AlgorithmIdentifier is (object or DOMString).
  const toAlgorithmIdentifier = (value) => (isObject(value) ? value : `${value}`);

  // WebCrypto 18.4.4 "normalize an algorithm": { name, hash?, length? }, with the name
  // spelt as registered.
  function normalizeAlgorithm(algorithm, op) {
    if (typeof algorithm === 'string') algorithm = { name: algorithm };
    const nameValue = algorithm.name;
    if (nameValue === undefined) {
      throw new TypeErrorCtor(`Failed to execute '${op}' on 'SubtleCrypto': Algorithm: ` +
        "required member 'name' is undefined.");
    }
    const wanted = asciiUpperCase(`${nameValue}`);
    const registered = kRegistered[op];
    let name = null;
    for (const candidate in registered) {
      if (asciiUpperCase(candidate) === wanted) name = candidate;
    }
    if (name === null) {
      throw domException(`Unrecognized algorithm name '${nameValue}' for ${op}.`,
        'NotSupportedError');
    }
    const params = registered[name](algorithm, op);
    const normalized = { __proto__: null, name };
    if (params !== null) {
      normalized.hash = params.hash;
      normalized.length = params.length;
    }
    return normalized;
  }
  // Names are matched ASCII case-insensitively: toUpperCase would also fold non-ASCII
  // letters ('\u0131' to 'I'), which the specification does not.
  function asciiUpperCase(string) {
    let out = '';
    for (let i = 0; i < string.length; i++) {
      const c = StringPrototypeCharCodeAt(string, i);
      out += StringFromCharCode(c >= 0x61 && c <= 0x7a ? c - 0x20 : c);
    }
    return out;
  }

  // WebIDL [EnforceRange] unsigned long.
  function toUnsignedLong(value, what) {
    const number = +value;
    if (!NumberIsFinite(number)) throw new TypeErrorCtor(`${what} is not a finite number.`);
    const integer = MathTrunc(number);
    if (integer < 0 || integer > 0xffffffff) {
      throw new TypeErrorCtor(`${what} is outside the range of an unsigned long.`);
    }
    return integer;
  }

  // WebIDL BufferSource: the bytes, copied (WebCrypto: "get a copy of the bytes held by").
  function bufferSourceCopy(value, what) {
    const bytes = bufferSourceBytes(value);
    if (bytes === null) {
      throw new TypeErrorCtor(`Failed to execute '${what}' on 'SubtleCrypto': The provided ` +
        "value is not of type '(ArrayBuffer or ArrayBufferView)'.");
    }
    return copyBytes(bytes);
  }

  const kKeyFormats = { __proto__: null, raw: true, spki: true, pkcs8: true, jwk: true };
  function toKeyFormat(value) {
    const format = `${value}`;
    if (kKeyFormats[format] !== true) {
      throw new TypeErrorCtor(`The provided value '${format}' is not a valid enum value of ` +
        "type KeyFormat.");
    }
    return format;
  }

  // Key usages in the order the specification lists them; a key keeps its own in this order,
  // without repeats, as browsers do.
  const kUsages = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey',
    'unwrapKey'];
  function toKeyUsages(value) {
    if (!isObject(value) || typeof value[SymbolIterator] !== 'function') {
      throw new TypeErrorCtor('The provided key usages cannot be converted to a sequence.');
    }
    let mask = 0;
    for (const item of value) {
      const usage = `${item}`;
      let bit = -1;
      for (let i = 0; i < kUsages.length; i++) {
        if (kUsages[i] === usage) bit = i;
      }
      if (bit < 0) {
        throw new TypeErrorCtor(`The provided value '${usage}' is not a valid enum value of ` +
          'type KeyUsage.');
      }
      mask |= 1 << bit;
    }
    return mask;
  }
  const kSign = 1 << 2, kVerify = 1 << 3;
  function usagesList(mask) {
    const list = [];
    for (let i = 0; i < kUsages.length; i++) {
      if (mask & (1 << i)) list[list.length] = kUsages[i];
    }
    return list;
  }

  // ===== CryptoKey ========================================================================

  let keyParts;  // (value) -> the key's internal slots, or a TypeError

  class CryptoKey {
    #extractable;
    #usages;       // mask of kUsages bits
    #hash;         // kHashes entry (every key here is an HMAC key)
    #length;       // bits
    #data;         // Uint8Array, the key's own
    #algorithm = null;  // [[algorithm_cached]] and [[usages_cached]]: made on first read,
    #usagesList = null; // the same object at every read

    constructor(token = undefined, hash, length, data, extractable, usages) {
      if (token !== kCreate) throw new TypeErrorCtor('Illegal constructor');
      this.#hash = hash;
      this.#length = length;
      this.#data = data;
      this.#extractable = extractable;
      this.#usages = usages;
    }

    static {
      keyParts = (value, what) => {
        if (!(isObject(value) && #data in value)) {
          throw new TypeErrorCtor(`Failed to execute '${what}' on 'SubtleCrypto': parameter ` +
            "is not of type 'CryptoKey'.");
        }
        return {
          __proto__: null, name: 'HMAC', hash: value.#hash, length: value.#length,
          data: value.#data, extractable: value.#extractable, usages: value.#usages,
        };
      };
    }

    get type() {
      if (!(isObject(this) && #data in this)) throw illegalInvocation();
      return 'secret';
    }

    get extractable() {
      if (!(isObject(this) && #data in this)) throw illegalInvocation();
      return this.#extractable;
    }

    get algorithm() {
      if (!(isObject(this) && #data in this)) throw illegalInvocation();
      if (this.#algorithm === null) {
        this.#algorithm = { name: 'HMAC', hash: { name: hashName(this.#hash) },
          length: this.#length };
      }
      return this.#algorithm;
    }

    get usages() {
      if (!(isObject(this) && #data in this)) throw illegalInvocation();
      if (this.#usagesList === null) this.#usagesList = usagesList(this.#usages);
      return this.#usagesList;
    }
  }
  rt.webidlClass(CryptoKey, 'CryptoKey');

  function hashName(hash) {
    for (const name in kHashes) {
      if (kHashes[name] === hash) return name;
    }
    return undefined;
  }

  // ===== HMAC (WebCrypto 29) ==============================================================

  function checkHmacUsages(usages) {
    if ((usages & ~(kSign | kVerify)) !== 0) {
      throw domException('HMAC keys may only be used to sign and verify.', 'SyntaxError');
    }
  }

  function importHmacKey(format, keyData, algorithm, extractable, usages) {
    checkHmacUsages(usages);
    const hash = kHashes[algorithm.hash.name];
    let data;
    if (format === 'raw') {
      data = keyData;
    } else if (format === 'jwk') {
      data = hmacKeyFromJwk(keyData, hash, extractable, usages);
    } else {
      throw domException(`HMAC keys cannot be imported from the '${format}' format.`,
        'NotSupportedError');
    }
    const dataBits = data.length * 8;
    if (dataBits === 0) throw domException('The key is empty.', 'DataError');
    let length = dataBits;
    if (algorithm.length !== undefined) {
      if (algorithm.length > dataBits || algorithm.length <= dataBits - 8) {
        throw domException(`The key's length (${algorithm.length} bits) does not match its ` +
          `data (${dataBits} bits).`, 'DataError');
      }
      length = algorithm.length;
    }
    return newKey(hash, length, data, extractable, usages);
  }

  function newKey(hash, length, data, extractable, usages) {
    if (usages === 0) {
      throw domException('A secret key must have at least one usage.', 'SyntaxError');
    }
    return new CryptoKey(kCreate, hash, length, data, extractable, usages);
  }

  // JsonWebKey members, read in WebIDL's (alphabetical) order before any is judged.
  const kJwkMembers = ['alg', 'crv', 'd', 'dp', 'dq', 'e', 'ext', 'k', 'key_ops', 'kty', 'n',
    'oth', 'p', 'q', 'qi', 'use', 'x', 'y'];
  function toJsonWebKey(value) {
    const jwk = { __proto__: null };
    if (value === undefined || value === null) return jwk;
    for (let i = 0; i < kJwkMembers.length; i++) {
      const name = kJwkMembers[i];
      const member = value[name];
      if (member === undefined) continue;
      if (name === 'ext') {
        jwk.ext = !!member;
      } else if (name === 'key_ops') {
        if (!isObject(member) || typeof member[SymbolIterator] !== 'function') {
          throw new TypeErrorCtor('JsonWebKey: key_ops cannot be converted to a sequence.');
        }
        const ops = newList();
        for (const op of member) append(ops, `${op}`);
        jwk.key_ops = ops;
      } else if (name === 'oth') {
        jwk.oth = member;  // RSA only: never read here
      } else {
        jwk[name] = `${member}`;
      }
    }
    return jwk;
  }

  function hmacKeyFromJwk(jwk, hash, extractable, usages) {
    const dataError = (message) => domException(message, 'DataError');
    if (jwk.kty !== 'oct') throw dataError("The JWK's kty must be 'oct' for an HMAC key.");
    if (jwk.k === undefined) throw dataError("The JWK has no 'k' member.");
    const data = base64UrlDecode(jwk.k);
    if (data === null) throw dataError("The JWK's 'k' member is not base64url.");
    if (jwk.alg !== undefined && jwk.alg !== hash.jwk) {
      throw dataError(`The JWK's alg '${jwk.alg}' does not match the hash (${hash.jwk}).`);
    }
    if (usages !== 0 && jwk.use !== undefined && jwk.use !== 'sig') {
      throw dataError("The JWK's use must be 'sig' for an HMAC key.");
    }
    if (jwk.key_ops !== undefined) {
      const ops = jwk.key_ops;
      let mask = 0;
      for (let i = 0; i < ops.length; i++) {
        let bit = -1;
        for (let j = 0; j < kUsages.length; j++) {
          if (kUsages[j] === ops[i]) bit = j;
        }
        if (bit >= 0 && (mask & (1 << bit))) throw dataError("The JWK's key_ops repeat an entry.");
        if (bit >= 0) mask |= 1 << bit;
      }
      if ((usages & ~mask) !== 0) {
        throw dataError("The JWK's key_ops do not allow every requested usage.");
      }
    }
    if (jwk.ext === false && extractable) {
      throw dataError('The JWK is not extractable (ext is false).');
    }
    return data;
  }

  function exportHmacKey(format, key) {
    if (format === 'raw') return TypedArrayPrototypeGetBuffer(copyBytes(key.data));
    if (format === 'jwk') {
      return {
        alg: key.hash.jwk,
        ext: key.extractable,
        k: base64UrlEncode(key.data),
        key_ops: usagesList(key.usages),
        kty: 'oct',
      };
    }
    throw domException(`HMAC keys cannot be exported to the '${format}' format.`,
      'NotSupportedError');
  }

  function generateHmacKey(algorithm, extractable, usages) {
    checkHmacUsages(usages);
    const hash = kHashes[algorithm.hash.name];
    let length = algorithm.length;
    if (length === undefined) {
      length = hash.blockBits;
    } else if (length === 0) {
      throw domException('An HMAC key cannot be 0 bits long.', 'OperationError');
    }
    const data = new Uint8ArrayCtor((length + 7) >> 3);
    randomFill(data);
    return newKey(hash, length, data, extractable, usages);
  }

  // ----- base64url (RFC 4648 section 5, no padding), for JWK's k -----

  function base64UrlEncode(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += StringFromCharCode(bytes[i]);
    const base64 = ReflectApply(rt.require('base64').btoa, undefined, [binary]);
    let out = '';
    for (let i = 0; i < base64.length; i++) {
      const c = base64[i];
      if (c === '=') break;
      out += c === '+' ? '-' : c === '/' ? '_' : c;
    }
    return out;
  }

  function base64UrlDecode(text) {
    let base64 = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '+' || c === '/' || c === '=') return null;  // not the URL-safe alphabet
      base64 += c === '-' ? '+' : c === '_' ? '/' : c;
    }
    let binary;
    try {
      binary = ReflectApply(rt.require('base64').atob, undefined, [base64]);
    } catch {
      return null;
    }
    const bytes = new Uint8ArrayCtor(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = StringPrototypeCharCodeAt(binary, i);
    return bytes;
  }

  // ===== SubtleCrypto =====================================================================

  // Runs a SubtleCrypto method: its result as a fulfilled promise, whatever it threw as a
  // rejected one.
  function settle(self, fn) {
    try {
      if (self !== subtle) throw illegalInvocation();
      return resolvedPromise(fn());
    } catch (error) {
      return rejectedPromise(error);
    }
  }

  // For the operations that no registered algorithm supports: arguments converted, then
  // the algorithm is not supported (normalizing it says so).
  function unsupported(op, algorithm) {
    normalizeAlgorithm(toAlgorithmIdentifier(algorithm), op);
  }

  class SubtleCrypto {
    constructor(token = undefined) {
      if (token !== kCreate) throw new TypeErrorCtor('Illegal constructor');
    }

    digest(algorithm, data) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 2, 'digest');
        algorithm = toAlgorithmIdentifier(algorithm);
        const bytes = bufferSourceCopy(data, 'digest');
        const normalized = normalizeAlgorithm(algorithm, 'digest');
        return digest(kHashes[normalized.name].id, bytes);
      });
    }

    importKey(format, keyData, algorithm, extractable, keyUsages) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 5, 'importKey');
        format = toKeyFormat(format);
        // (BufferSource or JsonWebKey): a buffer, else a dictionary.
        let bytes = bufferSourceBytes(keyData);
        let jwk = null;
        if (bytes === null) {
          if (keyData !== undefined && keyData !== null && !isObject(keyData)) {
            throw new TypeErrorCtor("Failed to execute 'importKey' on 'SubtleCrypto': The " +
              "provided value is not of type '(ArrayBuffer or ArrayBufferView or JsonWebKey)'.");
          }
          jwk = toJsonWebKey(keyData);
        } else {
          bytes = copyBytes(bytes);
        }
        algorithm = toAlgorithmIdentifier(algorithm);
        extractable = !!extractable;
        const usages = toKeyUsages(keyUsages);
        if (format === 'jwk' && jwk === null) {
          throw new TypeErrorCtor("A key in the 'jwk' format must be a JsonWebKey object.");
        }
        if (format !== 'jwk' && bytes === null) {
          throw new TypeErrorCtor(`A key in the '${format}' format must be a BufferSource.`);
        }
        const normalized = normalizeAlgorithm(algorithm, 'importKey');
        return importHmacKey(format, format === 'jwk' ? jwk : bytes, normalized, extractable,
          usages);
      });
    }

    exportKey(format, key) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 2, 'exportKey');
        format = toKeyFormat(format);
        const parts = keyParts(key, 'exportKey');
        if (!parts.extractable) {
          throw domException('The key is not extractable.', 'InvalidAccessError');
        }
        return exportHmacKey(format, parts);
      });
    }

    generateKey(algorithm, extractable, keyUsages) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 3, 'generateKey');
        algorithm = toAlgorithmIdentifier(algorithm);
        extractable = !!extractable;
        const usages = toKeyUsages(keyUsages);
        const normalized = normalizeAlgorithm(algorithm, 'generateKey');
        return generateHmacKey(normalized, extractable, usages);
      });
    }

    sign(algorithm, key, data) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 3, 'sign');
        algorithm = toAlgorithmIdentifier(algorithm);
        const parts = keyParts(key, 'sign');
        const bytes = bufferSourceCopy(data, 'sign');
        const normalized = normalizeAlgorithm(algorithm, 'sign');
        checkKeyUse(normalized, parts, kSign, 'sign');
        return hmac(parts.hash.id, parts.data, bytes);
      });
    }

    verify(algorithm, key, signature, data) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 4, 'verify');
        algorithm = toAlgorithmIdentifier(algorithm);
        const parts = keyParts(key, 'verify');
        const signatureBytes = bufferSourceCopy(signature, 'verify');
        const bytes = bufferSourceCopy(data, 'verify');
        const normalized = normalizeAlgorithm(algorithm, 'verify');
        checkKeyUse(normalized, parts, kVerify, 'verify');
        return hmacVerify(parts.hash.id, parts.data, bytes, signatureBytes);
      });
    }

    encrypt(algorithm, key, data) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 3, 'encrypt');
        unsupported('encrypt', algorithm);
      });
    }

    decrypt(algorithm, key, data) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 3, 'decrypt');
        unsupported('decrypt', algorithm);
      });
    }

    deriveBits(algorithm, baseKey, length = null) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 2, 'deriveBits');
        unsupported('deriveBits', algorithm);
      });
    }

    deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 5, 'deriveKey');
        unsupported('deriveKey', algorithm);
      });
    }

    wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 4, 'wrapKey');
        unsupported('wrapKey', wrapAlgorithm);
      });
    }

    unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm,
      extractable, keyUsages) {
      const count = arguments.length;
      return settle(this, () => {
        requireArguments(count, 7, 'unwrapKey');
        unsupported('unwrapKey', unwrapAlgorithm);
      });
    }
  }
  rt.webidlClass(SubtleCrypto, 'SubtleCrypto');

  function checkKeyUse(normalized, key, usage, op) {
    if (normalized.name !== key.name) {
      throw domException(`The key is for ${key.name}, not ${normalized.name}.`,
        'InvalidAccessError');
    }
    if ((key.usages & usage) === 0) {
      throw domException(`The key does not allow '${op}'.`, 'InvalidAccessError');
    }
  }

  subtle = new SubtleCrypto(kCreate);
  crypto = new Crypto(kCreate);

  return { crypto, Crypto, SubtleCrypto, CryptoKey };
})
