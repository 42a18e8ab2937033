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
#include "docs/worked_example_replay.h"
#include "docs/worked_example_tables.h"
#include "proto/timestamp.h"
#include "rules/default_policy.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"
#include "rules/remedies.h"

namespace enforcer::worked_example {
namespace {

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
}  // namespace enforcer::worked_example
