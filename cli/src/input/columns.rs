//! Register kinds, their canonical columns, and the header spellings accepted for them.

use std::fmt;

use super::{InputError, Row, Table, column_letters};

/// What a table holds, which decides the columns it must and may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// The register of market entities (检查对象名录库).
    Entities,
    /// The register of law-enforcement inspectors (执法检查人员名录库).
    Inspectors,
    /// Declared conflicts of interest between inspectors and entities (回避关系).
    Conflicts,
    /// The list of spot-check items (抽查事项清单).
    Items,
    /// Inspection results for bulk entry (检查结果录入表, `record-results`).
    Results,
}

impl TableKind {
    /// Every kind, in documentation order.
    #[cfg(test)]
    pub const ALL: [TableKind; 5] = [
        TableKind::Entities,
        TableKind::Inspectors,
        TableKind::Conflicts,
        TableKind::Items,
        TableKind::Results,
    ];

    /// The lower-case English name used in messages and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Entities => "entities",
            TableKind::Inspectors => "inspectors",
            TableKind::Conflicts => "conflicts",
            TableKind::Items => "items",
            TableKind::Results => "results",
        }
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One canonical column of a table kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The canonical (English) header, itself always accepted.
    pub name: &'static str,
    /// Whether a file of this kind must have the column.
    pub required: bool,
    /// Other accepted header spellings, mostly Chinese.
    pub aliases: &'static [&'static str],
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        required: true,
        aliases,
    }
}

const fn opt(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        required: false,
        aliases,
    }
}

const USCC: &[&str] = &["统一社会信用代码", "社会信用代码", "信用代码"];
// The entity register also takes the headers of the national enterprise
// credit information publicity system's (GSXT) and the platform's exports.
const ENTITY_USCC: &[&str] = &[
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "统一社会信用代码/注册号",
    "统一社会信用代码(注册号)",
];
const REGION: &[&str] = &["行政区划代码", "区划代码", "所属区域", "辖区", "管辖区域"];
const ENTITY_REGION: &[&str] = &[
    "行政区划代码",
    "区划代码",
    "所属区域",
    "辖区",
    "管辖区域",
    "住所所在行政区划",
    "住所所在行政区划代码",
    "住所行政区划代码",
];
const INSPECTOR_ID: &[&str] = &["执法证号", "执法证件号", "证件号", "人员编号"];
const DEPARTMENT: &[&str] = &["所属股室", "股室", "部门", "所属部门"];

const ENTITIES: &[ColumnSpec] = &[
    req("uscc", ENTITY_USCC),
    req(
        "name",
        &["名称", "企业名称", "单位名称", "主体名称", "市场主体名称"],
    ),
    req(
        "credit_class",
        &[
            "信用风险分类",
            "风险分类",
            "信用风险等级",
            "风险等级",
            "信用风险分类结果",
            "风险分类结果",
        ],
    ),
    opt("region", ENTITY_REGION),
    opt("industry", &["行业", "所属行业", "行业类别", "行业门类"]),
    opt(
        "status",
        &[
            "登记状态",
            "经营状态",
            "企业状态",
            "主体状态",
            "企业登记状态",
        ],
    ),
    opt(
        "target_types",
        &["检查对象类型", "对象类型", "检查对象类别", "target_type"],
    ),
];

const INSPECTORS: &[ColumnSpec] = &[
    req("id", INSPECTOR_ID),
    req("name", &["姓名", "人员姓名", "执法人员姓名"]),
    req("department", DEPARTMENT),
    opt("region", REGION),
    opt("expertise", &["业务专长", "专长", "执法资质"]),
    opt("cert_valid_from", &["证件有效期起", "有效期起"]),
    opt("cert_valid_to", &["证件有效期止", "有效期止", "有效期至"]),
];

const CONFLICTS: &[ColumnSpec] = &[
    req("inspector_id", INSPECTOR_ID),
    req("uscc", USCC),
    opt("reason", &["回避原因", "原因"]),
];

const ITEMS: &[ColumnSpec] = &[
    req("id", &["事项编号", "编号"]),
    req("name", &["事项名称", "检查事项名称", "名称"]),
    req("category", &["事项类别", "类别"]),
    opt("target_type", &["检查对象", "对象类型"]),
    opt("basis", &["检查依据"]),
    req(
        "department",
        &["检查主体", "所属股室", "股室", "部门", "所属部门"],
    ),
    opt("content", &["检查内容"]),
    req("method", &["检查方式"]),
    opt(
        "expertise",
        &["所需专长", "专长要求", "执法资质", "业务专长"],
    ),
];

