#include "storage/rocksdb_ledger_store.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "proto/timestamp.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "storage/case_index_batch.h"
#include "storage/case_index_reader.h"
#include "storage/commit_batch.h"
#include "storage/delivery_batch.h"
#include "storage/delivery_reader.h"
#include "storage/key_codec.h"
#include "storage/ledger_db.h"
#include "storage/schema_migration.h"

namespace enforcer {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// Read options bounded to [lower, upper); the slices must outlive the iterator.
rocksdb::ReadOptions Bounded(const rocksdb::Slice* lower, const rocksdb::Slice* upper) {
  rocksdb::ReadOptions options;
  options.iterate_lower_bound = lower;
  options.iterate_upper_bound = upper;
  return options;
}

// The ledger entry an iterator over the ledger family points at; DATA_LOSS naming its subject
// and position if it is corrupt.
absl::StatusOr<v1::LedgerEntry> EntryAt(const rocksdb::Iterator& it) {
  ASSIGN_OR_RETURN(const LedgerKey key, DecodeLedgerKey(ToView(it.key())));
  return ParseValue<v1::LedgerEntry>(
      it.value(),
      absl::StrCat("ledger entry ", SubjectName(key.subject), " position ", key.position));
}

class RocksDbLedgerStore final : public LedgerStore {
 public:
  RocksDbLedgerStore(std::unique_ptr<LedgerDb> db, Durability durability)
      : db_(std::move(db)), durability_(durability), cases_(db_.get()), delivery_(db_.get()) {}

