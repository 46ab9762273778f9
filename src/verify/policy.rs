//! Randomness policies: which kinds of randomness a verification accepts
//! (docs/auditing.md, "Strict verification").
//!
//! The format admits three randomness plans (FORMAT §5.1): a drand beacon
//! round, a public ceremony and local randomness. Only the first can be
//! checked by anyone, and only witnesses can show that the commitment was
//! public before the round (docs/spec/witness.md). By default the verifier
//! reports the weaker plans as warnings (`local-randomness`,
//! `ceremony-randomness`, `unwitnessed`); an auditor who accepts nothing
//! short of witnessed drand applies [`RandomnessPolicy::WitnessedDrand`] to
//! the report, which turns them into errors.

use crate::checks::{Finding, FindingSeverity};

use super::Report;

/// Which randomness a verification accepts. The weaker policy is the
/// default, as the format defines it; an auditor chooses the stricter one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RandomnessPolicy {
    /// Every plan of the format: local and ceremony randomness and
    /// unwitnessed draws are warnings (the default).
    #[default]
    AnyPlan,
    /// Only drand randomness whose commitment enough trusted witnesses
    /// cosigned before the round: local randomness, ceremonies, draws made
    /// `unwitnessed`, and any draw when no witness evidence was checked, are
    /// errors.
    WitnessedDrand,
}

impl RandomnessPolicy {
    /// `any-plan` or `witnessed-drand`.
    pub const fn name(self) -> &'static str {
        match self {
            RandomnessPolicy::AnyPlan => "any-plan",
            RandomnessPolicy::WitnessedDrand => "witnessed-drand",
        }
    }
}

/// The warnings [`RandomnessPolicy::WitnessedDrand`] makes errors.
const WEAK_RANDOMNESS: [&str; 4] = [
    "local-randomness",
    "ceremony-randomness",
    "unwitnessed",
    // Local randomness has no time a witness could place the commitment before.
    "commitment-witnessed",
];

/// Applies a policy to a verifier's report: under
/// [`RandomnessPolicy::WitnessedDrand`] the findings of weaker randomness
/// become errors, and a report with draws but no witness evidence gets the
/// error `randomness-policy`. [`RandomnessPolicy::AnyPlan`] changes nothing.
pub fn apply_randomness_policy(report: &mut Report, policy: RandomnessPolicy) {
    if policy == RandomnessPolicy::AnyPlan {
        return;
    }
    for f in &mut report.findings {
        if f.severity == FindingSeverity::Warning && WEAK_RANDOMNESS.contains(&f.check) {
            f.severity = FindingSeverity::Error;
            f.message = format!("{} (an error under the witnessed-drand policy)", f.message);
            f.message_zh = f
                .message_zh
                .as_ref()
                .map(|zh| format!("{zh}（在 witnessed-drand 策略下为错误）"));
        }
    }
    if report.draws > 0 && !report.witnesses_checked {
        report.findings.push(Finding {
            severity: FindingSeverity::Error,
            check: "randomness-policy",
            line: None,
            sequence: None,
            record: None,
            message: format!(
                "the witnessed-drand policy accepts a draw only when trusted witnesses cosigned its commitment before the drand round, and no witness evidence was checked for the {} draw(s): give the witness keys and the cosignature file",
                report.draws
            ),
            message_zh: Some(format!(
                "witnessed-drand 策略只接受其承诺在 drand 轮次之前已由受信任见证方副署的抽取，而这 {} 次抽取都未核验任何见证证据：请提供见证方公钥和副署文件",
                report.draws
            )),
        });
    }
}
