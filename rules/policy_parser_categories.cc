// The categories section of a policy.
#include <cmath>
#include <optional>

#include "rules/policy_parser_impl.h"

namespace enforcer {
namespace parser_internal {

void PolicyParser::ParseCategories(const YAML::Node& node) {
  if (node.IsMap() && node.size() > kMaxCategories) {
    Error(node, absl::StrCat("categories: ", node.size(),
                             " categories; a policy may define at most ", kMaxCategories));
    return;
  }
  auto entries = ReadNamedMap(node, "categories");
  if (!entries) return;
  if (entries->empty()) Error(node, "categories must define at least one category");
  for (const Entry& e : *entries) {
    CategoryPolicy cat;
    const std::string what = absl::StrCat("category '", e.key.Scalar(), "'");
    if (!ReadId(e.key, "category id", false, &cat.id)) continue;
    cat.position = Pos(e.key);
    auto fields =
        ReadMap(e.value, what,
                {"display_name", "description", "points", "default_severity", "window", "reset",
                 "daily_cap", "merge", "ledgers", "take_down", "zero_tolerance"});
    if (!fields) continue;
    Fields& f = *fields;
    cat.display_name = DisplayNameFromId(cat.id);
    if (f.count("display_name")) {
      ReadDisplayName(f["display_name"].value, absl::StrCat(what, ".display_name"),
                      &cat.display_name);
    }
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
    if (f.count("merge")) ParseMerge(f["merge"].value, absl::StrCat(what, ".merge"), &cat);
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
  if (node.IsMap() && node["by"]) {
    ParseAttributePoints(node, absl::StrCat(what, ".points"), cat);
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

void PolicyParser::ParseAttributePoints(const YAML::Node& node, const std::string& what,
                                        CategoryPolicy* cat) {
  auto f = ReadMap(node, what, {"by", "bands", "values", "default", "range"}, {"by", "default"});
  if (!f) return;
  if (f->count("by")) {
    ReadId((*f)["by"].value, absl::StrCat(what, ".by"), false, &cat->points_attribute);
  }
  if (f->count("default")) {
    ReadInt((*f)["default"].value, absl::StrCat(what, ".default"), 0, kMaxPoints,
            &cat->points_default);
  }
  if (f->count("bands") == f->count("values")) {
    Error(node, absl::StrCat(what,
                             " needs either 'bands' (a number attribute) or 'values' (a "
                             "text attribute)"));
  }
  if (f->count("bands")) ParseBands((*f)["bands"].value, absl::StrCat(what, ".bands"), cat);
  if (f->count("values")) {
    auto entries = ReadNamedMap((*f)["values"].value, absl::StrCat(what, ".values"));
    for (const Entry& e : entries ? *entries : std::vector<Entry>{}) {
      int points = 0;
      if (ReadInt(e.value, absl::StrCat(what, ".values.", e.key.Scalar()), 0, kMaxPoints,
                  &points)) {
        cat->points_values[e.key.Scalar()] = points;
      }
    }
  }
  if (f->count("range")) CheckPointsRange((*f)["range"].value, absl::StrCat(what, ".range"), *cat);
}

void PolicyParser::ParseBands(const YAML::Node& node, const std::string& what,
                              CategoryPolicy* cat) {
  std::optional<double> previous;
  bool open_ended = false;
  ForEachItem(node, what, [&](const YAML::Node& n, const std::string& item) {
    auto b = ReadMap(n, item, {"below", "points"}, {"points"});
    if (!b) return;
    CategoryPolicy::PointsBand band;
    if (b->count("points")) {
      ReadInt((*b)["points"].value, absl::StrCat(item, ".points"), 0, kMaxPoints, &band.points);
    }
    if (open_ended) {
      Error(n, absl::StrCat(item,
                            ": a band after the open-ended one (without 'below') can never "
                            "be reached"));
    }
    open_ended = open_ended || !b->count("below");
    if (b->count("below")) {
      const YAML::Node& v = (*b)["below"].value;
      double below = 0;
      if (!v.IsScalar() || !absl::SimpleAtod(v.Scalar(), &below) || !std::isfinite(below)) {
        Error(v, absl::StrCat(item, ".below must be a number, found '",
                              v.IsScalar() ? v.Scalar() : KindName(v), "'"));
      } else if (previous && below <= *previous) {
        Error(v, absl::StrCat(item, ".below must be greater than the band before it (", *previous,
                              "); list bands from the lowest up"));
      } else {
        band.below = below;
        previous = below;
      }
    }
    cat->points_bands.push_back(band);
  });
}

void PolicyParser::CheckPointsRange(const YAML::Node& node, const std::string& what,
                                    const CategoryPolicy& cat) {
  int low = 0, high = 0;
  if (!node.IsSequence() || node.size() != 2 ||
      !ReadInt(node[0], absl::StrCat(what, "[0]"), 0, kMaxPoints, &low) ||
      !ReadInt(node[1], absl::StrCat(what, "[1]"), 0, kMaxPoints, &high)) {
    if (!node.IsSequence() || node.size() != 2) {
      Error(node, absl::StrCat(what, " must be [lowest, highest], e.g. [1, 48]"));
    }
    return;
  }
  auto check = [&](int points, const std::string& where) {
    if (points < low || points > high) {
      Error(node, absl::StrCat(what, ": ", where, " gives ", points, " points, outside [", low,
                               ", ", high, "]"));
    }
  };
  check(cat.points_default, "default");
  for (size_t i = 0; i < cat.points_bands.size(); ++i) {
    check(cat.points_bands[i].points, absl::StrCat("bands[", i, "]"));
  }
  for (const auto& [value, points] : cat.points_values)
    check(points, absl::StrCat("'", value, "'"));
}

void PolicyParser::ParseMerge(const YAML::Node& node, const std::string& what,
                              CategoryPolicy* cat) {
  auto f = ReadMap(node, what, {"within", "by"}, {"within"});
  if (!f) return;
  if (f->count("within"))
    ReadDays((*f)["within"].value, absl::StrCat(what, ".within"), &cat->merge_days);
  if (f->count("by")) {
    static const std::vector<std::string> kBy = {"category", "notice"};
    std::vector<size_t> picked;
    const YAML::Node& n = (*f)["by"].value;
    std::string by;
    if (ReadString(n, absl::StrCat(what, ".by"), &by)) {
      if (by != "category" && by != "notice") {
        Error(n, absl::StrCat(what, ".by: unknown value '", by, "'", Suggestion(by, kBy),
                              "; expected one of: category, notice"));
      }
      cat->merge_by_notice = by == "notice";
    }
  }
}

}  // namespace parser_internal
}  // namespace enforcer
