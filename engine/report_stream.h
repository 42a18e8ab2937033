// ReportStream: the server side of one Enforcer.ReportViolations stream (bulk ingest).
//
// Each report read is handed to Enforcer::ReportViolation like a unary call; its result is
// written back when the report is durable (or at once if it is malformed). Flow control: at most
// `max_in_flight` reports are between being read and having their result written; at the limit
// the reactor stops reading, so the client's sends block on gRPC flow control instead of the
// daemon buffering them. The reactor deletes itself once the call is done and every report it
// submitted has been answered (the writer may answer after the client has gone).
#ifndef ENFORCERD_ENGINE_REPORT_STREAM_H_
#define ENFORCERD_ENGINE_REPORT_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <string>

#include "absl/synchronization/mutex.h"
#include "engine/enforcer.h"
#include "proto/enforcer.pb.h"

namespace enforcer {

class ReportStream final
    : public grpc::ServerBidiReactor<v1::ReportViolationRequest, v1::ReportViolationResult> {
 public:
  static constexpr int kDefaultMaxInFlight = 1024;

  // Starts reading at once. `reporter`: see Enforcer::ReportViolation.
  ReportStream(Enforcer* enforcer, std::string reporter,
               int max_in_flight = kDefaultMaxInFlight);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override {}
  void OnDone() override;

 private:
  // A report's result is ready (any thread).
  void Deliver(v1::ReportViolationResult result);
  // With mu_ held: finishes the call once reading ended and every result is written.
  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // With mu_ held: once the call is done and nothing refers to this any more, unlocks, deletes
  // this and returns true; otherwise returns false with mu_ still held.
  bool MaybeDeleteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Enforcer* const enforcer_;
  const std::string reporter_;
  const int max_in_flight_;
  v1::ReportViolationRequest request_;  // the read buffer: only one read is outstanding

  absl::Mutex mu_;
  uint64_t next_index_ ABSL_GUARDED_BY(mu_) = 0;
  // Read and not yet written back (submitted, or its result queued).
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  // Submitted to the enforcer, not yet answered by it.
  int unanswered_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<v1::ReportViolationResult> results_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

// A stream the caller may not open: finished at once with `status`, nothing read.
class RefusedReportStream final
    : public grpc::ServerBidiReactor<v1::ReportViolationRequest, v1::ReportViolationResult> {
 public:
  explicit RefusedReportStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_REPORT_STREAM_H_
