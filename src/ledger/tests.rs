use proptest::prelude::*;

use super::*;
use crate::assignment::{Team, v1::TeamRules};
use crate::calendar::WorkingCalendar;
use crate::calendar::date::parse_date;
use crate::records::RecordId;
use crate::records::envelope::Envelope;
use crate::records::keys::{IssuerKey, IssuerPublicKey};
use crate::records::{
    ChainLink, CommitmentPayload, Count, DrawPayload, DrawnEntity, EntityRootRecord, FormatVersion,
    PerClass, RandomnessPlan, RandomnessValue, Record, RegisterRoots, RootRecord, TaskRecord,
    TeamSpec, Timestamp, TopUp,
};
use crate::registers::InspectionMethod;
use crate::registers::uscc::{Uscc, UsccPolicy, uscc_check_character};
use crate::verify::{ChainLine, FindingSeverity, read_chain};

// TEST ONLY keys: their seeds are in this file.
fn issuer() -> IssuerKey {
    IssuerKey::from_secret_bytes("阳城县水务局", &[1; 32]).unwrap()
}
fn head() -> IssuerKey {
    IssuerKey::from_secret_bytes("阳城县水务局 局长", &[2; 32]).unwrap()
}
fn stranger() -> IssuerKey {
    IssuerKey::from_secret_bytes("某人", &[3; 32]).unwrap()
}

fn code(n: u32) -> Uscc {
    let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
    let s = format!(
        "{}{}",
        std::str::from_utf8(&first).unwrap(),
        uscc_check_character(&first).unwrap()
    );
    Uscc::parse(&s, UsccPolicy::Strict).unwrap()
}

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn d(s: &str) -> time::Date {
    parse_date(s).unwrap()
}

fn link(key: &IssuerKey, seq: u64, prev: Option<RecordId>, at: &str) -> ChainLink {
    ChainLink {
        issuer: key.issuer().into(),
        key_id: key.key_id().into(),
        sequence: seq,
        previous: prev,
        created_at: t(at),
    }
}

/// A receipt chain with one commitment and one draw of entities 1, 2, 3
/// (entity 4 in the pool, not drawn). Not replayable: the ledger only reads it.
fn receipts() -> (Vec<ChainLine>, RecordId) {
    receipts_of(&[], &[])
}

/// As [`receipts`], for a task with these participating departments and items.
fn receipts_of(participating: &[&str], items: &[&str]) -> (Vec<ChainLine>, RecordId) {
    let k = issuer();
    let mut team = TeamRules::new(2, "水资源股");
    team.participating_departments = participating.iter().map(|p| (*p).to_owned()).collect();
    let c = CommitmentPayload {
        format: FormatVersion::V1,
        chain: link(&k, 0, None, "2024-09-01T01:00:00Z"),
        task: TaskRecord {
            id: "YCSW-2024-01".into(),
            name: "取水许可监督检查".into(),
            items: items.iter().map(|i| (*i).to_owned()).collect(),
            ratios_bp: PerClass::from_array([500; 4]),
            top_up: TopUp::AnyClass,
            scope: None,
            exclude_drawn: vec![],
            team: TeamSpec::V1(team),
            inspection_date: None,
            max_supplements: None,
        },
        registers: RegisterRoots {
            master: None,
            entities: EntityRootRecord {
                root: [9; 32],
                size: Count(40),
                class_sizes: PerClass::from_array([Count(10); 4]),
            },
            inspectors: RootRecord {
                root: [8; 32],
                size: Count(6),
            },
            conflicts: RootRecord {
                root: [7; 32],
                size: Count(0),
            },
            items: None,
        },
        randomness: RandomnessPlan::Local {},
        history: None,
    };
    let ce = Record::Commitment(c).sign(&k).unwrap();
    let cid = ce.record_id();
    let drawn = [1u32, 2, 3].map(|n| DrawnEntity {
        rank: Count(u64::from(n)),
        uscc: code(n),
    });
    let draw = DrawPayload {
        format: FormatVersion::V1,
        witnessing: None,
        chain: link(&k, 1, Some(cid), "2024-09-02T01:00:00Z"),
        commitment: cid,
        randomness: RandomnessValue {
            value: vec![5; 32],
            beacon_signature: None,
        },
        seed: [6; 32],
        algorithm: crate::records::v1::DRAW_ALGORITHM.into(),
        library_version: "test".into(),
        inspection_date: Some(d("2024-09-02")),
        drawn: PerClass {
            A: vec![],
            B: drawn.to_vec(),
            C: vec![],
            D: vec![],
        },
        teams: [1u32, 2, 3]
            .map(|n| Team {
                uscc: code(n),
                inspectors: vec![format!("ZF{n}1"), format!("ZF{n}2")],
            })
            .to_vec(),
    };
    let de = Record::Draw(draw).sign(&k).unwrap();
    let did = de.record_id();
    let lines = [ce, de]
        .into_iter()
        .enumerate()
        .map(|(i, envelope)| ChainLine {
            line: i + 1,
            envelope,
        })
        .collect();
    (lines, did)
}

