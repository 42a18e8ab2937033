// How enforcerctl reads and writes what staff type and read: subjects ("seller:s1"), times
// (ISO 8601, UTC), durations ("7d", "12h", "permanent") and durations in words ("14 days").
#ifndef ENFORCERD_ENFORCERCTL_FORMAT_H_
#define ENFORCERD_ENFORCERCTL_FORMAT_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "proto/enforcer.pb.h"

namespace enforcer::ctl {

// "seller:s1" or "creator:c1"; nullopt for anything else.
std::optional<v1::Subject> ParseSubject(const std::string& text);
std::string SubjectText(const v1::Subject& subject);

// "2026-12-01", "2026-12-01T10:00:00Z" or "2026-12-01T10:00:00+02:00"; nullopt otherwise.
std::optional<absl::Time> ParseTime(const std::string& text);
// "2026-12-01T10:00:00Z"; "-" for an unset timestamp.
std::string IsoTime(const google::protobuf::Timestamp& t);
std::string IsoTime(absl::Time t);

// "90d", "12h", "30m", "45s" (one unit); nullopt otherwise. "permanent" is the caller's.
std::optional<absl::Duration> ParseDuration(const std::string& text);
// "14 days", "3 hours", "1 day 6 hours", "45 minutes".
std::string DurationWords(absl::Duration d);

// "suspend", "restrict_feature (new_listings)", with "until <ISO>" or "permanent".
std::string ActionText(const v1::Action& action);
// "SUSPENDED" -> "suspended".
std::string StandingText(v1::Standing standing);

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_FORMAT_H_
