//! Witnessed commitments end to end through the binary, with two witness
//! services started on loopback by the test: an honest session verifies
//! with `--witness-key` and names its witnesses; a commitment backdated
//! after the randomness was public cannot be drawn as witnessed and fails
//! `verify --witness-key`; a chain cut after a cosigned head is a rollback.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

mod support;
use support::Server;

mod fixtures;
use fixtures::example;

fn run(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n{}{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn s(x: &str) -> String {
    x.to_owned()
}

struct Office {
    dir: tempfile::TempDir,
}

impl Office {
    fn p(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn keygen(&self, name: &str, prefix: &str) {
        let o = run(&[
            s("keygen"),
            s("--issuer"),
            s(name),
            s("--out"),
            self.p(prefix),
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }

    fn regs() -> Vec<String> {
        ["entities", "inspectors", "conflicts", "items"]
            .iter()
            .flat_map(|r| {
                [
                    format!("--{r}"),
                    example(&format!("{r}.csv")).display().to_string(),
                ]
            })
            .collect()
    }
}

/// A UTC time `secs` seconds from now, written as the format writes it.
fn from_now(secs: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    double_random::calendar::Timestamp::from_unix(t.unix_timestamp())
        .unwrap()
        .to_string()
}

fn wait_until(t: &str) {
    let target = double_random::calendar::Timestamp::parse(t).unwrap().unix();
    while time::OffsetDateTime::now_utc().unix_timestamp() <= target {
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn witnesses_decide_what_came_before_the_randomness() {
    let o = Office {
        dir: tempfile::tempdir().unwrap(),
    };
    o.keygen("阳城县水务局", "issuer");
    o.keygen("阳城县纪委监委驻局纪检组 (TEST)", "w1");
    o.keygen("晋城市水务局 (TEST)", "w2");
    std::fs::create_dir_all(o.p("s1")).unwrap();
    std::fs::create_dir_all(o.p("s2")).unwrap();
    let w1 = Server::start(Path::new(&o.p("w1.key")), Path::new(&o.p("s1")));
    let w2 = Server::start(Path::new(&o.p("w2.key")), Path::new(&o.p("s2")));
    let urls = [
        s("--witness-url"),
        w1.url.clone(),
        s("--witness-url"),
        w2.url.clone(),
    ];
    let keys = [
        s("--witness-key"),
        o.p("w1.pub"),
        s("--witness-key"),
        o.p("w2.pub"),
        s("--witness-threshold"),
        s("2"),
    ];
    let task = example("tasks/water-permits.toml").display().to_string();

    // 1. Honest: commit now for a ceremony a few seconds ahead; both
    //    witnesses cosign the commitment at once, with their own clocks.
    let ceremony = from_now(4);
    let mut args = vec![
        s("commit"),
        s("--chain"),
        o.p("chain.jsonl"),
        s("--key"),
        o.p("issuer.key"),
        s("--task"),
        task.clone(),
        s("--randomness-plan"),
        format!("ceremony:{ceremony}:six rolls of a ten-sided die, digits as ASCII"),
        s("--witness"),
        s("纪检组"),
    ];
    args.extend(Office::regs());
    args.extend(urls.iter().cloned());
    let c = run(&args);
    assert!(c.status.success(), "{}", text(&c));
    assert_eq!(
        std::fs::read_to_string(o.p("chain.jsonl.cosignatures.jsonl"))
            .unwrap()
            .lines()
            .count(),
        2,
        "{}",
        text(&c)
    );
    wait_until(&ceremony);
    let draw = |chain: &str, extra: &[String]| {
        let mut args = vec![
            s("draw"),
            s("--json"),
            s("--chain"),
            o.p(chain),
            s("--key"),
            o.p("issuer.key"),
            s("--randomness"),
            hex("381946"),
        ];
        args.extend(Office::regs());
        args.extend(extra.iter().cloned());
        run(&args)
    };
    let mut extra = keys.to_vec();
    extra.extend(urls.iter().cloned());
    let d = draw("chain.jsonl", &extra);
    assert!(d.status.success(), "{}", text(&d));
    assert!(String::from_utf8_lossy(&d.stderr).contains("witnessed before the randomness"));
    // A company's proof shows who witnessed the commitment, and when.
    let drawn: Value = serde_json::from_slice(&d.stdout).unwrap();
    let uscc = ["A", "B", "C", "D"]
        .iter()
        .find_map(|c| drawn["drawn"][c][0]["uscc"].as_str())
        .unwrap()
        .to_owned();
    let p = run(&[
        s("prove"),
        s("--chain"),
        o.p("chain.jsonl"),
        s("--public-key"),
        o.p("issuer.pub"),
        s("--entities"),
        example("entities.csv").display().to_string(),
        s("--uscc"),
        uscc,
        s("--out"),
        o.p("bundle.json"),
    ]);
    assert!(p.status.success(), "{}", text(&p));
    let mut vp = vec![
        s("verify-proof"),
        s("--proof"),
        o.p("bundle.json"),
        s("--public-key"),
        o.p("issuer.pub"),
        s("--cosignatures"),
        o.p("chain.jsonl.cosignatures.jsonl"),
    ];
    vp.extend(keys.iter().cloned());
    let p = run(&vp);
    assert!(p.status.success(), "{}", text(&p));
    assert_eq!(
        String::from_utf8_lossy(&p.stdout)
            .matches("witnessed before the randomness by")
            .count(),
        2,
        "{}",
        text(&p)
    );
    // The witnesses' times as offices read them: Beijing time, labelled.
    assert!(
        String::from_utf8_lossy(&p.stdout)
            .lines()
            .filter(|l| l.contains("witnessed before the randomness by"))
            .all(|l| l.contains("（北京时间）") && !l.contains(":00Z")),
        "{}",
        text(&p)
    );
    let verify = |chain: &str, key: &str, extra: &[String]| {
        let mut args = vec![
            s("verify"),
            s("--json"),
            s("--chain"),
            o.p(chain),
            s("--public-key"),
            o.p(key),
        ];
        args.extend(extra.iter().cloned());
        run(&args)
    };
    let v = verify("chain.jsonl", "issuer.pub", &keys);
    assert!(v.status.success(), "{}", text(&v));
    let report: Value = serde_json::from_slice(&v.stdout).unwrap();
    let names: Vec<&str> = report["report"]["witnessed"][0]["witnesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{report}");
    assert!(
        names.contains(&"阳城县纪委监委驻局纪检组 (TEST)"),
        "{names:?}"
    );
    // The notice shows who witnessed the commitment, and when.
    let mut notice = vec![
        s("notice"),
        s("--chain"),
        o.p("chain.jsonl"),
        s("--public-key"),
        o.p("issuer.pub"),
        s("--entities"),
        example("entities.csv").display().to_string(),
        s("--inspectors"),
        example("inspectors.csv").display().to_string(),
    ];
    notice.extend(keys.iter().cloned());
    let n = run(&notice);
    assert!(n.status.success(), "{}", text(&n));
    let page = String::from_utf8_lossy(&n.stdout);
    assert!(
        page.contains("阳城县纪委监委驻局纪检组 (TEST) 于"),
        "{page}"
    );
    assert_eq!(page.matches("副署（早于随机数）").count(), 2, "{page}");
    // Without witness keys the verdict says plainly what was not checked.
    let plain = [
        s("verify"),
        s("--chain"),
        o.p("chain.jsonl"),
        s("--public-key"),
        o.p("issuer.pub"),
    ];
    let p = run(&plain);
    assert!(p.status.success(), "{}", text(&p));
    assert!(
        String::from_utf8_lossy(&p.stdout).contains("EXCEPT publication time"),
        "{}",
        text(&p)
    );

    // 2. Backdating: once the ceremony is over, a commitment dated before
    //    it is cosigned only now, after the randomness: the draw is refused
    //    as witnessed, and a draw made anyway fails verification.
    o.keygen("某县市场监管局", "other");
    let mut args = vec![
        s("commit"),
        s("--chain"),
        o.p("other.jsonl"),
        s("--key"),
        o.p("other.key"),
        s("--task"),
        task,
        s("--randomness-plan"),
        format!("ceremony:{ceremony}:six rolls of a ten-sided die, digits as ASCII"),
        s("--witness"),
        s("纪检组"),
        s("--created-at"),
        from_now(-60),
    ];
    args.extend(Office::regs());
    args.extend(urls.iter().cloned());
    let c = run(&args);
    assert!(c.status.success(), "{}", text(&c));
    let mut refused = vec![
        s("draw"),
        s("--chain"),
        o.p("other.jsonl"),
        s("--key"),
        o.p("other.key"),
        s("--randomness"),
        hex("381946"),
    ];
    refused.extend(Office::regs());
    refused.extend(keys.iter().cloned());
    let r = run(&refused);
    assert!(!r.status.success(), "{}", text(&r));
    assert!(
        text(&r).contains("not witnessed before its randomness"),
        "{}",
        text(&r)
    );
    refused.push(s("--unwitnessed"));
    let r = run(&refused);
    assert!(r.status.success(), "{}", text(&r));
    let v = verify("other.jsonl", "other.pub", &keys);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    let report: Value = serde_json::from_slice(&v.stdout).unwrap();
    let failed: Vec<&str> = report["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["commitment-witnessed"], "{report}");

    // 3. Rollback: the honest chain cut after its cosigned head.
    let full = std::fs::read_to_string(o.p("chain.jsonl")).unwrap();
    let first = full.lines().next().unwrap();
    std::fs::write(o.p("cut.jsonl"), format!("{first}\n")).unwrap();
    std::fs::copy(
        o.p("chain.jsonl.cosignatures.jsonl"),
        o.p("cut.jsonl.cosignatures.jsonl"),
    )
    .unwrap();
    let v = verify("cut.jsonl", "issuer.pub", &keys);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(
        String::from_utf8_lossy(&v.stdout).contains("\"rollback\""),
        "{}",
        text(&v)
    );
    drop((w1, w2));
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}
