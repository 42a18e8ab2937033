// The read commands' pieces beyond standing and case: history entries in words, the history
// filters from flags, the complainant record and the audit.
#ifndef ENFORCERD_ENFORCERCTL_CASE_READS_H_
#define ENFORCERD_ENFORCERCTL_CASE_READS_H_

#include <string>

#include "enforcerctl/cli.h"
#include "proto/enforcer.pb.h"

namespace enforcer::ctl {

// One line: "<recorded ISO> #<position> <kind>: <what>".
std::string EntryText(const v1::LedgerEntry& entry);
// Fills the filters of `request` from the history command's flags; false after a usage error.
bool HistoryRequest(const Invocation& inv, v1::ListHistoryRequest* request);
int Complainant(const Invocation& inv);
int Audit(const Invocation& inv);

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_CASE_READS_H_
