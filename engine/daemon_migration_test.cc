// A ledger written by the first enforcerd (schema 1, commit 85cb364; storage/testdata/ledger_v1,
// made by storage/testdata/make_ledger_v1.sh) served by today's daemon: on first start it is
// migrated, every subject's state is rebuilt from its ledger and re-evaluated under the policy in
// force, and clients see their old reports, history and idempotency keys as before.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/test_files.h"
#include "engine/daemon.h"
#include "google/protobuf/text_format.h"
#include "proto/enforcer.grpc.pb.h"

namespace enforcer {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  std::map<std::string, v1::ReportViolationRequest> reports;  // report_id -> as first sent
  std::map<std::string, std::string> violation_of;            // report_id -> violation id
  std::map<std::string, std::vector<std::string>> ledgers;    // "SELLER/seller-a" -> sequences
  uint64_t last_sequence = 0;
};

Fixture ReadExpected() {
  Fixture f;
  std::ifstream in(RunfilePath("storage/testdata/ledger_v1/EXPECTED.txt"));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> words = absl::StrSplit(line, ' ');
    if (words[0] == "report" && words[3] == "0") {
      const size_t text = line.find("report_id:");
      EXPECT_TRUE(
          google::protobuf::TextFormat::ParseFromString(line.substr(text), &f.reports[words[1]]));
      f.violation_of[words[1]] = words[2];
    } else if (words[0] == "ledger") {
      f.ledgers[absl::StrCat(words[1], "/", words[2])] =
          std::vector<std::string>(words.begin() + 3, words.end());
    } else if (words[0] == "last_sequence") {
      f.last_sequence = std::stoull(words[1]);
    }
  }
  return f;
}

v1::Subject Subject(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  v1::Subject s;
  s.set_kind(parts[0] == "SELLER" ? v1::SELLER : v1::CREATOR);
  s.set_id(parts[1]);
  return s;
}

class DaemonMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = ReadExpected();
    ASSERT_FALSE(fixture_.reports.empty());
    data_dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(data_dir_);
    // Runfiles are read-only: the daemon gets a copy.
    for (const auto& file : fs::directory_iterator(RunfilePath("storage/testdata/ledger_v1"))) {
      if (file.path().filename() == "EXPECTED.txt") continue;
      fs::copy_file(file.path(), fs::path(data_dir_) / file.path().filename());
      fs::permissions(fs::path(data_dir_) / file.path().filename(), fs::perms::owner_all);
    }
  }

  void Start() {
    DaemonConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.durability = Durability::kProcess;
    auto daemon = Daemon::Start(config);
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = std::move(*daemon);
    stub_ = v1::Enforcer::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", daemon_->port()),
                                                      grpc::InsecureChannelCredentials()));
  }

  std::vector<v1::LedgerEntry> History(const v1::Subject& subject) {
    std::vector<v1::LedgerEntry> all;
    v1::ListHistoryRequest req;
    *req.mutable_subject() = subject;
    req.set_page_size(7);
    do {
      grpc::ClientContext ctx;
      v1::ListHistoryResponse page;
      grpc::Status s = stub_->ListHistory(&ctx, req, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      all.insert(all.end(), page.entries().begin(), page.entries().end());
      req.set_page_token(page.next_page_token());
    } while (!req.page_token().empty());
    return all;
  }

  Fixture fixture_;
  std::string data_dir_;
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<v1::Enforcer::Stub> stub_;
};

TEST_F(DaemonMigrationTest, ServesASchemaOneLedgerAfterMigratingIt) {
  Start();
  for (const auto& [name, sequences] : fixture_.ledgers) {
    const v1::Subject subject = Subject(name);
    std::vector<v1::LedgerEntry> history = History(subject);
    // The old entries in commit order (seller-b's clock stepped back an hour among them), then
    // the re-evaluation the first start recorded under today's default pack.
    ASSERT_GT(history.size(), sequences.size()) << name;
    const size_t n = history.size();
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(history[i].position(), n - i) << name;
    for (size_t i = 0; i < sequences.size(); ++i) {
      EXPECT_EQ(std::to_string(history[n - 1 - i].sequence()), sequences[i]) << name << " #" << i;
    }
    ASSERT_TRUE(history[n - 1 - sequences.size()].has_reevaluation()) << name;
    EXPECT_GT(history[n - 1 - sequences.size()].sequence(), fixture_.last_sequence);

    grpc::ClientContext ctx;
    v1::GetStandingRequest req;
    *req.mutable_subject() = subject;
    v1::GetStandingResponse standing;
    ASSERT_TRUE(stub_->GetStanding(&ctx, req, &standing).ok());
    EXPECT_EQ(standing.evaluated_under(), standing.policy_version()) << name;
    EXPECT_GT(standing.lifetime_violations(), 0) << name;
  }
}

TEST_F(DaemonMigrationTest, OldReportIdsAreStillDuplicatesAndStillReserved) {
  Start();
  for (const auto& [report_id, request] : fixture_.reports) {
    grpc::ClientContext ctx;
    v1::ReportViolationResponse got;
    grpc::Status s = stub_->ReportViolation(&ctx, request, &got);
    ASSERT_TRUE(s.ok()) << report_id << ": " << s.error_message();
    EXPECT_TRUE(got.duplicate()) << report_id;
    EXPECT_EQ(got.violation().violation_id(), fixture_.violation_of[report_id]) << report_id;
    EXPECT_GT(got.decisions_size(), 0) << report_id;
  }
  v1::ReportViolationRequest changed = fixture_.reports.begin()->second;
  changed.set_reporter("someone-else");
  grpc::ClientContext ctx;
  v1::ReportViolationResponse got;
  grpc::Status s = stub_->ReportViolation(&ctx, changed, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(absl::StrContains(s.error_message(), fixture_.violation_of.begin()->second))
      << s.error_message();
}

TEST_F(DaemonMigrationTest, NewReportsContinueTheSequenceAndARestartDoesNotMigrateAgain) {
  Start();
  v1::ReportViolationRequest r;
  r.set_report_id("after-migration");
  r.set_seller_id("seller-a");
  r.set_category("misleading_listing");
  r.set_source(v1::SOURCE_LISTING);
  v1::ReportViolationResponse got;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ReportViolation(&ctx, r, &got).ok());
  }
  EXPECT_GT(std::stoull(got.violation().violation_id().substr(1)), fixture_.last_sequence);
  const size_t entries = History(Subject("SELLER/seller-a")).size();
  daemon_->Shutdown();
  daemon_.reset();
  Start();
  // No second migration, no second re-evaluation: the ledger is as it was.
  EXPECT_EQ(History(Subject("SELLER/seller-a")).size(), entries);
  grpc::ClientContext ctx;
  v1::ReportViolationResponse again;
  ASSERT_TRUE(stub_->ReportViolation(&ctx, r, &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.violation().violation_id(), got.violation().violation_id());
}

}  // namespace
}  // namespace enforcer
