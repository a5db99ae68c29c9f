#!/usr/bin/env bash
# Dashboard budget: CPU and memory of `aster-tui --demo` at 10 Hz, measured from /proc while it
# runs in tmux. Usage: scripts/bench_dashboard.sh [SECONDS] [RATE]
# Prints the process CPU use (percent of one core) and resident memory at the start and end.
# Note: in --demo the simulator runs inside the same process, so the figure includes it; the
# separate "sim only" line measures `aster-tui sim` alone at the same rate for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
swift build -c release --product aster-tui >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)/aster-tui
hz=$(getconf CLK_TCK)

measure() { # pid seconds -> "cpu% rss_start rss_end"
  local pid=$1 secs=$2
  sleep 5  # warm up
  local t0 r0 t1 r1
  t0=$(awk '{print $14+$15}' /proc/$pid/stat); r0=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  sleep "$secs"
  t1=$(awk '{print $14+$15}' /proc/$pid/stat); r1=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  echo "$(( (t1 - t0) * 100 / hz / secs ))% $((r0 / 1024))MiB $((r1 / 1024))MiB"
}

tmux kill-session -t bench-dash 2>/dev/null || true
tmux new-session -d -s bench-dash -x 120 -y 40 "env -u NO_COLOR $bin --demo --refresh-ms 100"
sleep 1
pid=$(pgrep -n -f "$bin --demo")
echo "dashboard + embedded simulator, ${seconds}s: $(measure "$pid" "$seconds") (cpu of one core, rss start, rss end)"
tmux send-keys -t bench-dash q
sleep 1

"$bin" sim --port 0 --rate 3000 2>/dev/null &
sim=$!
echo "simulator alone, ${seconds}s:            $(measure "$sim" "$seconds")"
kill $sim
