// The case indexes' byte layouts (see key_codec.h): complaints, complaint marks and days, open
// appeals and the audit.
#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "storage/key_codec.h"
#include "storage/key_codec_bytes.h"

namespace enforcer {
namespace {

using key_bytes::AppendMicros;
using key_bytes::AppendName;
using key_bytes::AppendUint64;
using key_bytes::kUint64Size;
using key_bytes::ReadUint64;

constexpr char kAuditTokenVersion = 3;
constexpr size_t kAuditPositionSize = 2 * kUint64Size;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

}  // namespace

absl::StatusOr<std::string> EncodeComplaintPrefix(absl::string_view rights_holder_id,
                                                  absl::string_view object_id) {
  std::string prefix = "c";
  absl::Status s = AppendName(&prefix, rights_holder_id, "rights_holder_id");
  if (s.ok()) s = AppendName(&prefix, object_id, "object_id");
  if (!s.ok()) return s;
  return prefix;
}

std::string EncodeComplaintKey(absl::string_view prefix, uint64_t sequence,
                               absl::string_view violation_id) {
  std::string key(prefix);
  AppendUint64(&key, sequence);
  key.append(violation_id.data(), violation_id.size());
  return key;
}

absl::StatusOr<ComplaintKey> DecodeComplaintKey(absl::string_view key, absl::string_view prefix) {
  if (!absl::StartsWith(key, prefix) || key.size() < prefix.size() + kUint64Size) {
    return absl::DataLossError("malformed complaint key");
  }
  ComplaintKey decoded;
  decoded.sequence = ReadUint64(key.substr(prefix.size()));
  decoded.violation_id = std::string(key.substr(prefix.size() + kUint64Size));
  return decoded;
}

std::string EncodeComplaintMarkKey(absl::string_view violation_id) {
  return absl::StrCat("m", violation_id);
}

std::string EncodeComplaintMark(const ComplaintMark& mark) {
  std::string value(1, static_cast<char>(mark.status));
  AppendUint64(&value, static_cast<uint64_t>(mark.day));
  value.append(mark.rights_holder_id);
  return value;
}

absl::StatusOr<ComplaintMark> DecodeComplaintMark(absl::string_view value) {
  if (value.size() < 1 + kUint64Size) return absl::DataLossError("malformed complaint mark");
  ComplaintMark mark;
  switch (value[0]) {
    case static_cast<char>(ComplaintStatus::kCounted):
    case static_cast<char>(ComplaintStatus::kOverturned):
    case static_cast<char>(ComplaintStatus::kRetracted):
      mark.status = static_cast<ComplaintStatus>(value[0]);
      break;
    default:
      return absl::DataLossError("malformed complaint mark");
  }
  mark.day = static_cast<int64_t>(ReadUint64(value.substr(1)));
  mark.rights_holder_id = std::string(value.substr(1 + kUint64Size));
  return mark;
}

absl::StatusOr<std::string> EncodeComplaintDaysPrefix(absl::string_view rights_holder_id) {
  std::string prefix = "d";
  absl::Status s = AppendName(&prefix, rights_holder_id, "rights_holder_id");
  if (!s.ok()) return s;
  return prefix;
}

std::string EncodeComplaintDayKey(absl::string_view prefix, int64_t day) {
  std::string key(prefix);
  AppendMicros(&key, day);  // the same order-preserving signed encoding
  return key;
}

int64_t DayOfMicros(int64_t micros) {
  return micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
}

std::string EncodeOpenAppealKey(uint64_t sequence) {
  std::string key(kOpenAppealKeysBegin);
  AppendUint64(&key, sequence);
  return key;
}

absl::StatusOr<uint64_t> DecodeOpenAppealKey(absl::string_view key) {
  if (!absl::StartsWith(key, kOpenAppealKeysBegin) || key.size() != 1 + kUint64Size) {
    return absl::DataLossError("malformed open appeal key");
  }
  return ReadUint64(key.substr(1));
}

std::optional<uint64_t> SequenceOfAppealId(absl::string_view appeal_id) {
  uint64_t sequence = 0;
  if (!absl::ConsumePrefix(&appeal_id, "a") || appeal_id.empty() ||
      !std::all_of(appeal_id.begin(), appeal_id.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(appeal_id, &sequence) || sequence == 0) {
    return std::nullopt;
  }
  return sequence;
}

std::string EncodeAuditKey(const AuditPosition& at) {
  return EncodeAuditIndexKey(kAuditKeysBegin, at);
}

std::string EncodeAuditSubjectPrefix(absl::string_view subject_key) {
  return absl::StrCat("s", subject_key);
}

absl::StatusOr<std::string> EncodeAuditActorPrefix(absl::string_view actor) {
  std::string prefix = "u";
  absl::Status s = AppendName(&prefix, actor, "actor");
  if (!s.ok()) return s;
  return prefix;
}

std::string EncodeAuditIndexKey(absl::string_view prefix, const AuditPosition& at) {
  std::string key(prefix);
  AppendUint64(&key, at.sequence);
  AppendUint64(&key, at.activation);
  return key;
}

absl::StatusOr<AuditPosition> DecodeAuditIndexKey(absl::string_view key, absl::string_view prefix) {
  if (!absl::StartsWith(key, prefix) || key.size() != prefix.size() + kAuditPositionSize) {
    return absl::DataLossError("malformed audit key");
  }
  return AuditPosition{ReadUint64(key.substr(prefix.size())),
                       ReadUint64(key.substr(prefix.size() + kUint64Size))};
}

std::string EncodeAuditToken(const AuditPosition& at) {
  std::string raw(1, kAuditTokenVersion);
  AppendUint64(&raw, at.sequence);
  AppendUint64(&raw, at.activation);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<AuditPosition> DecodeAuditToken(absl::string_view token) {
  std::string raw;
  // No audit entry is at (0, 0): an activation has a number, an entry a sequence.
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() != 1 + kAuditPositionSize ||
      raw[0] != kAuditTokenVersion) {
    return absl::InvalidArgumentError("page_token is malformed");
  }
  AuditPosition at{ReadUint64(absl::string_view(raw).substr(1)),
                   ReadUint64(absl::string_view(raw).substr(1 + kUint64Size))};
  if (at.sequence == 0 && at.activation == 0) {
    return absl::InvalidArgumentError("page_token is malformed");
  }
  return at;
}

}  // namespace enforcer
