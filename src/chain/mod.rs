//! Making commitments and draws: the office's side of a draw.
//!
//! [`build_commitment`] fixes the task and the register roots before any
//! randomness exists; [`perform_draw`] takes the public randomness, derives the
//! seed, draws the entities of each class and assigns their teams. Both are
//! pure: the caller supplies time, registers and randomness, and signs the
//! payload with [`crate::records::Record::sign`].

use crate::assignment::{History, v1::assign_teams};
use crate::checks::{
    DrawError, Finding, FindingSeverity, check_randomness_shape, check_registers,
    commitment_findings, draw_findings, drawn_entities, inspection_date, register_roots, replay,
    teams_for,
};
use crate::records::RecordId;
use crate::records::{
    ChainLink, CommitmentPayload, Count, DRAW_ALGORITHM, DrawPayload, DrawnEntity, PerClass,
    RandomnessPlan, RandomnessValue, TaskRecord,
};
use crate::registers::Registers;
use crate::task::Task;

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
    pub history: Option<RecordId>,
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

/// Makes a draw for a commitment: checks the registers against the
/// commitment and the randomness against the plan, derives the seed, draws
/// every class and assigns teams. Refuses ([`DrawError::Refused`]) a draw
/// the verifier would reject on its own record checks: dated before its
/// randomness existed, or with a beacon signature that does not verify.
#[allow(clippy::too_many_arguments)]
pub fn perform_draw(
    chain: ChainLink,
    commitment: &CommitmentPayload,
    commitment_id: &RecordId,
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
