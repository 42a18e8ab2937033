// Tests of the LedgerStore contract against a real RocksDB, each in its own directory.
#include "storage/ledger_store.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/key_codec.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

MATCHER_P(EqualsProto, expected, expected.ShortDebugString()) {
  return google::protobuf::util::MessageDifferencer::Equals(arg, expected);
}

constexpr int64_t kT0 = 1700000000;  // Seconds since the epoch; any time works.

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id) {
  v1::Subject subject;
  subject.set_kind(kind);
  subject.set_id(id);
  return subject;
}

const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");

// A violation entry recorded `seconds` (plus `nanos`) after the epoch.
v1::LedgerEntry MakeEntry(const v1::Subject& subject, uint64_t sequence, int64_t seconds,
                          int32_t nanos = 0) {
  v1::LedgerEntry entry;
  entry.set_sequence(sequence);
  entry.mutable_recorded_at()->set_seconds(seconds);
  entry.mutable_recorded_at()->set_nanos(nanos);
  *entry.mutable_subject() = subject;
  entry.mutable_violation()->set_violation_id(absl::StrCat("v", sequence));
  return entry;
}

v1::SubjectState MakeState(const v1::Subject& subject, int64_t lifetime_violations) {
  v1::SubjectState state;
  *state.mutable_subject() = subject;
  state.set_lifetime_violations(lifetime_violations);
  return state;
}

v1::StoredReport MakeReport(const std::string& report_id) {
  v1::StoredReport report;
  report.mutable_request()->set_report_id(report_id);
  report.mutable_request()->set_category("counterfeit");
  report.mutable_response()->mutable_violation()->set_violation_id("v1");
  return report;
}

std::vector<uint64_t> Sequences(const std::vector<v1::LedgerEntry>& entries) {
  std::vector<uint64_t> sequences;
  for (const v1::LedgerEntry& entry : entries) sequences.push_back(entry.sequence());
  return sequences;
}

class LedgerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_NE(tmp, nullptr);
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // A nested path also checks that missing parents are created.
    dir_ = absl::StrCat(tmp, "/", info->test_suite_name(), ".", info->name(), "/ledger");
    std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
    Reopen();
  }

  void Reopen(Durability durability = Durability::kProcess) {
    store_.reset();  // Close first: RocksDB allows one open instance per directory.
    absl::StatusOr<std::unique_ptr<LedgerStore>> store = OpenRocksDbLedgerStore(dir_, durability);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void Commit(std::vector<LedgerWrite> writes) {
    const absl::Status status = store_->Commit(writes);
    ASSERT_TRUE(status.ok()) << status;
  }

  void CommitEntries(std::vector<v1::LedgerEntry> entries) {
    LedgerWrite write;
    write.entries = std::move(entries);
    Commit({write});
  }

  HistoryPage List(HistoryQuery query) {
    absl::StatusOr<HistoryPage> page = store_->ListHistory(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *std::move(page) : HistoryPage();
  }

  std::vector<v1::LedgerEntry> Log(const v1::Subject& subject) {
    absl::StatusOr<std::vector<v1::LedgerEntry>> log = store_->ReadLog(subject);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : std::vector<v1::LedgerEntry>();
  }

  std::string dir_;
  std::unique_ptr<LedgerStore> store_;
};

TEST_F(LedgerStoreTest, CommitThenReadBack) {
  EXPECT_EQ(store_->LastSequence(), 0);
  LedgerWrite write;
  write.report = MakeReport("r1");
  write.states = {MakeState(kSeller, 1)};
  write.entries = {MakeEntry(kSeller, 1, kT0), MakeEntry(kSeller, 2, kT0)};
  Commit({write});

  absl::StatusOr<std::optional<v1::StoredReport>> report = store_->GetReport("r1");
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(report->has_value());
  EXPECT_THAT(**report, EqualsProto(*write.report));

  absl::StatusOr<std::optional<v1::SubjectState>> state = store_->GetSubjectState(kSeller);
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_TRUE(state->has_value());
  EXPECT_THAT(**state, EqualsProto(write.states[0]));

  EXPECT_THAT(Log(kSeller), ElementsAre(EqualsProto(write.entries[0]),
                                        EqualsProto(write.entries[1])));
  EXPECT_EQ(store_->LastSequence(), 2);
}

TEST_F(LedgerStoreTest, SeveralWritesInOneCommitAreAllVisible) {
  const v1::Subject creator = MakeSubject(v1::CREATOR, "c1");
  LedgerWrite first;
  first.report = MakeReport("r1");
  first.states = {MakeState(kSeller, 1)};
  first.entries = {MakeEntry(kSeller, 1, kT0)};
  LedgerWrite second;
  second.report = MakeReport("r2");
  second.states = {MakeState(kSeller, 2), MakeState(creator, 1)};
  second.entries = {MakeEntry(kSeller, 2, kT0 + 1), MakeEntry(creator, 3, kT0 + 1)};
  Commit({first, second});

  EXPECT_TRUE(store_->GetReport("r1")->has_value());
  EXPECT_TRUE(store_->GetReport("r2")->has_value());
  // The later write in the group replaces the earlier state of the same subject.
  EXPECT_EQ(store_->GetSubjectState(kSeller).value()->lifetime_violations(), 2);
  EXPECT_EQ(store_->GetSubjectState(creator).value()->lifetime_violations(), 1);
  EXPECT_THAT(Sequences(Log(kSeller)), ElementsAre(1, 2));
  EXPECT_THAT(Sequences(Log(creator)), ElementsAre(3));
  EXPECT_EQ(store_->LastSequence(), 3);
}

TEST_F(LedgerStoreTest, InvalidWriteAppliesNothing) {
  LedgerWrite write;
  write.report = MakeReport("r1");
  write.states = {MakeState(kSeller, 1)};
  write.entries = {MakeEntry(kSeller, 1, kT0), MakeEntry(MakeSubject(v1::SELLER, ""), 2, kT0)};
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);

  write.entries = {MakeEntry(kSeller, 1, kT0)};
  write.entries[0].clear_recorded_at();
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);

  write.entries = {MakeEntry(kSeller, 0, kT0)};
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);

  EXPECT_FALSE(store_->GetReport("r1")->has_value());
  EXPECT_FALSE(store_->GetSubjectState(kSeller)->has_value());
  EXPECT_THAT(Log(kSeller), IsEmpty());
  EXPECT_EQ(store_->LastSequence(), 0);
}

