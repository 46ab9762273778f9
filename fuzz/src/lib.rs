//! The properties the fuzz targets check, one public function per target.
//!
//! Every function takes the raw fuzzer input and must return normally for
//! every input: a panic (including a failed assertion, an arithmetic
//! overflow under `cargo fuzz`'s debug assertions, or an out-of-bounds
//! index) is a finding. Where a decoder accepts an input, the functions also
//! check the round trip (decode, encode, decode again: equal) and the
//! invariants the library documents.
//!
//! The targets in `fuzz_targets/` are one line each, calling the function
//! of the same name; `examples/make_seeds.rs` writes the seed corpora from
//! the fixtures here and the repository's test vectors.

use std::collections::HashSet;
use std::sync::OnceLock;

use double_random::{
    calendar::{NoticeDayKind, Timestamp, WorkingCalendar},
    chain::{Chain, ChainError, Commit, Draw},
    ledger::{
        Approvals, CHECKPOINT_TYPE, CORRECTION_TYPE, DrawIndex, InspectorDisclosure, LEDGER_TYPES,
        Ledger, LedgerOptions, LedgerRecord, PublicView, RESULT_TYPE, check_published_file,
        published_file, sign_correction, summarise, verify_ledger,
    },
    records::{
        CANCELLATION_TYPE, COMMITMENT_TYPE, CancellationPayload, DRAW_TYPE, DrawPayload,
        RECEIPT_TYPES, RandomnessPlan, RandomnessValue, Record, Witnessing,
    },
    registers::Registers,
    task::Task,
    verify::{
        ChainLine, Level, Report, VerifyOptions, read_chain, verify_chain, verify_chain_bytes,
    },
};
use double_random::{
    calendar::{format_date, parse_date},
    commitment::{
        EntityCommitment, EntityProof, Hash, InclusionProof, commit_conflicts, commit_entities,
        commit_inspectors, commit_items, entity_leaf_hashes, inclusion_proof as cut_proof,
        leaf_hash, prove_entity, root_from_leaf_hashes, verify_inclusion,
    },
    records::{Envelope, FormatVersion, IssuerKey, IssuerPublicKey, verify, verify_any_of},
    registers::{
        CheckItemList, ConflictRegister, ConflictRow, CreditClass, EntityRegister, EntityRow,
        InspectorRegister, InspectorRow, ItemRow, Uscc, UsccPolicy, ValidationOptions,
    },
    sampling::{BasisPoints, draw_ranks},
};
use double_random_cli::calendar_file::{add_calendar_text, parse_calendar_file};
use double_random_cli::input::{
    ColumnMap, Encoding, Table, TableKind, read_table_bytes, resolve_headers,
};
use double_random_cli::lang::Zh;
use double_random_cli::notice::escape;
use double_random_cli::plan::PlanReport;
use double_random_cli::secrets::{SALT_LEN, parse_secrets, salt_line};
use double_random_cli::task_file::parse_task;
use double_random_cli::when::{bj, parse_time_as_written, split_time_prefix};
use double_random_cli::year::{analyse, parse_year_plan};

// ---------------------------------------------------------------------------
// Fixtures

/// The payload type of the envelope test vectors.
pub const TEST_PAYLOAD_TYPE: &str = "application/vnd.double-random.test+json";

/// TEST ONLY issuer key of the envelope vectors: secret seed 0x01..=0x20.
pub fn test_issuer() -> &'static IssuerKey {
    static KEY: OnceLock<IssuerKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 1);
        IssuerKey::from_secret_bytes("阳城县水务局 (TEST ONLY)", &seed)
            .expect("fixed issuer name is valid")
    })
}

/// TEST ONLY second key of the envelope vectors: secret seed 0x21..=0x40.
pub fn other_issuer() -> &'static IssuerKey {
    static KEY: OnceLock<IssuerKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 0x21);
        IssuerKey::from_secret_bytes("审批人 (TEST ONLY)", &seed)
            .expect("fixed issuer name is valid")
    })
}

/// The eight leaves of the RFC 6962 test tree used by `tests/vectors/merkle.json`.
pub const MERKLE_LEAVES: [&[u8]; 8] = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
];

/// Leaf hashes of [`MERKLE_LEAVES`].
pub fn merkle_leaf_hashes() -> &'static [Hash; 8] {
    static HASHES: OnceLock<[Hash; 8]> = OnceLock::new();
    HASHES.get_or_init(|| MERKLE_LEAVES.map(leaf_hash))
}

/// The worked example's entity register (`examples/yangcheng/entities.csv`).
pub fn example_entities() -> &'static EntityRegister {
    static REGISTER: OnceLock<EntityRegister> = OnceLock::new();
    REGISTER.get_or_init(|| {
        let bytes = include_bytes!("../../examples/yangcheng/entities.csv");
        let table = read_table_bytes("entities.csv", bytes, Encoding::Auto)
            .expect("example register reads");
        let map = resolve_headers(&table, TableKind::Entities).expect("example headers");
        let validated =
            EntityRegister::from_rows(entity_rows(&table, &map), &ValidationOptions::default());
        assert!(validated.is_clean(), "example register is clean");
        validated.register
    })
}

/// The commitment to [`example_entities`] with the leaves of `version`.
pub fn example_commitment(version: FormatVersion) -> EntityCommitment {
    // The register keeps its commitment per version: computed once.
    commit_entities(example_entities(), version).expect("example register commits")
}

/// Lossy text of the input: every input reaches the parser, not only valid UTF-8.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

// ---------------------------------------------------------------------------
// Small parsers

