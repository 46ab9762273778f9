//! After the draw: a draw's list of entities and teams as amended by its
//! inspector replacements and supplementary draws (补充抽取), and the checks
//! both sides run on those records (docs/FORMAT.md §5.4–§5.5, §7;
//! docs/spec/assignment.md, Part III).
//!
//! [`AmendedDraw`] replays a draw's after-draw records in chain order: each
//! replacement gives a place of a team to another officer, each supplement
//! adds an entity with its team and marks the entity it replaces. The
//! verifier's [`crate::verify::ChainState`] keeps one per draw, and the
//! office's [`crate::chain::Chain::replace`] and
//! [`crate::chain::Chain::supplement`] make records from it, so both sides
//! judge a record on the same state.

use std::collections::{HashMap, HashSet};

use crate::assignment::{
    History, Pick, PickContext, PickError, TeamRules, pick_replacement, pick_supplement_team,
};
use crate::records::{
    CommitmentPayload, DrawPayload, FormatVersion, RecordId, ReplacementPayload,
    ReplacementReasonKind, SupplementPayload, TeamSpec,
};
use crate::registers::{
    ConflictRegister, CreditClass, Entity, EntityRegister, InspectorRegister, Uscc,
};
use crate::sampling::{RankSampler, after_draw_key};

/// One entity on a draw's list: drawn by the draw, or added by a supplement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedEntity {
    /// The entity.
    pub uscc: Uscc,
    /// Its credit class.
    pub class: CreditClass,
    /// Its rank in its class of the committed pool.
    pub rank: u64,
    /// Its team now: inspector ids in place order.
    pub team: Vec<String>,
    /// The team as first drawn or picked.
    pub first_team: Vec<String>,
    /// Officers who left its team (replacements), in chain order.
    pub left: Vec<String>,
    /// The replacement records that changed its team, in chain order.
    pub replacements: Vec<RecordId>,
    /// The supplement record that added it, for a supplementary entity.
    pub added_by: Option<RecordId>,
    /// The supplement record that replaced it, and the entity that replaced it.
    pub replaced_by: Option<(RecordId, Uscc)>,
}

/// A draw as amended after it: every listed entity with its current team,
/// officers' loads, and the count of after-draw records so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AmendedDraw {
    entities: Vec<ListedEntity>,
    index: HashMap<Uscc, usize>,
    after_records: u64,
    supplements: [u64; 4],
    drawn: [u64; 4],
    loads: HashMap<String, u32>,
    unavailable: HashSet<String>,
}

