// enforcerctl end to end: the real binary, offline on files and against a real daemon.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/test_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/daemon_process.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

class EnforcerctlTest : public EnforcerdTest {
 protected:
  testing::CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), RunfilePath("enforcerctl/enforcerctl"));
    absl::StatusOr<testing::CommandResult> result =
        testing::RunToCompletion(args, work_dir_ + "/ctl.out");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : testing::CommandResult{};
  }
  std::string Server() { return absl::StrCat("--server=127.0.0.1:", daemon_->port()); }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = work_dir_ + "/" + name;
    WriteFileAtomically(path, text);
    return path;
  }
};

TEST_F(EnforcerctlTest, OfflineCommands) {
  testing::CommandResult tests =
      Ctl({"policy", "test", RunfilePath("rules/default_policy.tests.yaml")});
  EXPECT_TRUE(tests.ExitedWith(0)) << tests.output;
  EXPECT_THAT(tests.output, HasSubstr("all passed"));

  const std::string bad = WriteFile("bad.yaml", "policy: p\ncategories:\n  spam: {pionts: 1}\n");
  testing::CommandResult validate = Ctl({"policy", "validate", bad});
  EXPECT_TRUE(validate.ExitedWith(1)) << validate.output;
  EXPECT_THAT(validate.output, HasSubstr("bad.yaml:3:10: error: unknown key 'pionts'"));

  const std::string failing = WriteFile(
      "failing.tests.yaml",
      absl::StrCat("policy: ", RunfilePath("rules/default_policy.yaml"),
                   "\ncases:\n  - name: too strict\n",
                   "    steps:\n      - report: {seller: s, category: misleading_listing}\n",
                   "        expect: {seller: s, standing: suspended}\n"));
  testing::CommandResult failed = Ctl({"policy", "test", failing});
  EXPECT_TRUE(failed.ExitedWith(1)) << failed.output;
  EXPECT_THAT(failed.output,
              HasSubstr("failing.tests.yaml:6:17: FAIL too strict: seller s: standing: expected "
                        "SUSPENDED, got GOOD_STANDING"));

  const std::string stricter = WriteFile("stricter.yaml", absl::StrCat(DefaultPolicyText(), "\n"));
  testing::CommandResult diff =
      Ctl({"policy", "diff", RunfilePath("rules/default_policy.yaml"), stricter});
  EXPECT_TRUE(diff.ExitedWith(0)) << diff.output;
  EXPECT_THAT(diff.output, HasSubstr("no changes in what the policies do"));

  EXPECT_TRUE(Ctl({"policy", "frobnicate"}).ExitedWith(2));
  EXPECT_TRUE(Ctl({"policy", "diff", "only-one.yaml"}).ExitedWith(2));
  testing::CommandResult help = Ctl({"policy", "load", "--help"});
  EXPECT_TRUE(help.ExitedWith(0));
  EXPECT_THAT(help.output, HasSubstr("Usage: enforcerctl policy load FILE"));
}

TEST_F(EnforcerctlTest, LoadShowVersionsAndRollBackAgainstADaemon) {
  const std::string candidate = WriteFile("candidate.yaml", R"(policy: pilot
categories:
  spam: {points: 6}
)");
  EXPECT_TRUE(Ctl({"policy", "load", candidate, Server()}).ExitedWith(2))
      << "--actor and --message are required";
  testing::CommandResult load =
      Ctl({"policy", "load", candidate, Server(), "--actor=ana", "--message=pilot market"});
  EXPECT_TRUE(load.ExitedWith(0)) << load.output;
  EXPECT_THAT(load.output, HasSubstr("activated: #2"));
  testing::CommandResult show = Ctl({"policy", "show", Server()});
  EXPECT_THAT(show.output, HasSubstr("policy pilot"));
  EXPECT_THAT(show.output, HasSubstr("by ana: pilot market"));
  testing::CommandResult versions = Ctl({"policy", "versions", Server(), "--json"});
  EXPECT_TRUE(versions.ExitedWith(0)) << versions.output;
  EXPECT_THAT(versions.output, HasSubstr("\"actor\": \"ana\""));
  testing::CommandResult rollback = Ctl({"policy", "rollback", DefaultPolicyVersion(), Server(),
                                         "--actor=ana", "--message=pilot over"});
  EXPECT_TRUE(rollback.ExitedWith(0)) << rollback.output;
  EXPECT_THAT(rollback.output, HasSubstr("activated: #3"));
  testing::CommandResult unreachable = Ctl({"policy", "versions", "--server=127.0.0.1:1"});
  EXPECT_TRUE(unreachable.ExitedWith(3)) << unreachable.output;
}

