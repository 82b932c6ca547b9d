#!/bin/bash
# The soak: random actions in the real window for a while (run under xvfb-run). Drags,
# clicks, zoom and pan on the map; Enter / Shift+Enter / Esc / F; random clicks on the
# panels; sessions opened through Ctrl+O that switch between the bundled models, a broken
# bundle, a broken session file and a data set that does not exist. Ends by opening a good
# session and grabbing the screen. Prints the seed (replay: same seed, same actions), the
# number of actions, the peak RSS and the exit code.
# usage: soak.sh LATENTLAB_BIN SESSIONS_DIR OUT_DIR SECONDS SEED
set -u
BIN=$1 DIR=$2 OUT=$3 SECS=$4 SEED=$5
RANDOM=$SEED
W=1280 H=800
echo "soak: seed $SEED, $SECS s (replay with LATENTLAB_SOAK_SEED=$SEED)"
# Start on a broken bundle: the window must open anyway and say what is wrong.
"$BIN" --model "$DIR/broken-bundle" --data "$(cat "$DIR/data.txt")" --device cpu --size $W $H \
  > "$OUT/stdout.txt" 2> "$OUT/stderr.txt" &
PID=$!
WID=$(timeout 60 xdotool search --sync --onlyvisible --name '^LatentLab$' | head -1)
if [ -z "$WID" ]; then echo "soak: no window"; kill $PID 2>/dev/null; exit 10; fi
xdotool windowfocus --sync "$WID"
alive() { kill -0 $PID 2>/dev/null; }
peak=0
rss() {
  local r
  r=$(awk '/VmRSS/{print $2}' /proc/$PID/status 2>/dev/null)
  [ -n "$r" ] && [ "$r" -gt "$peak" ] && peak=$r
}
# Keys are held a moment: the app waits for events when idle and reads key state per frame.
key() { xdotool keydown "$@"; sleep 0.15; xdotool keyup "$@"; }
m() {  # inside the window (a negative number would read as an option)
  local x=$1 y=$2
  [ "$x" -lt 0 ] && x=0; [ "$y" -lt 0 ] && y=0
  [ "$x" -ge $W ] && x=$((W - 1)); [ "$y" -ge $H ] && y=$((H - 1))
  xdotool mousemove --window "$WID" "$x" "$y"
}
open_session() {
  key ctrl+o; sleep 0.4
  key ctrl+a
  xdotool type --delay 3 "$DIR/$1.json"
  key Return
  echo "soak: open $1" >> "$OUT/actions.txt"
}
sessions=(vae16 vae2 ldm ddpm broken-bundle broken-json bad-data vae16-small)
n=0
end=$((SECONDS + SECS))
while [ $SECONDS -lt $end ]; do
  alive || break
  rss
  x=$((20 + RANDOM % 580)); y=$((80 + RANDOM % 520))
  r=$((RANDOM % 100))
  if [ $r -lt 25 ]; then      # drag the decode cursor
    m $x $y; xdotool mousedown 1
    for k in 1 2 3 4; do m $((x + RANDOM % 120 - 60)) $((y + RANDOM % 120 - 60)); sleep 0.05; done
    xdotool mouseup 1
  elif [ $r -lt 37 ]; then    # click (select a point)
    m $x $y; xdotool click 1
  elif [ $r -lt 45 ]; then    # zoom
    m $x $y; xdotool click $((4 + RANDOM % 2))
  elif [ $r -lt 50 ]; then    # pan
    m $x $y; xdotool mousedown 3; m $((x + 40)) $((y - 30)); sleep 0.05; xdotool mouseup 3
  elif [ $r -lt 58 ]; then    # diffusion: run, step, cancel; fit
    keys=(Return shift+Return shift+Return Escape f)
    key "${keys[$((RANDOM % 5))]}"
  elif [ $r -lt 72 ]; then    # anywhere on the other panels (buttons, tabs, sliders, combos)
    m $((800 + RANDOM % 470)) $((60 + RANDOM % 730)); xdotool click 1
    key Escape                # close whatever popup that opened
  elif [ $r -lt 80 ]; then    # under the map: the Model and Performance panels
    m $((20 + RANDOM % 770)) $((630 + RANDOM % 160)); xdotool click 1
    key Escape
  else                        # a session: another model, a broken one, another data set
    open_session "${sessions[$((RANDOM % ${#sessions[@]}))]}"
  fi
  n=$((n + 1))
  sleep 0.$((1 + RANDOM % 3))
done
if alive; then
  # The end: a good session, then the screen as the user would see it.
  open_session vae16
  m 1270 795  # the mouse out of the way (no tooltip)
  for i in $(seq 20); do rss; sleep 0.5; done  # loading, encoding, the first decode
  /usr/bin/python3 -c "from PIL import ImageGrab; ImageGrab.grab().save('$OUT/final.png')" || echo "soak: no screen grab"
fi
echo "soak: actions $n peak_rss_kb $peak"
if alive; then
  key ctrl+q
  for i in $(seq 100); do alive || break; sleep 0.1; done
  wait $PID
  echo "soak: exit $?"
else
  wait $PID
  echo "soak: died with exit $?"
fi
