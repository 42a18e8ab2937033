// A policy document as a google.protobuf.Value (the JSON data model), so that tools with no YAML
// reader of their own, such as the JSON Schema test of the policy language, see a policy the way
// the parser reads it. Part of //rules:policy_parser, the only code that uses yaml-cpp.
#ifndef ENFORCERD_RULES_POLICY_YAML_VALUE_H_
#define ENFORCERD_RULES_POLICY_YAML_VALUE_H_

#include <google/protobuf/struct.pb.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace enforcer {

// Converts YAML text into a Value, reading scalars as the policy parser does: a whole number
// ("-?[0-9]+", as ParseWholeNumber reads it; or a plain decimal such as 2.5 or 1e3, as a band's
// `below` reads it) becomes a number, exactly "true" or "false" a bool, a YAML null (an empty
// value, "~", "null") null, and anything else a string. Quoting does not matter, as it does not
// to the parser. Mappings become structs (keys must be scalars and distinct), sequences lists;
// an empty document is null. Never throws: invalid YAML, a non-scalar or duplicate key, or
// nesting deeper than 64 levels is an INVALID_ARGUMENT error.
absl::StatusOr<google::protobuf::Value> PolicyYamlToValue(absl::string_view text);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_YAML_VALUE_H_
