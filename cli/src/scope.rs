//! A task's scope (定向抽查) in words, for `plan`, `year` and the notice.

use double_random::registers::{DEFAULT_STATUSES, RegistrationStatus, Scope};

/// Whether the statuses are the default ones (the four still in business).
fn default_statuses(scope: &Scope) -> bool {
    scope
        .statuses
        .iter()
        .map(String::as_str)
        .eq(DEFAULT_STATUSES)
}

/// The scope's restrictions in English, one `name: values` per list that
/// restricts; `["the whole register"]` when none does.
pub fn english(scope: &Scope) -> Vec<String> {
    let mut out = Vec::new();
    for (name, list) in [
        ("industries", &scope.industries),
        ("region prefixes", &scope.regions),
        ("entity types (USCC characters 1-2)", &scope.entity_types),
        ("target types", &scope.target_types),
    ] {
        if !list.is_empty() {
            out.push(format!("{name}: {}", list.join(", ")));
        }
    }
    if !scope.statuses.is_empty() {
        out.push(format!(
            "statuses: {}{}",
            scope.statuses.join(", "),
            if default_statuses(scope) {
                " (the default: still in business)"
            } else {
                ""
            }
        ));
    }
    if out.is_empty() {
        out.push("the whole register".to_owned());
    }
    out
}

/// The Chinese name of a status code, or the code itself.
pub fn status_name(code: &str) -> String {
    RegistrationStatus::from_code(code).map_or_else(|| code.to_owned(), |s| s.chinese_name().into())
}

/// The scope's restrictions in Chinese, one `名称：值` per list that
/// restricts; `["全部检查对象"]` when none does.
pub fn chinese(scope: &Scope) -> Vec<String> {
    let mut out = Vec::new();
    for (name, list) in [
        ("行业", &scope.industries),
        ("行政区划代码前缀", &scope.regions),
        ("主体类型（统一社会信用代码第1-2位）", &scope.entity_types),
        ("检查对象类型", &scope.target_types),
    ] {
        if !list.is_empty() {
            out.push(format!("{name}：{}", list.join("、")));
        }
    }
    if !scope.statuses.is_empty() {
        let names: Vec<String> = scope.statuses.iter().map(|s| status_name(s)).collect();
        out.push(format!(
            "登记状态：{}{}",
            names.join("、"),
            if default_statuses(scope) {
                "（默认：仍在经营）"
            } else {
                ""
            }
        ));
    }
    if out.is_empty() {
        out.push("全部检查对象".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_a_scope() {
        let s = Scope::everything_in_business();
        assert_eq!(
            english(&s),
            [
                "statuses: abnormal-list, active, serious-violation-list, suspended (the default: still in business)"
            ]
        );
        assert_eq!(
            chinese(&s),
            ["登记状态：列入经营异常名录、存续、列入严重违法失信名单、歇业（默认：仍在经营）"]
        );
        assert_eq!(english(&Scope::default()), ["the whole register"]);
        assert_eq!(chinese(&Scope::default()), ["全部检查对象"]);
        let s = Scope {
            industries: vec!["河道采砂".into()],
            statuses: vec!["active".into()],
            ..Scope::default()
        };
        assert_eq!(english(&s), ["industries: 河道采砂", "statuses: active"]);
        assert_eq!(chinese(&s), ["行业：河道采砂", "登记状态：存续"]);
    }
}
