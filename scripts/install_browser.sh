#!/usr/bin/env bash
# Headless Chromium for the browser tests (tests/ui) and a Chinese font for readable screenshots:
# Debian's packages, installed when missing.
# Playwright drives it through executable_path; `playwright install` cannot download browsers here.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q .; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
/usr/bin/chromium --version
