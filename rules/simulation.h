// Backtesting a candidate policy on recorded history: each recorded decision is made again under
// the candidate and compared with what was recorded. Pure: the caller reads the ledgers.
#ifndef ENFORCERD_RULES_SIMULATION_H_
#define ENFORCERD_RULES_SIMULATION_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "proto/policy_admin.pb.h"
#include "rules/policy.h"

namespace enforcer {

struct SubjectSimulation {
  v1::Subject subject;
  int64_t events = 0;
  bool differs = false;
  // Standing after the last decision in the range, recorded and under the candidate.
  v1::Standing recorded_standing = v1::STANDING_UNSPECIFIED;
  v1::Standing candidate_standing = v1::STANDING_UNSPECIFIED;
  std::map<std::string, std::pair<int64_t, int64_t>> actions;  // name -> (recorded, candidate)
  std::map<std::string, std::pair<int64_t, int64_t>> rules;
  std::vector<v1::DecisionTrace> recorded, candidate;
};

// Re-decides the subject's violations decided in [start, end) (entries oldest first, as its
// ledger holds them) under `candidate`, starting from a clean state at the first one.
SubjectSimulation SimulateSubject(const Policy& candidate, const v1::Subject& subject,
                                  const std::vector<v1::LedgerEntry>& log, absl::Time start,
                                  absl::Time end);

// A decision as a trace line, and whether two traces decide alike (standing, points, rules
// fired, actions; not ids, times or wording).
v1::DecisionTrace TraceOf(const v1::Decision& d, const std::string& category);
bool SameOutcome(const v1::DecisionTrace& a, const v1::DecisionTrace& b);

// Adds subjects' simulations up into a result.
class SimulationTally {
 public:
  explicit SimulationTally(int sample_size) : sample_size_(sample_size) {}
  void Add(SubjectSimulation s);
  // Adds another tally's subjects (from another thread).
  void Merge(SimulationTally&& other);
  v1::SimulationResult Result() const;
  int64_t events() const { return events_; }
  int64_t subjects() const { return subjects_; }

 private:
  int sample_size_;
  int64_t subjects_ = 0;
  int64_t events_ = 0;
  int64_t differing_ = 0;
  std::map<std::pair<int, int>, int64_t> standings_;
  std::map<std::string, std::pair<int64_t, int64_t>> actions_, rules_;
  std::vector<SubjectSimulation> samples_;
};

}  // namespace enforcer

#endif  // ENFORCERD_RULES_SIMULATION_H_
