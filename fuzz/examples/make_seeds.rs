//! Writes the curated seed corpora `fuzz/seeds/<target>/` from the
//! repository's test vectors, the worked example and the CLI's test files.
//!
//! Run from anywhere: `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds`.
//! Existing seed directories are replaced, so the result depends only on
//! the repository.

use std::fs;
use std::path::{Path, PathBuf};

use double_random::{
    assignment::TeamRules,
    beacon::QUICKNET_CHAIN_HASH,
    calendar::Timestamp,
    chain::{Chain, Commit, Draw},
    commitment::{entity_leaf_hashes, prove_entity},
    ledger::{
        Approvals, FollowUp, InspectorDisclosure, LedgerOptions, LedgerRecord, PublicView,
        ResultCategory, ResultFields, published_file, sign_correction, verify_ledger,
    },
    records::{
        Count, Envelope, FormatVersion, RandomnessPlan, RandomnessValue, Record, Witnessing,
    },
    registers::InspectionMethod,
    sampling::BasisPoints,
    task::{Ratios, Task},
    verify::ChainLine,
};
use double_random_cli::input::{Encoding, read_table_bytes};
use double_random_fuzz::{
    calendar, chain_registers, example_entities, other_issuer, test_issuer, vector_draws,
};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}

struct Seeds {
    dir: PathBuf,
}

impl Seeds {
    fn new(target: &str) -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("seeds")
            .join(target);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create seed directory");
        Seeds { dir }
    }

    fn add(&self, name: &str, bytes: impl AsRef<[u8]>) {
        fs::write(self.dir.join(name), bytes).expect("write seed");
    }
}

