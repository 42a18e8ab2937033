#include "rules/schema_validator.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace enforcer {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr int kMaxSchemaDepth = 64;

const std::set<std::string>& Keywords() {
  static const auto* const kKeywords = new std::set<std::string>{
      // annotations
      "$schema", "$comment", "title", "description", "definitions",
      // assertions
      "type", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "properties",
      "patternProperties", "additionalProperties", "required", "minProperties", "items", "minItems",
      "maxItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref"};
  return *kKeywords;
}

const Value* Field(const Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string Describe(const Value& v) {
  switch (v.kind_case()) {
    case Value::kStringValue:
      return absl::StrCat("'", v.string_value(), "'");
    case Value::kNumberValue:
      return absl::StrCat(v.number_value());
    case Value::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case Value::kStructValue:
      return "an object";
    case Value::kListValue:
      return "a list";
    default:
      return "null";
  }
}

bool HasType(const Value& v, const std::string& type) {
  switch (v.kind_case()) {
    case Value::kStringValue:
      return type == "string";
    case Value::kNumberValue:
      return type == "number" || (type == "integer" && std::isfinite(v.number_value()) &&
                                  std::floor(v.number_value()) == v.number_value());
    case Value::kBoolValue:
      return type == "boolean";
    case Value::kStructValue:
      return type == "object";
    case Value::kListValue:
      return type == "array";
    default:
      return type == "null";
  }
}

// Code points, as the standard counts a string's length (not bytes).
size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Child(const std::string& path, absl::string_view key) {
  return absl::StrCat(path, "/", key);
}

// The values of the keywords that take a number, a list or a type name are of that kind.
absl::Status CheckKeywordValues(const Struct& s, const std::string& where) {
  if (const Value* type = Field(s, "type")) {
    std::vector<Value> types(type->list_value().values().begin(),
                             type->list_value().values().end());
    if (type->has_string_value()) types.push_back(*type);
    if (types.empty()) return absl::InvalidArgumentError(where + ": type: no types");
    for (const Value& t : types) {
      static const std::set<std::string> kTypes = {"string", "number", "integer", "boolean",
                                                   "object", "array",  "null"};
      if (!kTypes.count(t.string_value())) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": unknown type ", Describe(t)));
      }
    }
  }
  for (const char* list : {"required", "enum", "allOf", "anyOf", "oneOf"}) {
    const Value* l = Field(s, list);
    if (l != nullptr && (!l->has_list_value() || l->list_value().values().empty())) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", list, ": not a non-empty list"));
    }
  }
  for (const char* number :
       {"minLength", "maxLength", "minimum", "maximum", "minProperties", "minItems", "maxItems"}) {
    const Value* n = Field(s, number);
    if (n != nullptr && !n->has_number_value()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", number, ": not a number"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Value> JsonToValue(absl::string_view json) {
  Value value;
  const auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &value);
  if (!status.ok())
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", status.ToString()));
  return value;
}

absl::StatusOr<std::unique_ptr<SchemaValidator>> SchemaValidator::Create(
    absl::string_view schema_json) {
  absl::StatusOr<Value> root = JsonToValue(schema_json);
  if (!root.ok()) return root.status();
  std::unique_ptr<SchemaValidator> v(new SchemaValidator(*std::move(root)));
  absl::Status s = v->CheckSchema(v->root_, "#", 0);
  if (!s.ok()) return s;
  return v;
}

const Value* SchemaValidator::Resolve(absl::string_view ref) const {
  if (ref.empty() || ref[0] != '#') return nullptr;
  const Value* at = &root_;
  ref.remove_prefix(1);
  if (ref.empty()) return at;
  if (ref[0] != '/') return nullptr;
  for (absl::string_view part : absl::StrSplit(ref.substr(1), '/')) {
    if (!at->has_struct_value()) return nullptr;
    at = Field(at->struct_value(), std::string(part));
    if (at == nullptr) return nullptr;
  }
  return at;
}

absl::Status SchemaValidator::CompilePattern(const std::string& pattern, const std::string& where) {
  if (patterns_.count(pattern)) return absl::OkStatus();
  try {
    patterns_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": invalid pattern '", pattern, "': ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status SchemaValidator::CheckSchema(const Value& schema, const std::string& where,
                                          int depth) {
  if (depth > kMaxSchemaDepth) return absl::InvalidArgumentError(where + ": nested too deeply");
  if (!schema.has_struct_value()) {
    return absl::InvalidArgumentError(where + ": a schema must be an object");
  }
  const Struct& s = schema.struct_value();
  for (const auto& [key, value] : s.fields()) {
    if (!Keywords().count(key)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": unsupported keyword '", key, "'"));
    }
  }
  absl::Status st = CheckKeywordValues(s, where);
  if (!st.ok()) return st;
  if (const Value* p = Field(s, "pattern")) {
    if (!p->has_string_value())
      return absl::InvalidArgumentError(where + ": pattern: not a string");
    st = CompilePattern(p->string_value(), where);
    if (!st.ok()) return st;
  }
  if (const Value* r = Field(s, "$ref")) {
    if (!r->has_string_value() || Resolve(r->string_value()) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": $ref ", Describe(*r), " does not resolve"));
    }
  }
  return CheckSubschemas(s, where, depth);
}

