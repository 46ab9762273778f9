//! The one list and two libraries (一单两库): check items, entities,
//! inspectors, and the declared conflicts between them, as validated
//! collections.
//!
//! Registers are built from typed values ([`EntityRegister::new`]) or from
//! rows of text as a spreadsheet gives them ([`EntityRegister::from_rows`]).
//! Building from rows reports every problem at once, each naming the row,
//! the field, the value and the rule it breaks; rows with an error are left
//! out of the register, so the register itself is always valid.

pub(crate) mod credit;
pub(crate) mod status;
pub mod text;
pub(crate) mod uscc;

pub use credit::{CreditClass, CreditClassError};
pub use status::{RegistrationStatus, StatusError, is_unclassified_text, status_spellings};
pub use uscc::{USCC_ALPHABET, USCC_LEN, Uscc, UsccError, UsccPolicy, uscc_check_character};

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::date::{format_date, parse_date};
use crate::commitment::{CommitError, EntityCommitment, EntityCommitter};
use crate::records::FormatVersion;

/// Which of the four registers a row or problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegisterKind {
    /// The check-item list (随机抽查事项清单).
    Items,
    /// The entity register (检查对象名录库).
    Entities,
    /// The inspector register (执法检查人员名录库).
    Inspectors,
    /// The declared conflicts (回避).
    Conflicts,
}

impl RegisterKind {
    /// Lower-case English name, as used in reports.
    pub const fn name(self) -> &'static str {
        match self {
            RegisterKind::Items => "items",
            RegisterKind::Entities => "entities",
            RegisterKind::Inspectors => "inspectors",
            RegisterKind::Conflicts => "conflicts",
        }
    }
}