fn read(rel: &str) -> Vec<u8> {
    fs::read(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn as_u64(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .expect("u64 as number or string")
}

const EXAMPLE_CSVS: [&str; 4] = ["entities", "inspectors", "conflicts", "items"];

fn main() {
    let example = |name: &str| read(&format!("examples/yangcheng/{name}.csv"));

    // uscc: the example's codes, a lenient-only pilot code, spelling variants.
    let s = Seeds::new("uscc");
    let entities = example("entities");
    let table = read_table_bytes("entities.csv", &entities, Encoding::Auto).expect("example");
    for (i, row) in table.rows.iter().take(4).enumerate() {
        s.add(&format!("example-{i}"), &row.fields[0]);
    }
    s.add("pilot-bad-check", "91350203M0001QAY9B");
    s.add("lower-case-spaces", " 91350100m000100y43\t");
    s.add("json-string", "\"91350100M000100Y43\"");

    // credit_class: every accepted spelling family.
    let s = Seeds::new("credit_class");
    for (i, t) in ["A", "b类", " 较高风险 ", "high", "D 类", "\"C\"", "E"]
        .iter()
        .enumerate()
    {
        s.add(&format!("class-{i}"), t);
    }

    // ratio: the sampling vectors' valid and invalid ratio texts.
    let s = Seeds::new("ratio");
    let sampling = json("tests/vectors/sampling.json");
    for key in ["ratios_valid", "ratios_invalid"] {
        for (i, case) in sampling[key].as_array().expect(key).iter().enumerate() {
            s.add(&format!("{key}-{i}"), case["text"].as_str().expect("text"));
        }
    }
    s.add("json-string", "\"12.5%\"");

    // date: every accepted form and near misses.
    let s = Seeds::new("date");
    for (i, t) in [
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "2024年3月5日",
        "2023-02-29",
        "2024-02-29",
        " 9999-12-31 ",
        "1900-1-1",
    ]
    .iter()
    .enumerate()
    {
        s.add(&format!("date-{i}"), t);
    }

    // register_rows and table_csv: the worked example's four registers.
    let rows = Seeds::new("register_rows");
    let csv = Seeds::new("table_csv");
    for (flags, name) in EXAMPLE_CSVS.iter().enumerate() {
        let bytes = example(name);
        let t = read_table_bytes(name, &bytes, Encoding::Auto).expect("example");
        let mut out = vec![flags as u8];
        for r in &t.rows {
            out.extend_from_slice(r.fields.join("\t").as_bytes());
            out.push(b'\n');
        }
        rows.add(name, out);
        csv.add(&format!("{name}.csv"), &bytes);
    }
    csv.add(
        "entities_gb18030.csv",
        read("cli/tests/data/input/entities_gb18030.csv"),
    );

    // table_xlsx: the CLI's workbook fixtures.
    let s = Seeds::new("table_xlsx");
    for name in ["inspectors.xlsx", "cell_error.xlsx"] {
        s.add(name, read(&format!("cli/tests/data/input/{name}")));
    }

    // envelope: every envelope vector, valid or not.
    let s = Seeds::new("envelope");
    let mut names: Vec<PathBuf> = fs::read_dir(repo().join("tests/vectors/envelope"))
        .expect("envelope vectors")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    for path in names {
        let v: Value = serde_json::from_slice(&fs::read(&path).expect("vector")).expect("json");
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("name");
        s.add(stem, v["envelope"].as_str().expect("envelope text"));
    }

    // inclusion_proof: the Merkle vectors' proofs and proofs of the example register.
    let s = Seeds::new("inclusion_proof");
    let merkle = json("tests/vectors/merkle.json");
    for key in ["inclusion_proofs", "invalid_inclusion_proofs"] {
        for (i, case) in merkle[key].as_array().expect(key).iter().enumerate() {
            s.add(&format!("{key}-{i}"), case["proof"].to_string());
        }
    }
    let register = example_entities();
    for (v, version) in [("", FormatVersion::V2), ("-v1", FormatVersion::V1)] {
        let hashes = entity_leaf_hashes(register, version).expect("example leaves");
        for (i, e) in register.entities().iter().enumerate().step_by(3).take(6) {
            let proof = prove_entity(register, &hashes, &e.uscc, version).expect("proof");
            s.add(
                &format!("entity-proof{v}-{i}"),
                serde_json::to_string(&proof).expect("json"),
            );
        }
    }

    // sampler: the sampling vectors' rank cases, plus the extremes.
    let s = Seeds::new("sampler");
    let encode = |n: u64, shift: u8, k: u16, class: u8, seed: &[u8]| {
        let mut out = n.to_le_bytes().to_vec();
        out.push(shift);
        out.extend_from_slice(&k.to_le_bytes());
        out.push(class);
        out.extend_from_slice(seed);
        out
    };
    for (i, case) in sampling["ranks"]
        .as_array()
        .expect("ranks")
        .iter()
        .enumerate()
    {
        let n = as_u64(&case["n"]);
        let k = u16::try_from(as_u64(&case["k"])).unwrap_or(u16::MAX);
        let class = u8::try_from(as_u64(&case["class_index"])).expect("class");
        let seed = hex(case["seed"].as_str().expect("seed"));
        s.add(&format!("ranks-{i}"), encode(n, 0, k, class, &seed));
    }
    s.add("huge-pool", encode(u64::MAX, 0, 2000, 3, &[7; 32]));
    s.add("whole-pool", encode(2000, 0, 2000, 0, &[9; 32]));
    s.add("bad-class", encode(10, 0, 3, 4, &[1; 32]));

    // chain_audit: every chain vector as a file, and a few as bare payloads
    // (one per line), the form the re-signed reading mutates best.
    let s = Seeds::new("chain_audit");
    let payloads = Seeds::new("record_payload");
    let mut chains: Vec<PathBuf> = fs::read_dir(repo().join("tests/vectors/chain"))
        .expect("chain vectors")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    chains.sort();
    let mut seen = std::collections::HashSet::new();
    for path in &chains {
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("name");
        let bytes = fs::read(path).expect("vector");
        s.add(&format!("{stem}.jsonl"), &bytes);
        if ["valid-with-cancellation", "two-attempts-both-drawn"].contains(&stem) {
            s.add(&format!("{stem}-payloads"), bare_payloads(&bytes));
        }
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if let Ok(env) = Envelope::from_json(line)
                && seen.insert(env.unverified_payload().to_vec())
            {
                payloads.add(&format!("{stem}-{i}"), env.unverified_payload());
            }
        }
    }
    // Format version 2 payloads, after-draw records included.
    for stem in [
        "valid-with-cancellation",
        "replacement-honest",
        "supplement-honest",
        "supplement-beyond-limit",
    ] {
        let bytes = read(&format!("tests/vectors/v2/chain/{stem}.jsonl"));
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if let Ok(env) = Envelope::from_json(line)
                && seen.insert(env.unverified_payload().to_vec())
            {
                payloads.add(&format!("v2-{stem}-{i}"), env.unverified_payload());
            }
        }
    }
    // The draw twice, first with a broken signature: the valid copy is the
    // record itself (the first run's alarm: it used to be called a duplicate).
    let valid = read("tests/vectors/chain/valid.jsonl");
    let lines: Vec<&[u8]> = valid.split(|&b| b == b'\n').collect();
    let mut broken: Value = serde_json::from_slice(lines[1]).expect("envelope JSON");
    broken["signatures"][0]["sig"] = Value::String(format!("{}==", "A".repeat(86)));
    let mut text = Vec::new();
    for line in [lines[0], broken.to_string().as_bytes(), lines[1], lines[2]] {
        text.extend_from_slice(line);
        text.push(b'\n');
    }
    s.add("rejected-copy-then-valid.jsonl", text);
    let drand = drand_chain();
    s.add("drand.jsonl", &drand);
    s.add("drand-payloads", bare_payloads(drand.as_bytes()));

    // proof_bundle: bundles of the valid vector chain for a drawn and an
    // undrawn entity, one before the draw, and the key files.
    let s = Seeds::new("proof_bundle");
    let regs = chain_registers();
    // The chain vectors here are version 1's: version-1 leaves and bundles.
    let hashes = entity_leaf_hashes(&regs.entities, FormatVersion::V1).expect("leaf hashes");
    let draw_env = Envelope::from_json(lines[1]).expect("draw envelope");
    let draw = match Record::decode(draw_env.payload_type(), draw_env.unverified_payload())
        .expect("draw payload")
    {
        Record::Draw(d) => d,
        _ => unreachable!("line 2 of the valid chain is its draw"),
    };
    let drawn = draw.drawn_in_order().next().expect("a drawn entity").1.uscc;
    let undrawn = regs
        .entities
        .entities()
        .iter()
        .map(|e| e.uscc)
        .find(|u| draw.drawn_in_order().all(|(_, d)| d.uscc != *u))
        .expect("an entity not drawn");
    let text = |l: &[u8]| String::from_utf8(l.to_vec()).expect("UTF-8 line");
    for (name, uscc, with_draw) in [
        ("drawn.json", drawn, true),
        ("not-drawn.json", undrawn, true),
        ("before-draw.json", drawn, false),
    ] {
        let bundle = double_random::proof::ProofBundle {
            format: double_random::proof::PROOF_BUNDLE_FORMAT.into(),
            commitment: text(lines[0]),
            draw: with_draw.then(|| text(lines[1])),
            proof: prove_entity(&regs.entities, &hashes, &uscc, FormatVersion::V1).expect("proof"),
        };
        s.add(name, serde_json::to_string_pretty(&bundle).expect("JSON"));
    }
    s.add("issuer.pub", test_issuer().public_key().to_text());
    s.add("approver.pub", other_issuer().public_key().to_text());

    // ledger_records: a ledger of the vector chain's draw, built with the
    // library as `record-result`, `correct` and `publish` build it, and
    // broken variants of it.
    let s = Seeds::new("ledger_records");
    let ledger = vector_ledger();
    let text = |envs: &[Envelope]| -> String { envs.iter().map(|e| e.to_json() + "\n").collect() };
    s.add("valid.jsonl", text(&ledger));
    s.add("valid-payloads", bare_payloads(text(&ledger).as_bytes()));
    s.add("first-result.jsonl", text(&ledger[..1]));
    let mut gap = ledger.clone();
    gap.remove(1);
    s.add("gap.jsonl", text(&gap));
    let mut unapproved = ledger.clone();
    let correction = unapproved
        .iter()
        .position(|e| e.payload_type() == double_random::ledger::CORRECTION_TYPE)
        .expect("a correction");
    unapproved[correction] = double_random::records::sign(
        unapproved[correction].payload_type(),
        unapproved[correction].unverified_payload(),
        test_issuer(),
    );
    s.add("unapproved-correction.jsonl", text(&unapproved));
    let mut forged = ledger.clone();
    forged.swap(0, 1);
    s.add("swapped.jsonl", text(&forged));
    for (i, e) in ledger.iter().enumerate() {
        payloads.add(&format!("ledger-{i}"), e.unverified_payload());
    }

    // task_file: the worked example's tasks, the documented example and
    // variants of every optional key.
    let s = Seeds::new("task_file");
    let mut tasks: Vec<PathBuf> = fs::read_dir(repo().join("examples/yangcheng/tasks"))
        .expect("example tasks")
        .map(|e| e.expect("dir entry").path())
        .collect();
    tasks.sort();
    for path in &tasks {
        let name = path.file_name().and_then(|s| s.to_str()).expect("name");
        s.add(name, fs::read(path).expect("task"));
    }
    let doc = String::from_utf8(read("docs/task-file.md")).expect("UTF-8");
    for (i, block) in doc.split("```toml\n").skip(1).enumerate() {
        let block = block.split("```").next().expect("block");
        s.add(&format!("task-file-md-{i}.toml"), block);
    }
    s.add("every-key.toml", EVERY_KEY_TASK);
    // A year no record can hold: the smoke run once found that the task was
    // committed and signed, and no verifier could then read the record.
    s.add(
        "inspection-date-1012.toml",
        EVERY_KEY_TASK.replace(
            "inspection_date = 2024-09-02",
            "inspection_date = 1012-09-02",
        ),
    );
    s.add(
        "string-date-bom.toml",
        format!(
            "\u{feff}{}",
            EVERY_KEY_TASK.replace("2024-09-02", "\"2024年9月2日\"")
        ),
    );
    s.add(
        "bare-ratio.toml",
        EVERY_KEY_TASK.replace("\"2.5%\"", "0.025"),
    );
    s.add(
        "scoped.toml",
        EVERY_KEY_TASK.replace(
            "inspection_date = 2024-09-02",
            "inspection_date = 2024-09-02\ntop_up = \"any-class\"\nexclude_drawn_by = [\"YCSW-2024-01\"]\n\
             exclude_drawn_in_year = true\n[scope]\nindustries = [\"水利工程\"]\nregions = [\"1405\"]\n\
             entity_types = [\"91\", \"12\"]\nstatuses = [\"active\", \"suspended\"]\n\
             target_types = [\"取水单位\"]",
        ),
    );

    year_plan_seeds();
    witness_seeds();
    cli_text_seeds();
}

