//! `verify --report FILE`: the verification as a self-contained HTML page a
//! newspaper or a court can cite.
//!
//! The page states what was verified and how: every input file with its
//! size and SHA-256, the issuer key's id and fingerprint, the tool's
//! version, the format versions of the records, every check of FORMAT §7
//! that applies at the level used with its result (not only the failures),
//! per draw its stated commitment time, randomness time and the gap between
//! them, the witnesses who placed the commitment before the randomness (or
//! a plain statement that publication time was not checked), and every
//! finding. Times for people are Beijing time, written
//! `2024-06-14 10:00:00（北京时间）` as the rest of the tool writes them.
//!
//! HTML rather than Markdown: one file that any browser shows and prints
//! the same way, with no renderer to choose (Markdown tables and escaping
//! differ between renderers, and a court prints what it is given), and
//! escaping that is exactly specified (every text goes through
//! [`crate::notice::escape`]). The page has inline CSS only: no script, no
//! font, image or link it would fetch.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use double_random::{
    beacon::QUICKNET_CHAIN_HASH,
    calendar::Timestamp,
    ledger::LedgerReport,
    records::{
        CommitmentPayload, DrawPayload, FormatVersion, IssuerPublicKey, RandomnessPlan, Record,
        RecordId, Witnessing,
    },
    registers::CreditClass,
    verify::{ChainLine, DrawWitnesses, Finding, FindingSeverity, Level, Report},
};
use sha2::{Digest, Sha256};

use crate::notice::escape;
use crate::receipts::{ReceiptError, io};
use crate::when::bj;

/// One input of the verification, as read.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// What it is (`chain`, `public key`, `entity register`, ...).
    pub role: String,
    /// The path as given.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

impl InputFile {
    /// An input whose bytes are at hand.
    pub fn of_bytes(role: &str, path: &Path, bytes: &[u8]) -> Self {
        InputFile {
            role: role.to_owned(),
            path: path.display().to_string(),
            size: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        }
    }

    /// Reads a file to hash it, in pieces, at most
    /// [`crate::input::REGISTER_STREAM_LIMIT`] bytes (the largest input).
    pub fn read(role: &str, path: &Path) -> Result<Self, ReceiptError> {
        use std::io::Read;
        let limit = crate::input::REGISTER_STREAM_LIMIT;
        let file = std::fs::File::open(path).map_err(io(path))?;
        let mut file = file.take(limit + 1);
        let mut hash = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io(path)(e)),
            };
            hash.update(buf.get(..n).unwrap_or_default());
            size += n as u64;
        }
        if size > limit {
            return Err(io(path)(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                crate::files::LimitError::FileTooLarge {
                    limit,
                    what: "register or other input file",
                },
            )));
        }
        Ok(InputFile {
            role: role.to_owned(),
            path: path.display().to_string(),
            size,
            sha256: hex(&hash.finalize()),
        })
    }
}

/// The inputs of a `verify` run, each read again to hash it (the chain
/// from the bytes verified): chain, keys, registers, salts, witness
/// evidence, ledger and published files.
pub fn inputs_of(
    a: &crate::receipts::VerifyArgs,
    chain: InputFile,
    secrets: Option<&Path>,
) -> Result<Vec<InputFile>, ReceiptError> {
    let mut out = vec![chain, InputFile::read("issuer public key", &a.public_key)?];
    let registers = [
        ("entity register (master)", &a.entities),
        ("inspector register", &a.inspectors),
        ("conflict list", &a.conflicts),
        ("check-item list", &a.items),
    ];
    for (role, path) in registers {
        if let Some(p) = path {
            out.push(InputFile::read(role, p)?);
        }
    }
    if let Some(p) = secrets {
        out.push(InputFile::read("secrets file (conflict-list salts)", p)?);
    }
    if let Some(h) = &a.conflict_salt {
        out.push(InputFile::of_bytes(
            "conflict-list salt for every commitment (--conflict-salt; its SHA-256)",
            Path::new("(command line)"),
            h.trim().as_bytes(),
        ));
    }
    if !a.witnesses.witness_keys.is_empty() {
        for k in &a.witnesses.witness_keys {
            out.push(InputFile::read("witness public key", k)?);
        }
        let cosignatures = a
            .witnesses
            .cosignatures
            .clone()
            .unwrap_or_else(|| crate::receipts::cosignatures_path(&a.chain));
        if a.witnesses.cosignatures.is_some() || cosignatures.exists() {
            out.push(InputFile::read("cosignature file", &cosignatures)?);
        } else {
            out.push(InputFile {
                role: "cosignature file (none: no cosignature counted)".into(),
                path: cosignatures.display().to_string(),
                size: 0,
                sha256: "(absent)".into(),
            });
        }
    }
    if let Some(l) = &a.ledger {
        out.push(InputFile::read("results ledger", l)?);
        let cosignatures = crate::receipts::cosignatures_path(l);
        if !a.witnesses.witness_keys.is_empty() && cosignatures.exists() {
            out.push(InputFile::read("ledger cosignature file", &cosignatures)?);
        }
        for k in &a.approver_key {
            out.push(InputFile::read("approver (unit head) public key", k)?);
        }
        for p in &a.published {
            out.push(InputFile::read("published file", p)?);
        }
    }
    Ok(out)
}

