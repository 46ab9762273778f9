//! Entity proof bundles: what one inspected (or not inspected) company needs
//! to check, alone, that it was in the committed pool, in which class and
//! rank, and whether the draw picked it.

use serde::{Deserialize, Serialize};

use crate::checks::{DrawError, sample_counts};
use crate::checks::{Finding, FindingSeverity, commitment_findings, draw_findings};
use crate::commitment::{EntityCommitment, EntityProof, ProofError};
use crate::records::RecordId;
use crate::records::envelope::{Envelope, EnvelopeDecodeError};
use crate::records::keys::IssuerPublicKey;
use crate::records::{CommitmentPayload, FormatVersion, Record, RecordError};
use crate::registers::credit::CreditClass;
use crate::sampling::draw_ranks;

/// Format id of proof bundles for a commitment of format version 1.
pub const PROOF_BUNDLE_FORMAT: &str = "double-random/entity-proof/v1";

/// Format id of proof bundles for a commitment of format version 2: the
/// proven entity also carries `status` and `target_types`, which the
/// version-2 leaf commits.
pub const PROOF_BUNDLE_FORMAT_V2: &str = "double-random/entity-proof/v2";

/// The format id of a bundle proving an entity of a commitment of `version`.
pub fn proof_bundle_format(version: FormatVersion) -> &'static str {
    match version {
        FormatVersion::V1 => PROOF_BUNDLE_FORMAT,
        _ => PROOF_BUNDLE_FORMAT_V2,
    }
}

/// A self-contained proof for one entity: the signed commitment, the signed
/// draw (if the commitment was drawn), and the entity's inclusion proof.
/// Envelopes are carried as their exact JSON text, as on the chain's lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBundle {
    /// [`PROOF_BUNDLE_FORMAT`] or [`PROOF_BUNDLE_FORMAT_V2`], as the
    /// commitment's format version requires ([`proof_bundle_format`]).
    pub format: String,
    /// The commitment envelope (JSON text).
    pub commitment: String,
    /// The draw envelope (JSON text), or `null` before the draw.
    pub draw: Option<String>,
    /// The entity's inclusion proof against the committed entity root.
    pub proof: EntityProof,
}

/// What a bundle proves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProofVerdict {
    /// The commitment's record id (hex).
    pub commitment: String,
    /// The commitment's sequence number and time on the issuer's chain: look
    /// them up on the published chain (a bundle cannot show the chain rules:
    /// no second draw, no cancellation, no abandoned attempt).
    pub commitment_at: (u64, crate::calendar::Timestamp),
    /// The task id.
    pub task: String,
    /// The entity's USCC.
    pub uscc: String,
    /// Its class.
    pub class: CreditClass,
    /// Its rank in the class.
    pub rank: u64,
    /// Size of its class in the committed pool.
    pub class_size: u64,
    /// The draw's record id (hex), if a draw is in the bundle.
    pub draw: Option<String>,
    /// The draw's sequence number and time on the issuer's chain.
    pub draw_at: Option<(u64, crate::calendar::Timestamp)>,
    /// Whether the draw picked it, and at which position of its class's draw order (0-based).
    pub drawn_at: Option<u64>,
    /// Warnings and notes of the record checks (local randomness, a beacon
    /// signature not checked, ...): none of them is a failure.
    pub findings: Vec<Finding>,
}

