//! Turning tables read from files into the library's register rows.

use std::path::{Path, PathBuf};

use double_random::records::FormatVersion;
use double_random::registers::{
    CheckItemList, ConflictRegister, ConflictRow, EntityRegister, EntityRegisterBuilder,
    EntityRowRef, InspectorRegister, InspectorRow, ItemRow, Problem, RegisterKind, Rule, Severity,
    Validated, ValidationOptions,
};

use crate::input::{self, Encoding, InputError, TableKind};

/// Whether an inspector row must give both certificate dates
/// (`cert_valid_from`, `cert_valid_to`).
///
/// Enforcement needs certified officers (行政处罚法 art. 42), and the
/// assignment treats an unrecorded bound as no restriction: an officer with
/// no dates would be drawn as if certified for ever. So the office's side
/// (`check-registers`, `commit`, `draw`) reads the inspector register with
/// [`CertificateDates::Required`]: a row without them is an error (rule
/// `missing-field` on the empty date column), the row is left out and the
/// register is not clean, so nothing is committed or drawn until the dates
/// are recorded. A committed root therefore means what it always meant (the
/// register file as given); only registers with every date can be
/// committed. The auditor's side (`verify`, `notice`, `prove`, `publish`)
/// reads with [`CertificateDates::AsRecorded`], so chains committed before
/// the rule still verify and replay exactly as before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateDates {
    /// Both dates must be recorded (the office's side).
    Required,
    /// Dates are read as recorded; a missing one does not restrict (the verifier's side).
    AsRecorded,
}

/// Where the registers come from and how to read them.
#[derive(Clone, Debug, Default)]
pub struct RegisterFiles {
    pub entities: Option<PathBuf>,
    pub inspectors: Option<PathBuf>,
    pub conflicts: Option<PathBuf>,
    pub items: Option<PathBuf>,
}

/// The registers read from files, each with the problems found.
#[derive(Debug, Default)]
pub struct LoadedRegisters {
    pub entities: Option<Validated<EntityRegister>>,
    pub inspectors: Option<Validated<InspectorRegister>>,
    pub conflicts: Option<Validated<ConflictRegister>>,
    pub items: Option<Validated<CheckItemList>>,
    /// The files read, their headers, and the columns ignored.
    pub notes: Notes,
}

impl Drop for LoadedRegisters {
    /// In the binary, which exits when the command returns, the entity
    /// register is left to the operating system ([`crate::common::release`]):
    /// a command that reads it ends without freeing it entry by entry. (So a
    /// command that loaded registers in a loop would keep every pass's; none
    /// does. With `Drop`, the fields cannot be moved out by destructuring.)
    fn drop(&mut self) {
        crate::common::release(self.entities.take());
    }
}

/// What reading register files noted besides the rows: each file's name
/// and headers (so a problem names the column as the clerk wrote it), and
/// the columns no canonical column claims.
#[derive(Debug, Default)]
pub struct Notes {
    /// Columns that were not understood and so ignored, as `file: column`.
    pub ignored: Vec<String>,
    /// Every file read, in order.
    pub sources: Vec<Source>,
}

/// One register file read.
#[derive(Clone, Debug)]
pub struct Source {
    /// What the file holds.
    pub register: RegisterKind,
    /// The file's name (without its directory).
    pub file: String,
    /// Each canonical column present, with the header the file gives it.
    pub headers: Vec<(&'static str, String)>,
}

impl<'a> IntoIterator for &'a Notes {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    /// The ignored columns, one note each.
    fn into_iter(self) -> Self::IntoIter {
        self.ignored.iter()
    }
}

impl Notes {
    /// `p` for a person, in the process's language, naming the file and
    /// the column as the file's header writes it (the first file read of
    /// the problem's register; see [`describe_problem`]).
    pub fn describe(&self, p: &Problem) -> String {
        describe_problem(self.sources.iter().find(|s| s.register == p.register), p)
    }
}

/// The register's name for people: `entities` in English, 检查对象名录 in Chinese.
pub fn register_name(lang: crate::lang::Lang, kind: RegisterKind) -> &'static str {
    if lang == crate::lang::Lang::En {
        return kind.name();
    }
    match kind {
        RegisterKind::Items => "抽查事项清单",
        RegisterKind::Entities => "检查对象名录",
        RegisterKind::Inspectors => "执法检查人员名录",
        RegisterKind::Conflicts => "回避名单",
    }
}

/// `p` for a person, in the process's language: the register and file,
/// the row, the column as `source`'s header writes it (with the canonical
/// name), the value and the rule broken.
///
/// English keeps the canonical field first (`entities row 3, field uscc
/// (column "统一社会信用代码" in entities.csv), value ...`); Chinese names the clerk's column
/// (`检查对象名录 entities.csv 第 3 行，“统一社会信用代码”列（uscc），值 ...`).
pub fn describe_problem(source: Option<&Source>, p: &Problem) -> String {
    describe_problem_in(crate::lang::current(), source, p)
}

