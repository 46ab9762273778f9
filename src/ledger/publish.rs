//! The public view (一公开) of a ledger, as JSON and CSV bytes.
//!
//! Times are shown in Beijing time: in JSON with the offset
//! (`2024-06-14T10:00:00+08:00`), in CSV as `2024-06-14 10:00:00` under a
//! header that says 北京时间. Which firm is in which credit-risk class stays
//! out unless the office chooses otherwise ([`CreditClassDisclosure`]).

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

use super::category::{FollowUpKind, ResultCategory};
use super::record::PublishedFile;
use super::record::method_code;
use super::state::{DrawIndex, DrawnTask, EntityResult, Ledger};
use crate::calendar::{Timestamp, beijing_rfc3339, date::date_text};
use crate::records::{Count, RecordId};
use crate::registers::uscc::Uscc;
use crate::registers::{CreditClass, EntityRegister, InspectionMethod, InspectorRegister};
use crate::sampling::BasisPoints;

/// Format name of the published JSON file. Version 2: times in Beijing time
/// with their offset, per-draw class tables, methods and check items, and
/// no entity's credit class unless disclosed.
pub const PUBLIC_RESULTS_FORMAT: &str = "double-random/public-results/v2";

/// Whether the public view says which credit-risk class each drawn firm is in.
///
/// Enterprise credit-risk classification results are used inside the
/// supervision departments and are generally not published: by default the
/// public view shows only the per-class table of each draw (pool, ratio,
/// drawn), never a firm's class. An office that decides to publish them
/// chooses [`CreditClassDisclosure::Shown`] explicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CreditClassDisclosure {
    /// No firm's class (the default).
    #[default]
    Withheld,
    /// Each result carries its firm's class.
    Shown,
}

/// A credit-risk class as published: letter and Chinese name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PublicClass {
    /// `A`..`D`.
    pub code: CreditClass,
    /// 低风险 .. 高风险.
    pub name: &'static str,
}

impl PublicClass {
    /// The class as published.
    pub fn of(c: CreditClass) -> Self {
        PublicClass {
            code: c,
            name: c.chinese_name(),
        }
    }

    /// `B（一般风险）`, as a table cell shows it.
    pub fn cell(&self) -> String {
        format!("{}（{}）", self.code, self.name)
    }
}

/// One row of a draw's per-class table: aggregate counts only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicClassRow {
    /// The class.
    pub class: PublicClass,
    /// Entities of the class in the committed pool (名录库户数).
    pub pool: u64,
    /// The committed sampling ratio in basis points.
    pub ratio_bp: u32,
    /// The ratio as percent text (`12.5%`).
    pub ratio: String,
    /// Entities of the class drawn (抽取户数).
    pub drawn: u64,
}

/// A draw of the receipt chain and its per-class table (pool, ratio, drawn).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicDraw {
    /// Record id of the draw (hex).
    pub draw: String,
    /// Task id.
    pub task_id: String,
    /// Task name.
    pub task_name: String,
    /// When the draw was made.
    #[serde(serialize_with = "beijing_rfc3339::serialize")]
    pub drawn_at: Timestamp,
    /// Classes A..D; empty when the commitment's pools were not supplied.
    pub classes: Vec<PublicClassRow>,
}

