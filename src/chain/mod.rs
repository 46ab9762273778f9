//! The office's side of a draw: the issuer's chain, and the commitments,
//! draws and cancellations appended to it.
//!
//! [`Chain`] is the issuer's receipt chain, opened from its lines with the
//! issuer's public key and checked as an auditor would check it. Its
//! [`Chain::commit`], [`Chain::draw`] and [`Chain::cancel`], and after a
//! draw [`Chain::replace`] (an inspector leaves a team) and
//! [`Chain::supplement`] (补充抽取), refuse, before
//! signing, every record the verifier would reject (a second commitment of
//! an open task, a second draw, a cancellation of a drawn or unknown
//! commitment, a date going backwards, a task that some randomness could
//! leave unstaffed, ...), and return a [`Pending`] record;
//! [`Chain::push`] appends it only if nobody appended anything since
//! (optimistic concurrency: a stale head is a typed error, never a fork).
//!
//! The library stays sans-IO: the caller reads the chain's bytes, supplies
//! time, registers and randomness, and stores the pending record's line.
//! A database embedder keeps `UNIQUE(issuer, sequence)` and inserts the
//! record in the same transaction that read the head, so two writers can
//! never both append at one sequence number.
//!
//! [`build_commitment`] and [`perform_draw`] are the pure steps beneath,
//! for callers that keep their own chain state.

use std::collections::HashSet;

use crate::after_draw::{AfterDrawError, AmendedDraw, PickInputs};
use crate::assignment::{History, staffing_check};
use crate::calendar::Timestamp;
use crate::checks::{
    ChainHead, DrawError, Finding, FindingSeverity, check_randomness_shape, check_registers,
    commitment_findings, draw_findings, drawn_entities, inspection_date, read_chain,
    register_roots, replay, teams_for,
};
use crate::records::{
    CancellationPayload, ChainLink, CommitmentPayload, Count, DrawPayload, DrawnEntity, Envelope,
    FormatVersion, IssuerKey, IssuerPublicKey, PerClass, RandomnessPlan, RandomnessValue, Record,
    RecordError, RecordId, ReplacementPayload, ReplacementReason, SupplementPayload,
    SupplementReason, TaskRecord, TeamSpec, Witnessing,
};
use crate::registers::{EntityRegister, Registers, Uscc};
use crate::task::Task;
use crate::verify::{ChainState, Examined, Level, Outcome, Report, RootCache, VerifyOptions};

/// What a commitment needs (the pure step, [`build_commitment`]).
#[derive(Clone, Debug)]
pub struct CommitRequest<'a> {
    /// The chain link (sequence, previous record, time).
    pub chain: ChainLink,
    /// The task.
    pub task: &'a Task,
    /// The registers (the master entity register; the task's scope derives the pool).
    pub registers: Registers<'a>,
    /// The salt of this commitment's conflict leaves (32 fresh random bytes,
    /// kept private with the conflict list).
    pub conflict_salt: &'a [u8],
    /// Where the randomness will come from.
    pub randomness: RandomnessPlan,
    /// The earlier draw whose teams a rotating task avoids, and those teams.
    pub history: Option<(RecordId, &'a History)>,
    /// The codes drawn by the draws the task excludes (`task.exclude_drawn`).
    pub excluded: &'a HashSet<Uscc>,
}

