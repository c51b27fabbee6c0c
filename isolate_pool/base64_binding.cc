#include "isolate_pool/base64_binding.h"

#include <v8-array-buffer.h>
#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace hearth {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Scratch bytes from the isolate's ArrayBuffer allocator: counted against the memory limit,
// and refused (with a RangeError thrown) past it.
class Scratch {
 public:
  Scratch(v8::Isolate* isolate, size_t size)
      : allocator_(isolate->GetArrayBufferAllocator()), size_(size) {
    data_ = static_cast<uint8_t*>(allocator_->AllocateUninitialized(size == 0 ? 1 : size));
    if (data_ == nullptr) {
      isolate->ThrowException(v8::Exception::RangeError(
          v8::String::NewFromUtf8Literal(isolate, "Array buffer allocation failed")));
    }
  }
  ~Scratch() {
    if (data_ != nullptr) allocator_->Free(data_, size_ == 0 ? 1 : size_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  uint8_t* data() { return data_; }

 private:
  v8::ArrayBuffer::Allocator* const allocator_;
  const size_t size_;
  uint8_t* data_ = nullptr;
};

// The string's code units as bytes into `out` (string->Length() bytes), or false if one is
// past `max_unit`.
bool CodeUnits(v8::Isolate* isolate, v8::Local<v8::String> string, uint16_t max_unit,
               uint8_t* out) {
  const int length = string->Length();
  if (string->IsOneByte()) {
    string->WriteOneByte(isolate, out, 0, length, v8::String::NO_NULL_TERMINATION);
    if (max_unit >= 0xff) return true;
    for (int i = 0; i < length; ++i) {
      if (out[i] > max_unit) return false;
    }
    return true;
  }
  // Two-byte strings, in pieces through a small buffer.
  uint16_t units[1024];
  for (int start = 0; start < length; start += 1024) {
    const int count = std::min(1024, length - start);
    string->Write(isolate, units, start, count, v8::String::NO_NULL_TERMINATION);
    for (int i = 0; i < count; ++i) {
      if (units[i] > max_unit) return false;
      out[start + i] = static_cast<uint8_t>(units[i]);
    }
  }
  return true;
}

// A Latin-1 string of `bytes`, or empty with a RangeError thrown when it is too long.
v8::MaybeLocal<v8::String> Latin1String(v8::Isolate* isolate, const uint8_t* bytes, size_t length) {
  if (length > static_cast<size_t>(v8::String::kMaxLength)) {
    isolate->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(isolate, "Invalid string length")));
    return {};
  }
  return v8::String::NewFromOneByte(isolate, bytes, v8::NewStringType::kNormal,
                                    static_cast<int>(length));
}

bool IsAsciiWhitespace(uint8_t c) {
  return c == 0x09 || c == 0x0a || c == 0x0c || c == 0x0d || c == 0x20;
}

}  // namespace

void Base64Encode(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsString()) return;
  v8::Local<v8::String> input = info[0].As<v8::String>();
  const size_t length = static_cast<size_t>(input->Length());
  const size_t encoded = (length + 2) / 3 * 4;
  Scratch bytes(isolate, length + encoded);
  if (bytes.data() == nullptr) return;
  if (!CodeUnits(isolate, input, 0xff, bytes.data())) {
    info.GetReturnValue().SetNull();
    return;
  }
  const uint8_t* in = bytes.data();
  uint8_t* out = bytes.data() + length;
  size_t o = 0, i = 0;
  for (; i + 3 <= length; i += 3) {
    const uint32_t bits = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    out[o++] = kAlphabet[bits >> 18];
    out[o++] = kAlphabet[(bits >> 12) & 63];
    out[o++] = kAlphabet[(bits >> 6) & 63];
    out[o++] = kAlphabet[bits & 63];
  }
  if (i < length) {
    const bool two = i + 1 < length;
    const uint32_t bits = (uint32_t{in[i]} << 16) | (two ? uint32_t{in[i + 1]} << 8 : 0);
    out[o++] = kAlphabet[bits >> 18];
    out[o++] = kAlphabet[(bits >> 12) & 63];
    out[o++] = two ? kAlphabet[(bits >> 6) & 63] : '=';
    out[o++] = '=';
  }
  v8::Local<v8::String> result;
  if (Latin1String(isolate, out, o).ToLocal(&result)) info.GetReturnValue().Set(result);
}

void Base64Decode(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsString()) return;
  v8::Local<v8::String> input = info[0].As<v8::String>();
  const size_t length = static_cast<size_t>(input->Length());
  Scratch scratch(isolate, length);
  if (scratch.data() == nullptr) return;
  uint8_t* chars = scratch.data();
  // Every character forgiving-base64 accepts is ASCII.
  if (!CodeUnits(isolate, input, 0x7f, chars)) {
    info.GetReturnValue().SetNull();
    return;
  }
  static const auto* const kValues = [] {
    auto* values = new int8_t[128];
    std::memset(values, -1, 128);
    for (int i = 0; i < 64; ++i)
      values[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    return values;
  }();
  // WHATWG forgiving-base64 decode: drop ASCII whitespace; then up to two '=' at the end of a
  // length that is a multiple of 4; what remains must be of the alphabet, and not 4n+1 long.
  size_t n = 0;
  for (size_t i = 0; i < length; ++i) {
    if (!IsAsciiWhitespace(chars[i])) chars[n++] = chars[i];
  }
  if (n % 4 == 0 && n > 0 && chars[n - 1] == '=') {
    --n;
    if (chars[n - 1] == '=') --n;
  }
  if (n % 4 == 1) {
    info.GetReturnValue().SetNull();
    return;
  }
  // Decoded in place: output index o never passes input index i.
  size_t o = 0;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const int8_t value = kValues[chars[i]];
    if (value < 0) {
      info.GetReturnValue().SetNull();
      return;
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      chars[o++] = static_cast<uint8_t>(buffer >> bits);
    }
  }
  v8::Local<v8::String> result;
  if (Latin1String(isolate, chars, o).ToLocal(&result)) info.GetReturnValue().Set(result);
}

}  // namespace hearth
