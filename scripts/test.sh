#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit, golden, end-to-end).
# Ends with one line "N passed, N failed" counting individual test cases.
# Extra arguments go to `bazel test`.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

bazel test //... "$@"
bazel_status=$?

# Count test cases from each test target's JUnit XML. A target without a result (it failed to
# build or crashed before writing one) counts as one failure.
passed=0
failed=0
for target in $(bazel query --output=label 'tests(//...)' 2>/dev/null); do
  path="${target#//}"
  xml="bazel-testlogs/${path/://}/test.xml"
  if [ ! -f "$xml" ]; then
    echo "no result for $target"
    failed=$((failed + 1))
    continue
  fi
  read -r p f < <(awk '
    /<testcase/ { inside = 1; bad = 0; if ($0 ~ /\/>[[:space:]]*$/ && $0 !~ /<testcase[^>]*>[^<]/) { n++; inside = 0 } }
    /<failure|<error/ { if (inside) bad = 1 }
    /<\/testcase>/ { if (inside) { n++; if (bad) f++; inside = 0 } }
    END { printf "%d %d\n", n - f, f }' "$xml")
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    failed=$((failed + 1))  # a result without test cases: the binary failed before running any
    echo "no test cases in $xml"
    continue
  fi
  passed=$((passed + p))
  failed=$((failed + f))
done
if [ "$bazel_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$bazel_status" -eq 0 ] && [ "$failed" -eq 0 ]