/// Builds a commitment payload (format version 2): the task with its
/// effective team rules, the pool its scope selects, and every register
/// root.
///
/// Refuses what an auditor would reject and what would force a cancellation
/// after the randomness is known: team rules that some possible draw of
/// this pool could not staff ([`staffing_check`]), and a randomness plan the
/// verifier rejects (a drand round or ceremony not after the commitment's
/// time, an unknown drand network).
pub fn build_commitment(req: &CommitRequest<'_>) -> Result<CommitmentPayload, DrawError> {
    let task = req.task;
    let team = match req.registers.items {
        Some(items) => task.team_rules_with(items)?,
        None if task.items.is_empty() => task.team.clone(),
        None => return Err(DrawError::ItemsMissing),
    };
    let pool = req.registers.entities.pool(&task.scope, req.excluded);
    let sizes = task.sample_sizes(pool.class_sizes())?;
    // A rotating task's first draw avoids nobody: an empty history.
    let first_draw = History::new();
    staffing_check(
        &pool,
        sizes,
        req.registers.inspectors,
        req.registers.conflicts,
        &team,
        task.inspection_date,
        Some(req.history.map_or(&first_draw, |(_, h)| h)),
    )?;
    let payload = CommitmentPayload {
        format: FormatVersion::V2,
        chain: req.chain.clone(),
        task: TaskRecord {
            id: task.id.clone(),
            name: task.name.clone(),
            items: task.items.clone(),
            ratios_bp: PerClass::from_array(task.ratios.0.map(|r| r.get())),
            top_up: task.top_up,
            scope: Some(task.scope.clone()),
            exclude_drawn: task.exclude_drawn.clone(),
            team: TeamSpec::V2(team),
            inspection_date: Some(task.inspection_date),
            max_supplements: Some(task.max_supplements),
        },
        registers: register_roots(
            &req.registers,
            FormatVersion::V2,
            Some(&pool),
            req.conflict_salt,
        )?,
        randomness: req.randomness.clone(),
        history: req.history.map(|(id, _)| id),
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

/// What a draw needs (the pure step, [`perform_draw`]).
#[derive(Clone, Debug)]
pub struct DrawRequest<'a> {
    /// The chain link of the draw record.
    pub chain: ChainLink,
    /// The commitment drawn.
    pub commitment: &'a CommitmentPayload,
    /// Its record id.
    pub commitment_id: RecordId,
    /// The public randomness.
    pub randomness: RandomnessValue,
    /// The registers that were committed (the master entity register).
    pub registers: Registers<'a>,
    /// The commitment's conflict-list salt.
    pub conflict_salt: &'a [u8],
    /// The teams of the draw the commitment's `history` names.
    pub history: Option<&'a History>,
    /// The codes drawn by the draws the commitment excludes.
    pub excluded: &'a HashSet<Uscc>,
    /// Whether the office saw the commitment witnessed before the randomness.
    pub witnessing: Witnessing,
    /// The software's version (informative).
    pub library_version: &'a str,
}

/// Makes a draw for a commitment: checks the registers against the
/// commitment and the randomness against the plan, derives the seed, draws
/// every class and assigns teams. Refuses ([`DrawError::Refused`]) a draw
/// the verifier would reject on its own record checks: dated before its
/// randomness existed, or with a beacon signature that does not verify.
///
/// A commitment of format version 1 is drawn as version 1 (its algorithm
/// and record), so an open commitment made before an upgrade can still be
/// drawn.
pub fn perform_draw(req: &DrawRequest<'_>) -> Result<DrawPayload, DrawError> {
    let commitment = req.commitment;
    check_randomness_shape(&commitment.randomness, &req.randomness)?;
    let pool_holder;
    let pool: Option<&EntityRegister> = match &commitment.task.scope {
        Some(scope) => {
            pool_holder = req.registers.entities.pool(scope, req.excluded);
            Some(&pool_holder)
        }
        None => None,
    };
    // The draw with its teams, and the roots (hashed on every core from a
    // thread of their own), side by side; the draw is used only when the
    // registers are the committed ones.
    let (drawn, checked) = crate::checks::side_by_side(
        || {
            let replay = replay(commitment, &req.commitment_id, &req.randomness.value)?;
            let drawn = drawn_entities(&replay, pool.unwrap_or(req.registers.entities));
            let date = inspection_date(commitment, req.chain.created_at.date());
            let teams = teams_for(
                commitment,
                &replay,
                &drawn,
                &req.registers,
                date,
                req.history,
            )?;
            Ok::<_, DrawError>((replay, drawn, date, teams))
        },
        || {
            check_registers(
                &commitment.registers,
                &req.registers,
                commitment.format,
                pool,
                req.conflict_salt,
            )
        },
    );
    checked?;
    let (replay, drawn, date, teams) = drawn?;
    let mut per: [Vec<DrawnEntity>; 4] = Default::default();
    for (c, rank, e) in &drawn {
        per[c.index()].push(DrawnEntity {
            rank: Count(*rank),
            uscc: e.uscc,
        });
    }
    let v1 = commitment.format == FormatVersion::V1;
    let payload = DrawPayload {
        format: commitment.format,
        chain: req.chain.clone(),
        commitment: req.commitment_id,
        randomness: req.randomness.clone(),
        seed: replay.seed,
        algorithm: commitment.draw_algorithm().to_owned(),
        library_version: req.library_version.to_owned(),
        witnessing: (!v1).then_some(req.witnessing),
        inspection_date: v1.then_some(date),
        drawn: PerClass::from_array(per),
        teams,
    };
    // Timing and the beacon signature: checked as the auditor will.
    refuse_errors(draw_findings(commitment, &req.commitment_id, &payload))?;
    Ok(payload)
}

/// Why the chain will not take a record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// The chain read breaks a rule; no record is appended to it (the issuer
    /// starts a new chain and publishes why).
    #[error("the chain breaks {} rule(s); first: [{}] {}", .errors.len(), .errors.first().map_or("", |f| f.check), .errors.first().map_or("", |f| f.message.as_str()))]
    Broken {
        /// The error findings.
        errors: Vec<Finding>,
    },
    /// Someone appended to the chain since the record was made: make it again
    /// on the new head.
    #[error("stale head: the record extends {made_on}, but the chain's head is now {head}")]
    StaleHead {
        /// The head the record was made on (`none` for an empty chain).
        made_on: String,
        /// The chain's head now.
        head: String,
    },
    /// The signing key is not the chain's.
    #[error("the key {given} is not the chain's key {chain}")]
    WrongKey {
        /// The chain's key id.
        chain: String,
        /// The key id given.
        given: String,
    },
    /// The record would be dated before the chain's last record.
    #[error("{created_at} is before the chain's last record ({last})")]
    TimeBackwards {
        /// The time asked for.
        created_at: Timestamp,
        /// The last record's time.
        last: Timestamp,
    },
    /// The task already has an open commitment.
    #[error("task {task} already has an open commitment {commitment}; draw it or cancel it first")]
    OpenCommitment {
        /// The task id.
        task: String,
        /// The open commitment.
        commitment: RecordId,
    },
    /// No commitment of the chain has this id.
    #[error("no commitment of the chain has the id {commitment}")]
    UnknownCommitment {
        /// The id given.
        commitment: RecordId,
    },
    /// The commitment was already drawn or cancelled: it never gets a second outcome.
    #[error(
        "commitment {commitment} already has an outcome ({outcome}); it is never drawn or cancelled again"
    )]
    HasOutcome {
        /// The commitment.
        commitment: RecordId,
        /// `drawn` or `cancelled`.
        outcome: &'static str,
    },
    /// The task names a draw to exclude that is not on the chain.
    #[error("the task excludes the entities of draw {draw}, which is not a draw of this chain")]
    UnknownDraw {
        /// The id given.
        draw: RecordId,
    },
    /// A cancellation must say why.
    #[error("a cancellation must say why")]
    EmptyReason,
    /// The commitment or draw cannot be made.
    #[error(transparent)]
    Draw(#[from] DrawError),
    /// The record cannot be written or read.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The replacement or supplement cannot be made.
    #[error(transparent)]
    AfterDraw(#[from] AfterDrawError),
}

/// A record made and signed for a chain, not yet appended
/// ([`Chain::push`]).
#[derive(Clone, Debug)]
pub struct Pending {
    envelope: Envelope,
    record: Record,
    id: RecordId,
    extends: Option<RecordId>,
}

impl Pending {
    /// The signed envelope.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The record.
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// Its record id.
    pub fn id(&self) -> RecordId {
        self.id
    }

    /// Its sequence number.
    pub fn sequence(&self) -> u64 {
        self.record.chain().sequence
    }

    /// The record that was the chain's head when this one was made.
    pub fn extends(&self) -> Option<RecordId> {
        self.extends
    }

    /// The chain line to store: the envelope's JSON, without newline.
    pub fn line(&self) -> String {
        self.envelope.to_json()
    }
}

/// What [`Chain::commit`] needs besides the chain.
#[derive(Clone, Debug)]
pub struct Commit<'a> {
    /// The task.
    pub task: &'a Task,
    /// The registers (master entity register, inspectors, conflicts, items).
    pub registers: Registers<'a>,
    /// This commitment's conflict-list salt (fresh random bytes, kept private).
    pub conflict_salt: &'a [u8],
    /// Where the randomness will come from.
    pub randomness: RandomnessPlan,
    /// When the record is made (the caller's clock).
    pub created_at: Timestamp,
}

