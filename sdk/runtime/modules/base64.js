// atob and btoa (HTML, "Base64 utility methods"): forgiving-base64 decode and encode between
// binary strings (one byte per code unit) and base64 text. Failures throw a DOMException
// named InvalidCharacterError, as the specification says.
'use strict';
(function hearthBase64(rt) {
  const { StringCtor, StringFromCharCode, StringPrototypeCharCodeAt, ReflectApply, TypeErrorCtor } =
    rt.primordials;
  const kAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  // Code unit -> 6-bit value, or -1.
  const decodeTable = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) decodeTable[StringPrototypeCharCodeAt(kAlphabet, i)] = i;
  const kChunk = 8192;  // code units per fromCharCode call: bounded argument lists

  function invalidCharacter(message) {
    const { DOMException } = rt.require('domexception');
    return new DOMException(message, 'InvalidCharacterError');
  }
  // A list of char codes as a string, in bounded slices.
  function codesToString(codes, length) {
    let out = '';
    for (let start = 0; start < length; start += kChunk) {
      const end = start + kChunk < length ? start + kChunk : length;
      out += ReflectApply(StringFromCharCode, undefined, codes.subarray(start, end));
    }
    return out;
  }

  function btoa(data) {
    if (arguments.length === 0) {
      throw new TypeErrorCtor("Failed to execute 'btoa': 1 argument required, but only 0 present.");
    }
    const input = typeof data === 'string' ? data : `${data}`;
    const length = input.length;
    const out = new Uint16Array(((length + 2) / 3 | 0) * 4);
    let o = 0;
    for (let i = 0; i < length; i += 3) {
      const a = StringPrototypeCharCodeAt(input, i);
      const b = i + 1 < length ? StringPrototypeCharCodeAt(input, i + 1) : 0;
      const c = i + 2 < length ? StringPrototypeCharCodeAt(input, i + 2) : 0;
      if (a > 0xff || b > 0xff || c > 0xff) {
        throw invalidCharacter('The string to be encoded contains characters outside of the ' +
          'Latin1 range.');
      }
      const bits = (a << 16) | (b << 8) | c;
      out[o++] = StringPrototypeCharCodeAt(kAlphabet, bits >> 18);
      out[o++] = StringPrototypeCharCodeAt(kAlphabet, (bits >> 12) & 63);
      out[o++] = i + 1 < length ? StringPrototypeCharCodeAt(kAlphabet, (bits >> 6) & 63) : 61;
      out[o++] = i + 2 < length ? StringPrototypeCharCodeAt(kAlphabet, bits & 63) : 61;
    }
    return codesToString(out, o);
  }

  const isAsciiWhitespace = (c) => c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ||
    c === 0x20;

  function atob(data) {
    if (arguments.length === 0) {
      throw new TypeErrorCtor("Failed to execute 'atob': 1 argument required, but only 0 present.");
    }
    const input = typeof data === 'string' ? data : StringCtor(`${data}`);
    // Strip ASCII whitespace, keeping the rest as 6-bit values (64 marks '=').
    const values = new Uint8Array(input.length);
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      const c = StringPrototypeCharCodeAt(input, i);
      if (isAsciiWhitespace(c)) continue;
      if (c === 61) {
        values[n++] = 64;
      } else if (c < 128 && decodeTable[c] >= 0) {
        values[n++] = decodeTable[c];
      } else {
        throw invalidCharacter('The string to be decoded is not correctly encoded.');
      }
    }
    // Forgiving-base64: up to two '=' at the very end when the length is a multiple of 4.
    if (n % 4 === 0) {
      if (n > 0 && values[n - 1] === 64) n--;
      if (n > 0 && values[n - 1] === 64) n--;
    }
    if (n % 4 === 1) throw invalidCharacter('The string to be decoded is not correctly encoded.');
    const out = new Uint8Array((n * 3) >> 2);
    let o = 0, buffer = 0, bits = 0;
    for (let i = 0; i < n; i++) {
      const value = values[i];
      if (value === 64) throw invalidCharacter('The string to be decoded is not correctly encoded.');
      buffer = (buffer << 6) | value;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (buffer >> bits) & 0xff;
      }
    }
    return codesToString(out, o);
  }

  return { atob, btoa };
})
