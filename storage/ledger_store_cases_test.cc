// Tests of the case indexes against a real RocksDB: complaints by rights holder and object,
// complaint days, open appeals, and a store written before they existed (the backfill).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/ledger_store.h"
#include "storage/ledger_store_testing.h"

namespace enforcer {
namespace {

using storage_testing::kT0;
using storage_testing::LedgerStoreTest;
using storage_testing::MakeEntry;
using storage_testing::MakeSubject;
using storage_testing::Positions;
using storage_testing::Sequences;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");
const v1::Subject kCreator = MakeSubject(v1::CREATOR, "c1");
constexpr int64_t kDay = 86400;
const int64_t kDay0 = kT0 / kDay;  // the UTC day of kT0

v1::LedgerEntry Complaint(const v1::Subject& subject, uint64_t sequence, const std::string& id,
                          int64_t seconds, const std::string& holder, const std::string& object) {
  v1::LedgerEntry entry = MakeEntry(subject, sequence, seconds);
  v1::Violation& violation = *entry.mutable_violation();
  violation.set_violation_id(id);
  violation.mutable_recorded_at()->set_seconds(seconds);
  violation.mutable_report()->set_rights_holder_id(holder);
  violation.mutable_report()->set_object_id(object);
  return entry;
}

enum class Cause { kAppeal, kRetraction, kReduction, kNone };

v1::LedgerEntry Void(const v1::Subject& subject, uint64_t sequence, const std::string& id,
                     Cause cause) {
  v1::LedgerEntry entry = MakeEntry(subject, sequence, kT0 + 10 * kDay);
  v1::ViolationVoid& v = *entry.mutable_violation_void();
  v.set_violation_id(id);
  if (cause == Cause::kAppeal || cause == Cause::kReduction) v.set_appeal_id("a1");
  if (cause == Cause::kRetraction) v.set_retraction_id("t:r1");
  v.set_reduced(cause == Cause::kReduction);
  return entry;
}

v1::LedgerEntry AppealEntry(const v1::Subject& subject, uint64_t sequence) {
  v1::LedgerEntry entry = MakeEntry(subject, sequence, kT0);
  entry.mutable_appeal()->set_appeal_id(absl::StrCat("a", sequence));
  return entry;
}

v1::LedgerEntry Resolution(const v1::Subject& subject, uint64_t sequence,
                           const std::string& appeal_id) {
  v1::LedgerEntry entry = MakeEntry(subject, sequence, kT0);
  entry.mutable_appeal_resolution()->set_appeal_id(appeal_id);
  return entry;
}

std::string Describe(const std::vector<v1::ComplaintDay>& days) {
  std::string out;
  for (const v1::ComplaintDay& d : days) {
    absl::StrAppend(&out, out.empty() ? "" : " ", "day", d.day() - kDay0, ":", d.complaints(), "/",
                    d.overturned(), "/", d.retracted());
  }
  return out;
}

class CaseIndexTest : public LedgerStoreTest {
 protected:
  std::vector<std::string> Complaints(const std::string& holder, const std::string& object) {
    absl::StatusOr<std::vector<std::string>> ids = store_->FindComplaints(holder, object);
    EXPECT_TRUE(ids.ok()) << ids.status();
    return ids.ok() ? *ids : std::vector<std::string>();
  }
  std::string Days(const std::string& holder) {
    absl::StatusOr<std::vector<v1::ComplaintDay>> days = store_->ReadComplaintDays(holder);
    EXPECT_TRUE(days.ok()) << days.status();
    return days.ok() ? Describe(*days) : "error";
  }
  std::vector<v1::LedgerEntry> Open(uint64_t after, size_t limit = 100) {
    absl::StatusOr<std::vector<v1::LedgerEntry>> open = store_->ListOpenAppeals(after, limit);
    EXPECT_TRUE(open.ok()) << open.status();
    return open.ok() ? *open : std::vector<v1::LedgerEntry>();
  }
};

TEST_F(CaseIndexTest, ComplaintsAreListedOncePerViolationInRecordingOrder) {
  // v1 is recorded in the seller's and the creator's ledger in one write, as the engine does.
  CommitEntries({Complaint(kSeller, 1, "v1", kT0, "rh", "obj"),
                 Complaint(kCreator, 2, "v1", kT0, "rh", "obj")});
  CommitEntries({Complaint(kSeller, 9, "v9", kT0, "rh", "obj"),
                 Complaint(kSeller, 10, "v10", kT0, "rh", "other"),
                 Complaint(kSeller, 11, "v11", kT0, "rh2", "obj"),
                 Complaint(kSeller, 12, "v12", kT0, "rh", "")});
  CommitEntries({Complaint(kCreator, 15, "v15", kT0 - kDay, "rh", "obj")});
  for (int reopened = 0; reopened < 2; ++reopened) {
    // By recording (sequence) order, whatever the ids sort like or when they occurred.
    EXPECT_THAT(Complaints("rh", "obj"), ElementsAre("v1", "v9", "v15"));
    EXPECT_THAT(Complaints("rh", "other"), ElementsAre("v10"));
    EXPECT_THAT(Complaints("rh2", "obj"), ElementsAre("v11"));
    EXPECT_THAT(Complaints("rh", "ob"), IsEmpty());
    EXPECT_THAT(Complaints("r", "hobj"), IsEmpty());
    Reopen();
  }
  EXPECT_EQ(store_->FindComplaints("", "obj").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CaseIndexTest, ComplaintDaysCountEachViolationOnceOnItsDay) {
  CommitEntries({Complaint(kSeller, 1, "v1", kT0, "rh", "obj"),
                 Complaint(kCreator, 2, "v1", kT0, "rh", "obj"),
                 Complaint(kSeller, 3, "v3", kT0 + 60, "rh", ""),
                 Complaint(kSeller, 4, "v4", kT0 + 2 * kDay, "rh", "obj"),
                 Complaint(kSeller, 5, "v5", kT0, "rh2", "obj"), MakeEntry(kSeller, 6, kT0)});
  EXPECT_EQ(Days("rh"), "day0:2/0/0 day2:1/0/0");
  EXPECT_EQ(Days("rh2"), "day0:1/0/0");
  EXPECT_EQ(Days("nobody"), "");
  Reopen();
  EXPECT_EQ(Days("rh"), "day0:2/0/0 day2:1/0/0");
}

TEST_F(CaseIndexTest, VoidsAreTalliedOnTheComplaintsDayOnce) {
  CommitEntries({Complaint(kSeller, 1, "v1", kT0, "rh", "obj"),
                 Complaint(kCreator, 2, "v1", kT0, "rh", "obj"),
                 Complaint(kSeller, 3, "v3", kT0, "rh", "obj"),
                 Complaint(kSeller, 4, "v4", kT0 + kDay, "rh", "obj"),
                 Complaint(kSeller, 5, "v5", kT0 + kDay, "rh", "obj"), MakeEntry(kSeller, 6, kT0)});
  // An overturn written to both ledgers counts once; a reduction leaves the complaint standing; a
  // void of a violation that is no complaint (v6) or has no cause changes no tally.
  CommitEntries({Void(kSeller, 10, "v1", Cause::kAppeal), Void(kCreator, 11, "v1", Cause::kAppeal),
                 Void(kSeller, 12, "v3", Cause::kReduction),
                 Void(kSeller, 13, "v4", Cause::kRetraction),
                 Void(kSeller, 14, "v6", Cause::kAppeal), Void(kSeller, 15, "v5", Cause::kNone)});
  EXPECT_EQ(Days("rh"), "day0:2/1/0 day1:2/0/1");
  // A violation already voided is not tallied again; a reduced one can still be overturned.
  CommitEntries(
      {Void(kSeller, 20, "v1", Cause::kRetraction), Void(kSeller, 21, "v3", Cause::kAppeal)});
  Reopen();
  EXPECT_EQ(Days("rh"), "day0:2/2/0 day1:2/0/1");
}

TEST_F(CaseIndexTest, LaterWritesOfOneCommitSeeEarlierOnes) {
  LedgerWrite first;
  first.entries = {Complaint(kSeller, 1, "v1", kT0, "rh", "obj")};
  LedgerWrite second;
  second.entries = {Complaint(kCreator, 2, "v1", kT0, "rh", "obj"),
                    Complaint(kSeller, 3, "v3", kT0, "rh", "obj")};
  LedgerWrite third;
  third.entries = {Void(kSeller, 4, "v1", Cause::kRetraction)};
  Commit({first, second, third});
  EXPECT_EQ(Days("rh"), "day0:2/0/1");
  EXPECT_THAT(Complaints("rh", "obj"), ElementsAre("v1", "v3"));
}

TEST_F(CaseIndexTest, AFailedCommitLeavesNoTallies) {
  v1::LedgerEntry bad = MakeEntry(kSeller, 2, kT0);
  bad.clear_recorded_at();
  LedgerWrite write;
  write.entries = {Complaint(kSeller, 1, "v1", kT0, "rh", "obj"), bad};
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Days("rh"), "");
  EXPECT_THAT(Complaints("rh", "obj"), IsEmpty());
}

TEST_F(CaseIndexTest, OpenAppealsAreThoseNotYetResolvedOldestFirst) {
  CommitEntries({AppealEntry(kSeller, 3), AppealEntry(kCreator, 4), AppealEntry(kSeller, 5)});
  CommitEntries({AppealEntry(kSeller, 7), Resolution(kSeller, 8, "a3"),
                 // Filed and resolved in one write; then ids that name no appeal are ignored.
                 AppealEntry(kCreator, 9), Resolution(kCreator, 10, "a9"),
                 Resolution(kSeller, 11, "a-5"), Resolution(kSeller, 12, "appeal7")});
  for (int reopened = 0; reopened < 2; ++reopened) {
    const std::vector<v1::LedgerEntry> open = Open(0);
    EXPECT_THAT(Sequences(open), ElementsAre(4, 5, 7));
    // The entries as stored, with their positions.
    EXPECT_THAT(Positions(open), ElementsAre(1, 2, 3));
    EXPECT_EQ(open[0].appeal().appeal_id(), "a4");
    EXPECT_EQ(open[0].subject().kind(), v1::CREATOR);
    EXPECT_THAT(Sequences(Open(4)), ElementsAre(5, 7));
    EXPECT_THAT(Sequences(Open(0, 2)), ElementsAre(4, 5));
    EXPECT_THAT(Open(7), IsEmpty());
    EXPECT_THAT(Open(UINT64_MAX), IsEmpty());
    Reopen();
  }
}

TEST_F(CaseIndexTest, AStoreWrittenBeforeTheIndexesIsBackfilledOnOpen) {
  CommitEntries({Complaint(kSeller, 1, "v1", kT0, "rh", "obj"),
                 Complaint(kCreator, 2, "v1", kT0, "rh", "obj"), AppealEntry(kSeller, 3)});
  CommitEntries({Complaint(kSeller, 4, "v4", kT0 + kDay, "rh", "obj"), AppealEntry(kSeller, 5),
                 Resolution(kSeller, 6, "a3"), Void(kSeller, 7, "v1", Cause::kAppeal)});
  const std::string before = Days("rh");
  store_.reset();
  storage_testing::RemoveFamilies(dir_, {"cases", "audit"},
                                  {std::string(kCaseIndexesBackfilledKey)});
  Reopen();
  EXPECT_EQ(Days("rh"), before);
  EXPECT_EQ(Days("rh"), "day0:1/1/0 day1:1/0/0");
  EXPECT_THAT(Complaints("rh", "obj"), ElementsAre("v1", "v4"));
  EXPECT_THAT(Sequences(Open(0)), ElementsAre(5));
  // Once: a later open does not count again.
  Reopen();
  EXPECT_EQ(Days("rh"), "day0:1/1/0 day1:1/0/0");
}

}  // namespace
}  // namespace enforcer