fn fields(draw: RecordId, n: u32, end: &str) -> ResultFields {
    ResultFields {
        draw,
        task: "YCSW-2024-01".into(),
        uscc: code(n),
        department: Some("水资源股".into()),
        items: Some(vec![]),
        inspection_start: d("2024-09-10"),
        inspection_end: d(end),
        methods: vec![InspectionMethod::OnSite],
        categories: vec![ResultCategory::NoProblem],
        findings: "取水计量设施运行正常".into(),
        follow_ups: vec![],
        inspectors: vec![format!("ZF{n}1"), format!("ZF{n}2")],
    }
}

struct Fixture {
    draws: DrawIndex,
    draw: RecordId,
    lines: Vec<Envelope>,
    cal: WorkingCalendar,
}

impl Fixture {
    fn new() -> Self {
        let (r, draw) = receipts();
        Fixture {
            draws: DrawIndex::from_chain(&r, issuer().public_key()),
            draw,
            lines: Vec::new(),
            cal: WorkingCalendar::china().unwrap(),
        }
    }

    fn chain_lines(&self) -> Vec<ChainLine> {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, e)| ChainLine {
                line: i + 1,
                envelope: e.clone(),
            })
            .collect()
    }

    fn verify(&self, approvers: &[IssuerPublicKey]) -> (LedgerReport, Ledger) {
        verify_ledger(
            &self.chain_lines(),
            issuer().public_key(),
            &self.draws,
            &LedgerOptions {
                approvals: Approvals::Check(approvers),
                calendar: &self.cal,
                witnesses: None,
            },
        )
    }

    fn ledger(&self) -> Ledger {
        self.verify(&[head().public_key().clone()]).1
    }

    fn add_result(&mut self, f: ResultFields, at: &str) -> Result<RecordId, ResultError> {
        let l = self.ledger();
        let link = l.next_link(issuer().public_key(), t(at))?;
        let p = l.new_result(&self.draws, f, link)?;
        let env = LedgerRecord::Result(p).sign(&issuer()).unwrap();
        let id = env.record_id();
        self.lines.push(env);
        Ok(id)
    }

    fn correct(
        &mut self,
        target: RecordId,
        f: ResultFields,
        at: &str,
        approver: &IssuerKey,
    ) -> RecordId {
        let l = self.ledger();
        let link = l.next_link(issuer().public_key(), t(at)).unwrap();
        let p = l
            .new_correction(
                &self.draws,
                &target,
                "类别录入错误",
                approver.public_key(),
                f,
                link,
            )
            .unwrap();
        let env = sign_correction(&p, &issuer(), approver).unwrap();
        let id = env.record_id();
        self.lines.push(env);
        id
    }
}

fn checks(r: &LedgerReport, sev: FindingSeverity) -> Vec<&'static str> {
    r.findings
        .iter()
        .filter(|f| f.severity == sev)
        .map(|f| f.check)
        .collect()
}

#[test]
fn deadline_follows_the_holiday_calendar_with_its_make_up_day() {
    // Check ends Friday 2024-09-27; National Day 1-7 October off, Sunday
    // 29 September and Saturday 12 October worked: the deadline is 30 October
    // (a plain Monday-Friday rule would say 25 October).
    let mut fx = Fixture::new();
    fx.add_result(fields(fx.draw, 1, "2024-09-27"), "2024-10-28T02:00:00Z")
        .unwrap();
    fx.add_result(fields(fx.draw, 2, "2024-09-27"), "2024-10-30T09:00:00Z")
        .unwrap();
    // 17:00 UTC on 30 October is 01:00 on 31 October in Beijing: one day late.
    fx.add_result(fields(fx.draw, 3, "2024-09-27"), "2024-10-30T17:00:00Z")
        .unwrap();
    let (report, ledger) = fx.verify(&[]);
    assert!(report.holds(), "{:#?}", report.findings);
    assert_eq!(checks(&report, FindingSeverity::Warning), vec!["overdue"]);
    let deadlines: Vec<_> = ledger.entries().iter().map(|e| e.deadline()).collect();
    assert_eq!(
        deadlines,
        vec![
            Deadline::OnTime,
            Deadline::OnTime,
            Deadline::Overdue {
                working_days_late: 1
            }
        ]
    );
}

#[test]
fn an_uncovered_year_is_a_note_not_a_guess() {
    let mut fx = Fixture::new();
    let mut f = fields(fx.draw, 1, "2030-01-10");
    f.inspection_start = d("2030-01-09");
    fx.add_result(f, "2030-03-01T00:00:00Z").unwrap();
    let (report, ledger) = fx.verify(&[]);
    assert!(report.holds());
    assert!(checks(&report, FindingSeverity::Note).contains(&"deadline"));
    assert!(!checks(&report, FindingSeverity::Warning).contains(&"overdue"));
    assert_eq!(ledger.entries()[0].deadline(), Deadline::NotChecked);
}

#[test]
fn a_result_for_an_entity_not_drawn_is_refused_and_a_forged_one_flagged() {
    let mut fx = Fixture::new();
    let mut f = fields(fx.draw, 4, "2024-09-12");
    f.inspectors = vec!["ZF11".into(), "ZF12".into()];
    assert!(matches!(
        fx.add_result(f.clone(), "2024-09-13T00:00:00Z"),
        Err(ResultError::NotDrawn { .. })
    ));
    // Forged: signed without the library's refusal.
    let env = LedgerRecord::Result(ResultPayload {
        format: FormatVersion::V2,
        chain: link(&issuer(), 0, None, "2024-09-13T00:00:00Z"),
        result: f,
    })
    .sign(&issuer())
    .unwrap();
    fx.lines.push(env);
    let (report, ledger) = fx.verify(&[]);
    assert!(!report.holds());
    assert_eq!(
        checks(&report, FindingSeverity::Error),
        vec!["result-not-drawn"]
    );
    assert!(ledger.entries().is_empty());
}

