#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium (health-service's status-page test opens the page in it,
# headless); installs the package when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "chromium not found: installing it (apt-get install chromium)" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "not root: run 'sudo apt-get install -y chromium' first" >&2
  exit 1
fi
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "chromium did not install" >&2; exit 1; }
