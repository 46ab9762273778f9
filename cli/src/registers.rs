//! Turning tables read from files into the library's register rows.

use std::path::{Path, PathBuf};

use double_random::{
    CheckItemList, ConflictRegister, ConflictRow, EntityRegister, EntityRow, InspectorRegister,
    InspectorRow, ItemRow, Validated, ValidationOptions,
};

use crate::input::{self, Encoding, InputError, TableKind};

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
    /// Columns that were not understood and so ignored, as `file: column`.
    pub ignored_columns: Vec<String>,
}

impl LoadedRegisters {
    /// Every problem of every register, in the order items, entities, inspectors, conflicts.
    pub fn problems(&self) -> Vec<&double_random::Problem> {
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
/// the rows to `build` as they are read, and then notes in `notes` the
/// columns no canonical column claims. A read error part-way stops the rows
/// and is returned instead of what `build` made of the rows before it.
fn read<T>(
    path: &Path,
    encoding: Encoding,
    kind: TableKind,
    notes: &mut Vec<String>,
    build: impl FnOnce(&mut dyn Iterator<Item = input::Row>, &input::ColumnMap) -> T,
) -> Result<T, InputError> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let _spinner = crate::progress::Progress::spinner(format!("reading {name}"));
    let mut reader = input::RowReader::open(path, encoding)?;
    let cols = reader.resolve(kind)?;
    let mut failure = None;
    let mut rows = reader.by_ref().map_while(|r| match r {
        Ok(row) => Some(row),
        Err(e) => {
            failure = Some(e);
            None
        }
    });
    let built = build(&mut rows, &cols);
    if let Some(e) = failure {
        return Err(e);
    }
    // Only now is it known which columns without a header hold values.
    for c in reader.resolve(kind)?.ignored() {
        notes.push(format!("{}: column {c:?} ignored", path.display()));
    }
    Ok(built)
}

/// Reads an entity register file.
pub fn read_entities(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    notes: &mut Vec<String>,
) -> Result<Validated<EntityRegister>, InputError> {
    read(path, encoding, TableKind::Entities, notes, |rows, cols| {
        // Cells are moved, not copied: a national register has millions of rows.
        let rows = rows.map(|mut r| EntityRow {
            row: r.line,
            uscc: cols.take(&mut r, "uscc"),
            name: cols.take(&mut r, "name"),
            credit_class: cols.take(&mut r, "credit_class"),
            region: cols.take(&mut r, "region"),
            industry: cols.take(&mut r, "industry"),
        });
        EntityRegister::from_rows(rows, options)
    })
}

/// Reads an inspector register file.
pub fn read_inspectors(
    path: &Path,
    encoding: Encoding,
    options: &ValidationOptions,
    notes: &mut Vec<String>,
) -> Result<Validated<InspectorRegister>, InputError> {
    read(
        path,
        encoding,
        TableKind::Inspectors,
        notes,
        |rows, cols| {
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
            InspectorRegister::from_rows(rows, options)
        },
    )
}

/// Reads a conflict list, checking references against the registers given.
pub fn read_conflicts(
    path: &Path,
    encoding: Encoding,
    entities: Option<&EntityRegister>,
    inspectors: Option<&InspectorRegister>,
    options: &ValidationOptions,
    notes: &mut Vec<String>,
) -> Result<Validated<ConflictRegister>, InputError> {
    read(path, encoding, TableKind::Conflicts, notes, |rows, cols| {
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
}

/// Reads a check-item list.
pub fn read_items(
    path: &Path,
    encoding: Encoding,
    notes: &mut Vec<String>,
) -> Result<Validated<CheckItemList>, InputError> {
    read(path, encoding, TableKind::Items, notes, |rows, cols| {
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
}

/// Reads every register named, in dependency order (conflicts last, checked
/// against the entity and inspector registers when those are given).
pub fn load(
    files: &RegisterFiles,
    encoding: Encoding,
    options: &ValidationOptions,
) -> Result<LoadedRegisters, InputError> {
    let mut out = LoadedRegisters::default();
    if let Some(p) = &files.items {
        out.items = Some(read_items(p, encoding, &mut out.ignored_columns)?);
    }
    if let Some(p) = &files.entities {
        out.entities = Some(read_entities(
            p,
            encoding,
            options,
            &mut out.ignored_columns,
        )?);
    }
    if let Some(p) = &files.inspectors {
        out.inspectors = Some(read_inspectors(
            p,
            encoding,
            options,
            &mut out.ignored_columns,
        )?);
    }
    if let Some(p) = &files.conflicts {
        out.conflicts = Some(read_conflicts(
            p,
            encoding,
            out.entities.as_ref().map(|v| &v.register),
            out.inspectors.as_ref().map(|v| &v.register),
            options,
            &mut out.ignored_columns,
        )?);
    }
    Ok(out)
}
