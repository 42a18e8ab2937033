// Load benchmark: figures are ratios against baselines measured in the same run, because this
// machine (2 cores, shared) is noisy. Run:  bazel run //tests:load_bench [-- --seconds=3]
//
// 1. Group commit: reports/s over real gRPC on 127.0.0.1 with 64 calls in flight, for
//    (a) the naive design, one fsync per report (writer groups of one), and (b) enforcerd's
//    group commit, and (c) group commit with --durability=process.
//    (d) bulk ingest: one ReportViolations stream instead of 64 unary calls, group commit.
// 2. History independence: the cost of one report for a seller whose 730-day window holds 40x
//    more violations than another's with the same buckets, against a fresh seller.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "engine/clock.h"
#include "engine/daemon.h"
#include "engine/enforcer.h"
#include "engine/policy_loader.h"
#include "engine/policy_registry.h"
#include "proto/enforcer.grpc.pb.h"
#include "proto/timestamp.h"
#include "storage/rocksdb_ledger_store.h"

ABSL_FLAG(double, seconds, 3, "measuring time per configuration");
ABSL_FLAG(int, inflight, 64, "concurrent ReportViolation calls");

namespace enforcer {
namespace {

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(base ? base : "/tmp", "/enforcerd-bench-", getpid(), "-", name);
  std::system(absl::StrCat("rm -rf '", dir, "'").c_str());
  return dir;
}

v1::ReportViolationRequest MakeReport(uint64_t n) {
  v1::ReportViolationRequest r;
  r.set_report_id(absl::StrCat("bench-", n));
  r.set_seller_id(absl::StrCat("seller-", n % 5000));
  r.set_category(n % 3 == 0 ? "misleading_listing" : "fulfilment_rate_breach");
  r.set_source(v1::SOURCE_LISTING);
  r.set_region("PH");
  r.set_object_id(absl::StrCat("listing-", n));
  return r;
}

struct LoadResult {
  double reports_per_second = 0;
  uint64_t failures = 0;
  LedgerWriter::Stats writer;
};

// Keeps `inflight` calls outstanding for `seconds`, then reports the completion rate.
LoadResult RunLoad(const std::string& name, Durability durability, size_t max_group) {
  DaemonConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = TempDir(name);
  config.durability = durability;
  config.writer.max_group = max_group;
  auto daemon = Daemon::Start(config);
  if (!daemon.ok()) {
    std::fprintf(stderr, "%s\n", daemon.status().ToString().c_str());
    std::exit(1);
  }
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*daemon)->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::Enforcer::NewStub(channel);

  struct Call {
    grpc::ClientContext context;
    v1::ReportViolationRequest request;
    v1::ReportViolationResponse response;
  };
  absl::Mutex mu;
  int outstanding = 0;
  std::atomic<uint64_t> completed{0}, failures{0};
  uint64_t next = 0;
  const absl::Time measure_from = absl::Now() + absl::Milliseconds(500);
  const absl::Time end = measure_from + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::pair<int*, int> limit(&outstanding, absl::GetFlag(FLAGS_inflight));
  while (absl::Now() < end) {
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(
          +[](std::pair<int*, int>* s) { return *s->first < s->second; }, &limit));
      ++outstanding;
    }
    const bool counted = absl::Now() >= measure_from;
    auto* call = new Call;
    call->request = MakeReport(next++);
    stub->async()->ReportViolation(&call->context, &call->request, &call->response,
                                   [&, call, counted](grpc::Status s) {
                                     if (!s.ok()) ++failures;
                                     if (counted && s.ok()) ++completed;
                                     delete call;
                                     absl::MutexLock lock(&mu);
                                     --outstanding;
                                   });
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &outstanding));
  }
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - measure_from);
  LoadResult r;
  r.reports_per_second = completed / elapsed;
  r.failures = failures;
  (*daemon)->Shutdown();
  return r;
}

// Bulk ingest: one ReportViolations stream, one thread writing reports as fast as flow control
// lets it, the other reading results; the rate of results (each durable) for `seconds`.
LoadResult RunStreamLoad(const std::string& name) {
  DaemonConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = TempDir(name);
  auto daemon = Daemon::Start(config);
  if (!daemon.ok()) {
    std::fprintf(stderr, "%s\n", daemon.status().ToString().c_str());
    std::exit(1);
  }
  auto stub = v1::Enforcer::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*daemon)->port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto stream = stub->ReportViolations(&context);
  const absl::Time measure_from = absl::Now() + absl::Milliseconds(500);
  const absl::Time end = measure_from + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::thread writer([&] {
    for (uint64_t n = 0; absl::Now() < end; ++n) {
      if (!stream->Write(MakeReport(n))) break;
    }
    stream->WritesDone();
  });
  uint64_t completed = 0, failures = 0;
  v1::ReportViolationResult result;
  while (stream->Read(&result)) {
    if (result.code() != 0) ++failures;
    const absl::Time now = absl::Now();
    if (now >= measure_from && now < end && result.code() == 0) ++completed;
  }
  writer.join();
  const grpc::Status finished = stream->Finish();
  if (!finished.ok()) ++failures;
  LoadResult r;
  r.reports_per_second = completed / absl::ToDoubleSeconds(end - measure_from);
  r.failures = failures;
  (*daemon)->Shutdown();
  return r;
}

