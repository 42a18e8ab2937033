#include "engine/subject_sweeper.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ledger_entries.h"
#include "proto/timestamp.h"

namespace enforcer {

SubjectSweeper::SubjectSweeper(LedgerStore* store, LedgerWriter* writer, PolicyRegistry* policies,
                               Clock* clock, int max_in_flight)
    : store_(store),
      writer_(writer),
      policies_(policies),
      clock_(clock),
      max_in_flight_(max_in_flight) {}

void SubjectSweeper::AwaitInFlight(int at_most) {
  absl::MutexLock lock(&mu_);
  while (in_flight_ > at_most) drained_.Wait(&mu_);
}

absl::Status SubjectSweeper::SubmitOne(const v1::Subject& subject, SweepReport* report) {
  auto changed = std::make_shared<bool>(false);
  auto wrote = std::make_shared<bool>(false);
  const std::string name = absl::StrCat(v1::SubjectKind_Name(subject.kind()), "/", subject.id());
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      ++in_flight_;
    }
    absl::Status queued = writer_->Submit(
        [this, subject, changed, wrote](LedgerView& view) -> absl::StatusOr<LedgerWrite> {
          // Whole microseconds, as the ledger stores times (see Enforcer::Now).
          const absl::Time now = FromProtoTime(ToProtoTime(clock_->Now()));
          ASSIGN_OR_RETURN(LedgerWrite write, ReevaluationWrite(*policies_->active(), *policies_,
                                                                subject, now, view, changed.get()));
          *wrote = !write.entries.empty();
          return write;
        },
        [this, report, name, changed, wrote](absl::Status status) {
          absl::MutexLock lock(&mu_);
          --in_flight_;
          drained_.Signal();
          if (status.ok()) {
            report->reevaluated += *wrote ? 1 : 0;
            report->changed += *wrote && *changed ? 1 : 0;
          } else if (status.code() == absl::StatusCode::kDataLoss ||
                     status.code() == absl::StatusCode::kInvalidArgument) {
            report->quarantined.push_back(absl::StrCat(name, ": ", status.message()));
          } else if (first_error_.ok()) {
            first_error_ = status;
          }
        });
    if (queued.ok()) return absl::OkStatus();
    {
      absl::MutexLock lock(&mu_);
      --in_flight_;
    }
    // A full queue: reports come first; wait for this sweep's own jobs to drain, then retry.
    if (queued.code() != absl::StatusCode::kResourceExhausted) return queued;
    AwaitInFlight(0);
    absl::SleepFor(absl::Milliseconds(5));
  }
}

absl::StatusOr<SweepReport> SubjectSweeper::ReevaluateAll() {
  if (running_.exchange(true)) {
    return absl::FailedPreconditionError("a re-evaluation of every subject is already running");
  }
  if (cancelled_) return absl::CancelledError("enforcerd is shutting down");
  {
    absl::MutexLock lock(&mu_);
    first_error_ = absl::OkStatus();
  }
  SweepReport report;
  report.started_at = clock_->Now();
  absl::Status walked = store_->ForEachSubject([&](const v1::Subject& subject) -> absl::Status {
    if (cancelled_) return absl::CancelledError("the re-evaluation was cancelled");
    {
      absl::MutexLock lock(&mu_);
      RETURN_IF_ERROR(first_error_);
    }
    ++report.subjects;
    RETURN_IF_ERROR(SubmitOne(subject, &report));
    AwaitInFlight(max_in_flight_ - 1);
    return absl::OkStatus();
  });
  AwaitInFlight(0);
  running_ = false;
  RETURN_IF_ERROR(walked);
  {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(first_error_);
  }
  report.policy_version = policies_->active()->version();
  report.finished_at = clock_->Now();
  return report;
}

}  // namespace enforcer
