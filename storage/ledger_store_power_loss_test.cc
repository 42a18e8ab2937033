// Power loss (issue 10): what each --durability keeps of acknowledged commits when the machine
// loses power. StorageFaults tracks what every ledger file held in stable storage (what its last
// fsync covered); at the power cut nothing more reaches the disk, and after the store is gone
// each file is cut back to what the disk kept. The reopened store is the one enforcerd would
// start with.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/ledger_store_testing.h"
#include "storage/storage_faults.h"

namespace enforcer {
namespace {

using storage_testing::kT0;
using storage_testing::MakeEntry;
using storage_testing::MakeReport;
using storage_testing::MakeSubject;
using storage_testing::Sequences;
using ::testing::HasSubstr;
using Unsynced = StorageFaults::Unsynced;

constexpr int kReports = 100;
const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");

std::string ReportId(uint64_t sequence) { return absl::StrCat("report-", sequence); }

// One report as the engine commits it: its idempotency record and its ledger entry together.
LedgerWrite ReportWrite(uint64_t sequence) {
  LedgerWrite write;
  write.report = MakeReport(ReportId(sequence), absl::StrCat("v", sequence));
  write.entries.push_back(MakeEntry(kSeller, sequence, kT0 + static_cast<int64_t>(sequence)));
  return write;
}

// Bytes of the write-ahead logs that were not synced when the power went.
uint64_t UnsyncedLogBytes(const std::map<std::string, uint64_t>& unsynced) {
  uint64_t bytes = 0;
  for (const auto& [name, n] : unsynced) {
    if (absl::EndsWith(name, ".log")) bytes += n;
  }
  return bytes;
}

class PowerLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_NE(tmp, nullptr);
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = absl::StrCat(tmp, "/", info->test_suite_name(), ".", info->name(), "/ledger");
    std::filesystem::remove_all(dir_);
  }

