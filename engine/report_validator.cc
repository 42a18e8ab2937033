#include "engine/report_validator.h"

#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/timestamp.h"
#include "rules/regions.h"

namespace enforcer {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Ids are opaque to us but end up in keys, logs and seller-facing text.
absl::Status CheckId(absl::string_view field, absl::string_view value, size_t max_bytes,
                     bool required) {
  if (value.empty()) {
    return required ? Invalid(field, "is required") : absl::OkStatus();
  }
  if (value.size() > max_bytes) {
    return Invalid(
        field, absl::StrCat("is ", value.size(), " bytes; at most ", max_bytes, " are allowed"));
  }
  if (!IsPrintableAscii(value)) {
    return Invalid(field, "must be printable ASCII (no control characters or non-ASCII bytes)");
  }
  return absl::OkStatus();
}

absl::Status CheckEvidence(const v1::ReportViolationRequest& r) {
  if (r.evidence_size() > ReportLimits::kMaxEvidenceItems) {
    return Invalid("evidence", absl::StrCat("has ", r.evidence_size(), " items; at most ",
                                            ReportLimits::kMaxEvidenceItems, " are allowed"));
  }
  size_t total = 0;
  for (int i = 0; i < r.evidence_size(); ++i) {
    const v1::EvidenceItem& e = r.evidence(i);
    const std::string field = absl::StrCat("evidence[", i, "]");
    bool key_ok = !e.key().empty() && e.key().size() <= ReportLimits::kMaxEvidenceKeyBytes;
    for (char c : e.key()) {
      key_ok = key_ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
                          c == '.' || c == '-');
    }
    if (!key_ok) {
      return Invalid(absl::StrCat(field, ".key"),
                     absl::StrCat("'", absl::CHexEscape(e.key().substr(0, 80)),
                                  "' must match [a-z0-9_.-]{1,64}"));
    }
    if (e.value().size() > ReportLimits::kMaxEvidenceValueBytes) {
      return Invalid(absl::StrCat(field, ".value"),
                     absl::StrCat("is ", e.value().size(), " bytes; at most ",
                                  ReportLimits::kMaxEvidenceValueBytes, " are allowed"));
    }
    total += e.key().size() + e.value().size();
  }
  if (total > ReportLimits::kMaxEvidenceTotalBytes) {
    return Invalid("evidence", absl::StrCat("totals ", total, " bytes; at most ",
                                            ReportLimits::kMaxEvidenceTotalBytes, " are allowed"));
  }
  return absl::OkStatus();
}

