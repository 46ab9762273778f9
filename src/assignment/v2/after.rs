//! Picks after a draw (docs/spec/assignment.md, Part III): the officer who
//! takes a place an officer leaves (inspector replacement), and the team of
//! a supplementary entity (补充抽取). The same eligibility as version 2
//! (§V2.5), the least-loaded rule and `uniform` on a stream the office
//! cannot choose: the key [`crate::sampling::after_draw_key`] of the draw's
//! seed and the number of earlier after-draw records of the draw.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::num::NonZeroU64;

use serde::Serialize;
use time::Date;

use super::{Plan, RulesError, TeamRules, holds_all};
use crate::assignment::History;
use crate::registers::uscc::Uscc;
use crate::registers::{ConflictRegister, Entity, InspectorRegister};
use crate::sampling::{AFTER_DRAW_STREAM, keystream, uniform_below};

/// What a pick after the draw depends on besides the entity: the
/// committed registers and rules, and the draw's teams as amended so far.
#[derive(Clone, Copy, Debug)]
pub struct PickContext<'a> {
    /// The committed inspector register.
    pub inspectors: &'a InspectorRegister,
    /// The committed conflicts (回避).
    pub conflicts: &'a ConflictRegister,
    /// The committed team rules.
    pub rules: &'a TeamRules,
    /// The committed inspection date: certificates must be valid on it.
    pub date: Date,
    /// The teams of the draw the commitment's `history` names (required
    /// when the rules rotate; an empty history for a first draw).
    pub history: Option<&'a History>,
    /// Places each officer holds now, over every team of the draw (the
    /// drawn entities' teams after earlier replacements, plus the teams of
    /// earlier supplements); an id not listed holds none.
    pub loads: &'a HashMap<String, u32>,
    /// Officers who left a team of this draw for illness or transfer: no
    /// candidate for any later pick of the draw.
    pub unavailable: &'a HashSet<String>,
}

/// One officer picked after the draw.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Pick {
    /// The officer's id.
    pub officer: String,
    /// Whether every candidate was at the workload cap, so the pick takes
    /// the officer over it (a warning, `over-cap`).
    pub over_cap: bool,
}

/// How the officers of a place's department(s) fail a pick after the
/// draw: each counted once, under the first rule it fails, in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PickBreakdown {
    /// Officers of the place's department (any task department for an open place).
    pub total: u32,
    /// Lacking a tag of the place.
    pub lacks_expertise: u32,
    /// No certificate valid on the inspection date.
    pub expired: u32,
    /// A declared conflict with the entity.
    pub conflicted: u32,
    /// Their jurisdiction covers the entity's region (cross-jurisdiction).
    pub same_jurisdiction: u32,
    /// On the entity's team in the rotation history.
    pub rotation: u32,
    /// Already on the entity's team.
    pub on_team: u32,
    /// Left this entity's team, or left a team of the draw for illness or transfer.
    pub left: u32,
}

impl fmt::Display for PickBreakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} officer(s) of the place's department(s)", self.total)?;
        for (n, what) in [
            (self.lacks_expertise, "lack the place's expertise"),
            (
                self.expired,
                "hold no certificate valid on the inspection date",
            ),
            (self.conflicted, "declared a conflict with the entity"),
            (
                self.same_jurisdiction,
                "have the entity in their jurisdiction",
            ),
            (self.rotation, "inspected it last time (rotation)"),
            (self.on_team, "are already on its team"),
            (
                self.left,
                "left its team, or left the draw (illness, transfer)",
            ),
        ] {
            if n > 0 {
                write!(f, "; {n} {what}")?;
            }
        }
        Ok(())
    }
}

impl PickBreakdown {
    /// The breakdown in Chinese, for the verifier's findings.
    pub(crate) fn message_zh(&self) -> String {
        let mut out = format!("该位置所属部门共有 {} 名执法检查人员", self.total);
        for (n, what) in [
            (self.lacks_expertise, "不具备该位置要求的专业领域"),
            (self.expired, "在检查日期没有有效的执法证"),
            (self.conflicted, "已申报与该检查对象存在需回避的关系"),
            (self.same_jurisdiction, "的辖区包含该检查对象"),
            (self.rotation, "上次检查过该对象（轮换）"),
            (self.on_team, "已在其检查组中"),
            (self.left, "已退出其检查组，或因病、调动退出本次抽取"),
        ] {
            if n > 0 {
                out.push_str(&format!("；其中 {n} 名{what}"));
            }
        }
        out
    }
}

impl PickError {
    /// The error in Chinese, for the verifier's findings (a rules error
    /// keeps its English text).
    pub(crate) fn message_zh(&self) -> String {
        match self {
            PickError::Rules(e) => format!("检查组规则：{e}"),
            PickError::HistoryMissing => {
                "轮换规则为 avoid-previous-team，但未提供历史记录；请提供承诺的 history 所指抽取的检查组".into()
            }
            PickError::RegionUnknown { uscc } => {
                format!("检查对象 {uscc} 没有所属区域，无法对其执行所所交叉")
            }
            PickError::PlaceOutOfRange { place, places } => format!(
                "位置 {place} 不存在：检查组有 {places} 个位置（0 至 {}）",
                places.saturating_sub(1)
            ),
            PickError::NoCandidate {
                uscc,
                place,
                breakdown,
            } => format!(
                "检查对象 {uscc}，位置 {place}：没有执法检查人员能担任该位置（{}）；无法生成该记录：请在新的承诺中增加符合条件的人员，或按现有检查组记录本次检查",
                breakdown.message_zh()
            ),
        }
    }
}