/// Why an after-draw record cannot be made, or breaks a rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AfterDrawError {
    /// After-draw records amend version-2 draws only.
    #[error(
        "the draw is of format version 1: replacements and supplements amend version-2 draws only"
    )]
    NotVersion2,
    /// The entity is not on the draw's list.
    #[error("entity {uscc} is neither drawn by the draw nor added by one of its supplements")]
    NotListed {
        /// The entity.
        uscc: Uscc,
    },
    /// The place is not one of the committed places.
    #[error("place {place} does not exist: the committed team has {places} places")]
    PlaceOutOfRange {
        /// The place named.
        place: u32,
        /// The number of places.
        places: usize,
    },
    /// The leaving officer does not hold the place.
    #[error(
        "officer {leaving} does not hold place {place} of the team of {uscc} (its holder is {holder}): only an officer on the team can leave it"
    )]
    NotHolder {
        /// The entity.
        uscc: Uscc,
        /// The place.
        place: u32,
        /// The officer named as leaving.
        leaving: String,
        /// The place's holder.
        holder: String,
    },
    /// The officer named as leaving is not on the entity's team.
    #[error(
        "officer {officer} is not on the team of {uscc}: only an officer on the team can leave it"
    )]
    NotOnTeam {
        /// The entity.
        uscc: Uscc,
        /// The officer.
        officer: String,
    },
    /// An `other` reason without text.
    #[error("a reason of kind other must say what it is (the text is blank)")]
    BlankReason,
    /// The replacement cannot take the place whatever the registers say.
    #[error("officer {officer} cannot take the place: {why}")]
    NotACandidate {
        /// The officer named.
        officer: String,
        /// Why not.
        why: &'static str,
    },
    /// The draw already has as many supplements as the task allows.
    #[error(
        "the task allows {max} supplementary draw(s) per draw, and this draw already has {made}"
    )]
    LimitReached {
        /// The committed limit.
        max: u32,
        /// Supplements already made.
        made: u64,
    },
    /// The entity replaced was already replaced by an earlier supplement.
    #[error("entity {uscc} was already replaced by supplement {by}")]
    AlreadyReplaced {
        /// The entity.
        uscc: Uscc,
        /// The earlier supplement.
        by: RecordId,
    },
    /// The supplement's class is not the replaced entity's.
    #[error(
        "the supplement draws from class {stated}, but the entity it replaces is of class {replaced}"
    )]
    ClassMismatch {
        /// The class stated.
        stated: CreditClass,
        /// The replaced entity's class.
        replaced: CreditClass,
    },
    /// The supplementary entity is already on the list.
    #[error("entity {uscc} is already on the draw's list")]
    AlreadyListed {
        /// The entity.
        uscc: Uscc,
    },
    /// The class has no undrawn entity left.
    #[error("class {class} has no entity left to draw: all {size} are drawn")]
    ClassExhausted {
        /// The class.
        class: CreditClass,
        /// The committed class size.
        size: u64,
    },
    /// The rank is not the class sampler's next output.
    #[error(
        "class {class}: rank {stated} is not the next rank of the class's sampler ({expected})"
    )]
    WrongRank {
        /// The class.
        class: CreditClass,
        /// The rank stated.
        stated: u64,
        /// The next rank from the seed.
        expected: u64,
    },
    /// The draw's counts do not match the commitment, so nothing continues its samplers.
    #[error(
        "the draw's numbers drawn per class are not the committed sample sizes: its class samplers cannot be continued"
    )]
    CountsDiffer,
    /// The committed pool holds no entity at the rank.
    #[error("class {class} rank {rank} is outside the committed pool")]
    NotInPool {
        /// The class.
        class: CreditClass,
        /// The rank.
        rank: u64,
    },
    /// The entity at the rank is another one.
    #[error(
        "class {class} rank {rank} of the committed pool is {expected}, the record says {stated}"
    )]
    WrongEntity {
        /// The class.
        class: CreditClass,
        /// The rank.
        rank: u64,
        /// The entity at the rank.
        expected: Uscc,
        /// The entity stated.
        stated: Uscc,
    },
    /// The team does not have one distinct officer per place.
    #[error("the team lists {listed} officer(s), {distinct} distinct, for {places} places")]
    TeamShape {
        /// Ids listed.
        listed: usize,
        /// Distinct ids.
        distinct: usize,
        /// Committed places.
        places: usize,
    },
    /// The officer named is not the one the rule picks.
    #[error("place {place}: the rule picks {expected}, the record names {stated}")]
    WrongPick {
        /// The place.
        place: usize,
        /// The rule's pick.
        expected: String,
        /// The officer named.
        stated: String,
    },
    /// A drawn entity is not in the register given.
    #[error("entity {uscc} is not in the committed pool")]
    UnknownEntity {
        /// The entity.
        uscc: Uscc,
    },
    /// The pick cannot be made.
    #[error(transparent)]
    Pick(#[from] PickError),
}

