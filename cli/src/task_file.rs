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
    assignment::{JurisdictionPolicy, Place, RotationPolicy, TeamRules},
    calendar::parse_date,
    records::{Scope, TopUp},
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
    /// The task id breaks the id rules (docs/columns.md, "Ids and text").
    #[error("task file {file}: field id, value {value:?}: {rule}")]
    Id {
        /// The file name as given.
        file: String,
        /// The id as written.
        value: String,
        /// The rule it breaks.
        rule: double_random::registers::Rule,
    },
    /// The team's places do not fit the departments or the team size.
    #[error("task file {file}: {message}")]
    Places {
        /// The file name as given.
        file: String,
        /// What does not fit, and what would.
        message: String,
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
            | TaskFileError::Id { file, .. }
            | TaskFileError::Places { file, .. }
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
    #[serde(default)]
    team_size: Option<u32>,
    #[serde(default)]
    places: Option<Vec<PlaceToml>>,
    ratios: RatiosToml,
    #[serde(default)]
    top_up: TopUpField,
    #[serde(default)]
    scope: Option<ScopeToml>,
    #[serde(default)]
    exclude_drawn_by: Vec<String>,
    #[serde(default)]
    exclude_drawn_in_year: bool,
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
    #[serde(default)]
    max_supplements: Option<u32>,
}

/// One `[[places]]` entry: a department (or any) and the tags its member holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceToml {
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    expertise: Vec<String>,
}

/// `[scope]`: which part of the entity register the task draws from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeToml {
    #[serde(default)]
    industries: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    entity_types: Vec<String>,
    #[serde(default)]
    statuses: Option<Vec<String>>,
    #[serde(default)]
    target_types: Vec<String>,
}

/// `top_up`: how the at-least-3 rule tops up a small draw.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum TopUpField {
    #[default]
    PositiveRatio,
    AnyClass,
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
        if crate::lang::zh() {
            let suggestion = match BasisPoints::parse_percent(shown) {
                Err(RatioError::MissingPercent {
                    suggestion: Some(s),
                    ..
                }) => format!("请写作 \"{s}\""),
                _ => "请写成百分数文本，如 \"12.5%\"".to_owned(),
            };
            return E::custom(format_args!(
                "比例 {shown} 是不带引号的数字；{suggestion}（须加引号：浮点数无法精确表示比例，故不接受不带引号的数字）"
            ));
        }
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
            .map_err(|e| E::custom(crate::lang::message(&e)))
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
        toml_date("inspection_date", toml::Value::deserialize(d)?)
            .map(DateField)
            .map_err(de::Error::custom)
    }
}

/// A date of a TOML file under `key`: a TOML local date (`2024-06-03`) or a
/// string [`parse_date`] accepts; anything else is a message naming `key`.
pub(crate) fn toml_date(key: &str, value: toml::Value) -> Result<Date, String> {
    match value {
        toml::Value::String(s) => parse_date(&s).ok_or_else(|| {
            if crate::lang::zh() {
                format!("{key} {s:?} 不是日期；请写作 2024-06-03")
            } else {
                format!("{key} {s:?} is not a date; write 2024-06-03")
            }
        }),
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            // Years as `parse_date` reads them: those a record can hold.
            (Some(date), None, None) if !(1900..=9999).contains(&date.year) => Err(format!(
                "{key} {dt} is outside the years 1900 to 9999 that a record can hold"
            )),
            (Some(date), None, None) => Month::try_from(date.month)
                .ok()
                .and_then(|m| Date::from_calendar_date(i32::from(date.year), m, date.day).ok())
                .ok_or_else(|| format!("{key} {dt} is not a real date")),
            _ => Err(format!(
                "{key} {dt} has a time or offset; write a date only, such as 2024-06-03"
            )),
        },
        other => Err(format!(
            "{key} must be a date such as 2024-06-03, not a {}",
            other.type_str()
        )),
    }
}

/// A task file read: the task, whether the file gave the inspection date,
/// and the tasks whose draws it excludes (resolved against the chain when
/// committing).
#[derive(Clone, Debug)]
pub struct TaskFile {
    /// The task (its inspection date is the file's, or the fallback).
    pub task: Task,
    /// Whether the file gave `inspection_date`.
    pub date_given: bool,
    /// `exclude_drawn_by`: task ids whose draws on the chain the pool leaves out.
    pub exclude_drawn_by: Vec<String>,
    /// `exclude_drawn_in_year`: the pool leaves out the entities of every
    /// draw on the chain whose inspection date is in this task's inspection
    /// year.
    pub exclude_drawn_in_year: bool,
}

