#!/usr/bin/env bash
# The worked example: a county water bureau's 2024 "double random, one public"
# plan (fictional registers modelled on a real county plan), end to end.
#
# Run from anywhere:  bash examples/yangcheng/run.sh
# Everything it writes goes to target/example-yangcheng/ (replaced each run).
#
# THE RANDOMNESS IS A RECORDED STAND-IN. A real office commits, publishes the
# commitment, and waits for a drand round in the future. This example cannot
# reach the network, so it uses drand quicknet round 123 (published
# 2023-08-23T15:15:33Z), whose signature is public and checked by the bundled
# verifier, and dates the commitments a few minutes before that round with
# --created-at. The inspection dates in the task files are in 2024.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
cargo build --quiet --release -p double-random-cli
dr="$PWD/target/release/double-random"
out="target/example-yangcheng"
rm -rf "$out"
mkdir -p "$out"

regs=(--entities "$here/entities.csv" --inspectors "$here/inspectors.csv"
      --conflicts "$here/conflicts.csv" --items "$here/items.csv")
# drand quicknet round 123: its BLS signature; the randomness is its SHA-256.
round=123
signature=b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92

echo "== 1. check the one list and two libraries (一单两库)"
"$dr" check-registers "${regs[@]}" --on 2024-06-03

echo
echo "== 2. plan each task: pool, ratio and number to draw per credit class"
for task in "$here"/tasks/*.toml; do
    echo "-- $(basename "$task")"
    "$dr" plan --task "$task" --entities "$here/entities.csv"
    echo
done

echo "== 3. the bureau's signing key"
"$dr" keygen --issuer "阳城县水务局" --out "$out/keys/issuer"

echo
echo "== 4. commit every task before the randomness exists (publish these records)"
minute=10
for task in water-permits river-sand joint-works; do
    "$dr" commit --chain "$out/chain.jsonl" --key "$out/keys/issuer.key" \
        --task "$here/tasks/$task.toml" "${regs[@]}" \
        --randomness-plan "drand:quicknet:$round" \
        --created-at "2023-08-23T15:${minute}:00Z"
    minute=$((minute + 1))
    echo
done

echo "== 5. draw each task with the beacon round (entities, then teams)"
second=10
for task in YCSW-2024-01 YCHD-2024-01 YCGC-2024-01; do
    "$dr" draw --chain "$out/chain.jsonl" --key "$out/keys/issuer.key" \
        --task-id "$task" --beacon-signature "$signature" \
        "${regs[@]}" --created-at "2023-08-23T15:16:${second}Z"
    second=$((second + 10))
    echo
done

echo "== 6. verify everything, as an auditor would (exit 0 = everything holds)"
"$dr" verify --chain "$out/chain.jsonl" --public-key "$out/keys/issuer.pub" "${regs[@]}"
