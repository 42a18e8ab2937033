// Every byte layout storage/ writes: RocksDB keys, the meta values and the history page token.
// Nothing else in storage/ may build or parse these bytes, so a layout change happens here only.
//
// Schema 2 (all integers big-endian, so bytewise key order is numeric order):
//   subject key     = kind (1 byte: SELLER=1, CREATOR=2) + id length (2 bytes) + id bytes
//   ledger key      = subject key + position (8 bytes)                 -> LedgerEntry
//   commit log key  = sequence (8 bytes)                               -> LedgerPosition
//   expiry key      = expires_at (8 bytes, see below) + subject key + action_id bytes -> empty
//   violation key   = violation_id bytes                               -> ViolationLocation
//   report key      = report_id bytes                                  -> StoredReport
//   state key       = subject key                                      -> SubjectState
//   policy keys     = "v" + version bytes                              -> PolicyActivation (the
//                       latest activation of that version)
//                     "a" + activation number (8 bytes)                -> PolicyActivation
//   meta keys       = "last_sequence", "schema_version", "last_activation": 8-byte values;
//                     "state_rebuild_pending": present while a rebuild is pending, value empty;
//                     "case_indexes_backfilled": present once the case indexes are complete
//   page token      = web-safe base64 of: version (1 byte, = 2) + position (8 bytes)
//
// Case indexes (added within schema 2: two column families, "cases" and "audit", that a store
// opened without them gains empty and backfills from its ledgers once, see case_index_backfill):
//   name            = length (2 bytes) + bytes (1..65535): rights holder, object and actor ids
//   complaint key   = "c" + name(rights holder) + name(object) + sequence (8 bytes) +
//                     violation_id bytes                                -> empty
//   complaint mark  = "m" + violation_id bytes                          -> status (1 byte: c =
//                     counted, o = overturned, r = retracted) + day (8 bytes) + rights holder
//   complaint day   = "d" + name(rights holder) + day (8 bytes, signed) -> ComplaintDay
//   open appeal     = "o" + the appeal entry's sequence (8 bytes)       -> LedgerPosition
//   audit position  = sequence (8 bytes) + activation (8 bytes): an entry's sequence and 0, or for
//                     a policy activation the last sequence before it and its number
//   audit keys      = "a" + audit position                              -> AuditEntry
//                     "s" + subject key + audit position                -> empty
//                     "u" + name(actor) + audit position                -> empty
//   audit token     = web-safe base64 of: version (1 byte, = 3) + audit position
// A day is a UTC day: floor(micros since the epoch / 86400e6).
//
// Delivery (added within schema 2: the "delivery" column family, which a store opened without it
// gains and backfills once, see delivery_batch.h):
//   feed key        = "f" + feed sequence (8 bytes)                    -> ActionEvent
//   consumer key    = "c" + consumer name bytes                        -> ConsumerCursor
//   timer key       = "t" + at (8 bytes, see below) + subject key + kind (1 byte) + action_id
//                                                                      -> ActionTimer
//   meta keys       = "last_feed_sequence", "oldest_feed_sequence": 8-byte values;
//                     "delivery_backfilled": present once the feed and timers are complete
//
// Schema 1 (read only by the migration):
//   event key       = subject key + recorded_at (8 bytes, see below) + sequence (8 bytes)
//   report key      = report_id bytes
//
// The id length prefix keeps subjects apart: no subject key is a prefix of another subject's
// keys, so "ab" never scans into "abc" and a seller never into a creator with the same id. The
// same property makes the subject key inside an expiry key self-delimiting.
//
// Times in keys are microseconds since the Unix epoch as int64, stored as uint64(micros) with the
// sign bit flipped. That maps int64 order onto unsigned byte order (negatives before positives)
// for the whole int64 range, so no clamping is needed.
#ifndef ENFORCERD_STORAGE_KEY_CODEC_H_
#define ENFORCERD_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"

