//! The `double-random` binary end to end: exit statuses, text and JSON
//! output of `check-registers`, `diff-registers` and `plan`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/registers")
        .join(name)
}

mod fixtures;
use fixtures::example;

fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

fn check_json(file: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["check-registers".as_ref(), "--json".as_ref()];
    args.push("--entities".as_ref());
    args.push(file.as_os_str());
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let o = run(args);
    (code(&o), json(&o))
}

#[test]
fn gb18030_copy_gives_the_same_counts_as_utf8() {
    let (code_utf8, utf8) = check_json(&data("entities_200.csv"), &[]);
    let (code_gb, gb) = check_json(&data("entities_200_gb18030.csv"), &[]);
    let (code_forced, forced) = check_json(
        &data("entities_200_gb18030.csv"),
        &["--encoding", "gb18030"],
    );
    assert_eq!((code_utf8, code_gb, code_forced), (0, 0, 0));
    assert_eq!(utf8["entities"]["count"], 200);
    assert_eq!(utf8["errors"], 0);
    assert_eq!(utf8["entities"], gb["entities"]);
    assert_eq!(utf8["entities"], forced["entities"]);
    let per_class = &utf8["entities"]["per_class"];
    let sum: u64 = ["A", "B", "C", "D"]
        .iter()
        .map(|c| per_class[c].as_u64().expect("count"))
        .sum();
    assert_eq!(sum, 200);

    // Text output too: the same lines whatever the encoding.
    let text = |f: &str| {
        let o = run([
            "check-registers".as_ref(),
            "--entities".as_ref(),
            data(f).as_os_str(),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(text("entities_200.csv"), text("entities_200_gb18030.csv"));
}

#[test]
fn wrong_check_character_and_duplicate_are_named() {
    let bad = data("entities_bad.csv");
    let o = run([
        "check-registers".as_ref(),
        "--entities".as_ref(),
        bad.as_os_str(),
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("91140522000000003T"), "{out}");
    assert!(out.contains("check character"), "{out}");
    assert!(out.contains("91140522000000009C"), "{out}");
    assert!(out.contains("duplicate"), "{out}");

    let (c, v) = check_json(&bad, &[]);
    assert_eq!(c, 1);
    assert_eq!(v["errors"], 2);
    assert_eq!(v["entities"]["count"], 4);
    let problems = v["problems"].to_string();
    assert!(problems.contains("91140522000000003T"), "{problems}");
    assert!(problems.contains("91140522000000009C"), "{problems}");
}

#[test]
fn unreadable_files_exit_2() {
    let missing = data("no-such-file.csv");
    let o = run([
        "check-registers".as_ref(),
        "--entities".as_ref(),
        missing.as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such-file.csv"), "{}", stderr(&o));

    let no_uscc = data("entities_no_uscc.csv");
    let o = run([
        "check-registers".as_ref(),
        "--entities".as_ref(),
        no_uscc.as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("uscc") && err.contains("统一社会信用代码"),
        "{err}"
    );
}

#[test]
fn diff_between_two_versions() {
    let o = run([
        "diff-registers".as_ref(),
        data("entities_v1.csv").as_os_str(),
        data("entities_v2.csv").as_os_str(),
        "--json".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    let uscc = |list: &Value| -> Vec<String> {
        list.as_array()
            .expect("array")
            .iter()
            .map(|e| {
                e.get("entity")
                    .unwrap_or(e)
                    .get("uscc")
                    .and_then(Value::as_str)
                    .expect("uscc")
                    .to_owned()
            })
            .collect()
    };
    let mut added = uscc(&v["diff"]["added"]);
    added.sort();
    assert_eq!(added, ["9114052200000000YD", "91140522000000012P"]);
    let mut removed = uscc(&v["diff"]["removed"]);
    removed.sort();
    assert_eq!(removed, ["91140522000000000G", "91140522000000003R"]);
    assert_eq!(uscc(&v["diff"]["class_changed"]), ["911405220000000063"]);
    assert_eq!(v["diff"]["class_changed"][0]["from"], "A");
    assert_eq!(v["diff"]["class_changed"][0]["to"], "D");
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0));
}

fn plan_json(task: &Path, entities: &Path) -> (i32, Value, String) {
    let o = run([
        "plan".as_ref(),
        "--task".as_ref(),
        task.as_os_str(),
        "--entities".as_ref(),
        entities.as_os_str(),
        "--json".as_ref(),
    ]);
    (code(&o), json(&o), stderr(&o))
}

#[test]
fn plan_json_on_the_example_tasks() {
    let entities = example("entities.csv");
    let (_, check) = check_json(&entities, &[]);
    let register_size = check["entities"]["count"].as_u64().expect("count");
    let mut tasks: Vec<PathBuf> = std::fs::read_dir(example("tasks"))
        .expect("tasks folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    tasks.sort();
    assert!(tasks.len() >= 2, "{tasks:?}");
    for task in &tasks {
        let (c, v, err) = plan_json(task, &entities);
        assert_eq!(c, 0, "{}: {err}", task.display());
        let mut pools = 0;
        let mut masters = 0;
        let mut draws = 0;
        for class in ["A", "B", "C", "D"] {
            let k = &v["classes"][class];
            let (n, d) = (
                k["pool"].as_u64().expect("pool"),
                k["draw"].as_u64().expect("draw"),
            );
            assert!(d <= n, "{class}: {v}");
            assert!(k["ratio_bp"].as_u64().expect("ratio") <= 10_000);
            // The example's tasks are scoped: their pools are parts of the register.
            assert!(n <= k["master"].as_u64().expect("master"), "{class}: {v}");
            pools += n;
            masters += k["master"].as_u64().expect("master");
            draws += d;
        }
        assert_eq!(masters, register_size);
        assert_eq!(v["master_total"], register_size);
        assert!(0 < pools && pools < register_size, "{v}");
        assert_eq!(v["pool_total"], pools);
        assert_eq!(v["total"], draws);
        assert!(draws >= 3.min(pools), "{v}");
        assert!(v["task"].as_str().is_some_and(|s| !s.is_empty()));
    }
}

#[test]
fn plan_applies_the_minimum_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let task = dir.path().join("t.toml");
    std::fs::write(
        &task,
        "id = \"T-1\"\nname = \"取水许可检查\"\ninitiating_department = \"水资源股\"\n\
         team_size = 2\n[ratios]\nA = \"0%\"\nB = \"0%\"\nC = \"1%\"\nD = \"1%\"\n",
    )
    .expect("write");
    // 200 entities at 0/0/1/1 %: ceil gives C 1, D 1, so one more from D.
    let (c, v, _) = plan_json(&task, &data("entities_200.csv"));
    assert_eq!(c, 0);
    assert_eq!(v["total"], 3);
    assert_eq!(v["classes"]["D"]["draw"], 2);
    assert_eq!(v["minimum_rule"], "top-up-to-3");
    let o = run([
        "plan".as_ref(),
        "--task".as_ref(),
        task.as_os_str(),
        "--entities".as_ref(),
        data("entities_200.csv").as_os_str(),
    ]);
    assert!(stdout(&o).contains("D +1"), "{}", stdout(&o));

    // Two valid entities: both drawn.
    let small = dir.path().join("small.csv");
    let rows: Vec<String> = std::fs::read_to_string(data("entities_200.csv"))
        .expect("read")
        .lines()
        .take(3)
        .map(str::to_owned)
        .collect();
    std::fs::write(&small, rows.join("\n")).expect("write");
    let classes: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r.split(',').nth(2).unwrap_or(""))
        .collect();
    let any = dir.path().join("any.toml");
    let text = std::fs::read_to_string(&task).expect("read");
    std::fs::write(
        &any,
        text.replace("team_size = 2\n", "team_size = 2\ntop_up = \"any-class\"\n"),
    )
    .expect("write");
    let (c, v, _) = plan_json(&any, &small);
    assert_eq!(c, 0);
    assert_eq!(v["total"], 2);
    assert_eq!(v["pool_total"], 2);
    assert_eq!(v["minimum_rule"], "all-fewer-than-3");
    // Under the default positive-ratio top-up, classes at 0% are not drawn at all.
    let (c, v, _) = plan_json(&task, &small);
    assert_eq!(c, 0);
    let at_positive_ratio = classes.iter().filter(|c| matches!(**c, "C" | "D")).count();
    assert_eq!(v["total"], at_positive_ratio, "{classes:?}");
}

#[test]
fn plan_exit_statuses() {
    // The water-permit task without its scope: the whole register in business.
    let dir = tempfile::tempdir().expect("tempdir");
    let task = dir.path().join("unscoped.toml");
    let scoped = std::fs::read_to_string(example("tasks/water-permits.toml")).expect("read");
    let unscoped = scoped.replace("[scope]\ntarget_types = [\"取水单位\"]\n", "");
    assert_ne!(scoped, unscoped);
    std::fs::write(&task, unscoped).expect("write");
    // A register with problems: the plan of the valid rows, problems on stderr, exit 1.
    let (c, v, err) = plan_json(&task, &data("entities_bad.csv"));
    assert_eq!(c, 1);
    assert_eq!(v["pool_total"], 4);
    assert!(err.contains("91140522000000003T"), "{err}");
    assert!(err.contains("91140522000000009C"), "{err}");

    // An invalid task file: exit 2, the TOML error with its line.
    let bad_task = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(&task)
        .expect("read")
        .replace("C = \"12.5%\"", "C = 0.125");
    std::fs::write(&bad_task, text).expect("write");
    let o = run([
        "plan".as_ref(),
        "--task".as_ref(),
        bad_task.as_os_str(),
        "--entities".as_ref(),
        data("entities_200.csv").as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml") && err.contains("\"12.5%\""),
        "{err}"
    );
    assert!(err.contains("line"), "{err}");

    // A missing task file or register: exit 2.
    let o = run([
        "plan".as_ref(),
        "--task".as_ref(),
        dir.path().join("none.toml").as_os_str(),
        "--entities".as_ref(),
        data("entities_200.csv").as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    let o = run([
        "plan".as_ref(),
        "--task".as_ref(),
        task.as_os_str(),
        "--entities".as_ref(),
        data("entities_no_uscc.csv").as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn text_tables_line_up_chinese() {
    let o = run([
        "check-registers".as_ref(),
        "--entities".as_ref(),
        example("entities.csv").as_os_str(),
        "--inspectors".as_ref(),
        example("inspectors.csv").as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    // Every count column ends at the same display column.
    let ends: Vec<usize> = out
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains("股"))
        .map(double_random_cli::common::display_width)
        .collect();
    assert!(ends.len() >= 3, "{out}");
    assert!(ends.windows(2).all(|w| w[0] == w[1]), "{out}");
}

#[test]
fn a_reader_closing_the_pipe_early_is_not_a_panic() {
    // `double-random ... | head -1`: the reader is gone before the output is
    // written. The command stops quietly (exit 2), it does not panic (101).
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec![
            "keygen".to_owned(),
            "--issuer".into(),
            "阳城县水务局".into(),
            "--out".into(),
            dir.path().join("k").display().to_string(),
        ],
        vec![
            "check-registers".to_owned(),
            "--entities".into(),
            example("entities.csv").display().to_string(),
        ],
        vec![
            "plan".into(),
            "--task".into(),
            example("tasks/water-permits.toml").display().to_string(),
            "--entities".into(),
            example("entities.csv").display().to_string(),
            "--json".into(),
        ],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_double-random"))
            .env("DOUBLE_RANDOM_LANG", "en")
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
    }
}
