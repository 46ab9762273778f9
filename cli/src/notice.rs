//! `notice`: a printable, self-contained HTML draw notice (随机抽取结果公示):
//! the list of entities drawn for inspection and the teams drawn for them
//! (抽查对象名单), published after the draw. It is not the inspection results
//! (抽查结果), which are published later (`publish`).
//!
//! The page holds everything a reader needs to see what was drawn and to
//! check it: the task, a per-class table with an inline SVG chart of pool
//! versus drawn, the drawn entities and their teams, the receipt's record
//! ids, seed, randomness source and key fingerprint, and the command that
//! verifies it. It has no external assets and no scripts; inline CSS lays it
//! out for A4 paper. A notice is rendered only for a chain that verifies.
//!
//! Times are Beijing time, written `2024-06-14 10:00:00（北京时间）`. Which
//! firm is in which credit-risk class is not shown unless the office asks
//! for it (`--show-credit-class`): by default the drawn list has no class
//! or rank column and is ordered by USCC, so neither its columns nor its
//! order tell a firm's class; the per-class table shows counts only.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use clap::Args;
use double_random::{
    beacon::{BeaconVerdict, QUICKNET_CHAIN_HASH, check_beacon, drand_round_time},
    chain::Chain,
    checks::entity_roots,
    commitment::{commit_inspectors, commit_items},
    records::RecordId,
    records::{CommitmentPayload, DrawPayload, IssuerPublicKey, RandomnessPlan, Record},
    registers::{CheckItemList, CreditClass, EntityRegister, InspectorRegister},
    sampling::BasisPoints,
    verify::{Finding, FindingSeverity, Level, VerifyOptions, read_chain, verify_chain},
};
use time::Date;

use crate::common::{CliError, ReadArgs, Status, parse_date_arg};
use crate::registers;

/// Why a notice cannot be made (exit 2 for unreadable inputs, else exit 1).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeError {
    /// A file could not be read or written.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        cause: std::io::Error,
    },
    /// The public key file is not valid.
    #[error("{path}: {cause}")]
    Key {
        /// The file.
        path: String,
        /// Why.
        cause: double_random::records::KeyFileError,
    },
    /// A register file has errors.
    #[error("{path}: the register has {count} error(s); run `double-random check-registers` on it")]
    InvalidRegister {
        /// The file.
        path: String,
        /// Number of errors.
        count: usize,
    },
}

impl From<NoticeError> for CliError {
    fn from(e: NoticeError) -> Self {
        CliError::Notice(Box::new(e))
    }
}

/// Flags of `notice`.
#[derive(Debug, Args)]
pub struct NoticeArgs {
    /// The issuer's chain file.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// The draw (record id or a prefix of it); default: the chain's latest draw.
    #[arg(long)]
    pub draw: Option<String>,
    /// Render the commitment notice (承诺公告) of this commitment (record id
    /// or a prefix of it, or a task id for the task's latest commitment)
    /// instead of a draw notice: published at commit
    /// time, before the randomness exists. Needs no register (`--items` for
    /// item names).
    #[arg(long, conflicts_with_all = ["draw", "show_credit_class", "entities", "inspectors"])]
    pub commitment: Option<String>,
    /// The entity register the draw was committed with (for names).
    #[arg(long, required_unless_present = "commitment")]
    pub entities: Option<PathBuf>,
    /// The inspector register the draw was committed with (for names).
    #[arg(long, required_unless_present = "commitment")]
    pub inspectors: Option<PathBuf>,
    /// The check-item list the draw was committed with (for item names; optional).
    #[arg(long)]
    pub items: Option<PathBuf>,
    /// Write the HTML page here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The posting date (公示日期) printed in the notice's 落款, YYYY-MM-DD;
    /// default: today in Beijing.
    #[arg(long, value_parser = parse_date_arg)]
    pub posted_on: Option<Date>,
    /// Where the public can complain or ask about the draw (投诉监督), e.g.
    /// "县水务局政策法规股 0356-1234567"; printed on the notice when given.
    #[arg(long)]
    pub contact: Option<String>,
    /// Replace an existing output file (a symlink is never followed).
    #[arg(long)]
    pub force: bool,
    /// Show each drawn firm's credit-risk class and its rank within the class.
    /// Off by default: classification results are used inside the departments
    /// and generally not published.
    #[arg(long)]
    pub show_credit_class: bool,
    /// Witnesses whose cosignatures the notice shows (who cosigned the
    /// commitment before the randomness, and when).
    #[command(flatten)]
    pub witnesses: crate::receipts::WitnessArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> NoticeError + '_ {
    move |cause| NoticeError::Io {
        path: path.display().to_string(),
        cause,
    }
}

