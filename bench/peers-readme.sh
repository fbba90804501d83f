#!/usr/bin/env bash
# Copies the summary table of a peers report (bench/results/DATE-peers.json, written by bench/peers-run.sh) into
# README.md, between the lines "<!-- peers-summary:begin ... -->" and "<!-- peers-summary:end -->".
#   bench/peers-readme.sh [bench/results/DATE-peers.json]      (default: the newest report)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
json="${1:-$(ls -1 "$here"/results/*-peers.json 2>/dev/null | sort | tail -1)}"
[ -n "$json" ] && [ -f "$json" ] || { echo "peers-readme: no report JSON (run bench/peers-run.sh first)" >&2; exit 1; }
case "$json" in *.json) ;; *) echo "peers-readme: $json is not a report JSON; pass bench/results/DATE-peers.json (the .json next to the .md)" >&2; exit 2 ;; esac
dll="$here/NeuroCore.Bench.Peers/bin/Release/net10.0/NeuroCore.Bench.Peers.dll"
[ -f "$dll" ] || { export NUGET_CERT_REVOCATION_MODE=offline; dotnet build -c Release "$here/NeuroCore.Bench.Peers" -nologo -v quiet; }
dotnet "$dll" readme --json "$json" --readme "$here/../README.md"
