#!/usr/bin/env bash
# Installs the Debian packages aster-tui and AsterKit build against, when missing (idempotent):
# pkg-config, libncurses-dev (the dashboard), libsecp256k1-dev (V3 signatures), zlib1g-dev (gzip
# replays), and tmux and openssl, which the tests use. Uses sudo when not root.
set -euo pipefail

need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v openssl >/dev/null 2>&1 || need+=(openssl)   # the TLS test makes a self-signed certificate
pkg-config --exists ncursesw 2>/dev/null || need+=(libncurses-dev)
pkg-config --exists libsecp256k1 2>/dev/null || need+=(libsecp256k1-dev)
pkg-config --exists zlib 2>/dev/null || need+=(zlib1g-dev)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${need[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
