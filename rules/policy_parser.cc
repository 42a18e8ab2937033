#include "rules/policy_parser.h"

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "rules/policy_lint.h"
#include "rules/regions.h"
#include "rules/yaml_reader.h"
#include "yaml-cpp/yaml.h"

namespace enforcer {

std::string Diagnostic::ToString() const {
  return absl::StrCat(file, ":", position.line, ":", position.column,
                      severity == Severity::kError ? ": error: " : ": warning: ", message);
}

namespace {

constexpr size_t kMaxDiagnostics = 50;
constexpr int kMaxPoints = 1000;

std::string ContentHash(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(digest), sizeof(digest))));
}

class Parser : private YamlReader {
 public:
  explicit Parser(absl::string_view filename) : YamlReader(filename) {}

  ParseResult Run(absl::string_view text) {
    ParseResult result;
    try {
      YAML::Node root = YAML::Load(std::string(text));
      // Emitting the parsed tree drops comments and normalises layout.
      c_.content_fingerprint = ContentHash(YAML::Dump(root));
      ParseRoot(root);
      Validate();
      // Lint looks at a policy that is valid as written.
      if (diags_.empty()) {
        for (LintFinding& f : LintPolicy(c_)) {
          diags_.push_back(Diagnostic{std::string(filename_), f.position, std::move(f.message),
                                      Diagnostic::Severity::kWarning});
        }
      }
    } catch (const YAML::Exception& e) {
      SourcePosition p{e.mark.line + 1, e.mark.column + 1};
      if (e.mark.is_null()) p = {1, 1};
      AddAt(p, absl::StrCat("invalid YAML: ", e.msg));
    }
    std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::make_pair(a.position.line, a.position.column) <
             std::make_pair(b.position.line, b.position.column);
    });
    if (diags_.size() > kMaxDiagnostics) diags_.resize(kMaxDiagnostics);
    result.diagnostics = std::move(diags_);
    const bool errors =
        std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::kError; });
    if (!errors) {
      result.policy =
          std::make_shared<const Policy>(std::move(c_), ContentHash(text), std::string(text));
    }
    return result;
  }

 private:
  void NoteRuleId(const std::string& id, const YAML::Node& node) {
    auto [it, inserted] = rule_ids_.emplace(id, Pos(node));
    if (!inserted) {
      Error(node, absl::StrCat("rule id '", id, "' is already used at line ", it->second.line,
                               "; every rule needs its own id"));
    }
  }

  void ParseRoot(const YAML::Node& root) {
    if (root.IsNull()) {
      AddAt({1, 1}, "the policy is empty; it needs at least 'policy' and 'categories'");
      return;
    }
    auto fields = ReadMap(root, "the policy",
                          {"policy", "description", "default_window", "categories", "milestones",
                           "count_rules", "regions"},
                          {"policy", "categories"});
    if (!fields) return;
    Fields& f = *fields;
    if (f.count("policy")) ReadId(f["policy"].value, "policy", true, &c_.name);
    if (f.count("description")) ReadString(f["description"].value, "description", &c_.description);
    if (f.count("default_window")) {
      ReadDays(f["default_window"].value, "default_window", &c_.default_window_days);
    }
    if (f.count("categories")) ParseCategories(f["categories"].value);
    if (f.count("milestones")) ParseMilestones(f["milestones"].value);
    if (f.count("count_rules")) {
      ForEachItem(f["count_rules"].value, "count_rules",
                  [&](const YAML::Node& n, const std::string& what) { ParseCountRule(n, what); });
    }
    if (f.count("regions")) ParseRegions(f["regions"].value);
  }

  void ParseCategories(const YAML::Node& node) {
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
        if (ReadDays(f["window"].value, absl::StrCat(what, ".window"), &days))
          cat.window_days = days;
      }
      if (f.count("reset")) {
        static const std::vector<std::string> kResets = {"monthly", "quarterly"};
        const YAML::Node& n = f["reset"].value;
        std::string name;
        if (ReadString(n, absl::StrCat(what, ".reset"), &name)) {
          auto it = std::find(kResets.begin(), kResets.end(), name);
          if (it == kResets.end()) {
            Error(n,
                  absl::StrCat(what, ".reset: unknown value '", name, "'",
                               Suggestion(name, kResets), "; expected one of: monthly, quarterly"));
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

  void ParsePoints(const YAML::Node& node, const std::string& what, CategoryPolicy* cat) {
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

  void ParseZeroTolerance(const YAML::Node& node, const std::string& what, CategoryPolicy* cat) {
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

  void ParseMilestones(const YAML::Node& node) {
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

  void ParseCountRule(const YAML::Node& node, const std::string& what) {
    CountRule rule;
    rule.position = Pos(node);
    auto fields =
        ReadMap(node, what,
                {"id", "ledgers", "match", "at_least", "within", "repeat", "message", "actions"},
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
    if (f.count("repeat"))
      ReadRepeat(f["repeat"].value, absl::StrCat(what, ".repeat"), &rule.repeat);
    if (f.count("message"))
      ReadString(f["message"].value, absl::StrCat(what, ".message"), &rule.message);
    if (f.count("actions"))
      ReadActions(f["actions"].value, absl::StrCat(what, ".actions"), &rule.actions);
    c_.count_rules.push_back(std::move(rule));
  }

  void ParseRegions(const YAML::Node& node) {
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
          if (cf->count("window") &&
              ReadDays((*cf)["window"].value, absl::StrCat(cw, ".window"), &n))
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
          if (ReadInt(te.value, absl::StrCat(what, ".thresholds.", te.key.Scalar()), 1, 100000,
                      &n)) {
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

  // Checks that need the whole policy: references between sections.
  void Validate() {
    std::vector<std::string> category_ids;
    for (const auto& [id, cat] : c_.categories) category_ids.push_back(id);
    // A decision names take-downs by their category id and every other firing by its rule id:
    // the two must never be confused.
    for (const auto& [id, position] : rule_ids_) {
      auto cat = c_.categories.find(id);
      if (cat == c_.categories.end()) continue;
      AddAt(position,
            absl::StrCat("rule id '", id, "' is also the id of the category at line ",
                         cat->second.position.line,
                         "; decisions name take-downs by category id, so rule ids must differ"));
    }
    for (const Ref& ref : category_refs_) {
      if (!c_.categories.count(ref.id)) {
        Error(ref.node, absl::StrCat(ref.what, ": unknown category '", ref.id, "'",
                                     Suggestion(ref.id, category_ids)));
      }
    }
    std::vector<std::string> count_ids, threshold_ids;
    for (const CountRule& r : c_.count_rules) count_ids.push_back(r.id);
    threshold_ids = count_ids;
    for (const MilestoneRule& r : c_.milestones) threshold_ids.push_back(r.id);
    for (const Ref& ref : threshold_refs_) {
      if (std::find(threshold_ids.begin(), threshold_ids.end(), ref.id) == threshold_ids.end()) {
        Error(ref.node, absl::StrCat(ref.what, ".thresholds: '", ref.id,
                                     "' is not a milestone or count rule id",
                                     Suggestion(ref.id, threshold_ids)));
      }
    }
    for (const Ref& ref : window_refs_) {
      if (std::find(count_ids.begin(), count_ids.end(), ref.id) == count_ids.end()) {
        Error(ref.node, absl::StrCat(ref.what, ".windows: '", ref.id, "' is not a count rule id",
                                     Suggestion(ref.id, count_ids)));
      }
    }
    for (const CountRule& r : c_.count_rules) {
      for (const std::string& id : r.categories) {
        const CategoryPolicy* cat = c_.categories.count(id) ? &c_.categories.at(id) : nullptr;
        if (cat != nullptr && !((r.for_seller && cat->counts_for_seller) ||
                                (r.for_creator && cat->counts_for_creator))) {
          AddAt(r.position, absl::StrCat("count rule '", r.id, "' matches category '", id,
                                         "', which never counts against the rule's ledgers"));
        }
      }
    }
  }

  struct Ref {
    std::string id;
    YAML::Node node;
    std::string what;
  };

  Policy::Contents c_;
  std::map<std::string, SourcePosition> rule_ids_;
  std::vector<Ref> category_refs_;
  std::vector<Ref> threshold_refs_;
  std::vector<Ref> window_refs_;
};

}  // namespace

ParseResult ParsePolicy(absl::string_view text, absl::string_view filename) {
  return Parser(filename).Run(text);
}

absl::StatusOr<std::shared_ptr<const Policy>> CompilePolicy(absl::string_view text,
                                                            absl::string_view filename) {
  ParseResult result = ParsePolicy(text, filename);
  if (result.policy != nullptr) return result.policy;
  std::vector<std::string> lines;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) lines.push_back(d.ToString());
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

}  // namespace enforcer
