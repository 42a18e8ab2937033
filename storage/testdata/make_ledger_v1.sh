#!/usr/bin/env bash
# Regenerates storage/testdata/ledger_v1/: a schema-1 ledger written by the enforcerd of commit
# 85cb364 (the last one with the schema-1 layout), for the schema 1 -> 2 migration test.
#
#   storage/testdata/make_ledger_v1.sh      (from anywhere in the repository; needs Bazel)
#
# It checks 85cb364 out into a temporary git worktree, adds a small cc_binary there (its source is
# the heredoc below, so this script is the whole recipe), builds it with its own Bazel output base,
# and runs it into a fresh directory: the old Enforcer + LedgerWriter + RocksDB store with the
# embedded default policy and a FakeClock record 20 reports against two sellers and one creator.
# They include a violation counted in a seller's and a creator's ledger, take-downs, milestone
# crossings with timed actions (expires_at), permanent actions, duplicate resends, an explicit
# occurred_at, and the clock stepped back one hour between two reports of seller-b (so that
# schema 1's key order, by recorded_at, differs from commit order).
#
# The store is closed cleanly, and its files (without the LOG/LOG.old info logs and the LOCK file)
# are copied to storage/testdata/ledger_v1/, with EXPECTED.txt: the facts the generator saw, which
# the test reads back:
#   report <report_id> <violation_id> <duplicate 0|1> <the request as sent, proto text format>
#   ledger <SELLER|CREATOR> <id> <entry sequences in commit order>
#   violation <violation_id> <KIND> <id> [<KIND> <id>]   (the ledgers it was written to, in order)
#   expiry <expires_at unix micros> <KIND> <id> <action_id>
#   last_sequence <n>
# The output is deterministic: rerunning it yields the same ledger contents.
set -euo pipefail

readonly OLD_COMMIT=85cb364
readonly REPO="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
readonly WORKTREE=/tmp/enforcerd-v1
readonly OUTPUT_BASE=/tmp/bazel-v1
readonly FIXTURE="$REPO/storage/testdata/ledger_v1"

cleanup() {
  if [[ -d "$WORKTREE" ]]; then
    (cd "$WORKTREE" && bazel --output_base="$OUTPUT_BASE" shutdown) >/dev/null 2>&1 || true
    git -C "$REPO" worktree remove --force "$WORKTREE"
  fi
  [[ -n "${SCRATCH:-}" ]] && rm -rf "$SCRATCH"
}
trap cleanup EXIT

if [[ -d "$WORKTREE" ]]; then git -C "$REPO" worktree remove --force "$WORKTREE"; fi
git -C "$REPO" worktree add --detach "$WORKTREE" "$OLD_COMMIT"

cat >"$WORKTREE/tests/make_ledger_v1.cc" <<'EOF'
// Writes a schema-1 ledger with the enforcerd of this commit. Usage: make_ledger_v1 DIR > EXPECTED.txt
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "engine/clock.h"
#include "engine/enforcer.h"
#include "engine/ledger_writer.h"
#include "engine/policy_loader.h"
#include "proto/timestamp.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

v1::ReportViolationRequest Report(const std::string& id, const std::string& seller,
                                  const std::string& creator, const std::string& category,
                                  v1::Source source, const std::string& object_id) {
  v1::ReportViolationRequest r;
  r.set_report_id(id);
  r.set_seller_id(seller);
  r.set_creator_id(creator);
  r.set_category(category);
  r.set_source(source);
  r.set_object_id(object_id);
  r.set_reporter("fixture-generator");
  return r;
}

struct Step {
  absl::Duration advance;  // clock move before the report (negative: stepped back)
  v1::ReportViolationRequest request;
};