/// Seeds of the CLI's small text inputs: written times, the secrets file
/// and holiday notice files.
fn cli_text_seeds() {
    let s = Seeds::new("time_text");
    for (i, t) in [
        "2026-12-02T01:00:00Z",
        "2026-12-02T09:00:00+08:00",
        "2026-12-02 09:00 北京时间",
        "北京时间 2026-12-02 09:00",
        "2026-12-02 01:00 (UTC)",
        "2026-12-02 09:00:30（北京时间）",
        "2026-12-02 09:00-05:30",
        "2026-12-02 09:00",
        "2026-02-30 09:00Z",
        "9999-12-31 23:59 -23:59",
        "1970-01-01 07:59 北京时间",
        "2026-12-02 09:00:00+08:00:拍卖会现场摇号",
    ]
    .iter()
    .enumerate()
    {
        s.add(&format!("time-{i}.txt"), t);
    }

    let s = Seeds::new("secrets_file");
    let line = |c: u8, salt: u8| {
        format!(
            "{{\"commitment\":\"{}\",\"conflict_salt\":\"{}\"}}\n",
            format!("{c:02x}").repeat(32),
            format!("{salt:02x}").repeat(32)
        )
    };
    s.add("two.jsonl", line(1, 2) + &line(3, 4));
    s.add("repeated-same.jsonl", line(1, 2) + "\r\n" + &line(1, 2));
    s.add("repeated-other.jsonl", line(1, 2) + &line(1, 5));
    s.add(
        "members.jsonl",
        "{\"commitment\":\"ab\",\"conflict_salt\":1,\"x\":2}\n{\"commitment\":\"\"}",
    );

    let s = Seeds::new("secret_key_file");
    for name in ["witness-a", "issuer-new", "untrusted"] {
        let key = String::from_utf8(read(&format!("tests/vectors/v2/witness/{name}.key")))
            .expect("UTF-8");
        s.add(&format!("{name}.key"), &key);
        s.add(&format!("{name}-crlf.key"), key.replace('\n', "\r\n"));
        s.add(&format!("{name}-no-final-newline.key"), key.trim_end());
        s.add(
            &format!("{name}-other-key-id.key"),
            key.replace("key-id: ", "key-id: 0"),
        );
    }

    let s = Seeds::new("calendar_file");
    // A year the built-in table lacks, whose notice starts in the December
    // before (the 2019 notice's 元旦 ran 2018-12-30 to 2019-01-01).
    s.add(
        "calendar-2019-december.toml",
        "year = 2019\nnotice = \"国务院办公厅关于2019年部分节假日安排的通知\"\n\
         number = \"国办发明电〔2018〕15号\"\n\n\
         [[holiday]]\nname = \"元旦\"\nfrom = 2018-12-30\nto = 2019-01-01\n\n\
         [[workday]]\nname = \"元旦调休\"\ndate = 2018-12-29\n",
    );
    let doc = String::from_utf8(read("docs/calendar.md")).expect("UTF-8");
    for (i, block) in doc.split("```toml\n").skip(1).enumerate() {
        let block = block.split("```").next().expect("block");
        s.add(&format!("calendar-md-{i}.toml"), block);
        s.add(
            &format!("calendar-md-{i}-weekday-workday.toml"),
            block.replace("date = 2027-02-14", "date = 2027-02-15"),
        );
        s.add(
            &format!("calendar-md-{i}-string-dates.toml"),
            block.replace("from = 2027-01-01", "from = \"2027-01-01\""),
        );
    }
}

