use super::*;
use crate::registers::uscc::uscc_check_character;
use time::Month;

/// A valid USCC whose organisation code ends in the number `n`.
pub(crate) fn code(n: u32) -> String {
    let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
    format!(
        "{}{}",
        std::str::from_utf8(&first).unwrap(),
        uscc_check_character(&first).unwrap()
    )
}

fn erow(row: usize, uscc: &str, class: &str) -> EntityRow {
    EntityRow {
        row,
        uscc: uscc.into(),
        name: format!("企业{row}"),
        credit_class: class.into(),
        region: "140522".into(),
        industry: "取水".into(),
        ..Default::default()
    }
}

fn irow(row: usize, id: &str, dept: &str) -> InspectorRow {
    InspectorRow {
        row,
        id: id.into(),
        name: format!("检查员{row}"),
        department: dept.into(),
        region: "1405".into(),
        expertise: "水资源; 河道".into(),
        cert_valid_from: "2022-01-01".into(),
        cert_valid_to: "2026-12-31".into(),
    }
}

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap()
}

fn rules(p: &[Problem]) -> Vec<(usize, &'static str, Rule)> {
    p.iter().map(|p| (p.row, p.field, p.rule.clone())).collect()
}

#[test]
fn clean_register_is_canonically_ordered() {
    let rows = vec![
        erow(2, &code(5), "D"),
        erow(3, &code(3), "A"),
        erow(4, &code(1), "低风险"),
        erow(5, &code(2), "C类"),
    ];
    let v = EntityRegister::from_rows(rows, &ValidationOptions::default());
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    let reg = v.register;
    assert_eq!(reg.class_sizes(), [2, 0, 1, 1]);
    let a: Vec<_> = reg
        .class(CreditClass::A)
        .iter()
        .map(|e| e.uscc.to_string())
        .collect();
    assert_eq!(a, vec![code(1), code(3)]);
    let u: Uscc = code(3).parse().unwrap();
    assert_eq!(
        reg.position(&u),
        Some(EntityPosition {
            index: 1,
            class: CreditClass::A,
            rank: 1
        })
    );
    let d: Uscc = code(5).parse().unwrap();
    assert_eq!(reg.position(&d).map(|p| (p.index, p.rank)), Some((3, 0)));
}

#[test]
fn every_entity_problem_is_reported_at_once() {
    let mut bad_check = code(7);
    bad_check.pop();
    bad_check.push(if code(7).ends_with('0') { '1' } else { '0' });
    let rows = vec![
        erow(2, &code(1), "A"),
        erow(3, &bad_check, "B"),
        erow(4, &code(1), "C"),
        erow(5, &code(2), "E"),
        EntityRow {
            name: String::new(),
            ..erow(6, &code(3), "A")
        },
        erow(7, "", "A"),
        EntityRow {
            credit_class: String::new(),
            ..erow(8, &code(4), "")
        },
        EntityRow {
            region: "14052".into(),
            ..erow(9, &code(6), "B")
        },
        erow(10, &code(8), "未分类"),
        EntityRow {
            status: "closed".into(),
            ..erow(11, &code(9), "A")
        },
    ];
    let v = EntityRegister::from_rows(rows, &ValidationOptions::default());
    let got = rules(&v.problems);
    assert_eq!(got.len(), 9, "{got:?}");
    assert!(matches!(
        got[0],
        (
            3,
            "uscc",
            Rule::InvalidUscc {
                error: UsccError::CheckCharacter { .. }
            }
        )
    ));
    assert_eq!(got[1], (4, "uscc", Rule::DuplicateId { first_row: 2 }));
    assert_eq!(got[2], (5, "credit_class", Rule::UnknownCreditClass));
    assert_eq!(got[3], (6, "name", Rule::MissingField));
    assert_eq!(got[4], (7, "uscc", Rule::MissingField));
    assert_eq!(got[5], (8, "credit_class", Rule::Unclassified));
    assert_eq!(got[6], (9, "region", Rule::InvalidRegion));
    assert_eq!(got[7], (10, "credit_class", Rule::Unclassified));
    assert_eq!(got[8], (11, "status", Rule::UnknownStatus));
    assert_eq!(v.problems[8].value, "closed");
    let text = v.problems[7].to_string();
    assert!(
        text.contains("row 10, field credit_class") && text.contains("no credit-risk class"),
        "{text}"
    );
    let json = serde_json::to_value(&v.problems[8]).unwrap();
    assert_eq!(json["rule"], "unknown-status");
    assert_eq!(json["field"], "status");
    assert_eq!(v.problems[0].value, bad_check);
    assert!(!v.is_clean());
    assert_eq!(v.register.len(), 1);
    let text = v.problems[1].to_string();
    assert!(
        text.contains("entities row 4, field uscc") && text.contains("row 2"),
        "{text}"
    );
}

