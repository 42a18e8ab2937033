// AuditEntriesFor: what each audited entry says; and LedgerWriter filling them in for every job,
// committed to a real store.
#include "engine/audit.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "engine/ledger_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/timestamp.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);  // 2026-09-21T14:13:20Z

v1::Subject Seller(const std::string& id) {
  v1::Subject s;
  s.set_kind(v1::SELLER);
  s.set_id(id);
  return s;
}

v1::LedgerEntry Entry(uint64_t sequence) {
  v1::LedgerEntry e;
  e.set_sequence(sequence);
  *e.mutable_subject() = Seller("s1");
  *e.mutable_recorded_at() = ToProtoTime(kNow);
  return e;
}

v1::Action Suspension(const std::string& id, absl::Time until) {
  v1::Action a;
  a.set_action_id(id);
  a.set_type(v1::ACTION_SUSPEND);
  *a.mutable_expires_at() = ToProtoTime(until);
  return a;
}

v1::AuditEntry Only(const LedgerWrite& write) {
  std::vector<v1::AuditEntry> audit = AuditEntriesFor(write);
  EXPECT_EQ(audit.size(), 1u);
  return audit.empty() ? v1::AuditEntry() : audit[0];
}

TEST(AuditEntriesForTest, AVoidSaysWhoWhyAndWhatItChanged) {
  LedgerWrite write;
  write.entries = {Entry(7)};
  v1::ViolationVoid& v = *write.entries[0].mutable_violation_void();
  v.set_violation_id("v3");
  v.set_cause("appeal a5 overturned");
  v.set_actor("agent-7");
  v.set_appeal_id("a5");
  v1::Reevaluation& r = *v.mutable_recomputation();
  r.set_active_points_before(36);
  r.set_active_points(24);
  r.set_standing_before(v1::SUSPENDED);
  r.set_standing_after(v1::GOOD_STANDING);
  *r.add_actions_lifted()->mutable_action() =
      Suspension("v3/SELLER/1", kNow + absl::Hours(24 * 14));
  const v1::AuditEntry audit = Only(write);
  EXPECT_EQ(audit.sequence(), 7);
  EXPECT_EQ(audit.recorded_at().seconds(), absl::ToUnixSeconds(kNow));
  EXPECT_EQ(audit.subject().id(), "s1");
  EXPECT_EQ(audit.actor(), "agent-7");
  EXPECT_EQ(audit.what(), "violation.void");
  EXPECT_EQ(audit.why(), "appeal a5 overturned");
  EXPECT_EQ(audit.target(), "v3 a5");
  EXPECT_EQ(audit.before(), "36 points; SUSPENDED");
  EXPECT_EQ(audit.after(),
            "24 points; GOOD_STANDING; lifted ACTION_SUSPEND v3/SELLER/1 until "
            "2026-10-05T14:13:20Z");
  v.set_reduced(true);
  v.set_reason("partly right");
  EXPECT_EQ(Only(write).what(), "violation.reduce");
  EXPECT_EQ(Only(write).why(), "appeal a5 overturned: partly right");
}

