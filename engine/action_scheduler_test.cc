// The scheduler on a real RocksDB, the real writer and report pipeline, and a FakeClock: timed
// actions end at their time and pending ones take effect, each recorded once (in the ledger, the
// feed and the state, which stays the fold of the ledger), across restarts too.
#include "engine/action_scheduler.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/appeal_pipeline_testing.h"

namespace enforcer {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

class ActionSchedulerTest : public AppealPipelineTest {
 protected:
  void SetUp() override {
    AppealPipelineTest::SetUp();
    scheduler_ = std::make_unique<ActionScheduler>(store_.get(), writer_.get(), policies_.get(),
                                                   &clock_, ActionScheduler::Options());
  }

  int RunOnce() {
    absl::StatusOr<int> n = scheduler_->RunOnce();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  // The seller's ActionEnded / ActionTookEffect entries, as "ended <action id>" and so on.
  std::vector<std::string> TimedEntries(const std::string& seller) {
    std::vector<std::string> out;
    for (const v1::LedgerEntry& e : Log(seller)) {
      if (e.has_action_ended()) out.push_back("ended " + e.action_ended().action().action_id());
      if (e.has_action_took_effect()) {
        out.push_back("took effect " + e.action_took_effect().action().action_id());
      }
    }
    return out;
  }

  // When the seller's action `action_id` ends (a level milestone's action lasts while the points
  // hold, so ends are read, not assumed).
  absl::Time EndOf(const std::string& seller, const std::string& action_id) {
    const v1::GetStandingResponse standing = Standing(seller);
    for (const auto* list : {&standing.active_actions(), &standing.pending_actions()}) {
      for (const v1::Action& a : *list) {
        if (a.action_id() == action_id) return FromProtoTime(a.expires_at());
      }
    }
    ADD_FAILURE() << action_id << " is not in force";
    return absl::InfiniteFuture();
  }

  // Moves the clock to just after `t`.
  void PassTo(absl::Time t) { clock_.Advance(t - clock_.Now() + absl::Seconds(1)); }

  std::vector<v1::ActionEvent> Feed() {
    auto events = store_->ReadFeed(1, 100000);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<v1::ActionEvent>();
  }

  std::unique_ptr<ActionScheduler> scheduler_;
};

TEST_F(ActionSchedulerTest, AWarningEndsAtItsTimeExactlyOnce) {
  const std::string v = Report("r1", "s1", "spam");  // 6 points: a warning
  const std::string warning = v + "/SELLER/1";
  ASSERT_EQ(Standing("s1").active_actions_size(), 1);
  const absl::Time expires = FromProtoTime(Standing("s1").active_actions(0).expires_at());

  clock_.Advance(expires - clock_.Now() - absl::Seconds(1));
  EXPECT_EQ(RunOnce(), 0) << "one second early";
  EXPECT_TRUE(TimedEntries("s1").empty());

  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(RunOnce(), 0);
  clock_.Advance(kDay);
  EXPECT_EQ(RunOnce(), 0);
  EXPECT_EQ(TimedEntries("s1"), std::vector<std::string>{"ended " + warning});

  const std::vector<v1::LedgerEntry> log = Log("s1");
  const v1::ActionEnded& ended = log.back().action_ended();
  EXPECT_EQ(FromProtoTime(ended.ended_at()), expires);
  EXPECT_EQ(ended.standing_after(), v1::GOOD_STANDING);
  const std::vector<v1::ActionEvent> feed = Feed();
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_EQ(feed[0].kind(), v1::ACTION_ISSUED);
  EXPECT_EQ(feed[1].kind(), v1::ACTION_ENDED);
  EXPECT_EQ(feed[1].action().action_id(), warning);
  EXPECT_EQ(feed[1].ledger_sequence(), log.back().sequence());
  auto due = store_->ScanDueTimers(absl::InfiniteFuture(), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty()) << "its timer is consumed";
  ExpectStateIsTheFold("s1");
}

TEST_F(ActionSchedulerTest, APendingSuspensionTakesEffectThenEnds) {
  Report("r1", "s1", "counterfeit");  // 12 points: a warning and a suspension after 72 hours
  ASSERT_EQ(Standing("s1").pending_actions_size(), 1);
  const std::string suspension = Standing("s1").pending_actions(0).action_id();
  const std::string warning = Standing("s1").active_actions(0).action_id();
  const absl::Time suspension_ends = EndOf("s1", suspension);
  const absl::Time warning_ends = EndOf("s1", warning);

  clock_.Advance(absl::Hours(72) - absl::Seconds(1));
  EXPECT_EQ(RunOnce(), 0);
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(TimedEntries("s1"), std::vector<std::string>{"took effect " + suspension});
  EXPECT_EQ(Log("s1").back().action_took_effect().standing_after(), v1::SUSPENDED);
  EXPECT_EQ(RunOnce(), 0);
  ExpectStateIsTheFold("s1");

  PassTo(std::max(suspension_ends, warning_ends));
  EXPECT_EQ(RunOnce(), 2);
  std::vector<std::string> expected = {"took effect " + suspension, "ended " + suspension,
                                       "ended " + warning};
  if (std::make_pair(warning_ends, warning) < std::make_pair(suspension_ends, suspension)) {
    std::swap(expected[1], expected[2]);
  }
  EXPECT_EQ(TimedEntries("s1"), expected);
  ExpectStateIsTheFold("s1");
}

TEST_F(ActionSchedulerTest, TimesThatPassedWhileDownAreRecordedInTimeOrder) {
  Report("r1", "s1", "counterfeit");
  const std::string suspension = Standing("s1").pending_actions(0).action_id();
  const std::string warning = Standing("s1").active_actions(0).action_id();
  const absl::Time suspension_ends = EndOf("s1", suspension);
  const absl::Time warning_ends = EndOf("s1", warning);
  PassTo(std::max(suspension_ends, warning_ends) + kDay);
  EXPECT_EQ(RunOnce(), 3);
  const std::vector<std::string> got = TimedEntries("s1");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "took effect " + suspension) << "taking effect comes before any end";
  ExpectStateIsTheFold("s1");
}

TEST_F(ActionSchedulerTest, AReportAfterAnEndFindsItRecordedFirst) {
  const std::string v = Report("r1", "s1", "spam");
  PassTo(EndOf("s1", v + "/SELLER/1") + kDay);
  // Decided after the warning ran out, before the scheduler's next pass: the end is recorded
  // first, in the same batch, so the new warning follows it in the ledger and the feed.
  const std::string v2 = Report("r2", "s1", "spam");
  EXPECT_EQ(TimedEntries("s1"), std::vector<std::string>{"ended " + v + "/SELLER/1"});
  EXPECT_EQ(RunOnce(), 0) << "nothing left to record";
  const std::vector<v1::LedgerEntry> log = Log("s1");
  size_t ended = 0, second = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].has_action_ended()) ended = i;
    if (log[i].has_violation() && log[i].violation().violation_id() == v2) second = i;
  }
  EXPECT_LT(ended, second);
  const std::vector<v1::ActionEvent> feed = Feed();
  ASSERT_EQ(feed.size(), 3u);
  EXPECT_EQ(feed[1].kind(), v1::ACTION_ENDED);
  EXPECT_EQ(feed[1].action().action_id(), v + "/SELLER/1");
  EXPECT_EQ(feed[2].kind(), v1::ACTION_ISSUED);
  EXPECT_EQ(feed[2].action().action_id(), v2 + "/SELLER/1");
  ExpectStateIsTheFold("s1");
}

