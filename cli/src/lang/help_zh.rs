//! The help of every command and flag in Chinese.
//!
//! [`HELP`] holds one row per command (argument id `""`: the command's
//! one-line description) and per flag or argument. A command path is the
//! subcommand names from the top, space-separated (`""` for the tool itself,
//! `"witness serve"`). Path `"*"` gives the help of a flag that several
//! commands share under one id (`encoding`, `chain`, ...), used where no row
//! names the command itself. The test below keeps the table complete: every
//! command and flag has Chinese help, and no row names one that is gone.

/// (command path, argument id or `""`, Chinese help).
pub const HELP: &[(&str, &str, &str)] = &[
    ("", "", "可证明的“双随机、一公开”抽查抽取。"),
    (
        "",
        "quiet",
        "不显示进度（只在标准错误输出是终端时才显示）。",
    ),
    (
        "",
        "lang",
        "提示和帮助的语言：zh 为中文，en 为英文（未给时按 DOUBLE_RANDOM_LANG、LC_ALL、LC_MESSAGES、LANG）。",
    ),
];

/// The Chinese one-line description of the command at `path`.
pub fn about(path: &str) -> Option<&'static str> {
    HELP.iter()
        .find(|(p, id, _)| *p == path && id.is_empty())
        .map(|(_, _, text)| *text)
}

/// The Chinese help of flag or argument `id` of the command at `path`.
pub fn arg(path: &str, id: &str) -> Option<&'static str> {
    let find = |p: &str| {
        HELP.iter()
            .find(|(hp, hid, _)| *hp == p && *hid == id)
            .map(|(_, _, text)| *text)
    };
    find(path).or_else(|| find("*"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Cli;
    use clap::CommandFactory;

    /// Every command and flag of the command line as (path, id, English help).
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String, String)>) {
        let about = cmd.get_about().map(|s| s.to_string()).unwrap_or_default();
        out.push((path.to_owned(), String::new(), about));
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let help = a.get_help().map(|s| s.to_string()).unwrap_or_default();
            out.push((path.to_owned(), id.to_owned(), help));
        }
        for s in cmd.get_subcommands() {
            let p = if path.is_empty() {
                s.get_name().to_owned()
            } else {
                format!("{path} {}", s.get_name())
            };
            walk(s, &p, out);
        }
    }

    fn all() -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        walk(&Cli::command(), "", &mut out);
        out
    }

    #[test]
    fn every_command_and_flag_has_chinese_help() {
        let missing: Vec<String> = all()
            .into_iter()
            .filter(|(path, id, _)| {
                if id.is_empty() {
                    about(path).is_none()
                } else {
                    arg(path, id).is_none()
                }
            })
            .map(|(path, id, en)| format!("(\"{path}\", \"{id}\", \"\"), // {en}"))
            .collect();
        assert!(
            missing.is_empty(),
            "no Chinese help for:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn no_row_names_a_command_or_flag_that_is_gone() {
        let all = all();
        for (path, id, _) in HELP {
            let known = if *path == "*" {
                all.iter().any(|(_, i, _)| i == id)
            } else {
                all.iter().any(|(p, i, _)| p == path && i == id)
            };
            assert!(known, "stale row (\"{path}\", \"{id}\")");
        }
        let mut seen = std::collections::HashSet::new();
        for (path, id, _) in HELP {
            assert!(seen.insert((path, id)), "row (\"{path}\", \"{id}\") twice");
        }
    }

    #[test]
    fn every_row_is_chinese_text() {
        for (path, id, text) in HELP {
            assert!(!text.trim().is_empty(), "({path}, {id}) is empty");
            assert!(
                text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "({path}, {id}) has no Chinese: {text}"
            );
        }
    }
}
