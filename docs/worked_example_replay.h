// Replaying one worked-example table with the real evaluator, remedies and re-evaluation, for
// worked_example_test.
#ifndef ENFORCERD_DOCS_WORKED_EXAMPLE_REPLAY_H_
#define ENFORCERD_DOCS_WORKED_EXAMPLE_REPLAY_H_

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
#include "docs/worked_example_tables.h"
#include "proto/timestamp.h"
#include "rules/default_policy.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"
#include "rules/remedies.h"

namespace enforcer::worked_example {

// ---------------------------------------------------------------------------------------------
// Replaying a table.

inline absl::Time ParseDate(const std::string& text, std::string* error) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    *error = absl::StrCat("bad date '", text, "': ", err);
  }
  return t + absl::Hours(12);
}

// The text between the first pair of backticks of `item`, or "".
inline std::string Quoted(absl::string_view item) {
  const size_t a = item.find('`');
  const size_t b = a == absl::string_view::npos ? a : item.find('`', a + 1);
  return b == absl::string_view::npos ? "" : std::string(item.substr(a + 1, b - a - 1));
}

inline bool ParseSeverity(absl::string_view name, v1::Severity* out) {
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

}  // namespace enforcer::worked_example

#endif  // ENFORCERD_DOCS_WORKED_EXAMPLE_REPLAY_H_
