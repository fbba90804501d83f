#!/usr/bin/env bash
# The ESL-SNN study (issue 6) from a fresh clone: dense vs static sparse vs ESL (random and gradient growth) at 10 %
# density, 3 seeds, on Fashion-MNIST and DVS-FMNIST, then the density sweep; one training process at a time, one
# thread, under `nice -n 19`. Reports go to results/ (beside this script); a run whose report exists is skipped, so
# an interrupted study resumes. `run-study.sh table` prints the Markdown table of every report in results/.
#
# usage: run-study.sh [all|fmnist|dvs|sweep|table]...      (default: all = fmnist dvs sweep, then table)
# sizes (environment; the defaults are the committed study):
#   FMNIST_TRAIN=60000 FMNIST_TEST=10000 FMNIST_EPOCHS=20 FMNIST_REWIRE=200   (469 iterations per epoch)
#   DVS_TRAIN=3000 DVS_TEST=1000 DVS_EPOCHS=10 DVS_REWIRE=10                 (24 iterations per epoch)
#   SEEDS="1 2 3" SWEEP_SEEDS="1" SWEEP_DENSITIES="0.05 0.2 0.5" THREADS=1
#   ARMS="dense static esl-random esl-gradient" (10 % phases) SWEEP_ARMS="static esl-random esl-gradient"
#   DVS_LAYERS=masked (the committed DVS runs: dense-mask convolutions) or csr (CSR convolutions, the CLI default)
# needs: the .NET SDK of global.json, jq (table), Fashion-MNIST IDX files (package dataset-fashion-mnist, or
# FMNIST_DIR=<dir>); the DVS-FMNIST cache is built on first use under results/.cache (not committed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
results="${RESULTS:-$here/results}"
bin="${BIN:-$root/artifacts/esl-study}"

FMNIST_TRAIN="${FMNIST_TRAIN:-60000}" FMNIST_TEST="${FMNIST_TEST:-10000}" FMNIST_EPOCHS="${FMNIST_EPOCHS:-20}"
FMNIST_REWIRE="${FMNIST_REWIRE:-200}"
DVS_TRAIN="${DVS_TRAIN:-3000}" DVS_TEST="${DVS_TEST:-1000}" DVS_EPOCHS="${DVS_EPOCHS:-10}" DVS_REWIRE="${DVS_REWIRE:-10}"
SEEDS="${SEEDS:-1 2 3}" SWEEP_SEEDS="${SWEEP_SEEDS:-1}" SWEEP_DENSITIES="${SWEEP_DENSITIES:-0.05 0.2 0.5}"
THREADS="${THREADS:-1}" ARMS="${ARMS:-dense static esl-random esl-gradient}"
SWEEP_ARMS="${SWEEP_ARMS:-static esl-random esl-gradient}"

build() {
  [[ -f "$bin/NeuroCore.Cli.dll" ]] && return
  export NUGET_CERT_REVOCATION_MODE=offline
  dotnet build "$root/src/NeuroCore.Cli" -c Release -o "$bin" >&2
}

tag_of() { # data train -> short tag of the data subset
  local k=$(( $2 / 1000 ))
  if [[ $1 == fmnist ]]; then echo "fmnist${k}k"; else echo "dvs${k}k"; fi
}