TEST(AuditEntriesForTest, StaffActionsSayWhatTheyChanged) {
  LedgerWrite write;
  write.entries = {Entry(3)};
  v1::StaffAction& staff = *write.entries[0].mutable_staff_action();
  staff.set_kind(v1::STAFF_CHANGE_END);
  staff.set_actor("lead-1");
  staff.set_reason("seller completed training");
  *staff.mutable_action() = Suspension("v1/SELLER/1", kNow + absl::Hours(24 * 14));
  *staff.mutable_changed_to() = Suspension("v1/SELLER/1", kNow + absl::Hours(24 * 7));
  v1::AuditEntry audit = Only(write);
  EXPECT_EQ(audit.what(), "staff.change_end");
  EXPECT_EQ(audit.why(), "seller completed training");
  EXPECT_EQ(audit.target(), "v1/SELLER/1");
  EXPECT_EQ(audit.before(), "ends 2026-10-05T14:13:20Z");
  EXPECT_EQ(audit.after(), "ends 2026-09-28T14:13:20Z");

  staff.set_kind(v1::STAFF_LIFT);
  staff.set_standing_before(v1::SUSPENDED);
  staff.set_standing_after(v1::GOOD_STANDING);
  audit = Only(write);
  EXPECT_EQ(audit.what(), "staff.lift");
  EXPECT_EQ(audit.before(), "SUSPENDED");
  EXPECT_EQ(audit.after(), "GOOD_STANDING");

  staff.set_kind(v1::STAFF_SNOOZE);
  staff.set_rule_id("counterfeit_strikes");
  *staff.mutable_snoozed_until() = ToProtoTime(kNow + absl::Hours(24));
  audit = Only(write);
  EXPECT_EQ(audit.what(), "staff.snooze");
  EXPECT_EQ(audit.target(), "counterfeit_strikes");
  EXPECT_EQ(audit.after(), "rule counterfeit_strikes snoozed until 2026-09-22T14:13:20Z");

  staff.set_kind(v1::STAFF_NOTE);
  staff.set_reason("");
  staff.set_note("called the seller");
  staff.set_staff_action_id("s3");
  audit = Only(write);
  EXPECT_EQ(audit.what(), "staff.note");
  EXPECT_EQ(audit.why(), "called the seller");
  EXPECT_EQ(audit.target(), "s3");
}

TEST(AuditEntriesForTest, AppealsRemediesAndLinks) {
  LedgerWrite write;
  write.entries = {Entry(1), Entry(2), Entry(3), Entry(4), Entry(5), Entry(6)};
  write.entries[0].mutable_violation()->set_violation_id("v1");  // a report: not audited
  v1::Appeal& appeal = *write.entries[1].mutable_appeal();
  appeal.set_appeal_id("a2");
  appeal.set_violation_id("v1");
  appeal.set_reason("authorised reseller");
  appeal.set_actor("seller-s1");
  v1::AppealResolution& resolution = *write.entries[2].mutable_appeal_resolution();
  resolution.set_appeal_id("a2");
  resolution.set_violation_id("v1");
  resolution.set_outcome(v1::APPEAL_REDUCED);
  resolution.set_points(4);
  resolution.set_reason_code("partial_evidence");
  resolution.set_note("invoice covers half");
  resolution.set_actor("agent-2");
  v1::Remedy& remedy = *write.entries[3].mutable_remedy();
  remedy.set_remedy_id("m4");
  remedy.set_display_name("Policy training");
  remedy.set_actor("agent-3");
  remedy.set_active_points_before(12);
  remedy.set_active_points(8);
  remedy.set_standing_before(v1::WARNED);
  remedy.set_standing_after(v1::GOOD_STANDING);
  v1::SubjectLink& link = *write.entries[4].mutable_link();
  *link.mutable_linked() = Seller("s2");
  link.set_reason("same bank account");
  link.set_actor("agent-4");
  write.entries[5].mutable_decision();  // what the policy decides itself: not audited
  const std::vector<v1::AuditEntry> audit = AuditEntriesFor(write);
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[0].what(), "appeal.file");
  EXPECT_EQ(audit[0].target(), "a2 v1");
  EXPECT_EQ(audit[0].after(), "appeal a2 open");
  EXPECT_EQ(audit[1].what(), "appeal.resolve");
  EXPECT_EQ(audit[1].why(), "partial_evidence: invoice covers half");
  EXPECT_EQ(audit[1].before(), "appeal a2 open");
  EXPECT_EQ(audit[1].after(), "reduced to 4 points");
  EXPECT_EQ(audit[2].what(), "remedy");
  EXPECT_EQ(audit[2].before(), "12 points; WARNED");
  EXPECT_EQ(audit[2].after(), "8 points; GOOD_STANDING");
  EXPECT_EQ(audit[3].what(), "link");
  EXPECT_EQ(audit[3].target(), "SELLER/s2");
  EXPECT_EQ(audit[3].why(), "same bank account");
  EXPECT_EQ(audit[3].sequence(), 5);
}

