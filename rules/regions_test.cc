#include "rules/regions.h"

#include <gtest/gtest.h>

namespace enforcer {
namespace {

TEST(Regions, AssignedCodes) {
  for (const char* code :
       {"US", "PH", "TW", "GB", "DE", "AD", "ZW", "SG", "VN", "TH", "MY", "ID"}) {
    EXPECT_TRUE(IsIsoRegionCode(code)) << code;
  }
}

TEST(Regions, RejectsUnassignedMalformedAndLowerCase) {
  for (const char* code : {"", "U", "USA", "us", "UK", "EU", "XX", "AA", "ZZ", "1A", "U "}) {
    EXPECT_FALSE(IsIsoRegionCode(code)) << code;
  }
}

}  // namespace
}  // namespace enforcer
