#include "isolate_pool/crypto_binding.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <v8-array-buffer.h>
#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>
#include <v8-typed-array.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>

#include "isolate_pool/native_bindings.h"

namespace hearth {
namespace {

void Throw(v8::Isolate* isolate, v8::Local<v8::Value> (*make)(v8::Local<v8::String>),
           const char* message) {
  isolate->ThrowException(make(v8::String::NewFromUtf8(isolate, message).ToLocalChecked()));
}

// The bytes of an ArrayBufferView argument, or false with a TypeError thrown.
bool ViewBytes(const v8::FunctionCallbackInfo<v8::Value>& info, int index,
               std::span<uint8_t>* bytes) {
  if (info.Length() <= index || !info[index]->IsArrayBufferView()) {
    Throw(info.GetIsolate(), &v8::Exception::TypeError, "expected an ArrayBufferView");
    return false;
  }
  v8::Local<v8::ArrayBufferView> view = info[index].As<v8::ArrayBufferView>();
  const size_t length = view->ByteLength();
  if (length == 0) {
    *bytes = {};
    return true;
  }
  auto* data = static_cast<uint8_t*>(view->Buffer()->Data()) + view->ByteOffset();
  *bytes = std::span<uint8_t>(data, length);
  return true;
}

// The EVP_MD of a hash number, or null with a TypeError thrown.
const EVP_MD* HashArgument(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const int32_t hash =
      info.Length() > 0 && info[0]->IsInt32() ? info[0].As<v8::Int32>()->Value() : 0;
  switch (hash) {
    case 1:
      return EVP_sha1();
    case 2:
      return EVP_sha256();
    case 3:
      return EVP_sha384();
    case 4:
      return EVP_sha512();
  }
  Throw(info.GetIsolate(), &v8::Exception::TypeError, "unknown hash");
  return nullptr;
}

// An ArrayBuffer holding `bytes`, from the isolate's allocator (counted against the memory
// limit); empty with a RangeError thrown when it refuses.
void ReturnArrayBuffer(const v8::FunctionCallbackInfo<v8::Value>& info,
                       std::span<const uint8_t> bytes) {
  char* data = nullptr;
  v8::Local<v8::Uint8Array> array;
  if (!NewUint8Array(info.GetIsolate(), bytes.size(), &data).ToLocal(&array)) return;
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), data);
  info.GetReturnValue().Set(array->Buffer());
}

// HMAC of `data` under `key`, into `out` (EVP_MAX_MD_SIZE bytes); its length, or 0.
unsigned int Hmac(const EVP_MD* md, std::span<const uint8_t> key, std::span<const uint8_t> data,
                  uint8_t* out) {
  if (key.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return 0;
  unsigned int length = 0;
  // An empty key is legal to HMAC but a null pointer is not to OpenSSL.
  static const uint8_t kEmpty = 0;
  if (HMAC(md, key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()),
           data.empty() ? &kEmpty : data.data(), data.size(), out, &length) == nullptr) {
    return 0;
  }
  return length;
}

}  // namespace

void CryptoRandomFill(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::span<uint8_t> bytes;
  if (!ViewBytes(info, 0, &bytes)) return;
  // RAND_bytes takes an int: larger views are filled in pieces.
  constexpr size_t kPiece = size_t{1} << 30;
  for (size_t offset = 0; offset < bytes.size(); offset += kPiece) {
    const size_t length = std::min(kPiece, bytes.size() - offset);
    if (RAND_bytes(bytes.data() + offset, static_cast<int>(length)) != 1) {
      return Throw(info.GetIsolate(), &v8::Exception::Error,
                   "the system's random number generator failed");
    }
  }
}

void CryptoRandomUUID(const v8::FunctionCallbackInfo<v8::Value>& info) {
  uint8_t bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return Throw(info.GetIsolate(), &v8::Exception::Error,
                 "the system's random number generator failed");
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  char text[36];
  size_t out = 0;
  for (size_t i = 0; i < sizeof(bytes); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text[out++] = '-';
    text[out++] = kHex[bytes[i] >> 4];
    text[out++] = kHex[bytes[i] & 0x0f];
  }
  info.GetReturnValue().Set(v8::String::NewFromOneByte(info.GetIsolate(),
                                                       reinterpret_cast<const uint8_t*>(text),
                                                       v8::NewStringType::kNormal, sizeof(text))
                                .ToLocalChecked());
}

void CryptoDigest(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const EVP_MD* md = HashArgument(info);
  std::span<uint8_t> data;
  if (md == nullptr || !ViewBytes(info, 1, &data)) return;
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr) != 1) {
    return Throw(info.GetIsolate(), &v8::Exception::Error, "the digest failed");
  }
  ReturnArrayBuffer(info, std::span<const uint8_t>(digest, length));
}

void CryptoHmac(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const EVP_MD* md = HashArgument(info);
  std::span<uint8_t> key, data;
  if (md == nullptr || !ViewBytes(info, 1, &key) || !ViewBytes(info, 2, &data)) return;
  uint8_t mac[EVP_MAX_MD_SIZE];
  const unsigned int length = Hmac(md, key, data, mac);
  if (length == 0) return Throw(info.GetIsolate(), &v8::Exception::Error, "HMAC failed");
  ReturnArrayBuffer(info, std::span<const uint8_t>(mac, length));
}

void CryptoHmacVerify(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const EVP_MD* md = HashArgument(info);
  std::span<uint8_t> key, data, signature;
  if (md == nullptr || !ViewBytes(info, 1, &key) || !ViewBytes(info, 2, &data) ||
      !ViewBytes(info, 3, &signature)) {
    return;
  }
  uint8_t mac[EVP_MAX_MD_SIZE];
  const unsigned int length = Hmac(md, key, data, mac);
  if (length == 0) return Throw(info.GetIsolate(), &v8::Exception::Error, "HMAC failed");
  // Only the length may be told apart in variable time: it is public (the hash's).
  info.GetReturnValue().Set(signature.size() == length &&
                            CRYPTO_memcmp(signature.data(), mac, length) == 0);
}

}  // namespace hearth
