//! The summaries of the results-ledger commands, `round` and `show` in
//! Chinese (`--lang zh`), through the binary on a chain drawn from the
//! worked example's registers: the wording a county office reads, with
//! every value (codes, task ids, dates, counts, file names) as it is.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod fixtures;
use fixtures::example;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    text(o)
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).expect("JSON")
}

fn has(out: &str, want: &str) {
    assert!(out.contains(want), "missing {want:?} in:\n{out}");
}

fn registers() -> Vec<String> {
    let mut v = Vec::new();
    for (flag, file) in [
        ("--entities", "entities.csv"),
        ("--inspectors", "inspectors.csv"),
        ("--conflicts", "conflicts.csv"),
        ("--items", "items.csv"),
    ] {
        v.push(flag.to_owned());
        v.push(example(file).display().to_string());
    }
    v
}

fn run_owned(dir: &Path, args: &[String]) -> Output {
    run(dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The name the example's entity register gives `uscc`.
fn entity_name(uscc: &str) -> String {
    let csv = std::fs::read_to_string(example("entities.csv")).expect("entities");
    csv.lines()
        .find_map(|l| l.strip_prefix(&format!("{uscc},")))
        .and_then(|rest| rest.split(',').next())
        .expect("entity in the register")
        .to_owned()
}

/// Key, commitment (local randomness) and draw of the water-permit task in
/// `dir`, at fixed times; the draw's id and the codes drawn.
fn drawn_chain(dir: &Path) -> (String, Vec<String>) {
    ok(&run(
        dir,
        &["keygen", "--issuer", "阳城县水务局", "--out", "k/issuer"],
    ));
    let mut commit: Vec<String> = [
        "commit",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--task",
        &example("tasks/water-permits.toml").display().to_string(),
        "--randomness-plan",
        "local",
        "--created-at",
        "2024-05-20T01:00:00Z",
    ]
    .map(String::from)
    .to_vec();
    commit.extend(registers());
    ok(&run_owned(dir, &commit));
    let mut draw: Vec<String> = [
        "draw",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--randomness",
        &"11".repeat(32),
        "--created-at",
        "2024-05-21T01:00:00Z",
        "--json",
    ]
    .map(String::from)
    .to_vec();
    draw.extend(registers());
    let d = json(&run_owned(dir, &draw));
    let drawn = ["A", "B", "C", "D"]
        .iter()
        .flat_map(|c| d["drawn"][c].as_array().cloned().unwrap_or_default())
        .map(|e| e["uscc"].as_str().expect("uscc").to_owned())
        .collect();
    (d["record"].as_str().expect("record").to_owned(), drawn)
}

#[test]
fn ledger_round_and_show_speak_chinese() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let (draw, drawn) = drawn_chain(p);
    assert!(drawn.len() >= 3, "{drawn:?}");

    // record-result: one entity.
    let first = &drawn[0];
    let out = ok(&run(
        p,
        &[
            "record-result",
            "--lang",
            "zh",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--draw",
            &draw[..16],
            "--uscc",
            first,
            "--inspection-start",
            "2024-09-23",
            "--inspection-end",
            "2024-09-27",
            "--method",
            "on-site",
            "--category",
            "no-problem",
            "--created-at",
            "2024-10-08T02:00:00Z",
        ],
    ));
    has(
        &out,
        &format!("已录入检查对象 {first} 在抽查任务 YCSW-2024-01 中的检查结果\n"),
    );
    has(&out, "\n  序号     0\n");
    has(
        &out,
        "录入日期 2024-10-08（北京时间），按期录入（截止日期 2024-",
    );
    let record = out
        .lines()
        .find_map(|l| l.strip_prefix("  记录     "))
        .expect("record line");
    assert_eq!(record.len(), 64, "{record}");
    assert!(
        !out.contains("recorded") && !out.contains("sequence"),
        "{out}"
    );

    // record-results: every other entity but the last, from a CSV sheet.
    let rest = &drawn[1..drawn.len() - 1];
    let mut csv = "统一社会信用代码,检查结果,检查开始日期,检查结束日期,检查方式\n".to_owned();
    for u in rest {
        csv.push_str(&format!("{u},未发现问题,2024-09-23,2024-09-27,现场检查\n"));
    }
    std::fs::write(p.join("results.csv"), csv).expect("write");
    let out = ok(&run(
        p,
        &[
            "record-results",
            "--lang",
            "zh",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--from",
            "results.csv",
            "--created-at",
            "2024-10-09T02:00:00Z",
        ],
    ));
    has(
        &out,
        &format!(
            "已从 results.csv 录入 {} 条检查结果，录入日期 2024-10-09（北京时间）\n",
            rest.len()
        ),
    );
    has(
        &out,
        &format!("  第   2 行  {}  YCSW-2024-01  序号 1  记录 ", rest[0]),
    );
    has(&out, "按期录入（截止日期 2024-");

    // A second result for the first entity is refused, row by row.
    std::fs::write(
        p.join("again.csv"),
        format!(
            "统一社会信用代码,检查结果,检查开始日期,检查结束日期,检查方式\n{first},未发现问题,2024-09-23,2024-09-27,现场检查\n"
        ),
    )
    .expect("write");
    let refused = run(
        p,
        &[
            "record-results",
            "--lang",
            "zh",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--from",
            "again.csv",
            "--created-at",
            "2024-10-09T03:00:00Z",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    has(
        &err,
        "double-random record-results：again.csv：共 1 行，其中 1 行被拒绝；未向 ledger.jsonl 写入任何记录",
    );
    has(
        &err,
        &format!("  第 2 行，列“统一社会信用代码”，值 \"{first}\"：[duplicate-result]"),
    );

    // summary: one entity still without a result (exit 1), named.
    let entities = example("entities.csv").display().to_string();
    let s = run(
        p,
        &[
            "summary",
            "--lang",
            "zh",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--entities",
            &entities,
        ],
    );
    assert_eq!(s.status.code(), Some(1));
    let out = text(&s);
    let n = drawn.len();
    let entered = n - 1;
    has(&out, "== 发起任务汇总表：1 项\n");
    has(&out, "== 配合任务汇总表：0 项\n");
    has(&out, "YCSW-2024-01 2024年度取水许可监督检查  [水资源股]\n");
    has(
        &out,
        &format!(
            " · 计划检查 {n} 户（抽取数） · 已检查 {entered} · 已录入 {entered}（按期 {entered}） · 已公示 0\n"
        ),
    );
    has(&out, "  录入率 ");
    has(&out, &format!("（{entered}/{n}） · 公示率 0.0%（0/{n}）\n"));
    has(&out, &format!("  检查结果：未发现问题 {entered}\n"));
    has(&out, "  缺少 1 条检查结果（须 100% 录入并公示）：\n");
    let last = drawn.last().expect("drawn");
    has(&out, &format!("    {last} {}\n", entity_name(last)));
    assert!(!out.contains("tasks:") && !out.contains("MISSING"), "{out}");

    // publish.
    let out = ok(&run(
        p,
        &[
            "publish",
            "--lang",
            "zh",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--entities",
            &entities,
            "--out-dir",
            "pub",
            "--created-at",
            "2024-11-02T02:00:00Z",
        ],
    ));
    has(
        &out,
        &format!("已公示阳城县水务局的 {entered} 条检查结果\n"),
    );
    for f in [
        "public-results.csv",
        "public-results.json",
        "public-results.xlsx",
    ] {
        has(&out, &format!("pub/{f}  sha256 "));
    }
    has(&out, &format!("（序号 {entered}）\n"));
    let checkpoint = out
        .lines()
        .find_map(|l| l.strip_prefix("  检查点 "))
        .expect("checkpoint line");
    assert_eq!(checkpoint.find('（'), Some(64), "{checkpoint}");

    // round: the same round and times as the JSON gives.
    let at = "2024-06-03 10:00 北京时间";
    let v = json(&run(p, &["round", "--at", at, "--json"]));
    let round = v["round"].as_u64().expect("round");
    let utc = v["time_utc"].as_str().expect("time");
    let out = ok(&run(p, &["round", "--lang", "zh", "--at", at]));
    has(
        &out,
        "查询时间：2024-06-03T02:00:00Z（UTC）= 2024-06-03 10:00:00（北京时间）\n",
    );
    has(&out, &format!("drand quicknet 第 {round} 轮\n"));
    has(&out, &format!("  公布时间：{utc}（UTC）= "));
    has(
        &out,
        &format!("承诺时用：--randomness-plan drand:quicknet:{round}\n"),
    );
    has(&out, &format!("（承诺的 --created-at 须早于 {utc}）\n"));
    has(&out, &format!("/public/{round}\n"));
    has(
        &out,
        "将其中的 `signature` 交给 `draw --beacon-signature`。",
    );

    // show: the chain's task, commitment and draw.
    let out = ok(&run(
        p,
        &[
            "show",
            "--lang",
            "zh",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
        ],
    ));
    has(&out, "签发单位 阳城县水务局，公钥指纹 ");
    has(&out, "链头：序号 1，记录 ");
    has(&out, "已按重放级别验证：所查规则均成立");
    has(&out, "抽查任务 YCSW-2024-01 2024年度取水许可监督检查\n");
    has(&out, "  承诺：序号 0，记录 ");
    has(&out, "承诺时间 2024-05-20 09:00:00（北京时间）\n");
    has(&out, "    随机源：本地：本单位自行产生的随机数");
    has(&out, "    各类名录库：A 类 ");
    has(&out, "    检查日期：2024-06-03\n");
    has(
        &out,
        &format!("    状态：已抽取，序号 1，记录 {draw}，2024-05-21 09:00:00（北京时间）\n"),
    );
    has(&out, "    见证：");
    has(
        &out,
        &format!("    抽中 {n} 户（类别 名次 统一社会信用代码：检查人员）：\n"),
    );
    has(&out, &format!(" {first}："));
    assert!(
        !out.contains("commitment") && !out.contains("outcome"),
        "{out}"
    );
}