/// What [`Chain::draw`] needs besides the chain.
#[derive(Clone, Debug)]
pub struct Draw<'a> {
    /// The open commitment to draw.
    pub commitment: RecordId,
    /// The public randomness.
    pub randomness: RandomnessValue,
    /// The registers that were committed.
    pub registers: Registers<'a>,
    /// The commitment's conflict-list salt.
    pub conflict_salt: &'a [u8],
    /// When the record is made (the caller's clock).
    pub created_at: Timestamp,
    /// Whether the commitment was witnessed before the randomness time.
    pub witnessing: Witnessing,
    /// The software's version (informative).
    pub library_version: &'a str,
}

/// A draw being amended, with what its picks read (see `Chain::amending`).
struct Amending<'c, 'r> {
    draw: &'c DrawPayload,
    commitment: &'c CommitmentPayload,
    state: std::borrow::Cow<'c, AmendedDraw>,
    pool: std::borrow::Cow<'r, EntityRegister>,
    history: Option<History>,
}

/// What [`Chain::replace`] needs besides the chain.
#[derive(Clone, Debug)]
pub struct Replace<'a> {
    /// The draw whose team changes.
    pub draw: RecordId,
    /// The entity whose team changes.
    pub uscc: Uscc,
    /// The officer leaving the team.
    pub leaving: &'a str,
    /// Why (the text is trimmed; `other` needs text).
    pub reason: ReplacementReason,
    /// The registers that were committed (the master entity register).
    pub registers: Registers<'a>,
    /// The commitment's conflict-list salt.
    pub conflict_salt: &'a [u8],
    /// When the record is made (the caller's clock).
    pub created_at: Timestamp,
}

