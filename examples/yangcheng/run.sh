#!/usr/bin/env bash
# The worked example: a county water bureau's registers, checked.
# Run from anywhere: bash examples/yangcheng/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
cargo build --quiet --release -p double-random-cli
dr="target/release/double-random"

echo "== 1. check the one list and two libraries (一单两库)"
"$dr" check-registers \
    --entities "$here/entities.csv" \
    --inspectors "$here/inspectors.csv" \
    --conflicts "$here/conflicts.csv" \
    --items "$here/items.csv" \
    --on 2024-06-03

echo
echo "== 2. plan each task: pool, ratio and number to draw per credit class"
for task in "$here"/tasks/*.toml; do
    echo "-- $(basename "$task")"
    "$dr" plan --task "$task" --entities "$here/entities.csv"
    echo
done
