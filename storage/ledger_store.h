// LedgerStore: the durable, append-only ledgers of sellers and creators.
//
// The engine sees only this interface and absl::Status; RocksDB stays inside storage/. Every
// mutation goes through Commit(), which applies a group of LedgerWrites as one atomic batch: a
// violation, its decisions and actions, the idempotency record and the updated subject state are
// all visible together or not at all.
#ifndef ENFORCERD_STORAGE_LEDGER_STORE_H_
#define ENFORCERD_STORAGE_LEDGER_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"

namespace enforcer {

// What one report (or, later, one appeal) changes. Entries must carry subject, sequence and
// recorded_at; the store keys them by (subject, recorded_at, sequence).
struct LedgerWrite {
  // The idempotency record, keyed by report.request().report_id(). Absent for non-report writes.
  std::optional<v1::StoredReport> report;
  // Replaces each subject's derived state.
  std::vector<v1::SubjectState> states;
  std::vector<v1::LedgerEntry> entries;
};

struct HistoryQuery {
  v1::Subject subject;
  // Entries with start <= recorded_at < end, newest first.
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  int page_size = 100;
  // Empty for the first page; otherwise a previous HistoryPage::next_page_token.
  std::string page_token;
};

struct HistoryPage {
  std::vector<v1::LedgerEntry> entries;
  // Empty when there is nothing more.
  std::string next_page_token;
};

enum class Durability {
  // Commit returns after the write-ahead log is fsync'ed: survives power loss.
  kFsync,
  // Commit returns after the write-ahead log reaches the OS: survives a process kill, not a
  // power loss or kernel crash.
  kProcess,
};

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // The idempotency record for `report_id`, or nullopt if none was committed.
  virtual absl::StatusOr<std::optional<v1::StoredReport>> GetReport(
      absl::string_view report_id) = 0;

  // The subject's derived state, or nullopt if the subject has no ledger yet.
  virtual absl::StatusOr<std::optional<v1::SubjectState>> GetSubjectState(
      const v1::Subject& subject) = 0;

  // Applies every write in `writes` as one atomic batch with one sync (per the store's
  // durability). On error nothing is applied. Returns UNAVAILABLE on I/O failure.
  virtual absl::Status Commit(absl::Span<const LedgerWrite> writes) = 0;

  // One page of a subject's entries, newest first. INVALID_ARGUMENT for a malformed token.
  virtual absl::StatusOr<HistoryPage> ListHistory(const HistoryQuery& query) = 0;

  // Every entry of a subject, oldest first, for rebuilding derived state from the log.
  virtual absl::StatusOr<std::vector<v1::LedgerEntry>> ReadLog(const v1::Subject& subject) = 0;

  // Calls `visit` for every subject that has a ledger, in key order; stops at the first error
  // `visit` returns and returns it. For offline maintenance, not for the serving path.
  virtual absl::Status ForEachSubject(
      const std::function<absl::Status(const v1::Subject&)>& visit) = 0;

  // The highest entry sequence ever committed (0 for a new store). Sequences are global.
  virtual uint64_t LastSequence() const = 0;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_LEDGER_STORE_H_
