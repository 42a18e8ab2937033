#include "storage/commit_batch.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/key_codec.h"

namespace enforcer {

absl::Status CommitBatch::Add(const LedgerWrite& write) {
  // Within the batch a later put of the same key wins, so later writes of the group replace
  // earlier ones for the same report or subject state.
  if (write.report.has_value()) {
    const std::string& report_id = write.report->report_id;
    if (report_id.empty()) return absl::InvalidArgumentError("stored report has no report_id");
    RETURN_IF_ERROR(PutMessage(&batch_, db_->handle(Cf::kIdempotency), EncodeReportKey(report_id),
                               write.report->record));
  }
  // Consumed timers go before the states' timers: a timer a state still implies stays.
  RETURN_IF_ERROR(delivery_.AddDeliveryChanges(write));
  for (const v1::SubjectState& state : write.states) {
    absl::StatusOr<std::string> key = EncodeSubjectKey(state.subject());
    if (!key.ok()) return WithContext(key.status(), "subject state");
    RETURN_IF_ERROR(PutMessage(&batch_, db_->handle(Cf::kStates), *key, state));
    RETURN_IF_ERROR(delivery_.AddState(state));
  }
  for (const v1::LedgerEntry& entry : write.entries) RETURN_IF_ERROR(AddEntry(entry));
  if (write.activation.has_value()) RETURN_IF_ERROR(AddActivation(*write.activation));
  RETURN_IF_ERROR(AddAudit(write));
  if (write.shadow_setting.has_value()) {
    RETURN_IF_ERROR(PutMessage(&batch_, db_->handle(Cf::kPolicies), std::string(kShadowSettingKey),
                               *write.shadow_setting));
  }
  for (const v1::ShadowDecision& d : write.shadow_decisions) {
    RETURN_IF_ERROR(
        PutMessage(&batch_, db_->handle(Cf::kPolicies), EncodeShadowDecisionKey(d.sequence()), d));
  }
  return absl::OkStatus();
}

absl::Status CommitBatch::AddEntry(const v1::LedgerEntry& entry) {
  const std::string context = absl::StrCat("ledger entry ", entry.sequence());
  // Sequences are global and never reused: the commit log is keyed by them and the action feed
  // tails it, so a reused one would overwrite history.
  if (entry.sequence() != 0 && entry.sequence() <= last_sequence_) {
    return absl::InvalidArgumentError(absl::StrCat(
        context, ": sequence is not above the last one committed or written before it (",
        last_sequence_, "); sequences are never reused"));
  }
  absl::StatusOr<std::string> subject_key = EncodeSubjectKey(entry.subject());
  if (!subject_key.ok()) return WithContext(subject_key.status(), context);
  if (entry.position() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, ": position is assigned by the store; leave it 0"));
  }
  ASSIGN_OR_RETURN(const uint64_t position, NextPosition(*subject_key));
  v1::LedgerEntry positioned = entry;
  positioned.set_position(position);
  RETURN_IF_ERROR(entries_.Add(positioned));
  RETURN_IF_ERROR(delivery_.AddEntry(positioned));
  last_sequence_ = entry.sequence();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> CommitBatch::NextPosition(const std::string& subject_key) {
  auto it = last_positions_.find(subject_key);
  if (it == last_positions_.end()) {
    ASSIGN_OR_RETURN(const uint64_t last, db_->LastPosition(subject_key));
    it = last_positions_.emplace(subject_key, last).first;
  }
  return ++it->second;
}

absl::Status CommitBatch::AddActivation(const v1::PolicyActivation& activation) {
  const std::string context = absl::StrCat("policy activation ", activation.activation());
  if (activation.activation() <= last_activation_) {
    return absl::InvalidArgumentError(absl::StrCat(
        context, ": activation numbers must increase; the last one is ", last_activation_));
  }
  if (activation.version().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": no version"));
  }
  RETURN_IF_ERROR(PutMessage(&batch_, db_->handle(Cf::kPolicies),
                             EncodePolicyVersionKey(activation.version()), activation));
  RETURN_IF_ERROR(PutMessage(&batch_, db_->handle(Cf::kPolicies),
                             EncodeActivationKey(activation.activation()), activation));
  last_activation_ = activation.activation();
  return absl::OkStatus();
}

absl::Status CommitBatch::AddAudit(const LedgerWrite& write) {
  // Append-only: every key allowed here is new. An entry's is its sequence, above every one
  // committed; an activation's carries its number, above every one committed. So no write can
  // replace an audit entry, and the store has no call that removes one.
  std::set<uint64_t> unused;
  for (const v1::LedgerEntry& entry : write.entries) unused.insert(entry.sequence());
  bool activation_audited = false;
  for (const v1::AuditEntry& audit : write.audit) {
    const std::string context = absl::StrCat("audit entry ", audit.sequence());
    AuditPosition at{audit.sequence(), 0};
    if (unused.erase(audit.sequence()) == 0) {
      if (!write.activation.has_value() || activation_audited ||
          audit.sequence() != last_sequence_) {
        return absl::InvalidArgumentError(absl::StrCat(
            context, ": sequence is not that of an entry of the same write (each audited once) ",
            "nor, for its policy activation, the last one before it (", last_sequence_,
            "); audit entries are append-only"));
      }
      activation_audited = true;
      at.activation = write.activation->activation();
    }
    RETURN_IF_ERROR(PutAudit(audit, at, context));
  }
  return absl::OkStatus();
}

absl::Status CommitBatch::PutAudit(const v1::AuditEntry& audit, const AuditPosition& at,
                                   absl::string_view context) {
  if (!audit.has_recorded_at()) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": no recorded_at"));
  }
  absl::StatusOr<int64_t> micros = TimestampToMicros(audit.recorded_at());
  if (!micros.ok()) return WithContext(micros.status(), context);
  rocksdb::ColumnFamilyHandle* const cf = db_->handle(Cf::kAudit);
  RETURN_IF_ERROR(PutMessage(&batch_, cf, EncodeAuditKey(at), audit));
  if (audit.has_subject()) {
    absl::StatusOr<std::string> subject_key = EncodeSubjectKey(audit.subject());
    if (!subject_key.ok()) return WithContext(subject_key.status(), context);
    RETURN_IF_ERROR(
        PutRaw(&batch_, cf, EncodeAuditIndexKey(EncodeAuditSubjectPrefix(*subject_key), at), ""));
  }
  if (!audit.actor().empty()) {
    absl::StatusOr<std::string> prefix = EncodeAuditActorPrefix(audit.actor());
    if (!prefix.ok()) return WithContext(prefix.status(), context);
    RETURN_IF_ERROR(PutRaw(&batch_, cf, EncodeAuditIndexKey(*prefix, at), ""));
  }
  return absl::OkStatus();
}

absl::StatusOr<rocksdb::WriteBatch*> CommitBatch::Finish() {
  RETURN_IF_ERROR(entries_.Flush());
  RETURN_IF_ERROR(delivery_.Finish());
  if (batch_.Count() == 0) return nullptr;
  if (last_sequence_ != first_sequence_) {
    RETURN_IF_ERROR(PutRaw(&batch_, db_->handle(Cf::kMeta), kLastSequenceKey,
                           EncodeUint64Value(last_sequence_)));
  }
  if (last_activation_ != first_activation_) {
    RETURN_IF_ERROR(PutRaw(&batch_, db_->handle(Cf::kMeta), kLastActivationKey,
                           EncodeUint64Value(last_activation_)));
  }
  return &batch_;
}

}  // namespace enforcer
