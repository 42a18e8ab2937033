// Authenticator: who is calling, and may they call this method. Identities come from bearer
// tokens (checked against their SHA-256) and, under mutual TLS, from the client certificate; the
// roles come from the --auth_config principals and the method's rule in access_control.h.
//
// Under TLS, tokens are checked inside gRPC's auth layer (the AuthMetadataProcessor this class
// makes), so a call with a wrong token is refused before it reaches a service. On a plaintext
// loopback listener the same check runs when the service asks Authorize().
#ifndef ENFORCERD_ENGINE_AUTHENTICATOR_H_
#define ENFORCERD_ENGINE_AUTHENTICATOR_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/access_control.h"
#include "proto/auth_config.pb.h"

namespace enforcer {

class Authenticator {
 public:
  // Open: no principals. Every caller may call everything, unauthenticated; the daemon then
  // serves on loopback only.
  Authenticator() = default;
  // `config` as ParseAuthConfig() checked it.
  explicit Authenticator(const config::AuthConfig& config);

  bool open() const { return principals_.empty(); }
  size_t principal_count() const { return principals_.size(); }

  // The caller of `context` if it may call `method` ("enforcer.v1.Cases/GetCase"). Otherwise
  // UNAUTHENTICATED (no credentials, or ones no principal holds) or PERMISSION_DENIED naming the
  // roles the method needs.
  absl::StatusOr<Caller> Authorize(const grpc::ServerContextBase& context,
                                   absl::string_view method) const;

  // Checks "authorization: Bearer <token>" during the TLS handshake's call setup; set it on the
  // server's TLS credentials.
  std::shared_ptr<grpc::AuthMetadataProcessor> MakeTokenProcessor() const;

  // The principal holding `token`, or nullptr.
  const Caller* FindByToken(absl::string_view token) const;

 private:
  absl::StatusOr<const Caller*> Identify(const grpc::ServerContextBase& context) const;

  std::vector<Caller> principals_;
  std::map<std::string, size_t> by_name_;
  std::map<std::string, size_t> by_token_sha256_;
  std::map<std::string, size_t> by_certificate_name_;
};

// The token of an "authorization" metadata value "Bearer <token>", or empty.
absl::string_view BearerToken(absl::string_view authorization);

// The gRPC server credentials `config` asks for: TLS (mutual when it names a client CA) with
// `auth`'s token processor, or plaintext when it has no tls section. FAILED_PRECONDITION if a
// PEM file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const config::AuthConfig& config, const Authenticator& auth);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_AUTHENTICATOR_H_