impl fmt::Display for RegisterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How bad a [`Problem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Recorded for the reader; the row is kept (for example a pilot USCC
    /// admitted under [`UsccPolicy::LenientCheckCharacter`]).
    Warning,
    /// The row breaks a rule and is left out of the register.
    Error,
}

/// The rule a register row breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    /// A required field is empty.
    #[error("required field is empty")]
    MissingField,
    /// The text is not a valid USCC.
    #[error("not a valid USCC: {error}")]
    InvalidUscc {
        /// What is wrong with the code.
        #[serde(serialize_with = "ser_display")]
        error: UsccError,
    },
    /// A USCC whose only fault is its check character, admitted leniently.
    #[error(
        "check character fails GB 32100-2015 (expected {expected}); admitted under the lenient policy"
    )]
    CheckCharacterAccepted {
        /// The check character the standard computes.
        expected: char,
    },
    /// The credit class is not one of the accepted spellings.
    #[error(
        "unknown credit class (write A, B, C or D; A类..D类; low, general, higher, high; or 低风险, 一般风险, 较高风险, 高风险)"
    )]
    UnknownCreditClass,
    /// The entity has no credit-risk class: every entity is drawn within
    /// its class, so an entity without one cannot be in any pool.
    #[error(
        "no credit-risk class (信用风险分类): draws are made per class A-D, so every entity needs one; give bodies without a rating (e.g. public institutions, 事业单位) the class your office's rules assign them, and scope a task to their entity type if they are to be drawn apart (docs/columns.md)"
    )]
    Unclassified,
    /// The registration status is not one of the accepted spellings.
    #[error(
        "unknown registration status (write 存续/在业/开业 or active; 歇业 or suspended; 吊销 or revoked; 注销 or deregistered; 迁出 or moved-out; 列入经营异常名录 or abnormal-list; 列入严重违法失信名单 or serious-violation-list)"
    )]
    UnknownStatus,
    /// The same identifier appears on an earlier row.
    #[error("duplicate: the same value is on row {first_row}")]
    DuplicateId {
        /// Row where the value first appears.
        first_row: usize,
    },
    /// An inspector without a department (所属股室).
    #[error("an inspector must belong to a department")]
    MissingDepartment,
    /// A region code that is not 2, 4 or 6 digits (GB/T 2260).
    #[error(
        "a region code is 6 digits (GB/T 2260); a jurisdiction may also be a 2- or 4-digit prefix"
    )]
    InvalidRegion,
    /// A date that cannot be read.
    #[error("not a date (write 2024-03-05, 2024/3/5 or 2024年3月5日)")]
    InvalidDate,
    /// The certificate's validity ends before it begins.
    #[error("certificate valid-to {valid_to} is before valid-from {valid_from}")]
    CertificateDatesReversed {
        /// Start of validity.
        #[serde(serialize_with = "ser_date")]
        valid_from: Date,
        /// End of validity.
        #[serde(serialize_with = "ser_date")]
        valid_to: Date,
    },
    /// The certificate expired before the date of the check.
    #[error("certificate valid only until {valid_to}, before {on}")]
    CertificateExpired {
        /// The date validity was checked on.
        #[serde(serialize_with = "ser_date")]
        on: Date,
        /// Last day of validity.
        #[serde(serialize_with = "ser_date")]
        valid_to: Date,
    },
    /// The certificate is not yet valid on the date of the check.
    #[error("certificate is valid only from {valid_from}, after {on}")]
    CertificateNotYetValid {
        /// The date validity was checked on.
        #[serde(serialize_with = "ser_date")]
        on: Date,
        /// First day of validity.
        #[serde(serialize_with = "ser_date")]
        valid_from: Date,
    },
    /// A conflict names an inspector who is not in the inspector register.
    #[error("no inspector with this id in the inspector register")]
    UnknownInspector,
    /// A conflict names an entity that is not in the entity register.
    #[error("no entity with this USCC in the entity register")]
    UnknownEntity,
    /// The item category is not key (重点) or general (一般).
    #[error("unknown item category (write key/重点 or general/一般)")]
    UnknownCategory,
    /// The inspection method is not one of the four.
    #[error(
        "unknown inspection method (write on-site/实地核查, written/书面检查, online-monitoring/网络监测 or entrusted/委托检验检测)"
    )]
    UnknownMethod,
    /// An id holds a character outside [`text::ID_CHARACTERS`].
    #[error(
        "character {position} is {code_point}: an id is written with A-Z, a-z, 0-9, '-', '_' and '.' only (docs/columns.md)"
    )]
    IdCharacters {
        /// 1-based position of the first character refused.
        position: usize,
        /// That character, as `U+XXXX`.
        code_point: String,
    },
    /// An id longer than [`text::ID_MAX_LEN`] characters.
    #[error("an id is at most {max} characters; this one is {length}")]
    IdTooLong {
        /// Its length.
        length: usize,
        /// The most allowed.
        max: usize,
    },
    /// An id that differs from an earlier row's only in ASCII case or by
    /// look-alike characters (`O`/`0`, `l`/`I`/`1`, `rn`/`m`: UTS 39 skeletons).
    #[error(
        "looks like the id on row {first_row} (they differ only in case or by look-alike characters such as O and 0, l and 1): one record entered twice?"
    )]
    ConfusableId {
        /// Row of the earlier, look-alike id.
        first_row: usize,
    },
    /// A text field holds an invisible character: a format character (Cf:
    /// zero-width space, bidi controls, soft hyphen ...), a
    /// default-ignorable code point or a control character.
    #[error(
        "character {position} is {code_point}, an invisible or text-reordering character; delete it (docs/columns.md)"
    )]
    InvisibleCharacter {
        /// 1-based position of the first such character.
        position: usize,
        /// That character, as `U+XXXX`.
        code_point: String,
    },
    /// The letters mix scripts that look alike (Latin with Cyrillic or
    /// Greek, Han with Greek ...): a look-alike spelling? (warning)
    #[error(
        "mixes letters of scripts that look alike (e.g. Latin with Cyrillic or Greek): check the spelling"
    )]
    MixedScript,
    /// An inspector with the same name and department as an earlier row
    /// (compared as they read: NFKC, no white space, UTS 39 skeleton). (warning)
    #[error(
        "same name and department as the inspector on row {first_row}: two people, or one person entered twice?"
    )]
    SameNameInspector {
        /// Row of the earlier inspector.
        first_row: usize,
    },
}

fn ser_display<S: serde::Serializer, T: fmt::Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_date(*d))
}

fn ser_opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format_date(*d)),
        None => s.serialize_none(),
    }
}

impl Rule {
    /// Whether the rule leaves the row out ([`Severity::Error`]) or only flags it.
    ///
    /// A certificate that is not valid on the date of the check is a
    /// warning: the officer stays in the register (its root commits the
    /// whole roster as kept) and the assignment leaves them out of every
    /// team of a task whose inspection date their certificate does not
    /// cover (docs/spec/assignment.md), so a clerk never deletes rows to
    /// commit.
    pub fn severity(&self) -> Severity {
        match self {
            Rule::CheckCharacterAccepted { .. }
            | Rule::CertificateExpired { .. }
            | Rule::CertificateNotYetValid { .. }
            | Rule::MixedScript
            | Rule::SameNameInspector { .. }
            | Rule::UnknownInspector
            | Rule::UnknownEntity => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One problem found in a register: where it is, what it holds, and the rule
/// it breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The register the row belongs to.
    pub register: RegisterKind,
    /// The row number as the source gives it (spreadsheet rows count the header as row 1).
    pub row: usize,
    /// The canonical field name (`uscc`, `credit_class`, ...).
    pub field: &'static str,
    /// The offending value, as given.
    pub value: String,
    /// Warning or error.
    pub severity: Severity,
    /// The rule broken.
    #[serde(flatten)]
    pub rule: Rule,
}

impl Problem {
    fn new(
        register: RegisterKind,
        row: usize,
        field: &'static str,
        value: &str,
        rule: Rule,
    ) -> Self {
        Problem {
            register,
            row,
            field,
            value: value.to_owned(),
            severity: rule.severity(),
            rule,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{level}: {} row {}, field {}, value {:?}: {}",
            self.register, self.row, self.field, self.value, self.rule
        )
    }
}

/// A register built from rows, with every problem found on the way.
#[derive(Clone, Debug)]
pub struct Validated<T> {
    /// The register of the rows that passed.
    pub register: T,
    /// Every problem found, in row order.
    pub problems: Vec<Problem>,
}

impl<T> Validated<T> {
    /// True when no problem of [`Severity::Error`] was found.
    pub fn is_clean(&self) -> bool {
        self.problems.iter().all(|p| p.severity < Severity::Error)
    }

    /// The problems of [`Severity::Error`].
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }
}

/// Settings for building registers from rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ValidationOptions {
    /// How to treat USCC check characters.
    pub uscc_policy: UsccPolicy,
    /// Check inspectors' certificates on this date (the planned inspection date), if given.
    pub on: Option<Date>,
}

// ---------------------------------------------------------------------------
// Entities

/// An entity subject to checks (检查对象), identified by its USCC.
///
/// The text fields are read through [`Entity::name`], [`Entity::region`],
/// [`Entity::industry`] and [`Entity::target_types`]. A register holds
/// millions of entities, so their text is not held one allocation per
/// field: the entities a register reads together share one block holding
/// their names one after another and their few distinct (region, industry,
/// target types) combinations once each. An entity keeps
/// its block alive, so a clone kept after its register is dropped keeps the
/// text of its neighbours (a thousand or so, at most 64 KiB of names) too.
#[derive(Clone)]
pub struct Entity {
    /// Unified social credit code.
    pub uscc: Uscc,
    /// Credit-risk class.
    pub credit_class: CreditClass,
    status: RegistrationStatus,
    text: Arc<TextBlock>,
    /// The name is `text.names[name_start..name_start + name_len]`, or runs
    /// to the end of `text.names` when `name_len` is [`u32::MAX`] (a name
    /// too long for the count is alone in its block).
    name_start: u32,
    name_len: u32,
    /// Index of the region, industry and target types in `text.places`.
    place: u32,
}

/// At most this many entities read together share one block of text.
pub(crate) const ENTITIES_PER_BLOCK: usize = 1024;

/// A block of text starts a new one past this many bytes of names.
pub(crate) const BLOCK_BYTES: usize = 64 * 1024;

/// The text of the entities that share it.
#[derive(Debug)]
struct TextBlock {
    names: Box<str>,
    places: Box<[Place]>,
}

/// A region, industry and target types.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Place {
    region: Box<str>,
    industry: Box<str>,
    /// Sorted by bytes, each once.
    target_types: Box<[String]>,
}

impl Entity {
    /// An entity with these fields; `region` (GB/T 2260 code) and `industry`
    /// are empty when not recorded. Its status is
    /// [`RegistrationStatus::Active`] and it has no target types until
    /// [`Entity::with_status`] and [`Entity::with_target_types`] say otherwise.
    pub fn new(
        uscc: Uscc,
        name: impl Into<Box<str>>,
        credit_class: CreditClass,
        region: impl Into<Box<str>>,
        industry: impl Into<Box<str>>,
    ) -> Self {
        let names: Box<str> = name.into();
        Entity {
            uscc,
            credit_class,
            status: RegistrationStatus::Active,
            name_start: 0,
            name_len: u32::try_from(names.len()).unwrap_or(u32::MAX),
            place: 0,
            text: Arc::new(TextBlock {
                names,
                places: Box::new([Place {
                    region: region.into(),
                    industry: industry.into(),
                    target_types: Box::new([]),
                }]),
            }),
        }
    }

    /// The same entity with this registration status.
    pub fn with_status(mut self, status: RegistrationStatus) -> Self {
        self.status = status;
        self
    }

    /// The same entity with these target types (检查对象类型): trimmed,
    /// empty ones dropped, sorted by bytes, each once.
    pub fn with_target_types<I, T>(self, types: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let mut types: Vec<String> = types
            .into_iter()
            .map(|t| {
                let t: String = t.into();
                t.trim().to_owned()
            })
            .filter(|t| !t.is_empty())
            .collect();
        types.sort_unstable();
        types.dedup();
        let name = self.name().to_owned();
        let names: Box<str> = name.into();
        Entity {
            uscc: self.uscc,
            credit_class: self.credit_class,
            status: self.status,
            name_start: 0,
            name_len: u32::try_from(names.len()).unwrap_or(u32::MAX),
            place: 0,
            text: Arc::new(TextBlock {
                names,
                places: Box::new([Place {
                    region: self.region().into(),
                    industry: self.industry().into(),
                    target_types: types.into_boxed_slice(),
                }]),
            }),
        }
    }

    /// Registered name.
    pub fn name(&self) -> &str {
        let names = &self.text.names;
        let start = self.name_start as usize;
        let end = match self.name_len {
            u32::MAX => names.len(),
            len => start + len as usize,
        };
        names.get(start..end).unwrap_or_default()
    }

    fn place(&self) -> Option<&Place> {
        self.text.places.get(self.place as usize)
    }

    /// Administrative region code (GB/T 2260), empty when not recorded.
    pub fn region(&self) -> &str {
        self.place().map_or("", |p| &p.region)
    }

    /// Industry, empty when not recorded.
    pub fn industry(&self) -> &str {
        self.place().map_or("", |p| &p.industry)
    }

    /// Its registration status (登记状态; docs/columns.md): `active` when
    /// the register has no status column.
    pub fn status(&self) -> RegistrationStatus {
        self.status
    }

    /// Its target types (检查对象类型), sorted by bytes, each once; none
    /// when the register has no target-type column.
    pub fn target_types(&self) -> &[String] {
        self.place().map_or(&[], |p| &p.target_types)
    }

    /// The fields that make an entity what it is, for comparing and hashing.
    #[allow(clippy::type_complexity)]
    fn fields(
        &self,
    ) -> (
        &Uscc,
        CreditClass,
        &str,
        &str,
        &str,
        RegistrationStatus,
        &[String],
    ) {
        (
            &self.uscc,
            self.credit_class,
            self.name(),
            self.region(),
            self.industry(),
            self.status,
            self.target_types(),
        )
    }
}

/// Entities are equal when their fields are, wherever their text is held.
impl PartialEq for Entity {
    fn eq(&self, other: &Self) -> bool {
        self.fields() == other.fields()
    }
}

impl Eq for Entity {}

impl std::hash::Hash for Entity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.fields().hash(state);
    }
}

impl fmt::Debug for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entity")
            .field("uscc", &self.uscc)
            .field("name", &self.name())
            .field("credit_class", &self.credit_class)
            .field("region", &self.region())
            .field("industry", &self.industry())
            .field("status", &self.status)
            .field("target_types", &self.target_types())
            .finish()
    }
}

impl Serialize for Entity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Entity", 7)?;
        st.serialize_field("uscc", &self.uscc)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("credit_class", &self.credit_class)?;
        st.serialize_field("region", self.region())?;
        st.serialize_field("industry", self.industry())?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("target_types", self.target_types())?;
        st.end()
    }
}

/// One row of an entity register as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityRow {
    /// Row number in the source.
    pub row: usize,
    /// `uscc` column.
    pub uscc: String,
    /// `name` column.
    pub name: String,
    /// `credit_class` column.
    pub credit_class: String,
    /// `region` column.
    pub region: String,
    /// `industry` column.
    pub industry: String,
    /// `status` column (empty: active).
    pub status: String,
    /// `target_types` column, types separated as inspector expertise is.
    pub target_types: String,
}

/// Two entities with one USCC were given to [`EntityRegister::new`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("USCC {uscc} appears more than once")]
pub struct DuplicateEntity {
    /// The repeated code.
    pub uscc: Uscc,
}

/// The entity register (检查对象名录库), held in canonical order: by credit
/// class, then by the bytes of the USCC. Each class is then a contiguous
/// range and an entity's position gives its class and its rank in the class.
/// An entity is found by its USCC by searching the four class ranges, each
/// in USCC order, through a sparse index of every 16th code.
#[derive(Clone, Debug, Default)]
pub struct EntityRegister {
    entities: Vec<Entity>,
    class_start: [usize; 5],
    /// The code of every [`FENCE_STEP`]-th entity of each class, class by
    /// class (a few hundred kilobytes for a million entities, which stay in
    /// the processor's caches): searching them narrows a search in a class
    /// to [`FENCE_STEP`] entities.
    fences: Vec<Uscc>,
    /// Where each class's fences start in `fences`.
    fence_start: [usize; 5],
    /// The commitment with the leaves of each format version (v1, v2), or
    /// why there is none, once computed (the register never changes).
    commitment: [OnceLock<Result<EntityCommitment, CommitError>>; 2],
}

/// Entities between two fences of [`EntityRegister`].
const FENCE_STEP: usize = 16;

/// Refuses a code repeated in `entities` (sorted by class, then USCC, with
/// the class ranges given by `class_start`): merging the four class ranges
/// in USCC order, linear in the number of entities, brings equal codes
/// together. The first repeated code in USCC order is named.
fn refuse_repeats(entities: &[Entity], class_start: &[usize; 5]) -> Result<(), DuplicateEntity> {
    let [a, b, c, d, e] = *class_start;
    let mut next = [a, b, c, d];
    let end = [b, c, d, e];
    let mut last: Option<&Uscc> = None;
    loop {
        let mut best: Option<(usize, &Uscc)> = None;
        for c in 0..4 {
            if next[c] < end[c]
                && let Some(e) = entities.get(next[c])
                && best.is_none_or(|(_, u)| e.uscc < *u)
            {
                best = Some((c, &e.uscc));
            }
        }
        let Some((c, u)) = best else { break };
        if last == Some(u) {
            return Err(DuplicateEntity { uscc: *u });
        }
        last = Some(u);
        next[c] += 1;
    }
    Ok(())
}

/// A 64-bit hash of a code, for the builder's filter and tables.
fn code_hash(u: &Uscc) -> u64 {
    hash_code_bytes(u.as_bytes())
}

fn hash_code_bytes(b: &[u8; crate::registers::uscc::USCC_LEN]) -> u64 {
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let last = u64::from(u16::from_le_bytes([b[16], b[17]]));
    let mut h = word(0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h = (h.rotate_left(29) ^ word(8)).wrapping_mul(0x517C_C1B7_2722_0A95);
    h = (h.rotate_left(29) ^ last).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 31)
}

/// A quick hash for the maps built while reading a register (keys that
/// rows give, not chosen against the map): codes, whose `Hash` writes
/// their 18 bytes, go through [`code_hash`]; other bytes eight at a time.
#[derive(Default)]
struct CodeHasher(u64);

impl std::hash::Hasher for CodeHasher {
    fn write(&mut self, bytes: &[u8]) {
        if let Ok(code) = <&[u8; crate::registers::uscc::USCC_LEN]>::try_from(bytes) {
            self.0 ^= hash_code_bytes(code);
            return;
        }
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(29) ^ u64::from_le_bytes(w))
                .wrapping_mul(0x517C_C1B7_2722_0A95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type CodeMap<V> = HashMap<Uscc, V, std::hash::BuildHasherDefault<CodeHasher>>;

/// Bits of filter for each code recorded.
const SEEN_BITS_PER_CODE: usize = 16;

/// The codes rows have claimed so far while building a register, as a
/// blocked Bloom filter: two bytes a code, three bits in one 64-byte block.
/// It tells most new codes apart at once; a row whose code it may have seen
/// before is a suspect, settled exactly when every row is in. A filter this
/// small stays in the processor's caches where a table of a million codes
/// would not, and reading a register is then not a memory miss a row.
struct Seen {
    /// Blocks of 8 words (512 bits).
    words: Vec<u64>,
    len: usize,
}

impl Seen {
    fn with_capacity(codes: usize) -> Self {
        let blocks = codes.max(256).div_ceil(512 / SEEN_BITS_PER_CODE);
        Seen {
            words: vec![0; blocks * 8],
            len: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.len >= self.words.len() * 64 / SEEN_BITS_PER_CODE
    }

    /// Records `u`; false when it was certainly not recorded before.
    fn insert(&mut self, u: &Uscc) -> bool {
        self.insert_hash(code_hash(u))
    }

    /// Records the code with this [`code_hash`]; false when it was
    /// certainly not recorded before.
    fn insert_hash(&mut self, h: u64) -> bool {
        let blocks = (self.words.len() / 8) as u64;
        // The top 32 bits of the hash scaled to the number of blocks.
        let block = (((h >> 32) * blocks) >> 32) as usize * 8;
        let mut seen = true;
        for k in 0..3 {
            let bit = (h >> (9 * k)) & 511;
            let mask = 1u64 << (bit & 63);
            if let Some(word) = self.words.get_mut(block + (bit >> 6) as usize) {
                seen &= *word & mask != 0;
                *word |= mask;
            }
        }
        self.len += 1;
        seen
    }
}

/// When a row with a valid code came, among the rows that claim codes:
/// `kept_before` kept rows came before it (for a kept row, its index among
/// them); a left-out row comes before the kept row at its `kept_before`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Arrival {
    kept_before: usize,
    kept: bool,
    refused_before: usize,
}

/// Claims are checked against the filter this many at a time: the reads
/// of the filter's memory for a batch overlap, where one a row would each
/// wait for memory.
const CLAIM_BATCH: usize = 64;

/// A row's claim on a code, waiting to be checked against the filter.
struct Queued {
    hash: u64,
    arrival: Arrival,
    code: Uscc,
    row: usize,
    /// The `uscc` cell, in the queue's text.
    value: (usize, usize),
    at: usize,
    warned: bool,
}

/// A row whose code the filter may have seen before: whether it repeats an
/// earlier row is settled when every row is in.
struct Suspect {
    arrival: Arrival,
    code: Uscc,
    row: usize,
    /// The `uscc` cell, the value a duplicate problem shows.
    value: Box<str>,
    /// Where in the problems its duplicate problem goes: after its own.
    at: usize,
    /// Whether the lenient-policy warning was recorded there (a repeated
    /// row gets the duplicate problem instead).
    warned: bool,
}

/// `text.trim()`, quicker for the usual cell, which has nothing to trim.
fn trim(text: &str) -> &str {
    match (text.chars().next(), text.chars().next_back()) {
        (Some(a), Some(b)) if !a.is_whitespace() && !b.is_whitespace() => text,
        _ => text.trim(),
    }
}

fn region_ok(region: &str, allow_prefix: bool) -> bool {
    let digits = region.bytes().all(|b| b.is_ascii_digit());
    let len_ok = if allow_prefix {
        matches!(region.len(), 2 | 4 | 6)
    } else {
        region.len() == 6
    };
    digits && len_ok
}

impl EntityRegister {
    /// Builds a register from typed entities; refuses a repeated USCC.
    pub fn new(mut entities: Vec<Entity>) -> Result<Self, DuplicateEntity> {
        // Unstable sort: equal keys are refused just below, so the order is
        // the same as a stable sort's, without its n/2 scratch buffer.
        entities.sort_unstable_by_key(|e| (e.credit_class, e.uscc));
        // Readers make room for the rows a file may hold; keep what is used.
        entities.shrink_to_fit();
        let mut class_start = [0usize; 5];
        for e in &entities {
            class_start[e.credit_class.index() + 1] += 1;
        }
        for c in 0..4 {
            class_start[c + 1] += class_start[c];
        }
        refuse_repeats(&entities, &class_start)?;
        let mut fences = Vec::new();
        let mut fence_start = [0usize; 5];
        for c in 0..4 {
            let class = entities
                .get(class_start[c]..class_start[c + 1])
                .unwrap_or_default();
            fences.extend(class.iter().step_by(FENCE_STEP).map(|e| e.uscc));
            fence_start[c + 1] = fences.len();
        }
        Ok(EntityRegister {
            entities,
            class_start,
            fences,
            fence_start,
            commitment: Default::default(),
        })
    }

    /// Builds a register from rows of text, reporting every problem.
    ///
    /// A row with an error is left out; of two rows with one USCC the first
    /// is kept. The same as pushing each row into an
    /// [`EntityRegisterBuilder`].
    pub fn from_rows<I>(rows: I, options: &ValidationOptions) -> Validated<Self>
    where
        I: IntoIterator<Item = EntityRow>,
    {
        let rows = rows.into_iter();
        let mut builder = EntityRegisterBuilder::with_capacity(options, rows.size_hint().0);
        for r in rows {
            builder.push(EntityRowRef::from(&r));
        }
        builder.finish()
    }

    /// The commitment to this register with the leaves of `version`, once
    /// computed (see [`crate::commitment::commit_entities`]).
    pub(crate) fn commitment_cache(
        &self,
        version: FormatVersion,
    ) -> &OnceLock<Result<EntityCommitment, CommitError>> {
        match version {
            FormatVersion::V1 => &self.commitment[0],
            _ => &self.commitment[1],
        }
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when the register holds no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// All entities in canonical order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entities of one class, in canonical order (position = rank).
    pub fn class(&self, class: CreditClass) -> &[Entity] {
        let i = class.index();
        &self.entities[self.class_start[i]..self.class_start[i + 1]]
    }

    /// Number of entities in each class, A..D.
    pub fn class_sizes(&self) -> [u64; 4] {
        CreditClass::ALL.map(|c| self.class(c).len() as u64)
    }

    /// The entity with this USCC.
    pub fn get(&self, uscc: &Uscc) -> Option<&Entity> {
        self.index_of(uscc).and_then(|i| self.entities.get(i))
    }

    /// Position in `entities` of the entity with this USCC.
    fn index_of(&self, uscc: &Uscc) -> Option<usize> {
        (0..4).find_map(|c| {
            let fences = self
                .fences
                .get(self.fence_start[c]..self.fence_start[c + 1])?;
            // The last fence at or before the code starts its stretch.
            let k = fences.partition_point(|f| f <= uscc).checked_sub(1)?;
            let start = self.class_start[c] + k * FENCE_STEP;
            let end = (start + FENCE_STEP).min(self.class_start[c + 1]);
            let rank = self
                .entities
                .get(start..end)?
                .binary_search_by(|e| e.uscc.cmp(uscc))
                .ok()?;
            Some(start + rank)
        })
    }

    /// Canonical position of an entity: its index in the whole register, and
    /// its rank within its class.
    pub fn position(&self, uscc: &Uscc) -> Option<EntityPosition> {
        let index = self.index_of(uscc)?;
        let class = self.entities[index].credit_class;
        Some(EntityPosition {
            index: index as u64,
            class,
            rank: (index - self.class_start[class.index()]) as u64,
        })
    }
}

/// An entity read from a row, waiting for its block of text.
struct Pending {
    uscc: Uscc,
    credit_class: CreditClass,
    status: RegistrationStatus,
    name_start: u32,
    name_len: u32,
    place: u32,
}

/// The block of text being filled while a register is read: the names and
/// places of up to [`ENTITIES_PER_BLOCK`] entities, which become
/// [`Entity`] values when the block is full.
#[derive(Default)]
struct BlockBuilder {
    names: String,
    places: Vec<Place>,
    /// Index in `places` by `len(region) ‖ region ‖ len(industry) ‖
    /// industry ‖ the target-types cell`.
    place_index: HashMap<Vec<u8>, u32, std::hash::BuildHasherDefault<CodeHasher>>,
    key: Vec<u8>,
    pending: Vec<Pending>,
}