#[test]
fn team_duplicates_and_fields_are_checked() {
    let mut fx = Fixture::new();
    let mut f = fields(fx.draw, 1, "2024-09-12");
    f.inspectors = vec!["ZF11".into(), "ZF99".into()];
    assert_eq!(
        fx.add_result(f, "2024-09-13T00:00:00Z")
            .unwrap_err()
            .check(),
        "result-team"
    );
    let mut f = fields(fx.draw, 1, "2024-09-12");
    f.categories.clear();
    assert_eq!(
        fx.add_result(f, "2024-09-13T00:00:00Z")
            .unwrap_err()
            .check(),
        "result-fields"
    );
    let first = fx
        .add_result(fields(fx.draw, 1, "2024-09-12"), "2024-09-13T00:00:00Z")
        .unwrap();
    assert_eq!(
        fx.add_result(fields(fx.draw, 1, "2024-09-12"), "2024-09-14T00:00:00Z")
            .unwrap_err()
            .check(),
        "duplicate-result"
    );
    // Forged duplicate.
    let env = LedgerRecord::Result(ResultPayload {
        format: FormatVersion::V2,
        chain: link(&issuer(), 1, Some(first), "2024-09-14T00:00:00Z"),
        result: fields(fx.draw, 1, "2024-09-12"),
    })
    .sign(&issuer())
    .unwrap();
    fx.lines.push(env);
    let (report, _) = fx.verify(&[]);
    assert_eq!(
        checks(&report, FindingSeverity::Error),
        vec!["duplicate-result"]
    );
}

#[test]
fn corrections_need_an_approval_by_a_given_key() {
    let mut fx = Fixture::new();
    let first = fx
        .add_result(fields(fx.draw, 1, "2024-09-12"), "2024-09-13T00:00:00Z")
        .unwrap();
    let mut f = fields(fx.draw, 1, "2024-09-12");
    f.categories = vec![ResultCategory::ProblemPending];
    f.follow_ups = vec![FollowUp {
        kind: FollowUpKind::OrderedToCorrect,
        outcome: Some("限期30日整改".into()),
    }];
    let approvers = [head().public_key().clone()];

    // Without the approver's signature: rejected.
    let l = fx.ledger();
    let p = l
        .new_correction(
            &fx.draws,
            &first,
            "类别录入错误",
            head().public_key(),
            f.clone(),
            l.next_link(issuer().public_key(), t("2024-09-20T00:00:00Z"))
                .unwrap(),
        )
        .unwrap();
    let unsigned = LedgerRecord::Correction(p.clone()).sign(&issuer()).unwrap();
    let mut fx1 = Fixture::new();
    fx1.lines = vec![fx.lines[0].clone(), unsigned];
    let (report, ledger) = fx1.verify(&approvers);
    assert_eq!(
        checks(&report, FindingSeverity::Error),
        vec!["correction-approval"]
    );
    assert!(ledger.entries()[0].corrections().is_empty());

    // Signed by the approver, but the verifier was given another key, or none.
    let signed = sign_correction(&p, &issuer(), &head()).unwrap();
    fx1.lines = vec![fx.lines[0].clone(), signed.clone()];
    for given in [vec![stranger().public_key().clone()], vec![]] {
        let (report, _) = fx1.verify(&given);
        assert_eq!(
            checks(&report, FindingSeverity::Error),
            vec!["correction-approval"]
        );
    }
    // Signed by a stranger claiming to be the approver.
    let forged = sign_correction(&p, &issuer(), &stranger()).unwrap();
    fx1.lines = vec![fx.lines[0].clone(), forged];
    let (report, _) = fx1.verify(&approvers);
    assert_eq!(
        checks(&report, FindingSeverity::Error),
        vec!["correction-approval"]
    );
    // Approved by the unit head's key, which the verifier holds: accepted.
    let (report, ledger) = {
        fx1.lines = vec![fx.lines[0].clone(), signed];
        fx1.verify(&approvers)
    };
    assert!(report.holds(), "{:#?}", report.findings);
    let e = &ledger.entries()[0];
    assert_eq!(e.corrections().len(), 1);
    assert_eq!(
        e.current().fields.categories,
        vec![ResultCategory::ProblemPending]
    );
    // The issuer cannot approve its own correction.
    assert_eq!(
        l.new_correction(
            &fx.draws,
            &first,
            "x",
            issuer().public_key(),
            f,
            l.next_link(issuer().public_key(), t("2024-09-20T00:00:00Z"))
                .unwrap()
        )
        .unwrap_err(),
        ResultError::SelfApproval
    );
}

