// Tests of the audit against a real RocksDB: newest first, filtered by subject, actor and time,
// paged by opaque tokens, and append-only (no write can replace or add to an existing entry).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/ledger_store.h"
#include "storage/ledger_store_testing.h"

namespace enforcer {
namespace {

using storage_testing::EqualsProto;
using storage_testing::kT0;
using storage_testing::LedgerStoreTest;
using storage_testing::MakeActivation;
using storage_testing::MakeEntry;
using storage_testing::MakeSubject;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const v1::Subject kSeller = MakeSubject(v1::SELLER, "s1");
const v1::Subject kOther = MakeSubject(v1::SELLER, "s2");

v1::AuditEntry Audit(uint64_t sequence, const v1::Subject* subject, const std::string& actor,
                     int64_t seconds) {
  v1::AuditEntry audit;
  audit.set_sequence(sequence);
  audit.mutable_recorded_at()->set_seconds(seconds);
  audit.set_actor(actor);
  if (subject != nullptr) *audit.mutable_subject() = *subject;
  audit.set_what("staff.note");
  audit.set_why(absl::StrCat("why ", sequence));
  return audit;
}

// A write of one entry and its audit entry.
LedgerWrite Audited(const v1::Subject& subject, uint64_t sequence, const std::string& actor,
                    int64_t seconds) {
  LedgerWrite write;
  write.entries = {MakeEntry(subject, sequence, seconds)};
  write.audit = {Audit(sequence, &subject, actor, seconds)};
  return write;
}

// "4" for an entry's audit, "4+" for an activation after entry 4.
std::vector<std::string> AuditSequences(const AuditPage& page) {
  std::vector<std::string> out;
  for (const v1::AuditEntry& a : page.entries) {
    out.push_back(absl::StrCat(a.sequence(), a.has_subject() ? "" : "+"));
  }
  return out;
}

class AuditTest : public LedgerStoreTest {
 protected:
  void SetUp() override {
    LedgerStoreTest::SetUp();
    // 1..4: s1 by alice, s2 by bob, s1 by bob, s1 by alice, then a policy activation by carol.
    Commit({Audited(kSeller, 1, "alice", kT0), Audited(kOther, 2, "bob", kT0 + 10)});
    Commit({Audited(kSeller, 3, "bob", kT0 + 20)});
    Commit({Audited(kSeller, 4, "alice", kT0 + 30)});
    LedgerWrite activation;
    activation.activation = MakeActivation(1, "sha256:p1");
    activation.audit = {Audit(4, nullptr, "carol", kT0 + 40)};
    Commit({activation});
  }

