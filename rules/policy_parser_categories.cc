// The categories section of a policy.
#include "rules/policy_parser_impl.h"

namespace enforcer {
namespace parser_internal {

void PolicyParser::ParseCategories(const YAML::Node& node) {
  auto entries = ReadNamedMap(node, "categories");
  if (!entries) return;
  if (entries->empty()) Error(node, "categories must define at least one category");
  for (const Entry& e : *entries) {
    CategoryPolicy cat;
    const std::string what = absl::StrCat("category '", e.key.Scalar(), "'");
    if (!ReadId(e.key, "category id", false, &cat.id)) continue;
    cat.position = Pos(e.key);
    auto fields = ReadMap(e.value, what,
                          {"description", "points", "default_severity", "window", "reset",
                           "daily_cap", "ledgers", "take_down", "zero_tolerance"});
    if (!fields) continue;
    Fields& f = *fields;
    if (f.count("description"))
      ReadString(f["description"].value, absl::StrCat(what, ".description"), &cat.description);
    if (f.count("points")) ParsePoints(f["points"].value, what, &cat);
    if (f.count("default_severity")) {
      std::string s;
      const YAML::Node& n = f["default_severity"].value;
      if (ReadString(n, absl::StrCat(what, ".default_severity"), &s)) {
        auto it = std::find(kSeverities.begin(), kSeverities.end(), s);
        if (it == kSeverities.end()) {
          Error(n, absl::StrCat(what, ".default_severity: unknown severity '", s,
                                "'; expected one of: ", absl::StrJoin(kSeverities, ", ")));
        } else {
          cat.default_severity = static_cast<v1::Severity>(1 + (it - kSeverities.begin()));
        }
      }
      if (!cat.points_by_severity) {
        Error(f["default_severity"].key,
              absl::StrCat(what,
                           ": default_severity only applies when points are given per severity"));
      }
    }
    if (f.count("window")) {
      int days = 0;
      if (ReadDays(f["window"].value, absl::StrCat(what, ".window"), &days)) cat.window_days = days;
    }
    if (f.count("reset")) {
      static const std::vector<std::string> kResets = {"monthly", "quarterly"};
      const YAML::Node& n = f["reset"].value;
      std::string name;
      if (ReadString(n, absl::StrCat(what, ".reset"), &name)) {
        auto it = std::find(kResets.begin(), kResets.end(), name);
        if (it == kResets.end()) {
          Error(n,
                absl::StrCat(what, ".reset: unknown value '", name, "'", Suggestion(name, kResets),
                             "; expected one of: monthly, quarterly"));
        } else {
          cat.reset = it == kResets.begin() ? CategoryPolicy::Reset::kMonthly
                                            : CategoryPolicy::Reset::kQuarterly;
        }
      }
    }
    if (f.count("daily_cap")) {
      int cap = 0;
      if (ReadInt(f["daily_cap"].value, absl::StrCat(what, ".daily_cap"), 1, kMaxPoints, &cap)) {
        cat.daily_cap = cap;
      }
    }
    if (f.count("ledgers")) {
      ReadLedgers(f["ledgers"].value, absl::StrCat(what, ".ledgers"), &cat.counts_for_seller,
                  &cat.counts_for_creator);
    }
    if (f.count("take_down"))
      ReadBool(f["take_down"].value, absl::StrCat(what, ".take_down"), &cat.take_down);
    if (f.count("zero_tolerance")) ParseZeroTolerance(f["zero_tolerance"].value, what, &cat);
    if (!f.count("points") && !f.count("zero_tolerance")) {
      Error(e.key, absl::StrCat(what, " needs points, zero_tolerance, or both"));
    }
    c_.categories[cat.id] = std::move(cat);
  }
}

void PolicyParser::ParsePoints(const YAML::Node& node, const std::string& what,
                               CategoryPolicy* cat) {
  if (node.IsScalar()) {
    ReadInt(node, absl::StrCat(what, ".points"), 0, kMaxPoints, &cat->fixed_points);
    return;
  }
  auto fields = ReadMap(node, absl::StrCat(what, ".points"), kSeverities, kSeverities);
  if (!fields) return;
  cat->points_by_severity = true;
  for (size_t i = 0; i < kSeverities.size(); ++i) {
    if (!fields->count(kSeverities[i])) continue;
    ReadInt((*fields)[kSeverities[i]].value, absl::StrCat(what, ".points.", kSeverities[i]), 0,
            kMaxPoints, &cat->severity_points[i + 1]);
  }
}

void PolicyParser::ParseZeroTolerance(const YAML::Node& node, const std::string& what,
                                      CategoryPolicy* cat) {
  const std::string zt = absl::StrCat(what, ".zero_tolerance");
  auto fields = ReadMap(node, zt, {"id", "message", "actions"}, {"id", "actions"});
  if (!fields) return;
  Fields& f = *fields;
  if (f.count("id") &&
      ReadId(f["id"].value, absl::StrCat(zt, ".id"), true, &cat->zero_tolerance_rule_id)) {
    NoteRuleId(cat->zero_tolerance_rule_id, f["id"].value);
  }
  if (f.count("message"))
    ReadString(f["message"].value, absl::StrCat(zt, ".message"), &cat->zero_tolerance_message);
  if (f.count("actions"))
    ReadActions(f["actions"].value, absl::StrCat(zt, ".actions"), &cat->zero_tolerance_actions);
}

}  // namespace parser_internal
}  // namespace enforcer
