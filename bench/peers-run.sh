#!/usr/bin/env bash
# Runs the side-by-side harness: set-up (build + libLibTorchSharp.so patch + smoke test), then one fresh process per
# (workload, threads) as WORKLOADS.md asks, then the report bench/results/DATE-peers.md and .json.
#   bench/peers-run.sh [--quick] [--workloads "w1 w2"] [--threads "1 2"]
# --quick: 7 repetitions instead of 9, and a shorter wait for a quiet machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
quick=""; workloads="w1 w2"; threads="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick="--quick"; shift ;;
    --workloads) workloads="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "usage: $0 [--quick] [--workloads \"w1 w2\"] [--threads \"1 2\"]" >&2; exit 2 ;;
  esac
done

bash "$here/peers-setup.sh"
dll="$here/NeuroCore.Bench.Peers/bin/Release/net10.0/NeuroCore.Bench.Peers.dll"
mkdir -p "$here/results"
stem="$here/results/$(date -u +%Y-%m-%d)-peers"
lines="$(mktemp)"
trap 'rm -f "$lines"' EXIT
for w in $workloads; do
  extra=""; [ "$w" = w2 ] && extra="--script"
  for t in $threads; do
    echo "== $w, $t thread(s)"
    dotnet "$dll" run --workload "$w" --threads "$t" --out "$lines" $quick $extra
  done
done
dotnet "$dll" report --in "$lines" --md "$stem.md" --json "$stem.json"
