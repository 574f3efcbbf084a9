#!/usr/bin/env bash
# Installs Debian's headless Chromium for the browser tests, if it is missing.
# Needs root (CI and the development machines run as root) and a reachable
# Debian mirror; prints what it does and exits non-zero if it cannot.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing and installing it needs root: apt-get install chromium" >&2
  exit 1
fi
echo "installing chromium (Debian package) for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null