/// One inspection result per row, in the wording of the provincial
/// platform's entry template (`record-results`); each column is the
/// `record-result` flag of the same name.
const RESULTS: &[ColumnSpec] = &[
    req("uscc", USCC),
    req(
        "category",
        &["检查结果", "检查结果类别", "结果类别", "抽查结果", "result"],
    ),
    opt(
        "findings",
        &[
            "检查发现",
            "问题描述",
            "发现问题",
            "检查情况",
            "检查发现/问题描述",
        ],
    ),
    opt(
        "follow_up",
        &[
            "后续处置",
            "后续处置措施",
            "处置措施",
            "处理措施",
            "followups",
        ],
    ),
    req(
        "inspection_start",
        &["检查开始日期", "检查开始时间", "开始日期", "start"],
    ),
    req(
        "inspection_end",
        &[
            "检查结束日期",
            "检查结束时间",
            "结束日期",
            "检查完成日期",
            "end",
        ],
    ),
    opt("method", &["检查方式", "methods"]),
    opt(
        "department",
        &["部门", "检查部门", "录入部门", "所属股室", "股室"],
    ),
    opt("item", &["检查事项", "检查事项编号", "事项编号", "items"]),
    opt(
        "inspector",
        &["检查人员", "检查人员执法证号", "执法证号", "inspectors"],
    ),
    opt("task", &["任务编号", "抽查任务编号", "task_id"]),
    opt("draw", &["抽取记录", "抽取记录编号", "draw_id"]),
];

/// The columns of each kind, in canonical order, with their aliases.
pub fn column_specs(kind: TableKind) -> &'static [ColumnSpec] {
    match kind {
        TableKind::Entities => ENTITIES,
        TableKind::Inspectors => INSPECTORS,
        TableKind::Conflicts => CONFLICTS,
        TableKind::Items => ITEMS,
        TableKind::Results => RESULTS,
    }
}

/// Folds a header for comparison: full-width ASCII (including `（）`) to
/// half-width, lower case, no whitespace, `_` or `-`, no `*` or `:` marks at
/// either end (templates mark required columns with `*`).
fn normalize(header: &str) -> String {
    let folded: String = header
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-' && *c != '\u{FEFF}')
        .flat_map(char::to_lowercase)
        .collect();
    folded.trim_matches(|c| c == '*' || c == ':').to_owned()
}

fn matches(spec: &ColumnSpec, normalized: &str) -> bool {
    normalize(spec.name) == normalized || spec.aliases.iter().any(|a| normalize(a) == normalized)
}

/// Where each canonical column of a kind sits in a particular [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    kind: TableKind,
    /// Index into the table's fields for each entry of [`column_specs`].
    indices: Vec<Option<usize>>,
    /// The header as the file writes it, for each entry of [`column_specs`].
    headers: Vec<Option<String>>,
    ignored: Vec<String>,
}

impl ColumnMap {
    /// The kind the headers were resolved for.
    #[cfg(test)]
    pub fn kind(&self) -> TableKind {
        self.kind
    }

    /// The field index of a canonical column, or `None` when an optional column is absent.
    pub fn index(&self, col: &str) -> Option<usize> {
        let pos = column_specs(self.kind).iter().position(|s| s.name == col);
        debug_assert!(pos.is_some(), "{col} is not a {} column", self.kind);
        pos.and_then(|p| self.indices.get(p).copied().flatten())
    }

    /// Whether the table has the column (always true for required columns).
    #[cfg(test)]
    pub fn has(&self, col: &str) -> bool {
        self.index(col).is_some()
    }

    /// The cell of `row` in canonical column `col`; `""` when an optional column is absent.
    pub fn get<'r>(&self, row: &'r Row, col: &str) -> &'r str {
        self.index(col)
            .and_then(|i| row.fields.get(i))
            .map_or("", String::as_str)
    }

    /// Moves the cell of `row` in canonical column `col` out of the row
    /// (leaving it empty); `""` when an optional column is absent. Each
    /// header maps to one column, so taking every column once reads each
    /// cell once. Used to build register rows without copying every cell.
    pub fn take(&self, row: &mut Row, col: &str) -> String {
        self.index(col)
            .and_then(|i| row.fields.get_mut(i))
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The header the file gives canonical column `col` (as written, e.g.
    /// `统一社会信用代码` for `uscc`), or `None` when the column is absent.
    pub fn header(&self, col: &str) -> Option<&str> {
        let pos = column_specs(self.kind).iter().position(|s| s.name == col)?;
        self.headers.get(pos)?.as_deref()
    }

    /// Each canonical column present, with the header the file gives it.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        column_specs(self.kind)
            .iter()
            .zip(&self.headers)
            .filter_map(|(s, h)| Some((s.name, h.clone()?)))
            .collect()
    }

    /// Headers that matched no column and were ignored, for a warning.
    ///
    /// A column without a header is listed as `(no header, column C)` when
    /// any row has a value in it.
    pub fn ignored(&self) -> &[String] {
        &self.ignored
    }
}

