#!/usr/bin/env bash
# Install if needed (Debian's Chromium too, for the browser test), then run the whole test suite
# (model and browser tests included). (Usage: ./test.sh)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
bash scripts/install_browser.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
