// The native half of `crypto` (sdk/runtime/modules/crypto.js), over OpenSSL 3. Private to
// isolate_pool/.
//
// Random bytes come from RAND_bytes (OpenSSL's DRBG, seeded from the OS's CSPRNG) at each
// call: nothing random is kept in the isolate, so isolates booted from one function
// snapshot draw different values. Hashes are numbered as crypto.js numbers them:
// 1 SHA-1, 2 SHA-256, 3 SHA-384, 4 SHA-512.
//
// Thread: the callbacks run on the thread inside the isolate.
#ifndef HEARTH_ISOLATE_POOL_CRYPTO_BINDING_H_
#define HEARTH_ISOLATE_POOL_CRYPTO_BINDING_H_

#include <v8-function-callback.h>

namespace hearth {

// randomFill(arrayBufferView): fills the view's bytes in place.
void CryptoRandomFill(const v8::FunctionCallbackInfo<v8::Value>& info);

// randomUUID() -> a version 4 UUID, lowercase (RFC 4122 section 4.4).
void CryptoRandomUUID(const v8::FunctionCallbackInfo<v8::Value>& info);

// digest(hash, Uint8Array) -> ArrayBuffer.
void CryptoDigest(const v8::FunctionCallbackInfo<v8::Value>& info);

// hmac(hash, keyUint8Array, dataUint8Array) -> ArrayBuffer.
void CryptoHmac(const v8::FunctionCallbackInfo<v8::Value>& info);

// hmacVerify(hash, key, data, signature) -> whether signature is the data's HMAC (compared
// in constant time).
void CryptoHmacVerify(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_CRYPTO_BINDING_H_
