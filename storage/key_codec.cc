#include "storage/key_codec.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/key_codec_bytes.h"

namespace enforcer {
namespace {

using key_bytes::AppendMicros;
using key_bytes::AppendUint64;
using key_bytes::DecodeToken;
using key_bytes::EncodeToken;
using key_bytes::kMaxIdSize;
using key_bytes::kUint64Size;
using key_bytes::ReadMicros;
using key_bytes::ReadUint64;

// Key bytes for the subject kinds. Fixed here rather than taken from the proto enum values so
// that the on-disk layout cannot change with the API.
constexpr char kSellerByte = 1;
constexpr char kCreatorByte = 2;

constexpr size_t kSubjectHeaderSize = 1 + 2;
// Version 1 tokens held (recorded_at, sequence) of schema 1; they are refused as malformed.
constexpr char kTokenVersion = 2;
constexpr char kPolicyVersionPrefix = 'v';

// Google's Timestamp range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// The length of the subject key at the front of `key`, or 0 if there is none.
size_t SubjectKeySize(absl::string_view key) {
  if (key.size() < kSubjectHeaderSize) return 0;
  if (key[0] != kSellerByte && key[0] != kCreatorByte) return 0;
  const size_t id_size = (size_t{static_cast<uint8_t>(key[1])} << 8) | static_cast<uint8_t>(key[2]);
  if (id_size == 0 || key.size() < kSubjectHeaderSize + id_size) return 0;
  return kSubjectHeaderSize + id_size;
}

v1::Subject SubjectFromKey(absl::string_view key, size_t size) {
  v1::Subject subject;
  subject.set_kind(key[0] == kSellerByte ? v1::SELLER : v1::CREATOR);
  subject.set_id(std::string(key.substr(kSubjectHeaderSize, size - kSubjectHeaderSize)));
  return subject;
}

}  // namespace

absl::StatusOr<int64_t> TimestampToMicros(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp out of range: ", ts.seconds(), "s ", ts.nanos(), "ns"));
  }
  // Cannot overflow: |seconds| < 2^38 in the checked range.
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

absl::StatusOr<std::string> EncodeSubjectKey(const v1::Subject& subject) {
  char kind;
  switch (subject.kind()) {
    case v1::SELLER:
      kind = kSellerByte;
      break;
    case v1::CREATOR:
      kind = kCreatorByte;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("subject kind must be SELLER or CREATOR, got ", subject.kind()));
  }
  const std::string& id = subject.id();
  if (id.empty()) return absl::InvalidArgumentError("subject id is empty");
  if (id.size() > kMaxIdSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject id is ", id.size(), " bytes, max ", kMaxIdSize));
  }
  std::string key;
  key.reserve(kSubjectHeaderSize + id.size() + kUint64Size);
  key.push_back(kind);
  key.push_back(static_cast<char>(id.size() >> 8));
  key.push_back(static_cast<char>(id.size()));
  key.append(id);
  return key;
}

absl::StatusOr<v1::Subject> DecodeSubjectKey(absl::string_view key) {
  const size_t size = SubjectKeySize(key);
  if (size == 0 || size != key.size()) return absl::DataLossError("malformed subject key");
  return SubjectFromKey(key, size);
}

std::string SubjectKeyPrefixEnd(absl::string_view subject_key) {
  // Subject keys start with a kind byte below 0xff, so there is always a byte to increment.
  std::string end(subject_key);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}

std::string EncodeLedgerKey(absl::string_view subject_key, uint64_t position) {
  std::string key;
  key.reserve(subject_key.size() + kUint64Size);
  key.append(subject_key.data(), subject_key.size());
  AppendUint64(&key, position);
  return key;
}

absl::StatusOr<LedgerKey> DecodeLedgerKey(absl::string_view key) {
  const size_t size = SubjectKeySize(key);
  if (size == 0 || key.size() != size + kUint64Size) {
    return absl::DataLossError("malformed ledger key");
  }
  LedgerKey decoded;
  decoded.subject = SubjectFromKey(key, size);
  decoded.position = ReadUint64(key.substr(size));
  return decoded;
}

