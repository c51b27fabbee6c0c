#include "agent/request_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hearth {
namespace {

using ::testing::HasSubstr;

v1::InvokeRequest Request() {
  v1::InvokeRequest request;
  request.set_function("f");
  request.mutable_request()->set_method("GET");
  request.mutable_request()->set_url("/a?b=c");
  return request;
}

TEST(RequestValidation, AcceptsPathsAndAbsoluteUrls) {
  RequestCaps caps;
  EXPECT_TRUE(ValidateInvokeRequest(Request(), caps).ok());
  v1::InvokeRequest absolute = Request();
  absolute.mutable_request()->set_url("https://example.com/x");
  EXPECT_TRUE(ValidateInvokeRequest(absolute, caps).ok());
  v1::InvokeRequest empty = Request();
  empty.mutable_request()->clear_url();
  empty.mutable_request()->clear_method();
  EXPECT_TRUE(ValidateInvokeRequest(empty, caps).ok());
}

TEST(RequestValidation, RefusesMalformedFieldsNamingThem) {
  RequestCaps caps;
  caps.max_request_body_bytes = 4;
  struct Case {
    void (*mutate)(v1::InvokeRequest&);
    const char* expected;
  };
  const Case cases[] = {
      {[](v1::InvokeRequest& r) { r.clear_function(); }, "function is empty"},
      {[](v1::InvokeRequest& r) { r.mutable_request()->set_method("GE T"); }, "method"},
      {[](v1::InvokeRequest& r) { r.mutable_request()->set_url("ftp://x"); }, "url"},
      {[](v1::InvokeRequest& r) { r.mutable_request()->set_url("/a b"); }, "url"},
      {[](v1::InvokeRequest& r) {
         auto* h = r.mutable_request()->add_headers();
         h->set_name("bad name");
         h->set_value("v");
       },
       "header name"},
      {[](v1::InvokeRequest& r) {
         auto* h = r.mutable_request()->add_headers();
         h->set_name("x");
         h->set_value("a\r\nb");
       },
       "CR, LF"},
      {[](v1::InvokeRequest& r) { r.mutable_request()->set_body("12345"); }, "body"},
  };
  for (const Case& c : cases) {
    v1::InvokeRequest request = Request();
    c.mutate(request);
    absl::Status status = ValidateInvokeRequest(request, caps);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(status.message(), HasSubstr(c.expected));
  }
}

}  // namespace
}  // namespace hearth