/// [`describe_problem`] in `lang`.
pub fn describe_problem_in(
    lang: crate::lang::Lang,
    source: Option<&Source>,
    p: &Problem,
) -> String {
    let header = source.and_then(|s| {
        s.headers
            .iter()
            .find(|(name, _)| *name == p.field)
            .map(|(_, h)| h.as_str())
    });
    let file = source.map(|s| s.file.as_str());
    let rule = crate::lang::message_in(lang, &p.rule);
    if lang == crate::lang::Lang::Zh {
        let level = match p.severity {
            Severity::Warning => "警告",
            Severity::Error => "错误",
        };
        let file = file.map(|f| format!(" {f}")).unwrap_or_default();
        let column = match header {
            Some(h) if h != p.field => format!("“{h}”列（{}）", p.field),
            _ => format!("“{}”列", p.field),
        };
        format!(
            "{level}：{}{file} 第 {} 行，{column}，值 {:?}：{rule}",
            register_name(lang, p.register),
            p.row,
            p.value
        )
    } else {
        let level = match p.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let column = match (header, file) {
            (Some(h), Some(f)) if !h.eq_ignore_ascii_case(p.field) => {
                format!(" (column {h:?} in {f})")
            }
            (Some(h), None) if !h.eq_ignore_ascii_case(p.field) => format!(" (column {h:?})"),
            (_, Some(f)) => format!(" (in {f})"),
            (_, None) => String::new(),
        };
        format!(
            "{level}: {} row {}, field {}{column}, value {:?}: {rule}",
            p.register, p.row, p.field, p.value
        )
    }
}

impl LoadedRegisters {
    /// Every problem of every register, in the order items, entities, inspectors, conflicts.
    pub fn problems(&self) -> Vec<&double_random::registers::Problem> {
        let mut v = Vec::new();
        if let Some(x) = &self.items {
            v.extend(&x.problems);
        }
        if let Some(x) = &self.entities {
            v.extend(&x.problems);
        }
        if let Some(x) = &self.inspectors {
            v.extend(&x.problems);
        }
        if let Some(x) = &self.conflicts {
            v.extend(&x.problems);
        }
        v
    }

    /// True when no register has an error.
    pub fn is_clean(&self) -> bool {
        self.entities.as_ref().is_none_or(Validated::is_clean)
            && self.inspectors.as_ref().is_none_or(Validated::is_clean)
            && self.conflicts.as_ref().is_none_or(Validated::is_clean)
            && self.items.as_ref().is_none_or(Validated::is_clean)
    }
}

/// Reads a register file row by row: resolves its headers for `kind`, hands
/// the reader to `build`, which takes the rows as they are read, and then
/// notes in `notes` the columns no canonical column claims. A read error
/// part-way is returned instead of what `build` made of the rows before it.
fn read<T>(
    path: &Path,
    encoding: Encoding,
    kind: TableKind,
    notes: &mut Notes,
    build: impl FnOnce(&mut input::RowReader, &input::ColumnMap) -> Result<T, InputError>,
) -> Result<T, InputError> {
    let _spinner = reading_spinner(path);
    read_unspun(path, encoding, kind, notes, build)
}

/// [`read`] without a spinner of its own (the caller shows one).
fn read_unspun<T>(
    path: &Path,
    encoding: Encoding,
    kind: TableKind,
    notes: &mut Notes,
    build: impl FnOnce(&mut input::RowReader, &input::ColumnMap) -> Result<T, InputError>,
) -> Result<T, InputError> {
    let reader = input::RowReader::open(path, encoding)?;
    read_opened(reader, path, kind, notes, build)
}

/// The spinner shown while `path` is read.
fn reading_spinner(path: &Path) -> crate::progress::Progress {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    crate::progress::Progress::spinner(format!("reading {name}"))
}

/// [`read`] with the file opened already.
fn read_opened<T>(
    mut reader: input::RowReader,
    path: &Path,
    kind: TableKind,
    notes: &mut Notes,
    build: impl FnOnce(&mut input::RowReader, &input::ColumnMap) -> Result<T, InputError>,
) -> Result<T, InputError> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let cols = reader.resolve(kind)?;
    let built = build(&mut reader, &cols)?;
    // Only now is it known which columns without a header hold values.
    for c in reader.resolve(kind)?.ignored() {
        notes.ignored.push(if crate::lang::zh() {
            format!("{}：列 {c:?} 未识别，已忽略", path.display())
        } else {
            format!("{}: column {c:?} ignored", path.display())
        });
    }
    let register = match kind {
        TableKind::Entities => Some(RegisterKind::Entities),
        TableKind::Inspectors => Some(RegisterKind::Inspectors),
        TableKind::Conflicts => Some(RegisterKind::Conflicts),
        TableKind::Items => Some(RegisterKind::Items),
        TableKind::Results => None,
    };
    if let Some(register) = register {
        notes.sources.push(Source {
            register,
            file: name,
            headers: cols.headers(),
        });
    }
    Ok(built)
}