std::vector<Step> Steps(absl::Time start) {
  std::vector<Step> s;
  const absl::Duration m = absl::Minutes(10);
  s.push_back({m, Report("r01", "seller-a", "", "misleading_listing", v1::SOURCE_LISTING, "listing-a1")});
  auto r02 = Report("r02", "seller-a", "creator-c", "counterfeit_confirmed", v1::SOURCE_LIVESTREAM, "stream-c1");
  r02.set_rights_holder_id("brand-x");
  r02.set_region("US");
  auto* ev = r02.add_evidence();
  ev->set_key("url");
  ev->set_value("https://example.com/stream-c1");
  s.push_back({m, r02});
  auto r03 = Report("r03", "seller-b", "", "misleading_listing", v1::SOURCE_LISTING, "listing-b0");
  r03.set_severity(v1::SEVERITY_HIGH);
  s.push_back({m, r03});
  s.push_back({m, Report("r04", "seller-b", "", "prohibited_product", v1::SOURCE_MANUAL_REVIEW, "listing-b1")});
  // The clock steps back an hour: r05 is recorded before r03 and r04 but committed after them.
  s.push_back({absl::Hours(-1), Report("r05", "seller-b", "", "customer_abuse", v1::SOURCE_MANUAL_REVIEW, "")});
  s.push_back({m, r03});  // a resend: duplicate, writes nothing
  s.push_back({absl::Hours(2), Report("r07", "", "creator-c", "creator_misleading_claim", v1::SOURCE_SHORT_VIDEO, "video-1")});
  s.push_back({m, Report("r08", "seller-a", "", "fulfilment_rate_breach", v1::SOURCE_AUTOMATED_DETECTION, "")});
  auto r09 = Report("r09", "seller-b", "", "keyword_or_logo_misuse", v1::SOURCE_LISTING, "listing-b2");
  r09.set_region("TW");
  s.push_back({m, r09});
  auto r10 = Report("r10", "seller-a", "creator-c", "ip_complaint_valid", v1::SOURCE_RIGHTS_HOLDER_COMPLAINT, "listing-a2");
  r10.set_severity(v1::SEVERITY_HIGH);
  r10.set_rights_holder_id("brand-x");
  s.push_back({m, r10});
  s.push_back({m, Report("r11", "", "creator-c", "reproduced_content", v1::SOURCE_SHORT_VIDEO, "video-2")});
  s.push_back({m, Report("r12", "seller-b", "", "misleading_listing", v1::SOURCE_LISTING, "listing-b3")});
  s.push_back({m, r10});  // a resend of a two-ledger report
  s.push_back({m, Report("r14", "seller-a", "", "misleading_listing", v1::SOURCE_LISTING, "listing-a3")});
  auto r15 = Report("r15", "seller-b", "", "fulfilment_rate_breach", v1::SOURCE_AUTOMATED_DETECTION, "");
  r15.set_severity(v1::SEVERITY_MEDIUM);
  s.push_back({m, r15});
  auto r16 = Report("r16", "seller-b", "creator-c", "ip_complaint_valid", v1::SOURCE_RIGHTS_HOLDER_COMPLAINT, "stream-c2");
  r16.set_severity(v1::SEVERITY_LOW);
  r16.set_rights_holder_id("brand-y");
  s.push_back({m, r16});
  auto r17 = Report("r17", "seller-a", "", "customer_abuse", v1::SOURCE_MANUAL_REVIEW, "");
  r17.set_severity(v1::SEVERITY_CRITICAL);
  s.push_back({m, r17});
  auto r18 = Report("r18", "seller-b", "", "misleading_listing", v1::SOURCE_LISTING, "listing-b4");
  // Explicit occurred_at: a day before the report is received.
  s.push_back({m, r18});
  s.push_back({m, Report("r19", "seller-b", "", "counterfeit_confirmed", v1::SOURCE_RIGHTS_HOLDER_COMPLAINT, "listing-b5")});
  s.push_back({m, Report("r20", "", "creator-c", "creator_misleading_claim", v1::SOURCE_LIVESTREAM, "stream-c3")});
  // r18's occurred_at depends on where the clock is by then.
  absl::Time now = start;
  for (Step& step : s) {
    now += step.advance;
    if (step.request.report_id() == "r18") {
      *step.request.mutable_occurred_at() = ToProtoTime(now - absl::Hours(24));
    }
  }
  return s;
}

const char* KindName(v1::SubjectKind kind) { return kind == v1::SELLER ? "SELLER" : "CREATOR"; }

