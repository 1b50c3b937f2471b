#!/usr/bin/env bash
# Builds every fuzz target once, then runs each for N seconds (default 600)
# and prints one summary line per target.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Environment:
#   JOBS=2            targets run at once (default 1; each libFuzzer process
#                     uses one core)
#   SANITIZER=none    cargo-fuzz sanitizer (default: address)
#   TOOLCHAIN=stable  toolchain for `cargo +TOOLCHAIN fuzz` (default: nightly
#                     when installed; on stable, RUSTC_BOOTSTRAP=1 is set so
#                     cargo-fuzz's -Z flags are accepted)
#
# New inputs go to fuzz/grown/<target>/ (git-ignored); the committed seeds
# in fuzz/corpus/<target>/ are only read. Crashes land in
# fuzz/artifacts/<target>/ (git-ignored); logs in fuzz/grown/logs/.
set -euo pipefail

cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(txt markdown html json feed decode query snippet)
fi
jobs=${JOBS:-1}
sanitizer=${SANITIZER:-address}
if [ -z "${TOOLCHAIN:-}" ]; then
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        TOOLCHAIN=nightly
    else
        TOOLCHAIN=stable
    fi
fi
if [ "$TOOLCHAIN" != nightly ]; then
    export RUSTC_BOOTSTRAP=1
fi
fuzz=(cargo "+$TOOLCHAIN" fuzz)

command -v cargo-fuzz >/dev/null || {
    echo "cargo-fuzz not found: cargo install cargo-fuzz" >&2
    exit 2
}

echo "building ${#targets[@]} targets (toolchain $TOOLCHAIN, sanitizer $sanitizer)..."
"${fuzz[@]}" build -O -s "$sanitizer" >/dev/null
bin_dir=target/$(rustc -vV | sed -n 's/^host: //p')/release

mkdir -p grown/logs
run_one() {
    local t=$1
    local rc=0
    mkdir -p "grown/$t" "corpus/$t" "artifacts/$t"
    touch "grown/logs/$t.start"
    # -print_final_stats gives the execution count; the log keeps the rest.
    # The binaries built above are run directly (not `cargo fuzz run`), so
    # that every target fuzzes the same build even if src/ changes meanwhile.
    "$bin_dir/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$secs" -print_final_stats=1 -timeout=30 \
        "grown/$t" "corpus/$t" >"grown/logs/$t.log" 2>&1 || rc=$?
    echo "$rc" >"grown/logs/$t.rc"
}

running=0
for t in "${targets[@]}"; do
    echo "running $t for ${secs}s..."
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

status=0
printf '%-10s %8s %14s %8s  %s\n' target seconds executions crashes result
for t in "${targets[@]}"; do
    log=grown/logs/$t.log
    rc=$(cat "grown/logs/$t.rc" 2>/dev/null || echo '?')
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    time=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' | tail -1)
    crashes=$(find "artifacts/$t" -type f -newer "grown/logs/$t.start" 2>/dev/null | wc -l)
    if [ "$rc" = 0 ]; then
        result=ok
    else
        result="FAILED (exit $rc, see fuzz/$log)"
        status=1
    fi
    printf '%-10s %8s %14s %8s  %s\n' "$t" "${time:-?}" "${execs:-?}" "$crashes" "$result"
done
exit $status
