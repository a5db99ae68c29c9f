#!/usr/bin/env bash
# Checks the README's first line on a clean Debian 12: a debootstrap'd minimal system with only the
# libraries the Swift toolchain itself needs (no pkg-config, tmux, ncurses, secp256k1 or zlib
# headers), the toolchain bind-mounted from /opt/swift, and a fresh clone of this repository.
# Runs `bash scripts/install-deps.sh && swift run aster-tui --demo` there in tmux and prints the
# screen. Needs root, debootstrap and Debian's package mirror. Usage: scripts/fresh_machine_check.sh [DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-/tmp/aster-fresh-debian}"

if [ ! -x "$root/bin/bash" ]; then
  debootstrap --variant=minbase \
    --include=ca-certificates,git,libcurl4,libxml2,libedit2,libsqlite3-0,libpython3.11,python3,binutils,gcc,libc6-dev,libstdc++-12-dev,libgcc-12-dev,libncurses6,libz3-4,tzdata,procps \
    bookworm "$root" http://deb.debian.org/debian
fi
mkdir -p "$root/opt/swift" "$root/opt/swift-packages" "$root/src"
cleanup() { for m in src dev/pts dev proc opt/swift-packages opt/swift; do umount "$root/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
mount --bind /opt/swift "$root/opt/swift"
[ -d /opt/swift-packages ] && mount --bind /opt/swift-packages "$root/opt/swift-packages"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount --bind "$repo" "$root/src"
cp /etc/resolv.conf "$root/etc/"
# Swift packages resolve from the machine's local copies, as on the host.
git config --global --get-regexp '^url\.' | while read -r key value; do
  chroot "$root" git config --system --add "$key" "$value"
done
chroot "$root" git config --system safe.directory '*'

chroot "$root" /bin/bash -c '
  set -e
  export PATH=$PATH:/opt/swift/usr/bin HOME=/root LANG=C.UTF-8 TERM=xterm-256color
  for tool in pkg-config tmux; do command -v $tool >/dev/null && echo "unexpected: $tool present" || true; done
  cd /root && rm -rf aster && git clone -q /src aster && cd aster
  bash scripts/install-deps.sh && swift build --product aster-tui
  tmux new -d -s fresh -x 120 -y 40 "bash scripts/install-deps.sh && swift run aster-tui --demo"
  sleep 30
  tmux capture-pane -p -t fresh
  tmux kill-server
'
