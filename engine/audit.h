// The audit entries a LedgerWrite carries: one per staff, appeal, void, remedy and link entry and
// per policy activation, saying who did what, when, why, and what it changed. Derived from the
// entries themselves, so no pipeline has to remember to write them: LedgerWriter fills them in
// for every write it commits.
#ifndef ENFORCERD_ENGINE_AUDIT_H_
#define ENFORCERD_ENGINE_AUDIT_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "proto/cases.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

// In the order of the write's entries, the activation's last. Each carries its entry's sequence;
// the activation's has sequence 0 (it has no entry of its own): AddAuditEntries sets it.
std::vector<v1::AuditEntry> AuditEntriesFor(const LedgerWrite& write);

// Sets write->audit to AuditEntriesFor(*write), unless the write already carries audit entries.
// An activation's entry takes `last_sequence()`: the last sequence committed or written before
// it, which places it right after that entry (LedgerWrite::audit).
void AddAuditEntries(LedgerWrite* write, const std::function<uint64_t()>& last_sequence);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_AUDIT_H_
