#include "agent/request_validation.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hearth {

bool IsHttpToken(std::string_view text) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kSymbols.find(c) != std::string_view::npos;
  });
}

absl::Status ValidateInvokeRequest(const v1::InvokeRequest& request, const RequestCaps& caps) {
  if (request.function().empty()) return absl::InvalidArgumentError("function is empty");
  const v1::HttpRequest& http = request.request();
  if (!http.method().empty() && !IsHttpToken(http.method())) {
    return absl::InvalidArgumentError(
        absl::StrCat("request.method '", http.method(), "' is not an HTTP method"));
  }
  const std::string& url = http.url();
  if (url.size() > caps.max_url_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("request.url has ", url.size(), " bytes; the limit is ", caps.max_url_bytes));
  }
  if (!url.empty() && url.front() != '/' && !absl::StartsWithIgnoreCase(url, "http://") &&
      !absl::StartsWithIgnoreCase(url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("request.url '", url, "' must be a path (\"/a?b\") or an http(s) URL"));
  }
  if (url.find_first_of(std::string_view("\0\r\n ", 4)) != std::string::npos) {
    return absl::InvalidArgumentError("request.url contains whitespace or control characters");
  }
  if (static_cast<size_t>(http.headers_size()) > caps.max_request_headers) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request has ", http.headers_size(), " headers; the limit is ", caps.max_request_headers));
  }
  for (const v1::Header& header : http.headers()) {
    if (!IsHttpToken(header.name())) {
      return absl::InvalidArgumentError(
          absl::StrCat("request header name '", header.name(), "' is not an HTTP token"));
    }
    if (header.value().find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("request header '", header.name(), "' has a CR, LF or NUL in its value"));
    }
  }
  if (http.body().size() > caps.max_request_body_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("request body has ", http.body().size(),
                                                   " bytes; the limit is ",
                                                   caps.max_request_body_bytes));
  }
  return absl::OkStatus();
}

}  // namespace hearth