impl ProofBundle {
    /// Who witnessed the bundle's commitment before its randomness existed:
    /// the trusted witnesses of `cosignatures` (a cosignature file,
    /// docs/spec/witness.md) that cosigned the commitment's own head (or the
    /// draw's, which extends it), dated before the randomness time. A bundle
    /// holds no other record of the chain, so a cosignature of a later head
    /// cannot be tied to the commitment and is not counted. Empty for local
    /// randomness, which has no time to be witnessed before.
    pub fn witnesses(
        &self,
        key: &IssuerPublicKey,
        cosignatures: &[u8],
        trusted: &[IssuerPublicKey],
    ) -> Result<Vec<crate::verify::WitnessEvidence>, BundleError> {
        use crate::witness::{FileLimits, LogId, LogKind, WitnessIndex, read_cosignature_file};
        let (cid, record) = open("commitment", &self.commitment, key)?;
        let Record::Commitment(c) = record else {
            return Err(BundleError::Kind {
                which: "commitment",
                found: record.kind(),
            });
        };
        let Some(t) = c.randomness.available_at() else {
            return Ok(Vec::new());
        };
        let mut heads = vec![(c.chain.sequence, cid)];
        if let Some(d) = &self.draw {
            let (did, record) = open("draw", d, key)?;
            heads.push((record.chain().sequence, did));
        }
        let file = read_cosignature_file(cosignatures, &FileLimits::default());
        let index = WitnessIndex::build(
            &file,
            &LogId::of(key, LogKind::Receipts),
            trusted,
            &heads,
            None,
        );
        Ok(index
            .witnessed(c.chain.sequence, t)
            .into_iter()
            .map(|w| crate::verify::WitnessEvidence {
                name: w.witness.name,
                key_id: w.witness.key_id,
                sequence: w.head.sequence,
                time: w.time,
            })
            .collect())
    }
}

/// Why a bundle does not prove what it claims.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The format id is not a known one.
    #[error("unknown proof bundle format {0:?}")]
    Format(String),
    /// The format id is not the one for the commitment's format version.
    #[error("a bundle for a commitment of format {version} has format {expected:?}, not {found:?}")]
    FormatForVersion {
        /// The bundle's format id.
        found: String,
        /// The id the commitment's version requires.
        expected: &'static str,
        /// The commitment's format version.
        version: FormatVersion,
    },
    /// An envelope cannot be decoded.
    #[error("{which} envelope: {error}")]
    Envelope {
        /// `commitment` or `draw`.
        which: &'static str,
        /// The decoding error.
        error: EnvelopeDecodeError,
    },
    /// A record does not verify.
    #[error("{which} record: {error}")]
    Record {
        /// `commitment` or `draw`.
        which: &'static str,
        /// The record error.
        error: RecordError,
    },
    /// A record is of the wrong kind.
    #[error("the {which} envelope holds a {found} record")]
    Kind {
        /// `commitment` or `draw`.
        which: &'static str,
        /// What it holds.
        found: &'static str,
    },
    /// The draw is for another commitment.
    #[error("the draw is for commitment {named}, the bundle's commitment is {actual}")]
    DrawForOtherCommitment {
        /// Commitment the draw names.
        named: String,
        /// The bundle's commitment.
        actual: String,
    },
    /// The inclusion proof fails.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The draw cannot be replayed.
    #[error(transparent)]
    Replay(#[from] DrawError),
    /// A record fails a check of the chain verifier (`docs/FORMAT.md` §7)
    /// that needs no other record: randomness, beacon, timing, seed, sizes.
    #[error("{which} record fails check {check}: {message}")]
    Check {
        /// `commitment` or `draw`.
        which: &'static str,
        /// The check's stable name.
        check: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The draw's ranks for the entity's class are not the ones its seed gives.
    #[error(
        "the draw's ranks for class {class} are not the ones the commitment and randomness give"
    )]
    Ranks {
        /// The class.
        class: CreditClass,
    },
    /// The draw names another entity at the entity's rank.
    #[error("the draw lists {listed} at this rank, the proof is for {proved}")]
    Listed {
        /// Code the draw lists.
        listed: String,
        /// Code the proof is for.
        proved: String,
    },
}

fn open(
    which: &'static str,
    text: &str,
    key: &IssuerPublicKey,
) -> Result<(RecordId, Record), BundleError> {
    let env = Envelope::from_json(text.as_bytes())
        .map_err(|error| BundleError::Envelope { which, error })?;
    let record = Record::open(&env, key).map_err(|error| BundleError::Record { which, error })?;
    Ok((env.record_id(), record))
}

/// The entity commitment a commitment record states.
pub fn entity_commitment(c: &CommitmentPayload) -> EntityCommitment {
    EntityCommitment {
        root: c.registers.entities.root,
        class_sizes: c.registers.entities.class_sizes.to_array().map(|n| n.0),
    }
}

