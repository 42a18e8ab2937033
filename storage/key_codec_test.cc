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

constexpr int64_t kMinMicros = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxMicros = std::numeric_limits<int64_t>::max();
constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();

TEST(KeyCodecTest, SubjectKeyLayout) {
  EXPECT_EQ(SubjectKey(v1::SELLER, "ab"), std::string("\x01\x00\x02"
                                                      "ab",
                                                      5));
  EXPECT_EQ(SubjectKey(v1::CREATOR, "ab"), std::string("\x02\x00\x02"
                                                       "ab",
                                                       5));
}

TEST(KeyCodecTest, SubjectKeyRoundTrip) {
  for (const v1::Subject& subject : {MakeSubject(v1::SELLER, "s1"), MakeSubject(v1::CREATOR, "c"),
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
  for (const std::string& bad : {std::string(), std::string("\x01", 1),
                                 std::string("\x03\x00\x01"
                                             "a",
                                             4),
                                 std::string("\x01\x00\x00", 3),
                                 std::string("\x01\x00\x02"
                                             "a",
                                             4),
                                 std::string("\x01\x00\x01"
                                             "ab",
                                             5)}) {
    EXPECT_EQ(DecodeSubjectKey(bad).status().code(), absl::StatusCode::kDataLoss)
        << absl::CEscape(bad);
  }
}

TEST(KeyCodecTest, SubjectsNeverShareAPrefix) {
  const std::vector<std::string> keys = {
      SubjectKey(v1::SELLER, "ab"), SubjectKey(v1::SELLER, "abc"), SubjectKey(v1::CREATOR, "ab"),
      SubjectKey(v1::CREATOR, "abc")};
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = 0; j < keys.size(); ++j) {
      if (i == j) continue;
      // Not even a ledger key of one subject starts with another subject's key.
      EXPECT_FALSE(HasPrefix(EncodeLedgerKey(keys[j], 0), keys[i])) << i << " " << j;
      EXPECT_FALSE(HasPrefix(EncodeLedgerKey(keys[j], kMaxU64), keys[i])) << i << " " << j;
    }
  }
}

TEST(KeyCodecTest, LedgerKeyLayoutAndRoundTrip) {
  const std::string subject_key = SubjectKey(v1::CREATOR, "c-42");
  EXPECT_EQ(EncodeLedgerKey(subject_key, 0x0102),
            subject_key + std::string("\0\0\0\0\0\0\x01\x02", 8));
  for (uint64_t position : {uint64_t{0}, uint64_t{1}, uint64_t{256}, kMaxU64}) {
    const std::string key = EncodeLedgerKey(subject_key, position);
    absl::StatusOr<LedgerKey> decoded = DecodeLedgerKey(key);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->subject.kind(), v1::CREATOR);
    EXPECT_EQ(decoded->subject.id(), "c-42");
    EXPECT_EQ(decoded->position, position);
    EXPECT_EQ(SubjectKeyOf(key).value(), subject_key);
  }
}

TEST(KeyCodecTest, LedgerKeysSortByPosition) {
  const std::string subject_key = SubjectKey(v1::SELLER, "s");
  const std::vector<uint64_t> ordered = {1, 2, 255, 256, 65536, uint64_t{1} << 40, kMaxU64};
  for (size_t i = 1; i < ordered.size(); ++i) {
    EXPECT_LT(EncodeLedgerKey(subject_key, ordered[i - 1]),
              EncodeLedgerKey(subject_key, ordered[i]))
        << i;
  }
}

TEST(KeyCodecTest, DecodeLedgerKeyRejectsMalformedKeys) {
  const std::string good = EncodeLedgerKey(SubjectKey(v1::SELLER, "s"), 5);
  for (const std::string& bad : {good.substr(0, good.size() - 1), good + "x",
                                 SubjectKey(v1::SELLER, "s"), std::string("\x09", 1)}) {
    EXPECT_EQ(DecodeLedgerKey(bad).status().code(), absl::StatusCode::kDataLoss)
        << absl::CEscape(bad);
  }
  EXPECT_EQ(SubjectKeyOf("\x09").status().code(), absl::StatusCode::kDataLoss);
}