impl AfterDrawError {
    /// The check the verifier reports it under: `supplement-limit` for the
    /// limit, else `replacement` or `supplement` as `kind` says.
    pub fn check(&self, kind: &'static str) -> &'static str {
        match self {
            AfterDrawError::LimitReached { .. } => "supplement-limit",
            _ => kind,
        }
    }
}

impl AfterDrawError {
    /// The error in Chinese, for the verifier's findings.
    pub(crate) fn message_zh(&self) -> String {
        match self {
            AfterDrawError::NotVersion2 => {
                "该抽取为格式版本 1：更换人员和补充抽取只适用于格式版本 2 的抽取".into()
            }
            AfterDrawError::NotListed { uscc } => {
                format!("检查对象 {uscc} 既不是该抽取抽中的，也不是其补充抽取增加的")
            }
            AfterDrawError::PlaceOutOfRange { place, places } => {
                format!("位置 {place} 不存在：承诺的检查组只有 {places} 个位置")
            }
            AfterDrawError::NotHolder {
                uscc,
                place,
                leaving,
                holder,
            } => format!(
                "执法检查人员 {leaving} 不在检查对象 {uscc} 检查组的位置 {place} 上（该位置为 {holder}）：只有检查组成员才能退出"
            ),
            AfterDrawError::NotOnTeam { uscc, officer } => format!(
                "执法检查人员 {officer} 不在检查对象 {uscc} 的检查组中：只有检查组成员才能退出"
            ),
            AfterDrawError::BlankReason => {
                "原因类别为 other（其他）时必须写明具体原因（原因文字为空）".into()
            }
            AfterDrawError::NotACandidate { officer, why } => {
                let why = match *why {
                    "it is the officer leaving" => "该人员就是退出的人员",
                    "already on the entity's team" => "已在该检查对象的检查组中",
                    "already left the entity's team" => "已退出过该检查对象的检查组",
                    "left a team of this draw for illness or transfer" => {
                        "已因病或调动退出本次抽取的检查组"
                    }
                    other => other,
                };
                format!("执法检查人员 {officer} 不能担任该位置：{why}")
            }
            AfterDrawError::LimitReached { max, made } => {
                format!("该任务每次抽取最多允许 {max} 次补充抽取，本次抽取已有 {made} 次")
            }
            AfterDrawError::AlreadyReplaced { uscc, by } => {
                format!("检查对象 {uscc} 已被补充抽取 {by} 替换")
            }
            AfterDrawError::ClassMismatch { stated, replaced } => {
                format!("补充抽取从 {stated} 类中抽取，但被替换的检查对象属于 {replaced} 类")
            }
            AfterDrawError::AlreadyListed { uscc } => {
                format!("检查对象 {uscc} 已在该抽取的名单中")
            }
            AfterDrawError::ClassExhausted { class, size } => {
                format!("{class} 类已没有可抽取的检查对象：全部 {size} 户均已抽中")
            }
            AfterDrawError::WrongRank {
                class,
                stated,
                expected,
            } => format!("{class} 类：排位 {stated} 不是该类抽样器的下一个排位（{expected}）"),
            AfterDrawError::CountsDiffer => {
                "该抽取各类抽中的户数不等于承诺的抽取数量：无法接续其各类的抽样器".into()
            }
            AfterDrawError::NotInPool { class, rank } => {
                format!("{class} 类排位 {rank} 超出了承诺的名录库")
            }
            AfterDrawError::WrongEntity {
                class,
                rank,
                expected,
                stated,
            } => format!("承诺的名录库中 {class} 类排位 {rank} 为 {expected}，记录写的是 {stated}"),
            AfterDrawError::TeamShape {
                listed,
                distinct,
                places,
            } => format!(
                "检查组列出 {listed} 名执法检查人员（其中互不相同的 {distinct} 名），而位置有 {places} 个"
            ),
            AfterDrawError::WrongPick {
                place,
                expected,
                stated,
            } => format!("位置 {place}：按规则应选 {expected}，记录写的是 {stated}"),
            AfterDrawError::UnknownEntity { uscc } => {
                format!("检查对象 {uscc} 不在承诺的名录库中")
            }
            AfterDrawError::Pick(e) => e.message_zh(),
        }
    }
}

fn blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

fn rules(commitment: &CommitmentPayload) -> Result<&TeamRules, AfterDrawError> {
    match (&commitment.task.team, commitment.format) {
        (TeamSpec::V2(r), FormatVersion::V2) => Ok(r),
        _ => Err(AfterDrawError::NotVersion2),
    }
}

impl AmendedDraw {
    /// The draw as drawn: its entities in draw order with their teams.
    pub fn new(draw: &DrawPayload) -> Self {
        let mut a = AmendedDraw {
            entities: Vec::with_capacity(draw.teams.len()),
            index: HashMap::with_capacity(draw.teams.len()),
            ..AmendedDraw::default()
        };
        for ((class, d), team) in draw.drawn_in_order().zip(&draw.teams) {
            a.drawn[class.index()] += 1;
            a.push(ListedEntity {
                uscc: d.uscc,
                class,
                rank: d.rank.0,
                team: team.inspectors.clone(),
                first_team: team.inspectors.clone(),
                left: Vec::new(),
                replacements: Vec::new(),
                added_by: None,
                replaced_by: None,
            });
        }
        a
    }

