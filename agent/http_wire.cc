#include "agent/http_wire.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hearth {
namespace {

constexpr std::array<absl::string_view, 7> kHopByHop = {
    "connection", "keep-alive",        "proxy-connection", "te",
    "trailer",    "transfer-encoding", "upgrade"};

bool Writable(absl::string_view text) {
  for (char c : text) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

}  // namespace

bool IsHopByHopHeader(absl::string_view name) {
  for (absl::string_view hop : kHopByHop) {
    if (absl::EqualsIgnoreCase(name, hop)) return true;
  }
  return false;
}

HttpHead FunctionResponseHead(const v1::HttpResponse& response) {
  HttpHead head;
  head.status = response.status() == 0 ? 200 : response.status();
  for (const v1::Header& header : response.headers()) {
    // Framing is the listener's: a function cannot choose how its body is delimited, or
    // keep open a connection the listener is closing.
    if (header.name().empty() || IsHopByHopHeader(header.name()) ||
        absl::EqualsIgnoreCase(header.name(), "content-length") ||
        absl::EqualsIgnoreCase(header.name(), "date") || !Writable(header.name()) ||
        !Writable(header.value())) {
      continue;
    }
    absl::StrAppend(&head.headers, header.name(), ": ", header.value(), "\r\n");
  }
  return head;
}

HttpFailure FailureForOutcome(v1::Outcome outcome) {
  switch (outcome) {
    case v1::OUTCOME_CPU_LIMIT:
      return {503, "the function exceeded its CPU time limit\n"};
    case v1::OUTCOME_MEMORY_LIMIT:
      return {503, "the function exceeded its memory limit\n"};
    case v1::OUTCOME_TIMEOUT:
      return {504, "the function did not answer within its time limit\n"};
    case v1::OUTCOME_BAD_RESPONSE:
      return {502, "the function did not return a valid Response\n"};
    case v1::OUTCOME_USER_ERROR:
      return {500, "the function threw an exception\n"};
    default:
      return {500, "the function failed\n"};
  }
}

HttpFailure FailureForRefusal(const absl::Status& refusal) {
  switch (refusal.code()) {
    case absl::StatusCode::kNotFound:
      return {404, "no such function\n"};
    case absl::StatusCode::kInvalidArgument:
      return {400, "bad request\n"};
    case absl::StatusCode::kResourceExhausted:
      return {503, "the agent is overloaded; retry later\n"};
    case absl::StatusCode::kUnavailable:
      return {503, "the agent is shutting down\n"};
    case absl::StatusCode::kFailedPrecondition:
      return {503, "the function is quarantined\n"};
    case absl::StatusCode::kDeadlineExceeded:
      return {504, "the invocation's deadline passed\n"};
    default:
      return {500, "the agent could not run the function\n"};
  }
}

absl::string_view ReasonPhrase(uint32_t status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 418:
      return "I'm a teapot";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

bool ResponseHasNoBody(uint32_t status, bool head_request) {
  return head_request || status < 200 || status == 204 || status == 304;
}

std::string SerializeHead(const HttpHead& head, size_t body_size, bool close,
                          absl::string_view date) {
  std::string out;
  out.reserve(96 + head.headers.size());
  absl::StrAppend(&out, "HTTP/1.1 ", head.status, " ", ReasonPhrase(head.status), "\r\n",
                  head.headers);
  // A HEAD response announces the length the GET would have (RFC 9110 section 9.3.2).
  if (head.status >= 200 && head.status != 204 && head.status != 304) {
    absl::StrAppend(&out, "content-length: ", body_size, "\r\n");
  }
  if (close) out.append("connection: close\r\n");
  absl::StrAppend(&out, "date: ", date, "\r\n\r\n");
  return out;
}

}  // namespace hearth
