// takedown_consumer: the example listing-service consumer of enforcerd's action feed, as a
// program. Runs until SIGINT/SIGTERM, reconnecting after a lost connection.
//
//   bazel run //tests/examples:takedown_consumer -- --target=127.0.0.1:50051 \
//       --state_file=/tmp/listings.state
#include <csignal>
#include <cstdio>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "tests/examples/takedown_consumer.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "enforcerd's address");
ABSL_FLAG(std::string, consumer, "listing-takedowns",
          "the consumer name enforcerd keeps a cursor for");
ABSL_FLAG(std::string, state_file, "takedown-consumer.state",
          "where the listings taken down and the last sequence applied are kept");

namespace {
enforcer::examples::TakedownConsumer* running = nullptr;
void OnSignal(int) {
  if (running != nullptr) running->Stop();
}
}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  enforcer::examples::TakedownConsumer::Options options;
  options.consumer = absl::GetFlag(FLAGS_consumer);
  options.state_file = absl::GetFlag(FLAGS_state_file);
  enforcer::examples::TakedownConsumer consumer(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()),
      options);
  running = &consumer;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  absl::Duration backoff = absl::Milliseconds(200);
  while (true) {
    absl::Status session = consumer.RunSession();
    std::fprintf(stderr, "session ended at sequence %llu: %s\n",
                 static_cast<unsigned long long>(consumer.applied_through()),
                 session.ToString().c_str());
    if (session.ok()) return 0;  // stopped
    if (session.code() == absl::StatusCode::kOutOfRange) {
      std::fprintf(stderr, "fell behind the feed's retention: reconcile from the ledgers\n");
      return 3;
    }
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(10));
  }
}
