#include "storage/case_index_reader.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "proto/timestamp.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "storage/key_codec.h"

namespace enforcer {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// Iterates the keys in [lower, upper) of one column family; keeps the bounds alive.
class BoundedScan {
 public:
  BoundedScan(const LedgerDb& db, Cf cf, std::string lower, std::string upper)
      : lower_(std::move(lower)), upper_(std::move(upper)) {
    rocksdb::ReadOptions options;
    lower_slice_ = ToSlice(lower_);
    upper_slice_ = ToSlice(upper_);
    options.iterate_lower_bound = &lower_slice_;
    options.iterate_upper_bound = &upper_slice_;
    it_ = db.NewIterator(db.handle(cf), options);
  }
  // The iterator points into this object: never copied or moved (returned by elision only).
  BoundedScan(const BoundedScan&) = delete;
  BoundedScan& operator=(const BoundedScan&) = delete;

  rocksdb::Iterator& it() { return *it_; }

 private:
  const std::string lower_;
  const std::string upper_;
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Every key starting with `prefix`.
BoundedScan PrefixScan(const LedgerDb& db, Cf cf, const std::string& prefix) {
  // SubjectKeyPrefixEnd works for any prefix that has a byte below 0xff, as all of these do.
  return BoundedScan(db, cf, prefix, SubjectKeyPrefixEnd(prefix));
}

bool Matches(const v1::AuditEntry& entry, const AuditQuery& query) {
  if (!query.actor.empty() && entry.actor() != query.actor) return false;
  const absl::Time at = FromProtoTime(entry.recorded_at());
  return at >= query.start && at < query.end;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> CaseIndexReader::FindComplaints(
    absl::string_view rights_holder_id, absl::string_view object_id) const {
  ASSIGN_OR_RETURN(const std::string prefix, EncodeComplaintPrefix(rights_holder_id, object_id));
  BoundedScan scan = PrefixScan(*db_, Cf::kCases, prefix);
  std::vector<std::string> violation_ids;
  for (scan.it().SeekToFirst(); scan.it().Valid(); scan.it().Next()) {
    ASSIGN_OR_RETURN(ComplaintKey key, DecodeComplaintKey(ToView(scan.it().key()), prefix));
    violation_ids.push_back(std::move(key.violation_id));
  }
  RETURN_IF_ERROR(FromRocksDb(scan.it().status(), "scan complaints"));
  return violation_ids;
}

absl::StatusOr<std::vector<v1::ComplaintDay>> CaseIndexReader::ReadComplaintDays(
    absl::string_view rights_holder_id) const {
  ASSIGN_OR_RETURN(const std::string prefix, EncodeComplaintDaysPrefix(rights_holder_id));
  BoundedScan scan = PrefixScan(*db_, Cf::kCases, prefix);
  std::vector<v1::ComplaintDay> days;
  for (scan.it().SeekToFirst(); scan.it().Valid(); scan.it().Next()) {
    ASSIGN_OR_RETURN(v1::ComplaintDay day,
                     ParseValue<v1::ComplaintDay>(
                         scan.it().value(), absl::StrCat("complaint day of ", rights_holder_id)));
    days.push_back(std::move(day));
  }
  RETURN_IF_ERROR(FromRocksDb(scan.it().status(), "scan complaint days"));
  return days;
}

absl::StatusOr<std::vector<v1::LedgerEntry>> CaseIndexReader::ListOpenAppeals(
    uint64_t after_sequence, size_t limit) const {
  std::vector<v1::LedgerEntry> appeals;
  if (after_sequence == std::numeric_limits<uint64_t>::max()) return appeals;
  BoundedScan scan(*db_, Cf::kCases, EncodeOpenAppealKey(after_sequence + 1),
                   std::string(kOpenAppealKeysEnd));
  for (scan.it().SeekToFirst(); scan.it().Valid() && appeals.size() < limit; scan.it().Next()) {
    ASSIGN_OR_RETURN(const uint64_t sequence, DecodeOpenAppealKey(ToView(scan.it().key())));
    const std::string context = absl::StrCat("open appeal ", sequence);
    ASSIGN_OR_RETURN(const v1::LedgerPosition at,
                     ParseValue<v1::LedgerPosition>(scan.it().value(), context));
    absl::StatusOr<std::string> subject_key = EncodeSubjectKey(at.subject());
    if (!subject_key.ok()) return absl::DataLossError(absl::StrCat("corrupt stored ", context));
    ASSIGN_OR_RETURN(std::optional<v1::LedgerEntry> entry,
                     db_->Get<v1::LedgerEntry>(
                         Cf::kLedger, EncodeLedgerKey(*subject_key, at.position()), context));
    if (!entry.has_value() || entry->sequence() != sequence || !entry->has_appeal()) {
      return absl::DataLossError(absl::StrCat(context, " points at ", SubjectName(at.subject()),
                                              " position ", at.position(),
                                              ", which is not that appeal"));
    }
    appeals.push_back(*std::move(entry));
  }
  RETURN_IF_ERROR(FromRocksDb(scan.it().status(), "scan open appeals"));
  return appeals;
}

absl::StatusOr<AuditPage> CaseIndexReader::ListAudit(const AuditQuery& query) const {
  const size_t page_size = static_cast<size_t>(
      query.page_size == 0 ? kDefaultPageSize : std::clamp(query.page_size, 1, kMaxPageSize));
  AuditPosition first{std::numeric_limits<uint64_t>::max(), std::numeric_limits<uint64_t>::max()};
  if (!query.page_token.empty()) {
    ASSIGN_OR_RETURN(first, DecodeAuditToken(query.page_token));
  }
  // Walk the narrowest index: by subject, else by actor, else every entry.
  std::string prefix(kAuditKeysBegin);
  if (query.subject.has_value()) {
    ASSIGN_OR_RETURN(const std::string subject_key, EncodeSubjectKey(*query.subject));
    prefix = EncodeAuditSubjectPrefix(subject_key);
  } else if (!query.actor.empty()) {
    ASSIGN_OR_RETURN(prefix, EncodeAuditActorPrefix(query.actor));
  }
  AuditPage page;
  if (query.start >= query.end) return page;
  BoundedScan scan = PrefixScan(*db_, Cf::kAudit, prefix);
  // recorded_at is not in the keys (a clock step can take sequences out of time order), so the
  // time range filters entries rather than bounding the scan.
  for (scan.it().SeekForPrev(ToSlice(EncodeAuditIndexKey(prefix, first))); scan.it().Valid();
       scan.it().Prev()) {
    ASSIGN_OR_RETURN(const AuditPosition at, DecodeAuditIndexKey(ToView(scan.it().key()), prefix));
    absl::StatusOr<v1::AuditEntry> entry =
        prefix == kAuditKeysBegin
            ? ParseValue<v1::AuditEntry>(scan.it().value(),
                                         absl::StrCat("audit entry ", at.sequence))
            : AuditAt(at);
    if (!entry.ok()) return entry.status();
    if (!Matches(*entry, query)) continue;
    if (page.entries.size() == page_size) {
      // One more entry matches: the next page starts with it.
      page.next_page_token = EncodeAuditToken(at);
      break;
    }
    page.entries.push_back(*std::move(entry));
  }
  RETURN_IF_ERROR(FromRocksDb(scan.it().status(), "scan audit"));
  return page;
}

absl::StatusOr<v1::AuditEntry> CaseIndexReader::AuditAt(const AuditPosition& at) const {
  const std::string what = absl::StrCat("audit entry ", at.sequence, "/", at.activation);
  ASSIGN_OR_RETURN(std::optional<v1::AuditEntry> entry,
                   db_->Get<v1::AuditEntry>(Cf::kAudit, EncodeAuditKey(at), what));
  if (!entry.has_value()) return absl::DataLossError(absl::StrCat(what, " is indexed but missing"));
  return *std::move(entry);
}

}  // namespace enforcer