fn hex(h: &(impl AsRef<[u8]> + ?Sized)) -> String {
    let h = h.as_ref();
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reports a reason to refuse on standard error; the command then exits 1.
fn refuse(why: &str) -> Result<Status, CliError> {
    eprintln!("double-random notice: refusing to render a notice: {why}");
    Ok(Status::Failed)
}

/// Runs `notice`.
pub fn notice(a: &NoticeArgs) -> Result<Status, CliError> {
    let key_text = crate::files::read_text_capped(&a.public_key, crate::files::Limit::SMALL)
        .map_err(io(&a.public_key))?;
    let key = IssuerPublicKey::from_text(&key_text).map_err(|cause| NoticeError::Key {
        path: a.public_key.display().to_string(),
        cause,
    })?;
    let bytes = crate::log_file::read_shared(&a.chain).map_err(io(&a.chain))?;

    // 1. The chain must verify (signatures, chain rules, replay of every draw).
    let (lines, mut findings) = read_chain(&bytes);
    let witness_data = crate::receipts::load_witnesses(&a.witnesses, &a.chain)?;
    let report = verify_chain(
        &lines,
        &key,
        &VerifyOptions {
            witnesses: witness_data.as_ref().map(|(keys, bytes)| {
                double_random::verify::WitnessOptions {
                    trusted: keys,
                    threshold: a.witnesses.witness_threshold,
                    cosignatures: bytes,
                    now: crate::receipts::now().ok(),
                }
            }),
            ..VerifyOptions::level(Level::Replay)
        },
    );
    findings.extend(report.findings.iter().cloned());
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Error)
        .collect();
    if !errors.is_empty() {
        for f in &errors {
            eprintln!(
                "  {} [{}] {}",
                crate::lang::pick("FAIL", "不通过"),
                f.check,
                crate::lang::finding(f)
            );
        }
        return refuse(&format!(
            "the chain does not verify ({} error(s)); run `double-random verify`",
            errors.len()
        ));
    }
    let mut records: Vec<(RecordId, Record)> = Vec::new();
    for l in &lines {
        if let Ok(r) = Record::open(&l.envelope, &key) {
            records.push((l.envelope.record_id(), r));
        }
    }

    let posted_on = match a.posted_on {
        Some(d) => d,
        None => double_random::ledger::china_date(crate::receipts::now()?),
    };
    if let Some(prefix) = &a.commitment {
        return crate::commit_notice::render(
            a,
            &key,
            &records,
            &crate::commit_notice::Checked {
                records: report.records,
                draws_replayed: report.draws_replayed,
                posted_on,
            },
            prefix,
        );
    }
    let (Some(entities_path), Some(inspectors_path)) = (&a.entities, &a.inspectors) else {
        return refuse("a draw notice needs --entities and --inspectors");
    };

    // 2. The draw and its commitment.
    let draws: Vec<(&RecordId, &DrawPayload)> = records
        .iter()
        .filter_map(|(id, r)| match r {
            Record::Draw(d) => Some((id, d)),
            _ => None,
        })
        .filter(|(id, _)| {
            a.draw
                .as_deref()
                .is_none_or(|p| hex(*id).starts_with(&p.trim().to_ascii_lowercase()))
        })
        .collect();
    let (draw_id, draw) = match (draws.as_slice(), &a.draw) {
        ([], None) => return refuse("the chain has no draw"),
        ([], Some(p)) => {
            return refuse(&format!("no draw on the chain has an id starting with {p}"));
        }
        ([.., last], None) => *last,
        ([one], Some(_)) => *one,
        (many, Some(p)) => {
            return refuse(&format!(
                "{} draws have ids starting with {p}; give more digits",
                many.len()
            ));
        }
    };
    let Some(commitment) = records.iter().find_map(|(id, r)| match r {
        Record::Commitment(c) if *id == draw.commitment => Some(c),
        _ => None,
    }) else {
        return refuse("the draw's commitment is not on the chain");
    };

    // 3. The registers, for names: they must be the ones committed.
    let opts = a.read.options(None);
    let mut notes = crate::registers::Notes::default();
    let entities =
        registers::read_entities(entities_path, a.read.encoding.into(), &opts, &mut notes)?;
    if !entities.is_clean() {
        return Err(NoticeError::InvalidRegister {
            path: entities_path.display().to_string(),
            count: entities.errors().count(),
        }
        .into());
    }
    let inspectors =
        registers::read_inspectors(inspectors_path, a.read.encoding.into(), &opts, &mut notes)?;
    if !inspectors.is_clean() {
        return Err(NoticeError::InvalidRegister {
            path: inspectors_path.display().to_string(),
            count: inspectors.errors().count(),
        }
        .into());
    }
    let items = match &a.items {
        Some(p) => {
            let v = registers::read_items(p, a.read.encoding.into(), &mut notes)?;
            if !v.is_clean() {
                return Err(NoticeError::InvalidRegister {
                    path: p.display().to_string(),
                    count: v.errors().count(),
                }
                .into());
            }
            Some(v.register)
        }
        None => None,
    };
    let entities = entities.register;
    let inspectors = inspectors.register;
    let committed = &commitment.registers;
    // The pool the commitment's scope and exclusions derive from the master
    // register (the register itself for a version-1 commitment).
    let Ok(chain) = Chain::open(key.clone(), &bytes) else {
        return refuse("the chain does not verify; run `double-random verify`");
    };
    let Ok(pool) = chain.pool(commitment, &entities) else {
        return refuse("the commitment excludes a draw that is not on the chain");
    };
    let roots = entity_roots(&entities, commitment.format, Some(&pool)).ok();
    if roots.as_ref().map(|(e, m)| (e, *m)) != Some((&committed.entities, committed.master)) {
        return refuse(&format!(
            "{} is not the entity register the draw was committed with (its Merkle root, or that of the pool its scope gives, differs)",
            entities_path.display()
        ));
    }
    if commit_inspectors(&inspectors).map(|c| c.root).ok() != Some(committed.inspectors.root) {
        return refuse(&format!(
            "{} is not the inspector register the draw was committed with (its Merkle root differs)",
            inspectors_path.display()
        ));
    }
    if let Some(list) = &items
        && committed.items.map(|r| r.root) != commit_items(list).map(|c| c.root).ok()
    {
        return refuse(&format!(
            "{} is not the check-item list the draw was committed with",
            a.items.as_deref().unwrap_or(Path::new("")).display()
        ));
    }
    for (class, d) in draw.drawn_in_order() {
        let at_rank = usize::try_from(d.rank.0)
            .ok()
            .and_then(|r| pool.class(class).get(r));
        if at_rank.map(|e| &e.uscc) != Some(&d.uscc) {
            return refuse(&format!(
                "class {class} rank {} is not {} in the entity register",
                d.rank.0, d.uscc
            ));
        }
    }

    let page = Notice {
        key: &key,
        commitment,
        commitment_id: &draw.commitment,
        draw,
        draw_id,
        entities: &pool,
        master_size: entities.len(),
        inspectors: &inspectors,
        items: items.as_ref(),
        chain_file: file_name(&a.chain),
        key_file: file_name(&a.public_key),
        records: report.records,
        draws_replayed: report.draws_replayed,
        show_credit_class: a.show_credit_class,
        posted_on,
        contact: a
            .contact
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty()),
        witnessed: report
            .witnesses_checked
            .then(|| {
                report
                    .witnessed
                    .iter()
                    .find(|w| w.draw == *draw_id)
                    .cloned()
            })
            .map(|w| w.map(|w| w.witnesses).unwrap_or_default()),
        after: records
            .iter()
            .filter(|(_, r)| r.amends_draw() == Some(draw_id))
            .map(|(_, r)| r)
            .collect(),
    }
    .render()
    .map_err(|_| CliError::Output(std::io::Error::other("cannot format the page")))?;
    match &a.out {
        Some(p) => {
            crate::files::write_output(p, page, crate::files::Overwrite::from_force(a.force))
                .map_err(io(p))?
        }
        None => {
            use std::io::Write as _;
            std::io::stdout().lock().write_all(page.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

/// The last component of a path, so that no machine path enters the page.
fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| "CHAIN".into(), |n| n.to_string_lossy().into_owned())
}

// ---------------------------------------------------------------------------
// HTML escaping

/// Text escaped for HTML text and quoted attribute values: `&`, `<`, `>`,
/// `"` and `'` become character references, and every invisible character
/// (zero-width, bidi controls, soft hyphen, ...) is written out visibly as
/// `⟨U+200B⟩`, so a name that only looks like another shows its difference.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = double_random::registers::text::visible(self.0);
        let mut rest: &str = &shown;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            let entity = match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            };
            f.write_str(entity)?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// `s` escaped for HTML text or a quoted attribute value.
