// How `hearthctl invoke` turns its flags into an InvokeRequest.
#ifndef HEARTH_SDK_HEARTHCTL_INVOKE_REQUEST_H_
#define HEARTH_SDK_HEARTHCTL_INVOKE_REQUEST_H_

#include <optional>
#include <string>
#include <vector>

#include "hearth/v1/agent.pb.h"

namespace hearth::ctl {

struct InvokeFlags {
  std::string name;
  std::string method;  // Empty: POST when there is a body, GET otherwise.
  std::string path = "/";
  std::vector<std::string> headers;  // "Name: value", already validated.
  bool cold = false;
  std::string id;
};

// `body` is nullopt when the user gave no data at all (not even an empty --data "").
v1::InvokeRequest BuildInvokeRequest(const InvokeFlags& flags, std::optional<std::string> body);

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_INVOKE_REQUEST_H_
