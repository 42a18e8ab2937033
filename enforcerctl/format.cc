#include "enforcerctl/format.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace enforcer::ctl {

std::optional<v1::Subject> ParseSubject(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return std::nullopt;
  const std::string kind = text.substr(0, colon);
  v1::Subject s;
  if (kind == "seller") {
    s.set_kind(v1::SELLER);
  } else if (kind == "creator") {
    s.set_kind(v1::CREATOR);
  } else {
    return std::nullopt;
  }
  s.set_id(text.substr(colon + 1));
  return s;
}

std::string SubjectText(const v1::Subject& s) {
  return absl::StrCat(s.kind() == v1::CREATOR ? "creator:" : "seller:", s.id());
}

std::optional<absl::Time> ParseTime(const std::string& text) {
  absl::Time t;
  std::string error;
  for (const char* format : {"%Y-%m-%dT%H:%M:%E*S%Ez", "%Y-%m-%dT%H:%M:%E*SZ", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &error)) return t;
  }
  return std::nullopt;
}

std::string IsoTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string IsoTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return IsoTime(absl::FromUnixSeconds(t.seconds()));
}

std::optional<absl::Duration> ParseDuration(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  int64_t n = 0;
  if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &n) || n <= 0) return std::nullopt;
  switch (text.back()) {
    case 'd':
      return absl::Hours(24) * n;
    case 'h':
      return absl::Hours(n);
    case 'm':
      return absl::Minutes(n);
    case 's':
      return absl::Seconds(n);
    default:
      return std::nullopt;
  }
}

std::string DurationWords(absl::Duration d) {
  const int64_t seconds = absl::ToInt64Seconds(d);
  const int64_t days = seconds / 86400, hours = seconds % 86400 / 3600,
                minutes = seconds % 3600 / 60;
  auto unit = [](int64_t n, const char* one) {
    return absl::StrCat(n, " ", one, n == 1 ? "" : "s");
  };
  std::vector<std::string> parts;
  if (days > 0) parts.push_back(unit(days, "day"));
  if (hours > 0) parts.push_back(unit(hours, "hour"));
  if (days == 0 && minutes > 0) parts.push_back(unit(minutes, "minute"));
  if (parts.empty()) return unit(seconds, "second");
  return parts.size() == 1 ? parts[0] : absl::StrCat(parts[0], " ", parts[1]);
}

std::string ActionText(const v1::Action& a) {
  std::string text = absl::AsciiStrToLower(v1::ActionType_Name(a.type()).substr(7));
  if (!a.feature().empty()) absl::StrAppend(&text, " (", a.feature(), ")");
  if (!a.paused_by_appeal().empty()) {
    absl::StrAppend(&text, ", held by appeal ", a.paused_by_appeal());
  } else if (a.has_effective_at()) {
    absl::StrAppend(&text, ", from ", IsoTime(a.effective_at()));
  }
  if (a.has_expires_at() && a.paused_by_appeal().empty()) {
    absl::StrAppend(&text, " until ", IsoTime(a.expires_at()));
  } else if (!a.has_expires_at()) {
    absl::StrAppend(&text, ", permanent");
  }
  return text;
}

std::string StandingText(v1::Standing standing) {
  return absl::AsciiStrToLower(v1::Standing_Name(standing));
}

}  // namespace enforcer::ctl
