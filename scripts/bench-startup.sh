#!/usr/bin/env bash
# Start-up benchmark of the desktop app in a real X display (Xvfb unless DISPLAY is set):
#   window   launch -> main window painted and the event loop idle (the welcome page, usable)
#   result   launch -> first result shown, for vit-tiny on a photo and stories260K on a text
# Each case runs RUNS times (default 11) after one warm-up; prints median, min and max in ms.
# The app reports the times itself (ATTNSCOPE_STARTUP_PROBE, ui/app/startup_probe.h).
# Usage: scripts/bench-startup.sh [BUILD_DIR]     Needs xvfb and the shared models.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shared=${ATTNSCOPE_SHARED_DIR:-$here/../shared}
app=$build/bin/attnscope
runs=${RUNS:-11}

if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1440x900x24" "$0" "$build"
fi
export XDG_CONFIG_HOME=$(mktemp -d)  # fresh settings: no restored session or recent models
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT

once() {  # once KEY ARGS...: one launch, prints the time the app reported for KEY
  local key=$1; shift
  local out
  out=$(ATTNSCOPE_STARTUP_PROBE=$(date +%s%N) "$app" "$@" 2>/dev/null) || { echo "attnscope failed: $out" >&2; return 1; }
  awk -v k="$key" '$1 == k { print $2 }' <<<"$out"
}

bench() {  # bench NAME KEY ARGS...
  local name=$1 key=$2; shift 2
  once "$key" "$@" >/dev/null
  local times=()
  for ((i = 0; i < runs; ++i)); do times+=("$(once "$key" "$@")"); done
  printf '%s\n' "${times[@]}" | sort -g | awk -v name="$name" -v n="$runs" '
    { t[NR] = $1 } END { printf "%-34s median %7.1f ms   min %7.1f   max %7.1f   (%d runs)\n", name, t[int((n + 1) / 2)], t[1], t[n], n }'
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)   cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
bench "window (welcome page)" window_ms
bench "window, vit-tiny + photo given" window_ms --model "$shared/models/vit-tiny-patch16-224" --image "$here/samples/images/chelsea.png"
bench "first result, vit-tiny on a photo" result_ms --model "$shared/models/vit-tiny-patch16-224" --image "$here/samples/images/chelsea.png" --run
bench "first result, stories260K on text" result_ms --model "$shared/models/stories260K" --text-file "$here/samples/texts/02-coreference-animal.txt" --run
