// Reading the worked-example tables of docs/policy-language.md, and writing decisions back as
// table cells, for worked_example_test.
#ifndef ENFORCERD_DOCS_WORKED_EXAMPLE_TABLES_H_
#define ENFORCERD_DOCS_WORKED_EXAMPLE_TABLES_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/test_files.h"
#include "docs/doc_markdown.h"
#include "proto/timestamp.h"
#include "rules/default_policy.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"
#include "rules/remedies.h"

namespace enforcer::worked_example {

constexpr char kDoc[] = "docs/policy-language.md";
constexpr char kMarker[] = "<!-- worked-example:";
constexpr char kReasonsMarker[] = "<!-- worked-example-reasons -->";
constexpr char kNoticesMarker[] = "<!-- worked-example-notices -->";
const std::vector<std::string> kColumns = {"Date (UTC)",
                                           "Report",
                                           "Points",
                                           "Active before → after",
                                           "Rules fired",
                                           "Actions issued",
                                           "Superseded, replaced or lifted",
                                           "Standing after"};

inline std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n');
}

// ---------------------------------------------------------------------------------------------
// The document: complete policies by name, and the worked-example tables.

// Every complete policy in the document (a ```yaml block starting with "policy:"), by name.
inline std::map<std::string, std::string> DocPolicies(const std::string& markdown) {
  std::map<std::string, std::string> out;
  bool unterminated = false;
  for (const docs::YamlBlock& block : docs::YamlBlocks(markdown, &unterminated)) {
    std::string name;
    if (docs::IsCompletePolicy(block.text, &name)) out[name] = block.text;
  }
  EXPECT_FALSE(unterminated) << "unterminated code block in " << kDoc;
  return out;
}

struct Row {
  int line = 0;  // 1-based line in the document
  std::vector<std::string> cells;
};

struct Table {
  int line = 0;  // the marker's line
  std::string policy;
  std::string subject;
  std::vector<std::string> header;
  std::vector<Row> rows;
};

inline std::vector<std::string> Cells(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  absl::ConsumePrefix(&line, "|");
  absl::ConsumeSuffix(&line, "|");
  std::vector<std::string> cells;
  for (absl::string_view c : absl::StrSplit(line, '|')) {
    cells.push_back(std::string(absl::StripAsciiWhitespace(c)));
  }
  return cells;
}

inline std::vector<Table> WorkedExamples(const std::vector<std::string>& lines) {
  std::vector<Table> tables;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view marker = absl::StripAsciiWhitespace(lines[i]);
    if (!absl::ConsumePrefix(&marker, kMarker)) continue;
    Table t;
    t.line = static_cast<int>(i + 1);
    absl::ConsumeSuffix(&marker, "-->");
    for (absl::string_view kv : absl::StrSplit(marker, ' ', absl::SkipWhitespace())) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      if (p.first == "policy")
        t.policy = p.second;
      else if (p.first == "subject")
        t.subject = p.second;
      else
        ADD_FAILURE() << kDoc << ":" << t.line << ": unknown marker key '" << p.first << "'";
    }
    size_t j = i + 1;
    while (j < lines.size() && absl::StripAsciiWhitespace(lines[j]).empty()) ++j;
    for (; j < lines.size() && absl::StartsWith(absl::StripAsciiWhitespace(lines[j]), "|"); ++j) {
      std::vector<std::string> cells = Cells(lines[j]);
      if (t.header.empty()) {
        t.header = cells;
      } else if (!absl::StartsWith(cells[0], "---")) {
        t.rows.push_back(Row{static_cast<int>(j + 1), cells});
      }
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

// ---------------------------------------------------------------------------------------------
// Rendering what the evaluator decided, in the words the tables use.

inline std::string When(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, absl::UTCTimeZone());
}

inline std::string Noun(const v1::Action& a) {
  switch (a.type()) {
    case v1::ACTION_WARNING:
      return "warning";
    case v1::ACTION_RESTRICT_FEATURE:
      return absl::StrCat("`", a.feature(), "` restriction");
    case v1::ACTION_SUSPEND:
      return "suspension";
    case v1::ACTION_DEACTIVATE_STORE:
      return "deactivation";
    case v1::ACTION_REVOKE_SELLING_PERMISSION:
      return "revocation";
    case v1::ACTION_TAKE_DOWN:
      return absl::StrCat("take-down of `", a.object_id(), "`");
    default:
      return "?";
  }
}

inline std::string TypeNoun(v1::ActionType type) {
  v1::Action a;
  a.set_type(type);
  return Noun(a);
}

// "warning until 2026-04-13 12:00", "deactivation (permanent)", "take-down of `listing-17`";
// a pending action says when it takes effect: "suspension from 2026-03-07 12:00 until
// 2026-03-14 12:00".
inline std::string ActionText(const v1::Action& a) {
  if (a.type() == v1::ACTION_TAKE_DOWN) return Noun(a);
  const std::string from =
      a.has_effective_at() ? absl::StrCat(" from ", When(FromProtoTime(a.effective_at()))) : "";
  if (!a.has_expires_at()) return absl::StrCat(Noun(a), from, " (permanent)");
  return absl::StrCat(Noun(a), from, " until ", When(FromProtoTime(a.expires_at())));
}

