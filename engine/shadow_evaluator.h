// ShadowEvaluator: shadow mode. While a shadow policy is set, every report is also decided under
// it, on the writer thread, from a state of its own that the shadow policy alone would have
// produced (replayed from the subject's ledger the first time the subject is seen, then kept
// in memory). Its decisions go to the store apart from the ledger (LedgerWrite.shadow_decisions)
// and never act.
#ifndef ENFORCERD_ENGINE_SHADOW_EVALUATOR_H_
#define ENFORCERD_ENGINE_SHADOW_EVALUATOR_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/ledger_writer.h"
#include "proto/policy_admin.pb.h"
#include "rules/evaluator.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

class ShadowEvaluator {
 public:
  // Sets (or, with a null policy, clears) the shadow; drops the states of the previous one.
  void Set(std::shared_ptr<const Policy> policy, v1::ShadowSetting setting);
  std::shared_ptr<const Policy> policy() const;
  v1::ShadowSetting setting() const;

  // Writer thread: decides `facts` for `subject` under the shadow (if one is set) and appends the
  // comparison with `real` (the active policy's decision, recorded at entry `sequence`) to
  // `write`. `remedies` are the subject's, replayed with its history the first time.
  absl::Status Evaluate(const v1::Subject& subject, const ViolationFacts& facts, absl::Time now,
                        const v1::Decision& real, uint64_t sequence,
                        const google::protobuf::RepeatedPtrField<v1::RemedyFact>& remedies,
                        LedgerView& view, LedgerWrite* write);

  // After a commit failed: the states may have run ahead of the ledger; rebuild them on next use.
  void Forget();

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const Policy> policy_ ABSL_GUARDED_BY(mu_);
  v1::ShadowSetting setting_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::SubjectState> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_SHADOW_EVALUATOR_H_
