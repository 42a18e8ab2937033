// The schema 1 -> 2 migration, on a real schema-1 ledger written by the enforcerd of commit 85cb364
// (storage/testdata/ledger_v1, made by storage/testdata/make_ledger_v1.sh). EXPECTED.txt beside it
// holds what the old enforcerd reported while writing it: every request as sent, the violation
// ids, each ledger's sequences in commit order, the timed actions and the last sequence.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "base/test_files.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/fingerprint.h"
#include "rocksdb/db.h"
#include "storage/key_codec.h"
#include "storage/ledger_db.h"
#include "storage/ledger_store.h"
#include "storage/rocksdb_ledger_store.h"
#include "storage/schema_migration.h"

namespace enforcer {
namespace {

using ::testing::Contains;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::Not;

struct ReportFact {
  std::string violation_id;
  v1::ReportViolationRequest request;
};

// EXPECTED.txt, parsed. Subjects are named "SELLER seller-a".
struct Expected {
  std::map<std::string, ReportFact> reports;  // first sends only, by report_id
  std::map<std::string, std::vector<uint64_t>> ledgers;
  std::map<std::string, std::vector<std::string>> violations;           // id -> ledgers, in order
  std::vector<std::tuple<int64_t, std::string, std::string>> expiries;  // micros, subject, id
  uint64_t last_sequence = 0;
};

std::string Name(const v1::Subject& subject) {
  return absl::StrCat(v1::SubjectKind_Name(subject.kind()), " ", subject.id());
}

v1::Subject SubjectNamed(const std::string& name) {
  const std::vector<std::string> parts = absl::StrSplit(name, ' ');
  v1::Subject subject;
  subject.set_kind(parts[0] == "SELLER" ? v1::SELLER : v1::CREATOR);
  subject.set_id(parts[1]);
  return subject;
}

void ParseLine(const std::string& line, Expected* expected) {
  const std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (words.empty() || words[0][0] == '#') return;
  if (words[0] == "report" && words[3] == "0") {
    ReportFact& fact = expected->reports[words[1]];
    fact.violation_id = words[2];
    // The request's text follows the fourth word.
    size_t text_start = 0;
    for (int i = 0; i < 4; ++i) text_start = line.find(' ', text_start) + 1;
    ASSERT_TRUE(
        google::protobuf::TextFormat::ParseFromString(line.substr(text_start), &fact.request))
        << line;
  } else if (words[0] == "ledger") {
    std::vector<uint64_t>& sequences = expected->ledgers[words[1] + " " + words[2]];
    for (size_t i = 3; i < words.size(); ++i) sequences.push_back(std::stoull(words[i]));
  } else if (words[0] == "violation") {
    for (size_t i = 2; i + 1 < words.size(); i += 2) {
      expected->violations[words[1]].push_back(words[i] + " " + words[i + 1]);
    }
  } else if (words[0] == "expiry") {
    expected->expiries.emplace_back(std::stoll(words[1]), words[2] + " " + words[3], words[4]);
  } else if (words[0] == "last_sequence") {
    expected->last_sequence = std::stoull(words[1]);
  }
}

Expected ReadExpected() {
  Expected expected;
  std::istringstream in(ReadFileToString(RunfilePath("storage/testdata/ledger_v1/EXPECTED.txt")));
  for (std::string line; std::getline(in, line);) ParseLine(line, &expected);
  return expected;
}

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    expected_ = ReadExpected();
    ASSERT_EQ(expected_.ledgers.size(), 3);
    ASSERT_FALSE(expected_.reports.empty());
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/", info->name(), "/ledger");
    CopyFixture();
  }

  // A writable copy of the fixture (runfiles are read-only), replacing any earlier one.
  void CopyFixture() {
    namespace fs = std::filesystem;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const fs::directory_entry& file :
         fs::directory_iterator(RunfilePath("storage/testdata/ledger_v1"))) {
      if (file.path().filename() == "EXPECTED.txt") continue;
      const fs::path to = fs::path(dir_) / file.path().filename();
      fs::copy_file(file.path(), to);
      fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write);
    }
  }

  std::unique_ptr<LedgerStore> Open(MigrationReport* report = nullptr) {
    RocksDbLedgerStoreOptions options;
    options.durability = Durability::kProcess;
    options.migration_report = report;
    absl::StatusOr<std::unique_ptr<LedgerStore>> store = OpenRocksDbLedgerStore(dir_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  size_t EntryCount() const {
    size_t n = 0;
    for (const auto& [name, sequences] : expected_.ledgers) n += sequences.size();
    return n;
  }

  std::vector<std::string> ColumnFamilies() const {
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_, &names).ok());
    std::sort(names.begin(), names.end());
    return names;
  }

  // Everything the migration must produce, checked through the public interface.
  void ExpectMigrated(LedgerStore& store);
  void ExpectLedgers(LedgerStore& store);
  void ExpectIndexes(LedgerStore& store);

  Expected expected_;
  std::string dir_;
};