TEST(AuditEntriesForTest, AnActivationGoesAfterTheLastSequence) {
  LedgerWrite write;
  v1::PolicyActivation& a = write.activation.emplace();
  a.set_version("sha256:new");
  a.set_previous_version("sha256:old");
  a.set_name("marketplace");
  a.set_actor("ops-1");
  a.set_message("raise the counterfeit points");
  *a.mutable_activated_at() = ToProtoTime(kNow);
  int calls = 0;
  AddAuditEntries(&write, [&calls] {
    ++calls;
    return uint64_t{41};
  });
  ASSERT_EQ(write.audit.size(), 1u);
  const v1::AuditEntry& audit = write.audit[0];
  EXPECT_EQ(audit.sequence(), 41);
  EXPECT_FALSE(audit.has_subject());
  EXPECT_EQ(audit.what(), "policy.activate");
  EXPECT_EQ(audit.actor(), "ops-1");
  EXPECT_EQ(audit.why(), "raise the counterfeit points");
  EXPECT_EQ(audit.before(), "policy sha256:old");
  EXPECT_EQ(audit.after(), "policy sha256:new (marketplace)");
  // A write that already carries its audit is left as it is.
  write.audit[0].set_why("kept");
  AddAuditEntries(&write, [&calls] {
    ++calls;
    return uint64_t{99};
  });
  EXPECT_EQ(write.audit[0].why(), "kept");
  EXPECT_EQ(calls, 1);
}

TEST(AuditEntriesForTest, ReportsAreNotAudited) {
  LedgerWrite write;
  write.entries = {Entry(1), Entry(2)};
  write.entries[0].mutable_violation()->set_violation_id("v1");
  write.entries[1].mutable_action()->set_action_id("v1/SELLER/1");
  EXPECT_THAT(AuditEntriesFor(write), IsEmpty());
}

// Every job's write is audited by the writer, whichever job made it; an activation's entry goes
// after the entry written before it and takes no sequence.
TEST(LedgerWriterAuditTest, TheWriterAuditsEveryCommittedWrite) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/writer_audit";
  absl::StatusOr<std::unique_ptr<LedgerStore>> store =
      OpenRocksDbLedgerStore(dir, Durability::kProcess);
  ASSERT_TRUE(store.ok()) << store.status();
  {
    LedgerWriter writer(store->get());
    auto note = [](LedgerView& view) -> absl::StatusOr<LedgerWrite> {
      LedgerWrite write;
      write.entries = {Entry(view.NextSequence())};
      v1::StaffAction& staff = *write.entries[0].mutable_staff_action();
      staff.set_kind(v1::STAFF_NOTE);
      staff.set_actor("agent-9");
      staff.set_note("first call");
      return write;
    };
    auto activate = [](LedgerView&) -> absl::StatusOr<LedgerWrite> {
      LedgerWrite write;
      write.activation.emplace().set_activation(1);
      write.activation->set_version("sha256:p");
      write.activation->set_actor("ops-1");
      *write.activation->mutable_activated_at() = ToProtoTime(kNow);
      return write;
    };
    absl::Notification done;
    ASSERT_TRUE(writer.Submit(note, [](absl::Status s) { EXPECT_TRUE(s.ok()) << s; }).ok());
    ASSERT_TRUE(writer.Submit(activate, [](absl::Status s) { EXPECT_TRUE(s.ok()) << s; }).ok());
    ASSERT_TRUE(writer
                    .Submit(note,
                            [&](absl::Status s) {
                              EXPECT_TRUE(s.ok()) << s;
                              done.Notify();
                            })
                    .ok());
    done.WaitForNotification();
  }
  absl::StatusOr<AuditPage> page = (*store)->ListAudit(AuditQuery());
  ASSERT_TRUE(page.ok()) << page.status();
  std::vector<std::string> seen;
  for (const v1::AuditEntry& a : page->entries) {
    seen.push_back(absl::StrCat(a.sequence(), " ", a.what(), " ", a.actor()));
  }
  EXPECT_THAT(
      seen, ElementsAre("2 staff.note agent-9", "1 policy.activate ops-1", "1 staff.note agent-9"));
  EXPECT_EQ((*store)->LastSequence(), 2);
}

}  // namespace
}  // namespace enforcer
