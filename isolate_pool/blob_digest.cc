#include "isolate_pool/blob_digest.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hearth {

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return std::string();  // Matches no digest: the blob is refused, never trusted.
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::Status VerifyBlobDigest(absl::string_view blob, absl::string_view sha256,
                              absl::string_view what) {
  if (sha256.size() == kSha256Bytes && Sha256(blob) == sha256) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(what, " of ", blob.size(),
                                          " bytes does not match its SHA-256 (expected ",
                                          absl::BytesToHexString(sha256), "): refused"));
}

}  // namespace hearth