  // Reads the meta values the store keeps in memory.
  absl::Status Load() {
    ASSIGN_OR_RETURN(const std::optional<uint64_t> sequence, db_->GetMetaNumber(kLastSequenceKey));
    last_sequence_.store(sequence.value_or(0), std::memory_order_release);
    ASSIGN_OR_RETURN(const std::optional<uint64_t> activation,
                     db_->GetMetaNumber(kLastActivationKey));
    last_activation_ = activation.value_or(0);
    ASSIGN_OR_RETURN(const std::optional<uint64_t> feed, db_->GetMetaNumber(kLastFeedSequenceKey));
    last_feed_sequence_.store(feed.value_or(0), std::memory_order_release);
    ASSIGN_OR_RETURN(const std::optional<uint64_t> oldest,
                     db_->GetMetaNumber(kOldestFeedSequenceKey));
    oldest_feed_sequence_.store(oldest.value_or(1), std::memory_order_release);
    ASSIGN_OR_RETURN(const std::optional<std::string> pending,
                     db_->GetRaw(Cf::kMeta, kStateRebuildPendingKey));
    state_rebuild_pending_.store(pending.has_value(), std::memory_order_release);
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<v1::StoredReport>> GetReport(absl::string_view report_id) override {
    if (report_id.empty()) return absl::InvalidArgumentError("report_id is empty");
    return db_->Get<v1::StoredReport>(Cf::kIdempotency, EncodeReportKey(report_id),
                                      absl::StrCat("idempotency record of ", report_id));
  }

  absl::StatusOr<std::optional<v1::SubjectState>> GetSubjectState(
      const v1::Subject& subject) override {
    ASSIGN_OR_RETURN(const std::string key, EncodeSubjectKey(subject));
    return db_->Get<v1::SubjectState>(Cf::kStates, key,
                                      absl::StrCat("state of ", SubjectName(subject)));
  }

  absl::Status Commit(absl::Span<const LedgerWrite> writes) override {
    CommitBatch builder(db_.get(), last_sequence_.load(std::memory_order_acquire), last_activation_,
                        last_feed_sequence_.load(std::memory_order_acquire),
                        oldest_feed_sequence_.load(std::memory_order_acquire));
    for (const LedgerWrite& write : writes) RETURN_IF_ERROR(builder.Add(write));
    ASSIGN_OR_RETURN(rocksdb::WriteBatch* const batch, builder.Finish());
    if (batch == nullptr) return absl::OkStatus();
    RETURN_IF_ERROR(db_->Write(batch, durability_ == Durability::kFsync, "commit ledger batch"));
    last_sequence_.store(builder.last_sequence(), std::memory_order_release);
    last_activation_ = builder.last_activation();
    // Oldest first: a reader that sees the new last sequence must not find the events it is
    // told are kept already removed.
    oldest_feed_sequence_.store(builder.oldest_feed_sequence(), std::memory_order_release);
    last_feed_sequence_.store(builder.last_feed_sequence(), std::memory_order_release);
    return absl::OkStatus();
  }

  absl::StatusOr<HistoryPage> ListHistory(const HistoryQuery& query) override {
    ASSIGN_OR_RETURN(const std::string subject_key, EncodeSubjectKey(query.subject));
    const size_t page_size = static_cast<size_t>(
        query.page_size == 0 ? kDefaultPageSize : std::clamp(query.page_size, 1, kMaxPageSize));
    const std::string upper = SubjectKeyPrefixEnd(subject_key);
    std::string first = upper;
    if (!query.page_token.empty()) {
      ASSIGN_OR_RETURN(const uint64_t position, DecodeHistoryToken(query.page_token));
      first = EncodeLedgerKey(subject_key, position);
    }
    HistoryPage page;
    if (query.start >= query.end) return page;
    const rocksdb::Slice lower_slice = ToSlice(subject_key);
    const rocksdb::Slice upper_slice = ToSlice(upper);
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->handle(Cf::kLedger), Bounded(&lower_slice, &upper_slice));
    // recorded_at is not in the key (positions follow commit order, which a clock step can take
    // out of time order), so the time bounds filter entries rather than bound the scan.
    size_t bytes = 0;
    for (it->SeekForPrev(ToSlice(first)); it->Valid(); it->Prev()) {
      ASSIGN_OR_RETURN(v1::LedgerEntry entry, EntryAt(*it));
      const absl::Time recorded_at = FromProtoTime(entry.recorded_at());
      if (recorded_at < query.start || recorded_at >= query.end) continue;
      const size_t size = entry.ByteSizeLong();
      if (page.entries.size() == page_size ||
          (!page.entries.empty() && bytes + size > query.max_bytes)) {
        // One more entry matches: the next page starts with it.
        page.next_page_token = EncodeHistoryToken(entry.position());
        break;
      }
      bytes += size;
      page.entries.push_back(std::move(entry));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan history"));
    return page;
  }

  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadLogRange(const v1::Subject& subject,
                                                            uint64_t from, size_t limit) override {
    ASSIGN_OR_RETURN(const std::string subject_key, EncodeSubjectKey(subject));
    const std::string upper = SubjectKeyPrefixEnd(subject_key);
    const rocksdb::Slice upper_slice = ToSlice(upper);
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->handle(Cf::kLedger), Bounded(nullptr, &upper_slice));
    std::vector<v1::LedgerEntry> entries;
    for (it->Seek(EncodeLedgerKey(subject_key, from)); it->Valid() && entries.size() < limit;
         it->Next()) {
      ASSIGN_OR_RETURN(v1::LedgerEntry entry, EntryAt(*it));
      entries.push_back(std::move(entry));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan ledger"));
    return entries;
  }

  absl::StatusOr<uint64_t> LastPosition(const v1::Subject& subject) override {
    ASSIGN_OR_RETURN(const std::string subject_key, EncodeSubjectKey(subject));
    return db_->LastPosition(subject_key);
  }

  absl::StatusOr<std::vector<v1::LedgerPosition>> FindViolation(
      absl::string_view violation_id) override {
    ASSIGN_OR_RETURN(
        const std::optional<v1::ViolationLocation> location,
        db_->Get<v1::ViolationLocation>(Cf::kViolations, EncodeViolationKey(violation_id),
                                        absl::StrCat("violation index of ", violation_id)));
    if (!location.has_value()) return std::vector<v1::LedgerPosition>();
    return std::vector<v1::LedgerPosition>(location->positions().begin(),
                                           location->positions().end());
  }

  absl::Status ForEachSubject(
      const std::function<absl::Status(const v1::Subject&)>& visit) override {
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(db_->handle(Cf::kLedger));
    // One seek per subject: visit it, then skip past the rest of its ledger.
    for (it->SeekToFirst(); it->Valid();) {
      ASSIGN_OR_RETURN(const LedgerKey key, DecodeLedgerKey(ToView(it->key())));
      RETURN_IF_ERROR(visit(key.subject));
      ASSIGN_OR_RETURN(const std::string subject_key, EncodeSubjectKey(key.subject));
      it->Seek(SubjectKeyPrefixEnd(subject_key));
    }
    return FromRocksDb(it->status(), "scan ledgers");
  }

  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadCommitLog(uint64_t from, size_t limit) override {
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(db_->handle(Cf::kCommitLog));
    std::vector<v1::LedgerEntry> entries;
    for (it->Seek(EncodeCommitLogKey(from)); it->Valid() && entries.size() < limit; it->Next()) {
      ASSIGN_OR_RETURN(const uint64_t sequence, DecodeCommitLogKey(ToView(it->key())));
      ASSIGN_OR_RETURN(v1::LedgerEntry entry, EntryOfCommitLogRecord(sequence, it->value()));
      entries.push_back(std::move(entry));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan commit log"));
    return entries;
  }

  absl::StatusOr<std::vector<ExpiryEntry>> ScanExpiries(absl::Time until, size_t limit) override {
    // ToUnixMicros saturates, so InfiniteFuture scans everything.
    const std::string upper = EncodeExpiryBound(absl::ToUnixMicros(until));
    const rocksdb::Slice upper_slice = ToSlice(upper);
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->handle(Cf::kExpiries), Bounded(nullptr, &upper_slice));
    std::vector<ExpiryEntry> expiries;
    for (it->SeekToFirst(); it->Valid() && expiries.size() < limit; it->Next()) {
      ASSIGN_OR_RETURN(ExpiryKey key, DecodeExpiryKey(ToView(it->key())));
      expiries.push_back({absl::FromUnixMicros(key.expires_at_micros), std::move(key.subject),
                          std::move(key.action_id)});
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan expiries"));
    return expiries;
  }

  absl::StatusOr<std::optional<v1::PolicyActivation>> GetPolicyVersion(
      absl::string_view version) override {
    return db_->Get<v1::PolicyActivation>(Cf::kPolicies, EncodePolicyVersionKey(version),
                                          absl::StrCat("policy version ", version));
  }

  absl::StatusOr<std::vector<v1::PolicyActivation>> ListActivations() override {
    const rocksdb::Slice lower_slice = ToSlice(kActivationKeysBegin);
    const rocksdb::Slice upper_slice = ToSlice(kActivationKeysEnd);
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->handle(Cf::kPolicies), Bounded(&lower_slice, &upper_slice));
    std::vector<v1::PolicyActivation> activations;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ASSIGN_OR_RETURN(v1::PolicyActivation activation,
                       ParseValue<v1::PolicyActivation>(it->value(), "policy activation"));
      activations.push_back(std::move(activation));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan policy activations"));
    return activations;
  }

  absl::StatusOr<std::optional<v1::ShadowSetting>> GetShadowSetting() override {
    return db_->Get<v1::ShadowSetting>(Cf::kPolicies, kShadowSettingKey, "shadow setting");
  }

  absl::StatusOr<std::vector<v1::ShadowDecision>> ReadShadowDecisions(uint64_t from,
                                                                      size_t limit) override {
    const std::string lower = EncodeShadowDecisionKey(from);
    const rocksdb::Slice lower_slice = ToSlice(lower);
    const rocksdb::Slice upper_slice = ToSlice(kShadowDecisionKeysEnd);
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->handle(Cf::kPolicies), Bounded(&lower_slice, &upper_slice));
    std::vector<v1::ShadowDecision> out;
    for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
      ASSIGN_OR_RETURN(v1::ShadowDecision d,
                       ParseValue<v1::ShadowDecision>(it->value(), "shadow decision"));
      out.push_back(std::move(d));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan shadow decisions"));
    return out;
  }

