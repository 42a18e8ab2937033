// ActionPlanner: turns the actions that rules ask for into the effective ones.
//
// Subject actions form one scope, ranked warning < restrict_feature < suspend < deactivate_store
// < revoke_selling_permission. An action is not issued when the subject already has one of the
// same type and feature, or a higher one, in force at least as long ("already in force": nothing
// changes, nothing is recorded), or when a higher action that lasts at least as long is issued by
// the same decision ("superseded": the decision records what covered it). An issued action that
// outlasts a running one of the same type and feature replaces it (an extension; also recorded). So
// one decision never sends downstream a suspension and a deactivation together.
#ifndef ENFORCERD_RULES_ACTION_PLANNER_H_
#define ENFORCERD_RULES_ACTION_PLANNER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"

namespace enforcer {

// Whether `action` has not ended at `now` (permanent, or ending after now). A pending action
// (effective_at in the future) is active but not yet in force.
bool IsActive(const v1::Action& action, absl::Time now);

// Whether `action` is in force at `now`: active and, if pending, past its effective_at.
bool IsInForce(const v1::Action& action, absl::Time now);

// "2026-07-10 00:00 UTC".
std::string FormatUtc(absl::Time t);

// When an action ends; InfiniteFuture for a permanent one.
absl::Time EndOf(const v1::Action& action);

// The standing an action type imposes (GOOD_STANDING for take-downs).
v1::Standing StandingOf(v1::ActionType type);

class ActionPlanner {
 public:
  // Actions get ids "<id_prefix>/<SELLER|CREATOR>/<n>", n counting from `first_index`, name
  // `violation_id` (if any) and start at `now`. `state` holds the subject's actions in force and
  // receives the issued ones.
  ActionPlanner(std::string id_prefix, std::string violation_id, int first_index, absl::Time now,
                v1::SubjectState* state);

  // Rule `rule_id` asks for `spec`, ending at `ends` (InfiniteFuture: permanent), because of
  // `reason` (a sentence for the seller).
  void Request(const std::string& rule_id, const ActionSpec& spec, absl::Time ends,
               const std::string& reason);

  // Writes each action's seller notice (Action.notice) as it is made, before it is kept in the
  // state, so that the state and the decision hold the same action.
  void SetNoticeWriter(std::function<std::string(const v1::Action&)> writer) {
    notice_writer_ = std::move(writer);
  }

  // Decides every request: appends the issued actions to `issued` and what was covered to
  // `superseded`, and updates the state's actions.
  void Finish(google::protobuf::RepeatedPtrField<v1::Action>* issued,
              google::protobuf::RepeatedPtrField<v1::Supersession>* superseded);

 private:
  struct Request_ {
    std::string rule_id;
    ActionSpec spec;
    absl::Time ends;
    std::string reason;
    enum { kPending, kInForce, kCovered, kIssue } outcome = kPending;
    int covered_by_request = -1;
  };
  void Decide(int index);
  v1::Action MakeAction(const Request_& r, int n) const;

  std::string id_prefix_;
  std::string violation_id_;
  int first_index_;
  absl::Time now_;
  v1::SubjectState* state_;
  std::vector<Request_> requests_;
  std::function<std::string(const v1::Action&)> notice_writer_;
};

// "Selling suspended for 28 days", "Store deactivated", ... for an action starting at `now` (or,
// pending, `spec.grace` later) and ending at `ends`.
std::string ActionPhrase(const ActionSpec& spec, absl::Time now, absl::Time ends);

// "14 days", "12 hours": durations as a seller reads them.
std::string HumanDuration(absl::Duration d);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_ACTION_PLANNER_H_