#[test]
fn lenient_policy_keeps_pilot_codes_with_a_warning() {
    let rows = vec![erow(2, "91350203M0001QAY9B", "B")];
    let strict = EntityRegister::from_rows(rows.clone(), &ValidationOptions::default());
    assert!(!strict.is_clean());
    assert_eq!(strict.register.len(), 0);
    let opts = ValidationOptions {
        uscc_policy: UsccPolicy::LenientCheckCharacter,
        on: None,
    };
    let lenient = EntityRegister::from_rows(rows, &opts);
    assert!(lenient.is_clean());
    assert_eq!(lenient.register.len(), 1);
    assert_eq!(lenient.problems.len(), 1);
    assert_eq!(lenient.problems[0].severity, Severity::Warning);
    assert!(matches!(
        lenient.problems[0].rule,
        Rule::CheckCharacterAccepted { .. }
    ));
}

#[test]
fn typed_constructor_refuses_duplicates_across_classes() {
    let u: Uscc = code(1).parse().unwrap();
    let e = |c| Entity::new(u, "x", c, "", "");
    assert_eq!(
        EntityRegister::new(vec![e(CreditClass::A), e(CreditClass::D)]).unwrap_err(),
        DuplicateEntity { uscc: u }
    );
}

#[test]
fn inspector_rules() {
    let on = date(2024, Month::June, 1);
    let rows = vec![
        irow(2, "ZF001", "管理股"),
        irow(3, "ZF001", "水资源股"),
        irow(4, "ZF002", ""),
        InspectorRow {
            cert_valid_to: "2024-05-31".into(),
            ..irow(5, "ZF003", "管理股")
        },
        InspectorRow {
            cert_valid_from: "2024-06-02".into(),
            ..irow(6, "ZF004", "管理股")
        },
        InspectorRow {
            cert_valid_to: "2024-13-01".into(),
            ..irow(7, "ZF005", "管理股")
        },
        InspectorRow {
            cert_valid_from: "2025-01-01".into(),
            cert_valid_to: "2024-12-31".into(),
            ..irow(8, "ZF006", "管理股")
        },
        InspectorRow {
            id: " ".into(),
            ..irow(9, "", "管理股")
        },
        InspectorRow {
            region: "14x5".into(),
            ..irow(10, "ZF007", "管理股")
        },
    ];
    let v = InspectorRegister::from_rows(
        rows,
        &ValidationOptions {
            on: Some(on),
            ..Default::default()
        },
    );
    let got = rules(&v.problems);
    assert_eq!(got[0], (3, "id", Rule::DuplicateId { first_row: 2 }));
    assert_eq!(got[1], (4, "department", Rule::MissingDepartment));
    assert_eq!(
        got[2],
        (
            5,
            "cert_valid_to",
            Rule::CertificateExpired {
                on,
                valid_to: date(2024, Month::May, 31)
            }
        )
    );
    assert_eq!(
        got[3],
        (
            6,
            "cert_valid_from",
            Rule::CertificateNotYetValid {
                on,
                valid_from: date(2024, Month::June, 2)
            }
        )
    );
    assert_eq!(got[4], (7, "cert_valid_to", Rule::InvalidDate));
    assert!(matches!(
        got[5],
        (8, "cert_valid_to", Rule::CertificateDatesReversed { .. })
    ));
    // Row 8 is also not yet valid on the date.
    assert!(matches!(
        got[6],
        (8, "cert_valid_from", Rule::CertificateNotYetValid { .. })
    ));
    assert_eq!(got[7], (9, "id", Rule::MissingField));
    assert_eq!(got[8], (10, "region", Rule::InvalidRegion));
    assert_eq!(got.len(), 9, "{got:?}");
    // Expired and not-yet-valid officers stay in the register; the rest are left out.
    let ids: Vec<_> = v
        .register
        .inspectors()
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["ZF001", "ZF003", "ZF004"]);
    let i = v.register.get("ZF001").unwrap();
    assert_eq!(i.expertise, ["水资源", "河道"]);
    assert!(i.has_expertise("河道") && !i.has_expertise("水"));
    assert!(i.certificate_valid_on(on));
    assert!(!v.register.get("ZF003").unwrap().certificate_valid_on(on));
    assert!(i.jurisdiction_covers("140522") && !i.jurisdiction_covers("140100"));
    assert_eq!(
        v.register
            .department_counts()
            .into_iter()
            .collect::<Vec<_>>(),
        [("管理股", 3)]
    );
}