  AuditPage List(AuditQuery query) {
    absl::StatusOr<AuditPage> page = store_->ListAudit(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : AuditPage();
  }
  std::vector<std::string> ListAll(AuditQuery query) {
    std::vector<std::string> all;
    for (int pages = 0; pages < 20; ++pages) {
      AuditPage page = List(query);
      for (const std::string& s : AuditSequences(page)) all.push_back(s);
      if (page.next_page_token.empty()) break;
      query.page_token = page.next_page_token;
    }
    return all;
  }
};

TEST_F(AuditTest, ListsNewestFirstWithFilters) {
  for (int reopened = 0; reopened < 2; ++reopened) {
    EXPECT_THAT(AuditSequences(List({})), ElementsAre("4+", "4", "3", "2", "1"));
    AuditQuery by_subject;
    by_subject.subject = kSeller;
    EXPECT_THAT(AuditSequences(List(by_subject)), ElementsAre("4", "3", "1"));
    AuditQuery by_actor;
    by_actor.actor = "bob";
    EXPECT_THAT(AuditSequences(List(by_actor)), ElementsAre("3", "2"));
    AuditQuery both = by_subject;
    both.actor = "alice";
    EXPECT_THAT(AuditSequences(List(both)), ElementsAre("4", "1"));
    AuditQuery in_time;
    in_time.start = absl::FromUnixSeconds(kT0 + 10);
    in_time.end = absl::FromUnixSeconds(kT0 + 40);  // exclusive
    EXPECT_THAT(AuditSequences(List(in_time)), ElementsAre("4", "3", "2"));
    AuditQuery carol;
    carol.actor = "carol";
    EXPECT_THAT(AuditSequences(List(carol)), ElementsAre("4+"));
    AuditQuery nobody;
    nobody.actor = "mallory";
    EXPECT_THAT(List(nobody).entries, IsEmpty());
    Reopen();
  }
  AuditQuery s1;
  s1.subject = kSeller;
  EXPECT_THAT(List(s1).entries[0], EqualsProto(Audit(4, &kSeller, "alice", kT0 + 30)));
}

TEST_F(AuditTest, PagesFollowTokens) {
  AuditQuery query;
  query.page_size = 2;
  AuditPage first = List(query);
  EXPECT_THAT(AuditSequences(first), ElementsAre("4+", "4"));
  ASSERT_FALSE(first.next_page_token.empty());
  // An entry appended meanwhile does not shift later pages.
  Commit({Audited(kSeller, 6, "alice", kT0 + 50)});
  query.page_token = first.next_page_token;
  EXPECT_THAT(AuditSequences(List(query)), ElementsAre("3", "2"));
  query.page_token.clear();
  EXPECT_THAT(ListAll(query), ElementsAre("6", "4+", "4", "3", "2", "1"));
  query.page_size = 1;
  EXPECT_THAT(ListAll(query), ElementsAre("6", "4+", "4", "3", "2", "1"));
  query.actor = "alice";
  EXPECT_THAT(ListAll(query), ElementsAre("6", "4", "1"));
  query.page_size = 0;  // the default, 100
  EXPECT_TRUE(List(query).next_page_token.empty());
}

TEST_F(AuditTest, RefusesMalformedTokensAndSubjects) {
  AuditQuery query;
  query.page_token = "not a token";
  absl::StatusOr<AuditPage> page = store_->ListAudit(query);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().message(), "page_token is malformed");
  AuditQuery bad_subject;
  bad_subject.subject = MakeSubject(v1::SELLER, "");
  EXPECT_EQ(store_->ListAudit(bad_subject).status().code(), absl::StatusCode::kInvalidArgument);
  AuditQuery empty_range;
  empty_range.start = absl::FromUnixSeconds(kT0 + 20);
  empty_range.end = empty_range.start;
  EXPECT_THAT(List(empty_range).entries, IsEmpty());
}

// No write can change or remove an audit entry: a write that names an existing audit sequence is
// refused whole, and nothing of it is written.
TEST_F(AuditTest, IsAppendOnly) {
  const uint64_t last = store_->LastSequence();
  LedgerWrite rewrite;
  rewrite.entries = {MakeEntry(kSeller, 7, kT0 + 60)};
  rewrite.audit = {Audit(7, &kSeller, "alice", kT0 + 60), Audit(3, &kSeller, "mallory", kT0)};
  // Nor can a second activation take the first one's place.
  LedgerWrite reactivate;
  reactivate.activation = MakeActivation(1, "sha256:p1");
  reactivate.audit = {Audit(4, nullptr, "mallory", kT0)};
  absl::Status refused = store_->Commit({rewrite});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("audit entry 3"));
  EXPECT_THAT(refused.message(), HasSubstr("append-only"));

  EXPECT_EQ(store_->Commit({reactivate}).code(), absl::StatusCode::kInvalidArgument);

  // An audit entry without an entry of its own (and no activation), audited twice, or an
  // activation's not at the last sequence before it, is refused the same way.
  LedgerWrite orphan;
  orphan.audit = {Audit(last + 10, &kSeller, "mallory", kT0)};
  LedgerWrite twice = Audited(kSeller, last + 11, "alice", kT0);
  twice.audit.push_back(twice.audit[0]);
  LedgerWrite stale_activation;
  stale_activation.activation = MakeActivation(2, "sha256:p2");
  stale_activation.audit = {Audit(2, nullptr, "mallory", kT0)};
  for (const LedgerWrite& bad : {orphan, twice, stale_activation}) {
    EXPECT_EQ(store_->Commit({bad}).code(), absl::StatusCode::kInvalidArgument);
  }

  Reopen();
  EXPECT_EQ(store_->LastSequence(), last);
  EXPECT_THAT(AuditSequences(List({})), ElementsAre("4+", "4", "3", "2", "1"));
  AuditQuery mallory;
  mallory.actor = "mallory";
  EXPECT_THAT(List(mallory).entries, IsEmpty());
  EXPECT_THAT(Log(kSeller).size(), 3);
  EXPECT_EQ(store_->ListActivations()->size(), 1);
}

TEST_F(AuditTest, AnActivationUsesNoSequence) {
  // The activation's audit sorts after entry 4 without taking a sequence of its own.
  EXPECT_EQ(store_->LastSequence(), 4);
  Commit({Audited(kSeller, 5, "alice", kT0 + 50)});
  EXPECT_THAT(AuditSequences(List({})), ElementsAre("5", "4+", "4", "3", "2", "1"));
}

TEST_F(AuditTest, RefusesAnAuditEntryWithoutTime) {
  LedgerWrite write = Audited(kSeller, 6, "alice", kT0);
  write.audit[0].clear_recorded_at();
  absl::Status refused = store_->Commit({write});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(), "audit entry 6: no recorded_at");
  EXPECT_EQ(store_->LastSequence(), 4);
}

}  // namespace
}  // namespace enforcer
