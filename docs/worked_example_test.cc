// The worked examples in docs/policy-language.md are replayed with the real evaluator.
//
// A worked example is a markdown table preceded by a marker line
//
//   <!-- worked-example: policy=NAME subject=seller -->
//
// where NAME is `default-v1` (the embedded default pack) or the `policy:` name of a complete
// policy in the document. Each row is one report, one re-evaluation after a policy change
// ("re-evaluated under `NAME`"), or one remedy ("remedy `ID`", optionally "for `OBJECT`" or "for
// the YYYY-MM-DD report" to name the violation of an earlier row), made at 12:00 UTC on the row's
// date. A remedy is recorded as Cases.RecordRemedy records it (ApplyRemedy, refused while its
// once_every term has not passed: the row then says "refused until ..."). The report is read from
// its cell ("`category`, high, rights holder `h`, right `r`, notice `n`, attribute `quantity=150`,
// object `o`, region `DE`, occurred 2025-11-01"; a severity in parentheses is the category's
// default, not sent) and recorded as the engine records it (default severity filled in, recorded
// at the row's time). The
// test decides it exactly as the engine does (EvaluateViolation, or Reevaluate with every
// violation recorded so far) and checks every cell
// the row states: points added, active points before and after, the rules fired, the actions
// issued, what was superseded, replaced or lifted, and the standing after. A mismatch prints the
// row as the evaluator would write it.
//
// Reasons the document quotes (the lines of a ```text block after "<!-- worked-example-reasons
// -->") must each be the reason of a rule or action of some worked example, word for word; and
// the notices it quotes (after "<!-- worked-example-notices -->") the notice of an action.
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

