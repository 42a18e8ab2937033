// What the store derives for delivery: feed events per entry kind, timers per state.
#include "proto/action_events.h"

#include <gtest/gtest.h>

namespace enforcer {
namespace {

v1::Action TimedAction(const std::string& id, int64_t expires, int64_t effective = 0) {
  v1::Action a;
  a.set_action_id(id);
  a.set_type(v1::ACTION_RESTRICT_FEATURE);
  a.set_feature("live_selling");
  a.mutable_subject()->set_kind(v1::SELLER);
  a.mutable_subject()->set_id("s1");
  a.mutable_expires_at()->set_seconds(expires);
  if (effective > 0) a.mutable_effective_at()->set_seconds(effective);
  return a;
}

v1::LedgerEntry Entry(uint64_t sequence) {
  v1::LedgerEntry e;
  e.set_sequence(sequence);
  e.mutable_recorded_at()->set_seconds(1000);
  e.mutable_subject()->set_kind(v1::SELLER);
  e.mutable_subject()->set_id("s1");
  return e;
}

TEST(ActionEventsTest, EachActionChangeIsOneEventCarryingItsEntry) {
  v1::LedgerEntry issued = Entry(7);
  *issued.mutable_action() = TimedAction("v1/SELLER/1", 5000);
  std::vector<v1::ActionEvent> events = ActionEventsOf(issued);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), v1::ACTION_ISSUED);
  EXPECT_EQ(events[0].ledger_sequence(), 7u);
  EXPECT_EQ(events[0].action().action_id(), "v1/SELLER/1");
  EXPECT_EQ(events[0].sequence(), 0u) << "the store numbers events";

  v1::LedgerEntry lift = Entry(8);
  *lift.mutable_lift()->mutable_action() = TimedAction("v1/SELLER/1", 5000);
  lift.mutable_lift()->set_reason("overturned");
  lift.mutable_lift()->set_reinstatement(true);
  lift.mutable_lift()->set_actor("agent-7");
  events = ActionEventsOf(lift);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), v1::ACTION_REINSTATED);
  EXPECT_EQ(events[0].actor(), "agent-7");
  lift.mutable_lift()->set_reinstatement(false);
  EXPECT_EQ(ActionEventsOf(lift)[0].kind(), v1::ACTION_LIFTED);

  v1::LedgerEntry ended = Entry(9);
  *ended.mutable_action_ended()->mutable_action() = TimedAction("v1/SELLER/1", 5000);
  EXPECT_EQ(ActionEventsOf(ended).at(0).kind(), v1::ACTION_ENDED);
  v1::LedgerEntry took = Entry(10);
  *took.mutable_action_took_effect()->mutable_action() = TimedAction("v1/SELLER/2", 9000, 4000);
  EXPECT_EQ(ActionEventsOf(took).at(0).kind(), v1::ACTION_TOOK_EFFECT);
}

TEST(ActionEventsTest, OnlySupersessionsOfActionsInForceAreEvents) {
  v1::LedgerEntry e = Entry(11);
  v1::Decision& d = *e.mutable_decision();
  d.set_policy_version("sha256:abc");
  v1::Supersession* in_force = d.add_superseded();
  *in_force->mutable_action() = TimedAction("v1/SELLER/1", 5000);
  in_force->set_superseded_by_action_id("v11/SELLER/1");
  in_force->set_superseded_by_type(v1::ACTION_SUSPEND);
  v1::Supersession* candidate = d.add_superseded();
  *candidate->mutable_action() = TimedAction("", 5000);  // never issued
  std::vector<v1::ActionEvent> events = ActionEventsOf(e);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), v1::ACTION_SUPERSEDED);
  EXPECT_EQ(events[0].superseded_by_action_id(), "v11/SELLER/1");
  EXPECT_EQ(events[0].superseded_by_type(), v1::ACTION_SUSPEND);
  EXPECT_EQ(events[0].policy_version(), "sha256:abc");
}

