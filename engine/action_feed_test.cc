// The action feed's pipeline on a real RocksDB and the real writer: replay then live, resuming
// without gaps or duplicates, filters, named consumers' cursors, retention.
#include "engine/action_feed.h"

#include <atomic>
#include <thread>
#include <vector>

#include "engine/action_scheduler.h"
#include "engine/appeal_pipeline_testing.h"

namespace enforcer {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kDay = absl::Hours(24);

class ActionFeedTest : public AppealPipelineTest {
 protected:
  void SetUp() override {
    AppealPipelineTest::SetUp();
    hub_ = std::make_unique<FeedHub>(store_.get());
    writer_->SetCommitObserver([this] { hub_->Published(); });
    feed_ = std::make_unique<ActionFeed>(store_.get(), writer_.get(), hub_.get(), &clock_);
  }
  void TearDown() override { hub_->Close(); }

  // Watches until `count` events arrived (or `stop_after` sent, when the client "goes away").
  struct Watched {
    absl::Status status;
    std::vector<v1::ActionEvent> events;
  };
  Watched Watch(const v1::WatchActionsRequest& request, size_t count, int stop_after = -1) {
    Watched w;
    std::atomic<bool> cancel{false};
    w.status = feed_->Watch(
        request, [&] { return cancel.load() || w.events.size() >= count; },
        [&](const v1::ActionEvent& e) {
          if (stop_after >= 0 && static_cast<int>(w.events.size()) >= stop_after) return false;
          w.events.push_back(e);
          return true;
        });
    return w;
  }

  static v1::WatchActionsRequest From(uint64_t sequence, const std::string& consumer = "") {
    v1::WatchActionsRequest r;
    r.set_from_sequence(sequence);
    r.set_consumer(consumer);
    return r;
  }

  absl::StatusOr<v1::AckActionsResponse> Ack(const std::string& consumer, uint64_t sequence) {
    v1::AckActionsRequest r;
    r.set_consumer(consumer);
    r.set_sequence(sequence);
    return feed_->Ack(r);
  }

  std::unique_ptr<FeedHub> hub_;
  std::unique_ptr<ActionFeed> feed_;
};

std::vector<uint64_t> Sequences(const std::vector<v1::ActionEvent>& events) {
  std::vector<uint64_t> out;
  for (const v1::ActionEvent& e : events) out.push_back(e.sequence());
  return out;
}

TEST_F(ActionFeedTest, ReplaysThenFollowsLiveEvents) {
  Report("r1", "s1", "spam");
  Report("r2", "s2", "spam");
  std::thread later([this] {
    absl::SleepFor(absl::Milliseconds(300));
    Report("r3", "s3", "spam");
  });
  Watched w = Watch(From(0), 3);
  later.join();
  ASSERT_TRUE(w.status.ok()) << w.status;
  EXPECT_EQ(Sequences(w.events), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(w.events[2].action().subject().id(), "s3");
  EXPECT_EQ(w.events[2].kind(), v1::ACTION_ISSUED);
}

TEST_F(ActionFeedTest, AResumedWatchMissesNothingAndRepeatsNothing) {
  for (int i = 0; i < 5; ++i) Report("r" + std::to_string(i), "s" + std::to_string(i), "spam");
  Watched first = Watch(From(0), 5, /*stop_after=*/2);
  EXPECT_EQ(first.status.code(), absl::StatusCode::kCancelled);
  ASSERT_EQ(Sequences(first.events), (std::vector<uint64_t>{1, 2}));
  Watched resumed = Watch(From(first.events.back().sequence()), 3);
  ASSERT_TRUE(resumed.status.ok()) << resumed.status;
  EXPECT_EQ(Sequences(resumed.events), (std::vector<uint64_t>{3, 4, 5}));
}

TEST_F(ActionFeedTest, FiltersByActionTypeSubjectKindAndFeature) {
  Report("r1", "s1", "spam");         // warning
  Report("r2", "s2", "counterfeit");  // warning + pending suspension
  v1::WatchActionsRequest suspensions = From(0);
  suspensions.add_action_types(v1::ACTION_SUSPEND);
  Watched w = Watch(suspensions, 1);
  ASSERT_TRUE(w.status.ok());
  ASSERT_EQ(w.events.size(), 1u);
  EXPECT_EQ(w.events[0].action().type(), v1::ACTION_SUSPEND);
  EXPECT_EQ(w.events[0].sequence(), 3u);

  v1::WatchActionsRequest bad = From(0);
  bad.add_action_types(static_cast<v1::ActionType>(99));
  EXPECT_THAT(Watch(bad, 1).status.message(), HasSubstr("action_types: 99"));
}

TEST_F(ActionFeedTest, NamedConsumersResumeAfterTheirAckAndShowTheirLag) {
  for (int i = 0; i < 4; ++i) Report("r" + std::to_string(i), "s" + std::to_string(i), "spam");
  Watched fresh = Watch(From(0, "listing-svc"), 4);
  ASSERT_EQ(Sequences(fresh.events), (std::vector<uint64_t>{1, 2, 3, 4}))
      << "a consumer never acked starts at the oldest event";
  absl::StatusOr<v1::AckActionsResponse> acked = Ack("listing-svc", 3);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->acked_sequence(), 3u);
  EXPECT_EQ(acked->last_sequence(), 4u);
  acked = Ack("listing-svc", 2);
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ(acked->acked_sequence(), 3u) << "acks only move forward";

  Watched resumed = Watch(From(0, "listing-svc"), 1);
  EXPECT_EQ(Sequences(resumed.events), (std::vector<uint64_t>{4}));

  ASSERT_TRUE(Ack("live-svc", 0).ok());
  absl::StatusOr<v1::ListConsumersResponse> list = feed_->ListConsumers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->consumers_size(), 2);
  EXPECT_EQ(list->consumers(0).consumer(), "listing-svc");
  EXPECT_EQ(list->consumers(0).lag(), 1u);
  EXPECT_EQ(list->consumers(1).consumer(), "live-svc");
  EXPECT_EQ(list->consumers(1).lag(), 4u);
  EXPECT_EQ(list->last_sequence(), 4u);