/// What [`Chain::supplement`] needs besides the chain.
#[derive(Clone, Debug)]
pub struct Supplement<'a> {
    /// The draw supplemented.
    pub draw: RecordId,
    /// The listed entity that cannot be inspected.
    pub replaced: Uscc,
    /// Why (the text is trimmed; `other` needs text).
    pub reason: SupplementReason,
    /// The registers that were committed (the master entity register).
    pub registers: Registers<'a>,
    /// The commitment's conflict-list salt.
    pub conflict_salt: &'a [u8],
    /// When the record is made (the caller's clock).
    pub created_at: Timestamp,
}

/// An issuer's receipt chain, checked, with everything needed to append to
/// it correctly. See the module documentation.
#[derive(Debug)]
pub struct Chain {
    state: ChainState,
}

impl Chain {
    /// An empty chain of the issuer with this key.
    pub fn new(key: IssuerPublicKey) -> Chain {
        Chain {
            state: ChainState::new(key),
        }
    }

    /// Opens a chain from its file's bytes (JSON Lines, one envelope per
    /// line): every record is checked as the verifier checks it at replay
    /// level. A chain with any error is refused ([`ChainError::Broken`]).
    pub fn open(key: IssuerPublicKey, bytes: &[u8]) -> Result<Chain, ChainError> {
        let (lines, reading) = read_chain(bytes);
        let mut chain = Chain::new(key);
        let mut errors: Vec<Finding> = reading
            .into_iter()
            .filter(|f| f.severity == FindingSeverity::Error)
            .collect();
        for l in &lines {
            if let Err(ChainError::Broken { errors: e }) =
                chain.accept_line(l.line, l.envelope.clone())
            {
                errors.extend(e);
            }
        }
        if errors.is_empty() {
            Ok(chain)
        } else {
            Err(ChainError::Broken { errors })
        }
    }

    /// Takes in one more record read from storage (for instance a line
    /// another writer appended), checked as the verifier checks it at
    /// replay level; the chain is unchanged when it is refused.
    pub fn accept(&mut self, envelope: Envelope) -> Result<RecordId, ChainError> {
        let line = self.state.records().len() + 1;
        self.accept_line(line, envelope)
    }

