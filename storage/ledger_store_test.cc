// Tests of the LedgerStore contract against a real RocksDB, each in its own directory: commits,
// positions and the reads of a subject's ledger. The indexes beside the ledgers are tested in
// ledger_store_index_test.cc.
#include "storage/ledger_store.h"

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/ledger_store_testing.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using storage_testing::EqualsProto;
using storage_testing::kT0;
using storage_testing::LedgerStoreTest;
using storage_testing::MakeEntry;
using storage_testing::MakeReport;
using storage_testing::MakeState;
using storage_testing::MakeSubject;
using storage_testing::Positions;
using storage_testing::Sequences;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");
const v1::Subject kCreator = MakeSubject(v1::CREATOR, "c1");

TEST_F(LedgerStoreTest, CommitThenReadBack) {
  EXPECT_EQ(store_->LastSequence(), 0);
  LedgerWrite write;
  write.report = MakeReport("r1", "v1");
  write.states = {MakeState(kSeller, 1)};
  write.entries = {MakeEntry(kSeller, 1, kT0), MakeEntry(kSeller, 2, kT0)};
  Commit({write});

  absl::StatusOr<std::optional<v1::StoredReport>> report = store_->GetReport("r1");
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(report->has_value());
  EXPECT_THAT(**report, EqualsProto(write.report->record));
  EXPECT_THAT(store_->GetSubjectState(kSeller).value().value(), EqualsProto(write.states[0]));

  // The store assigns positions; everything else is stored as given.
  v1::LedgerEntry first = write.entries[0];
  first.set_position(1);
  v1::LedgerEntry second = write.entries[1];
  second.set_position(2);
  EXPECT_THAT(Log(kSeller), ElementsAre(EqualsProto(first), EqualsProto(second)));
  EXPECT_EQ(store_->LastPosition(kSeller).value(), 2);
  EXPECT_EQ(store_->LastSequence(), 2);
}

