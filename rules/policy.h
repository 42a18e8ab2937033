// A compiled, validated, immutable enforcement policy. Built only by ParsePolicy(); once built it
// is never changed, so a std::shared_ptr<const Policy> can be shared by every thread and swapped
// atomically on reload.
#ifndef ENFORCERD_RULES_POLICY_H_
#define ENFORCERD_RULES_POLICY_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/enforcer.pb.h"

namespace enforcer {

// Where something was written in a policy file; 1-based, as editors show it.
struct SourcePosition {
  int line = 0;
  int column = 0;
};

enum class LedgerKind { kSeller, kCreator };

// The longest window any policy may have (the language caps windows at 3650 days): how long a
// subject's aggregates are kept when the policy that decided them is unknown. Otherwise they are
// kept for the policy's own longest window; a later policy that needs more (three strikes in 730
// days after a policy of 90-day windows, say) gets it by re-evaluation, which replays the ledger.
inline constexpr int kAggregateRetentionDays = 3650;

// What a milestone or count rule does while its condition keeps holding (the subject stays at or
// above the threshold).
enum class RepeatMode {
  // The rule's actions stay in force while the condition holds, and at least their duration from
  // when they were issued: a timed action ends at the later of (issue time + duration) and the
  // moment expiring points (or counts) take the subject below the threshold. It is reissued only
  // when that moment moves later (a subject that dips below and comes back while the action
  // still runs keeps it). A subject is never shown clean while it sits in a tier. The default.
  kWhileAtOrAbove,
  // Every violation that leaves the condition holding issues the actions afresh, each running its
  // duration from that violation (Shopee: "extended if more points accrue").
  kEachViolation,
  // Once per crossing: the actions are issued when the condition starts to hold, and not again
  // until it has been seen not to hold at a later violation.
  kOnCrossing,
};

// How severe a subject action is; ladders escalate and higher actions supersede lower ones:
// warning 1 < restrict_feature 2 < suspend 3 < deactivate_store 4 < revoke_selling_permission 5
// (0 for take-downs and anything else, which act on objects, not on the subject).
int ActionRank(v1::ActionType type);

// "ip_complaint_valid" -> "Ip complaint valid": what sellers read when a policy names none.
std::string DisplayNameFromId(absl::string_view id);

// An action type as a policy spells it: ACTION_RESTRICT_FEATURE -> "restrict_feature".
std::string ActionTypeName(v1::ActionType type);

// The ledger a subject kind writes to.
LedgerKind LedgerOf(v1::SubjectKind kind);
absl::string_view LedgerName(LedgerKind ledger);

// One action a rule takes against a subject.
struct ActionSpec {
  v1::ActionType type = v1::ACTION_TYPE_UNSPECIFIED;
  std::string feature;                     // ACTION_RESTRICT_FEATURE only
  std::string feature_name;                // its display name (the policy's `features`)
  std::optional<absl::Duration> duration;  // nullopt: permanent
  // Pending: the action takes effect this long after it is issued, unless a remedy that cancels
  // pending actions (a corrected listing) is recorded first (TikTok Shop "Pending", Amazon's 72
  // hours). Its duration runs from when it takes effect.
  std::optional<absl::Duration> grace;
  SourcePosition position;
};

// How a seller appeals a decision: every action's notice says how and by when (DSA Art. 17).
// Cases.FileAppeal enforces the terms: an appeal is filed within `within_days` of the decision,
// at most `per_violation` times per violation, and a further one (after a rejection) within
// `after_rejection_within_days` of the rejection (TikTok Shop: 30 days, then 15).
struct AppealTerms {
  int within_days = 30;
  std::string instructions = "Reply to this notice to appeal.";
  int per_violation = 2;
  // nullopt: `within_days` again.
  std::optional<int> after_rejection_within_days;
  // Whether the violation's pending actions wait while its appeal is open.
  bool pauses_pending = false;
};

// The policy's `complainants` terms: how a rights holder's (notifier's) record is judged
// (Cases.GetComplainant) and what happens to reports from one the policy suspends. Ratios are over
// the complaints recorded in the last `window_days`: success = share not overturned on appeal or
// retracted, overturned = share overturned on appeal (Alibaba's good-faith programme: at least
// 90% takedown success and at most 5% successful counter-notices over 3 months).
struct ComplainantTerms {
  int window_days = 90;
  struct Trusted {
    double min_success = 0.9;
    double max_overturned = 0.05;
    int min_complaints = 20;
  };
  // nullopt: no notifier is marked trusted.
  std::optional<Trusted> trusted;
  enum class SuspendedReports { kRefuse, kRecordWithoutPoints };
  struct Suspend {
    // Suspended while the success ratio is below this, with at least `min_complaints`.
    double success_below = 0.5;
    int min_complaints = 20;
    SuspendedReports reports = SuspendedReports::kRefuse;
  };
  // nullopt: no notifier is suspended.
  std::optional<Suspend> suspend;
};

struct CategoryPolicy {
  std::string id;
  // What sellers and staff read instead of the id ("Confirmed counterfeit"); the parser fills it
  // from the id when the policy gives none.
  std::string display_name;
  std::string description;
  // Points per severity, indexed by v1::Severity (0 = unspecified, unused when by_severity).
  int fixed_points = 0;
  bool points_by_severity = false;
  int severity_points[5] = {0, 0, 0, 0, 0};
  v1::Severity default_severity = v1::SEVERITY_UNSPECIFIED;
  std::optional<int> window_days;  // nullopt: the policy's (or region's) default window
  // Points chosen by a report attribute (TikTok Shop: IP 1-48 by quantity or GMV band; knock-off
  // vs counterfeit): when `points_attribute` is set, a numeric value takes the points of the first
  // band it is below (the last band has no bound), a text value those of `points_values`; a
  // report without it (or with a value no band or entry matches) takes `points_default`.
  struct PointsBand {
    std::optional<double> below;  // nullopt: the last band, everything else
    int points = 0;
  };
  std::string points_attribute;
  std::vector<PointsBand> points_bands;
  std::map<std::string, int> points_values;
  int points_default = 0;
  // Reports of this category within one block of `merge_days` UTC days (counted from 1970-01-01,
  // so the grouping never depends on arrival order) count once, as the one with the most points
  // (AliExpress: serious violations within 3 days count as one). With merge_by_notice only the
  // reports of one notice (ReportViolationRequest.notice_id) in a block are merged.
  int merge_days = 0;
  bool merge_by_notice = false;
  // At most this many points a UTC day (of occurrence) from this category (AliExpress: 6).
  std::optional<int> daily_cap;
  // Calendar resets (Shopee: points reset every quarter): the points also stop counting when the
  // UTC calendar month or quarter they occurred in ends, if that comes before their window does.
  enum class Reset { kNone, kMonthly, kQuarterly } reset = Reset::kNone;
  bool counts_for_seller = true;
  bool counts_for_creator = false;
  bool take_down = false;
  // Zero tolerance: a single violation triggers these actions whatever the points.
  std::string zero_tolerance_rule_id;
  std::string zero_tolerance_message;
  std::vector<ActionSpec> zero_tolerance_actions;
  SourcePosition position;