impl BlockBuilder {
    /// Whether the entity with this name must start a new block.
    fn is_full_for(&self, name: &str) -> bool {
        self.pending.len() >= ENTITIES_PER_BLOCK
            || (!self.pending.is_empty() && self.names.len() + name.len() > BLOCK_BYTES)
    }

    fn add(&mut self, e: Fields<'_>, target_types: &str) {
        let Fields {
            uscc,
            credit_class,
            status,
            name,
            region,
            industry,
        } = e;
        self.key.clear();
        self.key.extend_from_slice(&region.len().to_le_bytes());
        self.key.extend_from_slice(region.as_bytes());
        self.key.extend_from_slice(&industry.len().to_le_bytes());
        self.key.extend_from_slice(industry.as_bytes());
        // The cell as written: two spellings of one list make two places
        // with equal contents, which costs a little memory, never a wrong
        // entity; splitting every row's cell would cost an allocation a row.
        self.key.extend_from_slice(target_types.as_bytes());
        let place = match self.place_index.get(self.key.as_slice()) {
            Some(&i) => i,
            None => {
                // At most ENTITIES_PER_BLOCK places, far below u32::MAX.
                let i = u32::try_from(self.places.len()).unwrap_or(u32::MAX);
                self.places.push(Place {
                    region: region.into(),
                    industry: industry.into(),
                    target_types: split_list(target_types).into_boxed_slice(),
                });
                self.place_index.insert(self.key.clone(), i);
                i
            }
        };
        // The block holds at most BLOCK_BYTES before this name, so the start
        // fits; a name too long for its count is alone in its block and so
        // runs to the end of it.
        let name_start = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push_str(name);
        self.pending.push(Pending {
            uscc,
            credit_class,
            status,
            name_start,
            name_len: u32::try_from(name.len()).unwrap_or(u32::MAX),
            place,
        });
    }

