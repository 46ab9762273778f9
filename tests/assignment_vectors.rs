//! Checks `tests/vectors/assignment.json`: every case's teams (or error)
//! must come out exactly. The vectors were cross-checked against an
//! independent Python implementation of `docs/spec/assignment.md`
//! (`tests/vectors/assignment_crosscheck.py`).
//!
//! `ASSIGNMENT_VECTORS_PRINT=1 cargo test --test assignment_vectors -- --nocapture`
//! prints what the implementation computes, case by case.

use double_random::{
    assignment::{
        History, Team,
        v1::{TeamRules, assign_teams},
    },
    calendar::parse_date,
    registers::{
        Conflict, ConflictRegister, CreditClass, Entity, Inspector, InspectorRegister, Uscc,
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    source: String,
    format: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    case: u32,
    flags: Vec<String>,
    comment: String,
    seed: String,
    date: String,
    inspectors: Vec<InspectorJson>,
    entities: Vec<EntityJson>,
    conflicts: Vec<ConflictJson>,
    history: Option<Vec<Team>>,
    rules: TeamRules,
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

fn run(c: &Case) -> Value {
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
    let history = c.history.as_ref().map(History::from_teams);
    let date = parse_date(&c.date).unwrap();
    match assign_teams(
        &seed(&c.seed),
        &entities,
        &inspectors,
        &conflicts,
        &c.rules,
        date,
        history.as_ref(),
    ) {
        Ok(teams) => json!({ "teams": teams }),
        Err(e) => json!({ "error": e }),
    }
}

#[test]
fn assignment_vectors() {
    let text = include_str!("vectors/assignment.json");
    let doc: Doc = serde_json::from_str(text).unwrap();
    assert!(
        doc.source.contains("Python"),
        "the source note says how the vectors were checked"
    );
    assert!(doc.format.contains("v1"));
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
            println!("case {}: {}", c.case, serde_json::to_string(&got).unwrap());
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