    fn accept_line(&mut self, line: usize, envelope: Envelope) -> Result<RecordId, ChainError> {
        let id = envelope.record_id();
        let record = match Record::open(&envelope, self.state.key()) {
            Ok(r) => r,
            Err(e) => {
                return Err(ChainError::Broken {
                    errors: vec![Finding {
                        severity: FindingSeverity::Error,
                        check: "record",
                        line: Some(line),
                        sequence: None,
                        record: Some(id.to_string()),
                        message: format!("record rejected ({}): {e}", e.kind()),
                        message_zh: Some(format!("记录被拒绝（{}）：{}", e.kind(), e.message_zh())),
                    }],
                });
            }
        };
        let examined = self.examine(line, &id, &record);
        if examined.has_error() {
            return Err(ChainError::Broken {
                errors: examined
                    .findings
                    .into_iter()
                    .filter(|f| f.severity == FindingSeverity::Error)
                    .collect(),
            });
        }
        self.state.apply(line, id, record, &examined);
        Ok(id)
    }

    fn examine(&self, line: usize, id: &RecordId, record: &Record) -> Examined {
        let options = VerifyOptions::level(Level::Replay);
        let mut report = Report::default();
        let mut roots = RootCache::default();
        self.state
            .examine(line, id, record, &options, &mut roots, &mut report)
    }

    /// The issuer's public key.
    pub fn key(&self) -> &IssuerPublicKey {
        self.state.key()
    }

    /// The chain's head: its last record.
    pub fn head(&self) -> Option<ChainHead> {
        self.state.head()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.state.records().len()
    }

    /// True for a chain without records.
    pub fn is_empty(&self) -> bool {
        self.state.records().is_empty()
    }

    /// Every record in chain order, with its id.
    pub fn records(&self) -> &[(RecordId, Record)] {
        self.state.records()
    }

    /// A commitment of the chain and its outcome.
    pub fn commitment(&self, id: &RecordId) -> Option<(&CommitmentPayload, Outcome)> {
        self.state.commitment(id)
    }

    /// A draw of the chain.
    pub fn draw_record(&self, id: &RecordId) -> Option<&DrawPayload> {
        self.state.draw(id)
    }

    /// The commitments waiting for a draw or a cancellation, in chain order.
    pub fn open_commitments(&self) -> Vec<(RecordId, &CommitmentPayload)> {
        self.state.open_commitments()
    }

    /// The open commitment of a task.
    pub fn open_commitment_of(&self, task_id: &str) -> Option<(RecordId, &CommitmentPayload)> {
        self.open_commitments()
            .into_iter()
            .find(|(_, c)| c.task.id == task_id)
    }

    /// A task's latest draw.
    pub fn latest_draw_of(&self, task_id: &str) -> Option<RecordId> {
        self.state.latest_draw_of(task_id)
    }

    /// The draws of the chain made for commitments of these task ids, in
    /// chain order: what a task file's `exclude_drawn_by` names.
    pub fn draws_of_tasks(&self, task_ids: &[String]) -> Vec<RecordId> {
        self.draws_where(|c, _| task_ids.contains(&c.task.id))
    }

    /// The draws of the chain whose inspection date (the committed one, or
    /// for a version-1 commitment without one the draw's UTC date) falls in
    /// `year`, in chain order: every earlier draw of the year, which a task
    /// file's `exclude_drawn_in_year` excludes.
    pub fn draws_in_inspection_year(&self, year: i32) -> Vec<RecordId> {
        self.draws_where(|c, d| inspection_date(c, d.chain.created_at.date()).year() == year)
    }

    fn draws_where(
        &self,
        keep: impl Fn(&CommitmentPayload, &DrawPayload) -> bool,
    ) -> Vec<RecordId> {
        self.records()
            .iter()
            .filter_map(|(id, r)| match r {
                Record::Draw(d) => self
                    .commitment(&d.commitment)
                    .filter(|(c, _)| keep(c, d))
                    .map(|_| *id),
                _ => None,
            })
            .collect()
    }

