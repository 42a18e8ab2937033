#include "engine/ledger_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "proto/timestamp.h"
#include "storage/fault_injecting_ledger_store.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using ::testing::ElementsAre;

v1::Subject Seller(const std::string& id) {
  v1::Subject s;
  s.set_kind(v1::SELLER);
  s.set_id(id);
  return s;
}

// A job that counts one event on `subject`: it reads the subject's state (through the view, so
// it must see earlier jobs of its own group), increments it and appends one entry.
LedgerWriter::ApplyFn CountEvent(const v1::Subject& subject, std::vector<uint64_t>* seen_counts) {
  return [subject, seen_counts](LedgerView& view) -> absl::StatusOr<LedgerWrite> {
    absl::StatusOr<v1::SubjectState> state = view.GetSubjectState(subject);
    if (!state.ok()) return state.status();
    state->set_lifetime_violations(state->lifetime_violations() + 1);
    if (seen_counts != nullptr) seen_counts->push_back(state->lifetime_violations());
    LedgerWrite w;
    v1::LedgerEntry e;
    e.set_sequence(view.NextSequence());
    *e.mutable_subject() = subject;
    *e.mutable_recorded_at() = ToProtoTime(absl::FromUnixSeconds(1790000000));
    e.mutable_violation()->set_violation_id(std::to_string(state->lifetime_violations()));
    w.entries.push_back(e);
    w.states.push_back(*state);
    return w;
  };
}

class LedgerWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto store = OpenRocksDbLedgerStore(dir, Durability::kProcess);
    ASSERT_TRUE(store.ok()) << store.status();
    real_ = std::move(*store);
    faults_ = std::make_unique<FaultInjectingLedgerStore>(real_.get());
  }

  int64_t StoredCount(const v1::Subject& s) {
    auto state = real_->GetSubjectState(s);
    return state.ok() && state->has_value() ? (*state)->lifetime_violations() : -1;
  }

  std::unique_ptr<LedgerStore> real_;
  std::unique_ptr<FaultInjectingLedgerStore> faults_;
};

TEST_F(LedgerWriterTest, AppliesJobsInSubmissionOrderAndSeesEarlierJobsOfTheGroup) {
  std::vector<uint64_t> seen;
  std::atomic<int> done{0};
  {
    LedgerWriter writer(faults_.get());
    faults_->HoldCommits();  // let the queue build up so jobs share groups
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(writer
                      .Submit(CountEvent(Seller("s"), &seen),
                              [&](absl::Status st) {
                                EXPECT_TRUE(st.ok()) << st;
                                ++done;
                              })
                      .ok());
    }
    faults_->ReleaseCommits();
  }  // the destructor drains the queue
  EXPECT_EQ(done, 200);
  ASSERT_EQ(seen.size(), 200u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
  EXPECT_EQ(StoredCount(Seller("s")), 200);
  auto log = real_->ReadLog(Seller("s"));
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 200u);
  for (size_t i = 0; i < log->size(); ++i) {
    EXPECT_EQ((*log)[i].sequence(), i + 1);
    EXPECT_EQ((*log)[i].violation().violation_id(), std::to_string(i + 1));
  }
  EXPECT_EQ(real_->LastSequence(), 200u);
}

TEST_F(LedgerWriterTest, GroupsEverythingQueuedBehindAnInFlightCommitIntoOneBatch) {
  LedgerWriter writer(faults_.get());
  faults_->HoldCommits();
  absl::Notification first_done;
  ASSERT_TRUE(
      writer.Submit(CountEvent(Seller("a"), nullptr), [&](absl::Status) { first_done.Notify(); })
          .ok());
  faults_->AwaitHeldCommit();  // the first group (one job) is now syncing
  std::atomic<int> done{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        EXPECT_TRUE(writer
                        .Submit(CountEvent(Seller("c" + std::to_string(t)), nullptr),
                                [&](absl::Status st) { done += st.ok(); })
                        .ok());
      }
    });
  }
  for (auto& c : clients) c.join();
  faults_->ReleaseCommits();
  writer.Shutdown();
  EXPECT_TRUE(first_done.HasBeenNotified());
  EXPECT_EQ(done, 100);
  // One sync for the first job, one for the hundred that queued behind it.
  EXPECT_THAT(faults_->commit_sizes(), ElementsAre(1, 100));
  EXPECT_EQ(writer.stats().groups, 2u);
  EXPECT_EQ(writer.stats().largest_group, 100u);
}

TEST_F(LedgerWriterTest, DoneRunsOnlyAfterTheWriteIsInTheStore) {
  LedgerWriter writer(faults_.get());
  absl::Notification checked;
  ASSERT_TRUE(writer
                  .Submit(CountEvent(Seller("d"), nullptr),
                          [&](absl::Status st) {
                            EXPECT_TRUE(st.ok());
                            EXPECT_EQ(StoredCount(Seller("d")), 1);
                            checked.Notify();
                          })
                  .ok());
  checked.WaitForNotification();
}

