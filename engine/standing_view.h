// A subject's standing as the API shows it (Enforcer.GetStanding, and the case view's header).
#ifndef ENFORCERD_ENGINE_STANDING_VIEW_H_
#define ENFORCERD_ENGINE_STANDING_VIEW_H_

#include <optional>

#include "absl/time/time.h"
#include "engine/policy_registry.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"

namespace enforcer {

// The standing of `subject` (whose stored state is `state`, nullopt if it has none) at `now`.
// Until the subject is re-evaluated its aggregates cover only the windows of the policy it was
// decided under: its points and tier are shown under that one (evaluated_under), which is what
// its actions follow too.
v1::GetStandingResponse StandingView(PolicyRegistry& policies, const v1::Subject& subject,
                                     const std::optional<v1::SubjectState>& state,
                                     absl::Time now);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_STANDING_VIEW_H_
