#include "agent/http_routing.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hearth {
namespace {

// The host name of an authority ("h.example:80" → "h.example"); empty for an IPv6
// literal, which names no function.
absl::string_view HostName(absl::string_view authority) {
  if (absl::StartsWith(authority, "[")) return {};
  return authority.substr(0, authority.find(':'));
}

}  // namespace

std::optional<HttpRoute> RouteHttpRequest(absl::string_view host, absl::string_view target,
                                          absl::string_view fallback_authority,
                                          const std::function<bool(const std::string&)>& deployed) {
  absl::string_view authority = host;
  absl::string_view path = target;
  for (absl::string_view scheme : {"http://", "https://"}) {
    if (!absl::StartsWithIgnoreCase(target, scheme)) continue;
    const absl::string_view rest = target.substr(scheme.size());
    const size_t slash = rest.find_first_of("/?");
    authority = rest.substr(0, slash);
    path = slash == absl::string_view::npos ? absl::string_view("/") : rest.substr(slash);
    break;
  }
  if (path.empty() || (path.front() != '/' && path.front() != '?')) return std::nullopt;
  if (authority.empty()) authority = fallback_authority;

  const absl::string_view name = HostName(authority);
  const std::string label(name.substr(0, name.find('.')));
  if (!label.empty() && deployed(label)) {
    std::string url = absl::StrCat("http://", authority, path.front() == '/' ? "" : "/", path);
    return HttpRoute{.function = label, .url = std::move(url)};
  }

  // "/NAME", "/NAME/rest", "/NAME?query".
  if (path.front() != '/') return std::nullopt;
  const absl::string_view after = path.substr(1);
  const size_t end = after.find_first_of("/?");
  std::string function(after.substr(0, end));
  if (function.empty() || !deployed(function)) return std::nullopt;
  const absl::string_view rest = end == absl::string_view::npos ? "" : after.substr(end);
  std::string url =
      absl::StrCat("http://", authority, rest.empty() || rest.front() == '?' ? "/" : "", rest);
  return HttpRoute{.function = std::move(function), .url = std::move(url)};
}

}  // namespace hearth
