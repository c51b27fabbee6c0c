#include "agent/crash_record.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <string>

namespace hearth {
namespace {

std::string Format(int signal, int worker, const char* function) {
  char buffer[kMaxCrashRecordBytes];
  const size_t length = FormatCrashRecord(buffer, sizeof buffer, signal, worker, function);
  return std::string(buffer, length);
}

TEST(CrashRecord, ReadsBackWhatTheHandlerWrites) {
  const std::string journal = Format(SIGSEGV, 1, "resize") + Format(SIGABRT, 0, nullptr);
  int damaged = -1;
  std::vector<CrashRecord> records = ParseCrashRecords(journal, &damaged);
  EXPECT_EQ(damaged, 0);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].signal, SIGSEGV);
  EXPECT_EQ(records[0].worker, 1);
  EXPECT_EQ(records[0].function, "resize");
  EXPECT_EQ(records[1].signal, SIGABRT);
  EXPECT_EQ(records[1].worker, -1);
  EXPECT_EQ(records[1].function, "");
}

TEST(CrashRecord, IgnoresATornLastRecordAndKeepsTheOnesAfterAnEarlierOne) {
  const std::string whole = Format(SIGSEGV, 0, "first");
  const std::string torn = whole.substr(0, whole.size() - 5);
  int damaged = 0;
  EXPECT_TRUE(ParseCrashRecords(torn, &damaged).empty());
  EXPECT_EQ(damaged, 1);
  // A record written after a torn one still counts: each brings its own leading newline.
  std::vector<CrashRecord> records =
      ParseCrashRecords(torn + Format(SIGBUS, 1, "second"), &damaged);
  EXPECT_EQ(damaged, 1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].function, "second");
}

TEST(CrashRecord, RefusesARecordWhoseBytesChanged) {
  std::string record = Format(SIGSEGV, 0, "resize");
  record[record.find("resize")] = 'R';
  int damaged = 0;
  EXPECT_TRUE(ParseCrashRecords(record, &damaged).empty());
  EXPECT_EQ(damaged, 1);
}

TEST(CrashRecord, NeverWritesAPartialRecordIntoASmallBuffer) {
  char buffer[20];
  EXPECT_EQ(FormatCrashRecord(buffer, sizeof buffer, SIGSEGV, 0, "resize"), 0u);
}

TEST(CrashRecord, NamesSignals) {
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(SignalName(SIGABRT), "SIGABRT");
}

}  // namespace
}  // namespace hearth
