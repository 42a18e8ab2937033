#!/usr/bin/env bash
# Installs what is missing, builds enforcerd and runs it on the embedded default: the default
# policy pack, a RocksDB ledger in ./enforcerd-data, gRPC on 127.0.0.1:50051.
# Extra arguments go to enforcerd, e.g. scripts/run.sh --listen=127.0.0.1:6000 --policy=my.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
bazel build //engine:enforcerd
exec bazel-bin/engine/enforcerd --data_dir="$PWD/enforcerd-data" "$@"