TEST_F(ActionSchedulerTest, AStaffNoteAfterAnEndFindsItRecordedFirst) {
  const std::string v = Report("r1", "s1", "spam");
  PassTo(EndOf("s1", v + "/SELLER/1"));
  v1::AddNoteRequest note;
  note.set_request_id("note-1");
  *note.mutable_subject() = Seller("s1");
  note.set_note("called the seller");
  note.set_actor("agent-7");
  ASSERT_TRUE(Staff(note, &StaffPipeline::AddNote).ok());
  const std::vector<v1::LedgerEntry> log = Log("s1");
  ASSERT_GE(log.size(), 2u);
  EXPECT_TRUE(log[log.size() - 2].has_action_ended());
  EXPECT_TRUE(log.back().has_staff_action());
  EXPECT_EQ(TimedEntries("s1"), std::vector<std::string>{"ended " + v + "/SELLER/1"});
  EXPECT_EQ(RunOnce(), 0);
  ExpectStateIsTheFold("s1");
}

TEST_F(ActionSchedulerTest, ALiftedActionGetsNoEnd) {
  const std::string v = Report("r1", "s1", "spam");
  const absl::Time ends = EndOf("s1", v + "/SELLER/1");
  v1::LiftActionRequest lift;
  lift.set_request_id("lift-1");
  *lift.mutable_subject() = Seller("s1");
  lift.set_action_id(v + "/SELLER/1");
  lift.set_reason("duplicate notice");
  lift.set_actor("agent-7");
  ASSERT_TRUE(Staff(lift, &StaffPipeline::LiftAction).ok());
  PassTo(ends);
  EXPECT_EQ(RunOnce(), 0);
  EXPECT_TRUE(TimedEntries("s1").empty());
  auto due = store_->ScanDueTimers(absl::InfiniteFuture(), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty()) << "the stale timer is consumed too";
  const std::vector<v1::ActionEvent> feed = Feed();
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_EQ(feed[1].kind(), v1::ACTION_LIFTED);
}

