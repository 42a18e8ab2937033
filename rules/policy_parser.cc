#include "rules/policy_parser.h"

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "rules/policy_lint.h"
#include "rules/policy_parser_impl.h"
#include "rules/regions.h"
#include "yaml-cpp/yaml.h"

namespace enforcer {

std::string Diagnostic::ToString() const {
  return absl::StrCat(file, ":", position.line, ":", position.column,
                      severity == Severity::kError ? ": error: " : ": warning: ", message);
}

namespace {

constexpr size_t kMaxDiagnostics = 50;

std::string ContentHash(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(digest), sizeof(digest))));
}

}  // namespace

namespace parser_internal {

ParseResult PolicyParser::Run(absl::string_view text) {
  ParseResult result;
  if (text.size() > kMaxPolicyBytes) {
    AddAt({1, 1}, absl::StrCat("the policy is ", text.size(), " bytes; a policy may be at most ",
                               kMaxPolicyBytes, " bytes (1 MiB)"));
    result.diagnostics = std::move(diags_);
    return result;
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    // Emitting the parsed tree drops comments and normalises layout.
    c_.content_fingerprint = ContentHash(YAML::Dump(root));
    ParseRoot(root);
    Validate();
    // Lint looks at a policy that is valid as written.
    if (diags_.empty()) {
      for (LintFinding& f : LintPolicy(c_)) {
        diags_.push_back(Diagnostic{std::string(filename_), f.position, std::move(f.message),
                                    Diagnostic::Severity::kWarning});
      }
    }
  } catch (const YAML::Exception& e) {
    SourcePosition p{e.mark.line + 1, e.mark.column + 1};
    if (e.mark.is_null()) p = {1, 1};
    AddAt(p, absl::StrCat("invalid YAML: ", e.msg));
  }
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::make_pair(a.position.line, a.position.column) <
           std::make_pair(b.position.line, b.position.column);
  });
  if (diags_.size() > kMaxDiagnostics) diags_.resize(kMaxDiagnostics);
  result.diagnostics = std::move(diags_);
  const bool errors =
      std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                  [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::kError; });
  if (!errors) {
    result.policy =
        std::make_shared<const Policy>(std::move(c_), ContentHash(text), std::string(text));
  }
  return result;
}

void PolicyParser::NoteRuleId(const std::string& id, const YAML::Node& node) {
  auto [it, inserted] = rule_ids_.emplace(id, Pos(node));
  if (!inserted) {
    Error(node, absl::StrCat("rule id '", id, "' is already used at line ", it->second.line,
                             "; every rule needs its own id"));
  }
}

void PolicyParser::ParseRoot(const YAML::Node& root) {
  if (root.IsNull()) {
    AddAt({1, 1}, "the policy is empty; it needs at least 'policy' and 'categories'");
    return;
  }
  auto fields = ReadMap(root, "the policy",
                        {"policy", "description", "default_window", "window_start", "categories",
                         "milestones", "count_rules", "regions", "features", "appeals", "remedies",
                         "linked_subjects", "complainants"},
                        {"policy", "categories"});
  if (!fields) return;
  Fields& f = *fields;
  if (f.count("policy")) ReadId(f["policy"].value, "policy", true, &c_.name);
  if (f.count("description")) ReadString(f["description"].value, "description", &c_.description);
  if (f.count("default_window")) {
    ReadDays(f["default_window"].value, "default_window", &c_.default_window_days);
  }
  if (f.count("window_start")) ParseWindowStart(f["window_start"].value);
  if (f.count("categories")) ParseCategories(f["categories"].value);
  if (f.count("milestones")) ParseMilestones(f["milestones"].value);
  if (f.count("count_rules")) {
    const YAML::Node& rules = f["count_rules"].value;
    if (rules.IsSequence() && rules.size() > kMaxCountRules) {
      Error(rules, absl::StrCat("count_rules: ", rules.size(), " rules; a policy may have at most ",
                                kMaxCountRules));
    } else {
      ForEachItem(rules, "count_rules",
                  [&](const YAML::Node& n, const std::string& what) { ParseCountRule(n, what); });
    }
  }
  if (f.count("regions")) ParseRegions(f["regions"].value);
  if (f.count("features")) ParseFeatures(f["features"].value);
  if (f.count("appeals")) ParseAppeals(f["appeals"].value);
  if (f.count("remedies")) ParseRemedies(f["remedies"].value);
  if (f.count("linked_subjects")) ParseLinkedSubjects(f["linked_subjects"].value);
  if (f.count("complainants")) ParseComplainants(f["complainants"].value);
  ResolveFeatureNames();
}

// Checks that need the whole policy: references between sections.
void PolicyParser::Validate() {
  CheckNoOwnWindows();
  std::vector<std::string> category_ids;
  for (const auto& [id, cat] : c_.categories) category_ids.push_back(id);
  // A decision names take-downs by their category id and every other firing by its rule id:
  // the two must never be confused.
  for (const auto& [id, position] : rule_ids_) {
    auto cat = c_.categories.find(id);
    if (cat == c_.categories.end()) continue;
    AddAt(position,
          absl::StrCat("rule id '", id, "' is also the id of the category at line ",
                       cat->second.position.line,
                       "; decisions name take-downs by category id, so rule ids must differ"));
  }
  for (const Ref& ref : category_refs_) {
    if (!c_.categories.count(ref.id)) {
      Error(ref.node, absl::StrCat(ref.what, ": unknown category '", ref.id, "'",
                                   Suggestion(ref.id, category_ids)));
    }
  }
  std::vector<std::string> count_ids, threshold_ids;
  for (const CountRule& r : c_.count_rules) count_ids.push_back(r.id);
  threshold_ids = count_ids;
  for (const MilestoneRule& r : c_.milestones) threshold_ids.push_back(r.id);
  for (const Ref& ref : threshold_refs_) {
    if (std::find(threshold_ids.begin(), threshold_ids.end(), ref.id) == threshold_ids.end()) {
      Error(ref.node, absl::StrCat(ref.what, ".thresholds: '", ref.id,
                                   "' is not a milestone or count rule id",
                                   Suggestion(ref.id, threshold_ids)));
    }
  }
  for (const Ref& ref : window_refs_) {
    if (std::find(count_ids.begin(), count_ids.end(), ref.id) == count_ids.end()) {
      Error(ref.node, absl::StrCat(ref.what, ".windows: '", ref.id, "' is not a count rule id",
                                   Suggestion(ref.id, count_ids)));
    }
  }
  for (const CountRule& r : c_.count_rules) {
    for (const std::string& id : r.categories) {
      const CategoryPolicy* cat = c_.categories.count(id) ? &c_.categories.at(id) : nullptr;
      if (cat != nullptr && !((r.for_seller && cat->counts_for_seller) ||
                              (r.for_creator && cat->counts_for_creator))) {
        AddAt(r.position, absl::StrCat("count rule '", r.id, "' matches category '", id,
                                       "', which never counts against the rule's ledgers"));
      }
    }
  }
}

}  // namespace parser_internal

ParseResult ParsePolicy(absl::string_view text, absl::string_view filename) {
  return parser_internal::PolicyParser(filename).Run(text);
}

absl::StatusOr<std::shared_ptr<const Policy>> CompilePolicy(absl::string_view text,
                                                            absl::string_view filename) {
  ParseResult result = ParsePolicy(text, filename);
  if (result.policy != nullptr) return result.policy;
  std::vector<std::string> lines;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) lines.push_back(d.ToString());
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

}  // namespace enforcer
