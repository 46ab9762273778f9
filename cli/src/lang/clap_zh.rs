//! The command line in Chinese: clap's command definition with every
//! command's and flag's help from [`super::help_zh`], Chinese headings, and
//! clap's own errors rendered in Chinese.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory};

use super::{Lang, help_zh};
use crate::app::Cli;

/// The tool's command line in `lang`: the derive's definition, with the help
/// and the parser's headings in Chinese for [`Lang::Zh`].
pub fn command(lang: Lang) -> Command {
    let cmd = Cli::command();
    match lang {
        Lang::En => cmd,
        Lang::Zh => localize(cmd, "", true),
    }
}

const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

fn localize(mut cmd: Command, path: &str, root: bool) -> Command {
    if let Some(about) = help_zh::about(path) {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let text = help_zh::arg(path, &id);
        cmd = cmd.mut_arg(id.as_str(), |a| localize_arg(a, text));
    }
    cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助（-h 为摘要，--help 为全文）")
                .help_heading("选项"),
        );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(name.as_str(), |s| localize(s, &sub_path, false));
    }
    cmd
}

fn localize_arg(mut a: Arg, text: Option<&'static str>) -> Arg {
    let mut help = text.map(str::to_owned);
    if let Some(h) = help.as_mut() {
        // clap writes "[default: …]" and "[possible values: …]" in English;
        // they are given in Chinese here instead.
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_owned())
            .collect();
        let takes_value = a.get_action().takes_values();
        if takes_value && !values.is_empty() {
            h.push_str(&format!("（可选：{}）", values.join("、")));
        }
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if takes_value && !defaults.is_empty() && !a.is_hide_default_value_set() {
            h.push_str(&format!("（默认：{}）", defaults.join(" ")));
        }
        a = a.help(h.clone()).long_help(None::<&str>);
        if takes_value {
            a = a.hide_possible_values(true).hide_default_value(true);
        }
    }
    let heading = if a.is_positional() {
        "参数"
    } else {
        "选项"
    };
    if a.get_help_heading().is_none() {
        a = a.help_heading(heading);
    }
    a
}

/// A parser error in Chinese: what is wrong, the usage line, and where to
/// read more. Help and version requests are not errors and are not passed
/// here.
pub fn parse_error(e: &clap::Error) -> String {
    let get = |k: ContextKind| e.get(k);
    let text = |k: ContextKind| match get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut msg = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = text(ContextKind::ValidValue)
                .map(|v| format!("；可用的值：{v}"))
                .unwrap_or_default();
            if value.is_empty() {
                format!("{arg} 需要一个值{valid}")
            } else {
                format!("{arg} 的值 “{value}” 无效{valid}")
            }
        }
        ErrorKind::UnknownArgument => format!("不认识的参数 “{arg}”"),
        ErrorKind::InvalidSubcommand => {
            let name = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("没有 “{name}” 这个命令（运行 double-random --help 查看所有命令）")
        }
        ErrorKind::NoEquals => format!("{arg} 的值须用 = 连接"),
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(e);
            let why = match source.and_then(|s| s.downcast_ref::<crate::when::TimeTextError>()) {
                Some(t) => super::Zh::zh(t),
                None => source.map(ToString::to_string).unwrap_or_default(),
            };
            format!("{arg} 的值 “{value}” 无效：{why}")
        }
        ErrorKind::TooManyValues => format!("{arg} 给的值太多（“{value}” 是多余的）"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let want = text(ContextKind::ExpectedNumValues).unwrap_or_default();
            let got = text(ContextKind::ActualNumValues).unwrap_or_default();
            format!("{arg} 需要 {want} 个值，给了 {got} 个")
        }
        ErrorKind::ArgumentConflict => {
            let prior = text(ContextKind::PriorArg).unwrap_or_default();
            if prior.is_empty() || prior == arg {
                format!("{arg} 只能给一次")
            } else {
                format!("{arg} 不能与 {prior} 同时使用")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令（运行 double-random --help 查看所有命令）".into(),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".into(),
        _ => {
            // Anything else keeps clap's English explanation.
            let full = e.to_string();
            let first = full.lines().next().unwrap_or_default();
            first.trim_start_matches("error: ").to_owned()
        }
    };
    for (kind, label) in [
        (ContextKind::SuggestedSubcommand, "是否想用命令"),
        (ContextKind::SuggestedArg, "是否想用"),
    ] {
        if let Some(s) = text(kind) {
            msg.push_str(&format!(
                "\n  提示：{label} “{}”？",
                s.replace("、", "” 或 “")
            ));
        }
    }
    if let Some(usage) = text(ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage
            .strip_prefix("Usage:")
            .or_else(|| usage.strip_prefix("用法："))
            .unwrap_or(usage)
            .trim();
        msg.push_str(&format!("\n\n用法：{usage}"));
    }
    msg.push_str("\n\n更多信息请加 --help");
    msg
}