# run DATA ARM DENSITY SEED: ARM is dense, static, esl-random or esl-gradient.
run() {
  local data=$1 arm=$2 density=$3 seed=$4 train test epochs rewire
  if [[ $data == fmnist ]]; then train=$FMNIST_TRAIN test=$FMNIST_TEST epochs=$FMNIST_EPOCHS rewire=$FMNIST_REWIRE
  else train=$DVS_TRAIN test=$DVS_TEST epochs=$DVS_EPOCHS rewire=$DVS_REWIRE; fi
  local name
  name="$(tag_of "$data" "$train")-$arm"
  [[ $arm != dense && $density != 0.1 ]] && name+="-d$density"
  name+="-s$seed.json"
  [[ -f "$results/$name" ]] && { echo "skip $name (exists)"; return; }
  local args=(--data "$data" --limit-train "$train" --limit-test "$test" --epochs "$epochs" --threads "$THREADS"
    --schedule cosine --seed "$seed")
  case $arm in
    dense) args+=(--dense) ;;
    static) args+=(--density "$density" --static) ;;
    esl-random) args+=(--density "$density" --regrow random --rewire-every "$rewire") ;;
    esl-gradient) args+=(--density "$density" --regrow gradient --rewire-every "$rewire") ;;
    *) echo "unknown arm $arm" >&2; return 2 ;;
  esac
  [[ $data == fmnist && -n "${FMNIST_DIR:-}" ]] && args+=(--data-dir "$FMNIST_DIR")
  local extra=()
  [[ $data == dvs-fmnist ]] && extra=(--cache-dir "$results/.cache")
  [[ $data == dvs-fmnist && $arm != dense && ${DVS_LAYERS:-masked} == masked ]] && args+=(--masked)
  local load start end
  load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
  start=$(date +%s.%N)
  echo "$(date -u +%H:%M:%S) run $name: neurocore train esl ${args[*]} --report $name (load $load)"
  nice -n 19 dotnet "$bin/NeuroCore.Cli.dll" train esl "${args[@]}" "${extra[@]}" --report "$results/$name.tmp" \
    > "$results/.last.log" 2>&1 || { echo "FAILED $name:"; tail -20 "$results/.last.log"; return 1; }
  mv "$results/$name.tmp" "$results/$name"
  end=$(date +%s.%N)
  printf '%s\t%s\t%.1f\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$(awk "BEGIN{print $end - $start}")" "$load" \
    "neurocore train esl ${args[*]} --report $name" >> "$results/runs.tsv"
  tail -1 "$results/.last.log" | sed 's/^/    /'
}

phase_fmnist() { for s in $SEEDS; do for a in $ARMS; do run fmnist $a 0.1 "$s"; done; done; }
phase_dvs() { for s in $SEEDS; do for a in $ARMS; do run dvs-fmnist $a 0.1 "$s"; done; done; }
phase_sweep() {
  for s in $SWEEP_SEEDS; do for a in $SWEEP_ARMS; do
    for d in $SWEEP_DENSITIES; do run fmnist $a "$d" "$s"; done
  done; done
}

# The Markdown table: one row per (subset, epochs, arm, density), the seeds' test accuracies and means.
table() {
  jq -s -r '
    def r1: (. * 1000 | round) / 10;
    def f1: ((. * 10 | round) / 10 | tostring) | if test("[.]") then . else . + ".0" end;
    def mean: add / length;
    def armname: if .arm == "esl" then "esl " + .regrow else .arm end;
    def subset: "\(.train_samples)/\(.test_samples), \(.epochs)";
    map(select(.dataset != null)) as $all
    | ($all | map(select(.arm == "dense")) | group_by([.dataset, subset])
        | map({key: (.[0] | "\(.dataset)|\(subset)"), value: (map(.test_accuracy) | mean)}) | from_entries) as $dense
    | "| data | subset, epochs | arm | density | seeds | test accuracy per seed | mean | vs dense | train acc (last epoch) | rewires | step ms (wall) | CPU s | peak WS MiB |",
      "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
      ($all | group_by([.dataset, subset, armname, .target_density])
        | sort_by(.[0] | [.dataset, -.train_samples, -.epochs, (if .arm == "dense" then 0 elif .target_density == 0.1 then 1 else 2 end), .target_density, ({"dense":0,"static":1,"esl random":2,"esl gradient":3}[armname])])[]
        | sort_by(.seed) as $g | ($g[0]) as $h
        | ($g | map(.test_accuracy) | mean) as $m
        | ($dense["\($h.dataset)|\($h | subset)"]) as $d
        | "| \($h.dataset) | \($h | subset) | \($h | armname) | \($h.target_density * 100 | round) % | \($g | length) | \($g | map(.test_accuracy | r1 | f1) | join(", ")) | \($m | r1 | f1) | \(if $h.arm == "dense" or $d == null then "" else (($m - $d) | r1 | f1) end) | \($g | map(.train_accuracy_per_epoch[-1]) | mean | r1 | f1) | \($h.rewires | length) | \($g | map(.step_milliseconds) | mean | round) | \($g | map(.cpu_seconds) | mean | round) | \($g | map(.peak_working_set_mi_b) | max | round) |")
  ' "$results"/*.json
}

mkdir -p "$results"
[[ $# -eq 0 ]] && set -- all
for phase in "$@"; do
  case $phase in
    all) build; phase_fmnist; phase_dvs; phase_sweep; table ;;
    fmnist) build; phase_fmnist ;;
    dvs) build; phase_dvs ;;
    sweep) build; phase_sweep ;;
    table) table ;;
    *) echo "usage: run-study.sh [all|fmnist|dvs|sweep|table]..." >&2; exit 2 ;;
  esac
done