/// `Uscc::parse` under both policies; display → parse is the identity.
pub fn uscc(data: &[u8]) {
    let text = text(data);
    let strict = Uscc::parse(&text, UsccPolicy::Strict);
    for policy in [UsccPolicy::Strict, UsccPolicy::LenientCheckCharacter] {
        match Uscc::parse(&text, policy) {
            Ok(code) => {
                let shown = code.to_string();
                assert_eq!(shown, code.as_str());
                assert_eq!(Uscc::parse(&shown, policy), Ok(code));
                assert_eq!(code.check_character_is_valid(), strict.is_ok());
                assert_eq!(code.region_code().len(), 6);
                let _ = code.expected_check_character();
                let json = serde_json::to_string(&code).expect("a USCC serializes");
                let back: Uscc = serde_json::from_str(&json).expect("lenient JSON round trip");
                assert_eq!(back, code);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    if let Ok(code) = serde_json::from_slice::<Uscc>(data) {
        assert_eq!(
            Uscc::parse(code.as_str(), UsccPolicy::LenientCheckCharacter),
            Ok(code)
        );
    }
}

/// `CreditClass` from text; `to_string().parse()` is the identity.
pub fn credit_class(data: &[u8]) {
    let text = text(data);
    match text.parse::<CreditClass>() {
        Ok(class) => {
            assert_eq!(class.to_string().parse::<CreditClass>(), Ok(class));
            assert_eq!(CreditClass::from_index(class.index()), Some(class));
            assert_eq!(class.chinese_name().parse::<CreditClass>(), Ok(class));
            assert_eq!(class.english_name().parse::<CreditClass>(), Ok(class));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Ok(class) = serde_json::from_slice::<CreditClass>(data) {
        let json = serde_json::to_string(&class).expect("a class serializes");
        assert_eq!(serde_json::from_str::<CreditClass>(&json).ok(), Some(class));
    }
}

/// `BasisPoints::parse_percent`; display → parse is the identity.
pub fn ratio(data: &[u8]) {
    let text = text(data);
    match BasisPoints::parse_percent(&text) {
        Ok(bp) => {
            assert!(bp.get() <= 10_000);
            let shown = bp.to_string();
            assert_eq!(BasisPoints::parse_percent(&shown), Ok(bp));
            assert_eq!(BasisPoints::new(bp.get()), Ok(bp));
        }
        Err(e) => {
            // The message may carry a suggestion computed from the text.
            let _ = e.to_string();
        }
    }
    if let Ok(bp) = serde_json::from_slice::<BasisPoints>(data) {
        let json = serde_json::to_string(&bp).expect("a ratio serializes");
        assert_eq!(serde_json::from_str::<BasisPoints>(&json).ok(), Some(bp));
    }
}

/// `parse_date`; `format_date` → parse is the identity.
pub fn date(data: &[u8]) {
    let text = text(data);
    if let Some(d) = parse_date(&text) {
        let shown = format_date(d);
        assert_eq!(shown.len(), 10, "{shown}");
        assert_eq!(parse_date(&shown), Some(d));
    }
}

// ---------------------------------------------------------------------------
// Registers

/// Validation options from one input byte: USCC policy and certificate date.
fn options(flags: u8) -> ValidationOptions {
    ValidationOptions {
        uscc_policy: if flags & 1 == 0 {
            UsccPolicy::Strict
        } else {
            UsccPolicy::LenientCheckCharacter
        },
        on: if flags & 2 == 0 {
            None
        } else {
            parse_date("2024-06-03")
        },
    }
}

/// Field `i` of a row, or `""`.
fn field(fields: &[&str], i: usize) -> String {
    fields.get(i).copied().unwrap_or_default().to_owned()
}

/// Splits the input into rows (`\n`) of fields (`\t`) and feeds the same
/// rows, by position, to every register kind; then commits each register
/// and proves a few entities against the entity commitment.
pub fn register_rows(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let opts = options(flags);
    let text = text(rest);
    let rows: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let numbered = || rows.iter().enumerate().map(|(i, f)| (i + 1, f));

    let entities = EntityRegister::from_rows(
        numbered().map(|(row, f)| EntityRow {
            row,
            uscc: field(f, 0),
            name: field(f, 1),
            credit_class: field(f, 2),
            region: field(f, 3),
            industry: field(f, 4),
            status: field(f, 5),
            target_types: field(f, 6),
        }),
        &opts,
    );
    let inspectors = InspectorRegister::from_rows(
        numbered().map(|(row, f)| InspectorRow {
            row,
            id: field(f, 0),
            name: field(f, 1),
            department: field(f, 2),
            region: field(f, 3),
            expertise: field(f, 4),
            cert_valid_from: field(f, 5),
            cert_valid_to: field(f, 6),
        }),
        &opts,
    );
    let conflict_rows = || {
        numbered().map(|(row, f)| ConflictRow {
            row,
            inspector_id: field(f, 0),
            uscc: field(f, 1),
            reason: field(f, 2),
        })
    };
    let unchecked = ConflictRegister::from_rows(conflict_rows(), None, None, &opts);
    let conflicts = ConflictRegister::from_rows(
        conflict_rows(),
        Some(&entities.register),
        Some(&inspectors.register),
        &opts,
    );
    let items = CheckItemList::from_rows(numbered().map(|(row, f)| ItemRow {
        row,
        id: field(f, 0),
        name: field(f, 1),
        category: field(f, 2),
        target_type: field(f, 3),
        basis: field(f, 4),
        department: field(f, 5),
        content: field(f, 6),
        method: field(f, 7),
        expertise: field(f, 8),
    }));
    for p in entities
        .problems
        .iter()
        .chain(&inspectors.problems)
        .chain(&unchecked.problems)
        .chain(&conflicts.problems)
        .chain(&items.problems)
    {
        let _ = p.to_string();
    }

    check_entity_register(&entities.register);
    let _ = commit_inspectors(&inspectors.register);
    let _ = commit_conflicts(&unchecked.register, b"salt");
    let _ = commit_conflicts(&conflicts.register, b"");
    let _ = commit_items(&items.register);
}

/// A register built by the library commits, and its entities prove
/// membership, class and rank against that commitment.
fn check_entity_register(register: &EntityRegister) {
    for version in [FormatVersion::V1, FormatVersion::V2] {
        let commitment = match commit_entities(register, version) {
            Ok(c) => c,
            // Only an over-long field can stop a canonical register committing.
            Err(double_random::commitment::CommitError::FieldTooLong(_)) => return,
            Err(e) => panic!("a validated register failed to commit: {e}"),
        };
        assert_eq!(commitment.class_sizes, register.class_sizes());
        assert_eq!(commitment.size(), Some(register.len() as u64));
        let Ok(hashes) = entity_leaf_hashes(register, version) else {
            return;
        };
        for e in register.entities().iter().take(4) {
            let proof = prove_entity(register, &hashes, &e.uscc, version)
                .expect("entity is in its register");
            proof
                .verify(&commitment, version)
                .expect("proof from the register verifies");
        }
    }
}

// ---------------------------------------------------------------------------
// Tables (CLI input)

/// The four table kinds.
const KINDS: [TableKind; 4] = [
    TableKind::Entities,
    TableKind::Inspectors,
    TableKind::Conflicts,
    TableKind::Items,
];

/// Entity rows of a table whose headers resolved for [`TableKind::Entities`].
pub fn entity_rows<'t>(
    table: &'t Table,
    map: &'t ColumnMap,
) -> impl Iterator<Item = EntityRow> + 't {
    table.rows.iter().map(|r| EntityRow {
        row: r.line,
        uscc: map.get(r, "uscc").to_owned(),
        name: map.get(r, "name").to_owned(),
        credit_class: map.get(r, "credit_class").to_owned(),
        region: map.get(r, "region").to_owned(),
        industry: map.get(r, "industry").to_owned(),
        status: map.get(r, "status").to_owned(),
        target_types: map.get(r, "target_types").to_owned(),
    })
}

/// Inspector rows of a table whose headers resolved for [`TableKind::Inspectors`].
pub fn inspector_rows<'t>(
    table: &'t Table,
    map: &'t ColumnMap,
) -> impl Iterator<Item = InspectorRow> + 't {
    let get = |r, col| map.get(r, col).to_owned();
    table.rows.iter().map(move |r| InspectorRow {
        row: r.line,
        id: get(r, "id"),
        name: get(r, "name"),
        department: get(r, "department"),
        region: get(r, "region"),
        expertise: get(r, "expertise"),
        cert_valid_from: get(r, "cert_valid_from"),
        cert_valid_to: get(r, "cert_valid_to"),
    })
}

/// Conflict rows of a table whose headers resolved for [`TableKind::Conflicts`].
pub fn conflict_rows<'t>(
    table: &'t Table,
    map: &'t ColumnMap,
) -> impl Iterator<Item = ConflictRow> + 't {
    let get = |r, col| map.get(r, col).to_owned();
    table.rows.iter().map(move |r| ConflictRow {
        row: r.line,
        inspector_id: get(r, "inspector_id"),
        uscc: get(r, "uscc"),
        reason: get(r, "reason"),
    })
}

/// Check-item rows of a table whose headers resolved for [`TableKind::Items`].
pub fn item_rows<'t>(table: &'t Table, map: &'t ColumnMap) -> impl Iterator<Item = ItemRow> + 't {
    let get = |r, col| map.get(r, col).to_owned();
    table.rows.iter().map(move |r| ItemRow {
        row: r.line,
        id: get(r, "id"),
        name: get(r, "name"),
        category: get(r, "category"),
        target_type: get(r, "target_type"),
        basis: get(r, "basis"),
        department: get(r, "department"),
        content: get(r, "content"),
        method: get(r, "method"),
        expertise: get(r, "expertise"),
    })
}