TEST(ActionEventsTest, StaffEndChangesAndAppealPausesAreEvents) {
  v1::LedgerEntry e = Entry(12);
  v1::StaffAction& staff = *e.mutable_staff_action();
  staff.set_kind(v1::STAFF_CHANGE_END);
  *staff.mutable_action() = TimedAction("v1/SELLER/1", 5000);
  *staff.mutable_changed_to() = TimedAction("v1/SELLER/1", 3000);
  staff.set_actor("agent-1");
  std::vector<v1::ActionEvent> events = ActionEventsOf(e);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), v1::ACTION_END_CHANGED);
  EXPECT_EQ(events[0].action().expires_at().seconds(), 3000);

  v1::LedgerEntry changed = Entry(13);
  *changed.mutable_action() = staff.changed_to();
  changed.mutable_action()->set_staff_adjusted(true);
  EXPECT_TRUE(ActionEventsOf(changed).empty()) << "the staff entry's event says it";

  v1::LedgerEntry note = Entry(13);
  note.mutable_staff_action()->set_kind(v1::STAFF_NOTE);
  EXPECT_TRUE(ActionEventsOf(note).empty());

  v1::LedgerEntry appeal = Entry(14);
  *appeal.mutable_appeal()->add_paused_actions() = TimedAction("v1/SELLER/2", 9000, 4000);
  EXPECT_EQ(ActionEventsOf(appeal).at(0).kind(), v1::ACTION_PAUSED);
  v1::LedgerEntry resolved = Entry(15);
  *resolved.mutable_appeal_resolution()->add_actions_resumed() = TimedAction("v1/SELLER/2", 9000);
  EXPECT_EQ(ActionEventsOf(resolved).at(0).kind(), v1::ACTION_RESUMED);

  v1::LedgerEntry violation = Entry(16);
  violation.mutable_violation()->set_violation_id("v16");
  EXPECT_TRUE(ActionEventsOf(violation).empty());
}

TEST(ActionEventsTest, TimersOfAStateAreItsEndsAndUnrecordedEffects) {
  v1::SubjectState state;
  state.mutable_subject()->set_kind(v1::SELLER);
  state.mutable_subject()->set_id("s1");
  *state.add_actions() = TimedAction("a-timed", 5000);
  *state.add_actions() = TimedAction("a-pending", 9000, 4000);
  v1::Action permanent;
  permanent.set_action_id("a-permanent");
  permanent.set_type(v1::ACTION_DEACTIVATE_STORE);
  *state.add_actions() = permanent;
  v1::Action paused = TimedAction("a-paused", 9999999, 9999000);
  paused.set_paused_by_appeal("a20");
  *state.add_actions() = paused;
  *state.add_ended_unrecorded() = TimedAction("a-ran-out", 900);

  std::vector<v1::ActionTimer> timers = TimersOf(state);
  for (const v1::ActionTimer& t : timers) EXPECT_EQ(t.subject().id(), "s1");
  ASSERT_EQ(timers.size(), 4u);
  EXPECT_EQ(timers[0].action_id(), "a-timed");
  EXPECT_EQ(timers[0].kind(), v1::ActionTimer::ENDS);
  EXPECT_EQ(timers[0].at().seconds(), 5000);
  EXPECT_EQ(timers[1].action_id(), "a-pending");
  EXPECT_EQ(timers[1].kind(), v1::ActionTimer::TAKES_EFFECT);
  EXPECT_EQ(timers[1].at().seconds(), 4000);
  EXPECT_EQ(timers[2].action_id(), "a-pending");
  EXPECT_EQ(timers[2].kind(), v1::ActionTimer::ENDS);
  EXPECT_EQ(timers[3].action_id(), "a-ran-out");

  // Once its taking effect is recorded, a pending action only has its end.
  state.add_took_effect_recorded("a-pending");
  timers = TimersOf(state);
  ASSERT_EQ(timers.size(), 3u);
  EXPECT_EQ(timers[1].kind(), v1::ActionTimer::ENDS);
}

}  // namespace
}  // namespace enforcer