/// The year-plan seeds: the worked example's plan, the documented one and
/// variants of every key.
fn year_plan_seeds() {
    let s = Seeds::new("year_plan");
    let example = String::from_utf8(read("examples/yangcheng/year-plan.toml")).expect("UTF-8");
    s.add("yangcheng.toml", &example);
    let doc = String::from_utf8(read("docs/year-plan.md")).expect("UTF-8");
    for (i, block) in doc.split("```toml\n").skip(1).enumerate() {
        let block = block.split("```").next().expect("block");
        s.add(&format!("year-plan-md-{i}.toml"), block);
    }
    s.add(
        "string-dates-bom.toml",
        format!(
            "\u{feff}{}",
            example
                .replace("start = 2024-06-01", "start = \"2024年6月1日\"")
                .replace("end = 2024-06-30", "end = \"2024/6/30\"")
        ),
    );
    s.add(
        "hostile-names.toml",
        example
            .replace(
                "issuer = \"阳城县水务局\"",
                "issuer = \"<script>x</script>\"",
            )
            .replace("第二批", "<b>&第二批\\\"</b>"),
    );
    s.add(
        "threshold.toml",
        example.replace("merge_threshold = \"50%\"", "merge_threshold = \"12.25%\""),
    );
    s.add(
        "reversed-batch.toml",
        example.replace("end = 2024-07-31", "end = 2024-06-30"),
    );
}

