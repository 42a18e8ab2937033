// Who may call what, end to end: the real daemon with an --auth_config, every RPC called with
// every role's bearer token (and with none), report ids scoped by reporter, the actor taken from
// the authenticated identity, and mutual TLS with client certificates.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "base/test_files.h"
#include "engine/access_control.h"
#include "engine/auth_config.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

// One principal per role; each one's token is "token-<role>".
std::string TokenOf(absl::string_view role) { return absl::StrCat("token-", role); }

std::string PrincipalsConfig() {
  std::string text;
  for (int i = 0; i < kRoleCount; ++i) {
    const absl::string_view role = RoleName(static_cast<Role>(i));
    absl::StrAppend(&text, "principals { name: \"", role, "-svc\" roles: \"", role,
                    "\" token_sha256: \"", Sha256Hex(TokenOf(role)), "\" }\n");
  }
  return text;
}

void WriteConfig(const std::string& dir, const std::string& text, std::string* flag) {
  const std::string path = dir + "/auth.textproto";
  WriteFileAtomically(path, text);
  *flag = "--auth_config=" + path;
}

// Calls `method` with an empty request as a bidirectional stream (every RPC is one on the wire):
// sends the one message, half-closes, reads until the server finishes, returns its status.
grpc::Status CallEmpty(grpc::Channel* channel, const std::string& method,
                       const std::string& token) {
  class Call : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    void OnReadDone(bool ok) override {
      if (ok) StartRead(&reply_);
    }
    void OnDone(const grpc::Status& s) override {
      status_ = s;
      done_.Notify();
    }
    grpc::ByteBuffer request_, reply_;
    grpc::Status status_;
    absl::Notification done_;
  } call;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  grpc::GenericStub stub(channel->shared_from_this());
  grpc::Slice empty("");
  call.request_ = grpc::ByteBuffer(&empty, 1);
  stub.PrepareBidiStreamingCall(&context, "/" + method, grpc::StubOptions(), &call);
  call.StartWriteLast(&call.request_, grpc::WriteOptions());
  call.StartRead(&call.reply_);
  call.StartCall();
  call.done_.WaitForNotification();
  return call.status_;
}

class AuthTest : public EnforcerdTest {
 protected:
  AuthTest() {
    auto dir = testing::MakeUniqueTempDir("auth");
    EXPECT_TRUE(dir.ok());
    config_dir_ = *dir;
    std::string flag;
    WriteConfig(config_dir_, PrincipalsConfig(), &flag);
    extra_flags_.push_back(flag);
  }

  static void As(grpc::ClientContext* context, const std::string& token) {
    SetDeadline(context);
    context->AddMetadata("authorization", "Bearer " + token);
  }

  std::string config_dir_;
};

TEST_F(AuthTest, EveryMethodAdmitsExactlyItsRolesAndAdmin) {
  int checked = 0;
  for (const MethodAccess& access : MethodAccessTable()) {
    for (int i = 0; i < kRoleCount; ++i) {
      const Role role = static_cast<Role>(i);
      const grpc::Status s = CallEmpty(channel_.get(), access.method, TokenOf(RoleName(role)));
      const bool allowed = HasRole(access.roles, role) || role == Role::kAdmin;
      if (allowed) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << access.method << " as " << RoleName(role) << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << access.method << " as " << RoleName(role) << ": " << s.error_message();
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << access.method << " as " << RoleName(role);
        EXPECT_EQ(s.error_message(),
                  absl::StrCat(access.method, " needs the role ",
                               DescribeRoles(access.roles | RolesOf({Role::kAdmin})), "; '",
                               RoleName(role), "-svc' has ", RoleName(role)));
      }
      ++checked;
    }
    const grpc::Status anonymous = CallEmpty(channel_.get(), access.method, "");
    EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED) << access.method;
    const grpc::Status forged = CallEmpty(channel_.get(), access.method, "token-root");
    EXPECT_EQ(forged.error_code(), grpc::StatusCode::UNAUTHENTICATED) << access.method;
    checked += 2;
  }
  EXPECT_EQ(checked, 33 * (kRoleCount + 2));
  EXPECT_TRUE(WaitForLog("6 principals, plaintext"));
}

