// The case indexes' byte layouts: what sorts where, what round-trips, what is refused.
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"

namespace enforcer {
namespace {

TEST(KeyCodecCasesTest, ComplaintKeysOfOneHolderAndObjectSortBySequence) {
  const std::string prefix = EncodeComplaintPrefix("rh", "obj").value();
  const std::string k9 = EncodeComplaintKey(prefix, 9, "v9");
  const std::string k10 = EncodeComplaintKey(prefix, 10, "v10");
  // By sequence, not by violation id ("v10" < "v9" as text).
  EXPECT_LT(k9, k10);
  absl::StatusOr<ComplaintKey> decoded = DecodeComplaintKey(k10, prefix);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->sequence, 10);
  EXPECT_EQ(decoded->violation_id, "v10");
  EXPECT_EQ(DecodeComplaintKey(prefix + "abc", prefix).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeComplaintKey(k10, EncodeComplaintPrefix("rh", "ob").value()).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(KeyCodecCasesTest, NamesAreLengthPrefixedSoNoHolderScansIntoAnother) {
  // ("ab", "c") and ("a", "bc") must not share a prefix, nor "ab" scan into "abc".
  const std::string ab_c = EncodeComplaintPrefix("ab", "c").value();
  const std::string a_bc = EncodeComplaintPrefix("a", "bc").value();
  EXPECT_NE(ab_c.substr(0, a_bc.size()), a_bc);
  const std::string days_ab = EncodeComplaintDaysPrefix("ab").value();
  const std::string days_abc = EncodeComplaintDaysPrefix("abc").value();
  EXPECT_NE(days_abc.substr(0, days_ab.size()), days_ab);
}

TEST(KeyCodecCasesTest, NamesMustBeOneTo65535Bytes) {
  absl::StatusOr<std::string> empty = EncodeComplaintPrefix("", "obj");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "rights_holder_id is empty");
  EXPECT_EQ(EncodeComplaintPrefix("rh", "").status().message(), "object_id is empty");
  EXPECT_EQ(EncodeAuditActorPrefix(std::string(65536, 'x')).status().message(),
            "actor is 65536 bytes, max 65535");
  EXPECT_TRUE(EncodeAuditActorPrefix(std::string(65535, 'x')).ok());
}

TEST(KeyCodecCasesTest, ComplaintDayKeysSortByDayIncludingBeforeTheEpoch) {
  const std::string prefix = EncodeComplaintDaysPrefix("rh").value();
  EXPECT_LT(EncodeComplaintDayKey(prefix, -1), EncodeComplaintDayKey(prefix, 0));
  EXPECT_LT(EncodeComplaintDayKey(prefix, 0), EncodeComplaintDayKey(prefix, 1));
  EXPECT_LT(EncodeComplaintDayKey(prefix, 255), EncodeComplaintDayKey(prefix, 256));
}

TEST(KeyCodecCasesTest, DayOfMicrosIsTheUtcDay) {
  constexpr int64_t kDay = int64_t{86400} * 1000000;
  EXPECT_EQ(DayOfMicros(0), 0);
  EXPECT_EQ(DayOfMicros(kDay - 1), 0);
  EXPECT_EQ(DayOfMicros(kDay), 1);
  EXPECT_EQ(DayOfMicros(-1), -1);
  EXPECT_EQ(DayOfMicros(-kDay), -1);
  EXPECT_EQ(DayOfMicros(-kDay - 1), -2);
  // 2023-11-14T22:13:20Z is day 19675.
  EXPECT_EQ(DayOfMicros(int64_t{1700000000} * 1000000), 19675);
}

TEST(KeyCodecCasesTest, ComplaintMarkRoundTrips) {
  ComplaintMark mark;
  mark.status = ComplaintStatus::kRetracted;
  mark.day = -3;
  mark.rights_holder_id = "rh-1";
  absl::StatusOr<ComplaintMark> decoded = DecodeComplaintMark(EncodeComplaintMark(mark));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->status, ComplaintStatus::kRetracted);
  EXPECT_EQ(decoded->day, -3);
  EXPECT_EQ(decoded->rights_holder_id, "rh-1");
  EXPECT_EQ(DecodeComplaintMark("c1234567").status().code(), absl::StatusCode::kDataLoss);
  std::string unknown_status = EncodeComplaintMark(mark);
  unknown_status[0] = 'x';
  EXPECT_EQ(DecodeComplaintMark(unknown_status).status().code(), absl::StatusCode::kDataLoss);
}

TEST(KeyCodecCasesTest, OpenAppealKeysAndAppealIds) {
  const std::string key = EncodeOpenAppealKey(42);
  EXPECT_GE(key, std::string(kOpenAppealKeysBegin));
  EXPECT_LT(key, std::string(kOpenAppealKeysEnd));
  EXPECT_LT(EncodeOpenAppealKey(255), EncodeOpenAppealKey(256));
  EXPECT_EQ(DecodeOpenAppealKey(key).value(), 42);
  EXPECT_EQ(DecodeOpenAppealKey("o123").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(SequenceOfAppealId("a42"), 42);
  for (const char* bad :
       {"", "a", "42", "b42", "a-1", "a0", "a4x", "a 4", "a99999999999999999999"}) {
    EXPECT_EQ(SequenceOfAppealId(bad), std::nullopt) << bad;
  }
}

TEST(KeyCodecCasesTest, AuditKeysSortBySequenceThenActivation) {
  // An activation sorts after the entry committed last before it, and before the next one.
  EXPECT_LT(EncodeAuditKey({255, 0}), EncodeAuditKey({256, 0}));
  EXPECT_LT(EncodeAuditKey({7, 0}), EncodeAuditKey({7, 1}));
  EXPECT_LT(EncodeAuditKey({7, 2}), EncodeAuditKey({8, 0}));
  const std::string actor = EncodeAuditActorPrefix("agent").value();
  EXPECT_LT(EncodeAuditIndexKey(actor, {1, 0}), EncodeAuditIndexKey(actor, {2, 0}));
  const AuditPosition at = DecodeAuditIndexKey(EncodeAuditIndexKey(actor, {7, 3}), actor).value();
  EXPECT_EQ(at.sequence, 7);
  EXPECT_EQ(at.activation, 3);
  EXPECT_EQ(DecodeAuditIndexKey(EncodeAuditKey({7, 0}), actor).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeAuditIndexKey(actor + "12345678", actor).status().code(),
            absl::StatusCode::kDataLoss);
  // The three audit key spaces do not overlap.
  const std::string subject = EncodeAuditSubjectPrefix(std::string("\x01\x00\x01s", 4));
  EXPECT_NE(subject[0], actor[0]);
  EXPECT_NE(subject[0], EncodeAuditKey({1, 0})[0]);
  EXPECT_NE(actor[0], EncodeAuditKey({1, 0})[0]);
}

TEST(KeyCodecCasesTest, AuditTokensRoundTripAndHistoryTokensAreRefused) {
  const AuditPosition at = DecodeAuditToken(EncodeAuditToken({12345, 2})).value();
  EXPECT_EQ(at.sequence, 12345);
  EXPECT_EQ(at.activation, 2);
  // An activation before any entry.
  EXPECT_EQ(DecodeAuditToken(EncodeAuditToken({0, 1})).value().activation, 1);
  for (const std::string& bad :
       {std::string("!!!"), EncodeHistoryToken(5), EncodeAuditToken({0, 0}),
        absl::WebSafeBase64Escape("\x03short")}) {
    absl::StatusOr<AuditPosition> decoded = DecodeAuditToken(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(decoded.status().message(), "page_token is malformed");
  }
  EXPECT_FALSE(DecodeHistoryToken(EncodeAuditToken({5, 0})).ok());
}

}  // namespace
}  // namespace enforcer