namespace enforcer {
namespace {

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

std::vector<std::string> Lines(const std::string& text) { return absl::StrSplit(text, '\n'); }

// ---------------------------------------------------------------------------------------------
// The document: complete policies by name, and the worked-example tables.

// Every complete policy in the document (a ```yaml block starting with "policy:"), by name.
std::map<std::string, std::string> DocPolicies(const std::string& markdown) {
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

std::vector<std::string> Cells(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  absl::ConsumePrefix(&line, "|");
  absl::ConsumeSuffix(&line, "|");
  std::vector<std::string> cells;
  for (absl::string_view c : absl::StrSplit(line, '|')) {
    cells.push_back(std::string(absl::StripAsciiWhitespace(c)));
  }
  return cells;
}

std::vector<Table> WorkedExamples(const std::vector<std::string>& lines) {
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

std::string When(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, absl::UTCTimeZone());
}

std::string Noun(const v1::Action& a) {
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

std::string TypeNoun(v1::ActionType type) {
  v1::Action a;
  a.set_type(type);
  return Noun(a);
}

// "warning until 2026-04-13 12:00", "deactivation (permanent)", "take-down of `listing-17`";
// a pending action says when it takes effect: "suspension from 2026-03-07 12:00 until
// 2026-03-14 12:00".
std::string ActionText(const v1::Action& a) {
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

std::string JoinOrDash(const std::vector<std::string>& parts) {
  return parts.empty() ? "—" : absl::StrJoin(parts, "; ");
}

std::string RulesText(const google::protobuf::RepeatedPtrField<v1::RuleFiring>& fired) {
  std::vector<std::string> ids;
  for (const v1::RuleFiring& f : fired) ids.push_back(absl::StrCat("`", f.rule_id(), "`"));
  return ids.empty() ? "—" : absl::StrJoin(ids, ", ");
}

std::string ActionsText(const google::protobuf::RepeatedPtrField<v1::Action>& actions) {
  std::vector<std::string> parts;
  for (const v1::Action& a : actions) parts.push_back(ActionText(a));
  return JoinOrDash(parts);
}

// The cells after Date and Report, as the evaluator would write them.
std::vector<std::string> DecisionCells(const v1::Decision& d, const v1::SubjectState& before) {
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

std::vector<std::string> ReevaluationCells(const v1::Reevaluation& r) {
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
std::vector<std::string> RemedyCells(const v1::Remedy& r) {
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

// ---------------------------------------------------------------------------------------------
// Replaying a table.

absl::Time ParseDate(const std::string& text, std::string* error) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    *error = absl::StrCat("bad date '", text, "': ", err);
  }
  return t + absl::Hours(12);
}

// The text between the first pair of backticks of `item`, or "".
std::string Quoted(absl::string_view item) {
  const size_t a = item.find('`');
  const size_t b = a == absl::string_view::npos ? a : item.find('`', a + 1);
  return b == absl::string_view::npos ? "" : std::string(item.substr(a + 1, b - a - 1));
}

bool ParseSeverity(absl::string_view name, v1::Severity* out) {
  static const std::map<std::string, v1::Severity> kNames = {{"low", v1::SEVERITY_LOW},
                                                             {"medium", v1::SEVERITY_MEDIUM},
                                                             {"high", v1::SEVERITY_HIGH},
                                                             {"critical", v1::SEVERITY_CRITICAL}};
  auto it = kNames.find(std::string(name));
  if (it == kNames.end()) return false;
  *out = it->second;
  return true;
}

class Replay {
 public:
  // Every reason the replay produces is added to `reasons`, every action's notice to `notices`.
  Replay(const Table& table, const std::map<std::string, std::shared_ptr<const Policy>>& policies,
         std::set<std::string>* reasons, std::set<std::string>* notices)
      : table_(table), policies_(policies), reasons_(reasons), notices_(notices) {}

  void Run() {
    EXPECT_EQ(table_.header, kColumns) << Where(table_.line) << ": unexpected columns";
    ASSERT_FALSE(table_.rows.empty()) << Where(table_.line) << ": no rows";
    policy_ = Find(table_.policy);
    ASSERT_NE(policy_, nullptr) << Where(table_.line);
    ASSERT_TRUE(table_.subject == "seller" || table_.subject == "creator") << Where(table_.line);
    state_.mutable_subject()->set_kind(table_.subject == "seller" ? v1::SELLER : v1::CREATOR);
    state_.mutable_subject()->set_id("worked-example");
    for (const Row& row : table_.rows) Step(row);
  }

 private:
  std::string Where(int line) const { return absl::StrCat(kDoc, ":", line); }

  const Policy* Find(const std::string& name) const {
    auto it = policies_.find(name);
    EXPECT_NE(it, policies_.end()) << "no policy '" << name << "' in " << kDoc;
    return it == policies_.end() ? nullptr : it->second.get();
  }

  void Step(const Row& row) {
    const std::string where = Where(row.line);
    ASSERT_EQ(row.cells.size(), kColumns.size()) << where;
    std::string error;
    const absl::Time now = ParseDate(row.cells[0], &error);
    ASSERT_TRUE(error.empty()) << where << ": " << error;
    ASSERT_GE(now, last_) << where << ": rows must be in time order";
    last_ = now;

    std::vector<std::string> actual;
    absl::string_view report = row.cells[1];
    if (absl::ConsumePrefix(&report, "remedy ")) {
      ASSERT_TRUE(Remedy(report, now, &actual, &error)) << where << ": " << error;
    } else if (absl::ConsumePrefix(&report, "re-evaluated under ")) {
      const Policy* next = Find(Quoted(report));
      ASSERT_NE(next, nullptr) << where;
      ReevaluationOutcome out =
          Reevaluate(*next, policy_, state_, recorded_, now, absl::StrCat("r", row.line));
      ASSERT_EQ(out.record.previous_policy_version(), policy_->version()) << where;
      policy_ = next;
      state_ = std::move(out.state);
      actual = ReevaluationCells(out.record);
      for (const v1::Action& a : out.record.actions_issued()) {
        reasons_->insert(a.reason());
        notices_->insert(a.notice());
      }
    } else {
      ViolationFacts facts;
      ASSERT_TRUE(ParseReport(report, now, &facts, &error)) << where << ": " << error;
      facts.violation_id = absl::StrCat("v", ++violations_);
      facts.recorded_at = now;
      Evaluation e = EvaluateViolation(*policy_, state_, facts, now);
      EXPECT_EQ(e.decision.policy_version(), policy_->version()) << where;
      actual = DecisionCells(e.decision, state_);
      state_ = std::move(e.state);
      recorded_.push_back({facts, now});
      for (const v1::RuleFiring& f : e.decision.rules_fired()) reasons_->insert(f.reason());
      for (const v1::Action& a : e.decision.actions()) {
        reasons_->insert(a.reason());
        notices_->insert(a.notice());
      }
    }
    std::vector<std::string> expected(row.cells.begin() + 2, row.cells.end());
    EXPECT_EQ(expected, actual)
        << where << ": the row does not match the evaluator. The evaluator's row:\n| "
        << row.cells[0] << " | " << row.cells[1] << " | " << absl::StrJoin(actual, " | ") << " |";
  }

  // "`policy_training`" or "`listing_corrected`, for `listing-3`" (the latest report naming that
  // object) or "..., for the 2026-03-04 report" (the only report of that day).
  bool Remedy(absl::string_view text, absl::Time now, std::vector<std::string>* actual,
              std::string* error) {
    std::vector<std::string> items = absl::StrSplit(text, ", ");
    const RemedyPolicy* remedy = policy_->FindRemedy(Quoted(items[0]));
    if (remedy == nullptr || items[0] != absl::StrCat("`", Quoted(items[0]), "`")) {
      *error = absl::StrCat("'", items[0], "' is not a remedy of ", policy_->name());
      return false;
    }
    std::string violation_id;
    for (size_t i = 1; i < items.size(); ++i) {
      absl::string_view item = items[i];
      if (!absl::ConsumePrefix(&item, "for ") || !violation_id.empty()) {
        *error = absl::StrCat("cannot read '", items[i], "' in the remedy");
        return false;
      }
      int found = 0;
      if (absl::StartsWith(item, "`")) {
        for (const RecordedViolation& r : recorded_) {
          if (absl::StrCat("`", r.facts.object_id, "`") == item) {
            violation_id = r.facts.violation_id;
            found = 1;
          }
        }
      } else if (absl::ConsumePrefix(&item, "the ") && absl::ConsumeSuffix(&item, " report")) {
        for (const RecordedViolation& r : recorded_) {
          if (absl::FormatTime("%Y-%m-%d", r.decided_at, absl::UTCTimeZone()) == item) {
            violation_id = r.facts.violation_id;
            ++found;
          }
        }
      }
      if (found != 1) {
        *error = absl::StrCat("'", items[i], "' names no single earlier report");
        return false;
      }
    }
    if (std::optional<absl::Time> next = RemedyNotBefore(*remedy, state_, now)) {
      const StandingSummary s = SummarizeStanding(*policy_, state_, now);
      *actual = {"—",
                 absl::StrCat(s.active_points, " → ", s.active_points),
                 "—",
                 "—",
                 absl::StrCat("refused until ", When(*next)),
                 v1::Standing_Name(s.standing)};
      return true;
    }
    RemedyOutcome out = ApplyRemedy(*policy_, *remedy, state_, violation_id, now);
    for (const v1::ActionLift& l : out.record.actions_ended()) reasons_->insert(l.reason());
    *actual = RemedyCells(out.record);
    state_ = std::move(out.state);
    return true;
  }

  // "`category`, high, rights holder `brand-a`, right `tm-1`, notice `n-1`, attribute
  // `quantity=150`, object `listing-17`, region `DE`, occurred 2025-12-01". "(low)" states the
  // category's default severity, used because the report gives none.
  bool ParseReport(absl::string_view text, absl::Time now, ViolationFacts* f, std::string* error) {
    std::vector<std::string> items = absl::StrSplit(text, ", ");
    f->category = Quoted(items[0]);
    f->source = v1::SOURCE_LISTING;
    f->occurred_at = now;
    const CategoryPolicy* category = policy_->FindCategory(f->category);
    if (category == nullptr || items[0] != absl::StrCat("`", f->category, "`")) {
      *error = absl::StrCat("'", items[0], "' is not a category of ", policy_->name());
      return false;
    }
    for (size_t i = 1; i < items.size(); ++i) {
      absl::string_view item = items[i];
      v1::Severity severity;
      if (ParseSeverity(item, &severity)) {
        f->severity = severity;
      } else if (absl::ConsumePrefix(&item, "(") && absl::ConsumeSuffix(&item, ")") &&
                 ParseSeverity(item, &severity)) {
        if (severity != category->default_severity) {
          *error = absl::StrCat("'", items[i], "' is not the default severity of ", f->category);
          return false;
        }
      } else if (absl::StartsWith(item, "rights holder `")) {
        f->rights_holder_id = Quoted(item);
      } else if (absl::StartsWith(item, "right `")) {
        f->right_id = Quoted(item);
      } else if (absl::StartsWith(item, "notice `")) {
        f->notice_id = Quoted(item);
      } else if (absl::StartsWith(item, "attribute `")) {
        std::pair<std::string, std::string> kv =
            absl::StrSplit(Quoted(item), absl::MaxSplits('=', 1));
        if (kv.first.empty() || kv.second.empty() || f->attributes.count(kv.first)) {
          *error = absl::StrCat("'", items[i], "' is not attribute `name=value` (once per name)");
          return false;
        }
        f->attributes[kv.first] = kv.second;
      } else if (absl::StartsWith(item, "object `")) {
        f->object_id = Quoted(item);
      } else if (absl::StartsWith(item, "region `")) {
        f->region = Quoted(item);
      } else if (absl::ConsumePrefix(&item, "occurred ")) {
        f->occurred_at = ParseDate(std::string(item), error);
        if (!error->empty()) return false;
      } else {
        *error = absl::StrCat("cannot read '", items[i], "' in the report");
        return false;
      }
    }
    // As the engine records a report: a take-down category needs an object, and the category's
    // default severity is filled in.
    if (category->take_down && f->object_id.empty()) {
      *error = absl::StrCat("'", f->category, "' is a take-down category: name an object");
      return false;
    }
    if (category->points_by_severity && f->severity == v1::SEVERITY_UNSPECIFIED) {
      f->severity = category->default_severity;
    }
    return true;
  }

  const Table& table_;
  const std::map<std::string, std::shared_ptr<const Policy>>& policies_;
  std::set<std::string>* reasons_;
  std::set<std::string>* notices_;
  const Policy* policy_ = nullptr;
  v1::SubjectState state_;
  std::vector<RecordedViolation> recorded_;
  int violations_ = 0;
  absl::Time last_ = absl::InfinitePast();
};

TEST(WorkedExamples, EveryRowIsWhatTheEvaluatorDecides) {
  const std::string doc = ReadFileToString(RunfilePath(kDoc));
  ASSERT_FALSE(doc.empty()) << "cannot read " << RunfilePath(kDoc);
  const std::vector<std::string> lines = Lines(doc);

  std::map<std::string, std::shared_ptr<const Policy>> policies;
  for (const auto& [name, text] : DocPolicies(doc)) {
    auto p = CompilePolicy(text, name);
    ASSERT_TRUE(p.ok()) << name << ": " << p.status();
    policies[name] = *p;
  }
  auto pack = CompilePolicy(kDefaultPolicyYaml, kDefaultPolicyName);
  ASSERT_TRUE(pack.ok()) << pack.status();
  ASSERT_EQ(policies.count((*pack)->name()), 0u) << "the document redefines the default pack";
  policies[(*pack)->name()] = *pack;

  const std::vector<Table> tables = WorkedExamples(lines);
  EXPECT_GE(tables.size(), 3u) << "expected at least 3 worked examples in " << kDoc;
  int rows = 0;
  std::set<std::string> reasons, notices;
  for (const Table& table : tables) {
    SCOPED_TRACE(absl::StrCat("worked example at ", kDoc, ":", table.line));
    Replay(table, policies, &reasons, &notices).Run();
    rows += table.rows.size();
  }
  EXPECT_GE(rows, 12);

  // Reasons and notices quoted in the document: every line of a ```text block after a reasons
  // (notices) marker is the reason of a rule or action (the notice of an action) of the worked
  // examples, word for word.
  auto check_quoted = [&](const char* marker, const std::set<std::string>& given,
                          const char* what) {
    int quoted = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (absl::StripAsciiWhitespace(lines[i]) != marker) continue;
      size_t j = i + 1;
      while (j < lines.size() && absl::StripAsciiWhitespace(lines[j]).empty()) ++j;
      if (j >= lines.size() || absl::StripAsciiWhitespace(lines[j]) != "```text") {
        ADD_FAILURE() << kDoc << ":" << j + 1 << ": expected a ```text block after " << marker;
        continue;
      }
      for (++j; j < lines.size() && !absl::StartsWith(lines[j], "```"); ++j) {
        if (lines[j].empty()) continue;
        ++quoted;
        EXPECT_TRUE(given.count(lines[j]) > 0)
            << kDoc << ":" << j + 1 << ": no worked example gives this " << what << ":\n"
            << lines[j];
      }
    }
    return quoted;
  };
  EXPECT_GE(check_quoted(kReasonsMarker, reasons, "reason"), 3)
      << "expected reasons quoted after " << kReasonsMarker;
  EXPECT_GE(check_quoted(kNoticesMarker, notices, "notice"), 1)
      << "expected notices quoted after " << kNoticesMarker;
}

// The linked-subjects example: the reason and notice the document quotes after
// "<!-- linked-subjects-example -->" are those of the deactivation `s2` receives when `s1`'s store
// is closed under the document's `linked-demo` policy.
TEST(WorkedExamples, TheLinkedSubjectsExampleIsWhatPropagationGives) {
  const std::string doc = ReadFileToString(RunfilePath(kDoc));
  const std::map<std::string, std::string> texts = DocPolicies(doc);
  ASSERT_EQ(texts.count("linked-demo"), 1u);
  auto policy = CompilePolicy(texts.at("linked-demo"), "linked-demo");
  ASSERT_TRUE(policy.ok()) << policy.status();
  const absl::Time now = absl::FromCivil(absl::CivilMinute(2026, 3, 2, 12, 0), absl::UTCTimeZone());
  v1::SubjectState s1, s2;
  s1.mutable_subject()->set_kind(v1::SELLER);
  s1.mutable_subject()->set_id("s1");
  s2.mutable_subject()->set_kind(v1::SELLER);
  s2.mutable_subject()->set_id("s2");
  ViolationFacts f;
  f.violation_id = "v1";
  f.category = "counterfeit";
  f.source = v1::SOURCE_LISTING;
  f.occurred_at = f.recorded_at = now;
  const Evaluation e = EvaluateViolation(**policy, s1, f, now);
  ASSERT_EQ(e.decision.actions_size(), 1);
  ASSERT_TRUE((*policy)->Propagates(e.decision.actions(0).type()));
  const PropagationOutcome p =
      Propagate(**policy, s2, s1.subject(), e.decision.actions(0), "same bank account", now, "p1");
  ASSERT_EQ(p.record.actions_issued_size(), 1);
  EXPECT_EQ(p.record.actions_issued(0).rule_id(), kLinkedSubjectRuleId);
  EXPECT_FALSE(p.record.actions_issued(0).has_expires_at());
  std::vector<std::string> quoted;
  const std::vector<std::string> lines = Lines(doc);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StripAsciiWhitespace(lines[i]) != "<!-- linked-subjects-example -->") continue;
    for (size_t j = i + 2; j < lines.size() && !absl::StartsWith(lines[j], "```"); ++j)
      quoted.push_back(lines[j]);
  }
  EXPECT_EQ(quoted, (std::vector<std::string>{p.record.actions_issued(0).reason(),
                                              p.record.actions_issued(0).notice()}));
  // A suspension would not have propagated.
  EXPECT_FALSE((*policy)->Propagates(v1::ACTION_SUSPEND));
}

TEST(WorkedExamples, TablesAndReportsAreRead) {
  const std::vector<Table> tables = WorkedExamples(
      Lines("text\n<!-- worked-example: policy=p subject=creator -->\n\n| a | b |\n|---|---|\n"
            "| 1 | 2 |\n| 3 | 4 |\nafter\n| x |\n"));
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].line, 2);
  EXPECT_EQ(tables[0].policy, "p");
  EXPECT_EQ(tables[0].subject, "creator");
  EXPECT_EQ(tables[0].header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(tables[0].rows.size(), 2u);
  EXPECT_EQ(tables[0].rows[1].line, 7);
  EXPECT_EQ(tables[0].rows[1].cells, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(Quoted("rights holder `brand-a`"), "brand-a");
  const auto policies = DocPolicies("```yaml\n# c\npolicy: a\n```\n```text\npolicy: b\n```\n");
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies.begin()->first, "a");
}

}  // namespace
}  // namespace enforcer
