use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use sha2::{Digest, Sha256};
use time::Month;

use super::*;
use crate::registers::Conflict;
use crate::registers::credit::CreditClass;
use crate::registers::uscc::uscc_check_character;

fn code(n: u32) -> Uscc {
    let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
    let text = format!(
        "{}{}",
        std::str::from_utf8(&first).unwrap(),
        uscc_check_character(&first).unwrap()
    );
    text.parse().unwrap()
}

fn ent(n: u32, region: &str) -> Entity {
    Entity::new(code(n), format!("企业{n}"), CreditClass::B, region, "")
}

fn insp(id: &str, dept: &str) -> Inspector {
    Inspector {
        id: id.into(),
        name: format!("检查员{id}"),
        department: dept.into(),
        region: String::new(),
        expertise: Vec::new(),
        cert_valid_from: None,
        cert_valid_to: None,
    }
}

fn with_tags(mut i: Inspector, tags: &[&str]) -> Inspector {
    i.expertise = tags.iter().map(|t| (*t).to_owned()).collect();
    i.expertise.sort();
    i
}

fn with_region(mut i: Inspector, region: &str) -> Inspector {
    i.region = region.into();
    i
}

fn day() -> Date {
    Date::from_calendar_date(2025, Month::March, 10).unwrap()
}

fn reg(v: Vec<Inspector>) -> InspectorRegister {
    InspectorRegister::new(v).unwrap()
}

fn conflicts(pairs: &[(&str, u32)]) -> ConflictRegister {
    ConflictRegister::new(
        pairs
            .iter()
            .map(|&(id, n)| Conflict {
                inspector_id: id.into(),
                uscc: code(n),
                reason: String::new(),
            })
            .collect(),
    )
}

fn seed(i: u64) -> [u8; 32] {
    Sha256::digest(i.to_le_bytes()).into()
}

fn dept(n: usize, name: &str, prefix: &str) -> Vec<Inspector> {
    (0..n)
        .map(|k| insp(&format!("{prefix}{k:02}"), name))
        .collect()
}

fn assign(
    s: u64,
    drawn: &[Entity],
    r: &InspectorRegister,
    c: &ConflictRegister,
    rules: &TeamRules,
    h: Option<&History>,
) -> Result<Vec<Team>, AssignError> {
    assign_teams(&seed(s), drawn, r, c, rules, day(), h)
}

/// Checks every rule of the specification on a successful result.
fn check_teams(
    teams: &[Team],
    drawn: &[Entity],
    r: &InspectorRegister,
    c: &ConflictRegister,
    rules: &TeamRules,
    h: Option<&History>,
) {
    assert_eq!(teams.len(), drawn.len());
    let depts: Vec<&str> = rules.departments().collect();
    let mut load: HashMap<&str, u32> = HashMap::new();
    for (t, e) in teams.iter().zip(drawn) {
        assert_eq!(t.uscc, e.uscc, "teams come in draw order");
        assert_eq!(t.inspectors.len(), rules.team_size as usize);
        let mut ids = t.inspectors.clone();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), t.inspectors.len(), "members are distinct");
        let members: Vec<&Inspector> = t.inspectors.iter().map(|id| r.get(id).unwrap()).collect();
        for m in &members {
            assert!(
                depts.contains(&m.department.as_str()),
                "{} not in task",
                m.id
            );
            assert!(m.certificate_valid_on(day()), "{} certificate", m.id);
            assert!(!c.is_conflicted(&m.id, &e.uscc), "{} conflicted", m.id);
            if rules.jurisdiction == JurisdictionPolicy::CrossJurisdiction {
                assert!(
                    !m.jurisdiction_covers(e.region()),
                    "{} same jurisdiction",
                    m.id
                );
            }
            if rules.rotation == RotationPolicy::AvoidPreviousTeam {
                assert!(
                    !h.unwrap().previous_team(&e.uscc).contains(&m.id),
                    "{} rotation",
                    m.id
                );
            }
            *load.entry(m.id.as_str()).or_default() += 1;
        }
        for d in &depts {
            assert!(members.iter().any(|m| m.department == *d), "department {d}");
        }
        for tag in &rules.required_expertise {
            assert!(
                members.iter().any(|m| m.has_expertise(tag)),
                "expertise {tag}"
            );
        }
    }
    if let Some(cap) = rules.workload_cap {
        assert!(load.values().all(|&l| l <= cap), "cap {cap}: {load:?}");
    }
}

