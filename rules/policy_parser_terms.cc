// The sections of a policy about sellers rather than violations: feature names, appeal terms,
// remedies and linked subjects.
#include <set>

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

void PolicyParser::ParseWindowStart(const YAML::Node& node) {
  static const std::vector<std::string> kStarts = {"occurrence", "first_deduction"};
  std::string start;
  if (!ReadString(node, "window_start", &start)) return;
  if (std::find(kStarts.begin(), kStarts.end(), start) == kStarts.end()) {
    Error(node,
          absl::StrCat("window_start: unknown value '", start, "'", Suggestion(start, kStarts),
                       "; expected one of: occurrence, first_deduction"));
    return;
  }
  c_.windows_from_first_deduction = start == "first_deduction";
}

void PolicyParser::CheckNoOwnWindows() {
  if (!c_.windows_from_first_deduction) return;
  const std::string why =
      " cannot be set under window_start: first_deduction (every point clears when its cycle "
      "of default_window ends)";
  for (const auto& [id, c] : c_.categories) {
    if (c.window_days) AddAt(c.position, absl::StrCat("category '", id, "': window", why));
    if (c.reset != CategoryPolicy::Reset::kNone) {
      AddAt(c.position, absl::StrCat("category '", id, "': reset", why));
    }
  }
  for (const auto& [code, r] : c_.regions) {
    bool own = r.default_window_days.has_value();
    for (const auto& [id, o] : r.categories) own |= o.window_days.has_value();
    if (own) AddAt(r.position, absl::StrCat("region '", code, "': windows", why));
  }
}

void PolicyParser::ParseAppeals(const YAML::Node& node) {
  auto f = ReadMap(node, "appeals",
                   {"within", "instructions", "per_violation", "after_rejection_within",
                    "pauses_pending"},
                   {"within", "instructions"});
  if (!f) return;
  if (f->count("within")) {
    ReadDays((*f)["within"].value, "appeals.within", &c_.appeals.within_days);
  }
  if (f->count("per_violation")) {
    ReadInt((*f)["per_violation"].value, "appeals.per_violation", 1, 10,
            &c_.appeals.per_violation);
  }
  if (f->count("after_rejection_within")) {
    int days = 0;
    if (ReadDays((*f)["after_rejection_within"].value, "appeals.after_rejection_within", &days)) {
      c_.appeals.after_rejection_within_days = days;
    }
  }
  if (f->count("pauses_pending")) {
    ReadBool((*f)["pauses_pending"].value, "appeals.pauses_pending", &c_.appeals.pauses_pending);
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

// A list of action type names; `allowed` are the indexes into kActionTypes that may appear.
std::set<v1::ActionType> PolicyParser::ReadActionTypes(const YAML::Node& node,
                                                       const std::string& what,
                                                       const std::set<v1::ActionType>& allowed,
                                                       const std::string& why_not) {
  static const v1::ActionType kTypes[] = {v1::ACTION_WARNING, v1::ACTION_RESTRICT_FEATURE,
                                          v1::ACTION_SUSPEND, v1::ACTION_DEACTIVATE_STORE,
                                          v1::ACTION_REVOKE_SELLING_PERMISSION};
  std::set<v1::ActionType> out;
  ForEachItem(node, what, [&](const YAML::Node& item, const std::string& item_what) {
    std::vector<size_t> picked;
    std::string name;
    if (!ReadString(item, item_what, &name)) return;
    auto it = std::find(kActionTypes.begin(), kActionTypes.end(), name);
    if (it == kActionTypes.end()) {
      Error(item, absl::StrCat(item_what, ": unknown action type '", name, "'",
                               Suggestion(name, kActionTypes),
                               "; expected one of: ", absl::StrJoin(kActionTypes, ", ")));
      return;
    }
    const v1::ActionType type = kTypes[it - kActionTypes.begin()];
    if (!allowed.count(type)) {
      Error(item, absl::StrCat(item_what, ": ", name, " ", why_not));
      return;
    }
    out.insert(type);
  });
  if (node.IsSequence() && node.size() == 0) Error(node, absl::StrCat(what, " must not be empty"));
  return out;
}

void PolicyParser::ParseRemedies(const YAML::Node& node) {
  auto entries = ReadNamedMap(node, "remedies");
  if (!entries) return;
  for (const Entry& e : *entries) {
    RemedyPolicy remedy;
    const std::string what = absl::StrCat("remedy '", e.key.Scalar(), "'");
    if (!ReadId(e.key, "remedy id", false, &remedy.id)) continue;
    remedy.position = Pos(e.key);
    remedy.display_name = DisplayNameFromId(remedy.id);
    auto f = ReadMap(e.value, what,
                     {"display_name", "ends", "restores_points", "cancels_pending", "once_every"});
    if (!f) continue;
    if (f->count("display_name")) {
      ReadDisplayName((*f)["display_name"].value, absl::StrCat(what, ".display_name"),
                      &remedy.display_name);
    }
    if (f->count("ends")) {
      remedy.ends = ReadActionTypes(
          (*f)["ends"].value, absl::StrCat(what, ".ends"),
          {v1::ACTION_WARNING, v1::ACTION_RESTRICT_FEATURE, v1::ACTION_SUSPEND},
          "cannot be ended by a remedy; only staff reverse a deactivation or revocation");
    }
    if (f->count("restores_points")) {
      ReadInt((*f)["restores_points"].value, absl::StrCat(what, ".restores_points"), 1, kMaxPoints,
              &remedy.restores_points);
    }
    if (f->count("cancels_pending")) {
      ReadBool((*f)["cancels_pending"].value, absl::StrCat(what, ".cancels_pending"),
               &remedy.cancels_pending);
    }
    if (f->count("once_every")) {
      int days = 0;
      if (ReadDays((*f)["once_every"].value, absl::StrCat(what, ".once_every"), &days)) {
        remedy.once_every_days = days;
      }
    }
    if (!f->count("ends") && !f->count("restores_points") && !remedy.cancels_pending) {
      Error(e.key, absl::StrCat(what,
                                " does nothing: give it ends, restores_points or "
                                "cancels_pending"));
    }
    c_.remedies[remedy.id] = std::move(remedy);
  }
}

void PolicyParser::ParseLinkedSubjects(const YAML::Node& node) {
  auto f = ReadMap(node, "linked_subjects", {"propagate"}, {"propagate"});
  if (!f || !f->count("propagate")) return;
  c_.propagate = ReadActionTypes(
      (*f)["propagate"].value, "linked_subjects.propagate",
      {v1::ACTION_SUSPEND, v1::ACTION_DEACTIVATE_STORE, v1::ACTION_REVOKE_SELLING_PERMISSION},
      "does not propagate: only suspend, deactivate_store and revoke_selling_permission act on an "
      "owner across accounts");
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
