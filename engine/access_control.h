// Who may call what: the roles, and for every RPC of enforcer.v1 the roles that may call it.
// Admin may call everything. The table is data so that a test can hold it against the services'
// descriptors (every method has a rule) and call every method with every role.
#ifndef ENFORCERD_ENGINE_ACCESS_CONTROL_H_
#define ENFORCERD_ENGINE_ACCESS_CONTROL_H_

#include <bitset>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace enforcer {

enum class Role {
  kReporter,     // listing and stream services: report violations (and read their outcomes by
                 // resending them)
  kAppeals,      // appeals staff: read cases and history, appeals, staff actions
  kPolicyAdmin,  // policy teams: validate, simulate, load, roll back, shadow
  kAuditor,      // read only: standing, history, cases, audit, policy versions, consumers
  kDelivery,     // downstream services: watch and acknowledge the action feed
  kAdmin,        // everything
};
inline constexpr int kRoleCount = 6;
using RoleSet = std::bitset<kRoleCount>;

absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);
// "appeals, auditor or admin"
std::string DescribeRoles(RoleSet roles);

inline RoleSet RolesOf(std::initializer_list<Role> roles) {
  RoleSet set;
  for (Role r : roles) set.set(static_cast<int>(r));
  return set;
}
inline bool HasRole(RoleSet roles, Role role) { return roles.test(static_cast<int>(role)); }

struct MethodAccess {
  // "enforcer.v1.Cases/GetCase"
  std::string method;
  // Besides admin.
  RoleSet roles;
};

// Every RPC enforcerd serves, with who may call it.
const std::vector<MethodAccess>& MethodAccessTable();
// The rule of `method`, or nullptr (a method without one is refused to everyone).
const MethodAccess* FindMethodAccess(absl::string_view method);

// Who called: the authenticated principal and its roles. Without authentication configured
// (loopback only) every caller is unauthenticated with every role, and writes keep the actor
// their request names.
struct Caller {
  std::string name;
  RoleSet roles;
  bool authenticated = false;
};

// Whose namespace a caller's report ids are in: its name when authenticated, else the shared one.
inline std::string ReporterOf(const Caller& caller) {
  return caller.authenticated ? caller.name : std::string();
}

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_ACCESS_CONTROL_H_
