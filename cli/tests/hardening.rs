//! Issue 15 through the binary: look-alike ids, unapproved corrections,
//! hostile files, symlinked outputs and open secret keys, a torn last line,
//! and strict verification. Every hostile input ends with a named error and
//! exit 1 or 2, never a panic (101) or an abort (134).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

mod fixtures;
use fixtures::example;

fn ex(name: &str) -> String {
    example(name).display().to_string()
}

fn run<I, S>(dir: &Path, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

/// Exit 1 or 2 with no panic text, and `needle` in the output.
fn refused(o: &Output, needle: &str) {
    let t = text(o);
    assert!(
        matches!(o.status.code(), Some(1 | 2)),
        "status {:?}: {t}",
        o.status.code()
    );
    assert!(!t.contains("panicked"), "{t}");
    assert!(t.contains(needle), "expected {needle:?} in: {t}");
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
        v.push(ex(file));
    }
    v
}

struct Office {
    dir: tempfile::TempDir,
    draw: String,
    drawn: Vec<String>,
}

impl Office {
    fn p(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        run(self.p(), args)
    }

    fn record(&self, uscc: &str, created_at: &str) -> Output {
        self.run(&[
            "record-result",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--draw",
            &self.draw[..16],
            "--uscc",
            uscc,
            "--inspection-start",
            "2024-09-23",
            "--inspection-end",
            "2024-09-27",
            "--method",
            "on-site",
            "--category",
            "no-problem",
            "--findings",
            "取水计量设施运行正常",
            "--created-at",
            created_at,
            "--json",
        ])
    }

