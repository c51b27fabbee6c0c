#include "sdk/hearthctl/text_format.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hearth::ctl {
namespace {

using ::testing::HasSubstr;

TEST(FormatDeployed, ShowsAShortVersionAndTheBuildFigures) {
  v1::DeployResponse response;
  response.set_version("3f2a9c0d1e2b4455667788");
  response.set_build_ms(4.21);
  response.set_snapshot_bytes(1024);
  EXPECT_EQ(FormatDeployed("hello", response),
            "deployed hello version 3f2a9c0d1e2b (build 4.2 ms, snapshot 1024 bytes)\n");
}

TEST(FormatFunctionTable, AlignsColumnsUnderAHeader) {
  v1::FunctionInfo a;
  a.set_name("a");
  a.set_version("0123456789abcdef");
  a.set_source_bytes(120);
  a.set_invocations(3);
  v1::FunctionInfo longer;
  longer.set_name("longer-name");
  longer.set_version("ff");
  longer.set_quarantined(true);
  EXPECT_EQ(FormatFunctionTable({&a, &longer}),
            "NAME         VERSION       SOURCE_BYTES  INVOCATIONS  STATUS\n"
            "a            0123456789ab  120           3            ok\n"
            "longer-name  ff            0             0            quarantined\n");
}

TEST(FormatFunctionTable, PrintsOnlyTheHeaderWhenEmpty) {
  EXPECT_EQ(FormatFunctionTable({}), "NAME  VERSION  SOURCE_BYTES  INVOCATIONS  STATUS\n");
}

TEST(FormatFunctionInfo, SaysWhyAFunctionIsQuarantinedAndHowToLiftIt) {
  v1::FunctionInfo info;
  info.set_name("spin");
  EXPECT_THAT(FormatFunctionInfo(info), HasSubstr("status:       ok\n"));
  info.set_quarantined(true);
  info.set_quarantine_reason("the agent crashed (SIGSEGV) while it ran on worker 0");
  EXPECT_THAT(FormatFunctionInfo(info),
              HasSubstr("status:       quarantined: the agent crashed (SIGSEGV) while it ran on "
                        "worker 0; deploy it again to lift the quarantine\n"));
}

TEST(FormatInvokeDetails, ShowsStatusHeadersReportAndLogs) {
  v1::InvokeResponse response;
  response.set_outcome(v1::OUTCOME_OK);
  response.mutable_response()->set_status(200);
  v1::Header* header = response.mutable_response()->add_headers();
  header->set_name("content-type");
  header->set_value("text/plain");
  response.mutable_report()->set_worker(1);
  response.mutable_report()->set_run_us(40);
  response.mutable_report()->add_logs("log: hi");
  EXPECT_EQ(FormatInvokeDetails(response),
            "< 200\n"
            "< content-type: text/plain\n"
            "* OUTCOME_OK, warm start, worker 1\n"
            "* queue 0 µs, boot 0 µs, run 40 µs, cpu 0 µs, heap 0 bytes\n"
            "* log: hi\n");
}

}  // namespace
}  // namespace hearth::ctl
