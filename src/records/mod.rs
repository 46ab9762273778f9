//! Signed records: commitment, draw and cancellation payloads, their exact
//! JSON in format version 2 (written) and version 1 (still read), the
//! after-draw records of version 2 (inspector replacement, supplementary
//! draw), and strict decoding.
//!
//! A payload is compact JSON with members in the order the structs declare
//! them; integers that may exceed 2^53 are decimal strings, hashes lowercase
//! hex, times RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SSZ`). Decoding rejects unknown
//! members, duplicate members, missing members and trailing data. Every
//! record carries a `chain` link: issuer, key id, sequence number and the id
//! of the previous record, so an issuer's records form one hash chain.

mod after;
pub(crate) mod envelope;
pub(crate) mod keys;

pub use after::{
    REPLACEMENT_TYPE, ReplacementPayload, ReplacementReason, ReplacementReasonKind,
    SUPPLEMENT_TYPE, SupplementPayload, SupplementReason, SupplementReasonKind,
};

pub use crate::calendar::Timestamp;
pub use envelope::{
    Envelope, EnvelopeDecodeError, EnvelopeError, JsonLocation, RecordId, RecordIdError,
    SIGNATURE_LEN, Signature, pae, record_id, sign, verify, verify_any_of,
};
pub use keys::{
    FINGERPRINT_HEX_LEN, IssuerKey, IssuerNameError, IssuerPublicKey, KEY_ID_DOMAIN,
    KEY_ID_HEX_LEN, KeyFileError, MAX_ISSUER_LEN, PUBLIC_KEY_HEADER, PublicKeyError,
    SECRET_KEY_HEADER, SignatureError, check_issuer_name,
};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::assignment::{JurisdictionPolicy, RotationPolicy, Team, TeamRules};
use crate::commitment::merkle::Hash;
use crate::registers::credit::CreditClass;
use crate::registers::uscc::Uscc;
use crate::sampling::ratio::BasisPoints;
use crate::task::{Ratios, TaskError};

pub mod v1;
mod v2;

pub use crate::registers::Scope;
pub use crate::sampling::TopUp;

/// Payload type of commitment records (format version 2).
pub const COMMITMENT_TYPE: &str = "application/vnd.double-random.commitment.v2+json";
/// Payload type of draw records (format version 2).
pub const DRAW_TYPE: &str = "application/vnd.double-random.draw.v2+json";
/// Payload type of cancellation records (format version 2).
pub const CANCELLATION_TYPE: &str = "application/vnd.double-random.cancellation.v2+json";
/// The draw algorithm of format version 2: sample sizes with the committed
/// top-up policy, the entity sampler, and team assignment v2, as `docs/spec/`
/// specifies them.
pub const DRAW_ALGORITHM: &str = "double-random/draw/v2";

/// Serde adapter: optional bytes as hex or `null`.
pub(crate) mod opt_bytes {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(b: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match b {
            Some(b) => s.serialize_str(&crate::hex::encode(b)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "crate::hex::bytes")] Vec<u8>);
        Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
    }
}

/// One value per credit class, written `{"A":..,"B":..,"C":..,"D":..}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct PerClass<T> {
    /// Class A.
    pub A: T,
    /// Class B.
    pub B: T,
    /// Class C.
    pub C: T,
    /// Class D.
    pub D: T,
}

impl<T> PerClass<T> {
    /// From an array indexed A..D.
    pub fn from_array([a, b, c, d]: [T; 4]) -> Self {
        PerClass {
            A: a,
            B: b,
            C: c,
            D: d,
        }
    }

    /// The value of one class.
    pub fn get(&self, class: CreditClass) -> &T {
        match class {
            CreditClass::A => &self.A,
            CreditClass::B => &self.B,
            CreditClass::C => &self.C,
            CreditClass::D => &self.D,
        }
    }

    /// The values as an array indexed A..D.
    pub fn to_array(&self) -> [&T; 4] {
        [&self.A, &self.B, &self.C, &self.D]
    }
}

/// A `u64` that JSON carries as a decimal string.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Count(#[serde(with = "crate::json::u64_string")] pub u64);

