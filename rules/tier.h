// A subject's tier: where its active points put it on its ledger's milestone ladder.
#ifndef ENFORCERD_RULES_TIER_H_
#define ENFORCERD_RULES_TIER_H_

#include <utility>
#include <vector>

#include "proto/enforcer.pb.h"
#include "rules/policy.h"
#include "rules/scoring.h"

namespace enforcer {

// The ledger's milestones with their thresholds as they apply to this subject now (region
// overrides resolved), lowest first.
std::vector<std::pair<int64_t, const MilestoneRule*>> ResolvedLadder(const Policy& policy,
                                                                     const PointsScore& score,
                                                                     LedgerKind ledger);

// The highest milestone the points reach and the next one up.
v1::Tier TierOf(const Policy& policy, const PointsScore& score, LedgerKind ledger);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_TIER_H_
