// What a policy does, in its own terms, for people: the summary GetPolicy and ValidatePolicy
// return and `enforcerctl policy show` prints. Pure.
#ifndef ENFORCERD_RULES_POLICY_SUMMARY_H_
#define ENFORCERD_RULES_POLICY_SUMMARY_H_

#include <string>
#include <vector>

#include "proto/policy_admin.pb.h"
#include "rules/policy.h"
#include "rules/policy_parser.h"

namespace enforcer {

v1::PolicySummary SummarizePolicy(const Policy& policy);

// A parser diagnostic as the API carries it.
v1::PolicyDiagnostic DiagnosticToProto(const Diagnostic& d);

// "warning 90d", "restrict_feature new_listings 14d (grace 72h)", "deactivate_store".
std::string DescribeAction(const ActionSpec& action);
// "90d" (whole days) or "12h".
std::string DescribeDuration(absl::Duration d);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_SUMMARY_H_
