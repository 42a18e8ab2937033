// LedgerStore: the durable, append-only ledgers of sellers and creators.
//
// The engine sees only this interface and absl::Status; RocksDB stays inside storage/. Every
// mutation goes through Commit(), which applies a group of LedgerWrites as one atomic batch: a
// violation, its decisions and actions, the idempotency record, the updated subject state and
// every index derived from them are all visible together or not at all.
//
// Layout (schema 2): each subject's ledger is keyed by its position (1, 2, 3, ... in commit
// order), so a clock step never reorders history. Beside the ledgers the store keeps, in the same
// batch: the violation index (violation id -> positions), a commit-ordered log of every entry (by
// global sequence; the action feed tails it), an expiry index of timed actions keyed by
// (expires_at, subject, action id) so a scheduler scans a time range instead of every subject, the
// idempotency records, every policy version ever activated, the case indexes (complaints by
// rights holder and object, complaint tallies by day, open appeals), the audit, and delivery: the
// action feed (every action event, numbered without gaps), the scheduler's timers and the
// consumers' cursors.
#ifndef ENFORCERD_STORAGE_LEDGER_STORE_H_
#define ENFORCERD_STORAGE_LEDGER_STORE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "proto/action_feed.pb.h"
#include "proto/cases.pb.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "proto/policy_admin.pb.h"

namespace enforcer {

// The layout this build reads and writes. A store written by a newer build is refused.
inline constexpr int kSchemaVersion = 2;

// The idempotency record of one report_id.
struct ReportRecord {
  std::string report_id;
  v1::StoredReport record;
};

// What one report (or re-evaluation, or policy activation) changes.
struct LedgerWrite {
  // Absent for writes that are not reports.
  std::optional<ReportRecord> report;
  // Replaces each subject's derived state.
  std::vector<v1::SubjectState> states;
  // Appended to their subjects' ledgers in this order. Each must carry subject, sequence (global,
  // strictly increasing, unique) and recorded_at. `position` is assigned by the store: the next
  // free position of the subject's ledger, in the order given; callers leave it 0.
  // Entries with a violation are added to the violation index; action entries with expires_at to
  // the expiry index; every entry to the commit log.
  std::vector<v1::LedgerEntry> entries;
  // A policy becoming active: stored with its text (by version and in the activation list).
  std::optional<v1::PolicyActivation> activation;
  // Shadow mode: the shadow policy set or cleared (empty text), and decisions made under it.
  std::optional<v1::ShadowSetting> shadow_setting;
  std::vector<v1::ShadowDecision> shadow_decisions;
  // Audit entries for the staff, appeal and policy actions among `entries` (or the activation),
  // keyed by their sequence. Append-only: the store has no call that changes or removes one.
  // Each must carry recorded_at and the sequence of one of this write's entries (at most one
  // audit entry per entry), except the activation's, which carries the last sequence committed
  // or written before it (it sorts right after that entry). Anything else is INVALID_ARGUMENT and
  // nothing of the group is written, so no write can replace an existing audit entry.
  std::vector<v1::AuditEntry> audit;
  // Delivery. Every entry's action-feed events (proto/action_events.h) and every state's timers
  // are derived by the store in the same batch; these are what the write changes besides:
  // - timers the scheduler consumed (removed; removing an absent one is harmless);
  std::vector<v1::ActionTimer> timers_done;
  // - named consumers' cursors (each replaces the consumer's stored one);
  std::vector<v1::ConsumerCursor> cursors;
  // - the feed's retention: events below this sequence are removed (0 or at most the oldest kept:
  //   nothing). INVALID_ARGUMENT beyond the last event plus one.
  uint64_t feed_retain_from = 0;
};

struct AuditQuery {
  // Each set field narrows the list.
  std::optional<v1::Subject> subject;
  std::string actor;
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  int page_size = 100;
  std::string page_token;
};

struct AuditPage {
  // Newest first.
  std::vector<v1::AuditEntry> entries;
  std::string next_page_token;
};

struct HistoryQuery {
  v1::Subject subject;
  // Only entries with start <= recorded_at < end (a filter: order stays by position). A narrow
  // range over a long ledger may scan much of it to fill one page.
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  int page_size = 100;
  // A page stops before the entry that would take its serialized size past this (it always holds
  // at least one entry), so a client's message limit is never exceeded.
  size_t max_bytes = std::numeric_limits<size_t>::max();
  // Empty for the first page; otherwise a previous HistoryPage::next_page_token.
  std::string page_token;
};

struct HistoryPage {
  // Newest (highest position) first.
  std::vector<v1::LedgerEntry> entries;
  // Empty when there is nothing more.
  std::string next_page_token;
};

// A timed action as the expiry index lists it.
struct ExpiryEntry {
  absl::Time expires_at;
  v1::Subject subject;
  std::string action_id;
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

  // The subject's derived state, or nullopt if none is stored.
  virtual absl::StatusOr<std::optional<v1::SubjectState>> GetSubjectState(
      const v1::Subject& subject) = 0;

  // Applies every write in `writes` as one atomic batch with one sync (per the store's
  // durability). On error nothing is applied. UNAVAILABLE on I/O failure. INVALID_ARGUMENT (and
  // nothing written) for: an entry without subject, sequence or recorded_at; a sequence at or
  // below LastSequence() or not increasing in the order given; a caller-set position; a violation
  // without violation_id; a timed action without action_id; an activation without a version or
  // whose number is not above the last one.
  virtual absl::Status Commit(absl::Span<const LedgerWrite> writes) = 0;

