#!/usr/bin/env bash
# What a new user gets (README, Quick start), checked end to end on this machine:
#  1. a clone of HEAD in an empty folder, with no ../shared beside it, builds and passes the
#     README's test command (tests that need ../shared skip and say so);
#  2. `cmake --install` into a temporary prefix (and with DESTDIR): the installed attnscope-cli
#     runs the built-in ViT on a sample photo and the built-in stories260K on a text, finding
#     them relative to itself;
#  3. `cpack -G DEB` makes attnscope_<version>_<arch>.deb, `dpkg -i` installs it (as root), the
#     installed attnscope-cli runs and attnscope shows a result offscreen; then it is removed.
# Usage: scripts/check-fresh-clone.sh [--keep]   (--keep leaves the temporary folder)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
keep=${1:-}
tmp=$(mktemp -d /tmp/attnscope-fresh.XXXXXX)
chmod 755 "$tmp"  # the read-only-folder test runs the CLI as nobody, who must reach the built-in models
cleanup() { if [[ "$keep" != --keep ]]; then rm -rf "$tmp"; else echo "kept $tmp"; fi; }
trap cleanup EXIT
log() { echo "fresh-clone: $*"; }
t0=$SECONDS

git clone -q "$repo" "$tmp/attnscope"
cd "$tmp/attnscope"
[[ ! -e ../shared ]] || { echo "fresh-clone: ../shared exists beside the clone" >&2; exit 1; }
log "clone $(du -sh --exclude=build . | cut -f1) in $(du -sh .git | cut -f1) of git objects"

# 1. The README's second command, as written, without ATTNSCOPE_REQUIRE_SHARED.
if ! ( unset ATTNSCOPE_REQUIRE_SHARED ATTNSCOPE_SHARED_DIR ATTNSCOPE_DATA_DIR
       scripts/install-deps.sh --test && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release &&
         cmake --build build && ctest --test-dir build --output-on-failure -j2 ) >"$tmp/build.log" 2>&1; then
  tail -n 80 "$tmp/build.log"
  echo "fresh-clone: the README's test command failed in a clone without ../shared" >&2
  exit 1
fi
log "$(grep -E 'tests passed' "$tmp/build.log"), $(grep -c '(Skipped)' "$tmp/build.log" || true) skipped for want of ../shared"
log "build and tests in $((SECONDS - t0)) s"

check_cli() {  # check_cli CLI DATA_DIR: the built-in models through an installed attnscope-cli
  local cli=$1 data=$2 out=$tmp/out
  rm -rf "$out"; mkdir -p "$out"
  env -u ATTNSCOPE_DATA_DIR "$cli" attend --model builtin:vit-tiny --image "$data/samples/images/chelsea.png" --out "$out/cat.json" >/dev/null
  grep -q '"Egyptian cat"' "$out/cat.json" || { echo "fresh-clone: $cli: no 'Egyptian cat' in the ViT result" >&2; exit 1; }
  env -u ATTNSCOPE_DATA_DIR "$cli" attend --model builtin:stories260K --text "Once upon a time" --out "$out/story.npz" >/dev/null
  [[ -s "$out/story.npz" ]] || { echo "fresh-clone: $cli: no stories260K result" >&2; exit 1; }
  log "$cli: built-in vit-tiny says Egyptian cat, stories260K ran"
}

# 2. Installed trees: a prefix, and a DESTDIR staging root.
cmake --install build --prefix "$tmp/prefix" >/dev/null
check_cli "$tmp/prefix/bin/attnscope-cli" "$tmp/prefix/share/attnscope"
DESTDIR="$tmp/stage" cmake --install build --prefix /opt/attnscope >/dev/null
check_cli "$tmp/stage/opt/attnscope/bin/attnscope-cli" "$tmp/stage/opt/attnscope/share/attnscope"
for f in share/applications/attnscope.desktop share/metainfo/io.github.attnscope.Attnscope.metainfo.xml share/doc/attnscope/copyright \
         share/icons/hicolor/256x256/apps/attnscope.png share/icons/hicolor/scalable/apps/attnscope.svg; do
  [[ -f "$tmp/prefix/$f" ]] || { echo "fresh-clone: not installed: $f" >&2; exit 1; }
done

# 3. The Debian package.
if [[ $(id -u) -ne 0 ]]; then
  log "not root: the .deb is built but not installed"
  (cd build && cpack -G DEB >/dev/null)
  exit 0
fi
(cd build && cpack -G DEB >/dev/null)
deb=$(ls build/attnscope_*.deb)
log "$(basename "$deb"): $(du -h "$deb" | cut -f1), depends: $(dpkg-deb -f "$deb" Depends)"
trap 'dpkg -r attnscope >/dev/null 2>&1 || true; cleanup' EXIT
# dpkg does not fetch dependencies; on a machine that lacks one, apt-get -f completes the install.
if ! dpkg -i "$deb" >/dev/null 2>&1; then
  log "dpkg -i left dependencies unmet; apt-get -f install"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -f install -y -qq --no-install-recommends >/dev/null
fi
status=$(dpkg-query -W -f='${Status}' attnscope 2>/dev/null || true)
[[ "$status" == "install ok installed" ]] || { echo "fresh-clone: the .deb did not install ($status)" >&2; exit 1; }
check_cli /usr/bin/attnscope-cli /usr/share/attnscope
probe=$(XDG_CONFIG_HOME=$tmp/xdg QT_QPA_PLATFORM=offscreen ATTNSCOPE_STARTUP_PROBE=$(date +%s%N) timeout 120 \
  /usr/bin/attnscope --model builtin:vit-tiny --image /usr/share/attnscope/samples/images/chelsea.png --run --view image)
grep -q '^result_ms' <<<"$probe" || { echo "fresh-clone: the installed attnscope showed no result: $probe" >&2; exit 1; }
log "installed attnscope showed the ViT result offscreen ($(awk '$1 == "result_ms" { print $2 }' <<<"$probe") ms)"
log "all checks passed in $((SECONDS - t0)) s"
