// A LedgerStore that forwards to a real one but can be told to fail, or to hold Commit until
// released, so tests can exercise storage failures and queueing. Test-only.
#ifndef ENFORCERD_STORAGE_FAULT_INJECTING_LEDGER_STORE_H_
#define ENFORCERD_STORAGE_FAULT_INJECTING_LEDGER_STORE_H_

#include <atomic>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "storage/ledger_store.h"

namespace enforcer {

class FaultInjectingLedgerStore : public LedgerStore {
 public:
  explicit FaultInjectingLedgerStore(LedgerStore* real) : real_(real) {}

  // While set, every read (or every write: Commit, ClearStateRebuildPending) fails with
  // UNAVAILABLE, as the RocksDB store reports I/O errors.
  void FailReads(bool fail) { fail_reads_ = fail; }
  void FailCommits(bool fail) { fail_commits_ = fail; }
  // From now on this subject's ledger reads as corrupt (DATA_LOSS), as a damaged SST would.
  void CorruptLedgerOf(const v1::Subject& subject) {
    unreadable_.insert(subject.SerializeAsString());
  }

  // While held, Commit blocks (so the writer's queue fills up behind it).
  void HoldCommits() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void ReleaseCommits() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  // Blocks until a Commit is waiting behind HoldCommits().
  void AwaitHeldCommit() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&waiting_));
  }

  // The number of writes in each Commit call, in order.
  std::vector<size_t> commit_sizes() const {
    absl::MutexLock lock(&mu_);
    return commit_sizes_;
  }

  absl::StatusOr<std::optional<v1::StoredReport>> GetReport(absl::string_view id) override {
    if (fail_reads_) return ReadFailure();
    return real_->GetReport(id);
  }
  absl::StatusOr<std::optional<v1::SubjectState>> GetSubjectState(
      const v1::Subject& subject) override {
    if (fail_reads_) return ReadFailure();
    return real_->GetSubjectState(subject);
  }
  absl::Status Commit(absl::Span<const LedgerWrite> writes) override {
    {
      absl::MutexLock lock(&mu_);
      waiting_ = held_;
      mu_.Await(absl::Condition(
          +[](bool* held) { return !*held; }, &held_));
      waiting_ = false;
      commit_sizes_.push_back(writes.size());
    }
    if (fail_commits_) return CommitFailure();
    return real_->Commit(writes);
  }
  absl::StatusOr<HistoryPage> ListHistory(const HistoryQuery& query) override {
    if (fail_reads_) return ReadFailure();
    return real_->ListHistory(query);
  }
  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadLogRange(const v1::Subject& subject,
                                                            uint64_t from, size_t limit) override {
    if (fail_reads_) return ReadFailure();
    if (unreadable_.count(subject.SerializeAsString())) {
      return absl::DataLossError("injected: the ledger of this subject is corrupt");
    }
    return real_->ReadLogRange(subject, from, limit);
  }
  absl::StatusOr<uint64_t> LastPosition(const v1::Subject& subject) override {
    if (fail_reads_) return ReadFailure();
    return real_->LastPosition(subject);
  }
  absl::StatusOr<std::vector<v1::LedgerPosition>> FindViolation(
      absl::string_view violation_id) override {
    if (fail_reads_) return ReadFailure();
    return real_->FindViolation(violation_id);
  }
  absl::Status ForEachSubject(
      const std::function<absl::Status(const v1::Subject&)>& visit) override {
    if (fail_reads_) return ReadFailure();
    return real_->ForEachSubject(visit);
  }
  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadCommitLog(uint64_t from, size_t limit) override {
    if (fail_reads_) return ReadFailure();
    return real_->ReadCommitLog(from, limit);
  }
  absl::StatusOr<std::vector<ExpiryEntry>> ScanExpiries(absl::Time until, size_t limit) override {
    if (fail_reads_) return ReadFailure();
    return real_->ScanExpiries(until, limit);
  }
  absl::StatusOr<std::optional<v1::PolicyActivation>> GetPolicyVersion(
      absl::string_view version) override {
    if (fail_reads_) return ReadFailure();
    return real_->GetPolicyVersion(version);
  }
  absl::StatusOr<std::vector<v1::PolicyActivation>> ListActivations() override {
    if (fail_reads_) return ReadFailure();
    return real_->ListActivations();
  }
  absl::StatusOr<std::optional<v1::ShadowSetting>> GetShadowSetting() override {
    if (fail_reads_) return ReadFailure();
    return real_->GetShadowSetting();
  }
  absl::StatusOr<std::vector<v1::ShadowDecision>> ReadShadowDecisions(uint64_t from,
                                                                      size_t limit) override {
    if (fail_reads_) return ReadFailure();
    return real_->ReadShadowDecisions(from, limit);
  }
  absl::StatusOr<std::vector<std::string>> FindComplaints(absl::string_view rights_holder_id,
                                                          absl::string_view object_id) override {
    if (fail_reads_) return ReadFailure();
    return real_->FindComplaints(rights_holder_id, object_id);
  }
  absl::StatusOr<std::vector<v1::ComplaintDay>> ReadComplaintDays(
      absl::string_view rights_holder_id) override {
    if (fail_reads_) return ReadFailure();
    return real_->ReadComplaintDays(rights_holder_id);
  }
  absl::StatusOr<std::vector<v1::LedgerEntry>> ListOpenAppeals(uint64_t after_sequence,
                                                               size_t limit) override {
    if (fail_reads_) return ReadFailure();
    return real_->ListOpenAppeals(after_sequence, limit);
  }
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) override {
    if (fail_reads_) return ReadFailure();
    return real_->ListAudit(query);
  }
  absl::StatusOr<std::vector<v1::ActionEvent>> ReadFeed(uint64_t from, size_t limit) override {
    if (fail_reads_) return ReadFailure();
    return real_->ReadFeed(from, limit);
  }
  uint64_t LastFeedSequence() const override { return real_->LastFeedSequence(); }
  uint64_t OldestFeedSequence() const override { return real_->OldestFeedSequence(); }
  absl::StatusOr<std::vector<v1::ConsumerCursor>> ListConsumerCursors() override {
    if (fail_reads_) return ReadFailure();
    return real_->ListConsumerCursors();
  }
  absl::StatusOr<std::optional<v1::ConsumerCursor>> GetConsumerCursor(
      absl::string_view consumer) override {
    if (fail_reads_) return ReadFailure();
    return real_->GetConsumerCursor(consumer);
  }
  absl::StatusOr<std::vector<v1::ActionTimer>> ScanDueTimers(absl::Time until,
                                                            size_t limit) override {
    if (fail_reads_) return ReadFailure();
    return real_->ScanDueTimers(until, limit);
  }
  uint64_t LastSequence() const override { return real_->LastSequence(); }
  bool StateRebuildPending() const override { return real_->StateRebuildPending(); }
  // A write, so it fails with the commits.
  absl::Status ClearStateRebuildPending() override {
    if (fail_commits_) return CommitFailure();
    return real_->ClearStateRebuildPending();
  }

 private:
  static absl::Status ReadFailure() { return absl::UnavailableError("injected read failure"); }
  static absl::Status CommitFailure() { return absl::UnavailableError("injected commit failure"); }

  LedgerStore* const real_;
  std::atomic<bool> fail_reads_{false};
  std::atomic<bool> fail_commits_{false};
  // Set before the store is shared with other threads.
  std::set<std::string> unreadable_;
  mutable absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<size_t> commit_sizes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_FAULT_INJECTING_LEDGER_STORE_H_