fn no_team(err: AssignError) -> (Uscc, SlotKind, Binding) {
    match err {
        AssignError::NoTeam { uscc, slot, reason } => (uscc, slot, reason),
        other => panic!("expected NoTeam, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Rule checks

#[test]
fn rules_errors_come_before_any_draw() {
    let r = reg(dept(4, "A", "a"));
    let c = ConflictRegister::default();
    let d = [ent(1, "140522")];
    let rules_err = |rules: &TeamRules| match assign(0, &d, &r, &c, rules, None) {
        Err(AssignError::Rules(e)) => e,
        other => panic!("expected a rules error, got {other:?}"),
    };
    assert_eq!(
        rules_err(&TeamRules::new(1, "A")),
        RulesError::TeamSizeBelowTwo { team_size: 1 }
    );
    let mut t = TeamRules::new(2, "A");
    t.participating_departments = vec!["".into()];
    assert_eq!(rules_err(&t), RulesError::EmptyDepartment { position: 1 });
    let mut t = TeamRules::new(2, "A");
    t.required_expertise = vec!["".into()];
    assert_eq!(rules_err(&t), RulesError::EmptyExpertise);
    let mut t = TeamRules::new(3, "A");
    t.participating_departments = vec!["B".into(), "A".into()];
    assert_eq!(
        rules_err(&t),
        RulesError::RepeatedDepartment {
            department: "A".into()
        }
    );
    let mut t = TeamRules::new(2, "A");
    t.participating_departments = vec!["B".into(), "C".into()];
    assert_eq!(
        rules_err(&t),
        RulesError::TooSmallForDepartments {
            team_size: 2,
            departments: 3
        }
    );
    let mut t = TeamRules::new(2, "A");
    t.required_expertise = vec!["x".into(), "y".into(), "x".into()];
    assert_eq!(
        rules_err(&t),
        RulesError::TooSmallForExpertise {
            team_size: 2,
            departments: 1,
            tags: 2
        }
    );
    let mut t = TeamRules::new(2, "A");
    t.workload_cap = Some(0);
    assert_eq!(rules_err(&t), RulesError::ZeroWorkloadCap);
    let mut t = TeamRules::new(2, "A");
    t.rotation = RotationPolicy::AvoidPreviousTeam;
    assert_eq!(rules_err(&t), RulesError::HistoryMissing);
    let mut t = TeamRules::new(2, "A");
    t.participating_departments = vec!["河道股".into()];
    let e = rules_err(&t);
    assert_eq!(
        e,
        RulesError::DepartmentNotInRegister {
            department: "河道股".into()
        }
    );
    assert!(e.to_string().contains("add its inspectors"), "{e}");
    let mut t = TeamRules::new(2, "A");
    t.required_expertise = vec!["x".into()];
    assert_eq!(
        rules_err(&t),
        RulesError::NoHolderOfExpertise { tag: "x".into() }
    );
    assert_eq!(
        rules_err(&TeamRules::new(5, "A")),
        RulesError::TeamLargerThanDepartments {
            team_size: 5,
            inspectors: 4
        }
    );
    let mut t = TeamRules::new(3, "A");
    t.workload_cap = Some(1);
    let two = [ent(1, "140522"), ent(2, "140522")];
    assert_eq!(
        assign(0, &two, &r, &c, &t, None),
        Err(AssignError::Rules(RulesError::CapacityTooLow {
            places: 6,
            capacity: 4,
            inspectors: 4
        }))
    );
}

#[test]
fn drawn_list_errors() {
    let r = reg(dept(4, "A", "a"));
    let c = ConflictRegister::default();
    let d = [ent(1, "140522"), ent(2, "140522"), ent(1, "140522")];
    assert_eq!(
        assign(0, &d, &r, &c, &TeamRules::new(2, "A"), None),
        Err(AssignError::DuplicateEntity { uscc: code(1) })
    );
    let d = [ent(1, "140522"), ent(2, "")];
    let mut t = TeamRules::new(2, "A");
    t.jurisdiction = JurisdictionPolicy::CrossJurisdiction;
    assert_eq!(
        assign(0, &d, &r, &c, &t, None),
        Err(AssignError::RegionUnknown { uscc: code(2) })
    );
    // Without cross-jurisdiction an unrecorded region is fine.
    assert!(assign(0, &d, &r, &c, &TeamRules::new(2, "A"), None).is_ok());
    // Nothing drawn: no teams.
    assert_eq!(
        assign(0, &[], &r, &c, &TeamRules::new(2, "A"), None),
        Ok(vec![])
    );
}

// ---------------------------------------------------------------------------
// Each rule enforced

#[test]
fn conflicted_expired_and_outside_inspectors_are_never_assigned() {
    let mut v = dept(5, "A", "a");
    v[1].cert_valid_to = Some(Date::from_calendar_date(2025, Month::March, 9).unwrap());
    v[2].cert_valid_from = Some(Date::from_calendar_date(2025, Month::March, 11).unwrap());
    v.push(insp("z00", "B"));
    let r = reg(v);
    let c = conflicts(&[("a00", 1), ("a03", 2)]);
    let d = [ent(1, "140522"), ent(2, "140522")];
    let rules = TeamRules::new(2, "A");
    for s in 0..200 {
        let teams = assign(s, &d, &r, &c, &rules, None).unwrap();
        check_teams(&teams, &d, &r, &c, &rules, None);
        for t in &teams {
            assert!(
                !t.inspectors
                    .iter()
                    .any(|i| i == "a01" || i == "a02" || i == "z00")
            );
        }
    }
}

#[test]
fn joint_task_has_every_department_and_expertise() {
    let mut v = dept(4, "水政监察大队", "w");
    v.extend(dept(3, "河道股", "h"));
    v.push(with_tags(insp("h09", "河道股"), &["水土保持"]));
    v.push(with_tags(
        insp("w09", "水政监察大队"),
        &["取水许可", "水土保持"],
    ));
    let r = reg(v);
    let mut rules = TeamRules::new(4, "水政监察大队");
    rules.participating_departments = vec!["河道股".into()];
    rules.required_expertise = vec!["水土保持".into(), "取水许可".into()];
    let d: Vec<Entity> = (0..6).map(|n| ent(n, "140522")).collect();
    let c = ConflictRegister::default();
    for s in 0..100 {
        let teams = assign(s, &d, &r, &c, &rules, None).unwrap();
        check_teams(&teams, &d, &r, &c, &rules, None);
        for t in &teams {
            // Pick order: the department places come first.
            assert!(t.inspectors[0].starts_with('w'));
            assert!(t.inspectors[1].starts_with('h'));
        }
    }
}

#[test]
fn workload_cap_is_respected() {
    let r = reg(dept(6, "A", "a"));
    let mut rules = TeamRules::new(2, "A");
    rules.workload_cap = Some(2);
    let d: Vec<Entity> = (0..6).map(|n| ent(n, "140522")).collect();
    let c = ConflictRegister::default();
    for s in 0..100 {
        let teams = assign(s, &d, &r, &c, &rules, None).unwrap();
        check_teams(&teams, &d, &r, &c, &rules, None);
    }
}

#[test]
fn cross_jurisdiction_excludes_covering_officers() {
    let r = reg(vec![
        with_region(insp("s1", "A"), "140522"),
        with_region(insp("s2", "A"), "1405"),
        with_region(insp("s3", "A"), "140523"),
        with_region(insp("s4", "A"), ""),
        with_region(insp("s5", "A"), "14"),
    ]);
    let d = [ent(1, "140522"), ent(2, "140523")];
    let c = ConflictRegister::default();
    let mut rules = TeamRules::new(2, "A");
    rules.jurisdiction = JurisdictionPolicy::CrossJurisdiction;
    for s in 0..50 {
        let teams = assign(s, &d, &r, &c, &rules, None).unwrap();
        check_teams(&teams, &d, &r, &c, &rules, None);
        let mut t0 = teams[0].inspectors.clone();
        t0.sort();
        assert_eq!(t0, ["s3", "s4"]);
        let mut t1 = teams[1].inspectors.clone();
        t1.sort();
        assert_eq!(t1, ["s1", "s4"]);
    }
    // With any jurisdiction, s1 may check its own region.
    let any = TeamRules::new(2, "A");
    assert!((0..50).any(|s| {
        assign(s, &d, &r, &c, &any, None).unwrap()[0]
            .inspectors
            .contains(&"s1".to_owned())
    }));
}

#[test]
fn rotation_avoids_the_previous_team_only_when_asked() {
    let r = reg(dept(4, "A", "a"));
    let d = [ent(1, "140522")];
    let c = ConflictRegister::default();
    let mut h = History::new();
    h.insert(
        code(1),
        ["a00".to_owned(), "a01".to_owned(), "gone".to_owned()],
    );
    let mut rules = TeamRules::new(2, "A");
    rules.rotation = RotationPolicy::AvoidPreviousTeam;
    for s in 0..50 {
        let teams = assign(s, &d, &r, &c, &rules, Some(&h)).unwrap();
        check_teams(&teams, &d, &r, &c, &rules, Some(&h));
    }
    // A first draw: an empty history.
    assert!(assign(0, &d, &r, &c, &rules, Some(&History::new())).is_ok());
    // Off: the history is ignored.
    let off = TeamRules::new(2, "A");
    assert!((0..50).any(|s| {
        assign(s, &d, &r, &c, &off, Some(&h)).unwrap()[0]
            .inspectors
            .contains(&"a00".to_owned())
    }));
}

#[test]
fn most_constrained_entity_is_served_first() {
    // Cap 1 and four officers: the second entity can only take a00 and a01.
    // Served in draw order it would often lose one of them to the first.
    let r = reg(dept(4, "A", "a"));
    let c = conflicts(&[("a02", 2), ("a03", 2)]);
    let d = [ent(1, "140522"), ent(2, "140522")];
    let mut rules = TeamRules::new(2, "A");
    rules.workload_cap = Some(1);
    for s in 0..100 {
        let teams = assign(s, &d, &r, &c, &rules, None).unwrap();
        check_teams(&teams, &d, &r, &c, &rules, None);
        let mut t1 = teams[1].inspectors.clone();
        t1.sort();
        assert_eq!(t1, ["a00", "a01"]);
    }
}

#[test]
fn same_inputs_same_teams_other_seed_other_teams() {
    let r = reg(dept(8, "A", "a"));
    let d: Vec<Entity> = (0..10).map(|n| ent(n, "140522")).collect();
    let c = ConflictRegister::default();
    let rules = TeamRules::new(3, "A");
    let a = assign(7, &d, &r, &c, &rules, None).unwrap();
    assert_eq!(a, assign(7, &d, &r, &c, &rules, None).unwrap());
    assert_ne!(a, assign(8, &d, &r, &c, &rules, None).unwrap());
}

#[test]
fn a_single_candidate_still_consumes_one_word() {
    // The spec relies on uniform(1) consuming exactly one word, so the stream
    // position never depends on how many candidates tie.
    let mut a = crate::sampling::keystream(&seed(1), ASSIGNMENT_STREAM);
    let before = a.get_word_pos();
    assert_eq!(uniform_below(&mut a, std::num::NonZeroU64::MIN), 0);
    assert_eq!(a.get_word_pos(), before + 2);
}

// ---------------------------------------------------------------------------
// Each error kind, with the right entity and rule

#[test]
fn all_conflicted_names_the_entity() {
    let mut v = dept(3, "A", "a");
    v[2].cert_valid_to = Some(Date::from_calendar_date(2024, Month::January, 1).unwrap());
    v.push(insp("a03", "A"));
    let r = reg(v);
    let c = conflicts(&[("a00", 2), ("a01", 2)]);
    let d = [ent(1, "140522"), ent(2, "140522")];
    let err = assign(0, &d, &r, &c, &TeamRules::new(2, "A"), None).unwrap_err();
    let msg = err.to_string();
    let (uscc, slot, reason) = no_team(err);
    assert_eq!(uscc, code(2));
    assert_eq!(slot, SlotKind::Any);
    assert_eq!(reason, Binding::AllConflicted { conflicted: 2 });
    assert!(
        msg.contains("never used") && msg.contains(code(2).as_str()),
        "{msg}"
    );
}

#[test]
fn department_with_nobody_eligible_gives_a_breakdown() {
    let mut v = dept(3, "A", "a");
    let mut h = vec![
        insp("h0", "河道股"),
        with_region(insp("h1", "河道股"), "1405"),
    ];
    h[0].cert_valid_to = Some(Date::from_calendar_date(2024, Month::January, 1).unwrap());
    v.extend(h);
    let r = reg(v);
    let mut rules = TeamRules::new(2, "A");
    rules.participating_departments = vec!["河道股".into()];
    rules.jurisdiction = JurisdictionPolicy::CrossJurisdiction;
    let d = [ent(1, "140522")];
    let err = assign(0, &d, &r, &ConflictRegister::default(), &rules, None).unwrap_err();
    let msg = err.to_string();
    let (uscc, slot, reason) = no_team(err);
    assert_eq!(uscc, code(1));
    assert_eq!(
        slot,
        SlotKind::Department {
            department: "河道股".into()
        }
    );
    assert_eq!(
        reason,
        Binding::DepartmentHasNobodyEligible {
            department: "河道股".into(),
            breakdown: Breakdown {
                total: 2,
                expired: 1,
                same_jurisdiction: 1,
                ..Breakdown::default()
            }
        }
    );
    assert!(
        msg.contains("add inspectors to 河道股 or draw across units"),
        "{msg}"
    );
}

#[test]
fn capacity_exhausted() {
    // Entity 2 can only use a00, a01 (the others conflicted); entity 1 can only
    // use a00, a01 too; with cap 1 the second served fails on the cap.
    let r = reg(dept(4, "A", "a"));
    let c = conflicts(&[("a02", 1), ("a03", 1), ("a02", 2), ("a03", 2)]);
    let d = [ent(1, "140522"), ent(2, "140522")];
    let mut rules = TeamRules::new(2, "A");
    rules.workload_cap = Some(1);
    let err = assign(0, &d, &r, &c, &rules, None).unwrap_err();
    let (uscc, slot, reason) = no_team(err);
    assert_eq!(
        uscc,
        code(2),
        "equal counts: draw order, so entity 2 is served second"
    );
    assert_eq!(
        slot,
        SlotKind::Department {
            department: "A".into()
        }
    );
    // a02/a03 fail the conflict rule, a00/a01 only the cap: the cap binds, but
    // the conflicted ones are under the cap, so the conflict is reported first.
    assert_eq!(reason, Binding::AllConflicted { conflicted: 2 });

    // Without conflicts, the cap alone binds.
    let r = reg(dept(2, "A", "a"));
    let d = [ent(1, "140522"), ent(2, "140522")];
    let mut rules = TeamRules::new(2, "A");
    rules.workload_cap = Some(1);
    // Capacity 2 < 4 places is refused up front...
    assert!(matches!(
        assign(0, &d, &r, &ConflictRegister::default(), &rules, None),
        Err(AssignError::Rules(RulesError::CapacityTooLow { .. }))
    ));
    // ...so build a case where total capacity suffices but the cap still binds.
    let r = reg(vec![
        insp("a0", "A"),
        insp("a1", "A"),
        with_region(insp("b0", "A"), "140522"),
        with_region(insp("b1", "A"), "140522"),
    ]);
    rules.jurisdiction = JurisdictionPolicy::CrossJurisdiction;
    let d = [ent(1, "140522"), ent(2, "140522")];
    let err = assign(0, &d, &r, &ConflictRegister::default(), &rules, None).unwrap_err();
    assert!(err.to_string().contains("raise the workload cap"), "{err}");
    let (uscc, _, reason) = no_team(err);
    assert_eq!(uscc, code(2));
    assert_eq!(reason, Binding::CapacityExhausted { cap: 1, at_cap: 2 });
}

#[test]
fn nobody_with_expertise() {
    let mut v = dept(3, "A", "a");
    v.push(with_tags(insp("x0", "A"), &["水土保持"]));
    let r = reg(v);
    let c = conflicts(&[("x0", 1)]);
    let mut rules = TeamRules::new(2, "A");
    rules.required_expertise = vec!["水土保持".into()];
    let d = [ent(1, "140522")];
    let err = assign(0, &d, &r, &c, &rules, None).unwrap_err();
    let (uscc, slot, reason) = no_team(err);
    assert_eq!(uscc, code(1));
    assert_eq!(
        slot,
        SlotKind::Expertise {
            tag: "水土保持".into()
        }
    );
    // x0 passes every other rule: the conflict binds.
    assert_eq!(reason, Binding::AllConflicted { conflicted: 1 });

    let mut v = dept(3, "A", "a");
    let mut x = with_tags(insp("x0", "A"), &["水土保持"]);
    x.cert_valid_to = Some(Date::from_calendar_date(2024, Month::January, 1).unwrap());
    v.push(x);
    let r = reg(v);
    let err = assign(0, &d, &r, &ConflictRegister::default(), &rules, None).unwrap_err();
    assert!(
        err.to_string().contains("qualify or add inspectors"),
        "{err}"
    );
    let (_, _, reason) = no_team(err);
    assert_eq!(
        reason,
        Binding::NobodyWithExpertise {
            tag: "水土保持".into(),
            breakdown: Breakdown {
                total: 1,
                expired: 1,
                ..Breakdown::default()
            }
        }
    );
}

#[test]
fn too_few_eligible() {
    let r = reg(vec![
        insp("a0", "A"),
        with_region(insp("a1", "A"), "140522"),
        with_region(insp("a2", "A"), "14"),
    ]);
    let mut rules = TeamRules::new(2, "A");
    rules.jurisdiction = JurisdictionPolicy::CrossJurisdiction;
    let d = [ent(1, "140581"), ent(2, "140522")];
    let err = assign(0, &d, &r, &ConflictRegister::default(), &rules, None).unwrap_err();
    assert!(err.to_string().contains("lower the team size"), "{err}");
    let (uscc, slot, reason) = no_team(err);
    assert_eq!(uscc, code(2));
    assert_eq!(slot, SlotKind::Any);
    assert_eq!(
        reason,
        Binding::TooFewEligible {
            needed: 2,
            available: 1,
            breakdown: Breakdown {
                total: 3,
                on_team: 1,
                same_jurisdiction: 2,
                ..Breakdown::default()
            }
        }
    );
}

// ---------------------------------------------------------------------------
// Balance and uniformity, over fixed seeds (cannot flake)

#[test]
fn loads_differ_by_at_most_one() {
    let r = reg(dept(7, "A", "a"));
    let c = ConflictRegister::default();
    let rules = TeamRules::new(3, "A");
    for s in 0..20 {
        for n in [1u32, 5, 7, 50, 101] {
            let d: Vec<Entity> = (0..n).map(|k| ent(k, "140522")).collect();
            let teams = assign(s, &d, &r, &c, &rules, None).unwrap();
            let mut load: BTreeMap<&str, u32> = BTreeMap::new();
            for i in r.inspectors() {
                load.insert(&i.id, 0);
            }
            for t in &teams {
                for i in &t.inspectors {
                    *load.get_mut(i.as_str()).unwrap() += 1;
                }
            }
            let max = load.values().max().unwrap();
            let min = load.values().min().unwrap();
            assert!(max - min <= 1, "seed {s}, {n} entities: {load:?}");
        }
    }
}

#[test]
fn each_inspector_and_pair_equally_likely() {
    // 6 interchangeable officers, one entity, team of 2, 3000 fixed seeds.
    let r = reg(dept(6, "A", "a"));
    let c = ConflictRegister::default();
    let rules = TeamRules::new(2, "A");
    let d = [ent(1, "140522")];
    let mut single: HashMap<String, u32> = HashMap::new();
    let mut pairs: HashMap<(String, String), u32> = HashMap::new();
    let mut first: HashMap<String, u32> = HashMap::new();
    let runs = 3000u32;
    for s in 0..u64::from(runs) {
        let t = &assign(s, &d, &r, &c, &rules, None).unwrap()[0];
        for i in &t.inspectors {
            *single.entry(i.clone()).or_default() += 1;
        }
        *first.entry(t.inspectors[0].clone()).or_default() += 1;
        let mut p = t.inspectors.clone();
        p.sort();
        *pairs.entry((p[0].clone(), p[1].clone())).or_default() += 1;
    }
    let chi2 = |counts: &[u32], expected: f64| -> f64 {
        counts
            .iter()
            .map(|&o| (f64::from(o) - expected).powi(2) / expected)
            .sum()
    };
    assert_eq!(single.len(), 6);
    assert_eq!(pairs.len(), 15);
    let s: Vec<u32> = single.values().copied().collect();
    let f: Vec<u32> = first.values().copied().collect();
    let p: Vec<u32> = pairs.values().copied().collect();
    // Critical values at significance 1e-6: df 5: 35.9, df 14: 53.4.
    let (cs, cf, cp) = (
        chi2(&s, f64::from(2 * runs) / 6.0),
        chi2(&f, f64::from(runs) / 6.0),
        chi2(&p, f64::from(runs) / 15.0),
    );
    assert!(cs < 35.9, "members: chi2 {cs}, {single:?}");
    assert!(cf < 35.9, "first pick: chi2 {cf}, {first:?}");
    assert!(cp < 53.4, "pairs: chi2 {cp}, {pairs:?}");
}

// ---------------------------------------------------------------------------
// Property test over small random inputs

const REGIONS: [&str; 5] = ["", "14", "1405", "140522", "140523"];
const ENTITY_REGIONS: [&str; 3] = ["140522", "140523", "140581"];
const TAGS: [&str; 2] = ["x", "y"];

#[derive(Debug, Clone)]
struct Scenario {
    inspectors: Vec<Inspector>,
    drawn: Vec<Entity>,
    conflicts: ConflictRegister,
    rules: TeamRules,
    history: History,
    seed: u64,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    // Weighted so that about a quarter of the cases succeed and every error
    // kind occurs (measured over 2000 cases: 484 ok, 659 no-team across all
    // five bindings, the rest rules errors): department D0 and valid
    // certificates are the most common, joint tasks and tags rarer.
    let inspector = (0usize..5, 0usize..5, 0u8..4, 0u8..8);
    (
        prop::collection::vec(inspector, 1..14),
        prop::collection::vec(0usize..3, 1..7),
        prop::collection::vec((0usize..14, 0usize..7), 0..6),
        (
            2u32..4,
            0u8..8,
            0u8..8,
            0u32..6,
            any::<bool>(),
            any::<bool>(),
        ),
        prop::collection::vec((0usize..7, 0usize..14), 0..6),
        any::<u64>(),
    )
        .prop_map(
            |(ins, ents, confl, (size, parts, tags, cap, cross, rot), hist, seed)| {
                let before = Date::from_calendar_date(2024, Month::January, 1).unwrap();
                let after = Date::from_calendar_date(2026, Month::January, 1).unwrap();
                let inspectors: Vec<Inspector> = ins
                    .iter()
                    .enumerate()
                    .map(|(k, &(d, region, tagbits, cert))| {
                        let mut i = insp(&format!("i{k}"), ["D0", "D0", "D1", "D2", "D0"][d]);
                        i.region = REGIONS[region].into();
                        i.expertise = TAGS
                            .iter()
                            .enumerate()
                            .filter(|(b, _)| tagbits & (1 << b) != 0)
                            .map(|(_, t)| (*t).to_owned())
                            .collect();
                        match cert {
                            1 => i.cert_valid_to = Some(before),
                            2 => i.cert_valid_from = Some(after),
                            3 => {
                                i.cert_valid_from = Some(before);
                                i.cert_valid_to = Some(after);
                            }
                            _ => {}
                        }
                        i
                    })
                    .collect();
                let drawn: Vec<Entity> = ents
                    .iter()
                    .enumerate()
                    .map(|(k, &r)| ent(k as u32, ENTITY_REGIONS[r]))
                    .collect();
                let conflicts = ConflictRegister::new(
                    confl
                        .iter()
                        .map(|&(i, e)| Conflict {
                            inspector_id: format!("i{i}"),
                            uscc: code(e as u32),
                            reason: String::new(),
                        })
                        .collect(),
                );
                let mut rules = TeamRules::new(size, "D0");
                rules.participating_departments = ["D1", "D2"]
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| parts < 4 && parts & (1 << b) != 0)
                    .map(|(_, d)| (*d).to_owned())
                    .collect();
                rules.required_expertise = TAGS
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| tags < 4 && tags & (1 << b) != 0)
                    .map(|(_, t)| (*t).to_owned())
                    .collect();
                rules.workload_cap = (cap > 0).then_some(cap + 1);
                if cross {
                    rules.jurisdiction = JurisdictionPolicy::CrossJurisdiction;
                }
                if rot {
                    rules.rotation = RotationPolicy::AvoidPreviousTeam;
                }
                let mut history = History::new();
                for &(e, i) in &hist {
                    history.insert(code(e as u32), [format!("i{i}")]);
                }
                Scenario {
                    inspectors,
                    drawn,
                    conflicts,
                    rules,
                    history,
                    seed,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn assignments_respect_every_rule(sc in scenario()) {
        let r = reg(sc.inspectors.clone());
        let h = Some(&sc.history);
        let run = || assign(sc.seed, &sc.drawn, &r, &sc.conflicts, &sc.rules, h);
        let got = run();
        prop_assert_eq!(&got, &run());
        // The serving-order count (by jurisdiction counts and exclusion
        // lists) equals a plain scan of the task's inspectors.
        if let Ok(plan) = Plan::new(&r, &sc.rules, day(), true, sc.drawn.len()) {
            let position: HashMap<Uscc, usize> =
                sc.drawn.iter().enumerate().map(|(p, e)| (e.uscc, p)).collect();
            let excl = exclusions(&sc.drawn, &position, &r, &sc.conflicts, &sc.rules, h);
            let depts: Vec<&str> = sc.rules.departments().collect();
            for (e, ex) in sc.drawn.iter().zip(&excl) {
                let naive = r.inspectors().iter().filter(|i| {
                    depts.contains(&i.department.as_str())
                        && i.certificate_valid_on(day())
                        && !sc.conflicts.is_conflicted(&i.id, &e.uscc)
                        && !(sc.rules.jurisdiction == JurisdictionPolicy::CrossJurisdiction
                            && i.jurisdiction_covers(e.region()))
                        && !(sc.rules.rotation == RotationPolicy::AvoidPreviousTeam
                            && sc.history.previous_team(&e.uscc).contains(&i.id))
                }).count();
                prop_assert_eq!(plan.eligible_count(ex), naive);
            }
        }
        match got {
            Ok(teams) => check_teams(&teams, &sc.drawn, &r, &sc.conflicts, &sc.rules, h),
            Err(AssignError::NoTeam { uscc, .. })
            | Err(AssignError::DuplicateEntity { uscc })
            | Err(AssignError::RegionUnknown { uscc }) => {
                prop_assert!(sc.drawn.iter().any(|e| e.uscc == uscc));
            }
            Err(AssignError::Rules(_)) => {}
        }
    }
}
