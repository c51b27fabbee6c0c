#include "agent/function_spec_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hearth {
namespace {

using ::testing::HasSubstr;

class FunctionSpecBuilderTest : public ::testing::Test {
 protected:
  static IsolatePoolOptions Options() {
    IsolatePoolOptions options;
    options.workers = 1;
    return options;
  }
  FunctionSpecBuilderTest() : pool_(Options()) {}

  v1::DeployRequest Request() {
    v1::DeployRequest request;
    request.set_name("hello");
    request.set_source("export default () => 'hi';");
    return request;
  }

  IsolatePool pool_;
  DeployCaps caps_;
};

TEST_F(FunctionSpecBuilderTest, AppliesDefaultsAndHashesContent) {
  v1::DeployRequest request = Request();
  (*request.mutable_env())["B"] = "2";
  (*request.mutable_env())["A"] = "1";
  auto spec = BuildFunctionSpec(request, pool_, caps_);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ((*spec)->limits.cpu_ms, pool_.options().default_limits.cpu_ms);
  ASSERT_EQ((*spec)->env.size(), 2u);
  EXPECT_EQ((*spec)->env[0].first, "A");
  EXPECT_EQ((*spec)->version.size(), 32u);

  auto same = BuildFunctionSpec(request, pool_, caps_);
  EXPECT_EQ((*same)->version, (*spec)->version);
  request.set_source("export default () => 'changed';");
  auto changed = BuildFunctionSpec(request, pool_, caps_);
  EXPECT_NE((*changed)->version, (*spec)->version);
}

TEST_F(FunctionSpecBuilderTest, RefusesBadNamesEmptySourceAndLimitsAboveCaps) {
  for (const char* name : {"", "has space", "slash/no", "x.js"}) {
    v1::DeployRequest request = Request();
    request.set_name(name);
    EXPECT_EQ(BuildFunctionSpec(request, pool_, caps_).status().code(),
              absl::StatusCode::kInvalidArgument)
        << name;
  }
  v1::DeployRequest empty = Request();
  empty.clear_source();
  EXPECT_THAT(BuildFunctionSpec(empty, pool_, caps_).status().message(), HasSubstr("empty"));
  v1::DeployRequest greedy = Request();
  greedy.mutable_limits()->set_memory_mb(1'000'000);
  EXPECT_THAT(BuildFunctionSpec(greedy, pool_, caps_).status().message(), HasSubstr("memory_mb"));
}

}  // namespace
}  // namespace hearth
