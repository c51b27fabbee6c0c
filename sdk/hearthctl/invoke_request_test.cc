#include "sdk/hearthctl/invoke_request.h"

#include "gtest/gtest.h"

namespace hearth::ctl {
namespace {

TEST(BuildInvokeRequest, UsesGetWithoutABodyAndPostWithOne) {
  InvokeFlags flags;
  flags.name = "hello";
  EXPECT_EQ(BuildInvokeRequest(flags, std::nullopt).request().method(), "GET");
  EXPECT_EQ(BuildInvokeRequest(flags, "").request().method(), "POST");
  flags.method = "PUT";
  EXPECT_EQ(BuildInvokeRequest(flags, std::nullopt).request().method(), "PUT");
}

TEST(BuildInvokeRequest, CarriesEveryFlag) {
  InvokeFlags flags;
  flags.name = "resize";
  flags.path = "/img?w=10";
  flags.headers = {"Accept: image/png", "x-trace:1"};
  flags.cold = true;
  flags.id = "req-7";
  const v1::InvokeRequest request = BuildInvokeRequest(flags, "bytes");
  EXPECT_EQ(request.function(), "resize");
  EXPECT_EQ(request.id(), "req-7");
  EXPECT_TRUE(request.force_cold());
  EXPECT_EQ(request.request().url(), "/img?w=10");
  EXPECT_EQ(request.request().body(), "bytes");
  ASSERT_EQ(request.request().headers_size(), 2);
  EXPECT_EQ(request.request().headers(0).name(), "Accept");
  EXPECT_EQ(request.request().headers(0).value(), "image/png");
  EXPECT_EQ(request.request().headers(1).name(), "x-trace");
  EXPECT_EQ(request.request().headers(1).value(), "1");
}

}  // namespace
}  // namespace hearth::ctl
