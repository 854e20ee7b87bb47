#!/usr/bin/env bash
# Starts, stops or reports the real components on this machine: PostgreSQL 15 and the Tansu Kafka broker.
#   infra.sh start   - start both (idempotent), create the role, the service databases and the topics
#   infra.sh stop    - stop the broker (PostgreSQL is left running: it is the machine's cluster)
#   infra.sh status  - print what is running
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
mkdir -p "$WANGQIAN_STATE_DIR"
log() { printf '[infra] %s\n' "$*"; }

# Topics of the public event contract (docs/asyncapi.yaml), with their partition counts.
TOPICS=(
  "wangqian.agreement.events.v1:8"
  "wangqian.roster.students.v1:4"
  "wangqian.registry.employers.v1:4"
  "wangqian.deadletter.v1:1"
)
DATABASES=(wangqian_student wangqian_employer wangqian_college wangqian_scheduler)

psql_admin() { env -u PGHOST -u PGUSER -u PGPASSWORD -u PGDATABASE PGPORT="$PGPORT" runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }

start_postgres() {
  if ! pg_lsclusters -h 2>/dev/null | awk '$1=="15" && $2=="main" {print $4}' | grep -q online; then
    log "starting PostgreSQL 15"
    pg_ctlcluster 15 main start
  fi
  for _ in $(seq 1 50); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 0.2; done
  pg_isready -q -h "$PGHOST" -p "$PGPORT" || { echo "PostgreSQL did not become ready" >&2; exit 1; }
  if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$PGUSER'")" != "1" ]; then
    log "creating role $PGUSER"
    psql_admin -c "create role \"$PGUSER\" login createdb password '$PGPASSWORD'"
  fi
  for db in "${DATABASES[@]}"; do
    if [ "$(psql_admin -c "select 1 from pg_database where datname='$db'")" != "1" ]; then
      log "creating database $db"
      psql_admin -c "create database \"$db\" owner \"$PGUSER\""
    fi
  done
}

broker_port() { echo "${KAFKA_BROKERS##*:}"; }
broker_up() { (exec 3<>"/dev/tcp/127.0.0.1/$(broker_port)") 2>/dev/null; }

start_broker() {
  if broker_up; then log "broker already listening on $KAFKA_BROKERS"; else
    local bin; bin=$(tansu_bin)
    log "starting Tansu on $KAFKA_BROKERS"
    nohup "$bin" broker --listener-url "tcp://$KAFKA_BROKERS" --advertised-listener-url "tcp://$KAFKA_BROKERS" \
      >"$WANGQIAN_STATE_DIR/tansu.log" 2>&1 &
    echo $! >"$WANGQIAN_STATE_DIR/tansu.pid"
    for _ in $(seq 1 100); do broker_up && break; sleep 0.1; done
    broker_up || { echo "Tansu did not start; see $WANGQIAN_STATE_DIR/tansu.log" >&2; exit 1; }
  fi
  local bin existing; bin=$(tansu_bin)
  # Listening is not enough: the broker must answer.
  if ! existing=$(timeout 20 "$bin" topic list --broker "tcp://$KAFKA_BROKERS" 2>&1); then
    echo "the broker on $KAFKA_BROKERS does not answer (stop it with deploy/local/infra.sh stop): $existing" >&2
    exit 1
  fi
  for spec in "${TOPICS[@]}"; do
    local name=${spec%%:*} parts=${spec##*:}
    if ! grep -q "\"$name\"\|^$name\$\|\b$name\b" <<<"$existing"; then
      "$bin" topic create "$name" --partitions "$parts" --broker "tcp://$KAFKA_BROKERS" >/dev/null 2>&1 || true
    fi
  done
}

stop_broker() {
  if [ -f "$WANGQIAN_STATE_DIR/tansu.pid" ]; then
    local pid; pid=$(cat "$WANGQIAN_STATE_DIR/tansu.pid")
    kill "$pid" 2>/dev/null || true
    # Wait for it to go, so that a start right after this finds the port free.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$WANGQIAN_STATE_DIR/tansu.pid"
    log "broker stopped"
  fi
}

case "${1:-start}" in
  start) start_postgres; start_broker; log "PostgreSQL on $PGHOST:$PGPORT, Kafka on $KAFKA_BROKERS" ;;
  stop) stop_broker ;;
  status)
    pg_isready -h "$PGHOST" -p "$PGPORT" || true
    if broker_up; then echo "broker: listening on $KAFKA_BROKERS"; else echo "broker: down"; fi ;;
  *) echo "usage: infra.sh start|stop|status" >&2; exit 2 ;;
esac
