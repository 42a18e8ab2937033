// Every byte layout storage/ writes: RocksDB keys, the meta values and the history page token.
// Nothing else in storage/ may build or parse these bytes, so a layout change happens here only.
//
// Layouts (all integers big-endian, so bytewise key order is numeric order):
//   subject key  = kind (1 byte: SELLER=1, CREATOR=2) + id length (2 bytes) + id bytes
//   event key    = subject key + recorded_at (8 bytes) + sequence (8 bytes)
//   report key   = report_id bytes
//   sequence     = 8 bytes (the value of the meta key "last_sequence")
//   page token   = web-safe base64 of: version (1 byte, = 1) + recorded_at (8) + sequence (8)
//
// The id length prefix keeps subjects apart: no subject key is a prefix of another subject's
// keys, so "ab" never scans into "abc" and a seller never into a creator with the same id.
//
// recorded_at is microseconds since the Unix epoch as int64, stored as uint64(micros) with the
// sign bit flipped. That maps int64 order onto unsigned byte order (negatives before positives)
// for the whole int64 range, so no clamping is needed.
#ifndef ENFORCERD_STORAGE_KEY_CODEC_H_
#define ENFORCERD_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "proto/enforcer.pb.h"

namespace enforcer {

inline constexpr absl::string_view kLastSequenceKey = "last_sequence";

// recorded_at as stored in keys. INVALID_ARGUMENT unless `ts` is a valid Timestamp (years
// 0001..9999, nanos in [0, 1e9)). Sub-microsecond digits are dropped: entries recorded in the
// same microsecond are ordered by sequence.
absl::StatusOr<int64_t> TimestampToMicros(const google::protobuf::Timestamp& ts);

// INVALID_ARGUMENT unless the kind is SELLER or CREATOR and the id is 1..65535 bytes.
absl::StatusOr<std::string> EncodeSubjectKey(const v1::Subject& subject);
absl::StatusOr<v1::Subject> DecodeSubjectKey(absl::string_view key);

// `subject_key` must come from EncodeSubjectKey.
std::string EncodeEventKey(absl::string_view subject_key, int64_t recorded_at_micros,
                           uint64_t sequence);

// subject key + recorded_at without the sequence. It sorts before every event of the subject at
// `recorded_at_micros` or later and after every earlier one: the inclusive lower bound of
// "recorded_at >= t" and the exclusive upper bound of "recorded_at < t".
std::string EncodeEventTimeBound(absl::string_view subject_key, int64_t recorded_at_micros);

// The smallest key greater than every key that starts with `subject_key`: the exclusive upper
// bound of a scan over all of a subject's events.
std::string SubjectKeyPrefixEnd(absl::string_view subject_key);

struct EventKey {
  v1::Subject subject;
  int64_t recorded_at_micros = 0;
  uint64_t sequence = 0;
};
// DATA_LOSS for anything EncodeEventKey cannot have produced.
absl::StatusOr<EventKey> DecodeEventKey(absl::string_view key);

std::string EncodeReportKey(absl::string_view report_id);

std::string EncodeSequence(uint64_t sequence);
// False unless `value` is exactly 8 bytes.
bool DecodeSequence(absl::string_view value, uint64_t* sequence);

// Where the next history page starts: the (recorded_at, sequence) of its first (newest) entry.
// It names a position in the key space, not a RocksDB iterator, so tokens survive compactions,
// restarts and concurrent appends.
struct HistoryCursor {
  int64_t recorded_at_micros = 0;
  uint64_t sequence = 0;
};
std::string EncodeHistoryCursor(const HistoryCursor& cursor);
// INVALID_ARGUMENT "page_token is malformed" for anything EncodeHistoryCursor cannot have made.
absl::StatusOr<HistoryCursor> DecodeHistoryCursor(absl::string_view token);

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_KEY_CODEC_H_
