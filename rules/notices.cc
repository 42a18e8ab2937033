#include "rules/notices.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"

namespace enforcer {
namespace {

// SOURCE_LIVESTREAM -> "a livestream", as a seller would say it.
std::string SourcePhrase(v1::Source source) {
  switch (source) {
    case v1::SOURCE_LISTING:
      return "a listing";
    case v1::SOURCE_LIVESTREAM:
      return "a livestream";
    case v1::SOURCE_SHORT_VIDEO:
      return "a short video";
    case v1::SOURCE_RIGHTS_HOLDER_COMPLAINT:
      return "a rights holder's complaint";
    case v1::SOURCE_MANUAL_REVIEW:
      return "a review by our staff";
    case v1::SOURCE_AUTOMATED_DETECTION:
      return "automated detection";
    default:
      return "a report";
  }
}

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

}  // namespace

std::string ViolationFactsText(const Policy& policy, absl::string_view category,
                               absl::string_view object_id, v1::Source source,
                               absl::Time occurred_at, int64_t points_added) {
  std::string text = absl::StrCat("It follows a report of '", policy.CategoryName(category), "'");
  if (!object_id.empty()) absl::StrAppend(&text, " on '", object_id, "'");
  absl::StrAppend(&text, " from ", SourcePhrase(source), " that occurred on ", Day(occurred_at));
  if (points_added > 0) {
    absl::StrAppend(&text, " and added ", points_added, points_added == 1 ? " point" : " points");
  }
  absl::StrAppend(&text, ".");
  return text;
}

std::string SellerNotice(const Policy& policy, const v1::Action& action, absl::string_view facts,
                         absl::Time now) {
  std::string notice =
      absl::StrCat(action.reason(), ". ", facts,
                   " This decision was made automatically under the policy '", policy.name(), "'.");
  if (action.has_effective_at()) {
    absl::StrAppend(&notice, " It takes effect on ",
                    FormatUtc(FromProtoTime(action.effective_at())),
                    " unless the violation is corrected or appealed before then.");
  }
  const AppealTerms& appeals = policy.appeals();
  absl::StrAppend(&notice, " You can appeal until ",
                  FormatUtc(now + absl::Hours(24) * appeals.within_days), ": ",
                  appeals.instructions);
  return notice;
}

}  // namespace enforcer
