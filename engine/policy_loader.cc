#include "engine/policy_loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/default_policy.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {

// The text of the policy at `path` (the embedded pack for ""), and the name diagnostics use.
absl::StatusOr<std::pair<std::string, std::string>> ReadPolicyText(const std::string& path) {
  if (path.empty())
    return std::make_pair(std::string(kDefaultPolicyYaml), std::string(kDefaultPolicyName));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read policy file ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return std::make_pair(text.str(), path);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicy(const std::string& path,
                                                         std::vector<std::string>* warnings) {
  absl::StatusOr<std::pair<std::string, std::string>> text = ReadPolicyText(path);
  if (!text.ok()) return text.status();
  ParseResult result = ParsePolicy(text->first, text->second);
  std::vector<std::string> errors;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) {
      errors.push_back(d.ToString());
    } else if (warnings != nullptr) {
      warnings->push_back(d.ToString());
    }
  }
  if (result.policy == nullptr) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return result.policy;
}

bool CheckPolicyFile(const std::string& path, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::pair<std::string, std::string>> text = ReadPolicyText(path);
  if (!text.ok()) {
    err << text.status().message() << "\n";
    return false;
  }
  ParseResult result = ParsePolicy(text->first, text->second);
  int warnings = 0;
  for (const Diagnostic& d : result.diagnostics) {
    err << d.ToString() << "\n";
    warnings += d.severity == Diagnostic::Severity::kWarning ? 1 : 0;
  }
  if (result.policy == nullptr) return false;
  out << path << ": valid policy " << result.policy->name() << ", version "
      << result.policy->version();
  if (warnings > 0) out << ", " << warnings << (warnings == 1 ? " warning" : " warnings");
  out << "\n";
  return true;
}

}  // namespace enforcer