/// Hands the rows of `reader` to `build` as owned [`input::Row`]s, stopping
/// at a read error, which is returned instead of what `build` made.
fn owned_rows<T>(
    reader: &mut input::RowReader,
    build: impl FnOnce(&mut dyn Iterator<Item = input::Row>) -> T,
) -> Result<T, InputError> {
    let mut failure = None;
    let mut rows = reader.by_ref().map_while(|r| match r {
        Ok(row) => Some(row),
        Err(e) => {
            failure = Some(e);
            None
        }
    });
    let built = build(&mut rows);
    match failure {
        Some(e) => Err(e),
        None => Ok(built),
    }
}

/// Reads an entity register file.
pub fn read_entities(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    notes: &mut Notes,
) -> Result<Validated<EntityRegister>, InputError> {
    read_entity_file(path, encoding, options, notes, true)
}

/// Reads an entity register file; with `commit`, a file in canonical order
/// is committed as it is read (see
/// [`EntityRegisterBuilder::commit_while_reading`]), with the leaves of
/// format version 2, the version the tool writes (a version-1 root is
/// computed when a version-1 commitment asks for it).
///
/// A UTF-8 CSV file of more than a few megabytes is read in stretches on
/// as many threads as the process may use (see [`read_entity_file_with`]).
fn read_entity_file(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    notes: &mut Notes,
    commit: bool,
) -> Result<Validated<EntityRegister>, InputError> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    read_entity_file_with(
        path,
        encoding,
        options,
        notes,
        commit,
        threads,
        input::MIN_STRETCH_BYTES,
    )
}

/// Reads an entity register file as [`read_entities`] does, on up to
/// `threads` threads (stretches of at least [`input::MIN_STRETCH_BYTES`]);
/// the result does not depend on `threads`.
pub fn read_entities_on(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    notes: &mut Notes,
    threads: usize,
) -> Result<Validated<EntityRegister>, InputError> {
    read_entity_file_with(
        path,
        encoding,
        options,
        notes,
        true,
        threads,
        input::MIN_STRETCH_BYTES,
    )
}

/// [`read_entity_file`] on up to `threads` threads, each reading a stretch
/// of at least `min_bytes`: the same register, problems and notes as one
/// thread gives ([`EntityRegister::join_parts`]). A file that cannot be
/// split safely (a quote in its rows, so a quoted cell may run over a
/// stretch's start), a stretch that ends in a read error, and a code
/// claimed in two stretches are read again in one piece, so the error or
/// the first of the repeated rows is the one named.
fn read_entity_file_with(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    notes: &mut Notes,
    commit: bool,
    threads: usize,
    min_bytes: u64,
) -> Result<Validated<EntityRegister>, InputError> {
    // One spinner for the file, however many times it is read.
    let _spinner = reading_spinner(path);
    if threads > 1 {
        let mut stretch_notes = Notes::default();
        let split = |unchecked: bool| {
            move |reader: &mut input::RowReader, cols: &input::ColumnMap| {
                // A file that cannot be split (an I/O error looking for a
                // line break) is read in one piece below, which names the error.
                let Ok(stretches) = reader.split(threads, min_bytes) else {
                    return Ok(None);
                };
                if stretches.is_empty() {
                    if unchecked {
                        return Ok(None);
                    }
                    // Not split: read on this thread, as below, in one pass.
                    return read_entity_rows(reader, cols, options, commit).map(Some);
                }
                Ok(read_entity_stretches(reader, stretches, cols, options))
            }
        };
        // A large UTF-8 file is read in stretches straight away, each
        // checking its own bytes; a file that is not (or any error) is read
        // below in one piece, after the whole of it is checked, as usual.
        let joined = match input::RowReader::open_for_split(path, encoding) {
            Some(reader) => read_opened(
                reader,
                path,
                TableKind::Entities,
                &mut stretch_notes,
                split(true),
            )
            .ok()
            .flatten(),
            None => read_unspun(
                path,
                encoding,
                TableKind::Entities,
                &mut stretch_notes,
                split(false),
            )?,
        };
        if let Some(v) = joined {
            notes.ignored.extend(stretch_notes.ignored);
            notes.sources.extend(stretch_notes.sources);
            return Ok(v);
        }
    }
    read_unspun(
        path,
        encoding,
        TableKind::Entities,
        notes,
        |reader, cols| read_entity_rows(reader, cols, options, commit),
    )
}

/// The positions of the entity columns in `cols`.
fn entity_columns(cols: &input::ColumnMap) -> [Option<usize>; 7] {
    [
        "uscc",
        "name",
        "credit_class",
        "region",
        "industry",
        "status",
        "target_types",
    ]
    .map(|c| cols.index(c))
}

/// Pushes the rows of `reader` into `builder`; the first read error ends it.
fn push_entity_rows(
    reader: &mut input::RowReader,
    cols: &input::ColumnMap,
    builder: &mut EntityRegisterBuilder,
) -> Result<(), InputError> {
    push_entity_rows_until(reader, cols, builder, None)
}

