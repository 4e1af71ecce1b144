#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     run each target SECONDS (default 60), then keep
#                                             what it found that covers new code in Fuzz/Corpus
#   scripts/fuzz.sh --no-merge [SECONDS] [TARGET...]   the same, keeping nothing
#   scripts/fuzz.sh --merge [TARGET...]       only fold earlier runs' inputs into Fuzz/Corpus
#   scripts/fuzz.sh --replay FILE... [-- TARGET]  run inputs once (reproduce a crash)
#
# Targets: FuzzPackLoader (YAML bytes -> loader, decoder, compiler, linter),
# FuzzClassifier (incident bytes -> the shipped pack and Fuzz/Packs/hostile.yaml),
# FuzzIncidentLine (a JSONL line -> the incident parser, JSONValue and CSV).
#
# The build lives in .build-fuzz (ignored by git), with -sanitize=fuzzer,address.
# Seeds are read from Fuzz/Corpus/<target>; what a run finds goes to
# .build-fuzz/corpus/<target>, and crashing inputs to .build-fuzz/artifacts/<target>.
# Exits 1 when a target crashed, hung or broke an invariant (nothing is merged then).
# Merging adds only inputs that reach code (edges) the committed corpus does not,
# chosen as a small covering set, so the corpus grows slowly and `swift test`,
# which replays all of it, stays quick. Review and commit what it adds.
# After fixing a crash, commit its input as Fuzz/Corpus/<target>/crash-<what-it-found>
# and add a regression test: `swift test` replays the whole corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(FuzzPackLoader FuzzClassifier FuzzIncidentLine)
SCRATCH=.build-fuzz
BIN="$SCRATCH/release"

mode=run
merge=1
seconds=60
replay=()
targets=()
if [ "${1:-}" = "--no-merge" ]; then merge=0; shift; fi
case "${1:-}" in
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --merge) mode=merge; shift ;;
    --replay)
        mode=replay; shift
        while [ $# -gt 0 ] && [ "$1" != "--" ]; do replay+=("$1"); shift; done
        [ "${1:-}" = "--" ] && shift ;;
    ''|*[!0-9]*) ;;
    *) seconds=$1; shift ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")

max_len() {
    case "$1" in
        FuzzPackLoader) echo 24576 ;;
        FuzzClassifier) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

# One build at a time; each product shares the instrumented modules.
for t in "${targets[@]}"; do
    TRIAGE_FUZZ=1 swift build --scratch-path "$SCRATCH" -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --product "$t"
done

# The Swift runtime's own crash backtracer trips AddressSanitizer; libFuzzer reports instead.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
status=0

# Folds the inputs a run kept into the committed corpus: a set cover over
# coverage edges (not hit counts), so only inputs that reach new code come in.
fold() {
    local t=$1 before after
    before=$(ls "Fuzz/Corpus/$t" | wc -l)
    "$BIN/$t" "${common[@]}" -use_counters=0 -set_cover_merge=1 "Fuzz/Corpus/$t" "$SCRATCH/corpus/$t" \
        >"$SCRATCH/$t.merge.log" 2>&1 || { echo "!! $t: merge failed, see $SCRATCH/$t.merge.log"; status=1; return; }
    after=$(ls "Fuzz/Corpus/$t" | wc -l)
    echo "   kept $((after - before)) new inputs in Fuzz/Corpus/$t ($after in all)"
}
for t in "${targets[@]}"; do
    common=(-timeout=10 -rss_limit_mb=4096 -max_len="$(max_len "$t")" -dict="Fuzz/Dictionaries/$t.dict")
    case $mode in
    run)
        mkdir -p "$SCRATCH/corpus/$t" "$SCRATCH/artifacts/$t"
        echo "== $t: $seconds s"
        rc=0
        "$BIN/$t" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 \
            -artifact_prefix="$SCRATCH/artifacts/$t/" "$SCRATCH/corpus/$t" "Fuzz/Corpus/$t" \
            >"$SCRATCH/$t.log" 2>&1 || rc=$?
        grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|peak_rss_mb)|ERROR: |Fatal error|Test unit written' \
            "$SCRATCH/$t.log" || true
        if [ $rc -ne 0 ]; then
            echo "!! $t stopped with status $rc: see $SCRATCH/$t.log and $SCRATCH/artifacts/$t/"
            echo "   reproduce: scripts/fuzz.sh --replay $SCRATCH/artifacts/$t/<file> -- $t"
            status=1
        elif [ $merge = 1 ]; then
            fold "$t"
        fi
        ;;
    merge)
        echo "== $t: merging new inputs into Fuzz/Corpus/$t"
        fold "$t"
        ;;
    replay)
        "$BIN/$t" "${common[@]}" -runs=1 "${replay[@]}" || status=1
        ;;
    esac
done
exit $status
