// Tests of what the LedgerStore keeps beside the ledgers, against a real RocksDB: the violation
// index, the commit log, the expiry index, policy activations, the rebuild flag, and what corrupt
// stored data looks like to a caller.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/fault_injecting_ledger_store.h"
#include "storage/key_codec.h"
#include "storage/ledger_store.h"
#include "storage/ledger_store_testing.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using storage_testing::EqualsProto;
using storage_testing::kT0;
using storage_testing::LedgerStoreTest;
using storage_testing::MakeAction;
using storage_testing::MakeActivation;
using storage_testing::MakeEntry;
using storage_testing::MakeSubject;
using storage_testing::Positions;
using storage_testing::PutRawValue;
using storage_testing::Sequences;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");
const v1::Subject kCreator = MakeSubject(v1::CREATOR, "c1");

std::string Describe(const std::vector<v1::LedgerPosition>& positions) {
  std::string out;
  for (const v1::LedgerPosition& p : positions) {
    absl::StrAppend(&out, out.empty() ? "" : " ", v1::SubjectKind_Name(p.subject().kind()), "/",
                    p.subject().id(), "@", p.position());
  }
  return out;
}

std::string Describe(const std::vector<ExpiryEntry>& expiries) {
  std::string out;
  for (const ExpiryEntry& e : expiries) {
    absl::StrAppend(&out, out.empty() ? "" : " ", absl::ToUnixSeconds(e.expires_at) - kT0, ":",
                    e.subject.id(), ":", e.action_id);
  }
  return out;
}

TEST_F(LedgerStoreTest, ViolationIndexListsEveryLedgerOfAViolation) {
  CommitEntries({MakeEntry(kCreator, 1, kT0)});
  // One violation written to the seller's and the creator's ledger, seller first, as the engine
  // does; its decision entries carry no violation and are not indexed.
  v1::LedgerEntry for_seller = MakeEntry(kSeller, 2, kT0);
  v1::LedgerEntry for_creator = MakeEntry(kCreator, 4, kT0);
  for_creator.mutable_violation()->set_violation_id("v2");
  v1::LedgerEntry decision = MakeEntry(kSeller, 3, kT0);
  decision.mutable_decision()->set_violation_id("v2");
  CommitEntries({for_seller, decision, for_creator});

  EXPECT_EQ(Describe(store_->FindViolation("v2").value()), "SELLER/s1@1 CREATOR/c1@2");
  EXPECT_EQ(Describe(store_->FindViolation("v1").value()), "CREATOR/c1@1");
  EXPECT_THAT(store_->FindViolation("v3").value(), IsEmpty());
  EXPECT_THAT(store_->FindViolation("").value(), IsEmpty());
}

TEST_F(LedgerStoreTest, CommitLogListsEveryEntryBySequence) {
  CommitEntries({MakeEntry(kSeller, 1, kT0), MakeEntry(kCreator, 2, kT0)});
  CommitEntries({MakeEntry(kCreator, 5, kT0 - 60), MakeEntry(kSeller, 7, kT0)});
  Reopen();
  const std::vector<v1::LedgerEntry> log = store_->ReadCommitLog(0, 100).value();
  EXPECT_THAT(Sequences(log), ElementsAre(1, 2, 5, 7));
  EXPECT_THAT(Positions(log), ElementsAre(1, 1, 2, 2));
  EXPECT_THAT(log[2], EqualsProto(Log(kCreator)[1]));
  EXPECT_THAT(Sequences(store_->ReadCommitLog(3, 100).value()), ElementsAre(5, 7));
  EXPECT_THAT(Sequences(store_->ReadCommitLog(2, 2).value()), ElementsAre(2, 5));
  EXPECT_THAT(store_->ReadCommitLog(8, 100).value(), IsEmpty());
  EXPECT_THAT(store_->ReadCommitLog(1, 0).value(), IsEmpty());
}

