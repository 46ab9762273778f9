#!/usr/bin/env bash
# W1 (issue 17): `commit` + `draw` of a 1,000,000-entity register through the
# CLI, beside the bare sample a user might take instead (Python
# cryptorandom's `sample_by_index` of 50,000 from the same million ids),
# whole processes, alternating in one run. Also times the full `verify` of
# the chain beside `sha256sum` of the entity file, with peak memory.
#
#   bash benches/w1.sh                 # 5 rounds, medians
#   RUNS=9 bash benches/w1.sh
#   DR=/path/to/other/double-random bash benches/w1.sh   # another build
#   BEFORE=/path/to/older/double-random bash benches/w1.sh
#                                      # also time an older build, alternating
#   TASKSET="taskset -c 0" bash benches/w1.sh            # ours on one core
#
# W1: 1,000,000 entities with valid USCCs, 2,000 inspectors in 20
# departments, 2,000 conflicts, 5% of every class (50,000 drawn), teams of 2
# from two departments (a joint task). Needs GNU time at /usr/bin/time and
# python3 with venv; the peer is installed from PyPI into target/w1/venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

runs="${RUNS:-5}"
out="target/w1"
regs="$out/registers"
ts="${TASKSET:-}"

[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }

cargo build --quiet --release -p double-random-cli
cargo build --quiet --release --example gen_registers
dr="${DR:-target/release/double-random}"

if [ ! -x "$out/venv/bin/python" ]; then
    python3 -m venv "$out/venv"
    "$out/venv/bin/pip" install --quiet "cryptorandom==0.4"
fi
py="$out/venv/bin/python"

if [ ! -s "$regs/entities.csv" ]; then
    mkdir -p "$regs"
    target/release/examples/gen_registers --out "$regs" --entities 1000000 \
        --inspectors 2000 --departments 20 --conflicts 2000
fi

work="$out/run"
rm -rf "$work"
mkdir -p "$work"
cat > "$work/task.toml" <<'TOML'
id = "W1-01"
name = "W1: 1,000,000 entities, 5% of every class, joint task"
initiating_department = "第00股"
participating_departments = ["第01股"]
items = []
team_size = 2
inspection_date = 2025-06-02

[ratios]
A = "5%"
B = "5%"
C = "5%"
D = "5%"
TOML

# The peer: read the same million ids, draw 50,000 of them by index with a
# seeded SHA-256 PRNG, write them out (as `draw` writes its record).
cat > "$work/peer.py" <<'PY'
import sys
from cryptorandom.cryptorandom import SHA256
from cryptorandom.sample import sample_by_index
with open(sys.argv[1], encoding="utf-8") as f:
    next(f)
    ids = [line.split(",", 1)[0] for line in f]
idx = sample_by_index(len(ids), 50000, prng=SHA256(20250501))
with open(sys.argv[2], "w") as out:
    out.write("\n".join(ids[i - 1] for i in idx))
PY

files=(--entities "$regs/entities.csv" --inspectors "$regs/inspectors.csv"
       --conflicts "$regs/conflicts.csv")
"$dr" keygen --issuer "基准测试局" --out "$work/issuer" > /dev/null

ours() {
    local dr="${1:-$dr}"
    # The chain and its secrets file (one conflict salt a commitment) start
    # afresh each round, so `verify` sees the salts of this chain only.
    rm -f "$work/chain.jsonl" "$work/chain.jsonl.secrets.jsonl"
    $ts "$dr" commit -q --chain "$work/chain.jsonl" --key "$work/issuer.key" \
        --task "$work/task.toml" "${files[@]}" --randomness-plan local \
        --created-at 2025-05-01T08:00:00Z > /dev/null
    $ts "$dr" draw -q --chain "$work/chain.jsonl" --key "$work/issuer.key" "${files[@]}" \
        --randomness 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
        --created-at 2025-05-01T08:05:00Z > /dev/null
}
peer() { "$py" "$work/peer.py" "$regs/entities.csv" "$work/peer.txt"; }
verify() {
    $ts "$dr" verify --chain "$work/chain.jsonl" --public-key "$work/issuer.pub" \
        "${files[@]}" > /dev/null
}
sha() { sha256sum "$regs/entities.csv" > /dev/null; }

# timed NAME FUNC: one run under GNU time; appends "wall user rss_kib".
timed() {
    /usr/bin/time -f "%e %U %M" -o "$work/t.txt" bash -c "$(declare -f "$2"); $(declare -p work dr py regs files ts); $2 ${3:-}"
    cat "$work/t.txt" >> "$work/time-$1.txt"
}
before="${BEFORE:-}"

ours   # warm the page cache and build the chain once
for i in $(seq "$runs"); do
    timed ours ours
    timed peer peer
    if [ -n "$before" ]; then timed before ours "$before"; fi
    timed verify verify
    timed sha sha
done

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
col() { awk -v c="$2" '{ print $c }' "$work/time-$1.txt" | median; }
size_mib="$(du -m --apparent-size "$regs/entities.csv" | cut -f1)"
echo "W1, $runs alternating rounds, medians; entity file ${size_mib} MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %8s %8s %10s %8s\n' command "wall s" "user s" "RSS MiB" ratio
names=(ours peer verify sha)
[ -n "$before" ] && names=(ours before peer verify sha)
for n in "${names[@]}"; do
    w="$(col "$n" 1)"; u="$(col "$n" 2)"; r="$(col "$n" 3)"
    case $n in
        ours) label="commit + draw"; ref="$(col peer 1)" ;;
        before) label="  same, BEFORE build"; ref="$(col peer 1)" ;;
        peer) label="peer sample_by_index"; ref="$(col peer 1)" ;;
        verify) label="verify"; ref="$(col sha 1)" ;;
        sha) label="sha256sum"; ref="$(col sha 1)" ;;
    esac
    printf '%-22s %8s %8s %10.1f %8.2f\n' "$label" "$w" "$u" "$(echo "$r / 1024" | bc -l)" \
        "$(echo "$w / $ref" | bc -l)"
done
echo "ratios: commit + draw / peer; verify / sha256sum (per-round figures in $work/time-*.txt)"