TEST(KeyCodecTest, SubjectKeyPrefixEndBoundsTheWholeLedger) {
  const std::string ab = SubjectKey(v1::SELLER, std::string("a\xff", 2));
  const std::string end = SubjectKeyPrefixEnd(ab);
  EXPECT_LT(EncodeLedgerKey(ab, kMaxU64), end);
  // Every other subject sorts entirely before or entirely after [ab, end).
  for (const std::string& other :
       {SubjectKey(v1::SELLER, "a"), SubjectKey(v1::SELLER, "b"),
        SubjectKey(v1::SELLER, std::string("a\xff\xff", 3)), SubjectKey(v1::CREATOR, "a")}) {
    const std::string lo = EncodeLedgerKey(other, 0);
    const std::string hi = EncodeLedgerKey(other, kMaxU64);
    EXPECT_TRUE(hi < ab || lo >= end) << absl::CEscape(other);
  }
}

TEST(KeyCodecTest, CommitLogKeyRoundTrip) {
  EXPECT_EQ(EncodeCommitLogKey(0x0102030405060708), "\x01\x02\x03\x04\x05\x06\x07\x08");
  EXPECT_LT(EncodeCommitLogKey(255), EncodeCommitLogKey(256));
  EXPECT_EQ(DecodeCommitLogKey(EncodeCommitLogKey(kMaxU64)).value(), kMaxU64);
  EXPECT_EQ(DecodeCommitLogKey("1234567").status().code(), absl::StatusCode::kDataLoss);
}