  absl::StatusOr<std::vector<std::string>> FindComplaints(absl::string_view rights_holder_id,
                                                          absl::string_view object_id) override {
    return cases_.FindComplaints(rights_holder_id, object_id);
  }
  absl::StatusOr<std::vector<v1::ComplaintDay>> ReadComplaintDays(
      absl::string_view rights_holder_id) override {
    return cases_.ReadComplaintDays(rights_holder_id);
  }
  absl::StatusOr<std::vector<v1::LedgerEntry>> ListOpenAppeals(uint64_t after_sequence,
                                                               size_t limit) override {
    return cases_.ListOpenAppeals(after_sequence, limit);
  }
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) override {
    return cases_.ListAudit(query);
  }

  absl::StatusOr<std::vector<v1::ActionEvent>> ReadFeed(uint64_t from, size_t limit) override {
    return delivery_.ReadFeed(from, limit);
  }
  uint64_t LastFeedSequence() const override {
    return last_feed_sequence_.load(std::memory_order_acquire);
  }
  uint64_t OldestFeedSequence() const override {
    return oldest_feed_sequence_.load(std::memory_order_acquire);
  }
  absl::StatusOr<std::vector<v1::ConsumerCursor>> ListConsumerCursors() override {
    return delivery_.ListConsumerCursors();
  }
  absl::StatusOr<std::optional<v1::ConsumerCursor>> GetConsumerCursor(
      absl::string_view consumer) override {
    return delivery_.GetConsumerCursor(consumer);
  }
  absl::StatusOr<std::vector<v1::ActionTimer>> ScanDueTimers(absl::Time until,
                                                             size_t limit) override {
    return delivery_.ScanDueTimers(until, limit);
  }