// Groups of actions sharing what happened to them, in order of first appearance:
// "not issued, covered by the deactivation: warning, suspension", "replaced: warning".
class Groups {
 public:
  void Add(const std::string& group, const std::string& item) {
    for (auto& [g, items] : groups_) {
      if (g == group) {
        items.push_back(item);
        return;
      }
    }
    groups_.push_back({group, {item}});
  }
  std::vector<std::string> Texts() const {
    std::vector<std::string> out;
    for (const auto& [g, items] : groups_)
      out.push_back(absl::StrCat(g, ": ", absl::StrJoin(items, ", ")));
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> groups_;
};

// A supersession: a candidate of this decision that was not issued (no action id), a running
// action replaced by its extension, or a running action that runs on under a higher one. The
// covering action is named by its noun, found by id in `where` (the decision's actions and the
// subject's actions before it); by its type alone if it is in neither.
void AddSupersession(
    const v1::Supersession& s,
    const std::vector<const google::protobuf::RepeatedPtrField<v1::Action>*>& where,
    Groups* groups) {
  std::string by = TypeNoun(s.superseded_by_type());
  for (const auto* actions : where) {
    for (const v1::Action& a : *actions) {
      if (a.action_id() == s.superseded_by_action_id()) by = Noun(a);
    }
  }
  if (s.action().action_id().empty()) {
    groups->Add(absl::StrCat("not issued, covered by the ", by), Noun(s.action()));
  } else if (absl::StartsWith(s.reason(), "replaced:")) {
    groups->Add("replaced", Noun(s.action()));
  } else {
    groups->Add(absl::StrCat("running under the ", by), Noun(s.action()));
  }
}

inline std::string JoinOrDash(const std::vector<std::string>& parts) {
  return parts.empty() ? "—" : absl::StrJoin(parts, "; ");
}

inline std::string RulesText(const google::protobuf::RepeatedPtrField<v1::RuleFiring>& fired) {
  std::vector<std::string> ids;
  for (const v1::RuleFiring& f : fired) ids.push_back(absl::StrCat("`", f.rule_id(), "`"));
  return ids.empty() ? "—" : absl::StrJoin(ids, ", ");
}

inline std::string ActionsText(const google::protobuf::RepeatedPtrField<v1::Action>& actions) {
  std::vector<std::string> parts;
  for (const v1::Action& a : actions) parts.push_back(ActionText(a));
  return JoinOrDash(parts);
}

// The cells after Date and Report, as the evaluator would write them.
inline std::vector<std::string> DecisionCells(const v1::Decision& d,
                                              const v1::SubjectState& before) {
  Groups superseded;
  for (const v1::Supersession& s : d.superseded()) {
    AddSupersession(s, {&d.actions(), &before.actions()}, &superseded);
  }
  return {absl::StrCat(d.points_added()),
          absl::StrCat(d.active_points_before(), " → ", d.active_points()),
          RulesText(d.rules_fired()),
          ActionsText(d.actions()),
          JoinOrDash(superseded.Texts()),
          v1::Standing_Name(d.standing_after())};
}

inline std::vector<std::string> ReevaluationCells(const v1::Reevaluation& r) {
  Groups lifted;
  for (const v1::ActionLift& l : r.actions_lifted()) {
    // An action the new policy would have in force for another time is replaced; one it would
    // not have at all is lifted. Both are lifts in the ledger.
    lifted.Add(absl::StartsWith(l.reason(), "replaced:") ? "replaced" : "lifted", Noun(l.action()));
  }
  return {"—",
          absl::StrCat(r.active_points_before(), " → ", r.active_points()),
          RulesText(r.rules_fired()),
          ActionsText(r.actions_issued()),
          JoinOrDash(lifted.Texts()),
          v1::Standing_Name(r.standing_after())};
}

// A remedy's row: the points it restored ("-4"), the points before and after, the actions it
// ended ("ended early: warning", "cancelled: suspension") and the standing after.
inline std::vector<std::string> RemedyCells(const v1::Remedy& r) {
  Groups ended;
  for (const v1::ActionLift& l : r.actions_ended()) {
    ended.Add(absl::StartsWith(l.reason(), "cancelled") ? "cancelled" : "ended early",
              Noun(l.action()));
  }
  return {r.points_restored() > 0 ? absl::StrCat("-", r.points_restored()) : "—",
          absl::StrCat(r.active_points_before(), " → ", r.active_points()),
          "—",
          "—",
          JoinOrDash(ended.Texts()),
          v1::Standing_Name(r.standing_after())};
}

}  // namespace enforcer::worked_example

#endif  // ENFORCERD_DOCS_WORKED_EXAMPLE_TABLES_H_