/// Reads the bytes as a table file named `name`, checks the table's shape,
/// resolves its headers for every kind and builds the registers the CLI
/// would build from it.
fn table(name: &str, data: &[u8], encoding: Encoding) {
    contain_workbook_reader_panics();
    let table = match read_table_bytes(name, data, encoding) {
        Ok(t) => t,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let mut last = 0;
    for row in &table.rows {
        assert!(row.fields.len() <= table.headers.len());
        assert!(
            row.line > last,
            "row numbers increase: {} after {last}",
            row.line
        );
        last = row.line;
    }
    let opts = ValidationOptions::default();
    for kind in KINDS {
        let map = match resolve_headers(&table, kind) {
            Ok(m) => m,
            Err(e) => {
                let _ = e.to_string();
                continue;
            }
        };
        match kind {
            TableKind::Entities => {
                let v = EntityRegister::from_rows(entity_rows(&table, &map), &opts);
                let _ = commit_entities(&v.register, FormatVersion::V2);
            }
            TableKind::Inspectors => {
                let _ = InspectorRegister::from_rows(inspector_rows(&table, &map), &opts);
            }
            TableKind::Conflicts => {
                let _ = ConflictRegister::from_rows(conflict_rows(&table, &map), None, None, &opts);
            }
            TableKind::Items => {
                let _ = CheckItemList::from_rows(item_rows(&table, &map));
            }
            // Result sheets (`record-results`) are not a register.
            TableKind::Results => {}
        }
    }
}

/// Crates whose panics the CLI contains (`catch_unwind` around the
/// workbook reader in `cli/src/input/workbook.rs`).
const CONTAINED: [&str; 3] = ["/calamine-", "/zip-", "/quick-xml-"];

/// libfuzzer-sys installs a panic hook that aborts at once, before any
/// `catch_unwind` can run. Keep it for every panic except those raised
/// inside the workbook reader's crates, which the CLI catches and turns into
/// an error; if such a panic ever escaped the CLI, libfuzzer-sys's own
/// `catch_unwind` around the target would still abort and report it.
fn contain_workbook_reader_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let contained = info
                .location()
                .is_some_and(|l| CONTAINED.iter().any(|c| l.file().contains(c)));
            if !contained {
                fuzzer_hook(info);
            }
        }));
    });
}

/// CSV bytes under every `--encoding`.
pub fn table_csv(data: &[u8]) {
    for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030] {
        table("register.csv", data, encoding);
    }
}

/// Workbook bytes (calamine on arbitrary zip archives).
pub fn table_xlsx(data: &[u8]) {
    table("register.xlsx", data, Encoding::Auto);
}

// ---------------------------------------------------------------------------
// Receipts and proofs

/// `Envelope::from_json`; verification never panics; encode → decode is
/// the identity and keeps the record id.
pub fn envelope(data: &[u8]) {
    let env = match Envelope::from_json(data) {
        Ok(env) => env,
        Err(e) => {
            let _ = (e.kind(), e.to_string());
            return;
        }
    };
    assert!(!env.signatures().is_empty());
    let key: &IssuerPublicKey = test_issuer().public_key();
    let keys = [other_issuer().public_key().clone(), key.clone()];
    let verdicts = |env: &Envelope| {
        let a = verify(env, TEST_PAYLOAD_TYPE, key).map(<[u8]>::to_vec);
        let b = verify(env, env.payload_type(), key).map(<[u8]>::to_vec);
        let c = verify_any_of(env, env.payload_type(), &keys).map(|(k, p)| (k.clone(), p.to_vec()));
        for e in [a.as_ref().err(), b.as_ref().err(), c.as_ref().err()]
            .into_iter()
            .flatten()
        {
            let _ = (e.kind(), e.to_string());
        }
        (a, b, c)
    };
    let first = verdicts(&env);

    let json = env.to_json();
    let again = Envelope::from_json(json.as_bytes()).expect("our own JSON decodes");
    assert_eq!(again, env);
    assert_eq!(again.record_id(), env.record_id());
    assert_eq!(again.to_json(), json);
    assert_eq!(verdicts(&again), first);
}

