//! End to end through the binary: keygen, commit, draw, verify, cancel,
//! prove, verify-proof; tampering with the chain or a register fails
//! verification with the reason.

use std::process::{Command, Output};

const ROUND_123_SIGNATURE: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

mod fixtures;
use fixtures::example;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
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

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn p(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn regs(&self, entities: &str) -> Vec<String> {
        vec![
            "--entities".into(),
            entities.into(),
            "--inspectors".into(),
            example("inspectors.csv").display().to_string(),
            "--conflicts".into(),
            example("conflicts.csv").display().to_string(),
            "--items".into(),
            example("items.csv").display().to_string(),
        ]
    }

    fn with(&self, base: &[&str], extra: &[String]) -> Output {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(extra.iter().map(String::as_str));
        run(&args)
    }
}

fn setup() -> Setup {
    let s = Setup {
        dir: tempfile::tempdir().unwrap(),
    };
    let o = run(&[
        "keygen",
        "--issuer",
        "阳城县水务局",
        "--out",
        &s.p("keys/issuer"),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    s
}

fn commit(s: &Setup, task: &str, at: &str) -> Output {
    let entities = example("entities.csv").display().to_string();
    let task = example(&format!("tasks/{task}.toml")).display().to_string();
    s.with(
        &[
            "commit",
            "--chain",
            &s.p("chain.jsonl"),
            "--key",
            &s.p("keys/issuer.key"),
            "--task",
            &task,
            "--randomness-plan",
            "drand:quicknet:123",
            "--created-at",
            at,
        ],
        &s.regs(&entities),
    )
}

fn draw(s: &Setup, task_id: &str, at: &str) -> Output {
    let entities = example("entities.csv").display().to_string();
    s.with(
        &[
            "draw",
            "--chain",
            &s.p("chain.jsonl"),
            "--key",
            &s.p("keys/issuer.key"),
            "--task-id",
            task_id,
            "--beacon-signature",
            ROUND_123_SIGNATURE,
            "--unwitnessed",
            "--created-at",
            at,
        ],
        &s.regs(&entities),
    )
}

fn verify(s: &Setup, chain: &str, entities: Option<&str>) -> Output {
    let mut extra = Vec::new();
    if let Some(e) = entities {
        extra = s.regs(e);
    }
    s.with(
        &[
            "verify",
            "--chain",
            chain,
            "--public-key",
            &s.p("keys/issuer.pub"),
        ],
        &extra,
    )
}

#[test]
fn keygen_protects_the_secret_and_refuses_to_overwrite() {
    let s = setup();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.p("keys/issuer.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let secret = std::fs::read_to_string(s.p("keys/issuer.key")).unwrap();
    let o = run(&["keygen", "--issuer", "x", "--out", &s.p("keys/issuer")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(s.p("keys/issuer.key")).unwrap(),
        secret
    );
    // keygen never prints the secret.
    let o = run(&["keygen", "--issuer", "x", "--out", &s.p("keys/other")]);
    let secret_line = std::fs::read_to_string(s.p("keys/other.key"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("secret:"))
        .unwrap()
        .to_owned();
    let value = secret_line.trim_start_matches("secret:").trim();
    assert!(!text(&o).contains(value));
}

#[test]
fn commit_draw_verify_and_tampering() {
    let s = setup();
    let o = commit(&s, "water-permits", "2023-08-23T15:10:00Z");
    assert!(o.status.success(), "{}", text(&o));
    // A second commitment of the same task while the first is open is refused.
    let o = commit(&s, "water-permits", "2023-08-23T15:10:30Z");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("already has an open commitment"));
    let o = draw(&s, "YCSW-2024-01", "2023-08-23T15:16:00Z");
    assert!(o.status.success(), "{}", text(&o));
    // No second draw.
    let o = draw(&s, "YCSW-2024-01", "2023-08-23T15:17:00Z");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    let chain = s.p("chain.jsonl");
    let entities = example("entities.csv").display().to_string();
    let o = verify(&s, &chain, Some(&entities));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("beacon signature of the committed round verifies"));
    let o = verify(&s, &chain, None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // One register row changed: exit 1, naming the register.
    let changed = std::fs::read_to_string(example("entities.csv"))
        .unwrap()
        .replacen(",D,", ",C,", 1);
    let changed_path = s.p("entities-changed.csv");
    std::fs::write(&changed_path, changed).unwrap();
    let o = verify(&s, &chain, Some(&changed_path));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("[register-root]"), "{}", text(&o));

    // Bytes changed in the chain: exit 1 every time.
    let bytes = std::fs::read(&chain).unwrap();
    for pos in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
        let mut t = bytes.clone();
        t[pos] ^= 0x04;
        let path = s.p("tampered.jsonl");
        std::fs::write(&path, &t).unwrap();
        let o = verify(&s, &path, None);
        assert_eq!(o.status.code(), Some(1), "byte {pos}: {}", text(&o));
        assert!(text(&o).contains("FAIL"), "{}", text(&o));
    }

    // Unreadable inputs: exit 2.
    let o = verify(&s, &s.p("missing.jsonl"), None);
    assert_eq!(o.status.code(), Some(2));

    // --json report.
    let o = s.with(
        &[
            "verify",
            "--chain",
            &chain,
            "--public-key",
            &s.p("keys/issuer.pub"),
            "--json",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["holds"], true);
    assert_eq!(v["report"]["draws_replayed"], 1);
}

#[test]
fn cancellation_and_proofs() {
    let s = setup();
    assert!(
        commit(&s, "water-permits", "2023-08-23T15:10:00Z")
            .status
            .success()
    );
    let chain = s.p("chain.jsonl");
    let o = run(&[
        "cancel",
        "--chain",
        &chain,
        "--key",
        &s.p("keys/issuer.key"),
        "--task-id",
        "YCSW-2024-01",
        "--reason",
        "登记信息待更正",
        "--created-at",
        "2023-08-23T15:11:00Z",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    // A cancelled commitment is never drawn.
    let o = draw(&s, "YCSW-2024-01", "2023-08-23T15:16:00Z");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // A new attempt is a new, visible commitment.
    assert!(
        commit(&s, "water-permits", "2023-08-23T15:12:00Z")
            .status
            .success()
    );
    assert!(
        draw(&s, "YCSW-2024-01", "2023-08-23T15:16:00Z")
            .status
            .success()
    );
    let entities = example("entities.csv").display().to_string();
    let o = verify(&s, &chain, Some(&entities));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // Every entity of the task's pool gets a proof; the drawn ones say so.
    // The others are not in the pool (the task is scoped to permit holders).
    let register = std::fs::read_to_string(example("entities.csv")).unwrap();
    let (mut drawn, mut proved, mut outside) = (0, 0, 0);
    for line in register.lines().skip(1) {
        let uscc = line.split(',').next().unwrap();
        let out = s.p("proof.json");
        let o = run(&[
            "prove",
            "--chain",
            &chain,
            "--public-key",
            &s.p("keys/issuer.pub"),
            "--entities",
            &entities,
            "--uscc",
            uscc,
            "--out",
            &out,
            "--force",
        ]);
        if !line.contains("取水单位") || line.contains(",注销,") || line.contains(",迁出,")
        {
            assert_eq!(o.status.code(), Some(2), "{}", text(&o));
            assert!(
                text(&o).contains("not in the pool of task YCSW-2024-01"),
                "{}",
                text(&o)
            );
            outside += 1;
            continue;
        }
        assert!(o.status.success(), "{}", text(&o));
        proved += 1;
        let o = run(&[
            "verify-proof",
            "--proof",
            &out,
            "--public-key",
            &s.p("keys/issuer.pub"),
            "--json",
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["verdict"]["uscc"], uscc);
        if !v["verdict"]["drawn_at"].is_null() {
            drawn += 1;
        }
        // A proof edited to claim another rank fails.
        let mut bundle: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let rank: u64 = bundle["proof"]["rank"].as_str().unwrap().parse().unwrap();
        bundle["proof"]["rank"] = serde_json::json!((rank + 1).to_string());
        std::fs::write(&out, bundle.to_string()).unwrap();
        let o = run(&[
            "verify-proof",
            "--proof",
            &out,
            "--public-key",
            &s.p("keys/issuer.pub"),
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    }
    // water-permits draws 5 of its pool of 26 (of 40).
    assert_eq!((drawn, proved, outside), (5, 26, 14));
}

#[test]
fn draw_refuses_what_the_verifier_would_reject() {
    let s = setup();
    assert!(
        commit(&s, "water-permits", "2023-08-23T15:10:00Z")
            .status
            .success()
    );
    let before = std::fs::read(s.p("chain.jsonl")).unwrap();
    // Dated before drand round 123 was published (2023-08-23T15:15:33Z).
    let o = draw(&s, "YCSW-2024-01", "2023-08-23T15:15:00Z");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("randomness-timing"), "{}", text(&o));
    // A signature that is not the round's (one bit changed).
    let mut sig = ROUND_123_SIGNATURE.to_owned();
    sig.replace_range(10..11, "0");
    let entities = example("entities.csv").display().to_string();
    let o = s.with(
        &[
            "draw",
            "--chain",
            &s.p("chain.jsonl"),
            "--key",
            &s.p("keys/issuer.key"),
            "--beacon-signature",
            &sig,
            "--unwitnessed",
            "--created-at",
            "2023-08-23T15:16:00Z",
        ],
        &s.regs(&entities),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("beacon"), "{}", text(&o));
    // Nothing was appended.
    assert_eq!(std::fs::read(s.p("chain.jsonl")).unwrap(), before);
}

#[test]
fn verify_names_a_draw_prefix_that_matches_nothing_and_a_missing_item_list() {
    let s = setup();
    assert!(
        commit(&s, "water-permits", "2023-08-23T15:10:00Z")
            .status
            .success()
    );
    let o = draw(&s, "YCSW-2024-01", "2023-08-23T15:16:00Z");
    assert!(o.status.success(), "{}", text(&o));
    let chain = s.p("chain.jsonl");
    let entities = example("entities.csv").display().to_string();
    let draw_id = std::fs::read_to_string(&chain)
        .unwrap()
        .lines()
        .nth(1)
        .map(|l| {
            double_random::records::Envelope::from_json(l.as_bytes())
                .unwrap()
                .record_id()
                .to_string()
        })
        .unwrap();
    let with_draw = |prefix: &str| {
        let mut extra = s.regs(&entities);
        extra.extend(["--draw".to_owned(), prefix.to_owned()]);
        s.with(
            &[
                "verify",
                "--chain",
                &chain,
                "--public-key",
                &s.p("keys/issuer.pub"),
            ],
            &extra,
        )
    };
    // The record id's prefix, in either case, selects the draw.
    let o = with_draw(&draw_id[..12].to_ascii_uppercase());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // A prefix of no draw checks nothing: that is a failure, not a pass.
    let o = with_draw("ffffffffffff");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("[only-draw]"), "{}", text(&o));
    // The commitment names a check-item list: full replay without it fails.
    let o = run(&[
        "verify",
        "--chain",
        &chain,
        "--public-key",
        &s.p("keys/issuer.pub"),
        "--entities",
        &entities,
        "--inspectors",
        &example("inspectors.csv").display().to_string(),
        "--conflicts",
        &example("conflicts.csv").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("check-item"), "{}", text(&o));
}

#[test]
fn appending_ends_a_last_line_left_without_newline() {
    let s = setup();
    assert!(
        commit(&s, "water-permits", "2023-08-23T15:10:00Z")
            .status
            .success()
    );
    let chain = s.p("chain.jsonl");
    let text_before = std::fs::read_to_string(&chain).unwrap();
    std::fs::write(&chain, text_before.trim_end()).unwrap();
    let o = draw(&s, "YCSW-2024-01", "2023-08-23T15:16:00Z");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&chain).unwrap().lines().count(), 2);
    let o = verify(&s, &chain, None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn an_appending_command_waits_for_the_chain_lock() {
    let s = setup();
    assert!(
        commit(&s, "water-permits", "2023-08-23T15:10:00Z")
            .status
            .success()
    );
    let chain = s.p("chain.jsonl");
    // Another writer holds the lock.
    let held = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open(&chain)
        .unwrap();
    held.lock().unwrap();
    let entities = example("entities.csv").display().to_string();
    let mut args = vec![
        "draw".to_owned(),
        "--chain".into(),
        chain.clone(),
        "--key".into(),
        s.p("keys/issuer.key"),
        "--task-id".into(),
        "YCSW-2024-01".into(),
        "--beacon-signature".into(),
        ROUND_123_SIGNATURE.into(),
        "--unwitnessed".into(),
        "--created-at".into(),
        "2023-08-23T15:16:00Z".into(),
    ];
    args.extend(s.regs(&entities));
    let mut child = Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the draw did not wait for the lock"
    );
    assert_eq!(std::fs::read_to_string(&chain).unwrap().lines().count(), 1);
    held.unlock().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(std::fs::read_to_string(&chain).unwrap().lines().count(), 2);
}

#[test]
fn draw_prefix_without_registers_is_refused() {
    let s = setup();
    assert!(
        commit(&s, "water-permits", "2023-08-23T15:10:00Z")
            .status
            .success()
    );
    // --draw selects the draw checked against the registers: without them it
    // would check nothing, so the flag is refused (exit 2), not ignored.
    let o = run(&[
        "verify",
        "--chain",
        &s.p("chain.jsonl"),
        "--public-key",
        &s.p("keys/issuer.pub"),
        "--draw",
        "abc",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
