#!/usr/bin/env bash
# Runs one fuzz target of docs/fuzzing.md: run.sh TARGET [RUNS] [MAX_LEN]
# (targets: template leases omapi kea-json inventory). Uses what build.sh and corpus.py made in
# ${FUZZ_OUT:-/tmp/failover-fuzz}; new interesting inputs go to $FUZZ_OUT/work/TARGET, a crash to
# $FUZZ_OUT/crash-*. Exits non-zero on a crash, a hang (-timeout) or a sanitizer report.
set -euo pipefail
out=${FUZZ_OUT:-/tmp/failover-fuzz}
target=$1
runs=${2:-1000000}
max_len=${3:-4096}
mkdir -p "$out/work/$target"
# Swift's own crash handler reads memory AddressSanitizer then reports; libFuzzer's is enough.
export SWIFT_BACKTRACE=enable=no
# -detect_leaks=0: see "Leaks" in docs/fuzzing.md.
exec "$out/fuzz-$target" -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
  -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$out/" \
  "$out/work/$target" "$out/corpus/$target"
