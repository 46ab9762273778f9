#!/usr/bin/env bash
# The worked example: a county water bureau's 2024 "double random, one public"
# plan (fictional registers modelled on a real county plan), end to end:
# check the registers, list the check items (xlsx), plan, keys, commit, take
# the randomness, draw; after the draw, replace an officer who recuses (回避)
# and draw a supplement (补充抽取) for a deregistered (注销) firm; verify,
# print the draw notices, record the inspection results (in the joint task
# each department enters its own check item), record follow-up progress,
# correct one result with the unit head's approval, publish (CSV, JSON,
# xlsx), summarise (text and xlsx), and verify chain and ledger.
#
# Run from anywhere:  bash examples/yangcheng/run.sh
# Builds with cargo wherever its target directory is (CARGO_TARGET_DIR or
# Cargo's configuration are honoured). Everything it writes goes to
# target/example-yangcheng/ in the repository (replaced each run).
# Needs bash, grep, sed and awk besides cargo; no jq, no python.
#
# THE RANDOMNESS IS A RECORDED STAND-IN. A real office commits, publishes the
# commitment, and waits for a drand round in the future. This example cannot
# reach the network, so it uses drand quicknet round 123 (published
# 2023-08-23T15:15:33Z), whose signature is public and checked by the bundled
# verifier, and dates the first two commitments a few minutes before that
# round with --created-at. The third task leaves out every entity drawn this
# year, so it is committed after the first two draws; its randomness is a
# public ceremony (公开摇号) whose outcome is written in this script. The
# inspection dates in the task files, the inspections and the entry of their
# results are in 2024.
#
# The seed hashes the commitment's record id, which is signed with the key
# made fresh by each run: each run draws other entities. Which entities were
# drawn is therefore read from `draw --json`, never written into this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
# DR_PROFILE=dev uses the debug build (CI's, already built by the tests);
# the default is an optimised build.
profile="${DR_PROFILE:-release}"
cargo build --quiet --profile "$profile" -p double-random-cli
# Where cargo put the binary: its target directory, as cargo itself reports it.
target_dir=$(cargo metadata --format-version 1 --no-deps |
    grep -o '"target_directory":"[^"]*"' | sed 's/^"target_directory":"//; s/"$//')
case "$profile" in
    dev | test) profile_dir=debug ;;
    *) profile_dir="$profile" ;;
esac
dr="$target_dir/$profile_dir/double-random"
if [ ! -x "$dr" ]; then
    echo "run.sh: no binary at $dr after cargo build" >&2
    exit 1
fi
out="target/example-yangcheng"
rm -rf "$out"
mkdir -p "$out/draws" "$out/notices"

regs=(--entities "$here/entities.csv" --inspectors "$here/inspectors.csv"
      --conflicts "$here/conflicts.csv" --items "$here/items.csv")
names=(--entities "$here/entities.csv" --inspectors "$here/inspectors.csv"
       --items "$here/items.csv")
chain=(--chain "$out/chain.jsonl")
ledger="$out/ledger.jsonl"
tasks=(YCSW-2024-01 YCHD-2024-01 YCGC-2024-01)
# drand quicknet round 123: its BLS signature; the randomness is its SHA-256.
round=123
signature=b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92

# field KEY JSON: the value of "KEY" in one line of the CLI's JSON output.
field() {
    printf '%s\n' "$2" | grep -o "\"$1\":\"*[^\",}]*" | sed -n '1s/^"[^"]*":"*//p'
}

# drawn_teams DRAW.json: one line per drawn entity, in draw order:
# USCC <tab> the certificate numbers of its team, comma-separated.
drawn_teams() {
    grep -o '{[^{}]*"inspectors"[^{}]*}' "$1" | awk '{
        u = $0; sub(/.*"uscc":"/, "", u); sub(/".*/, "", u)
        t = $0; sub(/.*"inspectors":\[/, "", t); sub(/\].*/, "", t); gsub(/"/, "", t)
        print u "\t" t
    }'
}

# list_drawn TEAMS.tsv: the drawn entities with class and name, and their
# teams by name, looked up in the registers.
list_drawn() {
    awk -F, -v ent="$here/entities.csv" -v ins="$here/inspectors.csv" '
        FILENAME == ent { if (FNR > 1) { class[$1] = $3; name[$1] = $2 }; next }
        FILENAME == ins { if (FNR > 1) who[$1] = $2 "(" $3 ")"; next }
        {
            split($0, f, "\t"); n = split(f[2], ids, ",")
            team = who[ids[1]]
            for (i = 2; i <= n; i++) team = team ", " who[ids[i]]
            printf "  %s %s %s  ← %s\n", class[f[1]], f[1], name[f[1]], team
        }' "$here/entities.csv" "$here/inspectors.csv" "$1"
}

