//! The public view (一公开) of a ledger, as JSON and CSV bytes.

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

use super::category::{FollowUpKind, ResultCategory};
use super::record::PublishedFile;
use super::state::{DrawIndex, Ledger, LedgerEntry};
use crate::calendar::{Timestamp, date::date_text};
use crate::records::Count;
use crate::registers::uscc::Uscc;
use crate::registers::{EntityRegister, InspectorRegister};

/// Format name of the published JSON file.
pub const PUBLIC_RESULTS_FORMAT: &str = "double-random/public-results/v1";

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
    /// Task id.
    pub task_id: String,
    /// Task name.
    pub task_name: String,
    /// The initiating department (发起部门).
    pub department: String,
    /// Participating departments (配合部门) of a joint task.
    pub participating_departments: Vec<String>,
    /// First day of the inspection.
    #[serde(with = "date_text")]
    pub inspection_start: Date,
    /// Last day of the inspection.
    #[serde(with = "date_text")]
    pub inspection_end: Date,
    /// Result categories.
    pub categories: Vec<PublicCategory>,
    /// Follow-up measures and outcomes.
    pub follow_ups: Vec<PublicFollowUp>,
    /// Inspectors, absent under [`InspectorDisclosure::Omit`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspectors: Option<Vec<PublicInspector>>,
    /// When the result was first entered.
    pub entered_at: Timestamp,
    /// Whether the published version is a correction.
    pub corrected: bool,
    /// When the latest correction was made.
    pub corrected_at: Option<Timestamp>,
    /// Record id of the published version on the ledger (hex).
    pub record: String,
}

/// The public view of a ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicView {
    /// [`PUBLIC_RESULTS_FORMAT`].
    pub format: &'static str,
    /// The issuing authority (检查机关): the ledger's issuer.
    pub authority: String,
    /// When published.
    pub published_at: Timestamp,
    /// Record id of the ledger head the view was made from (hex).
    pub ledger_head: Option<String>,
    /// Its sequence number.
    pub ledger_head_sequence: Option<Count>,
    /// The results, by draw (chain order) then draw order.
    pub results: Vec<PublicResult>,
    /// Whether inspectors are shown (also decides the CSV columns).
    #[serde(skip)]
    pub disclosure: InspectorDisclosure,
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
            for uscc in d.drawn() {
                let Some(entry) = ledger.entry(&d.draw_id, &uscc) else {
                    continue;
                };
                results.push(public_result(
                    entry, &d.task, entities, inspectors, disclosure,
                ));
            }
        }
        PublicView {
            format: PUBLIC_RESULTS_FORMAT,
            authority: authority.to_owned(),
            published_at,
            ledger_head: ledger.head().map(|(id, _, _)| id.to_string()),
            ledger_head_sequence: ledger.head().map(|(_, s, _)| Count(s)),
            results,
            disclosure,
        }
    }

    /// The JSON file: pretty-printed, UTF-8, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// The CSV file: UTF-8 with a byte-order mark (so Excel reads it as
    /// UTF-8), RFC 4180 quoting, CRLF line ends, Chinese headers. A cell
    /// that begins with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so
    /// a spreadsheet shows it as text instead of running it as a formula.
    pub fn to_csv(&self) -> Vec<u8> {
        let omit = self.disclosure == InspectorDisclosure::Omit;
        let mut header = vec![
            "统一社会信用代码",
            "企业名称",
            "任务编号",
            "任务名称",
            "检查机关",
            "发起部门",
            "配合部门",
            "检查开始日期",
            "检查结束日期",
            "检查结果",
            "结果代码",
            "后续处置",
        ];
        if !omit {
            header.push("检查人员");
        }
        header.extend(["录入时间", "是否更正", "更正时间", "记录编号"]);
        let mut out = Vec::from("\u{feff}".as_bytes());
        write_row(&mut out, header.iter().map(|s| (*s).to_owned()));
        for r in &self.results {
            let mut row = vec![
                r.uscc.to_string(),
                r.entity_name.clone(),
                r.task_id.clone(),
                r.task_name.clone(),
                self.authority.clone(),
                r.department.clone(),
                r.participating_departments.join("、"),
                crate::calendar::date::format_date(r.inspection_start),
                crate::calendar::date::format_date(r.inspection_end),
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
            ];
            if !omit {
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
                r.entered_at.to_string(),
                if r.corrected { "是" } else { "否" }.to_owned(),
                r.corrected_at.map(|t| t.to_string()).unwrap_or_default(),
                r.record.clone(),
            ]);
            write_row(&mut out, row);
        }
        out
    }
}

fn public_result(
    entry: &LedgerEntry,
    task: &crate::records::TaskRecord,
    entities: Option<&EntityRegister>,
    inspectors: Option<&InspectorRegister>,
    disclosure: InspectorDisclosure,
) -> PublicResult {
    let v = entry.current();
    let f = &v.fields;
    PublicResult {
        uscc: f.uscc,
        entity_name: entities
            .and_then(|e| e.get(&f.uscc))
            .map(|e| e.name().to_owned())
            .unwrap_or_default(),
        task_id: task.id.clone(),
        task_name: task.name.clone(),
        department: task.team.initiating_department().to_owned(),
        participating_departments: task.team.participating_departments().to_vec(),
        inspection_start: f.inspection_start,
        inspection_end: f.inspection_end,
        categories: f
            .categories
            .iter()
            .map(|c| PublicCategory {
                code: *c,
                name: c.chinese_name(),
            })
            .collect(),
        follow_ups: f
            .follow_ups
            .iter()
            .map(|x| PublicFollowUp {
                kind: x.kind,
                name: x.kind.chinese_name(),
                outcome: x.outcome.clone(),
            })
            .collect(),
        inspectors: match disclosure {
            InspectorDisclosure::Omit => None,
            InspectorDisclosure::NameAndCertificate => Some(
                f.inspectors
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
        entered_at: entry.original().created_at,
        corrected: !entry.corrections().is_empty(),
        corrected_at: entry.corrections().last().map(|c| c.created_at),
        record: v.record.to_string(),
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
