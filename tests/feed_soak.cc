// Feed soak: a consumer 1M events behind catches up from disk with bounded memory.
//   bazel run -c opt //tests:feed_soak [-- --events=1000000]
// Ingests --events take-down reports over one ReportViolations stream (one event each), then
// reads the whole feed with one WatchActions stream while sampling the process's resident memory.
// Prints the catch-up rate and the memory growth against the resident size before it, measured in
// the same run (client and daemon share this process; the watcher holds 256 events at a time).
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/daemon.h"
#include "proto/action_feed.grpc.pb.h"
#include "proto/enforcer.grpc.pb.h"

ABSL_FLAG(int, events, 1000000, "events the consumer is behind");

namespace enforcer {
namespace {

// Resident set size of this process, in MiB.
double ResidentMiB() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

v1::ReportViolationRequest Report(int n) {
  v1::ReportViolationRequest r;
  r.set_report_id(absl::StrCat("soak-", n));
  r.set_seller_id(absl::StrCat("soak-seller-", n));
  r.set_category("keyword_or_logo_misuse");
  r.set_severity(v1::SEVERITY_LOW);
  r.set_source(v1::SOURCE_LISTING);
  r.set_object_id(absl::StrCat("soak-listing-", n));
  return r;
}

int Run() {
  const int events = absl::GetFlag(FLAGS_events);
  DaemonConfig config;
  config.listen = "127.0.0.1:0";
  const char* base = std::getenv("TEST_TMPDIR");
  config.data_dir = absl::StrCat(base ? base : "/tmp", "/enforcerd-soak-", getpid());
  config.durability = Durability::kProcess;
  auto daemon = Daemon::Start(config);
  if (!daemon.ok()) {
    std::fprintf(stderr, "%s\n", daemon.status().ToString().c_str());
    return 1;
  }
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*daemon)->port()),
                                     grpc::InsecureChannelCredentials());
  const absl::Time ingest_start = absl::Now();
  {
    auto stub = v1::Enforcer::NewStub(channel);
    grpc::ClientContext context;
    auto stream = stub->ReportViolations(&context);
    std::thread writer([&] {
      for (int n = 0; n < events; ++n) stream->Write(Report(n));
      stream->WritesDone();
    });
    v1::ReportViolationResult result;
    int failed = 0;
    while (stream->Read(&result)) failed += result.code() != 0 ? 1 : 0;
    writer.join();
    if (!stream->Finish().ok() || failed > 0) {
      std::fprintf(stderr, "ingest failed (%d bad results)\n", failed);
      return 1;
    }
  }
  const double ingest_s = absl::ToDoubleSeconds(absl::Now() - ingest_start);
  const double before = ResidentMiB();
  std::atomic<bool> done{false};
  std::atomic<double> peak{before};
  std::thread sampler([&] {
    while (!done) {
      peak = std::max(peak.load(), ResidentMiB());
      absl::SleepFor(absl::Milliseconds(50));
    }
  });
  const absl::Time catchup_start = absl::Now();
  auto feed = v1::ActionFeed::NewStub(channel);
  grpc::ClientContext context;
  auto reader = feed->WatchActions(&context, v1::WatchActionsRequest());
  v1::ActionEvent event;
  uint64_t expected = 1, gaps = 0;
  while (expected <= static_cast<uint64_t>(events) && reader->Read(&event)) {
    gaps += event.sequence() != expected ? 1 : 0;
    expected = event.sequence() + 1;
  }
  context.TryCancel();
  (void)reader->Finish();
  const double catchup_s = absl::ToDoubleSeconds(absl::Now() - catchup_start);
  done = true;
  sampler.join();
  std::printf("ingest: %d reports over one stream in %.1f s (%.0f reports/s)\n", events, ingest_s,
              events / ingest_s);
  std::printf("catch-up: %llu events in %.1f s (%.0f events/s, %.1fx the ingest rate), %llu gaps\n",
              static_cast<unsigned long long>(expected - 1), catchup_s, (expected - 1) / catchup_s,
              ingest_s / catchup_s, static_cast<unsigned long long>(gaps));
  std::printf(
      "resident memory: %.0f MiB before the catch-up, peak %.0f MiB during it (+%.0f MiB, "
      "%.2fx)\n",
      before, peak.load(), peak.load() - before, peak.load() / before);
  (*daemon)->Shutdown();
  std::system(absl::StrCat("rm -rf '", config.data_dir, "'").c_str());
  return gaps == 0 && expected - 1 == static_cast<uint64_t>(events) ? 0 : 1;
}

}  // namespace
}  // namespace enforcer

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return enforcer::Run();
}
