#include "engine/action_scheduler.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ledger_entries.h"
#include "proto/timestamp.h"
#include "rules/action_clock.h"

namespace enforcer {
namespace {

constexpr absl::Duration kRetentionEvery = absl::Minutes(1);
// Events the retention looks at per pass (the rest go at the next one).
constexpr size_t kRetentionScan = 100000;

std::string SubjectName(const v1::Subject& s) {
  return absl::StrCat(v1::SubjectKind_Name(s.kind()), "/", s.id());
}

}  // namespace

ActionScheduler::ActionScheduler(LedgerStore* store, LedgerWriter* writer, PolicyRegistry* policies,
                                 Clock* clock, Options options)
    : store_(store), writer_(writer), policies_(policies), clock_(clock), options_(options) {
  writer_->SetSubjectPreparer(
      [this](LedgerView& view, const v1::SubjectState& stored) { return Prepare(view, stored); });
}

ActionScheduler::~ActionScheduler() {
  Stop();
  writer_->SetSubjectPreparer(nullptr);
}

absl::StatusOr<LedgerWrite> ActionScheduler::Prepare(LedgerView& view,
                                                     const v1::SubjectState& stored) {
  // Whole microseconds, as the ledger stores times.
  const absl::Time now = FromProtoTime(ToProtoTime(clock_->Now()));
  if (!HasDueActionEvents(stored, now)) return LedgerWrite();  // the common case
  v1::SubjectState state = stored;
  std::shared_ptr<const Policy> policy = policies_->Find(state.policy_version());
  std::vector<v1::LedgerEntry> events = TakeDueActionEvents(policy.get(), now, &state);
  LedgerWrite write;
  if (events.empty()) return write;
  for (v1::LedgerEntry& event : events) {
    v1::LedgerEntry entry = NewEntry(view, state.subject(), now);
    event.set_sequence(entry.sequence());
    *event.mutable_recorded_at() = entry.recorded_at();
    *event.mutable_subject() = entry.subject();
    write.entries.push_back(std::move(event));
  }
  if (counting_ != nullptr) *counting_ += static_cast<int>(write.entries.size());
  write.states.push_back(std::move(state));
  return write;
}

void ActionScheduler::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ActionScheduler::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void ActionScheduler::Run() {
  absl::Time next_retention = absl::InfinitePast();
  do {
    // Errors are retried at the next tick: the timers stay until a pass records them.
    (void)RunOnce();
    if (options_.feed_retention > absl::ZeroDuration() && clock_->Now() >= next_retention) {
      (void)ApplyRetention();
      next_retention = clock_->Now() + kRetentionEvery;
    }
  } while (!stop_.WaitForNotificationWithTimeout(options_.tick));
}

absl::StatusOr<int> ActionScheduler::RunOnce() {
  int recorded = 0;
  // A full page may leave more due timers behind it: the ones handled are consumed, so the next
  // scan starts past them.
  for (;;) {
    const absl::Time now = FromProtoTime(ToProtoTime(clock_->Now()));
    ASSIGN_OR_RETURN(std::vector<v1::ActionTimer> due,
                     store_->ScanDueTimers(now, options_.max_timers_per_pass));
    const bool full = due.size() >= options_.max_timers_per_pass;
    ASSIGN_OR_RETURN(const int n, RecordAll(std::move(due)));
    recorded += n;
    if (!full) return recorded;
  }
}

absl::StatusOr<int> ActionScheduler::RecordAll(std::vector<v1::ActionTimer> due) {
  // Grouped by subject, so each subject is decided once per pass.
  std::map<std::string, std::vector<v1::ActionTimer>> by_subject;
  for (v1::ActionTimer& t : due) by_subject[SubjectName(t.subject())].push_back(std::move(t));
  int recorded = 0;
  std::vector<v1::ActionTimer> job;
  size_t subjects = 0;
  for (auto& [name, timers] : by_subject) {
    for (v1::ActionTimer& t : timers) job.push_back(std::move(t));
    if (++subjects < options_.subjects_per_job) continue;
    ASSIGN_OR_RETURN(const int n, RecordDue(std::move(job)));
    recorded += n;
    job.clear();
    subjects = 0;
  }
  if (!job.empty()) {
    ASSIGN_OR_RETURN(const int n, RecordDue(std::move(job)));
    recorded += n;
  }
  return recorded;
}

absl::StatusOr<int> ActionScheduler::RecordDue(std::vector<v1::ActionTimer> timers) {
  auto recorded = std::make_shared<int>(0);
  RETURN_IF_ERROR(SubmitAndWait([this, timers = std::move(timers),
                                 recorded](LedgerView& view) -> absl::StatusOr<LedgerWrite> {
    const absl::Time now = FromProtoTime(ToProtoTime(clock_->Now()));
    LedgerWrite write;
    // Touching each subject makes the writer run Prepare on it (unless a job of the same group
    // already did, at a time no earlier than the scan): what is due is recorded before this.
    counting_ = recorded.get();
    std::string last;
    for (const v1::ActionTimer& timer : timers) {
      const std::string name = SubjectName(timer.subject());
      if (name != last) {
        last = name;
        absl::StatusOr<v1::SubjectState> state = view.GetSubjectState(timer.subject());
        if (!state.ok()) {
          counting_ = nullptr;
          return state.status();
        }
      }
      // A timer the clock has not reached here (it stepped back since the scan) stays.
      if (FromProtoTime(timer.at()) <= now) write.timers_done.push_back(timer);
    }
    counting_ = nullptr;
    return write;
  }));
  return *recorded;
}

absl::Status ActionScheduler::SubmitAndWait(LedgerWriter::ApplyFn apply) {
  auto result = std::make_shared<absl::Status>();
  auto done = std::make_shared<absl::Notification>();
  RETURN_IF_ERROR(writer_->Submit(std::move(apply), [result, done](absl::Status status) {
    *result = std::move(status);
    done->Notify();
  }));
  done->WaitForNotification();
  return *result;
}

absl::StatusOr<uint64_t> ActionScheduler::ApplyRetention() {
  if (options_.feed_retention <= absl::ZeroDuration()) return 0;
  const absl::Time cutoff = clock_->Now() - options_.feed_retention;
  const uint64_t oldest = store_->OldestFeedSequence();
  uint64_t keep_from = oldest;
  for (size_t scanned = 0; scanned < kRetentionScan;) {
    ASSIGN_OR_RETURN(std::vector<v1::ActionEvent> events, store_->ReadFeed(keep_from, 1000));
    if (events.empty()) break;
    bool reached = false;
    for (const v1::ActionEvent& e : events) {
      if (FromProtoTime(e.recorded_at()) >= cutoff) {
        reached = true;
        break;
      }
      keep_from = e.sequence() + 1;
    }
    if (reached) break;
    scanned += events.size();
  }
  if (keep_from <= oldest) return 0;
  RETURN_IF_ERROR(SubmitAndWait([keep_from](LedgerView&) -> absl::StatusOr<LedgerWrite> {
    LedgerWrite write;
    write.feed_retain_from = keep_from;
    return write;
  }));
  return keep_from - oldest;
}

}  // namespace enforcer