  bool CountsFor(LedgerKind ledger) const {
    return ledger == LedgerKind::kSeller ? counts_for_seller : counts_for_creator;
  }
};

// Applies when a subject's active points are at or above `at_points`; `repeat` says how often.
struct MilestoneRule {
  std::string id;
  LedgerKind ledger = LedgerKind::kSeller;
  int at_points = 0;
  RepeatMode repeat = RepeatMode::kWhileAtOrAbove;
  std::vector<ActionSpec> actions;
  std::string message;
  SourcePosition position;
};

// Applies when the number of violations matching the filter within the window is at least
// `at_least`; `repeat` says how often.
struct CountRule {
  std::string id;
  RepeatMode repeat = RepeatMode::kWhileAtOrAbove;
  bool for_seller = true;
  bool for_creator = true;
  std::set<std::string> categories;  // empty: any category
  std::set<v1::Source> sources;      // empty: any source
  bool same_rights_holder = false;   // only violations with the new one's rights holder
  bool same_right = false;           // only violations of the new one's IP right (right_id)
  bool same_category = false;        // only violations of the new one's category
  int at_least = 0;
  int within_days = 0;
  std::vector<ActionSpec> actions;
  std::string message;
  SourcePosition position;

  bool AppliesTo(LedgerKind ledger) const {
    return ledger == LedgerKind::kSeller ? for_seller : for_creator;
  }
};

// A remedy (policy training completed, a plan of action accepted, a listing corrected) and what
// recording one does (YouTube's training that removes a warning, Amazon's plan of action, TikTok
// Shop's quizzes that restore points).
struct RemedyPolicy {
  std::string id;
  std::string display_name;
  // Subject actions of these types in force are ended early (warnings, restrictions,
  // suspensions; never deactivations or revocations, which only staff reverse).
  std::set<v1::ActionType> ends;
  // Active points taken off the total, from the oldest active points, until those expire.
  int restores_points = 0;
  // The remedy names one violation and cancels its pending actions (a corrected listing).
  bool cancels_pending = false;
  // At most one such remedy per subject in this many days.
  std::optional<int> once_every_days;
  SourcePosition position;
};

struct CategoryOverride {
  std::optional<int> window_days;
  std::optional<int> fixed_points;
};

struct RegionOverride {
  SourcePosition position;
  std::optional<int> default_window_days;
  std::map<std::string, CategoryOverride> categories;
  std::map<std::string, int> thresholds;    // rule id -> at_points / at_least
  std::map<std::string, int> windows_days;  // count rule id -> within_days
};

class Policy {
 public:
  // Everything is filled in by the parser, which validates it first.
  struct Contents {
    std::string name;
    std::string description;
    int default_window_days = 90;
    // `window_start: first_deduction` (Lazada: points clear 365 days after the first deduction):
    // points count in cycles of default_window_days that open with the first violation adding
    // points while none is open; every point recorded in a cycle clears when it ends. Categories
    // and regions then set no windows of their own.
    bool windows_from_first_deduction = false;
    // std::less<>: looked up by string_view on the hot path, without building a string.
    std::map<std::string, CategoryPolicy, std::less<>> categories;
    std::vector<MilestoneRule> milestones;  // sorted by (ledger, at_points)
    std::vector<CountRule> count_rules;
    std::map<std::string, RegionOverride, std::less<>> regions;
    // Feature id -> display name, for restrict_feature actions ("new_listings" -> "Creating new
    // listings"). When given, every restricted feature must be listed.
    std::map<std::string, std::string> features;
    AppealTerms appeals;
    std::map<std::string, RemedyPolicy, std::less<>> remedies;
    // Action types that reach linked subjects (`linked_subjects.propagate`).
    std::set<v1::ActionType> propagate;
    ComplainantTerms complainants;
    // A hash of the parsed document without comments or layout: two texts with the same
    // fingerprint decide everything alike, so a comment-only change re-evaluates nobody.
    std::string content_fingerprint;
  };