/// The link of a record into its issuer's chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainLink {
    /// The issuing department's name, as in its key file.
    pub issuer: String,
    /// The signing key's id (lowercase hex).
    pub key_id: String,
    /// Position in the issuer's chain, from 0, rising by one.
    #[serde(with = "crate::json::u64_string")]
    pub sequence: u64,
    /// Record id of the record at `sequence - 1`; `null` only at sequence 0.
    // Required (`null` at sequence 0): serde would read a missing `Option` as `None`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub previous: Option<RecordId>,
    /// When the record was made, as the issuer states it.
    pub created_at: Timestamp,
}

/// A committed register: Merkle root and number of leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootRecord {
    /// RFC 6962 tree head.
    #[serde(with = "crate::hex::hash")]
    pub root: Hash,
    /// Number of leaves.
    pub size: Count,
}

/// The committed entity register: root, size and size per class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRootRecord {
    /// RFC 6962 tree head over entities in canonical order.
    #[serde(with = "crate::hex::hash")]
    pub root: Hash,
    /// Number of entities.
    pub size: Count,
    /// Number of entities per class (the strata the draw uses); they sum to `size`.
    pub class_sizes: PerClass<Count>,
}

/// Where the randomness will come from, fixed before it exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RandomnessPlan {
    /// A future round of a drand beacon network.
    Drand {
        /// The network's chain hash (hex), e.g. quicknet.
        #[serde(with = "crate::hex::hash")]
        chain_hash: Hash,
        /// The round whose randomness will be used.
        round: Count,
    },
    /// A public ceremony (dice, lottery machine) announced in advance.
    Ceremony {
        /// What will be done to produce the value, and how it is written as bytes.
        procedure: String,
        /// When.
        scheduled_at: Timestamp,
        /// Who will witness it.
        witnesses: Vec<String>,
    },
    /// Randomness the issuer generates itself: the weakest kind, since nothing
    /// outside the issuer's control fixes it. Use only when no public source is possible.
    Local {},
}

impl RandomnessPlan {
    /// When the randomness exists: a drand round's publication time (`None`
    /// for a round that never exists or an unknown network), a ceremony's
    /// scheduled time, `None` for local randomness.
    pub fn available_at(&self) -> Option<Timestamp> {
        match self {
            RandomnessPlan::Drand { chain_hash, round } => {
                crate::beacon::drand_round_time(chain_hash, round.0)
            }
            RandomnessPlan::Ceremony { scheduled_at, .. } => Some(*scheduled_at),
            RandomnessPlan::Local {} => None,
        }
    }

    /// A short name: `drand`, `ceremony` or `local`.
    pub fn source(&self) -> &'static str {
        match self {
            RandomnessPlan::Drand { .. } => "drand",
            RandomnessPlan::Ceremony { .. } => "ceremony",
            RandomnessPlan::Local {} => "local",
        }
    }
}

/// The randomness value a draw used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomnessValue {
    /// The bytes that enter the seed (for drand: the round's 32-byte randomness).
    #[serde(with = "crate::hex::bytes")]
    pub value: Vec<u8>,
    /// The beacon's signature over the round, when the source is a beacon.
    #[serde(with = "opt_bytes")]
    pub beacon_signature: Option<Vec<u8>>,
}

/// The version of the published format a record was written in.
///
/// Version 1 chains keep verifying; the office's tool writes version 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FormatVersion {
    /// Format version 1 (`…v1+json` payload types, `double-random/draw/v1`).
    V1,
    /// Format version 2 (`…v2+json` payload types, `double-random/draw/v2`).
    V2,
}

impl std::fmt::Display for FormatVersion {
    /// `version 1`, `version 2`: as people say it in messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatVersion::V1 => f.write_str("version 1"),
            FormatVersion::V2 => f.write_str("version 2"),
        }
    }
}

