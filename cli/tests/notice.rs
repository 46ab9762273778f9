//! `double-random notice` end to end: a chain built with the binary, the
//! rendered page parsed as HTML (title, Beijing time, no firm's class by
//! default), hostile names escaped, broken chains and wrong registers
//! refused. The page as a browser lays it out is checked in
//! `notice_browser.rs`.

use std::path::Path;
use std::process::{Command, Output};

use scraper::{Html, Selector};
use serde_json::Value;

const SIGNATURE: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

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

fn ok(o: &Output) -> Value {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

fn text(doc: &Html, s: &str) -> String {
    doc.select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no {s}"))
        .text()
        .collect::<String>()
}

/// A chain with one commitment and one draw of `task`, made in `dir`.
struct Built {
    commitment: String,
    draw: Value,
    fingerprint: String,
}

fn build(dir: &Path, issuer: &str, task: &Path, entities: &Path) -> Built {
    let kg = run(dir, &["keygen", "--issuer", issuer, "--out", "key"]);
    assert!(
        kg.status.success(),
        "{}",
        String::from_utf8_lossy(&kg.stderr)
    );
    let fingerprint = String::from_utf8_lossy(&kg.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint:").map(|f| f.trim().to_owned()))
        .expect("keygen prints the fingerprint");
    let regs = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        for (flag, p) in [
            ("--entities", entities.to_path_buf()),
            ("--inspectors", example("inspectors.csv")),
            ("--conflicts", example("conflicts.csv")),
            ("--items", example("items.csv")),
        ] {
            v.push(flag.into());
            v.push(p.display().to_string());
        }
        v
    };
    let task = task.display().to_string();
    let args = regs(&[
        "commit",
        "--json",
        "--chain",
        "chain.jsonl",
        "--key",
        "key.key",
        "--task",
        &task,
        "--randomness-plan",
        "drand:quicknet:123",
        "--created-at",
        "2023-08-23T15:10:00Z",
    ]);
    let c = ok(&run(
        dir,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let args = regs(&[
        "draw",
        "--json",
        "--unwitnessed",
        "--chain",
        "chain.jsonl",
        "--key",
        "key.key",
        "--beacon-signature",
        SIGNATURE,
        "--created-at",
        "2023-08-23T15:16:00Z",
    ]);
    let draw = ok(&run(
        dir,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    Built {
        commitment: c["record"].as_str().expect("record id").to_owned(),
        draw,
        fingerprint,
    }
}

fn notice(dir: &Path, entities: &Path, extra: &[&str]) -> Output {
    let e = entities.display().to_string();
    let i = example("inspectors.csv").display().to_string();
    let t = example("items.csv").display().to_string();
    let mut args = vec![
        "notice",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "key.pub",
        "--entities",
        &e,
        "--inspectors",
        &i,
        "--items",
        &t,
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn notice_of_the_example_draw() {
    let dir = tempfile::tempdir().expect("temp dir");
    let entities = example("entities.csv");
    let b = build(
        dir.path(),
        "阳城县水务局",
        &example("tasks/water-permits.toml"),
        &entities,
    );
    let o = notice(dir.path(), &entities, &["--out", "notice.html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(dir.path().join("notice.html")).expect("the page");
    let doc = Html::parse_document(&html);

    // The list of entities and teams drawn, not the inspection results.
    assert!(text(&doc, "title").contains("随机抽取结果公示"));
    assert!(text(&doc, "h1").contains("随机抽取结果公示"));
    assert!(!html.contains("抽查结果公示"));
    assert!(text(&doc, "#scope").contains("不是检查结果"));
    assert!(text(&doc, "#drawn h2").contains("抽查对象名单"));
    // Beijing time: committed 15:10 UTC is 23:10 in Beijing; no UTC anywhere.
    assert!(
        text(&doc, "#task").contains("2023-08-23 23:10:00（北京时间）"),
        "{}",
        text(&doc, "#task")
    );
    assert!(text(&doc, "#task").contains("2023-08-23 23:16:00（北京时间）"));
    assert!(!html.contains("UTC）") && !html.contains(" UTC"));
    assert!(
        !html
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_digit() && w[1] == b'Z'),
        "a UTC time on the page"
    );
    assert!(text(&doc, "#randomness").contains("（北京时间）"));
    assert_eq!(text(&doc, "header .issuer"), "阳城县水务局");
    assert!(text(&doc, "#task").contains("YCSW-2024-01"));
    assert!(text(&doc, "#task").contains("2024年度取水许可监督检查"));
    assert!(text(&doc, "#task").contains("水资源股"));
    assert!(
        text(&doc, "#task").contains("取水许可监督检查"),
        "item names"
    );

    // Per-class table: four classes, drawn counts summing to the drawn rows.
    let teams = b.draw["teams"].as_array().expect("teams").len();
    let class_rows: Vec<_> = doc.select(&sel("table.classes tbody tr")).collect();
    assert_eq!(class_rows.len(), 4);
    let drawn_sum: usize = class_rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r
                .select(&sel("td"))
                .map(|c| c.text().collect::<String>())
                .collect();
            assert_eq!(cells.len(), 4);
            cells[3].trim().parse::<usize>().expect("a count")
        })
        .sum();
    assert_eq!(drawn_sum, teams);
    for (row, class) in class_rows.iter().zip(["A", "B", "C", "D"]) {
        let d = b.draw["drawn"][class].as_array().expect("per class").len();
        let last = row.select(&sel("td")).nth(3).expect("drawn cell");
        assert_eq!(last.text().collect::<String>().trim(), d.to_string());
    }

    // Drawn entities and teams: one row per drawn entity, ordered by USCC
    // (draw order would tell the class), with no class or rank column.
    let rows: Vec<_> = doc.select(&sel("table.drawn tbody tr")).collect();
    assert_eq!(rows.len(), teams);
    assert!(teams >= 3);
    let header = text(&doc, "table.drawn thead");
    assert!(
        !header.contains("分类") && !header.contains("Class"),
        "{header}"
    );
    assert!(
        !header.contains("序位") && !header.contains("Rank"),
        "{header}"
    );
    assert_eq!(
        doc.select(&sel("table.drawn td.class, table.drawn td.rank"))
            .count(),
        0
    );
    let mut teams_by_uscc: Vec<&Value> =
        b.draw["teams"].as_array().expect("teams").iter().collect();
    teams_by_uscc.sort_by_key(|t| t["uscc"].as_str().map(str::to_owned));
    for (row, team) in rows.iter().zip(teams_by_uscc) {
        let uscc: String = row
            .select(&sel("td.uscc"))
            .next()
            .expect("USCC cell")
            .text()
            .collect();
        assert_eq!(uscc, team["uscc"].as_str().expect("uscc"));
        assert_eq!(row.select(&sel("td")).count(), 4, "no, USCC, name, team");
        let name: String = row
            .select(&sel("td.name"))
            .next()
            .expect("name")
            .text()
            .collect();
        assert!(name.starts_with("阳城县"), "{name}");
        let members = row.select(&sel("td.team .member")).count();
        assert_eq!(
            members,
            team["inspectors"].as_array().expect("inspectors").len()
        );
        let certs: Vec<String> = row
            .select(&sel("td.team .cert"))
            .map(|c| c.text().collect())
            .collect();
        for id in team["inspectors"].as_array().expect("inspectors") {
            assert!(certs.iter().any(|c| c == id.as_str().expect("id")));
        }
    }

    // The chart.
    assert_eq!(doc.select(&sel("figure svg")).count(), 1);
    assert_eq!(doc.select(&sel("svg rect.pool")).count(), 4);
    assert_eq!(doc.select(&sel("svg rect.drawn")).count(), 4);

    // The receipt.
    assert_eq!(text(&doc, "#commitment-id"), b.commitment);
    assert_eq!(
        text(&doc, "#draw-id"),
        b.draw["record"].as_str().expect("draw id")
    );
    assert_eq!(text(&doc, "#seed"), b.draw["seed"].as_str().expect("seed"));
    assert_eq!(text(&doc, "#fingerprint"), b.fingerprint);
    let randomness = text(&doc, "#randomness");
    assert!(randomness.contains("drand"), "{randomness}");
    assert!(randomness.contains("123"), "{randomness}");
    assert!(
        text(&doc, "#verify-command")
            .contains("double-random verify --chain chain.jsonl --public-key key.pub")
    );
    assert!(text(&doc, "#verify").contains("docs/FORMAT.md"));

    // Self-contained: no scripts, no links or sources, no fetched CSS.
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("link, img, iframe, object")).count(), 0);
    let refs: Vec<_> = doc.select(&sel("[src], [href]")).collect();
    assert!(refs.is_empty(), "external references: {refs:?}");
    assert!(!html.contains("url("));
    assert!(!html.contains("@import"));
    assert!(html.contains("@page"));
    assert!(html.contains("size: A4"));

    // A draw named by prefix renders the same page; stdout when no --out.
    let prefix = &b.draw["record"].as_str().expect("draw id")[..10];
    let o = notice(dir.path(), &entities, &["--draw", prefix]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), html);
    let o = notice(dir.path(), &entities, &["--draw", "ffffffffffff"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn credit_classes_are_shown_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let entities = example("entities.csv");
    let b = build(
        dir.path(),
        "阳城县水务局",
        &example("tasks/water-permits.toml"),
        &entities,
    );
    let o = notice(dir.path(), &entities, &["--show-credit-class"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = String::from_utf8(o.stdout).expect("UTF-8");
    let doc = Html::parse_document(&html);
    assert!(text(&doc, "table.drawn thead").contains("分类"));
    // Draw order, with each firm's class and rank as drawn.
    let rows: Vec<_> = doc.select(&sel("table.drawn tbody tr")).collect();
    let drawn: Vec<(String, String)> = ["A", "B", "C", "D"]
        .iter()
        .flat_map(|c| {
            b.draw["drawn"][c]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |e| {
                    (
                        (*c).to_owned(),
                        e["uscc"].as_str().expect("uscc").to_owned(),
                    )
                })
        })
        .collect();
    assert_eq!(rows.len(), drawn.len());
    for (row, (class, uscc)) in rows.iter().zip(drawn) {
        let cell =
            |s: &str| -> String { row.select(&sel(s)).next().expect("cell").text().collect() };
        assert_eq!(cell("td.class"), class);
        assert_eq!(cell("td.uscc"), uscc);
        assert!(cell("td.rank").parse::<u64>().is_ok());
    }
}

#[test]
fn hostile_names_are_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hostile = "<script>alert(1)</script>&amp;<b>x</b>";
    // Every entity name gets the hostile prefix, so whoever is drawn has it.
    let original = std::fs::read_to_string(example("entities.csv")).expect("example");
    let mut out = String::new();
    for (i, line) in original.lines().enumerate() {
        if i == 0 {
            out.push_str(line);
        } else {
            let mut cells: Vec<&str> = line.split(',').collect();
            let name = format!("{hostile}{}", cells[1]);
            cells[1] = &name;
            out.push_str(&cells.join(","));
        }
        out.push('\n');
    }
    let entities = dir.path().join("entities.csv");
    std::fs::write(&entities, out).expect("write");
    let task_text = std::fs::read_to_string(example("tasks/water-permits.toml"))
        .expect("task")
        .replace(
            "name = \"2024年度取水许可监督检查\"",
            "name = \"<i>任务</i> & \\\"引号\\\" 'x'\"",
        );
    let task = dir.path().join("task.toml");
    std::fs::write(&task, task_text).expect("write");
    let b = build(dir.path(), "阳城县水务局", &task, &entities);
    let o = notice(dir.path(), &entities, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = String::from_utf8(o.stdout).expect("UTF-8");
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("b, i")).count(), 0);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;"));
    let names: Vec<String> = doc
        .select(&sel("table.drawn td.name"))
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(
        names.len(),
        b.draw["teams"].as_array().expect("teams").len()
    );
    for n in names {
        assert!(n.starts_with(hostile), "{n}");
    }
    assert!(text(&doc, "title").contains("<i>任务</i> & \"引号\" 'x'"));
    assert!(text(&doc, "#task").contains("<i>任务</i> & \"引号\" 'x'"));
}

#[test]
fn broken_chains_and_wrong_registers_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let entities = example("entities.csv");
    build(
        dir.path(),
        "阳城县水务局",
        &example("tasks/water-permits.toml"),
        &entities,
    );

    // Another register than the committed one: its root differs.
    let other = dir.path().join("other.csv");
    let text = std::fs::read_to_string(&entities).expect("example");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.pop();
    std::fs::write(&other, lines.join("\n") + "\n").expect("write");
    let o = notice(dir.path(), &other, &["--out", "wrong.html"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not the entity register"));
    assert!(!dir.path().join("wrong.html").exists());

    // A chain whose commitment was removed does not verify.
    let chain = dir.path().join("chain.jsonl");
    let text = std::fs::read_to_string(&chain).expect("chain");
    let rest: Vec<&str> = text.lines().skip(1).collect();
    std::fs::write(&chain, rest.join("\n") + "\n").expect("write");
    let o = notice(dir.path(), &entities, &["--out", "broken.html"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not verify"));
    assert!(!dir.path().join("broken.html").exists());

    // A missing key file is unreadable input (exit 2).
    let o = run(
        dir.path(),
        &[
            "notice",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "missing.pub",
            "--entities",
            "e.csv",
            "--inspectors",
            "i.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn posting_date_contact_signature_and_appendix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let entities = example("entities.csv");
    let b = build(
        dir.path(),
        "阳城县水务局",
        &example("tasks/water-permits.toml"),
        &entities,
    );
    let o = notice(
        dir.path(),
        &entities,
        &[
            "--posted-on",
            "2024-05-28",
            "--contact",
            "县水务局政策法规股 0356-4022<1>",
            "--show-credit-class",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = String::from_utf8(o.stdout).expect("UTF-8");
    let doc = Html::parse_document(&html);

    // 落款: the issuer, the posting date, a space for the seal.
    let sig = text(&doc, "#signature");
    assert!(sig.contains("阳城县水务局"), "{sig}");
    assert!(sig.contains("（盖章）"), "{sig}");
    assert_eq!(text(&doc, "#posted-on"), "2024年5月28日");
    // The complaint contact, escaped.
    assert!(text(&doc, "#contact").contains("县水务局政策法规股 0356-4022<1>"));
    assert!(html.contains("0356-4022&lt;1&gt;"));
    // The randomness in plain words in the main part.
    let how = text(&doc, "#how");
    assert!(how.contains("drand") && how.contains("第 123 轮"), "{how}");
    assert!(
        !how.contains(b.draw["seed"].as_str().expect("seed")),
        "{how}"
    );

    // The technical part is an appendix after the 落款: record ids, seed
    // and commands are in it, not in the main part.
    let main_part = html.split("id=\"appendix\"").next().expect("before");
    assert!(main_part.contains("id=\"signature\""));
    for tech in [
        b.commitment.as_str(),
        b.draw["seed"].as_str().expect("seed"),
        "double-random verify",
    ] {
        assert!(!main_part.contains(tech), "{tech} before the appendix");
    }
    let appendix = text(&doc, "#appendix");
    assert!(appendix.contains(&b.commitment));
    assert!(appendix.contains("double-random verify"));
    assert_eq!(doc.select(&sel("#appendix #receipt")).count(), 1);
    assert_eq!(doc.select(&sel("#appendix #verify")).count(), 1);

    // Ranks on the page count from 1; the appendix gives the record's
    // 0-based ranks.
    let ranks: Vec<u64> = doc
        .select(&sel("table.drawn td.rank"))
        .map(|c| c.text().collect::<String>().parse().expect("rank"))
        .collect();
    let recorded: Vec<u64> = ["A", "B", "C", "D"]
        .iter()
        .flat_map(|c| {
            b.draw["drawn"][c]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|e| {
                    e["rank"]
                        .as_u64()
                        .or_else(|| e["rank"].as_str()?.parse().ok())
                        .expect("rank")
                })
        })
        .collect();
    assert_eq!(ranks, recorded.iter().map(|r| r + 1).collect::<Vec<_>>());
    assert!(text(&doc, "#appendix").contains("rank r (0-based in the record)"));
    let listed = text(&doc, "#record-ranks");
    for r in &recorded {
        assert!(listed.contains(&r.to_string()), "{listed}");
    }

    // Without --contact there is no contact section; without the class
    // option the appendix lists no rank (it would tell the class).
    let o = notice(dir.path(), &entities, &["--posted-on", "2024-05-28"]);
    let html = String::from_utf8(o.stdout).expect("UTF-8");
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("#contact")).count(), 0);
    assert_eq!(doc.select(&sel("#record-ranks")).count(), 0);
    // The posting date defaults to today in Beijing: some date is there.
    let o = notice(dir.path(), &entities, &[]);
    let doc = Html::parse_document(&String::from_utf8(o.stdout).expect("UTF-8"));
    assert!(text(&doc, "#posted-on").ends_with('日'));
}

/// `notice --commitment`: the 承诺公告 before the draw.
fn commitment_notice(dir: &Path, extra: &[&str]) -> Output {
    let t = example("items.csv").display().to_string();
    let mut args = vec![
        "notice",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "key.pub",
        "--items",
        &t,
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn commitment_notice_before_the_draw() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let kg = run(p, &["keygen", "--issuer", "阳城县水务局", "--out", "key"]);
    assert!(kg.status.success());
    let fingerprint = String::from_utf8_lossy(&kg.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint:").map(|f| f.trim().to_owned()))
        .expect("fingerprint");
    let mut args = vec![
        "commit".to_owned(),
        "--json".into(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "key.key".into(),
        "--task".into(),
        example("tasks/water-permits.toml").display().to_string(),
        "--randomness-plan".into(),
        "drand:quicknet:123".into(),
        "--created-at".into(),
        "2023-08-23T15:10:00Z".into(),
    ];
    for (flag, f) in [
        ("--entities", "entities.csv"),
        ("--inspectors", "inspectors.csv"),
        ("--conflicts", "conflicts.csv"),
        ("--items", "items.csv"),
    ] {
        args.push(flag.into());
        args.push(example(f).display().to_string());
    }
    let c = ok(&run(
        p,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let id = c["record"].as_str().expect("record").to_owned();

    let o = commitment_notice(
        p,
        &[
            "--commitment",
            &id[..12],
            "--posted-on",
            "2023-08-24",
            "--contact",
            "县水务局政策法规股",
            "--out",
            "commitment.html",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(p.join("commitment.html")).expect("page");
    let doc = Html::parse_document(&html);
    assert!(text(&doc, "h1").contains("承诺公告"));
    assert!(text(&doc, "title").contains("YCSW-2024-01"));
    assert_eq!(text(&doc, "header .issuer"), "阳城县水务局");
    // Task and scope in words.
    let task = text(&doc, "#task");
    assert!(task.contains("2024年度取水许可监督检查"), "{task}");
    assert!(task.contains("取水单位"), "the scope rule in words: {task}");
    assert!(task.contains("2023-08-23 23:10:00（北京时间）"), "{task}");
    assert!(task.contains("取水许可监督检查"), "item names: {task}");
    // Per class: pool, ratio and number to draw, and the total to draw.
    let rows: Vec<_> = doc.select(&sel("table.classes tbody tr")).collect();
    assert_eq!(rows.len(), 4);
    let pools = &c["pools"];
    let mut to_draw = 0;
    for (row, class) in rows.iter().zip(["A", "B", "C", "D"]) {
        let cells: Vec<String> = row
            .select(&sel("td"))
            .map(|c| c.text().collect::<String>().trim().to_owned())
            .collect();
        assert_eq!(
            cells[1],
            pools[class].as_u64().expect("pool").to_string(),
            "{class}"
        );
        to_draw += cells[3].parse::<u64>().expect("to draw");
    }
    assert_eq!(text(&doc, "#to-draw-total"), to_draw.to_string());
    assert!(to_draw >= 3);
    // Randomness and its time in Beijing time; the ids; how to check later.
    let r = text(&doc, "#randomness-plan");
    assert!(r.contains("第 123 轮") && r.contains("（北京时间）"), "{r}");
    assert_eq!(text(&doc, "#commitment-id"), id);
    assert_eq!(text(&doc, "#fingerprint"), fingerprint);
    let later = text(&doc, "#check-later");
    assert!(later.contains(&id[..16]), "{later}");
    assert!(later.contains("随机抽取结果公示"), "{later}");
    assert!(text(&doc, "#contact").contains("县水务局政策法规股"));
    assert_eq!(text(&doc, "#posted-on"), "2023年8月24日");
    // No firm is named, no class of any firm; no UTC time; self-contained.
    let register = std::fs::read_to_string(example("entities.csv")).expect("entities");
    for name in register.lines().skip(1).filter_map(|l| l.split(',').nth(1)) {
        assert!(!html.contains(name), "{name} on the page");
    }
    assert!(
        !html
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_digit() && w[1] == b'Z'),
        "a UTC time on the page"
    );
    assert_eq!(
        doc.select(&sel("script, link, img, iframe, object"))
            .count(),
        0
    );
    assert_eq!(doc.select(&sel("[src], [href]")).count(), 0);
    assert!(html.contains("size: A4"));
    assert_eq!(doc.select(&sel("#drawn-note")).count(), 0);

    // After the draw the same notice says it was drawn; an unknown id is refused.
    let mut draw = vec![
        "draw".to_owned(),
        "--json".into(),
        "--unwitnessed".into(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "key.key".into(),
        "--beacon-signature".into(),
        SIGNATURE.into(),
        "--created-at".into(),
        "2023-08-23T15:16:00Z".into(),
    ];
    draw.extend(args[12..].iter().cloned());
    ok(&run(
        p,
        &draw.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let o = commitment_notice(p, &["--commitment", &id]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = Html::parse_document(&String::from_utf8(o.stdout).expect("UTF-8"));
    assert!(text(&doc, "#drawn-note").contains("2023-08-23 23:16:00（北京时间）"));
    let o = commitment_notice(p, &["--commitment", "ffffffffffff"]);
    assert_eq!(o.status.code(), Some(1));
    // The commitment notice takes no register; a draw notice needs them.
    let o = commitment_notice(p, &["--commitment", &id, "--entities", "x.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        p,
        &[
            "notice",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "key.pub",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}