/// Everything the report states.
pub struct ReportContext<'a> {
    /// The inputs, in the order to list them.
    pub inputs: Vec<InputFile>,
    /// The issuer key given.
    pub key: &'a IssuerPublicKey,
    /// The level verified at.
    pub level: Level,
    /// The chain's lines (records are opened again to describe the draws).
    pub lines: &'a [ChainLine],
    /// The verifier's report.
    pub report: &'a Report,
    /// The results ledger's report, when one was verified.
    pub ledger: Option<&'a LedgerReport>,
    /// The trusted witnesses and the threshold, when witness keys were given.
    pub witnesses: Option<(&'a [IssuerPublicKey], usize)>,
    /// With registers, only draws whose id starts with this were checked against them.
    pub only_draw: Option<&'a str>,
    /// Whether register files were given (level full).
    pub registers: bool,
    /// When the report was made.
    pub made_at: Option<Timestamp>,
}

/// Writes the report page (never through a symlink; over an existing file
/// only with `--force`).
pub fn write_report(
    path: &Path,
    c: &ReportContext<'_>,
    overwrite: crate::files::Overwrite,
) -> Result<(), ReceiptError> {
    crate::files::write_output(path, render(c), overwrite).map_err(io(path))
}

fn hex(h: &(impl AsRef<[u8]> + ?Sized)) -> String {
    h.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Which checks a level makes: (name, level, what it establishes).
/// The names are FORMAT §7's.
const CHECKS: &[(&str, Scope, &str)] = &[
    (
        "envelope",
        Scope::Chain,
        "each line is a DSSE envelope (JSON, base64, members)",
    ),
    (
        "record",
        Scope::Chain,
        "each record is signed by the issuer's key (strict Ed25519) and follows the schema",
    ),
    (
        "wrong-key",
        Scope::Chain,
        "the records were not all signed by another key than the one given",
    ),
    ("duplicate", Scope::Chain, "no record appears twice"),
    (
        "sequence-gap",
        Scope::Chain,
        "sequence numbers start at 0 and rise by one",
    ),
    (
        "fork",
        Scope::Chain,
        "no two records claim one sequence number",
    ),
    (
        "broken-link",
        Scope::Chain,
        "each record names the record before it",
    ),
    (
        "time-order",
        Scope::Chain,
        "stated times never go backwards",
    ),
    ("empty-chain", Scope::Chain, "the chain holds a record"),
    (
        "draw-without-commitment",
        Scope::Chain,
        "every draw follows its commitment on the chain",
    ),
    (
        "cancellation-without-commitment",
        Scope::Chain,
        "every cancellation follows its commitment on the chain",
    ),
    ("second-draw", Scope::Chain, "no commitment is drawn twice"),
    (
        "draw-after-cancellation",
        Scope::Chain,
        "no cancelled commitment is drawn",
    ),
    (
        "second-outcome",
        Scope::Chain,
        "no commitment has two outcomes",
    ),
    (
        "abandoned-commitment",
        Scope::Chain,
        "no task is committed again while an earlier commitment of it is open",
    ),
    (
        "open-commitment",
        Scope::Chain,
        "every commitment has an outcome (warning when not yet)",
    ),
    (
        "register-size",
        Scope::Chain,
        "committed class sizes add up",
    ),
    (
        "task-rules",
        Scope::Chain,
        "the committed task is one an honest office could make",
    ),
    (
        "history",
        Scope::Chain,
        "a rotation history names the task's latest earlier draw",
    ),
    (
        "exclusion",
        Scope::Chain,
        "excluded draws are earlier draws, and their entities are not drawn again",
    ),
    (
        "randomness",
        Scope::Chain,
        "the randomness fits the committed plan",
    ),
    (
        "randomness-timing",
        Scope::Chain,
        "the randomness is later than the commitment's stated time",
    ),
    (
        "late-cancellation",
        Scope::Chain,
        "no cancellation after the randomness was public (warning)",
    ),
    (
        "inspection-date",
        Scope::Chain,
        "an inspection date is committed (version 1: warning)",
    ),
    (
        "local-randomness",
        Scope::Chain,
        "the randomness is not the office's own (warning)",
    ),
    (
        "ceremony-randomness",
        Scope::Chain,
        "a ceremony's value rests on its witnesses (warning)",
    ),
    (
        "ceremony-witnesses",
        Scope::Chain,
        "a ceremony names its witnesses (warning)",
    ),
    (
        "algorithm",
        Scope::Replay,
        "each draw names its commitment's algorithm",
    ),
    (
        "beacon",
        Scope::Replay,
        "the drand round's signature verifies and gives the value used",
    ),
    (
        "seed",
        Scope::Replay,
        "the seed derives from the commitment and the randomness",
    ),
    (
        "unwitnessed",
        Scope::Replay,
        "the office says it drew with the commitment witnessed (warning when not)",
    ),
    ("replay", Scope::Replay, "the commitment gives sample sizes"),
    (
        "sample-size",
        Scope::Replay,
        "the number drawn per class follows from the committed ratios and sizes",
    ),
    (
        "ranks",
        Scope::Replay,
        "the drawn ranks are those the seed gives",
    ),
    (
        "teams",
        Scope::Replay,
        "one team per drawn entity (full level: exactly the teams the seed assigns)",
    ),
    (
        "team-size",
        Scope::Replay,
        "each team has the committed number of distinct officers",
    ),
    (
        "register-file",
        Scope::Full,
        "the register files have no errors",
    ),
    (
        "conflict-salt",
        Scope::Full,
        "the commitment's own conflict-list salt is at hand",
    ),
    (
        "register-root",
        Scope::Full,
        "the register files give the committed roots and class sizes",
    ),
    (
        "drawn-entity",
        Scope::Full,
        "the entity at each drawn rank is the one the draw names",
    ),
    (
        "team-member",
        Scope::Full,
        "every officer drawn is in the inspector register",
    ),
    (
        "certificate",
        Scope::Full,
        "every officer drawn holds a valid certificate on the inspection date",
    ),
    (
        "conflict",
        Scope::Full,
        "no officer drawn declared a conflict with the entity",
    ),
    (
        "only-draw",
        Scope::Full,
        "the draw selected with --draw is on the chain",
    ),
    (
        "commitment-witnessed",
        Scope::Witness,
        "trusted witnesses cosigned each commitment before its randomness existed",
    ),
    (
        "rollback",
        Scope::Witness,
        "no witness cosigned a head beyond the chain's end",
    ),
    (
        "cosignature",
        Scope::Witness,
        "every cosignature line counts (or is reported)",
    ),
];

/// When a check is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Chain,
    Replay,
    Full,
    Witness,
}