/// Seeds of the witness targets: the witness vectors' cosignature files,
/// and add-checkpoint bodies over the vector chain.
fn witness_seeds() {
    use double_random::witness::{AddCheckpointBody, CheckpointRequest, Head, KeyChange, LogKind};
    let s = Seeds::new("cosignature_file");
    let dir = repo().join("tests/vectors/v2/witness");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .expect("witness vectors")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .filter(|n| n.ends_with(".cosignatures.jsonl"))
        .collect();
    names.sort();
    for name in names {
        s.add(&name, read(&format!("tests/vectors/v2/witness/{name}")));
    }

    let s = Seeds::new("witness_request");
    let log = double_random_fuzz::witness_vector_log();
    let issuer = test_issuer().public_key().clone();
    let records = |from: usize| log[from..].iter().map(|e| e.envelope.clone()).collect();
    let head0 = Some(Head {
        sequence: 0,
        record: log[0].id,
    });
    let body = |old, from, key_change| {
        AddCheckpointBody::from_request(&CheckpointRequest {
            issuer: issuer.clone(),
            kind: LogKind::Receipts,
            old,
            records: records(from),
            key_change,
        })
        .to_json()
    };
    s.add("first-time.json", body(None, 0, None));
    s.add("extend-from-0.json", body(head0, 1, None));
    s.add("recosign-0.json", body(head0, log.len(), None));
    s.add("conflict.json", body(None, 1, None));
    let new = double_random::records::IssuerKey::from_secret_bytes(
        issuer.issuer(),
        &core::array::from_fn(|i| i as u8 + 0x81),
    )
    .expect("name");
    let change = KeyChange::new(
        &issuer,
        new.public_key(),
        Timestamp::parse("2024-06-05T00:00:00Z").expect("time"),
    )
    .expect("change")
    .sign(test_issuer(), &new);
    s.add("with-key-change.json", body(head0, 1, Some(change)));
}

