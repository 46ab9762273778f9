//! The xlsx workbooks an office files or uploads, with Chinese headers:
//! the public results in an entry layout (`publish`), the summary tables
//! (汇总表, `summary --xlsx`) and the check-item list (抽查事项清单,
//! `item-list`). Layouts and their sources are in `docs/xlsx.md`.
//!
//! Every workbook is made in memory and is byte-for-byte the same for the
//! same input: the zip entries carry a fixed date and the document's
//! creation time is given (the publication time, or a fixed one), never the
//! clock. Cells hold text, except counts, which are numbers; times are
//! Beijing time (UTC+8), as the headers say.

use double_random::calendar::Timestamp;
use double_random::ledger::{
    CreditClassDisclosure, InspectorDisclosure, PUBLIC_RESULTS_FORMAT, PublicMethod, PublicResult,
    PublicView, ResultCategory, SummaryKind, TaskSummary,
};
use double_random::registers::{CheckItemList, ItemCategory};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Sheet names of `public-results.xlsx`.
pub const RESULTS_SHEET: &str = "检查结果";
/// The per-class tables of `public-results.xlsx`.
pub const CLASSES_SHEET: &str = "分类抽取情况";
/// Notes on `public-results.xlsx`: who published it, when, and what the columns are.
pub const NOTES_SHEET: &str = "说明";
/// The sheet of the check-item list.
pub const ITEMS_SHEET: &str = "抽查事项清单";

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(0xF1ECE4)
}

fn cell_format() -> Format {
    Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
}

fn title_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

/// A workbook whose creation time is `at` (1980-01-01 when `None`), so its
/// bytes depend on the input only.
fn workbook(title: &str, at: Option<Timestamp>) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    // The creation time is stored in UTC, as OOXML wants; Excel shows it in local time.
    let created = match at {
        Some(at) => {
            let d = at.date();
            let secs = at.unix().rem_euclid(86_400);
            ExcelDateTime::from_ymd(
                u16::try_from(d.year()).unwrap_or(1980),
                u8::from(d.month()),
                d.day(),
            )?
            .and_hms(
                u16::try_from(secs / 3600).unwrap_or(0),
                u8::try_from(secs / 60 % 60).unwrap_or(0),
                u8::try_from(secs % 60).unwrap_or(0),
            )?
        }
        None => ExcelDateTime::from_ymd(1980, 1, 1)?,
    };
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("double-random")
            .set_creation_datetime(&created),
    );
    Ok(wb)
}

/// A table: optional merged title on row 0, headers, rows of text or counts.
enum Cell {
    Text(String),
    Count(u64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        Cell::Count(n)
    }
}

/// Writes `headers` and `rows` on `ws`, with a merged `title` row above when
/// given; sets widths from `widths` (characters), freezes the header, adds
/// an autofilter and sets A4 landscape printing with the header repeated.
fn table(
    ws: &mut Worksheet,
    title: Option<&str>,
    headers: &[&str],
    widths: &[f64],
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    let head = header_format();
    let body = cell_format();
    let last_col = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let mut r: u32 = 0;
    if let Some(t) = title {
        if last_col > 0 {
            ws.merge_range(0, 0, 0, last_col, t, &title_format())?;
        } else {
            ws.write_string_with_format(0, 0, t, &title_format())?;
        }
        ws.set_row_height(0, 28)?;
        r = 1;
    }
    let header_row = r;
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(r, c, *h, &head)?;
        let w = widths.get(usize::from(c)).copied().unwrap_or(14.0);
        ws.set_column_width(c, w)?;
    }
    for row in rows {
        r += 1;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &body)?,
                // Counts of a register stay far below 2^53.
                #[allow(clippy::cast_precision_loss)]
                Cell::Count(n) => ws.write_number_with_format(r, c, *n as f64, &body)?,
            };
        }
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    if !rows.is_empty() {
        ws.autofilter(header_row, 0, r, last_col)?;
    }
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// public-results.xlsx