    fn publish(&self, extra: &[&str]) -> Output {
        let entities = ex("entities.csv");
        let mut args = vec![
            "publish",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--entities",
            &entities,
            "--out-dir",
            "public",
            "--created-at",
            "2024-11-01T02:00:00Z",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn ledger_text(&self) -> String {
        std::fs::read_to_string(self.p().join("ledger.jsonl")).expect("ledger")
    }
}

/// Keys, a commitment with local randomness and a draw at fixed times.
fn office() -> Office {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    ok(&run(
        p,
        ["keygen", "--issuer", "阳城县水务局", "--out", "k/issuer"],
    ));
    ok(&run(
        p,
        ["keygen", "--issuer", "阳城县水务局局长", "--out", "k/head"],
    ));
    let mut commit = vec![
        "commit".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k/issuer.key".into(),
        "--task".into(),
        ex("tasks/water-permits.toml"),
        "--randomness-plan".into(),
        "local".into(),
        "--created-at".into(),
        "2024-05-20T01:00:00Z".into(),
    ];
    commit.extend(registers());
    ok(&run(p, &commit));
    let mut draw = vec![
        "draw".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k/issuer.key".into(),
        "--randomness".into(),
        "11".repeat(32),
        "--created-at".into(),
        "2024-05-21T01:00:00Z".into(),
        "--json".into(),
    ];
    draw.extend(registers());
    let d: Value = serde_json::from_str(&ok(&run(p, &draw))).expect("JSON");
    let drawn = ["A", "B", "C", "D"]
        .iter()
        .flat_map(|c| d["drawn"][c].as_array().cloned().unwrap_or_default())
        .map(|e| e["uscc"].as_str().expect("uscc").to_owned())
        .collect();
    Office {
        dir,
        draw: d["record"].as_str().expect("record").to_owned(),
        drawn,
    }
}

// ---------------------------------------------------------------------------
// One officer, two seats

#[test]
fn one_officer_two_seats_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(example("inspectors.csv")).unwrap();
    let zhang = original
        .lines()
        .find(|l| l.starts_with("ZF14052203,"))
        .expect("张伟 in the example")
        .to_owned();
    let rows = original.lines().count();
    for (seat, rule, detail) in [
        // Zero-width space, NBSP, soft hyphen, bidi override, full-width, Greek.
        ("ZF14052203\u{200B}", "id-characters", "U+200B"),
        ("ZF1405\u{00A0}2203", "id-characters", "U+00A0"),
        ("ZF1405\u{00AD}2203", "id-characters", "U+00AD"),
        ("\u{202E}ZF14052203", "id-characters", "U+202E"),
        ("ＺF14052203", "id-characters", "U+FF3A"),
        ("\u{0396}F14052203", "id-characters", "U+0396"),
        // Letter O for digit 0, lower case: a look-alike of row 4's id.
        ("ZF14O52203", "confusable-id", "\"first_row\":4"),
        ("zf14052203", "confusable-id", "\"first_row\":4"),
    ] {
        let twin = zhang.replacen("ZF14052203", seat, 1);
        let path = dir.path().join("inspectors.csv");
        std::fs::write(&path, format!("{original}{twin}\n")).unwrap();
        let o = run(
            dir.path(),
            [
                "check-registers",
                "--entities",
                &ex("entities.csv"),
                "--inspectors",
                "inspectors.csv",
                "--json",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{seat:?}: {}", text(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let problem = v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["rule"] == rule)
            .unwrap_or_else(|| panic!("{seat:?}: no {rule} in {}", v["problems"]));
        assert_eq!(problem["register"], "inspectors");
        assert_eq!(problem["field"], "id");
        assert_eq!(problem["row"], rows + 1, "{problem}");
        assert_eq!(problem["value"], seat);
        assert!(problem.to_string().contains(detail), "{problem}");
        // The text report names row, field, rule and shows the invisible character.
        let o = run(
            dir.path(),
            [
                "check-registers",
                "--entities",
                &ex("entities.csv"),
                "--inspectors",
                "inspectors.csv",
            ],
        );
        refused(&o, &format!("inspectors row {}, field id", rows + 1));
        // And nothing is committed over such a register.
        let mut commit: Vec<String> = [
            "commit",
            "--chain",
            "chain.jsonl",
            "--key",
            "issuer.key",
            "--task",
            &ex("tasks/water-permits.toml"),
            "--randomness-plan",
            "local",
            "--entities",
            &ex("entities.csv"),
            "--inspectors",
            "inspectors.csv",
            "--conflicts",
            &ex("conflicts.csv"),
            "--items",
            &ex("items.csv"),
        ]
        .map(str::to_owned)
        .to_vec();
        if !dir.path().join("issuer.key").exists() {
            ok(&run(
                dir.path(),
                ["keygen", "--issuer", "阳城县水务局", "--out", "issuer"],
            ));
        }
        commit.push("--created-at".into());
        commit.push("2024-05-20T01:00:00Z".into());
        let o = run(dir.path(), &commit);
        assert!(
            matches!(o.status.code(), Some(1 | 2)),
            "{seat:?}: {}",
            text(&o)
        );
        assert!(!dir.path().join("chain.jsonl").exists(), "{seat:?}");
    }
}

// ---------------------------------------------------------------------------
// Unapproved corrections

#[test]
fn an_unapproved_correction_is_refused_by_publish_record_result_and_summary() {
    let o = office();
    let first: Value =
        serde_json::from_str(&ok(&o.record(&o.drawn[0], "2024-10-08T02:00:00Z"))).expect("JSON");
    let result = first["record"].as_str().unwrap().to_owned();
    // A correction signed by the issuer alone (the request of the two-step
    // flow), appended to the ledger by hand.
    ok(&o.run(&[
        "correct",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--approver-pub",
        "k/head.pub",
        "--request-out",
        "req.json",
        "--result",
        &result[..12],
        "--reason",
        "检查结果类别录入错误",
        "--category",
        "problem-pending",
        "--created-at",
        "2024-10-20T02:00:00Z",
    ]));
    let request = std::fs::read_to_string(o.p().join("req.json")).unwrap();
    let mut ledger = std::fs::OpenOptions::new()
        .append(true)
        .open(o.p().join("ledger.jsonl"))
        .unwrap();
    ledger.write_all(request.trim().as_bytes()).unwrap();
    ledger.write_all(b"\n").unwrap();
    drop(ledger);
    let before = o.ledger_text();

    // No approver pinned yet: refused, saying how to pin one.
    let p = o.publish(&[]);
    refused(&p, "approvers --ledger");
    assert!(!o.p().join("public").join("public-results.csv").exists());
    assert_eq!(o.ledger_text(), before, "no checkpoint was signed");

    // The unit head's key pinned: the correction still carries no approval.
    let a = o.run(&[
        "approvers",
        "--ledger",
        "ledger.jsonl",
        "--add",
        "k/head.pub",
    ]);
    assert!(ok(&a).contains("pinned 阳城县水务局局长"), "{}", text(&a));
    let p = o.publish(&[]);
    refused(&p, "ledger.jsonl line 2: the correction is not approved");
    assert!(!o.p().join("public").join("public-results.csv").exists());
    assert_eq!(o.ledger_text(), before, "no checkpoint was signed");
    refused(
        &o.record(&o.drawn[1], "2024-10-21T02:00:00Z"),
        "unapproved correction",
    );
    let s = o.run(&[
        "summary",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "k/issuer.pub",
    ]);
    refused(&s, "unapproved correction");
    assert_eq!(o.ledger_text(), before);

    // Without the forged line, publication works and signs a checkpoint.
    let honest: String = before.lines().take(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(o.p().join("ledger.jsonl"), &honest).unwrap();
    ok(&o.publish(&[]));
    assert_eq!(o.ledger_text().lines().count(), 2);
}

#[test]
fn correct_pins_its_approver_and_refuses_an_unpinned_one() {
    let o = office();
    let first: Value =
        serde_json::from_str(&ok(&o.record(&o.drawn[0], "2024-10-08T02:00:00Z"))).expect("JSON");
    let result = first["record"].as_str().unwrap().to_owned();
    ok(&o.run(&[
        "keygen",
        "--issuer",
        "阳城县水务局办公室",
        "--out",
        "k/clerk",
    ]));
    let correct = |approver: &str, at: &str| {
        o.run(&[
            "correct",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--approver-key",
            approver,
            "--result",
            &result[..12],
            "--reason",
            "检查结果类别录入错误",
            "--category",
            "problem-pending",
            "--created-at",
            at,
        ])
    };
    let c = correct("k/head.key", "2024-10-20T02:00:00Z");
    ok(&c);
    assert!(text(&c).contains("pinned the approver 阳城县水务局局长"));
    assert!(o.p().join("ledger.jsonl.approvers").exists());
    let lines = o.ledger_text().lines().count();
    // A key that is not pinned cannot approve the next correction.
    refused(
        &correct("k/clerk.key", "2024-10-21T02:00:00Z"),
        "is not pinned",
    );
    assert_eq!(o.ledger_text().lines().count(), lines);
    // Publication with the pinned, approved correction works.
    ok(&o.publish(&[]));
}

// ---------------------------------------------------------------------------
// Hostile files

/// Runs check-registers on an entity register, within `secs` seconds.
fn check_entities(dir: &Path, file: &str, secs: u64) -> Output {
    let start = Instant::now();
    let o = run(dir, ["check-registers", "--entities", file]);
    assert!(
        start.elapsed() < Duration::from_secs(secs),
        "{file}: took {:?}",
        start.elapsed()
    );
    o
}

#[test]
fn a_workbook_with_a_far_cell_is_one_cell_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "统一社会信用代码").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(dir.path().join("far.xlsx")).unwrap();
    let o = check_entities(dir.path(), "far.xlsx", 30);
    refused(&o, "XFD1048576");
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let o = check_entities(dir.path(), "bomb.xlsx", 30);
    refused(&o, "zip bomb");
    refused(&o, "xl/worksheets/sheet1.xml");
}

#[test]
fn csv_lines_and_headers_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // A 50 MB single line of empty headers: one short error.
    let mut f = std::fs::File::create(dir.path().join("wide.csv")).unwrap();
    let commas = vec![b','; 1 << 20];
    for _ in 0..50 {
        f.write_all(&commas).unwrap();
    }
    drop(f);
    let o = check_entities(dir.path(), "wide.csv", 30);
    refused(&o, "row 1 is longer than 1 MiB");
    assert!(text(&o).len() < 2000, "{} bytes of output", text(&o).len());
    // Many columns on a short line.
    std::fs::write(
        dir.path().join("cols.csv"),
        format!("{}\n", "a,".repeat(5000)),
    )
    .unwrap();
    let o = check_entities(dir.path(), "cols.csv", 30);
    refused(&o, "more than 1024 columns");
    assert!(text(&o).len() < 2000, "{} bytes of output", text(&o).len());
}

#[cfg(target_os = "linux")]
#[test]
fn dev_zero_as_any_input_ends_with_an_error() {
    let o = office();
    let zero = "/dev/zero";
    let start = Instant::now();
    refused(&check_entities(o.p(), zero, 60), "/dev/zero");
    let mut args = vec!["verify", "--chain", zero, "--public-key", "k/issuer.pub"];
    refused(&o.run(&args), "/dev/zero");
    args = vec!["verify", "--chain", "chain.jsonl", "--public-key", zero];
    refused(&o.run(&args), "/dev/zero");
    let entities = ex("entities.csv");
    refused(
        &o.run(&[
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--entities",
            &entities,
            "--inspectors",
            zero,
            "--conflicts",
            &ex("conflicts.csv"),
        ]),
        "/dev/zero",
    );
    assert!(start.elapsed() < Duration::from_secs(120));
}

// ---------------------------------------------------------------------------
// Local safety

#[cfg(unix)]
#[test]
fn outputs_never_go_through_a_symlink_nor_over_a_file_without_force() {
    use std::os::unix::fs::symlink;
    let o = office();
    let victim = o.p().join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let (entities, inspectors, items) = (ex("entities.csv"), ex("inspectors.csv"), ex("items.csv"));
    let notice = |out: &str, force: bool| {
        let mut args = vec![
            "notice",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--entities",
            &entities,
            "--inspectors",
            &inspectors,
            "--items",
            &items,
            "--out",
            out,
        ];
        if force {
            args.push("--force");
        }
        o.run(&args)
    };
    symlink(&victim, o.p().join("notice.html")).unwrap();
    refused(&notice("notice.html", false), "symbolic link");
    refused(&notice("notice.html", true), "symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    // An existing file: only with --force.
    ok(&notice("fresh.html", false));
    refused(&notice("fresh.html", false), "--force");
    ok(&notice("fresh.html", true));

    let prove = |out: &str| {
        o.run(&[
            "prove",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--entities",
            &entities,
            "--uscc",
            &o.drawn[0],
            "--out",
            out,
            "--force",
        ])
    };
    symlink(&victim, o.p().join("proof.json")).unwrap();
    refused(&prove("proof.json"), "symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");

    // publish: a planted link among the published files.
    ok(&o.record(&o.drawn[0], "2024-10-08T02:00:00Z"));
    std::fs::create_dir(o.p().join("public")).unwrap();
    symlink(&victim, o.p().join("public/public-results.csv")).unwrap();
    let before = o.ledger_text();
    refused(&o.publish(&["--force"]), "symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert_eq!(
        o.ledger_text(),
        before,
        "no checkpoint after a refused write"
    );

    // The conflict salt is never appended through a link.
    let secrets = o.p().join("chain.jsonl.secrets.jsonl");
    std::fs::remove_file(&secrets).unwrap();
    symlink(&victim, &secrets).unwrap();
    let mut commit = vec![
        "commit".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k/issuer.key".into(),
        "--task".into(),
        ex("tasks/water-permits.toml"),
        "--randomness-plan".into(),
        "local".into(),
        "--created-at".into(),
        "2024-05-22T01:00:00Z".into(),
    ];
    commit.extend(registers());
    let c = run(o.p(), &commit);
    refused(&c, "symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
}

#[cfg(unix)]
#[test]
fn secret_keys_and_secrets_files_others_may_read_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let o = office();
    let mode = |p: &str| {
        std::fs::metadata(o.p().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("k/issuer.key"), 0o600);
    assert_eq!(mode("chain.jsonl.secrets.jsonl"), 0o600);
    let set = |p: &str, m: u32| {
        std::fs::set_permissions(o.p().join(p), std::fs::Permissions::from_mode(m)).unwrap();
    };
    for m in [0o644, 0o666, 0o640] {
        set("k/issuer.key", m);
        let r = o.record(&o.drawn[0], "2024-10-08T02:00:00Z");
        refused(&r, &format!("its mode is {m:04o}"));
        refused(&r, "chmod 600");
    }
    set("k/issuer.key", 0o600);
    ok(&o.record(&o.drawn[0], "2024-10-08T02:00:00Z"));
    // A secrets file others may read: the next salt is not added to it.
    set("chain.jsonl.secrets.jsonl", 0o644);
    let mut commit = vec![
        "commit".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k/issuer.key".into(),
        "--task".into(),
        ex("tasks/water-permits.toml"),
        "--randomness-plan".into(),
        "local".into(),
        "--created-at".into(),
        "2024-05-22T01:00:00Z".into(),
    ];
    commit.extend(registers());
    refused(&run(o.p(), &commit), "chmod 600");
}

// ---------------------------------------------------------------------------
// A torn last line

#[test]
fn repair_cuts_a_torn_last_line_after_showing_it() {
    let o = office();
    ok(&o.record(&o.drawn[0], "2024-10-08T02:00:00Z"));
    let whole = o.ledger_text();
    let torn = "{\"payload\":\"eyJraW5kIjoi";
    std::fs::write(o.p().join("ledger.jsonl"), format!("{whole}{torn}")).unwrap();
    // Every appending command refuses the torn file.
    assert!(
        !o.record(&o.drawn[1], "2024-10-09T02:00:00Z")
            .status
            .success()
    );
    // Without --cut: shown, not cut (exit 1).
    let r = o.run(&["repair", "--ledger", "ledger.jsonl"]);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    let shown = text(&r);
    assert!(shown.contains("torn last line (line 2)"), "{shown}");
    assert!(shown.contains("eyJraW5kIjoi"), "{shown}");
    assert!(shown.contains("--cut"), "{shown}");
    assert_eq!(o.ledger_text(), format!("{whole}{torn}"));
    // With --cut: cut, saved, and the ledger is usable again.
    ok(&o.run(&["repair", "--ledger", "ledger.jsonl", "--cut"]));
    assert_eq!(o.ledger_text(), whole);
    assert_eq!(
        std::fs::read_to_string(o.p().join("ledger.jsonl.torn")).unwrap(),
        torn
    );
    ok(&o.record(&o.drawn[1], "2024-10-09T02:00:00Z"));
    // Nothing to cut now; a chain whose last line is whole is left alone.
    ok(&o.run(&["repair", "--ledger", "ledger.jsonl"]));
    ok(&o.run(&["repair", "--chain", "chain.jsonl", "--cut"]));
    // Damage before the last line is not a tear: nothing is cut.
    std::fs::write(o.p().join("bad.jsonl"), format!("garbage\n{whole}{torn}")).unwrap();
    let r = o.run(&["repair", "--chain", "bad.jsonl", "--cut"]);
    refused(&r, "bad.jsonl line 1");
    assert!(
        std::fs::read_to_string(o.p().join("bad.jsonl"))
            .unwrap()
            .ends_with(torn)
    );
}

// ---------------------------------------------------------------------------
// Strict verification

#[test]
fn strict_verification_accepts_only_witnessed_drand() {
    let o = office();
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--json",
        ];
        args.extend_from_slice(extra);
        o.run(&args)
    };
    // The default policy: local randomness is a warning, the chain holds.
    let v = verify(&[]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    let default: Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(default["holds"], true);
    let warned = default["report"]["findings"].to_string();
    assert!(warned.contains("local-randomness"), "{warned}");
    // Strict: the same finding is an error, and no witness evidence is one too.
    for flags in [
        &["--strict"][..],
        &["--randomness-policy", "witnessed-drand"],
    ] {
        let v = verify(flags);
        assert_eq!(v.status.code(), Some(1), "{flags:?}: {}", text(&v));
        let strict: Value = serde_json::from_slice(&v.stdout).unwrap();
        assert_eq!(strict["holds"], false);
        let errors: Vec<&str> = strict["report"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .filter_map(|f| f["check"].as_str())
            .collect();
        assert!(errors.contains(&"local-randomness"), "{errors:?}");
        assert!(errors.contains(&"randomness-policy"), "{errors:?}");
    }
}
