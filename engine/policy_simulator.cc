#include "engine/policy_simulator.h"

#include <atomic>
#include <memory>
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
  if (!subjects.empty()) return subjects;
  RETURN_IF_ERROR(store.ForEachSubject([&](const v1::Subject& s) {
    subjects.push_back(s);
    return absl::OkStatus();
  }));
  return subjects;
}

}  // namespace

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
  ASSIGN_OR_RETURN(std::vector<v1::Subject> subjects, SubjectsToVisit(*store_, request));
  const int sample = request.sample_size() == 0 ? 10 : request.sample_size();
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0}, events{0};
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  absl::Status failure;
  SimulationTally total(sample);
  auto work = [&] {
    SimulationTally mine(sample);
    for (size_t i = next++; i < subjects.size() && !stop; i = next++) {
      absl::StatusOr<std::vector<v1::LedgerEntry>> log = store_->ReadLog(subjects[i]);
      if (!log.ok()) {
        absl::MutexLock lock(&mu);
        failure = log.status();
        stop = true;
        break;
      }
      SubjectSimulation s = SimulateSubject(*parsed.policy, subjects[i], *log, start, end);
      events += s.events;
      mine.Add(std::move(s));
      ++done;
    }
    absl::MutexLock lock(&mu);
    total.Merge(std::move(mine));
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < threads_; ++t) workers.emplace_back(work);
  while (done < static_cast<int64_t>(subjects.size()) && !stop) {
    absl::SleepFor(absl::Milliseconds(100));
    if (cancelled()) stop = true;
    absl::MutexLock lock(&mu);
    if (!failure.ok()) break;
    v1::SimulatePolicyProgress p;
    p.set_subjects_done(done);
    p.set_events_replayed(events);
    progress(p);
  }
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