TEST_F(ActionSchedulerTest, AStaffExtensionMovesTheEnd) {
  const std::string v = Report("r1", "s1", "spam");
  const absl::Time old_end = EndOf("s1", v + "/SELLER/1");
  v1::ChangeActionEndRequest change;
  change.set_request_id("extend-1");
  *change.mutable_subject() = Seller("s1");
  change.set_action_id(v + "/SELLER/1");
  *change.mutable_expires_at() = ToProtoTime(old_end + 15 * kDay);
  change.set_reason("repeat offender");
  change.set_actor("agent-7");
  ASSERT_TRUE(Staff(change, &StaffPipeline::ChangeActionEnd).ok());
  PassTo(old_end);
  EXPECT_EQ(RunOnce(), 0) << "the old end is stale";
  PassTo(old_end + 15 * kDay);
  EXPECT_EQ(RunOnce(), 1);
  const std::vector<v1::ActionEvent> feed = Feed();
  std::string kinds;
  for (const v1::ActionEvent& e : feed) {
    kinds += v1::ActionEventKind_Name(e.kind()) + " " + e.action().action_id() + "; ";
  }
  ASSERT_EQ(feed.size(), 3u) << kinds;
  EXPECT_EQ(feed[1].kind(), v1::ACTION_END_CHANGED);
  EXPECT_EQ(feed[2].kind(), v1::ACTION_ENDED);
  EXPECT_EQ(FromProtoTime(feed[2].action().expires_at()), old_end + 15 * kDay);
  ExpectStateIsTheFold("s1");
}

TEST_F(ActionSchedulerTest, AReopenedStoreRecordsNothingTwice) {
  const std::string v = Report("r1", "s1", "spam");
  PassTo(EndOf("s1", v + "/SELLER/1"));
  EXPECT_EQ(RunOnce(), 1);
  // Restart: everything closed, the same ledger opened again.
  scheduler_.reset();
  staff_.reset();
  appeals_.reset();
  enforcer_.reset();
  writer_.reset();
  policies_.reset();
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                          ::testing::UnitTest::GetInstance()->current_test_info()->name();
  store_.reset();
  auto store = OpenRocksDbLedgerStore(dir, Durability::kProcess);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(*store);
  writer_ = std::make_unique<LedgerWriter>(store_.get());
  auto policy = CompilePolicy(kAppealsPolicy, "appeals.yaml");
  ASSERT_TRUE(policy.ok());
  policies_ = std::make_unique<PolicyRegistry>(store_.get(), *policy);
  scheduler_ = std::make_unique<ActionScheduler>(store_.get(), writer_.get(), policies_.get(),
                                                 &clock_, ActionScheduler::Options());
  EXPECT_EQ(RunOnce(), 0);
  EXPECT_EQ(TimedEntries("s1").size(), 1u);
}

TEST_F(ActionSchedulerTest, RetentionRemovesOldEventsOnly) {
  Report("r1", "s1", "spam");
  clock_.Advance(40 * kDay);
  Report("r2", "s2", "spam");
  ActionScheduler::Options options;
  options.feed_retention = 30 * kDay;
  ActionScheduler retaining(store_.get(), writer_.get(), policies_.get(), &clock_, options);
  absl::StatusOr<uint64_t> removed = retaining.ApplyRetention();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(store_->OldestFeedSequence(), 2u);
  const std::vector<v1::ActionEvent> feed = Feed();
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed[0].sequence(), 2u);
  EXPECT_EQ(feed[0].action().subject().id(), "s2");
  removed = retaining.ApplyRetention();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0u);
}

}  // namespace
}  // namespace enforcer