fn trimmed(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|x| x.trim().to_owned())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Parses task-file text; `file` names the file in errors; `fallback_date`
/// is the inspection date when the file gives none.
pub fn parse_task(file: &str, text: &str, fallback_date: Date) -> Result<TaskFile, TaskFileError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let raw: TaskToml = toml::from_str(text).map_err(|error| TaskFileError::Toml {
        file: file.to_owned(),
        error: Box::new(error),
    })?;
    let places_error = |message: String| TaskFileError::Places {
        file: file.to_owned(),
        message,
    };
    let ratios = Ratios([
        raw.ratios.a.0,
        raw.ratios.b.0,
        raw.ratios.c.0,
        raw.ratios.d.0,
    ]);
    let initiating = raw.initiating_department.trim().to_owned();
    let participating: Vec<String> = raw
        .participating_departments
        .iter()
        .map(|d| d.trim().to_owned())
        .collect();
    let departments: Vec<String> = std::iter::once(initiating.clone())
        .chain(participating.iter().cloned())
        .collect();
    let mut places: Vec<Place> = match &raw.places {
        Some(list) => {
            if let Some(n) = raw.team_size
                && n as usize != list.len()
            {
                return Err(places_error(format!(
                    "team_size is {n} but {} places are listed; leave team_size out or make them agree",
                    list.len()
                )));
            }
            list.iter()
                .map(|p| Place {
                    department: p
                        .department
                        .as_ref()
                        .map(|d| d.trim().to_owned())
                        .filter(|d| !d.is_empty() && d != "any"),
                    expertise: trimmed(&p.expertise),
                })
                .collect()
        }
        None => {
            let Some(size) = raw.team_size else {
                return Err(places_error(
                    "give team_size (officers per team) or list the team's places".into(),
                ));
            };
            if (size as usize) < departments.len() {
                return Err(places_error(format!(
                    "team_size {size} cannot hold one officer from each of the task's {} departments; raise team_size to {} or list the places",
                    departments.len(),
                    departments.len()
                )));
            }
            let mut places: Vec<Place> = departments
                .iter()
                .map(|d| Place {
                    department: Some(d.clone()),
                    expertise: Vec::new(),
                })
                .collect();
            while places.len() < size as usize {
                places.push(Place {
                    department: None,
                    expertise: Vec::new(),
                });
            }
            places
        }
    };
    // Task-level expertise: the first place of the initiating department holds it.
    let extra = trimmed(&raw.required_expertise);
    if !extra.is_empty() {
        let at = places
            .iter()
            .position(|p| p.department.as_deref() == Some(initiating.as_str()))
            .unwrap_or(0);
        if let Some(p) = places.get_mut(at) {
            p.expertise.extend(extra);
        }
    }
    for p in &mut places {
        p.expertise.sort_unstable();
        p.expertise.dedup();
    }
    let team = TeamRules {
        initiating_department: initiating,
        participating_departments: participating,
        places,
        workload_cap: raw.workload_cap,
        jurisdiction: raw.jurisdiction.into(),
        rotation: raw.rotation.into(),
    };
    let items = raw.items.iter().map(|i| i.trim().to_owned()).collect();
    let date_given = raw.inspection_date.is_some();
    let task_error = |error| TaskFileError::Task {
        file: file.to_owned(),
        error,
    };
    // Ids of new tasks keep to the id character set (a look-alike task id
    // would be a second task to a program and the same to a reader).
    // Not a rule of the library's Task: tasks already signed still verify.
    if let Some(rule) = double_random::registers::text::check_id(raw.id.trim()) {
        return Err(TaskFileError::Id {
            file: file.to_owned(),
            value: raw.id,
            rule,
        });
    }
    let mut task = Task::new(
        raw.id,
        raw.name,
        items,
        ratios,
        team,
        raw.inspection_date.map_or(fallback_date, |d| d.0),
    )
    .map_err(task_error)?;
    if let Some(m) = raw.max_supplements {
        task = task.with_max_supplements(m);
    }
    task = task.with_top_up(match raw.top_up {
        TopUpField::PositiveRatio => TopUp::PositiveRatio,
        TopUpField::AnyClass => TopUp::AnyClass,
    });
    if let Some(sc) = raw.scope {
        let defaults = Scope::everything_in_business().statuses;
        let scope = Scope {
            industries: trimmed(&sc.industries),
            regions: trimmed(&sc.regions),
            entity_types: trimmed(&sc.entity_types),
            statuses: sc.statuses.map_or(defaults, |s| trimmed(&s)),
            target_types: trimmed(&sc.target_types),
        };
        task = task.with_scope(scope).map_err(task_error)?;
    }
    Ok(TaskFile {
        task,
        date_given,
        exclude_drawn_by: trimmed(&raw.exclude_drawn_by),
        exclude_drawn_in_year: raw.exclude_drawn_in_year,
    })
}

