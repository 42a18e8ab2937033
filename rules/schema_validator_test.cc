// The test-only JSON Schema validator that checks rules/policy.schema.json: every keyword it
// supports, each with a value it accepts and one it rejects, and the schemas it refuses.
#include "rules/schema_validator.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"

namespace enforcer {
namespace {

std::unique_ptr<SchemaValidator> Schema(const std::string& json) {
  auto v = SchemaValidator::Create(json);
  EXPECT_TRUE(v.ok()) << v.status() << "\n" << json;
  return v.ok() ? *std::move(v) : nullptr;
}

// The validator's errors for `instance_json` under `schema_json`, joined ("" when valid).
std::string Errors(const std::string& schema_json, const std::string& instance_json) {
  std::unique_ptr<SchemaValidator> schema = Schema(schema_json);
  auto instance = JsonToValue(instance_json);
  EXPECT_TRUE(instance.ok()) << instance.status();
  if (schema == nullptr || !instance.ok()) return "setup failed";
  return absl::StrJoin(schema->Validate(*instance), "\n");
}

bool Valid(const std::string& schema_json, const std::string& instance_json) {
  return Errors(schema_json, instance_json).empty();
}

TEST(SchemaValidator, Type) {
  EXPECT_TRUE(Valid(R"({"type": "string"})", R"("x")"));
  EXPECT_FALSE(Valid(R"({"type": "string"})", "1"));
  EXPECT_TRUE(Valid(R"({"type": "integer"})", "3"));
  EXPECT_FALSE(Valid(R"({"type": "integer"})", "3.5"));
  EXPECT_TRUE(Valid(R"({"type": "number"})", "3.5"));
  EXPECT_TRUE(Valid(R"({"type": ["boolean", "null"]})", "null"));
  EXPECT_FALSE(Valid(R"({"type": ["boolean", "null"]})", "{}"));
  EXPECT_TRUE(Valid(R"({"type": "array"})", "[]"));
  EXPECT_FALSE(Valid(R"({"type": "object"})", "[]"));
  EXPECT_EQ(Errors(R"({"type": "object"})", R"("s")"), ": expected object, found 's'");
}

TEST(SchemaValidator, Enum) {
  EXPECT_TRUE(Valid(R"({"enum": ["a", true, 2]})", "2"));
  EXPECT_TRUE(Valid(R"({"enum": ["a", true, 2]})", "true"));
  EXPECT_FALSE(Valid(R"({"enum": ["a", true, 2]})", R"("true")"));
}

TEST(SchemaValidator, PatternSearchesAnywhere) {
  EXPECT_TRUE(Valid(R"({"pattern": "b+"})", R"("abbc")"));
  EXPECT_FALSE(Valid(R"({"pattern": "^b+$"})", R"("abbc")"));
  EXPECT_TRUE(Valid(R"({"pattern": "^b+$"})", "7")) << "applies to strings only";
}

TEST(SchemaValidator, LengthsCountCodePoints) {
  EXPECT_TRUE(Valid(R"({"minLength": 1, "maxLength": 2})", R"("\u00e9\u00e9")"));
  EXPECT_FALSE(Valid(R"({"maxLength": 2})", R"("abc")"));
  EXPECT_FALSE(Valid(R"({"minLength": 1})", R"("")"));
}

TEST(SchemaValidator, MinimumAndMaximum) {
  EXPECT_TRUE(Valid(R"({"minimum": 1, "maximum": 3})", "1"));
  EXPECT_TRUE(Valid(R"({"minimum": 1, "maximum": 3})", "3"));
  EXPECT_FALSE(Valid(R"({"minimum": 1})", "0"));
  EXPECT_FALSE(Valid(R"({"maximum": 3})", "3.5"));
}

TEST(SchemaValidator, PropertiesAndRequired) {
  const std::string schema = R"({"properties": {"a": {"type": "string"}}, "required": ["a"]})";
  EXPECT_TRUE(Valid(schema, R"({"a": "x", "b": 1})"));
  EXPECT_EQ(Errors(schema, R"({"a": 1})"), "/a: expected string, found 1");
  EXPECT_EQ(Errors(schema, R"({"b": 1})"), ": missing required property 'a'");
}

TEST(SchemaValidator, AdditionalAndPatternProperties) {
  const std::string closed = R"({"properties": {"a": {}}, "patternProperties": {"^x": )"
                             R"({"type": "integer"}}, "additionalProperties": false})";
  EXPECT_TRUE(Valid(closed, R"({"a": 1, "x1": 2})"));
  EXPECT_EQ(Errors(closed, R"({"x1": "s"})"), "/x1: expected integer, found 's'");
  EXPECT_EQ(Errors(closed, R"({"b": 1})"), ": property 'b' is not allowed");
  const std::string typed = R"({"additionalProperties": {"type": "boolean"}})";
  EXPECT_TRUE(Valid(typed, R"({"b": true})"));
  EXPECT_FALSE(Valid(typed, R"({"b": 1})"));
}

TEST(SchemaValidator, MinProperties) {
  EXPECT_TRUE(Valid(R"({"minProperties": 1})", R"({"a": 1})"));
  EXPECT_FALSE(Valid(R"({"minProperties": 1})", "{}"));
}

TEST(SchemaValidator, ItemsAndCounts) {
  const std::string schema = R"({"items": {"type": "integer"}, "minItems": 1, "maxItems": 2})";
  EXPECT_TRUE(Valid(schema, "[1, 2]"));
  EXPECT_FALSE(Valid(schema, "[]"));
  EXPECT_FALSE(Valid(schema, "[1, 2, 3]"));
  EXPECT_EQ(Errors(schema, R"([1, "x"])"), "/1: expected integer, found 'x'");
}

TEST(SchemaValidator, AllOfAnyOfOneOf) {
  EXPECT_TRUE(Valid(R"({"allOf": [{"minimum": 1}, {"maximum": 2}]})", "2"));
  EXPECT_FALSE(Valid(R"({"allOf": [{"minimum": 1}, {"maximum": 2}]})", "3"));
  EXPECT_TRUE(Valid(R"({"anyOf": [{"type": "string"}, {"minimum": 5}]})", "6"));
  EXPECT_FALSE(Valid(R"({"anyOf": [{"type": "string"}, {"minimum": 5}]})", "4"));
  const std::string one = R"({"oneOf": [{"type": "integer"}, {"minimum": 5}]})";
  EXPECT_TRUE(Valid(one, "4"));
  EXPECT_TRUE(Valid(one, "5.5"));
  EXPECT_FALSE(Valid(one, "6")) << "matches both";
  EXPECT_FALSE(Valid(one, "4.5")) << "matches neither";
}

TEST(SchemaValidator, Not) {
  EXPECT_TRUE(Valid(R"({"not": {"required": ["a"]}})", R"({"b": 1})"));
  EXPECT_FALSE(Valid(R"({"not": {"required": ["a"]}})", R"({"a": 1})"));
}

TEST(SchemaValidator, IfThenElse) {
  const std::string schema =
      R"({"if": {"properties": {"t": {"enum": ["x"]}}},)"
      R"( "then": {"required": ["d"]}, "else": {"not": {"required": ["d"]}}})";
  EXPECT_TRUE(Valid(schema, R"({"t": "x", "d": 1})"));
  EXPECT_FALSE(Valid(schema, R"({"t": "x"})"));
  EXPECT_TRUE(Valid(schema, R"({"t": "y"})"));
  EXPECT_FALSE(Valid(schema, R"({"t": "y", "d": 1})"));
}

TEST(SchemaValidator, RefToDefinitions) {
  const std::string schema = R"({"definitions": {"n": {"type": "integer"}},)"
                             R"( "items": {"$ref": "#/definitions/n", "description": "a number"}})";
  EXPECT_TRUE(Valid(schema, "[1]"));
  EXPECT_EQ(Errors(schema, R"(["a"])"), "/0: expected integer, found 'a'");
}

TEST(SchemaValidator, AnnotationsAreIgnored) {
  EXPECT_TRUE(Valid(R"({"$schema": "http://json-schema.org/draft-07/schema#", "title": "t",)"
                    R"( "description": "d", "$comment": "c"})",
                    "1"));
}

TEST(SchemaValidator, RefusesWhatItCannotCheck) {
  const char* bad[] = {R"({"uniqueItems": true})",
                       R"({"properties": {"a": {"format": "email"}}})",
                       R"({"$ref": "#/definitions/none"})",
                       R"({"pattern": "("})",
                       R"({"patternProperties": {"[": {}}})",
                       R"({"items": true})",
                       R"({"type": "int"})",
                       R"({"oneOf": []})",
                       R"({"minimum": "1"})",
                       R"([1])",
                       "not json"};
  for (const char* schema : bad) EXPECT_FALSE(SchemaValidator::Create(schema).ok()) << schema;
}

TEST(SchemaValidator, Resolve) {
  auto v = Schema(R"({"definitions": {"a": {"type": "string"}}})");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->Resolve("#"), &v->root());
  ASSERT_NE(v->Resolve("#/definitions/a"), nullptr);
  EXPECT_EQ(v->Resolve("#/definitions/b"), nullptr);
  EXPECT_EQ(v->Resolve("other.json#/a"), nullptr);
}

}  // namespace
}  // namespace enforcer
