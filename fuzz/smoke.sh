#!/usr/bin/env bash
# Smoke-runs every fuzz target: builds them all once, then runs each for
# SECONDS (default 15) starting from its curated seeds (fuzz/seeds/<target>/)
# in a fresh scratch corpus. Fails when any target crashes, times out or
# runs out of memory; the input that did it is kept in fuzz/artifacts/<target>/.
#
# Usage: fuzz/smoke.sh [SECONDS]    (from anywhere; CI calls it from .ci/run)
set -euo pipefail

secs="${1:-15}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

# cargo-fuzz needs nightly-only compiler flags; the toolchain is stable.
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

start=$(date +%s)
echo "== building every target"
cargo fuzz build
built=$(date +%s)
echo "   built in $((built - start)) s"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

failed=()
for target in $(cargo fuzz list); do
    mkdir -p "$scratch/$target"
    dirs=("$scratch/$target")
    [[ -d "seeds/$target" ]] && dirs+=("seeds/$target")
    log="$scratch/$target.log"
    if cargo fuzz run "$target" "${dirs[@]}" -- \
        -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
        echo "ok   $target: ${done_line:-finished}"
    else
        echo "FAIL $target (log follows)"
        tail -n 60 "$log"
        failed+=("$target")
    fi
done

echo "== smoke run took $(($(date +%s) - start)) s (build $((built - start)) s)"
if ((${#failed[@]})); then
    echo "== crashing targets: ${failed[*]}; inputs are in fuzz/artifacts/<target>/"
    exit 1
fi
