// AuditReader over a real store: filters reach the store, bad requests are refused naming the
// field.
#include "engine/audit_reader.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/timestamp.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1790000000);

v1::Subject Seller(const std::string& id) {
  v1::Subject s;
  s.set_kind(v1::SELLER);
  s.set_id(id);
  return s;
}

class AuditReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir =
        absl::StrCat(std::getenv("TEST_TMPDIR"), "/",
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    absl::StatusOr<std::unique_ptr<LedgerStore>> store =
        OpenRocksDbLedgerStore(dir, Durability::kProcess);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    // Sequences 1..4: s1/alice, s2/bob, s1/bob, s1/alice, a minute apart.
    const char* actors[] = {"alice", "bob", "bob", "alice"};
    for (uint64_t seq = 1; seq <= 4; ++seq) {
      LedgerWrite write;
      v1::LedgerEntry& entry = write.entries.emplace_back();
      entry.set_sequence(seq);
      *entry.mutable_subject() = Seller(seq == 2 ? "s2" : "s1");
      *entry.mutable_recorded_at() = ToProtoTime(kT0 + absl::Minutes(seq));
      entry.mutable_staff_action()->set_kind(v1::STAFF_NOTE);
      v1::AuditEntry& audit = write.audit.emplace_back();
      audit.set_sequence(seq);
      *audit.mutable_subject() = entry.subject();
      *audit.mutable_recorded_at() = entry.recorded_at();
      audit.set_actor(actors[seq - 1]);
      audit.set_what("staff.note");
      ASSERT_TRUE(store_->Commit({write}).ok());
    }
  }

  std::vector<uint64_t> Sequences(const v1::ListAuditRequest& request) {
    absl::StatusOr<v1::ListAuditResponse> response = reader().ListAudit(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<uint64_t> out;
    if (response.ok()) {
      for (const v1::AuditEntry& e : response->entries()) out.push_back(e.sequence());
    }
    return out;
  }

  absl::Status Error(const v1::ListAuditRequest& request) {
    return reader().ListAudit(request).status();
  }

  AuditReader reader() { return AuditReader(store_.get()); }

  std::unique_ptr<LedgerStore> store_;
};

TEST_F(AuditReaderTest, FiltersBySubjectActorAndTime) {
  EXPECT_THAT(Sequences({}), ElementsAre(4, 3, 2, 1));
  v1::ListAuditRequest request;
  *request.mutable_subject() = Seller("s1");
  EXPECT_THAT(Sequences(request), ElementsAre(4, 3, 1));
  request.set_actor("bob");
  EXPECT_THAT(Sequences(request), ElementsAre(3));
  request.clear_subject();
  *request.mutable_start_time() = ToProtoTime(kT0 + absl::Minutes(3));
  EXPECT_THAT(Sequences(request), ElementsAre(3));
  request.clear_actor();
  *request.mutable_end_time() = ToProtoTime(kT0 + absl::Minutes(4));
  EXPECT_THAT(Sequences(request), ElementsAre(3));
}

TEST_F(AuditReaderTest, PagesWithTheDefaultAndAGivenSize) {
  v1::ListAuditRequest request;
  request.set_page_size(3);
  absl::StatusOr<v1::ListAuditResponse> first = reader().ListAudit(request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->entries_size(), 3);
  request.set_page_token(first->next_page_token());
  EXPECT_THAT(Sequences(request), ElementsAre(1));
  request.set_page_size(0);  // 100
  request.clear_page_token();
  EXPECT_THAT(Sequences(request), ElementsAre(4, 3, 2, 1));
}

TEST_F(AuditReaderTest, RefusesBadRequestsNamingTheField) {
  struct Case {
    std::string name;
    v1::ListAuditRequest request;
    std::string message;
  };
  std::vector<Case> cases(6);
  cases[0] = {"page too large", {}, "page_size: 1001 is outside 0..1000"};
  cases[0].request.set_page_size(1001);
  cases[1] = {"negative page", {}, "page_size: -1 is outside 0..1000"};
  cases[1].request.set_page_size(-1);
  cases[2] = {"subject without id", {}, "subject"};
  cases[2].request.mutable_subject()->set_kind(v1::SELLER);
  cases[3] = {"start after end", {}, "start_time: is after end_time"};
  *cases[3].request.mutable_start_time() = ToProtoTime(kT0 + absl::Hours(1));
  *cases[3].request.mutable_end_time() = ToProtoTime(kT0);
  cases[4] = {"forged token", {}, "page_token is malformed"};
  cases[4].request.set_page_token("forged");
  cases[5] = {"actor with a newline", {}, "actor"};
  cases[5].request.set_actor("bob\n");
  for (const Case& c : cases) {
    const absl::Status status = Error(c.request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.name;
  }
  v1::ListAuditRequest at_max;
  at_max.set_page_size(1000);
  EXPECT_TRUE(reader().ListAudit(at_max).ok());
}

}  // namespace
}  // namespace enforcer
