//! Task scope (定向抽查) and the year's plan, through the binary (issue 13):
//! a scoped pool is the scoped part of the master register; an entity moved
//! out of scope afterwards fails verification; a task excluding an earlier
//! draw never draws its entities, and a draw that does fails `exclusion`; a
//! deregistered entity is never drawn by default; `year` prints overlaps
//! and writes a plan document.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use double_random::records::{IssuerKey, IssuerPublicKey, Record};
use double_random::registers::uscc_check_character;

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

fn code(n: u32) -> String {
    let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
    format!(
        "{}{}",
        std::str::from_utf8(&first).unwrap(),
        uscc_check_character(&first).unwrap()
    )
}

/// A register of 40 entities, classes A..D in turn: odd numbers mine river
/// sand (河道采砂), even ones withdraw water (取水). Entity 3 (河道采砂,
/// class D) is deregistered (注销), entity 7 (河道采砂, class D) suspended
/// (歇业, still in business).
fn register() -> String {
    let mut csv = String::from("统一社会信用代码,名称,信用风险分类,行政区划代码,行业,登记状态\n");
    for i in 0..40u32 {
        let class = ["A", "B", "C", "D"][(i % 4) as usize];
        let industry = if i % 2 == 1 { "河道采砂" } else { "取水" };
        let status = match i {
            3 => "注销",
            7 => "歇业",
            _ => "存续",
        };
        csv += &format!(
            "{},测试单位{i:02},{class},140522,{industry},{status}\n",
            code(i)
        );
    }
    csv
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let s = Setup {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(s.p("entities.csv"), register()).unwrap();
        std::fs::write(s.p("conflicts.csv"), "执法证号,统一社会信用代码,回避原因\n").unwrap();
        let o = run(&[
            "keygen",
            "--issuer",
            "测试水务局",
            "--out",
            &s.p("keys/issuer"),
        ]);
        assert!(o.status.success(), "{}", text(&o));
        s
    }

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
            self.p("conflicts.csv"),
        ]
    }

    fn task(&self, id: &str, extra: &str) -> String {
        let path = self.p(&format!("{id}.toml"));
        std::fs::write(
            &path,
            format!(
                "id = \"{id}\"\nname = \"河道采砂定向抽查\"\ninitiating_department = \"河道股\"\n\
                 team_size = 2\ninspection_date = 2024-07-01\n{extra}\n\
                 [scope]\nindustries = [\"河道采砂\"]\n\
                 [ratios]\nA = \"10%\"\nB = \"20%\"\nC = \"30%\"\nD = \"100%\"\n"
            ),
        )
        .unwrap();
        path
    }

    fn run_with(&self, base: &[&str], extra: &[String]) -> Output {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(extra.iter().map(String::as_str));
        run(&args)
    }

    /// Commits a task; `n` = 0 takes drand round 123 (the chain's first
    /// task, committed before the round), `n` > 0 a public ceremony on the
    /// hour `n` hours after it (a task committed after an earlier draw).
    fn commit(&self, task: &str, n: u32) -> Output {
        let (plan, at) = match n {
            0 => (
                "drand:quicknet:123".to_owned(),
                "2023-08-23T15:10:00Z".to_owned(),
            ),
            n => (
                format!("ceremony:2023-08-{:02}T10:00:00Z:公开摇号（TEST）", 23 + n),
                format!("2023-08-{:02}T09:00:00Z", 23 + n),
            ),
        };
        self.run_with(
            &[
                "commit",
                "--chain",
                &self.p("chain.jsonl"),
                "--key",
                &self.p("keys/issuer.key"),
                "--task",
                task,
                "--randomness-plan",
                &plan,
                "--witness",
                "纪检监察组",
                "--created-at",
                &at,
            ],
            &self.regs(&self.p("entities.csv")),
        )
    }

    /// Draws a task committed with [`Setup::commit`] `n`; its drawn codes.
    fn draw(&self, task_id: &str, n: u32) -> BTreeSet<String> {
        let (randomness, at) = match n {
            0 => (
                ["--beacon-signature", ROUND_123_SIGNATURE],
                "2023-08-23T15:16:00Z".to_owned(),
            ),
            n => (
                ["--randomness", "353032383137"],
                format!("2023-08-{:02}T10:30:00Z", 23 + n),
            ),
        };
        let o = self.run_with(
            &[
                "draw",
                "--chain",
                &self.p("chain.jsonl"),
                "--key",
                &self.p("keys/issuer.key"),
                "--task-id",
                task_id,
                "--unwitnessed",
                randomness[0],
                randomness[1],
                "--created-at",
                &at,
                "--json",
            ],
            &self.regs(&self.p("entities.csv")),
        );
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        ["A", "B", "C", "D"]
            .iter()
            .flat_map(|c| v["drawn"][c].as_array().unwrap().clone())
            .map(|d| d["uscc"].as_str().unwrap().to_owned())
            .collect()
    }

    fn verify(&self, chain: &str, entities: &str) -> Output {
        self.run_with(
            &[
                "verify",
                "--chain",
                chain,
                "--public-key",
                &self.p("keys/issuer.pub"),
            ],
            &self.regs(entities),
        )
    }
}

