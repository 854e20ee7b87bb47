#!/usr/bin/env bash
# Runs every test: sets up the machine, starts the real PostgreSQL and Kafka broker, then runs the Swift unit
# and integration tests and the end-to-end suite (separate service processes over the real broker and database).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bash "$here/setup.sh"
bash "$here/infra.sh" start
. "$here/env.sh"
cd "$root"
echo "[test] building"
swift build --build-tests
echo "[test] Swift unit and integration tests (real broker at $KAFKA_BROKERS, real PostgreSQL at $PGHOST:$PGPORT)"
swift test --skip-build
echo "[test] documents, end-to-end suite and bounded API fuzzing"
WANGQIAN_BIN_DIR=$(swift build --show-bin-path) python3 -m pytest -q Tests/Docs Tests/EndToEnd Tests/Fuzz
