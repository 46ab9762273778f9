#!/usr/bin/env bash
# Full CLI verification of a 1,000,000-entity register, beside sha256sum of
# the same file (issue 7). Prints a table: command, wall and user seconds,
# peak resident memory (max RSS), entity file size, and the wall-time ratio
# to sha256sum.
#
#   bash benches/verify_1m.sh            # 3 runs of each command, medians
#   RUNS=5 ENTITIES=100000 bash benches/verify_1m.sh
#   DR=/path/to/older/double-random bash benches/verify_1m.sh
#                                        # time another build (before/after)
#
# Needs GNU time at /usr/bin/time (Debian/Ubuntu package `time`).
# Everything it writes goes to target/bench-1m/ (the registers are reused
# when already generated with the same size; the chain is rebuilt each run).
# Deterministic: fixed generator seed, fixed randomness, fixed record times.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

runs="${RUNS:-3}"
entities="${ENTITIES:-1000000}"
out="target/bench-1m"
regs="$out/registers-$entities"

if [ ! -x /usr/bin/time ]; then
    echo "needs GNU time at /usr/bin/time" >&2
    exit 2
fi

cargo build --quiet --release -p double-random-cli
cargo build --quiet --release --example gen_registers
dr="${DR:-target/release/double-random}"

if [ ! -s "$regs/entities.csv" ]; then
    mkdir -p "$regs"
    target/release/examples/gen_registers --out "$regs" --entities "$entities" \
        --inspectors 2000 --departments 20 --conflicts 20000
fi

work="$out/run"
rm -rf "$work"
mkdir -p "$work"
cat > "$work/task.toml" <<'EOF'
id = "BENCH-1M-01"
name = "1,000,000-entity verification benchmark"
initiating_department = "第00股"
participating_departments = []
items = []
team_size = 2
inspection_date = 2025-06-02

[ratios]
A = "1%"
B = "2%"
C = "5%"
D = "20%"
EOF

files=(--entities "$regs/entities.csv" --inspectors "$regs/inspectors.csv"
       --conflicts "$regs/conflicts.csv")
"$dr" keygen --issuer "基准测试局" --out "$work/issuer" > /dev/null
"$dr" commit --chain "$work/chain.jsonl" --key "$work/issuer.key" \
    --task "$work/task.toml" "${files[@]}" --randomness-plan local \
    --created-at 2025-05-01T08:00:00Z > /dev/null
"$dr" draw --chain "$work/chain.jsonl" --key "$work/issuer.key" "${files[@]}" \
    --randomness 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
    --created-at 2025-05-01T08:05:00Z > /dev/null

# measure NAME COMMAND...: runs the command $runs times under GNU time and
# records the median wall seconds, user seconds and max RSS (MB).
declare -A wall user rss
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
measure() {
    local name="$1"
    shift
    local w=() u=() r=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/stdout.txt"
        w+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {
                n = split($2, p, ":"); s = 0
                for (i = 1; i <= n; i++) s = s * 60 + p[i]
                print s }' "$work/time.txt")")
        u+=("$(awk -F': ' '/User time/ { print $2 }' "$work/time.txt")")
        r+=("$(awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$work/time.txt")")
    done
    wall[$name]="$(printf '%s\n' "${w[@]}" | median)"
    user[$name]="$(printf '%s\n' "${u[@]}" | median)"
    rss[$name]="$(printf '%s\n' "${r[@]}" | median)"
}

load_before="$(cut -d" " -f1-3 /proc/loadavg)"
measure sha256sum sha256sum "$regs/entities.csv"
measure verify "$dr" verify --chain "$work/chain.jsonl" --public-key "$work/issuer.pub" \
    "${files[@]}"
grep -q "verdict: everything checked holds" "$work/stdout.txt" || {
    echo "verify did not hold:" >&2
    cat "$work/stdout.txt" >&2
    exit 1
}
measure check-registers "$dr" check-registers --entities "$regs/entities.csv"

file_mb="$(awk -v b="$(wc -c < "$regs/entities.csv")" 'BEGIN { printf "%.1f", b / 1048576 }')"
echo
echo "$entities entities, $runs runs each (medians); load average before: $load_before, after: $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-16s %8s %8s %12s %8s %14s\n' command "wall s" "user s" "max RSS MB" "file MB" "wall/sha256sum"
for name in verify check-registers sha256sum; do
    ratio="$(awk -v a="${wall[$name]}" -v b="${wall[sha256sum]}" \
        'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')"
    printf '%-16s %8s %8s %12s %8s %14s\n' "$name" "${wall[$name]}" "${user[$name]}" \
        "${rss[$name]}" "$file_mb" "$ratio"
done
