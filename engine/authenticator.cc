#include "engine/authenticator.h"

#include <grpcpp/security/server_credentials.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/auth_config.h"

namespace enforcer {
namespace {

// Set by the token processor on the call's AuthContext: the principal the token names.
constexpr char kPrincipalProperty[] = "enforcerd_principal";
constexpr char kAuthorization[] = "authorization";

std::string ToString(grpc::string_ref s) { return std::string(s.data(), s.size()); }

class TokenProcessor : public grpc::AuthMetadataProcessor {
 public:
  explicit TokenProcessor(const Authenticator* auth) : auth_(auth) {}
  // Hashing a token is quick: no need for gRPC's extra thread.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed, OutputMetadata*) override {
    auto it = metadata.find(kAuthorization);
    if (it == metadata.end()) return grpc::Status::OK;  // a client certificate may identify it
    const Caller* caller = auth_->FindByToken(BearerToken(ToString(it->second)));
    if (caller == nullptr) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "the bearer token is not one of --auth_config's token_sha256");
    }
    context->AddProperty(kPrincipalProperty, caller->name);
    context->SetPeerIdentityPropertyName(kPrincipalProperty);
    consumed->insert({kAuthorization, ToString(it->second)});
    return grpc::Status::OK;
  }

 private:
  const Authenticator* const auth_;
};

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the ", what, " ", path, " (tls section of --auth_config)"));
  }
  return text.str();
}

}  // namespace

Authenticator::Authenticator(const config::AuthConfig& config) {
  for (const config::Principal& p : config.principals()) {
    Caller caller;
    caller.name = p.name();
    caller.authenticated = true;
    for (const std::string& r : p.roles()) {
      if (std::optional<Role> role = ParseRole(r)) caller.roles.set(static_cast<int>(*role));
    }
    const size_t index = principals_.size();
    principals_.push_back(std::move(caller));
    by_name_[p.name()] = index;
    for (const std::string& h : p.token_sha256()) by_token_sha256_[h] = index;
    for (const std::string& n : p.certificate_names()) by_certificate_name_[n] = index;
  }
}

absl::string_view BearerToken(absl::string_view authorization) {
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  return absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
}

const Caller* Authenticator::FindByToken(absl::string_view token) const {
  if (token.empty()) return nullptr;
  auto it = by_token_sha256_.find(Sha256Hex(token));
  return it == by_token_sha256_.end() ? nullptr : &principals_[it->second];
}

absl::StatusOr<const Caller*> Authenticator::Identify(
    const grpc::ServerContextBase& context) const {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr) {
    // A token the TLS layer already checked.
    for (const grpc::string_ref& name : auth->FindPropertyValues(kPrincipalProperty)) {
      auto it = by_name_.find(ToString(name));
      if (it != by_name_.end()) return &principals_[it->second];
    }
  }
  // A plaintext (loopback) listener: the token is checked here.
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find(kAuthorization); it != metadata.end()) {
    const Caller* caller = FindByToken(BearerToken(ToString(it->second)));
    if (caller == nullptr) {
      return absl::UnauthenticatedError(
          "the bearer token is not one of --auth_config's token_sha256 (send "
          "\"authorization: Bearer <token>\")");
    }
    return caller;
  }
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    std::string shown;
    for (const char* property : {"x509_subject_alternative_name", "x509_common_name"}) {
      for (const grpc::string_ref& name : auth->FindPropertyValues(property)) {
        auto it = by_certificate_name_.find(ToString(name));
        if (it != by_certificate_name_.end()) return &principals_[it->second];
        if (shown.empty()) shown = ToString(name);
      }
    }
    return absl::UnauthenticatedError(absl::StrCat(
        "the client certificate ('", shown, "') is not one of --auth_config's certificate_names"));
  }
  return absl::UnauthenticatedError(
      "no credentials: send \"authorization: Bearer <token>\" or a client certificate");
}

absl::StatusOr<Caller> Authenticator::Authorize(const grpc::ServerContextBase& context,
                                                absl::string_view method) const {
  const MethodAccess* access = FindMethodAccess(method);
  if (access == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(method, " has no access rule"));
  }
  if (open()) {
    Caller anyone;
    anyone.roles.set();
    return anyone;
  }
  absl::StatusOr<const Caller*> caller = Identify(context);
  if (!caller.ok()) return caller.status();
  const RoleSet admin = RolesOf({Role::kAdmin});
  if (((*caller)->roles & (access->roles | admin)).none()) {
    return absl::PermissionDeniedError(
        absl::StrCat(method, " needs the role ", DescribeRoles(access->roles | admin), "; '",
                     (*caller)->name, "' has ", DescribeRoles((*caller)->roles)));
  }
  return **caller;
}

std::shared_ptr<grpc::AuthMetadataProcessor> Authenticator::MakeTokenProcessor() const {
  return std::make_shared<TokenProcessor>(this);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const config::AuthConfig& config, const Authenticator& auth) {
  if (!config.has_tls()) return grpc::InsecureServerCredentials();
  const config::Tls& tls = config.tls();
  absl::StatusOr<std::string> chain = ReadPem(tls.certificate_chain_file(), "certificate chain");
  if (!chain.ok()) return chain.status();
  absl::StatusOr<std::string> key = ReadPem(tls.private_key_file(), "private key");
  if (!key.ok()) return key.status();
  const bool mutual = !tls.client_ca_file().empty();
  grpc::SslServerCredentialsOptions options(
      mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
             : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (mutual) {
    absl::StatusOr<std::string> ca = ReadPem(tls.client_ca_file(), "client CA");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
  }
  options.pem_key_cert_pairs.push_back({*key, *chain});
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::SslServerCredentials(options);
  credentials->SetAuthMetadataProcessor(auth.MakeTokenProcessor());
  return credentials;
}

}  // namespace enforcer
