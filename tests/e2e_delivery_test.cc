// The action feed over the real daemon: consumers that disconnect and resume miss nothing and see
// nothing twice, two consumers see one order, a consumer far behind catches up from disk, named
// consumers' acks and lag, and the example listing-service consumer taking listings down.
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e_delivery_support.h"
#include "tests/examples/takedown_consumer.h"

namespace enforcer::e2e {
namespace {

class DeliveryTest : public EnforcerdTest {
 protected:
  void SetUp() override {
    EnforcerdTest::SetUp();
    feed_ = v1::ActionFeed::NewStub(channel_);
  }
  void Reports(int from, int to) {
    for (int i = from; i < to; ++i) {
      ReportOk(TakedownReport("r" + std::to_string(i), "s" + std::to_string(i),
                              "listing-" + std::to_string(i)));
    }
  }
  static v1::WatchActionsRequest From(uint64_t sequence, const std::string& consumer = "") {
    v1::WatchActionsRequest r;
    r.set_from_sequence(sequence);
    r.set_consumer(consumer);
    return r;
  }
  std::unique_ptr<v1::ActionFeed::Stub> feed_;
};

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

TEST_F(DeliveryTest, AConsumerThatDisconnectsAndResumesMissesNothingAndRepeatsNothing) {
  Reports(0, 40);  // one take-down event each (1 point per seller: no milestone)
  WatchResult part = WatchFeed(*feed_, From(0), 15);  // then the client goes away
  ASSERT_TRUE(part.status.ok()) << part.status.error_message();
  ASSERT_EQ(FeedSequences(part.events), Range(1, 15));

  // It resumes after the last one it processed while new reports keep coming.
  std::thread more([this] {
    absl::SleepFor(absl::Milliseconds(200));
    Reports(40, 60);
  });
  WatchResult resumed = WatchFeed(*feed_, From(15), 45);
  more.join();
  ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
  EXPECT_EQ(FeedSequences(resumed.events), Range(16, 60));

  // A second consumer sees the same events in the same order.
  WatchResult other = WatchFeed(*feed_, From(0), 60);
  ASSERT_EQ(other.events.size(), 60u);
  for (size_t i = 0; i < 60; ++i) {
    const v1::ActionEvent& mine = i < 15 ? part.events[i] : resumed.events[i - 15];
    EXPECT_EQ(other.events[i].sequence(), mine.sequence());
    EXPECT_EQ(other.events[i].action().action_id(), mine.action().action_id());
    EXPECT_EQ(other.events[i].kind(), v1::ACTION_ISSUED);
    EXPECT_EQ(other.events[i].action().type(), v1::ACTION_TAKE_DOWN);
  }
  EXPECT_EQ(other.events[59].action().object_id(), "listing-59");
}

TEST_F(DeliveryTest, NamedConsumersResumeAfterTheirAckAndShowTheirLag) {
  Reports(0, 10);
  v1::AckActionsRequest ack;
  ack.set_consumer("listing-svc");
  ack.set_sequence(6);
  v1::AckActionsResponse acked;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(feed_->AckActions(&context, ack, &acked).ok());
  }
  EXPECT_EQ(acked.acked_sequence(), 6u);
  WatchResult resumed = WatchFeed(*feed_, From(0, "listing-svc"), 4);
  EXPECT_EQ(FeedSequences(resumed.events), Range(7, 10));

  v1::ListConsumersResponse list;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(feed_->ListConsumers(&context, {}, &list).ok());
  }
  ASSERT_EQ(list.consumers_size(), 1);
  EXPECT_EQ(list.consumers(0).lag(), 4u);
  EXPECT_EQ(list.last_sequence(), 10u);

  ack.set_sequence(11);
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status beyond = feed_->AckActions(&context, ack, &acked);
  EXPECT_EQ(beyond.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(beyond.error_message().find("beyond the last event, 10"), std::string::npos);
  WatchResult bad = WatchFeed(*feed_, From(0, "No Spaces"), 1);
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DeliveryTest, AConsumerFarBehindCatchesUpFromDisk) {
  constexpr int kBehind = 100000;
  std::vector<v1::ReportViolationRequest> reports;
  for (int i = 0; i < kBehind; ++i) {
    reports.push_back(TakedownReport("far-" + std::to_string(i), "far-s" + std::to_string(i),
                                     "far-listing-" + std::to_string(i)));
  }
  StreamResult sent = StreamReports(*stub_, reports);
  ASSERT_TRUE(sent.status.ok()) << sent.status.error_message();
  WatchResult caught_up = WatchFeed(*feed_, From(0), kBehind);
  ASSERT_TRUE(caught_up.status.ok()) << caught_up.status.error_message();
  ASSERT_EQ(caught_up.events.size(), static_cast<size_t>(kBehind));
  for (int i = 0; i < kBehind; ++i) {
    ASSERT_EQ(caught_up.events[i].sequence(), static_cast<uint64_t>(i + 1));
  }
}

TEST_F(DeliveryTest, TheExampleConsumerTakesListingsDownOnceAcrossRestarts) {
  examples::TakedownConsumer::Options options;
  options.state_file = work_dir_ + "/listings.state";
  options.ack_every = 7;
  auto consumer = std::make_unique<examples::TakedownConsumer>(channel_, options);
  std::thread session([&] { EXPECT_TRUE(consumer->RunSession().ok()); });
  Reports(0, 30);
  for (int i = 0; i < 200 && consumer->applied_through() < 30; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  consumer->Stop();
  session.join();
  EXPECT_EQ(consumer->taken_down().size(), 30u);

  // The service restarts (its state file kept), and so does enforcerd, while reports continue.
  Reports(30, 45);
  ASSERT_NO_FATAL_FAILURE(KillAndRestart());
  feed_ = v1::ActionFeed::NewStub(channel_);
  consumer = std::make_unique<examples::TakedownConsumer>(channel_, options);
  std::thread again([&] { EXPECT_TRUE(consumer->RunSession().ok()); });
  for (int i = 0; i < 200 && consumer->applied_through() < 45; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  consumer->Stop();
  again.join();
  EXPECT_EQ(consumer->taken_down().size(), 45u);
  EXPECT_TRUE(consumer->taken_down().count("listing-44"));
  for (const auto& [listing, times] : consumer->take_downs()) {
    EXPECT_EQ(times, 1) << listing << " was taken down more than once";
  }
  v1::ListConsumersResponse list;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(feed_->ListConsumers(&context, {}, &list).ok());
  ASSERT_EQ(list.consumers_size(), 1);
  EXPECT_EQ(list.consumers(0).consumer(), "listing-takedowns");
  EXPECT_EQ(list.consumers(0).acked_sequence(), 45u);
}

}  // namespace
}  // namespace enforcer::e2e
