// Shared by the LedgerStore tests: entry builders, and a fixture with a real RocksDB store in its
// own directory under TEST_TMPDIR. Test-only.
#ifndef ENFORCERD_STORAGE_LEDGER_STORE_TESTING_H_
#define ENFORCERD_STORAGE_LEDGER_STORE_TESTING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/ledger_store.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace storage_testing {

MATCHER_P(EqualsProto, expected, expected.ShortDebugString()) {
  return google::protobuf::util::MessageDifferencer::Equals(arg, expected);
}

constexpr int64_t kT0 = 1700000000;  // Seconds since the epoch; any time works.

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id);

// An entry of `subject` recorded `seconds` after the epoch, with violation "v<sequence>".
v1::LedgerEntry MakeEntry(const v1::Subject& subject, uint64_t sequence, int64_t seconds);
// An action entry; `expires_seconds` < 0 makes it permanent.
v1::LedgerEntry MakeAction(const v1::Subject& subject, uint64_t sequence,
                           const std::string& action_id, int64_t expires_seconds);
v1::SubjectState MakeState(const v1::Subject& subject, int64_t lifetime_violations);
ReportRecord MakeReport(const std::string& report_id, const std::string& violation_id);
v1::PolicyActivation MakeActivation(uint64_t activation, const std::string& version);

std::vector<uint64_t> Sequences(const std::vector<v1::LedgerEntry>& entries);
std::vector<uint64_t> Positions(const std::vector<v1::LedgerEntry>& entries);

// Writes `value` under `key` in column family `cf` with RocksDB directly, behind the store's
// back (which must be closed).
void PutRawValue(const std::string& dir, const std::string& cf, const std::string& key,
                 const std::string& value);

// Drops `families` and deletes `meta_keys` from the default family, behind the store's back
// (which must be closed): a store as a build before those families wrote it.
void RemoveFamilies(const std::string& dir, const std::vector<std::string>& families,
                    const std::vector<std::string>& meta_keys);

// A fresh store per test, in TEST_TMPDIR/<suite>.<test>/ledger.
class LedgerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void Reopen(Durability durability = Durability::kProcess);

  void Commit(const std::vector<LedgerWrite>& writes);
  void CommitEntries(std::vector<v1::LedgerEntry> entries);
  HistoryPage List(const HistoryQuery& query);
  std::vector<v1::LedgerEntry> Log(const v1::Subject& subject);

  std::string dir_;
  std::unique_ptr<LedgerStore> store_;
};

}  // namespace storage_testing
}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_LEDGER_STORE_TESTING_H_
