#include "engine/policy_simulator.h"

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"
#include "rules/policy_parser.h"
#include "rules/policy_summary.h"
#include "rules/simulation.h"

namespace enforcer {
namespace {

absl::StatusOr<std::vector<v1::Subject>> SubjectsToVisit(LedgerStore& store,
                                                         const v1::SimulatePolicyRequest& r) {
  std::vector<v1::Subject> subjects;
  for (int i = 0; i < r.subjects_size(); ++i) {
    RETURN_IF_ERROR(ValidateSubject(r.subjects(i), absl::StrCat("subjects[", i, "]")));
    subjects.push_back(r.subjects(i));
  }
  return subjects;
}

// A bounded queue from the ledger reader to the workers.
class LogQueue {
 public:
  struct Item {
    v1::Subject subject;
    std::vector<v1::LedgerEntry> log;
  };
  explicit LogQueue(const std::atomic<bool>* stop) : stop_(stop) {}

  // False when the run stops.
  bool Push(Item item) {
    absl::MutexLock lock(&mu_);
    auto room = [this] { return items_.size() < 1024 || *stop_; };
    while (!room()) mu_.AwaitWithTimeout(absl::Condition(&room), absl::Milliseconds(50));
    if (*stop_) return false;
    items_.push_back(std::move(item));
    return true;
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  // Nothing once closed and empty, or when the run stops.
  std::optional<Item> Pop() {
    absl::MutexLock lock(&mu_);
    auto ready = [this] { return !items_.empty() || closed_ || *stop_; };
    while (!ready()) mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Milliseconds(50));
    if (items_.empty() || *stop_) return std::nullopt;
    Item item = std::move(items_.front());
    items_.pop_front();
    ++taken_;
    return item;
  }
  // Closed, and every item handed out (not necessarily finished).
  bool Drained() {
    absl::MutexLock lock(&mu_);
    return closed_ && items_.empty();
  }

 private:
  const std::atomic<bool>* stop_;
  absl::Mutex mu_;
  std::deque<Item> items_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  int64_t taken_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

absl::Status PolicySimulator::ReadLogs(
    const v1::SimulatePolicyRequest& request,
    const std::function<absl::Status(const v1::Subject&, std::vector<v1::LedgerEntry>)>& visit) {
  if (request.subjects().empty()) return store_->ScanViolationsAndDecisions(visit);
  ASSIGN_OR_RETURN(std::vector<v1::Subject> subjects, SubjectsToVisit(*store_, request));
  for (const v1::Subject& s : subjects) {
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, store_->ReadLog(s));
    RETURN_IF_ERROR(visit(s, std::move(log)));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SimulatePolicyProgress> PolicySimulator::Simulate(
    const v1::SimulatePolicyRequest& request,
    const std::function<void(const v1::SimulatePolicyProgress&)>& progress,
    const std::function<bool()>& cancelled) {
  if (shutting_down_) return absl::UnavailableError("enforcerd is shutting down");
  if (running_.exchange(true)) {
    return absl::FailedPreconditionError(
        "a simulation is already running; wait for it or cancel it");
  }
  absl::StatusOr<v1::SimulatePolicyProgress> result =
      Run(request, progress, [&] { return shutting_down_ || cancelled(); });
  running_ = false;
  return result;
}

absl::StatusOr<v1::SimulatePolicyProgress> PolicySimulator::Run(
    const v1::SimulatePolicyRequest& request,
    const std::function<void(const v1::SimulatePolicyProgress&)>& progress,
    const std::function<bool()>& cancelled) {
  if (request.candidate_text().empty()) {
    return absl::InvalidArgumentError("candidate_text: is required");
  }
  if (request.sample_size() < 0 || request.sample_size() > 100) {
    return absl::InvalidArgumentError("sample_size: must be 0..100");
  }
  const absl::Time start =
      request.has_start_time() ? FromProtoTime(request.start_time()) : absl::InfinitePast();
  const absl::Time end =
      request.has_end_time() ? FromProtoTime(request.end_time()) : absl::InfiniteFuture();
  v1::SimulatePolicyProgress final;
  final.set_done(true);
  ParseResult parsed = ParsePolicy(request.candidate_text(), "candidate.yaml");
  if (parsed.policy == nullptr) {
    for (const Diagnostic& d : parsed.diagnostics) *final.add_diagnostics() = DiagnosticToProto(d);
    return final;
  }
  const absl::Time began = absl::Now();
  const int sample = request.sample_size() == 0 ? 10 : request.sample_size();
  std::atomic<int64_t> done{0}, events{0};
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  absl::Status failure;
  SimulationTally total(sample);
  LogQueue queue(&stop);
  // One reader feeds the ledgers to the workers: a single scan of every ledger, or the logs of
  // the subjects asked for.
  std::thread reader([&] {
    absl::Status read =
        ReadLogs(request, [&](const v1::Subject& s, std::vector<v1::LedgerEntry> log) {
          return queue.Push({s, std::move(log)})
                     ? absl::OkStatus()
                     : absl::CancelledError("the simulation was cancelled");
        });
    if (!read.ok() && !stop) {
      absl::MutexLock lock(&mu);
      failure = read;
      stop = true;
    }
    queue.Close();
  });
  auto work = [&] {
    SimulationTally mine(sample);
    while (std::optional<LogQueue::Item> item = queue.Pop()) {
      SubjectSimulation s = SimulateSubject(*parsed.policy, item->subject, item->log, start, end);
      events += s.events;
      mine.Add(std::move(s));
      ++done;
    }
    absl::MutexLock lock(&mu);
    total.Merge(std::move(mine));
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < threads_; ++t) workers.emplace_back(work);
  while (!queue.Drained() && !stop) {
    absl::SleepFor(absl::Milliseconds(100));
    if (cancelled()) stop = true;
    v1::SimulatePolicyProgress p;
    p.set_subjects_done(done);
    p.set_events_replayed(events);
    progress(p);
  }
  reader.join();
  for (std::thread& w : workers) w.join();
  if (!failure.ok()) return failure;
  if (stop) return absl::CancelledError("the simulation was cancelled");
  *final.mutable_result() = total.Result();
  v1::SimulationResult& r = *final.mutable_result();
  r.set_candidate_version(parsed.policy->version());
  const double seconds = absl::ToDoubleSeconds(absl::Now() - began);
  r.set_seconds(seconds);
  r.set_events_per_second(seconds > 0 ? r.events() / seconds : 0);
  final.set_subjects_done(r.subjects());
  final.set_events_replayed(r.events());
  return final;
}

}  // namespace enforcer
