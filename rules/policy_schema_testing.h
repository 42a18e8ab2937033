// Helpers of the tests of rules/policy.schema.json: the schema, loaded once from the test's
// runfiles, and what it and the parser make of a policy.
#ifndef ENFORCERD_RULES_POLICY_SCHEMA_TESTING_H_
#define ENFORCERD_RULES_POLICY_SCHEMA_TESTING_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/test_files.h"
#include "rules/policy_parser.h"
#include "rules/policy_yaml_value.h"
#include "rules/schema_validator.h"

namespace enforcer::schema_testing {

inline const SchemaValidator& Schema() {
  static const SchemaValidator* const kSchema = [] {
    const std::string path = RunfilePath("rules/policy.schema.json");
    auto schema = SchemaValidator::Create(ReadFileToString(path));
    if (!schema.ok()) {
      ADD_FAILURE() << path << ": " << schema.status();
      schema = SchemaValidator::Create("{}");
    }
    return schema->release();
  }();
  return *kSchema;
}

// The schema's complaints about a policy; a policy that is not a JSON value at all (invalid
// YAML, duplicate keys) gives one complaint starting "not JSON: ".
inline std::vector<std::string> SchemaErrors(const std::string& yaml) {
  absl::StatusOr<google::protobuf::Value> value = PolicyYamlToValue(yaml);
  if (!value.ok()) return {absl::StrCat("not JSON: ", value.status().message())};
  return Schema().Validate(*value);
}

// The parser's errors (warnings do not stop a policy), one per line; "" when it loads.
inline std::string ParserErrors(const std::string& yaml, const std::string& name = "p.yaml") {
  std::vector<std::string> lines;
  for (const Diagnostic& d : ParsePolicy(yaml, name).diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) lines.push_back(d.ToString());
  }
  return absl::StrJoin(lines, "\n");
}

// Whether the parser and the schema agree on whether `yaml` is valid.
inline ::testing::AssertionResult SameVerdict(const std::string& yaml) {
  const std::string parser = ParserErrors(yaml);
  const std::vector<std::string> schema = SchemaErrors(yaml);
  if (parser.empty() == schema.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << (parser.empty() ? "the parser accepts and the schema rejects"
                            : "the parser rejects and the schema accepts")
         << ":\n"
         << yaml << "parser: " << parser << "\nschema: " << absl::StrJoin(schema, "\n");
}

}  // namespace enforcer::schema_testing

#endif  // ENFORCERD_RULES_POLICY_SCHEMA_TESTING_H_
