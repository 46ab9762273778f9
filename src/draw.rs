//! Making commitments and draws: the office's side of a draw.
//!
//! [`build_commitment`] fixes the task and the register roots before any
//! randomness exists; [`perform_draw`] takes the public randomness, derives the
//! seed, draws the entities of each class and assigns their teams. Both are
//! pure: the caller supplies time, registers and randomness, and signs the
//! payload with [`crate::Record::sign`].

use sha2::{Digest, Sha256};
use time::Date;

use crate::assign::{AssignError, History, Team, TeamRules, assign_teams};
use crate::commit::{
    CommitError, commit_conflicts, commit_entities, commit_inspectors, commit_items,
};
use crate::credit::CreditClass;
use crate::merkle::Hash;
use crate::record::{
    ChainLink, CommitmentPayload, Count, DRAW_ALGORITHM, DrawPayload, DrawnEntity,
    EntityRootRecord, PerClass, RandomnessPlan, RandomnessValue, RegisterRoots, RootRecord,
    TaskRecord,
};
use crate::register::{CheckItemList, ConflictRegister, Entity, EntityRegister, InspectorRegister};
use crate::sample::{SampleError, SizeError, derive_seed, draw_all, sample_sizes};
use crate::task::{Task, TaskError};
use crate::verify::{Finding, FindingSeverity, commitment_findings, draw_findings};

/// The registers a draw is made from.
#[derive(Clone, Copy, Debug)]
pub struct Registers<'a> {
    /// The entity register.
    pub entities: &'a EntityRegister,
    /// The inspector register.
    pub inspectors: &'a InspectorRegister,
    /// The declared conflicts.
    pub conflicts: &'a ConflictRegister,
    /// The salt of the conflict leaves (kept with the conflict list, not published).
    pub conflict_salt: &'a [u8],
    /// The check-item list, if any.
    pub items: Option<&'a CheckItemList>,
}

/// Computes the roots of every register.
pub fn register_roots(r: &Registers<'_>) -> Result<RegisterRoots, CommitError> {
    let e = commit_entities(r.entities)?;
    let root = |x: crate::commit::RegisterRoot| RootRecord {
        root: x.root,
        size: Count(x.size),
    };
    Ok(RegisterRoots {
        entities: EntityRootRecord {
            root: e.root,
            // A register in memory holds fewer than 2^64 entities.
            size: Count(e.class_sizes.iter().sum()),
            class_sizes: PerClass::from_array(e.class_sizes.map(Count)),
        },
        inspectors: root(commit_inspectors(r.inspectors)?),
        conflicts: root(commit_conflicts(r.conflicts, r.conflict_salt)?),
        items: r.items.map(commit_items).transpose()?.map(root),
    })
}

