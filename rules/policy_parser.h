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

  // "file:line:column: error: message", the form compilers and editors understand.
  std::string ToString() const;
};

struct ParseResult {
  // Null when there are diagnostics.
  std::shared_ptr<const Policy> policy;
  // In source order; at most 50.
  std::vector<Diagnostic> diagnostics;
};

// Parses and validates `text`; `filename` only labels diagnostics. Never throws.
ParseResult ParsePolicy(absl::string_view text, absl::string_view filename);

// ParsePolicy, with the diagnostics joined one per line into an INVALID_ARGUMENT status.
absl::StatusOr<std::shared_ptr<const Policy>> CompilePolicy(absl::string_view text,
                                                            absl::string_view filename);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_PARSER_H_