/// Why a pick after the draw cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PickError {
    /// The committed team rules are inconsistent.
    #[error("team rules: {0}")]
    Rules(#[from] RulesError),
    /// The rules rotate and no history was given.
    #[error(
        "rotation is avoid-previous-team but no history was given; pass the teams of the draw the commitment's history names"
    )]
    HistoryMissing,
    /// Cross-jurisdiction mode and an entity without a region.
    #[error(
        "entity {uscc} has no region, so cross-jurisdiction (所所交叉) cannot be enforced for it"
    )]
    RegionUnknown {
        /// The entity.
        uscc: Uscc,
    },
    /// The place is not one of the rules' places.
    #[error("place {place} does not exist: the team has {places} places (0 to {})", .places.saturating_sub(1))]
    PlaceOutOfRange {
        /// The place asked for.
        place: usize,
        /// The number of places.
        places: usize,
    },
    /// Nobody can take the place: every officer of the place's
    /// department(s) fails a rule, which `breakdown` counts.
    #[error(
        "entity {uscc}, place {place}: no officer can take the place ({breakdown}); the record cannot be made: add eligible officers to a new commitment, or record the check with the team as it is"
    )]
    NoCandidate {
        /// The entity.
        uscc: Uscc,
        /// The place.
        place: usize,
        /// How the officers fail.
        breakdown: PickBreakdown,
    },
}

/// One entity's exclusions and the plan: what every pick of it reads.
struct Picker<'p, 'a> {
    plan: &'p Plan<'a>,
    ex: super::Exclusions<'p>,
    ctx: &'p PickContext<'a>,
    load: Vec<u32>,
    unavailable: Vec<bool>,
}

impl<'p, 'a> Picker<'p, 'a> {
    fn new(
        plan: &'p Plan<'a>,
        ctx: &'p PickContext<'a>,
        entity: &'p Entity,
    ) -> Result<Self, PickError> {
        if plan.rotation && ctx.history.is_none() {
            return Err(PickError::HistoryMissing);
        }
        if plan.cross && entity.region().is_empty() {
            return Err(PickError::RegionUnknown { uscc: entity.uscc });
        }
        let mut conflicted: Vec<usize> = ctx
            .conflicts
            .conflicts()
            .iter()
            .filter(|c| c.uscc == entity.uscc)
            .filter_map(|c| ctx.inspectors.index_of(&c.inspector_id))
            .collect();
        conflicted.sort_unstable();
        conflicted.dedup();
        let mut previous: Vec<usize> = match (plan.rotation, ctx.history) {
            (true, Some(h)) => h
                .previous_team(&entity.uscc)
                .iter()
                .filter_map(|id| ctx.inspectors.index_of(id))
                .collect(),
            _ => Vec::new(),
        };
        previous.sort_unstable();
        previous.dedup();
        let reg = plan.reg;
        Ok(Picker {
            plan,
            ex: super::Exclusions {
                region: entity.region(),
                conflicted,
                previous,
            },
            ctx,
            load: reg
                .iter()
                .map(|i| ctx.loads.get(&i.id).copied().unwrap_or(0))
                .collect(),
            unavailable: reg
                .iter()
                .map(|i| ctx.unavailable.contains(&i.id))
                .collect(),
        })
    }