impl PublicDraw {
    /// The table of one draw; `pools` are its commitment's class sizes
    /// ([`crate::records::CommitmentPayload::pools`]), without which the
    /// table is left empty.
    pub fn new(d: &DrawnTask, pools: Option<[u64; 4]>) -> Self {
        let classes = pools
            .map(|pools| {
                CreditClass::ALL
                    .into_iter()
                    .map(|c| {
                        let bp = *d.task.ratios_bp.get(c);
                        PublicClassRow {
                            class: PublicClass::of(c),
                            pool: pools[c.index()],
                            ratio_bp: bp,
                            ratio: BasisPoints::new(bp)
                                .map_or_else(|_| format!("{bp} bp"), |b| b.to_string()),
                            drawn: d.draw.drawn.get(c).len() as u64,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        PublicDraw {
            draw: d.draw_id.to_string(),
            task_id: d.task.id.clone(),
            task_name: d.task.name.clone(),
            drawn_at: d.draw.chain.created_at,
            classes,
        }
    }
}

/// An inspection method as published: code and Chinese wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PublicMethod {
    /// Stable code (`on-site`, `written`, `online-monitoring`, `entrusted`).
    pub code: &'static str,
    /// Chinese wording (实地核查, 书面检查, 网络监测, 委托检验检测).
    pub name: &'static str,
}

impl PublicMethod {
    /// The method as published.
    pub fn of(m: InspectionMethod) -> Self {
        PublicMethod {
            code: method_code(m),
            name: match m {
                InspectionMethod::OnSite => "实地核查",
                InspectionMethod::Written => "书面检查",
                InspectionMethod::OnlineMonitoring => "网络监测",
                InspectionMethod::Entrusted => "委托检验检测",
            },
        }
    }
}

/// What the public view says about the inspectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InspectorDisclosure {
    /// Name and enforcement certificate number of each inspector (nothing more).
    #[default]
    NameAndCertificate,
    /// No inspector data at all.
    Omit,
}

/// A result category as published: code and Chinese wording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicCategory {
    /// Stable code.
    pub code: ResultCategory,
    /// Chinese wording.
    pub name: &'static str,
}

/// A follow-up measure as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicFollowUp {
    /// Stable code.
    pub kind: FollowUpKind,
    /// Chinese wording.
    pub name: &'static str,
    /// Outcome, `null` while pending.
    pub outcome: Option<String>,
}

/// An inspector as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicInspector {
    /// Name (empty when no inspector register was given).
    pub name: String,
    /// Enforcement certificate number (the register id).
    pub certificate: String,
}

/// One published result: the latest version of an entity's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicResult {
    /// The entity's code.
    pub uscc: Uscc,
    /// The entity's name (empty when the register given does not hold it).
    pub entity_name: String,
    /// The entity's credit-risk class, only under [`CreditClassDisclosure::Shown`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_class: Option<PublicClass>,
    /// Record id of the draw that drew the entity (hex).
    pub draw: String,
    /// Task id.
    pub task_id: String,
    /// Task name.
    pub task_name: String,
    /// The initiating department (发起部门).
    pub department: String,
    /// Participating departments (配合部门) of a joint task.
    pub participating_departments: Vec<String>,
    /// The task's check items (ids, as committed).
    pub check_items: Vec<String>,
    /// First day of the inspection.
    #[serde(with = "date_text")]
    pub inspection_start: Date,
    /// Last day of the inspection.
    #[serde(with = "date_text")]
    pub inspection_end: Date,
    /// Inspection methods.
    pub methods: Vec<PublicMethod>,
    /// Result categories.
    pub categories: Vec<PublicCategory>,
    /// Follow-up measures and outcomes.
    pub follow_ups: Vec<PublicFollowUp>,
    /// Inspectors, absent under [`InspectorDisclosure::Omit`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspectors: Option<Vec<PublicInspector>>,
    /// When the result was first entered (JSON: Beijing time with offset).
    #[serde(serialize_with = "beijing_rfc3339::serialize")]
    pub entered_at: Timestamp,
    /// Whether the published version is a correction.
    pub corrected: bool,
    /// When the latest correction was made (JSON: Beijing time with offset).
    #[serde(serialize_with = "beijing_rfc3339::option::serialize")]
    pub corrected_at: Option<Timestamp>,
    /// When the latest follow-up progress shown was recorded (progress is
    /// no correction: `corrected` stays false for it).
    #[serde(serialize_with = "beijing_rfc3339::option::serialize")]
    pub progress_at: Option<Timestamp>,
    /// Record id of the published version on the ledger (hex); with
    /// several departments, the first department's (each is in `departments`).
    pub record: String,
    /// Each department's own result (ledger format version 2; empty for a
    /// version-1 result, which is the whole entity's).
    pub departments: Vec<PublicDepartmentResult>,
    /// The task's departments that have not entered their result yet.
    pub pending_departments: Vec<String>,
    /// The supplementary entity drawn in this one's place (补充抽取), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<Uscc>,
    /// The entity this one was drawn in place of, for a supplementary entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplement_for: Option<Uscc>,
}

