#!/usr/bin/env bash
# Stops the four services and the broker started by up.sh (PostgreSQL, the machine's cluster, keeps running).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/services.sh" stop || true
bash "$here/infra.sh" stop
