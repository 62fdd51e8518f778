#!/usr/bin/env bash
# report.html as a browser sees it: renders the fixture reports with the real
# binary, loads each page in headless Chromium (--dump-dom, no network) and
# checks the DOM: the versions x checks matrix is there with the expected
# cells, and no hostile string became an element (<script>, <img>).
#   tests/render_browser.sh SPP_HARNESS_BIN REPORTS_DIR
# Exit 0 pass, 1 fail, 77 skipped (no Chromium installed: scripts/deps browser).
set -euo pipefail
bin=$1
reports=$2
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "render_browser: SKIPPED: no chromium (install it with scripts/deps browser)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dump() { # dump HTML_FILE DOM_FILE
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --dump-dom "file://$1" >"$2" 2>"$work/chromium.log" || {
    echo "render_browser: chromium failed on $1:"; cat "$work/chromium.log"; exit 1; }
}
fail() { echo "render_browser: FAIL: $*"; exit 1; }

for f in pass fail hostile; do
  "$bin" report render "$reports/$f/report.json" --format html -o "$work/$f.html"
  dump "$work/$f.html" "$work/$f.dom"
  grep -q '<table id="matrix">' "$work/$f.dom" || fail "$f: no matrix table in the DOM"
  if grep -qi '<script\|<img\|<iframe' "$work/$f.dom"; then
    fail "$f: an element was injected: $(grep -oi '<script[^>]*>\|<img[^>]*>' "$work/$f.dom" | head -3)"
  fi
done

# The fail fixture: 13 checks x 2 versions, one failing cell (2023-12-14 x response_schema_conformance).
cells=$(grep -o 'data-status="[a-z]*"' "$work/fail.dom" | wc -l)
[ "$cells" -eq 26 ] || fail "expected 26 matrix cells, the DOM has $cells"
grep -q '<th scope="row">response_schema_conformance</th><td class="pass" data-status="pass">16 passed</td><td class="fail" data-status="fail">16 failed / 16</td>' "$work/fail.dom" \
  || fail "the failing cell is not where it belongs"
[ "$(grep -o 'data-status="fail"' "$work/fail.dom" | wc -l)" -eq 1 ] || fail "more than one failing cell"
grep -q 'id="compliance-1"' "$work/fail.dom" || fail "no compliance table for 2023-12-14"
# Hostile strings are text in the DOM, not markup.
grep -q '&lt;script&gt;alert(6)&lt;/script&gt;' "$work/hostile.dom" || fail "hostile body not shown as text"
if [ -n "${SPP_SCREENSHOT:-}" ]; then
  "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --screenshot="$SPP_SCREENSHOT" --window-size=1280,2000 "file://$work/fail.html" 2>/dev/null
fi
echo "render_browser: ok (matrix, failing cell, compliance, no injected elements)"
