// Turns ClientOptions' TLS settings into gRPC channel credentials.
#ifndef HEARTH_SDK_CLIENT_CHANNEL_CREDENTIALS_H_
#define HEARTH_SDK_CLIENT_CHANNEL_CREDENTIALS_H_

#include <grpcpp/security/credentials.h>

#include <memory>

#include "absl/status/statusor.h"
#include "sdk/client/agent_client.h"

namespace hearth::client {

// Insecure credentials without tls_ca_file; TLS (optionally with a client certificate)
// with it. Reads the PEM files now, so a wrong path is reported before any call.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientOptions& options);

}  // namespace hearth::client

#endif  // HEARTH_SDK_CLIENT_CHANNEL_CREDENTIALS_H_