absl::Status SchemaValidator::CheckSubschemas(const Struct& s, const std::string& where,
                                              int depth) {
  std::vector<std::pair<std::string, const Value*>> subschemas;
  for (const char* map : {"properties", "patternProperties", "definitions"}) {
    const Value* m = Field(s, map);
    if (m == nullptr) continue;
    if (!m->has_struct_value()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", map, ": not an object"));
    }
    for (const auto& [key, sub] : m->struct_value().fields()) {
      if (std::string(map) == "patternProperties") {
        absl::Status st = CompilePattern(key, absl::StrCat(where, "/", map));
        if (!st.ok()) return st;
      }
      subschemas.push_back({absl::StrCat(where, "/", map, "/", key), &sub});
    }
  }
  for (const char* one : {"items", "not", "if", "then", "else", "additionalProperties"}) {
    const Value* sub = Field(s, one);
    if (sub == nullptr) continue;
    if (std::string(one) == "additionalProperties" && sub->has_bool_value()) continue;
    subschemas.push_back({absl::StrCat(where, "/", one), sub});
  }
  for (const char* list : {"allOf", "anyOf", "oneOf"}) {
    const Value* l = Field(s, list);
    for (int i = 0; l != nullptr && i < l->list_value().values_size(); ++i) {
      subschemas.push_back({absl::StrCat(where, "/", list, "/", i), &l->list_value().values(i)});
    }
  }
  for (const auto& [sub_where, sub] : subschemas) {
    absl::Status st = CheckSchema(*sub, sub_where, depth + 1);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

std::vector<std::string> SchemaValidator::Validate(const Value& instance) const {
  Errors errors;
  Check(root_, instance, "", &errors);
  return errors;
}

bool SchemaValidator::Matches(const std::string& pattern, const std::string& text) const {
  return std::regex_search(text, patterns_.at(pattern));
}

bool SchemaValidator::Check(const Value& schema, const Value& v, const std::string& path,
                            Errors* errors) const {
  const Struct& s = schema.struct_value();
  bool ok = true;
  if (const Value* ref = Field(s, "$ref")) {
    ok = Check(*Resolve(ref->string_value()), v, path, errors);
  }
  if (!CheckType(s, v, path, errors)) return false;  // the other keywords would only add noise
  ok &= CheckScalar(s, v, path, errors);
  ok &= CheckObject(s, v, path, errors);
  ok &= CheckArray(s, v, path, errors);
  ok &= CheckCombinators(s, v, path, errors);
  return ok;
}

bool SchemaValidator::CheckType(const Struct& s, const Value& v, const std::string& path,
                                Errors* errors) const {
  const Value* type = Field(s, "type");
  if (type == nullptr) return true;
  std::vector<std::string> types;
  if (type->has_string_value()) types.push_back(type->string_value());
  for (const Value& t : type->list_value().values()) types.push_back(t.string_value());
  for (const std::string& t : types) {
    if (HasType(v, t)) return true;
  }
  errors->push_back(
      absl::StrCat(path, ": expected ", absl::StrJoin(types, " or "), ", found ", Describe(v)));
  return false;
}

bool SchemaValidator::CheckScalar(const Struct& s, const Value& v, const std::string& path,
                                  Errors* errors) const {
  bool ok = true;
  auto fail = [&](std::string message) {
    errors->push_back(absl::StrCat(path, ": ", Describe(v), " ", message));
    ok = false;
  };
  if (const Value* e = Field(s, "enum")) {
    bool found = false;
    for (const Value& option : e->list_value().values()) {
      found |= google::protobuf::util::MessageDifferencer::Equals(option, v);
    }
    if (!found) fail("is not one of the allowed values");
  }
  if (v.has_string_value()) {
    const std::string& str = v.string_value();
    const Value* pattern = Field(s, "pattern");
    if (pattern != nullptr && !Matches(pattern->string_value(), str)) {
      fail(absl::StrCat("does not match ", pattern->string_value()));
    }
    const Value* min = Field(s, "minLength");
    if (min != nullptr && Utf8Length(str) < min->number_value()) fail("is too short");
    const Value* max = Field(s, "maxLength");
    if (max != nullptr && Utf8Length(str) > max->number_value()) fail("is too long");
  }
  if (v.has_number_value()) {
    const Value* min = Field(s, "minimum");
    if (min != nullptr && v.number_value() < min->number_value()) {
      fail(absl::StrCat("is less than the minimum ", min->number_value()));
    }
    const Value* max = Field(s, "maximum");
    if (max != nullptr && v.number_value() > max->number_value()) {
      fail(absl::StrCat("is greater than the maximum ", max->number_value()));
    }
  }
  return ok;
}

bool SchemaValidator::CheckObject(const Struct& s, const Value& v, const std::string& path,
                                  Errors* errors) const {
  if (!v.has_struct_value()) return true;
  const auto& fields = v.struct_value().fields();
  bool ok = true;
  const Value* required = Field(s, "required");
  for (int i = 0; required != nullptr && i < required->list_value().values_size(); ++i) {
    const std::string& key = required->list_value().values(i).string_value();
    if (!fields.count(key)) {
      errors->push_back(absl::StrCat(path, ": missing required property '", key, "'"));
      ok = false;
    }
  }
  const Value* min = Field(s, "minProperties");
  if (min != nullptr && fields.size() < min->number_value()) {
    errors->push_back(absl::StrCat(path, ": needs at least ", min->number_value(), " properties"));
    ok = false;
  }
  const Value* properties = Field(s, "properties");
  const Value* patterns = Field(s, "patternProperties");
  const Value* additional = Field(s, "additionalProperties");
  static const Value kEmpty = [] {
    Value empty;
    empty.mutable_struct_value();
    return empty;
  }();
  for (const auto& [key, value] : fields) {
    bool matched = false;
    if (const Value* sub = properties ? Field(properties->struct_value(), key) : nullptr) {
      matched = true;
      ok &= Check(*sub, value, Child(path, key), errors);
    }
    for (const auto& [pattern, sub] : (patterns ? patterns : &kEmpty)->struct_value().fields()) {
      if (!Matches(pattern, key)) continue;
      matched = true;
      ok &= Check(sub, value, Child(path, key), errors);
    }
    if (matched || additional == nullptr) continue;
    if (additional->has_bool_value()) {
      if (additional->bool_value()) continue;
      errors->push_back(absl::StrCat(path, ": property '", key, "' is not allowed"));
      ok = false;
    } else {
      ok &= Check(*additional, value, Child(path, key), errors);
    }
  }
  return ok;
}

bool SchemaValidator::CheckArray(const Struct& s, const Value& v, const std::string& path,
                                 Errors* errors) const {
  if (!v.has_list_value()) return true;
  const auto& items = v.list_value().values();
  bool ok = true;
  const Value* min = Field(s, "minItems");
  if (min != nullptr && items.size() < min->number_value()) {
    errors->push_back(absl::StrCat(path, ": needs at least ", min->number_value(), " items"));
    ok = false;
  }
  const Value* max = Field(s, "maxItems");
  if (max != nullptr && items.size() > max->number_value()) {
    errors->push_back(absl::StrCat(path, ": takes at most ", max->number_value(), " items"));
    ok = false;
  }
  if (const Value* item_schema = Field(s, "items")) {
    for (int i = 0; i < items.size(); ++i) {
      ok &= Check(*item_schema, items[i], Child(path, absl::StrCat(i)), errors);
    }
  }
  return ok;
}

bool SchemaValidator::CheckCombinators(const Struct& s, const Value& v, const std::string& path,
                                       Errors* errors) const {
  bool ok = CheckOneOrAny(s, v, path, errors);
  if (const Value* all = Field(s, "allOf")) {
    for (const Value& sub : all->list_value().values()) ok &= Check(sub, v, path, errors);
  }
  if (const Value* n = Field(s, "not")) {
    Errors ignored;
    if (Check(*n, v, path, &ignored)) {
      errors->push_back(absl::StrCat(path, ": matches a schema that is not allowed"));
      ok = false;
    }
  }
  if (const Value* condition = Field(s, "if")) {
    Errors ignored;
    const Value* branch = Field(s, Check(*condition, v, path, &ignored) ? "then" : "else");
    if (branch != nullptr) ok &= Check(*branch, v, path, errors);
  }
  return ok;
}

bool SchemaValidator::CheckOneOrAny(const Struct& s, const Value& v, const std::string& path,
                                    Errors* errors) const {
  bool ok = true;
  for (const char* keyword : {"anyOf", "oneOf"}) {
    const Value* alternatives = Field(s, keyword);
    if (alternatives == nullptr) continue;
    int matched = 0;
    std::vector<std::string> why;
    for (const Value& sub : alternatives->list_value().values()) {
      Errors sub_errors;
      if (Check(sub, v, path, &sub_errors)) {
        ++matched;
      } else {
        why.push_back(absl::StrJoin(sub_errors, "; "));
      }
    }
    const bool one = std::string(keyword) == "oneOf";
    if (matched == 0) {
      errors->push_back(
          absl::StrCat(path, ": matches none of ", keyword, " (", absl::StrJoin(why, " | "), ")"));
      ok = false;
    } else if (one && matched > 1) {
      errors->push_back(absl::StrCat(path, ": matches ", matched, " schemas of oneOf, not one"));
      ok = false;
    }
  }
  return ok;
}

}  // namespace enforcer