    /// The pool a commitment of this chain draws from, derived from the
    /// master entity register by the commitment's scope and exclusions (the
    /// register itself for a version-1 commitment).
    pub fn pool<'r>(
        &self,
        commitment: &CommitmentPayload,
        master: &'r EntityRegister,
    ) -> Result<std::borrow::Cow<'r, EntityRegister>, ChainError> {
        match &commitment.task.scope {
            None => Ok(std::borrow::Cow::Borrowed(master)),
            Some(scope) => {
                let excluded = self.codes_drawn_by(&commitment.task.exclude_drawn)?;
                Ok(master.pool(scope, &excluded))
            }
        }
    }

    /// The chain state the verifier's rules run on.
    pub fn state(&self) -> &ChainState {
        &self.state
    }

    fn last_id(&self) -> Option<RecordId> {
        self.state.records().last().map(|(id, _)| *id)
    }

    /// The link of the next record made with `key` at `created_at`.
    pub fn next_link(
        &self,
        key: &IssuerKey,
        created_at: Timestamp,
    ) -> Result<ChainLink, ChainError> {
        if key.key_id() != self.key().key_id() || key.issuer() != self.key().issuer() {
            return Err(ChainError::WrongKey {
                chain: self.key().key_id().to_owned(),
                given: key.key_id().to_owned(),
            });
        }
        if let Some((_, last)) = self.state.records().last()
            && created_at < last.chain().created_at
        {
            return Err(ChainError::TimeBackwards {
                created_at,
                last: last.chain().created_at,
            });
        }
        Ok(ChainLink {
            issuer: key.issuer().to_owned(),
            key_id: key.key_id().to_owned(),
            sequence: self.len() as u64,
            previous: self.last_id(),
            created_at,
        })
    }

    /// The teams of a draw of the chain, as a rotation history.
    fn history_of(&self, draw: RecordId) -> Result<History, ChainError> {
        self.state
            .draw(&draw)
            .map(|d| History::from_teams(&d.teams))
            .ok_or(ChainError::UnknownDraw { draw })
    }

    /// The codes drawn by these draws of the chain.
    fn codes_drawn_by(&self, records: &[RecordId]) -> Result<HashSet<Uscc>, ChainError> {
        let mut out = HashSet::new();
        for id in records {
            if let Some(s) = self.state.supplement(id) {
                out.insert(s.uscc);
                continue;
            }
            let draw = self
                .state
                .draw(id)
                .ok_or(ChainError::UnknownDraw { draw: *id })?;
            out.extend(draw.drawn_in_order().map(|(_, x)| x.uscc));
        }
        Ok(out)
    }

    /// `draws` and every supplementary draw (补充抽取) of them on the chain,
    /// in chain order: what a commitment names in `exclude_drawn` to leave
    /// out every entity those draws sent inspectors to (FORMAT §3.1).
    pub fn with_supplements(&self, draws: &[RecordId]) -> Vec<RecordId> {
        self.records()
            .iter()
            .filter(|(id, r)| match r {
                Record::Supplement(s) => draws.contains(&s.draw),
                _ => draws.contains(id),
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// Makes and signs a commitment for this chain (format version 2). The
    /// chain supplies the link, the rotation history (the task's latest
    /// draw when its teams rotate) and the exclusions; it refuses a task
    /// that already has an open commitment and everything
    /// [`build_commitment`] refuses.
    pub fn commit(&self, key: &IssuerKey, req: &Commit<'_>) -> Result<Pending, ChainError> {
        let link = self.next_link(key, req.created_at)?;
        if let Some((id, _)) = self.open_commitment_of(&req.task.id) {
            return Err(ChainError::OpenCommitment {
                task: req.task.id.clone(),
                commitment: id,
            });
        }
        let history_id = (req.task.team.rotation
            == crate::assignment::RotationPolicy::AvoidPreviousTeam)
            .then(|| self.latest_draw_of(&req.task.id))
            .flatten();
        let history = history_id.map(|h| self.history_of(h)).transpose()?;
        let excluded = self.codes_drawn_by(&req.task.exclude_drawn)?;
        let payload = build_commitment(&CommitRequest {
            chain: link,
            task: req.task,
            registers: req.registers,
            conflict_salt: req.conflict_salt,
            randomness: req.randomness.clone(),
            history: history_id.zip(history.as_ref()),
            excluded: &excluded,
        })?;
        self.pending(key, Record::Commitment(payload))
    }

    /// Makes and signs the draw of an open commitment of this chain. Refuses
    /// a commitment that is unknown or already has an outcome, and everything
    /// [`perform_draw`] refuses.
    pub fn draw(&self, key: &IssuerKey, req: &Draw<'_>) -> Result<Pending, ChainError> {
        let link = self.next_link(key, req.created_at)?;
        let commitment = self.open_commitment(&req.commitment)?;
        let history = commitment.history.map(|h| self.history_of(h)).transpose()?;
        let excluded = self.codes_drawn_by(&commitment.task.exclude_drawn)?;
        let payload = perform_draw(&DrawRequest {
            chain: link,
            commitment,
            commitment_id: req.commitment,
            randomness: req.randomness.clone(),
            registers: req.registers,
            conflict_salt: req.conflict_salt,
            history: history.as_ref(),
            excluded: &excluded,
            witnessing: req.witnessing,
            library_version: req.library_version,
        })?;
        self.pending(key, Record::Draw(payload))
    }

    /// Makes and signs the cancellation of an open commitment of this chain.
    pub fn cancel(
        &self,
        key: &IssuerKey,
        commitment: RecordId,
        reason: &str,
        created_at: Timestamp,
    ) -> Result<Pending, ChainError> {
        let link = self.next_link(key, created_at)?;
        let c = self.open_commitment(&commitment)?;
        if reason.trim().is_empty() {
            return Err(ChainError::EmptyReason);
        }
        let payload = CancellationPayload {
            format: c.format,
            chain: link,
            commitment,
            reason: reason.trim().to_owned(),
        };
        self.pending(key, Record::Cancellation(payload))
    }

    /// The draw an after-draw record amends, its commitment and state, the
    /// committed pool, and the rotation history, once the registers given
    /// are checked against the commitment.
    fn amending<'r>(
        &self,
        draw: &RecordId,
        registers: &Registers<'r>,
        conflict_salt: &[u8],
    ) -> Result<Amending<'_, 'r>, ChainError> {
        let (d, c, state) = self
            .state
            .draw_for_amending(draw)
            .ok_or(ChainError::UnknownDraw { draw: *draw })?;
        if c.format != FormatVersion::V2 {
            return Err(AfterDrawError::NotVersion2.into());
        }
        let pool = self.pool(c, registers.entities)?;
        check_registers(
            &c.registers,
            registers,
            c.format,
            c.task.scope.is_some().then_some(&*pool),
            conflict_salt,
        )?;
        let history = c.history.map(|h| self.history_of(h)).transpose()?;
        Ok(Amending {
            draw: d,
            commitment: c,
            state,
            pool,
            history,
        })
    }

    /// Makes and signs an inspector replacement (FORMAT §5.4): `leaving`
    /// leaves its place on the team of `uscc`, and the officer the
    /// after-draw rule picks takes it (docs/spec/assignment.md §A.3): the
    /// office names who leaves and why, never who comes. Refuses a draw
    /// that is not on the chain or not of version 2, an entity not on its
    /// list, an officer not on the team, an `other` reason without text,
    /// registers that are not the committed ones, and a place nobody can
    /// take.
    pub fn replace(&self, key: &IssuerKey, req: &Replace<'_>) -> Result<Pending, ChainError> {
        let link = self.next_link(key, req.created_at)?;
        if req.reason.kind == crate::records::ReplacementReasonKind::Other
            && req.reason.text.trim().is_empty()
        {
            return Err(AfterDrawError::BlankReason.into());
        }
        let Amending {
            draw: d,
            commitment: c,
            state,
            pool,
            history,
        } = self.amending(&req.draw, &req.registers, req.conflict_salt)?;
        let listed = state
            .entity(&req.uscc)
            .ok_or(AfterDrawError::NotListed { uscc: req.uscc })?;
        let place = listed
            .team
            .iter()
            .position(|id| id == req.leaving)
            .ok_or_else(|| AfterDrawError::NotOnTeam {
                uscc: req.uscc,
                officer: req.leaving.to_owned(),
            })?;
        let place = u32::try_from(place).unwrap_or(u32::MAX);
        let inputs = PickInputs {
            pool: &pool,
            inspectors: req.registers.inspectors,
            conflicts: req.registers.conflicts,
            history: history.as_ref(),
        };
        let pick = state.pick_replacement(c, &d.seed, &inputs, &req.uscc, place)?;
        let payload = ReplacementPayload {
            chain: link,
            draw: req.draw,
            uscc: req.uscc,
            place,
            leaving: req.leaving.to_owned(),
            reason: ReplacementReason {
                kind: req.reason.kind,
                text: req.reason.text.trim().to_owned(),
            },
            replacement: pick.officer,
        };
        if let Some(e) = state.replacement_problems(c, &payload).into_iter().next() {
            return Err(e.into());
        }
        self.pending(key, Record::Replacement(payload))
    }

    /// Makes and signs a supplementary draw (补充抽取, FORMAT §5.5): the
    /// listed entity `replaced` cannot be inspected, and the next entity of
    /// its class from the same class stream takes its place on the list,
    /// with a team picked by the after-draw rule (docs/spec/assignment.md
    /// §A.4). Refuses beyond the task's `max_supplements`, an entity not
    /// listed or already replaced, an exhausted class, registers that are
    /// not the committed ones, and a team nobody can complete.
    pub fn supplement(&self, key: &IssuerKey, req: &Supplement<'_>) -> Result<Pending, ChainError> {
        let link = self.next_link(key, req.created_at)?;
        if req.reason.kind == crate::records::SupplementReasonKind::Other
            && req.reason.text.trim().is_empty()
        {
            return Err(AfterDrawError::BlankReason.into());
        }
        let Amending {
            draw: d,
            commitment: c,
            state,
            pool,
            history,
        } = self.amending(&req.draw, &req.registers, req.conflict_salt)?;
        let listed = state
            .entity(&req.replaced)
            .ok_or(AfterDrawError::NotListed { uscc: req.replaced })?;
        let max = c.task.max_supplements.unwrap_or(0);
        if state.supplements() >= u64::from(max) {
            return Err(AfterDrawError::LimitReached {
                max,
                made: state.supplements(),
            }
            .into());
        }
        let inputs = PickInputs {
            pool: &pool,
            inspectors: req.registers.inspectors,
            conflicts: req.registers.conflicts,
            history: history.as_ref(),
        };
        let (rank, entity, team) = state.pick_supplement(c, &d.seed, &inputs, listed.class)?;
        let payload = SupplementPayload {
            chain: link,
            draw: req.draw,
            replaced: req.replaced,
            reason: SupplementReason {
                kind: req.reason.kind,
                text: req.reason.text.trim().to_owned(),
            },
            class: listed.class,
            rank: Count(rank),
            uscc: entity.uscc,
            team: team.into_iter().map(|p| p.officer).collect(),
        };
        if let Some(e) = state.supplement_problems(c, &payload).into_iter().next() {
            return Err(e.into());
        }
        self.pending(key, Record::Supplement(payload))
    }

    fn open_commitment(&self, id: &RecordId) -> Result<&CommitmentPayload, ChainError> {
        match self.state.commitment(id) {
            None => Err(ChainError::UnknownCommitment { commitment: *id }),
            Some((c, Outcome::Open)) => Ok(c),
            Some((_, Outcome::Drawn(_))) => Err(ChainError::HasOutcome {
                commitment: *id,
                outcome: "drawn",
            }),
            Some((_, _)) => Err(ChainError::HasOutcome {
                commitment: *id,
                outcome: "cancelled",
            }),
        }
    }

    /// Signs a record and checks it against the chain as the verifier will.
    fn pending(&self, key: &IssuerKey, record: Record) -> Result<Pending, ChainError> {
        let envelope = record.sign(key)?;
        let id = envelope.record_id();
        let examined = self.examine(self.len() + 1, &id, &record);
        if let Some(f) = examined
            .findings
            .iter()
            .find(|f| f.severity == FindingSeverity::Error)
        {
            return Err(ChainError::Draw(DrawError::Refused {
                check: f.check,
                message: f.message.clone(),
            }));
        }
        Ok(Pending {
            envelope,
            record,
            id,
            extends: self.last_id(),
        })
    }

    /// Appends a pending record made on this chain's current head. Refuses
    /// one made on an older head ([`ChainError::StaleHead`]): someone else
    /// appended meanwhile, and appending it would fork the chain.
    pub fn push(&mut self, pending: Pending) -> Result<RecordId, ChainError> {
        let head = self.last_id();
        if pending.extends != head || pending.sequence() != self.len() as u64 {
            let name = |h: Option<RecordId>| h.map_or("none".to_owned(), |h| h.to_string());
            return Err(ChainError::StaleHead {
                made_on: name(pending.extends),
                head: name(head),
            });
        }
        let line = self.len() + 1;
        // Made and examined on this very state (same head): its examination
        // still holds, so the record is taken in without checking it again.
        self.state
            .apply(line, pending.id, pending.record, &Examined::accepted());
        Ok(pending.id)
    }
}
