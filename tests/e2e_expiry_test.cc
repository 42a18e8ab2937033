// Timed actions end with an event, on the real daemon and its testing clock: a 7-day restriction
// ends at day 7 exactly once (in the ledger and the feed), including when the daemon is killed
// (SIGKILL) just before or just after the end, and a pending action takes effect the same way.
#include <string>
#include <vector>

#include "proto/timestamp.h"
#include "tests/e2e_delivery_support.h"

namespace enforcer::e2e {
namespace {

constexpr char kPolicy[] = R"(
policy: timed
default_window: 90d
categories:
  live_misconduct: {points: 1}
  late_shipping: {points: 5}
milestones:
  seller:
    - id: restrict-live
      at: 1
      repeat: on_crossing
      actions:
        - {type: restrict_feature, feature: live_selling, duration: 7d}
    - id: suspend
      at: 6
      repeat: on_crossing
      actions:
        - {type: suspend, duration: 3d, grace: 48h}
features:
  live_selling: Selling in live streams
)";

class ExpiryTest : public EnforcerdTest {
 protected:
  ExpiryTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(kPolicy);
    extra_flags_ = {"--scheduler_tick=50ms"};
  }

  v1::Action Restrict(const std::string& seller) {
    v1::ReportViolationRequest r;
    r.set_report_id("r-" + seller);
    r.set_seller_id(seller);
    r.set_category("live_misconduct");
    r.set_source(v1::SOURCE_LIVESTREAM);
    const v1::ReportViolationResponse response = ReportOk(r);
    EXPECT_EQ(response.decisions(0).actions_size(), 1);
    return response.decisions(0).actions(0);
  }

  std::vector<v1::LedgerEntry> Ended(const std::string& seller) {
    std::vector<v1::LedgerEntry> out;
    for (const v1::LedgerEntry& e : HistoryOk(Seller(seller))) {
      if (e.has_action_ended()) out.push_back(e);
    }
    return out;
  }

  // Waits (bounded) until the seller's ledger holds `count` ended actions; then a few more ticks,
  // so that a second recording would have happened.
  std::vector<v1::LedgerEntry> AwaitEnded(const std::string& seller, size_t count) {
    for (int i = 0; i < 200 && Ended(seller).size() < count; ++i) {
      absl::SleepFor(absl::Milliseconds(25));
    }
    absl::SleepFor(absl::Milliseconds(300));
    return Ended(seller);
  }

  int FeedEndings() {
    auto feed = v1::ActionFeed::NewStub(channel_);
    v1::ListConsumersResponse bounds;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_TRUE(feed->ListConsumers(&context, {}, &bounds).ok());
    WatchResult all = WatchFeed(*feed, {}, bounds.last_sequence());
    int ended = 0;
    for (const v1::ActionEvent& e : all.events) ended += e.kind() == v1::ACTION_ENDED ? 1 : 0;
    return ended;
  }
};

TEST_F(ExpiryTest, ASevenDayRestrictionEndsAtDaySevenOnce) {
  const v1::Action restriction = Restrict("s1");
  const absl::Time ends = FromProtoTime(restriction.expires_at());
  EXPECT_GE(ends - Now(), 7 * kDay - absl::Hours(24));
  EXPECT_LE(ends - Now(), 7 * kDay + absl::Hours(24));
  SetClock(ends - absl::Seconds(1));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(Ended("s1").empty()) << "not a second early";
  SetClock(ends + absl::Seconds(1));
  const std::vector<v1::LedgerEntry> ended = AwaitEnded("s1", 1);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(FromProtoTime(ended[0].action_ended().ended_at()), ends);
  EXPECT_EQ(ended[0].action_ended().action().action_id(), restriction.action_id());
  EXPECT_EQ(ended[0].action_ended().standing_after(), v1::GOOD_STANDING);
  EXPECT_EQ(FeedEndings(), 1);
  EXPECT_EQ(StandingOk(Seller("s1")).standing(), v1::GOOD_STANDING);
}

TEST_F(ExpiryTest, AKillJustBeforeTheEndRecordsItOnceAfterTheRestart) {
  const absl::Time ends = FromProtoTime(Restrict("s1").expires_at());
  SetClock(ends - absl::Seconds(1));
  absl::SleepFor(absl::Milliseconds(200));
  daemon_->Kill();
  SetClock(ends + absl::Hours(5));  // the end passes while the daemon is down
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  const std::vector<v1::LedgerEntry> ended = AwaitEnded("s1", 1);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(FromProtoTime(ended[0].action_ended().ended_at()), ends);
  EXPECT_EQ(FromProtoTime(ended[0].recorded_at()), ends + absl::Hours(5))
      << "recorded when the daemon came back";
  EXPECT_EQ(FeedEndings(), 1);
}

TEST_F(ExpiryTest, AKillJustAfterTheEndDoesNotRecordItTwice) {
  const absl::Time ends = FromProtoTime(Restrict("s1").expires_at());
  SetClock(ends + absl::Seconds(1));
  ASSERT_EQ(AwaitEnded("s1", 1).size(), 1u);
  daemon_->Kill();
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  AdvanceClock(kDay);
  EXPECT_EQ(AwaitEnded("s1", 2).size(), 1u);
  EXPECT_EQ(FeedEndings(), 1);
}

TEST_F(ExpiryTest, APendingSuspensionTakesEffectAtItsTime) {
  v1::ReportViolationRequest r;
  r.set_report_id("late-1");
  r.set_seller_id("s2");
  r.set_category("late_shipping");
  r.set_source(v1::SOURCE_LISTING);
  ReportOk(r);
  r.set_report_id("late-2");
  ReportOk(r);  // 10 points: a suspension after 48 hours' grace
  ASSERT_EQ(StandingOk(Seller("s2")).pending_actions_size(), 1);
  const v1::Action pending = StandingOk(Seller("s2")).pending_actions(0);
  SetClock(FromProtoTime(pending.effective_at()) + absl::Seconds(1));
  std::vector<v1::LedgerEntry> took;
  for (int i = 0; i < 200 && took.empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(25));
    for (const v1::LedgerEntry& e : HistoryOk(Seller("s2"))) {
      if (e.has_action_took_effect()) took.push_back(e);
    }
  }
  ASSERT_EQ(took.size(), 1u);
  EXPECT_EQ(took[0].action_took_effect().action().action_id(), pending.action_id());
  EXPECT_EQ(took[0].action_took_effect().standing_after(), v1::SUSPENDED);
  EXPECT_EQ(StandingOk(Seller("s2")).standing(), v1::SUSPENDED);
}

}  // namespace
}  // namespace enforcer::e2e
