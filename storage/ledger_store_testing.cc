#include "storage/ledger_store_testing.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"

namespace enforcer {
namespace storage_testing {

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id) {
  v1::Subject subject;
  subject.set_kind(kind);
  subject.set_id(id);
  return subject;
}

v1::LedgerEntry MakeEntry(const v1::Subject& subject, uint64_t sequence, int64_t seconds) {
  v1::LedgerEntry entry;
  entry.set_sequence(sequence);
  entry.mutable_recorded_at()->set_seconds(seconds);
  *entry.mutable_subject() = subject;
  entry.mutable_violation()->set_violation_id(absl::StrCat("v", sequence));
  return entry;
}

v1::LedgerEntry MakeAction(const v1::Subject& subject, uint64_t sequence,
                           const std::string& action_id, int64_t expires_seconds) {
  v1::LedgerEntry entry = MakeEntry(subject, sequence, kT0);
  v1::Action& action = *entry.mutable_action();
  action.set_action_id(action_id);
  action.set_type(v1::ACTION_SUSPEND);
  *action.mutable_subject() = subject;
  if (expires_seconds >= 0) action.mutable_expires_at()->set_seconds(expires_seconds);
  return entry;
}

v1::SubjectState MakeState(const v1::Subject& subject, int64_t lifetime_violations) {
  v1::SubjectState state;
  *state.mutable_subject() = subject;
  state.set_lifetime_violations(lifetime_violations);
  return state;
}

ReportRecord MakeReport(const std::string& report_id, const std::string& violation_id) {
  ReportRecord report;
  report.report_id = report_id;
  report.record.set_request_sha256(std::string(32, 'h'));
  report.record.set_violation_id(violation_id);
  return report;
}

v1::PolicyActivation MakeActivation(uint64_t activation, const std::string& version) {
  v1::PolicyActivation out;
  out.set_activation(activation);
  out.set_version(version);
  out.set_name("test-policy");
  out.set_text(absl::StrCat("policy: ", version, "\n"));
  out.mutable_activated_at()->set_seconds(kT0 + static_cast<int64_t>(activation));
  return out;
}

std::vector<uint64_t> Sequences(const std::vector<v1::LedgerEntry>& entries) {
  std::vector<uint64_t> sequences;
  for (const v1::LedgerEntry& entry : entries) sequences.push_back(entry.sequence());
  return sequences;
}

std::vector<uint64_t> Positions(const std::vector<v1::LedgerEntry>& entries) {
  std::vector<uint64_t> positions;
  for (const v1::LedgerEntry& entry : entries) positions.push_back(entry.position());
  return positions;
}

namespace {

// Opens the database in `dir` with all its column families, calls `edit` with each handle, and
// closes it.
void EditDatabase(const std::string& dir,
                  const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& edit) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles, &db).ok());
  for (rocksdb::ColumnFamilyHandle* handle : handles) edit(db, handle);
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

}  // namespace

void PutRawValue(const std::string& dir, const std::string& cf, const std::string& key,
                 const std::string& value) {
  bool found = false;
  EditDatabase(dir, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle) {
    if (handle->GetName() != cf) return;
    found = true;
    EXPECT_TRUE(db->Put({}, handle, key, value).ok());
  });
  EXPECT_TRUE(found) << "no column family " << cf;
}

void RemoveFamilies(const std::string& dir, const std::vector<std::string>& families,
                    const std::vector<std::string>& meta_keys) {
  EditDatabase(dir, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle) {
    if (handle->GetName() == "default") {
      for (const std::string& key : meta_keys) EXPECT_TRUE(db->Delete({}, handle, key).ok());
    } else if (std::find(families.begin(), families.end(), handle->GetName()) != families.end()) {
      EXPECT_TRUE(db->DropColumnFamily(handle).ok());
    }
  });
}

void LedgerStoreTest::SetUp() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  // A nested path also checks that missing parents are created.
  dir_ = absl::StrCat(tmp, "/", info->test_suite_name(), ".", info->name(), "/ledger");
  std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
  Reopen();
}

void LedgerStoreTest::Reopen(Durability durability) {
  store_.reset();  // Close first: RocksDB allows one open instance per directory.
  absl::StatusOr<std::unique_ptr<LedgerStore>> store = OpenRocksDbLedgerStore(dir_, durability);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = *std::move(store);
}

void LedgerStoreTest::Commit(const std::vector<LedgerWrite>& writes) {
  const absl::Status status = store_->Commit(writes);
  ASSERT_TRUE(status.ok()) << status;
}

void LedgerStoreTest::CommitEntries(std::vector<v1::LedgerEntry> entries) {
  LedgerWrite write;
  write.entries = std::move(entries);
  Commit({write});
}

HistoryPage LedgerStoreTest::List(const HistoryQuery& query) {
  absl::StatusOr<HistoryPage> page = store_->ListHistory(query);
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? *std::move(page) : HistoryPage();
}

std::vector<v1::LedgerEntry> LedgerStoreTest::Log(const v1::Subject& subject) {
  absl::StatusOr<std::vector<v1::LedgerEntry>> log = store_->ReadLog(subject);
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? *std::move(log) : std::vector<v1::LedgerEntry>();
}

}  // namespace storage_testing
}  // namespace enforcer