absl::Status CheckAttributes(const v1::ReportViolationRequest& r) {
  if (r.attributes_size() > ReportLimits::kMaxAttributes) {
    return Invalid("attributes", absl::StrCat("has ", r.attributes_size(), " entries; at most ",
                                              ReportLimits::kMaxAttributes, " are allowed"));
  }
  for (const auto& [name, value] : r.attributes()) {
    bool name_ok = !name.empty() && name.size() <= ReportLimits::kMaxAttributeNameBytes;
    for (char c : name)
      name_ok = name_ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_');
    if (!name_ok) {
      return Invalid("attributes", absl::StrCat("name '", absl::CHexEscape(name.substr(0, 80)),
                                                "' must match [a-z0-9_]{1,32}"));
    }
    const std::string field = absl::StrCat("attributes[", name, "]");
    if (value.empty()) return Invalid(field, "is empty; leave the attribute out instead");
    absl::Status s = CheckId(field, value, ReportLimits::kMaxAttributeValueBytes, false);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateSubject(const v1::Subject& subject, absl::string_view field) {
  if (subject.kind() != v1::SELLER && subject.kind() != v1::CREATOR) {
    return Invalid(absl::StrCat(field, ".kind"), "must be SELLER or CREATOR");
  }
  return CheckId(absl::StrCat(field, ".id"), subject.id(), ReportLimits::kMaxIdBytes, true);
}

absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t max_bytes,
                          bool required) {
  return CheckId(field, value, max_bytes, required);
}

absl::Status ValidateActorAndMessage(absl::string_view actor, absl::string_view message,
                                     bool message_required) {
  absl::Status s = CheckId("actor", actor, ReportLimits::kMaxIdBytes, true);
  if (!s.ok()) return s;
  if (message_required && message.empty()) return Invalid("message", "is required: say why");
  if (message.size() > 2048) return Invalid("message", "is over 2048 bytes");
  return absl::OkStatus();
}

absl::Status ValidateTimestamp(absl::string_view field, const google::protobuf::Timestamp& ts) {
  // 0001-01-01 .. 9999-12-31, as google.protobuf.Timestamp defines.
  if (ts.seconds() < -62135596800 || ts.seconds() > 253402300799 || ts.nanos() < 0 ||
      ts.nanos() > 999999999) {
    return Invalid(field, "is not a valid timestamp");
  }
  return absl::OkStatus();
}

absl::Status ValidateReportFields(const v1::ReportViolationRequest& r, absl::Time now) {
  absl::Status s = CheckId("report_id", r.report_id(), ReportLimits::kMaxIdBytes, true);
  if (!s.ok()) return s;
  if (r.seller_id().empty() && r.creator_id().empty()) {
    return Invalid("seller_id", "at least one of seller_id and creator_id is required");
  }
  for (auto [field, value] :
       {std::make_pair("seller_id", &r.seller_id()), std::make_pair("creator_id", &r.creator_id()),
        std::make_pair("rights_holder_id", &r.rights_holder_id()),
        std::make_pair("right_id", &r.right_id()), std::make_pair("reporter", &r.reporter()),
        std::make_pair("notice_id", &r.notice_id())}) {
    if (!(s = CheckId(field, *value, ReportLimits::kMaxIdBytes, false)).ok()) return s;
  }
  if (!(s = CheckId("object_id", r.object_id(), ReportLimits::kMaxObjectIdBytes, false)).ok()) {
    return s;
  }
  if (!(s = CheckAttributes(r)).ok()) return s;
  if (r.category().empty()) return Invalid("category", "is required");
  if (!v1::Severity_IsValid(r.severity())) {
    return Invalid("severity", absl::StrCat(r.severity(), " is not a Severity value"));
  }
  if (!v1::Source_IsValid(r.source()) || r.source() == v1::SOURCE_UNSPECIFIED) {
    return Invalid("source",
                   "is required: one of SOURCE_LISTING, SOURCE_LIVESTREAM, "
                   "SOURCE_SHORT_VIDEO, SOURCE_RIGHTS_HOLDER_COMPLAINT, "
                   "SOURCE_MANUAL_REVIEW, SOURCE_AUTOMATED_DETECTION");
  }
  if (!r.region().empty() && !IsIsoRegionCode(r.region())) {
    return Invalid("region", absl::StrCat("'", absl::CHexEscape(r.region().substr(0, 80)),
                                          "' is not an ISO 3166-1 alpha-2 code (e.g. US, PH)"));
  }
  if (r.has_occurred_at()) {
    if (!(s = ValidateTimestamp("occurred_at", r.occurred_at())).ok()) return s;
    const absl::Time t = FromProtoTime(r.occurred_at());
    if (t > now + ReportLimits::kMaxClockSkew) {
      return Invalid(
          "occurred_at",
          absl::StrCat("is ", absl::FormatDuration(absl::Trunc(t - now, absl::Seconds(1))),
                       " in the future; at most 5m of clock skew is accepted"));
    }
    if (t < absl::FromUnixSeconds(946684800)) {
      return Invalid("occurred_at", "is before 2000-01-01");
    }
  }
  return CheckEvidence(r);
}

absl::Status CheckReportAgainstPolicy(const v1::ReportViolationRequest& r, const Policy& policy) {
  const CategoryPolicy* category = policy.FindCategory(r.category());
  if (category == nullptr) {
    // At most kListed of them: a policy may define thousands, and the message stays small.
    constexpr size_t kListed = 20;
    std::vector<std::string> known;
    for (const auto& [id, c] : policy.categories()) {
      if (known.size() < kListed) known.push_back(id);
    }
    const size_t more = policy.categories().size() - known.size();
    return Invalid("category", absl::StrCat("'", absl::CHexEscape(r.category().substr(0, 80)),
                                            "' is not defined by policy ", policy.name(),
                                            "; known categories: ", absl::StrJoin(known, ", "),
                                            more > 0 ? absl::StrCat(" and ", more, " more") : ""));
  }
  const bool seller = !r.seller_id().empty() && category->counts_for_seller;
  const bool creator = !r.creator_id().empty() && category->counts_for_creator;
  if (!seller && !creator) {
    return Invalid(category->counts_for_creator ? "creator_id" : "seller_id",
                   absl::StrCat("is required: category '", r.category(), "' counts against ",
                                category->counts_for_seller && category->counts_for_creator
                                    ? "seller and creator"
                                    : (category->counts_for_seller ? "seller" : "creator"),
                                " ledgers"));
  }
  if (!category->points_bands.empty()) {
    auto it = r.attributes().find(category->points_attribute);
    double number = 0;
    if (it != r.attributes().end() &&
        (!absl::SimpleAtod(it->second, &number) || !std::isfinite(number))) {
      return Invalid(
          absl::StrCat("attributes[", it->first, "]"),
          absl::StrCat("'", absl::CHexEscape(it->second), "' is not a number; category '",
                       r.category(), "' scores its points by it"));
    }
  }
  if (category->points_by_severity && r.severity() == v1::SEVERITY_UNSPECIFIED &&
      category->default_severity == v1::SEVERITY_UNSPECIFIED) {
    return Invalid("severity", absl::StrCat("is required: points for category '", r.category(),
                                            "' depend on severity"));
  }
  if (category->take_down && r.object_id().empty()) {
    // Without it the take-down the policy promises would silently act on nothing.
    return Invalid("object_id", absl::StrCat("is required: category '", r.category(),
                                             "' takes the reported listing, stream or video "
                                             "down; name it in object_id"));
  }
  return absl::OkStatus();
}

absl::Status ValidateReport(const v1::ReportViolationRequest& r, const Policy& policy,
                            absl::Time now) {
  absl::Status s = ValidateReportFields(r, now);
  return s.ok() ? CheckReportAgainstPolicy(r, policy) : s;
}

}  // namespace enforcer