#[test]
fn a_correction_of_a_superseded_version_is_refused() {
    let mut fx = Fixture::new();
    let first = fx
        .add_result(fields(fx.draw, 1, "2024-09-12"), "2024-09-13T00:00:00Z")
        .unwrap();
    let mut f = fields(fx.draw, 1, "2024-09-12");
    f.categories = vec![ResultCategory::OtherViolation];
    let second = fx.correct(first, f.clone(), "2024-09-14T00:00:00Z", &head());
    // Through the library, naming the old version corrects the latest.
    let third = fx.correct(first, f.clone(), "2024-09-15T00:00:00Z", &head());
    let (report, ledger) = fx.verify(&[head().public_key().clone()]);
    assert!(report.holds(), "{:#?}", report.findings);
    assert_eq!(ledger.entries()[0].current().record, third);
    assert_eq!(
        ledger.entries()[0].corrections()[1]
            .correction
            .as_ref()
            .unwrap()
            .corrects,
        second
    );
    // Forged: a correction naming the superseded original.
    let p = CorrectionPayload {
        format: FormatVersion::V2,
        chain: link(&issuer(), 3, Some(third), "2024-09-16T00:00:00Z"),
        corrects: first,
        reason: "再次更正".into(),
        approver: Approver {
            name: head().issuer().into(),
            key_id: head().key_id().into(),
        },
        result: f,
    };
    fx.lines
        .push(sign_correction(&p, &issuer(), &head()).unwrap());
    let (report, _) = fx.verify(&[head().public_key().clone()]);
    assert_eq!(
        checks(&report, FindingSeverity::Error),
        vec!["correction-target"]
    );
}

#[test]
fn summary_names_every_drawn_entity_without_a_result() {
    let mut fx = Fixture::new();
    fx.add_result(fields(fx.draw, 2, "2024-09-12"), "2024-09-13T00:00:00Z")
        .unwrap();
    let (report, ledger) = fx.verify(&[]);
    let missing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "missing-result")
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(missing.len(), 2);
    assert!(missing[0].contains(code(1).as_str()) && missing[1].contains(code(3).as_str()));
    // The whole draw id, as verify's other findings give record ids.
    let draw = format!("(draw {})", crate::hex::encode(fx.draw.as_ref()));
    assert!(missing.iter().all(|m| m.ends_with(&draw)), "{missing:?}");

    let rows = summarise(&ledger, &fx.draws, None, None);
    assert_eq!(rows.len(), 1, "a single-department task has no 配合 row");
    assert_eq!(
        (rows[0].kind, rows[0].department.as_str()),
        (SummaryKind::Initiated, "水资源股")
    );
    let r = &rows[0];
    assert_eq!(
        (
            r.pool,
            r.planned,
            r.drawn,
            r.inspected,
            r.entered,
            r.entered_on_time,
            r.published
        ),
        (40, 3, 3, 1, 1, 1, 0),
        "planned is the number to inspect (计划抽查户数), not the pool"
    );
    assert_eq!(
        r.missing.iter().map(|m| m.uscc).collect::<Vec<_>>(),
        vec![code(1), code(3)]
    );
    assert_eq!(r.entry_rate.to_string(), "33.3%");
    assert_eq!(r.entry_rate.per_mille, Some(333));
    assert_eq!(r.publication_rate.to_string(), "0.0%");
    assert_eq!(r.categories[0].count, 1);
    assert_eq!(summarise(&ledger, &fx.draws, None, Some("管理股")).len(), 0);
    assert_eq!(Rate::new(2, 3).to_string(), "66.6%");
    assert_eq!(Rate::new(0, 0).to_string(), "—");
    assert_eq!(Rate::new(3, 3).to_string(), "100.0%");
}

fn published_fixture() -> (Fixture, Vec<u8>, Vec<u8>) {
    let mut fx = Fixture::new();
    let first = fx
        .add_result(fields(fx.draw, 1, "2024-09-12"), "2024-09-13T00:00:00Z")
        .unwrap();
    let mut f = fields(fx.draw, 1, "2024-09-12");
    f.categories = vec![ResultCategory::ProblemPending];
    fx.correct(first, f, "2024-09-14T00:00:00Z", &head());
    let ledger = fx.ledger();
    let view = PublicView::build(
        &ledger,
        &fx.draws,
        issuer().issuer(),
        t("2024-09-15T00:00:00Z"),
        None,
        None,
        InspectorDisclosure::NameAndCertificate,
    );
    let (csv, json) = (view.to_csv(), view.to_json());
    let link = ledger
        .next_link(issuer().public_key(), t("2024-09-15T00:00:00Z"))
        .unwrap();
    let cp = ledger
        .new_checkpoint(
            vec![
                published_file("public-results.csv", &csv),
                published_file("public-results.json", &json),
            ],
            link,
        )
        .unwrap();
    fx.lines
        .push(LedgerRecord::Checkpoint(cp).sign(&issuer()).unwrap());
    (fx, csv, json)
}

