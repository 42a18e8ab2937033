// Random SIGKILLs under load, with timed actions running out and pending ones taking effect in
// between: after every cycle, every acknowledged report is in the ledger exactly once, no action's
// end or taking effect is recorded twice, and offline the stored state is exactly the fold of the
// ledger (--rebuild_state finds nothing to repair).
//
// CI runs 10 cycles; the soak is
//   bazel test //tests:e2e_kill_cycles_test --test_env=KILL_CYCLES=100 --test_timeout=3600
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

constexpr int kSellers = 12;

constexpr char kPolicy[] = R"(
policy: kill_cycles
default_window: 30d
categories:
  live_misconduct: {points: 1}
  late_shipping: {points: 5}
milestones:
  seller:
    - id: restrict-live
      at: 1
      repeat: on_crossing
      actions:
        - {type: restrict_feature, feature: live_selling, duration: 3d}
    - id: suspend
      at: 6
      repeat: on_crossing
      actions:
        - {type: suspend, duration: 2d, grace: 24h}
features:
  live_selling: Selling in live streams
)";

int Cycles() {
  int cycles = 10;
  const char* env = std::getenv("KILL_CYCLES");
  if (env != nullptr) (void)absl::SimpleAtoi(env, &cycles);
  return cycles;
}

class KillCyclesTest : public EnforcerdTest {
 protected:
  KillCyclesTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(kPolicy);
    extra_flags_ = {"--scheduler_tick=20ms"};
  }

  // Sends reports from two clients until the daemon goes away; records what was acknowledged.
  void LoadUntilKilled(int cycle, std::mt19937* random) {
    std::vector<std::thread> clients;
    for (int c = 0; c < 2; ++c) {
      clients.emplace_back([this, cycle, c] {
        for (int n = 0;; ++n) {
          v1::ReportViolationRequest r;
          r.set_report_id(absl::StrCat("k", cycle, "-", c, "-", n));
          r.set_seller_id(absl::StrCat("seller-", (n + c) % kSellers));
          r.set_category(n % 4 == 0 ? "late_shipping" : "live_misconduct");
          r.set_source(v1::SOURCE_LIVESTREAM);
          v1::ReportViolationResponse response;
          if (!Report(r, &response).ok()) return;
          absl::MutexLock lock(&mu_);
          acknowledged_.insert(r.report_id());
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(50, 400)(*random)));
    daemon_->Kill();
    for (std::thread& t : clients) t.join();
  }

  absl::Mutex mu_;
  std::set<std::string> acknowledged_ ABSL_GUARDED_BY(mu_);
};

TEST_F(KillCyclesTest, NothingAcknowledgedIsLostAndNothingIsRecordedTwice) {
  std::mt19937 random(20261206);
  const int cycles = Cycles();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    ASSERT_NO_FATAL_FAILURE(LoadUntilKilled(cycle, &random));
    // Time passes while the daemon is down: restrictions run out, suspensions take effect.
    AdvanceClock(absl::Hours(std::uniform_int_distribution<int>(6, 60)(random)));
    ASSERT_NO_FATAL_FAILURE(StartDaemon());
  }
  absl::SleepFor(absl::Milliseconds(300));  // the scheduler's first passes after the last start

  std::map<std::string, int> reports, ended, took_effect;
  for (int s = 0; s < kSellers; ++s) {
    for (const v1::LedgerEntry& e : HistoryOk(Seller(absl::StrCat("seller-", s)))) {
      if (e.has_violation()) ++reports[e.violation().report().report_id()];
      if (e.has_action_ended()) ++ended[e.action_ended().action().action_id()];
      if (e.has_action_took_effect()) ++took_effect[e.action_took_effect().action().action_id()];
    }
  }
  absl::MutexLock lock(&mu_);
  EXPECT_GT(acknowledged_.size(), static_cast<size_t>(cycles) * 2);
  std::cout << acknowledged_.size() << " reports acknowledged over " << cycles << " kills, "
            << ended.size() << " actions ended, " << took_effect.size() << " took effect\n";
  for (const std::string& id : acknowledged_) {
    EXPECT_EQ(reports[id], 1) << id << " acknowledged but not recorded exactly once";
  }
  for (const auto& [id, n] : reports) EXPECT_EQ(n, 1) << id;
  for (const auto& [id, n] : ended) EXPECT_EQ(n, 1) << id << " ended " << n << " times";
  for (const auto& [id, n] : took_effect) EXPECT_EQ(n, 1) << id << " took effect " << n << " times";
  EXPECT_FALSE(ended.empty()) << "no restriction ever ran out: the test did not exercise ends";

  ASSERT_NO_FATAL_FAILURE(StopDaemon());
  std::vector<std::string> flags = ConfigFlags();
  flags.push_back("--rebuild_state");
  const testing::CommandResult rebuilt = RunEnforcerd(flags);
  EXPECT_TRUE(rebuilt.ExitedWith(0)) << rebuilt.output;
  EXPECT_THAT(rebuilt.output, HasSubstr(absl::StrCat("checked ", kSellers, " subjects")));
  EXPECT_THAT(rebuilt.output, HasSubstr(" 0 had stored state that disagreed with their ledger"));
  EXPECT_THAT(rebuilt.output, HasSubstr(" 0 recorded decisions re-ran differently"));
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
}

}  // namespace
}  // namespace enforcer::e2e
