// A JSON Schema validator for tests: just the draft-07 keywords that rules/policy.schema.json uses,
// over google.protobuf.Value (the JSON data model that protobuf's JSON parser and
// PolicyYamlToValue produce), so that the policy schema can be tested with no JSON library.
//
// Supported: type, enum, pattern, minLength, maxLength, minimum, maximum, properties,
// patternProperties, additionalProperties (false or a schema), required, minProperties, items (one
// schema for every item), minItems, maxItems, allOf, anyOf, oneOf, not, if/then/else and $ref to a
// local JSON pointer ("#/definitions/name"); annotations ($schema, $comment, title, description,
// definitions) are allowed. Any other keyword, a boolean schema, an invalid pattern or a $ref
// that does not resolve makes the schema itself invalid, so no rule is ever silently ignored.
// Patterns are ECMAScript regular expressions, searched for anywhere in the string as the
// standard says; a $ref's sibling keywords are applied too (only descriptions stand there).
#ifndef ENFORCERD_RULES_SCHEMA_VALIDATOR_H_
#define ENFORCERD_RULES_SCHEMA_VALIDATOR_H_

#include <google/protobuf/struct.pb.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace enforcer {

// Parses JSON text with protobuf's JSON parser.
absl::StatusOr<google::protobuf::Value> JsonToValue(absl::string_view json);

class SchemaValidator {
 public:
  // Parses a schema and checks that it uses only the supported keywords.
  static absl::StatusOr<std::unique_ptr<SchemaValidator>> Create(absl::string_view schema_json);

  // What is wrong with `instance`, one message per problem ("/categories/spam/points: ..."), or
  // nothing when it is valid.
  std::vector<std::string> Validate(const google::protobuf::Value& instance) const;

  const google::protobuf::Value& root() const { return root_; }

  // The schema at a local JSON pointer ("#" or "#/definitions/name"), or null.
  const google::protobuf::Value* Resolve(absl::string_view ref) const;

 private:
  using Value = google::protobuf::Value;
  using Struct = google::protobuf::Struct;
  using Errors = std::vector<std::string>;

  explicit SchemaValidator(Value root) : root_(std::move(root)) {}

  absl::Status CheckSchema(const Value& schema, const std::string& where, int depth);
  absl::Status CheckSubschemas(const Struct& s, const std::string& where, int depth);
  absl::Status CompilePattern(const std::string& pattern, const std::string& where);

  // Each returns false (and appends to `errors`) when `v` does not satisfy `schema`.
  bool Check(const Value& schema, const Value& v, const std::string& path, Errors* errors) const;
  bool CheckType(const Struct& s, const Value& v, const std::string& path, Errors* errors) const;
  bool CheckScalar(const Struct& s, const Value& v, const std::string& path, Errors* errors) const;
  bool CheckObject(const Struct& s, const Value& v, const std::string& path, Errors* errors) const;
  bool CheckArray(const Struct& s, const Value& v, const std::string& path, Errors* errors) const;
  bool CheckCombinators(const Struct& s, const Value& v, const std::string& path,
                        Errors* errors) const;
  bool CheckOneOrAny(const Struct& s, const Value& v, const std::string& path,
                     Errors* errors) const;
  bool Matches(const std::string& pattern, const std::string& text) const;

  Value root_;
  std::map<std::string, std::regex> patterns_;
};

}  // namespace enforcer

#endif  // ENFORCERD_RULES_SCHEMA_VALIDATOR_H_