#[test]
fn publication_shows_the_corrected_version_and_tampering_is_detected() {
    let (fx, csv, json) = published_fixture();
    let (report, ledger) = fx.verify(&[head().public_key().clone()]);
    assert!(report.holds(), "{:#?}", report.findings);
    assert!(ledger.is_published(&ledger.entries()[0]));
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("发现问题待后续处理"));
    assert!(
        !text.contains("取水计量设施运行正常"),
        "findings stay internal"
    );
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["results"][0]["corrected"], true);
    assert_eq!(v["results"][0]["categories"][0]["code"], "problem-pending");

    let ok = check_published_file(&ledger, "public-results.csv", &csv);
    assert_eq!(ok.severity, FindingSeverity::Note);
    let mut tampered = text
        .replace("发现问题待后续处理", "未发现问题")
        .into_bytes();
    let bad = check_published_file(&ledger, "public-results.csv", &tampered);
    assert_eq!(
        (bad.severity, bad.check),
        (FindingSeverity::Error, "published-file")
    );
    tampered = json.clone();
    let last = tampered.len() - 2;
    tampered[last] ^= 1;
    let bad = check_published_file(&ledger, "public-results.json", &tampered);
    assert_eq!(bad.severity, FindingSeverity::Error);
}

#[test]
fn publication_times_are_beijing_time_and_classes_are_withheld() {
    let (fx, csv, json) = published_fixture();
    let text = String::from_utf8(csv).unwrap();
    let json_text = String::from_utf8(json.clone()).unwrap();
    // Entered 2024-09-13T00:00:00Z = 08:00 in Beijing; no UTC `Z` time anywhere.
    assert!(text.contains("录入时间（北京时间）"), "{text}");
    assert!(text.contains("2024-09-13 08:00:00"), "{text}");
    assert!(text.contains("2024-09-14 08:00:00"), "corrected at: {text}");
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["format"], "double-random/public-results/v2");
    assert_eq!(v["published_at"], "2024-09-15T08:00:00+08:00");
    assert_eq!(v["results"][0]["entered_at"], "2024-09-13T08:00:00+08:00");
    assert_eq!(v["results"][0]["corrected_at"], "2024-09-14T08:00:00+08:00");
    for s in [&text, &json_text] {
        assert!(
            !s.bytes()
                .zip(s.bytes().skip(1))
                .any(|(a, b)| a.is_ascii_digit() && b == b'Z'),
            "a UTC time: {s}"
        );
    }
    // By default no firm's class: no column, no member.
    assert!(!text.contains("信用风险分类"));
    assert!(v["results"][0].get("credit_class").is_none());
    // Per-class tables from the commitment's pools; the class is shown on request.
    let ledger = fx.ledger();
    let pools = [10u64, 20, 7, 3];
    let view = PublicView::build(
        &ledger,
        &fx.draws,
        "x",
        t("2024-09-15T00:00:00Z"),
        None,
        None,
        InspectorDisclosure::NameAndCertificate,
    )
    .with_class_tables(&fx.draws, |_| Some(pools));
    let v: serde_json::Value = serde_json::from_slice(&view.to_json()).unwrap();
    let classes = v["draws"][0]["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 4);
    assert_eq!(classes[1]["pool"], 20);
    let drawn: u64 = classes.iter().map(|c| c["drawn"].as_u64().unwrap()).sum();
    assert_eq!(drawn, 3);
    assert!(v["results"][0].get("credit_class").is_none());
    let shown = view.with_credit_classes(&fx.draws, CreditClassDisclosure::Shown);
    let csv = String::from_utf8(shown.to_csv()).unwrap();
    assert!(csv.lines().next().unwrap().contains("信用风险分类"));
    let v: serde_json::Value = serde_json::from_slice(&shown.to_json()).unwrap();
    let class = v["results"][0]["credit_class"]["code"].as_str().unwrap();
    assert!(["A", "B", "C", "D"].contains(&class), "{class}");
}

#[test]
fn a_publication_behind_the_ledger_is_a_warning() {
    let (mut fx, csv, _) = published_fixture();
    // A result entered after the checkpoint: the published file is still
    // the latest checkpoint's, but no longer all there is.
    fx.add_result(fields(fx.draw, 2, "2024-09-12"), "2024-09-16T00:00:00Z")
        .unwrap();
    let ledger = fx.ledger();
    let f = check_published_file(&ledger, "public-results.csv", &csv);
    assert_eq!(
        (f.severity, f.check),
        (FindingSeverity::Warning, "published-file")
    );
    assert!(f.message.contains("1 record(s) after it"), "{}", f.message);
}

#[test]
fn omitting_inspectors_drops_them_entirely() {
    let (fx, _, _) = published_fixture();
    let ledger = fx.ledger();
    let view = PublicView::build(
        &ledger,
        &fx.draws,
        "x",
        t("2024-09-15T00:00:00Z"),
        None,
        None,
        InspectorDisclosure::Omit,
    );
    let csv = String::from_utf8(view.to_csv()).unwrap();
    let json = String::from_utf8(view.to_json()).unwrap();
    for s in [&csv, &json] {
        assert!(!s.contains("ZF11") && !s.contains("inspectors") && !s.contains("检查人员"));
    }
}

#[test]
fn a_checkpoint_with_a_wrong_head_fails() {
    let (mut fx, _, _) = published_fixture();
    let ledger = fx.ledger();
    let (h, s, _) = ledger.head().unwrap();
    let cp = CheckpointPayload {
        format: FormatVersion::V2,
        chain: link(&issuer(), s + 1, Some(h), "2024-09-16T00:00:00Z"),
        head: fx.lines[0].record_id(),
        head_sequence: 0,
        results: Count(5),
        files: vec![],
    };
    fx.lines
        .push(LedgerRecord::Checkpoint(cp).sign(&issuer()).unwrap());
    let (report, _) = fx.verify(&[head().public_key().clone()]);
    assert_eq!(
        checks(&report, FindingSeverity::Error),
        vec!["checkpoint", "checkpoint"]
    );
}