    /// Turns the pending entities into entities sharing one block of text.
    fn finish_block(&mut self, mut each: impl FnMut(Entity)) {
        if self.pending.is_empty() {
            return;
        }
        let text = Arc::new(TextBlock {
            names: std::mem::take(&mut self.names).into_boxed_str(),
            places: std::mem::take(&mut self.places).into_boxed_slice(),
        });
        self.place_index.clear();
        for p in self.pending.drain(..) {
            each(Entity {
                uscc: p.uscc,
                credit_class: p.credit_class,
                status: p.status,
                text: Arc::clone(&text),
                name_start: p.name_start,
                name_len: p.name_len,
                place: p.place,
            });
        }
    }
}

/// One row of an entity register as borrowed text, for
/// [`EntityRegisterBuilder::push`]: a reader can hand over the cells of a row
/// it holds in its own buffer, without allocating each cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntityRowRef<'a> {
    /// Row number in the source.
    pub row: usize,
    /// `uscc` column.
    pub uscc: &'a str,
    /// `name` column.
    pub name: &'a str,
    /// `credit_class` column.
    pub credit_class: &'a str,
    /// `region` column.
    pub region: &'a str,
    /// `industry` column.
    pub industry: &'a str,
    /// `status` column (empty: active).
    pub status: &'a str,
    /// `target_types` column, types separated as inspector expertise is.
    pub target_types: &'a str,
}

impl<'a> From<&'a EntityRow> for EntityRowRef<'a> {
    fn from(r: &'a EntityRow) -> Self {
        EntityRowRef {
            row: r.row,
            uscc: &r.uscc,
            name: &r.name,
            credit_class: &r.credit_class,
            region: &r.region,
            industry: &r.industry,
            status: &r.status,
            target_types: &r.target_types,
        }
    }
}

/// The checked fields of an entity read from a row.
struct Fields<'a> {
    uscc: Uscc,
    credit_class: CreditClass,
    status: RegistrationStatus,
    name: &'a str,
    region: &'a str,
    industry: &'a str,
}

/// Builds an [`EntityRegister`] from rows of text pushed one at a time,
/// reporting every problem as [`EntityRegister::from_rows`] does.
///
/// ```
/// use double_random::{registers::{EntityRegisterBuilder, EntityRowRef, ValidationOptions}};
/// let mut b = EntityRegisterBuilder::new(&ValidationOptions::default());
/// b.push(EntityRowRef {
///     row: 2,
///     uscc: "91350100M000100Y43",
///     name: "某某公司",
///     credit_class: "B",
///     ..Default::default()
/// });
/// b.push(EntityRowRef { row: 3, uscc: "91350100M000100Y43", name: "重复", credit_class: "A", ..Default::default() });
/// let v = b.finish();
/// assert_eq!(v.register.len(), 1);
/// assert_eq!(v.problems[0].row, 3);
/// ```
pub struct EntityRegisterBuilder {
    policy: UsccPolicy,
    problems: Vec<Problem>,
    /// The rows kept: `kept`, then those waiting in `block` for their text.
    /// Until [`EntityRegisterBuilder::finish`], a kept row may still turn
    /// out to repeat an earlier row's code (see `suspects`).
    kept: Vec<Entity>,
    block: BlockBuilder,
    /// The row of each kept row.
    kept_rows: Vec<usize>,
    /// Rows left out for other errors, which still claim their code: the
    /// code, the row and the number of kept rows before it.
    refused: Vec<(Uscc, usize, usize)>,
    /// Every code claimed so far, but those still in `queue`.
    seen: Seen,
    queue: Vec<Queued>,
    /// The `uscc` cells of the queued claims.
    queue_text: String,
    /// Rows whose code may repeat an earlier row's, in row order.
    suspects: Vec<Suspect>,
    /// The commitment to `kept`, built while the kept rows arrive in
    /// canonical order (a file written in that order needs no second pass
    /// to commit); `None` once one does not.
    committer: Option<EntityCommitter>,
}

impl fmt::Debug for EntityRegisterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntityRegisterBuilder")
            .field("policy", &self.policy)
            .field("kept", &self.kept.len())
            .field("problems", &self.problems.len())
            .finish_non_exhaustive()
    }
}

impl EntityRegisterBuilder {
    /// An empty builder.
    pub fn new(options: &ValidationOptions) -> Self {
        Self::with_capacity(options, 0)
    }

    /// An empty builder with room for `rows` entities.
    pub fn with_capacity(options: &ValidationOptions, rows: usize) -> Self {
        EntityRegisterBuilder {
            policy: options.uscc_policy,
            problems: Vec::new(),
            kept: Vec::with_capacity(rows),
            block: BlockBuilder::default(),
            kept_rows: Vec::with_capacity(rows),
            refused: Vec::new(),
            seen: Seen::with_capacity(rows),
            queue: Vec::with_capacity(CLAIM_BATCH),
            queue_text: String::new(),
            suspects: Vec::new(),
            committer: Some(EntityCommitter::new(FormatVersion::V2)),
        }
    }

    /// Whether to commit the kept rows while they arrive in canonical
    /// order, and with the leaves of which format version (on, with
    /// version 2's, the version the office's tool writes, unless turned
    /// off with `None`): a register written in that order then needs no
    /// second pass when its root is wanted, but one whose root is not
    /// wanted is hashed for nothing. Rows out of order stop it anyway. A
    /// root with the other version's leaves is computed when asked for.
    pub fn commit_while_reading(mut self, version: Option<FormatVersion>) -> Self {
        self.committer = version.map(EntityCommitter::new);
        self
    }

    /// Checks one row: keeps it, or records its problems.
    pub fn push(&mut self, r: EntityRowRef<'_>) {
        const K: RegisterKind = RegisterKind::Entities;
        if self.seen.is_full() {
            self.check_claims();
            self.grow_seen();
        }
        let problems = &mut self.problems;
        let before = problems.len();
        let uscc = if trim(r.uscc).is_empty() {
            problems.push(Problem::new(K, r.row, "uscc", r.uscc, Rule::MissingField));
            None
        } else {
            match Uscc::parse(r.uscc, self.policy) {
                Ok(u) => Some(u),
                Err(error) => {
                    problems.push(Problem::new(
                        K,
                        r.row,
                        "uscc",
                        r.uscc,
                        Rule::InvalidUscc { error },
                    ));
                    None
                }
            }
        };
        let name = trim(r.name);
        if name.is_empty() {
            problems.push(Problem::new(K, r.row, "name", r.name, Rule::MissingField));
        }
        for (field, value) in [
            ("name", r.name),
            ("industry", r.industry),
            ("target_types", r.target_types),
        ] {
            if let Some(rule) = text::check_text(value) {
                problems.push(Problem::new(K, r.row, field, value, rule));
            }
        }
        let class = match r.credit_class.parse::<CreditClass>() {
            Ok(c) => Some(c),
            Err(_) => {
                let rule = if is_unclassified_text(r.credit_class) {
                    Rule::Unclassified
                } else {
                    Rule::UnknownCreditClass
                };
                problems.push(Problem::new(K, r.row, "credit_class", r.credit_class, rule));
                None
            }
        };
        let region = trim(r.region);
        if !region.is_empty() && !region_ok(region, false) {
            problems.push(Problem::new(
                K,
                r.row,
                "region",
                r.region,
                Rule::InvalidRegion,
            ));
        }
        let status = if trim(r.status).is_empty() {
            RegistrationStatus::Active
        } else {
            match RegistrationStatus::parse_cell(r.status) {
                Ok(s) => s,
                Err(_) => {
                    problems.push(Problem::new(
                        K,
                        r.row,
                        "status",
                        r.status,
                        Rule::UnknownStatus,
                    ));
                    RegistrationStatus::Active
                }
            }
        };
        // A row with a valid code claims it, unless an earlier row did: then
        // it is a duplicate. Whether an earlier row did is settled in
        // `finish` for the rows the filter cannot clear; until then they
        // are treated as new.
        let kept_before = self.kept.len() + self.block.pending.len();
        if let Some(u) = uscc
            && (problems.len() > before || class.is_none())
        {
            let arrival = Arrival {
                kept_before,
                kept: false,
                refused_before: self.refused.len(),
            };
            let at = problems.len();
            self.queue_claim(arrival, u, r, at, false);
            self.refused.push((u, r.row, kept_before));
            return;
        }
        if problems.len() > before {
            return;
        }
        let (Some(uscc), Some(credit_class)) = (uscc, class) else {
            return;
        };
        let at = problems.len();
        // Only the lenient policy admits a code whose check character fails.
        let warned = self.policy != UsccPolicy::Strict && !uscc.check_character_is_valid();
        if warned {
            problems.push(Problem::new(
                K,
                r.row,
                "uscc",
                r.uscc,
                Rule::CheckCharacterAccepted {
                    expected: uscc.expected_check_character(),
                },
            ));
        }
        // After the lenient-policy warning, whose place `at` marks.
        if text::mixes_scripts(name) {
            problems.push(Problem::new(K, r.row, "name", r.name, Rule::MixedScript));
        }
        let arrival = Arrival {
            kept_before,
            kept: true,
            refused_before: 0,
        };
        self.queue_claim(arrival, uscc, r, at, warned);
        if self.block.is_full_for(name) {
            self.finish_block();
        }
        let fields = Fields {
            uscc,
            credit_class,
            status,
            name,
            region,
            industry: trim(r.industry),
        };
        self.block.add(fields, r.target_types);
        self.kept_rows.push(r.row);
    }

