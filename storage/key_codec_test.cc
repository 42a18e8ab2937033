#include "storage/key_codec.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace enforcer {
namespace {

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id) {
  v1::Subject subject;
  subject.set_kind(kind);
  subject.set_id(id);
  return subject;
}

std::string SubjectKey(v1::SubjectKind kind, const std::string& id) {
  absl::StatusOr<std::string> key = EncodeSubjectKey(MakeSubject(kind, id));
  EXPECT_TRUE(key.ok()) << key.status();
  return key.value_or("");
}

bool HasPrefix(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

TEST(KeyCodecTest, SubjectKeyLayout) {
  EXPECT_EQ(SubjectKey(v1::SELLER, "ab"), std::string("\x01\x00\x02" "ab", 5));
  EXPECT_EQ(SubjectKey(v1::CREATOR, "ab"), std::string("\x02\x00\x02" "ab", 5));
}

TEST(KeyCodecTest, SubjectKeyRoundTrip) {
  for (const v1::Subject& subject :
       {MakeSubject(v1::SELLER, "s1"), MakeSubject(v1::CREATOR, "c"),
        MakeSubject(v1::SELLER, std::string(65535, 'x')),
        MakeSubject(v1::CREATOR, std::string("a\0\xff", 3))}) {
    absl::StatusOr<std::string> key = EncodeSubjectKey(subject);
    ASSERT_TRUE(key.ok()) << key.status();
    absl::StatusOr<v1::Subject> decoded = DecodeSubjectKey(*key);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->kind(), subject.kind());
    EXPECT_EQ(decoded->id(), subject.id());
  }
}

