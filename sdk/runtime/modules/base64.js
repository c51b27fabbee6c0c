// atob and btoa (HTML, "Base64 utility methods"): forgiving-base64 decode and encode between
// binary strings (one byte per code unit) and base64 text. Failures throw a DOMException
// named InvalidCharacterError, as the specification says. The loops are native
// (isolate_pool/base64_binding.cc): 100,000 characters took ~20 ms here in JavaScript.
'use strict';
(function hearthBase64(rt) {
  const { StringCtor } = rt.primordials;
  const { base64Encode, base64Decode } = rt.native;

  const invalidCharacter = (message) => rt.domException(message, 'InvalidCharacterError');

  function btoa(data) {
    rt.requireArguments(arguments.length, 1, 'btoa');
    const encoded = base64Encode(typeof data === 'string' ? data : `${data}`);
    if (encoded === null) {
      throw invalidCharacter('The string to be encoded contains characters outside of the ' +
        'Latin1 range.');
    }
    return encoded;
  }

  function atob(data) {
    rt.requireArguments(arguments.length, 1, 'atob');
    const decoded = base64Decode(typeof data === 'string' ? data : StringCtor(`${data}`));
    if (decoded === null) throw invalidCharacter('The string to be decoded is not correctly encoded.');
    return decoded;
  }

  return { atob, btoa };
})
