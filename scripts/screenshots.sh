#!/usr/bin/env bash
# Takes the README's screenshots from the real program: aster-tui --demo in tmux, captured with
# colours (tmux capture-pane -e) and rendered to PNG by scripts/ansi_to_png.py.
# Needs: tmux, python3 with Pillow (pip install pillow), fonts-dejavu-core.
# BIN=path/to/aster-tui uses that binary instead of building one. A blank (mostly one-colour)
# capture fails the script (ansi_to_png.py checks every image).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  swift build --product aster-tui >/dev/null
  BIN=$(swift build --show-bin-path)/aster-tui
fi
bin=$BIN
out=screenshots
tmp=$(mktemp -d)
sessions="shots-full shots-pane shots-account shots-table shots-light shots-alerts shots-replay shots-heat shots-views shots-blind shots-help"
trap 'for s in $sessions; do tmux kill-session -t $s 2>/dev/null; done; rm -rf "$tmp"' EXIT
# The screenshots' own config (no alerts, default theme), whatever the user's file says.
cfg="$tmp/config.toml"
: > "$cfg"

shoot() { # session cols rows file [dark|light]
  tmux capture-pane -e -p -t "$1" > "$tmp/$4.txt"
  python3 scripts/ansi_to_png.py "$tmp/$4.txt" "$out/$4.png" "$2" "$3" "${5:-dark}"
  echo "wrote $out/$4.png"
}

# ONLY=views takes only the heatmap, chart flow, grid and help screenshots.
if [ "${ONLY:-}" != views ]; then
tmux new-session -d -s shots-full -x 120 -y 40 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7 --config $cfg"
sleep "${SETTLE:-20}"
shoot shots-full 120 40 dashboard
tmux send-keys -t shots-full '?'
sleep 1
shoot shots-full 120 40 help
tmux send-keys -t shots-full Escape Down Down
sleep 4
shoot shots-full 120 40 dashboard-switched
tmux send-keys -t shots-full q

tmux new-session -d -s shots-pane -x 40 -y 10 "env -u NO_COLOR TERM=xterm-256color $bin --demo --pane book --config $cfg"
sleep "${PANE_SETTLE:-15}"
shoot shots-pane 40 10 tmux-pane-book
tmux send-keys -t shots-pane q

tmux new-session -d -s shots-account -x 50 -y 12 "env -u NO_COLOR TERM=xterm-256color $bin --demo --pane account --config $cfg"
sleep 15
shoot shots-account 50 12 tmux-pane-account
tmux send-keys -t shots-account q

# The account table at a comfortable width: every column, liquidation price included.
tmux new-session -d -s shots-table -x 110 -y 14 "env -u NO_COLOR TERM=xterm-256color $bin --demo --pane account --config $cfg"
sleep 25
shoot shots-table 110 14 account-table
tmux send-keys -t shots-table q

# The light theme, as on a light terminal background, with the line chart.
tmux new-session -d -s shots-light -x 120 -y 40 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7 --config $cfg --theme light --chart-style line"
sleep "${SETTLE:-20}"
shoot shots-light 120 40 dashboard-light light
tmux send-keys -t shots-light q

# Alerts: a rule that fires at once (flashing in the status bar), then the alert overlay.
cat > "$tmp/alerts.toml" <<'TOML'
[alerts]
bell = false
[[alerts.rule]]
kind = "price-above"
symbol = "BTCUSDT"
value = "90000"
[[alerts.rule]]
kind = "move"
symbol = "ETHUSDT"
value = "0.05"
minutes = 5
[[alerts.rule]]
kind = "liquidation-above"
value = "1000"
TOML
tmux new-session -d -s shots-alerts -x 120 -y 40 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7 --config $tmp/alerts.toml"
sleep "${PANE_SETTLE:-15}"
tmux send-keys -t shots-alerts A
sleep 1
shoot shots-alerts 120 40 alerts-overlay
tmux send-keys -t shots-alerts q
# Replay as time travel: 40 s of the simulator's BTCUSDT streams recorded by `stream --record`,
# replayed, a minute forward (clamped to the end), back 10 min (to the start), ×4, then paused.
"$bin" sim --port 18977 --rate 2000 --warmup 30m --seed 7 >/dev/null 2>&1 &
simpid=$!
sleep "${SIM_SETTLE:-8}"
"$bin" stream --url ws://127.0.0.1:18977 --timeout 40 --record "$tmp/replay.rec" btcusdt@aggTrade btcusdt@depth20@100ms \
  btcusdt@kline_1m btcusdt@markPrice@1s '!ticker@arr' '!forceOrder@arr' >/dev/null 2>&1 || true
kill $simpid 2>/dev/null || true
tmux new-session -d -s shots-replay -x 120 -y 40 "env -u NO_COLOR TERM=xterm-256color $bin --replay $tmp/replay.rec --config $cfg"
sleep 25
tmux send-keys -t shots-replay -l '>>'
tmux send-keys -t shots-replay Space
sleep 1
shoot shots-replay 120 40 replay
tmux send-keys -t shots-replay q
fi

# The depth heatmap alone (--pane heatmap), after a minute of samples.
tmux new-session -d -s shots-heat -x 120 -y 36 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7 --pane heatmap --config $cfg"
sleep "${HEAT_SETTLE:-75}"
shoot shots-heat 120 36 heatmap
tmux send-keys -t shots-heat q

# Every view of one run: the chart with VWAP and CVD (full layout), H (heatmap in the chart's
# place), m (the grid of every symbol).
tmux new-session -d -s shots-views -x 140 -y 44 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7 --config $cfg"
sleep "${VIEWS_SETTLE:-60}"
shoot shots-views 140 44 chart-flow
tmux send-keys -t shots-views H
sleep 1
shoot shots-views 140 44 heatmap-in-layout
tmux send-keys -t shots-views H m
sleep 3
shoot shots-views 140 44 grid
# The help in two columns (every key on one screen from about 120 columns).
tmux send-keys -t shots-views m '?'
sleep 1
shoot shots-views 140 44 help
tmux send-keys -t shots-views Escape q

# The heatmap on a light background with the colour-blind ramp.
tmux new-session -d -s shots-blind -x 100 -y 30 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7 --pane heatmap --theme light --colorblind --config $cfg"
sleep "${HEAT_SETTLE:-75}"
shoot shots-blind 100 30 heatmap-light-colorblind light
tmux send-keys -t shots-blind q

# The help at 80x24: paged.
tmux new-session -d -s shots-help -x 80 -y 24 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7 --config $cfg"
sleep "${PANE_SETTLE:-15}"
tmux send-keys -t shots-help '?'
sleep 1
shoot shots-help 80 24 help-80x24
tmux send-keys -t shots-help q