TEST_F(LedgerStoreTest, ReopenKeepsEverything) {
  Reopen(Durability::kFsync);
  LedgerWrite write;
  write.report = MakeReport("r1");
  write.states = {MakeState(kSeller, 2)};
  write.entries = {MakeEntry(kSeller, 5, kT0), MakeEntry(kSeller, 7, kT0 + 1)};
  Commit({write});
  // A lower sequence never moves LastSequence back.
  CommitEntries({MakeEntry(kSeller, 6, kT0 + 2)});
  EXPECT_EQ(store_->LastSequence(), 7);

  Reopen();
  EXPECT_EQ(store_->LastSequence(), 7);
  EXPECT_THAT(store_->GetReport("r1").value().value(), EqualsProto(*write.report));
  EXPECT_THAT(store_->GetSubjectState(kSeller).value().value(), EqualsProto(write.states[0]));
  // Now from table files rather than the memtable, page by page.
  HistoryQuery query{kSeller};
  query.page_size = 2;
  HistoryPage page = List(query);
  EXPECT_THAT(Sequences(page.entries), ElementsAre(6, 7));
  query.page_token = page.next_page_token;
  page = List(query);
  EXPECT_THAT(Sequences(page.entries), ElementsAre(5));
  EXPECT_THAT(page.next_page_token, IsEmpty());
}