int Run(const std::string& dir) {
  const absl::Time start = absl::FromUnixSeconds(1709283600);  // 2024-03-01T09:00:00Z
  FakeClock clock(start);
  auto policy = LoadPolicy("");
  if (!policy.ok()) return std::cerr << policy.status() << "\n", 1;
  auto opened = OpenRocksDbLedgerStore(dir, Durability::kFsync);
  if (!opened.ok()) return std::cerr << opened.status() << "\n", 1;
  std::unique_ptr<LedgerStore> store = std::move(*opened);
  {
    LedgerWriter writer(store.get());
    Enforcer enforcer(store.get(), &writer, &clock, *policy);
    for (const Step& step : Steps(start)) {
      clock.Advance(step.advance);
      absl::StatusOr<v1::ReportViolationResponse> result = absl::UnknownError("no reply");
      absl::Notification done;
      enforcer.ReportViolation(step.request, [&](absl::StatusOr<v1::ReportViolationResponse> r) {
        result = std::move(r);
        done.Notify();
      });
      done.WaitForNotification();
      if (!result.ok()) return std::cerr << step.request.report_id() << ": " << result.status() << "\n", 1;
      std::cout << "report " << step.request.report_id() << " " << result->violation().violation_id()
                << " " << (result->duplicate() ? 1 : 0) << " " << step.request.ShortDebugString()
                << "\n";
    }
  }
  std::map<std::string, std::vector<std::string>> violation_ledgers;
  std::vector<std::string> violation_order;
  std::vector<std::pair<int64_t, std::string>> expiries;
  for (const auto& [kind, id] : std::vector<std::pair<v1::SubjectKind, std::string>>{
           {v1::SELLER, "seller-a"}, {v1::SELLER, "seller-b"}, {v1::CREATOR, "creator-c"}}) {
    v1::Subject subject;
    subject.set_kind(kind);
    subject.set_id(id);
    auto log = store->ReadLog(subject);  // schema 1: in key order (recorded_at, sequence)
    if (!log.ok()) return std::cerr << log.status() << "\n", 1;
    std::vector<v1::LedgerEntry> entries = *log;
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.sequence() < b.sequence(); });
    std::cout << "ledger " << KindName(kind) << " " << id;
    for (const auto& e : entries) std::cout << " " << e.sequence();
    std::cout << "\n";
    const std::string name = std::string(KindName(kind)) + " " + id;
    for (const auto& e : entries) {
      if (e.has_violation()) {
        const std::string& vid = e.violation().violation_id();
        if (violation_ledgers[vid].empty()) violation_order.push_back(vid);
        violation_ledgers[vid].push_back(name);
      }
      if (e.has_action() && e.action().has_expires_at()) {
        expiries.push_back({absl::ToUnixMicros(FromProtoTime(e.action().expires_at())),
                            name + " " + e.action().action_id()});
      }
    }
  }
  for (const std::string& vid : violation_order) {
    std::cout << "violation " << vid;
    for (const std::string& name : violation_ledgers[vid]) std::cout << " " << name;
    std::cout << "\n";
  }
  for (const auto& [micros, what] : expiries) std::cout << "expiry " << micros << " " << what << "\n";
  std::cout << "last_sequence " << store->LastSequence() << "\n";
  return 0;
}

}  // namespace
}  // namespace enforcer

int main(int argc, char** argv) {
  if (argc != 2) return std::cerr << "usage: make_ledger_v1 DIR\n", 2;
  return enforcer::Run(argv[1]);
}
EOF

cat >>"$WORKTREE/tests/BUILD.bazel" <<'EOF'

cc_binary(
    name = "make_ledger_v1",
    srcs = ["make_ledger_v1.cc"],
    deps = [
        "//engine:clock",
        "//engine:enforcer",
        "//engine:policy_loader",
        "//proto:timestamp",
        "//storage:rocksdb_ledger_store",
        "@system//:absl",
    ],
)
EOF

(cd "$WORKTREE" && bazel --output_base="$OUTPUT_BASE" build //tests:make_ledger_v1)

SCRATCH="$(mktemp -d)"
"$WORKTREE/bazel-bin/tests/make_ledger_v1" "$SCRATCH/ledger" >"$SCRATCH/EXPECTED.txt"

rm -rf "$FIXTURE"
mkdir -p "$FIXTURE"
for f in "$SCRATCH"/ledger/*; do
  case "$(basename "$f")" in
    LOG | LOG.old.* | LOCK) ;;
    *) cp "$f" "$FIXTURE/" ;;
  esac
done
{
  echo "# Written by storage/testdata/make_ledger_v1.sh with enforcerd $OLD_COMMIT; see its header."
  cat "$SCRATCH/EXPECTED.txt"
} >"$FIXTURE/EXPECTED.txt"
echo "wrote $FIXTURE:"
ls -l "$FIXTURE"
