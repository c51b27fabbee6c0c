#include "isolate_pool/console_capture.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace hearth {

void ConsoleCapture::Begin(v1::ExecutionReport* report) {
  report_ = report;
  bytes_ = 0;
  cut_ = false;
}

size_t ConsoleCapture::ConsoleRoom() const {
  if (report_ == nullptr || cut_ || bytes_ >= caps_->max_log_bytes) return 0;
  return caps_->max_log_bytes - bytes_;
}

void ConsoleCapture::OnConsole(std::string_view level, std::string_view message) {
  if (report_ == nullptr || cut_) return;
  const bool full = report_->logs_size() >= static_cast<int>(caps_->max_log_entries) ||
                    bytes_ + level.size() + 2 + message.size() > caps_->max_log_bytes;
  if (!full) {
    bytes_ += level.size() + 2 + message.size();
    report_->add_logs(absl::StrCat(absl::string_view(level.data(), level.size()), ": ",
                                   absl::string_view(message.data(), message.size())));
    return;
  }
  // Keep what fits of the entry that crossed the byte cap, then say once that output was
  // cut, and drop the rest.
  if (report_->logs_size() < static_cast<int>(caps_->max_log_entries) &&
      bytes_ + level.size() + 2 < caps_->max_log_bytes) {
    size_t room = caps_->max_log_bytes - bytes_ - level.size() - 2;
    // Not inside a UTF-8 sequence: the report's strings must stay valid UTF-8.
    while (room > 0 && room < message.size() && (message[room] & 0xC0) == 0x80) --room;
    report_->add_logs(absl::StrCat(absl::string_view(level.data(), level.size()), ": ",
                                   absl::string_view(message.data(), room)));
  }
  report_->add_logs(absl::StrCat("warn: console output truncated at ", caps_->max_log_entries,
                                 " entries or ", caps_->max_log_bytes, " bytes"));
  cut_ = true;
}

}  // namespace hearth