// Median latency of `n` reports, one at a time, for `seller` through the Enforcer (no gRPC).
double MedianReportMicros(Enforcer& enforcer, const std::string& seller, int n, uint64_t* id) {
  std::vector<double> micros;
  for (int i = 0; i < n; ++i) {
    v1::ReportViolationRequest r;
    r.set_report_id(absl::StrCat("lat-", (*id)++));
    r.set_seller_id(seller);
    r.set_category("misleading_listing");
    r.set_source(v1::SOURCE_LISTING);
    absl::Notification done;
    const absl::Time t0 = absl::Now();
    enforcer.ReportViolation(r,
                             [&](absl::StatusOr<v1::ReportViolationResponse>) { done.Notify(); });
    done.WaitForNotification();
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
  }
  std::sort(micros.begin(), micros.end());
  return micros[micros.size() / 2];
}

void HistoryIndependence() {
  auto store = OpenRocksDbLedgerStore(TempDir("history"), Durability::kProcess);
  auto policy = LoadPolicy("");
  if (!store.ok() || !policy.ok()) std::exit(1);
  const absl::Time now = absl::FromUnixSeconds(1790000000);
  FakeClock clock(now);
  LedgerWriter writer(store->get());
  PolicyRegistry policies(store->get(), *policy);
  Enforcer enforcer(store->get(), &writer, &clock, &policies);

  // Two sellers with the same 730 days x 3 categories of buckets: one violation per bucket
  // for "light", 40 per bucket for "heavy".
  const char* categories[] = {"misleading_listing", "fulfilment_rate_breach", "customer_abuse"};
  uint64_t id = 0;
  std::atomic<int> pending{0};
  for (const auto& [seller, per_bucket] :
       {std::make_pair("light", 1), std::make_pair("heavy", 40)}) {
    for (int day = 0; day < 730; ++day) {
      for (const char* category : categories) {
        for (int k = 0; k < per_bucket; ++k) {
          v1::ReportViolationRequest r;
          r.set_report_id(absl::StrCat("hist-", id++));
          r.set_seller_id(seller);
          r.set_category(category);
          r.set_source(v1::SOURCE_LISTING);
          *r.mutable_occurred_at() = ToProtoTime(now - absl::Hours(24 * day));
          ++pending;
          enforcer.ReportViolation(r,
                                   [&](absl::StatusOr<v1::ReportViolationResponse>) { --pending; });
          while (pending > 4000) absl::SleepFor(absl::Milliseconds(1));
        }
      }
    }
  }
  while (pending > 0) absl::SleepFor(absl::Milliseconds(1));
  const int n = 2000;
  const double fresh = MedianReportMicros(enforcer, "fresh", n, &id);
  const double light = MedianReportMicros(enforcer, "light", n, &id);
  const double heavy = MedianReportMicros(enforcer, "heavy", n, &id);
  std::printf("\nHistory independence (in-process, durability=process, median of %d reports)\n", n);
  std::printf("  fresh seller (1 bucket)                       %8.1f us  1.00x\n", fresh);
  std::printf("  light: 2,190 violations in 2,190 buckets      %8.1f us  %.2fx\n", light,
              light / fresh);
  std::printf(
      "  heavy: 87,600 violations in 2,190 buckets     %8.1f us  %.2fx   heavy/light = %.2f\n",
      heavy, heavy / fresh, heavy / light);
}

}  // namespace
}  // namespace enforcer

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using enforcer::Durability;
  std::printf("Group commit over gRPC on 127.0.0.1, %d calls in flight, %.1f s each\n",
              absl::GetFlag(FLAGS_inflight), absl::GetFlag(FLAGS_seconds));
  auto naive = enforcer::RunLoad("naive", Durability::kFsync, 1);
  auto group = enforcer::RunLoad("group", Durability::kFsync, 512);
  auto process = enforcer::RunLoad("process", Durability::kProcess, 512);
  std::printf("  fsync, one sync per report (baseline)   %9.0f reports/s  1.00x  failures %llu\n",
              naive.reports_per_second, (unsigned long long)naive.failures);
  std::printf("  fsync, group commit (enforcerd)         %9.0f reports/s  %.2fx  failures %llu\n",
              group.reports_per_second, group.reports_per_second / naive.reports_per_second,
              (unsigned long long)group.failures);
  std::printf("  process durability, group commit        %9.0f reports/s  %.2fx  failures %llu\n",
              process.reports_per_second, process.reports_per_second / naive.reports_per_second,
              (unsigned long long)process.failures);
  auto streamed = enforcer::RunStreamLoad("stream");
  std::printf("  fsync, one ReportViolations stream      %9.0f reports/s  %.2fx  failures %llu\n",
              streamed.reports_per_second, streamed.reports_per_second / naive.reports_per_second,
              (unsigned long long)streamed.failures);
  std::printf("    (the stream against 64 unary calls in flight, both group commit: %.2fx)\n",
              streamed.reports_per_second / group.reports_per_second);
  enforcer::HistoryIndependence();
  return 0;
}