TEST_F(LedgerStoreTest, ExpiriesAreScannedEarliestFirstBeforeUntil) {
  LedgerWrite write;
  write.entries = {MakeAction(kSeller, 1, "v0/SELLER/1", kT0 + 300),
                   MakeAction(kSeller, 2, "v0/SELLER/2", -1),  // permanent: not indexed
                   MakeAction(kCreator, 3, "v0/CREATOR/1", kT0 + 100),
                   MakeAction(kSeller, 4, "v0/SELLER/3", kT0 + 100),
                   MakeAction(kSeller, 5, "v0/SELLER/0", kT0 + 100)};
  Commit({write});
  CommitEntries({MakeAction(kCreator, 6, "v6/CREATOR/1", kT0 + 200)});

  // Same time: by subject (sellers first), then action id.
  EXPECT_EQ(Describe(store_->ScanExpiries(absl::InfiniteFuture(), 100).value()),
            "100:s1:v0/SELLER/0 100:s1:v0/SELLER/3 100:c1:v0/CREATOR/1 200:c1:v6/CREATOR/1 "
            "300:s1:v0/SELLER/1");
  // `until` is exclusive.
  EXPECT_EQ(Describe(store_->ScanExpiries(absl::FromUnixSeconds(kT0 + 200), 100).value()),
            "100:s1:v0/SELLER/0 100:s1:v0/SELLER/3 100:c1:v0/CREATOR/1");
  EXPECT_EQ(Describe(store_->ScanExpiries(absl::InfiniteFuture(), 2).value()),
            "100:s1:v0/SELLER/0 100:s1:v0/SELLER/3");
  EXPECT_THAT(store_->ScanExpiries(absl::FromUnixSeconds(kT0 + 100), 100).value(), IsEmpty());
  EXPECT_THAT(store_->ScanExpiries(absl::InfinitePast(), 100).value(), IsEmpty());
}

TEST_F(LedgerStoreTest, PoliciesByVersionAndInActivationOrder) {
  EXPECT_FALSE(store_->GetPolicyVersion("sha256:a").value().has_value());
  for (const auto& [activation, version] :
       std::vector<std::pair<uint64_t, std::string>>{{1, "sha256:a"}, {2, "sha256:b"}}) {
    LedgerWrite write;
    write.activation = MakeActivation(activation, version);
    Commit({write});
  }
  // Switching back to a version records a new activation; the version key shows the latest.
  Reopen();
  LedgerWrite back;
  back.activation = MakeActivation(3, "sha256:a");
  back.activation->set_previous_version("sha256:b");
  Commit({back});

  const std::vector<v1::PolicyActivation> activations = store_->ListActivations().value();
  std::vector<uint64_t> numbers;
  for (const v1::PolicyActivation& a : activations) {
    numbers.push_back(a.activation());
  }
  EXPECT_THAT(numbers, ElementsAre(1, 2, 3));
  EXPECT_THAT(store_->GetPolicyVersion("sha256:a").value().value(), EqualsProto(*back.activation));
  EXPECT_EQ(store_->GetPolicyVersion("sha256:b").value()->activation(), 2);
  EXPECT_FALSE(store_->GetPolicyVersion("sha256:c").value().has_value());
}

TEST_F(LedgerStoreTest, ActivationNumbersMustIncrease) {
  LedgerWrite write;
  write.activation = MakeActivation(2, "sha256:a");
  Commit({write});
  Reopen();
  for (uint64_t activation : {uint64_t{2}, uint64_t{1}, uint64_t{0}}) {
    write.activation = MakeActivation(activation, "sha256:b");
    const absl::Status status = store_->Commit({write});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << activation;
  }
  write.activation = MakeActivation(3, "");
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListActivations().value().size(), 1);
}

TEST_F(LedgerStoreTest, StateRebuildPendingUntilCleared) {
  EXPECT_FALSE(store_->StateRebuildPending());
  store_.reset();
  PutRawValue(dir_, "default", std::string(kStateRebuildPendingKey), "");
  Reopen();
  EXPECT_TRUE(store_->StateRebuildPending());
  ASSERT_TRUE(store_->ClearStateRebuildPending().ok());
  EXPECT_FALSE(store_->StateRebuildPending());
  Reopen();
  EXPECT_FALSE(store_->StateRebuildPending());
}

