#include "sdk/client/channel_credentials.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hearth::client {
namespace {

absl::StatusOr<std::string> ReadPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  // gRPC only notices a wrong file when it first connects, and then reports it as an
  // unhelpful UNAVAILABLE ("empty address list"); catch the common mistake here.
  if (!absl::StrContains(contents.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' is not a PEM file"));
  }
  return contents.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientOptions& options) {
  const bool has_cert = !options.tls_cert_file.empty();
  const bool has_key = !options.tls_key_file.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError("a TLS client certificate needs both a cert and a key file");
  }
  if (options.tls_ca_file.empty()) {
    if (has_cert) {
      return absl::InvalidArgumentError(
          "a TLS client certificate needs the CA file of the agent's certificate too");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  HEARTH_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile(options.tls_ca_file));
  if (has_cert) {
    HEARTH_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPemFile(options.tls_cert_file));
    HEARTH_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPemFile(options.tls_key_file));
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace hearth::client
