// Compiles policy YAML into a validated, immutable Policy. This is the only code that uses
// yaml-cpp; its exceptions never leave this target. Every mistake a policy author can make comes
// back as a positioned Diagnostic ("file:line:column: error: ..."), and an invalid policy never
// yields a Policy object.
#ifndef ENFORCERD_RULES_POLICY_PARSER_H_
#define ENFORCERD_RULES_POLICY_PARSER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rules/policy.h"

namespace enforcer {

struct Diagnostic {
  std::string file;
  SourcePosition position;
  std::string message;
  // A warning (lint: a valid policy that probably does not do what its author meant) does not
  // stop the policy from loading; an error does.
  enum class Severity { kError, kWarning } severity = Severity::kError;

  // "file:line:column: error: message" (or "warning:"), the form compilers and editors read.
  std::string ToString() const;
};

struct ParseResult {
  // Null when there are errors (warnings alone do not stop a policy).
  std::shared_ptr<const Policy> policy;
  // Errors and warnings in source order; at most 50. Warnings are looked for only in a policy
  // without errors.
  std::vector<Diagnostic> diagnostics;
};

// What a policy may hold at most: a larger one is an error (positioned), not a slow load.
inline constexpr size_t kMaxPolicyBytes = size_t{1} << 20;
inline constexpr size_t kMaxCategories = 1000;
inline constexpr size_t kMaxCountRules = 1000;

// Parses and validates `text`; `filename` only labels diagnostics. Never throws.
ParseResult ParsePolicy(absl::string_view text, absl::string_view filename);

// ParsePolicy, with the errors joined one per line into an INVALID_ARGUMENT status. Warnings are
// dropped; callers that show them use ParsePolicy.
absl::StatusOr<std::shared_ptr<const Policy>> CompilePolicy(absl::string_view text,
                                                            absl::string_view filename);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_PARSER_H_
