#!/usr/bin/env bash
# Renders resources/icons/attnscope.svg to the PNG sizes the desktop and the window use.
# Needs rsvg-convert (Debian: librsvg2-bin). The PNGs are committed; run this after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
for s in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$s" -h "$s" attnscope.svg -o "attnscope-$s.png"
done
echo "make-icons: $(ls attnscope-*.png | wc -l) PNGs"