    /// Register indices of ids (ids naming no officer are left out).
    fn indices<'x>(&self, ids: impl IntoIterator<Item = &'x String>) -> Vec<usize> {
        ids.into_iter()
            .filter_map(|id| self.ctx.inspectors.index_of(id))
            .collect()
    }

    /// The candidates of place `p`: eligible for the entity (§V2.5), not on
    /// the team, not among `left`, not unavailable for the draw.
    fn candidates(&self, p: usize, team: &[usize], left: &[usize]) -> Vec<usize> {
        self.plan
            .list(p)
            .iter()
            .copied()
            .filter(|&i| {
                self.plan.eligible(i, &self.ex)
                    && !team.contains(&i)
                    && !left.contains(&i)
                    && !self.unavailable[i]
            })
            .collect()
    }

    /// Picks for place `p`: the least-loaded candidate under the cap, one
    /// drawn by `uniform`; when every candidate is at the cap, the
    /// least-loaded of them (over the cap).
    fn pick(
        &self,
        rng: &mut rand_chacha::ChaCha20Rng,
        uscc: Uscc,
        p: usize,
        team: &[usize],
        left: &[usize],
    ) -> Result<(usize, bool), PickError> {
        let all = self.candidates(p, team, left);
        let under: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| !self.plan.at_cap(self.load[i]))
            .collect();
        let (pool, over_cap) = if under.is_empty() {
            (all, true)
        } else {
            (under, false)
        };
        let Some(min) = pool.iter().map(|&i| self.load[i]).min() else {
            return Err(PickError::NoCandidate {
                uscc,
                place: p,
                breakdown: self.breakdown(p, team, left),
            });
        };
        let ties: Vec<usize> = pool.into_iter().filter(|&i| self.load[i] == min).collect();
        let n = NonZeroU64::new(ties.len() as u64).ok_or(PickError::NoCandidate {
            uscc,
            place: p,
            breakdown: self.breakdown(p, team, left),
        })?;
        // uniform_below(n) < n = ties.len().
        let i = ties[uniform_below(rng, n) as usize];
        Ok((i, over_cap))
    }

    fn breakdown(&self, p: usize, team: &[usize], left: &[usize]) -> PickBreakdown {
        let plan = self.plan;
        let ex = &self.ex;
        let mut b = PickBreakdown::default();
        let inc = |x: &mut u32| *x = x.saturating_add(1);
        for i in 0..plan.reg.len() {
            if !plan.in_department(i, plan.place_dept[p]) {
                continue;
            }
            inc(&mut b.total);
            if !holds_all(&plan.reg[i], &plan.place_tags[p]) {
                inc(&mut b.lacks_expertise);
            } else if !plan.valid[i] {
                inc(&mut b.expired);
            } else if ex.conflicted.binary_search(&i).is_ok() {
                inc(&mut b.conflicted);
            } else if plan.same_jurisdiction(i, ex) {
                inc(&mut b.same_jurisdiction);
            } else if plan.rotation_excludes(i, ex) {
                inc(&mut b.rotation);
            } else if team.contains(&i) {
                inc(&mut b.on_team);
            } else if left.contains(&i) || self.unavailable[i] {
                inc(&mut b.left);
            }
        }
        b
    }
}

/// The officer who takes place `place` of `entity`'s team when the officer
/// holding it leaves (inspector replacement, docs/spec/assignment.md §A.3).
///
/// `key` is [`crate::sampling::after_draw_key`] of the draw's seed and the
/// number of the draw's earlier after-draw records; one `uniform` is read
/// from its stream [`AFTER_DRAW_STREAM`]. `team` is the entity's current
/// team in place order, the leaving officer included; `left` the officers
/// who already left this entity's team. A candidate is eligible for the
/// place by §V2.5 (department and tags of the place, certificate valid on
/// the committed date, no declared conflict, jurisdiction, rotation), not
/// on the team, not in `left`, not unavailable for the draw. The
/// least-loaded candidate under the cap is picked (one drawn uniformly
/// among ties); when all are at the cap, the least-loaded over it, and
/// [`Pick::over_cap`] says so.
///
/// # Errors
///
/// [`PickError::NoCandidate`] when nobody can take the place, naming how
/// the department's officers fail; the rules' own errors before that.
pub fn pick_replacement(
    ctx: &PickContext<'_>,
    key: &[u8; 32],
    entity: &Entity,
    place: usize,
    team: &[String],
    left: &[String],
) -> Result<Pick, PickError> {
    let plan = Plan::new(ctx.inspectors, ctx.rules, ctx.date)?;
    if place >= plan.s {
        return Err(PickError::PlaceOutOfRange {
            place,
            places: plan.s,
        });
    }
    let picker = Picker::new(&plan, ctx, entity)?;
    let team = picker.indices(team);
    let left = picker.indices(left);
    let mut rng = keystream(key, AFTER_DRAW_STREAM);
    let (i, over_cap) = picker.pick(&mut rng, entity.uscc, place, &team, &left)?;
    Ok(Pick {
        officer: plan.reg[i].id.clone(),
        over_cap,
    })
}

/// The team of a supplementary entity (补充抽取, §A.4): its places filled in
/// order, each by the rule of [`pick_replacement`] (one `uniform` per place
/// on the stream of `key`), the officers picked for earlier places counting
/// as on the team and their loads growing by one. No search moves an
/// officer between places: a place nobody can take makes the supplement
/// impossible ([`PickError::NoCandidate`]).
pub fn pick_supplement_team(
    ctx: &PickContext<'_>,
    key: &[u8; 32],
    entity: &Entity,
) -> Result<Vec<Pick>, PickError> {
    let plan = Plan::new(ctx.inspectors, ctx.rules, ctx.date)?;
    let mut picker = Picker::new(&plan, ctx, entity)?;
    let mut rng = keystream(key, AFTER_DRAW_STREAM);
    let mut team: Vec<usize> = Vec::with_capacity(plan.s);
    let mut out = Vec::with_capacity(plan.s);
    for p in 0..plan.s {
        let (i, over_cap) = picker.pick(&mut rng, entity.uscc, p, &team, &[])?;
        team.push(i);
        picker.load[i] = picker.load[i].saturating_add(1);
        out.push(Pick {
            officer: plan.reg[i].id.clone(),
            over_cap,
        });
    }
    Ok(out)
}
