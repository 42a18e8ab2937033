#include "engine/policy_loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "rules/default_policy.h"
#include "rules/policy_parser.h"

namespace enforcer {

absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicy(const std::string& path) {
  if (path.empty()) return CompilePolicy(kDefaultPolicyYaml, kDefaultPolicyName);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read policy file ", path, ": ",
                                            std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return CompilePolicy(text.str(), path);
}

}  // namespace enforcer