/// [`push_entity_rows`], for a stretch read beside others: stops early, with
/// rows left unread, once `abandon` is set, and sets it when this stretch
/// is unsure or fails (the file will be read again in one piece, so
/// nothing read here is used).
fn push_entity_rows_until(
    reader: &mut input::RowReader,
    cols: &input::ColumnMap,
    builder: &mut EntityRegisterBuilder,
    abandon: Option<&std::sync::atomic::AtomicBool>,
) -> Result<(), InputError> {
    use std::sync::atomic::Ordering::Relaxed;
    // A national register has millions of rows: the cells are read into
    // the reader's buffer and only the text an entity keeps is copied.
    let [
        uscc,
        name,
        credit_class,
        region,
        industry,
        status,
        target_types,
    ] = entity_columns(cols);
    loop {
        if let Some(flag) = abandon
            && (flag.load(Relaxed) || reader.unsure())
        {
            flag.store(true, Relaxed);
            return Ok(());
        }
        let Some(cells) = reader.next_cells() else {
            break;
        };
        let cells = match cells {
            Ok(cells) => cells,
            Err(e) => {
                if let Some(flag) = abandon {
                    flag.store(true, Relaxed);
                }
                return Err(e);
            }
        };
        let cell = |i: Option<usize>| i.map_or("", |i| cells.get(i));
        builder.push(EntityRowRef {
            row: cells.line,
            uscc: cell(uscc),
            name: cell(name),
            credit_class: cell(credit_class),
            region: cell(region),
            industry: cell(industry),
            status: cell(status),
            target_types: cell(target_types),
        });
    }
    Ok(())
}

/// Room for about as many rows as `bytes` of a register hold (CSV rows
/// run to 60 bytes and more), so nothing grows as it is read.
fn rows_in(bytes: u64) -> usize {
    usize::try_from(bytes / 64).unwrap_or(0)
}

/// Reads the entity rows of `reader` on this thread.
fn read_entity_rows(
    reader: &mut input::RowReader,
    cols: &input::ColumnMap,
    options: &ValidationOptions,
    commit: bool,
) -> Result<Validated<EntityRegister>, InputError> {
    let mut builder = EntityRegisterBuilder::with_capacity(options, rows_in(reader.bytes_left()))
        .commit_while_reading(commit.then_some(FormatVersion::V2));
    push_entity_rows(reader, cols, &mut builder)?;
    Ok(builder.finish())
}

/// Reads `first` and the `stretches` split off it, each on a thread of its
/// own, and joins them; `None` when the file must be read in one piece.
fn read_entity_stretches(
    first: &mut input::RowReader,
    mut stretches: Vec<input::RowReader>,
    cols: &input::ColumnMap,
    options: &ValidationOptions,
) -> Option<Validated<EntityRegister>> {
    // Each builder has room for the rows of its own stretch; the join
    // grows the first stretch's entities to hold them all.
    // Set when a stretch is unsure (a quote, text not UTF-8, a line too
    // long) or fails: the others stop early.
    let abandon = std::sync::atomic::AtomicBool::new(false);
    let read_part = |reader: &mut input::RowReader, bytes: u64| {
        let mut builder = EntityRegisterBuilder::with_capacity(options, rows_in(bytes))
            .commit_while_reading(None);
        push_entity_rows_until(reader, cols, &mut builder, Some(&abandon))
            .map(|()| builder.finish_part())
    };
    let (head, rest) = std::thread::scope(|s| {
        let handles: Vec<_> = stretches
            .iter_mut()
            .map(|r| {
                let bytes = r.bytes_left();
                s.spawn(move || read_part(r, bytes))
            })
            .collect();
        let bytes = first.bytes_left();
        let head = read_part(first, bytes);
        let rest: Vec<_> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect();
        (head, rest)
    });
    if abandon.into_inner() || first.unsure() || stretches.iter().any(input::RowReader::unsure) {
        return None;
    }
    let mut offset = first.breaks();
    let mut parts = vec![(head.ok()?, 0)];
    for (part, reader) in rest.into_iter().zip(&stretches) {
        parts.push((part.ok()?, offset));
        offset += reader.breaks();
        first.absorb(reader);
    }
    EntityRegister::join_parts(parts)
}

/// Reads an inspector register file as recorded ([`CertificateDates::AsRecorded`]).
pub fn read_inspectors(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    notes: &mut Notes,
) -> Result<Validated<InspectorRegister>, InputError> {
    read_inspector_file(path, encoding, options, CertificateDates::AsRecorded, notes)
        .map(|(v, _)| v)
}

