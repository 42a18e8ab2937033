#include "enforcerctl/format.h"

#include <gtest/gtest.h>

namespace enforcer::ctl {
namespace {

TEST(FormatTest, Subjects) {
  ASSERT_TRUE(ParseSubject("seller:s1").has_value());
  EXPECT_EQ(ParseSubject("creator:c-9")->kind(), v1::CREATOR);
  EXPECT_EQ(ParseSubject("seller:a:b")->id(), "a:b");
  EXPECT_FALSE(ParseSubject("s1").has_value());
  EXPECT_FALSE(ParseSubject("buyer:b1").has_value());
  EXPECT_FALSE(ParseSubject("seller:").has_value());
  EXPECT_EQ(SubjectText(*ParseSubject("creator:c1")), "creator:c1");
}

TEST(FormatTest, TimesAreIso8601Utc) {
  EXPECT_EQ(IsoTime(*ParseTime("2026-12-01")), "2026-12-01T00:00:00Z");
  EXPECT_EQ(IsoTime(*ParseTime("2026-12-01T10:15:00Z")), "2026-12-01T10:15:00Z");
  EXPECT_EQ(IsoTime(*ParseTime("2026-12-01T10:15:00+02:00")), "2026-12-01T08:15:00Z");
  EXPECT_FALSE(ParseTime("yesterday").has_value());
  EXPECT_EQ(IsoTime(google::protobuf::Timestamp()), "-");
}

TEST(FormatTest, DurationsReadAndInWords) {
  EXPECT_EQ(*ParseDuration("7d"), absl::Hours(24 * 7));
  EXPECT_EQ(*ParseDuration("12h"), absl::Hours(12));
  EXPECT_FALSE(ParseDuration("7").has_value());
  EXPECT_FALSE(ParseDuration("-3d").has_value());
  EXPECT_FALSE(ParseDuration("permanent").has_value());
  EXPECT_EQ(DurationWords(absl::Hours(24 * 14)), "14 days");
  EXPECT_EQ(DurationWords(absl::Hours(30)), "1 day 6 hours");
  EXPECT_EQ(DurationWords(absl::Hours(3)), "3 hours");
  EXPECT_EQ(DurationWords(absl::Minutes(45)), "45 minutes");
}

TEST(FormatTest, ActionsInWords) {
  v1::Action a;
  a.set_type(v1::ACTION_RESTRICT_FEATURE);
  a.set_feature("new_listings");
  a.mutable_expires_at()->set_seconds(1796083200);  // 2026-12-01
  EXPECT_EQ(ActionText(a), "restrict_feature (new_listings) until 2026-12-01T00:00:00Z");
  v1::Action d;
  d.set_type(v1::ACTION_DEACTIVATE_STORE);
  EXPECT_EQ(ActionText(d), "deactivate_store, permanent");
  EXPECT_EQ(StandingText(v1::SUSPENDED), "suspended");
}

}  // namespace
}  // namespace enforcer::ctl