    /// Queues the claim of row `r` on `code`, checking the queue against
    /// the filter when it is full.
    fn queue_claim(
        &mut self,
        arrival: Arrival,
        code: Uscc,
        r: EntityRowRef<'_>,
        at: usize,
        warned: bool,
    ) {
        let start = self.queue_text.len();
        self.queue_text.push_str(r.uscc);
        self.queue.push(Queued {
            hash: code_hash(&code),
            arrival,
            code,
            row: r.row,
            value: (start, self.queue_text.len()),
            at,
            warned,
        });
        if self.queue.len() >= CLAIM_BATCH {
            self.check_claims();
        }
    }

    /// Records the queued claims in the filter; those it may have seen
    /// before become suspects.
    fn check_claims(&mut self) {
        let (seen, text, suspects) = (&mut self.seen, &self.queue_text, &mut self.suspects);
        for q in self.queue.drain(..) {
            if seen.insert_hash(q.hash) {
                suspects.push(Suspect {
                    arrival: q.arrival,
                    code: q.code,
                    row: q.row,
                    value: text.get(q.value.0..q.value.1).unwrap_or_default().into(),
                    at: q.at,
                    warned: q.warned,
                });
            }
        }
        self.queue_text.clear();
    }

    /// Doubles the filter of seen codes, recording every code claimed so far again.
    fn grow_seen(&mut self) {
        let mut seen = Seen::with_capacity(2 * self.seen.len);
        let kept = self.kept.iter().map(|e| &e.uscc);
        let pending = self.block.pending.iter().map(|p| &p.uscc);
        let refused = self.refused.iter().map(|(u, _, _)| u);
        for u in kept.chain(pending).chain(refused) {
            seen.insert(u);
        }
        self.seen = seen;
    }

    /// Settles the suspects: a suspect whose code an earlier row claimed is
    /// a duplicate. Its duplicate problem goes where the rules put it (after
    /// its own problems, in place of the lenient-policy warning a kept row
    /// had) and a kept duplicate leaves `kept`. Called once every row is in.
    fn settle_suspects(&mut self) {
        if self.suspects.is_empty() {
            return;
        }
        // The first claim on each suspect code: one pass over every claim.
        let mut first: CodeMap<Option<(Arrival, usize)>> = CodeMap::default();
        for s in &self.suspects {
            first.insert(s.code, None);
        }
        let mut claim = |code: &Uscc, arrival: Arrival, row: usize| {
            if let Some(f) = first.get_mut(code)
                && f.is_none_or(|(a, _)| arrival < a)
            {
                *f = Some((arrival, row));
            }
        };
        for (i, (e, &row)) in self.kept.iter().zip(&self.kept_rows).enumerate() {
            let arrival = Arrival {
                kept_before: i,
                kept: true,
                refused_before: 0,
            };
            claim(&e.uscc, arrival, row);
        }
        for (j, &(code, row, kept_before)) in self.refused.iter().enumerate() {
            let arrival = Arrival {
                kept_before,
                kept: false,
                refused_before: j,
            };
            claim(&code, arrival, row);
        }
        // The duplicates, in row order (as `suspects` is).
        let duplicates: Vec<(&Suspect, usize)> = self
            .suspects
            .iter()
            .filter_map(|s| match first.get(&s.code).copied().flatten() {
                Some((a, first_row)) if a < s.arrival => Some((s, first_row)),
                _ => None,
            })
            .collect();
        if duplicates.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.problems);
        let mut problems = Vec::with_capacity(old.len() + duplicates.len());
        let mut old = old.into_iter().enumerate().peekable();
        let mut leave = Vec::new();
        for &(s, first_row) in &duplicates {
            while let Some((_, p)) = old.next_if(|(i, _)| *i < s.at) {
                problems.push(p);
            }
            if s.warned {
                old.next();
            }
            problems.push(Problem::new(
                RegisterKind::Entities,
                s.row,
                "uscc",
                &s.value,
                Rule::DuplicateId { first_row },
            ));
            if s.arrival.kept {
                leave.push(s.arrival.kept_before);
            }
        }
        problems.extend(old.map(|(_, p)| p));
        self.problems = problems;
        if !leave.is_empty() {
            // `leave` is in increasing order, as the suspects are.
            let mut leave = leave.into_iter().peekable();
            let mut i = 0;
            self.kept.retain(|_| {
                let go = leave.next_if_eq(&i).is_some();
                i += 1;
                !go
            });
            // What was committed while reading included the duplicates.
            self.committer = None;
        }
    }

    /// Moves the entities waiting for their text into `kept`.
    fn finish_block(&mut self) {
        let (kept, committer) = (&mut self.kept, &mut self.committer);
        self.block.finish_block(|entity| {
            if let Some(c) = committer
                && c.push(&entity).is_err()
            {
                *committer = None;
            }
            kept.push(entity);
        });
    }

    /// The register of the rows kept, and every problem found, in row order.
    pub fn finish(mut self) -> Validated<EntityRegister> {
        self.finish_block();
        self.check_claims();
        self.settle_suspects();
        let EntityRegisterBuilder {
            problems,
            kept,
            kept_rows,
            refused,
            seen,
            suspects,
            queue,
            queue_text,
            block,
            committer,
            ..
        } = self;
        // Free the bookkeeping before the register's own index is built.
        drop((kept_rows, refused, seen, suspects, queue, queue_text, block));
        // Duplicates were skipped in `push`, so `new` cannot refuse.
        let register = match EntityRegister::new(kept) {
            Ok(register) => {
                if let Some(c) = committer {
                    let version = c.version();
                    let _ = register.commitment_cache(version).set(Ok(c.finish()));
                }
                register
            }
            Err(_) => EntityRegister::default(),
        };
        Validated { register, problems }
    }
}

/// The rows of one stretch of a register file, checked by a builder of their
/// own ([`EntityRegisterBuilder::finish_part`]), to be joined with the
/// stretches around it by [`EntityRegister::join_parts`].
///
/// Reading a large file in parallel: split it where a row starts, read each
/// stretch on a thread of its own into its own builder (numbering rows from
/// the start of the stretch), and join the parts in file order. The result
/// is the register and problems of one builder over the whole file, unless
/// a code is claimed by rows of two stretches: which row came first is then
/// for one builder to say, and the join declines.
pub struct EntityRegisterPart {
    /// Problems of this stretch's rows, in row order.
    problems: Vec<Problem>,
    /// The entities kept, in canonical order (class, then code).
    kept: Vec<Entity>,
    /// Codes of rows left out for other errors, in order, each once.
    refused: Vec<Uscc>,
}

impl fmt::Debug for EntityRegisterPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntityRegisterPart")
            .field("kept", &self.kept.len())
            .field("refused", &self.refused.len())
            .field("problems", &self.problems.len())
            .finish()
    }
}

impl EntityRegisterPart {
    /// Whether a row of this stretch claimed `code` (kept or left out).
    fn claims(&self, code: &Uscc) -> bool {
        self.refused.binary_search(code).is_ok()
            || CreditClass::ALL.iter().any(|&c| {
                let start = self.kept.partition_point(|e| e.credit_class < c);
                let end = self.kept.partition_point(|e| e.credit_class <= c);
                self.kept
                    .get(start..end)
                    .is_some_and(|k| k.binary_search_by(|e| e.uscc.cmp(code)).is_ok())
            })
    }
}

impl EntityRegisterBuilder {
    /// Finishes the rows of one stretch of a file, for
    /// [`EntityRegister::join_parts`]: the problems are settled among the
    /// stretch's own rows and the entities kept are sorted (on the thread
    /// that read them). Rows are numbered as they were pushed.
    pub fn finish_part(mut self) -> EntityRegisterPart {
        self.finish_block();
        self.check_claims();
        self.settle_suspects();
        let mut kept = self.kept;
        kept.sort_unstable_by_key(|e| (e.credit_class, e.uscc));
        let mut refused: Vec<Uscc> = self.refused.iter().map(|&(u, _, _)| u).collect();
        refused.sort_unstable();
        refused.dedup();
        EntityRegisterPart {
            problems: self.problems,
            kept,
            refused,
        }
    }
}

impl EntityRegister {
    /// Joins the parts of a file read in stretches, in file order, each with
    /// the number of rows before its first (added to its row numbers): the
    /// register and problems one [`EntityRegisterBuilder`] makes of the whole
    /// file. `None` when rows of two parts claim one code: the file must then
    /// be read by one builder, which names the first of the repeated rows.
    pub fn join_parts(parts: Vec<(EntityRegisterPart, usize)>) -> Option<Validated<Self>> {
        // A code claimed in two parts: a kept row against a left-out row or
        // two left-out rows here; two kept rows when the register is built.
        for (i, (part, _)) in parts.iter().enumerate() {
            for code in &part.refused {
                let elsewhere = parts
                    .iter()
                    .enumerate()
                    .any(|(j, (other, _))| j != i && other.claims(code));
                if elsewhere {
                    return None;
                }
            }
        }
        let mut problems = Vec::with_capacity(parts.iter().map(|(p, _)| p.problems.len()).sum());
        let mut runs = Vec::with_capacity(parts.len());
        for (part, offset) in parts {
            problems.extend(part.problems.into_iter().map(|mut p| {
                p.row += offset;
                if let Rule::DuplicateId { first_row } = &mut p.rule {
                    *first_row += offset;
                }
                p
            }));
            runs.push(part.kept);
        }
        let entities = merge_runs(runs);
        let register = EntityRegister::new(entities).ok()?;
        Some(Validated { register, problems })
    }
}

