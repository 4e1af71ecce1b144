#!/usr/bin/env bash
# Runs `triage classify` beside peer matchers on the same corpus and the same
# patterns, in one sitting, interleaved, and prints the ratios.
#
#   benchmarks/compare.sh [N] [SEED]          (default: 200000 incidents, seed 42)
#
# The peers (a naive Python matcher, a PCRE2 loop, Hyperscan, ripgrep), their
# corpus generator and the 300-pattern set live outside this repository, in
# PEERS (default: ../shared/peers next to the checkout). Without them the
# script says so and measures TriageKit alone on a generated corpus.
#
# Needs: hyperfine; for the peers also gcc, make, pkg-config, libhyperscan-dev,
# libpcre2-dev, ripgrep and python3 (Debian: apt-get install hyperfine ripgrep
# libhyperscan-dev). Work files go to OUT (default: /tmp/triage-compare).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
OUT=${OUT:-/tmp/triage-compare}
N=${1:-200000}
SEED=${2:-42}
RUNS=${RUNS:-5}
PYTHON_RUNS=${PYTHON_RUNS:-0}   # the naive Python peer takes minutes a run; set to 1 or more to include it
mkdir -p "$OUT"

say() { printf '%s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { say "compare.sh: '$1' is not installed ($2)"; exit 2; }; }
need hyperfine "apt-get install hyperfine"
need swift "https://swift.org/install"

say "building triage (release)…"
(cd "$ROOT" && swift build -c release >/dev/null)
TRIAGE="$ROOT/.build/release/triage"

if [[ ! -d "$PEERS" ]]; then
    say "compare.sh: no peers at $PEERS (set PEERS=/path/to/peers to compare)."
    say "Measuring TriageKit alone on $N generated incidents and the shipped packs."
    "$TRIAGE" bench generate "$N" --seed "$SEED" > "$OUT/generated.jsonl"
    hyperfine --style basic -w 1 -r "$RUNS" \
        -n "triage 1 thread" "$TRIAGE classify --jobs 1 $OUT/generated.jsonl > /dev/null" \
        -n "triage 2 threads" "$TRIAGE classify --jobs 2 $OUT/generated.jsonl > /dev/null"
    "$TRIAGE" bench --corpus "$OUT/generated.jsonl"
    exit 0
fi

need make "apt-get install build-essential"
need rg "apt-get install ripgrep"
say "building the native peers…"
make -s -C "$PEERS" >/dev/null
BIN=/tmp/peers/bin

CORPUS="$OUT/corpus_${N}_${SEED}.jsonl"
if [[ ! -s "$CORPUS" ]]; then
    say "generating $N incidents (seed $SEED)…"
    python3 "$PEERS/gen_corpus.py" "$N" "$SEED" > "$CORPUS"
fi
"$TRIAGE" pack from-list --keywords "$PEERS/patterns_literal.txt" --regexes "$PEERS/patterns_regex.txt" > "$OUT/pack300.yaml"
"$TRIAGE" pack from-list --keywords "$PEERS/patterns_literal.txt" > "$OUT/pack220.yaml"
cat "$CORPUS" > /dev/null   # page cache

say "checking that TriageKit and Hyperscan agree, incident by incident…"
"$BIN/hs_peer" "$PEERS/patterns.txt" "$CORPUS" > "$OUT/hs.tsv" 2>/dev/null
"$TRIAGE" classify --jobs 2 --rules "$OUT/pack300.yaml" "$CORPUS" > "$OUT/triage.jsonl"
python3 - "$OUT/hs.tsv" "$OUT/triage.jsonl" <<'PY'
import json, sys
hs = {}
for line in open(sys.argv[1]):
    p = line.rstrip("\n").split("\t")
    hs[p[0]] = set(map(int, p[2].split(","))) if len(p) > 2 and p[2] else set()
n = same = 0
for line in open(sys.argv[2]):
    o = json.loads(line)
    n += 1
    same += set(map(int, o["rules"])) == hs.get(o["id"])
print(f"agreement: {same} of {n} incidents fire exactly the pattern ids Hyperscan reports ({100 * same / n:.3f}%)")
PY

say "timing (hyperfine, $RUNS runs each, interleaved by hyperfine's order)…"
hyperfine --style basic -w 1 -r "$RUNS" --export-json "$OUT/times.json" \
    -n hyperscan "$BIN/hs_peer $PEERS/patterns.txt $CORPUS > /dev/null" \
    -n triage-1 "$TRIAGE classify --jobs 1 --rules $OUT/pack300.yaml $CORPUS > /dev/null" \
    -n triage-2 "$TRIAGE classify --jobs 2 --rules $OUT/pack300.yaml $CORPUS > /dev/null" \
    -n hyperscan-keywords "$BIN/hs_peer $PEERS/patterns_literal.txt $CORPUS > /dev/null" \
    -n triage-keywords "$TRIAGE classify --jobs 1 --rules $OUT/pack220.yaml $CORPUS > /dev/null" \
    -n pcre2-loop "$BIN/pcre2_peer $PEERS/patterns.txt $CORPUS > /dev/null" \
    -n ripgrep "rg -j1 -i -c --no-unicode -f $PEERS/patterns.txt $CORPUS > /dev/null" \
    >&2
if [[ "$PYTHON_RUNS" -gt 0 ]]; then
    hyperfine --style basic -r "$PYTHON_RUNS" --export-json "$OUT/python.json" \
        -n python-naive "python3 $PEERS/peer_a_naive.py $PEERS/patterns.txt $CORPUS > /dev/null" >&2
fi

python3 - "$OUT/times.json" "$OUT/python.json" "$PYTHON_RUNS" <<'PY'
import json, sys, os
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
if int(sys.argv[3]) > 0 and os.path.exists(sys.argv[2]):
    runs.update({r["command"]: r for r in json.load(open(sys.argv[2]))["results"]})
med = {k: v["median"] for k, v in runs.items()}
print(f"{'command':22} {'median s':>9} {'min-max s':>14}  ratio")
for k, v in runs.items():
    print(f"{k:22} {v['median']:9.3f} {min(v['times']):6.3f}-{max(v['times']):6.3f}")
def ratio(a, b, what):
    print(f"{what}: {med[a] / med[b]:.2f}")
print()
ratio("triage-1", "hyperscan", "triage 1 thread / Hyperscan (time, lower is better; target <= 1)")
ratio("triage-keywords", "hyperscan-keywords", "triage / Hyperscan, 220 keywords only (target <= 1.25)")
ratio("triage-1", "triage-2", "triage 2 threads speed-up over 1 thread (target >= 1.8)")
ratio("pcre2-loop", "triage-1", "PCRE2 loop / triage 1 thread")
if "python-naive" in med:
    ratio("python-naive", "triage-1", "naive Python / triage 1 thread")
PY