/// Reads and parses a task file; `fallback_date` as in [`parse_task`].
pub fn read_task_file(path: &Path, fallback_date: Date) -> Result<TaskFile, TaskFileError> {
    let file = path.display().to_string();
    let bytes = crate::files::read_capped(path, crate::files::Limit::SMALL).map_err(|cause| {
        TaskFileError::Io {
            file: file.clone(),
            cause,
        }
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| TaskFileError::NotUtf8 {
        file: file.clone(),
        offset: e.valid_up_to(),
    })?;
    parse_task(&file, text, fallback_date)
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

    const FALLBACK: Date = time::macros::date!(2024 - 07 - 01);

    fn parse(text: &str) -> Result<Task, TaskFileError> {
        parse_task("t.toml", text, FALLBACK).map(|f| f.task)
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
        assert_eq!(t.team.team_size(), 2);
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
        assert_eq!(t.inspection_date, FALLBACK);
        // One place per department, the initiating first.
        let depts: Vec<_> = t.team.places.iter().map(|p| p.department.clone()).collect();
        assert_eq!(depts, [Some("管理股".into()), Some("水资源股".into())]);
        assert_eq!(t.top_up, TopUp::PositiveRatio);
        assert_eq!(t.scope, Scope::everything_in_business());
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
        assert_eq!(t.team.places[0].expertise, ["水资源"]);
        assert_eq!(t.inspection_date, time::macros::date!(2024 - 06 - 03));
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
                time::macros::date!(2024 - 06 - 03),
                "{text}"
            );
        }
        let e = err(&with("inspection_date = \"next week\""));
        assert!(e.contains("not a date") && e.contains("line"), "{e}");
        let e = err(&with("inspection_date = 2024-06-03T09:00:00"));
        assert!(e.contains("date only"), "{e}");
        let e = err(&with("inspection_date = 20240603"));
        assert!(e.contains("inspection_date must be a date"), "{e}");
        // A year no record can hold is refused before anything is signed
        // (a fuzzed task file once committed 1012-09-02).
        for year in ["1012", "1899", "0001"] {
            let e = err(&with(&format!("inspection_date = {year}-09-02")));
            assert!(
                e.contains(&format!(
                    "inspection_date {year}-09-02 is outside the years 1900 to 9999"
                )),
                "{e}"
            );
        }
        assert!(parse(&with("inspection_date = 1900-01-01")).is_ok());
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
        assert!(e.contains("team_size") && e.contains("places"), "{e}");
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
    fn task_ids_keep_to_the_id_characters() {
        let id = EXAMPLE
            .lines()
            .find(|l| l.starts_with("id = "))
            .expect("an id line");
        for bad in ["YCSW-2024-01\u{200B}", "ＹCSW-2024-01", "水务-2024"] {
            let e = parse(&EXAMPLE.replace(id, &format!("id = \"{bad}\""))).unwrap_err();
            assert!(matches!(e, TaskFileError::Id { .. }), "{bad:?}: {e}");
            assert!(e.to_string().contains("field id"), "{e}");
        }
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
        assert!(
            matches!(e, TaskFileError::Places { .. }),
            "a team of 1 cannot hold both departments: {e}"
        );
        let single = EXAMPLE.replace("participating_departments = [\"水资源股\"]", "");
        let e = parse(&single.replace("team_size = 2", "team_size = 1")).unwrap_err();
        assert!(
            matches!(
                e,
                TaskFileError::Task {
                    error: TaskError::Team(_),
                    ..
                }
            ),
            "{e}"
        );
        let e = parse(&with("workload_cap = 0")).unwrap_err();
        assert!(matches!(
            e,
            TaskFileError::Task {
                error: TaskError::Team(_),
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
        let e = read_task_file(&missing, FALLBACK).unwrap_err();
        assert!(matches!(e, TaskFileError::Io { .. }));
        assert!(e.file().ends_with("missing.toml"));
        let gbk = dir.path().join("gbk.toml");
        std::fs::write(&gbk, b"name = \"\xB9\xDC\xC0\xED\"\n").unwrap();
        assert!(matches!(
            read_task_file(&gbk, FALLBACK).unwrap_err(),
            TaskFileError::NotUtf8 { offset: 8, .. }
        ));
        let ok = dir.path().join("ok.toml");
        std::fs::write(&ok, format!("\u{FEFF}{EXAMPLE}")).unwrap();
        assert_eq!(
            read_task_file(&ok, FALLBACK).unwrap().task.id,
            "YCSW-2024-01"
        );
    }
}
