#!/usr/bin/env bash
# Fails if a user-visible string of ui/ has no finished translation in a .ts file: lupdate runs
# over the sources into a copy of each .ts, which must then hold no unfinished, vanished or
# obsolete entry (a new tr() string arrives unfinished; a changed one leaves a vanished entry).
#   translations_complete.sh LUPDATE SOURCE_DIR TS_FILE...
set -euo pipefail
lupdate=$1 src=$2
shift 2
status=0
for ts in "$@"; do
  copy=$(mktemp --suffix=.ts)
  cp "$ts" "$copy"
  "$lupdate" -silent -locations none "$src/ui" -ts "$copy" 2>"$copy.log" || { cat "$copy.log"; exit 1; }
  total=$(grep -c '<message' "$copy" || true)
  bad=$(grep -cE 'type="(unfinished|vanished|obsolete)"' "$copy" || true)
  if [[ "$bad" -ne 0 ]]; then
    echo "$(basename "$ts"): $bad of $total strings lack a finished translation:"
    grep -B3 -E 'type="(unfinished|vanished|obsolete)"' "$copy" | grep '<source>' | head -20
    status=1
  else
    echo "$(basename "$ts"): all $total strings translated"
  fi
  rm -f "$copy" "$copy.log"
done
exit $status
