#include "storage/case_index_batch.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/commit_log_scan.h"

namespace enforcer {
namespace {

// Entries the backfill indexes per write batch: bounds its memory on a large store.
constexpr size_t kBackfillChunk = 1000;

}  // namespace

absl::Status CaseIndexBatch::Add(const v1::LedgerEntry& entry) {
  absl::Status s;
  if (entry.has_violation()) {
    s = AddComplaint(entry);
  } else if (entry.has_violation_void()) {
    s = AddVoid(entry.violation_void());
  } else if (entry.has_appeal()) {
    s = AddAppeal(entry);
  } else if (entry.has_appeal_resolution()) {
    s = RemoveAppeal(entry.appeal_resolution());
  }
  if (!s.ok()) return WithContext(s, absl::StrCat("ledger entry ", entry.sequence()));
  return absl::OkStatus();
}

absl::Status CaseIndexBatch::AddComplaint(const v1::LedgerEntry& entry) {
  const v1::Violation& violation = entry.violation();
  const std::string& holder = violation.report().rights_holder_id();
  if (holder.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(CachedMark* const cached, Mark(violation.violation_id()));
  // Already counted: the same violation in the other subject's ledger, or written again.
  if (cached->mark.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const int64_t micros,
                   TimestampToMicros(violation.has_recorded_at() ? violation.recorded_at()
                                                                 : entry.recorded_at()));
  ComplaintMark mark;
  mark.day = DayOfMicros(micros);
  mark.rights_holder_id = holder;
  ASSIGN_OR_RETURN(v1::ComplaintDay* const day, Day(holder, mark.day));
  day->set_complaints(day->complaints() + 1);
  cached->mark = std::move(mark);
  cached->dirty = true;
  const std::string& object = violation.report().object_id();
  if (object.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string prefix, EncodeComplaintPrefix(holder, object));
  return PutRaw(batch_, db_->handle(Cf::kCases),
                EncodeComplaintKey(prefix, entry.sequence(), violation.violation_id()), "");
}

// Tallies a void against the complaint it undoes, on the day the complaint was recorded. A
// reduction is not counted: the violation stands (with fewer points), so the complaint held.
absl::Status CaseIndexBatch::AddVoid(const v1::ViolationVoid& voided) {
  if (voided.reduced()) return absl::OkStatus();
  const bool overturned = !voided.appeal_id().empty();
  if (!overturned && voided.retraction_id().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(CachedMark* const cached, Mark(voided.violation_id()));
  // Not a complaint, or its void is already tallied (the void is written to every ledger).
  if (!cached->mark.has_value() || cached->mark->status != ComplaintStatus::kCounted) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(v1::ComplaintDay* const day,
                   Day(cached->mark->rights_holder_id, cached->mark->day));
  if (overturned) {
    day->set_overturned(day->overturned() + 1);
    cached->mark->status = ComplaintStatus::kOverturned;
  } else {
    day->set_retracted(day->retracted() + 1);
    cached->mark->status = ComplaintStatus::kRetracted;
  }
  cached->dirty = true;
  return absl::OkStatus();
}

absl::Status CaseIndexBatch::AddAppeal(const v1::LedgerEntry& entry) {
  v1::LedgerPosition at;
  *at.mutable_subject() = entry.subject();
  at.set_position(entry.position());
  return PutMessage(batch_, db_->handle(Cf::kCases), EncodeOpenAppealKey(entry.sequence()), at);
}

absl::Status CaseIndexBatch::RemoveAppeal(const v1::AppealResolution& resolution) {
  // appeal_id is "a<sequence of the appeal entry>". Anything else names no appeal this index
  // holds: there is nothing to remove, and refusing the write would lose the resolution.
  const std::optional<uint64_t> sequence = SequenceOfAppealId(resolution.appeal_id());
  if (!sequence.has_value()) return absl::OkStatus();
  // In batch order: an appeal put earlier in the same batch is removed too.
  return FromRocksDb(
      batch_->Delete(db_->handle(Cf::kCases), ToSlice(EncodeOpenAppealKey(*sequence))),
      "batch delete");
}

absl::StatusOr<CaseIndexBatch::CachedMark*> CaseIndexBatch::Mark(const std::string& violation_id) {
  auto it = marks_.find(violation_id);
  if (it != marks_.end()) return &it->second;
  CachedMark cached;
  ASSIGN_OR_RETURN(const std::optional<std::string> raw,
                   db_->GetRaw(Cf::kCases, EncodeComplaintMarkKey(violation_id)));
  if (raw.has_value()) {
    absl::StatusOr<ComplaintMark> mark = DecodeComplaintMark(*raw);
    if (!mark.ok()) return WithContext(mark.status(), absl::StrCat("violation ", violation_id));
    cached.mark = *std::move(mark);
  }
  return &marks_.emplace(violation_id, std::move(cached)).first->second;
}

absl::StatusOr<v1::ComplaintDay*> CaseIndexBatch::Day(const std::string& rights_holder_id,
                                                      int64_t day) {
  ASSIGN_OR_RETURN(const std::string prefix, EncodeComplaintDaysPrefix(rights_holder_id));
  std::string key = EncodeComplaintDayKey(prefix, day);
  auto it = days_.find(key);
  if (it != days_.end()) return &it->second;
  ASSIGN_OR_RETURN(
      std::optional<v1::ComplaintDay> stored,
      db_->Get<v1::ComplaintDay>(Cf::kCases, key,
                                 absl::StrCat("complaint day ", day, " of ", rights_holder_id)));
  v1::ComplaintDay tally = std::move(stored).value_or(v1::ComplaintDay());
  tally.set_day(day);
  return &days_.emplace(std::move(key), std::move(tally)).first->second;
}

absl::Status CaseIndexBatch::Flush() {
  for (const auto& [violation_id, cached] : marks_) {
    if (!cached.dirty) continue;
    RETURN_IF_ERROR(PutRaw(batch_, db_->handle(Cf::kCases), EncodeComplaintMarkKey(violation_id),
                           EncodeComplaintMark(*cached.mark)));
  }
  for (const auto& [key, tally] : days_) {
    RETURN_IF_ERROR(PutMessage(batch_, db_->handle(Cf::kCases), key, tally));
  }
  marks_.clear();
  days_.clear();
  return absl::OkStatus();
}

absl::Status BackfillCaseIndexes(LedgerDb& db) {
  ASSIGN_OR_RETURN(const std::optional<std::string> done,
                   db.GetRaw(Cf::kMeta, kCaseIndexesBackfilledKey));
  if (done.has_value()) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  CaseIndexBatch indexes(&db, &batch);
  size_t pending = 0;
  // In sequence order, so a void or resolution comes after what it undoes.
  RETURN_IF_ERROR(ForEachCommittedEntry(db, [&](const v1::LedgerEntry& entry) -> absl::Status {
    RETURN_IF_ERROR(indexes.Add(entry));
    if (++pending < kBackfillChunk) return absl::OkStatus();
    RETURN_IF_ERROR(indexes.Flush());
    RETURN_IF_ERROR(db.Write(&batch, /*sync=*/false, "backfill case indexes"));
    batch.Clear();
    pending = 0;
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(indexes.Flush());
  RETURN_IF_ERROR(PutRaw(&batch, db.handle(Cf::kMeta), kCaseIndexesBackfilledKey, ""));
  return db.Write(&batch, /*sync=*/true, "backfill case indexes");
}

}  // namespace enforcer