pub fn escape(s: &str) -> String {
    Esc(s).to_string()
}

// ---------------------------------------------------------------------------
// The page

struct Notice<'a> {
    key: &'a IssuerPublicKey,
    commitment: &'a CommitmentPayload,
    commitment_id: &'a RecordId,
    draw: &'a DrawPayload,
    draw_id: &'a RecordId,
    /// The pool the draw sampled.
    entities: &'a EntityRegister,
    /// Entities in the master register the pool was derived from.
    master_size: usize,
    inspectors: &'a InspectorRegister,
    items: Option<&'a CheckItemList>,
    chain_file: String,
    key_file: String,
    records: usize,
    draws_replayed: usize,
    show_credit_class: bool,
    /// The posting date in the 落款.
    posted_on: Date,
    /// The complaint and supervision contact, when given.
    contact: Option<&'a str>,
    /// The witnesses who cosigned the commitment before its randomness;
    /// `None` when no witness key was given.
    witnessed: Option<Vec<double_random::verify::WitnessEvidence>>,
    /// The draw's replacements and supplements, in chain order.
    after: Vec<&'a Record>,
}

pub(crate) const STYLE: &str = r#"
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { background: #e9e9e6; }
body {
  margin: 0; color: #1a1a1a; font-size: 10.5pt; line-height: 1.55;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "SimHei", sans-serif;
}
.sheet { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 16mm 15mm 18mm;
  background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); }
