// The --auth_config file: principals, their roles and credentials, and the daemon's TLS
// certificate (proto/auth_config.proto, in protobuf text format). Mistakes are reported as
// positioned diagnostics ("auth.textproto:7:5: ..."), every one of them at once.
#ifndef ENFORCERD_ENGINE_AUTH_CONFIG_H_
#define ENFORCERD_ENGINE_AUTH_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/auth_config.pb.h"

namespace enforcer {

// Parses and checks `text` (named `file` in diagnostics). INVALID_ARGUMENT lists every problem,
// one per line: syntax, unknown roles, duplicate names or credentials, a token written in clear
// instead of as its SHA-256, certificate names without a client CA, a TLS key without its chain.
absl::StatusOr<config::AuthConfig> ParseAuthConfig(absl::string_view text, absl::string_view file);

// Reads `path` (at most 1 MiB) and parses it as above. NOT_FOUND if it cannot be read.
absl::StatusOr<config::AuthConfig> LoadAuthConfig(const std::string& path);

// The lowercase hex SHA-256 of `text`, as token_sha256 holds it.
std::string Sha256Hex(absl::string_view text);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_AUTH_CONFIG_H_
