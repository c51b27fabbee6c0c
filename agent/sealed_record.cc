#include "agent/sealed_record.h"

#include <openssl/evp.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hearth {
namespace {

constexpr absl::string_view kMagic = "hearth-state v1 ";

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

std::string Seal(absl::string_view payload) {
  return absl::StrCat(kMagic, payload.size(), " ", Sha256Hex(payload), "\n", payload);
}

bool LooksSealed(absl::string_view file) { return absl::StartsWith(file, kMagic); }

absl::StatusOr<std::string> Unseal(absl::string_view file) {
  if (file.empty()) return absl::DataLossError("truncated: the file is empty");
  if (!LooksSealed(file)) {
    return absl::DataLossError(absl::StartsWith(kMagic, file)
                                   ? "truncated: the header line is incomplete"
                                   : "not a hearth state file");
  }
  const size_t newline = file.find('\n');
  if (newline == absl::string_view::npos) {
    return absl::DataLossError("truncated: the header line is incomplete");
  }
  absl::string_view header = file.substr(kMagic.size(), newline - kMagic.size());
  const std::vector<absl::string_view> fields = absl::StrSplit(header, ' ');
  size_t length = 0;
  if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &length) || fields[1].size() != 64) {
    return absl::DataLossError("damaged header line");
  }
  const absl::string_view payload = file.substr(newline + 1);
  if (payload.size() < length) {
    return absl::DataLossError(
        absl::StrCat("truncated: ", payload.size(), " of ", length, " bytes present"));
  }
  if (payload.size() > length) {
    return absl::DataLossError(
        absl::StrCat("damaged: ", payload.size() - length, " bytes after the end"));
  }
  if (Sha256Hex(payload) != fields[1]) return absl::DataLossError("damaged: checksum mismatch");
  return std::string(payload);
}

}  // namespace hearth