/// Whether the office saw witness cosignatures of the commitment dated
/// before the randomness existed when it drew (FORMAT §5.2, witness.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Witnessing {
    /// The commitment was cosigned by the office's witnesses before the randomness time.
    Witnessed,
    /// Drawn without such cosignatures: nothing but the office's own word
    /// places the commitment before the randomness (and local randomness).
    Unwitnessed,
}

/// The team rules as committed: version 1's rules, or version 2's places.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TeamSpec {
    /// Format version 1: team size, departments and tags (assignment v1).
    V1(crate::assignment::v1::TeamRules),
    /// Format version 2: the places of a team (assignment v2).
    V2(TeamRules),
}

impl TeamSpec {
    /// Officers per team.
    pub fn team_size(&self) -> usize {
        match self {
            TeamSpec::V1(r) => r.team_size as usize,
            TeamSpec::V2(r) => r.team_size(),
        }
    }

    /// The initiating department.
    pub fn initiating_department(&self) -> &str {
        match self {
            TeamSpec::V1(r) => &r.initiating_department,
            TeamSpec::V2(r) => &r.initiating_department,
        }
    }

    /// The task's departments, initiating first.
    pub fn departments(&self) -> Vec<&str> {
        match self {
            TeamSpec::V1(r) => r.departments().collect(),
            TeamSpec::V2(r) => r.departments().collect(),
        }
    }

    /// The most entities one officer may be given, if capped.
    pub fn workload_cap(&self) -> Option<u32> {
        match self {
            TeamSpec::V1(r) => r.workload_cap,
            TeamSpec::V2(r) => r.workload_cap,
        }
    }

    /// The rotation rule.
    pub fn rotation(&self) -> RotationPolicy {
        match self {
            TeamSpec::V1(r) => r.rotation,
            TeamSpec::V2(r) => r.rotation,
        }
    }

    /// The participating departments, in the task's order.
    pub fn participating_departments(&self) -> &[String] {
        match self {
            TeamSpec::V1(r) => &r.participating_departments,
            TeamSpec::V2(r) => &r.participating_departments,
        }
    }

    /// The jurisdiction rule.
    pub fn jurisdiction(&self) -> JurisdictionPolicy {
        match self {
            TeamSpec::V1(r) => r.jurisdiction,
            TeamSpec::V2(r) => r.jurisdiction,
        }
    }

    /// Every expertise tag the team must hold, sorted, each once.
    pub fn required_expertise(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = match self {
            TeamSpec::V1(r) => r.required_expertise.iter().map(String::as_str).collect(),
            TeamSpec::V2(r) => r.required_expertise().into_iter().collect(),
        };
        tags.sort_unstable();
        tags.dedup();
        tags
    }
}

/// The task as committed: what is checked, from which pool, the ratios and
/// the effective team rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskRecord {
    /// Task id.
    pub id: String,
    /// Task name.
    pub name: String,
    /// Check-item ids.
    pub items: Vec<String>,
    /// Sampling ratios in basis points (1 bp = 0.01%), not decreasing from A to D.
    pub ratios_bp: PerClass<u32>,
    /// The at-least-3 top-up policy (version 1: [`TopUp::AnyClass`]).
    pub top_up: TopUp,
    /// The scope that derives the pool from the master register; `None` in
    /// version 1, where the pool is the register committed.
    pub scope: Option<Scope>,
    /// Earlier draws of this chain whose drawn entities are left out of the pool.
    pub exclude_drawn: Vec<RecordId>,
    /// Team rules, with the expertise required by the task's key items merged in.
    pub team: TeamSpec,
    /// Inspection date used for certificate validity; always set in version 2,
    /// `None` in version 1 means the draw's date.
    #[serde(with = "crate::calendar::date::opt_date_text")]
    pub inspection_date: Option<Date>,
    /// Most supplementary draws (补充抽取) a draw of this commitment may
    /// have; `None` in version 1, whose draws take no after-draw record.
    pub max_supplements: Option<u32>,
}