namespace enforcer {

inline constexpr absl::string_view kLastSequenceKey = "last_sequence";
inline constexpr absl::string_view kSchemaVersionKey = "schema_version";
inline constexpr absl::string_view kLastActivationKey = "last_activation";
inline constexpr absl::string_view kStateRebuildPendingKey = "state_rebuild_pending";
// Present once the case indexes were derived from every ledger entry (value empty).
inline constexpr absl::string_view kCaseIndexesBackfilledKey = "case_indexes_backfilled";

// Every activation key sorts in [kActivationKeysBegin, kActivationKeysEnd).
inline constexpr absl::string_view kActivationKeysBegin = "a";
inline constexpr absl::string_view kActivationKeysEnd = "b";

// A time as stored in keys. INVALID_ARGUMENT unless `ts` is a valid Timestamp (years
// 0001..9999, nanos in [0, 1e9)). Sub-microsecond digits are dropped.
absl::StatusOr<int64_t> TimestampToMicros(const google::protobuf::Timestamp& ts);

// INVALID_ARGUMENT unless the kind is SELLER or CREATOR and the id is 1..65535 bytes.
absl::StatusOr<std::string> EncodeSubjectKey(const v1::Subject& subject);
// DATA_LOSS unless `key` is exactly one subject key.
absl::StatusOr<v1::Subject> DecodeSubjectKey(absl::string_view key);

// The smallest key greater than every key that starts with `subject_key`: the exclusive upper
// bound of a scan over all of a subject's keys.
std::string SubjectKeyPrefixEnd(absl::string_view subject_key);

// `subject_key` must come from EncodeSubjectKey.
std::string EncodeLedgerKey(absl::string_view subject_key, uint64_t position);
struct LedgerKey {
  v1::Subject subject;
  uint64_t position = 0;
};
// DATA_LOSS for anything EncodeLedgerKey cannot have produced.
absl::StatusOr<LedgerKey> DecodeLedgerKey(absl::string_view key);
// The subject key at the front of a ledger (or schema-1 event) key; DATA_LOSS if there is none.
absl::StatusOr<std::string> SubjectKeyOf(absl::string_view key);

std::string EncodeCommitLogKey(uint64_t sequence);
// DATA_LOSS unless `key` is 8 bytes.
absl::StatusOr<uint64_t> DecodeCommitLogKey(absl::string_view key);

// INVALID_ARGUMENT for an empty action_id. `subject_key` must come from EncodeSubjectKey.
absl::StatusOr<std::string> EncodeExpiryKey(int64_t expires_at_micros,
                                            absl::string_view subject_key,
                                            absl::string_view action_id);
// Sorts after every expiry key with an earlier expires_at and before every other one: the
// exclusive upper bound of "expires_at < t".
std::string EncodeExpiryBound(int64_t expires_at_micros);
struct ExpiryKey {
  int64_t expires_at_micros = 0;
  v1::Subject subject;
  std::string action_id;
};
// DATA_LOSS for anything EncodeExpiryKey cannot have produced.
absl::StatusOr<ExpiryKey> DecodeExpiryKey(absl::string_view key);

std::string EncodeViolationKey(absl::string_view violation_id);
std::string EncodeReportKey(absl::string_view report_id);
std::string EncodePolicyVersionKey(absl::string_view version);
std::string EncodeActivationKey(uint64_t activation);
// Shadow mode, in the policies family: the setting, and decisions by sequence.
inline constexpr absl::string_view kShadowSettingKey = "shadow";
inline constexpr absl::string_view kShadowDecisionKeysBegin = "r";
inline constexpr absl::string_view kShadowDecisionKeysEnd = "s";
std::string EncodeShadowDecisionKey(uint64_t sequence);

// The 8-byte meta values.
std::string EncodeUint64Value(uint64_t value);
// False unless `value` is exactly 8 bytes.
bool DecodeUint64Value(absl::string_view value, uint64_t* decoded);

// Where the next history page starts: the position of its first (newest) entry. It names a place
// in the subject's ledger, not a RocksDB iterator, so tokens survive compactions, restarts and
// concurrent appends.
std::string EncodeHistoryToken(uint64_t position);
// INVALID_ARGUMENT "page_token is malformed" for anything EncodeHistoryToken cannot have made
// (including schema-1 tokens).
absl::StatusOr<uint64_t> DecodeHistoryToken(absl::string_view token);

// Case indexes. Every name is 1..65535 bytes: INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> EncodeComplaintPrefix(absl::string_view rights_holder_id,
                                                  absl::string_view object_id);
// `prefix` must come from EncodeComplaintPrefix.
std::string EncodeComplaintKey(absl::string_view prefix, uint64_t sequence,
                               absl::string_view violation_id);
struct ComplaintKey {
  uint64_t sequence = 0;
  std::string violation_id;
};
// DATA_LOSS unless `key` is a complaint key starting with `prefix`.
absl::StatusOr<ComplaintKey> DecodeComplaintKey(absl::string_view key, absl::string_view prefix);