TEST_F(LedgerWriterTest, AFailingJobWritesNothingAndDoesNotDisturbItsGroup) {
  std::vector<absl::Status> results(3);
  {
    LedgerWriter writer(faults_.get());
    faults_->HoldCommits();
    writer.Submit(CountEvent(Seller("f"), nullptr), [&](absl::Status s) { results[0] = s; })
        .IgnoreError();
    writer
        .Submit(
            [](LedgerView&) -> absl::StatusOr<LedgerWrite> {
              return absl::InvalidArgumentError("bad job");
            },
            [&](absl::Status s) { results[1] = s; })
        .IgnoreError();
    writer.Submit(CountEvent(Seller("f"), nullptr), [&](absl::Status s) { results[2] = s; })
        .IgnoreError();
    faults_->ReleaseCommits();
  }
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1], absl::InvalidArgumentError("bad job"));
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ(StoredCount(Seller("f")), 2);
}

TEST_F(LedgerWriterTest, ACommitFailureFailsTheWholeGroupAndTheNextGroupStartsClean) {
  LedgerWriter writer(faults_.get());
  faults_->FailCommits(true);
  std::vector<absl::Status> failed(5);
  absl::Notification all_failed;
  std::atomic<int> n{0};
  faults_->HoldCommits();
  for (int i = 0; i < 5; ++i) {
    writer
        .Submit(CountEvent(Seller("g"), nullptr),
                [&, i](absl::Status s) {
                  failed[i] = s;
                  if (++n == 5) all_failed.Notify();
                })
        .IgnoreError();
  }
  faults_->ReleaseCommits();
  all_failed.WaitForNotification();
  for (const absl::Status& s : failed) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(s.message(), "ledger commit failed: injected commit failure");
  }
  EXPECT_EQ(StoredCount(Seller("g")), -1);
  // Every commit attempted so far failed (the five jobs took one or two groups).
  EXPECT_GE(writer.stats().failed_commits, 1u);
  EXPECT_EQ(writer.stats().failed_commits, faults_->commit_sizes().size());

  faults_->FailCommits(false);
  absl::Notification ok;
  writer
      .Submit(CountEvent(Seller("g"), nullptr),
              [&](absl::Status s) {
                EXPECT_TRUE(s.ok());
                ok.Notify();
              })
      .IgnoreError();
  ok.WaitForNotification();
  EXPECT_EQ(StoredCount(Seller("g")), 1);  // nothing of the failed group leaked into the state
  auto log = real_->ReadLog(Seller("g"));
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].sequence(), 1u);  // sequences resume after the last committed one
}

TEST_F(LedgerWriterTest, HealthFollowsCommitsFailingAndSucceedingAgain) {
  LedgerWriter writer(faults_.get());
  std::vector<bool> changes;  // written on the writer thread, read after its jobs are done
  writer.SetHealthObserver([&](bool healthy) { changes.push_back(healthy); });
  auto submit_and_wait = [&] {
    absl::Notification done;
    ASSERT_TRUE(
        writer.Submit(CountEvent(Seller("h"), nullptr), [&](absl::Status) { done.Notify(); }).ok());
    done.WaitForNotification();
  };
  submit_and_wait();
  faults_->FailCommits(true);
  submit_and_wait();
  submit_and_wait();
  faults_->FailCommits(false);
  submit_and_wait();
  submit_and_wait();
  EXPECT_THAT(changes, ElementsAre(false, true)) << "only the changes are reported";
}

TEST_F(LedgerWriterTest, RefusesWorkWhenTheQueueIsFull) {
  LedgerWriter writer(faults_.get(), LedgerWriter::Options{/*max_queue=*/4, /*max_group=*/512});
  faults_->HoldCommits();
  std::atomic<int> done{0};
  auto count = [&](absl::Status s) { done += s.ok(); };
  ASSERT_TRUE(writer.Submit(CountEvent(Seller("q"), nullptr), count).ok());
  faults_->AwaitHeldCommit();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(writer.Submit(CountEvent(Seller("q"), nullptr), count).ok());
  absl::Status full = writer.Submit(CountEvent(Seller("q"), nullptr), count);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(full.message(),
            "the ledger writer queue is full (4 reports waiting); retry with backoff");
  faults_->ReleaseCommits();
  writer.Shutdown();
  EXPECT_EQ(done, 5);
}

TEST_F(LedgerWriterTest, ShutdownFinishesAcceptedJobsThenRefuses) {
  LedgerWriter writer(faults_.get());
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) {
    writer.Submit(CountEvent(Seller("z"), nullptr), [&](absl::Status s) { done += s.ok(); })
        .IgnoreError();
  }
  writer.Shutdown();
  EXPECT_EQ(done, 50);
  EXPECT_EQ(StoredCount(Seller("z")), 50);
  EXPECT_EQ(writer.Submit(CountEvent(Seller("z"), nullptr), [](absl::Status) { FAIL(); }).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(LedgerWriterTest, ContinuesSequencesAfterReopen) {
  {
    LedgerWriter writer(real_.get());
    for (int i = 0; i < 3; ++i)
      writer.Submit(CountEvent(Seller("r"), nullptr), [](absl::Status) {}).IgnoreError();
  }
  EXPECT_EQ(real_->LastSequence(), 3u);
  LedgerWriter writer(real_.get());
  absl::Notification done;
  writer.Submit(CountEvent(Seller("r"), nullptr), [&](absl::Status) { done.Notify(); })
      .IgnoreError();
  done.WaitForNotification();
  EXPECT_EQ(real_->LastSequence(), 4u);
}

}  // namespace
}  // namespace enforcer
