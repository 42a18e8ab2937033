// The delivery family's byte layouts (see key_codec.h): the action feed, consumers' cursors and
// the scheduler's timers.
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/key_codec.h"
#include "storage/key_codec_bytes.h"

namespace enforcer {
namespace {

using key_bytes::AppendMicros;
using key_bytes::AppendUint64;
using key_bytes::kUint64Size;
using key_bytes::ReadUint64;

constexpr char kFeedPrefix = 'f';
constexpr char kTimerPrefix = 't';

}  // namespace

std::string EncodeFeedKey(uint64_t sequence) {
  std::string key(1, kFeedPrefix);
  AppendUint64(&key, sequence);
  return key;
}

absl::StatusOr<uint64_t> DecodeFeedKey(absl::string_view key) {
  if (key.size() != 1 + kUint64Size || key[0] != kFeedPrefix) {
    return absl::DataLossError("malformed action feed key");
  }
  return ReadUint64(key.substr(1));
}

std::string EncodeConsumerKey(absl::string_view consumer) {
  return absl::StrCat(kConsumerKeysBegin, consumer);
}

absl::StatusOr<std::string> EncodeTimerKey(const v1::ActionTimer& timer) {
  if (timer.action_id().empty()) return absl::InvalidArgumentError("timer has no action_id");
  if (timer.kind() != v1::ActionTimer::ENDS && timer.kind() != v1::ActionTimer::TAKES_EFFECT) {
    return absl::InvalidArgumentError(absl::StrCat("timer of ", timer.action_id(), " has no kind"));
  }
  absl::StatusOr<int64_t> micros = TimestampToMicros(timer.at());
  if (!micros.ok()) return micros.status();
  absl::StatusOr<std::string> subject_key = EncodeSubjectKey(timer.subject());
  if (!subject_key.ok()) return subject_key.status();
  std::string key(1, kTimerPrefix);
  AppendMicros(&key, *micros);
  key += *subject_key;
  key.push_back(static_cast<char>(timer.kind()));
  key += timer.action_id();
  return key;
}

std::string EncodeTimerBound(int64_t micros) {
  std::string key(1, kTimerPrefix);
  if (micros == std::numeric_limits<int64_t>::max()) {
    key.push_back('\xff');  // past every time
    return key;
  }
  AppendMicros(&key, micros + 1);
  return key;
}

}  // namespace enforcer
