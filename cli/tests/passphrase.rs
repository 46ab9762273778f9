//! Passphrase-protected secret key files through the binary: `keygen
//! --passphrase` writes an age file, commands open it with the passphrase
//! from the environment, and refuse it without one or with a wrong one.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(dir: &Path, args: &[&str], passphrase: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_double-random"));
    c.env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null());
    c.env_remove("DOUBLE_RANDOM_PASSPHRASE");
    if let Some(p) = passphrase {
        c.env("DOUBLE_RANDOM_PASSPHRASE", p);
    }
    c.output().expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n{}{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_passphrase_protected_key_opens_only_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pass = "县局 correct horse battery staple";
    let o = run(
        d,
        &[
            "keygen",
            "--issuer",
            "阳城县水务局",
            "--out",
            "k/issuer",
            "--passphrase",
        ],
        Some(pass),
    );
    assert!(o.status.success(), "{}", text(&o));
    let secret = std::fs::read_to_string(d.join("k/issuer.key")).unwrap();
    assert!(secret.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(
        !secret.contains("double-random-secret-key"),
        "the key text is encrypted"
    );

    let y = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/yangcheng");
    let f = |n: &str| y.join(n).display().to_string();
    let task = f("tasks/water-permits.toml");
    let (e, i, c, it) = (
        f("entities.csv"),
        f("inspectors.csv"),
        f("conflicts.csv"),
        f("items.csv"),
    );
    let commit: Vec<&str> = vec![
        "commit",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--task",
        &task,
        "--randomness-plan",
        "local",
        "--created-at",
        "2024-05-20T01:00:00Z",
        "--entities",
        &e,
        "--inspectors",
        &i,
        "--conflicts",
        &c,
        "--items",
        &it,
    ];
    // No passphrase and no terminal: refused, saying how to give it.
    let o = run(d, &commit, None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("DOUBLE_RANDOM_PASSPHRASE"),
        "{}",
        text(&o)
    );
    // A wrong one: refused as such.
    let o = run(d, &commit, Some("wrong"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("wrong passphrase"), "{}", text(&o));
    assert!(
        !d.join("chain.jsonl").exists() || std::fs::read(d.join("chain.jsonl")).unwrap().is_empty()
    );
    // The right one: the commitment is signed with the key.
    let o = run(d, &commit, Some(pass));
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        d,
        &[
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
}
