//! The clerk's year in Chinese (issue 18): with a Chinese locale and no
//! flag, the help, the summaries, the register problems (named by the
//! clerk's own column headers) and the errors are Chinese; the signed
//! records are the same bytes in every language.

use std::path::Path;
use std::process::{Command, Output};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/yangcheng")
        .join(name)
        .display()
        .to_string()
}

/// The binary as a clerk on a Chinese system runs it: `LANG=zh_CN.UTF-8`,
/// no `--lang` flag.
fn zh(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env_remove("DOUBLE_RANDOM_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}{}", out(o), err(o));
    out(o)
}

fn has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "expected {n:?} in:\n{text}");
    }
}

fn registers() -> Vec<String> {
    ["entities", "inspectors", "conflicts", "items"]
        .iter()
        .flat_map(|r| [format!("--{r}"), example(&format!("{r}.csv"))])
        .collect()
}

fn with<'a>(args: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    args.iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect()
}

#[test]
fn help_and_parser_errors_are_chinese_under_a_chinese_locale() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let help = ok(&zh(d, &["--help"]));
    has(&help, &["用法：", "命令", "选项", "--lang"]);
    let help = ok(&zh(d, &["commit", "--help"]));
    has(&help, &["用法：double-random commit", "--randomness-plan"]);
    // English on request, whatever the locale says.
    let help = ok(&zh(d, &["--lang", "en", "commit", "--help"]));
    has(&help, &["Usage: double-random commit"]);

    let o = zh(d, &["plan", "--task"]);
    assert_eq!(o.status.code(), Some(2));
    has(&err(&o), &["错误：", "--task", "更多信息请加 --help"]);
    let o = zh(d, &["plna"]);
    assert_eq!(o.status.code(), Some(2));
    has(&err(&o), &["没有 “plna” 这个命令", "plan"]);
}

#[test]
fn a_register_problem_names_the_clerks_own_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = std::fs::read_to_string(example("entities.csv")).unwrap();
    // Row 4 (the third entity) gets a credit class nobody uses.
    let bad: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 3 {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[2] = "Q";
                cells.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(d.join("名录.csv"), bad.join("\n") + "\n").unwrap();
    let o = zh(d, &["check-registers", "--entities", "名录.csv"]);
    assert_eq!(o.status.code(), Some(1));
    has(
        &out(&o),
        &[
            "检查对象：",
            "1 个错误",
            "错误：检查对象名录 名录.csv 第 4 行，“信用风险分类”列（credit_class），值 \"Q\"",
        ],
    );
}

#[test]
fn a_year_in_chinese_gives_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let regs = registers();

    let checked = ok(&zh(d, &with(&["check-registers"], &regs)));
    has(
        &checked,
        &[
            "检查对象：40 户有效",
            "执法检查人员：",
            "回避关系：",
            "未发现问题",
        ],
    );

    let planned = ok(&zh(
        d,
        &[
            "plan",
            "--task",
            &example("tasks/water-permits.toml"),
            "--entities",
            &example("entities.csv"),
        ],
    ));
    has(
        &planned,
        &["任务 YCSW-2024-01", "类别", "名录库", "合计", "规则："],
    );

    let year = ok(&zh(
        d,
        &[
            "year",
            "--plan",
            &example("year-plan.toml"),
            "--entities",
            &example("entities.csv"),
        ],
    ));
    has(&year, &["年度抽查工作计划", "名录库", "抽取"]);

    let keys = ok(&zh(
        d,
        &["keygen", "--issuer", "阳城县水务局", "--out", "k/issuer"],
    ));
    has(
        &keys,
        &["签发单位：阳城县水务局", "公钥指纹：", "请离线保管"],
    );

    // A time without a zone is refused, in Chinese, naming the flag.
    let task = example("tasks/water-permits.toml");
    let commit = |created_at: &str| {
        let base = [
            "commit",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--task",
            &task,
            "--randomness-plan",
            "ceremony:2024-06-01 10:00 北京时间:公开摇号：十面骰连掷六次",
            "--witness",
            "县司法局行政执法监督人员",
            "--created-at",
            created_at,
        ];
        zh(d, &with(&base, &regs))
    };
    let o = commit("2024-06-01 09:00");
    assert_eq!(o.status.code(), Some(2));
    has(&err(&o), &["--created-at", "没有写明时区", "北京时间"]);
    assert!(!d.join("chain.jsonl").exists());

    let committed = ok(&commit("2024-06-01 09:00 北京时间"));
    has(
        &committed,
        &[
            "已承诺任务 YCSW-2024-01",
            "名录库",
            "公开摇号仪式",
            "检查日期",
        ],
    );
    let drawn = ok(&zh(
        d,
        &with(
            &[
                "draw",
                "--chain",
                "chain.jsonl",
                "--key",
                "k/issuer.key",
                "--randomness",
                "353032383137",
                "--unwitnessed",
                "--created-at",
                "2024-06-01 10:30 北京时间",
            ],
            &regs,
        ),
    ));
    has(&drawn, &["已抽取任务 YCSW-2024-01", "种子"]);

    let verified = ok(&zh(
        d,
        &with(
            &[
                "verify",
                "--chain",
                "chain.jsonl",
                "--public-key",
                "k/issuer.pub",
            ],
            &regs,
        ),
    ));
    has(
        &verified,
        &[
            "共 2 条记录：承诺 1 条，抽取 1 条",
            "链头：序号 1",
            // Times in Beijing time, as the clerk gave them.
            "，2024-06-01 10:30:00（北京时间）；请与签发单位公布的链头核对",
            "结论：",
        ],
    );

    // A firm checks its own proof, in Chinese.
    let first_drawn = drawn
        .lines()
        .find_map(|l| l.split_whitespace().find(|w| w.len() == 18))
        .expect("a drawn USCC")
        .to_owned();
    ok(&zh(
        d,
        &[
            "prove",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--entities",
            &example("entities.csv"),
            "--uscc",
            &first_drawn,
            "--out",
            "proof.json",
        ],
    ));
    let proof = zh(
        d,
        &[
            "verify-proof",
            "--proof",
            "proof.json",
            "--public-key",
            "k/issuer.pub",
        ],
    );
    has(
        &out(&proof),
        &[
            "证明成立：",
            &first_drawn,
            "已被抽中",
            "抽取记录序号 1，2024-06-01 10:30:00（北京时间）",
            "未核对公布时间",
        ],
    );

    // Machine output is the same in every language: a program reading
    // `verify --json` does not depend on the clerk's locale.
    let json_args = with(
        &[
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--json",
        ],
        &regs,
    );
    let in_zh = ok(&zh(d, &json_args));
    let en = Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(d)
        .args(&json_args)
        .output()
        .unwrap();
    assert_eq!(in_zh, ok(&en));
    assert!(in_zh.contains("\"holds\": true"), "{in_zh}");
}
