// PolicyParser: reads a policy document section by section into Policy::Contents. A private
// header of //rules:policy_parser; each section's reader lives in its own file
// (policy_parser_categories.cc, policy_parser_rules.cc,
// policy_parser_terms.cc) and the
// whole-policy checks in policy_parser.cc.
#ifndef ENFORCERD_RULES_POLICY_PARSER_IMPL_H_
#define ENFORCERD_RULES_POLICY_PARSER_IMPL_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "rules/policy.h"
#include "rules/policy_parser.h"
#include "rules/yaml_reader.h"
#include "yaml-cpp/yaml.h"

namespace enforcer {
namespace parser_internal {

inline constexpr int kMaxPoints = 1000;

class PolicyParser : private YamlReader {
 public:
  explicit PolicyParser(absl::string_view filename) : YamlReader(filename) {}

  // Never throws: yaml-cpp's exceptions become diagnostics.
  ParseResult Run(absl::string_view text);

 private:
  struct Ref {
    std::string id;
    YAML::Node node;
    std::string what;
  };

  void NoteRuleId(const std::string& id, const YAML::Node& node);
  void ParseRoot(const YAML::Node& root);

  // policy_parser_categories.cc
  void ParseCategories(const YAML::Node& node);
  void ParsePoints(const YAML::Node& node, const std::string& what, CategoryPolicy* cat);
  void ParseZeroTolerance(const YAML::Node& node, const std::string& what, CategoryPolicy* cat);
  void ParseAttributePoints(const YAML::Node& node, const std::string& what, CategoryPolicy* cat);
  void ParseBands(const YAML::Node& node, const std::string& what, CategoryPolicy* cat);
  void CheckPointsRange(const YAML::Node& node, const std::string& what, const CategoryPolicy& cat);
  void ParseMerge(const YAML::Node& node, const std::string& what, CategoryPolicy* cat);

  // policy_parser_rules.cc
  void ParseMilestones(const YAML::Node& node);
  void ParseCountRule(const YAML::Node& node, const std::string& what);
  void ParseRegions(const YAML::Node& node);

  // policy_parser_terms.cc
  void ParseFeatures(const YAML::Node& node);
  void ParseWindowStart(const YAML::Node& node);
  // Under window_start: first_deduction, nothing may set a window of its own.
  void CheckNoOwnWindows();
  void ParseAppeals(const YAML::Node& node);
  void ParseRemedies(const YAML::Node& node);
  void ParseLinkedSubjects(const YAML::Node& node);
  std::set<v1::ActionType> ReadActionTypes(const YAML::Node& node, const std::string& what,
                                           const std::set<v1::ActionType>& allowed,
                                           const std::string& why_not);
  // policy_parser_complainants.cc
  void ParseComplainants(const YAML::Node& node);
  void ParseComplainantSuspension(const YAML::Node& node);
  bool ReadRatio(const YAML::Node& node, const std::string& what, double* out);

  // Gives every restrict_feature action its feature's display name.
  void ResolveFeatureNames();
  void ResolveFeatureNames(std::vector<ActionSpec>* actions);

  // Checks that need the whole policy: references between sections.
  void Validate();

  Policy::Contents c_;
  std::map<std::string, SourcePosition> rule_ids_;
  std::vector<Ref> category_refs_;
  std::vector<Ref> threshold_refs_;
  std::vector<Ref> window_refs_;
  bool features_declared_ = false;
};

}  // namespace parser_internal
}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_PARSER_IMPL_H_