TEST(KeyCodecTest, EncodeSubjectKeyRejectsInvalidSubjects) {
  EXPECT_EQ(EncodeSubjectKey(MakeSubject(v1::SUBJECT_KIND_UNSPECIFIED, "a")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeSubjectKey(MakeSubject(v1::SELLER, "")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeSubjectKey(MakeSubject(v1::SELLER, std::string(65536, 'x'))).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(KeyCodecTest, DecodeSubjectKeyRejectsMalformedKeys) {
  for (const std::string& bad :
       {std::string(), std::string("\x01", 1), std::string("\x03\x00\x01" "a", 4),
        std::string("\x01\x00\x00", 3), std::string("\x01\x00\x02" "a", 4),
        std::string("\x01\x00\x01" "ab", 5)}) {
    EXPECT_EQ(DecodeSubjectKey(bad).status().code(), absl::StatusCode::kDataLoss)
        << absl::CEscape(bad);
  }
}

TEST(KeyCodecTest, SubjectsNeverShareAPrefix) {
  const std::vector<std::string> keys = {
      SubjectKey(v1::SELLER, "ab"), SubjectKey(v1::SELLER, "abc"),
      SubjectKey(v1::CREATOR, "ab"), SubjectKey(v1::CREATOR, "abc")};
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = 0; j < keys.size(); ++j) {
      if (i == j) continue;
      // Not even an event key of one subject starts with another subject's key.
      EXPECT_FALSE(HasPrefix(EncodeEventKey(keys[j], 0, 0), keys[i])) << i << " " << j;
      EXPECT_FALSE(HasPrefix(EncodeEventKey(keys[j], -1, ~uint64_t{0}), keys[i])) << i << " " << j;
    }
  }
}

TEST(KeyCodecTest, EventKeyRoundTrip) {
  const std::string subject_key = SubjectKey(v1::CREATOR, "c-42");
  for (int64_t micros : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                         int64_t{1700000000123456}, std::numeric_limits<int64_t>::max()}) {
    for (uint64_t sequence : {uint64_t{0}, uint64_t{7}, std::numeric_limits<uint64_t>::max()}) {
      absl::StatusOr<EventKey> decoded =
          DecodeEventKey(EncodeEventKey(subject_key, micros, sequence));
      ASSERT_TRUE(decoded.ok()) << decoded.status();
      EXPECT_EQ(decoded->subject.kind(), v1::CREATOR);
      EXPECT_EQ(decoded->subject.id(), "c-42");
      EXPECT_EQ(decoded->recorded_at_micros, micros);
      EXPECT_EQ(decoded->sequence, sequence);
    }
  }
}

TEST(KeyCodecTest, DecodeEventKeyRejectsMalformedKeys) {
  const std::string good = EncodeEventKey(SubjectKey(v1::SELLER, "s"), 5, 6);
  EXPECT_EQ(DecodeEventKey(good.substr(0, good.size() - 1)).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeEventKey(good + "x").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeEventKey(SubjectKey(v1::SELLER, "s")).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(KeyCodecTest, EventKeysSortByTimeThenSequence) {
  const std::string subject_key = SubjectKey(v1::SELLER, "s");
  // Ascending (recorded_at, sequence), across the sign boundary and the int64 extremes.
  const std::vector<std::pair<int64_t, uint64_t>> ordered = {
      {std::numeric_limits<int64_t>::min(), 0},
      {-1000000, 5},
      {-1, 0},
      {-1, std::numeric_limits<uint64_t>::max()},
      {0, 0},
      {0, 1},
      {0, 256},
      {1, 0},
      {1700000000000000, 3},
      {std::numeric_limits<int64_t>::max(), 0},
  };
  for (size_t i = 1; i < ordered.size(); ++i) {
    EXPECT_LT(EncodeEventKey(subject_key, ordered[i - 1].first, ordered[i - 1].second),
              EncodeEventKey(subject_key, ordered[i].first, ordered[i].second))
        << i;
  }
}

TEST(KeyCodecTest, TimeBoundSeparatesEarlierFromLater) {
  const std::string subject_key = SubjectKey(v1::SELLER, "s");
  const std::string bound = EncodeEventTimeBound(subject_key, 100);
  EXPECT_LT(EncodeEventKey(subject_key, 99, ~uint64_t{0}), bound);
  EXPECT_LE(bound, EncodeEventKey(subject_key, 100, 0));
  EXPECT_LT(subject_key, EncodeEventTimeBound(subject_key, std::numeric_limits<int64_t>::min()));
}

TEST(KeyCodecTest, SubjectKeyPrefixEndBoundsAllEventsOfTheSubject) {
  const std::string ab = SubjectKey(v1::SELLER, std::string("a\xff", 2));
  const std::string end = SubjectKeyPrefixEnd(ab);
  EXPECT_LT(EncodeEventKey(ab, std::numeric_limits<int64_t>::max(), ~uint64_t{0}), end);
  // Every other subject sorts entirely before or entirely after [ab, end).
  for (const std::string& other :
       {SubjectKey(v1::SELLER, "a"), SubjectKey(v1::SELLER, "b"),
        SubjectKey(v1::SELLER, std::string("a\xff\xff", 3)), SubjectKey(v1::CREATOR, "a")}) {
    const std::string lo = EncodeEventKey(other, std::numeric_limits<int64_t>::min(), 0);
    const std::string hi = EncodeEventKey(other, std::numeric_limits<int64_t>::max(), ~uint64_t{0});
    EXPECT_TRUE(hi < ab || lo >= end) << absl::CEscape(other);
  }
}

TEST(KeyCodecTest, TimestampToMicros) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(1700000000);
  ts.set_nanos(123456789);
  EXPECT_EQ(TimestampToMicros(ts).value(), 1700000000123456);
  // Timestamp nanos are always forward in time, so pre-epoch times floor correctly.
  ts.set_seconds(-1);
  ts.set_nanos(500000000);
  EXPECT_EQ(TimestampToMicros(ts).value(), -500000);
  ts.set_seconds(253402300800);  // 10000-01-01
  ts.set_nanos(0);
  EXPECT_EQ(TimestampToMicros(ts).status().code(), absl::StatusCode::kInvalidArgument);
  ts.set_seconds(0);
  ts.set_nanos(-1);
  EXPECT_EQ(TimestampToMicros(ts).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KeyCodecTest, SequenceRoundTrip) {
  EXPECT_EQ(EncodeSequence(0x0102030405060708), "\x01\x02\x03\x04\x05\x06\x07\x08");
  uint64_t sequence = 0;
  ASSERT_TRUE(DecodeSequence(EncodeSequence(~uint64_t{0}), &sequence));
  EXPECT_EQ(sequence, ~uint64_t{0});
  EXPECT_FALSE(DecodeSequence("1234567", &sequence));
  EXPECT_FALSE(DecodeSequence("123456789", &sequence));
}

TEST(KeyCodecTest, ReportKeyIsTheReportId) { EXPECT_EQ(EncodeReportKey("r-1"), "r-1"); }

TEST(KeyCodecTest, HistoryCursorRoundTrip) {
  for (const HistoryCursor& cursor :
       {HistoryCursor{0, 0}, HistoryCursor{-5, 9},
        HistoryCursor{std::numeric_limits<int64_t>::max(), ~uint64_t{0}}}) {
    const std::string token = EncodeHistoryCursor(cursor);
    // Tokens travel in URLs and JSON.
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << token;
    absl::StatusOr<HistoryCursor> decoded = DecodeHistoryCursor(token);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->recorded_at_micros, cursor.recorded_at_micros);
    EXPECT_EQ(decoded->sequence, cursor.sequence);
  }
}

TEST(KeyCodecTest, DecodeHistoryCursorRejectsMalformedTokens) {
  const std::string good = EncodeHistoryCursor({1, 2});
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(good, &raw));
  std::string other_version = raw;
  other_version[0] = 2;
  for (const std::string& bad :
       {std::string("!!!"), std::string("abc"), good.substr(0, good.size() - 2),
        absl::WebSafeBase64Escape(raw + "x"), absl::WebSafeBase64Escape(other_version)}) {
    absl::StatusOr<HistoryCursor> decoded = DecodeHistoryCursor(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(decoded.status().message(), "page_token is malformed");
  }
}

}  // namespace
}  // namespace enforcer