fn ledger_text() -> (Fixture, Vec<u8>) {
    let (fx, _, _) = published_fixture();
    let mut text = Vec::new();
    for e in &fx.lines {
        text.extend_from_slice(e.to_json().as_bytes());
        text.push(b'\n');
    }
    (fx, text)
}

fn verify_text(fx: &Fixture, text: &[u8]) -> LedgerReport {
    let (lines, mut findings) = read_chain(text);
    let (mut report, _) = verify_ledger(
        &lines,
        issuer().public_key(),
        &fx.draws,
        &LedgerOptions {
            approvals: Approvals::Check(&[head().public_key().clone()]),
            calendar: &fx.cal,
            witnesses: None,
        },
    );
    findings.append(&mut report.findings);
    report.findings = findings;
    report
}

#[test]
fn the_untouched_ledger_holds() {
    let (fx, text) = ledger_text();
    let r = verify_text(&fx, &text);
    assert!(r.holds(), "{:#?}", r.findings);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_single_byte_change_to_a_ledger_line_is_rejected(pos in any::<prop::sample::Index>(), delta in 1u8..=255) {
        let (fx, text) = ledger_text();
        // Positions inside lines (not the newlines between them).
        let inside: Vec<usize> = (0..text.len()).filter(|&i| text[i] != b'\n').collect();
        let i = inside[pos.index(inside.len())];
        let mut changed = text.clone();
        changed[i] = changed[i].wrapping_add(delta);
        let r = verify_text(&fx, &changed);
        prop_assert!(!r.holds(), "byte {} changed from {:?}", i, text[i] as char);
    }
}

#[test]
fn results_are_on_time_only_when_witnessed_before_their_deadline() {
    use crate::verify::WitnessOptions;
    use crate::witness::{CosignedHead, Head, LogId, LogKind};
    let mut fx = Fixture::new();
    // Inspection ended 2024-09-13: the deadline is 20 working days later.
    let id = fx
        .add_result(fields(fx.draw, 1, "2024-09-13"), "2024-09-20T02:00:00Z")
        .unwrap();
    let due = fx.cal.entry_deadline(d("2024-09-13")).unwrap();
    let witness = IssuerKey::from_secret_bytes("纪检组 (TEST ONLY)", &[7; 32]).unwrap();
    let cosign = |at: &str| {
        CosignedHead::new(
            LogId::of(issuer().public_key(), LogKind::Results),
            Head {
                sequence: 0,
                record: id,
            },
            witness.public_key(),
            t(at),
        )
        .sign(&witness)
        .to_json()
            + "\n"
    };
    let verify = |cosignatures: &str| {
        let trusted = [witness.public_key().clone()];
        verify_ledger(
            &fx.chain_lines(),
            issuer().public_key(),
            &fx.draws,
            &LedgerOptions {
                approvals: Approvals::Check(&[]),
                calendar: &fx.cal,
                witnesses: Some(WitnessOptions {
                    trusted: &trusted,
                    threshold: 1,
                    cosignatures: cosignatures.as_bytes(),
                    now: None,
                }),
            },
        )
        .0
    };
    // Cosigned the day it was entered: on time.
    let r = verify(&cosign("2024-09-20T03:00:00Z"));
    assert!(r.holds(), "{r}");
    // Cosigned only after the deadline ended (16:00 UTC of the deadline day
    // is midnight in Beijing): the office's date alone does not count.
    let late = format!("{}T16:00:00Z", crate::calendar::format_date(due));
    let r = verify(&cosign(&late));
    assert!(
        checks(&r, FindingSeverity::Error).contains(&"result-witnessed"),
        "{r}"
    );
    let just_in_time = format!("{}T15:59:59Z", crate::calendar::format_date(due));
    assert!(verify(&cosign(&just_in_time)).holds());
    // No cosignature at all.
    assert!(checks(&verify(""), FindingSeverity::Error).contains(&"result-witnessed"));
}

/// A joint task (水资源股 initiating, 管理股 taking part) with two items.
fn joint_fixture() -> Fixture {
    let (r, draw) = receipts_of(&["管理股"], &["SW-001", "SW-002"]);
    Fixture {
        draws: DrawIndex::from_chain(&r, issuer().public_key()),
        draw,
        lines: Vec::new(),
        cal: WorkingCalendar::china().unwrap(),
    }
}

fn by(mut f: ResultFields, department: &str, items: &[&str]) -> ResultFields {
    f.department = Some(department.into());
    f.items = Some(items.iter().map(|i| (*i).to_owned()).collect());
    f
}