/// Reads an inspector register file; with [`CertificateDates::Required`] a
/// row without both certificate dates is an error and left out of the
/// returned register. The second value is the register as recorded (every
/// officer whose row has no other error), against which a conflict list is
/// checked, so that an undated officer's conflicts are not reported as
/// naming an unknown inspector as well.
pub fn read_inspector_file(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    certificates: CertificateDates,
    notes: &mut Notes,
) -> Result<(Validated<InspectorRegister>, Option<InspectorRegister>), InputError> {
    let (mut v, missing) = read_inspector_rows(path, encoding, options, certificates, notes)?;
    if missing.is_empty() {
        return Ok((v, None));
    }
    let undated: std::collections::HashSet<&str> =
        missing.iter().map(|(id, _)| id.as_str()).collect();
    let kept: Vec<_> = v
        .register
        .inspectors()
        .iter()
        .filter(|i| !undated.contains(i.id.as_str()))
        .cloned()
        .collect();
    let recorded = std::mem::replace(
        &mut v.register,
        InspectorRegister::new(kept).unwrap_or_default(),
    );
    v.problems.extend(missing.into_iter().map(|(_, p)| p));
    v.problems.sort_by_key(|p| p.row);
    Ok((v, Some(recorded)))
}

/// The register as recorded, and for each row with an id whose certificate
/// dates are missing (only with [`CertificateDates::Required`]) its id and
/// the problem.
#[allow(clippy::type_complexity)]
fn read_inspector_rows(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    certificates: CertificateDates,
    notes: &mut Notes,
) -> Result<(Validated<InspectorRegister>, Vec<(String, Problem)>), InputError> {
    let mut missing = Vec::new();
    let validated = read(
        path,
        encoding,
        TableKind::Inspectors,
        notes,
        |reader, cols| {
            owned_rows(reader, |rows| {
                let rows = rows.map(|r| {
                    let r = &r;
                    InspectorRow {
                        row: r.line,
                        id: cols.get(r, "id").to_owned(),
                        name: cols.get(r, "name").to_owned(),
                        department: cols.get(r, "department").to_owned(),
                        region: cols.get(r, "region").to_owned(),
                        expertise: cols.get(r, "expertise").to_owned(),
                        cert_valid_from: cols.get(r, "cert_valid_from").to_owned(),
                        cert_valid_to: cols.get(r, "cert_valid_to").to_owned(),
                    }
                });
                let rows = rows.inspect(|r| {
                    if certificates != CertificateDates::Required || r.id.trim().is_empty() {
                        return;
                    }
                    for (field, value) in [
                        ("cert_valid_from", &r.cert_valid_from),
                        ("cert_valid_to", &r.cert_valid_to),
                    ] {
                        if value.trim().is_empty() {
                            missing.push((
                                r.id.trim().to_owned(),
                                Problem {
                                    register: RegisterKind::Inspectors,
                                    row: r.row,
                                    field,
                                    value: value.clone(),
                                    severity: Severity::Error,
                                    rule: Rule::MissingField,
                                },
                            ));
                        }
                    }
                });
                InspectorRegister::from_rows(rows, options)
            })
        },
    )?;
    Ok((validated, missing))
}

/// Reads a conflict list, checking references against the registers given.
pub fn read_conflicts(
    path: &Path,
    encoding: Encoding,
    entities: Option<&EntityRegister>,
    inspectors: Option<&InspectorRegister>,
    options: &ValidationOptions,
    notes: &mut Notes,
) -> Result<Validated<ConflictRegister>, InputError> {
    read(
        path,
        encoding,
        TableKind::Conflicts,
        notes,
        |reader, cols| {
            owned_rows(reader, |rows| {
                let rows = rows.map(|r| {
                    let r = &r;
                    ConflictRow {
                        row: r.line,
                        inspector_id: cols.get(r, "inspector_id").to_owned(),
                        uscc: cols.get(r, "uscc").to_owned(),
                        reason: cols.get(r, "reason").to_owned(),
                    }
                });
                ConflictRegister::from_rows(rows, entities, inspectors, options)
            })
        },
    )
}

/// Reads a check-item list.
pub fn read_items(
    path: &Path,
    encoding: Encoding,
    notes: &mut Notes,
) -> Result<Validated<CheckItemList>, InputError> {
    read(path, encoding, TableKind::Items, notes, |reader, cols| {
        owned_rows(reader, |rows| {
            let rows = rows.map(|r| {
                let r = &r;
                ItemRow {
                    row: r.line,
                    id: cols.get(r, "id").to_owned(),
                    name: cols.get(r, "name").to_owned(),
                    category: cols.get(r, "category").to_owned(),
                    target_type: cols.get(r, "target_type").to_owned(),
                    basis: cols.get(r, "basis").to_owned(),
                    department: cols.get(r, "department").to_owned(),
                    content: cols.get(r, "content").to_owned(),
                    method: cols.get(r, "method").to_owned(),
                    expertise: cols.get(r, "expertise").to_owned(),
                }
            });
            CheckItemList::from_rows(rows)
        })
    })
}

/// Reads every register named, in dependency order (conflicts last, checked
/// against the entity and inspector registers when those are given).
pub fn load(
    files: &RegisterFiles,
    encoding: Encoding,
    options: &ValidationOptions,
    certificates: CertificateDates,
) -> Result<LoadedRegisters, InputError> {
    load_registers(files, encoding, options, certificates, true)
}