void MigrationTest::ExpectLedgers(LedgerStore& store) {
  for (const auto& [name, sequences] : expected_.ledgers) {
    SCOPED_TRACE(name);
    const std::vector<v1::LedgerEntry> log = store.ReadLog(SubjectNamed(name)).value();
    std::vector<uint64_t> positions, got_sequences, expected_positions;
    for (const v1::LedgerEntry& entry : log) {
      positions.push_back(entry.position());
      got_sequences.push_back(entry.sequence());
      expected_positions.push_back(expected_positions.size() + 1);
    }
    EXPECT_THAT(got_sequences, ElementsAreArray(sequences));  // commit order
    EXPECT_THAT(positions, ElementsAreArray(expected_positions));
    EXPECT_EQ(store.LastPosition(SubjectNamed(name)).value(), sequences.size());
    EXPECT_FALSE(store.GetSubjectState(SubjectNamed(name)).value().has_value());
    // Newest first, by position.
    const HistoryPage page = store.ListHistory({SubjectNamed(name)}).value();
    ASSERT_EQ(page.entries.size(), log.size());
    EXPECT_EQ(page.entries.front().sequence(), sequences.back());
  }
  // The fixture's point: the clock stepped back within seller-b's ledger, so commit order is not
  // time order there, and positions followed commit order.
  const std::vector<v1::LedgerEntry> seller_b =
      store.ReadLog(SubjectNamed("SELLER seller-b")).value();
  EXPECT_FALSE(std::is_sorted(seller_b.begin(), seller_b.end(), [](const auto& a, const auto& b) {
    return absl::ToUnixMicros(absl::FromUnixSeconds(a.recorded_at().seconds())) <
           absl::ToUnixMicros(absl::FromUnixSeconds(b.recorded_at().seconds()));
  }));
  std::vector<std::string> visited;
  ASSERT_TRUE(store
                  .ForEachSubject([&](const v1::Subject& s) {
                    visited.push_back(Name(s));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_THAT(visited,
              ElementsAreArray({"SELLER seller-a", "SELLER seller-b", "CREATOR creator-c"}));
}

void MigrationTest::ExpectIndexes(LedgerStore& store) {
  for (const auto& [violation_id, ledgers] : expected_.violations) {
    SCOPED_TRACE(violation_id);
    const std::vector<v1::LedgerPosition> found = store.FindViolation(violation_id).value();
    ASSERT_EQ(found.size(), ledgers.size());
    for (size_t i = 0; i < found.size(); ++i) {
      EXPECT_EQ(Name(found[i].subject()), ledgers[i]);
      const v1::LedgerEntry entry =
          store.ReadLogRange(found[i].subject(), found[i].position(), 1).value().at(0);
      EXPECT_EQ(entry.violation().violation_id(), violation_id);
    }
  }
  EXPECT_THAT(store.FindViolation("v2").value(), IsEmpty());  // a decision's sequence

  for (const auto& [report_id, fact] : expected_.reports) {
    SCOPED_TRACE(report_id);
    const v1::StoredReport report = store.GetReport(report_id).value().value();
    EXPECT_EQ(report.request_sha256(), RequestFingerprint(fact.request));
    EXPECT_EQ(report.violation_id(), fact.violation_id);
  }

  const std::vector<v1::LedgerEntry> log = store.ReadCommitLog(0, 1000).value();
  ASSERT_EQ(log.size(), EntryCount());
  for (size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].sequence(), i + 1);

  const std::vector<ExpiryEntry> scanned = store.ScanExpiries(absl::InfiniteFuture(), 1000).value();
  std::vector<std::tuple<int64_t, std::string, std::string>> got;
  for (const ExpiryEntry& e : scanned) {
    got.emplace_back(absl::ToUnixMicros(e.expires_at), Name(e.subject), e.action_id);
  }
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end(), [](const auto& a, const auto& b) {
    return std::get<0>(a) < std::get<0>(b);
  }));
  std::vector<std::tuple<int64_t, std::string, std::string>> want = expected_.expiries;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

void MigrationTest::ExpectMigrated(LedgerStore& store) {
  EXPECT_EQ(store.LastSequence(), expected_.last_sequence);
  EXPECT_TRUE(store.StateRebuildPending());
  ExpectLedgers(store);
  ExpectIndexes(store);
  EXPECT_THAT(ColumnFamilies(), Not(Contains("events")));
}

TEST_F(MigrationTest, MigratesTheSchema1Fixture) {
  EXPECT_THAT(ColumnFamilies(), ElementsAreArray({"default", "events", "reports", "subjects"}));
  MigrationReport report;
  std::unique_ptr<LedgerStore> store = Open(&report);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(report.from_schema, 1);
  EXPECT_EQ(report.subjects, 3);
  EXPECT_EQ(report.entries, EntryCount());
  EXPECT_EQ(report.reports, expected_.reports.size());
  ExpectMigrated(*store);
  EXPECT_THAT(ColumnFamilies(),
              ElementsAreArray({"audit", "cases", "commit_log", "default", "delivery", "expiries",
                                "idempotency", "ledger", "policies", "states", "violations"}));
}

TEST_F(MigrationTest, ReopeningDoesNotMigrateAgain) {
  ASSERT_NE(Open(), nullptr);
  MigrationReport report;
  std::unique_ptr<LedgerStore> store = Open(&report);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(report.from_schema, 0);
  EXPECT_EQ(report.entries, 0);
  ExpectMigrated(*store);  // still pending: only the daemon's rebuild clears it

  ASSERT_TRUE(store->ClearStateRebuildPending().ok());
  LedgerWrite write;
  v1::LedgerEntry entry;
  entry.set_sequence(expected_.last_sequence + 1);
  entry.mutable_recorded_at()->set_seconds(1709300000);
  *entry.mutable_subject() = SubjectNamed("SELLER seller-a");
  write.entries = {entry};
  ASSERT_TRUE(store->Commit({write}).ok());
  store.reset();
  store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->StateRebuildPending());
  EXPECT_EQ(store->LastPosition(SubjectNamed("SELLER seller-a")).value(),
            expected_.ledgers["SELLER seller-a"].size() + 1);
}

