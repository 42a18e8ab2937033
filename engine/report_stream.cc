#include "engine/report_stream.h"

#include <string>
#include <utility>

#include "engine/grpc_service.h"

namespace enforcer {

ReportStream::ReportStream(Enforcer* enforcer, std::string reporter, int max_in_flight)
    : enforcer_(enforcer), reporter_(std::move(reporter)), max_in_flight_(max_in_flight) {
  absl::MutexLock lock(&mu_);
  reading_ = true;
  StartRead(&request_);
}

void ReportStream::OnReadDone(bool ok) {
  uint64_t index = 0;
  {
    absl::MutexLock lock(&mu_);
    if (!ok) {  // the client half-closed (or went away)
      reading_ = false;
      reads_done_ = true;
      MaybeFinishLocked();
      return;
    }
    // reading_ stays set while request_ is being handed over, so that OnWriteDone cannot start
    // another read into it meanwhile.
    index = next_index_++;
    ++in_flight_;
    ++unanswered_;
  }
  const std::string report_id = request_.report_id();
  // May answer at once (a malformed report) on this thread, or later on the writer thread.
  enforcer_->ReportViolation(
      request_, reporter_, [this, index, report_id](absl::StatusOr<v1::ReportViolationResponse> response) {
        v1::ReportViolationResult result;
        result.set_index(index);
        result.set_report_id(report_id);
        if (response.ok()) {
          *result.mutable_response() = *std::move(response);
        } else {
          result.set_code(static_cast<int>(response.status().code()));
          result.set_error(BoundedMessage(response.status().message()));
        }
        Deliver(std::move(result));
      });
  absl::MutexLock lock(&mu_);
  if (!write_failed_ && !finished_ && in_flight_ < max_in_flight_) {
    StartRead(&request_);
  } else {
    reading_ = false;  // OnWriteDone resumes reading once results drain
    MaybeFinishLocked();
  }
}

void ReportStream::Deliver(v1::ReportViolationResult result) {
  mu_.Lock();
  --unanswered_;
  if (write_failed_ || finished_) {
    // The client is gone: nothing to write to. The report itself is recorded (or not) as usual.
    --in_flight_;
    MaybeFinishLocked();
    if (!MaybeDeleteLocked()) mu_.Unlock();
    return;
  }
  results_.push_back(std::move(result));
  if (!writing_) {
    writing_ = true;
    StartWrite(&results_.front());
  }
  mu_.Unlock();
}

void ReportStream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  results_.pop_front();
  --in_flight_;
  if (!ok) {
    write_failed_ = true;
    in_flight_ -= static_cast<int>(results_.size());
    results_.clear();
  }
  if (!results_.empty()) {
    StartWrite(&results_.front());
  } else {
    writing_ = false;
  }
  if (!reading_ && !reads_done_ && !write_failed_ && in_flight_ < max_in_flight_) {
    reading_ = true;
    StartRead(&request_);
  }
  MaybeFinishLocked();
}

void ReportStream::MaybeFinishLocked() {
  if (finished_ || writing_ || reading_) return;
  if (write_failed_) {
    finished_ = true;
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading results"));
    return;
  }
  if (reads_done_ && in_flight_ == 0) {
    finished_ = true;
    Finish(grpc::Status::OK);
  }
}

void ReportStream::OnDone() {
  mu_.Lock();
  done_ = true;
  if (!MaybeDeleteLocked()) mu_.Unlock();
}

bool ReportStream::MaybeDeleteLocked() {
  if (!done_ || unanswered_ > 0) return false;
  // Nothing can call in any more: the call is done and the enforcer has answered every report.
  mu_.Unlock();
  delete this;
  return true;
}

}  // namespace enforcer