TEST(KeyCodecTest, ExpiryKeyRoundTrip) {
  const std::string subject_key = SubjectKey(v1::SELLER, "s1");
  for (int64_t micros :
       {kMinMicros, int64_t{-1}, int64_t{0}, int64_t{1717060800000000}, kMaxMicros}) {
    absl::StatusOr<std::string> key = EncodeExpiryKey(micros, subject_key, "v3/SELLER/2");
    ASSERT_TRUE(key.ok()) << key.status();
    absl::StatusOr<ExpiryKey> decoded = DecodeExpiryKey(*key);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->expires_at_micros, micros);
    EXPECT_EQ(decoded->subject.kind(), v1::SELLER);
    EXPECT_EQ(decoded->subject.id(), "s1");
    EXPECT_EQ(decoded->action_id, "v3/SELLER/2");
  }
  EXPECT_EQ(EncodeExpiryKey(0, subject_key, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(KeyCodecTest, ExpiryKeysSortByTimeThenSubjectThenAction) {
  const std::string a = SubjectKey(v1::SELLER, "a");
  const std::string b = SubjectKey(v1::SELLER, "b");
  const std::vector<std::string> ordered = {
      EncodeExpiryKey(kMinMicros, b, "x").value(), EncodeExpiryKey(-1, b, "x").value(),
      EncodeExpiryKey(0, a, "x").value(),          EncodeExpiryKey(0, a, "y").value(),
      EncodeExpiryKey(0, b, "a").value(),          EncodeExpiryKey(1, a, "a").value(),
      EncodeExpiryKey(kMaxMicros, a, "a").value()};
  for (size_t i = 1; i < ordered.size(); ++i) EXPECT_LT(ordered[i - 1], ordered[i]) << i;
}

TEST(KeyCodecTest, ExpiryBoundSeparatesEarlierFromLater) {
  const std::string s = SubjectKey(v1::CREATOR, std::string(300, '\xff'));
  const std::string bound = EncodeExpiryBound(100);
  EXPECT_LT(EncodeExpiryKey(99, s, std::string(10, '\xff')).value(), bound);
  EXPECT_LE(bound, EncodeExpiryKey(100, SubjectKey(v1::SELLER, "a"), "a").value());
}

TEST(KeyCodecTest, DecodeExpiryKeyRejectsMalformedKeys) {
  const std::string subject_key = SubjectKey(v1::SELLER, "s");
  const std::string no_action = EncodeExpiryBound(5) + subject_key;
  for (const std::string& bad : {std::string("1234567"), EncodeExpiryBound(5), no_action,
                                 EncodeExpiryBound(5) + "\x07" + "junk"}) {
    EXPECT_EQ(DecodeExpiryKey(bad).status().code(), absl::StatusCode::kDataLoss)
        << absl::CEscape(bad);
  }
}

TEST(KeyCodecTest, PolicyKeys) {
  EXPECT_EQ(EncodePolicyVersionKey("sha256:ab"), "vsha256:ab");
  EXPECT_EQ(EncodeActivationKey(3), std::string("a\0\0\0\0\0\0\0\x03", 9));
  for (uint64_t activation : {uint64_t{0}, uint64_t{1}, kMaxU64}) {
    const std::string key = EncodeActivationKey(activation);
    EXPECT_LE(std::string(kActivationKeysBegin), key);
    EXPECT_LT(key, std::string(kActivationKeysEnd));
  }
  // Version keys never fall among the activation keys.
  EXPECT_GE(EncodePolicyVersionKey(""), std::string(kActivationKeysEnd));
}

TEST(KeyCodecTest, IdKeysAreTheIds) {
  EXPECT_EQ(EncodeReportKey("r-1"), "r-1");
  EXPECT_EQ(EncodeViolationKey("v42"), "v42");
  EXPECT_EQ(DecodeSchema1ReportKey("r-1"), "r-1");
}

TEST(KeyCodecTest, Uint64ValueRoundTrip) {
  EXPECT_EQ(EncodeUint64Value(0x0102030405060708), "\x01\x02\x03\x04\x05\x06\x07\x08");
  uint64_t value = 0;
  ASSERT_TRUE(DecodeUint64Value(EncodeUint64Value(kMaxU64), &value));
  EXPECT_EQ(value, kMaxU64);
  EXPECT_FALSE(DecodeUint64Value("1234567", &value));
  EXPECT_FALSE(DecodeUint64Value("123456789", &value));
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

TEST(KeyCodecTest, HistoryTokenRoundTrip) {
  for (uint64_t position : {uint64_t{1}, uint64_t{9}, kMaxU64}) {
    const std::string token = EncodeHistoryToken(position);
    // Tokens travel in URLs and JSON.
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
    absl::StatusOr<uint64_t> decoded = DecodeHistoryToken(token);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, position);
  }
}

TEST(KeyCodecTest, DecodeHistoryTokenRejectsMalformedTokens) {
  const std::string good = EncodeHistoryToken(2);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(good, &raw));
  std::string other_version = raw;
  other_version[0] = 3;
  // A schema-1 token: version 1 + recorded_at (8) + sequence (8).
  const std::string schema1_token =
      absl::WebSafeBase64Escape(std::string("\x01", 1) + raw.substr(1) + raw.substr(1));
  for (const std::string& bad :
       {std::string("!!!"), std::string("abc"), good.substr(0, good.size() - 2),
        absl::WebSafeBase64Escape(raw + "x"), absl::WebSafeBase64Escape(other_version),
        EncodeHistoryToken(0), schema1_token}) {
    absl::StatusOr<uint64_t> decoded = DecodeHistoryToken(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(decoded.status().message(), "page_token is malformed");
  }
}

TEST(KeyCodecTest, Schema1EventKey) {
  const std::string subject_key = SubjectKey(v1::SELLER, "s");
  // recorded_at -1 µs (sign bit flipped: 0x7fff...ff), then sequence 7.
  const std::string key = subject_key + std::string("\x7f\xff\xff\xff\xff\xff\xff\xff", 8) +
                          std::string("\0\0\0\0\0\0\0\x07", 8);
  absl::StatusOr<Schema1EventKey> decoded = DecodeSchema1EventKey(key);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->subject.id(), "s");
  EXPECT_EQ(decoded->recorded_at_micros, -1);
  EXPECT_EQ(decoded->sequence, 7);
  EXPECT_EQ(DecodeSchema1EventKey(key.substr(1)).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeSchema1EventKey(EncodeLedgerKey(subject_key, 7)).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace enforcer