#[test]
fn joint_tasks_take_one_result_per_department_and_derive_the_overall_one() {
    let mut fx = joint_fixture();
    let f1 = fields(fx.draw, 1, "2024-09-12");
    fx.add_result(
        by(f1.clone(), "水资源股", &["SW-001"]),
        "2024-09-13T00:00:00Z",
    )
    .unwrap();
    let mut own = by(f1.clone(), "管理股", &["SW-002"]);
    own.categories = vec![ResultCategory::ProblemPending];
    fx.add_result(own, "2024-09-13T01:00:00Z").unwrap();
    fx.add_result(
        by(fields(fx.draw, 2, "2024-09-12"), "水资源股", &["SW-001"]),
        "2024-09-13T02:00:00Z",
    )
    .unwrap();
    // Refused: a second result of a department, a department or an item not
    // the task's, an item another department entered, no item at all.
    let draw = fx.draw;
    let refused = |fx: &mut Fixture, f: ResultFields| {
        fx.add_result(f, "2024-09-13T03:00:00Z")
            .unwrap_err()
            .check()
    };
    assert_eq!(
        refused(&mut fx, by(f1.clone(), "水资源股", &["SW-001"])),
        "duplicate-result"
    );
    assert_eq!(
        refused(
            &mut fx,
            by(fields(draw, 3, "2024-09-12"), "工程股", &["SW-001"])
        ),
        "result-department"
    );
    assert_eq!(
        refused(
            &mut fx,
            by(fields(draw, 3, "2024-09-12"), "水资源股", &["HD-001"])
        ),
        "result-items"
    );
    assert_eq!(
        refused(
            &mut fx,
            by(fields(draw, 2, "2024-09-12"), "管理股", &["SW-001"])
        ),
        "result-items"
    );
    assert_eq!(
        refused(&mut fx, by(fields(draw, 3, "2024-09-12"), "管理股", &[])),
        "result-items"
    );

    let (report, ledger) = fx.verify(&[]);
    assert!(report.holds(), "{report}");
    let missing: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == "missing-result")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].contains(code(2).as_str()) && missing[0].contains("管理股"));
    let draw_id = crate::hex::encode(fx.draw.as_ref());
    assert!(
        missing[0].contains(&format!("(draw {draw_id})")),
        "{}",
        missing[0]
    );

    // The overall result: the union, no-problem dropped beside a problem.
    let d = fx.draws.get(&fx.draw).unwrap();
    let e1 = ledger.entity_result(d, &code(1)).unwrap();
    assert!(e1.is_complete());
    assert_eq!(e1.categories(), vec![ResultCategory::ProblemPending]);
    let e2 = ledger.entity_result(d, &code(2)).unwrap();
    assert_eq!(e2.missing, vec!["管理股".to_owned()]);
    assert_eq!(e2.categories(), vec![ResultCategory::NoProblem]);

    // Summary: 发起 counts complete entities; 配合 counts 管理股's own items.
    let rows = summarise(&ledger, &fx.draws, None, None);
    assert_eq!(rows.len(), 2);
    let (ini, coop) = (&rows[0], &rows[1]);
    assert_eq!(
        (ini.kind, coop.kind),
        (SummaryKind::Initiated, SummaryKind::Cooperated)
    );
    assert_eq!((ini.entered, coop.entered), (1, 1));
    assert_eq!(ini.missing.len(), 2);
    assert_eq!(ini.missing[0].departments, vec!["管理股".to_owned()]);
    let items = |r: &TaskSummary| -> Vec<(String, u64)> {
        r.items
            .iter()
            .map(|i| (i.item.clone(), i.entities))
            .collect()
    };
    assert_eq!(
        items(coop),
        vec![("SW-001".to_owned(), 0), ("SW-002".to_owned(), 1)]
    );
    assert_eq!(
        items(ini),
        vec![("SW-001".to_owned(), 1), ("SW-002".to_owned(), 1)]
    );
    let pending = |r: &TaskSummary| {
        r.categories
            .iter()
            .find(|c| c.category == ResultCategory::ProblemPending)
            .unwrap()
            .count
    };
    assert_eq!((pending(ini), pending(coop)), (1, 1));

    // Publication: one row per entity, each department's part beside it.
    let view = PublicView::build(
        &ledger,
        &fx.draws,
        issuer().issuer(),
        t("2024-09-15T00:00:00Z"),
        None,
        None,
        InspectorDisclosure::NameAndCertificate,
    );
    assert_eq!(view.results.len(), 2);
    let r1 = view.results.iter().find(|r| r.uscc == code(1)).unwrap();
    assert_eq!(r1.departments.len(), 2);
    assert_eq!(
        PublicView::departments_cell(r1),
        "水资源股（SW-001）：未发现问题；管理股（SW-002）：发现问题待后续处理"
    );
    let r2 = view.results.iter().find(|r| r.uscc == code(2)).unwrap();
    assert_eq!(r2.pending_departments, vec!["管理股".to_owned()]);
    assert!(PublicView::departments_cell(r2).ends_with("管理股：待录入"));
}