/// One department's own result for an entity (谁检查、谁录入).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicDepartmentResult {
    /// The department.
    pub department: String,
    /// The check items it checked.
    pub items: Vec<String>,
    /// Its result categories.
    pub categories: Vec<PublicCategory>,
    /// Its follow-up measures, with progress applied.
    pub follow_ups: Vec<PublicFollowUp>,
    /// When it was first entered (JSON: Beijing time with offset).
    #[serde(serialize_with = "beijing_rfc3339::serialize")]
    pub entered_at: Timestamp,
    /// Whether the published version is a correction.
    pub corrected: bool,
    /// Record id of the published version (hex).
    pub record: String,
}

/// The public view of a ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicView {
    /// [`PUBLIC_RESULTS_FORMAT`].
    pub format: &'static str,
    /// The issuing authority (检查机关): the ledger's issuer.
    pub authority: String,
    /// When published (JSON: Beijing time with offset).
    #[serde(serialize_with = "beijing_rfc3339::serialize")]
    pub published_at: Timestamp,
    /// Record id of the ledger head the view was made from (hex).
    pub ledger_head: Option<String>,
    /// Its sequence number.
    pub ledger_head_sequence: Option<Count>,
    /// Every draw of the receipt chain with its per-class table, in chain order.
    pub draws: Vec<PublicDraw>,
    /// The results, by draw (chain order) then by USCC (an order that
    /// reveals no class).
    pub results: Vec<PublicResult>,
    /// Whether inspectors are shown (also decides the CSV columns).
    #[serde(skip)]
    pub disclosure: InspectorDisclosure,
    /// Whether firms' credit classes are shown (also decides the CSV columns).
    #[serde(skip)]
    pub class_disclosure: CreditClassDisclosure,
}

impl PublicView {
    /// Builds the public view: for every result, its latest version, with
    /// the entity's name from `entities` and inspectors' names from
    /// `inspectors` when given. Findings text, correction reasons and
    /// approvers, and every inspector field beyond name and certificate
    /// number stay out.
    pub fn build(
        ledger: &Ledger,
        draws: &DrawIndex,
        authority: &str,
        published_at: Timestamp,
        entities: Option<&EntityRegister>,
        inspectors: Option<&InspectorRegister>,
        disclosure: InspectorDisclosure,
    ) -> PublicView {
        let mut results = Vec::new();
        for d in draws.draws() {
            // Draw order lists class A first, then B, C, D: with the class
            // table beside it, it would tell each firm's class.
            let mut drawn: Vec<Uscc> = d.drawn().collect();
            drawn.sort();
            for uscc in drawn {
                let Some(entity) = ledger.entity_result(d, &uscc) else {
                    continue;
                };
                results.push(public_result(
                    &entity, &uscc, d, entities, inspectors, disclosure,
                ));
            }
        }
        PublicView {
            format: PUBLIC_RESULTS_FORMAT,
            authority: authority.to_owned(),
            published_at,
            ledger_head: ledger.head().map(|(id, _, _)| id.to_string()),
            ledger_head_sequence: ledger.head().map(|(_, s, _)| Count(s)),
            draws: draws
                .draws()
                .iter()
                .map(|d| PublicDraw::new(d, None))
                .collect(),
            results,
            disclosure,
            class_disclosure: CreditClassDisclosure::Withheld,
        }
    }

    /// Fills each draw's per-class table: `pools_of` gives the class sizes
    /// A..D committed by a commitment (by its record id), as
    /// [`crate::records::CommitmentPayload::pools`] does.
    pub fn with_class_tables(
        mut self,
        draws: &DrawIndex,
        pools_of: impl Fn(&RecordId) -> Option<[u64; 4]>,
    ) -> Self {
        self.draws = draws
            .draws()
            .iter()
            .map(|d| PublicDraw::new(d, pools_of(&d.draw.commitment)))
            .collect();
        self
    }

    /// Shows (or withholds again) each firm's credit-risk class, read from
    /// the draw that drew it.
    pub fn with_credit_classes(
        mut self,
        draws: &DrawIndex,
        disclosure: CreditClassDisclosure,
    ) -> Self {
        self.class_disclosure = disclosure;
        for r in &mut self.results {
            r.credit_class = match disclosure {
                CreditClassDisclosure::Withheld => None,
                CreditClassDisclosure::Shown => r
                    .draw
                    .parse::<RecordId>()
                    .ok()
                    .and_then(|id| draws.get(&id))
                    .and_then(|d| d.class_of(&r.uscc))
                    .map(PublicClass::of),
            };
        }
        self
    }

