// The milestones, count_rules and regions sections of a policy.
#include "rules/policy_parser_impl.h"
#include "rules/regions.h"

namespace enforcer {
namespace parser_internal {

void PolicyParser::ParseMilestones(const YAML::Node& node) {
  auto fields = ReadMap(node, "milestones", kLedgers);
  if (!fields) return;
  for (size_t l = 0; l < kLedgers.size(); ++l) {
    if (!fields->count(kLedgers[l])) continue;
    const LedgerKind ledger = l == 0 ? LedgerKind::kSeller : LedgerKind::kCreator;
    std::map<int, int> seen_at;  // at -> line
    ForEachItem(
        (*fields)[kLedgers[l]].value, absl::StrCat("milestones.", kLedgers[l]),
        [&](const YAML::Node& n, const std::string& what) {
          MilestoneRule rule;
          rule.ledger = ledger;
          rule.position = Pos(n);
          auto f = ReadMap(n, what, {"id", "at", "repeat", "message", "actions"},
                           {"id", "at", "actions"});
          if (!f) return;
          if (f->count("id") &&
              ReadId((*f)["id"].value, absl::StrCat(what, ".id"), true, &rule.id)) {
            NoteRuleId(rule.id, (*f)["id"].value);
          }
          if (f->count("at") &&
              ReadInt((*f)["at"].value, absl::StrCat(what, ".at"), 1, 100000, &rule.at_points)) {
            auto [it, inserted] = seen_at.emplace(rule.at_points, Pos((*f)["at"].value).line);
            if (!inserted) {
              Error((*f)["at"].value,
                    absl::StrCat(what, ": another ", kLedgers[l], " milestone is already at ",
                                 rule.at_points, " points (line ", it->second,
                                 "); put both rules' actions in one milestone"));
            }
          }
          if (f->count("repeat"))
            ReadRepeat((*f)["repeat"].value, absl::StrCat(what, ".repeat"), &rule.repeat);
          if (f->count("message"))
            ReadString((*f)["message"].value, absl::StrCat(what, ".message"), &rule.message);
          if (f->count("actions"))
            ReadActions((*f)["actions"].value, absl::StrCat(what, ".actions"), &rule.actions);
          c_.milestones.push_back(std::move(rule));
        });
  }
  std::stable_sort(c_.milestones.begin(), c_.milestones.end(),
                   [](const MilestoneRule& a, const MilestoneRule& b) {
                     return std::make_pair(a.ledger, a.at_points) <
                            std::make_pair(b.ledger, b.at_points);
                   });
}

void PolicyParser::ParseCountRule(const YAML::Node& node, const std::string& what) {
  CountRule rule;
  rule.position = Pos(node);
  auto fields = ReadMap(
      node, what, {"id", "ledgers", "match", "at_least", "within", "repeat", "message", "actions"},
      {"id", "at_least", "within", "actions"});
  if (!fields) return;
  Fields& f = *fields;
  if (f.count("id") && ReadId(f["id"].value, absl::StrCat(what, ".id"), true, &rule.id)) {
    NoteRuleId(rule.id, f["id"].value);
  }
  if (f.count("ledgers")) {
    ReadLedgers(f["ledgers"].value, absl::StrCat(what, ".ledgers"), &rule.for_seller,
                &rule.for_creator);
  }
  if (f.count("match")) {
    const std::string mw = absl::StrCat(what, ".match");
    auto m =
        ReadMap(f["match"].value, mw,
                {"categories", "sources", "same_rights_holder", "same_right", "same_category"});
    if (m) {
      if (m->count("categories")) {
        ForEachItem((*m)["categories"].value, absl::StrCat(mw, ".categories"),
                    [&](const YAML::Node& n, const std::string& w) {
                      std::string id;
                      if (ReadString(n, w, &id)) {
                        rule.categories.insert(id);
                        category_refs_.push_back({id, n, w});
                      }
                    });
      }
      if (m->count("sources")) {
        std::vector<size_t> picked;
        ReadEnumList((*m)["sources"].value, absl::StrCat(mw, ".sources"), kSources, &picked);
        for (size_t i : picked) rule.sources.insert(static_cast<v1::Source>(i + 1));
      }
      if (m->count("same_rights_holder")) {
        ReadBool((*m)["same_rights_holder"].value, absl::StrCat(mw, ".same_rights_holder"),
                 &rule.same_rights_holder);
      }
      if (m->count("same_right")) {
        ReadBool((*m)["same_right"].value, absl::StrCat(mw, ".same_right"), &rule.same_right);
      }
      if (m->count("same_category")) {
        ReadBool((*m)["same_category"].value, absl::StrCat(mw, ".same_category"),
                 &rule.same_category);
      }
    }
  }
  if (f.count("at_least"))
    ReadInt(f["at_least"].value, absl::StrCat(what, ".at_least"), 1, 100000, &rule.at_least);
  if (f.count("within"))
    ReadDays(f["within"].value, absl::StrCat(what, ".within"), &rule.within_days);
  if (f.count("repeat")) ReadRepeat(f["repeat"].value, absl::StrCat(what, ".repeat"), &rule.repeat);
  if (f.count("message"))
    ReadString(f["message"].value, absl::StrCat(what, ".message"), &rule.message);
  if (f.count("actions"))
    ReadActions(f["actions"].value, absl::StrCat(what, ".actions"), &rule.actions);
  c_.count_rules.push_back(std::move(rule));
}

void PolicyParser::ParseRegions(const YAML::Node& node) {
  auto entries = ReadNamedMap(node, "regions");
  if (!entries) return;
  for (const Entry& e : *entries) {
    const std::string code = e.key.Scalar();
    const std::string what = absl::StrCat("region '", code, "'");
    if (!IsIsoRegionCode(code)) {
      Error(e.key, absl::StrCat("region '", code,
                                "' is not an ISO 3166-1 alpha-2 code (e.g. US, PH, TW)"));
      continue;
    }
    RegionOverride region;
    region.position = Pos(e.key);
    auto f = ReadMap(e.value, what, {"default_window", "categories", "thresholds", "windows"});
    if (!f) continue;
    if (f->count("default_window")) {
      int days = 0;
      if (ReadDays((*f)["default_window"].value, absl::StrCat(what, ".default_window"), &days)) {
        region.default_window_days = days;
      }
    }
    if (f->count("categories")) {
      auto cats = ReadNamedMap((*f)["categories"].value, absl::StrCat(what, ".categories"));
      for (const Entry& ce : cats ? *cats : std::vector<Entry>{}) {
        const std::string cw = absl::StrCat(what, ".categories.", ce.key.Scalar());
        category_refs_.push_back({ce.key.Scalar(), ce.key, cw});
        CategoryOverride o;
        auto cf = ReadMap(ce.value, cw, {"window", "points"});
        if (!cf) continue;
        int n = 0;
        if (cf->count("window") && ReadDays((*cf)["window"].value, absl::StrCat(cw, ".window"), &n))
          o.window_days = n;
        if (cf->count("points") &&
            ReadInt((*cf)["points"].value, absl::StrCat(cw, ".points"), 0, kMaxPoints, &n)) {
          o.fixed_points = n;
        }
        region.categories[ce.key.Scalar()] = o;
      }
    }
    if (f->count("thresholds")) {
      auto items = ReadNamedMap((*f)["thresholds"].value, absl::StrCat(what, ".thresholds"));
      for (const Entry& te : items ? *items : std::vector<Entry>{}) {
        int n = 0;
        if (ReadInt(te.value, absl::StrCat(what, ".thresholds.", te.key.Scalar()), 1, 100000, &n)) {
          region.thresholds[te.key.Scalar()] = n;
          threshold_refs_.push_back({te.key.Scalar(), te.key, what});
        }
      }
    }
    if (f->count("windows")) {
      auto items = ReadNamedMap((*f)["windows"].value, absl::StrCat(what, ".windows"));
      for (const Entry& we : items ? *items : std::vector<Entry>{}) {
        int n = 0;
        if (ReadDays(we.value, absl::StrCat(what, ".windows.", we.key.Scalar()), &n)) {
          region.windows_days[we.key.Scalar()] = n;
          window_refs_.push_back({we.key.Scalar(), we.key, what});
        }
      }
    }
    c_.regions[code] = std::move(region);
  }
}

}  // namespace parser_internal
}  // namespace enforcer
