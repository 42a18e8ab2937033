// The sections of a policy that speak to sellers: feature names and appeal terms.
#include "rules/policy_parser_impl.h"

namespace enforcer {
namespace parser_internal {

void PolicyParser::ParseFeatures(const YAML::Node& node) {
  auto entries = ReadNamedMap(node, "features");
  if (!entries) return;
  for (const Entry& e : *entries) {
    std::string id;
    if (!ReadId(e.key, "feature id", false, &id)) continue;
    std::string name;
    if (ReadDisplayName(e.value, absl::StrCat("features.", id), &name)) c_.features[id] = name;
  }
  features_declared_ = true;
}

void PolicyParser::ParseAppeals(const YAML::Node& node) {
  auto f = ReadMap(node, "appeals", {"within", "instructions"}, {"within", "instructions"});
  if (!f) return;
  if (f->count("within")) {
    ReadDays((*f)["within"].value, "appeals.within", &c_.appeals.within_days);
  }
  if (f->count("instructions")) {
    const YAML::Node& n = (*f)["instructions"].value;
    std::string text;
    if (ReadString(n, "appeals.instructions", &text)) {
      if (text.empty() || text.size() > 500) {
        Error(n, "appeals.instructions must be 1 to 500 characters");
      } else {
        c_.appeals.instructions = text;
      }
    }
  }
}

void PolicyParser::ResolveFeatureNames(std::vector<ActionSpec>* actions) {
  std::vector<std::string> known;
  for (const auto& [id, name] : c_.features) known.push_back(id);
  for (ActionSpec& a : *actions) {
    if (a.type != v1::ACTION_RESTRICT_FEATURE) continue;
    auto it = c_.features.find(a.feature);
    if (it != c_.features.end()) {
      a.feature_name = it->second;
      continue;
    }
    a.feature_name = DisplayNameFromId(a.feature);
    if (features_declared_) {
      AddAt(a.position,
            absl::StrCat("restrict_feature: feature '", a.feature, "' is not in 'features'",
                         Suggestion(a.feature, known), "; add it there with the name sellers see"));
    }
  }
}

void PolicyParser::ResolveFeatureNames() {
  for (auto& [id, category] : c_.categories) ResolveFeatureNames(&category.zero_tolerance_actions);
  for (MilestoneRule& rule : c_.milestones) ResolveFeatureNames(&rule.actions);
  for (CountRule& rule : c_.count_rules) ResolveFeatureNames(&rule.actions);
}

}  // namespace parser_internal
}  // namespace enforcer
