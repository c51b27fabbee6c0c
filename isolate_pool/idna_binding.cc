#include "isolate_pool/idna_binding.h"

#include <unicode/uidna.h>
#include <unicode/utypes.h>
#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>

#include <cstdint>
#include <vector>

#include "isolate_pool/native_bindings.h"

namespace hearth {
namespace {

// The URL Standard's "domain to ASCII": CheckBidi, CheckJoiners, nontransitional processing;
// UseSTD3ASCIIRules = beStrict. CheckHyphens and VerifyDnsLength are not ICU options (ICU
// always checks both): their errors are masked in DomainToASCII instead.
const UIDNA* OpenUts46(uint32_t extra_options) {
  constexpr uint32_t kOptions =
      UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ | UIDNA_NONTRANSITIONAL_TO_ASCII;
  UErrorCode status = U_ZERO_ERROR;
  UIDNA* idna = uidna_openUTS46(kOptions | extra_options, &status);
  return U_SUCCESS(status) ? idna : nullptr;
}

// One UTS #46 object per mode for the process: ICU documents them as immutable and
// thread-safe once opened, so every worker shares them. Never closed (process lifetime).
const UIDNA* Uts46(bool be_strict) {
  static const UIDNA* const lenient = OpenUts46(0);
  static const UIDNA* const strict = OpenUts46(UIDNA_USE_STD3_RULES);
  return be_strict ? strict : lenient;
}

// The errors of the checks the URL Standard turns off when beStrict is false.
constexpr uint32_t kHyphenErrors =
    UIDNA_ERROR_LEADING_HYPHEN | UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;
constexpr uint32_t kDnsLengthErrors =
    UIDNA_ERROR_EMPTY_LABEL | UIDNA_ERROR_LABEL_TOO_LONG | UIDNA_ERROR_DOMAIN_NAME_TOO_LONG;

}  // namespace

std::optional<std::string> DomainToASCII(std::u16string_view domain, bool be_strict) {
  if (domain.size() > kMaxIdnaInputLength) return std::nullopt;
  const UIDNA* idna = Uts46(be_strict);
  if (idna == nullptr) return std::nullopt;
  // ToASCII's output is ASCII, one code unit per byte; Punycode makes it longer than the
  // input by a bounded factor, and ICU says how long when the first guess is short.
  std::vector<UChar> out(domain.size() * 2 + 64);
  for (int attempt = 0; attempt < 2; ++attempt) {
    UErrorCode status = U_ZERO_ERROR;
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    const int32_t length = uidna_nameToASCII(idna, reinterpret_cast<const UChar*>(domain.data()),
                                             static_cast<int32_t>(domain.size()), out.data(),
                                             static_cast<int32_t>(out.size()), &info, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR && attempt == 0) {
      out.resize(static_cast<size_t>(length));
      continue;
    }
    if (U_FAILURE(status)) return std::nullopt;
    uint32_t errors = info.errors;
    if (!be_strict) errors &= ~(kHyphenErrors | kDnsLengthErrors);
    if (errors != 0) return std::nullopt;
    std::string ascii(static_cast<size_t>(length), '\0');
    for (int32_t i = 0; i < length; ++i) {
      if (out[i] > 0x7f) return std::nullopt;  // never, for a ToASCII without errors
      ascii[i] = static_cast<char>(out[i]);
    }
    return ascii;
  }
  return std::nullopt;
}

void DomainToASCIIBinding(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsString()) {
    isolate->ThrowException(v8::Exception::TypeError(V8String(isolate, "expected a string")));
    return;
  }
  v8::Local<v8::String> domain = info[0].As<v8::String>();
  const bool be_strict = info.Length() > 1 && info[1]->IsTrue();
  const int length = domain->Length();
  if (static_cast<size_t>(length) > kMaxIdnaInputLength) {
    info.GetReturnValue().SetNull();
    return;
  }
  std::u16string units(static_cast<size_t>(length), u'\0');
  domain->Write(isolate, reinterpret_cast<uint16_t*>(units.data()), 0, length,
                v8::String::NO_NULL_TERMINATION);
  const std::optional<std::string> ascii = DomainToASCII(units, be_strict);
  if (!ascii.has_value()) {
    info.GetReturnValue().SetNull();
    return;
  }
  v8::Local<v8::String> result;
  if (v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(ascii->data()),
                                 v8::NewStringType::kNormal, static_cast<int>(ascii->size()))
          .ToLocal(&result)) {
    info.GetReturnValue().Set(result);
  }
}

}  // namespace hearth