/// Fails on the first error finding; keeps the others.
fn keep_or_fail(
    which: &'static str,
    found: Vec<Finding>,
    kept: &mut Vec<Finding>,
) -> Result<(), BundleError> {
    for f in found {
        if f.severity == FindingSeverity::Error {
            return Err(BundleError::Check {
                which,
                check: f.check,
                message: f.message,
            });
        }
        kept.push(f);
    }
    Ok(())
}

impl ProofBundle {
    /// Checks the bundle under the issuer's key: both records' signatures;
    /// the commitment's own checks ([`commitment_findings`]); the inclusion
    /// proof against the committed root and class sizes; and, when a draw is
    /// present, that it belongs to the commitment, passes the draw's own
    /// checks ([`draw_findings`]: algorithm, randomness against the plan,
    /// beacon signature, timing, seed, inspection date), lists for the
    /// entity's class the ranks the seed gives, and whether the entity's rank
    /// is among them.
    pub fn verify(&self, key: &IssuerPublicKey) -> Result<ProofVerdict, BundleError> {
        if self.format != PROOF_BUNDLE_FORMAT && self.format != PROOF_BUNDLE_FORMAT_V2 {
            return Err(BundleError::Format(self.format.clone()));
        }
        let (cid, record) = open("commitment", &self.commitment, key)?;
        let Record::Commitment(c) = record else {
            return Err(BundleError::Kind {
                which: "commitment",
                found: record.kind(),
            });
        };
        let expected = proof_bundle_format(c.format);
        if self.format != expected {
            return Err(BundleError::FormatForVersion {
                found: self.format.clone(),
                expected,
                version: c.format,
            });
        }
        let mut findings = Vec::new();
        keep_or_fail("commitment", commitment_findings(&c), &mut findings)?;
        let ec = entity_commitment(&c);
        self.proof.verify(&ec, c.format)?;
        let class = self.proof.entity.credit_class;
        let mut verdict = ProofVerdict {
            commitment: cid.to_string(),
            commitment_at: (c.chain.sequence, c.chain.created_at),
            task: c.task.id.clone(),
            uscc: self.proof.entity.uscc.to_string(),
            class,
            rank: self.proof.rank,
            class_size: ec.class_sizes[class.index()],
            draw: None,
            draw_at: None,
            drawn_at: None,
            findings,
        };
        let Some(draw_text) = &self.draw else {
            return Ok(verdict);
        };
        let (did, record) = open("draw", draw_text, key)?;
        let Record::Draw(d) = record else {
            return Err(BundleError::Kind {
                which: "draw",
                found: record.kind(),
            });
        };
        if d.commitment != cid {
            return Err(BundleError::DrawForOtherCommitment {
                named: d.commitment.to_string(),
                actual: verdict.commitment,
            });
        }
        keep_or_fail("draw", draw_findings(&c, &cid, &d), &mut verdict.findings)?;
        // Only the entity's class is replayed, and only once the draw lists
        // as many as the commitment gives: the sampler's work stays bounded
        // by the draw record's length.
        let listed = d.drawn.get(class);
        let count = sample_counts(&c)?[class.index()];
        if listed.len() as u64 != count {
            return Err(BundleError::Ranks { class });
        }
        let expected = draw_ranks(&d.seed, class.index() as u8, verdict.class_size, count)
            .map_err(DrawError::from)?;
        if listed.iter().zip(&expected).any(|(l, e)| l.rank.0 != *e) {
            return Err(BundleError::Ranks { class });
        }
        verdict.draw = Some(did.to_string());
        verdict.draw_at = Some((d.chain.sequence, d.chain.created_at));
        if let Some(pos) = expected.iter().position(|&x| x == self.proof.rank) {
            let listed_code = listed[pos].uscc;
            if listed_code != self.proof.entity.uscc {
                return Err(BundleError::Listed {
                    listed: listed_code.to_string(),
                    proved: verdict.uscc,
                });
            }
            verdict.drawn_at = Some(pos as u64);
        }
        Ok(verdict)
    }
}
