#include "storage/schema_migration.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/fingerprint.h"
#include "proto/legacy_v1.pb.h"
#include "rocksdb/write_batch.h"
#include "storage/entry_batch.h"
#include "storage/key_codec.h"
#include "storage/ledger_store.h"

namespace enforcer {
namespace {

// Stored data that does not make sense is lost data, whatever the check that found it says.
absl::Status AsDataLoss(const absl::Status& s, absl::string_view context) {
  if (s.ok()) return s;
  return absl::DataLossError(absl::StrCat(context, ": ", s.message()));
}

// Whether any schema-1 column family holds a key. A read error is an error, not "no data": the
// answer decides whether schema-1 column families are dropped.
absl::StatusOr<bool> HasSchema1Data(const LedgerDb& db) {
  for (Schema1Cf cf : {Schema1Cf::kEvents, Schema1Cf::kSubjects, Schema1Cf::kReports}) {
    if (db.schema1_handle(cf) == nullptr) continue;
    std::unique_ptr<rocksdb::Iterator> it = db.NewIterator(db.schema1_handle(cf));
    it->SeekToFirst();
    if (it->Valid()) return true;
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan schema-1 column family"));
  }
  return false;
}

// A schema-1 entry with its schema-2 position: its rank among its subject's `sequences` (sorted).
// DATA_LOSS naming the entry if it is corrupt or does not belong under its key.
absl::StatusOr<v1::LedgerEntry> ConvertEntry(const Schema1EventKey& key,
                                             const rocksdb::Slice& value,
                                             const std::vector<uint64_t>& sequences) {
  const std::string context =
      absl::StrCat("schema-1 ledger entry ", SubjectName(key.subject), " sequence ", key.sequence);
  ASSIGN_OR_RETURN(v1::LedgerEntry entry, ParseValue<v1::LedgerEntry>(value, context));
  if (entry.sequence() != key.sequence ||
      !google::protobuf::util::MessageDifferencer::Equals(entry.subject(), key.subject)) {
    return absl::DataLossError(absl::StrCat(context, ": stored under another entry's key"));
  }
  const auto at = std::lower_bound(sequences.begin(), sequences.end(), key.sequence);
  entry.set_position(static_cast<uint64_t>(at - sequences.begin()) + 1);
  return entry;
}

class Schema1Migration {
 public:
  Schema1Migration(LedgerDb* db, const MigrationOptions& options)
      : db_(db), options_(options), entries_(db, &batch_) {}

  absl::StatusOr<MigrationReport> Run() {
    report_.from_schema = 1;
    RETURN_IF_ERROR(MigrateLedgers());
    RETURN_IF_ERROR(MigrateReports());
    RETURN_IF_ERROR(WriteBatch());
    RETURN_IF_ERROR(RecordSchemaVersion());
    RETURN_IF_ERROR(db_->DropSchema1ColumnFamilies());
    return report_;
  }

 private:
  absl::Status MigrateLedgers() {
    if (db_->schema1_handle(Schema1Cf::kEvents) == nullptr) return absl::OkStatus();
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->schema1_handle(Schema1Cf::kEvents));
    // Subjects are contiguous in key order: visit one, then skip past all of its keys.
    for (it->SeekToFirst(); it->Valid();) {
      absl::StatusOr<std::string> subject_key = SubjectKeyOf(ToView(it->key()));
      RETURN_IF_ERROR(AsDataLoss(subject_key.status(), "schema-1 events"));
      RETURN_IF_ERROR(MigrateSubject(*subject_key));
      it->Seek(SubjectKeyPrefixEnd(*subject_key));
    }
    return FromRocksDb(it->status(), "scan schema-1 events");
  }

  // Schema 1 keyed a subject's entries by (recorded_at, sequence); positions follow sequence.
  // Two passes over the subject's keys keep only its sequences in memory, not its entries.
  absl::Status MigrateSubject(const std::string& subject_key) {
    std::vector<uint64_t> sequences;
    RETURN_IF_ERROR(
        ScanSubject(subject_key, [&](const Schema1EventKey& key, const rocksdb::Slice&) {
          sequences.push_back(key.sequence);
          return absl::OkStatus();
        }));
    std::sort(sequences.begin(), sequences.end());
    const auto repeated = std::adjacent_find(sequences.begin(), sequences.end());
    if (repeated != sequences.end()) {
      ASSIGN_OR_RETURN(const v1::Subject subject, DecodeSubjectKey(subject_key));
      return absl::DataLossError(absl::StrCat("schema-1 ledger of ", SubjectName(subject),
                                              " has two entries with sequence ", *repeated));
    }
    RETURN_IF_ERROR(
        ScanSubject(subject_key, [&](const Schema1EventKey& key, const rocksdb::Slice& value) {
          ASSIGN_OR_RETURN(const v1::LedgerEntry entry, ConvertEntry(key, value, sequences));
          max_sequence_ = std::max(max_sequence_, key.sequence);
          return AddToBatch([&] {
            return AsDataLoss(entries_.Add(entry),
                              absl::StrCat("schema-1 ledger entry ", SubjectName(key.subject),
                                           " sequence ", key.sequence));
          });
        }));
    ++report_.subjects;
    report_.entries += sequences.size();
    return absl::OkStatus();
  }

