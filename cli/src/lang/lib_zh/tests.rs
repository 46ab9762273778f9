//! Each library error type, built the way the library builds it where a
//! public function returns it (else from its public variant): the Chinese
//! keeps the facts and is Chinese, and the English `Display` is unchanged.

use std::fmt::Display;

use double_random::Base64Error;
use double_random::after_draw::AfterDrawError;
use double_random::assignment::{
    self, Bottleneck, OfficerKind, PickBreakdown, PickError, StaffingError, TeamRules, v1,
};
use double_random::calendar::{CalendarError, NoticeError, Timestamp, WorkingCalendar, parse_date};
use double_random::chain::ChainError;
use double_random::checks::DrawError;
use double_random::commitment::{
    CommitError, FieldTooLong, MerkleError, ProofError, inclusion_proof,
};
use double_random::ledger::{ApprovalError, ResultError};
use double_random::proof::BundleError;
use double_random::records::{
    Envelope, EnvelopeDecodeError, EnvelopeError, FormatVersion, IssuerKey, IssuerPublicKey,
    KeyFileError, PublicKeyError, RecordError, RecordId, check_issuer_name,
};
use double_random::registers::{
    CreditClass, DuplicateEntity, DuplicateInspector, DuplicateItem, RegistrationStatus, Rule,
    Uscc, UsccError, UsccPolicy, uscc_check_character,
};
use double_random::sampling::{BasisPoints, SampleError, SizeError, sample_sizes};
use double_random::task::{Ratios, Task, TaskError};
use double_random::witness::{
    CosignatureError, CosignedHead, EvidenceProblem, Head, KeyChangeError, LogId, LogKind,
    LogReadError, NotWitnessed, RecordFault, Refusal, RequestError, WitnessId,
};

use super::Zh;

/// Checks `e`: its English is exactly `english`, and its Chinese holds
/// every one of `parts` (facts and Chinese text) and is not the English.
#[track_caller]
fn check<E: Zh + Display + ?Sized>(e: &E, english: &str, parts: &[&str]) -> String {
    assert_eq!(e.to_string(), english, "the English changed");
    let zh = e.zh();
    assert_ne!(zh, english, "no Chinese for {english:?}");
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "not Chinese: {zh:?}"
    );
    for p in parts {
        assert!(zh.contains(p), "{zh:?} lacks {p:?}");
    }
    zh
}

/// A valid USCC: `prefix` (17 characters) and its check character.
fn uscc(prefix: &str) -> Uscc {
    let first: [u8; 17] = prefix.as_bytes().try_into().unwrap();
    let c = uscc_check_character(&first).unwrap();
    Uscc::parse(&format!("{prefix}{c}"), UsccPolicy::Strict).unwrap()
}

fn bp(s: &str) -> BasisPoints {
    BasisPoints::parse_percent(s).unwrap()
}