/// Column headers of the results sheet: the field names of the national
/// enterprise credit information publicity system's (GSXT) “双随机抽查结果信息”
/// where one exists (抽查任务编号, 抽查任务名称, 抽查类型, 抽查机关, 抽查完成日期,
/// 检查事项, 检查结果), the CSV's otherwise. 信用风险分类 only when disclosed,
/// 检查人员 unless omitted.
pub fn results_header(view: &PublicView) -> Vec<&'static str> {
    let mut h = vec!["序号", "统一社会信用代码", "企业名称"];
    if view.class_disclosure == CreditClassDisclosure::Shown {
        h.push("信用风险分类");
    }
    h.extend([
        "抽查任务编号",
        "抽查任务名称",
        "抽查类型",
        "抽查机关",
        "发起部门",
        "配合部门",
        "检查事项",
        "检查方式",
        "检查开始日期",
        "抽查完成日期",
        "检查结果",
        "后续处置",
        "分部门检查结果",
    ]);
    if view.disclosure != InspectorDisclosure::Omit {
        h.push("检查人员");
    }
    h.extend([
        "录入时间（北京时间）",
        "是否更正",
        "更正时间（北京时间）",
        "后续处置更新时间（北京时间）",
        "抽取记录编号",
        "记录编号",
    ]);
    h
}

/// 部门联合抽查 for a task with participating departments, else 本部门抽查.
pub fn check_type(r: &PublicResult) -> &'static str {
    if r.participating_departments.is_empty() {
        "本部门抽查"
    } else {
        "部门联合抽查"
    }
}