  template <typename Visit>
  absl::Status ScanSubject(const std::string& subject_key, Visit visit) {
    const std::string upper = SubjectKeyPrefixEnd(subject_key);
    const rocksdb::Slice upper_slice = ToSlice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->schema1_handle(Schema1Cf::kEvents), options);
    for (it->Seek(ToSlice(subject_key)); it->Valid(); it->Next()) {
      absl::StatusOr<Schema1EventKey> key = DecodeSchema1EventKey(ToView(it->key()));
      RETURN_IF_ERROR(AsDataLoss(key.status(), "schema-1 events"));
      RETURN_IF_ERROR(visit(*key, it->value()));
    }
    return FromRocksDb(it->status(), "scan schema-1 ledger");
  }

  absl::Status MigrateReports() {
    if (db_->schema1_handle(Schema1Cf::kReports) == nullptr) return absl::OkStatus();
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(db_->schema1_handle(Schema1Cf::kReports));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string report_id = DecodeSchema1ReportKey(ToView(it->key()));
      ASSIGN_OR_RETURN(const schema1::StoredReport old,
                       ParseValue<schema1::StoredReport>(
                           it->value(), absl::StrCat("schema-1 report ", report_id)));
      v1::StoredReport converted;
      converted.set_request_sha256(RequestFingerprint(old.request()));
      converted.set_violation_id(old.response().violation().violation_id());
      RETURN_IF_ERROR(AddToBatch([&] {
        return PutMessage(&batch_, db_->handle(Cf::kIdempotency), EncodeReportKey(report_id),
                          converted);
      }));
      ++report_.reports;
    }
    return FromRocksDb(it->status(), "scan schema-1 reports");
  }

  // Runs `add` (which adds one record to the batch) and writes the batch once it is full.
  template <typename Add>
  absl::Status AddToBatch(Add add) {
    RETURN_IF_ERROR(add());
    if (++pending_ >= options_.batch_size) RETURN_IF_ERROR(WriteBatch());
    return absl::OkStatus();
  }

  absl::Status WriteBatch() {
    RETURN_IF_ERROR(entries_.Flush());
    if (batch_.Count() == 0) return absl::OkStatus();
    RETURN_IF_ERROR(db_->Write(&batch_, /*sync=*/true, "write migrated ledger batch"));
    batch_.Clear();
    pending_ = 0;
    return CountBatch();
  }

  // The last batch: from here on the store is schema 2.
  absl::Status RecordSchemaVersion() {
    ASSIGN_OR_RETURN(const std::optional<uint64_t> last, db_->GetMetaNumber(kLastSequenceKey));
    rocksdb::WriteBatch batch;
    rocksdb::ColumnFamilyHandle* meta = db_->handle(Cf::kMeta);
    RETURN_IF_ERROR(PutRaw(&batch, meta, kLastSequenceKey,
                           EncodeUint64Value(std::max(last.value_or(0), max_sequence_))));
    RETURN_IF_ERROR(PutRaw(&batch, meta, kStateRebuildPendingKey, ""));
    RETURN_IF_ERROR(PutRaw(&batch, meta, kSchemaVersionKey, EncodeUint64Value(kSchemaVersion)));
    RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true, "record schema version"));
    return CountBatch();
  }

  absl::Status CountBatch() {
    if (++batches_written_ == options_.abort_after_batches) {
      return absl::AbortedError(
          absl::StrCat("migration stopped after ", batches_written_, " batches (test hook)"));
    }
    return absl::OkStatus();
  }

  LedgerDb* const db_;
  const MigrationOptions options_;
  rocksdb::WriteBatch batch_;
  EntryBatch entries_;
  size_t pending_ = 0;
  int batches_written_ = 0;
  uint64_t max_sequence_ = 0;
  MigrationReport report_;
};

}  // namespace

absl::StatusOr<MigrationReport> EnsureCurrentSchema(LedgerDb& db, const MigrationOptions& options) {
  ASSIGN_OR_RETURN(const std::optional<uint64_t> version, db.GetMetaNumber(kSchemaVersionKey));
  if (version.has_value()) {
    if (*version > static_cast<uint64_t>(kSchemaVersion)) {
      return absl::FailedPreconditionError(absl::StrCat("ledger in ", db.dir(), " has schema ",
                                                        *version, ", newer than this enforcerd (",
                                                        kSchemaVersion, "); upgrade enforcerd"));
    }
    if (*version < static_cast<uint64_t>(kSchemaVersion)) {
      // Schema 1 never recorded its version, so no enforcerd writes a lower one.
      return absl::DataLossError(absl::StrCat("ledger in ", db.dir(), " has schema_version ",
                                              *version, ", which no enforcerd writes"));
    }
    // Left behind only if the process died between recording the version and dropping them.
    RETURN_IF_ERROR(db.DropSchema1ColumnFamilies());
    return MigrationReport();
  }
  ASSIGN_OR_RETURN(const bool has_schema1_data, HasSchema1Data(db));
  if (has_schema1_data) return Schema1Migration(&db, options).Run();
  rocksdb::WriteBatch batch;
  RETURN_IF_ERROR(
      PutRaw(&batch, db.handle(Cf::kMeta), kSchemaVersionKey, EncodeUint64Value(kSchemaVersion)));
  RETURN_IF_ERROR(db.Write(&batch, /*sync=*/true, "record schema version"));
  RETURN_IF_ERROR(db.DropSchema1ColumnFamilies());
  return MigrationReport();
}

}  // namespace enforcer
