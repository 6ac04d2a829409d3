#!/usr/bin/env bash
# Installs what the tests need and runs them: Python packages from PyPI, and Debian's Chromium for the
# browser tests where none is installed (never a browser download of the test tool's own).
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
fi
python -m tests.agora_sdk_cache >/dev/null  # the real Agora SDKs from npm, cached in .cache/ (not committed)
python -m ruff check .
python -m pytest "$@"