  // `version` is the content hash of `text`, the exact source.
  Policy(Contents contents, std::string version, std::string text);

  const std::string& name() const { return c_.name; }
  // "sha256:<hex>" of the exact policy text: every decision records it.
  const std::string& version() const { return version_; }
  // The exact text the policy was compiled from (stored with every activation).
  const std::string& text() const { return text_; }
  const std::string& content_fingerprint() const { return c_.content_fingerprint; }
  const std::map<std::string, CategoryPolicy, std::less<>>& categories() const {
    return c_.categories;
  }
  const std::vector<MilestoneRule>& milestones() const { return c_.milestones; }
  const std::vector<CountRule>& count_rules() const { return c_.count_rules; }
  const std::map<std::string, RegionOverride, std::less<>>& regions() const { return c_.regions; }
  const std::string& description() const { return c_.description; }
  const AppealTerms& appeals() const { return c_.appeals; }
  bool windows_from_first_deduction() const { return c_.windows_from_first_deduction; }
  int default_window_days() const { return c_.default_window_days; }
  const std::map<std::string, RemedyPolicy, std::less<>>& remedies() const { return c_.remedies; }
  // nullptr if the policy has no such remedy.
  const RemedyPolicy* FindRemedy(absl::string_view id) const;
  // Whether actions of `type` reach linked subjects.
  bool Propagates(v1::ActionType type) const { return c_.propagate.count(type) > 0; }
  const ComplainantTerms& complainants() const { return c_.complainants; }
  // The category's display name; the id itself for a category the policy does not define.
  std::string CategoryName(absl::string_view id) const;
  // The feature's display name (the policy's `features`, else derived from the id).
  std::string FeatureName(absl::string_view feature) const;
  // Whether the policy names the feature (in `features` or in a rule's action), so staff may
  // restrict it by hand. Sorted, for messages.
  std::vector<std::string> KnownFeatures() const;

  // nullptr if the policy has no such category.
  const CategoryPolicy* FindCategory(absl::string_view id) const;

  // The resolved parameters for a violation in `region` ("" for none): a region's overrides win
  // over the category's own settings, which win over the region's and then the policy's default.
  int WindowDays(const CategoryPolicy& category, absl::string_view region) const;
  // The first UTC day on which the points of a violation that occurred on `day` no longer count:
  // `day` + the window, or the start of the next calendar period for a category that resets.
  int64_t ExpireDay(const CategoryPolicy& category, absl::string_view region, int64_t day) const;
  // `attribute` is the value of the category's points_attribute in the report ("" if absent).
  int Points(const CategoryPolicy& category, v1::Severity severity, absl::string_view region,
             absl::string_view attribute = "") const;
  int MilestoneThreshold(const MilestoneRule& rule, absl::string_view region) const;
  int CountThreshold(const CountRule& rule, absl::string_view region) const;
  int CountWindowDays(const CountRule& rule, absl::string_view region) const;

  // How many days of buckets evaluation under this policy looks at, and keeps: its longest
  // window, region overrides included.
  int RetentionDays() const { return retention_days_; }
  // The longest points window, region overrides included: older violations never carry points.
  int MaxPointsWindowDays() const { return max_points_window_days_; }
  // The longest merge block of any category (0 if none merges).
  int MaxMergeDays() const { return max_merge_days_; }

 private:
  const RegionOverride* FindRegion(absl::string_view region) const;

  Contents c_;
  std::string version_;
  std::string text_;
  int retention_days_ = 0;
  int max_points_window_days_ = 0;
  int max_merge_days_ = 0;
};

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_H_
