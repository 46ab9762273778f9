//! `same-name-team` (warning, full level; docs/FORMAT.md §7): a team
//! holding two officers whose names read the same.
//!
//! One officer entered twice under two ids ("one officer, two seats") is
//! drawn as two team members: the team then has one inspector where the
//! rules demand at least two. The register rules refuse the usual ways of
//! making two ids of one certificate number (invisible characters,
//! look-alike letters; docs/columns.md), but an office can still give one
//! person two numbers. The verifier cannot tell that from two colleagues
//! who share a common name (张伟 is the most common name in China), so it
//! reports the team for a reader to ask about, and does not fail the chain.
//! Names are compared as they read: NFKC, without white space, by UTS 39
//! skeleton ([`crate::registers::text::name_key`]).

use std::collections::HashMap;

use crate::assignment::Team;
use crate::checks::{Finding, FindingSeverity};
use crate::registers::{InspectorRegister, text};

/// One warning per team with two members of one name (those in the register).
pub(super) fn same_name_teams(teams: &[Team], inspectors: &InspectorRegister) -> Vec<Finding> {
    let mut out = Vec::new();
    // Each officer's name key once (a large draw has tens of thousands of
    // teams from a few thousand officers).
    let keys: Vec<String> = inspectors
        .inspectors()
        .iter()
        .map(|i| text::name_key(&i.name))
        .collect();
    for t in teams {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for id in &t.inspectors {
            let Some(at) = inspectors.index_of(id) else {
                continue;
            };
            let (Some(officer), Some(key)) = (inspectors.inspectors().get(at), keys.get(at)) else {
                continue;
            };
            match seen.get(key.as_str()) {
                Some(&first) if first != id.as_str() => {
                    let same_department = inspectors.get(first).is_some_and(|f| {
                        text::name_key(&f.department) == text::name_key(&officer.department)
                    });
                    let name = text::visible(&officer.name);
                    let department = same_department.then(|| text::visible(&officer.department));
                    let (fewer, fewer_zh) = fewer_people(t.inspectors.len());
                    out.push(Finding {
                        severity: FindingSeverity::Warning,
                        check: "same-name-team",
                        line: None,
                        sequence: None,
                        record: None,
                        message: format!(
                            "entity {}: officers {first} and {id} are both named {name}{}: two people, or one person with two ids? ({fewer})",
                            t.uscc,
                            department
                                .as_ref()
                                .map_or(String::new(), |d| format!(", both of {d}")),
                        ),
                        message_zh: Some(format!(
                            "检查对象 {}：执法检查人员 {first} 和 {id} 姓名相同，都叫 {name}{}：是两个人，还是同一个人有两个编号？（{fewer_zh}）",
                            t.uscc,
                            department
                                .as_ref()
                                .map_or(String::new(), |d| format!("，都属于{d}")),
                        )),
                    });
                }
                Some(_) => {}
                None => {
                    seen.insert(key.as_str(), id);
                }
            }
        }
    }
    out
}

/// What a team of `size` drawn places may really be when two of its
/// officers are one person, in English and in Chinese.
fn fewer_people(size: usize) -> (String, String) {
    if size <= 2 {
        (
            "the team may have one inspector where two are required".into(),
            "该检查组可能只有一名检查人员，而规定要求两名".into(),
        )
    } else {
        let people = size - 1;
        (
            format!("the team may have {people} inspectors where {size} were drawn"),
            format!("该检查组抽取了 {size} 名检查人员，实际可能只有 {people} 名"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registers::{Inspector, Uscc, UsccPolicy};

    fn officer(id: &str, name: &str, department: &str) -> Inspector {
        Inspector {
            id: id.into(),
            name: name.into(),
            department: department.into(),
            region: String::new(),
            expertise: Vec::new(),
            cert_valid_from: None,
            cert_valid_to: None,
        }
    }

    #[test]
    fn teams_with_two_officers_who_read_the_same_are_named() {
        let inspectors = InspectorRegister::new(vec![
            officer("ZF-1", "张伟", "第一股"),
            officer("ZF-2", "张 伟", "第一股"),
            officer("ZF-3", "张伟", "第二股"),
            officer("ZF-4", "李娜", "第一股"),
        ])
        .unwrap();
        let uscc = Uscc::parse("91350100M000100Y43", UsccPolicy::Strict).unwrap();
        let team = |ids: &[&str]| Team {
            uscc,
            inspectors: ids.iter().map(|&i| i.to_owned()).collect(),
        };
        let teams = [
            team(&["ZF-1", "ZF-2"]),
            team(&["ZF-1", "ZF-4"]),
            team(&["ZF-3", "ZF-1"]),
            team(&["ZF-4", "ZF-9"]),
        ];
        let found = same_name_teams(&teams, &inspectors);
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(found.len(), 2, "{messages:?}");
        assert!(
            found
                .iter()
                .all(|f| f.check == "same-name-team" && f.severity == FindingSeverity::Warning)
        );
        assert!(
            messages[0].contains("officers ZF-1 and ZF-2")
                && messages[0].contains("both of 第一股"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("officers ZF-3 and ZF-1") && !messages[1].contains("both of"),
            "{}",
            messages[1]
        );
        assert!(
            messages[0].ends_with("(the team may have one inspector where two are required)"),
            "{}",
            messages[0]
        );
    }

    #[test]
    fn a_larger_team_is_said_to_be_one_person_short_not_two() {
        let inspectors = InspectorRegister::new(vec![
            officer("ZF-1", "张伟", "第一股"),
            officer("ZF-2", "张伟", "第二股"),
            officer("ZF-3", "李娜", "第三股"),
        ])
        .unwrap();
        let team = Team {
            uscc: Uscc::parse("91350100M000100Y43", UsccPolicy::Strict).unwrap(),
            inspectors: vec!["ZF-1".into(), "ZF-3".into(), "ZF-2".into()],
        };
        let found = same_name_teams(&[team], &inspectors);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .ends_with("(the team may have 2 inspectors where 3 were drawn)"),
            "{}",
            found[0].message
        );
        let zh = found[0].message_zh.as_deref().unwrap_or_default();
        assert!(
            zh.ends_with("（该检查组抽取了 3 名检查人员，实际可能只有 2 名）"),
            "{zh}"
        );
    }
}
