//! Task files (抽查任务): a TOML file read into the library's [`Task`].
//!
//! Every key, its type and default, and the errors are documented in
//! `docs/task-file.md`. Unknown keys are refused so a misspelt key (say
//! `team-size`) is never silently ignored. Ratios are exact percent text
//! (`"12.5%"`); a bare number is refused with the percent text it most likely
//! meant.

use std::fmt;
use std::path::Path;

use double_random::{
    assignment::{JurisdictionPolicy, RotationPolicy, v1::TeamRules},
    calendar::parse_date,
    sampling::{BasisPoints, RatioError},
    task::{Ratios, Task, TaskError},
};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use time::{Date, Month};

/// Why a task file could not be turned into a [`Task`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TaskFileError {
    /// The file could not be read.
    #[error("cannot read task file {file}: {cause}")]
    Io {
        /// The file name as given.
        file: String,
        /// The operating system's reason.
        #[source]
        cause: std::io::Error,
    },
    /// The file is not UTF-8 text (TOML files must be).
    #[error(
        "task file {file} is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8"
    )]
    NotUtf8 {
        /// The file name as given.
        file: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The TOML is malformed, a key is unknown or missing, or a value has the
    /// wrong type or form; the TOML error gives line and column.
    #[error("task file {file}: {error}")]
    Toml {
        /// The file name as given.
        file: String,
        /// The parser's error, with line, column and the offending text.
        error: Box<toml::de::Error>,
    },
    /// The values are well formed but break a task rule (team size, ratio
    /// order, a department named twice...).
    #[error("task file {file}: {error}")]
    Task {
        /// The file name as given.
        file: String,
        /// The library's rule.
        #[source]
        error: TaskError,
    },
}

impl TaskFileError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            TaskFileError::Io { file, .. }
            | TaskFileError::NotUtf8 { file, .. }
            | TaskFileError::Toml { file, .. }
            | TaskFileError::Task { file, .. } => file,
        }
    }
}

/// The task file as written (see `docs/task-file.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskToml {
    id: String,
    name: String,
    initiating_department: String,
    #[serde(default)]
    participating_departments: Vec<String>,
    #[serde(default)]
    items: Vec<String>,
    team_size: u32,
    ratios: RatiosToml,
    #[serde(default)]
    workload_cap: Option<u32>,
    #[serde(default)]
    jurisdiction: JurisdictionField,
    #[serde(default)]
    rotation: RotationField,
    #[serde(default)]
    required_expertise: Vec<String>,
    #[serde(default)]
    inspection_date: Option<DateField>,
}

/// `[ratios]`: one percent text per credit class, all four required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RatiosToml {
    #[serde(rename = "A")]
    a: RatioField,
    #[serde(rename = "B")]
    b: RatioField,
    #[serde(rename = "C")]
    c: RatioField,
    #[serde(rename = "D")]
    d: RatioField,
}

/// `jurisdiction`: short names and the library's kebab-case names.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum JurisdictionField {
    #[default]
    #[serde(alias = "any-jurisdiction")]
    Any,
    #[serde(alias = "cross-jurisdiction")]
    Cross,
}

impl From<JurisdictionField> for JurisdictionPolicy {
    fn from(j: JurisdictionField) -> Self {
        match j {
            JurisdictionField::Any => JurisdictionPolicy::AnyJurisdiction,
            JurisdictionField::Cross => JurisdictionPolicy::CrossJurisdiction,
        }
    }
}

/// `rotation`: the library's kebab-case names.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RotationField {
    #[default]
    Off,
    AvoidPreviousTeam,
}

impl From<RotationField> for RotationPolicy {
    fn from(r: RotationField) -> Self {
        match r {
            RotationField::Off => RotationPolicy::Off,
            RotationField::AvoidPreviousTeam => RotationPolicy::AvoidPreviousTeam,
        }
    }
}

/// A ratio: percent text only. A bare number is refused with the percent
/// text it most likely meant (`0.125` → `"12.5%"`).
#[derive(Debug)]
struct RatioField(BasisPoints);

impl<'de> Deserialize<'de> for RatioField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RatioVisitor)
    }
}

