// The one seam for time: the engine never calls absl::Now() directly, so tests drive time.
#ifndef ENFORCERD_ENGINE_CLOCK_H_
#define ENFORCERD_ENGINE_CLOCK_H_

#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace enforcer {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
};

class RealClock : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
};

// A clock that moves only when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

// For end-to-end tests of the real binary (enforcerd --testing_clock_file): the time is read from
// a file holding Unix microseconds, so a test can move a running daemon's clock by days. Until
// the file holds a valid number the real time is used; afterwards the last valid reading is kept
// while the file is being rewritten.
class FileClock : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  absl::Time Now() override {
    std::ifstream in(path_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int64_t micros = 0;
    absl::MutexLock lock(&mu_);
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &micros)) {
      last_ = absl::FromUnixMicros(micros);
    }
    return last_ == absl::InfinitePast() ? absl::Now() : last_;
  }

 private:
  const std::string path_;
  absl::Mutex mu_;
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_CLOCK_H_
