#!/usr/bin/env bash
# Installs what Attnscope needs from Debian 12's packages.
#   scripts/install-deps.sh          build and run the app
#   scripts/install-deps.sh --test   also what the test suite needs
# Runs apt-get as root, through sudo when not root.
set -euo pipefail

build=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev
  qt6-tools-dev qt6-l10n-tools qt6-translations-l10n fonts-noto-cjk
  libeigen3-dev libopencv-dev nlohmann-json3-dev libicu-dev libcli11-dev zlib1g-dev
  libboost-graph-dev libopenblas-dev libcurl4-openssl-dev libssl-dev
)
test=(
  libgtest-dev python3-numpy python3-networkx python3-torch time parallel
  xvfb xauth imagemagick poppler-utils xdotool
  clang libclang-rt-14-dev libomp-dev
)

packages=("${build[@]}")
if [[ "${1:-}" == "--test" ]]; then
  packages+=("${test[@]}")
  # Node.js and npm run Hugging Face's own tokenizers (tests/tokenizer_diff). A machine with
  # NodeSource's nodejs has npm inside it, and Debian's npm package would conflict with it.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"

# The tokenizer references, pinned by scripts/node/package-lock.json, go to a cache folder outside
# the source tree; tests find it through ATTNSCOPE_NODE_DIR (the same default).
if [[ "${1:-}" == "--test" ]]; then
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  node_dir=${ATTNSCOPE_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/attnscope/node}
  mkdir -p "$node_dir"
  if ! cmp -s "$here/node/package-lock.json" "$node_dir/package-lock.json" || [[ ! -d "$node_dir/node_modules/tokenizers" ]]; then
    cp "$here/node/package.json" "$here/node/package-lock.json" "$node_dir/"
    (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  echo "install-deps: tokenizer references in $node_dir"
fi
