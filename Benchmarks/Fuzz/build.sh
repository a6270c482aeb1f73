#!/usr/bin/env bash
# Builds the libFuzzer targets of docs/fuzzing.md into ${FUZZ_OUT:-/tmp/failover-fuzz}.
#
# SwiftPM cannot link a libFuzzer binary (its executables bring their own `main`, and libFuzzer
# supplies one), so this compiles with swiftc directly: the modules a target needs (Snapshot,
# Assessment, JSONText, Yams with its C part) as static libraries, then each target in one module with the
# sources it exercises. Everything is instrumented for coverage and built with AddressSanitizer.
# Run from the repository root after `swift package resolve` (for Yams' sources).
set -euo pipefail
out=${FUZZ_OUT:-/tmp/failover-fuzz}
mkdir -p "$out/cyaml"
sanitize=(-sanitize=fuzzer,address -parse-as-library -O -use-ld=lld)
yams=.build/checkouts/Yams/Sources
[ -d "$yams" ] || swift package resolve

library() {  # library NAME SOURCES... : a static library and its module in $out
  local name=$1
  shift
  # Rebuilt only when one of its sources is newer than the library.
  if [ -f "$out/lib$name.a" ] && [ -z "$(find "$@" -newer "$out/lib$name.a" 2>/dev/null)" ]; then
    return
  fi
  swiftc "${sanitize[@]}" -emit-library -static -emit-module -module-name "$name" \
    -I "$out" -I "$yams/CYaml/include" -Xcc -DYAML_DECLARE_STATIC "$@" -o "$out/lib$name.a"
}

library Snapshot Sources/Snapshot/*.swift
library Assessment Sources/Assessment/*.swift
library JSONText Sources/JSONText/*.swift

if [ ! -f "$out/libCYaml.a" ]; then
  for c in "$yams"/CYaml/src/*.c; do
    clang -O1 -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" \
      -c "$c" -o "$out/cyaml/$(basename "$c" .c).o"
  done
  ar rcs "$out/libCYaml.a" "$out"/cyaml/*.o
fi
library Yams -D SWIFT_PACKAGE "$yams"/Yams/*.swift

target() {  # target NAME SOURCES... : one fuzzer binary $out/fuzz-NAME
  local name=$1
  shift
  swiftc "${sanitize[@]}" -I "$out" -I "$yams/CYaml/include" "$@" \
    "$out/libAssessment.a" "$out/libSnapshot.a" "$out/libJSONText.a" "$out/libYams.a" \
    "$out/libCYaml.a" \
    -o "$out/fuzz-$name"
  echo "built $out/fuzz-$name"
}

support=Benchmarks/Fuzz/FuzzSupport.swift
target template -D FUZZ_SINGLE_MODULE Sources/Templating/*.swift Benchmarks/Fuzz/FuzzTemplate.swift
target leases Sources/Collectors/LeasesFileReader.swift $support Benchmarks/Fuzz/FuzzLeases.swift
target omapi Sources/Collectors/OMAPIMessage.swift Sources/Collectors/OMAPIFailoverState.swift \
  $support Benchmarks/Fuzz/FuzzOMAPI.swift
target kea-json Sources/Collectors/JSONValue.swift Sources/Collectors/KeaAnswerDecoder.swift \
  $support Benchmarks/Fuzz/FuzzKeaJSON.swift
target inventory Sources/Collectors/Inventory.swift Sources/Collectors/InventoryError.swift \
  Sources/Collectors/InventoryParser.swift Sources/Collectors/OMAPIEndpoint.swift \
  Sources/Collectors/EditorPosition.swift \
  Benchmarks/Fuzz/FuzzInventory.swift
