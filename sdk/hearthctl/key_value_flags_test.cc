#include "sdk/hearthctl/key_value_flags.h"

#include "gtest/gtest.h"

namespace hearth::ctl {
namespace {

using Pair = std::pair<std::string, std::string>;

TEST(ParseEnvFlag, SplitsAtTheFirstEqualsSign) {
  EXPECT_EQ(*ParseEnvFlag("A=1"), Pair("A", "1"));
  EXPECT_EQ(*ParseEnvFlag("URL=a=b"), Pair("URL", "a=b"));
  EXPECT_EQ(*ParseEnvFlag("EMPTY="), Pair("EMPTY", ""));
  EXPECT_EQ(*ParseEnvFlag("S= x "), Pair("S", " x "));
}

TEST(ParseEnvFlag, RefusesAFlagWithoutKeyOrEqualsSign) {
  EXPECT_FALSE(ParseEnvFlag("A").ok());
  EXPECT_FALSE(ParseEnvFlag("=1").ok());
}

TEST(ParseHeaderFlag, TrimsLikeHttp) {
  EXPECT_EQ(*ParseHeaderFlag("Content-Type: text/plain"), Pair("Content-Type", "text/plain"));
  EXPECT_EQ(*ParseHeaderFlag("x-a:b:c"), Pair("x-a", "b:c"));
  EXPECT_EQ(*ParseHeaderFlag("x-empty:"), Pair("x-empty", ""));
}

TEST(ParseHeaderFlag, RefusesAFlagWithoutNameOrColon) {
  EXPECT_FALSE(ParseHeaderFlag("x-a").ok());
  EXPECT_FALSE(ParseHeaderFlag(" : v").ok());
}

}  // namespace
}  // namespace hearth::ctl