    fn push(&mut self, e: ListedEntity) {
        for id in &e.team {
            let l = self.loads.entry(id.clone()).or_default();
            *l = l.saturating_add(1);
        }
        // A code listed twice (a broken draw) keeps its first position.
        self.index.entry(e.uscc).or_insert(self.entities.len());
        self.entities.push(e);
    }

    /// Every listed entity: the drawn ones in draw order, then the
    /// supplementary ones in chain order.
    pub fn entities(&self) -> &[ListedEntity] {
        &self.entities
    }

    /// A listed entity.
    pub fn entity(&self, uscc: &Uscc) -> Option<&ListedEntity> {
        self.index.get(uscc).and_then(|&i| self.entities.get(i))
    }

    /// The number of after-draw records of the draw so far: the `n` of the
    /// next record's stream key.
    pub fn after_records(&self) -> u64 {
        self.after_records
    }

    /// Supplements made so far, over every class.
    pub fn supplements(&self) -> u64 {
        self.supplements.iter().sum()
    }

    /// Places each officer holds over every team of the draw.
    pub fn loads(&self) -> &HashMap<String, u32> {
        &self.loads
    }

    /// Officers who left a team of the draw for illness or transfer.
    pub fn unavailable(&self) -> &HashSet<String> {
        &self.unavailable
    }

    /// The stream key of the next after-draw record of the draw.
    pub fn next_key(&self, seed: &[u8; 32]) -> [u8; 32] {
        after_draw_key(seed, self.after_records)
    }

    /// Takes in an after-draw record of this draw (examined before): a
    /// replacement gives the place to its officer, a supplement adds its
    /// entity and marks the one it replaces. Every record counts towards
    /// the stream key of the next one; one that does not fit the list
    /// changes nothing else.
    pub fn apply(&mut self, id: RecordId, record: &crate::records::Record) {
        use crate::records::Record;
        self.after_records = self.after_records.saturating_add(1);
        match record {
            Record::Replacement(p) => {
                let Some(&i) = self.index.get(&p.uscc) else {
                    return;
                };
                let place = p.place as usize;
                let e = &mut self.entities[i];
                if e.team.get(place) != Some(&p.leaving) {
                    return;
                }
                e.team[place] = p.replacement.clone();
                e.left.push(p.leaving.clone());
                e.replacements.push(id);
                if let Some(l) = self.loads.get_mut(&p.leaving) {
                    *l = l.saturating_sub(1);
                }
                let l = self.loads.entry(p.replacement.clone()).or_default();
                *l = l.saturating_add(1);
                if p.reason.kind.leaves_the_draw() {
                    self.unavailable.insert(p.leaving.clone());
                }
            }
            Record::Supplement(p) => {
                self.supplements[p.class.index()] += 1;
                if let Some(&i) = self.index.get(&p.replaced)
                    && self.entities[i].replaced_by.is_none()
                {
                    self.entities[i].replaced_by = Some((id, p.uscc));
                }
                if self.index.contains_key(&p.uscc) {
                    return;
                }
                self.push(ListedEntity {
                    uscc: p.uscc,
                    class: p.class,
                    rank: p.rank.0,
                    team: p.team.clone(),
                    first_team: p.team.clone(),
                    left: Vec::new(),
                    replacements: Vec::new(),
                    added_by: Some(id),
                    replaced_by: None,
                });
            }
            _ => {}
        }
    }

    /// What is wrong with a replacement on its own and against the list
    /// (no register needed): the entity is listed, the place exists and
    /// the leaving officer holds it, an `other` reason says what, and the
    /// replacement is not the leaving officer, not on the team, never left
    /// the entity's team and did not leave the draw.
    pub fn replacement_problems(
        &self,
        commitment: &CommitmentPayload,
        p: &ReplacementPayload,
    ) -> Vec<AfterDrawError> {
        let mut out = Vec::new();
        let rules = match rules(commitment) {
            Ok(r) => r,
            Err(e) => return vec![e],
        };
        if p.reason.kind == ReplacementReasonKind::Other && blank(&p.reason.text) {
            out.push(AfterDrawError::BlankReason);
        }
        let Some(e) = self.entity(&p.uscc) else {
            out.push(AfterDrawError::NotListed { uscc: p.uscc });
            return out;
        };
        let places = rules.team_size();
        let Some(holder) = e
            .team
            .get(p.place as usize)
            .filter(|_| (p.place as usize) < places)
        else {
            out.push(AfterDrawError::PlaceOutOfRange {
                place: p.place,
                places,
            });
            return out;
        };
        if *holder != p.leaving {
            out.push(AfterDrawError::NotHolder {
                uscc: p.uscc,
                place: p.place,
                leaving: p.leaving.clone(),
                holder: holder.clone(),
            });
        }
        let not = |why| AfterDrawError::NotACandidate {
            officer: p.replacement.clone(),
            why,
        };
        if p.replacement == p.leaving {
            out.push(not("it is the officer leaving"));
        } else if e.team.contains(&p.replacement) {
            out.push(not("already on the entity's team"));
        } else if e.left.contains(&p.replacement) {
            out.push(not("already left the entity's team"));
        } else if self.unavailable.contains(&p.replacement) {
            out.push(not("left a team of this draw for illness or transfer"));
        }
        out
    }