/// [`load`] for a command that only checks the registers and wants no root:
/// the entity register is not committed while it is read.
pub fn load_for_checking(
    files: &RegisterFiles,
    encoding: Encoding,
    options: &ValidationOptions,
    certificates: CertificateDates,
) -> Result<LoadedRegisters, InputError> {
    load_registers(files, encoding, options, certificates, false)
}

fn load_registers(
    files: &RegisterFiles,
    encoding: Encoding,
    options: &ValidationOptions,
    certificates: CertificateDates,
    commit: bool,
) -> Result<LoadedRegisters, InputError> {
    let mut out = LoadedRegisters::default();
    let mut as_recorded = None;
    if let Some(p) = &files.items {
        out.items = Some(read_items(p, encoding, &mut out.notes)?);
    }
    if let Some(p) = &files.entities {
        out.entities = Some(read_entity_file(
            p,
            encoding,
            options,
            &mut out.notes,
            commit,
        )?);
    }
    if let Some(p) = &files.inspectors {
        let (v, recorded) =
            read_inspector_file(p, encoding, options, certificates, &mut out.notes)?;
        out.inspectors = Some(v);
        as_recorded = recorded;
    }
    if let Some(p) = &files.conflicts {
        out.conflicts = Some(read_conflicts(
            p,
            encoding,
            out.entities.as_ref().map(|v| &v.register),
            as_recorded
                .as_ref()
                .or(out.inspectors.as_ref().map(|v| &v.register)),
            options,
            &mut out.notes,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use double_random::registers::{EntityRow, UsccPolicy, uscc_check_character};

    use super::*;
    use crate::lang::Lang;

    #[test]
    fn a_problem_names_the_file_and_the_clerks_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("对象.csv");
        std::fs::write(
            &path,
            "统一社会信用代码,名称,信用风险分类\n91350100M000100Y43,甲公司,A\n91350100M000100Y44,乙公司,Q\n",
        )
        .unwrap();
        let mut notes = Notes::default();
        let v = read_entities(
            &path,
            Encoding::Auto,
            &ValidationOptions::default(),
            &mut notes,
        )
        .unwrap();
        let source = notes.sources.first().expect("the file is noted");
        assert_eq!(source.file, "对象.csv");
        let find = |field: &str| {
            v.problems
                .iter()
                .find(|p| p.field == field)
                .unwrap_or_else(|| panic!("a {field} problem in {:?}", v.problems))
        };
        let uscc = describe_problem_in(Lang::En, Some(source), find("uscc"));
        assert!(
            uscc.starts_with("error: entities row 3, field uscc (column \"统一社会信用代码\" in 对象.csv), value \"91350100M000100Y44\": "),
            "{uscc}"
        );
        let class = describe_problem_in(Lang::Zh, Some(source), find("credit_class"));
        assert!(
            class.starts_with(
                "错误：检查对象名录 对象.csv 第 3 行，“信用风险分类”列（credit_class），值 \"Q\"："
            ),
            "{class}"
        );
        // Without the file's headers it still names the canonical field.
        let bare = describe_problem_in(Lang::En, None, find("uscc"));
        assert!(
            bare.starts_with("error: entities row 3, field uscc, value"),
            "{bare}"
        );
    }

    fn code(n: u32) -> String {
        let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
        let check = uscc_check_character(&first).unwrap();
        format!("{}{check}", std::str::from_utf8(&first).unwrap())
    }

    /// Reading entities through borrowed cells gives what building them
    /// from the owned rows of the whole table gives: problems, rows, values
    /// and entities.
    #[test]
    fn entities_from_cells_equal_entities_from_rows() {
        let mut csv = String::from(
            "\u{FEFF}统一社会信用代码,企业名称,风险分类,行政区划代码,行业,备注,登记状态,检查对象类型\n",
        );
        for n in 0..3000u32 {
            let class = ["A", "b", " C类 ", "高风险", "E", ""][(n % 6) as usize];
            let name = match n % 13 {
                0 => String::new(),
                1 => format!("\"带,逗号\n的名称{n}\""),
                _ => format!("  单位{n}  "),
            };
            let region = ["140522", "14052", "", " 140581 "][(n % 4) as usize];
            let status = ["", "注销", "在业", "倒闭", " 吊销，未注销 "][(n % 5) as usize];
            let types = ["", "取水单位", "取水单位、河道采砂场"][(n % 3) as usize];
            let uscc = match n % 17 {
                0 => code(n / 2),
                1 => "91350203M0001QAY9B".to_owned(),
                2 => format!("{}x", code(n)),
                _ => code(n).to_lowercase(),
            };
            csv.push_str(&format!(
                "{uscc},{name},{class},{region},水利,x,\"{status}\",{types}\n"
            ));
            if n % 100 == 0 {
                csv.push_str(",,,,,,,\n\n");
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entities.csv");
        std::fs::write(&path, &csv).unwrap();
        for policy in [UsccPolicy::Strict, UsccPolicy::LenientCheckCharacter] {
            let opts = ValidationOptions {
                uscc_policy: policy,
                on: None,
            };
            let mut notes = Notes::default();
            let got = read_entities(&path, Encoding::Auto, &opts, &mut notes).unwrap();
            let table = input::read_table_file(&path, Encoding::Auto).unwrap();
            let cols = input::resolve_headers(&table, TableKind::Entities).unwrap();
            let rows = table.rows.iter().map(|r| EntityRow {
                row: r.line,
                uscc: cols.get(r, "uscc").to_owned(),
                name: cols.get(r, "name").to_owned(),
                credit_class: cols.get(r, "credit_class").to_owned(),
                region: cols.get(r, "region").to_owned(),
                industry: cols.get(r, "industry").to_owned(),
                status: cols.get(r, "status").to_owned(),
                target_types: cols.get(r, "target_types").to_owned(),
            });
            let want = EntityRegister::from_rows(rows, &opts);
            assert!(want.problems.len() > 1000, "{}", want.problems.len());
            assert!(want.register.len() > 500, "{}", want.register.len());
            assert_eq!(got.problems, want.problems);
            assert_eq!(got.register.entities(), want.register.entities());
            assert_eq!(
                notes.ignored,
                [format!("{}: column \"备注\" ignored", path.display())]
            );
        }
    }

    /// A file read in stretches on several threads gives what one thread
    /// gives: problems (their rows), entities, the columns ignored, and the
    /// same error; also where a stretch must be read again in one piece (a
    /// quote, a code repeated across stretches, a ragged row late in the file).
    #[test]
    fn stretches_read_on_threads_equal_one_thread() {
        let opts = ValidationOptions::default();
        let header = "统一社会信用代码,企业名称,风险分类,行政区划代码,行业,备注,登记状态\n";
        let body = |n: u32, eol: &str, extra: &str| {
            let class = ["A", "b", " C类 ", "高风险", "D"][(n % 5) as usize];
            let uscc = match n % 29 {
                0 => "91350203M0001QAY9B".to_owned(),
                1 => format!("{}x", code(n)),
                _ => code(n),
            };
            // The ignored column holds a value only near the end.
            let note = if n == 1990 { "x" } else { "" };
            let mut row = format!("{uscc}, 单位{n} ,{class},140522,水利,{note},在业{eol}");
            if n.is_multiple_of(97) {
                row.push_str(eol);
            }
            row.push_str(extra);
            row
        };
        let files: Vec<(&str, String)> = vec![
            ("lf", (0..2000).map(|n| body(n, "\n", "")).collect()),
            // A line break in a quoted header cell: rows after it are
            // numbered one line less than the lines read.
            (
                "quoted-header",
                (0..2000).map(|n| body(n, "\n", "")).collect(),
            ),
            ("crlf", (0..2000).map(|n| body(n, "\r\n", "")).collect()),
            // A code repeated far apart: read again in one piece.
            (
                "repeat",
                (0..2000)
                    .map(|n| body(if n == 1900 { 3 } else { n }, "\n", ""))
                    .collect(),
            ),
            // A quoted cell with a line break: read again in one piece.
            (
                "quoted",
                (0..2000)
                    .map(|n| body(n, "\n", if n == 1500 { "\"x\ny\",,,,,,\n" } else { "" }))
                    .collect(),
            ),
            // A ragged row late in the file: the one-thread error.
            (
                "ragged",
                (0..2000)
                    .map(|n| body(n, "\n", if n == 1700 { "a,b\n" } else { "" }))
                    .collect(),
            ),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (name, rows) in files {
            let path = dir.path().join(format!("{name}.csv"));
            let header = if name == "quoted-header" {
                header.replace("备注", "\"备注\n说明\"")
            } else {
                header.to_owned()
            };
            std::fs::write(&path, format!("{header}{rows}")).unwrap();
            let one = |threads: usize, min: u64| {
                let mut notes = Notes::default();
                let got = read_entity_file_with(
                    &path,
                    Encoding::Auto,
                    &opts,
                    &mut notes,
                    true,
                    threads,
                    min,
                );
                (got, notes)
            };
            let (want, want_notes) = one(1, 0);
            if name == "ragged" {
                let e = want.as_ref().unwrap_err().to_string();
                assert!(e.contains("row 1721 has 2 fields"), "{e}");
            } else {
                let v = want.as_ref().unwrap();
                assert!(v.register.len() > 1000 && !v.problems.is_empty(), "{name}");
                assert_eq!(want_notes.ignored.len(), 1, "{name}");
            }
            // Which files were joined from stretches rather than read again.
            let joined = read(
                &path,
                Encoding::Auto,
                TableKind::Entities,
                &mut Notes::default(),
                |reader, cols| {
                    let stretches = reader.split(3, 1000)?;
                    assert_eq!(stretches.len(), 2, "{name}");
                    Ok(read_entity_stretches(reader, stretches, cols, &opts).is_some())
                },
            )
            .unwrap();
            assert_eq!(
                joined,
                matches!(name, "lf" | "crlf" | "quoted-header"),
                "{name}"
            );
            for threads in [2, 3, 8] {
                for min in [0, 1000, 30_000, input::MIN_STRETCH_BYTES] {
                    let (got, notes) = one(threads, min);
                    let what = format!("{name}, {threads} threads, stretches of {min} bytes");
                    match (&got, &want) {
                        (Ok(g), Ok(w)) => {
                            assert_eq!(g.problems, w.problems, "{what}");
                            assert_eq!(g.register.entities(), w.register.entities(), "{what}");
                        }
                        (Err(g), Err(w)) => assert_eq!(g.to_string(), w.to_string(), "{what}"),
                        _ => panic!("{what}: {got:?}"),
                    }
                    assert_eq!(notes.ignored, want_notes.ignored, "{what}");
                    assert_eq!(notes.sources.len(), want_notes.sources.len(), "{what}");
                }
            }
        }
    }

    /// A large file is read in stretches once its first 64 KiB are checked,
    /// and each stretch checks the rest as it reads it: a file that turns
    /// out not to be UTF-8, or to hold a line too long, after those bytes
    /// is read again in one piece, with the result or error of one thread.
    #[test]
    fn stretches_check_the_bytes_the_head_did_not() {
        let opts = ValidationOptions::default();
        let rows = |at: u32, odd: &[u8]| {
            let mut bytes = b"uscc,name,credit_class,region,industry\n".to_vec();
            for n in 0..3000 {
                bytes.extend_from_slice(format!("{},Unit {n},B,140522,Water", code(n)).as_bytes());
                if n == at {
                    bytes.extend_from_slice(odd);
                }
                bytes.push(b'\n');
            }
            bytes
        };
        // 单位 in GBK: the file is GB18030 (ASCII before it), not UTF-8.
        let gbk: &[u8] = b"\xb5\xa5\xce\xbb";
        let long = vec![b'x'; input::MAX_ROW_BYTES + 10];
        let returns = vec![b'\r'; input::MAX_ROW_BYTES + 10];
        let files: Vec<(&str, Encoding, Vec<u8>)> = vec![
            ("ascii", Encoding::Auto, rows(u32::MAX, b"")),
            ("gbk-late", Encoding::Auto, rows(2500, gbk)),
            ("not-utf8-late", Encoding::Utf8, rows(2500, gbk)),
            ("long-line-late", Encoding::Auto, rows(2500, &long)),
            // Carriage returns end no line for the check, though they end records.
            ("returns-late", Encoding::Auto, rows(2500, &returns)),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (name, encoding, bytes) in files {
            let path = dir.path().join(format!("{name}.csv"));
            std::fs::write(&path, bytes).unwrap();
            let one = |threads: usize, min: u64| {
                read_entity_file_with(
                    &path,
                    encoding,
                    &opts,
                    &mut Notes::default(),
                    true,
                    threads,
                    min,
                )
            };
            let want = one(1, 0);
            match name {
                "ascii" => assert_eq!(want.as_ref().unwrap().register.len(), 3000),
                "gbk-late" => {
                    let v = want.as_ref().unwrap();
                    let industries = v.register.entities().iter().map(|e| e.industry());
                    assert_eq!(industries.filter(|i| *i == "Water单位").count(), 1);
                }
                "not-utf8-late" => assert!(
                    matches!(want, Err(InputError::InvalidUtf8 { .. })),
                    "{want:?}"
                ),
                _ => assert!(
                    matches!(want, Err(InputError::RowTooLong { row: 2502, .. })),
                    "{name}: {want:?}"
                ),
            }
            // The head alone passes every one of them.
            let mut reader = input::RowReader::open_for_split(&path, encoding).expect(name);
            let stretches = reader.split(2, 1000).unwrap();
            assert_eq!(stretches.len(), 1, "{name}");
            let cols = reader.resolve(TableKind::Entities).unwrap();
            let joined = read_entity_stretches(&mut reader, stretches, &cols, &opts);
            assert_eq!(joined.is_some(), name == "ascii", "{name}");
            for threads in [2, 3] {
                for min in [0, 1000, 30_000] {
                    let what = format!("{name}, {threads} threads, stretches of {min} bytes");
                    match (one(threads, min), &want) {
                        (Ok(g), Ok(w)) => {
                            assert_eq!(g.problems, w.problems, "{what}");
                            assert_eq!(g.register.entities(), w.register.entities(), "{what}");
                        }
                        (Err(g), Err(w)) => assert_eq!(g.to_string(), w.to_string(), "{what}"),
                        (got, _) => panic!("{what}: {got:?}"),
                    }
                }
            }
        }
        // A small file is not read in stretches at all.
        let path = dir.path().join("small.csv");
        std::fs::write(&path, rows(u32::MAX, b"").get(..60_000).unwrap()).unwrap();
        assert!(input::RowReader::open_for_split(&path, Encoding::Auto).is_none());
    }
}
