// Seller notices: the statement of reasons that goes with every action (DSA Art. 17): what is
// done and until when, the ground (the rule's reason), the facts it rests on, that the decision
// was automated, when a pending action takes effect, and how to appeal and by when. Written for
// the seller: categories and features by their display names, never internal ids.
#ifndef ENFORCERD_RULES_NOTICES_H_
#define ENFORCERD_RULES_NOTICES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"

namespace enforcer {

// "It follows a report of Confirmed counterfeit on 'listing-17' (a listing) that occurred on
// 2026-06-12 and added 24 points."
std::string ViolationFactsText(const Policy& policy, absl::string_view category,
                               absl::string_view object_id, v1::Source source,
                               absl::Time occurred_at, int64_t points_added);

// The notice for `action`, issued at `now` under `policy`; `facts` is a sentence such as
// ViolationFactsText's.
std::string SellerNotice(const Policy& policy, const v1::Action& action, absl::string_view facts,
                         absl::Time now);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_NOTICES_H_