TEST_F(MigrationTest, ACrashAnywhereInTheMigrationIsRepairedOnTheNextOpen) {
  // Small batches, so the two ledgers of one violation land in different batches.
  MigrationOptions options;
  options.batch_size = 16;
  for (options.abort_after_batches = 1;; ++options.abort_after_batches) {
    SCOPED_TRACE(absl::StrCat("stopped after batch ", options.abort_after_batches));
    CopyFixture();
    {
      std::unique_ptr<LedgerDb> db = LedgerDb::Open(dir_).value();
      const absl::StatusOr<MigrationReport> run = EnsureCurrentSchema(*db, options);
      if (run.ok()) break;  // more batches allowed than the migration writes
      ASSERT_EQ(run.status().code(), absl::StatusCode::kAborted) << run.status();
    }
    std::unique_ptr<LedgerStore> store = Open();
    ASSERT_NE(store, nullptr);
    ExpectMigrated(*store);
    ASSERT_LT(options.abort_after_batches, 100);
  }
  // Entries and reports in batches of 16, then the batch recording the version.
  EXPECT_EQ(options.abort_after_batches, (EntryCount() + expected_.reports.size() + 15) / 16 + 2);
}

TEST_F(MigrationTest, CorruptSchema1DataFailsTheOpenAndKeepsIt) {
  // Garbage under a well-formed event key of seller-a, sequence 99.
  const std::string key = EncodeSubjectKey(SubjectNamed("SELLER seller-a")).value() +
                          std::string("\x80\0\0\0\0\0\0\0", 8) + EncodeUint64Value(99);
  {
    std::unique_ptr<LedgerDb> db = LedgerDb::Open(dir_).value();
    ASSERT_TRUE(db->db()->Put({}, db->schema1_handle(Schema1Cf::kEvents), key, "\xff\xff").ok());
  }
  const absl::Status status = OpenRocksDbLedgerStore(dir_, Durability::kProcess).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), ::testing::HasSubstr("SELLER/seller-a sequence 99"));
  EXPECT_THAT(ColumnFamilies(), Contains("events"));
}

TEST_F(MigrationTest, AnEmptySchema1StoreNeedsNoRebuild) {
  // What the old enforcerd left when it was started and stopped without a report.
  std::filesystem::remove_all(dir_);
  {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const char* name : {"default", "events", "subjects", "reports"}) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_, descriptors, &handles, &db).ok());
    for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
    delete db;
  }
  MigrationReport report;
  std::unique_ptr<LedgerStore> store = Open(&report);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(report.from_schema, 0);
  EXPECT_FALSE(store->StateRebuildPending());
  EXPECT_THAT(ColumnFamilies(), Not(Contains("events")));
}

TEST_F(MigrationTest, ANewStoreIsSchema2AndANewerSchemaIsRefused) {
  std::filesystem::remove_all(dir_);
  MigrationReport report;
  ASSERT_NE(Open(&report), nullptr);
  EXPECT_EQ(report.from_schema, 0);
  {
    std::unique_ptr<LedgerDb> db = LedgerDb::Open(dir_).value();
    EXPECT_EQ(db->GetMetaNumber(kSchemaVersionKey).value(), 2);
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(
        batch.Put(db->handle(Cf::kMeta), std::string(kSchemaVersionKey), EncodeUint64Value(3))
            .ok());
    ASSERT_TRUE(db->Write(&batch, true, "plant").ok());
  }
  const absl::Status status = OpenRocksDbLedgerStore(dir_, Durability::kProcess).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), absl::StrCat("ledger in ", dir_,
                                           " has schema 3, newer than this enforcerd (2); "
                                           "upgrade enforcerd"));
}

}  // namespace
}  // namespace enforcer