#[test]
fn progress_is_published_without_the_corrected_mark() {
    let mut fx = Fixture::new();
    let mut f = fields(fx.draw, 1, "2024-09-12");
    f.categories = vec![ResultCategory::ProblemPending];
    f.follow_ups = vec![FollowUp::parse("ordered-to-correct").unwrap()];
    let first = fx.add_result(f, "2024-09-13T00:00:00Z").unwrap();
    let l = fx.ledger();
    let link = l
        .next_link(issuer().public_key(), t("2024-10-08T00:00:00Z"))
        .unwrap();
    let p = l
        .new_progress(
            &first,
            vec![
                FollowUp::parse("penalty-decision:阳水罚〔2024〕7号").unwrap(),
                FollowUp::parse("ordered-to-correct:已整改完毕").unwrap(),
            ],
            link,
        )
        .unwrap();
    fx.lines
        .push(LedgerRecord::Progress(p).sign(&issuer()).unwrap());
    let (report, ledger) = fx.verify(&[]);
    assert!(report.holds(), "{report}");
    let e = ledger.entry(&fx.draw, &code(1)).unwrap();
    assert!(e.corrections().is_empty());
    assert_eq!(e.progress().len(), 1);
    let shown: Vec<String> = e
        .follow_ups()
        .iter()
        .map(|f| format!("{}:{}", f.kind, f.outcome.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        shown,
        [
            "penalty-decision:阳水罚〔2024〕7号",
            "ordered-to-correct:已整改完毕"
        ]
    );
    let view = PublicView::build(
        &ledger,
        &fx.draws,
        issuer().issuer(),
        t("2024-10-09T00:00:00Z"),
        None,
        None,
        InspectorDisclosure::NameAndCertificate,
    );
    let csv = String::from_utf8(view.to_csv()).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains("行政处罚决定：阳水罚〔2024〕7号"), "{row}");
    assert!(row.contains(",否,"), "not marked corrected: {row}");
    assert!(row.contains("2024-10-08 08:00:00"), "progress time: {row}");
    let json: serde_json::Value = serde_json::from_slice(&view.to_json()).unwrap();
    assert_eq!(json["results"][0]["corrected"], false);
    assert_eq!(
        json["results"][0]["progress_at"],
        "2024-10-08T08:00:00+08:00"
    );

    // Progress naming no result fails; the ledger holds no progress of it.
    let l = fx.ledger();
    let link = l
        .next_link(issuer().public_key(), t("2024-10-09T00:00:00Z"))
        .unwrap();
    assert_eq!(
        l.new_progress(
            &RecordId::from([7; 32]),
            vec![FollowUp::parse("abnormal-list").unwrap()],
            link.clone()
        )
        .unwrap_err()
        .check(),
        "progress-target"
    );
    let forged = ProgressPayload {
        chain: link,
        result: RecordId::from([7; 32]),
        follow_ups: vec![],
    };
    fx.lines
        .push(LedgerRecord::Progress(forged).sign(&issuer()).unwrap());
    let (report, _) = fx.verify(&[]);
    assert_eq!(
        checks(&report, FindingSeverity::Error),
        vec!["progress-target", "progress-fields"]
    );
}

#[test]
fn version_1_ledgers_keep_verifying_and_version_2_splits_deregistered() {
    // A version-1 result with the joined category, signed as version 1 wrote it.
    let mut fx = Fixture::new();
    let mut f = fields(fx.draw, 1, "2024-09-12");
    f.department = None;
    f.items = None;
    f.categories = vec![ResultCategory::Deregistered];
    let v1 = ResultPayload {
        format: FormatVersion::V1,
        chain: link(&issuer(), 0, None, "2024-09-13T00:00:00Z"),
        result: f.clone(),
    };
    let env = LedgerRecord::Result(v1.clone()).sign(&issuer()).unwrap();
    assert_eq!(env.payload_type(), v1::RESULT_TYPE);
    assert!(
        !String::from_utf8_lossy(env.unverified_payload()).contains("department"),
        "version-1 bytes have no department"
    );
    fx.lines.push(env);
    let (report, ledger) = fx.verify(&[]);
    assert!(report.holds(), "{report}");
    let d = fx.draws.get(&fx.draw).unwrap();
    assert!(ledger.entity_result(d, &code(1)).unwrap().is_complete());
    // A version-1 result covers the entity: no department result beside it.
    assert_eq!(
        fx.add_result(fields(fx.draw, 1, "2024-09-12"), "2024-09-14T00:00:00Z")
            .unwrap_err()
            .check(),
        "duplicate-result"
    );
    // Version 2 refuses the joined category, and version 1 the split ones.
    let mut v2 = v1.clone();
    v2.format = FormatVersion::V2;
    v2.result.department = Some("水资源股".into());
    v2.result.items = Some(vec![]);
    assert!(LedgerRecord::Result(v2.clone()).to_payload().is_err());
    v2.result.categories = vec![ResultCategory::Deregistration];
    let bytes = LedgerRecord::Result(v2).to_payload().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains(r#""categories":["deregistration"]"#),
        "{text}"
    );
    let mut bad_v1 = v1;
    bad_v1.result.categories = vec![ResultCategory::MovedOut];
    assert!(LedgerRecord::Result(bad_v1).to_payload().is_err());
    let joined = text.replace("deregistration", "deregistered");
    assert!(LedgerRecord::decode(RESULT_TYPE, joined.as_bytes()).is_err());
}

#[test]
fn an_early_entry_is_dated_in_beijing_time_as_everywhere_else() {
    let e = ResultError::EnteredBeforeEnd {
        end: parse_date("2024-09-12").unwrap(),
        entered_on: parse_date("2024-09-11").unwrap(),
    };
    assert_eq!(
        e.to_string(),
        "entered on 2024-09-11 (Beijing time), before the inspection ends (2024-09-12)"
    );
}
