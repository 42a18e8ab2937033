// rules/policy.schema.json, the policy language as a JSON Schema for editors, against the
// parser: every policy of the repository that the parser accepts must validate, the testdata
// policies it rejects are rejected where a schema can tell, and the keys and values the schema
// allows in each place are exactly the parser's (read from its "expected one of" diagnostics),
// so the two can never drift apart silently. policy_schema_values_test.cc compares the two on
// single values.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "rules/policy_schema_testing.h"

namespace enforcer {
namespace {

using schema_testing::ParserErrors;
using schema_testing::Schema;
using schema_testing::SchemaErrors;
using Value = google::protobuf::Value;

std::vector<std::string> Files(const std::string& dir, absl::string_view prefix) {
  std::vector<std::string> names;
  DIR* d = opendir(RunfilePath(dir).c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    if (absl::StartsWith(e->d_name, prefix) && absl::EndsWith(e->d_name, ".yaml")) {
      names.push_back(e->d_name);
    }
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

void ExpectValid(const std::string& path) {
  const std::string text = ReadFileToString(RunfilePath(path));
  ASSERT_FALSE(text.empty()) << "cannot read " << path;
  EXPECT_EQ(ParserErrors(text, path), "") << path;
  EXPECT_EQ(absl::StrJoin(SchemaErrors(text), "\n"), "") << path;
}

// A Value as text, keys sorted: 's' for a string, numbers and true/false/null as in JSON.
std::string Show(const Value& v) {
  switch (v.kind_case()) {
    case Value::kStringValue:
      return absl::StrCat("'", v.string_value(), "'");
    case Value::kNumberValue:
      return absl::StrCat(v.number_value());
    case Value::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case Value::kListValue: {
      std::vector<std::string> items;
      for (const Value& item : v.list_value().values()) items.push_back(Show(item));
      return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
    }
    case Value::kStructValue: {
      std::map<std::string, std::string> fields;
      for (const auto& [key, value] : v.struct_value().fields()) fields[key] = Show(value);
      return absl::StrCat("{", absl::StrJoin(fields, ", ", absl::PairFormatter(": ")), "}");
    }
    default:
      return "null";
  }
}

TEST(PolicyYamlToValue, ReadsScalarsAsTheParserDoes) {
  auto v = PolicyYamlToValue(
      "a: 5\nb: -007\nc: '12'\nd: 2.5\ne: 1e3\nf: +5\ng: true\nh: 'false'\ni: yes\nj: True\n"
      "k:\nl: ~\nm: [1, x, [], {}]\nn: .5\no: 90d\np: ' 9'\n");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(Show(*v),
            "{a: 5, b: -7, c: 12, d: 2.5, e: 1000, f: '+5', g: true, h: false, i: 'yes', "
            "j: 'True', k: null, l: null, m: [1, 'x', [], {}], n: 0.5, o: '90d', p: ' 9'}");
  EXPECT_EQ(Show(*PolicyYamlToValue("# only a comment\n")), "null");
}

TEST(PolicyYamlToValue, WhatIsNotAJsonValueIsAnError) {
  for (const std::string& yaml :
       {std::string("a: 1\na: 2\n"), std::string("a: {b: 1\n"), std::string("? [a]\n: 1\n"),
        std::string(70, '[') + std::string(70, ']')}) {
    auto v = PolicyYamlToValue(yaml);
    EXPECT_FALSE(v.ok()) << yaml;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << yaml;
  }
  EXPECT_EQ(PolicyYamlToValue("a: 1\na: 2\n").status().message(), "2:1: duplicate key 'a'");
}

TEST(PolicySchema, IsADraft07SchemaThatTheValidatorFullyUnderstands) {
  const Value* draft = Schema().Resolve("#/$schema");
  ASSERT_NE(draft, nullptr);
  EXPECT_EQ(draft->string_value(), "http://json-schema.org/draft-07/schema#");
}

TEST(PolicySchema, DefaultPackValidates) { ExpectValid("rules/default_policy.yaml"); }

TEST(PolicySchema, TestdataPoliciesThatLoadValidate) {
  int n = 0;
  for (const char* prefix : {"good_", "lint_"}) {
    for (const std::string& name : Files("rules/testdata", prefix)) {
      ExpectValid("rules/testdata/" + name);
      ++n;
    }
  }
  EXPECT_GE(n, 10) << "testdata went missing";
}

// Runs only when the test's data holds the example packs, which needs //rules/examples:packs to
// be visible to //rules (it is visible to //docs only).
TEST(PolicySchema, ExamplePacksValidate) {
  const std::vector<std::string> packs = Files("rules/examples", "");
  if (packs.empty()) GTEST_SKIP() << "rules/examples/*.yaml are not in this test's data";
  for (const std::string& name : packs) ExpectValid("rules/examples/" + name);
}

// The schema's verdict on each bad_*.yaml, whose parser errors are in the matching .errors file:
// the places (JSON pointers) where the schema finds something wrong. Errors that are about
// references or uniqueness (unknown categories or rule ids, a rule id used twice or equal to a
// category id, two milestones at the same points, a count rule on a category that never counts
// for its ledgers) are beyond a schema, so they appear in no list. "not JSON" marks a file that
// is not a JSON value at all (invalid YAML, duplicate keys): editors report those themselves.
const std::map<std::string, std::set<std::string>>& BadFiles() {
  static const auto* const kBad = new std::map<std::string, std::set<std::string>>{
      {"bad_actions.yaml",
       {"/milestones/seller/0/actions/0", "/milestones/seller/1/actions/0",
        "/milestones/seller/1/actions/1", "/milestones/seller/1/actions/2",
        "/milestones/seller/1/actions/3", "/milestones/seller/1/actions/4",
        "/milestones/seller/1/actions/5", "/milestones/seller/2/actions"}},
      {"bad_complainants.yaml",
       {"/complainants/window", "/complainants/trusted/min_success",
        "/complainants/trusted/max_overturned", "/complainants/trusted/min_complaints",
        "/complainants/suspend/reports"}},
      {"bad_complainants_overlap.yaml", {}},
      {"bad_count_rule.yaml",
       {"/count_rules/0", "/count_rules/1/at_least", "/count_rules/1/within",
        "/count_rules/1/match/same_rights_holder"}},
      {"bad_duplicates.yaml", {"not JSON"}},
      {"bad_empty.yaml", {""}},
      {"bad_missing_required.yaml", {"", "/milestones/seller/0"}},
      {"bad_references.yaml", {"/count_rules/0/match/sources/0", "/regions"}},
      {"bad_rule_ids.yaml", {"/milestones/seller/1/repeat", "/count_rules/0/repeat"}},
      {"bad_types.yaml", {"/policy", "/categories", "/milestones", "/count_rules"}},
      {"bad_unknown_keys.yaml", {"", "/categories/spam"}},
      {"bad_values.yaml",
       {"/default_window", "/categories/a/points", "/categories/a/window",
        "/categories/a/take_down", "/categories/a/ledgers/1", "/categories/b/points",
        "/categories/c/points", "/categories/d/default_severity", "/categories",
        "/categories/e/points", "/categories/e/window", "/categories/e/description"}},
      {"bad_yaml_syntax.yaml", {"not JSON"}},
      {"bad_zero_tolerance.yaml",
       {"/categories/nothing", "/categories/illegal/zero_tolerance",
        "/categories/fraud/zero_tolerance/id"}},
  };
  return *kBad;
}

TEST(PolicySchema, BadTestdataIsRejectedWhereASchemaCanTell) {
  const std::vector<std::string> files = Files("rules/testdata", "bad_");
  EXPECT_GE(files.size(), BadFiles().size());
  for (const std::string& name : files) {
    const std::string text = ReadFileToString(RunfilePath("rules/testdata/" + name));
    EXPECT_NE(ParserErrors(text, name), "") << name;
    auto expected = BadFiles().find(name);
    ASSERT_NE(expected, BadFiles().end()) << name << ": add it to BadFiles() with what the "
                                          << "schema finds wrong in it";
    std::set<std::string> places;
    const std::vector<std::string> errors = SchemaErrors(text);
    for (const std::string& e : errors) {
      places.insert(absl::StartsWith(e, "not JSON") ? "not JSON" : e.substr(0, e.find(": ")));
    }
    EXPECT_EQ(absl::StrJoin(places, ", "), absl::StrJoin(expected->second, ", "))
        << name << ":\n"
        << absl::StrJoin(errors, "\n");
  }
}

// What the parser lists after "expected one of: " when `yaml` holds 'zzz_unknown' as a key or a
// value.
std::set<std::string> ParserChoices(const std::string& yaml) {
  for (const Diagnostic& d : ParsePolicy(yaml, "p.yaml").diagnostics) {
    const size_t at = d.message.find("expected one of: ");
    if (!absl::StrContains(d.message, "'zzz_unknown'") || at == std::string::npos) continue;
    std::vector<std::string> names = absl::StrSplit(d.message.substr(at + 17), ", ");
    return std::set<std::string>(names.begin(), names.end());
  }
  ADD_FAILURE() << "no 'expected one of' diagnostic for zzz_unknown in:\n" << yaml;
  return {};
}

// The property names (for an object schema) or the enum (otherwise) of the schema at `pointer`.
std::set<std::string> SchemaChoices(const std::string& pointer) {
  std::set<std::string> out;
  if (const Value* properties = Schema().Resolve(pointer + "/properties")) {
    for (const auto& [name, sub] : properties->struct_value().fields()) out.insert(name);
    return out;
  }
  const Value* choices = Schema().Resolve(pointer + "/enum");
  if (choices == nullptr) ADD_FAILURE() << pointer << " has neither properties nor an enum";
  for (int i = 0; choices != nullptr && i < choices->list_value().values_size(); ++i) {
    out.insert(choices->list_value().values(i).string_value());
  }
  return out;
}

struct Choices {
  const char* what;
  const char* yaml;     // puts zzz_unknown where the parser lists what it expects
  const char* pointer;  // the schema that lists the same
};

// Every mapping the parser reads with a fixed set of keys, and every vocabulary it reads a value
// from.
constexpr Choices kChoices[] = {
    {"top level", "zzz_unknown: 1", "#"},
    {"category", "categories: {a: {points: 1, zzz_unknown: 1}}", "#/definitions/category"},
    {"points per severity", "categories: {a: {points: {zzz_unknown: 1}}}",
     "#/definitions/severity_points"},
    {"points by attribute",
     "categories: {a: {points: {by: n, default: 1, values: {x: 1}, zzz_unknown: 1}}}",
     "#/definitions/attribute_points"},
    {"band", "categories: {a: {points: {by: n, default: 1, bands: [{points: 1, zzz_unknown: 1}]}}}",
     "#/definitions/band"},
    {"merge", "categories: {a: {points: 1, merge: {within: 3d, zzz_unknown: 1}}}",
     "#/definitions/merge"},
    {"zero_tolerance",
     "categories: {a: {zero_tolerance: {id: z, actions: [deactivate_store], zzz_unknown: 1}}}",
     "#/definitions/zero_tolerance"},
    {"milestones", "milestones: {zzz_unknown: []}", "#/definitions/milestones"},
    {"milestone",
     "milestones: {seller: [{id: m, at: 1, actions: [deactivate_store], zzz_unknown: 1}]}",
     "#/definitions/milestone"},
    {"count rule",
     "count_rules: [{id: c, at_least: 1, within: 1d, actions: [deactivate_store], zzz_unknown: 1}]",
     "#/definitions/count_rule"},
    {"match",
     "count_rules: [{id: c, at_least: 1, within: 1d, actions: [deactivate_store], "
     "match: {zzz_unknown: 1}}]",
     "#/definitions/match"},
    {"region", "regions: {US: {zzz_unknown: 1}}", "#/definitions/region"},
    {"region category", "regions: {US: {categories: {a: {zzz_unknown: 1}}}}",
     "#/definitions/region_category"},
    {"appeals", "appeals: {within: 1d, instructions: x, zzz_unknown: 1}", "#/definitions/appeals"},
    {"remedy", "remedies: {r: {ends: [warning], zzz_unknown: 1}}", "#/definitions/remedy"},
    {"linked_subjects", "linked_subjects: {propagate: [suspend], zzz_unknown: 1}",
     "#/definitions/linked_subjects"},
    {"complainants", "complainants: {zzz_unknown: 1}", "#/definitions/complainants"},
    {"complainants.trusted", "complainants: {trusted: {min_success: 0.9, zzz_unknown: 1}}",
     "#/definitions/complainants_trusted"},
    {"complainants.suspend",
     "complainants: {suspend: {success_below: 0.5, reports: refuse, zzz_unknown: 1}}",
     "#/definitions/complainants_suspend"},
    {"complainants.suspend.reports",
     "complainants: {suspend: {success_below: 0.5, reports: zzz_unknown}}",
     "#/definitions/complainants_suspend/properties/reports"},
    {"action", "milestones: {seller: [{id: m, at: 1, actions: [{type: suspend, zzz_unknown: 1}]}]}",
     "#/definitions/action_map"},
    {"action type", "milestones: {seller: [{id: m, at: 1, actions: [{type: zzz_unknown}]}]}",
     "#/definitions/action_map/properties/type"},
    {"severity",
     "categories: {a: {points: {low: 1, medium: 1, high: 1, critical: 1}, "
     "default_severity: zzz_unknown}}",
     "#/definitions/severity"},
    {"ledger", "categories: {a: {points: 1, ledgers: [zzz_unknown]}}",
     "#/definitions/ledgers/items"},
    {"repeat",
     "milestones: {seller: [{id: m, at: 1, repeat: zzz_unknown, actions: [deactivate_store]}]}",
     "#/definitions/repeat"},
    {"source",
     "count_rules: [{id: c, at_least: 1, within: 1d, actions: [deactivate_store], "
     "match: {sources: [zzz_unknown]}}]",
     "#/definitions/match/properties/sources/items"},
    {"reset", "categories: {a: {points: 1, reset: zzz_unknown}}",
     "#/definitions/category/properties/reset"},
    {"merge by", "categories: {a: {points: 1, merge: {within: 3d, by: zzz_unknown}}}",
     "#/definitions/merge/properties/by"},
    {"window_start", "window_start: zzz_unknown", "#/properties/window_start"},
};

TEST(PolicySchema, AllowsExactlyTheParsersKeysAndValues) {
  for (const Choices& c : kChoices) {
    std::string yaml = absl::StrCat("policy: p\n", c.yaml, "\n");
    if (!absl::StartsWith(c.yaml, "categories"))
      absl::StrAppend(&yaml, "categories: {a: {points: 1}}\n");
    const std::set<std::string> parser = ParserChoices(yaml);
    EXPECT_FALSE(parser.empty()) << c.what;
    EXPECT_EQ(absl::StrJoin(SchemaChoices(c.pointer), ", "), absl::StrJoin(parser, ", "))
        << c.what << " (" << c.pointer << ")";
    EXPECT_FALSE(SchemaErrors(yaml).empty()) << c.what << ": the schema accepts\n" << yaml;
  }
}

// Every property of every object in the schema says what it is, for editors to show on hover.
void ExpectDescribed(const Value& schema, const std::string& where) {
  const auto& fields = schema.struct_value().fields();
  for (const char* map : {"properties", "patternProperties"}) {
    auto it = fields.find(map);
    if (it == fields.end()) continue;
    for (const auto& [name, sub] : it->second.struct_value().fields()) {
      const auto& f = sub.struct_value().fields();
      const Value* target = f.count("$ref") ? Schema().Resolve(f.at("$ref").string_value()) : &sub;
      EXPECT_TRUE(f.count("description") || target->struct_value().fields().count("description"))
          << where << "/" << map << "/" << name << " has no description";
    }
  }
}

TEST(PolicySchema, EveryPropertyHasADescription) {
  ExpectDescribed(Schema().root(), "#");
  for (const auto& [name, def] : Schema().Resolve("#/definitions")->struct_value().fields()) {
    ExpectDescribed(def, "#/definitions/" + name);
  }
}

}  // namespace
}  // namespace enforcer
