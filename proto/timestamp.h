// Conversions between absl::Time and google.protobuf.Timestamp, shared by every layer.
#ifndef ENFORCERD_PROTO_TIMESTAMP_H_
#define ENFORCERD_PROTO_TIMESTAMP_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace enforcer {

inline google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rem * 1000));
  return ts;
}

// Microsecond precision, as stored in ledger keys.
inline absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixMicros(ts.seconds() * 1000000 + ts.nanos() / 1000);
}

// UTC days since the Unix epoch (floor), the unit of policy windows.
inline int64_t UnixDay(absl::Time t) {
  const int64_t s = absl::ToUnixSeconds(t);
  return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

}  // namespace enforcer

#endif  // ENFORCERD_PROTO_TIMESTAMP_H_