fn results_row(view: &PublicView, n: usize, r: &PublicResult) -> Vec<Cell> {
    let mut row: Vec<Cell> = vec![
        (n as u64).into(),
        r.uscc.to_string().into(),
        r.entity_name.clone().into(),
    ];
    if view.class_disclosure == CreditClassDisclosure::Shown {
        row.push(r.credit_class.map(|c| c.cell()).unwrap_or_default().into());
    }
    let join = |v: Vec<&str>, sep: &str| v.join(sep);
    row.extend([
        r.task_id.clone().into(),
        r.task_name.clone().into(),
        check_type(r).into(),
        view.authority.clone().into(),
        r.department.clone().into(),
        r.participating_departments.join("、").into(),
        r.check_items.join("、").into(),
        join(
            r.methods.iter().map(|m: &PublicMethod| m.name).collect(),
            "；",
        )
        .into(),
        double_random::calendar::format_date(r.inspection_start).into(),
        double_random::calendar::format_date(r.inspection_end).into(),
        join(r.categories.iter().map(|c| c.name).collect(), "；").into(),
        r.follow_ups
            .iter()
            .map(|f| match &f.outcome {
                Some(o) => format!("{}：{o}", f.name),
                None => f.name.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("；")
            .into(),
        PublicView::departments_cell(r).into(),
    ]);
    if view.disclosure != InspectorDisclosure::Omit {
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
                .join("、")
                .into(),
        );
    }
    row.extend([
        r.entered_at.beijing().to_string().into(),
        if r.corrected { "是" } else { "否" }.into(),
        r.corrected_at
            .map(|t| t.beijing().to_string())
            .unwrap_or_default()
            .into(),
        r.progress_at
            .map(|t| t.beijing().to_string())
            .unwrap_or_default()
            .into(),
        r.draw.clone().into(),
        PublicView::records_cell(r).into(),
    ]);
    row
}

/// `public-results.xlsx`: the results in an entry layout (sheet 检查结果,
/// one header row, one row per result, no title row, so an import reads it
/// as it is), the per-class table of each draw (分类抽取情况) and notes (说明).
pub fn public_results(view: &PublicView) -> Result<Vec<u8>, XlsxError> {
    let mut wb = workbook("双随机抽查结果公示", Some(view.published_at))?;
    let header = results_header(view);
    let widths: Vec<f64> = header
        .iter()
        .map(|h| match *h {
            "序号" => 6.0,
            "统一社会信用代码" => 22.0,
            "企业名称"
            | "抽查任务名称"
            | "检查结果"
            | "后续处置"
            | "检查人员"
            | "分部门检查结果" => 28.0,
            "录入时间（北京时间）" | "更正时间（北京时间）" | "后续处置更新时间（北京时间）" => {
                20.0
            }
            "抽取记录编号" | "记录编号" => 66.0,
            _ => 14.0,
        })
        .collect();
    let rows: Vec<Vec<Cell>> = view
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| results_row(view, i + 1, r))
        .collect();
    let ws = wb.add_worksheet();
    ws.set_name(RESULTS_SHEET)?;
    table(ws, None, &header, &widths, &rows)?;

    let mut rows = Vec::new();
    for d in &view.draws {
        for c in &d.classes {
            rows.push(vec![
                d.task_id.clone().into(),
                d.task_name.clone().into(),
                d.drawn_at.beijing().to_string().into(),
                c.class.cell().into(),
                c.pool.into(),
                c.ratio.clone().into(),
                c.drawn.into(),
                d.draw.clone().into(),
            ]);
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name(CLASSES_SHEET)?;
    table(
        ws,
        None,
        &[
            "抽查任务编号",
            "抽查任务名称",
            "抽取时间（北京时间）",
            "信用风险分类",
            "名录库户数",
            "抽查比例",
            "抽取户数",
            "抽取记录编号",
        ],
        &[14.0, 28.0, 20.0, 14.0, 12.0, 10.0, 10.0, 66.0],
        &rows,
    )?;

    let notes: Vec<Vec<Cell>> = vec![
        vec!["公示机关".into(), view.authority.clone().into()],
        vec![
            "公示时间（北京时间）".into(),
            view.published_at.beijing().to_string().into(),
        ],
        vec![
            "结果台账头记录".into(),
            view.ledger_head.clone().unwrap_or_default().into(),
        ],
        vec!["结果条数".into(), (view.results.len() as u64).into()],
        vec!["数据格式".into(), PUBLIC_RESULTS_FORMAT.into()],
        vec![
            "时间".into(),
            "本表所有时间均为北京时间（UTC+8）；签名记录内部以 UTC 保存。".into(),
        ],
        vec![
            "信用风险分类".into(),
            match view.class_disclosure {
                CreditClassDisclosure::Withheld => {
                    "不公示各企业所属分类；仅在“分类抽取情况”中公示各类名录库户数、抽查比例和抽取户数。"
                }
                CreditClassDisclosure::Shown => "经本机关决定，公示各企业所属信用风险分类。",
            }
            .into(),
        ],
        vec![
            "列名来源".into(),
            "列名参照国家企业信用信息公示系统“双随机抽查结果信息”栏目（抽查任务编号、抽查任务名称、抽查类型、抽查机关、抽查完成日期、检查事项、检查结果）；省级监管平台的导入模板未公开，列的顺序和其余列名为推测，导入前请与平台模板核对。"
                .into(),
        ],
        vec![
            "核验".into(),
            "本文件的 SHA-256 记入结果台账的签名公示检查点：double-random verify --ledger … --published public-results.xlsx".into(),
        ],
    ];
    let ws = wb.add_worksheet();
    ws.set_name(NOTES_SHEET)?;
    table(ws, None, &["项目", "内容"], &[22.0, 90.0], &notes)?;
    wb.save_to_buffer()
}

// ---------------------------------------------------------------------------
// summary --xlsx

/// The fixed columns of a summary sheet, before one column per result category.
pub const SUMMARY_HEADER: [&str; 17] = [
    "序号",
    "任务编号",
    "任务名称",
    "填报部门",
    "发起部门",
    "配合部门",
    "名录库户数",
    "计划抽查户数",
    "实际检查户数",
    "已录入户数",
    "按期录入户数",
    "已公示户数",
    "录入率",
    "公示率",
    "未录入结果的对象",
    "补充抽取户数",
    "检查事项（户数）",
];

/// The summary tables (汇总表) as a workbook: sheet 发起 (the tasks each
/// department initiated) and sheet 配合 (the joint tasks it took part in),
/// one row per task and department; the result categories follow the fixed
/// columns, one column each. `at` is the workbook's creation time.
pub fn summary(rows: &[TaskSummary], at: Option<Timestamp>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = workbook("双随机抽查结果汇总表", at)?;
    let mut header: Vec<&str> = SUMMARY_HEADER.to_vec();
    header.extend(ResultCategory::ALL.map(|c| c.chinese_name()));
    let mut widths = vec![
        6.0, 14.0, 28.0, 12.0, 12.0, 16.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 9.0, 9.0, 36.0,
        10.0, 24.0,
    ];
    widths.extend(ResultCategory::ALL.map(|_| 12.0));
    for kind in [SummaryKind::Initiated, SummaryKind::Cooperated] {
        let of_kind: Vec<Vec<Cell>> = rows
            .iter()
            .filter(|r| r.kind == kind)
            .enumerate()
            .map(|(i, r)| {
                let mut row: Vec<Cell> = vec![
                    (i as u64 + 1).into(),
                    r.task_id.clone().into(),
                    r.task_name.clone().into(),
                    r.department.clone().into(),
                    r.initiating_department.clone().into(),
                    r.participating_departments.join("、").into(),
                    r.pool.into(),
                    r.planned.into(),
                    r.inspected.into(),
                    r.entered.into(),
                    r.entered_on_time.into(),
                    r.published.into(),
                    r.entry_rate.to_string().into(),
                    r.publication_rate.to_string().into(),
                    r.missing
                        .iter()
                        .map(|m| match &m.name {
                            Some(n) => format!("{} {n}", m.uscc),
                            None => m.uscc.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join("；")
                        .into(),
                    r.supplemented.into(),
                    r.items
                        .iter()
                        .map(|i| format!("{} {}", i.item, i.entities))
                        .collect::<Vec<_>>()
                        .join("、")
                        .into(),
                ];
                for c in ResultCategory::ALL {
                    let n = r
                        .categories
                        .iter()
                        .find(|x| x.category == c)
                        .map_or(0, |x| x.count);
                    row.push(n.into());
                }
                row
            })
            .collect();
        let ws = wb.add_worksheet();
        ws.set_name(kind.chinese_name())?;
        let title = format!("“双随机、一公开”抽查结果汇总表（{}）", kind.chinese_name());
        table(ws, Some(&title), &header, &widths, &of_kind)?;
    }
    wb.save_to_buffer()
}

// ---------------------------------------------------------------------------
// item-list

/// Column headers of the check-item list: the six the plan names (类别, 对象,
/// 依据, 主体, 内容, 方式) after number, id and name.
pub const ITEMS_HEADER: [&str; 9] = [
    "序号",
    "事项编号",
    "抽查事项",
    "事项类别",
    "检查对象",
    "检查依据",
    "检查主体",
    "检查内容",
    "检查方式",
];

/// 重点事项 or 一般事项.
pub fn item_category_name(c: ItemCategory) -> &'static str {
    match c {
        ItemCategory::Key => "重点事项",
        ItemCategory::General => "一般事项",
    }
}

/// The random check-item list (随机抽查事项清单) for publication, with a
/// title row naming `issuer` when given; `department` keeps only that
/// department's items. The qualification an item needs (执法资质) is an
/// internal staffing rule and is not listed.
pub fn items(
    list: &CheckItemList,
    issuer: Option<&str>,
    department: Option<&str>,
    at: Option<Timestamp>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = workbook("随机抽查事项清单", at)?;
    let rows: Vec<Vec<Cell>> = list
        .items()
        .iter()
        .filter(|i| department.is_none_or(|d| i.department == d))
        .enumerate()
        .map(|(n, i)| {
            vec![
                (n as u64 + 1).into(),
                i.id.clone().into(),
                i.name.clone().into(),
                item_category_name(i.category).into(),
                i.target_type.clone().into(),
                i.basis.clone().into(),
                i.department.clone().into(),
                i.content.clone().into(),
                i.methods
                    .iter()
                    .map(|m| PublicMethod::of(*m).name)
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
            ]
        })
        .collect();
    let title = match issuer {
        Some(i) => format!("{i}随机抽查事项清单"),
        None => "随机抽查事项清单".to_owned(),
    };
    let ws = wb.add_worksheet();
    ws.set_name(ITEMS_SHEET)?;
    table(
        ws,
        Some(&title),
        &ITEMS_HEADER,
        &[6.0, 12.0, 24.0, 10.0, 18.0, 36.0, 14.0, 40.0, 16.0],
        &rows,
    )?;
    wb.save_to_buffer()
}