    /// The JSON file: pretty-printed, UTF-8, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// The CSV file: UTF-8 with a byte-order mark (so Excel reads it as
    /// UTF-8), RFC 4180 quoting, CRLF line ends, Chinese headers
    /// ([`PublicView::header`]). A cell that begins with `=`, `+`, `-`, `@`,
    /// tab or CR gets a leading `'` so a spreadsheet shows it as text
    /// instead of running it as a formula.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = Vec::from("\u{feff}".as_bytes());
        write_row(&mut out, self.header().iter().map(|s| (*s).to_owned()));
        for r in &self.results {
            write_row(&mut out, self.row(r));
        }
        out
    }

    /// The column headers of the results table (CSV and the xlsx a caller
    /// makes of [`PublicView::row`]): 信用风险分类 only under
    /// [`CreditClassDisclosure::Shown`], 检查人员 unless inspectors are omitted.
    pub fn header(&self) -> Vec<&'static str> {
        let mut header = vec!["统一社会信用代码", "企业名称"];
        if self.class_disclosure == CreditClassDisclosure::Shown {
            header.push("信用风险分类");
        }
        header.extend([
            "任务编号",
            "任务名称",
            "检查机关",
            "发起部门",
            "配合部门",
            "检查事项",
            "检查开始日期",
            "检查结束日期",
            "检查方式",
            "检查结果",
            "结果代码",
            "后续处置",
            "分部门检查结果",
        ]);
        if self.disclosure != InspectorDisclosure::Omit {
            header.push("检查人员");
        }
        header.extend([
            "录入时间（北京时间）",
            "是否更正",
            "更正时间（北京时间）",
            "后续处置更新时间（北京时间）",
            "抽取记录编号",
            "记录编号",
        ]);
        header
    }

    /// The 分部门检查结果 cell: each department's items and categories, and
    /// the departments still to enter theirs, e.g.
    /// `水保股（SB-001）：未发现问题；工程股：待录入`.
    pub fn departments_cell(r: &PublicResult) -> String {
        let mut parts: Vec<String> = r
            .departments
            .iter()
            .map(|d| {
                let items = if d.items.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", d.items.join("、"))
                };
                let cats: Vec<&str> = d.categories.iter().map(|c| c.name).collect();
                format!("{}{items}：{}", d.department, cats.join("、"))
            })
            .collect();
        parts.extend(r.pending_departments.iter().map(|d| format!("{d}：待录入")));
        parts.join("；")
    }

    /// The 记录编号 cell: the published version of each department's result.
    pub fn records_cell(r: &PublicResult) -> String {
        if r.departments.is_empty() {
            r.record.clone()
        } else {
            r.departments
                .iter()
                .map(|d| d.record.as_str())
                .collect::<Vec<_>>()
                .join(";")
        }
    }

    /// One result as the cells under [`PublicView::header`], as text.
    pub fn row(&self, r: &PublicResult) -> Vec<String> {
        let mut row = vec![r.uscc.to_string(), r.entity_name.clone()];
        if self.class_disclosure == CreditClassDisclosure::Shown {
            row.push(r.credit_class.map(|c| c.cell()).unwrap_or_default());
        }
        row.extend([
            r.task_id.clone(),
            r.task_name.clone(),
            self.authority.clone(),
            r.department.clone(),
            r.participating_departments.join("、"),
            r.check_items.join("、"),
            crate::calendar::date::format_date(r.inspection_start),
            crate::calendar::date::format_date(r.inspection_end),
            r.methods
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join("；"),
            r.categories
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join("；"),
            r.categories
                .iter()
                .map(|c| c.code.code())
                .collect::<Vec<_>>()
                .join(";"),
            r.follow_ups
                .iter()
                .map(|f| match &f.outcome {
                    Some(o) => format!("{}：{o}", f.name),
                    None => f.name.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("；"),
            Self::departments_cell(r),
        ]);
        if self.disclosure != InspectorDisclosure::Omit {
            row.push(
                r.inspectors
                    .iter()
                    .flatten()
                    .map(|i| {
                        if i.name.is_empty() {
                            i.certificate.clone()
                        } else {
                            format!("{}({})", i.name, i.certificate)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
            );
        }
        row.extend([
            r.entered_at.beijing().to_string(),
            if r.corrected { "是" } else { "否" }.to_owned(),
            r.corrected_at
                .map(|t| t.beijing().to_string())
                .unwrap_or_default(),
            r.progress_at
                .map(|t| t.beijing().to_string())
                .unwrap_or_default(),
            r.draw.clone(),
            Self::records_cell(r),
        ]);
        row
    }
}

fn public_categories(cats: &[ResultCategory]) -> Vec<PublicCategory> {
    cats.iter()
        .map(|c| PublicCategory {
            code: *c,
            name: c.chinese_name(),
        })
        .collect()
}

fn public_follow_ups(f: &[super::category::FollowUp]) -> Vec<PublicFollowUp> {
    f.iter()
        .map(|x| PublicFollowUp {
            kind: x.kind,
            name: x.kind.chinese_name(),
            outcome: x.outcome.clone(),
        })
        .collect()
}

fn public_result(
    entity: &EntityResult<'_>,
    uscc: &Uscc,
    d: &DrawnTask,
    entities: Option<&EntityRegister>,
    inspectors: Option<&InspectorRegister>,
    disclosure: InspectorDisclosure,
) -> PublicResult {
    let task = &d.task;
    let first = entity.entries.first().map(|e| e.current());
    let follow_ups: Vec<super::category::FollowUp> =
        entity.entries.iter().flat_map(|e| e.follow_ups()).collect();
    let listed = d.amended.entity(uscc);
    let departments = entity
        .entries
        .iter()
        .filter_map(|e| {
            let v = e.current();
            Some(PublicDepartmentResult {
                department: e.department()?.to_owned(),
                items: v.fields.items.clone().unwrap_or_default(),
                categories: public_categories(&v.fields.categories),
                follow_ups: public_follow_ups(&e.follow_ups()),
                entered_at: e.original().created_at,
                corrected: !e.corrections().is_empty(),
                record: v.record.to_string(),
            })
        })
        .collect();
    PublicResult {
        uscc: *uscc,
        entity_name: entities
            .and_then(|e| e.get(uscc))
            .map(|e| e.name().to_owned())
            .unwrap_or_default(),
        credit_class: None,
        draw: d.draw_id.to_string(),
        task_id: task.id.clone(),
        task_name: task.name.clone(),
        department: task.team.initiating_department().to_owned(),
        participating_departments: task.team.participating_departments().to_vec(),
        check_items: task.items.clone(),
        inspection_start: entity.inspection_start().unwrap_or(Date::MIN),
        inspection_end: entity.inspection_end().unwrap_or(Date::MIN),
        methods: entity.methods().into_iter().map(PublicMethod::of).collect(),
        categories: public_categories(&entity.categories()),
        follow_ups: public_follow_ups(&follow_ups),
        inspectors: match disclosure {
            InspectorDisclosure::Omit => None,
            InspectorDisclosure::NameAndCertificate => Some(
                entity
                    .inspectors()
                    .iter()
                    .map(|id| PublicInspector {
                        name: inspectors
                            .and_then(|r| r.get(id))
                            .map(|i| i.name.clone())
                            .unwrap_or_default(),
                        certificate: id.clone(),
                    })
                    .collect(),
            ),
        },
        entered_at: entity.entered_at().unwrap_or(d.draw.chain.created_at),
        corrected: entity.corrected(),
        corrected_at: entity.corrected_at(),
        progress_at: entity.progress_at(),
        record: first.map(|v| v.record.to_string()).unwrap_or_default(),
        departments,
        pending_departments: entity.missing.clone(),
        replaced_by: listed.and_then(|l| l.replaced_by.map(|(_, u)| u)),
        supplement_for: listed.and_then(|l| l.added_by).and_then(|_| {
            d.amended
                .entities()
                .iter()
                .find(|x| x.replaced_by.is_some_and(|(_, u)| u == *uscc))
                .map(|x| x.uscc)
        }),
    }
}

fn write_row<I: IntoIterator<Item = String>>(out: &mut Vec<u8>, cells: I) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{cell}")
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push(b'"');
            out.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(cell.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// A file's entry for a checkpoint: name, SHA-256 and size of `bytes`.
pub fn published_file(name: &str, bytes: &[u8]) -> PublishedFile {
    PublishedFile {
        name: name.to_owned(),
        sha256: Sha256::digest(bytes).into(),
        size: Count(bytes.len() as u64),
    }
}