/// `InclusionProof` JSON verified against the RFC 6962 test tree, and
/// `EntityProof` JSON verified against the example register's commitment.
pub fn inclusion_proof(data: &[u8]) {
    if let Ok(proof) = serde_json::from_slice::<InclusionProof>(data) {
        let json = serde_json::to_string(&proof).expect("a proof serializes");
        assert_eq!(
            serde_json::from_str::<InclusionProof>(&json).ok().as_ref(),
            Some(&proof)
        );

        let hashes = merkle_leaf_hashes();
        // Index and size pick the leaf and the tree when they fall in the
        // test tree; otherwise the full tree's root and leaf 0.
        let size = usize::try_from(proof.tree_size)
            .ok()
            .filter(|s| (1..=8).contains(s));
        let index = usize::try_from(proof.index).ok().filter(|&i| i < 8);
        let root = root_from_leaf_hashes(&hashes[..size.unwrap_or(8)]);
        let leaf = hashes[index.unwrap_or(0)];
        let verdict = verify_inclusion(&leaf, &proof, &root);
        if let Err(e) = &verdict {
            let _ = e.to_string();
        }
        if verdict.is_ok()
            && let (Some(size), Some(_)) = (size, index)
        {
            // Without a hash collision only the true path verifies.
            let truth = cut_proof(&hashes[..size], proof.index).expect("index is in the tree");
            assert_eq!(truth, proof);
        }
        let _ = verify_inclusion(&leaf, &proof, &double_random::commitment::EMPTY_ROOT);
    }

    if let Ok(proof) = serde_json::from_slice::<EntityProof>(data) {
        let json = serde_json::to_string(&proof).expect("a proof serializes");
        assert_eq!(
            serde_json::from_str::<EntityProof>(&json).ok().as_ref(),
            Some(&proof)
        );
        let register = example_entities();
        for version in [FormatVersion::V1, FormatVersion::V2] {
            match proof.verify(&example_commitment(version), version) {
                Ok(()) => {
                    // Only the register's own proof of that entity verifies.
                    let hashes = entity_leaf_hashes(register, version).expect("example leaves");
                    let truth = prove_entity(register, &hashes, &proof.entity.uscc, version)
                        .expect("a verified entity is in the register");
                    assert_eq!(truth, proof);
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Sampling

/// Largest sample the sampler target draws.
pub const MAX_K: u64 = 2000;

/// `(n, k, class, seed)` from the first 44 bytes: `n` is a little-endian
/// u64 shifted right by `shift % 64` (so small pools are as easy to reach
/// as huge ones), `k` is below `min(n, MAX_K) + 1`.
pub fn sampler_params(data: &[u8]) -> Option<(u64, u64, u8, [u8; 32])> {
    let n_raw = u64::from_le_bytes(data.get(0..8)?.try_into().ok()?);
    let shift = *data.get(8)?;
    let k_raw = u16::from_le_bytes(data.get(9..11)?.try_into().ok()?);
    let class = *data.get(11)?;
    let mut seed = [0u8; 32];
    for (s, b) in seed.iter_mut().zip(data.get(12..).unwrap_or_default()) {
        *s = *b;
    }
    let n = n_raw >> (shift % 64);
    let k = u64::from(k_raw) % (n.min(MAX_K) + 1);
    Some((n, k, class % 5, seed))
}

/// `draw_ranks` returns `k` distinct ranks below `n`; the first `k - 1` are
/// the draw of `k - 1`; `k > n` and a bad class are errors.
pub fn sampler(data: &[u8]) {
    let Some((n, k, class, seed)) = sampler_params(data) else {
        return;
    };
    let ranks = match draw_ranks(&seed, class, n, k) {
        Ok(r) => r,
        Err(e) => {
            assert!(class >= 4, "draw of {k} from {n} failed: {e}");
            let _ = e.to_string();
            return;
        }
    };
    assert!(class < 4);
    assert_eq!(ranks.len() as u64, k);
    let distinct: HashSet<u64> = ranks.iter().copied().collect();
    assert_eq!(distinct.len(), ranks.len(), "ranks repeat");
    assert!(ranks.iter().all(|&r| r < n), "rank out of range");
    if k > 0 {
        let shorter = draw_ranks(&seed, class, n, k - 1).expect("k - 1 <= n");
        assert_eq!(shorter[..], ranks[..ranks.len() - 1]);
    }
    if let Some(over) = n.checked_add(1).filter(|&o| o <= MAX_K + 1) {
        assert!(draw_ranks(&seed, class, n, over).is_err());
    }
}

// ---------------------------------------------------------------------------
// Register sets (for commitments, draws and full verification)

/// The four registers of a draw, read from CSV text the way the CLI reads them.
pub struct RegisterSet {
    /// Entities.
    pub entities: EntityRegister,
    /// Inspectors.
    pub inspectors: InspectorRegister,
    /// Declared conflicts, checked against the two registers above.
    pub conflicts: ConflictRegister,
    /// Check items, when given.
    pub items: Option<CheckItemList>,
    /// The conflict-list salt.
    pub salt: Vec<u8>,
}

impl RegisterSet {
    /// Reads clean CSV registers; panics on a problem (fixtures only).
    fn from_csv(
        entities: &[u8],
        inspectors: &[u8],
        conflicts: &[u8],
        items: Option<&[u8]>,
        salt: Vec<u8>,
    ) -> Self {
        let opts = ValidationOptions::default();
        let read = |name: &str, bytes: &[u8], kind| {
            let table = read_table_bytes(name, bytes, Encoding::Auto).expect("fixture reads");
            let map = resolve_headers(&table, kind).expect("fixture headers");
            (table, map)
        };
        let (t, m) = read("entities.csv", entities, TableKind::Entities);
        let entities = EntityRegister::from_rows(entity_rows(&t, &m), &opts);
        let (t, m) = read("inspectors.csv", inspectors, TableKind::Inspectors);
        let inspectors = InspectorRegister::from_rows(inspector_rows(&t, &m), &opts);
        let (t, m) = read("conflicts.csv", conflicts, TableKind::Conflicts);
        let conflicts = ConflictRegister::from_rows(
            conflict_rows(&t, &m),
            Some(&entities.register),
            Some(&inspectors.register),
            &opts,
        );
        let items = items.map(|bytes| {
            let (t, m) = read("items.csv", bytes, TableKind::Items);
            let v = CheckItemList::from_rows(item_rows(&t, &m));
            assert!(v.is_clean(), "fixture items are clean");
            v.register
        });
        assert!(entities.is_clean() && inspectors.is_clean() && conflicts.is_clean());
        RegisterSet {
            entities: entities.register,
            inspectors: inspectors.register,
            conflicts: conflicts.register,
            items,
            salt,
        }
    }

    /// The registers as a draw takes them.
    pub fn view(&self) -> Registers<'_> {
        Registers {
            entities: &self.entities,
            inspectors: &self.inspectors,
            conflicts: &self.conflicts,
            items: self.items.as_ref(),
        }
    }
}

/// The chain vectors' registers (`tests/vectors/chain/registers/`): the
/// registers the valid vector chain was drawn from. TEST ONLY.
pub fn chain_registers() -> &'static RegisterSet {
    static SET: OnceLock<RegisterSet> = OnceLock::new();
    SET.get_or_init(|| {
        RegisterSet::from_csv(
            include_bytes!("../../tests/vectors/chain/registers/entities.csv"),
            include_bytes!("../../tests/vectors/chain/registers/inspectors.csv"),
            include_bytes!("../../tests/vectors/chain/registers/conflicts.csv"),
            None,
            vec![0x5a; 32],
        )
    })
}

/// The worked example's four registers (`examples/yangcheng/`).
pub fn example_registers() -> &'static RegisterSet {
    static SET: OnceLock<RegisterSet> = OnceLock::new();
    SET.get_or_init(|| {
        RegisterSet::from_csv(
            include_bytes!("../../examples/yangcheng/entities.csv"),
            include_bytes!("../../examples/yangcheng/inspectors.csv"),
            include_bytes!("../../examples/yangcheng/conflicts.csv"),
            Some(include_bytes!("../../examples/yangcheng/items.csv")),
            b"fuzz".to_vec(),
        )
    })
}

/// The bundled Chinese working-day calendar the CLI uses for deadlines.
pub fn calendar() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::china().expect("bundled calendar"))
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("fixed timestamp")
}

// ---------------------------------------------------------------------------
// Task files