/// Maps the headers of `table` onto the canonical columns of `kind`.
///
/// Fails when a required column is missing or two headers name one column.
/// Headers matching no column are ignored and listed in [`ColumnMap::ignored`].
pub fn resolve_headers(table: &Table, kind: TableKind) -> Result<ColumnMap, InputError> {
    resolve_names(&table.source, &table.headers, kind, |i| {
        table
            .rows
            .iter()
            .any(|r| r.fields.get(i).is_some_and(|f| !f.is_empty()))
    })
}

/// Maps `headers` of the file `source` onto the canonical columns of
/// `kind`, as [`resolve_headers`] does; `has_value(i)` tells whether any data
/// row has a value in column `i` (asked only of columns without a header).
pub fn resolve_names(
    source: &str,
    headers: &[String],
    kind: TableKind,
    has_value: impl Fn(usize) -> bool,
) -> Result<ColumnMap, InputError> {
    let specs = column_specs(kind);
    let mut indices: Vec<Option<usize>> = vec![None; specs.len()];
    let mut names: Vec<Option<String>> = vec![None; specs.len()];
    let mut ignored = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let normalized = normalize(header);
        if normalized.is_empty() {
            if has_value(i) {
                ignored.push(format!("(no header, column {})", column_letters(i)));
            }
            continue;
        }
        match specs.iter().position(|s| matches(s, &normalized)) {
            None => ignored.push(header.clone()),
            Some(c) => match indices[c] {
                Some(first) => {
                    return Err(InputError::DuplicateColumn {
                        file: source.to_owned(),
                        kind,
                        column: specs[c].name,
                        first: headers[first].clone(),
                        second: header.clone(),
                    });
                }
                None => {
                    indices[c] = Some(i);
                    names[c] = Some(header.trim().to_owned());
                }
            },
        }
    }
    if let Some(missing) = specs
        .iter()
        .zip(&indices)
        .find(|(s, i)| s.required && i.is_none())
    {
        let spec = missing.0;
        return Err(InputError::MissingColumn {
            file: source.to_owned(),
            kind,
            column: spec.name,
            accepted: std::iter::once(spec.name)
                .chain(spec.aliases.iter().copied())
                .collect(),
            found: headers.to_vec(),
        });
    }
    Ok(ColumnMap {
        kind,
        indices,
        headers: names,
        ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Encoding, read_table_bytes};
    use super::*;

    fn table(csv: &str) -> Table {
        read_table_bytes("t.csv", csv.as_bytes(), Encoding::Auto).unwrap()
    }

    #[test]
    fn no_spelling_maps_to_two_columns() {
        for kind in TableKind::ALL {
            let specs = column_specs(kind);
            for spec in specs {
                for spelling in std::iter::once(&spec.name).chain(spec.aliases) {
                    let n = normalize(spelling);
                    let hits: Vec<&str> = specs
                        .iter()
                        .filter(|s| matches(s, &n))
                        .map(|s| s.name)
                        .collect();
                    assert_eq!(hits, [spec.name], "{kind}: {spelling}");
                }
            }
        }
    }

    #[test]
    fn docs_list_every_spelling() {
        for (file, docs) in [
            ("columns.md", include_str!("../../../docs/columns.md")),
            (
                "columns.zh-CN.md",
                include_str!("../../../docs/columns.zh-CN.md"),
            ),
        ] {
            for kind in TableKind::ALL {
                for spec in column_specs(kind) {
                    assert!(
                        docs.contains(&format!("`{}`", spec.name)),
                        "{file}: {}",
                        spec.name
                    );
                    for alias in spec.aliases {
                        assert!(
                            docs.contains(alias),
                            "{file}: {kind}.{}: {alias}",
                            spec.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_problem_names_the_header_the_file_gives() {
        let t = table("统一社会信用代码,名称,信用风险分类\n91350100M000100Y43,甲,A\n");
        let m = resolve_headers(&t, TableKind::Entities).unwrap();
        assert_eq!(m.header("uscc"), Some("统一社会信用代码"));
        assert_eq!(m.header("credit_class"), Some("信用风险分类"));
        assert_eq!(m.header("region"), None);
        assert_eq!(
            m.headers(),
            [
                ("uscc", "统一社会信用代码".to_owned()),
                ("name", "名称".to_owned()),
                ("credit_class", "信用风险分类".to_owned()),
            ]
        );
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize(" Credit Class "), "creditclass");
        assert_eq!(normalize("CREDIT_CLASS"), "creditclass");
        assert_eq!(normalize("*统一社会信用代码"), "统一社会信用代码");
        assert_eq!(normalize("＊姓　名："), "姓名");
        assert_eq!(normalize("名称（全称）"), normalize("名称(全称)"));
        assert_eq!(normalize("ＵＳＣＣ"), "uscc");
    }

    #[test]
    fn chinese_entity_headers() {
        let t = table(
            "＊统一社会信用代码,企业名称,信用风险分类,辖区,备注,所属行业,\n\
             91330106MA2H000011,甲公司,A,330106,新设,食品生产,\n\
             91330106MA2H000022,乙公司,B,330106,,食品销售,x\n",
        );
        let map = resolve_headers(&t, TableKind::Entities).unwrap();
        assert_eq!(map.kind(), TableKind::Entities);
        assert_eq!(map.index("uscc"), Some(0));
        assert_eq!(map.get(&t.rows[0], "name"), "甲公司");
        assert_eq!(map.get(&t.rows[1], "credit_class"), "B");
        assert_eq!(map.get(&t.rows[1], "region"), "330106");
        assert_eq!(map.get(&t.rows[1], "industry"), "食品销售");
        assert_eq!(map.ignored(), ["备注", "(no header, column G)"]);
    }

    #[test]
    fn english_headers_any_case_and_absent_optional() {
        let t = table("USCC, Name ,Credit Class\n1,a,A\n");
        let map = resolve_headers(&t, TableKind::Entities).unwrap();
        assert_eq!(map.get(&t.rows[0], "credit_class"), "A");
        assert_eq!(map.get(&t.rows[0], "region"), "");
        assert!(!map.has("industry"));
        assert!(map.ignored().is_empty());
    }

    #[test]
    fn take_moves_the_cell_out() {
        let mut t = table("USCC, Name ,Credit Class\n1,a,A\n");
        let map = resolve_headers(&t, TableKind::Entities).unwrap();
        let row = &mut t.rows[0];
        assert_eq!(map.take(row, "name"), "a");
        assert_eq!(map.take(row, "name"), "");
        assert_eq!(map.take(row, "region"), "");
        assert_eq!(map.get(row, "credit_class"), "A");
    }

    #[test]
    fn inspectors_conflicts_items() {
        let t = table(
            "执法证号,姓名,所属股室,业务专长,有效期起,有效期至\nZJ001,张三,市场监管一股,食品,2024-01-01,2029-12-31\n",
        );
        let map = resolve_headers(&t, TableKind::Inspectors).unwrap();
        assert_eq!(map.get(&t.rows[0], "id"), "ZJ001");
        assert_eq!(map.get(&t.rows[0], "cert_valid_to"), "2029-12-31");
        assert_eq!(map.get(&t.rows[0], "region"), "");

        let t = table("人员编号,社会信用代码\nZJ001,91330106MA2H000011\n");
        let map = resolve_headers(&t, TableKind::Conflicts).unwrap();
        assert_eq!(map.get(&t.rows[0], "uscc"), "91330106MA2H000011");
        assert_eq!(map.get(&t.rows[0], "reason"), "");

        let t = table(
            "事项编号,事项名称,事项类别,检查对象,检查主体,检查方式\n1,食品销售者检查,一般,企业,市场监管局,现场检查\n",
        );
        let map = resolve_headers(&t, TableKind::Items).unwrap();
        assert_eq!(map.get(&t.rows[0], "department"), "市场监管局");
        assert_eq!(map.get(&t.rows[0], "method"), "现场检查");
    }

    #[test]
    fn missing_required_column() {
        let t = table("企业名称,风险等级\n甲,A\n");
        let err = resolve_headers(&t, TableKind::Entities).unwrap_err();
        match &err {
            InputError::MissingColumn {
                column,
                accepted,
                found,
                ..
            } => {
                assert_eq!(*column, "uscc");
                assert_eq!(
                    accepted,
                    &[
                        "uscc",
                        "统一社会信用代码",
                        "社会信用代码",
                        "信用代码",
                        "统一社会信用代码/注册号",
                        "统一社会信用代码(注册号)"
                    ]
                );
                assert_eq!(found, &["企业名称", "风险等级"]);
            }
            other => panic!("{other:?}"),
        }
        let msg = err.to_string();
        assert!(msg.contains("统一社会信用代码"), "{msg}");
        assert!(msg.contains("t.csv"), "{msg}");
    }

    #[test]
    fn duplicated_column() {
        let t = table("信用代码,名称,企业名称,风险分类\n1,甲,甲,A\n");
        let err = resolve_headers(&t, TableKind::Entities).unwrap_err();
        assert!(
            matches!(&err, InputError::DuplicateColumn { column: "name", first, second, .. }
                if first == "名称" && second == "企业名称"),
            "{err:?}"
        );
    }
}