struct RatioVisitor;

impl RatioVisitor {
    /// The error for a bare number, shown as `shown`.
    fn bare<E: de::Error>(shown: &str) -> E {
        let suggestion = match BasisPoints::parse_percent(shown) {
            Err(RatioError::MissingPercent {
                suggestion: Some(s),
                ..
            }) => format!("write \"{s}\""),
            _ => "write percent text such as \"12.5%\"".to_owned(),
        };
        E::custom(format_args!(
            "ratio {shown} is a bare number; {suggestion} (in quotes: a bare number is refused \
             because a float cannot hold a ratio exactly)"
        ))
    }
}

impl Visitor<'_> for RatioVisitor {
    type Value = RatioField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a percentage written as text, such as \"12.5%\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RatioField, E> {
        BasisPoints::parse_percent(v)
            .map(RatioField)
            .map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RatioField, E> {
        Err(Self::bare(&v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RatioField, E> {
        Err(Self::bare(&v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RatioField, E> {
        // Formatted for the message only; never used as a ratio.
        Err(Self::bare(&v.to_string()))
    }
}

/// `inspection_date`: a TOML local date (`2024-06-03`) or a string in a form
/// [`parse_date`] accepts (`"2024/6/3"`, `"2024年6月3日"`).
#[derive(Debug)]
struct DateField(Date);

impl<'de> Deserialize<'de> for DateField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::String(s) => parse_date(&s).map(DateField).ok_or_else(|| {
                de::Error::custom(format_args!(
                    "inspection_date {s:?} is not a date; write 2024-06-03"
                ))
            }),
            toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(date), None, None) => Month::try_from(date.month)
                    .ok()
                    .and_then(|m| Date::from_calendar_date(i32::from(date.year), m, date.day).ok())
                    .map(DateField)
                    .ok_or_else(|| {
                        de::Error::custom(format_args!("inspection_date {dt} is not a real date"))
                    }),
                _ => Err(de::Error::custom(format_args!(
                    "inspection_date {dt} has a time or offset; write a date only, such as 2024-06-03"
                ))),
            },
            other => Err(de::Error::custom(format_args!(
                "inspection_date must be a date such as 2024-06-03, not a {}",
                other.type_str()
            ))),
        }
    }
}

/// Parses task-file text; `file` names the file in errors.
pub fn parse_task(file: &str, text: &str) -> Result<Task, TaskFileError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let raw: TaskToml = toml::from_str(text).map_err(|error| TaskFileError::Toml {
        file: file.to_owned(),
        error: Box::new(error),
    })?;
    let ratios = Ratios([
        raw.ratios.a.0,
        raw.ratios.b.0,
        raw.ratios.c.0,
        raw.ratios.d.0,
    ]);
    let team = TeamRules {
        team_size: raw.team_size,
        initiating_department: raw.initiating_department.trim().to_owned(),
        participating_departments: raw
            .participating_departments
            .iter()
            .map(|d| d.trim().to_owned())
            .collect(),
        required_expertise: raw
            .required_expertise
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        workload_cap: raw.workload_cap,
        jurisdiction: raw.jurisdiction.into(),
        rotation: raw.rotation.into(),
    };
    let items = raw.items.iter().map(|i| i.trim().to_owned()).collect();
    Task::new(
        raw.id,
        raw.name,
        items,
        ratios,
        team,
        raw.inspection_date.map(|d| d.0),
    )
    .map_err(|error| TaskFileError::Task {
        file: file.to_owned(),
        error,
    })
}

