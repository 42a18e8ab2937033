#include "rules/policy_diff.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/policy_summary.h"

namespace enforcer {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Compares two maps id -> fields: added, removed, and each field that differs.
void DiffSection(const std::string& kind, const std::map<std::string, Fields>& before,
                 const std::map<std::string, Fields>& after, std::vector<PolicyChange>* out) {
  auto describe = [](const Fields& fields) {
    std::vector<std::string> parts;
    for (const auto& [name, value] : fields) {
      if (!value.empty()) parts.push_back(absl::StrCat(name, " ", value));
    }
    return absl::StrJoin(parts, "; ");
  };
  for (const auto& [id, fields] : before) {
    auto it = after.find(id);
    if (it == after.end()) {
      out->push_back({kind, id, "removed", describe(fields), ""});
      continue;
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].second != it->second[i].second) {
        out->push_back({kind, id, fields[i].first, fields[i].second, it->second[i].second});
      }
    }
  }
  for (const auto& [id, fields] : after) {
    if (!before.count(id)) out->push_back({kind, id, "added", "", describe(fields)});
  }
}

std::map<std::string, Fields> Categories(const v1::PolicySummary& s) {
  std::map<std::string, Fields> out;
  for (const auto& c : s.categories()) {
    out[c.id()] = {{"display name", c.display_name()},
                   {"points", c.points()},
                   {"window", c.window()},
                   {"ledgers", absl::StrJoin(c.ledgers(), ", ")},
                   {"take down", c.take_down() ? "yes" : "no"},
                   {"zero tolerance", c.zero_tolerance_rule_id()}};
  }
  return out;
}

std::map<std::string, Fields> Rules(
    const google::protobuf::RepeatedPtrField<v1::PolicySummary::Rule>& rules) {
  std::map<std::string, Fields> out;
  for (const auto& r : rules) {
    out[r.id()] = {{"ledgers", r.ledgers()},
                   {"condition", r.condition()},
                   {"actions", r.actions()},
                   {"repeat", r.repeat()}};
  }
  return out;
}

std::map<std::string, Fields> Regions(const Policy& p) {
  std::map<std::string, Fields> out;
  for (const auto& [code, r] : p.regions()) {
    std::vector<std::string> categories, thresholds, windows;
    for (const auto& [id, o] : r.categories) {
      categories.push_back(
          absl::StrCat(id, o.fixed_points ? absl::StrCat(" ", *o.fixed_points, " points") : "",
                       o.window_days ? absl::StrCat(" ", *o.window_days, "d") : ""));
    }
    for (const auto& [id, n] : r.thresholds) thresholds.push_back(absl::StrCat(id, " ", n));
    for (const auto& [id, n] : r.windows_days) windows.push_back(absl::StrCat(id, " ", n, "d"));
    out[code] = {
        {"default window", r.default_window_days ? absl::StrCat(*r.default_window_days, "d") : ""},
        {"categories", absl::StrJoin(categories, ", ")},
        {"thresholds", absl::StrJoin(thresholds, ", ")},
        {"windows", absl::StrJoin(windows, ", ")}};
  }
  return out;
}

std::map<std::string, Fields> Remedies(const Policy& p) {
  std::map<std::string, Fields> out;
  for (const auto& [id, r] : p.remedies()) {
    std::vector<std::string> ends;
    for (v1::ActionType t : r.ends) {
      ActionSpec spec;
      spec.type = t;
      ends.push_back(DescribeAction(spec));
    }
    out[id] = {{"ends", absl::StrJoin(ends, ", ")},
               {"restores points", r.restores_points ? absl::StrCat(r.restores_points) : ""},
               {"cancels pending", r.cancels_pending ? "yes" : ""},
               {"once every", r.once_every_days ? absl::StrCat(*r.once_every_days, "d") : ""}};
  }
  return out;
}

std::map<std::string, Fields> Whole(const Policy& p, const v1::PolicySummary& s) {
  return {{p.name().empty() ? "policy" : "policy",
           {{"name", p.name()},
            {"default window", absl::StrCat(p.default_window_days(), "d")},
            {"windows start", p.windows_from_first_deduction() ? "first deduction" : "occurrence"},
            {"appeals", absl::StrCat(p.appeals().within_days, "d: ", p.appeals().instructions)},
            {"propagated to linked subjects", absl::StrJoin(s.propagated_actions(), ", ")}}}};
}

}  // namespace

std::string PolicyChange::ToString() const {
  if (what == "added") return absl::StrCat(kind, " ", id, ": added (", after, ")");
  if (what == "removed") return absl::StrCat(kind, " ", id, ": removed (was ", before, ")");
  return absl::StrCat(kind, " ", id, ": ", what, " ", before.empty() ? "(none)" : before, " -> ",
                      after.empty() ? "(none)" : after);
}

std::vector<PolicyChange> DiffPolicies(const Policy& before, const Policy& after) {
  const v1::PolicySummary b = SummarizePolicy(before);
  const v1::PolicySummary a = SummarizePolicy(after);
  std::vector<PolicyChange> out;
  DiffSection("policy", Whole(before, b), Whole(after, a), &out);
  DiffSection("category", Categories(b), Categories(a), &out);
  DiffSection("milestone", Rules(b.milestones()), Rules(a.milestones()), &out);
  DiffSection("count rule", Rules(b.count_rules()), Rules(a.count_rules()), &out);
  DiffSection("region", Regions(before), Regions(after), &out);
  DiffSection("remedy", Remedies(before), Remedies(after), &out);
  return out;
}

}  // namespace enforcer