std::string EncodeComplaintMarkKey(absl::string_view violation_id);
enum class ComplaintStatus : char { kCounted = 'c', kOverturned = 'o', kRetracted = 'r' };
struct ComplaintMark {
  ComplaintStatus status = ComplaintStatus::kCounted;
  int64_t day = 0;
  std::string rights_holder_id;
};
std::string EncodeComplaintMark(const ComplaintMark& mark);
// DATA_LOSS for anything EncodeComplaintMark cannot have produced.
absl::StatusOr<ComplaintMark> DecodeComplaintMark(absl::string_view value);

absl::StatusOr<std::string> EncodeComplaintDaysPrefix(absl::string_view rights_holder_id);
// `prefix` must come from EncodeComplaintDaysPrefix.
std::string EncodeComplaintDayKey(absl::string_view prefix, int64_t day);
// The UTC day of a time in microseconds since the epoch (days before 1970 are negative).
int64_t DayOfMicros(int64_t micros);

inline constexpr absl::string_view kOpenAppealKeysBegin = "o";
inline constexpr absl::string_view kOpenAppealKeysEnd = "p";
std::string EncodeOpenAppealKey(uint64_t sequence);
// DATA_LOSS unless `key` is an open appeal key.
absl::StatusOr<uint64_t> DecodeOpenAppealKey(absl::string_view key);
// The sequence in an appeal_id "a<sequence>"; nullopt for anything else.
std::optional<uint64_t> SequenceOfAppealId(absl::string_view appeal_id);

// Where an audit entry sorts: after the ledger entry with `sequence`; an activation (number > 0)
// after the entry committed last before it. Unique: entries have unique sequences, activations
// unique numbers.
struct AuditPosition {
  uint64_t sequence = 0;
  uint64_t activation = 0;
};
inline constexpr absl::string_view kAuditKeysBegin = "a";
std::string EncodeAuditKey(const AuditPosition& at);
// `subject_key` must come from EncodeSubjectKey.
std::string EncodeAuditSubjectPrefix(absl::string_view subject_key);
absl::StatusOr<std::string> EncodeAuditActorPrefix(absl::string_view actor);
// An audit index key: one of the prefixes above (or kAuditKeysBegin) + position.
std::string EncodeAuditIndexKey(absl::string_view prefix, const AuditPosition& at);
// DATA_LOSS unless `key` is `prefix` + 16 bytes.
absl::StatusOr<AuditPosition> DecodeAuditIndexKey(absl::string_view key, absl::string_view prefix);

// The next audit page starts at this position (newest first).
std::string EncodeAuditToken(const AuditPosition& at);
// INVALID_ARGUMENT "page_token is malformed" for anything EncodeAuditToken cannot have made.
absl::StatusOr<AuditPosition> DecodeAuditToken(absl::string_view token);

// "wal_recovery/<micros>": each open with recover_damaged_wal, what it kept (text).
inline constexpr absl::string_view kWalRecoveryKeyPrefix = "wal_recovery/";
inline constexpr absl::string_view kLastFeedSequenceKey = "last_feed_sequence";
inline constexpr absl::string_view kOldestFeedSequenceKey = "oldest_feed_sequence";
inline constexpr absl::string_view kDeliveryBackfilledKey = "delivery_backfilled";
std::string EncodeFeedKey(uint64_t sequence);
// DATA_LOSS unless `key` is a feed key.
absl::StatusOr<uint64_t> DecodeFeedKey(absl::string_view key);
inline constexpr absl::string_view kConsumerKeysBegin = "c";
inline constexpr absl::string_view kConsumerKeysEnd = "d";
std::string EncodeConsumerKey(absl::string_view consumer);
// INVALID_ARGUMENT for a timer without subject, action_id or kind, or with a time out of range.
absl::StatusOr<std::string> EncodeTimerKey(const v1::ActionTimer& timer);
// Sorts after every timer key whose time is at or before `micros`, and before every later one:
// the exclusive upper bound of "at <= micros". Every timer key starts with kTimerKeysBegin.
inline constexpr absl::string_view kTimerKeysBegin = "t";
std::string EncodeTimerBound(int64_t micros);

// Schema 1, for the migration.
struct Schema1EventKey {
  v1::Subject subject;
  int64_t recorded_at_micros = 0;
  uint64_t sequence = 0;
};
// DATA_LOSS for anything schema 1 cannot have written.
absl::StatusOr<Schema1EventKey> DecodeSchema1EventKey(absl::string_view key);
// The report_id of a schema-1 report key.
std::string DecodeSchema1ReportKey(absl::string_view key);

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_KEY_CODEC_H_
