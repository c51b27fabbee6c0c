#include "sdk/hearthctl/invoke_request.h"

#include "sdk/hearthctl/key_value_flags.h"

namespace hearth::ctl {

v1::InvokeRequest BuildInvokeRequest(const InvokeFlags& flags, std::optional<std::string> body) {
  v1::InvokeRequest request;
  request.set_function(flags.name);
  request.set_id(flags.id);
  request.set_force_cold(flags.cold);
  v1::HttpRequest& http = *request.mutable_request();
  // Like curl: sending data implies POST unless the user says otherwise.
  http.set_method(!flags.method.empty() ? flags.method : body.has_value() ? "POST" : "GET");
  http.set_url(flags.path);
  for (const std::string& flag : flags.headers) {
    auto [name, value] = *ParseHeaderFlag(flag);
    v1::Header& header = *http.add_headers();
    header.set_name(std::move(name));
    header.set_value(std::move(value));
  }
  if (body.has_value()) http.set_body(*std::move(body));
  return request;
}

}  // namespace hearth::ctl
