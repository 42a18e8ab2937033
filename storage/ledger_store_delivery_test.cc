// The delivery family: feed events numbered without gaps in the batch of their entries, timers
// derived from states and consumed by writes, consumers' cursors, retention, and the backfill of a
// store written before it existed.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "proto/timestamp.h"
#include "storage/key_codec.h"
#include "storage/ledger_store_testing.h"

namespace enforcer {
namespace {

using storage_testing::kT0;
using storage_testing::LedgerStoreTest;
using storage_testing::MakeAction;
using storage_testing::MakeEntry;
using storage_testing::MakeState;
using storage_testing::MakeSubject;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");

class DeliveryTest : public LedgerStoreTest {
 protected:
  std::vector<std::string> Feed(uint64_t from = 1) {
    auto events = store_->ReadFeed(from, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    std::vector<std::string> out;
    for (const v1::ActionEvent& e : events.value_or(std::vector<v1::ActionEvent>())) {
      out.push_back(absl::StrCat(e.sequence(), ":", v1::ActionEventKind_Name(e.kind()), ":",
                                 e.action().action_id(), "@", e.ledger_sequence()));
    }
    return out;
  }

  std::vector<std::string> Due(int64_t until_seconds) {
    auto timers = store_->ScanDueTimers(absl::FromUnixSeconds(until_seconds), 100);
    EXPECT_TRUE(timers.ok()) << timers.status();
    std::vector<std::string> out;
    for (const v1::ActionTimer& t : timers.value_or(std::vector<v1::ActionTimer>())) {
      out.push_back(absl::StrCat(t.action_id(), ":", v1::ActionTimer::Kind_Name(t.kind())));
    }
    return out;
  }
};

v1::LedgerEntry Lift(uint64_t sequence, const v1::Action& action) {
  v1::LedgerEntry e = MakeEntry(kSeller, sequence, kT0);
  e.clear_violation();
  *e.mutable_lift()->mutable_action() = action;
  e.mutable_lift()->set_reason("policy no longer supports it");
  return e;
}

TEST_F(DeliveryTest, EventsAreNumberedWithoutGapsInCommitOrder) {
  EXPECT_EQ(store_->LastFeedSequence(), 0u);
  const v1::LedgerEntry a = MakeAction(kSeller, 2, "v1/SELLER/1", kT0 + 100);
  CommitEntries({MakeEntry(kSeller, 1, kT0), a, MakeAction(kSeller, 3, "v1/SELLER/2", -1)});
  CommitEntries({MakeEntry(kSeller, 4, kT0), Lift(5, a.action())});
  EXPECT_THAT(Feed(), ElementsAre("1:ACTION_ISSUED:v1/SELLER/1@2", "2:ACTION_ISSUED:v1/SELLER/2@3",
                                  "3:ACTION_LIFTED:v1/SELLER/1@5"));
  EXPECT_EQ(store_->LastFeedSequence(), 3u);
  EXPECT_THAT(Feed(3), ElementsAre("3:ACTION_LIFTED:v1/SELLER/1@5"));
  Reopen();
  EXPECT_EQ(store_->LastFeedSequence(), 3u);
  CommitEntries({MakeAction(kSeller, 6, "v6/SELLER/1", -1)});
  EXPECT_EQ(Feed(4), std::vector<std::string>{"4:ACTION_ISSUED:v6/SELLER/1@6"});
}

TEST_F(DeliveryTest, TimersComeFromStatesAndAreConsumedByWrites) {
  v1::SubjectState state = MakeState(kSeller, 1);
  *state.add_actions() = MakeAction(kSeller, 2, "v1/SELLER/1", kT0 + 100).action();
  v1::Action pending = MakeAction(kSeller, 3, "v1/SELLER/2", kT0 + 500).action();
  *pending.mutable_effective_at() = ToProtoTime(absl::FromUnixSeconds(kT0 + 50));
  *state.add_actions() = pending;
  LedgerWrite write;
  write.states.push_back(state);
  Commit({write});
  EXPECT_THAT(Due(kT0 + 49), ElementsAre());
  EXPECT_THAT(Due(kT0 + 100), ElementsAre("v1/SELLER/2:TAKES_EFFECT", "v1/SELLER/1:ENDS"));
  EXPECT_THAT(Due(kT0 + 1000),
              ElementsAre("v1/SELLER/2:TAKES_EFFECT", "v1/SELLER/1:ENDS", "v1/SELLER/2:ENDS"));

  auto due = store_->ScanDueTimers(absl::FromUnixSeconds(kT0 + 100), 100);
  ASSERT_TRUE(due.ok());
  LedgerWrite consumed;
  consumed.timers_done = *due;
  Commit({consumed});
  EXPECT_THAT(Due(kT0 + 1000), ElementsAre("v1/SELLER/2:ENDS"));
}

TEST_F(DeliveryTest, CursorsAndRetention) {
  CommitEntries({MakeAction(kSeller, 1, "a1", -1), MakeAction(kSeller, 2, "a2", -1),
                 MakeAction(kSeller, 3, "a3", -1)});
  LedgerWrite ack;
  v1::ConsumerCursor cursor;
  cursor.set_consumer("listing-svc");
  cursor.set_acked_sequence(2);
  ack.cursors.push_back(cursor);
  ack.feed_retain_from = 3;
  Commit({ack});
  EXPECT_EQ(store_->OldestFeedSequence(), 3u);
  EXPECT_THAT(Feed(), ElementsAre("3:ACTION_ISSUED:a3@3"));
  auto cursors = store_->ListConsumerCursors();
  ASSERT_TRUE(cursors.ok());
  ASSERT_EQ(cursors->size(), 1u);
  EXPECT_EQ((*cursors)[0].acked_sequence(), 2u);
  Reopen();
  EXPECT_EQ(store_->OldestFeedSequence(), 3u);
  auto got = store_->GetConsumerCursor("listing-svc");
  ASSERT_TRUE(got.ok() && got->has_value());

  LedgerWrite too_far;
  too_far.feed_retain_from = 5;
  EXPECT_THAT(store_->Commit({too_far}).message(), HasSubstr("not written yet"));
  LedgerWrite bad_name;
  cursor.set_consumer("Listing Service");
  bad_name.cursors.push_back(cursor);
  EXPECT_EQ(store_->Commit({bad_name}).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DeliveryTest, AStoreWrittenBeforeTheFeedIsBackfilledOnOpen) {
  const v1::LedgerEntry a = MakeAction(kSeller, 2, "v1/SELLER/1", kT0 + 100);
  v1::SubjectState state = MakeState(kSeller, 1);
  *state.add_actions() = a.action();
  LedgerWrite write;
  write.entries = {MakeEntry(kSeller, 1, kT0), a};
  write.states.push_back(state);
  Commit({write});
  CommitEntries({Lift(3, a.action())});
  const std::vector<std::string> before = Feed();
  store_.reset();
  storage_testing::RemoveFamilies(
      dir_, {"delivery"},
      {std::string(kDeliveryBackfilledKey), std::string(kLastFeedSequenceKey),
       std::string(kOldestFeedSequenceKey)});
  Reopen();
  EXPECT_EQ(Feed(), before);
  EXPECT_EQ(store_->LastFeedSequence(), 2u);
  EXPECT_THAT(Due(kT0 + 100), ElementsAre("v1/SELLER/1:ENDS"));
  Reopen();  // once
  EXPECT_EQ(Feed(), before);
}

}  // namespace
}  // namespace enforcer