TEST_F(LedgerStoreTest, PositionsCountPerSubjectInCommitOrder) {
  LedgerWrite first;
  first.entries = {MakeEntry(kSeller, 1, kT0), MakeEntry(kCreator, 2, kT0)};
  // A second write to the same subjects in the same group continues their counts.
  LedgerWrite second;
  second.entries = {MakeEntry(kSeller, 3, kT0), MakeEntry(kSeller, 4, kT0),
                    MakeEntry(kCreator, 5, kT0)};
  Commit({first, second});
  CommitEntries({MakeEntry(kCreator, 6, kT0), MakeEntry(kSeller, 7, kT0)});
  Reopen();  // The next position comes from the ledger itself, not from memory.
  CommitEntries({MakeEntry(kSeller, 8, kT0)});

  EXPECT_THAT(Sequences(Log(kSeller)), ElementsAre(1, 3, 4, 7, 8));
  EXPECT_THAT(Positions(Log(kSeller)), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(Sequences(Log(kCreator)), ElementsAre(2, 5, 6));
  EXPECT_THAT(Positions(Log(kCreator)), ElementsAre(1, 2, 3));
  EXPECT_EQ(store_->LastPosition(kSeller).value(), 5);
  EXPECT_EQ(store_->LastPosition(kCreator).value(), 3);
  EXPECT_EQ(store_->LastPosition(MakeSubject(v1::SELLER, "nobody")).value(), 0);
}

TEST_F(LedgerStoreTest, ReadLogFromAPositionWithALimit) {
  CommitEntries({MakeEntry(kSeller, 1, kT0), MakeEntry(kSeller, 2, kT0), MakeEntry(kSeller, 3, kT0),
                 MakeEntry(kSeller, 4, kT0)});
  EXPECT_THAT(Positions(store_->ReadLogRange(kSeller, 2, SIZE_MAX).value()), ElementsAre(2, 3, 4));
  EXPECT_THAT(Positions(store_->ReadLogRange(kSeller, 2, 2).value()), ElementsAre(2, 3));
  EXPECT_THAT(Positions(store_->ReadLogRange(kSeller, 0, 1).value()), ElementsAre(1));
  EXPECT_THAT(store_->ReadLogRange(kSeller, 5, SIZE_MAX).value(), IsEmpty());
  EXPECT_THAT(store_->ReadLogRange(kSeller, 1, 0).value(), IsEmpty());
}

TEST_F(LedgerStoreTest, LaterWritesOfAGroupReplaceStatesAndReports) {
  LedgerWrite first;
  first.report = MakeReport("r1", "v1");
  first.states = {MakeState(kSeller, 1)};
  first.entries = {MakeEntry(kSeller, 1, kT0)};
  LedgerWrite second;
  second.report = MakeReport("r2", "v2");
  second.states = {MakeState(kSeller, 2), MakeState(kCreator, 1)};
  second.entries = {MakeEntry(kSeller, 2, kT0 + 1), MakeEntry(kCreator, 3, kT0 + 1)};
  Commit({first, second});

  EXPECT_EQ(store_->GetReport("r1").value()->violation_id(), "v1");
  EXPECT_EQ(store_->GetReport("r2").value()->violation_id(), "v2");
  EXPECT_EQ(store_->GetSubjectState(kSeller).value()->lifetime_violations(), 2);
  EXPECT_EQ(store_->GetSubjectState(kCreator).value()->lifetime_violations(), 1);
  EXPECT_EQ(store_->LastSequence(), 3);
}

TEST_F(LedgerStoreTest, ABadEntryInAGroupWritesNothing) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  LedgerWrite good;
  good.report = MakeReport("r2", "v2");
  good.states = {MakeState(kSeller, 2)};
  good.entries = {MakeEntry(kSeller, 2, kT0), storage_testing::MakeAction(kSeller, 3, "a", kT0)};
  good.activation = storage_testing::MakeActivation(1, "sha256:a");
  LedgerWrite bad;
  bad.entries = {MakeEntry(kCreator, 4, kT0)};
  for (auto breakage : std::vector<std::function<void(v1::LedgerEntry&)>>{
           [](v1::LedgerEntry& e) { e.mutable_subject()->clear_id(); },
           [](v1::LedgerEntry& e) { e.clear_recorded_at(); },
           [](v1::LedgerEntry& e) { e.mutable_recorded_at()->set_nanos(-1); },
           [](v1::LedgerEntry& e) { e.set_sequence(0); },
           [](v1::LedgerEntry& e) { e.set_sequence(1); },  // reused
           [](v1::LedgerEntry& e) { e.set_position(9); },  // positions are the store's
           [](v1::LedgerEntry& e) { e.mutable_violation()->clear_violation_id(); },
       }) {
    LedgerWrite broken = bad;
    breakage(broken.entries[0]);
    const absl::Status status = store_->Commit({good, broken});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  EXPECT_FALSE(store_->GetReport("r2")->has_value());
  EXPECT_FALSE(store_->GetSubjectState(kSeller)->has_value());
  EXPECT_THAT(Sequences(Log(kSeller)), ElementsAre(1));
  EXPECT_THAT(Log(kCreator), IsEmpty());
  EXPECT_THAT(store_->FindViolation("v2").value(), IsEmpty());
  EXPECT_THAT(store_->ReadCommitLog(2, 10).value(), IsEmpty());
  EXPECT_THAT(store_->ScanExpiries(absl::InfiniteFuture(), 10).value(), IsEmpty());
  EXPECT_THAT(store_->ListActivations().value(), IsEmpty());
  EXPECT_EQ(store_->LastSequence(), 1);
  // And the same group without the bad write goes through.
  Commit({good});
  EXPECT_THAT(Positions(Log(kSeller)), ElementsAre(1, 2, 3));
}

TEST_F(LedgerStoreTest, SequencesAreNeverReused) {
  CommitEntries({MakeEntry(kSeller, 5, kT0)});
  for (uint64_t sequence : {uint64_t{5}, uint64_t{4}}) {
    LedgerWrite write;
    write.entries = {MakeEntry(kCreator, sequence, kT0)};
    const absl::Status status = store_->Commit({write});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("never reused"));
  }
  // Within a group too: they must increase in the order given.
  LedgerWrite write;
  write.entries = {MakeEntry(kCreator, 7, kT0), MakeEntry(kSeller, 6, kT0)};
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);
  write.entries = {MakeEntry(kCreator, 7, kT0), MakeEntry(kSeller, 7, kT0)};
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);
  Reopen();
  EXPECT_EQ(store_->LastSequence(), 5);
  write.entries = {MakeEntry(kCreator, 5, kT0)};
  EXPECT_EQ(store_->Commit({write}).code(), absl::StatusCode::kInvalidArgument);
  // Gaps are fine.
  CommitEntries({MakeEntry(kCreator, 9, kT0)});
  EXPECT_EQ(store_->LastSequence(), 9);
}

TEST_F(LedgerStoreTest, ReopenKeepsEverything) {
  Reopen(Durability::kFsync);
  LedgerWrite write;
  write.report = MakeReport("r1", "v5");
  write.states = {MakeState(kSeller, 2)};
  write.entries = {MakeEntry(kSeller, 5, kT0), MakeEntry(kSeller, 7, kT0 + 1)};
  Commit({write});

  Reopen();
  EXPECT_EQ(store_->LastSequence(), 7);
  EXPECT_THAT(store_->GetReport("r1").value().value(), EqualsProto(write.report->record));
  EXPECT_THAT(store_->GetSubjectState(kSeller).value().value(), EqualsProto(write.states[0]));
  EXPECT_THAT(Sequences(Log(kSeller)), ElementsAre(5, 7));
  EXPECT_FALSE(store_->StateRebuildPending());
}