/// A task file with every key set.
const EVERY_KEY_TASK: &str = r#"id = "YCGC-2024-09"
name = "水利工程联合抽查 (fuzz seed)"
initiating_department = "工程股"
participating_departments = ["水保股"]
items = ["GC-001", "SB-001"]
team_size = 4
workload_cap = 2
jurisdiction = "cross"
rotation = "avoid-previous-team"
required_expertise = ["质量安全"]
inspection_date = 2024-09-02

[ratios]
A = "2.5%"
B = "5%"
C = "15%"
D = "50%"
"#;

/// Each envelope line of a file replaced by its bare payload.
fn bare_payloads(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in bytes.split(|&b| b == b'\n') {
        if let Ok(env) = Envelope::from_json(line) {
            out.extend_from_slice(env.unverified_payload());
            out.push(b'\n');
        }
    }
    out
}

/// A valid chain of the chain vectors' registers whose commitment plans
/// drand quicknet round 123 and whose draw carries that round's published
/// signature, so the beacon check verifies.
fn drand_chain() -> String {
    // Quicknet round 123 (published 2023-08-23T15:15:33Z), as in drand-verify's tests.
    let sig = hex(
        "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92",
    );
    // SHA-256 of the signature: the round's randomness.
    let value = hex("fb8f7bc29bf24db51871ec8c79f3a1e4bd0557bc0dfcee9ed1d924e69d1c60dc");
    let key = test_issuer();
    let bp = |s| BasisPoints::parse_percent(s).expect("ratio");
    let mut team = TeamRules::new(2, "管理股");
    team.participating_departments = vec!["水资源股".into()];
    team.places[1].department = Some("水资源股".into());
    let task = Task::new(
        "YCSW-TEST-DRAND",
        "取水许可监督检查 (TEST ONLY)",
        vec![],
        Ratios([bp("10%"), bp("20%"), bp("30%"), bp("60%")]),
        team,
        double_random::calendar::parse_date("2023-08-24").expect("date"),
    )
    .expect("task");
    let set = chain_registers();
    let regs = set.view();
    let at = |t| Timestamp::parse(t).expect("time");
    let mut chain = Chain::new(key.public_key().clone());
    let c = chain
        .commit(
            key,
            &Commit {
                task: &task,
                registers: regs,
                conflict_salt: &set.salt,
                randomness: RandomnessPlan::Drand {
                    chain_hash: QUICKNET_CHAIN_HASH,
                    round: Count(123),
                },
                created_at: at("2023-08-22T08:00:00Z"),
            },
        )
        .expect("commitment");
    let c_line = c.line();
    let cid = chain.push(c).expect("push");
    let d = chain
        .draw(
            key,
            &Draw {
                commitment: cid,
                randomness: RandomnessValue {
                    value,
                    beacon_signature: Some(sig),
                },
                registers: regs,
                conflict_salt: &set.salt,
                created_at: at("2023-08-24T02:00:00Z"),
                witnessing: Witnessing::Unwitnessed,
                library_version: "0.1.0",
            },
        )
        .expect("draw");
    format!("{}\n{}\n", c_line, d.line())
}

