// Files for tests: where Bazel puts a test's data dependencies, and reading them.
#ifndef ENFORCERD_BASE_TEST_FILES_H_
#define ENFORCERD_BASE_TEST_FILES_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace enforcer {

// The runfiles path of a workspace-relative file, e.g. "rules/default_policy.yaml".
inline std::string RunfilePath(absl::string_view path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/", workspace ? workspace : "enforcerd", "/", path);
}

// The whole file, or "" if it cannot be read.
inline std::string ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace enforcer

#endif  // ENFORCERD_BASE_TEST_FILES_H_