  EXPECT_THAT(Ack("listing-svc", 5).status().message(), HasSubstr("beyond the last event, 4"));
  EXPECT_THAT(Ack("Listing Svc", 1).status().message(), HasSubstr("may hold only"));
  EXPECT_THAT(Watch(From(9), 1).status.message(), HasSubstr("beyond the last event, 4"));
}

TEST_F(ActionFeedTest, EventsPastRetentionAreOutOfRange) {
  Report("r1", "s1", "spam");
  Report("r2", "s2", "spam");
  clock_.Advance(40 * kDay);
  Report("r3", "s3", "spam");
  ActionScheduler::Options options;
  options.feed_retention = 30 * kDay;
  ActionScheduler scheduler(store_.get(), writer_.get(), policies_.get(), &clock_, options);
  ASSERT_TRUE(scheduler.ApplyRetention().ok());
  ASSERT_EQ(store_->OldestFeedSequence(), 3u);

  Watched from_one = Watch(From(1), 1);
  EXPECT_EQ(from_one.status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(from_one.status.message(), HasSubstr("the oldest event kept is 3"));
  Watched from_two = Watch(From(2), 1);
  ASSERT_TRUE(from_two.status.ok()) << "nothing after 2 was removed";
  EXPECT_EQ(Sequences(from_two.events), (std::vector<uint64_t>{3}));
  Watched from_start = Watch(From(0), 1);
  EXPECT_EQ(Sequences(from_start.events), (std::vector<uint64_t>{3})) << "0 means the oldest kept";
}

TEST_F(ActionFeedTest, ARetentionThatOvertakesAReaderEndsItsStreamOutOfRange) {
  // More than a page (256 events), so the reader is mid-feed when retention removes the rest.
  for (int i = 0; i < 300; ++i) Report("r" + std::to_string(i), "s" + std::to_string(i), "spam");
  ActionScheduler::Options options;
  options.feed_retention = 30 * kDay;
  ActionScheduler scheduler(store_.get(), writer_.get(), policies_.get(), &clock_, options);
  Watched w;
  bool removed = false;
  w.status = feed_->Watch(
      From(0), [] { return false; },
      [&](const v1::ActionEvent& e) {
        w.events.push_back(e);
        if (!removed) {  // the reader stalls on its first event while retention runs
          removed = true;
          clock_.Advance(40 * kDay);
          EXPECT_TRUE(scheduler.ApplyRetention().ok());
        }
        return true;
      });
  EXPECT_EQ(w.status.code(), absl::StatusCode::kOutOfRange) << w.status;
  EXPECT_THAT(w.status.message(), HasSubstr("the oldest event kept is 301"));
  EXPECT_EQ(w.events.size(), 256u) << "the page already read is sent, then the stream ends";
}

TEST_F(ActionFeedTest, AConsumerAckedAtZeroStartsAtTheOldestKept) {
  Report("r1", "s1", "spam");
  Report("r2", "s2", "spam");
  ASSERT_TRUE(Ack("listing-svc", 0).ok());
  clock_.Advance(40 * kDay);
  Report("r3", "s3", "spam");
  ActionScheduler::Options options;
  options.feed_retention = 30 * kDay;
  ActionScheduler scheduler(store_.get(), writer_.get(), policies_.get(), &clock_, options);
  ASSERT_TRUE(scheduler.ApplyRetention().ok());
  Watched w = Watch(From(0, "listing-svc"), 1);
  ASSERT_TRUE(w.status.ok()) << w.status;
  EXPECT_EQ(Sequences(w.events), (std::vector<uint64_t>{3}));
}

}  // namespace
}  // namespace enforcer