TEST_F(LedgerStoreTest, CorruptStoredValuesAreDataLossNamingTheKey) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  store_.reset();
  const std::string garbage = "\xff\xff\xff";
  const std::string subject_key = EncodeSubjectKey(kSeller).value();
  PutRawValue(dir_, "idempotency", EncodeReportKey("r1"), garbage);
  PutRawValue(dir_, "states", subject_key, garbage);
  PutRawValue(dir_, "ledger", EncodeLedgerKey(subject_key, 2), garbage);
  PutRawValue(dir_, "violations", EncodeViolationKey("v1"), garbage);
  PutRawValue(dir_, "commit_log", EncodeCommitLogKey(9), garbage);
  PutRawValue(dir_, "policies", EncodePolicyVersionKey("sha256:x"), garbage);
  PutRawValue(dir_, "policies", EncodeActivationKey(1), garbage);
  Reopen();

  const auto expect_data_loss = [](const absl::Status& status, const std::string& names) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_THAT(status.message(), HasSubstr(names));
  };
  expect_data_loss(store_->GetReport("r1").status(), "r1");
  expect_data_loss(store_->GetSubjectState(kSeller).status(), "SELLER/s1");
  expect_data_loss(store_->ReadLog(kSeller).status(), "SELLER/s1 position 2");
  expect_data_loss(store_->ListHistory({kSeller}).status(), "SELLER/s1 position 2");
  expect_data_loss(store_->FindViolation("v1").status(), "v1");
  expect_data_loss(store_->ReadCommitLog(1, 10).status(), "commit log record 9");
  expect_data_loss(store_->GetPolicyVersion("sha256:x").status(), "sha256:x");
  expect_data_loss(store_->ListActivations().status(), "policy activation");
  // Position 1 is intact, and the commit log entry of sequence 1 points at it.
  EXPECT_EQ(store_->ReadLogRange(kSeller, 1, 1).value().size(), 1);
  EXPECT_THAT(Sequences(store_->ReadCommitLog(1, 1).value()), ElementsAre(1));

  store_.reset();
  PutRawValue(dir_, "default", std::string(kLastSequenceKey), "short");
  EXPECT_EQ(OpenRocksDbLedgerStore(dir_, Durability::kProcess).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(LedgerStoreTest, ACommitLogRecordPointingAtNothingIsDataLoss) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  store_.reset();
  v1::LedgerPosition nowhere;
  *nowhere.mutable_subject() = kCreator;
  nowhere.set_position(4);
  PutRawValue(dir_, "commit_log", EncodeCommitLogKey(2), nowhere.SerializeAsString());
  Reopen();
  const absl::Status status = store_->ReadCommitLog(0, 10).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("CREATOR/c1 position 4, which is missing"));
}

TEST_F(LedgerStoreTest, FaultInjectingStoreForwardsUntilToldToFail) {
  FaultInjectingLedgerStore faults(store_.get());
  LedgerWrite write;
  write.entries = {MakeEntry(kSeller, 1, kT0)};
  ASSERT_TRUE(faults.Commit({write}).ok());
  EXPECT_EQ(faults.LastPosition(kSeller).value(), 1);
  EXPECT_EQ(faults.ReadCommitLog(0, 10).value().size(), 1);
  faults.FailReads(true);
  EXPECT_EQ(faults.ReadLog(kSeller).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(faults.ScanExpiries(absl::InfiniteFuture(), 1).status().code(),
            absl::StatusCode::kUnavailable);
  faults.FailCommits(true);
  EXPECT_EQ(faults.ClearStateRebuildPending().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(faults.commit_sizes(), ElementsAre(1));
}

}  // namespace
}  // namespace enforcer
