#!/usr/bin/env bash
# Install if needed, then run the whole test suite (model tests included). (Usage: ./test.sh)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