/// Whether the check named is made in this verification, or why not.
fn not_run(scope: Scope, name: &str, c: &ReportContext<'_>) -> Option<&'static str> {
    match scope {
        Scope::Chain => None,
        Scope::Replay if c.level >= Level::Replay => None,
        Scope::Replay => Some("not made: level chain"),
        Scope::Full if name == "only-draw" && c.only_draw.is_none() => {
            Some("not made: no --draw given")
        }
        Scope::Full if c.level == Level::Full && c.registers => None,
        Scope::Full => Some("not made: no register files (level full needs them)"),
        Scope::Witness if c.witnesses.is_some() => None,
        Scope::Witness => Some("not made: no witness keys were given"),
    }
}

/// Counts of findings per check and severity.
fn tally(findings: &[Finding]) -> HashMap<&str, [usize; 3]> {
    let mut t: HashMap<&str, [usize; 3]> = HashMap::new();
    for f in findings {
        let i = match f.severity {
            FindingSeverity::Note => 0,
            FindingSeverity::Warning => 1,
            FindingSeverity::Error => 2,
        };
        t.entry(f.check).or_default()[i] += 1;
    }
    t
}

fn severity_word(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Error => "FAILED",
        FindingSeverity::Warning => "warning",
        FindingSeverity::Note => "note",
    }
}