/// `parse_task` (the CLI's task-file reader) on the text. An accepted task
/// is valid by `Task::new`; its sample sizes, plan and team rules compute;
/// and the commitment and draw the CLI would make from it with the worked
/// example's registers verify at level full.
pub fn task_file(data: &[u8]) {
    let date = double_random::calendar::parse_date("2024-06-03").expect("fixed date");
    let task = match parse_task("task.toml", &text(data), date) {
        Ok(t) => t.task,
        Err(e) => {
            let _ = (e.file(), e.to_string());
            return;
        }
    };
    let again = Task::new(
        task.id.clone(),
        task.name.clone(),
        task.items.clone(),
        task.ratios,
        task.team.clone(),
        task.inspection_date,
    )
    .and_then(|t| t.with_scope(task.scope.clone()))
    .and_then(|t| t.excluding_draws(task.exclude_drawn.clone()))
    .map(|t| t.with_top_up(task.top_up));
    assert_eq!(again.as_ref(), Ok(&task), "a parsed task is a valid task");
    assert!(task.team.team_size() >= 2);

    let regs = example_registers();
    let pools = example_commitment(FormatVersion::V2).class_sizes;
    for p in [pools, [0; 4], [1, 0, 0, 1], [u64::MAX; 4]] {
        if let Err(e) = task.sample_sizes(p) {
            let _ = e.to_string();
        }
    }
    match PlanReport::new(&task, pools) {
        Ok(plan) => assert!(plan.draws.iter().zip(&pools).all(|(d, p)| d <= p)),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    // The task's scope on the example register: its pool is part of the register.
    match PlanReport::for_register(&task, example_entities()) {
        Ok(plan) => assert!(plan.pools.iter().zip(&plan.master).all(|(p, m)| p <= m)),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Some(items) = &regs.items
        && let Err(e) = task.team_rules_with(items)
    {
        let _ = e.to_string();
    }

    // Commit and draw as `double-random commit` and `draw` do.
    let issuer = test_issuer();
    let key = issuer.public_key();
    let mut chain = Chain::new(key.clone());
    let commit = chain.commit(
        issuer,
        &Commit {
            task: &task,
            registers: regs.view(),
            conflict_salt: &regs.salt,
            randomness: RandomnessPlan::Local {},
            created_at: at("2024-06-01T08:00:00Z"),
        },
    );
    let pending = match commit {
        Ok(p) => p,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let mut lines = vec![pending.envelope().clone()];
    let cid = chain
        .push(pending)
        .expect("pushed on the head it was made on");
    let draw = chain.draw(
        issuer,
        &Draw {
            commitment: cid,
            randomness: RandomnessValue {
                value: b"381946".to_vec(),
                beacon_signature: None,
            },
            registers: regs.view(),
            conflict_salt: &regs.salt,
            created_at: at("2024-06-03T02:10:00Z"),
            witnessing: Witnessing::Unwitnessed,
            library_version: "fuzz",
        },
    );
    let pending = match draw {
        Ok(d) => d,
        Err(e) => {
            // The staffing check at commit makes an unstaffable draw impossible.
            assert!(
                !matches!(
                    e,
                    ChainError::Draw(double_random::checks::DrawError::Assign(_))
                ),
                "a committed task could not be staffed: {e}"
            );
            let _ = e.to_string();
            return;
        }
    };
    lines.push(pending.envelope().clone());
    chain
        .push(pending)
        .expect("pushed on the head it was made on");
    let lines: Vec<ChainLine> = lines
        .into_iter()
        .enumerate()
        .map(|(i, envelope)| ChainLine {
            line: i + 1,
            envelope,
        })
        .collect();
    let report = verify_chain(
        &lines,
        key,
        &VerifyOptions {
            registers: Some(regs.view()),
            conflict_salt: &regs.salt,
            ..VerifyOptions::level(Level::Full)
        },
    );
    assert!(
        report.holds(),
        "the library's own draw fails verification: {:#?}",
        report.errors().collect::<Vec<_>>()
    );
    assert_eq!(report.draws_checked_with_registers, 1);
}

// ---------------------------------------------------------------------------
// Receipt chains and results ledgers

/// The valid receipt chain of the chain vectors (`tests/vectors/chain/valid.jsonl`),
/// signed by [`test_issuer`]: two commitments and one draw of eight entities.
pub const VECTOR_CHAIN: &[u8] = include_bytes!("../../tests/vectors/chain/valid.jsonl");

/// Non-blank lines, as `read_chain` counts them.
fn record_lines(data: &[u8]) -> usize {
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count()
}

/// What holds for every report: one record per line read, counts add up,
/// findings name lines that exist, and the report serialises (the CLI
/// prints it as JSON).
fn check_report(report: &Report, records: usize, data: &[u8]) {
    let lines = data.split(|&b| b == b'\n').count();
    assert_eq!(
        report.records, records,
        "one record or one finding per line"
    );
    assert!(report.commitments + report.draws + report.cancellations <= report.records);
    assert!(report.draws_replayed <= report.draws);
    assert!(report.draws_checked_with_registers <= report.draws_replayed);
    for f in &report.findings {
        assert!(f.line.is_none_or(|l| (1..=lines).contains(&l)));
    }
    serde_json::to_string(report).expect("a report serialises");
}

/// Splits a file into lines and reads each as a record of one of `types`:
/// an envelope line gives its payload type and payload (its signature is
/// ignored); any other line is taken as a bare payload and `decode` tries
/// each type in turn. Lines that decode as nothing are left out.
fn payload_lines<R>(
    data: &[u8],
    types: &[&str],
    decode: impl Fn(&str, &[u8]) -> Option<R>,
) -> Vec<(usize, R)> {
    let mut out = Vec::new();
    for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
        let record = match Envelope::from_json(raw) {
            Ok(env) => decode(env.payload_type(), env.unverified_payload()),
            Err(_) => types.iter().find_map(|t| decode(t, raw)),
        };
        if let Some(r) = record {
            out.push((i + 1, r));
        }
    }
    out
}

/// The input's receipt records re-signed with [`test_issuer`], so that
/// mutated payloads get past the signature check and reach the chain rules
/// and the replay. A draw or cancellation naming no earlier record of the
/// file is pointed at the latest earlier commitment, so that a mutated
/// commitment is still drawn; nothing else is changed.
pub fn resigned_receipts(data: &[u8]) -> Vec<ChainLine> {
    let decode = |t: &str, p: &[u8]| Record::decode(t, p).ok();
    let types = RECEIPT_TYPES;
    let mut seen = HashSet::new();
    let mut last_commitment = None;
    let mut out = Vec::new();
    for (line, mut record) in payload_lines(data, types, decode) {
        if let (Record::Draw(DrawPayload { commitment, .. }), Some(c))
        | (Record::Cancellation(CancellationPayload { commitment, .. }), Some(c)) =
            (&mut record, last_commitment)
            && !seen.contains(commitment)
        {
            *commitment = c;
        }
        let Ok(envelope) = record.sign(test_issuer()) else {
            continue;
        };
        let id = envelope.record_id();
        if matches!(record, Record::Commitment(_)) {
            last_commitment = Some(id);
        }
        seen.insert(id);
        out.push(ChainLine { line, envelope });
    }
    out
}

/// The receipt chain verifier on the file as given (level replay, key of
/// the chain vectors) and on its records re-signed
/// ([`resigned_receipts`], level full against the vectors' registers);
/// `DrawIndex::from_chain` (what the ledger commands read) on both.
pub fn chain_audit(data: &[u8]) {
    let key = test_issuer().public_key();
    let replay = VerifyOptions::level(Level::Replay);
    let report = verify_chain_bytes(data, key, &replay);
    check_report(&report, record_lines(data), data);
    let (read, _) = read_chain(data);
    check_draw_index(&DrawIndex::from_chain(&read, key), &report);

    let resigned = resigned_receipts(data);
    let full = VerifyOptions {
        registers: Some(chain_registers().view()),
        conflict_salt: &chain_registers().salt,
        ..VerifyOptions::level(Level::Full)
    };
    let report = verify_chain(&resigned, key, &full);
    check_report(&report, resigned.len(), data);
    check_draw_index(&DrawIndex::from_chain(&resigned, key), &report);
}

/// What holds for every ledger report: one record per line read, findings
/// name lines that exist, and the report serialises.
fn check_ledger_report(report: &double_random::ledger::LedgerReport, records: usize, data: &[u8]) {
    let lines = data.split(|&b| b == b'\n').count();
    assert_eq!(
        report.records, records,
        "one record or one finding per line"
    );
    for f in &report.findings {
        assert!(f.line.is_none_or(|l| (1..=lines).contains(&l)));
    }
    serde_json::to_string(report).expect("a report serialises");
}

/// The draw index holds each draw once; when the chain holds, it holds
/// exactly the report's draws.
fn check_draw_index(index: &DrawIndex, report: &Report) {
    if report.holds() {
        assert_eq!(index.draws().len(), report.draws);
    }
    for d in index.draws() {
        assert_eq!(index.get(&d.draw_id).map(|x| x.draw_id), Some(d.draw_id));
        assert!(
            index
                .draws()
                .iter()
                .filter(|x| x.draw_id == d.draw_id)
                .count()
                == 1
        );
        let _ = (d.drawn_on(), d.drawn().count());
    }
}

/// The draws of [`VECTOR_CHAIN`], which the ledger seeds record results of.
pub fn vector_draws() -> &'static DrawIndex {
    static DRAWS: OnceLock<DrawIndex> = OnceLock::new();
    DRAWS.get_or_init(|| {
        let (lines, findings) = read_chain(VECTOR_CHAIN);
        assert!(findings.is_empty());
        DrawIndex::from_chain(&lines, test_issuer().public_key())
    })
}

/// The input's ledger records re-signed with [`test_issuer`], corrections
/// also with [`other_issuer`] as approver. A correction naming no earlier
/// record of the file (and a progress record naming no earlier result) is
/// pointed at the latest earlier result or correction, a checkpoint's head
/// at the record before it; nothing else is changed. A record its format
/// version cannot express is left out.
pub fn resigned_ledger(data: &[u8]) -> Vec<ChainLine> {
    let decode = |t: &str, p: &[u8]| LedgerRecord::decode(t, p).ok();
    let types = LEDGER_TYPES;
    let mut seen = HashSet::new();
    let mut last = None;
    let mut last_result = None;
    let mut out = Vec::new();
    for (line, mut record) in payload_lines(data, types, decode) {
        match &mut record {
            LedgerRecord::Correction(p) => {
                if let Some(r) = last_result
                    && !seen.contains(&p.corrects)
                {
                    p.corrects = r;
                }
            }
            LedgerRecord::Checkpoint(p) => {
                if let Some(r) = last
                    && !seen.contains(&p.head)
                {
                    p.head = r;
                }
            }
            LedgerRecord::Progress(p) => {
                if let Some(r) = last_result
                    && !seen.contains(&p.result)
                {
                    p.result = r;
                }
            }
            _ => {}
        }
        let envelope = match &record {
            LedgerRecord::Correction(p) => sign_correction(p, test_issuer(), other_issuer()),
            r => r.sign(test_issuer()),
        };
        let Ok(envelope) = envelope else {
            continue;
        };
        let id = envelope.record_id();
        if matches!(
            record,
            LedgerRecord::Result(_) | LedgerRecord::Correction(_)
        ) {
            last_result = Some(id);
        }
        last = Some(id);
        seen.insert(id);
        out.push(ChainLine { line, envelope });
    }
    out
}

/// The ledger verifier on the file as given (against the draws of
/// [`VECTOR_CHAIN`], approvals checked against [`other_issuer`]) and on its
/// records re-signed ([`resigned_ledger`]); then what the CLI builds from a
/// verified ledger: the public view (JSON and CSV), the checkpoint,
/// the published-file check and the summary.
pub fn ledger_records(data: &[u8]) {
    let key = test_issuer().public_key();
    let draws = vector_draws();
    let approvers = [other_issuer().public_key().clone()];
    let (lines, findings) = read_chain(data);
    assert_eq!(lines.len() + findings.len(), record_lines(data));
    let (report, ledger) = verify_ledger(
        &lines,
        key,
        draws,
        &LedgerOptions {
            approvals: Approvals::Check(&approvers),
            calendar: calendar(),
            witnesses: None,
        },
    );
    check_ledger_report(&report, lines.len(), data);
    check_ledger(&ledger, draws);

    // Verification is the costly part, so the re-signed records are checked
    // once, with approvals checked or not by the input's length.
    let resigned = resigned_ledger(data);
    let approvals = if data.len().is_multiple_of(2) {
        Approvals::Check(&approvers)
    } else {
        Approvals::NotChecked
    };
    let (report, ledger) = verify_ledger(
        &resigned,
        key,
        draws,
        &LedgerOptions {
            approvals,
            calendar: calendar(),
            witnesses: None,
        },
    );
    check_ledger_report(&report, resigned.len(), data);
    check_ledger(&ledger, draws);
}

/// A ledger state's indexes agree, and everything the CLI builds from it
/// (`publish`, `summary`) builds.
fn check_ledger(ledger: &Ledger, draws: &DrawIndex) {
    for e in ledger.entries() {
        assert!(draws.get(e.draw()).is_some(), "a result of a known draw");
        assert_eq!(
            ledger
                .entry_of(e.draw(), e.uscc(), e.department())
                .map(|x| x.original().record),
            Some(e.original().record)
        );
        assert!(
            ledger
                .entries_of(e.draw(), e.uscc())
                .iter()
                .any(|x| x.original().record == e.original().record)
        );
        let _ = (e.follow_ups(), e.progress_at());
        for v in std::iter::once(e.original()).chain(e.corrections()) {
            assert_eq!(
                ledger
                    .entry_by_record(&v.record)
                    .map(|x| x.original().record),
                Some(e.original().record)
            );
        }
        let _ = (ledger.is_published(e), e.deadline());
    }
    let regs = chain_registers();
    let key = test_issuer().public_key();
    let published_at = ledger
        .head()
        .map_or(at("2024-07-01T00:00:00Z"), |(_, _, t)| t);
    let mut files = Vec::new();
    for disclosure in [
        InspectorDisclosure::NameAndCertificate,
        InspectorDisclosure::Omit,
    ] {
        let view = PublicView::build(
            ledger,
            draws,
            key.issuer(),
            published_at,
            Some(&regs.entities),
            Some(&regs.inspectors),
            disclosure,
        );
        assert!(view.results.len() <= ledger.entries().len());
        let json = view.to_json();
        serde_json::from_slice::<serde_json::Value>(&json).expect("the public JSON is JSON");
        let csv = view.to_csv();
        files.push(published_file("public-results.json", &json));
        files.push(published_file("public-results.csv", &csv));
        let _ = check_published_file(ledger, "public-results.csv", &csv);
    }
    match ledger.next_link(key, published_at) {
        Ok(link) => match ledger.new_checkpoint(files, link) {
            Ok(p) => assert_eq!(p.results.0, ledger.entries().len() as u64),
            Err(e) => {
                assert!(ledger.head().is_none());
                let _ = e.to_string();
            }
        },
        Err(e) => {
            let _ = e.to_string();
        }
    }
    for department in [None, Some("管理股"), Some("水资源股")] {
        let rows = summarise(ledger, draws, Some(&regs.entities), department);
        serde_json::to_string(&rows).expect("a summary serialises");
    }
    for d in draws.draws() {
        for u in d.drawn() {
            if let Some(r) = ledger.entity_result(d, &u) {
                let cats = r.categories();
                assert!(
                    !cats.is_empty()
                        || r.entries
                            .iter()
                            .all(|e| e.current().fields.categories.is_empty())
                );
                assert!(
                    cats.len() == 1
                        || !cats.contains(&double_random::ledger::ResultCategory::NoProblem),
                    "no-problem overall stands alone"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Record payloads

/// Every receipt and ledger payload type (both format versions of each).
pub const PAYLOAD_TYPES: [&str; 15] = [
    double_random::records::v1::COMMITMENT_TYPE,
    double_random::records::v1::DRAW_TYPE,
    double_random::records::v1::CANCELLATION_TYPE,
    COMMITMENT_TYPE,
    DRAW_TYPE,
    CANCELLATION_TYPE,
    double_random::records::REPLACEMENT_TYPE,
    double_random::records::SUPPLEMENT_TYPE,
    double_random::ledger::v1::RESULT_TYPE,
    double_random::ledger::v1::CORRECTION_TYPE,
    double_random::ledger::v1::CHECKPOINT_TYPE,
    RESULT_TYPE,
    CORRECTION_TYPE,
    CHECKPOINT_TYPE,
    double_random::ledger::PROGRESS_TYPE,
];

/// The input as the payload of every record type: where `Record::decode`
/// or `LedgerRecord::decode` accepts it, encode → decode is the identity and
/// the encoding is a fixed point; `ResultFields::normalise` is idempotent.
pub fn record_payload(data: &[u8]) {
    for ty in PAYLOAD_TYPES {
        match Record::decode(ty, data) {
            Ok(r) => {
                assert_eq!(r.payload_type(), ty);
                let bytes = r.to_payload().expect("a decoded record encodes");
                let again = Record::decode(ty, &bytes).expect("our own payload decodes");
                assert_eq!(again, r);
                assert_eq!(again.to_payload().ok(), Some(bytes));
            }
            Err(e) => {
                let _ = (e.kind(), e.to_string());
            }
        }
        match LedgerRecord::decode(ty, data) {
            Ok(r) => {
                assert_eq!(r.payload_type(), ty);
                let bytes = r.to_payload().expect("a decoded ledger record encodes");
                let again = LedgerRecord::decode(ty, &bytes).expect("our own payload decodes");
                assert_eq!(again, r);
                assert_eq!(again.to_payload().ok(), Some(bytes));
                let fields = match &r {
                    LedgerRecord::Result(p) => Some(&p.result),
                    LedgerRecord::Correction(p) => Some(&p.result),
                    _ => None,
                };
                if let Some(f) = fields {
                    let mut once = f.clone();
                    once.normalise();
                    let mut twice = once.clone();
                    twice.normalise();
                    assert_eq!(once, twice, "normalise is idempotent");
                }
            }
            Err(e) => {
                let _ = (e.kind(), e.to_string());
            }
        }
    }
}

/// Proof bundles (`verify-proof`) and public key files, both read from
/// strangers: never a panic; a bundle that verifies under the vectors' key
/// names the entity its proof is for, at a rank inside its class.
pub fn proof_bundle(data: &[u8]) {
    if let Ok(bundle) = serde_json::from_slice::<double_random::proof::ProofBundle>(data) {
        match bundle.verify(test_issuer().public_key()) {
            Ok(v) => {
                assert_eq!(v.uscc, bundle.proof.entity.uscc.to_string());
                assert!(v.rank < v.class_size, "rank inside the class");
                assert_eq!(v.draw.is_some(), v.draw_at.is_some());
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(key) = double_random::records::IssuerPublicKey::from_text(text)
    {
        let again = double_random::records::IssuerPublicKey::from_text(&key.to_text())
            .expect("a key's own text reads back");
        assert_eq!(again.key_id(), key.key_id());
    }
}

// ---------------------------------------------------------------------------
// Year plans

/// `parse_year_plan` (the CLI's year-plan reader) on the text. An accepted
/// plan keeps its rules (a year 1900–9999, a threshold above 0, at least one
/// batch, each inside the year with its start not after its end, at least
/// one task file, no file twice); the report of the plan with no task read
/// builds on the example register, and its HTML document escapes every
/// text of the plan.
pub fn year_plan(data: &[u8]) {
    let plan = match parse_year_plan("plan.toml", &text(data)) {
        Ok(p) => p,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    assert!((1900..=9999).contains(&plan.year));
    assert!(plan.merge_threshold.get() > 0);
    assert!(!plan.name.trim().is_empty());
    assert!(!plan.batches.is_empty());
    let mut seen = std::collections::HashSet::new();
    for b in &plan.batches {
        assert!(b.start <= b.end, "{b:?}");
        assert_eq!((b.start.year(), b.end.year()), (plan.year, plan.year));
        assert!(!b.tasks.is_empty());
        for t in &b.tasks {
            assert!(seen.insert(t.clone()), "{t} twice");
        }
    }
    let report = analyse(&plan, Vec::new(), example_entities()).expect("a plan without tasks");
    let html = report
        .to_html("entities.csv")
        .expect("the document formats");
    assert!(html.contains(&escape(&plan.name)));
    for b in &plan.batches {
        assert!(html.contains(&escape(&b.name)));
    }
    if let Some(i) = &plan.issuer {
        assert!(html.contains(&escape(i)));
    }
    assert!(!html.contains("<script"));
    let _ = report.to_json().to_string();
}

// ---------------------------------------------------------------------------
// Times as written, secrets files, calendar files (CLI input)

/// A time as a person writes it (`--created-at`, `round --at`, a ceremony's
/// time): what is read prints back, in the records' UTC form and in Beijing
/// time as the tool shows it, to text that reads as the same time; a
/// ceremony plan's time prefix is split only where its text reads as that
/// time. Errors format in both languages.
pub fn time_text(data: &[u8]) {
    let s = text(data);
    match parse_time_as_written(&s) {
        Ok(t) => {
            assert_eq!(parse_time_as_written(&t.to_string()), Ok(t), "{s:?}");
            if t.beijing().date().is_some() {
                assert_eq!(parse_time_as_written(&bj(t)), Ok(t), "{s:?} as {}", bj(t));
            } else {
                // The last eight hours of 9999 in UTC are 10000-01-01 in
                // Beijing: shown so, a year no one types.
                assert!(bj(t).starts_with("10000-01-01 "), "{s:?} as {}", bj(t));
            }
        }
        Err(e) => {
            let _ = (e.to_string(), e.zh());
        }
    }
    match split_time_prefix(&s) {
        Ok((t, rest)) => {
            let head = s
                .strip_suffix(rest)
                .and_then(|h| h.strip_suffix(':'))
                .expect("the rest follows the time and a colon");
            assert_eq!(parse_time_as_written(head), Ok(t), "{s:?}");
            // The longest such prefix: none ending at a later colon reads.
            for (i, _) in s.match_indices(':').filter(|&(i, _)| i > head.len()) {
                assert!(parse_time_as_written(&s[..i]).is_err(), "{s:?} at {i}");
            }
        }
        Err(e) => {
            let _ = (e.to_string(), e.zh());
        }
    }
}

/// The office's secrets file: what is read has one 32-byte salt per
/// commitment, in file order, and the lines `commit` writes for it read
/// back the same; an error names a line of the file.
pub fn secrets_file(data: &[u8]) {
    match parse_secrets(data) {
        Ok(salts) => {
            let mut seen = HashSet::new();
            for (commitment, salt) in &salts {
                assert!(seen.insert(*commitment), "{commitment} twice");
                assert_eq!(salt.len(), SALT_LEN);
            }
            let written: String = salts
                .iter()
                .map(|(c, salt)| salt_line(c, salt) + "\n")
                .collect();
            assert_eq!(parse_secrets(written.as_bytes()), Ok(salts));
        }
        Err((line, problem)) => {
            let lines = data.split(|&b| b == b'\n').count();
            assert!((1..=lines).contains(&line), "line {line} of {lines}");
            let _ = problem.to_string();
        }
    }
}

/// A holiday notice file (`--calendar`): a notice the built-in calendar
/// takes makes each of its holidays a day off and each make-up day a
/// working day; errors format in both languages.
pub fn calendar_file(data: &[u8]) {
    let s = text(data);
    static CHINA: OnceLock<WorkingCalendar> = OnceLock::new();
    let mut cal = CHINA
        .get_or_init(|| WorkingCalendar::china().expect("the built-in table"))
        .clone();
    match add_calendar_text(&mut cal, "calendar.toml", &s) {
        Ok(()) => {
            let notice = parse_calendar_file("calendar.toml", &s).expect("added, so it parses");
            for e in &notice.entries {
                assert!(e.first <= e.last, "{e:?}");
                let working = e.kind == NoticeDayKind::Workday;
                let mut day = e.first;
                loop {
                    match cal.is_working_day(day) {
                        Ok(w) => assert_eq!(w, working, "{e:?} on {day}"),
                        // A notice may list days of the December before its
                        // year (元旦 of 2019), a year the calendar may not cover.
                        Err(_) => assert_ne!(day.year(), notice.year, "{e:?} on {day}"),
                    }
                    match day.next_day() {
                        Some(next) if day < e.last => day = next,
                        _ => break,
                    }
                }
            }
        }
        Err(e) => {
            let _ = (e.to_string(), e.zh());
        }
    }
}

/// A secret key file (`keygen`'s output, `--key`): a key read writes back
/// to the same text (the reader is strict) and signs what its public key
/// verifies; an error never repeats the file's secret.
pub fn secret_key_file(data: &[u8]) {
    let s = text(data);
    match IssuerKey::from_secret_text(&s) {
        Ok(key) => {
            assert_eq!(key.to_secret_text(), s, "the strict reader took a variant");
            let again = IssuerKey::from_secret_text(&key.to_secret_text()).expect("re-read");
            assert_eq!(again.public_key(), key.public_key());
            assert_eq!(again.issuer(), key.issuer());
            let signed = double_random::records::sign(RECEIPT_TYPES[0], b"fuzz", &key);
            assert_eq!(
                verify(&signed, RECEIPT_TYPES[0], key.public_key()).ok(),
                Some(&b"fuzz"[..])
            );
        }
        Err(e) => {
            // A secret-looking value (16 or more base64 characters) that the
            // file holds once, on its `secret:` line, is never quoted back.
            let message = e.to_string();
            let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
            if let Some(secret) = s.lines().find_map(|l| l.strip_prefix("secret: "))
                && secret.len() >= 16
                && secret.chars().all(base64)
                && s.matches(secret).count() == 1
            {
                assert!(!message.contains(secret), "{message:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Witnesses (format v2)

/// The chain of the witness vectors (`tests/vectors/v2/witness/chain.jsonl`),
/// signed by [`test_issuer`].
pub const WITNESS_VECTOR_CHAIN: &[u8] =
    include_bytes!("../../tests/vectors/v2/witness/chain.jsonl");

/// TEST ONLY witness key of the witness vectors (`witness-a.key`): secret
/// seed 0x41..=0x60.
pub fn test_witness() -> &'static IssuerKey {
    static KEY: OnceLock<IssuerKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 0x41);
        IssuerKey::from_secret_bytes("阳城县纪委监委 (TEST ONLY)", &seed)
            .expect("fixed witness name is valid")
    })
}

/// The witness vector chain's records, checked as a witness reads them.
pub fn witness_vector_log() -> &'static [double_random::witness::LogEntry] {
    static LOG: OnceLock<Vec<double_random::witness::LogEntry>> = OnceLock::new();
    LOG.get_or_init(|| {
        double_random::witness::read_log(WITNESS_VECTOR_CHAIN, test_issuer().public_key())
            .expect("the vector chain reads")
    })
}

fn witness_time(secs: i64) -> Timestamp {
    Timestamp::from_unix(secs).expect("a time in range")
}

/// Checks the index's invariants over the vector chain.
fn check_witness_index(file: &double_random::witness::CosignatureFile, data_lines: usize) {
    use double_random::witness::{LogId, LogKind, WitnessIndex};
    let log = LogId::of(test_issuer().public_key(), LogKind::Receipts);
    let chain: Vec<(u64, double_random::records::RecordId)> = witness_vector_log()
        .iter()
        .map(|e| (e.link.sequence, e.id))
        .collect();
    let trusted = [test_witness().public_key().clone()];
    let index = WitnessIndex::build(
        file,
        &log,
        &trusted,
        &chain,
        Some(witness_time(1_800_000_000)),
    );
    // Every envelope is either counted or has exactly one finding.
    let envelope_findings = index.findings().len() - file.findings.len();
    assert_eq!(envelope_findings + index.counted(), file.envelopes.len());
    for f in index.findings() {
        let line = f.line.expect("findings of a file name their line");
        assert!(line >= 1 && line <= data_lines + 1);
        let _ = (
            f.problem.to_string(),
            f.problem.check(),
            f.problem.is_error(),
        );
    }
    for s in 0..4u64 {
        for before in [0i64, 1_717_230_000, 1_800_000_000, 253_402_300_799] {
            let before = witness_time(before);
            for w in index.witnessed(s, before) {
                assert!(w.time < before && w.head.sequence >= s);
                assert_eq!(w.witness.key_id, test_witness().key_id());
            }
        }
    }
    let _ = index.latest_heads();
}

/// `cosignature_file`: a cosignature file (JSON Lines of envelopes) read
/// with `read_cosignature_file` and indexed against the vector chain; then
/// each line's payload, if it decodes as a cosigned head, re-signed with the
/// TEST ONLY witness key and indexed again (so payload mutations reach the
/// chain checks, not only the signature check).
pub fn cosignature_file(data: &[u8]) {
    use double_random::witness::{CosignedHead, FileLimits, read_cosignature_file};
    let lines = data.split(|&b| b == b'\n').count();
    let file = read_cosignature_file(data, &FileLimits::default());
    for (line, _) in &file.envelopes {
        assert!(*line >= 1 && *line <= lines);
    }
    check_witness_index(&file, lines);
    let mut resigned = double_random::witness::CosignatureFile::default();
    for (line, envelope) in &file.envelopes {
        let payload = envelope.unverified_payload();
        let Ok(mut statement) = CosignedHead::decode(payload) else {
            continue;
        };
        // Decoding is strict, so encoding gives back a payload that decodes equal.
        assert_eq!(
            CosignedHead::decode(&statement.to_payload()).as_ref(),
            Ok(&statement)
        );
        statement.witness = double_random::witness::WitnessId::of(test_witness().public_key());
        resigned
            .envelopes
            .push((*line, statement.sign(test_witness())));
    }
    check_witness_index(&resigned, lines);
}

/// `witness_request`: an `add-checkpoint` body parsed strictly, then the
/// witness's state machine run with the TEST ONLY witness key at a fixed
/// time, twice: on a witness that never saw the log and on one holding the
/// vector chain's head at sequence 0. An accepted request's cosignature
/// opens under the witness key and names the new head; the body re-encodes
/// to a request that parses equal.
pub fn witness_request(data: &[u8]) {
    use double_random::witness::{
        AddCheckpointBody, Cosignature, Head, Limits, LogKind, LogState, add_checkpoint,
        parse_add_checkpoint,
    };
    let limits = Limits {
        max_records: 64,
        max_payload_bytes: 1 << 16,
    };
    let Ok(request) = parse_add_checkpoint(data, &limits) else {
        return;
    };
    let again = AddCheckpointBody::from_request(&request).to_json();
    assert_eq!(
        parse_add_checkpoint(again.as_bytes(), &limits).as_ref(),
        Ok(&request)
    );
    let log = witness_vector_log();
    let first = &log[0];
    let held = LogState {
        issuer: test_issuer().public_key().clone(),
        kind: LogKind::Receipts,
        head: Head {
            sequence: 0,
            record: first.id,
        },
        head_created_at: first.link.created_at,
        cosigned_at: witness_time(1_717_300_000),
    };
    let now = witness_time(1_717_400_000);
    let issuer = test_issuer().public_key();
    for (state, known) in [(None, None), (Some(&held), Some(issuer))] {
        // The caller looks the state up by the request's key and kind.
        let state = state.filter(|s: &&LogState| {
            s.issuer.key_id() == request.issuer.key_id() && s.kind == request.kind
        });
        match add_checkpoint(state, known, &request, test_witness(), now, &limits) {
            Ok(accepted) => {
                let opened = Cosignature::open(&accepted.cosignature, test_witness().public_key())
                    .expect("a fresh cosignature opens");
                assert_eq!(opened.statement(), &accepted.statement);
                assert_eq!(accepted.statement.head, accepted.state.head);
                assert_eq!(accepted.state.cosigned_at, now);
                assert_eq!(accepted.issuer_key, request.issuer);
                if let Some(s) = state {
                    assert!(accepted.state.head.sequence >= s.head.sequence);
                }
            }
            Err(refusal) => {
                let _ = (refusal.to_string(), refusal.kind(), refusal.held());
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Ledger approvers and repair (#15)

/// `parse_approvers` (the office's `LEDGER.approvers`): no panic; every key
/// it accepts reads back from its own text, and the file of the accepted
/// keys written out again parses to the same keys.
pub fn approvers_file(data: &[u8]) {
    use double_random_cli::approvers::parse_approvers;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(keys) = parse_approvers("fuzz.approvers", text) else {
        return;
    };
    assert!(!keys.is_empty());
    for k in &keys {
        assert_eq!(IssuerPublicKey::from_text(&k.to_text()).as_ref(), Ok(k));
    }
    let again: Vec<String> = keys.iter().map(IssuerPublicKey::to_text).collect();
    let reread = parse_approvers("fuzz.approvers", &again.join("\n")).expect("re-read");
    assert_eq!(reread, keys);
}

/// `repair::plan` on any file: no panic; a cut starts right after a line
/// break (or at 0), leaves a file ending in a line break, and only ever
/// cuts a tail that does not hold a line break.
pub fn repair_tail(data: &[u8]) {
    use double_random_cli::repair::{Tear, plan};
    match plan("fuzz.jsonl", data) {
        Ok(Tear::None) => assert!(data.is_empty() || data.ends_with(b"\n")),
        Ok(Tear::At { at }) => {
            assert!(at < data.len());
            assert!(at == 0 || data.get(at - 1) == Some(&b'\n'));
            let tail = data.get(at..).unwrap_or_default();
            assert!(!tail.contains(&b'\n'));
        }
        Err(_) => {}
    }
}