/// A results ledger of the vector chain's draw: a result per drawn entity
/// (one late, one with a follow-up), a correction approved by the second
/// TEST ONLY key, and a checkpoint of the public files.
fn vector_ledger() -> Vec<Envelope> {
    let draws = vector_draws();
    let draw = &draws.draws()[0];
    let key = test_issuer();
    let approvers = [other_issuer().public_key().clone()];
    let mut lines: Vec<Envelope> = Vec::new();
    let state = |lines: &[Envelope]| {
        let chain: Vec<ChainLine> = lines
            .iter()
            .enumerate()
            .map(|(i, e)| ChainLine {
                line: i + 1,
                envelope: e.clone(),
            })
            .collect();
        let (report, ledger) = verify_ledger(
            &chain,
            key.public_key(),
            draws,
            &LedgerOptions {
                approvals: Approvals::Check(&approvers),
                calendar: calendar(),
                witnesses: None,
            },
        );
        assert!(report.holds(), "{:#?}", report.findings);
        ledger
    };
    let date = |s: &str| double_random::calendar::parse_date(s).expect("date");
    let at = |s: &str| Timestamp::parse(s).expect("time");
    let drawn: Vec<_> = draw.drawn().collect();
    let mut first = None;
    for (i, uscc) in drawn.iter().enumerate() {
        let team = draw.team_of(uscc).expect("a team");
        let mut categories = vec![ResultCategory::NoProblem];
        let mut follow_ups = vec![];
        if i == 1 {
            categories = vec![
                ResultCategory::ProblemPending,
                ResultCategory::OtherViolation,
            ];
            follow_ups =
                vec![FollowUp::parse("ordered-to-correct:阳水责改〔2024〕3号").expect("follow-up")];
        }
        let fields = ResultFields {
            draw: draw.draw_id,
            task: draw.task.id.clone(),
            uscc: *uscc,
            department: Some(draw.task.team.initiating_department().to_owned()),
            items: Some(draw.task.items.clone()),
            inspection_start: date("2024-06-11"),
            inspection_end: date("2024-06-13"),
            methods: vec![InspectionMethod::OnSite, InspectionMethod::Written],
            categories,
            findings: "取水计量设施运行正常 (TEST ONLY)".into(),
            follow_ups,
            inspectors: team.to_vec(),
        };
        // The last entity is entered after the 20-working-day deadline.
        let when = if i + 1 == drawn.len() {
            "2024-08-01T02:00:00Z".to_owned()
        } else {
            format!("2024-06-{:02}T02:00:00Z", 14 + i)
        };
        let ledger = state(&lines);
        let link = ledger.next_link(key.public_key(), at(&when)).expect("link");
        let p = ledger.new_result(draws, fields, link).expect("result");
        let env = LedgerRecord::Result(p).sign(key).expect("signs");
        first.get_or_insert(env.record_id());
        lines.push(env);
        if i == 2 {
            // Correct the first result: its category was wrong.
            let ledger = state(&lines);
            let target = first.expect("first result");
            let mut fields = ledger
                .entry_by_record(&target)
                .expect("entry")
                .current()
                .fields
                .clone();
            fields.categories = vec![ResultCategory::CorrectedOnOrder];
            let link = ledger
                .next_link(key.public_key(), at("2024-06-16T03:00:00Z"))
                .expect("link");
            let p = ledger
                .new_correction(
                    draws,
                    &target,
                    "类别录入错误 (TEST ONLY)",
                    other_issuer().public_key(),
                    fields,
                    link,
                )
                .expect("correction");
            lines.push(sign_correction(&p, key, other_issuer()).expect("signs"));
            // Follow-up progress on the second result: not a correction.
            let ledger = state(&lines);
            let second = ledger
                .entry(&draw.draw_id, &drawn[1])
                .expect("second result")
                .original()
                .record;
            let link = ledger
                .next_link(key.public_key(), at("2024-06-16T04:00:00Z"))
                .expect("link");
            let p = ledger
                .new_progress(
                    &second,
                    vec![
                        FollowUp::parse("ordered-to-correct:已整改完毕 (TEST ONLY)")
                            .expect("follow-up"),
                    ],
                    link,
                )
                .expect("progress");
            lines.push(LedgerRecord::Progress(p).sign(key).expect("signs"));
        }
    }
    // Publish.
    let ledger = state(&lines);
    let published_at = at("2024-08-02T00:00:00Z");
    let regs = chain_registers();
    let view = PublicView::build(
        &ledger,
        draws,
        key.issuer(),
        published_at,
        Some(&regs.entities),
        Some(&regs.inspectors),
        InspectorDisclosure::NameAndCertificate,
    );
    let files = vec![
        published_file("public-results.csv", &view.to_csv()),
        published_file("public-results.json", &view.to_json()),
    ];
    let link = ledger
        .next_link(key.public_key(), published_at)
        .expect("link");
    let p = ledger.new_checkpoint(files, link).expect("checkpoint");
    lines.push(LedgerRecord::Checkpoint(p).sign(key).expect("signs"));
    state(&lines);
    lines
}