    /// Whether taking the replacement's place puts it at or over the cap.
    pub fn replacement_over_cap(&self, commitment: &CommitmentPayload, officer: &str) -> bool {
        let load = self.loads.get(officer).copied().unwrap_or(0);
        commitment
            .task
            .team
            .workload_cap()
            .is_some_and(|cap| load >= cap)
    }

    /// The places of a supplement's team that take their officer over the
    /// workload cap (loads counted as the team is filled in place order).
    pub fn supplement_over_cap(
        &self,
        commitment: &CommitmentPayload,
        team: &[String],
    ) -> Vec<usize> {
        let Some(cap) = commitment.task.team.workload_cap() else {
            return Vec::new();
        };
        let mut extra: HashMap<&str, u32> = HashMap::new();
        let mut out = Vec::new();
        for (k, id) in team.iter().enumerate() {
            let load = self.loads.get(id).copied().unwrap_or(0)
                + extra.get(id.as_str()).copied().unwrap_or(0);
            if load >= cap {
                out.push(k);
            }
            *extra.entry(id).or_default() += 1;
        }
        out
    }

    /// What is wrong with a supplement on its own and against the list (no
    /// register needed): the limit, the entity replaced (listed, not yet
    /// replaced, of the stated class), an `other` reason's text, the new
    /// entity not yet listed, one distinct officer per place, none who left
    /// the draw.
    pub fn supplement_problems(
        &self,
        commitment: &CommitmentPayload,
        p: &SupplementPayload,
    ) -> Vec<AfterDrawError> {
        let mut out = Vec::new();
        let rules = match rules(commitment) {
            Ok(r) => r,
            Err(e) => return vec![e],
        };
        let max = commitment.task.max_supplements.unwrap_or(0);
        let made = self.supplements();
        if made >= u64::from(max) {
            out.push(AfterDrawError::LimitReached { max, made });
        }
        if p.reason.kind == crate::records::SupplementReasonKind::Other && blank(&p.reason.text) {
            out.push(AfterDrawError::BlankReason);
        }
        match self.entity(&p.replaced) {
            None => out.push(AfterDrawError::NotListed { uscc: p.replaced }),
            Some(e) => {
                if let Some((by, _)) = e.replaced_by {
                    out.push(AfterDrawError::AlreadyReplaced {
                        uscc: p.replaced,
                        by,
                    });
                }
                if e.class != p.class {
                    out.push(AfterDrawError::ClassMismatch {
                        stated: p.class,
                        replaced: e.class,
                    });
                }
            }
        }
        if self.index.contains_key(&p.uscc) {
            out.push(AfterDrawError::AlreadyListed { uscc: p.uscc });
        }
        let places = rules.team_size();
        let distinct: HashSet<&String> = p.team.iter().collect();
        if p.team.len() != places || distinct.len() != places {
            out.push(AfterDrawError::TeamShape {
                listed: p.team.len(),
                distinct: distinct.len(),
                places,
            });
        }
        if let Some(id) = p.team.iter().find(|id| self.unavailable.contains(*id)) {
            out.push(AfterDrawError::NotACandidate {
                officer: id.clone(),
                why: "left a team of this draw for illness or transfer",
            });
        }
        out
    }

