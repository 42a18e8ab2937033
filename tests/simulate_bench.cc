// Backtest benchmark: how fast PolicyAdmin.SimulatePolicy re-makes recorded decisions on a large
// real ledger. Run:  bazel run -c opt //tests:simulate_bench [-- --subjects=100000
// --violations=1000000 --data_dir=/tmp/simbench]
//
// Builds (or reuses, with --data_dir) a ledger of --violations reports over --subjects sellers,
// written by the real pipeline (durability=process), then measures, in the same run:
//   baseline   read every subject's ledger, replay nothing;
//   same       simulate the active policy (must report 0 subjects differing);
//   stricter   simulate a stricter candidate.
// Figures are events (recorded decisions) per second and ratios against the baseline.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/clock.h"
#include "engine/enforcer.h"
#include "engine/policy_loader.h"
#include "engine/policy_registry.h"
#include "engine/policy_simulator.h"
#include "rules/default_policy.h"
#include "storage/rocksdb_ledger_store.h"

ABSL_FLAG(int64_t, subjects, 100000, "sellers in the ledger");
ABSL_FLAG(int64_t, violations, 1000000, "reports in the ledger");
ABSL_FLAG(std::string, data_dir, "", "ledger folder to build or reuse (default: a temp folder)");
ABSL_FLAG(int, threads, 2, "simulation worker threads");

namespace enforcer {
namespace {

const char* kCategories[] = {"misleading_listing", "fulfilment_rate_breach", "customer_abuse",
                             "keyword_or_logo_misuse", "prohibited_product"};

// Writes the ledger: reports spread over two years, one day's reports at a time.
void BuildLedger(LedgerStore* store, int64_t subjects, int64_t violations) {
  FakeClock clock(absl::FromUnixSeconds(1735689600));  // 2025-01-01
  LedgerWriter writer(store);
  auto policy = LoadPolicy("");
  PolicyRegistry policies(store, *policy);
  Enforcer enforcer(store, &writer, &clock, &policies);
  if (!enforcer.ActivatePolicyAndWait(*policy, "embedded default pack").ok()) std::abort();
  const int64_t per_day = std::max<int64_t>(1, violations / 730);
  absl::Mutex mu;
  int64_t in_flight = 0, failed = 0;
  const absl::Time began = absl::Now();
  for (int64_t n = 0; n < violations; ++n) {
    if (n > 0 && n % per_day == 0) {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(
          +[](int64_t* f) { return *f == 0; }, &in_flight));
      clock.Advance(absl::Hours(24));
    }
    v1::ReportViolationRequest r;
    r.set_report_id(absl::StrCat("sim-", n));
    // A skewed population: a few sellers report often, most rarely.
    const int64_t seller = (n * 7919 + (n % 13 == 0 ? 0 : n / 3)) % subjects;
    r.set_seller_id(absl::StrCat("seller-", seller));
    r.set_category(kCategories[(n / 7) % 5]);
    r.set_source(v1::SOURCE_LISTING);
    r.set_object_id(absl::StrCat("listing-", n));
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(
          +[](int64_t* f) { return *f < 4096; }, &in_flight));
      ++in_flight;
    }
    enforcer.ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
      absl::MutexLock lock(&mu);
      --in_flight;
      if (!got.ok()) ++failed;
    });
    if (n % 100000 == 0) std::fprintf(stderr, "building: %lld reports\n", (long long)n);
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](int64_t* f) { return *f == 0; }, &in_flight));
  std::fprintf(stderr, "built %lld reports (%lld failed) in %.0f s\n", (long long)violations,
               (long long)failed, absl::ToDoubleSeconds(absl::Now() - began));
}

double ReadOnlyEventsPerSecond(LedgerStore* store, int threads, int64_t* events) {
  std::vector<v1::Subject> subjects;
  if (!store
           ->ForEachSubject([&](const v1::Subject& s) {
             subjects.push_back(s);
             return absl::OkStatus();
           })
           .ok()) {
    std::abort();
  }
  std::atomic<size_t> next{0};
  std::atomic<int64_t> decisions{0};
  const absl::Time began = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < subjects.size(); i = next++) {
        auto log = store->ReadLog(subjects[i]);
        for (const v1::LedgerEntry& e : *log) decisions += e.has_decision();
      }
    });
  }
  for (auto& w : workers) w.join();
  *events = decisions;
  return decisions / absl::ToDoubleSeconds(absl::Now() - began);
}

void Run() {
  std::string dir = absl::GetFlag(FLAGS_data_dir);
  const bool reuse = !dir.empty() && access((dir + "/CURRENT").c_str(), F_OK) == 0;
  if (dir.empty()) dir = absl::StrCat("/tmp/enforcerd-simbench-", getpid());
  auto store = OpenRocksDbLedgerStore(dir, Durability::kProcess);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  if (!reuse)
    BuildLedger(store->get(), absl::GetFlag(FLAGS_subjects), absl::GetFlag(FLAGS_violations));
  const int threads = absl::GetFlag(FLAGS_threads);
  int64_t events = 0;
  const double baseline = ReadOnlyEventsPerSecond(store->get(), threads, &events);
  std::printf("Backtest on a ledger of %lld recorded decisions, %d worker threads\n",
              (long long)events, threads);
  std::printf("  read ledgers only (baseline)       %10.0f events/s  1.00x\n", baseline);
  PolicySimulator simulator(store->get(), threads);
  const std::string stricter = absl::StrReplaceAll(
      kDefaultPolicyYaml,
      {{"    - id: seller-caution-6\n      at: 6\n", "    - id: seller-caution-6\n      at: 4\n"}});
  for (const auto& [name, text] :
       {std::make_pair("same policy (0 differing)", std::string(kDefaultPolicyYaml)),
        std::make_pair("stricter candidate", stricter)}) {
    v1::SimulatePolicyRequest request;
    request.set_candidate_text(text);
    auto result = simulator.Simulate(
        request, [](const v1::SimulatePolicyProgress&) {}, [] { return false; });
    if (!result.ok()) std::abort();
    const v1::SimulationResult& r = result->result();
    std::printf("  simulate, %-26s %10.0f events/s  %.2fx  (%lld subjects differ of %lld)\n", name,
                r.events_per_second(), r.events_per_second() / baseline,
                (long long)r.subjects_differing(), (long long)r.subjects());
  }
  if (absl::GetFlag(FLAGS_data_dir).empty())
    std::system(absl::StrCat("rm -rf '", dir, "'").c_str());
}

}  // namespace
}  // namespace enforcer

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  enforcer::Run();
  return 0;
}