/// Every register root the commitment binds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegisterRoots {
    /// The pool the draw samples (检查对象名录库, after the task's scope).
    pub entities: EntityRootRecord,
    /// The master entity register the pool is derived from (version 2);
    /// `None` in version 1.
    pub master: Option<RootRecord>,
    /// The inspector register (执法检查人员名录库).
    pub inspectors: RootRecord,
    /// The declared conflicts (回避), salted leaves; the list itself stays unpublished.
    pub conflicts: RootRecord,
    /// The check-item list, when one was given.
    pub items: Option<RootRecord>,
}

/// A commitment: the inputs of a draw, fixed and signed before the randomness exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitmentPayload {
    /// The format version it is written in.
    #[serde(skip)]
    pub format: FormatVersion,
    /// Chain link.
    pub chain: ChainLink,
    /// The task.
    pub task: TaskRecord,
    /// The registers.
    pub registers: RegisterRoots,
    /// The randomness plan.
    pub randomness: RandomnessPlan,
    /// The earlier draw whose teams the rotation rule avoids, if the task rotates.
    pub history: Option<RecordId>,
}

impl CommitmentPayload {
    /// The committed entity class sizes A..D (the pools the draw samples).
    pub fn pools(&self) -> [u64; 4] {
        self.registers.entities.class_sizes.to_array().map(|c| c.0)
    }

    /// The draw algorithm a draw of this commitment must use.
    pub fn draw_algorithm(&self) -> &'static str {
        match self.format {
            FormatVersion::V1 => v1::DRAW_ALGORITHM,
            FormatVersion::V2 => DRAW_ALGORITHM,
        }
    }
}

impl TaskRecord {
    /// The committed ratios as basis points; a value above 10000 is the
    /// first class's error.
    pub fn ratios(&self) -> Result<Ratios, TaskError> {
        let mut bp = [BasisPoints::ZERO; 4];
        for class in CreditClass::ALL {
            bp[class.index()] = BasisPoints::new(*self.ratios_bp.get(class))
                .map_err(|error| TaskError::Ratio { class, error })?;
        }
        Ok(Ratios(bp))
    }
}

/// One drawn entity: its rank in its class and its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawnEntity {
    /// Rank within the class, as the sampler drew it.
    pub rank: Count,
    /// The entity at that rank of the committed pool.
    pub uscc: Uscc,
}

/// A draw: the outcome of one commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DrawPayload {
    /// The format version it is written in.
    #[serde(skip)]
    pub format: FormatVersion,
    /// Chain link.
    pub chain: ChainLink,
    /// Record id of the commitment drawn.
    pub commitment: RecordId,
    /// The randomness used.
    pub randomness: RandomnessValue,
    /// `derive_seed(commitment, randomness.value)`.
    #[serde(with = "crate::hex::hash")]
    pub seed: Hash,
    /// Algorithm id ([`DRAW_ALGORITHM`] in version 2).
    pub algorithm: String,
    /// Version of the software that made the draw (informative).
    pub library_version: String,
    /// Version 2: whether the office saw the commitment witnessed before the
    /// randomness time; `None` in version 1.
    pub witnessing: Option<Witnessing>,
    /// Version 1: the date certificates were checked on, stated by the draw;
    /// `None` in version 2, where the commitment fixes it.
    #[serde(with = "crate::calendar::date::opt_date_text")]
    pub inspection_date: Option<Date>,
    /// Drawn entities per class, in draw order.
    pub drawn: PerClass<Vec<DrawnEntity>>,
    /// Teams, one per drawn entity, in draw order (class A first, then B, C, D).
    pub teams: Vec<Team>,
}

impl DrawPayload {
    /// Drawn entities in draw order across classes (A first, then B, C, D).
    pub fn drawn_in_order(&self) -> impl Iterator<Item = (CreditClass, &DrawnEntity)> {
        CreditClass::ALL
            .into_iter()
            .flat_map(move |c| self.drawn.get(c).iter().map(move |d| (c, d)))
    }

    /// Number of drawn entities.
    pub fn drawn_count(&self) -> usize {
        self.drawn.to_array().iter().map(|v| v.len()).sum()
    }
}