    /// The rank the next supplement of `class` draws: the class sampler's
    /// output after every rank already drawn in the class (the draw's
    /// `k_c`, then the earlier supplements of the class). Refused when the
    /// draw does not list the committed sample size of the class (its
    /// sampler's work would not be bounded by the records) or the class is
    /// exhausted.
    pub fn next_rank(
        &self,
        commitment: &CommitmentPayload,
        seed: &[u8; 32],
        class: CreditClass,
    ) -> Result<u64, AfterDrawError> {
        let sizes =
            crate::checks::sample_counts(commitment).map_err(|_| AfterDrawError::CountsDiffer)?;
        let c = class.index();
        if self.drawn[c] != sizes[c] {
            return Err(AfterDrawError::CountsDiffer);
        }
        let n = commitment.pools()[c];
        let mut sampler =
            RankSampler::new(seed, c as u8, n).map_err(|_| AfterDrawError::CountsDiffer)?;
        let before = sizes[c].saturating_add(self.supplements[c]);
        for _ in 0..before {
            if sampler.next_rank().is_none() {
                return Err(AfterDrawError::ClassExhausted { class, size: n });
            }
        }
        sampler
            .next_rank()
            .ok_or(AfterDrawError::ClassExhausted { class, size: n })
    }
}

/// The registers and history a pick after the draw reads, once the caller
/// has checked they are the committed ones.
#[derive(Clone, Copy, Debug)]
pub struct PickInputs<'a> {
    /// The commitment's pool (the master register through its scope and
    /// exclusions; for the drawn entities and the supplementary one).
    pub pool: &'a EntityRegister,
    /// The committed inspector register.
    pub inspectors: &'a InspectorRegister,
    /// The committed conflicts.
    pub conflicts: &'a ConflictRegister,
    /// The teams of the draw the commitment's `history` names (`None` without one).
    pub history: Option<&'a History>,
}

fn context<'a>(
    state: &'a AmendedDraw,
    commitment: &'a CommitmentPayload,
    inputs: &PickInputs<'a>,
    empty: &'a History,
) -> Result<PickContext<'a>, AfterDrawError> {
    let rules = rules(commitment)?;
    Ok(PickContext {
        inspectors: inputs.inspectors,
        conflicts: inputs.conflicts,
        rules,
        date: commitment.task.inspection_date.unwrap_or(time::Date::MIN),
        history: Some(inputs.history.unwrap_or(empty)),
        loads: &state.loads,
        unavailable: &state.unavailable,
    })
}

impl AmendedDraw {
    /// The officer the rule picks for place `place` of `uscc`'s team
    /// (assignment.md §A.3), on the stream of the draw's next after-draw key.
    pub fn pick_replacement(
        &self,
        commitment: &CommitmentPayload,
        seed: &[u8; 32],
        inputs: &PickInputs<'_>,
        uscc: &Uscc,
        place: u32,
    ) -> Result<Pick, AfterDrawError> {
        let e = self
            .entity(uscc)
            .ok_or(AfterDrawError::NotListed { uscc: *uscc })?;
        let entity: &Entity = inputs
            .pool
            .get(uscc)
            .ok_or(AfterDrawError::UnknownEntity { uscc: *uscc })?;
        let empty = History::new();
        let ctx = context(self, commitment, inputs, &empty)?;
        Ok(pick_replacement(
            &ctx,
            &self.next_key(seed),
            entity,
            place as usize,
            &e.team,
            &e.left,
        )?)
    }

    /// The supplementary entity of `class` (the pool's entity at the next
    /// rank) and its team (assignment.md §A.4), on the stream of the draw's
    /// next after-draw key.
    pub fn pick_supplement<'p>(
        &self,
        commitment: &CommitmentPayload,
        seed: &[u8; 32],
        inputs: &PickInputs<'p>,
        class: CreditClass,
    ) -> Result<(u64, &'p Entity, Vec<Pick>), AfterDrawError> {
        let rank = self.next_rank(commitment, seed, class)?;
        let entity = usize::try_from(rank)
            .ok()
            .and_then(|r| inputs.pool.class(class).get(r))
            .ok_or(AfterDrawError::NotInPool { class, rank })?;
        if self.index.contains_key(&entity.uscc) {
            return Err(AfterDrawError::AlreadyListed { uscc: entity.uscc });
        }
        let empty = History::new();
        let ctx = context(self, commitment, inputs, &empty)?;
        let team = pick_supplement_team(&ctx, &self.next_key(seed), entity)?;
        Ok((rank, entity, team))
    }
}