TEST_F(LedgerStoreTest, HistoryIsNewestFirstByPositionWhateverTheClockSaid) {
  // The clock steps back an hour between 2 and 3, and has a pre-epoch reading at 5.
  CommitEntries({MakeEntry(kSeller, 1, kT0), MakeEntry(kSeller, 2, kT0 + 10)});
  CommitEntries({MakeEntry(kSeller, 3, kT0 - 3600), MakeEntry(kSeller, 4, kT0 - 3590)});
  CommitEntries({MakeEntry(kSeller, 5, -100)});
  const HistoryPage page = List({kSeller});
  EXPECT_THAT(Sequences(page.entries), ElementsAre(5, 4, 3, 2, 1));
  EXPECT_THAT(Positions(page.entries), ElementsAre(5, 4, 3, 2, 1));
  EXPECT_THAT(page.next_page_token, IsEmpty());
}

TEST_F(LedgerStoreTest, HistoryTimeRangeIsAHalfOpenFilter) {
  // Stepped back between 2 and 3: in range [kT0+20, kT0+40) are 2 and 3, not adjacent in time.
  CommitEntries({MakeEntry(kSeller, 1, kT0 + 10), MakeEntry(kSeller, 2, kT0 + 30),
                 MakeEntry(kSeller, 3, kT0 + 20), MakeEntry(kSeller, 4, kT0 + 40),
                 MakeEntry(kSeller, 5, kT0 + 5)});
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
  CommitEntries({MakeEntry(kSeller, 1, kT0 + 1), MakeEntry(kSeller, 2, kT0 + 2),
                 MakeEntry(kSeller, 3, kT0 + 2), MakeEntry(kSeller, 4, kT0 - 4),
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
                 MakeEntry(kSeller, 3, kT0 + 9), MakeEntry(kSeller, 4, kT0 + 3),
                 MakeEntry(kSeller, 5, kT0 + 4)});
  HistoryQuery query{kSeller};
  query.start = absl::FromUnixSeconds(kT0 + 2);
  query.end = absl::FromUnixSeconds(kT0 + 4);
  query.page_size = 1;
  HistoryPage page = List(query);
  EXPECT_THAT(Sequences(page.entries), ElementsAre(4));
  // The token names the next matching entry, skipping 3 (out of range).
  query.page_token = page.next_page_token;
  page = List(query);
  EXPECT_THAT(Sequences(page.entries), ElementsAre(2));
  // Nothing older matches: no token rather than an empty last page.
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
  // The last one is a schema-1 token (version 1, recorded_at, sequence).
  for (const char* token : {"not a token!", "AAAA", "Ag", "AQAAAAAAAAAAAAAAAAAAAAE"}) {
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
  EXPECT_EQ(store_->LastPosition(seller_abc).value(), 1);
  EXPECT_EQ(store_->GetSubjectState(seller_abc).value()->lifetime_violations(), 2);
  EXPECT_EQ(store_->GetSubjectState(creator_ab).value()->lifetime_violations(), 3);
  EXPECT_FALSE(store_->GetSubjectState(MakeSubject(v1::CREATOR, "abc")).value().has_value());
}

TEST_F(LedgerStoreTest, UnknownReportAndSubjectAreEmpty) {
  CommitEntries({MakeEntry(kSeller, 1, kT0)});
  const v1::Subject nobody = MakeSubject(v1::SELLER, "nobody");
  EXPECT_FALSE(store_->GetReport("nope").value().has_value());
  EXPECT_FALSE(store_->GetSubjectState(nobody).value().has_value());
  EXPECT_THAT(Log(nobody), IsEmpty());
  EXPECT_THAT(List({nobody}).entries, IsEmpty());
  EXPECT_EQ(store_->GetReport("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LedgerStoreTest, InvalidSubjectIsInvalidArgument) {
  const v1::Subject unspecified = MakeSubject(v1::SUBJECT_KIND_UNSPECIFIED, "s1");
  EXPECT_EQ(store_->GetSubjectState(unspecified).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ReadLog(unspecified).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->LastPosition(unspecified).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListHistory({unspecified}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LedgerStoreTest, ForEachSubjectWalksTheLedgersNotTheStates) {
  const v1::Subject no_state = MakeSubject(v1::SELLER, "abc");
  LedgerWrite write;
  write.states = {MakeState(MakeSubject(v1::CREATOR, "c"), 1),
                  MakeState(MakeSubject(v1::SELLER, "ab"), 1),
                  // Derived state alone is not a ledger.
                  MakeState(MakeSubject(v1::SELLER, "state-only"), 1)};
  write.entries = {MakeEntry(MakeSubject(v1::CREATOR, "c"), 1, kT0), MakeEntry(no_state, 2, kT0),
                   MakeEntry(MakeSubject(v1::SELLER, "ab"), 3, kT0), MakeEntry(no_state, 4, kT0),
                   MakeEntry(no_state, 5, kT0)};
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
