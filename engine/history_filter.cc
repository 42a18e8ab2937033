#include "engine/history_filter.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"
#include "rules/case_facts.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

std::vector<std::string> KnownKinds() {
  std::vector<std::string> kinds;
  const auto* oneof = v1::LedgerEntry::descriptor()->FindOneofByName("kind");
  for (int i = 0; i < oneof->field_count(); ++i) kinds.push_back(oneof->field(i)->name());
  return kinds;
}

std::string KindOf(const v1::LedgerEntry& e) {
  const auto* field = v1::LedgerEntry::descriptor()->FindFieldByNumber(e.kind_case());
  return field != nullptr ? field->name() : "";
}

}  // namespace

std::string ViolationIdOf(const v1::LedgerEntry& e) {
  switch (e.kind_case()) {
    case v1::LedgerEntry::kViolation:
      return e.violation().violation_id();
    case v1::LedgerEntry::kDecision:
      return e.decision().violation_id();
    case v1::LedgerEntry::kAction:
      return e.action().violation_id();
    case v1::LedgerEntry::kLift:
      return e.lift().action().violation_id();
    case v1::LedgerEntry::kRemedy:
      return e.remedy().violation_id();
    case v1::LedgerEntry::kAppeal:
      return e.appeal().violation_id();
    case v1::LedgerEntry::kAppealResolution:
      return e.appeal_resolution().violation_id();
    case v1::LedgerEntry::kViolationVoid:
      return e.violation_void().violation_id();
    case v1::LedgerEntry::kStaffAction:
      return e.staff_action().action().violation_id();
    case v1::LedgerEntry::kActionEnded:
      return e.action_ended().action().violation_id();
    case v1::LedgerEntry::kActionTookEffect:
      return e.action_took_effect().action().violation_id();
    default:
      return "";
  }
}

absl::StatusOr<HistoryFilter> HistoryFilter::FromRequest(const v1::ListHistoryRequest& r) {
  HistoryFilter f;
  const std::vector<std::string> known = KnownKinds();
  for (const std::string& kind : r.kinds()) {
    if (std::find(known.begin(), known.end(), kind) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat("kinds: '", kind, "' is not an entry kind; ",
                                                     "known kinds: ", absl::StrJoin(known, ", ")));
    }
    f.kinds_.insert(kind);
  }
  if (!r.category().empty()) RETURN_IF_ERROR(ValidateText("category", r.category(), 128, true));
  f.category_ = r.category();
  if (!v1::Source_IsValid(r.source())) {
    return absl::InvalidArgumentError(absl::StrCat("source: ", r.source(), " is unknown"));
  }
  f.source_ = r.source();
  if (!v1::ViolationStatus_IsValid(r.violation_status())) {
    return absl::InvalidArgumentError(
        absl::StrCat("violation_status: ", r.violation_status(), " is unknown"));
  }
  f.status_ = r.violation_status();
  if (r.has_occurred_start()) {
    RETURN_IF_ERROR(ValidateTimestamp("occurred_start", r.occurred_start()));
    f.occurred_start_ = FromProtoTime(r.occurred_start());
  }
  if (r.has_occurred_end()) {
    RETURN_IF_ERROR(ValidateTimestamp("occurred_end", r.occurred_end()));
    f.occurred_end_ = FromProtoTime(r.occurred_end());
  }
  if (f.occurred_start_ && f.occurred_end_ && *f.occurred_start_ > *f.occurred_end_) {
    return absl::InvalidArgumentError("occurred_start: is after occurred_end");
  }
  return f;
}

bool HistoryFilter::active() const { return !kinds_.empty() || needs_violations(); }

bool HistoryFilter::needs_violations() const {
  return !category_.empty() || source_ != v1::SOURCE_UNSPECIFIED ||
         status_ != v1::VIOLATION_STATUS_UNSPECIFIED || occurred_start_ || occurred_end_;
}

void HistoryFilter::Prepare(const std::vector<v1::LedgerEntry>& log, const Policy& policy,
                            absl::Time now) {
  if (log.empty()) return;
  const LedgerKind ledger = LedgerOf(log.front().subject().kind());
  std::map<std::string, ViolationFacts> facts;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation()) {
      const ViolationFacts v = FactsOf(e.violation());
      facts[v.violation_id] = v;
      Facts& f = violations_[v.violation_id];
      f.category = v.category;
      f.source = v.source;
      f.occurred = v.occurred_at;
      const std::optional<absl::Time> until = PointsCountUntil(policy, v);
      const bool counts = (until && *until > now) || CountedByARule(policy, ledger, v, now);
      f.status = counts ? v1::VIOLATION_ACTIVE : v1::VIOLATION_EXPIRED;
    } else if (e.has_violation_void() && !e.violation_void().reduced()) {
      violations_[e.violation_void().violation_id()].status = v1::VIOLATION_VOIDED;
    } else if (e.has_appeal()) {
      Facts& f = violations_[e.appeal().violation_id()];
      if (f.status != v1::VIOLATION_VOIDED) f.status = v1::VIOLATION_UNDER_APPEAL;
    } else if (e.has_appeal_resolution()) {
      const std::string& id = e.appeal_resolution().violation_id();
      Facts& f = violations_[id];
      if (f.status == v1::VIOLATION_UNDER_APPEAL && facts.count(id)) {
        const std::optional<absl::Time> until = PointsCountUntil(policy, facts[id]);
        const bool counts =
            (until && *until > now) || CountedByARule(policy, ledger, facts[id], now);
        f.status = counts ? v1::VIOLATION_ACTIVE : v1::VIOLATION_EXPIRED;
      }
    }
  }
}

bool HistoryFilter::Matches(const v1::LedgerEntry& e) const {
  if (!kinds_.empty() && kinds_.count(KindOf(e)) == 0) return false;
  if (!needs_violations()) return true;
  auto it = violations_.find(ViolationIdOf(e));
  if (it == violations_.end()) return false;
  const Facts& f = it->second;
  if (!category_.empty() && f.category != category_) return false;
  if (source_ != v1::SOURCE_UNSPECIFIED && f.source != source_) return false;
  if (status_ != v1::VIOLATION_STATUS_UNSPECIFIED && f.status != status_) return false;
  if (occurred_start_ && f.occurred < *occurred_start_) return false;
  if (occurred_end_ && f.occurred >= *occurred_end_) return false;
  return true;
}

}  // namespace enforcer
