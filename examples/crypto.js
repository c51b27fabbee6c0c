// @ts-check
// Web Crypto and encodings: a random UUID, a SHA-256 digest in hex, an HMAC signature made
// and checked with a secret from the deploy, and base64 that survives any UTF-8 text.
//   hearthctl deploy crypto examples/crypto.js --env HMAC_SECRET=change-me
//   hearthctl invoke crypto --path '/?message=héllo'

/** @typedef {{ HMAC_SECRET?: string }} Env */

const encoder = new TextEncoder();

/** Bytes as lowercase hex, two digits each: how digests are usually shown. */
function toHex(/** @type {ArrayBuffer} */ buffer) {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * UTF-8 text as base64. btoa() takes only characters up to U+00FF (one per byte), so the
 * text is encoded to UTF-8 bytes first and each byte becomes one such character.
 */
function toBase64(/** @type {string} */ text) {
  return btoa(Array.from(encoder.encode(text), (byte) => String.fromCharCode(byte)).join(''));
}

/** The reverse: base64 to bytes (atob gives one character per byte), then UTF-8 to text. */
function fromBase64(/** @type {string} */ base64) {
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
}

/** @type {ExportedHandler<Env>} */
export default {
  async fetch(request, env) {
    if (!env.HMAC_SECRET) {
      return Response.json({ error: 'deploy with --env HMAC_SECRET=...' }, { status: 500 });
    }
    const message = new URL(request.url).searchParams.get('message') ?? 'hello';
    const data = encoder.encode(message);

    // The key is imported per request to keep the example short; a busy function would
    // import it once and keep it. Not extractable: its bytes cannot be read back out of it.
    const key = await crypto.subtle.importKey(
      'raw', encoder.encode(env.HMAC_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false,
      ['sign', 'verify']);
    const signature = await crypto.subtle.sign('HMAC', key, data);
    // verify() compares in constant time; a changed message must not verify.
    const verified = await crypto.subtle.verify('HMAC', key, signature, data);
    const tampered = await crypto.subtle.verify('HMAC', key, signature, encoder.encode(`${message}!`));

    const base64 = toBase64(message);
    return Response.json({
      id: crypto.randomUUID(),
      message,
      sha256: toHex(await crypto.subtle.digest('SHA-256', data)),
      hmacSha256: toHex(signature),
      verified,
      tamperedVerified: tampered,
      base64,
      decoded: fromBase64(base64),
    });
  },
};
