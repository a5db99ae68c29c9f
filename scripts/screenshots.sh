#!/usr/bin/env bash
# Takes the README's screenshots from the real program: aster-tui --demo in tmux, captured with
# colours (tmux capture-pane -e) and rendered to PNG by scripts/ansi_to_png.py.
# Needs: tmux, python3 with Pillow (pip install pillow), fonts-dejavu-core.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product aster-tui >/dev/null
bin=$(swift build --show-bin-path)/aster-tui
out=screenshots
tmp=$(mktemp -d)
trap 'for s in shots-full shots-pane shots-account; do tmux kill-session -t $s 2>/dev/null; done; rm -rf "$tmp"' EXIT

shoot() { # session cols rows file
  tmux capture-pane -e -p -t "$1" > "$tmp/$4.txt"
  python3 scripts/ansi_to_png.py "$tmp/$4.txt" "$out/$4.png" "$2" "$3"
  echo "wrote $out/$4.png"
}

tmux new-session -d -s shots-full -x 120 -y 40 "env -u NO_COLOR TERM=xterm-256color $bin --demo --seed 7"
sleep "${SETTLE:-20}"
shoot shots-full 120 40 dashboard
tmux send-keys -t shots-full '?'
sleep 1
shoot shots-full 120 40 help
tmux send-keys -t shots-full Escape Down Down
sleep 4
shoot shots-full 120 40 dashboard-switched
tmux send-keys -t shots-full q

tmux new-session -d -s shots-pane -x 40 -y 10 "env -u NO_COLOR TERM=xterm-256color $bin --demo --pane book"
sleep 5
shoot shots-pane 40 10 tmux-pane-book
tmux send-keys -t shots-pane q

tmux new-session -d -s shots-account -x 40 -y 10 "env -u NO_COLOR TERM=xterm-256color $bin --demo --pane account"
sleep 15
shoot shots-account 40 10 tmux-pane-account
tmux send-keys -t shots-account q