#[test]
fn certificates_are_not_checked_without_a_date() {
    let rows = vec![InspectorRow {
        cert_valid_from: "2000-01-01".into(),
        cert_valid_to: "2001-01-01".into(),
        ..irow(2, "ZF1", "管理股")
    }];
    let v = InspectorRegister::from_rows(rows, &ValidationOptions::default());
    assert!(v.problems.is_empty());
}

#[test]
fn conflict_rules() {
    let ents =
        EntityRegister::from_rows(vec![erow(2, &code(1), "A")], &ValidationOptions::default())
            .register;
    let insp = InspectorRegister::from_rows(
        vec![irow(2, "ZF001", "管理股")],
        &ValidationOptions::default(),
    )
    .register;
    let c = |row, id: &str, u: &str| ConflictRow {
        row,
        inspector_id: id.into(),
        uscc: u.into(),
        reason: "亲属".into(),
    };
    let rows = vec![
        c(2, "ZF001", &code(1)),
        c(3, "ZF999", &code(1)),
        c(4, "ZF001", &code(2)),
        c(5, "ZF001", &code(1)),
        c(6, "", "bad"),
    ];
    let v = ConflictRegister::from_rows(
        rows,
        Some(&ents),
        Some(&insp),
        &ValidationOptions::default(),
    );
    let got = rules(&v.problems);
    assert_eq!(got[0], (3, "inspector_id", Rule::UnknownInspector));
    assert_eq!(got[1], (4, "uscc", Rule::UnknownEntity));
    assert_eq!(got[2], (5, "uscc", Rule::DuplicateId { first_row: 2 }));
    assert_eq!(got[3], (6, "inspector_id", Rule::MissingField));
    assert!(matches!(got[4], (6, "uscc", Rule::InvalidUscc { .. })));
    assert_eq!(got.len(), 5);
    // Naming someone outside the registers is a warning, and the row is
    // kept (a county-wide table); the other problems are errors.
    let severities: Vec<Severity> = v.problems.iter().map(|p| p.severity).collect();
    assert_eq!(
        severities,
        [
            Severity::Warning,
            Severity::Warning,
            Severity::Error,
            Severity::Error,
            Severity::Error
        ]
    );
    assert_eq!(v.register.len(), 3);
    let u: Uscc = code(1).parse().unwrap();
    assert!(v.register.is_conflicted("ZF001", &u));
    assert!(v.register.is_conflicted("ZF999", &u));
    assert!(v.register.is_conflicted("ZF001", &code(2).parse().unwrap()));
    assert!(!v.register.is_conflicted("ZF002", &u));
    // Without registers, references are not checked.
    let v = ConflictRegister::from_rows(
        vec![c(2, "ZF999", &code(9))],
        None,
        None,
        &ValidationOptions::default(),
    );
    assert!(v.problems.is_empty());
}

