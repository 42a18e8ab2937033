// PolicyRegistry: the policy in force, and every policy version the ledger has recorded.
//
// Decisions and re-evaluations name the policy version they were made under; replaying or
// re-evaluating them needs that version compiled again. The registry finds it among the versions
// seen since start or in the ledger's stored activations (compiling the stored text once).
#ifndef ENFORCERD_ENGINE_POLICY_REGISTRY_H_
#define ENFORCERD_ENGINE_POLICY_REGISTRY_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

// Where an activation came from, as the ledger records it: the source ("embedded default pack", a
// file path, "PolicyAdmin.LoadPolicy"), who made it and why. Implicit from a source alone.
struct ActivationInfo {
  ActivationInfo(std::string source) : source(std::move(source)) {}  // NOLINT: implicit
  ActivationInfo(const char* source) : source(source) {}             // NOLINT: implicit
  ActivationInfo(std::string source, std::string actor, std::string message)
      : source(std::move(source)), actor(std::move(actor)), message(std::move(message)) {}
  std::string source;
  std::string actor;
  std::string message;
};

class PolicyRegistry {
 public:
  // `store` must outlive the registry.
  PolicyRegistry(LedgerStore* store, std::shared_ptr<const Policy> active);

  std::shared_ptr<const Policy> active() const;
  // Makes `policy` the one in force; returns the one it replaces.
  std::shared_ptr<const Policy> SetActive(std::shared_ptr<const Policy> policy);

  // The compiled policy of `version`, or nullptr if the ledger never recorded it (ledgers migrated
  // from schema 1 did not store their policies) or its stored text cannot be read.
  std::shared_ptr<const Policy> Find(const std::string& version);

  // The write that records `policy` becoming active (nullopt if it already is the last activation
  // the ledger recorded). Call on the writer thread, in the job that activates it.
  absl::StatusOr<std::optional<LedgerWrite>> ActivationWrite(const Policy& policy,
                                                             const ActivationInfo& info,
                                                             absl::Time now);
  // The last activation the ledger recorded (nullopt for a new ledger). Writer thread, or before
  // the writer starts.
  absl::StatusOr<std::optional<v1::PolicyActivation>> LastActivation();
  // The activation of `policy` committed: it is what a failed later activation falls back to.
  void ActivationCommitted(std::shared_ptr<const Policy> policy);
  // An activation did not commit: the policy of the last committed activation is in force again,
  // and the last activation is read from the ledger again. (Two activations failing in one group
  // both fall back to the same policy.)
  void ActivationFailed();

 private:
  LedgerStore* const store_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Policy> active_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<const Policy>> known_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Policy> committed_ ABSL_GUARDED_BY(mu_);
  // Versions the ledger does not hold (or that no longer compile): not read again on every call.
  std::set<std::string> unknown_ ABSL_GUARDED_BY(mu_);
  // The last activation recorded in the ledger (writer thread only).
  std::optional<v1::PolicyActivation> last_activation_;
  bool loaded_last_activation_ = false;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_POLICY_REGISTRY_H_