/// Why a commitment or draw cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawError {
    /// The task breaks a rule.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// A register could not be committed.
    #[error(transparent)]
    Commit(#[from] CommitError),
    /// Sample sizes cannot be computed.
    #[error(transparent)]
    Size(#[from] SizeError),
    /// The sampler refused its input.
    #[error(transparent)]
    Sample(#[from] SampleError),
    /// Team assignment failed.
    #[error(transparent)]
    Assign(#[from] AssignError),
    /// A register given for the draw is not the one committed.
    #[error(
        "the {register} register differs from the committed one (committed root {committed}, this file {actual}); draw with the registers that were committed, or cancel and commit again"
    )]
    RegisterMismatch {
        /// Which register.
        register: &'static str,
        /// Committed root (hex).
        committed: String,
        /// Root of the register given (hex).
        actual: String,
    },
    /// The randomness does not fit the committed plan.
    #[error("randomness does not fit the committed plan: {reason}")]
    Randomness {
        /// What is wrong.
        reason: String,
    },
    /// The record would fail one of the verifier's record checks
    /// ([`crate::commitment_findings`], [`crate::draw_findings`]): an office
    /// never signs a record an auditor must reject.
    #[error("refused: the record would fail the verifier's check {check}: {message}")]
    Refused {
        /// The check's stable name (`docs/FORMAT.md` §7).
        check: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The task names check items but no item list was given.
    #[error("the task names check items; give the check-item list so their expertise rules apply")]
    ItemsMissing,
}

/// What a commitment needs.
#[derive(Clone, Debug)]
pub struct CommitRequest<'a> {
    /// The chain link (sequence, previous record, time).
    pub chain: ChainLink,
    /// The task.
    pub task: &'a Task,
    /// The registers.
    pub registers: Registers<'a>,
    /// Where the randomness will come from.
    pub randomness: RandomnessPlan,
    /// The earlier draw whose teams a rotating task avoids.
    pub history: Option<Hash>,
}

/// Builds a commitment payload: the task with its effective team rules, and
/// every register root. Refuses rules that no draw could satisfy, so an
/// office cannot commit to a task that will have to be cancelled, and a
/// randomness plan the verifier rejects (a drand round or ceremony not
/// after the commitment's time, an unknown drand network).
pub fn build_commitment(req: &CommitRequest<'_>) -> Result<CommitmentPayload, DrawError> {
    let task = req.task;
    let team = match req.registers.items {
        Some(items) => task.team_rules_with(items)?,
        None if task.items.is_empty() => task.team.clone(),
        None => return Err(DrawError::ItemsMissing),
    };
    // Rule checks that do not depend on the seed.
    let probe = History::new();
    assign_teams(
        &[0; 32],
        &[],
        req.registers.inspectors,
        req.registers.conflicts,
        &team,
        task.inspection_date.unwrap_or(req.chain.created_at.date()),
        Some(&probe),
    )?;
    let payload = CommitmentPayload {
        chain: req.chain.clone(),
        task: TaskRecord {
            id: task.id.clone(),
            name: task.name.clone(),
            items: task.items.clone(),
            ratios_bp: PerClass::from_array(task.ratios.0.map(|r| r.get())),
            team,
            inspection_date: task.inspection_date,
        },
        registers: register_roots(&req.registers)?,
        randomness: req.randomness.clone(),
        history: req.history,
    };
    refuse_errors(commitment_findings(&payload))?;
    Ok(payload)
}

/// The first error among a record's own findings, as [`DrawError::Refused`].
fn refuse_errors(findings: Vec<Finding>) -> Result<(), DrawError> {
    match findings
        .into_iter()
        .find(|f| f.severity == FindingSeverity::Error)
    {
        Some(f) => Err(DrawError::Refused {
            check: f.check,
            message: f.message,
        }),
        None => Ok(()),
    }
}

/// Checks that a randomness value fits the committed plan: a drand round's
/// value is 32 bytes and, when its signature is given, the SHA-256 of it
/// (the drand randomness rule); other sources need a non-empty value.
pub fn check_randomness_shape(
    plan: &RandomnessPlan,
    value: &RandomnessValue,
) -> Result<(), DrawError> {
    let fail = |reason: &str| {
        Err(DrawError::Randomness {
            reason: reason.to_owned(),
        })
    };
    match plan {
        RandomnessPlan::Drand { .. } => {
            if value.value.len() != 32 {
                return fail("a drand round's randomness is 32 bytes");
            }
            if let Some(sig) = &value.beacon_signature
                && Sha256::digest(sig).as_slice() != value.value.as_slice()
            {
                return fail("the value is not the SHA-256 of the beacon signature");
            }
            Ok(())
        }
        _ if value.beacon_signature.is_some() => {
            fail("a beacon signature is given, but the plan is not a beacon")
        }
        _ if value.value.is_empty() => fail("the randomness value is empty"),
        _ => Ok(()),
    }
}

/// The inspection date a draw under this commitment uses.
pub fn inspection_date(commitment: &CommitmentPayload, drawn_at: Date) -> Date {
    commitment.task.inspection_date.unwrap_or(drawn_at)
}

/// The seed, sizes and ranks of a draw: everything that follows from the
/// commitment and the randomness alone (no register needed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// The seed.
    pub seed: Hash,
    /// Number drawn per class.
    pub sizes: [u64; 4],
    /// Ranks per class in draw order.
    pub ranks: [Vec<u64>; 4],
}

/// The number to draw per class: the committed class sizes and ratios
/// through [`sample_sizes`]. Cheap whatever the pool sizes, so a verifier
/// compares a draw's counts with these before it runs the sampler.
pub fn sample_counts(commitment: &CommitmentPayload) -> Result<[u64; 4], DrawError> {
    Ok(sample_sizes(
        commitment.pools(),
        commitment.task.ratios()?.0,
    )?)
}

/// Recomputes seed, sizes and ranks from a commitment and a randomness value.
///
/// The sampler's work grows with the sample sizes, which a commitment's
/// class sizes and ratios fix; a verifier of untrusted records checks the
/// stated counts against [`sample_counts`] first.
pub fn replay(
    commitment: &CommitmentPayload,
    commitment_id: &Hash,
    randomness: &[u8],
) -> Result<Replay, DrawError> {
    let seed = derive_seed(commitment_id, randomness);
    let sizes = sample_counts(commitment)?;
    let ranks = draw_all(&seed, commitment.pools(), sizes)?;
    Ok(Replay { seed, sizes, ranks })
}

fn hex(h: &Hash) -> String {
    crate::hex::encode(h)
}

/// Checks that registers are the committed ones.
pub fn check_registers(committed: &RegisterRoots, r: &Registers<'_>) -> Result<(), DrawError> {
    compare_roots(committed, &register_roots(r)?)
}