#[test]
fn item_rules() {
    let ok = ItemRow {
        row: 2,
        id: "SW-001".into(),
        name: "取水许可监督检查".into(),
        category: "重点".into(),
        target_type: "取水单位".into(),
        basis: "《取水许可和水资源费征收管理条例》".into(),
        department: "水资源股".into(),
        content: "取水计量".into(),
        method: "实地核查、书面检查".into(),
        expertise: "水资源".into(),
    };
    let rows = vec![
        ok.clone(),
        ItemRow {
            row: 3,
            ..ok.clone()
        },
        ItemRow {
            row: 4,
            id: "SW-002".into(),
            category: "次要".into(),
            method: "飞行检查".into(),
            ..ok.clone()
        },
        ItemRow {
            row: 5,
            id: "SW-003".into(),
            department: String::new(),
            method: String::new(),
            ..ok.clone()
        },
    ];
    let v = CheckItemList::from_rows(rows);
    let got = rules(&v.problems);
    assert_eq!(
        got,
        vec![
            (3, "id", Rule::DuplicateId { first_row: 2 }),
            (4, "category", Rule::UnknownCategory),
            (4, "method", Rule::UnknownMethod),
            (5, "department", Rule::MissingField),
            (5, "method", Rule::MissingField),
        ]
    );
    let item = v.register.get("SW-001").unwrap();
    assert_eq!(item.category, ItemCategory::Key);
    assert_eq!(
        item.methods,
        [InspectionMethod::OnSite, InspectionMethod::Written]
    );
    assert_eq!(item.required_expertise, ["水资源"]);
    assert_eq!(v.register.len(), 1);
}

#[test]
fn quarterly_diff() {
    let old = EntityRegister::from_rows(
        vec![
            erow(2, &code(1), "A"),
            erow(3, &code(2), "B"),
            erow(4, &code(3), "C"),
        ],
        &ValidationOptions::default(),
    )
    .register;
    let new = EntityRegister::from_rows(
        vec![
            erow(2, &code(1), "A"),
            erow(3, &code(2), "D"),
            EntityRow {
                name: "新名称".into(),
                ..erow(4, &code(3), "C")
            },
            erow(5, &code(4), "A"),
        ],
        &ValidationOptions::default(),
    )
    .register;
    let d = RegisterDiff::between(&old, &new);
    assert_eq!(
        d.added
            .iter()
            .map(|e| e.uscc.to_string())
            .collect::<Vec<_>>(),
        [code(4)]
    );
    assert!(d.removed.is_empty());
    assert_eq!(d.class_changed.len(), 1);
    assert_eq!(
        (d.class_changed[0].from, d.class_changed[0].to),
        (CreditClass::B, CreditClass::D)
    );
    assert_eq!(d.details_changed.len(), 1);
    assert_eq!(d.details_changed[0].new.name(), "新名称");
    let back = RegisterDiff::between(&new, &old);
    assert_eq!(back.removed.len(), 1);
    assert!(RegisterDiff::between(&old, &old).is_empty());
}

#[test]
fn split_list_normalises() {
    assert_eq!(split_list(" b;a；b、 c ,,"), ["a", "b", "c"]);
    assert!(split_list("").is_empty());
}