/// A duration in days, hours, minutes and seconds.
fn span(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let mut out = String::new();
    if d > 0 {
        let _ = write!(out, "{d} d ");
    }
    if d > 0 || h > 0 {
        let _ = write!(out, "{h} h ");
    }
    if d > 0 || h > 0 || m > 0 {
        let _ = write!(out, "{m} min ");
    }
    let _ = write!(out, "{sec} s");
    out
}

/// The randomness plan in words, with its time when it has one.
pub(crate) fn plan_text(p: &RandomnessPlan) -> String {
    match p {
        RandomnessPlan::Drand { chain_hash, round } => {
            let network = if chain_hash.as_slice() == QUICKNET_CHAIN_HASH.as_slice() {
                "drand quicknet".to_owned()
            } else {
                format!("drand network {}", hex(chain_hash))
            };
            match p.available_at() {
                Some(t) => format!("{network} round {}, published {}", round.0, bj(t)),
                None => format!("{network} round {} (a round that never exists)", round.0),
            }
        }
        RandomnessPlan::Ceremony {
            procedure,
            scheduled_at,
            witnesses,
        } => format!(
            "public ceremony scheduled {}: {procedure}; its witnesses: {}",
            bj(*scheduled_at),
            if witnesses.is_empty() {
                "none named".to_owned()
            } else {
                witnesses.join(", ")
            }
        ),
        RandomnessPlan::Local {} => {
            "local: the office's own randomness (no time; the weakest kind)".to_owned()
        }
    }
}

/// The records of the chain that verify under the key, each once, in chain order.
pub(crate) fn open_records(lines: &[ChainLine], key: &IssuerPublicKey) -> Vec<(RecordId, Record)> {
    let mut seen = HashSet::new();
    lines
        .iter()
        .filter_map(|l| {
            let id = l.envelope.record_id();
            let r = Record::open(&l.envelope, key).ok()?;
            seen.insert(id).then_some((id, r))
        })
        .collect()
}