/// Checks registers' roots (from [`register_roots`]) against the committed ones.
pub fn compare_roots(committed: &RegisterRoots, actual: &RegisterRoots) -> Result<(), DrawError> {
    // Roots and sizes: a commitment stating the right root with a wrong
    // size is as wrong as a wrong root.
    let pairs = [
        (
            "entity",
            (committed.entities.root, committed.entities.size),
            (actual.entities.root, actual.entities.size),
        ),
        (
            "inspector",
            (committed.inspectors.root, committed.inspectors.size),
            (actual.inspectors.root, actual.inspectors.size),
        ),
        (
            "conflict",
            (committed.conflicts.root, committed.conflicts.size),
            (actual.conflicts.root, actual.conflicts.size),
        ),
    ];
    for (register, c, a) in pairs {
        if c.0 != a.0 {
            return Err(DrawError::RegisterMismatch {
                register,
                committed: hex(&c.0),
                actual: hex(&a.0),
            });
        }
        if c.1 != a.1 {
            return Err(DrawError::RegisterMismatch {
                register,
                committed: format!("{} stated with size {}", hex(&c.0), c.1.0),
                actual: format!("{} of size {}", hex(&a.0), a.1.0),
            });
        }
    }
    if committed.entities != actual.entities {
        return Err(DrawError::RegisterMismatch {
            register: "entity",
            committed: hex(&committed.entities.root),
            actual: hex(&actual.entities.root),
        });
    }
    // The check-item list is part of the commitment: one committed must be
    // given, and one not committed must not be.
    if committed.items != actual.items {
        let text = |r: Option<RootRecord>| r.map_or("(no list)".to_owned(), |r| hex(&r.root));
        return Err(DrawError::RegisterMismatch {
            register: "check-item",
            committed: text(committed.items),
            actual: text(actual.items),
        });
    }
    Ok(())
}

/// The drawn entities of a replay, looked up in the register, in draw order.
pub fn drawn_entities<'r>(
    replay: &Replay,
    entities: &'r EntityRegister,
) -> Vec<(CreditClass, u64, &'r Entity)> {
    let mut out = Vec::new();
    for c in CreditClass::ALL {
        let class = entities.class(c);
        for &rank in &replay.ranks[c.index()] {
            // Ranks are below the committed class size, which equals the register's.
            if let Some(e) = usize::try_from(rank).ok().and_then(|r| class.get(r)) {
                out.push((c, rank, e));
            }
        }
    }
    out
}

/// Assigns the teams of a draw.
pub fn teams_for(
    replay: &Replay,
    drawn: &[(CreditClass, u64, &Entity)],
    rules: &TeamRules,
    r: &Registers<'_>,
    date: Date,
    history: Option<&History>,
) -> Result<Vec<Team>, AssignError> {
    let entities: Vec<Entity> = drawn.iter().map(|(_, _, e)| (*e).clone()).collect();
    let empty = History::new();
    let history = history.or(Some(&empty));
    assign_teams(
        &replay.seed,
        &entities,
        r.inspectors,
        r.conflicts,
        rules,
        date,
        history,
    )
}

/// Makes a draw for a commitment: checks the registers against the
/// commitment and the randomness against the plan, derives the seed, draws
/// every class and assigns teams. Refuses ([`DrawError::Refused`]) a draw
/// the verifier would reject on its own record checks: dated before its
/// randomness existed, or with a beacon signature that does not verify.
#[allow(clippy::too_many_arguments)]
pub fn perform_draw(
    chain: ChainLink,
    commitment: &CommitmentPayload,
    commitment_id: &Hash,
    randomness: RandomnessValue,
    registers: &Registers<'_>,
    history: Option<&History>,
    library_version: &str,
) -> Result<DrawPayload, DrawError> {
    check_randomness_shape(&commitment.randomness, &randomness)?;
    check_registers(&commitment.registers, registers)?;
    let replay = replay(commitment, commitment_id, &randomness.value)?;
    let drawn = drawn_entities(&replay, registers.entities);
    let date = inspection_date(commitment, chain.created_at.date());
    let teams = teams_for(
        &replay,
        &drawn,
        &commitment.task.team,
        registers,
        date,
        history,
    )?;
    let mut per: [Vec<DrawnEntity>; 4] = Default::default();
    for (c, rank, e) in &drawn {
        per[c.index()].push(DrawnEntity {
            rank: Count(*rank),
            uscc: e.uscc,
        });
    }
    let payload = DrawPayload {
        chain,
        commitment: *commitment_id,
        randomness,
        seed: replay.seed,
        algorithm: DRAW_ALGORITHM.to_owned(),
        library_version: library_version.to_owned(),
        inspection_date: date,
        drawn: PerClass::from_array(per),
        teams,
    };
    // Timing and the beacon signature: checked as the auditor will.
    refuse_errors(draw_findings(commitment, commitment_id, &payload))?;
    Ok(payload)
}