/// Many rows (the duplicate table grows several times): duplicates of kept
/// rows and of rows left out for other errors name the first row, across
/// classes; every kept entity is found by `get` and `position`.
#[test]
fn many_rows_duplicates_and_lookups() {
    let classes = ["A", "B", "C", "D"];
    let mut rows = Vec::new();
    for n in 0..5000u32 {
        let row = n as usize + 2;
        let class = if n % 97 == 0 {
            "Z"
        } else {
            classes[(n * 7 % 4) as usize]
        };
        rows.push(erow(row, &code(n * 31 % 5000), class));
    }
    // Repeats: of a kept row (class changed) and of a row refused for its class.
    rows.push(erow(6000, &code(31), "D"));
    rows.push(erow(6001, &code(0), "A"));
    let v = EntityRegister::from_rows(rows, &ValidationOptions::default());
    let dups: Vec<(usize, Rule)> = v
        .problems
        .iter()
        .filter(|p| matches!(p.rule, Rule::DuplicateId { .. }))
        .map(|p| (p.row, p.rule.clone()))
        .collect();
    assert_eq!(
        dups,
        [
            (6000, Rule::DuplicateId { first_row: 3 }),
            (6001, Rule::DuplicateId { first_row: 2 }),
        ]
    );
    let refused = (0..5000u32).filter(|n| n % 97 == 0).count();
    assert_eq!(v.register.len(), 5000 - refused);
    for (i, e) in v.register.entities().iter().enumerate() {
        assert_eq!(v.register.get(&e.uscc), Some(e));
        let p = v.register.position(&e.uscc).unwrap();
        assert_eq!(p.index, i as u64);
        assert_eq!(p.class, e.credit_class);
        assert_eq!(&v.register.class(p.class)[p.rank as usize], e);
    }
    let missing: Uscc = code(7777).parse().unwrap();
    assert!(v.register.get(&missing).is_none());
    assert!(v.register.position(&missing).is_none());
    // Every code below, between and above the register's: found exactly when kept.
    let kept: std::collections::HashSet<Uscc> =
        v.register.entities().iter().map(|e| e.uscc).collect();
    for n in 0..5200u32 {
        let u: Uscc = code(n).parse().unwrap();
        assert_eq!(
            v.register.get(&u).map(|e| e.uscc),
            kept.get(&u).copied(),
            "{n}"
        );
    }
}

/// Rows of every class with names short, long and longer than a block's
/// bytes, and many (region, industry) pairs, in the order given.
fn varied_rows(n: u32, order: impl Fn(u32) -> u32) -> Vec<EntityRow> {
    (0..n)
        .map(|k| {
            let i = order(k);
            EntityRow {
                row: k as usize + 2,
                uscc: code(i),
                name: if i == n / 2 {
                    "长".repeat(BLOCK_BYTES)
                } else {
                    format!("单位{}{i}", "x".repeat((i % 40) as usize))
                },
                credit_class: ["A", "B", "C", "D"][(i % 4) as usize].into(),
                region: if i.is_multiple_of(7) {
                    String::new()
                } else {
                    format!("1405{:02}", i % 50)
                },
                industry: format!("行业{}", i % 11),
                status: ["", "注销", "歇业", "在业", "列入经营异常名录"][(i % 5) as usize].into(),
                target_types: ["", "取水单位", "河道采砂场、取水单位", " 取水单位; "]
                    [(i % 4) as usize]
                    .into(),
            }
        })
        .collect()
}

#[test]
fn entities_read_in_blocks_equal_typed_ones() {
    let n = 3 * ENTITIES_PER_BLOCK as u32 + 17;
    let rows = varied_rows(n, |k| (k * 7919) % n);
    let v = EntityRegister::from_rows(rows.clone(), &ValidationOptions::default());
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    let typed: Vec<Entity> = rows
        .iter()
        .map(|r| {
            Entity::new(
                r.uscc.parse().unwrap(),
                r.name.as_str(),
                r.credit_class.parse().unwrap(),
                r.region.as_str(),
                r.industry.as_str(),
            )
            .with_status(if r.status.is_empty() {
                RegistrationStatus::Active
            } else {
                r.status.parse().unwrap()
            })
            .with_target_types(split_list(&r.target_types))
        })
        .collect();
    let expected = EntityRegister::new(typed).unwrap();
    assert_eq!(v.register.entities(), expected.entities());
    for r in &rows {
        let e = v.register.get(&r.uscc.parse().unwrap()).unwrap();
        assert_eq!(
            (e.name(), e.region(), e.industry()),
            (r.name.as_str(), r.region.as_str(), r.industry.as_str())
        );
    }
    assert_eq!(
        serde_json::to_string(v.register.entities()).unwrap(),
        serde_json::to_string(expected.entities()).unwrap()
    );
    // Equal entities hash alike, wherever their text is held.
    let set: std::collections::HashSet<&Entity> = v.register.entities().iter().collect();
    assert!(expected.entities().iter().all(|e| set.contains(e)));
    assert_eq!(
        crate::commitment::commit_entities(&v.register, FormatVersion::V2),
        crate::commitment::commit_entities(&expected, FormatVersion::V2)
    );
}