TEST_F(EnforcerctlTest, SimulateACandidateOnTheDaemonsLedger) {
  for (int i = 0; i < 3; ++i) {  // 36 points: suspended
    v1::ReportViolationRequest r =
        SellerReport(absl::StrCat("p", i), "seller-sim", "prohibited_product");
    r.set_object_id(absl::StrCat("listing-", i));
    ReportOk(r);
  }
  const std::string same = WriteFile("same.yaml", DefaultPolicyText());
  testing::CommandResult unchanged = Ctl({"policy", "simulate", same, Server()});
  EXPECT_TRUE(unchanged.ExitedWith(0)) << unchanged.output;
  EXPECT_THAT(unchanged.output, HasSubstr("3 decisions of 1 subjects re-made"));
  EXPECT_THAT(unchanged.output, HasSubstr("0 subjects would be decided differently"));
  std::string text = DefaultPolicyText();
  const std::string from = "    - id: seller-deactivation-48\n      at: 48\n";
  text.replace(text.find(from), from.size(), "    - id: seller-deactivation-48\n      at: 30\n");
  const std::string stricter = WriteFile("stricter.yaml", text);
  testing::CommandResult changed = Ctl({"policy", "simulate", stricter, Server()});
  EXPECT_TRUE(changed.ExitedWith(0)) << changed.output;
  EXPECT_THAT(changed.output, HasSubstr("1 subjects would be decided differently"));
  EXPECT_THAT(changed.output, HasSubstr("SUSPENDED -> DEACTIVATED: 1"));
  EXPECT_THAT(changed.output, HasSubstr("deactivate_store: 0 / 1  *"));
}

TEST_F(EnforcerctlTest, ShadowSetReportPromote) {
  std::string text = DefaultPolicyText();
  const std::string from = "    - id: seller-deactivation-48\n      at: 48\n";
  text.replace(text.find(from), from.size(), "    - id: seller-deactivation-48\n      at: 30\n");
  const std::string stricter = WriteFile("stricter.yaml", text);
  testing::CommandResult set =
      Ctl({"policy", "shadow", "set", stricter, Server(), "--actor=ana", "--message=try 30"});
  EXPECT_TRUE(set.ExitedWith(0)) << set.output;
  for (int i = 0; i < 3; ++i) {
    v1::ReportViolationRequest r =
        SellerReport(absl::StrCat("sh", i), "seller-sh", "prohibited_product");
    r.set_object_id(absl::StrCat("listing-", i));
    ReportOk(r);
  }
  testing::CommandResult report = Ctl({"policy", "shadow", "report", Server()});
  EXPECT_TRUE(report.ExitedWith(0)) << report.output;
  EXPECT_THAT(report.output, HasSubstr("3 decisions, 1 decided differently"));
  EXPECT_THAT(report.output, HasSubstr("deactivate_store: 0 / 1  *"));
  testing::CommandResult promote =
      Ctl({"policy", "shadow", "promote", Server(), "--actor=ana", "--message=go"});
  EXPECT_TRUE(promote.ExitedWith(0)) << promote.output;
  EXPECT_THAT(promote.output, HasSubstr("activated: #2"));
  EXPECT_TRUE(Ctl({"policy", "shadow", "report", Server()}).ExitedWith(1));
  EXPECT_TRUE(Ctl({"policy", "shadow", "frob", Server()}).ExitedWith(2));
}

}  // namespace
}  // namespace enforcer::e2e