  // A ledger written through the faults from its creation on, so every file is tracked.
  void OpenWithFaults(Durability durability) {
    store_.reset();
    RocksDbLedgerStoreOptions options;
    options.durability = durability;
    options.testing_faults = &faults_;
    auto opened = OpenRocksDbLedgerStore(dir_, options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
  }

  // Commits reports `from`..`to`, each in its own commit (as group commits of one), every one
  // acknowledged.
  void CommitReports(uint64_t from, uint64_t to) {
    for (uint64_t sequence = from; sequence <= to; ++sequence) {
      const absl::Status status = store_->Commit({ReportWrite(sequence)});
      ASSERT_TRUE(status.ok()) << "report " << sequence << ": " << status;
    }
  }

  // The power goes now (unless it already went), the store dies with it, and the disk keeps
  // `kept` of what was not synced. Returns the unsynced bytes per file at the cut.
  std::map<std::string, uint64_t> LosePower(Unsynced kept) {
    if (!faults_.power_cut()) faults_.CutPower();
    std::map<std::string, uint64_t> unsynced = faults_.UnsyncedBytes();
    store_.reset();  // Its close writes nothing: the disk is off.
    const absl::Status lost = faults_.LoseUnsyncedData(kept);
    EXPECT_TRUE(lost.ok()) << lost;
    // In the test log: what each loss cut away.
    for (const auto& [name, bytes] : unsynced) {
      std::cerr << "unsynced at the power cut: " << name << " " << bytes << " bytes\n";
    }
    return unsynced;
  }

  // The restart after the power loss, as enforcerd opens the ledger (no faults).
  absl::StatusOr<std::unique_ptr<LedgerStore>> Restart(bool recover_damaged_wal = false) {
    RocksDbLedgerStoreOptions options;
    options.recover_damaged_wal = recover_damaged_wal;
    return OpenRocksDbLedgerStore(dir_, options);
  }

  std::string dir_;
  StorageFaults faults_;
  std::unique_ptr<LedgerStore> store_;
};

// How many of reports 1..`committed` `store` holds. They must be a prefix 1..k (a commit is kept
// whole or not at all, in commit order), each report's record and entry present exactly once.
uint64_t Survivors(LedgerStore& store, uint64_t committed) {
  auto log = store.ReadLog(kSeller);
  EXPECT_TRUE(log.ok()) << log.status();
  if (!log.ok()) return 0;
  const uint64_t kept = log->size();
  std::vector<uint64_t> prefix;
  for (uint64_t sequence = 1; sequence <= kept; ++sequence) prefix.push_back(sequence);
  EXPECT_EQ(Sequences(*log), prefix) << "the surviving entries are 1.." << kept << ", each once";
  EXPECT_EQ(store.LastSequence(), kept);
  for (uint64_t sequence = 1; sequence <= committed; ++sequence) {
    auto report = store.GetReport(ReportId(sequence));
    EXPECT_TRUE(report.ok()) << report.status();
    if (report.ok()) {
      EXPECT_EQ(report->has_value(), sequence <= kept) << "report " << sequence;
    }
    auto found = store.FindViolation(absl::StrCat("v", sequence));
    EXPECT_TRUE(found.ok()) << found.status();
    if (found.ok()) {
      EXPECT_EQ(found->size(), sequence <= kept ? 1u : 0u) << "violation " << sequence;
    }
  }
  return kept;
}

TEST_F(PowerLossTest, FsyncLosesNoAcknowledgedReport) {
  OpenWithFaults(Durability::kFsync);
  CommitReports(1, kReports);
  const auto unsynced = LosePower(Unsynced::kLost);
  EXPECT_EQ(UnsyncedLogBytes(unsynced), 0u) << "every acknowledged commit was in a synced log";

  auto restarted = Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(Survivors(**restarted, kReports), static_cast<uint64_t>(kReports));
}

// The worst case for --durability=process: the OS wrote back nothing it was not made to. The
// log is cut where its last sync ended, between two records, so the store opens cleanly: without
// what was acknowledged since. Here the last sync was the open's own (it records the schema).
TEST_F(PowerLossTest, ProcessLosesEveryReportSinceTheLastSync) {
  OpenWithFaults(Durability::kProcess);
  CommitReports(1, kReports);
  const auto unsynced = LosePower(Unsynced::kLost);
  EXPECT_GT(UnsyncedLogBytes(unsynced), 0u) << "the commits were in the log, not yet synced";

  auto restarted = Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(Survivors(**restarted, kReports), 0u) << "all " << kReports << " acknowledged lost";
}

// The loss stops at the last sync: reopening the store replays its log into synced tables, so
// what was committed before a restart survives a later power loss.
TEST_F(PowerLossTest, ProcessKeepsWhatWasCommittedBeforeTheLastOpen) {
  OpenWithFaults(Durability::kProcess);
  CommitReports(1, kReports / 2);
  OpenWithFaults(Durability::kProcess);  // A clean restart.
  CommitReports(kReports / 2 + 1, kReports);
  LosePower(Unsynced::kLost);

  auto restarted = Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(Survivors(**restarted, kReports), static_cast<uint64_t>(kReports / 2));
}

// A clean stop does not sync the log either (RocksDB closes it without an fsync): until the
// ledger is opened again, what was acknowledged under --durability=process waits on the OS.
TEST_F(PowerLossTest, ProcessCleanStopDoesNotSyncTheLog) {
  OpenWithFaults(Durability::kProcess);
  CommitReports(1, kReports);
  store_.reset();
  LosePower(Unsynced::kLost);

  auto restarted = Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(Survivors(**restarted, kReports), 0u);
}

// The power goes while a commit is being fsync'ed: it is never acknowledged, and with the log cut
// where its last sync ended it is simply absent.
TEST_F(PowerLossTest, FsyncCommitCutShortIsNotAcknowledgedAndAbsent) {
  OpenWithFaults(Durability::kFsync);
  CommitReports(1, kReports);
  faults_.CutPowerAtNextSync();
  const absl::Status cut = store_->Commit({ReportWrite(kReports + 1)});
  EXPECT_EQ(cut.code(), absl::StatusCode::kUnavailable) << cut;
  EXPECT_TRUE(faults_.power_cut());
  const auto unsynced = LosePower(Unsynced::kLost);
  EXPECT_GT(UnsyncedLogBytes(unsynced), 0u) << "the unacknowledged commit reached the OS";

  auto restarted = Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(Survivors(**restarted, kReports + 1), static_cast<uint64_t>(kReports));
}

// The same, but the disk kept most of that commit: its log ends in a torn record. The store
// refuses to open (DATA_LOSS, as for any damaged log) until the operator chooses
// --recover_damaged_wal, which replays up to the torn record: every acknowledged report is there.
TEST_F(PowerLossTest, FsyncTornLastCommitNeedsRecoveryAndKeepsEveryAcknowledgedReport) {
  OpenWithFaults(Durability::kFsync);
  CommitReports(1, kReports);
  faults_.CutPowerAtNextSync();
  EXPECT_FALSE(store_->Commit({ReportWrite(kReports + 1)}).ok());
  LosePower(Unsynced::kTorn);

  auto refused = Restart();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("truncated record body"));

  auto recovered = Restart(/*recover_damaged_wal=*/true);
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(Survivors(**recovered, kReports + 1), static_cast<uint64_t>(kReports));
}

// --durability=process when the OS had written back all but the end of the last commit: the same
// refusal, and recovery keeps every report but the torn one.
TEST_F(PowerLossTest, ProcessTornLogNeedsRecoveryAndLosesTheTornReport) {
  OpenWithFaults(Durability::kProcess);
  CommitReports(1, kReports);
  LosePower(Unsynced::kTorn);

  auto refused = Restart();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("truncated record body"));

  auto recovered = Restart(/*recover_damaged_wal=*/true);
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(Survivors(**recovered, kReports), static_cast<uint64_t>(kReports - 1));
}

}  // namespace
}  // namespace enforcer