// Writes `value` under `key` in column family `cf` with RocksDB directly, behind the store's back.
void PutRaw(const std::string& dir, const std::string& cf, const std::string& key,
            const std::string& value) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : {"default", "events", "subjects", "reports"}) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles, &db).ok());
  for (size_t i = 0; i < descriptors.size(); ++i) {
    if (descriptors[i].name == cf) {
      EXPECT_TRUE(db->Put({}, handles[i], key, value).ok());
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

TEST_F(LedgerStoreTest, CorruptStoredValuesAreDataLoss) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  store_.reset();
  const std::string garbage = "\xff\xff\xff";
  const std::string subject_key = EncodeSubjectKey(kSeller).value();
  PutRaw(dir_, "reports", EncodeReportKey("r1"), garbage);
  PutRaw(dir_, "subjects", subject_key, garbage);
  PutRaw(dir_, "events", EncodeEventKey(subject_key, kT0 * 1000000, 2), garbage);

  Reopen();
  EXPECT_EQ(store_->GetReport("r1").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store_->GetSubjectState(kSeller).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store_->ReadLog(kSeller).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store_->ListHistory({kSeller}).status().code(), absl::StatusCode::kDataLoss);

  store_.reset();
  PutRaw(dir_, "default", "last_sequence", "short");
  EXPECT_EQ(OpenRocksDbLedgerStore(dir_, Durability::kProcess).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(LedgerStoreTest, HistoryIsNewestFirst) {
  // Out of order on purpose, with a tie on recorded_at (broken by sequence), a sub-second
  // difference and a pre-epoch time.
  CommitEntries({MakeEntry(kSeller, 3, kT0 + 10), MakeEntry(kSeller, 1, kT0),
                 MakeEntry(kSeller, 4, kT0 + 10), MakeEntry(kSeller, 2, kT0, 500000),
                 MakeEntry(kSeller, 5, -100)});
  const HistoryPage page = List({kSeller});
  EXPECT_THAT(Sequences(page.entries), ElementsAre(4, 3, 2, 1, 5));
  EXPECT_THAT(page.next_page_token, IsEmpty());
}

TEST_F(LedgerStoreTest, HistoryTimeRangeIsHalfOpen) {
  CommitEntries({MakeEntry(kSeller, 1, kT0 + 10), MakeEntry(kSeller, 2, kT0 + 20),
                 MakeEntry(kSeller, 3, kT0 + 30), MakeEntry(kSeller, 4, kT0 + 40)});
  HistoryQuery query{kSeller};
  query.start = absl::FromUnixSeconds(kT0 + 20);
  query.end = absl::FromUnixSeconds(kT0 + 40);
  EXPECT_THAT(Sequences(List(query).entries), ElementsAre(3, 2));

  query.start = absl::FromUnixSeconds(kT0 + 40);
  query.end = absl::FromUnixSeconds(kT0 + 20);
  EXPECT_THAT(List(query).entries, IsEmpty());

  query.start = absl::FromUnixSeconds(kT0 + 11);
  query.end = absl::FromUnixSeconds(kT0 + 12);
  EXPECT_THAT(List(query).entries, IsEmpty());
}

TEST_F(LedgerStoreTest, PaginationReturnsEveryEntryExactlyOnce) {
  // Two entries share a recorded_at so that a page boundary falls between them.
  CommitEntries({MakeEntry(kSeller, 1, kT0 + 1), MakeEntry(kSeller, 2, kT0 + 2),
                 MakeEntry(kSeller, 3, kT0 + 2), MakeEntry(kSeller, 4, kT0 + 4),
                 MakeEntry(kSeller, 5, kT0 + 5)});
  HistoryQuery query{kSeller};
  query.page_size = 2;
  std::vector<uint64_t> seen;
  std::vector<size_t> page_sizes;
  do {
    const HistoryPage page = List(query);
    ASSERT_FALSE(page.entries.empty());
    page_sizes.push_back(page.entries.size());
    for (uint64_t sequence : Sequences(page.entries)) seen.push_back(sequence);
    // Appending newer entries between pages must not disturb the pages still to come.
    if (page_sizes.size() == 1) CommitEntries({MakeEntry(kSeller, 6, kT0 + 6)});
    query.page_token = page.next_page_token;
  } while (!query.page_token.empty() && page_sizes.size() < 10);
  EXPECT_THAT(seen, ElementsAre(5, 4, 3, 2, 1));
  EXPECT_THAT(page_sizes, ElementsAre(2, 2, 1));
}

TEST_F(LedgerStoreTest, PaginationWithinTimeRange) {
  CommitEntries({MakeEntry(kSeller, 1, kT0 + 1), MakeEntry(kSeller, 2, kT0 + 2),
                 MakeEntry(kSeller, 3, kT0 + 3), MakeEntry(kSeller, 4, kT0 + 4)});
  HistoryQuery query{kSeller};
  query.start = absl::FromUnixSeconds(kT0 + 2);
  query.end = absl::FromUnixSeconds(kT0 + 4);
  query.page_size = 1;
  HistoryPage page = List(query);
  EXPECT_THAT(Sequences(page.entries), ElementsAre(3));
  query.page_token = page.next_page_token;
  page = List(query);
  EXPECT_THAT(Sequences(page.entries), ElementsAre(2));
  EXPECT_THAT(page.next_page_token, IsEmpty());
}

TEST_F(LedgerStoreTest, PageSizeIsClamped) {
  std::vector<v1::LedgerEntry> entries;
  for (uint64_t sequence = 1; sequence <= 1001; ++sequence) {
    entries.push_back(MakeEntry(kSeller, sequence, kT0 + sequence));
  }
  CommitEntries(entries);
  HistoryQuery query{kSeller};
  query.page_size = 0;
  EXPECT_EQ(List(query).entries.size(), 100);
  query.page_size = -5;
  EXPECT_EQ(List(query).entries.size(), 1);
  query.page_size = 5000;
  const HistoryPage page = List(query);
  EXPECT_EQ(page.entries.size(), 1000);
  query.page_token = page.next_page_token;
  EXPECT_THAT(Sequences(List(query).entries), ElementsAre(1));
}

TEST_F(LedgerStoreTest, MalformedPageTokenIsInvalidArgument) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  for (const char* token : {"not a token!", "AAAA", "Ag"}) {
    HistoryQuery query{kSeller};
    query.page_token = token;
    const absl::StatusOr<HistoryPage> page = store_->ListHistory(query);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_EQ(page.status().message(), "page_token is malformed") << token;
  }
}

TEST_F(LedgerStoreTest, SubjectsDoNotMix) {
  const v1::Subject seller_ab = MakeSubject(v1::SELLER, "ab");
  const v1::Subject seller_abc = MakeSubject(v1::SELLER, "abc");
  const v1::Subject creator_ab = MakeSubject(v1::CREATOR, "ab");
  LedgerWrite write;
  write.states = {MakeState(seller_ab, 1), MakeState(seller_abc, 2), MakeState(creator_ab, 3)};
  write.entries = {MakeEntry(seller_ab, 1, kT0), MakeEntry(seller_abc, 2, kT0),
                   MakeEntry(creator_ab, 3, kT0), MakeEntry(seller_ab, 4, kT0 + 1)};
  Commit({write});

  EXPECT_THAT(Sequences(Log(seller_ab)), ElementsAre(1, 4));
  EXPECT_THAT(Sequences(Log(seller_abc)), ElementsAre(2));
  EXPECT_THAT(Sequences(Log(creator_ab)), ElementsAre(3));
  EXPECT_THAT(Sequences(List({seller_ab}).entries), ElementsAre(4, 1));
  EXPECT_THAT(Sequences(List({seller_abc}).entries), ElementsAre(2));
  EXPECT_THAT(Sequences(List({creator_ab}).entries), ElementsAre(3));
  EXPECT_EQ(store_->GetSubjectState(seller_ab).value()->lifetime_violations(), 1);
  EXPECT_EQ(store_->GetSubjectState(seller_abc).value()->lifetime_violations(), 2);
  EXPECT_EQ(store_->GetSubjectState(creator_ab).value()->lifetime_violations(), 3);
  EXPECT_FALSE(store_->GetSubjectState(MakeSubject(v1::CREATOR, "abc")).value().has_value());
}

TEST_F(LedgerStoreTest, UnknownReportAndSubjectAreNullopt) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  absl::StatusOr<std::optional<v1::StoredReport>> report = store_->GetReport("nope");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->has_value());
  absl::StatusOr<std::optional<v1::SubjectState>> state =
      store_->GetSubjectState(MakeSubject(v1::SELLER, "nobody"));
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_FALSE(state->has_value());
  EXPECT_THAT(Log(MakeSubject(v1::SELLER, "nobody")), IsEmpty());
}

