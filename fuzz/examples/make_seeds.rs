//! Writes the curated seed corpora `fuzz/seeds/<target>/` from the
//! repository's test vectors, the worked example and the CLI's test files.
//!
//! Run from anywhere: `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds`.
//! Existing seed directories are replaced, so the result depends only on
//! the repository.

use std::fs;
use std::path::{Path, PathBuf};

use double_random::{entity_leaf_hashes, prove_entity};
use double_random_cli::input::{Encoding, read_table_bytes};
use double_random_fuzz::example_entities;
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
    let hashes = entity_leaf_hashes(register).expect("example leaves");
    for (i, e) in register.entities().iter().enumerate().step_by(3).take(6) {
        let proof = prove_entity(register, &hashes, &e.uscc).expect("proof");
        s.add(
            &format!("entity-proof-{i}"),
            serde_json::to_string(&proof).expect("json"),
        );
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
}
