//! The language the tool speaks to its user: Chinese (简体中文) or English.
//!
//! Chosen once per process, before the command line is parsed, from (first
//! that is set): the `--lang` flag, the `DOUBLE_RANDOM_LANG` variable, then
//! the POSIX locale variables `LC_ALL`, `LC_MESSAGES` and `LANG`. A locale
//! or value starting with `zh` means Chinese; anything else (or nothing)
//! means English.
//!
//! What is translated: the help of every command and flag
//! ([`help_zh`]), the errors that stop a command ([`Zh`], implemented for
//! every error type a command can end with), the command-line parser's own
//! errors, and the summaries commands print for people. What is not: machine
//! output (`--json`, CSV, the chain and ledger files), which is the same in
//! every language, and the signed records, which carry no prose.
//!
//! The translations are Rust code, not a message catalogue read at run
//! time: a message takes the error's typed fields, a missing translation of
//! a variant of this crate's errors does not compile, and nothing can fail
//! to load. Errors of the library's `#[non_exhaustive]` enums that a later
//! version adds fall back to their English text.

use std::ffi::OsString;
use std::sync::atomic::{AtomicU8, Ordering};

use clap::ValueEnum;

mod clap_zh;
pub mod errors_zh;
pub mod help_zh;
pub mod lib_zh;

pub use clap_zh::{command, parse_error};

/// A language of the tool's messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English.
    #[default]
    #[value(name = "en", alias = "en-US", alias = "en_US", alias = "english")]
    En,
    /// Simplified Chinese (简体中文).
    #[value(
        name = "zh",
        alias = "zh-CN",
        alias = "zh_CN",
        alias = "zh-Hans",
        alias = "chinese",
        alias = "中文"
    )]
    Zh,
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Sets the language of this process's messages.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language of this process's messages (English until [`set`]).
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Zh,
        _ => Lang::En,
    }
}

/// True when messages are in Chinese.
pub fn zh() -> bool {
    current() == Lang::Zh
}

/// `zh` when messages are in Chinese, else `en`: the one-line way to give a
/// message in both languages where it is written.
pub fn pick<'a>(en: &'a str, zh: &'a str) -> &'a str {
    if self::zh() { zh } else { en }
}

/// The language asked for by the command line and the environment.
///
/// `args` are the process arguments (the program name first); `var` reads
/// an environment variable. `--lang X` and `--lang=X` are honoured before
/// `--` only; an unknown value is left for the parser to refuse (with the
/// environment's language meanwhile).
pub fn detect(args: &[OsString], var: impl Fn(&str) -> Option<String>) -> Lang {
    let mut flag = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let Some(a) = a.to_str() else { continue };
        if a == "--" {
            break;
        }
        if a == "--lang" {
            flag = it.next().and_then(|v| v.to_str()).map(str::to_owned);
        } else if let Some(v) = a.strip_prefix("--lang=") {
            flag = Some(v.to_owned());
        }
    }
    if let Some(lang) = flag.and_then(|v| Lang::from_str(&v, true).ok()) {
        return lang;
    }
    if let Some(v) = var("DOUBLE_RANDOM_LANG").filter(|v| !v.is_empty())
        && let Ok(lang) = Lang::from_str(&v, true)
    {
        return lang;
    }
    // POSIX: the first of LC_ALL, LC_MESSAGES, LANG that is set and not empty.
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| var(k).filter(|v| !v.is_empty()));
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// A message in Chinese for a value that has an English `Display`.
pub trait Zh {
    /// The Chinese message.
    fn zh(&self) -> String;
}

/// A verifier finding's message in the process's language (the English
/// one where no Chinese was written).
pub fn finding(f: &double_random::checks::Finding) -> &str {
    if zh() {
        f.message_in_chinese()
    } else {
        &f.message
    }
}

/// The message of `e` in the process's language.
pub fn message<E: Zh + std::fmt::Display + ?Sized>(e: &E) -> String {
    message_in(current(), e)
}

/// The message of `e` in `lang`.
pub fn message_in<E: Zh + std::fmt::Display + ?Sized>(lang: Lang, e: &E) -> String {
    match lang {
        Lang::Zh => e.zh(),
        Lang::En => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_with(args: &[&str], env: &[(&str, &str)]) -> Lang {
        let args: Vec<OsString> = std::iter::once("double-random")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        detect(&args, |k| {
            env.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn flag_then_variable_then_locale() {
        assert_eq!(detect_with(&[], &[]), Lang::En);
        assert_eq!(detect_with(&[], &[("LANG", "zh_CN.UTF-8")]), Lang::Zh);
        assert_eq!(detect_with(&[], &[("LANG", "C.UTF-8")]), Lang::En);
        // LC_ALL wins over LANG; an empty LC_ALL does not count.
        assert_eq!(
            detect_with(&[], &[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            detect_with(&[], &[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")]),
            Lang::Zh
        );
        assert_eq!(
            detect_with(&[], &[("LC_MESSAGES", "zh_TW"), ("LANG", "C")]),
            Lang::Zh
        );
        assert_eq!(
            detect_with(&[], &[("DOUBLE_RANDOM_LANG", "en"), ("LANG", "zh_CN")]),
            Lang::En
        );
        assert_eq!(
            detect_with(&["plan", "--lang", "zh"], &[("DOUBLE_RANDOM_LANG", "en")]),
            Lang::Zh
        );
        assert_eq!(
            detect_with(&["--lang=en", "plan"], &[("LANG", "zh_CN")]),
            Lang::En
        );
        assert_eq!(detect_with(&["--lang", "zh-CN"], &[]), Lang::Zh);
        assert_eq!(detect_with(&["--lang", "中文"], &[]), Lang::Zh);
        // After `--` it is an argument, not the flag; an unknown value
        // falls back to the environment (the parser refuses it).
        assert_eq!(detect_with(&["--", "--lang", "zh"], &[]), Lang::En);
        assert_eq!(
            detect_with(&["--lang", "fr"], &[("LANG", "zh_CN.UTF-8")]),
            Lang::Zh
        );
    }
}