const STYLE: &str = r#"
@page { size: A4; margin: 15mm; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm; color: #1a1a1a; font-size: 10pt; line-height: 1.5;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; }
th, td { border: 1px solid #aaa; padding: 1mm 1.6mm; vertical-align: top; text-align: left; }
thead th { background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.kv th { width: 28%; background: #f5f5f5; }
.mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; font-size: 8.5pt;
  word-break: break-all; overflow-wrap: anywhere; }
td.check { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; font-size: 8.5pt;
  white-space: nowrap; }
.verdict { border: 2px solid; padding: 2mm 3mm; margin: 3mm 0; font-weight: 700; }
.holds { border-color: #1b5e20; color: #1b5e20; }
.fails { border-color: #b3261e; color: #b3261e; }
.FAILED { color: #b3261e; font-weight: 700; }
.warning { color: #7a5b00; }
.note { color: #444; }
.notrun { color: #777; }
p.small, footer { font-size: 8.5pt; color: #444; }
"#;

/// The report page.
pub fn render(c: &ReportContext<'_>) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = page(&mut h, c);
    h
}

fn page(h: &mut String, c: &ReportContext<'_>) -> std::fmt::Result {
    let r = c.report;
    let holds = r.holds() && c.ledger.is_none_or(LedgerReport::holds);
    let records = open_records(c.lines, c.key);
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        h,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        h,
        "<title>Verification report (核验报告): {}</title>",
        escape(c.key.issuer())
    )?;
    writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>")?;
    writeln!(
        h,
        "<h1>Verification report (核验报告)</h1>\n<p>The receipt chain <span class=\"mono\">{}</span>, verified with <code>double-random verify</code> at level <strong>{}</strong> under the public key of <strong>{}</strong>.</p>",
        escape(c.inputs.first().map_or("", |f| f.path.as_str())),
        level_name(c.level),
        escape(c.key.issuer())
    )?;

    // Verdict, with a wrong key first.
    for f in r.findings.iter().filter(|f| f.check == "wrong-key") {
        writeln!(
            h,
            "<p class=\"verdict fails\">Wrong key (wrong-key): {}</p>",
            both(f)
        )?;
    }
    let errors = r.errors().count() + c.ledger.map_or(0, |l| l.errors().count());
    let (class, text) = match (holds, r.witnesses_checked) {
        (true, true) => (
            "holds",
            "Verdict: every check made holds, including that each commitment was witnessed before its randomness existed.".to_owned(),
        ),
        (true, false) => (
            "holds",
            "Verdict: every check made holds, EXCEPT publication time: no witness keys were given, so nothing shows the commitments were published before their randomness.".to_owned(),
        ),
        (false, _) => (
            "fails",
            format!("Verdict: FAILED, {errors} error finding(s) (listed below)."),
        ),
    };
    writeln!(h, "<p class=\"verdict {class}\">{}</p>", escape(&text))?;

    // Who made the report.
    writeln!(h, "<h2>This report (报告信息)</h2>\n<table class=\"kv\">")?;
    kv(
        h,
        "Tool",
        &format!("double-random {}", env!("CARGO_PKG_VERSION")),
    )?;
    kv(
        h,
        "Made at",
        &c.made_at
            .map_or_else(|| "unknown (the clock is not usable)".to_owned(), bj),
    )?;
    kv(h, "Level", level_name(c.level))?;
    kv(
        h,
        "Times",
        "Beijing time (北京时间, UTC+8); the signed records hold UTC.",
    )?;
    writeln!(h, "</table>")?;

    // The issuer key.
    writeln!(
        h,
        "<h2>Issuer key (签发机关公钥)</h2>\n<table class=\"kv\">"
    )?;
    kv(h, "Issuer", c.key.issuer())?;
    kv_mono(h, "Fingerprint", c.key.fingerprint())?;
    kv_mono(h, "Key id", c.key.key_id())?;
    writeln!(
        h,
        "</table>\n<p class=\"small\">{} Compare the fingerprint with the one the issuer published independently (its portal, its annual plan, its notices).</p>",
        if r.head.is_some() {
            "The records that verified were signed with this key."
        } else {
            "No record of the chain verified under this key."
        }
    )?;
    if let Some((keys, threshold)) = c.witnesses {
        writeln!(
            h,
            "<h3>Trusted witnesses (见证方), {threshold} required per commitment</h3>\n<table><thead><tr><th>Witness</th><th>Fingerprint</th><th>Key id</th></tr></thead><tbody>"
        )?;
        for k in keys {
            writeln!(
                h,
                "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
                escape(k.issuer()),
                escape(k.fingerprint()),
                escape(k.key_id())
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }

    // Inputs.
    writeln!(
        h,
        "<h2>Inputs (输入文件)</h2>\n<table><thead><tr><th>Input</th><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>"
    )?;
    for f in &c.inputs {
        writeln!(
            h,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
            escape(&f.role),
            escape(&f.path),
            f.size,
            escape(&f.sha256)
        )?;
    }
    writeln!(
        h,
        "</tbody></table>\n<p class=\"small\">Anyone holding files with these SHA-256 values can repeat this verification and must get the same result.</p>"
    )?;

    // The chain.
    writeln!(h, "<h2>The chain (回执链)</h2>\n<table class=\"kv\">")?;
    kv(
        h,
        "Records",
        &format!(
            "{} line(s): {} commitment(s), {} draw(s), {} cancellation(s); {} draw(s) replayed, {} checked against the register files",
            r.records,
            r.commitments,
            r.draws,
            r.cancellations,
            r.draws_replayed,
            r.draws_checked_with_registers
        ),
    )?;
    let mut versions: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, rec) in &records {
        *versions.entry(format_name(rec.format())).or_default() += 1;
    }
    kv(
        h,
        "Format versions",
        &if versions.is_empty() {
            "no record verified".to_owned()
        } else {
            versions
                .iter()
                .map(|(v, n)| format!("{v}: {n} record(s)"))
                .collect::<Vec<_>>()
                .join("; ")
        },
    )?;
    match &r.head {
        Some(hd) => kv(
            h,
            "Head",
            &format!(
                "sequence {}, record {}, made {}. Compare it with the head the issuer published: a chain cut short still verifies on its own.",
                hd.sequence,
                hd.record,
                bj(hd.created_at)
            ),
        )?,
        None => kv(h, "Head", "none: no record verified")?,
    }
    writeln!(h, "</table>")?;

    checks_table(h, c)?;
    draws_section(h, c, &records)?;

    // Every finding.
    writeln!(h, "<h2>Findings (发现), in chain order</h2>")?;
    findings_table(h, &r.findings)?;
    if let Some(l) = c.ledger {
        writeln!(
            h,
            "<h2>Results ledger (检查结果台账)</h2>\n<p>{} record(s); {}.</p>",
            l.records,
            if l.holds() {
                "every check of the ledger holds"
            } else {
                "the ledger FAILS"
            }
        )?;
        if let Some(hd) = &l.head {
            writeln!(
                h,
                "<p>Ledger head: sequence {}, record <span class=\"mono\">{}</span>, made {}.</p>",
                hd.sequence,
                hd.record,
                escape(&bj(hd.created_at))
            )?;
        }
        findings_table(h, &l.findings)?;
    }
    writeln!(
        h,
        "<footer><p>What this verification cannot show: that the registers are complete and honest, that every conflict was declared, that the inspections happened, or who held the secret key; without witness keys, that the commitments were published before their randomness. See docs/auditing.md. The checks are those of docs/FORMAT.md §7; their names are stable.</p></footer>\n</body>\n</html>"
    )
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Chain => "chain",
        Level::Replay => "replay",
        Level::Full => "full",
    }
}

fn format_name(v: FormatVersion) -> &'static str {
    match v {
        FormatVersion::V1 => "version 1",
        FormatVersion::V2 => "version 2",
        _ => "another version",
    }
}

fn kv(h: &mut String, k: &str, v: &str) -> std::fmt::Result {
    writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v))
}

fn kv_mono(h: &mut String, k: &str, v: &str) -> std::fmt::Result {
    writeln!(
        h,
        "<tr><th>{}</th><td class=\"mono\">{}</td></tr>",
        escape(k),
        escape(v)
    )
}

fn checks_table(h: &mut String, c: &ReportContext<'_>) -> std::fmt::Result {
    let r = c.report;
    let t = tally(&r.findings);
    let any_error = !r.holds();
    writeln!(
        h,
        "<h2>Checks made (核验项目)</h2>\n<p class=\"small\">Every check of docs/FORMAT.md §7 that applies at this level, with its result. \"holds\" means the check was made and found nothing wrong. {}</p>",
        if any_error {
            "A failed check can stop later checks of the same record (FORMAT §7 gives the order); where the chain fails, \"no finding\" therefore does not by itself mean the check held for every record."
        } else {
            "No check failed, so every check listed ran on every record it applies to."
        }
    )?;
    writeln!(
        h,
        "<table><thead><tr><th>Check</th><th>What it establishes</th><th>Result</th></tr></thead><tbody>"
    )?;
    let mut listed = HashSet::new();
    for (name, scope, what) in CHECKS {
        listed.insert(*name);
        let result = match not_run(*scope, name, c) {
            Some(why) => format!("<span class=\"notrun\">{}</span>", escape(why)),
            None => result_cell(t.get(name).copied(), any_error),
        };
        writeln!(
            h,
            "<tr><td class=\"check\">{}</td><td>{}</td><td>{result}</td></tr>",
            escape(name),
            escape(what)
        )?;
    }
    // Findings of checks the table does not list (the witness `fork`
    // shares its name with the chain's; notes such as `level`).
    let mut others: Vec<&str> = t.keys().copied().filter(|k| !listed.contains(k)).collect();
    others.sort_unstable();
    for name in others {
        writeln!(
            h,
            "<tr><td class=\"check\">{}</td><td>see the findings</td><td>{}</td></tr>",
            escape(name),
            result_cell(t.get(name).copied(), any_error)
        )?;
    }
    writeln!(h, "</tbody></table>")
}

fn result_cell(counts: Option<[usize; 3]>, any_error: bool) -> String {
    let [notes, warnings, errors] = counts.unwrap_or_default();
    if errors > 0 {
        return format!("<span class=\"FAILED\">FAILED ({errors})</span>");
    }
    let mut s = if any_error {
        "no finding".to_owned()
    } else {
        "holds".to_owned()
    };
    if warnings > 0 {
        let _ = write!(s, ", <span class=\"warning\">{warnings} warning(s)</span>");
    }
    if notes > 0 {
        let _ = write!(s, ", <span class=\"note\">{notes} note(s)</span>");
    }
    s
}

fn findings_table(h: &mut String, findings: &[Finding]) -> std::fmt::Result {
    if findings.is_empty() {
        return writeln!(h, "<p>No finding.</p>");
    }
    writeln!(
        h,
        "<table><thead><tr><th>Severity</th><th>Check</th><th>Line</th><th>Sequence</th><th>What was found</th></tr></thead><tbody>"
    )?;
    for f in findings {
        let sev = severity_word(f.severity);
        writeln!(
            h,
            "<tr><td class=\"{sev}\">{sev}</td><td class=\"check\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(f.check),
            f.line.map_or(String::new(), |l| l.to_string()),
            f.sequence.map_or(String::new(), |s| s.to_string()),
            both(f)
        )?;
    }
    writeln!(h, "</tbody></table>")
}

/// A finding's message for the report, escaped: the English, then the
/// Chinese (where one was written) on a line of its own, so the report can
/// be cited in either language.
fn both(f: &Finding) -> String {
    match &f.message_zh {
        Some(zh) => format!(
            "{}<br><span lang=\"zh-CN\">{}</span>",
            escape(&f.message),
            escape(zh)
        ),
        None => escape(&f.message),
    }
}

/// The checks made of one draw at the level used.
fn draw_checks(c: &ReportContext<'_>, draw: &RecordId) -> Vec<&'static str> {
    let mut out = Vec::new();
    if c.level >= Level::Replay {
        out.extend([
            "algorithm",
            "randomness",
            "randomness-timing",
            "beacon",
            "seed",
            "sample-size",
            "ranks",
            "teams",
            "team-size",
            "unwitnessed",
        ]);
    }
    let with_files = c.level == Level::Full
        && c.registers
        && c.only_draw.is_none_or(|p| draw.starts_with_hex(p));
    if with_files {
        out.extend([
            "conflict-salt",
            "register-root",
            "task-rules",
            "drawn-entity",
            "team-member",
            "certificate",
            "conflict",
        ]);
    }
    if c.witnesses.is_some() {
        out.push("commitment-witnessed");
    }
    out
}

fn draws_section(
    h: &mut String,
    c: &ReportContext<'_>,
    records: &[(RecordId, Record)],
) -> std::fmt::Result {
    let commitments: HashMap<RecordId, &CommitmentPayload> = records
        .iter()
        .filter_map(|(id, r)| match r {
            Record::Commitment(p) => Some((*id, p)),
            _ => None,
        })
        .collect();
    let draws: Vec<(&RecordId, &DrawPayload)> = records
        .iter()
        .filter_map(|(id, r)| match r {
            Record::Draw(p) => Some((id, p)),
            _ => None,
        })
        .collect();
    writeln!(h, "<h2>Draws (抽取), one by one</h2>")?;
    if draws.is_empty() {
        return writeln!(h, "<p>The chain holds no draw that verified.</p>");
    }
    if c.witnesses.is_none() {
        writeln!(
            h,
            "<p><strong>Publication time was not checked:</strong> no witness keys were given. The commitment and randomness times below are the issuer's own statements; nothing in the chain shows that a commitment existed before its randomness.</p>"
        )?;
    }
    let witnessed: HashMap<RecordId, &DrawWitnesses> =
        c.report.witnessed.iter().map(|w| (w.draw, w)).collect();
    for (id, d) in draws {
        let idtext = id.to_string();
        let commitment = commitments.get(&d.commitment).copied();
        writeln!(
            h,
            "<h3>Draw at sequence {} — task {}</h3>\n<table class=\"kv\">",
            d.chain.sequence,
            escape(commitment.map_or("(commitment not on the chain)", |c| c.task.id.as_str()))
        )?;
        kv_mono(h, "Draw record", &idtext)?;
        kv(h, "Draw stated at", &bj(d.chain.created_at))?;
        let (c_time, r_time) = match commitment {
            Some(cm) => {
                kv(h, "Task", &format!("{} {}", cm.task.id, cm.task.name))?;
                kv_mono(
                    h,
                    "Commitment record",
                    &format!("{} (sequence {})", d.commitment, cm.chain.sequence),
                )?;
                kv(h, "Commitment stated at", &bj(cm.chain.created_at))?;
                kv(h, "Randomness", &plan_text(&cm.randomness))?;
                (Some(cm.chain.created_at), cm.randomness.available_at())
            }
            None => {
                kv_mono(h, "Commitment record", &d.commitment.to_string())?;
                (None, None)
            }
        };
        let gap = match (c_time, r_time) {
            (Some(a), Some(b)) if b.unix() > a.unix() => format!(
                "{} after the stated commitment time",
                span(b.unix() - a.unix())
            ),
            (Some(a), Some(b)) => format!(
                "NOT after it: the randomness existed {} before the stated commitment time",
                span(a.unix() - b.unix())
            ),
            (Some(_), None) => "no randomness time (local randomness)".to_owned(),
            _ => "unknown".to_owned(),
        };
        kv(h, "Randomness time − commitment time", &gap)?;
        kv(
            h,
            "Office's statement",
            match d.witnessing {
                Some(Witnessing::Witnessed) => {
                    "witnessed: the office says witnesses cosigned the commitment before the randomness"
                }
                Some(Witnessing::Unwitnessed) => {
                    "unwitnessed: the office drew without witness cosignatures of the commitment"
                }
                Some(_) => "another statement",
                None => "none (a version-1 draw states nothing)",
            },
        )?;
        let evidence = match (c.witnesses, witnessed.get(id)) {
            (None, _) => "not checked: no witness keys were given".to_owned(),
            (Some(_), None) => {
                "none (the draw was not judged as an outcome of its commitment)".to_owned()
            }
            (Some(_), Some(w)) if w.witnesses.is_empty() => {
                "no trusted witness cosigned the commitment before its randomness".to_owned()
            }
            (Some(_), Some(w)) => w
                .witnesses
                .iter()
                .map(|e| {
                    format!(
                        "{} (fingerprint {}) at {}, head {}",
                        e.name,
                        e.key_id.get(..16).unwrap_or(&e.key_id),
                        bj(e.time),
                        e.sequence
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        };
        kv(h, "Witnesses (who, when)", &evidence)?;
        let counts: Vec<String> = CreditClass::ALL
            .iter()
            .map(|cl| format!("{cl} {}", d.drawn.get(*cl).len()))
            .collect();
        kv(
            h,
            "Drawn",
            &format!("{} entit(ies): {}", d.drawn_count(), counts.join(", ")),
        )?;
        // The outcome: findings of this draw and of its commitment.
        let cid = d.commitment.to_string();
        let own: Vec<&Finding> = c
            .report
            .findings
            .iter()
            .filter(|f| f.record.as_deref() == Some(idtext.as_str()))
            .collect();
        let of_commitment: Vec<&Finding> = c
            .report
            .findings
            .iter()
            .filter(|f| {
                f.record.as_deref() == Some(cid.as_str()) && f.severity == FindingSeverity::Error
            })
            .collect();
        let failed = own
            .iter()
            .chain(&of_commitment)
            .any(|f| f.severity == FindingSeverity::Error);
        let checks = draw_checks(c, id);
        let outcome = if failed {
            "FAILED: see below".to_owned()
        } else if checks.is_empty() {
            "not replayed (level chain)".to_owned()
        } else {
            "holds: every check listed was made and holds".to_owned()
        };
        writeln!(
            h,
            "<tr><th>Outcome</th><td class=\"{}\">{}</td></tr>",
            if failed { "FAILED" } else { "" },
            escape(&outcome)
        )?;
        let own_findings: Vec<Finding> = own.iter().map(|f| (*f).clone()).collect();
        let t = tally(&own_findings);
        let list: Vec<String> = checks
            .iter()
            .map(|name| {
                let [n, w, e] = t.get(name).copied().unwrap_or_default();
                let word = if e > 0 {
                    "FAILED"
                } else if w > 0 {
                    "warning"
                } else if failed {
                    "no finding"
                } else if n > 0 {
                    "holds (note)"
                } else {
                    "holds"
                };
                format!("{name}: {word}")
            })
            .collect();
        if !list.is_empty() {
            kv(h, "Checks of this draw", &list.join("; "))?;
        }
        writeln!(h, "</table>")?;
        let shown: Vec<Finding> = own
            .into_iter()
            .chain(of_commitment)
            .filter(|f| f.severity > FindingSeverity::Note)
            .cloned()
            .collect();
        if !shown.is_empty() {
            findings_table(h, &shown)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_people_write_them() {
        assert_eq!(span(0), "0 s");
        assert_eq!(span(333), "5 min 33 s");
        assert_eq!(span(3600), "1 h 0 min 0 s");
        assert_eq!(span(-90_061), "1 d 1 h 1 min 1 s");
    }

    #[test]
    fn every_check_listed_is_a_format_check() {
        let format = include_str!("../../docs/FORMAT.md");
        let checks = &format[format.find("## 7. Checks").unwrap()..];
        for (name, _, _) in CHECKS {
            assert!(checks.contains(&format!("`{name}`")), "{name}");
        }
    }
}