fn number_of(uscc: &str) -> u32 {
    (0..40).find(|&i| code(i) == uscc).unwrap()
}

#[test]
fn a_scoped_pool_is_the_scoped_part_of_the_register_and_verify_catches_a_moved_entity() {
    let s = Setup::new();
    let task = s.task("T-SAND-1", "");

    // plan --json: the pool is the 河道采砂 entities per class (entity 3 is
    // deregistered: left out; entity 7 is suspended: in).
    let o = run(&[
        "plan",
        "--task",
        &task,
        "--entities",
        &s.p("entities.csv"),
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Odd numbers 0..40: classes B (1, 5, ...) and D (3, 7, ...), ten each.
    let expected = [("A", 0), ("B", 10), ("C", 0), ("D", 9)];
    for (class, n) in expected {
        assert_eq!(v["classes"][class]["pool"], n, "{class}: {v}");
        assert_eq!(v["classes"][class]["master"], 10, "{class}: {v}");
    }
    assert_eq!(v["pool_total"], 19);
    assert_eq!(v["master_total"], 40);
    assert_eq!(v["left_out_by_status"]["deregistered"], 1);
    assert_eq!(v["scope"]["industries"][0], "河道采砂");
    assert_eq!(v["top_up"], "positive-ratio");
    assert_eq!(v["classes"]["D"]["effective_rate"], "100%");

    let o = s.commit(&task, 0);
    assert!(o.status.success(), "{}", text(&o));
    let drawn = s.draw("T-SAND-1", 0);
    // B: ceil(10 x 20%) = 2; D: all 9 in business.
    assert_eq!(drawn.len(), 11, "{drawn:?}");
    for u in &drawn {
        assert_eq!(number_of(u) % 2, 1, "{u} is not a 河道采砂 entity");
    }
    assert!(
        !drawn.contains(&code(3)),
        "the deregistered entity was drawn"
    );
    assert!(drawn.contains(&code(7)), "the suspended D entity is drawn");

    let chain = s.p("chain.jsonl");
    let o = s.verify(&chain, &s.p("entities.csv"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // One 河道采砂 entity moves to 取水 after the commitment.
    let moved = register().replacen(
        &format!("{},测试单位05,B,140522,河道采砂", code(5)),
        &format!("{},测试单位05,B,140522,取水", code(5)),
        1,
    );
    assert_ne!(moved, register());
    std::fs::write(s.p("entities-moved.csv"), moved).unwrap();
    let o = s.verify(&chain, &s.p("entities-moved.csv"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("[register-root]"), "{}", text(&o));
    assert!(
        text(&o).contains("entity pool") && text(&o).contains("Class counts differ"),
        "{}",
        text(&o)
    );

    // The proof bundle of a drawn entity is a version-2 bundle and holds.
    let one = drawn.iter().next().unwrap();
    let o = run(&[
        "prove",
        "--chain",
        &chain,
        "--public-key",
        &s.p("keys/issuer.pub"),
        "--entities",
        &s.p("entities.csv"),
        "--uscc",
        one,
        "--out",
        &s.p("proof.json"),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.p("proof.json")).unwrap()).unwrap();
    assert_eq!(bundle["format"], "double-random/entity-proof/v2");
    let status = if *one == code(7) {
        "suspended"
    } else {
        "active"
    };
    assert_eq!(bundle["proof"]["entity"]["status"], status);
    assert_eq!(
        bundle["proof"]["entity"]["target_types"],
        serde_json::json!([])
    );
    let o = run(&[
        "verify-proof",
        "--proof",
        &s.p("proof.json"),
        "--public-key",
        &s.p("keys/issuer.pub"),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("DRAWN"), "{}", text(&o));
}

#[test]
fn a_task_excluding_an_earlier_draw_never_draws_its_entities() {
    let s = Setup::new();
    let first = s.task("T-SAND-1", "");
    // The second draws only B: D is all drawn by the first.
    let second = s.task("T-SAND-2", "exclude_drawn_by = [\"T-SAND-1\"]");
    let o = s.commit(&first, 0);
    assert!(o.status.success(), "{}", text(&o));
    let one = s.draw("T-SAND-1", 0);
    let o = s.commit(&second, 1);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("pools    A 0 · B 8 · C 0 · D 0"),
        "{}",
        text(&o)
    );
    let two = s.draw("T-SAND-2", 1);
    assert!(!two.is_empty());
    assert!(one.is_disjoint(&two), "{one:?} {two:?}");
    let chain = s.p("chain.jsonl");
    let o = s.verify(&chain, &s.p("entities.csv"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The second draw re-signed (TEST key of this run) listing an entity
    // the first drew: verify fails `exclusion`, even from the records alone.
    let key =
        IssuerKey::from_secret_text(&std::fs::read_to_string(s.p("keys/issuer.key")).unwrap())
            .unwrap();
    let public =
        IssuerPublicKey::from_text(&std::fs::read_to_string(s.p("keys/issuer.pub")).unwrap())
            .unwrap();
    let lines: Vec<String> = std::fs::read_to_string(&chain)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let env = double_random::records::Envelope::from_json(lines[3].as_bytes()).unwrap();
    let Record::Draw(mut d) = Record::open(&env, &public).unwrap() else {
        panic!("line 4 is the second draw");
    };
    let reused: double_random::registers::Uscc = one.iter().next().unwrap().parse().unwrap();
    let old = d.drawn.B[0].uscc;
    d.drawn.B[0].uscc = reused;
    for t in &mut d.teams {
        if t.uscc == old {
            t.uscc = reused;
        }
    }
    let forged = Record::Draw(d).sign(&key).unwrap();
    let mut tampered = lines.clone();
    tampered[3] = forged.to_json();
    std::fs::write(s.p("forged.jsonl"), tampered.join("\n") + "\n").unwrap();
    std::fs::copy(
        s.p("chain.jsonl.secrets.jsonl"),
        s.p("forged.jsonl.secrets.jsonl"),
    )
    .unwrap();
    let o = s.verify(&s.p("forged.jsonl"), &s.p("entities.csv"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("[exclusion]"), "{}", text(&o));
    let o = run(&[
        "verify",
        "--chain",
        &s.p("forged.jsonl"),
        "--public-key",
        &s.p("keys/issuer.pub"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("[exclusion]"), "{}", text(&o));
}

#[test]
fn exclude_drawn_in_year_leaves_out_every_draw_of_the_year() {
    let s = Setup::new();
    let first = s.task("T-SAND-1", "");
    let o = s.commit(&first, 0);
    assert!(o.status.success(), "{}", text(&o));
    let one = s.draw("T-SAND-1", 0);
    let second = s.task("T-SAND-2", "exclude_drawn_in_year = true");
    let o = s.commit(&second, 1);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("pools    A 0 · B 8 · C 0 · D 0"), "{t}");
    assert!(
        t.contains("master   40 entities; the pool is 8 of them, after the scope and the exclusion of 1 earlier draw"),
        "{t}"
    );
    let two = s.draw("T-SAND-2", 1);
    assert!(one.is_disjoint(&two));
    let o = s.verify(&s.p("chain.jsonl"), &s.p("entities.csv"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn an_unclassified_entity_is_refused_with_a_named_error() {
    let s = Setup::new();
    let csv = register() + &format!("{},某事业单位,未分类,140522,河道采砂,存续\n", code(99));
    std::fs::write(s.p("entities-unclassified.csv"), csv).unwrap();
    let task = s.task("T-SAND-1", "");
    let o = run(&[
        "plan",
        "--task",
        &task,
        "--entities",
        &s.p("entities-unclassified.csv"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains(
            "row 42, field credit_class (column \"信用风险分类\" in entities-unclassified.csv), value \"未分类\""
        )
            && t.contains("no credit-risk class"),
        "{t}"
    );
    // check-registers counts the statuses.
    let o = run(&[
        "check-registers",
        "--entities",
        &s.p("entities.csv"),
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["entities"]["per_status"],
        serde_json::json!({"active": 38, "deregistered": 1, "suspended": 1})
    );
    let csv = register() + &format!("{},某公司,B,140522,河道采砂,倒闭\n", code(99));
    std::fs::write(s.p("entities-status.csv"), csv).unwrap();
    let o = run(&["check-registers", "--entities", &s.p("entities-status.csv")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains(
            "row 42, field status (column \"登记状态\" in entities-status.csv), value \"倒闭\""
        ) && t.contains("unknown registration status"),
        "{t}"
    );
}

#[test]
fn year_prints_overlaps_and_writes_the_plan_document() {
    let dir = tempfile::tempdir().unwrap();
    let html_path = dir.path().join("plan.html");
    let o = run(&[
        "year",
        "--plan",
        &example("year-plan.toml").display().to_string(),
        "--entities",
        &example("entities.csv").display().to_string(),
        "--out",
        &html_path.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    for want in [
        "batch 1 第一批",
        "YCSW-2024-01",
        "YCHD-2024-01",
        "YCGC-2024-01",
        "entities more than one task could draw: 6",
        "pool overlaps",
        "YCSW-2024-01 × YCGC-2024-01  6 of 9",
        "merge into one joint task",
    ] {
        assert!(t.contains(want), "{want}\n{t}");
    }
    let html = std::fs::read_to_string(&html_path).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert!(h1.contains("2024年度"), "{h1}");
    let h2: Vec<String> = doc.select(&sel("h2")).map(|h| h.text().collect()).collect();
    assert_eq!(
        h2,
        [
            "一、抽查批次与任务",
            "二、可能被多项任务抽中的检查对象",
            "三、可合并为联合抽查的任务（进一次门、查多项）"
        ]
    );
    let rows = doc.select(&sel("table.tasks tbody tr")).count();
    assert_eq!(rows, 3);
    let shared: String = doc
        .select(&sel("#shared-count"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(shared, "6");
    assert_eq!(doc.select(&sel("table.overlaps tbody tr")).count(), 1);
    // Self-contained: no scripts, no external resources.
    assert_eq!(doc.select(&sel("script, link, img, iframe")).count(), 0);
    assert!(!html.contains("http://") && !html.contains("https://"));

    // --json gives the same.
    let o = run(&[
        "year",
        "--plan",
        &example("year-plan.toml").display().to_string(),
        "--entities",
        &example("entities.csv").display().to_string(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["multi_task_entities"]["count"], 6);
    assert_eq!(v["multi_task_entities"]["may_be_drawn_twice"], 0);
    assert_eq!(v["overlaps"][0]["share_bp"], 6666);
    assert_eq!(v["overlaps"][0]["merge"], true);
    assert_eq!(v["batches"][1]["tasks"][0]["pool"]["D"], 1);
}

#[test]
fn the_plan_document_escapes_every_text() {
    let dir = tempfile::tempdir().unwrap();
    let task = example("tasks/water-permits.toml");
    let hostile = std::fs::read_to_string(&task)
        .unwrap()
        .replace("2024年度取水许可监督检查", "<script>alert('x')</script>&");
    std::fs::write(dir.path().join("t.toml"), hostile).unwrap();
    std::fs::write(
        dir.path().join("plan.toml"),
        "year = 2024\nname = \"<b>计划</b>\"\nissuer = \"\\\"水务局\\\"\"\n\
         [[batch]]\nname = \"<i>第一批</i>\"\nstart = 2024-06-01\nend = 2024-06-30\ntasks = [\"t.toml\"]\n",
    )
    .unwrap();
    let html_path = dir.path().join("plan.html");
    let o = run(&[
        "year",
        "--plan",
        &dir.path().join("plan.toml").display().to_string(),
        "--entities",
        &example("entities.csv").display().to_string(),
        "--out",
        &html_path.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(&html_path).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("script, b, i")).count(), 0, "{html}");
    let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1, "<b>计划</b>");
    let row: String = doc
        .select(&sel("table.tasks tbody tr td"))
        .nth(1)
        .unwrap()
        .text()
        .collect();
    assert_eq!(row, "<script>alert('x')</script>&");
}

#[test]
fn year_plan_errors_name_the_file_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        "year = 2024\nname = \"x\"\n[[batch]]\nname = \"b\"\nstart = 2024-06-01\nend = 2024-05-01\ntasks = [\"t.toml\"]\n",
    )
    .unwrap();
    let o = run(&[
        "year",
        "--plan",
        &plan.display().to_string(),
        "--entities",
        &example("entities.csv").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("ending before it starts"), "{}", text(&o));
    // Two task files giving one task id.
    let task = example("tasks/river-sand.toml");
    std::fs::copy(&task, dir.path().join("a.toml")).unwrap();
    std::fs::copy(&task, dir.path().join("b.toml")).unwrap();
    std::fs::write(
        &plan,
        "year = 2024\nname = \"x\"\n[[batch]]\nname = \"b\"\nstart = 2024-06-01\nend = 2024-07-31\ntasks = [\"a.toml\", \"b.toml\"]\n",
    )
    .unwrap();
    let o = run(&[
        "year",
        "--plan",
        &plan.display().to_string(),
        "--entities",
        &example("entities.csv").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("task id YCHD-2024-01 is given by a.toml and by b.toml"),
        "{}",
        text(&o)
    );
}