/// A cancellation: a commitment that will never be drawn, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CancellationPayload {
    /// The format version it is written in.
    #[serde(skip)]
    pub format: FormatVersion,
    /// Chain link.
    pub chain: ChainLink,
    /// Record id of the commitment cancelled.
    pub commitment: RecordId,
    /// Why.
    pub reason: String,
}

/// A decoded, signature-checked record.
// Records are held one per chain line, never in bulk arrays: the size of the
// commitment variant costs nothing worth boxing it (and breaking matches) for.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// A commitment.
    Commitment(CommitmentPayload),
    /// A draw.
    Draw(DrawPayload),
    /// A cancellation.
    Cancellation(CancellationPayload),
    /// An inspector replacement after a draw (version 2 only).
    Replacement(ReplacementPayload),
    /// A supplementary draw after a draw (version 2 only).
    Supplement(SupplementPayload),
}

impl Record {
    /// The chain link.
    pub fn chain(&self) -> &ChainLink {
        match self {
            Record::Commitment(p) => &p.chain,
            Record::Draw(p) => &p.chain,
            Record::Cancellation(p) => &p.chain,
            Record::Replacement(p) => &p.chain,
            Record::Supplement(p) => &p.chain,
        }
    }

    /// `commitment`, `draw`, `cancellation`, `replacement` or `supplement`.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Commitment(_) => "commitment",
            Record::Draw(_) => "draw",
            Record::Cancellation(_) => "cancellation",
            Record::Replacement(_) => "replacement",
            Record::Supplement(_) => "supplement",
        }
    }

    /// The draw an after-draw record (replacement, supplement) amends.
    pub fn amends_draw(&self) -> Option<&RecordId> {
        match self {
            Record::Replacement(p) => Some(&p.draw),
            Record::Supplement(p) => Some(&p.draw),
            _ => None,
        }
    }

    /// The format version the record is written in.
    pub fn format(&self) -> FormatVersion {
        match self {
            Record::Commitment(p) => p.format,
            Record::Draw(p) => p.format,
            Record::Cancellation(p) => p.format,
            Record::Replacement(_) | Record::Supplement(_) => FormatVersion::V2,
        }
    }

    /// The payload type this record is signed under.
    pub fn payload_type(&self) -> &'static str {
        match (self.format(), self) {
            (FormatVersion::V1, Record::Commitment(_)) => v1::COMMITMENT_TYPE,
            (FormatVersion::V1, Record::Draw(_)) => v1::DRAW_TYPE,
            (FormatVersion::V1, Record::Cancellation(_)) => v1::CANCELLATION_TYPE,
            (FormatVersion::V2, Record::Commitment(_)) => COMMITMENT_TYPE,
            (FormatVersion::V2, Record::Draw(_)) => DRAW_TYPE,
            (FormatVersion::V2, Record::Cancellation(_)) => CANCELLATION_TYPE,
            (_, Record::Replacement(_)) => REPLACEMENT_TYPE,
            (_, Record::Supplement(_)) => SUPPLEMENT_TYPE,
        }
    }

    /// The exact payload bytes: compact JSON of the record's format version,
    /// members in the order the format gives. A record that its version
    /// cannot express (version-2 team rules in a version-1 commitment) gives
    /// an error.
    pub fn to_payload(&self) -> Result<Vec<u8>, RecordError> {
        match self.format() {
            FormatVersion::V1 => v1::encode(self),
            FormatVersion::V2 => v2::encode(self),
        }
    }

    /// Signs the record into an envelope.
    pub fn sign(&self, key: &IssuerKey) -> Result<Envelope, RecordError> {
        Ok(sign(self.payload_type(), &self.to_payload()?, key))
    }

    /// Verifies an envelope's signature under `key` and decodes its payload strictly.
    pub fn open(envelope: &Envelope, key: &IssuerPublicKey) -> Result<Record, RecordError> {
        open_signed(envelope, key, RECEIPT_TYPES, Record::decode, Record::chain)
    }

    /// Decodes a payload of a known type strictly (no signature check).
    pub fn decode(payload_type: &str, payload: &[u8]) -> Result<Record, RecordError> {
        match payload_type {
            v1::COMMITMENT_TYPE | v1::DRAW_TYPE | v1::CANCELLATION_TYPE => {
                v1::decode(payload_type, payload)
            }
            COMMITMENT_TYPE | DRAW_TYPE | CANCELLATION_TYPE | REPLACEMENT_TYPE
            | SUPPLEMENT_TYPE => v2::decode(payload_type, payload),
            other => Err(RecordError::UnknownPayloadType {
                payload_type: other.to_owned(),
            }),
        }
    }
}

