#include "engine/access_control.h"

#include <set>
#include <string>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "proto/action_feed.grpc.pb.h"
#include "proto/cases.grpc.pb.h"
#include "proto/enforcer.grpc.pb.h"
#include "proto/policy_admin.grpc.pb.h"

namespace enforcer {
namespace {

// Every method of every service enforcerd serves, read from the compiled descriptors: a new RPC
// without an access rule fails here.
void ServedMethods(std::set<std::string>* methods) {
  // One message of each .proto: its file's services come with it.
  for (const google::protobuf::FileDescriptor* file :
       {v1::GetStandingRequest::descriptor()->file(), v1::GetCaseRequest::descriptor()->file(),
        v1::GetPolicyRequest::descriptor()->file(),
        v1::WatchActionsRequest::descriptor()->file()}) {
    ASSERT_EQ(file->service_count(), 1) << file->name();
    const google::protobuf::ServiceDescriptor* service = file->service(0);
    for (int i = 0; i < service->method_count(); ++i) {
      methods->insert(service->full_name() + "/" + service->method(i)->name());
    }
  }
}

TEST(AccessControlTest, EveryServedMethodHasExactlyOneRule) {
  std::set<std::string> ruled;
  for (const MethodAccess& access : MethodAccessTable()) {
    EXPECT_TRUE(ruled.insert(access.method).second) << access.method << " has two rules";
    EXPECT_TRUE(access.roles.any()) << access.method;
    EXPECT_FALSE(HasRole(access.roles, Role::kAdmin)) << "admin is implied: " << access.method;
  }
  std::set<std::string> served;
  ServedMethods(&served);
  EXPECT_EQ(served.size(), 33u);
  EXPECT_EQ(ruled, served);
}

TEST(AccessControlTest, RolesMatchTheirAudience) {
  auto roles = [](const char* method) { return FindMethodAccess(method)->roles; };
  EXPECT_EQ(roles("enforcer.v1.Enforcer/ReportViolation"), RolesOf({Role::kReporter}));
  EXPECT_EQ(roles("enforcer.v1.Cases/ApplyAction"), RolesOf({Role::kAppeals}));
  EXPECT_EQ(roles("enforcer.v1.Cases/ListAudit"), RolesOf({Role::kAppeals, Role::kAuditor}));
  EXPECT_EQ(roles("enforcer.v1.PolicyAdmin/LoadPolicy"), RolesOf({Role::kPolicyAdmin}));
  EXPECT_EQ(roles("enforcer.v1.ActionFeed/WatchActions"), RolesOf({Role::kDelivery}));
  // Nothing that writes is open to the auditor.
  for (const char* write :
       {"enforcer.v1.Enforcer/ReportViolation", "enforcer.v1.Cases/LiftAction",
        "enforcer.v1.PolicyAdmin/RollbackPolicy", "enforcer.v1.ActionFeed/AckActions"}) {
    EXPECT_FALSE(HasRole(roles(write), Role::kAuditor)) << write;
  }
  EXPECT_EQ(FindMethodAccess("enforcer.v1.Cases/NoSuchMethod"), nullptr);
}

TEST(AccessControlTest, RoleNamesRoundTrip) {
  for (int i = 0; i < kRoleCount; ++i) {
    const Role role = static_cast<Role>(i);
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(DescribeRoles(RolesOf({Role::kAppeals, Role::kAuditor, Role::kAdmin})),
            "appeals, auditor or admin");
  EXPECT_EQ(DescribeRoles(RolesOf({Role::kReporter})), "reporter");
}

}  // namespace
}  // namespace enforcer
