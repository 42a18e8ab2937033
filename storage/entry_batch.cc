#include "storage/entry_batch.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/key_codec.h"

namespace enforcer {
namespace {

// INVALID_ARGUMENT unless `entry` has what its keys are made of.
absl::Status Validate(const v1::LedgerEntry& entry, absl::string_view context) {
  if (entry.sequence() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": no sequence"));
  }
  if (!entry.has_recorded_at()) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": no recorded_at"));
  }
  absl::StatusOr<int64_t> micros = TimestampToMicros(entry.recorded_at());
  if (!micros.ok()) return WithContext(micros.status(), context);
  if (entry.position() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": no position"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EntryBatch::Add(const v1::LedgerEntry& entry) {
  const std::string context = absl::StrCat("ledger entry ", entry.sequence());
  absl::StatusOr<std::string> subject_key = EncodeSubjectKey(entry.subject());
  if (!subject_key.ok()) return WithContext(subject_key.status(), context);
  RETURN_IF_ERROR(Validate(entry, context));

  RETURN_IF_ERROR(PutMessage(batch_, db_->handle(Cf::kLedger),
                             EncodeLedgerKey(*subject_key, entry.position()), entry));
  v1::LedgerPosition at;
  *at.mutable_subject() = entry.subject();
  at.set_position(entry.position());
  RETURN_IF_ERROR(
      PutMessage(batch_, db_->handle(Cf::kCommitLog), EncodeCommitLogKey(entry.sequence()), at));

  if (entry.has_violation()) {
    if (entry.violation().violation_id().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(context, ": violation has no violation_id"));
    }
    RETURN_IF_ERROR(IndexViolation(entry.violation().violation_id(), at));
  }
  if (entry.has_action() && entry.action().has_expires_at()) {
    absl::StatusOr<int64_t> expires_at = TimestampToMicros(entry.action().expires_at());
    if (!expires_at.ok()) return WithContext(expires_at.status(), context);
    absl::StatusOr<std::string> key =
        EncodeExpiryKey(*expires_at, *subject_key, entry.action().action_id());
    if (!key.ok()) return WithContext(key.status(), context);
    RETURN_IF_ERROR(PutRaw(batch_, db_->handle(Cf::kExpiries), *key, ""));
  }
  return cases_.Add(entry);
}

absl::Status EntryBatch::IndexViolation(const std::string& violation_id,
                                        const v1::LedgerPosition& at) {
  auto it = violations_.find(violation_id);
  if (it == violations_.end()) {
    ASSIGN_OR_RETURN(
        std::optional<v1::ViolationLocation> stored,
        db_->Get<v1::ViolationLocation>(Cf::kViolations, EncodeViolationKey(violation_id),
                                        absl::StrCat("violation index of ", violation_id)));
    it = violations_.emplace(violation_id, std::move(stored).value_or(v1::ViolationLocation()))
             .first;
  }
  google::protobuf::RepeatedPtrField<v1::LedgerPosition>& positions =
      *it->second.mutable_positions();
  // Writing the same entry again (a migration resumed after a crash) must not list it twice.
  const bool known = std::any_of(positions.begin(), positions.end(), [&](const auto& p) {
    return google::protobuf::util::MessageDifferencer::Equals(p, at);
  });
  if (!known) *positions.Add() = at;
  return absl::OkStatus();
}

absl::Status EntryBatch::Flush() {
  for (const auto& [violation_id, location] : violations_) {
    RETURN_IF_ERROR(PutMessage(batch_, db_->handle(Cf::kViolations),
                               EncodeViolationKey(violation_id), location));
  }
  violations_.clear();
  return cases_.Flush();
}

}  // namespace enforcer