/// The entities of `runs`, each in canonical order, merged in canonical
/// order into the first run's vector: the stable sort finds the runs and
/// merges them, with scratch space for half the entities at most.
fn merge_runs(runs: Vec<Vec<Entity>>) -> Vec<Entity> {
    let total: usize = runs.iter().map(Vec::len).sum();
    let mut runs = runs.into_iter();
    let mut all = runs.next().unwrap_or_default();
    all.reserve(total.saturating_sub(all.len()));
    for mut run in runs {
        all.append(&mut run);
    }
    all.sort_by_key(|e| (e.credit_class, e.uscc));
    all
}

/// Where an entity stands in the canonical order of its register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EntityPosition {
    /// Index in the whole register (the Merkle leaf index).
    pub index: u64,
    /// The entity's credit class.
    pub class: CreditClass,
    /// Rank within the class (what the sampler draws).
    pub rank: u64,
}

// ---------------------------------------------------------------------------
// Ids

/// What [`IdCheck::check`] makes of a row's id.
enum IdVerdict {
    /// A new, well-formed id.
    New,
    /// The id of an earlier row (`duplicate`): the row is skipped.
    Repeated(Rule),
    /// Empty, outside the character set, or a look-alike of an earlier id.
    Refused(Rule),
}

/// The ids of a register read so far, exactly and as they look.
#[derive(Default)]
struct IdCheck {
    exact: HashMap<String, usize>,
    looks: HashMap<String, usize>,
}

impl IdCheck {
    fn check(&mut self, id: &str, row: usize) -> IdVerdict {
        if id.is_empty() {
            return IdVerdict::Refused(Rule::MissingField);
        }
        if let Some(rule) = text::check_id(id) {
            return IdVerdict::Refused(rule);
        }
        if let Some(&first_row) = self.exact.get(id) {
            return IdVerdict::Repeated(Rule::DuplicateId { first_row });
        }
        let looks = text::id_skeleton(id);
        if let Some(&first_row) = self.looks.get(&looks) {
            return IdVerdict::Refused(Rule::ConfusableId { first_row });
        }
        self.exact.insert(id.to_owned(), row);
        self.looks.insert(looks, row);
        IdVerdict::New
    }
}

// ---------------------------------------------------------------------------
// Inspectors

/// An enforcement officer (执法检查人员).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Inspector {
    /// Identifier, usually the enforcement certificate number (执法证号).
    pub id: String,
    /// Name.
    pub name: String,
    /// Department or section (所属股室).
    pub department: String,
    /// Jurisdiction: a region code or a 2- or 4-digit prefix of one; empty when not recorded.
    pub region: String,
    /// Expertise and qualification tags (业务专长, 执法资质), sorted and without repeats.
    pub expertise: Vec<String>,
    /// First day the certificate is valid, if recorded.
    #[serde(serialize_with = "ser_opt_date")]
    pub cert_valid_from: Option<Date>,
    /// Last day the certificate is valid, if recorded.
    #[serde(serialize_with = "ser_opt_date")]
    pub cert_valid_to: Option<Date>,
}

impl Inspector {
    /// Whether the certificate is valid on `date` (an unrecorded bound does not restrict).
    pub fn certificate_valid_on(&self, date: Date) -> bool {
        self.cert_valid_from.is_none_or(|f| f <= date)
            && self.cert_valid_to.is_none_or(|t| date <= t)
    }

    /// Whether the officer's jurisdiction covers `region` (a 6-digit code):
    /// the jurisdiction is a prefix of it. An empty jurisdiction covers nothing.
    pub fn jurisdiction_covers(&self, region: &str) -> bool {
        !self.region.is_empty() && region.starts_with(&self.region)
    }

    /// Whether the officer holds an expertise tag.
    pub fn has_expertise(&self, tag: &str) -> bool {
        self.expertise
            .binary_search_by(|t| t.as_str().cmp(tag))
            .is_ok()
    }
}

/// Splits a list written with `;`, `；`, `、` or `,` separators.
pub fn split_list(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .split([';', '；', '、', ',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// One row of an inspector register as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InspectorRow {
    /// Row number in the source.
    pub row: usize,
    /// `id` column.
    pub id: String,
    /// `name` column.
    pub name: String,
    /// `department` column.
    pub department: String,
    /// `region` column.
    pub region: String,
    /// `expertise` column, tags separated by `;`.
    pub expertise: String,
    /// `cert_valid_from` column.
    pub cert_valid_from: String,
    /// `cert_valid_to` column.
    pub cert_valid_to: String,
}

/// Two inspectors with one id were given to [`InspectorRegister::new`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("inspector id {id:?} appears more than once")]
pub struct DuplicateInspector {
    /// The repeated id.
    pub id: String,
}

/// The inspector register (执法检查人员名录库), in canonical order: by the
/// bytes of the id.
#[derive(Clone, Debug, Default)]
pub struct InspectorRegister {
    inspectors: Vec<Inspector>,
}

impl InspectorRegister {
    /// Builds a register from typed inspectors; refuses a repeated id.
    pub fn new(mut inspectors: Vec<Inspector>) -> Result<Self, DuplicateInspector> {
        inspectors.sort_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));
        if let Some(w) = inspectors.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(DuplicateInspector {
                id: w[0].id.clone(),
            });
        }
        Ok(InspectorRegister { inspectors })
    }

    /// Builds a register from rows of text, reporting every problem.
    ///
    /// Certificates are checked on `options.on` when it is given; an officer
    /// whose certificate is not valid then is reported but kept, since the
    /// register is also used on other dates (assignment checks validity on
    /// the inspection date itself).
    pub fn from_rows<I>(rows: I, options: &ValidationOptions) -> Validated<Self>
    where
        I: IntoIterator<Item = InspectorRow>,
    {
        const K: RegisterKind = RegisterKind::Inspectors;
        let mut problems = Vec::new();
        let mut kept = Vec::new();
        let mut ids = IdCheck::default();
        // (name, department) as they read → first row.
        let mut people: HashMap<(String, String), usize> = HashMap::new();
        for r in rows {
            let mut fatal = false;
            let id = r.id.trim();
            match ids.check(id, r.row) {
                IdVerdict::New => {}
                IdVerdict::Repeated(rule) => {
                    problems.push(Problem::new(K, r.row, "id", &r.id, rule));
                    continue;
                }
                IdVerdict::Refused(rule) => {
                    problems.push(Problem::new(K, r.row, "id", &r.id, rule));
                    fatal = true;
                }
            }
            for (field, value) in [
                ("name", &r.name),
                ("department", &r.department),
                ("expertise", &r.expertise),
            ] {
                if let Some(rule) = text::check_text(value) {
                    problems.push(Problem::new(K, r.row, field, value, rule));
                    fatal = true;
                }
            }
            let name = r.name.trim();
            if name.is_empty() {
                problems.push(Problem::new(K, r.row, "name", &r.name, Rule::MissingField));
                fatal = true;
            }
            let department = r.department.trim();
            if department.is_empty() {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "department",
                    &r.department,
                    Rule::MissingDepartment,
                ));
                fatal = true;
            }
            let region = r.region.trim();
            if !region.is_empty() && !region_ok(region, true) {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "region",
                    &r.region,
                    Rule::InvalidRegion,
                ));
                fatal = true;
            }
            let mut date = |field: &'static str, text: &str| -> Option<Date> {
                if text.trim().is_empty() {
                    return None;
                }
                let d = parse_date(text);
                if d.is_none() {
                    problems.push(Problem::new(K, r.row, field, text, Rule::InvalidDate));
                    fatal = true;
                }
                d
            };
            let from = date("cert_valid_from", &r.cert_valid_from);
            let to = date("cert_valid_to", &r.cert_valid_to);
            if let (Some(valid_from), Some(valid_to)) = (from, to)
                && valid_to < valid_from
            {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "cert_valid_to",
                    &r.cert_valid_to,
                    Rule::CertificateDatesReversed {
                        valid_from,
                        valid_to,
                    },
                ));
                fatal = true;
            }
            if let Some(on) = options.on {
                if let Some(valid_to) = to.filter(|&t| t < on) {
                    problems.push(Problem::new(
                        K,
                        r.row,
                        "cert_valid_to",
                        &r.cert_valid_to,
                        Rule::CertificateExpired { on, valid_to },
                    ));
                }
                if let Some(valid_from) = from.filter(|&f| f > on) {
                    problems.push(Problem::new(
                        K,
                        r.row,
                        "cert_valid_from",
                        &r.cert_valid_from,
                        Rule::CertificateNotYetValid { on, valid_from },
                    ));
                }
            }
            if fatal {
                continue;
            }
            for (field, value) in [("name", &r.name), ("department", &r.department)] {
                if text::mixes_scripts(value) {
                    problems.push(Problem::new(K, r.row, field, value, Rule::MixedScript));
                }
            }
            let person = (text::name_key(name), text::name_key(department));
            if let Some(&first_row) = people.get(&person) {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "name",
                    &r.name,
                    Rule::SameNameInspector { first_row },
                ));
            } else {
                people.insert(person, r.row);
            }
            kept.push(Inspector {
                id: id.to_owned(),
                name: name.to_owned(),
                department: department.to_owned(),
                region: region.to_owned(),
                expertise: split_list(&r.expertise),
                cert_valid_from: from,
                cert_valid_to: to,
            });
        }
        let register = InspectorRegister::new(kept).unwrap_or_default();
        Validated { register, problems }
    }

    /// Number of inspectors.
    pub fn len(&self) -> usize {
        self.inspectors.len()
    }

    /// True when the register holds no inspector.
    pub fn is_empty(&self) -> bool {
        self.inspectors.is_empty()
    }

    /// All inspectors in canonical order.
    pub fn inspectors(&self) -> &[Inspector] {
        &self.inspectors
    }

    /// The inspector with this id.
    pub fn get(&self, id: &str) -> Option<&Inspector> {
        self.index_of(id).map(|i| &self.inspectors[i])
    }

    /// Canonical index of the inspector with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.inspectors
            .binary_search_by(|i| i.id.as_bytes().cmp(id.as_bytes()))
            .ok()
    }

    /// Number of inspectors in each department, by department name.
    pub fn department_counts(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for i in &self.inspectors {
            *m.entry(i.department.as_str()).or_insert(0) += 1;
        }
        m
    }
}

