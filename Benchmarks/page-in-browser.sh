#!/usr/bin/env bash
# The status page of a large fleet as a browser gets it: its bytes, its element count, and
# headless Chromium's time from navigation to the load event (three loads, each in a fresh
# tab). The page is page-bench's: N Kea servers, one pair in ten in partner-down, through the
# real templates, assets and gate.
#
#   bash Benchmarks/page-in-browser.sh               # 10,000 and 50,000 servers
#   bash Benchmarks/page-in-browser.sh 2000 10000    # other sizes
#
# Needs chromium and Python's websocket-client (as the browser tests do).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --package-path Benchmarks --product page-bench >/dev/null
bench="$(swift build -c release --package-path Benchmarks --show-bin-path)/page-bench"
chromium="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
folder="$(mktemp -d)"
trap 'rm -rf "$folder"' EXIT
field() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }
host="$(field 'model name') family $(field 'cpu family') model $(field 'model')"
echo "host: $host, $(nproc) cpus, $("$chromium" --version)"
printf '%8s %12s %9s  %s\n' servers bytes elements "load event (ms), three loads"
sizes=("$@")
if [[ ${#sizes[@]} -eq 0 ]]; then sizes=(10000 50000); fi
for servers in "${sizes[@]}"; do
  page="$folder/page-$servers.html"
  "$bench" --servers "$servers" --iterations 1 --write "$page" >/dev/null
  python3 - "$page" > "$folder/cases.json" <<'PY'
import json, sys, pathlib
url = pathlib.Path(sys.argv[1]).as_uri()
timing = ("(() => { const n = performance.getEntriesByType('navigation')[0];"
          " return [document.getElementsByTagName('*').length, Math.round(n.loadEventEnd)]; })()")
print(json.dumps([{"url": url, "width": 1280, "height": 900, "evaluate": [timing]}] * 3))
PY
  python3 Tests/FailoverReportTests/Fixtures/browser/cdp.py "$chromium" < "$folder/cases.json" \
    > "$folder/results.json"
  python3 - "$servers" "$(stat -c %s "$page")" "$folder/results.json" <<'PY'
import json, sys
servers, size, results = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
elements = results[0][0][0]
loads = [case[0][1] for case in results]
print(f"{int(servers):8,} {size:12,} {elements:9,}  {', '.join(map(str, loads))}")
PY
done