#[test]
fn entity_is_compact_and_serialises_its_fields() {
    if cfg!(target_pointer_width = "64") {
        assert!(std::mem::size_of::<Entity>() <= 40);
    }
    let e = Entity::new(code(1).parse().unwrap(), "甲", CreditClass::C, "350100", "");
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        format!(
            r#"{{"uscc":"{}","name":"甲","credit_class":"C","region":"350100","industry":"","status":"active","target_types":[]}}"#,
            code(1)
        )
    );
    assert_eq!(
        format!("{e:?}"),
        format!(
            r#"Entity {{ uscc: Uscc({}), name: "甲", credit_class: C, region: "350100", industry: "", status: Active, target_types: [] }}"#,
            code(1)
        )
    );
    let e = e
        .with_status(RegistrationStatus::Deregistered)
        .with_target_types([" 取水单位 ", "", "取水单位", "B"]);
    assert_eq!(e.status(), RegistrationStatus::Deregistered);
    assert_eq!(e.target_types(), ["B", "取水单位"]);
    assert_eq!(e.name(), "甲");
    assert_eq!(e.region(), "350100");
}

#[test]
fn commitment_made_while_reading_canonical_rows_is_the_commitment() {
    let n = 2 * ENTITIES_PER_BLOCK as u32 + 5;
    // Canonical order: by class, then by code (codes grow with i).
    let mut canonical: Vec<u32> = (0..n).collect();
    canonical.sort_by_key(|&i| (i % 4, i));
    let sorted = EntityRegister::from_rows(
        varied_rows(n, |k| canonical[k as usize]),
        &ValidationOptions::default(),
    );
    let cached = sorted
        .register
        .commitment_cache(FormatVersion::V2)
        .get()
        .cloned()
        .and_then(Result::ok);
    assert!(cached.is_some());
    // Unless turned off.
    let mut b =
        EntityRegisterBuilder::new(&ValidationOptions::default()).commit_while_reading(None);
    for r in &varied_rows(n, |k| canonical[k as usize]) {
        b.push(r.into());
    }
    assert!(
        b.finish()
            .register
            .commitment_cache(FormatVersion::V2)
            .get()
            .is_none()
    );
    let fresh = EntityRegister::new(sorted.register.entities().to_vec()).unwrap();
    assert!(fresh.commitment_cache(FormatVersion::V2).get().is_none());
    assert_eq!(
        cached,
        crate::commitment::commit_entities(&fresh, FormatVersion::V2).ok()
    );
    // The other version's root is not kept while reading: computed when asked.
    assert!(
        sorted
            .register
            .commitment_cache(FormatVersion::V1)
            .get()
            .is_none()
    );
    assert_ne!(
        crate::commitment::commit_entities(&sorted.register, FormatVersion::V1).ok(),
        cached
    );
    // Out of order: nothing is kept while reading; the first commit computes it.
    let shuffled = EntityRegister::from_rows(
        varied_rows(n, |k| (k * 7919) % n),
        &ValidationOptions::default(),
    );
    assert!(
        shuffled
            .register
            .commitment_cache(FormatVersion::V2)
            .get()
            .is_none()
    );
    assert_eq!(
        crate::commitment::commit_entities(&shuffled.register, FormatVersion::V2).ok(),
        cached
    );
    assert_eq!(
        shuffled
            .register
            .commitment_cache(FormatVersion::V2)
            .get()
            .cloned()
            .and_then(Result::ok),
        cached
    );
}