// ---------------------------------------------------------------------------
// Conflicts

/// A declared conflict of interest (回避): the inspector must not inspect the entity.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Conflict {
    /// The inspector's id.
    pub inspector_id: String,
    /// The entity's USCC.
    pub uscc: Uscc,
    /// Why (kinship, former employment, ...); may be empty.
    pub reason: String,
}

/// One row of a conflict list as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConflictRow {
    /// Row number in the source.
    pub row: usize,
    /// `inspector_id` column.
    pub inspector_id: String,
    /// `uscc` column.
    pub uscc: String,
    /// `reason` column.
    pub reason: String,
}

/// The declared conflicts, in canonical order: by inspector id bytes, then USCC bytes.
/// One pair appears once (the first declared reason is kept).
#[derive(Clone, Debug, Default)]
pub struct ConflictRegister {
    conflicts: Vec<Conflict>,
}

impl ConflictRegister {
    /// Builds the register from typed conflicts; of repeated pairs the first is kept.
    pub fn new(mut conflicts: Vec<Conflict>) -> Self {
        conflicts.sort_by(|a, b| {
            (a.inspector_id.as_bytes(), a.uscc).cmp(&(b.inspector_id.as_bytes(), b.uscc))
        });
        conflicts.dedup_by(|b, a| a.inspector_id == b.inspector_id && a.uscc == b.uscc);
        ConflictRegister { conflicts }
    }

    /// Builds the register from rows of text, reporting every problem. When
    /// registers are given, a conflict naming an inspector or entity they do
    /// not hold is a warning and the row is kept: a county-wide 回避 table
    /// may name firms and officers outside these registers, and such a row
    /// can change no team.
    pub fn from_rows<I>(
        rows: I,
        entities: Option<&EntityRegister>,
        inspectors: Option<&InspectorRegister>,
        options: &ValidationOptions,
    ) -> Validated<Self>
    where
        I: IntoIterator<Item = ConflictRow>,
    {
        const K: RegisterKind = RegisterKind::Conflicts;
        let mut problems = Vec::new();
        let mut kept = Vec::new();
        let mut seen: HashMap<(String, Uscc), usize> = HashMap::new();
        for r in rows {
            let before = problems.len();
            let id = r.inspector_id.trim();
            if id.is_empty() {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "inspector_id",
                    &r.inspector_id,
                    Rule::MissingField,
                ));
            } else if let Some(rule) = text::check_id(id) {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "inspector_id",
                    &r.inspector_id,
                    rule,
                ));
            } else if inspectors.is_some_and(|reg| reg.get(id).is_none()) {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "inspector_id",
                    &r.inspector_id,
                    Rule::UnknownInspector,
                ));
            }
            let uscc = if r.uscc.trim().is_empty() {
                problems.push(Problem::new(K, r.row, "uscc", &r.uscc, Rule::MissingField));
                None
            } else {
                match Uscc::parse(&r.uscc, options.uscc_policy) {
                    Ok(u) => {
                        if entities.is_some_and(|reg| reg.get(&u).is_none()) {
                            problems.push(Problem::new(
                                K,
                                r.row,
                                "uscc",
                                &r.uscc,
                                Rule::UnknownEntity,
                            ));
                        }
                        Some(u)
                    }
                    Err(error) => {
                        problems.push(Problem::new(
                            K,
                            r.row,
                            "uscc",
                            &r.uscc,
                            Rule::InvalidUscc { error },
                        ));
                        None
                    }
                }
            };
            if let Some(rule) = text::check_text(&r.reason) {
                problems.push(Problem::new(K, r.row, "reason", &r.reason, rule));
            }
            if problems[before..]
                .iter()
                .any(|p| p.severity == Severity::Error)
            {
                continue;
            }
            let Some(uscc) = uscc else { continue };
            let key = (id.to_owned(), uscc);
            if let Some(&first_row) = seen.get(&key) {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "uscc",
                    &r.uscc,
                    Rule::DuplicateId { first_row },
                ));
                continue;
            }
            seen.insert(key, r.row);
            kept.push(Conflict {
                inspector_id: id.to_owned(),
                uscc,
                reason: r.reason.trim().to_owned(),
            });
        }
        Validated {
            register: ConflictRegister::new(kept),
            problems,
        }
    }

    /// Number of declared conflicts.
    pub fn len(&self) -> usize {
        self.conflicts.len()
    }

    /// True when no conflict is declared.
    pub fn is_empty(&self) -> bool {
        self.conflicts.is_empty()
    }

    /// All conflicts in canonical order.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Whether the inspector declared a conflict with the entity.
    pub fn is_conflicted(&self, inspector_id: &str, uscc: &Uscc) -> bool {
        self.conflicts
            .binary_search_by(|c| {
                (c.inspector_id.as_bytes(), &c.uscc).cmp(&(inspector_id.as_bytes(), uscc))
            })
            .is_ok()
    }
}

// ---------------------------------------------------------------------------
// Check items

/// Category of a check item: key (重点) or general (一般).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemCategory {
    /// Key item (重点事项).
    Key,
    /// General item (一般事项).
    General,
}

impl ItemCategory {
    /// Parses `key`/`重点`/`重点事项` or `general`/`一般`/`一般事项`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "key" | "重点" | "重点事项" | "重点检查事项" => Some(ItemCategory::Key),
            "general" | "一般" | "一般事项" | "一般检查事项" => {
                Some(ItemCategory::General)
            }
            _ => None,
        }
    }
}

/// How an item is checked (检查方式).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InspectionMethod {
    /// On-site verification (实地核查).
    OnSite,
    /// Written review (书面检查).
    Written,
    /// Online monitoring (网络监测).
    OnlineMonitoring,
    /// Testing or audit entrusted to a qualified body (委托检验检测/审计).
    Entrusted,
}

impl InspectionMethod {
    /// Parses one method, in English or Chinese.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "on-site" | "onsite" | "on_site" | "实地核查" | "现场检查" | "实地检查" => {
                Some(InspectionMethod::OnSite)
            }
            "written" | "书面检查" | "书面审查" => Some(InspectionMethod::Written),
            "online-monitoring" | "online" | "online_monitoring" | "网络监测" => {
                Some(InspectionMethod::OnlineMonitoring)
            }
            "entrusted"
            | "entrusted-testing"
            | "entrusted-audit"
            | "委托检验检测"
            | "委托审计"
            | "委托检验检测/审计"
            | "委托检验检测、审计"
            | "检验检测" => Some(InspectionMethod::Entrusted),
            _ => None,
        }
    }
}

/// An item of the random check-item list (随机抽查事项清单).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CheckItem {
    /// Item id.
    pub id: String,
    /// Item name.
    pub name: String,
    /// Key or general.
    pub category: ItemCategory,
    /// What kind of entity it applies to (检查对象).
    pub target_type: String,
    /// Legal basis (检查依据).
    pub basis: String,
    /// Responsible department (检查主体).
    pub department: String,
    /// What is checked (检查内容).
    pub content: String,
    /// Methods (检查方式), sorted, at least one.
    pub methods: Vec<InspectionMethod>,
    /// Expertise tags a team checking this item must hold (one member per tag).
    pub required_expertise: Vec<String>,
}

/// One row of a check-item list as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemRow {
    /// Row number in the source.
    pub row: usize,
    /// `id` column.
    pub id: String,
    /// `name` column.
    pub name: String,
    /// `category` column.
    pub category: String,
    /// `target_type` column.
    pub target_type: String,
    /// `basis` column.
    pub basis: String,
    /// `department` column.
    pub department: String,
    /// `content` column.
    pub content: String,
    /// `method` column; several methods separated by `;` or `、`.
    pub method: String,
    /// `expertise` column (optional): required expertise tags.
    pub expertise: String,
}

/// Two items with one id were given to [`CheckItemList::new`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("check item id {id:?} appears more than once")]
pub struct DuplicateItem {
    /// The repeated id.
    pub id: String,
}

/// The random check-item list (随机抽查事项清单), ordered by id bytes.
#[derive(Clone, Debug, Default)]
pub struct CheckItemList {
    items: Vec<CheckItem>,
}