fn id(n: u8) -> RecordId {
    format!("{:02x}", n).repeat(32).parse().unwrap()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn date(s: &str) -> double_random::time::Date {
    parse_date(s).unwrap()
}

const KEY_ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[test]
fn uscc_errors_and_the_rule_that_carries_them() {
    let first = "91350100M000100Y4";
    let good = uscc_check_character(first.as_bytes().try_into().unwrap()).unwrap();
    let bad = if good == 'X' { 'R' } else { 'X' };
    let e = Uscc::parse(&format!("{first}{bad}"), UsccPolicy::Strict).unwrap_err();
    assert_eq!(
        e,
        UsccError::CheckCharacter {
            expected: good,
            found: bad
        }
    );
    let rule = Rule::InvalidUscc { error: e };
    let zh = check(
        &rule,
        &format!("not a valid USCC: check character is {bad}, GB 32100-2015 gives {good}"),
        &[],
    );
    assert_eq!(
        zh,
        format!("不是有效的统一社会信用代码：校验码为 {bad}，按 GB 32100-2015 应为 {good}")
    );

    let e = Uscc::parse("9135", UsccPolicy::Strict).unwrap_err();
    check(
        &e,
        "a USCC has 18 characters, this one has 4",
        &["18 位", "4 位", "统一社会信用代码"],
    );
    let e = Uscc::parse("91350100M000100YI1", UsccPolicy::Strict).unwrap_err();
    check(
        &e,
        "character 'I' at position 17 is not allowed in a USCC (allowed: 0-9 and A-Y without I, O, S, V, Z)",
        &["第 17 位", "'I'", "I、O、S、V、Z"],
    );
}

#[test]
fn credit_class_status_and_duplicates() {
    let e = "E类".parse::<CreditClass>().unwrap_err();
    check(
        &e,
        "\"E类\" is not a credit class (write A, B, C or D; A类..D类; low, general, higher, high; or 低风险, 一般风险, 较高风险, 高风险)",
        &[
            "\"E类\"",
            "不是信用风险分类",
            "低风险、一般风险、较高风险、高风险",
        ],
    );
    let e = RegistrationStatus::parse_cell("营业中").unwrap_err();
    check(
        &e,
        "\"营业中\" is not a registration status (write 存续/在业/开业 or active; 歇业 or suspended; 吊销 or revoked; 注销 or deregistered; 迁出 or moved-out; 列入经营异常名录 or abnormal-list; 列入严重违法失信名单 or serious-violation-list)",
        &["\"营业中\"", "不是登记状态", "迁出 或 moved-out"],
    );
    let u = uscc("91140522MA0000001");
    check(
        &DuplicateEntity { uscc: u },
        &format!("USCC {u} appears more than once"),
        &[&u.to_string(), "出现了不止一次"],
    );
    check(
        &DuplicateInspector { id: "ZF001".into() },
        "inspector id \"ZF001\" appears more than once",
        &["\"ZF001\"", "执法检查人员编号"],
    );
    check(
        &DuplicateItem { id: "SX-1".into() },
        "check item id \"SX-1\" appears more than once",
        &["\"SX-1\"", "抽查事项编号"],
    );
}

#[test]
fn rules_of_register_rows() {
    check(
        &Rule::CertificateExpired {
            on: date("2024-06-03"),
            valid_to: date("2024-05-31"),
        },
        "certificate valid only until 2024-05-31, before 2024-06-03",
        &["执法证", "2024-05-31", "2024-06-03"],
    );
    check(
        &Rule::Unclassified,
        &Rule::Unclassified.to_string(),
        &["信用风险分类", "A–D", "事业单位", "docs/columns.zh-CN.md"],
    );
    check(
        &Rule::IdTooLong {
            length: 70,
            max: 64,
        },
        "an id is at most 64 characters; this one is 70",
        &["64", "70", "编号"],
    );
    check(
        &Rule::InvisibleCharacter {
            position: 3,
            code_point: "U+200B".into(),
        },
        "character 3 is U+200B, an invisible or text-reordering character; delete it (docs/columns.md)",
        &["第 3 个字符", "U+200B", "请删除", "docs/columns.zh-CN.md"],
    );
    check(
        &Rule::SameNameInspector { first_row: 7 },
        "same name and department as the inspector on row 7: two people, or one person entered twice?",
        &["第 7 行", "股室"],
    );
    check(
        &Rule::CheckCharacterAccepted { expected: 'Q' },
        "check character fails GB 32100-2015 (expected Q); admitted under the lenient policy",
        &["Q", "GB 32100-2015", "lenient"],
    );
}

#[test]
fn sizes_samples_ratios() {
    let e = sample_sizes([10, 10, 10, 10], [bp("10%"), bp("5%"), bp("5%"), bp("20%")]).unwrap_err();
    check(
        &e,
        "ratio of class B (5%) is lower than ratio of class A (10%); ratios must not decrease from A (lowest risk) to D (highest risk)",
        &["B 类", "（5%）", "A 类", "（10%）", "不得递减"],
    );
    check(
        &SampleError::SampleTooLarge {
            class_index: 2,
            n: 5,
            k: 7,
        },
        "cannot draw 7 distinct entities of class C from a pool of 5",
        &["C 类", "5 户", "7 户"],
    );
    let e = BasisPoints::parse_percent("0.05").unwrap_err();
    check(
        &e,
        "ratio \"0.05\" has no '%' sign; ratios are written as percentages: write \"5%\"",
        &["\"0.05\"", "'%'", "\"5%\""],
    );
    let e = BasisPoints::parse_percent("1e3%").unwrap_err();
    check(
        &e,
        "ratio \"1e3%\" is not a plain decimal percentage (exponent notation is not accepted); write digits, an optional '.' with 1 or 2 digits, then '%', e.g. \"12.5%\"",
        &["\"1e3%\"", "科学计数法", "\"12.5%\""],
    );
    let e = BasisPoints::new(10001).unwrap_err();
    check(
        &e,
        "10001 basis points is above 10000 (100%)",
        &["10001", "10000", "100%"],
    );
}

#[test]
fn task_errors_carry_the_rules_and_ratios() {
    let r = Ratios([bp("5%"), bp("10%"), bp("20%"), bp("50%")]);
    let d = date("2024-06-03");
    let e = Task::new(
        "T-1",
        "取水许可检查",
        vec![],
        r,
        TeamRules::new(1, "管理股"),
        d,
    )
    .unwrap_err();
    check(
        &e,
        "a team has 1 place(s); the law (行政处罚法 art. 42) requires at least two officers, so give the team two places or more",
        &["1 个席位", "行政处罚法第四十二条", "两名执法人员"],
    );
    let e = Task::new(
        " ",
        "取水许可检查",
        vec![],
        r,
        TeamRules::new(2, "管理股"),
        d,
    )
    .unwrap_err();
    check(&e, "task field id is empty", &["任务字段 id", "为空"]);
    let e = TaskError::Ratio {
        class: CreditClass::C,
        error: BasisPoints::parse_percent("-3%").unwrap_err(),
    };
    check(
        &e,
        "ratio of class C: ratio \"-3%\" is negative; ratios must be between 0% and 100%",
        &["C 类", "\"-3%\"", "负数", "0% 到 100%"],
    );
    let e = TaskError::InspectionDate {
        date: time::Date::from_calendar_date(1012, time::Month::September, 2).unwrap(),
    };
    check(
        &e,
        "inspection date 1012-09-02 is outside the years 1900 to 9999 that a record can hold",
        &["检查日期 1012-09-02", "1900 至 9999"],
    );
}

#[test]
fn calendar_errors() {
    let e = WorkingCalendar::from_text("year 2024 国办发明电〔2023〕7号\n2024-10-08 workday\n")
        .unwrap_err();
    check(
        &e,
        "line 2: 2024-10-08 is a Tuesday, already a working day; `workday` marks a Saturday or Sunday made a working day (调休上班)",
        &["第 2 行", "2024-10-08", "星期二", "`workday`", "调休上班"],
    );
    let e = WorkingCalendar::from_text("# nothing\n").unwrap_err();
    check(
        &e,
        "the holiday table has no `year` line, so it covers no year",
        &["`year`", "放假安排表"],
    );
    check(
        &CalendarError::UncoveredYear {
            year: 2031,
            date: date("2031-01-01"),
        },
        "no holiday notice is loaded for 2031 (needed for 2031-01-01); load that year's State Council notice from a calendar file (docs/calendar.md)",
        &["2031 年", "2031-01-01", "国务院", "docs/calendar.md"],
    );
    let e = NoticeError::DiffersFromLoaded {
        year: 2024,
        origin: "calendar file 2024.toml".into(),
        source_name: "国办发明电〔2023〕7号".into(),
        date: date("2024-02-04"),
        loaded: "a make-up working day",
        given: "an ordinary day",
    };
    check(
        &e,
        "2024 is already loaded (calendar file 2024.toml: 国办发明电〔2023〕7号) and this notice differs from it on 2024-02-04: a make-up working day there, an ordinary day here; a loaded year can only be given again identically",
        &[
            "2024 年",
            "日历文件 2024.toml",
            "国办发明电〔2023〕7号",
            "2024-02-04",
            "调休上班日",
            "普通日子",
        ],
    );
    check(
        &NoticeError::Overlap {
            entry: 3,
            other: 1,
            date: date("2024-10-01"),
        },
        "2024-10-01 is listed by two entries (1 and 3)",
        &["2024-10-01", "条目 1", "条目 3"],
    );
}

#[test]
fn record_ids_envelopes_and_keys() {
    let e = "abc".parse::<RecordId>().unwrap_err();
    check(
        &e,
        "\"abc\" is not a record id (64 lowercase hex digits): odd number of hex digits (3)",
        &["\"abc\"", "记录编号", "奇数（3）"],
    );
    let e = "AB".repeat(32).parse::<RecordId>().unwrap_err();
    check(
        &e,
        &format!(
            "\"{}\" is not a record id (64 lowercase hex digits): byte 0x41 at offset 0 is not a lowercase hex digit",
            "AB".repeat(32)
        ),
        &["偏移 0", "0x41", "小写十六进制"],
    );
    let e = "ab".repeat(31).parse::<RecordId>().unwrap_err();
    check(
        &e,
        &format!(
            "\"{}\" is not a record id (64 lowercase hex digits): expected 32 bytes (64 hex digits), found 31 bytes",
            "ab".repeat(31)
        ),
        &["32 字节", "64 位", "31 字节"],
    );

    let e = Envelope::from_json(b"{\"payloadType\":\"t\",\"payload\":\"QR==\",\"signatures\":[]}")
        .unwrap_err();
    let english = e.to_string();
    check(&e, &english, &["\"payload\"", "base64"]);
    let e = Envelope::from_json(b"{} x").unwrap_err();
    let english = e.to_string();
    check(&e, &english, &["信封"]);
    check(
        &EnvelopeError::BadSignature {
            key_id: KEY_ID.into(),
        },
        &format!("the signature by key {KEY_ID} does not verify"),
        &[KEY_ID, "签名验证不通过"],
    );

    // The identity point: a weak (small-order) key.
    let mut weak = [0u8; 32];
    weak[0] = 1;
    let e = IssuerPublicKey::from_bytes("阳城县市场监督管理局", &weak).unwrap_err();
    check(
        &e,
        "line 3: weak Ed25519 public key (small-order point)",
        &["第 3 行", "弱公钥", "小阶点"],
    );
    let e = IssuerPublicKey::from_text("not a key file\n").unwrap_err();
    assert!(matches!(e, KeyFileError::Header { .. }), "{e:?}");
    let english = e.to_string();
    check(&e, &english, &["第 1 行", "文件头"]);
    check(
        &KeyFileError::PublicKeyBase64(Base64Error::Length { len: 3 }),
        "line 3: public key: length 3 is not a multiple of 4 (padding missing?)",
        &["第 3 行", "公钥", "3 字节", "4 的倍数"],
    );
    check(
        &PublicKeyError::NonCanonical,
        "non-canonical Ed25519 point encoding",
        &["Ed25519", "不规范"],
    );

    let key = IssuerKey::from_secret_bytes("阳城县水务局", &[1; 32]).unwrap();
    let e = key.public_key().verify_message(b"m", &[0; 64]).unwrap_err();
    check(
        &e,
        "Ed25519 signature does not verify (strict verification)",
        &["Ed25519", "严格验证"],
    );
    let e = check_issuer_name(" 阳城县水务局").unwrap_err();
    check(
        &e,
        "issuer name begins or ends with whitespace",
        &["签发单位名称", "空白"],
    );
    let e = check_issuer_name("").unwrap_err();
    check(&e, "issuer name is empty", &["签发单位名称为空"]);
    check(
        &RecordError::NotExpressible {
            format: FormatVersion::V1,
            reason: "an after-draw record (format version 2 only)",
        },
        "the record cannot be written in format version 1: an after-draw record (format version 2 only)",
        &["格式版本 1", "抽取后记录"],
    );
    check(
        &RecordError::IssuerMismatch {
            stated: "甲局".into(),
            actual: "乙局".into(),
        },
        "record states issuer \"甲局\", the key belongs to \"乙局\"",
        &["\"甲局\"", "\"乙局\"", "签发单位"],
    );
}

#[test]
fn commitments_proofs_and_bundles() {
    check(
        &FieldTooLong { len: 5_000_000_000 },
        "a field of 5000000000 bytes is longer than a leaf field may be (2^32 - 1)",
        &["5000000000 字节", "2^32 - 1"],
    );
    let e = inclusion_proof(&[], 0).unwrap_err();
    check(
        &e,
        "leaf index 0 is outside a tree of size 0",
        &["叶子序号 0", "大小为 0"],
    );
    check(
        &MerkleError::RootMismatch {
            computed: [0xab; 32],
            expected: [0xcd; 32],
        },
        &format!(
            "recomputed root {} does not match expected root {}",
            "ab".repeat(32),
            "cd".repeat(32)
        ),
        &[&"ab".repeat(32), &"cd".repeat(32), "默克尔根"],
    );
    let (a, b) = (uscc("91140522MA0000002"), uscc("91140522MA0000001"));
    check(
        &CommitError::OutOfOrder {
            uscc: b,
            class: CreditClass::A,
            previous_uscc: a,
            previous_class: CreditClass::B,
        },
        &format!(
            "entity {b} (class A) comes after {a} (class B); entities must be streamed in canonical order without repeats"
        ),
        &[&b.to_string(), &a.to_string(), "A 类", "B 类", "规范顺序"],
    );
    check(
        &ProofError::Position {
            index: 12,
            class: CreditClass::D,
            rank: 3,
        },
        "leaf 12 is not rank 3 of class D under the committed class sizes",
        &["叶子 12", "序位 3", "D 类"],
    );
    check(
        &BundleError::Kind {
            which: "draw",
            found: "cancellation",
        },
        "the draw envelope holds a cancellation record",
        &["抽取信封", "撤销记录"],
    );
    check(
        &BundleError::Envelope {
            which: "commitment",
            error: EnvelopeDecodeError::NoSignatures,
        },
        "commitment envelope: the envelope has no signatures",
        &["承诺信封", "没有签名"],
    );
}

#[test]
fn chain_draw_and_after_draw() {
    check(
        &ChainError::HasOutcome {
            commitment: id(1),
            outcome: "cancelled",
        },
        &format!(
            "commitment {} already has an outcome (cancelled); it is never drawn or cancelled again",
            id(1)
        ),
        &[&id(1).to_string(), "已撤销", "承诺"],
    );
    check(
        &ChainError::TimeBackwards {
            created_at: at("2024-06-01T08:00:00Z"),
            last: at("2024-06-02T08:00:00Z"),
        },
        "2024-06-01T08:00:00Z is before the chain's last record (2024-06-02T08:00:00Z)",
        &[
            "2024-06-01T08:00:00Z（北京时间 2024-06-01 16:00:00）",
            "2024-06-02T08:00:00Z",
        ],
    );
    let e = ChainError::Draw(DrawError::RegisterMismatch {
        register: "master entity",
        committed: "(none)".into(),
        actual: format!("{} of size 30", "ab".repeat(32)),
    });
    check(
        &e,
        &format!(
            "the master entity register differs from the committed one (committed root (none), this file {} of size 30); draw with the registers that were committed, or cancel and commit again",
            "ab".repeat(32)
        ),
        &[
            "检查对象主名录库",
            "承诺的根 无",
            &"ab".repeat(32),
            "大小为 30",
            "撤销后重新承诺",
        ],
    );
    check(
        &DrawError::Randomness {
            reason: "a drand round's randomness is 32 bytes".into(),
        },
        "randomness does not fit the committed plan: a drand round's randomness is 32 bytes",
        &["随机数", "drand", "32 字节"],
    );
    check(
        &DrawError::Size(SizeError::PoolOverflow {
            pools: [u64::MAX, 1, 0, 0],
        }),
        &format!(
            "total pool size overflows u64 (pools [{}, 1, 0, 0])",
            u64::MAX
        ),
        &["u64", &format!("[{}, 1, 0, 0]", u64::MAX)],
    );
    check(
        &AfterDrawError::NotACandidate {
            officer: "ZF003".into(),
            why: "left a team of this draw for illness or transfer",
        },
        "officer ZF003 cannot take the place: left a team of this draw for illness or transfer",
        &["ZF003", "因病或调动"],
    );
    check(
        &AfterDrawError::TeamShape {
            listed: 3,
            distinct: 2,
            places: 3,
        },
        "the team lists 3 officer(s), 2 distinct, for 3 places",
        &["3 名", "2 名", "3 个"],
    );
}

#[test]
fn ledger_errors() {
    let u = uscc("91140522MA0000003");
    check(
        &ResultError::Duplicate {
            draw: "ab".repeat(32),
            uscc: u,
            department: Some("管理股".into()),
            first: "cd".repeat(32),
        },
        &format!(
            "entity {u} already has a result for draw {} by 管理股 (record {}); change it with a correction",
            "ab".repeat(32),
            "cd".repeat(32)
        ),
        &[&u.to_string(), "管理股录入的", &"cd".repeat(32), "更正"],
    );
    check(
        &ResultError::Field {
            field: "categories",
            rule: "no-problem excludes every other category",
        },
        "field categories: no-problem excludes every other category",
        &["字段 categories", "no-problem"],
    );
    check(
        &ApprovalError::Signature(EnvelopeError::NoKeys),
        "approver signature: no verifying keys were given",
        &["审批人签名", "公钥"],
    );
}

#[test]
fn assignment_version_1() {
    let e = v1::AssignError::NoTeam {
        uscc: uscc("91140522MA0000004"),
        slot: v1::SlotKind::Expertise {
            tag: "特种设备".into(),
        },
        reason: v1::Binding::TooFewEligible {
            needed: 2,
            available: 1,
            breakdown: v1::Breakdown {
                total: 5,
                on_team: 1,
                expired: 1,
                conflicted: 1,
                same_jurisdiction: 0,
                rotation: 1,
                at_cap: 0,
            },
        },
    };
    check(
        &e,
        &e.to_string(),
        &[
            "专业领域 特种设备 的席位",
            "需要 2 名",
            "只有 1 名",
            "共 5 人",
            "1 人需回避",
        ],
    );
    check(
        &v1::RulesError::TooSmallForExpertise {
            team_size: 2,
            departments: 2,
            tags: 1,
        },
        "team size 2 is smaller than 2 department place(s) plus 1 expertise place(s); raise team_size to 3 or require fewer expertise tags",
        &["team_size 提高到 3", "1 个专业领域席位"],
    );
}

#[test]
fn assignment_version_2() {
    let u = uscc("91140522MA0000005");
    let e = assignment::AssignError::NoTeam {
        uscc: u,
        place: 1,
        reason: assignment::Binding::TooFewForTeam {
            places: vec![0, 1],
            officers: vec!["ZF001".into()],
        },
    };
    check(
        &e,
        &format!(
            "no team for entity {u}: place 1 cannot be filled by any assignment of the drawn entities: the entity's places [0, 1] can only be filled by the 1 officer(s) [\"ZF001\"]; add eligible officers or ask for fewer places with these requirements"
        ),
        &["席位 1", "[0, 1]", "1 名", "[\"ZF001\"]"],
    );
    let e = StaffingError::CapTooLow {
        cap: 2,
        smallest_safe_cap: 3,
        bottleneck: Bottleneck {
            officers: 2,
            places: 5,
            kinds: vec![OfficerKind {
                department: "管理股".into(),
                places: vec![0],
                officers: 4,
                counted: 2,
            }],
            example: Some(u),
        },
    };
    check(
        &e,
        &e.to_string(),
        &[
            "工作量上限 2",
            "至少 3",
            "2 名执法人员",
            "5 个席位",
            "管理股",
            &u.to_string(),
        ],
    );
    let e = PickError::NoCandidate {
        uscc: u,
        place: 0,
        breakdown: PickBreakdown {
            total: 3,
            conflicted: 2,
            left: 1,
            ..Default::default()
        },
    };
    check(
        &e,
        &e.to_string(),
        &[
            "席位 0",
            "共 3 名",
            "2 人已申报与该检查对象回避",
            "1 人已退出",
        ],
    );
    check(
        &PickError::PlaceOutOfRange {
            place: 4,
            places: 3,
        },
        "place 4 does not exist: the team has 3 places (0 to 2)",
        &["席位 4", "3 个席位", "0 至 2"],
    );
    check(
        &StaffingError::SizeExceedsPool {
            class: CreditClass::B,
            size: 9,
            pool: 4,
        },
        "9 entities of class B to draw but the pool holds 4; correct the sizes",
        &["B 类", "9 户", "4 户"],
    );
}

#[test]
fn an_untrusted_cosignature_with_an_empty_key_id() {
    let e = EvidenceProblem::Untrusted {
        key_ids: vec![String::new(), KEY_ID.into()],
    };
    check(
        &e,
        &format!("a cosignature by no trusted witness (key ids \"\", {KEY_ID})"),
        &[&format!("密钥编号 \"\", {KEY_ID}"), "副署"],
    );
}

#[test]
fn witness_errors() {
    let w = WitnessId {
        name: "驻局纪检组".into(),
        key_id: KEY_ID.into(),
    };
    let e = EvidenceProblem::Rollback {
        cosigned: CosignedHead {
            log: LogId {
                issuer: "阳城县水务局".into(),
                key_id: KEY_ID.into(),
                kind: LogKind::Receipts,
            },
            head: Head {
                sequence: 9,
                record: id(2),
            },
            witness: w.clone(),
            time: at("2024-06-01T08:00:00Z"),
        },
        chain_end: Some(7),
    };
    check(
        &e,
        &format!(
            "驻局纪检组 cosigned head 9 ({}) at 2024-06-01T08:00:00Z, but the chain holds no record at that sequence (it ends at 7)",
            id(2)
        ),
        &["驻局纪检组", "序号 9", &id(2).to_string(), "副署", "序号 7"],
    );
    check(
        &NotWitnessed {
            needed: 2,
            found: vec![],
        },
        "witnessed by 0 trusted witness(es), 2 required",
        &["0 个", "2 个", "见证方"],
    );
    check(
        &KeyChangeError::KeyIdMismatch {
            which: "old",
            stated: "aa".into(),
            actual: "bb".into(),
        },
        "the old key id is stated as aa, the key's id is bb",
        &["旧密钥", "aa", "bb"],
    );
    check(
        &RequestError::TooManyRecords {
            count: 5000,
            limit: 1000,
        },
        "5000 records in one request, at most 1000",
        &["5000 条", "1000 条"],
    );
    let e = RecordFault::BrokenLink {
        expected: None,
        found: Some(id(3)),
    };
    check(
        &e,
        &format!("previous is {}, expected null", id(3)),
        &["previous", &id(3).to_string(), "null"],
    );
    check(
        &Refusal::BadRecord {
            index: 2,
            reason: RecordFault::Sequence {
                expected: 4,
                found: 6,
            },
        },
        "record 2 of the request: sequence 6, expected 4",
        &["记录 2", "序号为 6", "应为 4"],
    );
    check(
        &Refusal::Conflict { held: None },
        "the witness holds head none, not the old head named",
        &["none", "链头", "尚未副署"],
    );
    check(
        &LogReadError::NotLinked { line: 4, found: 8 },
        "line 4: sequence 8 does not follow the line before on the chain",
        &["第 4 行", "序号 8"],
    );
    let e = "ledger".parse::<LogKind>().unwrap_err();
    check(
        &e,
        "\"ledger\" is not a log kind (receipts or results)",
        &["\"ledger\"", "receipts", "results"],
    );
    check(
        &CosignatureError::WitnessMismatch {
            stated: w.clone(),
            actual: WitnessId {
                name: "上级局".into(),
                key_id: KEY_ID.into(),
            },
        },
        &CosignatureError::WitnessMismatch {
            stated: w,
            actual: WitnessId {
                name: "上级局".into(),
                key_id: KEY_ID.into(),
            },
        }
        .to_string(),
        &["驻局纪检组", "上级局", KEY_ID],
    );
}

#[test]
fn an_unknown_fixed_reason_is_kept_as_given() {
    // A reason phrase the library adds later stays English, after the
    // Chinese frame (a later enum variant falls back the same way).
    let e = DrawError::Randomness {
        reason: "something new".into(),
    };
    assert!(e.zh().ends_with("something new"), "{}", e.zh());
}
