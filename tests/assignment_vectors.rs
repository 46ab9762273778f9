//! Checks `tests/vectors/assignment.json` (version 1) and
//! `tests/vectors/v2/assignment.json` (version 2): every case's teams (or
//! error) must come out exactly. The vectors were cross-checked against
//! independent Python implementations of `docs/spec/assignment.md`
//! (`tests/vectors/assignment_crosscheck.py`,
//! `tests/vectors/v2/assignment_crosscheck.py`).
//!
//! `ASSIGNMENT_VECTORS_PRINT=1 cargo test --test assignment_vectors -- --nocapture`
//! prints what the implementation computes, case by case.

use double_random::{
    assignment::{History, Team, v1, v2},
    calendar::parse_date,
    registers::{
        Conflict, ConflictRegister, CreditClass, Entity, Inspector, InspectorRegister, Uscc,
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc<R> {
    source: String,
    format: String,
    cases: Vec<Case<R>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case<R> {
    case: u32,
    flags: Vec<String>,
    comment: String,
    seed: String,
    date: String,
    inspectors: Vec<InspectorJson>,
    entities: Vec<EntityJson>,
    conflicts: Vec<ConflictJson>,
    history: Option<Vec<Team>>,
    rules: R,
    expected: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InspectorJson {
    id: String,
    name: String,
    department: String,
    region: String,
    expertise: Vec<String>,
    cert_valid_from: Option<String>,
    cert_valid_to: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityJson {
    uscc: Uscc,
    name: String,
    credit_class: String,
    region: String,
    industry: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConflictJson {
    inspector_id: String,
    uscc: Uscc,
}

fn seed(hex: &str) -> [u8; 32] {
    assert_eq!(hex.len(), 64, "seed is 32 bytes in hex");
    let mut s = [0u8; 32];
    for (i, b) in s.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    s
}

/// The registers, drawn list, history and date of a case.
struct Inputs {
    inspectors: InspectorRegister,
    entities: Vec<Entity>,
    conflicts: ConflictRegister,
    history: Option<History>,
    date: time::Date,
}

fn inputs<R>(c: &Case<R>) -> Inputs {
    let inspectors = InspectorRegister::new(
        c.inspectors
            .iter()
            .map(|i| Inspector {
                id: i.id.clone(),
                name: i.name.clone(),
                department: i.department.clone(),
                region: i.region.clone(),
                expertise: i.expertise.clone(),
                cert_valid_from: i.cert_valid_from.as_deref().map(|d| parse_date(d).unwrap()),
                cert_valid_to: i.cert_valid_to.as_deref().map(|d| parse_date(d).unwrap()),
            })
            .collect(),
    )
    .unwrap();
    let entities: Vec<Entity> = c
        .entities
        .iter()
        .map(|e| {
            Entity::new(
                e.uscc,
                e.name.as_str(),
                e.credit_class.parse::<CreditClass>().unwrap(),
                e.region.as_str(),
                e.industry.as_str(),
            )
        })
        .collect();
    let conflicts = ConflictRegister::new(
        c.conflicts
            .iter()
            .map(|x| Conflict {
                inspector_id: x.inspector_id.clone(),
                uscc: x.uscc,
                reason: String::new(),
            })
            .collect(),
    );
    Inputs {
        inspectors,
        entities,
        conflicts,
        history: c.history.as_ref().map(History::from_teams),
        date: parse_date(&c.date).unwrap(),
    }
}

fn run_v1(c: &Case<v1::TeamRules>) -> Value {
    let i = inputs(c);
    match v1::assign_teams(
        &seed(&c.seed),
        &i.entities,
        &i.inspectors,
        &i.conflicts,
        &c.rules,
        i.date,
        i.history.as_ref(),
    ) {
        Ok(teams) => json!({ "teams": teams }),
        Err(e) => json!({ "error": e }),
    }
}

fn run_v2(c: &Case<v2::TeamRules>) -> Value {
    let i = inputs(c);
    match v2::assign_teams(
        &seed(&c.seed),
        &i.entities,
        &i.inspectors,
        &i.conflicts,
        &c.rules,
        i.date,
        i.history.as_ref(),
    ) {
        Ok(teams) => json!({ "teams": teams }),
        Err(e) => json!({ "error": e }),
    }
}

fn check<R>(doc: &Doc<R>, version: &str, run: impl Fn(&Case<R>) -> Value) {
    assert!(
        doc.source.contains("Python"),
        "the source note says how the vectors were checked"
    );
    assert!(doc.format.contains(version));
    let print = std::env::var_os("ASSIGNMENT_VECTORS_PRINT").is_some();
    let mut numbers = Vec::new();
    for c in &doc.cases {
        assert!(
            !c.flags.is_empty() && !c.comment.is_empty(),
            "case {}",
            c.case
        );
        numbers.push(c.case);
        let got = run(c);
        if print {
            println!(
                "{version} case {}: {}",
                c.case,
                serde_json::to_string(&got).unwrap()
            );
            continue;
        }
        assert_eq!(got, c.expected, "case {} ({:?})", c.case, c.flags);
        // The same inputs always give the same result.
        assert_eq!(run(c), got, "case {} is not deterministic", c.case);
    }
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(numbers, sorted, "case numbers are unique and ascending");
}

#[test]
fn assignment_vectors() {
    let text = include_str!("vectors/assignment.json");
    let doc: Doc<v1::TeamRules> = serde_json::from_str(text).unwrap();
    check(&doc, "v1", run_v1);
}

#[test]
fn assignment_vectors_v2() {
    let text = include_str!("vectors/v2/assignment.json");
    let doc: Doc<v2::TeamRules> = serde_json::from_str(text).unwrap();
    check(&doc, "v2", run_v2);
    // Every edge case the specification names has a case.
    let flags: Vec<&str> = doc
        .cases
        .iter()
        .flat_map(|c| c.flags.iter().map(String::as_str))
        .collect();
    for flag in [
        "two-departments-two-tags",
        "department-place-with-tag",
        "worked-example",
        "cross-team-move",
        "within-team-move",
        "rotation",
        "cross-jurisdiction",
        "nobody-eligible",
        "too-few-for-team",
        "capacity-exhausted",
    ] {
        assert!(flags.contains(&flag), "no case flagged {flag}");
    }
}