impl CheckItemList {
    /// Builds the list from typed items; refuses a repeated id.
    pub fn new(mut items: Vec<CheckItem>) -> Result<Self, DuplicateItem> {
        items.sort_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));
        if let Some(w) = items.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(DuplicateItem {
                id: w[0].id.clone(),
            });
        }
        Ok(CheckItemList { items })
    }

    /// Builds the list from rows of text, reporting every problem.
    pub fn from_rows<I>(rows: I) -> Validated<Self>
    where
        I: IntoIterator<Item = ItemRow>,
    {
        const K: RegisterKind = RegisterKind::Items;
        let mut problems = Vec::new();
        let mut kept = Vec::new();
        let mut ids = IdCheck::default();
        for r in rows {
            let before = problems.len();
            let id = r.id.trim();
            match ids.check(id, r.row) {
                IdVerdict::New => {}
                IdVerdict::Repeated(rule) => {
                    problems.push(Problem::new(K, r.row, "id", &r.id, rule));
                    continue;
                }
                IdVerdict::Refused(rule) => {
                    problems.push(Problem::new(K, r.row, "id", &r.id, rule));
                }
            }
            for (field, value) in [
                ("name", &r.name),
                ("target_type", &r.target_type),
                ("basis", &r.basis),
                ("department", &r.department),
                ("content", &r.content),
                ("expertise", &r.expertise),
            ] {
                if let Some(rule) = text::check_text(value) {
                    problems.push(Problem::new(K, r.row, field, value, rule));
                }
            }
            for (field, value) in [("name", &r.name), ("department", &r.department)] {
                if value.trim().is_empty() {
                    problems.push(Problem::new(K, r.row, field, value, Rule::MissingField));
                }
            }
            let category = if r.category.trim().is_empty() {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "category",
                    &r.category,
                    Rule::MissingField,
                ));
                None
            } else {
                let c = ItemCategory::parse(&r.category);
                if c.is_none() {
                    problems.push(Problem::new(
                        K,
                        r.row,
                        "category",
                        &r.category,
                        Rule::UnknownCategory,
                    ));
                }
                c
            };
            let mut methods = Vec::new();
            let parts: Vec<&str> = r
                .method
                .split([';', '；', '、', ',', '，'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if parts.is_empty() {
                problems.push(Problem::new(
                    K,
                    r.row,
                    "method",
                    &r.method,
                    Rule::MissingField,
                ));
            }
            for p in parts {
                match InspectionMethod::parse(p) {
                    Some(m) => methods.push(m),
                    None => problems.push(Problem::new(K, r.row, "method", p, Rule::UnknownMethod)),
                }
            }
            methods.sort();
            methods.dedup();
            if problems.len() > before {
                continue;
            }
            let Some(category) = category else { continue };
            kept.push(CheckItem {
                id: id.to_owned(),
                name: r.name.trim().to_owned(),
                category,
                target_type: r.target_type.trim().to_owned(),
                basis: r.basis.trim().to_owned(),
                department: r.department.trim().to_owned(),
                content: r.content.trim().to_owned(),
                methods,
                required_expertise: split_list(&r.expertise),
            });
        }
        Validated {
            register: CheckItemList::new(kept).unwrap_or_default(),
            problems,
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All items, ordered by id.
    pub fn items(&self) -> &[CheckItem] {
        &self.items
    }

    /// The item with this id.
    pub fn get(&self, id: &str) -> Option<&CheckItem> {
        self.items
            .binary_search_by(|i| i.id.as_bytes().cmp(id.as_bytes()))
            .ok()
            .map(|i| &self.items[i])
    }

    /// Number of items per responsible department.
    pub fn department_counts(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for i in &self.items {
            *m.entry(i.department.as_str()).or_insert(0) += 1;
        }
        m
    }
}

// ---------------------------------------------------------------------------
// Quarterly change list

/// An entity whose credit class changed between two register versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassChange {
    /// The entity as in the new register.
    pub entity: Entity,
    /// Class in the old register.
    pub from: CreditClass,
    /// Class in the new register.
    pub to: CreditClass,
}

/// An entity whose name, region or industry changed (class unchanged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DetailChange {
    /// The entity as in the old register.
    pub old: Entity,
    /// The entity as in the new register.
    pub new: Entity,
}

/// The quarterly change list (季度增减清单) between two versions of an entity
/// register. Every list is ordered by USCC.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegisterDiff {
    /// In the new register only.
    pub added: Vec<Entity>,
    /// In the old register only.
    pub removed: Vec<Entity>,
    /// In both, with another credit class.
    pub class_changed: Vec<ClassChange>,
    /// In both, same class, other details changed.
    pub details_changed: Vec<DetailChange>,
}

impl RegisterDiff {
    /// Compares two versions of a register.
    pub fn between(old: &EntityRegister, new: &EntityRegister) -> Self {
        let mut d = RegisterDiff::default();
        for e in new.entities() {
            match old.get(&e.uscc) {
                None => d.added.push(e.clone()),
                Some(o) if o.credit_class != e.credit_class => d.class_changed.push(ClassChange {
                    entity: e.clone(),
                    from: o.credit_class,
                    to: e.credit_class,
                }),
                Some(o) if o != e => d.details_changed.push(DetailChange {
                    old: o.clone(),
                    new: e.clone(),
                }),
                Some(_) => {}
            }
        }
        d.removed = old
            .entities()
            .iter()
            .filter(|e| new.get(&e.uscc).is_none())
            .cloned()
            .collect();
        d.added.sort_by_key(|e| e.uscc);
        d.removed.sort_by_key(|e| e.uscc);
        d.class_changed.sort_by_key(|c| c.entity.uscc);
        d.details_changed.sort_by_key(|c| c.new.uscc);
        d
    }

    /// True when the two versions hold the same entities with the same details.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.class_changed.is_empty()
            && self.details_changed.is_empty()
    }
}

/// The registers a draw is made from: the master entity register (the
/// task's scope derives the pool from it), the inspectors, the declared
/// conflicts and the check-item list. The conflict list's salt belongs to a
/// commitment, not to the registers, and is passed beside them.
#[derive(Clone, Copy, Debug)]
pub struct Registers<'a> {
    /// The master entity register.
    pub entities: &'a EntityRegister,
    /// The inspector register.
    pub inspectors: &'a InspectorRegister,
    /// The declared conflicts.
    pub conflicts: &'a ConflictRegister,
    /// The check-item list, if any.
    pub items: Option<&'a CheckItemList>,
}

/// Which part of the master entity register a task draws from (定向抽查).
///
/// Each list restricts one attribute; an empty list does not restrict.
/// Lists are sorted by bytes, each value once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Industries (行业): an entity is in scope when its industry is one of these.
    pub industries: Vec<String>,
    /// Region prefixes (行政区划代码): an entity is in scope when its region starts with one.
    pub regions: Vec<String>,
    /// Entity types: the first two characters of the USCC (登记管理部门码 and
    /// 机构类别码), e.g. `91` enterprise, `92` individual business.
    pub entity_types: Vec<String>,
    /// Registration statuses (`active`, `suspended`, ...; columns.md).
    pub statuses: Vec<String>,
    /// Target types (检查对象类型) an entity must hold one of.
    pub target_types: Vec<String>,
}

/// Every registration status a register may give (docs/columns.md).
pub const STATUSES: [&str; 7] = [
    "abnormal-list",
    "active",
    "deregistered",
    "moved-out",
    "revoked",
    "serious-violation-list",
    "suspended",
];

/// The registration statuses a task draws from when it names none: every
/// entity still in business (columns.md). Deregistered, revoked and
/// moved-out entities are left out.
pub const DEFAULT_STATUSES: [&str; 4] = [
    "abnormal-list",
    "active",
    "serious-violation-list",
    "suspended",
];

impl Scope {
    /// The scope of a task that names no restriction: the whole register
    /// minus entities no longer in business ([`DEFAULT_STATUSES`]).
    pub fn everything_in_business() -> Scope {
        Scope {
            statuses: DEFAULT_STATUSES.map(str::to_owned).to_vec(),
            ..Scope::default()
        }
    }

    /// The same scope with every list sorted by bytes and each value once,
    /// the form a commitment carries.
    pub fn canonical(mut self) -> Scope {
        for list in [
            &mut self.industries,
            &mut self.regions,
            &mut self.entity_types,
            &mut self.statuses,
            &mut self.target_types,
        ] {
            list.sort_unstable();
            list.dedup();
        }
        self
    }
}

/// Whether an entity is in a scope: for each list that is not empty, the
/// entity matches one of its values (industry equal; region starting with
/// the prefix; the first two USCC characters equal; status equal; one of the
/// entity's target types equal). docs/FORMAT.md §3.1.
pub fn in_scope(e: &Entity, scope: &Scope) -> bool {
    in_scope_but_status(e, scope) && in_statuses(e, scope)
}

/// Whether an entity's status is among the scope's statuses (an empty list
/// takes every status).
pub fn in_statuses(e: &Entity, scope: &Scope) -> bool {
    scope.statuses.is_empty() || scope.statuses.iter().any(|v| e.status().code() == v)
}

/// Whether an entity is in a scope on every list but `statuses`: the
/// entities a scope leaves out by status alone are those for which this
/// holds and [`in_statuses`] does not.
pub fn in_scope_but_status(e: &Entity, scope: &Scope) -> bool {
    let any =
        |list: &[String], f: &dyn Fn(&str) -> bool| list.is_empty() || list.iter().any(|v| f(v));
    let code = e.uscc.as_bytes();
    any(&scope.industries, &|v| e.industry() == v)
        && any(&scope.regions, &|v| e.region().starts_with(v))
        && any(&scope.entity_types, &|v| {
            code.get(..2) == Some(v.as_bytes())
        })
        && any(&scope.target_types, &|v| {
            e.target_types().iter().any(|t| t == v)
        })
}

impl EntityRegister {
    /// The pool a task draws from: the entities in `scope` whose code is not
    /// in `excluded`, in canonical order. Borrowed when that is every entity.
    pub fn pool(
        &self,
        scope: &Scope,
        excluded: &std::collections::HashSet<Uscc>,
    ) -> std::borrow::Cow<'_, EntityRegister> {
        let keep = |e: &Entity| in_scope(e, scope) && !excluded.contains(&e.uscc);
        if self.entities().iter().all(keep) {
            return std::borrow::Cow::Borrowed(self);
        }
        let entities: Vec<Entity> = self
            .entities()
            .iter()
            .filter(|e| keep(e))
            .cloned()
            .collect();
        // A subset of a register has no duplicate codes.
        match EntityRegister::new(entities) {
            Ok(r) => std::borrow::Cow::Owned(r),
            Err(_) => std::borrow::Cow::Borrowed(self),
        }
    }
}

#[cfg(test)]
mod tests;
