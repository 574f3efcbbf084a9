#!/usr/bin/env bash
# Installs Debian's headless Chromium and its matching chromedriver for the browser tests
# (the HTML report test drives `chromium` directly; the dashboard test drives it through
# Selenium and `chromedriver`), if they are missing. No browser is ever downloaded from
# elsewhere. Needs root (CI and the development machines run as root) and a reachable
# Debian mirror; prints what it does and exits non-zero if it cannot.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium/chromedriver are missing and installing them needs root: apt-get install chromium chromium-driver" >&2
  exit 1
fi
echo "installing chromium and chromium-driver (Debian packages) for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt process (a parallel setup) may hold the lock: wait for it rather than fail.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get update -qq
apt_get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
command -v chromium >/dev/null
command -v chromedriver >/dev/null
