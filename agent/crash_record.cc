#include "agent/crash_record.h"

#include <string.h>

#include <cstdint>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "agent/function_spec_builder.h"

namespace hearth {
namespace {

constexpr char kPrefix[] = "hearth-crash v1 ";
constexpr char kCheck[] = " check=";

uint32_t Fnv1a(const char* data, size_t size) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 16777619u;
  }
  return hash;
}

// A bounded appender over a caller's buffer; once anything does not fit, it stays failed.
// Only plain stores: usable from a signal handler.
class Writer {
 public:
  Writer(char* buffer, size_t size) : buffer_(buffer), size_(size) {}

  void Char(char c) {
    if (length_ < size_) {
      buffer_[length_++] = c;
    } else {
      failed_ = true;
    }
  }
  void Text(const char* text) {
    for (; *text != '\0'; ++text) Char(*text);
  }
  void Int(int value) {
    if (value < 0) Char('-');
    // Unsigned, so that the most negative int does not overflow when negated.
    unsigned magnitude = value < 0 ? 0u - static_cast<unsigned>(value) : value;
    char digits[16];
    int count = 0;
    do {
      digits[count++] = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    while (count > 0) Char(digits[--count]);
  }
  void Hex32(uint32_t value) {
    for (int shift = 28; shift >= 0; shift -= 4) Char("0123456789abcdef"[(value >> shift) & 0xf]);
  }

  size_t length() const { return length_; }
  bool failed() const { return failed_; }

 private:
  char* buffer_;
  size_t size_;
  size_t length_ = 0;
  bool failed_ = false;
};

// `field` is "key=value": the value.
std::optional<absl::string_view> Field(absl::string_view field, absl::string_view key) {
  if (!absl::ConsumePrefix(&field, key) || !absl::ConsumePrefix(&field, "=")) return std::nullopt;
  return field;
}

// One complete line (without its newline); nullopt unless it is an intact record.
std::optional<CrashRecord> ParseLine(absl::string_view line) {
  const size_t check_at = line.rfind(kCheck);
  if (check_at == absl::string_view::npos) return std::nullopt;
  absl::string_view body = line.substr(0, check_at);
  const absl::string_view check_hex = line.substr(check_at + strlen(kCheck));
  uint32_t check = 0;
  if (check_hex.size() != 8 || !absl::SimpleHexAtoi(check_hex, &check) ||
      Fnv1a(body.data(), body.size()) != check || !absl::ConsumePrefix(&body, kPrefix)) {
    return std::nullopt;
  }
  const std::vector<absl::string_view> fields = absl::StrSplit(body, ' ');
  if (fields.size() != 3) return std::nullopt;
  const std::optional<absl::string_view> signal = Field(fields[0], "signal");
  const std::optional<absl::string_view> worker = Field(fields[1], "worker");
  const std::optional<absl::string_view> function = Field(fields[2], "function");
  CrashRecord record;
  if (!signal || !absl::SimpleAtoi(*signal, &record.signal) || !worker ||
      !absl::SimpleAtoi(*worker, &record.worker) || !function ||
      (!function->empty() &&
       !IsValidFunctionName(std::string_view(function->data(), function->size())))) {
    return std::nullopt;
  }
  record.function = std::string(*function);
  return record;
}

}  // namespace

size_t FormatCrashRecord(char* buffer, size_t size, int signal, int worker, const char* function) {
  Writer out(buffer, size);
  out.Char('\n');
  const size_t body_start = out.length();
  out.Text(kPrefix);
  out.Text("signal=");
  out.Int(signal);
  out.Text(" worker=");
  out.Int(function != nullptr ? worker : -1);
  out.Text(" function=");
  if (function != nullptr) {
    // Names are validated at deploy; anything else here (memory gone bad) must not break the
    // line's syntax, so it is replaced and the reader refuses the name.
    for (const char* c = function; *c != '\0'; ++c) {
      out.Char(*c > ' ' && *c < 0x7f ? *c : '?');
    }
  }
  if (out.failed()) return 0;
  const uint32_t check = Fnv1a(buffer + body_start, out.length() - body_start);
  out.Text(kCheck);
  out.Hex32(check);
  out.Char('\n');
  return out.failed() ? 0 : out.length();
}

std::vector<CrashRecord> ParseCrashRecords(absl::string_view journal, int* damaged) {
  std::vector<CrashRecord> records;
  int bad = 0;
  // The piece after the last newline is a write cut short (or nothing): never a record.
  std::vector<absl::string_view> lines = absl::StrSplit(journal, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::optional<CrashRecord> record;
    if (i + 1 < lines.size()) record = ParseLine(lines[i]);
    if (record.has_value()) {
      records.push_back(*std::move(record));
    } else {
      ++bad;
    }
  }
  if (damaged != nullptr) *damaged = bad;
  return records;
}

std::string SignalName(int signal) {
  if (const char* name = sigabbrev_np(signal); name != nullptr) return absl::StrCat("SIG", name);
  return absl::StrCat("signal ", signal);
}

}  // namespace hearth
