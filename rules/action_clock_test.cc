// Time alone: timed actions end, pending ones take effect, each taken once and in time order.
#include "rules/action_clock.h"

#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1790000000;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

v1::Action Timed(const std::string& id, int64_t expires, int64_t effective = 0) {
  v1::Action a;
  a.set_action_id(id);
  a.set_type(v1::ACTION_SUSPEND);
  a.mutable_subject()->set_kind(v1::SELLER);
  a.mutable_subject()->set_id("s1");
  *a.mutable_expires_at() = ToProtoTime(At(expires));
  if (effective > 0) *a.mutable_effective_at() = ToProtoTime(At(effective));
  return a;
}

v1::SubjectState State() {
  v1::SubjectState s;
  s.mutable_subject()->set_kind(v1::SELLER);
  s.mutable_subject()->set_id("s1");
  return s;
}

std::string Describe(const v1::LedgerEntry& e) {
  if (e.has_action_ended()) return "ended " + e.action_ended().action().action_id();
  if (e.has_action_took_effect())
    return "took effect " + e.action_took_effect().action().action_id();
  return "?";
}

std::vector<std::string> Take(absl::Time now, v1::SubjectState* state) {
  std::vector<std::string> out;
  for (const v1::LedgerEntry& e : TakeDueActionEvents(nullptr, now, state)) {
    out.push_back(Describe(e));
  }
  return out;
}

TEST(ActionClockTest, DueEventsComeInTimeOrderOnce) {
  v1::SubjectState state = State();
  *state.add_actions() = Timed("warning", kStart + 5 * kDay);
  *state.add_actions() = Timed("suspension", kStart + 17 * kDay, kStart + 3 * kDay);
  EXPECT_TRUE(Take(At(kStart + 2 * kDay), &state).empty());
  EXPECT_EQ(Take(At(kStart + 6 * kDay), &state),
            (std::vector<std::string>{"took effect suspension", "ended warning"}));
  EXPECT_TRUE(Take(At(kStart + 6 * kDay), &state).empty()) << "each is taken once";
  ASSERT_EQ(state.actions_size(), 1);
  EXPECT_EQ(state.took_effect_recorded_size(), 1);
  EXPECT_EQ(Take(At(kStart + 20 * kDay), &state), (std::vector<std::string>{"ended suspension"}));
  EXPECT_EQ(state.actions_size(), 0);
  EXPECT_EQ(state.took_effect_recorded_size(), 0) << "forgotten with its action";
}

TEST(ActionClockTest, HasDueActionEventsAgreesWithTake) {
  v1::SubjectState state = State();
  *state.add_actions() = Timed("warning", kStart + 5 * kDay);
  *state.add_actions() = Timed("suspension", kStart + 17 * kDay, kStart + 3 * kDay);
  for (int64_t day : {0, 2, 3, 4, 5, 6, 16, 17, 18}) {
    v1::SubjectState copy = state;
    const absl::Time now = At(kStart + day * kDay);
    const bool due = HasDueActionEvents(copy, now);
    EXPECT_EQ(due, !Take(now, &copy).empty()) << "day " << day;
  }
}

TEST(ActionClockTest, AnEndPrunedByAnotherWriteIsStillTaken) {
  v1::SubjectState state = State();
  *state.add_actions() = Timed("warning", kStart + 5 * kDay);
  // A report decided after the end prunes the state before the scheduler runs.
  PruneState(nullptr, At(kStart + 6 * kDay), &state);
  EXPECT_EQ(state.actions_size(), 0);
  ASSERT_EQ(state.ended_unrecorded_size(), 1);
  std::vector<v1::LedgerEntry> events = TakeDueActionEvents(nullptr, At(kStart + 7 * kDay), &state);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(FromProtoTime(events[0].action_ended().ended_at()), At(kStart + 5 * kDay))
      << "the end is dated when it happened, not when it was recorded";
  EXPECT_EQ(events[0].action_ended().standing_after(), v1::GOOD_STANDING);
  EXPECT_EQ(state.ended_unrecorded_size(), 0);
}

TEST(ActionClockTest, BothTimesPassedWhileDownGiveBothEventsInOrder) {
  v1::SubjectState state = State();
  *state.add_actions() = Timed("suspension", kStart + 17 * kDay, kStart + 3 * kDay);
  EXPECT_EQ(Take(At(kStart + 20 * kDay), &state),
            (std::vector<std::string>{"took effect suspension", "ended suspension"}));
}

TEST(ActionClockTest, AHeldActionNeverComesDue) {
  v1::SubjectState state = State();
  v1::Action held = Timed("held", kStart + 40 * kDay, kStart + 3 * kDay);
  held.set_paused_by_appeal("a9");
  *state.add_actions() = held;
  EXPECT_TRUE(Take(At(kStart + 10 * kDay), &state).empty());
}

TEST(ActionClockTest, EndsOlderThanTheHorizonAreDroppedUnrecorded) {
  v1::SubjectState state = State();
  *state.add_actions() = Timed("ancient", kStart);
  const absl::Time later = At(kStart) + kUnrecordedEndHorizon + absl::Seconds(1);
  EXPECT_TRUE(Take(later, &state).empty());
  EXPECT_EQ(state.ended_unrecorded_size(), 0);
}

TEST(ActionClockTest, PruningInStepsEqualsPruningOnce) {
  v1::SubjectState state = State();
  *state.add_actions() = Timed("b", kStart + 4 * kDay);
  *state.add_actions() = Timed("a", kStart + 2 * kDay);
  *state.add_actions() = Timed("c", kStart + 2 * kDay);
  v1::SubjectState once = state;
  PruneState(nullptr, At(kStart + 3 * kDay), &state);
  PruneState(nullptr, At(kStart + 5 * kDay), &state);
  PruneState(nullptr, At(kStart + 5 * kDay), &once);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(state, once))
      << state.DebugString() << "\nvs\n"
      << once.DebugString();
}

TEST(ActionClockTest, RecordedEntriesFoldToTheSameState) {
  v1::SubjectState live = State();
  *live.add_actions() = Timed("warning", kStart + 5 * kDay);
  *live.add_actions() = Timed("suspension", kStart + 17 * kDay, kStart + 3 * kDay);
  v1::SubjectState folded = live;
  const absl::Time now = At(kStart + 6 * kDay);
  for (const v1::LedgerEntry& e : TakeDueActionEvents(nullptr, now, &live)) {
    PruneState(nullptr, now, &folded);
    if (e.has_action_ended()) ApplyActionEnded(e.action_ended(), &folded);
    if (e.has_action_took_effect()) ApplyActionTookEffect(e.action_took_effect(), &folded);
  }
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(live, folded));
}

}  // namespace
}  // namespace enforcer