/// Reads and parses a task file.
pub fn read_task_file(path: &Path) -> Result<Task, TaskFileError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|cause| TaskFileError::Io {
        file: file.clone(),
        cause,
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| TaskFileError::NotUtf8 {
        file: file.clone(),
        offset: e.valid_up_to(),
    })?;
    parse_task(&file, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use double_random::{registers::CreditClass, sampling::SizeError};

    const EXAMPLE: &str = r#"
id = "YCSW-2024-01"
name = "2024年度取水许可监督检查"
initiating_department = "管理股"
participating_departments = ["水资源股"]   # empty for a single-department task
items = ["SW-001"]                          # ids in the check-item list (optional)
team_size = 2

[ratios]                                    # per credit class, exact decimal percent text
A = "3%"
B = "5%"
C = "12.5%"
D = "60%"
"#;

    fn parse(text: &str) -> Result<Task, TaskFileError> {
        parse_task("t.toml", text)
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    /// The example with `key = value` lines added before `[ratios]`.
    fn with(extra: &str) -> String {
        EXAMPLE.replace("team_size = 2\n", &format!("team_size = 2\n{extra}\n"))
    }

    #[test]
    fn example_is_accepted() {
        let t = parse(EXAMPLE).unwrap();
        assert_eq!(t.id, "YCSW-2024-01");
        assert_eq!(t.name, "2024年度取水许可监督检查");
        assert_eq!(t.items, ["SW-001"]);
        assert_eq!(t.team.team_size, 2);
        assert_eq!(t.team.initiating_department, "管理股");
        assert_eq!(t.team.participating_departments, ["水资源股"]);
        assert!(t.is_joint());
        let bp: Vec<u32> = CreditClass::ALL
            .iter()
            .map(|&c| t.ratios.get(c).get())
            .collect();
        assert_eq!(bp, [300, 500, 1250, 6000]);
        assert_eq!(t.team.workload_cap, None);
        assert_eq!(t.team.jurisdiction, JurisdictionPolicy::AnyJurisdiction);
        assert_eq!(t.team.rotation, RotationPolicy::Off);
        assert_eq!(t.inspection_date, None);
    }

    #[test]
    fn optional_keys() {
        let t = parse(&with(
            "workload_cap = 5\njurisdiction = \"cross\"\nrotation = \"avoid-previous-team\"\n\
             required_expertise = [\"水资源\"]\ninspection_date = 2024-06-03",
        ))
        .unwrap();
        assert_eq!(t.team.workload_cap, Some(5));
        assert_eq!(t.team.jurisdiction, JurisdictionPolicy::CrossJurisdiction);
        assert_eq!(t.team.rotation, RotationPolicy::AvoidPreviousTeam);
        assert_eq!(t.team.required_expertise, ["水资源"]);
        assert_eq!(t.inspection_date, Some(time::macros::date!(2024 - 06 - 03)));
        for (text, policy) in [
            ("any", JurisdictionPolicy::AnyJurisdiction),
            ("any-jurisdiction", JurisdictionPolicy::AnyJurisdiction),
            ("cross-jurisdiction", JurisdictionPolicy::CrossJurisdiction),
        ] {
            let t = parse(&with(&format!("jurisdiction = \"{text}\""))).unwrap();
            assert_eq!(t.team.jurisdiction, policy);
        }
        let t = parse(&with("rotation = \"off\"")).unwrap();
        assert_eq!(t.team.rotation, RotationPolicy::Off);
        let single = EXAMPLE
            .replace("participating_departments = [\"水资源股\"]", "")
            .replace("items = [\"SW-001\"]", "");
        let t = parse(&single).unwrap();
        assert!(!t.is_joint());
        assert!(t.items.is_empty());
    }

    #[test]
    fn dates_as_strings() {
        for text in ["\"2024-06-03\"", "\"2024/6/3\"", "\"2024年6月3日\""] {
            let t = parse(&with(&format!("inspection_date = {text}"))).unwrap();
            assert_eq!(
                t.inspection_date,
                Some(time::macros::date!(2024 - 06 - 03)),
                "{text}"
            );
        }
        let e = err(&with("inspection_date = \"next week\""));
        assert!(e.contains("not a date") && e.contains("line"), "{e}");
        let e = err(&with("inspection_date = 2024-06-03T09:00:00"));
        assert!(e.contains("date only"), "{e}");
        let e = err(&with("inspection_date = 20240603"));
        assert!(e.contains("inspection_date must be a date"), "{e}");
    }

    #[test]
    fn unknown_key_is_named() {
        let e = err(&with("team-size = 3"));
        assert!(e.contains("team-size") && e.contains("line"), "{e}");
        let e = err(&EXAMPLE.replace("D = \"60%\"", "D = \"60%\"\nE = \"70%\""));
        assert!(e.contains("`E`"), "{e}");
        assert!(matches!(
            parse(&with("colour = 1")).unwrap_err(),
            TaskFileError::Toml { .. }
        ));
    }

    #[test]
    fn missing_class_is_named() {
        let e = err(&EXAMPLE.replace("C = \"12.5%\"\n", ""));
        assert!(e.contains("missing field `C`"), "{e}");
        let e = err(&EXAMPLE.replace("team_size = 2\n", ""));
        assert!(e.contains("team_size"), "{e}");
    }

    #[test]
    fn bare_numbers_are_refused_with_the_percent_text() {
        let e = err(&EXAMPLE.replace("C = \"12.5%\"", "C = 0.125"));
        assert!(e.contains("bare number") && e.contains("\"12.5%\""), "{e}");
        assert!(e.contains("line 12"), "{e}");
        let e = err(&EXAMPLE.replace("D = \"60%\"", "D = 60"));
        assert!(e.contains("\"60%\""), "{e}");
        let e = err(&EXAMPLE.replace("A = \"3%\"", "A = -1"));
        assert!(e.contains("bare number"), "{e}");
        let e = err(&EXAMPLE.replace("A = \"3%\"", "A = nan"));
        assert!(e.contains("bare number"), "{e}");
        let e = err(&EXAMPLE.replace("C = \"12.5%\"", "C = \"12.555%\""));
        assert!(e.contains("2 decimal places"), "{e}");
        let e = err(&EXAMPLE.replace("C = \"12.5%\"", "C = \"0.125\""));
        assert!(e.contains("write \"12.5%\""), "{e}");
    }

    #[test]
    fn library_rules_are_task_errors() {
        let e = parse(&EXAMPLE.replace("D = \"60%\"", "D = \"10%\"")).unwrap_err();
        match &e {
            TaskFileError::Task {
                error: TaskError::Ratios(SizeError::RatioDecreasing { .. }),
                file,
            } => assert_eq!(file, "t.toml"),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("class D"), "{e}");
        let e = parse(&EXAMPLE.replace("team_size = 2", "team_size = 1")).unwrap_err();
        assert!(matches!(
            e,
            TaskFileError::Task {
                error: TaskError::TeamTooSmall { team_size: 1 },
                ..
            }
        ));
        let e = parse(&with("workload_cap = 0")).unwrap_err();
        assert!(matches!(
            e,
            TaskFileError::Task {
                error: TaskError::ZeroWorkloadCap,
                ..
            }
        ));
        let e = parse(&EXAMPLE.replace("id = \"YCSW-2024-01\"", "id = \" \"")).unwrap_err();
        assert!(e.to_string().contains("field id is empty"), "{e}");
    }

    #[test]
    fn wrong_types_and_syntax() {
        for bad in [
            EXAMPLE.replace("team_size = 2", "team_size = -2"),
            EXAMPLE.replace("team_size = 2", "team_size = \"2\""),
            EXAMPLE.replace("team_size = 2", "team_size = 99999999999"),
            with("jurisdiction = \"nearby\""),
            with("rotation = true"),
            "id = ".to_owned(),
            String::new(),
            "\u{0}".to_owned(),
        ] {
            assert!(
                matches!(parse(&bad).unwrap_err(), TaskFileError::Toml { .. }),
                "{bad}"
            );
        }
    }

    #[test]
    fn files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.toml");
        let e = read_task_file(&missing).unwrap_err();
        assert!(matches!(e, TaskFileError::Io { .. }));
        assert!(e.file().ends_with("missing.toml"));
        let gbk = dir.path().join("gbk.toml");
        std::fs::write(&gbk, b"name = \"\xB9\xDC\xC0\xED\"\n").unwrap();
        assert!(matches!(
            read_task_file(&gbk).unwrap_err(),
            TaskFileError::NotUtf8 { offset: 8, .. }
        ));
        let ok = dir.path().join("ok.toml");
        std::fs::write(&ok, format!("\u{FEFF}{EXAMPLE}")).unwrap();
        assert_eq!(read_task_file(&ok).unwrap().id, "YCSW-2024-01");
    }
}
