// The `complainants` section: when a rights holder's record marks it trusted, and when the policy
// suspends it and what then happens to its reports.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "rules/policy_parser_impl.h"

namespace enforcer {
namespace parser_internal {

// A ratio from 0 to 1 ("0.9"); a percentage would read as 90 and is refused.
bool PolicyParser::ReadRatio(const YAML::Node& node, const std::string& what, double* out) {
  double value = 0;
  if (node.IsScalar() && absl::SimpleAtod(node.Scalar(), &value) && std::isfinite(value) &&
      value >= 0 && value <= 1) {
    *out = value;
    return true;
  }
  Error(node, absl::StrCat(what, " must be a ratio from 0 to 1 like 0.9, found '",
                           node.IsScalar() ? node.Scalar() : KindName(node), "'"));
  return false;
}

void PolicyParser::ParseComplainants(const YAML::Node& node) {
  auto f = ReadMap(node, "complainants", {"window", "trusted", "suspend"}, {});
  if (!f) return;
  ComplainantTerms& terms = c_.complainants;
  if (f->count("window")) ReadDays((*f)["window"].value, "complainants.window", &terms.window_days);
  if (f->count("trusted")) {
    const YAML::Node& n = (*f)["trusted"].value;
    auto t = ReadMap(n, "complainants.trusted", {"min_success", "max_overturned", "min_complaints"},
                     {"min_success"});
    if (t) {
      ComplainantTerms::Trusted trusted;
      if (t->count("min_success")) {
        ReadRatio((*t)["min_success"].value, "complainants.trusted.min_success",
                  &trusted.min_success);
      }
      if (t->count("max_overturned")) {
        ReadRatio((*t)["max_overturned"].value, "complainants.trusted.max_overturned",
                  &trusted.max_overturned);
      }
      if (t->count("min_complaints")) {
        ReadInt((*t)["min_complaints"].value, "complainants.trusted.min_complaints", 1, 1000000,
                &trusted.min_complaints);
      }
      terms.trusted = trusted;
    }
  }
  if (f->count("suspend")) ParseComplainantSuspension((*f)["suspend"].value);
  if (terms.trusted && terms.suspend && terms.suspend->success_below > terms.trusted->min_success) {
    Error((*f)["suspend"].key,
          absl::StrCat("complainants.suspend.success_below (", terms.suspend->success_below,
                       ") is above complainants.trusted.min_success (", terms.trusted->min_success,
                       "): a notifier could be both"));
  }
}

void PolicyParser::ParseComplainantSuspension(const YAML::Node& node) {
  static const std::vector<std::string> kReports = {"refuse", "record_without_points"};
  auto s = ReadMap(node, "complainants.suspend", {"success_below", "min_complaints", "reports"},
                   {"success_below", "reports"});
  if (!s) return;
  ComplainantTerms::Suspend suspend;
  if (s->count("success_below")) {
    ReadRatio((*s)["success_below"].value, "complainants.suspend.success_below",
              &suspend.success_below);
  }
  if (s->count("min_complaints")) {
    ReadInt((*s)["min_complaints"].value, "complainants.suspend.min_complaints", 1, 1000000,
            &suspend.min_complaints);
  }
  if (s->count("reports")) {
    const YAML::Node& n = (*s)["reports"].value;
    std::string reports;
    if (ReadString(n, "complainants.suspend.reports", &reports)) {
      if (reports == "refuse") {
        suspend.reports = ComplainantTerms::SuspendedReports::kRefuse;
      } else if (reports == "record_without_points") {
        suspend.reports = ComplainantTerms::SuspendedReports::kRecordWithoutPoints;
      } else {
        Error(n, absl::StrCat("complainants.suspend.reports: unknown value '", reports, "'",
                              Suggestion(reports, kReports),
                              "; expected one of: refuse, record_without_points"));
      }
    }
  }
  c_.complainants.suspend = suspend;
}

}  // namespace parser_internal
}  // namespace enforcer
