#include "rules/policy_yaml_value.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "yaml-cpp/yaml.h"

namespace enforcer {
namespace {

using google::protobuf::Value;

constexpr int kMaxDepth = 64;

// Consumes a run of digits from the front of `s`; true if there was at least one.
bool ConsumeDigits(absl::string_view* s) {
  size_t n = 0;
  while (n < s->size() && absl::ascii_isdigit((*s)[n])) ++n;
  s->remove_prefix(n);
  return n > 0;
}

// "-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?": the numbers the parser reads, whole
// (ParseWholeNumber: no '+', no spaces) or decimal (a band's `below`).
bool LooksLikeNumber(absl::string_view s) {
  absl::ConsumePrefix(&s, "-");
  const bool whole = ConsumeDigits(&s);
  if (absl::ConsumePrefix(&s, ".")) {
    if (!ConsumeDigits(&s) && !whole) return false;
  } else if (!whole) {
    return false;
  }
  if (!s.empty() && (s[0] == 'e' || s[0] == 'E')) {
    s.remove_prefix(1);
    if (!absl::ConsumePrefix(&s, "-")) absl::ConsumePrefix(&s, "+");
    if (!ConsumeDigits(&s)) return false;
  }
  return s.empty();
}

Value ScalarValue(const std::string& s) {
  Value v;
  double number = 0;
  if (s == "true" || s == "false") {
    v.set_bool_value(s == "true");
  } else if (LooksLikeNumber(s) && absl::SimpleAtod(s, &number) && std::isfinite(number)) {
    v.set_number_value(number);
  } else {
    v.set_string_value(s);
  }
  return v;
}

absl::Status Invalid(const YAML::Node& node, absl::string_view message) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return absl::InvalidArgumentError(message);
  return absl::InvalidArgumentError(absl::StrCat(m.line + 1, ":", m.column + 1, ": ", message));
}

absl::Status Convert(const YAML::Node& node, int depth, Value* out) {
  if (depth > kMaxDepth) return Invalid(node, "nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      *out = ScalarValue(node.Scalar());
      return absl::OkStatus();
    case YAML::NodeType::Sequence:
      for (const YAML::Node& item : node) {
        absl::Status s = Convert(item, depth + 1, out->mutable_list_value()->add_values());
        if (!s.ok()) return s;
      }
      if (node.size() == 0) out->mutable_list_value();
      return absl::OkStatus();
    case YAML::NodeType::Map: {
      auto* fields = out->mutable_struct_value()->mutable_fields();
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) return Invalid(it->first, "a key must be a scalar");
        const std::string& key = it->first.Scalar();
        if (fields->count(key))
          return Invalid(it->first, absl::StrCat("duplicate key '", key, "'"));
        absl::Status s = Convert(it->second, depth + 1, &(*fields)[key]);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    default:  // Null (and Undefined, which Load never returns)
      out->set_null_value(google::protobuf::NULL_VALUE);
      return absl::OkStatus();
  }
}

}  // namespace

absl::StatusOr<Value> PolicyYamlToValue(absl::string_view text) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    Value value;
    absl::Status s = Convert(root, 0, &value);
    if (!s.ok()) return s;
    return value;
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return absl::InvalidArgumentError(absl::StrCat("invalid YAML: ", e.msg));
    return absl::InvalidArgumentError(
        absl::StrCat(e.mark.line + 1, ":", e.mark.column + 1, ": invalid YAML: ", e.msg));
  }
}

}  // namespace enforcer
