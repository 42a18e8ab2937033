// Reads a policy file and compiles it. The file I/O lives here so rules/ stays pure.
#ifndef ENFORCERD_ENGINE_POLICY_LOADER_H_
#define ENFORCERD_ENGINE_POLICY_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rules/policy.h"

namespace enforcer {

// Compiles the file at `path`, or the embedded default pack when `path` is empty.
// NOT_FOUND if the file cannot be read; INVALID_ARGUMENT with one "file:line:column: error: ..."
// line per problem if it is not a valid policy.
absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicy(const std::string& path);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_POLICY_LOADER_H_