header { text-align: center; border-bottom: 2px solid #b3261e; padding-bottom: 4mm; margin-bottom: 5mm; }
.issuer { margin: 0; font-size: 13pt; letter-spacing: .15em; color: #b3261e; font-weight: 700; }
h1 { margin: 2mm 0 1mm; font-size: 19pt; font-weight: 700; letter-spacing: .05em;
  font-family: "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Songti SC", "SimSun", serif; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-left: 2mm; border-left: 4px solid #b3261e;
  break-after: avoid; page-break-after: avoid; }
.en { font-size: 8pt; color: #666; font-weight: normal; letter-spacing: 0; }
h1 .en, h2 .en { margin-left: .6em; }
.subtitle { margin: 0; color: #333; }
.scope { margin: 0 0 3mm; padding: 1.5mm 3mm; background: #f7f5f1; border-left: 3px solid #999; }
.note { font-size: 9pt; color: #444; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; }
th, td { border: 1px solid #999; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
thead th { background: #f1ece4; font-weight: 700; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.kv th { width: 30%; background: #f7f5f1; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 700; background: #f7f5f1; }
.mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, "Courier New", monospace;
  font-size: 8.5pt; word-break: break-all; overflow-wrap: anywhere; }
.team span.member { white-space: nowrap; margin-right: .8em; }
td.uscc, thead th { white-space: nowrap; word-break: keep-all; overflow-wrap: normal; }
table.drawn td.name { min-width: 38mm; }
.team .cert { color: #555; font-size: 8.5pt; }
figure { margin: 2mm 0 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #555; }
.source { font-weight: 700; }
.source.strong { color: #1b5e20; }
.source.medium { color: #7a5b00; }
.source.weak { color: #b3261e; }
.signature { margin: 8mm 0 6mm auto; width: 70mm; text-align: center; position: relative;
  break-inside: avoid; page-break-inside: avoid; }
.signature .seal { width: 42mm; height: 42mm; margin: 0 auto -30mm; border: 1px dashed #bbb;
  border-radius: 50%; color: #bbb; font-size: 9pt; line-height: 42mm; }
.signature p { margin: 1mm 0; font-size: 11pt; position: relative; }
.appendix { margin-top: 8mm; padding-top: 2mm; border-top: 1px dashed #999; }
.appendix h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
pre { margin: 1mm 0 2mm; padding: 2mm 3mm; background: #f6f6f4; border: 1px solid #ccc;
  white-space: pre-wrap; word-break: break-all; font-size: 8.5pt;
  font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, "Courier New", monospace; }
li span.mono { white-space: nowrap; word-break: normal; }
ol { margin: 1mm 0; padding-left: 6mm; }
li { margin: .6mm 0; }
.verified { border: 1.5px solid #1b5e20; color: #1b5e20; padding: 1.5mm 3mm; margin: 2mm 0; }
footer { margin-top: 6mm; padding-top: 2mm; border-top: 1px solid #ccc; font-size: 8.5pt; color: #555; }
section { break-inside: auto; }
@media print {
  html { background: none; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  a { color: inherit; text-decoration: none; }
  body { font-size: 9.5pt; line-height: 1.45; }
  figure svg { max-width: 150mm; }
  table.kv { break-inside: avoid; page-break-inside: avoid; }
  h2 { margin-top: 4mm; }
}
"#;

/// A date as written in a Chinese document's 落款: `2024年6月14日`.
pub(crate) fn chinese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// The complaint and supervision section (投诉监督), numbered `number`.
pub(crate) fn contact_section(h: &mut String, number: &str, contact: &str) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"contact\">\n<h2>{number}、投诉与监督<span class=\"en\">Complaints and supervision</span></h2>\n\
         <p>对本公告内容有异议，或发现抽取、检查中有违法违纪行为的，可向以下单位反映：<strong>{}</strong>。\
         <span class=\"en\">Questions or complaints about this notice: see the contact above.</span></p>\n</section>",
        Esc(contact)
    )
}

/// The 落款: the issuing office, the posting date and a space for the seal.
pub(crate) fn signature_block(h: &mut String, issuer: &str, posted_on: Date) -> fmt::Result {
    writeln!(
        h,
        "<div class=\"signature\" id=\"signature\">\n<div class=\"seal\" aria-label=\"盖章处\">（盖章）</div>\n\
         <p class=\"signer\">{}</p>\n<p class=\"date\" id=\"posted-on\" data-date=\"{}\">{}</p>\n</div>",
        Esc(issuer),
        double_random::calendar::format_date(posted_on),
        chinese_date(posted_on)
    )
}

/// The randomness source in plain words for the main part of a notice
/// (the technical values are in the appendix).
pub(crate) fn randomness_in_words(plan: &RandomnessPlan) -> String {
    match plan {
        RandomnessPlan::Drand { chain_hash, round } => {
            let when = drand_round_time(chain_hash, round.0)
                .map(|t| format!("，该轮随机数于 {} 公布", t.beijing().labelled()))
                .unwrap_or_default();
            format!(
                "随机数取自 drand 公共随机信标（由多家机构共同运行、任何人都可查询的公开随机数服务）第 {} 轮{when}。\
                 这一轮的随机数在本机关作出承诺时尚不存在，也不由本机关产生。",
                round.0
            )
        }
        RandomnessPlan::Ceremony {
            procedure,
            scheduled_at,
            witnesses,
        } => format!(
            "随机数在公开抽签仪式上产生：时间 {}；方式：{}；见证人：{}。",
            scheduled_at.beijing().labelled(),
            escape(procedure),
            if witnesses.is_empty() {
                "无".to_owned()
            } else {
                witnesses
                    .iter()
                    .map(|w| escape(w))
                    .collect::<Vec<_>>()
                    .join("、")
            }
        ),
        RandomnessPlan::Local {} => {
            "随机数由本机关的计算机生成。这是最弱的方式：本机关以外的人无法确认随机数未经挑选。"
                .to_owned()
        }
    }
}

/// The task's rows of a notice's task table: id, name, departments, items,
/// team, and the scope and pool when the task has a scope.
pub(crate) fn task_rows(
    h: &mut String,
    commitment: &CommitmentPayload,
    items: Option<&CheckItemList>,
    master_size: usize,
) -> fmt::Result {
    let task = &commitment.task;
    let team = &task.team;
    writeln!(
        h,
        "<tr><th>任务编号 <span class=\"en\">Task id</span></th><td class=\"mono\">{}</td></tr>",
        Esc(&task.id)
    )?;
    writeln!(
        h,
        "<tr><th>任务名称 <span class=\"en\">Name</span></th><td>{}</td></tr>",
        Esc(&task.name)
    )?;
    writeln!(
        h,
        "<tr><th>发起部门 <span class=\"en\">Initiating</span></th><td>{}</td></tr>",
        Esc(team.initiating_department())
    )?;
    let participating = if team.participating_departments().is_empty() {
        "无（单部门抽查）".to_owned()
    } else {
        team.participating_departments()
            .iter()
            .map(|d| escape(d))
            .collect::<Vec<_>>()
            .join("、")
    };
    writeln!(
        h,
        "<tr><th>配合部门 <span class=\"en\">Participating</span></th><td>{participating}</td></tr>"
    )?;
    write!(
        h,
        "<tr><th>检查事项 <span class=\"en\">Check items</span></th><td>"
    )?;
    for (i, id) in task.items.iter().enumerate() {
        if i > 0 {
            write!(h, "<br>")?;
        }
        write!(h, "<span class=\"mono\">{}</span>", Esc(id))?;
        if let Some(item) = items.and_then(|l| l.get(id)) {
            write!(h, " {}", Esc(&item.name))?;
        }
    }
    if task.items.is_empty() {
        write!(h, "—")?;
    }
    writeln!(h, "</td></tr>")?;
    writeln!(
        h,
        "<tr><th>检查组 <span class=\"en\">Team</span></th><td>每组 {} 名执法人员{}</td></tr>",
        team.team_size(),
        if team.required_expertise().is_empty() {
            String::new()
        } else {
            format!(
                "，须含专长：{}",
                team.required_expertise()
                    .iter()
                    .map(|e| escape(e))
                    .collect::<Vec<_>>()
                    .join("、")
            )
        }
    )?;
    if let Some(scope) = &task.scope {
        write!(
            h,
            "<tr><th>抽查范围 <span class=\"en\">Scope</span></th><td id=\"scope\">"
        )?;
        for (i, line) in crate::scope::chinese(scope).iter().enumerate() {
            if i > 0 {
                write!(h, "<br>")?;
            }
            write!(h, "{}", Esc(line))?;
        }
        writeln!(h, "</td></tr>")?;
        writeln!(
            h,
            "<tr><th>名录库 <span class=\"en\">Pool</span></th><td id=\"pool\">检查对象名录库共 {} 户，按抽查范围{}确定本任务名录库 {} 户</td></tr>",
            master_size,
            if task.exclude_drawn.is_empty() {
                String::new()
            } else {
                format!(
                    "并排除此前 {} 次抽取已抽中的对象后",
                    task.exclude_drawn.len()
                )
            },
            commitment.registers.entities.size.0
        )?;
    }
    Ok(())
}

/// Ratio in basis points as percent text.
pub(crate) fn percent(bp: u32) -> String {
    match BasisPoints::new(bp) {
        Ok(b) => b.to_string(),
        Err(_) => format!("{bp} bp"),
    }
}

impl Notice<'_> {
    fn render(&self) -> Result<String, fmt::Error> {
        let mut h = String::with_capacity(32 * 1024);
        let task = &self.commitment.task;
        writeln!(h, "<!DOCTYPE html>")?;
        writeln!(h, "<html lang=\"zh-CN\">")?;
        writeln!(h, "<head>")?;
        writeln!(h, "<meta charset=\"utf-8\">")?;
        writeln!(
            h,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        )?;
        writeln!(
            h,
            "<meta name=\"generator\" content=\"double-random {}\">",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            h,
            "<title>随机抽取结果公示 · {} · {}</title>",
            Esc(&task.id),
            Esc(&task.name)
        )?;
        writeln!(h, "<style>{STYLE}</style>")?;
        writeln!(h, "</head>")?;
        writeln!(h, "<body>")?;
        writeln!(h, "<main class=\"sheet\">")?;
        writeln!(h, "<header>")?;
        writeln!(h, "<p class=\"issuer\">{}</p>", Esc(self.key.issuer()))?;
        writeln!(
            h,
            "<h1>“双随机、一公开”随机抽取结果公示<br><span class=\"en\">Notice of a random spot-check draw: entities and teams drawn</span></h1>"
        )?;
        writeln!(
            h,
            "<p class=\"subtitle\">{}（任务编号 {}）</p>",
            Esc(&task.name),
            Esc(&task.id)
        )?;
        writeln!(h, "</header>")?;
        writeln!(
            h,
            "<p class=\"scope\" id=\"scope\">本公示为随机抽取的检查对象名单及随机匹配的检查组，不是检查结果；\
             检查结果在检查完成后 20 个工作日内另行公示。抽取前，本机关已将名录库和抽取规则签名固定并公告，\
             随机数在此之后才产生，任何人都无法事先挑选或事后更改名单。文中时间均为北京时间。\
             <span class=\"en\">This notice lists the entities and teams drawn, not inspection results, which are published after the inspections. Times are Beijing time (UTC+8).</span></p>"
        )?;
        self.task_section(&mut h)?;
        self.class_section(&mut h)?;
        self.drawn_section(&mut h)?;
        self.how_section(&mut h)?;
        if let Some(c) = self.contact {
            contact_section(&mut h, "五", c)?;
        }
        signature_block(&mut h, self.key.issuer(), self.posted_on)?;
        writeln!(
            h,
            "<section id=\"appendix\" class=\"appendix\">\n<h2>附录：技术核验信息<span class=\"en\">Appendix: technical details for verification</span></h2>\n\
             <p class=\"note\">以下为抽取凭证中的记录编号、哈希值与随机种子，以及任何人均可运行的核验步骤，供审计人员、检查对象和公众复核。\
             <span class=\"en\">Record ids, hashes and the seed of the signed receipt, and the steps anyone can run to check the draw.</span></p>"
        )?;
        self.receipt_section(&mut h)?;
        self.verify_section(&mut h)?;
        writeln!(h, "</section>")?;
        writeln!(
            h,
            "<footer>本公示由 double-random {} 根据已签名的抽取凭证生成；凭证、公钥与核验方法见附录。名单以凭证为准。\
             <span class=\"en\">Generated from the signed receipt; the receipt prevails.</span></footer>",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(h, "</main>")?;
        writeln!(h, "</body>")?;
        writeln!(h, "</html>")?;
        Ok(h)
    }

    fn task_section(&self, h: &mut String) -> fmt::Result {
        writeln!(
            h,
            "<section id=\"task\">\n<h2>一、抽查任务<span class=\"en\">Task</span></h2>"
        )?;
        writeln!(h, "<table class=\"kv\">")?;
        task_rows(h, self.commitment, self.items, self.master_size)?;
        writeln!(
            h,
            "<tr><th>检查日期 <span class=\"en\">Inspection date</span></th><td>{}</td></tr>",
            double_random::calendar::format_date(double_random::checks::inspection_date(
                self.commitment,
                self.draw.chain.created_at.date()
            ))
        )?;
        writeln!(
            h,
            "<tr><th>承诺时间 <span class=\"en\">Committed at</span></th><td>{}</td></tr>",
            self.commitment.chain.created_at.beijing().labelled()
        )?;
        writeln!(
            h,
            "<tr><th>抽取时间 <span class=\"en\">Drawn at</span></th><td>{}</td></tr>",
            self.draw.chain.created_at.beijing().labelled()
        )?;
        write!(
            h,
            "<tr><th>见证 <span class=\"en\">Witnesses</span></th><td>"
        )?;
        match &self.witnessed {
            None => write!(
                h,
                "未核验（未提供见证方公钥） <span class=\"en\">not checked</span>"
            )?,
            Some(w) if w.is_empty() => write!(
                h,
                "<strong>无见证方在随机数产生之前副署此承诺</strong> <span class=\"en\">not witnessed before the randomness</span>"
            )?,
            Some(w) => {
                for (i, x) in w.iter().enumerate() {
                    if i > 0 {
                        write!(h, "<br>")?;
                    }
                    write!(
                        h,
                        "{} 于 {} 副署（早于随机数）",
                        Esc(&x.name),
                        x.time.beijing().labelled()
                    )?;
                }
            }
        }
        if self.draw.witnessing == Some(double_random::records::Witnessing::Unwitnessed) {
            write!(h, "<br>抽取记录声明：未经见证 (unwitnessed)")?;
        }
        writeln!(h, "</td></tr>")?;
        writeln!(h, "</table>\n</section>")
    }

    fn class_section(&self, h: &mut String) -> fmt::Result {
        let task = &self.commitment.task;
        let pools = self.commitment.pools();
        let drawn = CreditClass::ALL.map(|c| self.draw.drawn.get(c).len() as u64);
        writeln!(
            h,
            "<section id=\"classes\">\n<h2>二、按信用风险分类抽取<span class=\"en\">Per credit-risk class</span></h2>"
        )?;
        writeln!(h, "<table class=\"classes\">")?;
        writeln!(
            h,
            "<thead><tr><th>信用风险分类 <span class=\"en\">Class</span></th>\
             <th class=\"num\">名录库户数 <span class=\"en\">Pool</span></th>\
             <th class=\"num\">抽查比例 <span class=\"en\">Ratio</span></th>\
             <th class=\"num\">抽取户数 <span class=\"en\">Drawn</span></th></tr></thead>"
        )?;
        writeln!(h, "<tbody>")?;
        for c in CreditClass::ALL {
            let i = c.index();
            writeln!(
                h,
                "<tr data-class=\"{c}\"><td>{c} 类 · {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                c.chinese_name(),
                pools[i],
                percent(*task.ratios_bp.get(c)),
                drawn[i]
            )?;
        }
        writeln!(h, "</tbody>")?;
        writeln!(
            h,
            "<tfoot><tr><td>合计 <span class=\"en\">Total</span></td><td class=\"num\">{}</td><td class=\"num\"></td><td class=\"num\">{}</td></tr></tfoot>",
            pools.iter().sum::<u64>(),
            drawn.iter().sum::<u64>()
        )?;
        writeln!(h, "</table>")?;
        self.chart(h, pools, drawn)?;
        writeln!(
            h,
            "<p class=\"note\">各类抽取户数 = 名录库户数 × 抽查比例，不足 1 户的部分按 1 户计；名录库合计不足 3 户的全部抽取，否则合计至少抽取 3 户。\
             <span class=\"en\">Counts follow the task's ratios with integer ceiling and the minimum rule (a pool under 3 is drawn whole, otherwise at least 3).</span></p>"
        )?;
        writeln!(h, "</section>")
    }

    /// A horizontal bar chart: per class, the pool as a light bar and the
    /// drawn entities as a dark bar on the same linear scale.
    fn chart(&self, h: &mut String, pools: [u64; 4], drawn: [u64; 4]) -> fmt::Result {
        const W: u64 = 640;
        const LEFT: u64 = 92;
        const RIGHT: u64 = 90;
        const ROW: u64 = 34;
        const TOP: u64 = 8;
        let span = W - LEFT - RIGHT;
        let max = pools.iter().copied().max().unwrap_or(0).max(1);
        let scale = |n: u64| -> u64 {
            let w = (u128::from(n) * u128::from(span) / u128::from(max)) as u64;
            if n > 0 { w.max(2) } else { 0 }
        };
        let height = TOP + ROW * 4 + 24;
        writeln!(h, "<figure>")?;
        writeln!(
            h,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {height}\" width=\"{W}\" height=\"{height}\" role=\"img\" aria-labelledby=\"chart-title\" font-size=\"12\">"
        )?;
        writeln!(
            h,
            "<title id=\"chart-title\">各分类名录库户数与抽取户数 Pool versus drawn per class</title>"
        )?;
        for c in CreditClass::ALL {
            let i = c.index();
            let y = TOP + ROW * i as u64;
            writeln!(
                h,
                "<text x=\"0\" y=\"{}\" fill=\"#1a1a1a\">{c} 类 {}</text>",
                y + 17,
                c.chinese_name()
            )?;
            writeln!(
                h,
                "<rect class=\"pool\" x=\"{LEFT}\" y=\"{y}\" width=\"{}\" height=\"22\" fill=\"#d9d4ca\"/>",
                scale(pools[i])
            )?;
            writeln!(
                h,
                "<rect class=\"drawn\" x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"12\" fill=\"#b3261e\"/>",
                y + 5,
                scale(drawn[i])
            )?;
            writeln!(
                h,
                "<text x=\"{}\" y=\"{}\" fill=\"#333\">{} / {}</text>",
                LEFT + scale(pools[i]) + 6,
                y + 16,
                drawn[i],
                pools[i]
            )?;
        }
        let ly = TOP + ROW * 4 + 8;
        writeln!(
            h,
            "<rect x=\"{LEFT}\" y=\"{ly}\" width=\"14\" height=\"10\" fill=\"#d9d4ca\"/><text x=\"{}\" y=\"{}\" fill=\"#333\">名录库户数 pool</text>",
            LEFT + 18,
            ly + 10
        )?;
        writeln!(
            h,
            "<rect x=\"{}\" y=\"{ly}\" width=\"14\" height=\"10\" fill=\"#b3261e\"/><text x=\"{}\" y=\"{}\" fill=\"#333\">抽取户数 drawn</text>",
            LEFT + 150,
            LEFT + 168,
            ly + 10
        )?;
        writeln!(h, "</svg>")?;
        writeln!(
            h,
            "<figcaption>图：各分类名录库户数（浅色）与抽取户数（深色），同一线性比例尺。</figcaption>"
        )?;
        writeln!(h, "</figure>")
    }

    /// How the draw was made, in plain words.
    fn how_section(&self, h: &mut String) -> fmt::Result {
        writeln!(
            h,
            "<section id=\"how\">\n<h2>四、抽取方式<span class=\"en\">How the draw was made</span></h2>"
        )?;
        writeln!(
            h,
            "<p>本机关于 {} 对本任务的名录库、抽查比例和检查组规则作出签名承诺。{}</p>",
            self.commitment.chain.created_at.beijing().labelled(),
            randomness_in_words(&self.commitment.randomness)
        )?;
        writeln!(
            h,
            "<p>抽取程序按公开的算法，由承诺内容和该随机数算出本名单及检查组；任何人用同样的材料重算，得到的名单相同（方法见附录）。\
             <span class=\"en\">The list follows from the commitment and the randomness by a published algorithm; anyone can recompute it (see the appendix).</span></p>"
        )?;
        writeln!(h, "</section>")
    }

    fn drawn_section(&self, h: &mut String) -> fmt::Result {
        let total = self.draw.teams.len();
        let show = self.show_credit_class;
        writeln!(
            h,
            "<section id=\"drawn\">\n<h2>三、抽查对象名单及检查组<span class=\"en\">Entities drawn and their teams</span></h2>"
        )?;
        writeln!(
            h,
            "<p>共抽取 {total} 户。检查组成员仅列姓名与执法证号。<span class=\"en\">Teams list names and enforcement certificate numbers only.</span></p>"
        )?;
        writeln!(h, "<table class=\"drawn\">")?;
        write!(
            h,
            "<thead><tr><th class=\"num\">序号<br><span class=\"en\">No.</span></th>"
        )?;
        if show {
            write!(
                h,
                "<th class=\"class\">分类<br><span class=\"en\">Class</span></th>\
                 <th class=\"num rank\">类内序位<br><span class=\"en\">Rank</span></th>"
            )?;
        }
        writeln!(
            h,
            "<th>统一社会信用代码<br><span class=\"en\">USCC</span></th>\
             <th>名称<br><span class=\"en\">Entity</span></th>\
             <th>检查组<br><span class=\"en\">Team</span></th></tr></thead>"
        )?;
        writeln!(h, "<tbody>")?;
        // Draw order lists class A first, then B, C, D: beside the class
        // table it would tell each firm's class, so without the option the
        // list is ordered by USCC.
        let mut rows: Vec<_> = self.draw.drawn_in_order().zip(&self.draw.teams).collect();
        if !show {
            rows.sort_by_key(|((_, d), _)| d.uscc);
        }
        for (n, ((class, d), team)) in rows.into_iter().enumerate() {
            let name = self.entities.get(&d.uscc).map_or("", |e| e.name());
            write!(h, "<tr><td class=\"num\">{}</td>", n + 1)?;
            if show {
                // People count from 1; the signed record keeps the
                // sampler's 0-based rank (the appendix says so).
                write!(
                    h,
                    "<td class=\"class\">{class}</td><td class=\"num rank\">{}</td>",
                    d.rank.0.saturating_add(1)
                )?;
            }
            write!(
                h,
                "<td class=\"mono uscc\">{}</td><td class=\"name\">{}</td><td class=\"team\">",
                Esc(&d.uscc.to_string()),
                Esc(name)
            )?;
            for id in &team.inspectors {
                let who = self.inspectors.get(id).map_or("", |i| i.name.as_str());
                write!(
                    h,
                    "<span class=\"member\">{} <span class=\"cert mono\">{}</span></span> ",
                    Esc(who),
                    Esc(id)
                )?;
            }
            writeln!(h, "</td></tr>")?;
        }
        writeln!(h, "</tbody>\n</table>")?;
        if show {
            writeln!(
                h,
                "<p class=\"note\">类内序位：该对象在所属分类名录（按统一社会信用代码排序）中的位置，从 1 起计；签名记录中的序位从 0 起计（见附录）。\
                 <span class=\"en\">Rank: the entity's position, counted from 1, within its class in the committed register ordered by USCC; the signed record counts from 0 (see the appendix).</span></p>"
            )?;
        } else {
            writeln!(
                h,
                "<p class=\"note\">按统一社会信用代码排序。各企业所属信用风险分类不予公示，仅公示各类户数（见第二部分）。\
                 <span class=\"en\">Ordered by USCC; firms' credit-risk classes are not published, only the counts per class.</span></p>"
            )?;
        }
        self.after_draw(h)?;
        writeln!(h, "</section>")
    }

    /// The draw's replacements and supplements (抽取后变更), when it has any.
    fn after_draw(&self, h: &mut String) -> fmt::Result {
        if self.after.is_empty() {
            return Ok(());
        }
        let name = |u: &double_random::registers::Uscc| {
            self.entities.get(u).map_or("", |e| e.name()).to_owned()
        };
        let who = |id: &str| {
            let n = self.inspectors.get(id).map_or("", |i| i.name.as_str());
            format!("{} <span class=\"cert mono\">{}</span>", Esc(n), Esc(id))
        };
        writeln!(
            h,
            "<h3>抽取后变更<span class=\"en\">After the draw</span></h3>\n\
             <p class=\"note\">以下变更均为签名记录：接替人员与补充抽取对象由公开规则和本次抽取的随机种子确定，不由本机关指定。\
             <span class=\"en\">Signed records: who takes a place and which entity is drawn in supplement follow from the published rule and this draw's seed; the office does not choose them.</span></p>"
        )?;
        writeln!(
            h,
            "<table class=\"after\"><thead><tr><th class=\"num\">序号</th><th>类型<br><span class=\"en\">Kind</span></th>\
             <th>统一社会信用代码<br><span class=\"en\">USCC</span></th><th>名称<br><span class=\"en\">Entity</span></th>\
             <th>变更<br><span class=\"en\">Change</span></th><th>原因<br><span class=\"en\">Reason</span></th></tr></thead>\n<tbody>"
        )?;
        for (n, r) in self.after.iter().enumerate() {
            match r {
                Record::Replacement(p) => writeln!(
                    h,
                    "<tr><td class=\"num\">{}</td><td>人员调整</td><td class=\"mono uscc\">{}</td><td>{}</td><td class=\"team\">{} → {}</td><td>{}{}</td></tr>",
                    n + 1,
                    Esc(&p.uscc.to_string()),
                    Esc(&name(&p.uscc)),
                    who(&p.leaving),
                    who(&p.replacement),
                    p.reason.kind.chinese_name(),
                    if p.reason.text.is_empty() {
                        String::new()
                    } else {
                        format!("：{}", Esc(&p.reason.text))
                    }
                )?,
                Record::Supplement(p) => writeln!(
                    h,
                    "<tr><td class=\"num\">{}</td><td>补充抽取</td><td class=\"mono uscc\">{}</td><td>{}</td><td class=\"team\">替换 <span class=\"mono\">{}</span> {}；检查组 {}</td><td>{}{}</td></tr>",
                    n + 1,
                    Esc(&p.uscc.to_string()),
                    Esc(&name(&p.uscc)),
                    Esc(&p.replaced.to_string()),
                    Esc(&name(&p.replaced)),
                    p.team
                        .iter()
                        .map(|id| who(id))
                        .collect::<Vec<_>>()
                        .join("、"),
                    p.reason.kind.chinese_name(),
                    if p.reason.text.is_empty() {
                        String::new()
                    } else {
                        format!("：{}", Esc(&p.reason.text))
                    }
                )?,
                _ => {}
            }
        }
        writeln!(h, "</tbody>\n</table>")
    }

    fn randomness(&self, h: &mut String) -> fmt::Result {
        match &self.commitment.randomness {
            RandomnessPlan::Drand { chain_hash, round } => {
                let network = if *chain_hash == QUICKNET_CHAIN_HASH {
                    "quicknet".to_owned()
                } else {
                    hex(chain_hash)
                };
                write!(
                    h,
                    "<span class=\"source strong\">drand 公共随机信标</span> 网络 {}，第 {} 轮",
                    Esc(&network),
                    round.0
                )?;
                if let Some(t) = drand_round_time(chain_hash, round.0) {
                    write!(h, "（公布于 {}，晚于承诺时间）", t.beijing().labelled())?;
                }
                let verdict = match check_beacon(&self.commitment.randomness, &self.draw.randomness)
                {
                    BeaconVerdict::Verified => "信标签名已核验 (BLS signature verified)".to_owned(),
                    BeaconVerdict::NotChecked { reason } => {
                        format!("信标签名未核验：{}", escape(&reason))
                    }
                    BeaconVerdict::Failed { reason } => {
                        format!("信标签名核验失败：{}", escape(&reason))
                    }
                    _ => String::new(),
                };
                write!(
                    h,
                    "<br><span class=\"en\">drand beacon round, published by the League of Entropy after the commitment.</span> {verdict}"
                )
            }
            RandomnessPlan::Ceremony {
                procedure,
                scheduled_at,
                witnesses,
            } => write!(
                h,
                "<span class=\"source medium\">公开抽签仪式</span> {}：{}；见证人：{}<br><span class=\"en\">Public ceremony announced in the commitment.</span>",
                scheduled_at.beijing().labelled(),
                Esc(procedure),
                witnesses
                    .iter()
                    .map(|w| escape(w))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            RandomnessPlan::Local {} => write!(
                h,
                "<span class=\"source weak\">本地随机数（最弱：仅由本单位生成，外部无法确认未被挑选）</span><br><span class=\"en\">Local randomness: the weakest source; nothing outside the office fixed it.</span>"
            ),
        }
    }

    fn receipt_section(&self, h: &mut String) -> fmt::Result {
        let row = |h: &mut String, zh: &str, en: &str, value: &str| -> fmt::Result {
            writeln!(
                h,
                "<tr><th>{zh} <span class=\"en\">{en}</span></th><td class=\"mono\">{value}</td></tr>"
            )
        };
        writeln!(
            h,
            "<section id=\"receipt\">\n<h3>附录一　抽取凭证<span class=\"en\">Receipt</span></h3>"
        )?;
        writeln!(h, "<table class=\"kv\">")?;
        writeln!(
            h,
            "<tr><th>签发单位 <span class=\"en\">Issuer</span></th><td>{}</td></tr>",
            Esc(self.key.issuer())
        )?;
        row(
            h,
            "公钥指纹",
            "Key fingerprint",
            &format!(
                "<span id=\"fingerprint\">{}</span>",
                Esc(self.key.fingerprint())
            ),
        )?;
        row(
            h,
            "承诺记录",
            "Commitment record",
            &format!(
                "<span id=\"commitment-id\">{}</span><br>链上序号 {}",
                hex(self.commitment_id),
                self.commitment.chain.sequence
            ),
        )?;
        row(
            h,
            "抽取记录",
            "Draw record",
            &format!(
                "<span id=\"draw-id\">{}</span><br>链上序号 {}",
                hex(self.draw_id),
                self.draw.chain.sequence
            ),
        )?;
        write!(
            h,
            "<tr><th>随机源 <span class=\"en\">Randomness</span></th><td id=\"randomness\">"
        )?;
        self.randomness(h)?;
        writeln!(h, "</td></tr>")?;
        row(
            h,
            "随机值",
            "Randomness value",
            &hex(&self.draw.randomness.value),
        )?;
        row(
            h,
            "种子",
            "Seed",
            &format!("<span id=\"seed\">{}</span>", hex(&self.draw.seed)),
        )?;
        row(
            h,
            "检查对象名录库根",
            "Entity register root",
            &format!(
                "{}<br>{} 户",
                hex(&self.commitment.registers.entities.root),
                self.commitment.registers.entities.size.0
            ),
        )?;
        row(
            h,
            "执法人员名录库根",
            "Inspector register root",
            &format!(
                "{}<br>{} 人",
                hex(&self.commitment.registers.inspectors.root),
                self.commitment.registers.inspectors.size.0
            ),
        )?;
        if self.show_credit_class {
            let ranks: Vec<String> = CreditClass::ALL
                .iter()
                .filter(|c| !self.draw.drawn.get(**c).is_empty())
                .map(|c| {
                    format!(
                        "{c} 类：{}",
                        self.draw
                            .drawn
                            .get(*c)
                            .iter()
                            .map(|d| d.rank.0.to_string())
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                })
                .collect();
            row(
                h,
                "抽中序位 r（记录中从 0 起计）",
                "Ranks drawn, rank r (0-based in the record)",
                &format!(
                    "<span id=\"record-ranks\">{}</span><br>正文“类内序位”为 r + 1",
                    ranks.join("；")
                ),
            )?;
        }
        row(
            h,
            "抽取算法",
            "Algorithm",
            &Esc(&self.draw.algorithm).to_string(),
        )?;
        writeln!(h, "</table>\n</section>")
    }

    fn verify_section(&self, h: &mut String) -> fmt::Result {
        let draw_prefix = &hex(self.draw_id)[..16];
        writeln!(
            h,
            "<section id=\"verify\">\n<h3>附录二　如何核验<span class=\"en\">How to verify</span></h3>"
        )?;
        writeln!(
            h,
            "<p class=\"verified\">生成本公示前，已核验签名、链规则，并重放了链上全部 {} 次抽取（共 {} 条记录），结论：全部成立。\
             <span class=\"en\">Before rendering, signatures and chain rules were checked and every draw replayed: all hold.</span></p>",
            self.draws_replayed, self.records
        )?;
        writeln!(h, "<ol>")?;
        writeln!(
            h,
            "<li>向 {} 索取凭证链文件与公钥文件，核对公钥指纹为 <span class=\"mono\">{}</span>。</li>",
            Esc(self.key.issuer()),
            Esc(self.key.fingerprint())
        )?;
        writeln!(
            h,
            "<li>任何人均可运行开源核验程序，重放抽取（签名、链、种子、各类户数与序位）：\
             <pre id=\"verify-command\">double-random verify --chain {} --public-key {}</pre></li>",
            Esc(&self.chain_file),
            Esc(&self.key_file)
        )?;
        writeln!(
            h,
            "<li>持有名录库与回避清单的审计人员可核对名录库根、抽中的代码与检查组：\
             <pre>double-random verify --chain {} --public-key {} --draw {draw_prefix} \\\n  --entities ENTITIES.csv --inspectors INSPECTORS.csv --conflicts CONFLICTS.csv \\\n  --items ITEMS.csv --conflict-salt SALT</pre></li>",
            Esc(&self.chain_file),
            Esc(&self.key_file)
        )?;
        writeln!(
            h,
            "<li>被检查对象可单独证明自己在名录库中及是否被抽中：<span class=\"mono\">double-random prove</span> 生成证明，<span class=\"mono\">double-random verify-proof</span> 核验。</li>"
        )?;
        writeln!(
            h,
            "<li>不必信任本程序：格式与算法公开于 <span class=\"mono\">docs/FORMAT.md</span> 与 <span class=\"mono\">docs/spec/</span>，\
             测试向量在 <span class=\"mono\">tests/vectors/</span>，任何人可据此用其他语言独立编写核验程序。\
             <span class=\"en\">Anyone can re-implement the verifier from docs/FORMAT.md.</span></li>"
        )?;
        writeln!(h, "</ol>")?;
        writeln!(h, "</section>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_hostile_text() {
        assert_eq!(
            escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("A & B \"C\""), "A &amp; B &quot;C&quot;");
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("阳城县水务局"), "阳城县水务局");
        assert_eq!(escape(""), "");
        assert_eq!(escape("<<>>"), "&lt;&lt;&gt;&gt;");
        assert_eq!(escape("水<务>局&"), "水&lt;务&gt;局&amp;");
        // Invisible characters are shown, not passed on.
        assert_eq!(escape("张\u{200b}伟"), "张⟨U+200B⟩伟");
        assert_eq!(escape("\u{202e}abc"), "⟨U+202E⟩abc");
    }

    #[test]
    fn percents() {
        assert_eq!(percent(300), "3%");
        assert_eq!(percent(1250), "12.5%");
        assert_eq!(percent(225), "2.25%");
        assert_eq!(percent(10_000), "100%");
    }
}