  // One page of a subject's entries, newest first. INVALID_ARGUMENT for a malformed token.
  virtual absl::StatusOr<HistoryPage> ListHistory(const HistoryQuery& query) = 0;

  // A subject's entries from position `from` on (1 = the start), oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::LedgerEntry>> ReadLogRange(const v1::Subject& subject,
                                                                    uint64_t from,
                                                                    size_t limit) = 0;
  // The whole ledger of a subject, oldest first.
  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadLog(const v1::Subject& subject) {
    return ReadLogRange(subject, 1, std::numeric_limits<size_t>::max());
  }

  // The position of the subject's last entry (0 if its ledger is empty).
  virtual absl::StatusOr<uint64_t> LastPosition(const v1::Subject& subject) = 0;

  // Where violation `violation_id` was recorded; empty if nowhere.
  virtual absl::StatusOr<std::vector<v1::LedgerPosition>> FindViolation(
      absl::string_view violation_id) = 0;

  // Calls `visit` for every subject that has a ledger (found from the ledgers themselves, not
  // from derived state), in key order; stops at the first error `visit` returns and returns it.
  // For offline maintenance, not for the serving path.
  virtual absl::Status ForEachSubject(
      const std::function<absl::Status(const v1::Subject&)>& visit) = 0;

  // Entries of the commit log with sequence >= `from`, in sequence order, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::LedgerEntry>> ReadCommitLog(uint64_t from,
                                                                     size_t limit) = 0;

  // Timed actions whose expires_at is before `until`, earliest first, at most `limit`. The index
  // is never pruned: a lifted action stays listed; callers check the subject's state.
  virtual absl::StatusOr<std::vector<ExpiryEntry>> ScanExpiries(absl::Time until, size_t limit) = 0;

  // The stored text of a policy version, or nullopt if it was never activated here.
  virtual absl::StatusOr<std::optional<v1::PolicyActivation>> GetPolicyVersion(
      absl::string_view version) = 0;

  // Every activation, oldest first.
  virtual absl::StatusOr<std::vector<v1::PolicyActivation>> ListActivations() = 0;

  // The shadow policy recorded last (nullopt if none was ever set; empty text once cleared).
  virtual absl::StatusOr<std::optional<v1::ShadowSetting>> GetShadowSetting() = 0;
  // Shadow decisions with sequence >= `from`, in sequence order, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::ShadowDecision>> ReadShadowDecisions(uint64_t from,
                                                                              size_t limit) = 0;

  // Derived from committed entries (in the same batch):
  // - complaints: the violation ids a rights holder's complaints about one object produced, in
  //   recording order (what RetractComplaint by rights holder and object voids);
  virtual absl::StatusOr<std::vector<std::string>> FindComplaints(
      absl::string_view rights_holder_id, absl::string_view object_id) = 0;
  // - a rights holder's per-day tallies (by the UTC day its complaint was recorded): complaints,
  //   and how many of them were later overturned on appeal or retracted. Oldest day first.
  virtual absl::StatusOr<std::vector<v1::ComplaintDay>> ReadComplaintDays(
      absl::string_view rights_holder_id) = 0;
  // - open appeals: appeal entries not yet followed by a resolution, oldest first, those with a
  //   sequence above `after_sequence`, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::LedgerEntry>> ListOpenAppeals(uint64_t after_sequence,
                                                                       size_t limit) = 0;
  // - the audit (LedgerWrite::audit), newest first. INVALID_ARGUMENT for a malformed token.
  virtual absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) = 0;

  // The action feed: events with sequence >= `from`, in order, at most `limit`. Events below
  // OldestFeedSequence() are gone (retention); a caller that needs them gets what follows.
  virtual absl::StatusOr<std::vector<v1::ActionEvent>> ReadFeed(uint64_t from, size_t limit) = 0;
  // The last event's sequence (0 if none) and the oldest kept (1 until retention removes some;
  // LastFeedSequence() + 1 when every event was removed).
  virtual uint64_t LastFeedSequence() const = 0;
  virtual uint64_t OldestFeedSequence() const = 0;
  // Every named consumer's cursor, by name.
  virtual absl::StatusOr<std::vector<v1::ConsumerCursor>> ListConsumerCursors() = 0;
  virtual absl::StatusOr<std::optional<v1::ConsumerCursor>> GetConsumerCursor(
      absl::string_view consumer) = 0;
  // Timers at or before `until`, earliest first, at most `limit` (see v1::ActionTimer).
  virtual absl::StatusOr<std::vector<v1::ActionTimer>> ScanDueTimers(absl::Time until,
                                                                    size_t limit) = 0;

  // The highest entry sequence ever committed (0 for a new store). Sequences are global.
  virtual uint64_t LastSequence() const = 0;

  // True after a migration from an older layout until ClearStateRebuildPending(): derived state
  // could not be carried over and must be rebuilt from the ledgers before serving.
  virtual bool StateRebuildPending() const = 0;
  virtual absl::Status ClearStateRebuildPending() = 0;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_LEDGER_STORE_H_
