// A damaged ledger directory is refused, never replaced: database files without CURRENT, a
// corrupt or truncated write-ahead log. Recovering a damaged log is an explicit, recorded choice.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "storage/ledger_store_testing.h"
#include "storage/storage_faults.h"

namespace enforcer {
namespace {

namespace fs = std::filesystem;
using storage_testing::kT0;
using storage_testing::LedgerStoreTest;
using storage_testing::MakeEntry;
using storage_testing::MakeSubject;
using ::testing::HasSubstr;

const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");

std::vector<fs::path> FilesEndingWith(const std::string& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(entry.path());
    }
  }
  return out;
}

LedgerWrite WriteOf(v1::LedgerEntry entry) {
  LedgerWrite write;
  write.entries.push_back(std::move(entry));
  return write;
}

class LedgerFaultsTest : public LedgerStoreTest {
 protected:
  // Commits `n` entries with durability=process and copies the directory while the store is
  // open: what a crash leaves (the write-ahead log holds entries not yet flushed to tables).
  std::string CrashCopy(int n) {
    Reopen(Durability::kProcess);
    for (int i = 1; i <= n; ++i) CommitEntries({MakeEntry(kSeller, i, kT0 + i)});
    const std::string copy = dir_ + "-crashed";
    fs::remove_all(copy);
    fs::copy(dir_, copy, fs::copy_options::recursive);
    return copy;
  }

  static absl::StatusOr<std::unique_ptr<LedgerStore>> Open(const std::string& dir,
                                                           bool recover = false) {
    RocksDbLedgerStoreOptions options;
    options.durability = Durability::kProcess;
    options.recover_damaged_wal = recover;
    return OpenRocksDbLedgerStore(dir, options);
  }
};

TEST_F(LedgerFaultsTest, LedgerFilesWithoutCurrentAreRefusedAndLeftAlone) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  store_.reset();
  fs::remove(fs::path(dir_) / "CURRENT");
  const size_t files = std::distance(fs::directory_iterator(dir_), fs::directory_iterator());
  auto reopened = Open(dir_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(reopened.status().message(), HasSubstr("no CURRENT file"));
  EXPECT_THAT(reopened.status().message(), HasSubstr("MANIFEST-"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), files)
      << "nothing created or removed";
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "CURRENT"));
}

TEST_F(LedgerFaultsTest, AnOfflineOpenNeverCreatesALedger) {
  const std::string empty = dir_ + "-none";
  RocksDbLedgerStoreOptions options;
  options.create_if_missing = false;
  auto opened = OpenRocksDbLedgerStore(empty, options);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(empty));
}

TEST_F(LedgerFaultsTest, ACorruptWriteAheadLogIsRefusedUnlessRecoveryIsChosen) {
  const std::string copy = CrashCopy(200);
  std::vector<fs::path> logs = FilesEndingWith(copy, ".log");
  ASSERT_FALSE(logs.empty());
  const fs::path wal = logs.back();
  const auto size = fs::file_size(wal);
  ASSERT_GT(size, 64u);
  {
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    const std::string garbage(16, '\xA5');
    f.write(garbage.data(), garbage.size());
  }
  auto refused = Open(copy);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();

  auto recovered = Open(copy, /*recover=*/true);
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_LT((*recovered)->LastSequence(), 200u) << "what followed the damage is gone";
}

TEST_F(LedgerFaultsTest, ATruncatedWriteAheadLogIsRefused) {
  const std::string copy = CrashCopy(200);
  std::vector<fs::path> logs = FilesEndingWith(copy, ".log");
  ASSERT_FALSE(logs.empty());
  const fs::path wal = logs.back();
  fs::resize_file(wal, fs::file_size(wal) / 2 + 3);
  auto refused = Open(copy);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
}

TEST_F(LedgerFaultsTest, AnUndamagedCrashCopyOpensWithEverything) {
  const std::string copy = CrashCopy(200);
  auto opened = Open(copy);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ((*opened)->LastSequence(), 200u);
}

// Row 4 and 5 of issue 10: a full disk, or a failing write, answered UNAVAILABLE and then every
// later write failed until a restart. Faults injected below RocksDB, so its own error handling
// runs.
TEST_F(LedgerFaultsTest, WritesFailWhileTheDiskIsFullAndResumeByThemselvesAfter) {
  store_.reset();
  StorageFaults faults;
  RocksDbLedgerStoreOptions options;
  options.durability = Durability::kFsync;
  options.testing_faults = &faults;
  auto opened = OpenRocksDbLedgerStore(dir_, options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<LedgerStore> store = *std::move(opened);
  ASSERT_TRUE(store->Commit({WriteOf(MakeEntry(kSeller, 1, kT0))}).ok());

  faults.FailWrites(true);
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::Status full = store->Commit({WriteOf(MakeEntry(kSeller, 2, kT0))});
    EXPECT_EQ(full.code(), absl::StatusCode::kUnavailable) << full;
  }
  EXPECT_EQ(store->LastSequence(), 1u) << "nothing of a failed commit counts";

  faults.FailWrites(false);
  // Writing resumes by itself (RocksDB's recovery retries each second): no restart.
  absl::Status resumed;
  for (int i = 0; i < 100; ++i) {
    resumed = store->Commit({WriteOf(MakeEntry(kSeller, 2, kT0))});
    if (resumed.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(resumed.ok()) << resumed;
  EXPECT_TRUE(store->Commit({WriteOf(MakeEntry(kSeller, 3, kT0))}).ok());
  auto log = store->ReadLog(kSeller);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 3u);
  store.reset();
  auto reopened = OpenRocksDbLedgerStore(dir_, Durability::kFsync);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->LastSequence(), 3u) << "everything acknowledged is there";
}

}  // namespace
}  // namespace enforcer
