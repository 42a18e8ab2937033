// Reads a policy file and compiles it. The file I/O lives here so rules/ stays pure.
#ifndef ENFORCERD_ENGINE_POLICY_LOADER_H_
#define ENFORCERD_ENGINE_POLICY_LOADER_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rules/policy.h"

namespace enforcer {

// Compiles the file at `path`, or the embedded default pack when `path` is empty.
// NOT_FOUND if the file cannot be read; INVALID_ARGUMENT with one "file:line:column: error: ..."
// line per problem if it is not a valid policy. Lint warnings do not stop it; if `warnings` is
// given, they are appended there ("file:line:column: warning: ...").
absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicy(const std::string& path,
                                                         std::vector<std::string>* warnings);
inline absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicy(const std::string& path) {
  return LoadPolicy(path, nullptr);
}

// enforcerd --check_policy: prints every diagnostic of the file at `path` (errors and warnings)
// to `err` and a one-line verdict to `out`. True if the policy is valid (warnings allowed).
bool CheckPolicyFile(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_POLICY_LOADER_H_