TEST_F(LedgerStoreTest, InvalidSubjectIsInvalidArgument) {
  const v1::Subject unspecified = MakeSubject(v1::SUBJECT_KIND_UNSPECIFIED, "s1");
  EXPECT_EQ(store_->GetSubjectState(unspecified).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ReadLog(unspecified).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListHistory({unspecified}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(LedgerStoreTest, ReadLogIsOldestFirst) {
  CommitEntries({MakeEntry(kSeller, 3, kT0 + 3), MakeEntry(kSeller, 1, kT0 + 1)});
  CommitEntries({MakeEntry(kSeller, 2, kT0 + 2), MakeEntry(kSeller, 4, -1)});
  EXPECT_THAT(Sequences(Log(kSeller)), ElementsAre(4, 1, 2, 3));
}

TEST_F(LedgerStoreTest, ForEachSubjectVisitsEverySubjectWithState) {
  LedgerWrite write;
  for (const v1::Subject& s : {MakeSubject(v1::CREATOR, "c"), MakeSubject(v1::SELLER, "abc"),
                               MakeSubject(v1::SELLER, "ab")}) {
    write.states.push_back(MakeState(s, 1));
  }
  Commit({write});
  std::vector<std::string> seen;
  ASSERT_TRUE(store_
                  ->ForEachSubject([&](const v1::Subject& s) {
                    seen.push_back(absl::StrCat(v1::SubjectKind_Name(s.kind()), "/", s.id()));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_THAT(seen, ElementsAre("SELLER/ab", "SELLER/abc", "CREATOR/c"));
  int visits = 0;
  const absl::Status stopped = store_->ForEachSubject([&](const v1::Subject&) {
    ++visits;
    return absl::CancelledError("enough");
  });
  EXPECT_EQ(stopped, absl::CancelledError("enough"));
  EXPECT_EQ(visits, 1);
}

TEST_F(LedgerStoreTest, OpeningARegularFileFails) {
  const std::string file = absl::StrCat(dir_, "/not_a_dir");
  std::ofstream(file) << "x";
  absl::StatusOr<std::unique_ptr<LedgerStore>> store =
      OpenRocksDbLedgerStore(file, Durability::kFsync);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable) << store.status();
  absl::StatusOr<std::unique_ptr<LedgerStore>> nested =
      OpenRocksDbLedgerStore(absl::StrCat(file, "/ledger"), Durability::kFsync);
  EXPECT_EQ(nested.status().code(), absl::StatusCode::kUnavailable) << nested.status();
}

}  // namespace
}  // namespace enforcer