/// The entity rules as first written (a map of claimed codes), kept as the
/// oracle the builder's problems and entities must equal.
fn reference_entities(
    rows: &[EntityRow],
    options: &ValidationOptions,
) -> (Vec<Problem>, Vec<Entity>) {
    const K: RegisterKind = RegisterKind::Entities;
    let mut problems = Vec::new();
    let mut kept = Vec::new();
    let mut claimed: HashMap<Uscc, usize> = HashMap::new();
    for r in rows {
        let before = problems.len();
        let uscc = if r.uscc.trim().is_empty() {
            problems.push(Problem::new(K, r.row, "uscc", &r.uscc, Rule::MissingField));
            None
        } else {
            match Uscc::parse(&r.uscc, options.uscc_policy) {
                Ok(u) => Some(u),
                Err(error) => {
                    let rule = Rule::InvalidUscc { error };
                    problems.push(Problem::new(K, r.row, "uscc", &r.uscc, rule));
                    None
                }
            }
        };
        if r.name.trim().is_empty() {
            problems.push(Problem::new(K, r.row, "name", &r.name, Rule::MissingField));
        }
        let class = if r.credit_class.trim().is_empty() {
            let rule = Rule::Unclassified;
            problems.push(Problem::new(
                K,
                r.row,
                "credit_class",
                &r.credit_class,
                rule,
            ));
            None
        } else {
            let c = r.credit_class.parse::<CreditClass>().ok();
            if c.is_none() {
                let rule = if is_unclassified_text(&r.credit_class) {
                    Rule::Unclassified
                } else {
                    Rule::UnknownCreditClass
                };
                problems.push(Problem::new(
                    K,
                    r.row,
                    "credit_class",
                    &r.credit_class,
                    rule,
                ));
            }
            c
        };
        let region = r.region.trim();
        if !region.is_empty() && !region_ok(region, false) {
            problems.push(Problem::new(
                K,
                r.row,
                "region",
                &r.region,
                Rule::InvalidRegion,
            ));
        }
        let status = match r.status.trim() {
            "" => Some(RegistrationStatus::Active),
            t => t.parse::<RegistrationStatus>().ok(),
        };
        if status.is_none() {
            let rule = Rule::UnknownStatus;
            problems.push(Problem::new(K, r.row, "status", &r.status, rule));
        }
        if let Some(u) = uscc {
            if let Some(&first_row) = claimed.get(&u) {
                let rule = Rule::DuplicateId { first_row };
                problems.push(Problem::new(K, r.row, "uscc", &r.uscc, rule));
                continue;
            }
            claimed.insert(u, r.row);
        }
        let (Some(uscc), Some(credit_class)) = (uscc, class) else {
            continue;
        };
        if problems.len() > before {
            continue;
        }
        if !uscc.check_character_is_valid() {
            let rule = Rule::CheckCharacterAccepted {
                expected: uscc.expected_check_character(),
            };
            problems.push(Problem::new(K, r.row, "uscc", &r.uscc, rule));
        }
        kept.push(
            Entity::new(uscc, r.name.trim(), credit_class, region, r.industry.trim())
                .with_status(status.unwrap_or_default())
                .with_target_types(split_list(&r.target_types)),
        );
    }
    kept.sort_by_key(|e| (e.credit_class, e.uscc));
    (problems, kept)
}