/// Every payload type of the receipt chain, both versions.
pub const RECEIPT_TYPES: &[&str] = &[
    v1::COMMITMENT_TYPE,
    v1::DRAW_TYPE,
    v1::CANCELLATION_TYPE,
    COMMITMENT_TYPE,
    DRAW_TYPE,
    CANCELLATION_TYPE,
    REPLACEMENT_TYPE,
    SUPPLEMENT_TYPE,
];

/// Opens a signed record of one of `types`: the payload type is known, the
/// signature verifies under `key`, the payload decodes strictly, and its
/// chain link names `key`'s id and issuer. Receipt and ledger records share it.
pub(crate) fn open_signed<R>(
    envelope: &Envelope,
    key: &IssuerPublicKey,
    types: &[&str],
    decode: impl FnOnce(&str, &[u8]) -> Result<R, RecordError>,
    chain: impl FnOnce(&R) -> &ChainLink,
) -> Result<R, RecordError> {
    let ty = envelope.payload_type();
    if !types.contains(&ty) {
        return Err(RecordError::UnknownPayloadType {
            payload_type: ty.to_owned(),
        });
    }
    let payload = verify(envelope, ty, key)?;
    let record = decode(ty, payload)?;
    let link = chain(&record);
    if link.key_id != key.key_id() {
        return Err(RecordError::KeyIdMismatch {
            stated: link.key_id.clone(),
            actual: key.key_id().to_owned(),
        });
    }
    if link.issuer != key.issuer() {
        return Err(RecordError::IssuerMismatch {
            stated: link.issuer.clone(),
            actual: key.issuer().to_owned(),
        });
    }
    Ok(record)
}