v1::ReportViolationRequest Counterfeit(const std::string& report_id, const std::string& seller) {
  v1::ReportViolationRequest r;
  r.set_report_id(report_id);
  r.set_seller_id(seller);
  r.set_category("misleading_listing");
  r.set_source(v1::SOURCE_LISTING);
  r.set_object_id("listing-" + report_id);
  return r;
}

TEST_F(AuthTest, ReportIdsBelongToTheirReporter) {
  // A second reporting service: the same report_id from it is its own report.
  std::string flag;
  WriteConfig(config_dir_,
              PrincipalsConfig() +
                  "principals { name: \"live-svc\" roles: \"reporter\" "
                  "token_sha256: \"" +
                  Sha256Hex("token-live") + "\" }\n",
              &flag);
  extra_flags_.back() = flag;
  ASSERT_NO_FATAL_FAILURE(StopAndRestart());

  v1::ReportViolationResponse first, squatted, again;
  grpc::ClientContext c1, c2, c3;
  As(&c1, TokenOf("reporter"));
  grpc::Status s = stub_->ReportViolation(&c1, Counterfeit("r-1", "s-1"), &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(first.violation().reported_by(), "reporter-svc");
  // The other service sends the same id with other content: not ALREADY_EXISTS, not a duplicate.
  As(&c2, "token-live");
  s = stub_->ReportViolation(&c2, Counterfeit("r-1", "s-2"), &squatted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(squatted.duplicate());
  EXPECT_EQ(squatted.violation().reported_by(), "live-svc");
  EXPECT_NE(squatted.violation().violation_id(), first.violation().violation_id());
  // The first service's resend still finds its own outcome.
  As(&c3, TokenOf("reporter"));
  ASSERT_TRUE(stub_->ReportViolation(&c3, Counterfeit("r-1", "s-1"), &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.violation().violation_id(), first.violation().violation_id());
}

TEST_F(AuthTest, TheActorIsTheAuthenticatedCallerNeverTheRequestField) {
  v1::ReportViolationResponse reported;
  grpc::ClientContext c1;
  As(&c1, TokenOf("reporter"));
  grpc::Status reported_status = stub_->ReportViolation(&c1, Counterfeit("r-2", "s-3"), &reported);
  ASSERT_TRUE(reported_status.ok()) << reported_status.error_message();

  v1::AddNoteRequest note;
  note.set_request_id("note-1");
  note.mutable_subject()->set_kind(v1::SELLER);
  note.mutable_subject()->set_id("s-3");
  note.set_note("called the seller");
  note.set_actor("someone-else");  // a claim: ignored
  v1::StaffActionResponse noted;
  grpc::ClientContext c2;
  As(&c2, TokenOf("appeals"));
  grpc::Status s = cases_->AddNote(&c2, note, &noted);
  ASSERT_TRUE(s.ok()) << s.error_message();

  v1::ListAuditRequest audit;
  v1::ListAuditResponse entries;
  grpc::ClientContext c3;
  As(&c3, TokenOf("auditor"));
  s = cases_->ListAudit(&c3, audit, &entries);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GE(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).actor(), "appeals-svc");
  for (const auto& e : entries.entries()) EXPECT_NE(e.actor(), "someone-else");
}

TEST_F(AuthTest, EnforcerctlSendsTheTokenFromItsEnvironment) {
  auto ctl = [&](const std::string& token) {
    if (token.empty()) {
      unsetenv("ENFORCERCTL_TOKEN");
    } else {
      setenv("ENFORCERCTL_TOKEN", token.c_str(), 1);
    }
    absl::StatusOr<testing::CommandResult> r =
        testing::RunToCompletion({RunfilePath("enforcerctl/enforcerctl"), "policy", "show",
                                  absl::StrCat("--server=127.0.0.1:", daemon_->port())},
                                 work_dir_ + "/ctl.out");
    unsetenv("ENFORCERCTL_TOKEN");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : testing::CommandResult();
  };
  EXPECT_TRUE(ctl(TokenOf("policy_admin")).ExitedWith(0));
  const testing::CommandResult anonymous = ctl("");
  EXPECT_FALSE(anonymous.ExitedWith(0));
  EXPECT_NE(anonymous.output.find("no credentials"), std::string::npos) << anonymous.output;
  const testing::CommandResult reporter = ctl(TokenOf("reporter"));
  EXPECT_NE(reporter.output.find("needs the role appeals, policy_admin, auditor or admin"),
            std::string::npos)
      << reporter.output;
}

// Mutual TLS: the client certificate identifies appeals staff; tokens ride along too.
class MutualTlsTest : public EnforcerdTest {
 protected:
  MutualTlsTest() {
    auto dir = testing::MakeUniqueTempDir("tls");
    EXPECT_TRUE(dir.ok());
    const std::string tls = RunfilePath("tests/testdata/tls/");
    std::string flag;
    WriteConfig(*dir,
                absl::StrCat("tls { certificate_chain_file: \"", tls, "server.pem\" ",
                             "private_key_file: \"", tls, "server.key\" client_ca_file: \"", tls,
                             "ca.pem\" }\n",
                             "principals { name: \"alice\" roles: \"appeals\" certificate_names: "
                             "\"alice.appeals\" }\n",
                             "principals { name: \"listing-svc\" roles: \"reporter\" "
                             "token_sha256: \"",
                             Sha256Hex("token-listing"), "\" }\n"),
                &flag);
    extra_flags_.push_back(flag);
  }

  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& client) {
    const std::string tls = RunfilePath("tests/testdata/tls/");
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFileToString(tls + "ca.pem");
    if (!client.empty()) {
      options.pem_private_key = ReadFileToString(tls + client + ".key");
      options.pem_cert_chain = ReadFileToString(tls + client + ".pem");
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(daemon_->address(), grpc::SslCredentials(options), args);
  }
};

TEST_F(MutualTlsTest, TheClientCertificateIsTheIdentity) {
  std::shared_ptr<grpc::Channel> alice = TlsChannel("alice");
  // Appeals staff may read a case, not report.
  EXPECT_EQ(CallEmpty(alice.get(), "enforcer.v1.Cases/GetCase", "").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const grpc::Status report = CallEmpty(alice.get(), "enforcer.v1.Enforcer/ReportViolation", "");
  EXPECT_EQ(report.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(report.error_message(),
            "enforcer.v1.Enforcer/ReportViolation needs the role reporter or admin; 'alice' has "
            "appeals");
  // A token names the caller over the certificate: checked in gRPC's TLS auth layer.
  v1::ReportViolationResponse reported;
  grpc::ClientContext context;
  SetDeadline(&context);
  context.AddMetadata("authorization", "Bearer token-listing");
  auto stub = v1::Enforcer::NewStub(alice);
  grpc::Status s = stub->ReportViolation(&context, Counterfeit("r-9", "s-9"), &reported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reported.violation().reported_by(), "listing-svc");
  EXPECT_EQ(CallEmpty(alice.get(), "enforcer.v1.Cases/GetCase", "not-a-token").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(WaitForLog("2 principals, TLS with client certificates"));
}

TEST_F(MutualTlsTest, NoTrustedCertificateNoCall) {
  // Plaintext, no client certificate, or one from a CA the daemon does not trust: refused in the
  // handshake.
  for (std::shared_ptr<grpc::Channel> channel :
       {channel_, TlsChannel(""), TlsChannel("stranger")}) {
    EXPECT_EQ(CallEmpty(channel.get(), "enforcer.v1.Cases/GetCase", "").error_code(),
              grpc::StatusCode::UNAVAILABLE);
  }
}

}  // namespace
}  // namespace enforcer::e2e
