#!/usr/bin/env bash
# One command on a fresh machine: install, build the embedding model and the index if missing,
# show the library, then serve the page on http://127.0.0.1:7860/ (Usage: ./run.sh)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
export HF_HUB_OFFLINE=1
if ! .venv/bin/policyqa library >/dev/null 2>&1; then
  .venv/bin/policyqa ingest
fi
.venv/bin/policyqa library
.venv/bin/policyqa models
exec .venv/bin/policyqa serve
