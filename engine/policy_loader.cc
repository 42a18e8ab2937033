#include "engine/policy_loader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
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
  // A file being rewritten in place could be read half old, half new (or cut short), and a
  // prefix of a policy can be a valid policy: what changed while it was read is refused.
  std::error_code ec;
  const auto before_size = std::filesystem::file_size(path, ec);
  const auto before_time = std::filesystem::last_write_time(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (!in || ec) {
    return absl::NotFoundError(
        absl::StrCat("cannot read policy file ", path, ": ", std::strerror(errno)));
  }
  if (before_size > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":1:1: error: the policy is ", before_size,
                                                   " bytes; a policy may be at most ",
                                                   kMaxPolicyBytes, " bytes (1 MiB)"));
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto after_size = std::filesystem::file_size(path, ec);
  const auto after_time = std::filesystem::last_write_time(path, ec);
  if (ec || after_size != before_size || after_time != before_time ||
      text.str().size() != before_size) {
    return absl::UnavailableError(
        absl::StrCat("policy file ", path,
                     " changed while it was read; write the new policy to a temporary "
                     "file and rename it over ",
                     path, " (an atomic replace), then reload"));
  }
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