echo "== 1. check the one list and two libraries (一单两库), and publish the check-item list (抽查事项清单) as xlsx"
"$dr" check-registers "${regs[@]}" --on 2024-06-03
"$dr" item-list --items "$here/items.csv" --issuer "阳城县水务局" --xlsx "$out/check-items.xlsx"

echo
echo "== 2. plan each task: its scope (定向抽查), the pool it gives, ratio, effective rate and number to draw per credit class"
for task in "$here"/tasks/*.toml; do
    echo "-- $(basename "$task")"
    "$dr" plan --task "$task" --entities "$here/entities.csv"
    echo
done

echo "== 2b. the year's plan (年度抽查工作计划): pools per batch, entities more than one task could draw, tasks to merge"
"$dr" year --plan "$here/year-plan.toml" --entities "$here/entities.csv" \
    --out "$out/year-plan.html"
echo

echo "== 3. the bureau's signing key, and the unit head's (单位主要负责人) key that approves corrections"
"$dr" keygen --issuer "阳城县水务局" --out "$out/keys/issuer"
"$dr" keygen --issuer "阳城县水务局局长" --out "$out/keys/head"

echo
# draw_task TASK DRAW-FLAGS...: draws the open commitment of TASK, saves the
# draw as $out/draws/TASK.json and lists the drawn entities and their teams.
draw_task() {
    local task=$1 json="$out/draws/$1.json"
    shift
    "$dr" draw "${chain[@]}" --key "$out/keys/issuer.key" \
        --task-id "$task" --unwitnessed "${regs[@]}" "$@" --json > "$json"
    drawn_teams "$json" > "$out/draws/$task.tsv"
    echo "drew task $task"
    echo "  record $(field record "$(cat "$json")")"
    echo "  seed   $(field seed "$(cat "$json")")"
    list_drawn "$out/draws/$task.tsv"
}

echo "== 4. commit the first two tasks before the randomness exists (publish these records)"
minute=10
for task in water-permits river-sand; do
    "$dr" commit "${chain[@]}" --key "$out/keys/issuer.key" \
        --task "$here/tasks/$task.toml" "${regs[@]}" \
        --randomness-plan "drand:quicknet:$round" \
        --created-at "2023-08-23T15:${minute}:00Z"
    minute=$((minute + 1))
    echo
done

echo "== 4b. the commitment notices (承诺公告) to publish now, before the randomness exists"
for task in YCSW-2024-01 YCHD-2024-01; do
    "$dr" notice --commitment "$task" "${chain[@]}" --public-key "$out/keys/issuer.pub" \
        --items "$here/items.csv" --posted-on 2023-08-23 --contact "阳城县水务局政策法规股" \
        --out "$out/notices/$task-commitment.html"
    echo "  $out/notices/$task-commitment.html"
done
echo

echo "== 5. take the randomness and draw them (entities, then teams)"
echo "   RECORDED STAND-IN: the signature of drand quicknet round $round (2023-08-23T15:15:33Z),"
echo "   not a live round; its SHA-256 is the randomness. Draws saved as $out/draws/TASK.json"
draw_task YCSW-2024-01 --beacon-signature "$signature" --created-at 2023-08-23T15:16:10Z
draw_task YCHD-2024-01 --beacon-signature "$signature" --created-at 2023-08-23T15:16:20Z

echo
echo "== 5b. after the draw (YCSW-2024-01): an officer recuses (回避), a drawn firm turns out deregistered (注销)"
echo "   The office names who leaves and which firm cannot be inspected; who takes the place, and which"
echo "   firm is drawn in supplement (补充抽取, the next of its class from the same stream), follow from the"
echo "   published rule and the draw's seed: both are signed onto the chain and replayed by verify."
ycsw_draw=$(field record "$(cat "$out/draws/YCSW-2024-01.json")")
# The first drawn firm's first officer declares a relation with it.
IFS="$(printf '\t')" read -r recused_firm recused_team < "$out/draws/YCSW-2024-01.tsv"
recused_officer=${recused_team%%,*}
"$dr" replace "${chain[@]}" --key "$out/keys/issuer.key" --draw "$ycsw_draw" \
    --uscc "$recused_firm" --leaving "$recused_officer" \
    --reason 回避 --reason-text "与该单位法定代表人系近亲属" \
    "${regs[@]}" --created-at 2024-05-30T01:00:00Z
# The second drawn firm was deregistered in May: the next firm of its class replaces it.
deregistered=$(sed -n '2p' "$out/draws/YCSW-2024-01.tsv" | cut -f1)
supp=$("$dr" supplement "${chain[@]}" --key "$out/keys/issuer.key" --draw "$ycsw_draw" \
    --replaced "$deregistered" --reason 注销 --reason-text "2024年5月已办理注销登记" \
    "${regs[@]}" --created-at 2024-05-30T02:00:00Z --json)
supplementary=$(field uscc "$supp")
echo "supplementary draw (补充抽取): $deregistered (注销) replaced by $supplementary," \
    "class $(field class "$supp") rank $(field rank "$supp"), record $(field record "$supp" | cut -c1-16)"
# The supplementary firm is inspected like the others: add it to the task's list.
printf '%s\t%s\n' "$supplementary" \
    "$(printf '%s\n' "$supp" | grep -o '"team":\[[^]]*\]' | sed 's/"team":\[//; s/\]//; s/"//g')" \
    >> "$out/draws/YCSW-2024-01.tsv"

echo
echo "== 5c. the joint works task (一业一查): committed after those draws, its pool leaves out"
echo "   every entity drawn this year (exclude_drawn_in_year), supplements included; its randomness is a public ceremony"
"$dr" commit "${chain[@]}" --key "$out/keys/issuer.key" \
    --task "$here/tasks/joint-works.toml" "${regs[@]}" \
    --randomness-plan "ceremony:2024-08-28T02:00:00Z:公开摇号：十面骰连掷六次，点数依次写为 ASCII 数字" \
    --witness "县纪委监委驻县水务局纪检监察组" --witness "县司法局行政执法监督人员" \
    --created-at 2024-08-26T02:00:00Z
# The ceremony rolled 5, 0, 2, 8, 1, 7: the ASCII digits "502817".
draw_task YCGC-2024-01 --randomness 353032383137 --created-at 2024-08-28T02:30:00Z
if grep -F -f <(cut -f1 "$out/draws/YCSW-2024-01.tsv" "$out/draws/YCHD-2024-01.tsv") \
    "$out/draws/YCGC-2024-01.tsv" >/dev/null; then
    echo "the joint works task drew an entity already drawn this year" >&2
    exit 1
fi

echo
echo "== 6. verify everything, as an auditor would (exit 0 = everything holds)"
"$dr" verify "${chain[@]}" --public-key "$out/keys/issuer.pub" "${regs[@]}"

echo
echo "== 7. the printable draw notice (随机抽取结果公示: entities and teams drawn) of each draw: publish it with issuer.pub;"
echo "   give chain.jsonl to whoever verifies (it lists drawn entities per credit class)"
for task in "${tasks[@]}"; do
    "$dr" notice "${chain[@]}" --public-key "$out/keys/issuer.pub" "${names[@]}" \
        --draw "$(field record "$(cat "$out/draws/$task.json")")" \
        --contact "阳城县水务局政策法规股" --out "$out/notices/$task.html"
    echo "  $out/notices/$task.html"
done

echo
echo "== 8. record each drawn entity's result (录入检查结果) within 20 working days of its inspection"
echo "   In the joint task YCGC-2024-01 each department enters the result of its own check item"
echo "   (谁检查、谁录入): 工程股 GC-001, 水保股 SB-001; the entity's overall result is derived."
# Each task's inspection days (working days from its inspection date, 2024,
# skipping the Dragon Boat Festival on 10 June), the day the results are
# entered, and the inspection method. Most entities: no problem found.
fix=""
progress_on=""
for task in "${tasks[@]}"; do
    case "$task" in
    YCSW-2024-01)
        days=(2024-06-03 2024-06-04 2024-06-05 2024-06-06 2024-06-07 2024-06-11 2024-06-12 2024-06-13 2024-06-14)
        entered=2024-06-17 method=on-site,written
        fine="取水许可证在有效期内，取水计量设施运行正常" ;;
    YCHD-2024-01)
        days=(2024-07-01 2024-07-02 2024-07-03 2024-07-04 2024-07-05 2024-07-08 2024-07-09 2024-07-10)
        entered=2024-07-11 method=on-site
        fine="按采砂许可的范围、时段和方式作业" ;;
    YCGC-2024-01)
        days=(2024-09-02 2024-09-03 2024-09-04 2024-09-05 2024-09-06 2024-09-09 2024-09-10 2024-09-11)
        entered=2024-09-12 method=on-site
        fine="工程质量安全与水土保持措施符合要求" ;;
    esac
    draw=$(field record "$(cat "$out/draws/$task.json")")
    echo "-- $task (draw ${draw:0:16})"
    # One entry per department that checked: the joint task has two.
    if [ "$task" = YCGC-2024-01 ]; then
        parts=("工程股:GC-001" "水保股:SB-001")
    else
        parts=("")
    fi
    i=0
    n=0
    while IFS="$(printf '\t')" read -r uscc _team <&3; do
        if [ "$i" -ge "${#days[@]}" ]; then
            echo "more drawn entities than inspection days for $task" >&2
            exit 1
        fi
        for part in "${parts[@]}"; do
            flags=(--category no-problem --findings "$fine")
            case "$task:$i:$part" in
            YCSW-2024-01:2:) # entered wrongly as no problem; corrected in step 9
                flags=(--category no-problem --findings "取水计量设施未按期检定") ;;
            YCSW-2024-01:4:)
                flags=(--category corrected-on-order --findings "节水设施台账未按月登记，已当场责令补登"
                       --follow-up "ordered-to-correct:已当场补登完毕") ;;
            YCHD-2024-01:1:) # the penalty decision follows later: progress in step 8b
                flags=(--category other-violation --findings "超出许可范围采砂约300立方米"
                       --follow-up "penalty-decision") ;;
            YCHD-2024-01:5:)
                flags=(--category unreachable --findings "登记住所无人，登记电话无法接通"
                       --follow-up "transfer-to-agency:移送阳城县市场监督管理局") ;;
            YCGC-2024-01:3:水保股:SB-001)
                flags=(--category problem-pending --findings "水土保持措施未按批复方案落实"
                       --follow-up ordered-to-correct) ;;
            esac
            if [ "$task" = YCSW-2024-01 ] && [ "$uscc" = "$deregistered" ]; then
                flags=(--category 注销 --findings "现场核实：该单位已于2024年5月注销登记，由补充抽取对象替换")
            fi
            who=()
            if [ -n "$part" ]; then
                who=(--department "${part%%:*}" --item "${part#*:}")
            fi
            r=$("$dr" record-result --ledger "$ledger" "${chain[@]}" --key "$out/keys/issuer.key" \
                --draw "$draw" --uscc "$uscc" "${who[@]}" \
                --inspection-start "${days[$i]}" --inspection-end "${days[$i]}" \
                --method "$method" "${flags[@]}" \
                --created-at "${entered}T02:$(printf %02d "$n"):00Z" --json)
            n=$((n + 1))
            on_time=$(field on_time "$r")
            [ "$on_time" = true ] && when="on time" || when="OVERDUE"
            printf '  %s %-18s %s inspected %s, entered %s (deadline %s, %s)  record %s\n' \
                "$uscc" "${flags[1]}" "${part%%:*}" "${days[$i]}" "$entered" \
                "$(field deadline "$r")" "$when" "$(field record "$r" | cut -c1-16)"
            if [ "$task:$i" = YCSW-2024-01:2 ]; then
                fix=$(field record "$r")
            fi
            if [ "$task:$i" = YCHD-2024-01:1 ]; then
                progress_on=$(field record "$r")
            fi
        done
        i=$((i + 1))
    done 3< "$out/draws/$task.tsv"
done

echo
echo "== 8b. follow-up progress (后续处置进展): the penalty decision is issued; recorded by the issuer alone,"
echo "   published without the corrected mark (是否更正 stays 否)"
if [ -z "$progress_on" ]; then
    echo "no result to follow up: YCHD-2024-01 drew fewer than 2 entities" >&2
    exit 1
fi
"$dr" progress --ledger "$ledger" "${chain[@]}" --key "$out/keys/issuer.key" \
    --result "$progress_on" --follow-up "penalty-decision:阳水罚〔2024〕3号 罚款2万元" \
    --created-at 2024-09-13T02:00:00Z

echo
echo "== 9. correct a wrongly entered result (更正), approved by the unit head's second signature"
if [ -z "$fix" ]; then
    echo "no result to correct: YCSW-2024-01 drew fewer than 3 entities" >&2
    exit 1
fi
"$dr" correct --ledger "$ledger" "${chain[@]}" --key "$out/keys/issuer.key" \
    --approver-key "$out/keys/head.key" --result "$fix" \
    --reason "季度复核：检查记录载明取水计量设施未按期检定，录入时误选“未发现问题”" \
    --category problem-pending --follow-up ordered-to-correct \
    --created-at 2024-09-20T02:00:00Z

echo
echo "== 10. publish the results (一公开): CSV, JSON and xlsx, and a signed checkpoint of them on the ledger"
"$dr" publish --ledger "$ledger" "${chain[@]}" --key "$out/keys/issuer.key" \
    --entities "$here/entities.csv" --inspectors "$here/inspectors.csv" \
    --out-dir "$out/public" --created-at 2024-09-23T02:00:00Z

echo
echo "== 11. the summary tables (汇总表) per task: initiated (发起) and cooperated (配合), also as xlsx; exit 0 = 100% entered and published"
"$dr" summary --ledger "$ledger" "${chain[@]}" --public-key "$out/keys/issuer.pub" \
    --entities "$here/entities.csv" --xlsx "$out/summary.xlsx"
echo "  $out/summary.xlsx"

echo
echo "== 12. verify chain and ledger together, as an auditor would (exit 0 = everything holds)"
"$dr" verify "${chain[@]}" --public-key "$out/keys/issuer.pub" "${regs[@]}" \
    --ledger "$ledger" --approver-key "$out/keys/head.pub" \
    --published "$out/public/public-results.csv" --published "$out/public/public-results.json" \
    --published "$out/public/public-results.xlsx"

echo
echo "== 13. LIVE, as an office works today: the commitment is witnessed (见证) before the randomness"
echo "   Steps 4 to 12 replay 2024 with a recorded drand round, so no witness could have seen those"
echo "   commitments in time: their draws say --unwitnessed and every verifier reports it. Here two"
echo "   witness services (the discipline inspection group stationed at the bureau and the city bureau,"
echo "   each with its own key, clock and database) run on this machine; the bureau commits a task for"
echo "   an inspection two weeks from today, both witnesses cosign at once, the public ceremony takes"
echo "   place a few seconds later, and verify, given the witnesses' keys, judges \"committed before"
echo "   the randomness\" by their clocks, not by the bureau's. A separate demonstration key and chain."
live="$out/live"
mkdir -p "$live/w1" "$live/w2"
"$dr" keygen --issuer "阳城县水务局（现场演示 live demonstration）" --out "$live/issuer"
"$dr" keygen --issuer "阳城县纪委监委驻县水务局纪检监察组（见证方）" --out "$live/w1/key"
"$dr" keygen --issuer "晋城市水务局（见证方）" --out "$live/w2/key"
witness_pids=()
stop_witnesses() {
    for pid in "${witness_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_witnesses EXIT
urls=()
for w in w1 w2; do
    "$dr" witness serve --key "$live/$w/key.key" --state "$live/$w" \
        --listen 127.0.0.1:0 > "$live/$w/address" 2> "$live/$w/log" &
    witness_pids+=($!)
    for _ in $(seq 100); do
        [ -s "$live/$w/address" ] && break
        sleep 0.1
    done
    address=$(head -n 1 "$live/$w/address")
    case "$address" in
    127.0.0.1:*) ;;
    *) echo "witness $w did not start (see $live/$w/log)" >&2; exit 1 ;;
    esac
    urls+=(--witness-url "http://$address")
    echo "witness $w listening on http://$address"
done
witness_keys=(--witness-key "$live/w1/key.pub" --witness-key "$live/w2/key.pub" --witness-threshold 2)
# The task: water permits again, inspected two weeks from today (Beijing).
inspection=$(TZ=Asia/Shanghai date -d '+14 days' +%F)
sed -e 's/^id = .*/id = "YCSW-LIVE-01"/' \
    -e 's/^name = .*/name = "取水许可监督检查（现场演示）"/' \
    -e "s/^inspection_date = .*/inspection_date = $inspection/" \
    "$here/tasks/water-permits.toml" > "$live/task.toml"
ceremony=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)
"$dr" commit --chain "$live/chain.jsonl" --key "$live/issuer.key" --task "$live/task.toml" \
    "${regs[@]}" "${urls[@]}" \
    --randomness-plan "ceremony:$ceremony:公开摇号：十面骰连掷六次，点数依次写为 ASCII 数字" \
    --witness "县司法局行政执法监督人员"
while [ "$(date -u +%s)" -le "$(date -u -d "$ceremony" +%s)" ]; do sleep 0.2; done
# The rolls are written in this script (a demonstration): 7, 3, 0, 9, 4, 6.
"$dr" draw --chain "$live/chain.jsonl" --key "$live/issuer.key" --task-id YCSW-LIVE-01 \
    --randomness 373330393436 "${regs[@]}" "${urls[@]}" "${witness_keys[@]}" --json > "$live/draw.json"
drawn_teams "$live/draw.json" > "$live/draw.tsv"
list_drawn "$live/draw.tsv"
echo "-- verify with the witnesses' keys (exit 0 = everything holds, publication time included)"
"$dr" verify --chain "$live/chain.jsonl" --public-key "$live/issuer.pub" "${regs[@]}" \
    "${witness_keys[@]}"
