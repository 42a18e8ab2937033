// The primitives storage/'s byte layouts are made of (big-endian integers, order-preserving
// signed times, length-prefixed names, versioned page tokens). Internal to key_codec*.cc.
#ifndef ENFORCERD_STORAGE_KEY_CODEC_BYTES_H_
#define ENFORCERD_STORAGE_KEY_CODEC_BYTES_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace enforcer {
namespace key_bytes {

inline constexpr size_t kMaxIdSize = std::numeric_limits<uint16_t>::max();
inline constexpr size_t kUint64Size = 8;
inline constexpr size_t kTokenSize = 1 + kUint64Size;
inline constexpr uint64_t kSignBit = uint64_t{1} << 63;

inline void AppendUint64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// `in` must hold at least 8 bytes.
inline uint64_t ReadUint64(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

// Flipping the sign bit maps int64 order onto unsigned byte order for the whole range.
inline void AppendMicros(std::string* out, int64_t micros) {
  AppendUint64(out, static_cast<uint64_t>(micros) ^ kSignBit);
}

inline int64_t ReadMicros(absl::string_view in) {
  return static_cast<int64_t>(ReadUint64(in) ^ kSignBit);
}

// Appends a length-prefixed name; INVALID_ARGUMENT naming `field` unless 1..65535 bytes.
inline absl::Status AppendName(std::string* out, absl::string_view name, absl::string_view field) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  if (name.size() > kMaxIdSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", name.size(), " bytes, max ", kMaxIdSize));
  }
  out->push_back(static_cast<char>(name.size() >> 8));
  out->push_back(static_cast<char>(name.size()));
  out->append(name.data(), name.size());
  return absl::OkStatus();
}

inline std::string EncodeToken(uint64_t value, char version) {
  std::string raw;
  raw.reserve(kTokenSize);
  raw.push_back(version);
  AppendUint64(&raw, value);
  return absl::WebSafeBase64Escape(raw);
}

// INVALID_ARGUMENT "page_token is malformed" unless `token` is EncodeToken(value != 0, version).
inline absl::StatusOr<uint64_t> DecodeToken(absl::string_view token, char version) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() != kTokenSize || raw[0] != version ||
      ReadUint64(absl::string_view(raw).substr(1)) == 0) {
    return absl::InvalidArgumentError("page_token is malformed");
  }
  return ReadUint64(absl::string_view(raw).substr(1));
}

}  // namespace key_bytes
}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_KEY_CODEC_BYTES_H_