absl::StatusOr<std::string> SubjectKeyOf(absl::string_view key) {
  const size_t size = SubjectKeySize(key);
  if (size == 0) return absl::DataLossError("key does not start with a subject key");
  return std::string(key.substr(0, size));
}

std::string EncodeCommitLogKey(uint64_t sequence) { return EncodeUint64Value(sequence); }

absl::StatusOr<uint64_t> DecodeCommitLogKey(absl::string_view key) {
  uint64_t sequence = 0;
  if (!DecodeUint64Value(key, &sequence)) return absl::DataLossError("malformed commit log key");
  return sequence;
}

absl::StatusOr<std::string> EncodeExpiryKey(int64_t expires_at_micros,
                                            absl::string_view subject_key,
                                            absl::string_view action_id) {
  if (action_id.empty()) return absl::InvalidArgumentError("timed action has no action_id");
  std::string key = EncodeExpiryBound(expires_at_micros);
  key.append(subject_key.data(), subject_key.size());
  key.append(action_id.data(), action_id.size());
  return key;
}

std::string EncodeExpiryBound(int64_t expires_at_micros) {
  std::string key;
  AppendMicros(&key, expires_at_micros);
  return key;
}

absl::StatusOr<ExpiryKey> DecodeExpiryKey(absl::string_view key) {
  const size_t subject_size = key.size() < kUint64Size ? 0 : SubjectKeySize(key.substr(8));
  if (subject_size == 0 || key.size() == kUint64Size + subject_size) {
    return absl::DataLossError("malformed expiry key");
  }
  ExpiryKey decoded;
  decoded.expires_at_micros = ReadMicros(key);
  decoded.subject = SubjectFromKey(key.substr(kUint64Size), subject_size);
  decoded.action_id = std::string(key.substr(kUint64Size + subject_size));
  return decoded;
}

std::string EncodeViolationKey(absl::string_view violation_id) { return std::string(violation_id); }

std::string EncodeReportKey(absl::string_view report_id) { return std::string(report_id); }

std::string EncodePolicyVersionKey(absl::string_view version) {
  return absl::StrCat(absl::string_view(&kPolicyVersionPrefix, 1), version);
}

std::string EncodeActivationKey(uint64_t activation) {
  std::string key(kActivationKeysBegin);
  AppendUint64(&key, activation);
  return key;
}

std::string EncodeShadowDecisionKey(uint64_t sequence) {
  std::string key(kShadowDecisionKeysBegin);
  AppendUint64(&key, sequence);
  return key;
}

std::string EncodeUint64Value(uint64_t value) {
  std::string out;
  AppendUint64(&out, value);
  return out;
}

bool DecodeUint64Value(absl::string_view value, uint64_t* decoded) {
  if (value.size() != kUint64Size) return false;
  *decoded = ReadUint64(value);
  return true;
}

std::string EncodeHistoryToken(uint64_t position) { return EncodeToken(position, kTokenVersion); }

// Position 0 is never an entry's, so no token names it.
absl::StatusOr<uint64_t> DecodeHistoryToken(absl::string_view token) {
  return DecodeToken(token, kTokenVersion);
}

absl::StatusOr<Schema1EventKey> DecodeSchema1EventKey(absl::string_view key) {
  const size_t size = SubjectKeySize(key);
  if (size == 0 || key.size() != size + 2 * kUint64Size) {
    return absl::DataLossError("malformed schema-1 event key");
  }
  Schema1EventKey decoded;
  decoded.subject = SubjectFromKey(key, size);
  decoded.recorded_at_micros = ReadMicros(key.substr(size, 8));
  decoded.sequence = ReadUint64(key.substr(size + 8, 8));
  return decoded;
}

std::string DecodeSchema1ReportKey(absl::string_view key) { return std::string(key); }

}  // namespace enforcer
