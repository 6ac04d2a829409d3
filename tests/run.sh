#!/usr/bin/env bash
# Installs what the tests need and runs them: Python packages from PyPI, and from Debian where missing Chromium for
# the browser tests (never a browser download of the test tool's own), coturn for the TURN tests, openssl for
# the HTTPS tests' certificate, redis-server for the Redis store, PostgreSQL 15 for the database tests and HAProxy
# for the tests of several processes behind a proxy (each test starts its own servers: no service is used).
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v turnserver >/dev/null || missing+=(coturn)
command -v openssl >/dev/null || missing+=(openssl)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql)
command -v haproxy >/dev/null || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
python -m tests.agora_sdk_cache >/dev/null  # the real Agora SDKs from npm, cached in .cache/ (not committed)
python -m ruff check .
if [ $# -gt 0 ]; then
  exec python -m pytest "$@"
fi
# The full run: two workers, a test file each at a time (most of a browser test is waiting on a browser or a
# timer, and every test starts its own servers on free ports), the slowest tests listed at the end; then the call
# tests once more on stock NiceGUI (ui/nicegui_tuning/ off).
python -m pytest -n 2 --dist loadfile --durations=20
NICEGUI_TUNING=off python -m pytest -n 2 --dist loadfile tests/test_browser_calls.py tests/test_browser_video_call.py