#[test]
fn builder_equals_the_reference_rules_on_random_registers() {
    // A small deterministic xorshift generator.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let pilot = "91350203M0001QAY9B";
    let (mut suspects, mut duplicates) = (0, 0);
    let (mut joined, mut declined) = (0, 0);
    for round in 0..60 {
        let n = [1, 5, 40, 700, 3000][round % 5];
        // Few distinct codes for many rows: plenty of repeats.
        let pool = 1 + next(n as u64 * 2) as u32;
        let rows: Vec<EntityRow> = (0..n)
            .map(|k| {
                let uscc = match next(40) {
                    0 => String::new(),
                    1 => "91350100M000100Y4".to_owned(),
                    2 => pilot.to_owned(),
                    3 => format!(" {} ", code(next(u64::from(pool)) as u32).to_lowercase()),
                    _ => code(next(u64::from(pool)) as u32),
                };
                EntityRow {
                    row: k + 2,
                    uscc,
                    name: ["", "  ", "甲", " 乙公司 "][next(4) as usize].to_owned()
                        + &"x".repeat(next(3) as usize),
                    credit_class: ["A", "b", "C类", "高风险", "", "E"][next(6) as usize % 6]
                        .to_owned(),
                    region: ["", "140522", "1405", " 140581"][next(4) as usize].to_owned(),
                    industry: ["", "取水", " 供水 "][next(3) as usize].to_owned(),
                    status: ["", "注销", " 在业 ", "x"][next(8) as usize % 4].to_owned(),
                    target_types: ["", "取水单位", "b;a、a"][next(3) as usize].to_owned(),
                }
            })
            .collect();
        for policy in [UsccPolicy::Strict, UsccPolicy::LenientCheckCharacter] {
            let options = ValidationOptions {
                uscc_policy: policy,
                on: None,
            };
            let (problems, kept) = reference_entities(&rows, &options);
            let mut b = EntityRegisterBuilder::new(&options);
            for r in &rows {
                b.push(r.into());
            }
            b.check_claims();
            suspects += b.suspects.len();
            let v = b.finish();
            duplicates += v
                .problems
                .iter()
                .filter(|p| matches!(p.rule, Rule::DuplicateId { .. }))
                .count();
            assert_eq!(v.problems, problems, "round {round} {policy:?}");
            assert_eq!(v.register.entities(), kept, "round {round} {policy:?}");
            // The same rows read in stretches and joined: the same result,
            // or a decline exactly when two stretches claim one code.
            let mut cuts: Vec<usize> = (0..next(4)).map(|_| next(n as u64 + 1) as usize).collect();
            cuts.extend([0, n]);
            cuts.sort_unstable();
            let parts: Vec<_> = cuts
                .windows(2)
                .map(|w| {
                    let stretch = &rows[w[0]..w[1]];
                    // Rows numbered from 1 at the stretch's first.
                    let offset = stretch.first().map_or(0, |r| r.row - 1);
                    let mut b = EntityRegisterBuilder::new(&options);
                    for r in stretch {
                        let mut r = EntityRowRef::from(r);
                        r.row -= offset;
                        b.push(r);
                    }
                    (b.finish_part(), offset)
                })
                .collect();
            let claimed: Vec<std::collections::BTreeSet<Uscc>> = cuts
                .windows(2)
                .map(|w| {
                    rows[w[0]..w[1]]
                        .iter()
                        .filter_map(|r| Uscc::parse(&r.uscc, policy).ok())
                        .collect()
                })
                .collect();
            let shared = claimed
                .iter()
                .enumerate()
                .any(|(i, a)| claimed[i + 1..].iter().any(|b| !a.is_disjoint(b)));
            match EntityRegister::join_parts(parts) {
                Some(j) => {
                    assert!(!shared, "round {round} {policy:?} {cuts:?}");
                    assert_eq!(j.problems, problems, "round {round} {policy:?} {cuts:?}");
                    assert_eq!(j.register.entities(), kept, "round {round} {policy:?}");
                    joined += 1;
                }
                None => {
                    assert!(shared, "round {round} {policy:?} {cuts:?}");
                    declined += 1;
                }
            }
        }
    }
    // Both ways of a join were taken.
    assert!(joined > 10 && declined > 10, "{joined} {declined}");
    // The filter cleared some rows it had to suspect: both ways were taken.
    assert!(
        duplicates > 1000 && suspects > duplicates + 20,
        "{suspects} {duplicates}"
    );
}
