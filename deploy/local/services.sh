#!/usr/bin/env bash
# Starts or stops the four service executables in the background, logging to $WANGQIAN_STATE_DIR.
#   services.sh start | stop | status
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
bin=${WANGQIAN_BIN_DIR:-$(cd "$here/../.." && swift build --show-bin-path)}
mkdir -p "$WANGQIAN_STATE_DIR"
SERVICES=("student:8081" "employer:8082" "college:8083" "scheduler:8084")

start() {
  for spec in "${SERVICES[@]}"; do
    local name=${spec%%:*} port=${spec##*:}
    local pidfile="$WANGQIAN_STATE_DIR/$name.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "[services] $name already running"; continue; fi
    local upper; upper=$(echo "$name" | tr a-z A-Z)
    env "${upper}_HTTP_PORT=$port" nohup "$bin/wangqian-$name" >"$WANGQIAN_STATE_DIR/$name.log" 2>&1 &
    echo $! >"$pidfile"
  done
  for spec in "${SERVICES[@]}"; do
    local name=${spec%%:*} port=${spec##*:} ok=0
    for _ in $(seq 1 300); do
      if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ok=1; break; fi
      kill -0 "$(cat "$WANGQIAN_STATE_DIR/$name.pid")" 2>/dev/null || break
      sleep 0.2
    done
    if [ $ok -ne 1 ]; then echo "[services] $name did not become ready; log:" >&2; tail -30 "$WANGQIAN_STATE_DIR/$name.log" >&2; exit 1; fi
    echo "[services] $name ready on http://127.0.0.1:$port"
  done
}

stop() {
  for spec in "${SERVICES[@]}"; do
    local name=${spec%%:*} pidfile="$WANGQIAN_STATE_DIR/${spec%%:*}.pid"
    if [ -f "$pidfile" ]; then kill -TERM "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; echo "[services] $name stopped"; fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) for spec in "${SERVICES[@]}"; do curl -fsS "http://127.0.0.1:${spec##*:}/health/ready" || echo "${spec%%:*}: down"; echo; done ;;
  *) echo "usage: services.sh start|stop|status" >&2; exit 2 ;;
esac