  uint64_t LastSequence() const override { return last_sequence_.load(std::memory_order_acquire); }

  bool StateRebuildPending() const override {
    return state_rebuild_pending_.load(std::memory_order_acquire);
  }

  absl::Status ClearStateRebuildPending() override {
    rocksdb::WriteBatch batch;
    RETURN_IF_ERROR(FromRocksDb(
        batch.Delete(db_->handle(Cf::kMeta), ToSlice(kStateRebuildPendingKey)), "batch delete"));
    RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true, "clear state_rebuild_pending"));
    state_rebuild_pending_.store(false, std::memory_order_release);
    return absl::OkStatus();
  }

 private:
  // The ledger entry a commit log record points at; DATA_LOSS if the record is corrupt or points
  // at nothing, or at an entry with another sequence.
  absl::StatusOr<v1::LedgerEntry> EntryOfCommitLogRecord(uint64_t sequence,
                                                         const rocksdb::Slice& value) {
    const std::string context = absl::StrCat("commit log record ", sequence);
    ASSIGN_OR_RETURN(const v1::LedgerPosition at, ParseValue<v1::LedgerPosition>(value, context));
    absl::StatusOr<std::string> subject_key = EncodeSubjectKey(at.subject());
    if (!subject_key.ok()) return absl::DataLossError(absl::StrCat("corrupt stored ", context));
    const std::string where =
        absl::StrCat("ledger entry ", SubjectName(at.subject()), " position ", at.position());
    ASSIGN_OR_RETURN(std::optional<v1::LedgerEntry> entry,
                     db_->Get<v1::LedgerEntry>(
                         Cf::kLedger, EncodeLedgerKey(*subject_key, at.position()), where));
    if (!entry.has_value() || entry->sequence() != sequence) {
      return absl::DataLossError(
          absl::StrCat(context, " points at ", where, ", which ",
                       entry.has_value() ? "has another sequence" : "is missing"));
    }
    return *std::move(entry);
  }

  const std::unique_ptr<LedgerDb> db_;
  const Durability durability_;
  const CaseIndexReader cases_;
  const DeliveryReader delivery_;
  // Written only by Commit (one thread), read by anyone.
  std::atomic<uint64_t> last_sequence_{0};
  std::atomic<uint64_t> last_feed_sequence_{0};
  std::atomic<uint64_t> oldest_feed_sequence_{1};
  // Read and written only by Commit.
  uint64_t last_activation_ = 0;
  std::atomic<bool> state_rebuild_pending_{false};
};

}  // namespace

absl::StatusOr<std::unique_ptr<LedgerStore>> OpenRocksDbLedgerStore(
    const std::string& dir, const RocksDbLedgerStoreOptions& options) {
  LedgerDbOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.recover_damaged_wal = options.recover_damaged_wal;
  if (options.testing_faults != nullptr) {
    db_options.env = static_cast<rocksdb::Env*>(options.testing_faults->env());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<LedgerDb> db, LedgerDb::Open(dir, db_options));
  ASSIGN_OR_RETURN(const MigrationReport migrated, EnsureCurrentSchema(*db));
  RETURN_IF_ERROR(BackfillCaseIndexes(*db));
  RETURN_IF_ERROR(BackfillDelivery(*db));
  if (options.migration_report != nullptr) *options.migration_report = migrated;
  if (options.recover_damaged_wal) {
    // What the operator chose is kept with the ledger: when, and where the ledger ended then.
    ASSIGN_OR_RETURN(const std::optional<uint64_t> last, db->GetMetaNumber(kLastSequenceKey));
    rocksdb::WriteBatch batch;
    const int64_t now = absl::ToUnixMicros(absl::Now());
    RETURN_IF_ERROR(PutRaw(&batch, db->handle(Cf::kMeta), absl::StrCat(kWalRecoveryKeyPrefix, now),
                           absl::StrCat("write-ahead log replayed up to its damage at ",
                                        absl::FormatTime(absl::FromUnixMicros(now)),
                                        "; the ledger ends at sequence ", last.value_or(0))));
    RETURN_IF_ERROR(db->Write(&batch, /*sync=*/true, "record the write-ahead log recovery"));
  }
  auto store = std::make_unique<RocksDbLedgerStore>(std::move(db), options.durability);
  RETURN_IF_ERROR(store->Load());
  return store;
}

}  // namespace enforcer