/// A payload that does not follow its schema, located in the payload.
pub(crate) fn payload_error(payload_type: &str, e: serde_json::Error) -> RecordError {
    RecordError::Payload {
        payload_type: payload_type.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Why an envelope is not a valid record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The payload type is none of this format's.
    #[error("unknown payload type {payload_type:?}")]
    UnknownPayloadType {
        /// The type found.
        payload_type: String,
    },
    /// The signature does not verify.
    #[error(transparent)]
    Signature(#[from] EnvelopeError),
    /// The payload is not valid JSON of the schema.
    #[error(
        "payload of {payload_type} does not follow the schema at line {line}, column {column}: {message}"
    )]
    Payload {
        /// The payload type.
        payload_type: String,
        /// Line in the payload.
        line: usize,
        /// Column in the payload.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The payload names another key than the one that signed it.
    #[error("record states key id {stated}, but was verified with key {actual}")]
    KeyIdMismatch {
        /// Key id in the payload.
        stated: String,
        /// Key id of the verifying key.
        actual: String,
    },
    /// The payload names another issuer than the key's.
    #[error("record states issuer {stated:?}, the key belongs to {actual:?}")]
    IssuerMismatch {
        /// Issuer in the payload.
        stated: String,
        /// Issuer of the key.
        actual: String,
    },
    /// A record its format version cannot express (only made by code, never read).
    #[error("the record cannot be written in format {format}: {reason}")]
    NotExpressible {
        /// The format version asked for.
        format: FormatVersion,
        /// What does not fit.
        reason: &'static str,
    },
}

impl RecordError {
    /// A stable short name for reports and test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordError::UnknownPayloadType { .. } => "unknown-payload-type",
            RecordError::Signature(e) => e.kind(),
            RecordError::Payload { .. } => "bad-payload",
            RecordError::KeyIdMismatch { .. } => "key-id-mismatch",
            RecordError::IssuerMismatch { .. } => "issuer-mismatch",
            RecordError::NotExpressible { .. } => "not-expressible",
        }
    }

    /// The error in Chinese, for the verifier's findings (the schema
    /// parser's own message and a format's reason stay in English).
    pub(crate) fn message_zh(&self) -> String {
        match self {
            RecordError::UnknownPayloadType { payload_type } => {
                format!("未知的载荷类型 {payload_type:?}")
            }
            RecordError::Signature(e) => e.message_zh(),
            RecordError::Payload {
                payload_type,
                line,
                column,
                message,
            } => format!(
                "{payload_type} 的载荷在第 {line} 行第 {column} 列处不符合格式规范：{message}"
            ),
            RecordError::KeyIdMismatch { stated, actual } => {
                format!("记录声明的密钥编号为 {stated}，但核验所用公钥的密钥编号为 {actual}")
            }
            RecordError::IssuerMismatch { stated, actual } => {
                format!("记录声明的发布机关为 {stated:?}，但该公钥属于 {actual:?}")
            }
            RecordError::NotExpressible { format, reason } => {
                format!("该记录无法用格式 {format:?} 写出：{reason}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_canonical() {
        let t = Timestamp::parse("2024-06-01T08:30:05Z").unwrap();
        assert_eq!(t.to_string(), "2024-06-01T08:30:05Z");
        assert_eq!(t.unix(), 1_717_230_605);
        for bad in [
            "2024-06-01T08:30:05+00:00",
            "2024-06-01 08:30:05Z",
            "2024-06-01T08:30:05.0Z",
            "2024-6-01T08:30:05Z",
            "2024-06-01T24:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-06-01T08:30:5Z ",
            "",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
        assert!(Timestamp::from_unix(-1).is_none());
        assert!(Timestamp::from_unix(i64::MAX).is_none());
    }

    #[test]
    fn randomness_plans_round_trip_and_refuse_unknown_members() {
        let plans = [
            RandomnessPlan::Drand {
                chain_hash: [7; 32],
                round: Count(12_345_678),
            },
            RandomnessPlan::Ceremony {
                procedure: "two ten-sided dice, 6 rolls".into(),
                scheduled_at: Timestamp::parse("2024-06-03T02:00:00Z").unwrap(),
                witnesses: vec!["纪检组".into()],
            },
            RandomnessPlan::Local {},
        ];
        for p in plans {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(serde_json::from_str::<RandomnessPlan>(&json).unwrap(), p);
        }
        assert_eq!(
            serde_json::to_string(&RandomnessPlan::Local {}).unwrap(),
            r#"{"source":"local"}"#
        );
        assert!(serde_json::from_str::<RandomnessPlan>(r#"{"source":"local","x":1}"#).is_err());
        assert!(serde_json::from_str::<RandomnessPlan>(r#"{"source":"oracle"}"#).is_err());
    }

    #[test]
    fn duplicate_and_unknown_members_are_refused() {
        let link = r#"{"issuer":"x","key_id":"k","sequence":"0","previous":null,"created_at":"2024-06-01T00:00:00Z"}"#;
        assert!(serde_json::from_str::<ChainLink>(link).is_ok());
        let dup = r#"{"issuer":"x","issuer":"y","key_id":"k","sequence":"0","previous":null,"created_at":"2024-06-01T00:00:00Z"}"#;
        assert!(serde_json::from_str::<ChainLink>(dup).is_err());
        let extra = r#"{"issuer":"x","key_id":"k","sequence":"0","previous":null,"created_at":"2024-06-01T00:00:00Z","z":0}"#;
        assert!(serde_json::from_str::<ChainLink>(extra).is_err());
        let number = r#"{"issuer":"x","key_id":"k","sequence":0,"previous":null,"created_at":"2024-06-01T00:00:00Z"}"#;
        assert!(serde_json::from_str::<ChainLink>(number).is_err());
        let per = r#"{"A":1,"B":2,"C":3,"D":4,"A":5}"#;
        assert!(serde_json::from_str::<PerClass<u32>>(per).is_err());
    }
}
