#include "engine/auth_config.h"

#include <openssl/sha.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/access_control.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace enforcer {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

constexpr size_t kMaxConfigBytes = size_t{1} << 20;

// Collects diagnostics as "file:line:column: message" (1-based, as editors count).
class Diagnostics : public google::protobuf::io::ErrorCollector {
 public:
  explicit Diagnostics(absl::string_view file) : file_(file) {}
  void AddError(int line, int column, const std::string& message) override {
    Add(line, column, message);
  }
  void AddWarning(int line, int column, const std::string& message) override {
    Add(line, column, message);
  }
  void Add(int line, int column, absl::string_view message) {
    lines_.push_back(absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message));
  }
  bool empty() const { return lines_.empty(); }
  std::string Joined() const { return absl::StrJoin(lines_, "\n"); }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

const FieldDescriptor* Field(const google::protobuf::Message& m, const char* name) {
  return m.GetDescriptor()->FindFieldByName(name);
}

// Checks one principal; `tree` positions its fields.
void CheckPrincipal(const config::Principal& p, const TextFormat::ParseInfoTree* tree,
                    TextFormat::ParseLocation self, bool client_ca,
                    std::map<std::string, std::string>* seen, Diagnostics* out) {
  auto at = [&](const char* field, int index, absl::string_view message) {
    TextFormat::ParseLocation loc = self;  // the principal itself when the field is absent
    if (tree != nullptr) {
      TextFormat::ParseLocation f = tree->GetLocation(Field(p, field), index);
      if (f.line >= 0) loc = f;
    }
    out->Add(loc.line, loc.column, message);
  };
  if (p.name().empty()) at("name", -1, "principal: name is required");
  for (char c : p.name()) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      at("name", -1, "name: printable ASCII without spaces");
      break;
    }
  }
  auto unique = [&](const std::string& key, const char* field, int index, const char* what) {
    auto [it, inserted] = seen->emplace(key, p.name());
    if (!inserted) at(field, index, absl::StrCat(what, " is also ", it->second, "'s"));
  };
  if (!p.name().empty()) unique("name:" + p.name(), "name", -1, "this name");
  if (p.roles().empty()) at("name", -1, absl::StrCat("principal '", p.name(), "' has no roles"));
  for (int i = 0; i < p.roles_size(); ++i) {
    if (!ParseRole(p.roles(i)).has_value()) {
      at("roles", i,
         absl::StrCat("unknown role '", p.roles(i),
                      "'; roles are reporter, appeals, policy_admin, auditor, delivery, admin"));
    }
  }
  if (p.token_sha256().empty() && p.certificate_names().empty()) {
    at("name", -1,
       absl::StrCat("principal '", p.name(), "' has no token_sha256 and no certificate_names"));
  }
  for (int i = 0; i < p.token_sha256_size(); ++i) {
    const std::string& h = p.token_sha256(i);
    bool hex = h.size() == 64;
    for (char c : h) hex = hex && (absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'));
    if (!hex) {
      at("token_sha256", i,
         "token_sha256: 64 lowercase hex digits, the SHA-256 of the token (printf %s \"$TOKEN\" "
         "| sha256sum); never the token itself");
      continue;
    }
    unique("token:" + h, "token_sha256", i, "this token");
  }
  for (int i = 0; i < p.certificate_names_size(); ++i) {
    if (!client_ca) {
      at("certificate_names", i, "certificate_names need tls.client_ca_file (mutual TLS)");
    }
    unique("cert:" + p.certificate_names(i), "certificate_names", i, "this certificate name");
  }
}

void CheckTls(const config::AuthConfig& c, const TextFormat::ParseInfoTree& tree,
              Diagnostics* out) {
  if (!c.has_tls()) return;
  TextFormat::ParseLocation loc = tree.GetLocation(Field(c, "tls"), -1);
  if (c.tls().certificate_chain_file().empty() || c.tls().private_key_file().empty()) {
    out->Add(loc.line, loc.column,
             "tls: certificate_chain_file and private_key_file are both required");
  }
}

}  // namespace

absl::StatusOr<config::AuthConfig> ParseAuthConfig(absl::string_view text, absl::string_view file) {
  Diagnostics diagnostics(file);
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&diagnostics);
  TextFormat::ParseInfoTree tree;
  parser.WriteLocationsTo(&tree);
  config::AuthConfig config;
  if (!parser.ParseFromString(std::string(text), &config) || !diagnostics.empty()) {
    return absl::InvalidArgumentError(diagnostics.Joined());
  }
  CheckTls(config, tree, &diagnostics);
  if (config.principals().empty()) {
    diagnostics.Add(0, 0, "no principals: name at least one (or run without --auth_config)");
  }
  const bool client_ca = config.has_tls() && !config.tls().client_ca_file().empty();
  std::map<std::string, std::string> seen;
  const FieldDescriptor* principals = Field(config, "principals");
  for (int i = 0; i < config.principals_size(); ++i) {
    CheckPrincipal(config.principals(i), tree.GetTreeForNested(principals, i),
                   tree.GetLocation(principals, i), client_ca, &seen, &diagnostics);
  }
  if (!diagnostics.empty()) return absl::InvalidArgumentError(diagnostics.Joined());
  return config;
}

absl::StatusOr<config::AuthConfig> LoadAuthConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the auth config ", path));
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": larger than ", kMaxConfigBytes, " bytes"));
  }
  return ParseAuthConfig(text, path);
}

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace enforcer
