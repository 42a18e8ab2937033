#include "engine/access_control.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace enforcer {
namespace {

constexpr std::array<absl::string_view, kRoleCount> kRoleNames = {
    "reporter", "appeals", "policy_admin", "auditor", "delivery", "admin"};

std::vector<MethodAccess> BuildTable() {
  using R = Role;
  const RoleSet report = RolesOf({R::kReporter});
  const RoleSet read_cases = RolesOf({R::kAppeals, R::kAuditor});
  const RoleSet staff = RolesOf({R::kAppeals});
  const RoleSet read_policy = RolesOf({R::kPolicyAdmin, R::kAppeals, R::kAuditor});
  const RoleSet policy = RolesOf({R::kPolicyAdmin});
  const RoleSet delivery = RolesOf({R::kDelivery});
  const RoleSet read_delivery = RolesOf({R::kDelivery, R::kAuditor});
  std::vector<MethodAccess> table;
  auto add = [&table](absl::string_view service, std::initializer_list<absl::string_view> methods,
                      RoleSet roles) {
    for (absl::string_view m : methods) {
      table.push_back({absl::StrCat("enforcer.v1.", service, "/", m), roles});
    }
  };
  add("Enforcer", {"ReportViolation", "ReportViolations"}, report);
  add("Enforcer", {"GetStanding", "ListHistory"}, read_cases);
  add("Cases", {"GetCase", "ListAppeals", "GetComplainant", "ListAudit"}, read_cases);
  add("Cases",
      {"RecordRemedy", "LinkSubjects", "FileAppeal", "ResolveAppeal", "RetractComplaint",
       "ApplyAction", "LiftAction", "ChangeActionEnd", "ReinstateSubject", "SnoozeRule", "AddNote"},
      staff);
  add("PolicyAdmin", {"GetPolicy", "ListPolicyVersions", "GetShadowReport"}, read_policy);
  add("PolicyAdmin",
      {"ValidatePolicy", "SimulatePolicy", "LoadPolicy", "RollbackPolicy", "SetShadowPolicy",
       "PromoteShadow", "ClearShadow", "ReevaluateSubjects"},
      policy);
  add("ActionFeed", {"WatchActions", "AckActions"}, delivery);
  add("ActionFeed", {"ListConsumers"}, read_delivery);
  return table;
}

}  // namespace

absl::string_view RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

std::optional<Role> ParseRole(absl::string_view name) {
  for (int i = 0; i < kRoleCount; ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string DescribeRoles(RoleSet roles) {
  std::vector<absl::string_view> names;
  for (int i = 0; i < kRoleCount; ++i) {
    if (roles.test(i)) names.push_back(kRoleNames[i]);
  }
  if (names.empty()) return "none";
  if (names.size() == 1) return std::string(names[0]);
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "), " or ", names.back());
}

const std::vector<MethodAccess>& MethodAccessTable() {
  static const std::vector<MethodAccess>* table = new std::vector<MethodAccess>(BuildTable());
  return *table;
}

const MethodAccess* FindMethodAccess(absl::string_view method) {
  const std::vector<MethodAccess>& table = MethodAccessTable();
  auto it = std::find_if(table.begin(), table.end(),
                         [method](const MethodAccess& a) { return a.method == method; });
  return it == table.end() ? nullptr : &*it;
}

}  // namespace enforcer
