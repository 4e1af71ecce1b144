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

say "timing (hyperfine, $RUNS runs of each command in a row)…"
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

# The ratios the targets are about come from rounds instead: each round runs
# every command of a ratio once, one after the other, so a change in the
# host's load between rounds falls on both sides of a ratio alike. (On a
# shared machine, hyperfine's consecutive runs of one command can land in a
# quiet minute and the other command's in a busy one.)
say "timing ($RUNS rounds, each running the compared commands once, one after the other)…"
python3 - "$OUT/rounds.json" "$RUNS" \
    "hyperscan=$BIN/hs_peer $PEERS/patterns.txt $CORPUS" \
    "triage-1=$TRIAGE classify --jobs 1 --rules $OUT/pack300.yaml $CORPUS" \
    "triage-2=$TRIAGE classify --jobs 2 --rules $OUT/pack300.yaml $CORPUS" \
    "hyperscan-keywords=$BIN/hs_peer $PEERS/patterns_literal.txt $CORPUS" \
    "triage-keywords=$TRIAGE classify --jobs 1 --rules $OUT/pack220.yaml $CORPUS" <<'PY'
import json, shlex, subprocess, sys, time
out, rounds = sys.argv[1], int(sys.argv[2])
commands = dict(arg.split("=", 1) for arg in sys.argv[3:])
times = {name: [] for name in commands}
for _ in range(rounds):
    for name, command in commands.items():
        started = time.perf_counter()
        subprocess.run(shlex.split(command), stdout=subprocess.DEVNULL, check=True)
        times[name].append(time.perf_counter() - started)
json.dump(times, open(out, "w"))
PY

python3 - "$OUT/times.json" "$OUT/python.json" "$PYTHON_RUNS" "$OUT/rounds.json" <<'PY'
import json, statistics, sys, os
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
if int(sys.argv[3]) > 0 and os.path.exists(sys.argv[2]):
    runs.update({r["command"]: r for r in json.load(open(sys.argv[2]))["results"]})
med = {k: v["median"] for k, v in runs.items()}
print("hyperfine, runs of each command in a row:")
print(f"{'command':22} {'median s':>9} {'min-max s':>14}")
for k, v in runs.items():
    print(f"{k:22} {v['median']:9.3f} {min(v['times']):6.3f}-{max(v['times']):6.3f}")
rounds = json.load(open(sys.argv[4]))
print()
print(f"rounds ({len(rounds['hyperscan'])}), each command once per round:")
print(f"{'command':22} {'median s':>9} {'min s':>9}")
for k, v in rounds.items():
    print(f"{k:22} {statistics.median(v):9.3f} {min(v):9.3f}")
def ratio(a, b, what):
    # The median of the rounds' own ratios, and the ratio of the fastest runs.
    per_round = statistics.median(x / y for x, y in zip(rounds[a], rounds[b]))
    print(f"{what}: {per_round:.2f} (median of {len(rounds[a])} rounds; fastest runs {min(rounds[a]) / min(rounds[b]):.2f})")
print()
ratio("triage-1", "hyperscan", "triage 1 thread / Hyperscan (time, lower is better; target <= 1)")
ratio("triage-keywords", "hyperscan-keywords", "triage / Hyperscan, 220 keywords only (target <= 1.25)")
ratio("triage-1", "triage-2", "triage 2 threads speed-up over 1 thread (target >= 1.8)")
print(f"PCRE2 loop / triage 1 thread (hyperfine medians): {med['pcre2-loop'] / med['triage-1']:.2f}")
if "python-naive" in med:
    print(f"naive Python / triage 1 thread (hyperfine medians): {med['python-naive'] / med['triage-1']:.2f}")
PY
