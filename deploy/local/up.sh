#!/usr/bin/env bash
# Sets up this machine, starts PostgreSQL and the Kafka broker, builds and starts the four services,
# loads the demo data and prints the addresses and demo tokens. Stop everything with deploy/local/down.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bash "$here/setup.sh"
bash "$here/infra.sh" start
. "$here/env.sh"
cd "$root"
echo "[up] building (first build takes a few minutes)"
swift build --product wangqian-student >/dev/null
swift build >"$WANGQIAN_STATE_DIR/build.log" 2>&1 || { cat "$WANGQIAN_STATE_DIR/build.log"; exit 1; }
bin=$(swift build --show-bin-path)
export WANGQIAN_BIN_DIR="$bin"
"$here/services.sh" start
python3 "$here/demo_data.py"
