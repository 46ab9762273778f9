//! Chinese messages for the library's errors ([`super::Zh`]).
//!
//! One implementation per public error type of the `double-random` crate
//! (and for [`double_random::registers::Rule`], the rule a register row
//! breaks), written variant by variant with the error's typed fields. An
//! error that carries another library error gives that one's Chinese. A
//! variant that a later version of a `#[non_exhaustive]` library enum adds
//! falls back to its English text; so does a reason the library gives as a
//! fixed English phrase that this module does not know.
//!
//! What stays as it is: identifiers, flag and file names, formats, hex
//! values, key ids, record ids, codes, and messages that come from
//! elsewhere (a JSON parser's description, a verifier finding's text, an
//! operating-system error).

mod assignment;
mod calendar;
mod commitment;
mod draw;
mod ledger;
mod records;
mod registers;
mod sampling;
mod witness;
#[cfg(feature = "witness")]
mod witness_service;

#[cfg(test)]
mod tests;

use double_random::Base64Error;
use double_random::calendar::{Timestamp, format_date};
use double_random::records::{FormatVersion, RecordId};
use double_random::registers::CreditClass;
use double_random::time::{Date, Weekday};

use super::Zh;

/// A date as the library writes it (`2024-06-03`).
fn date(d: Date) -> String {
    format_date(d)
}

/// A weekday in Chinese (`星期六`).
fn weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

/// A time as the records carry it (UTC), with Beijing time beside it.
fn time(t: Timestamp) -> String {
    format!("{t}（北京时间 {}）", t.beijing())
}

/// A credit-risk class: `C 类`.
fn class(c: CreditClass) -> String {
    format!("{c} 类")
}

/// A class given by its index 0..4: `C 类` (`? 类` out of range).
fn class_index(i: u8) -> String {
    format!("{} 类", double_random::sampling::class_letter(i))
}

/// A format version: `1`, `2`.
fn version(v: FormatVersion) -> String {
    match v {
        FormatVersion::V1 => "1".to_owned(),
        FormatVersion::V2 => "2".to_owned(),
        other => format!("{other:?}"),
    }
}

/// An optional record id: its hex, or `null`.
fn record_or_null(r: &Option<RecordId>) -> String {
    r.as_ref()
        .map_or_else(|| "null".to_owned(), RecordId::to_string)
}

/// Lowercase hex of a hash.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `commitment` or `draw`, as the library names which record it means.
fn which_record(which: &str) -> String {
    match which {
        "commitment" => "承诺".to_owned(),
        "draw" => "抽取".to_owned(),
        other => other.to_owned(),
    }
}

/// A record kind, as [`double_random::records::Record::kind`] names it.
fn record_kind(kind: &str) -> String {
    match kind {
        "commitment" => "承诺".to_owned(),
        "draw" => "抽取".to_owned(),
        "cancellation" => "撤销".to_owned(),
        "replacement" => "人员替换".to_owned(),
        "supplement" => "补充抽取".to_owned(),
        other => other.to_owned(),
    }
}

impl Zh for Base64Error {
    fn zh(&self) -> String {
        match self {
            Base64Error::Length { len } => {
                format!("长度为 {len} 字节，不是 4 的倍数（是否缺少填充符 `=`？）")
            }
            Base64Error::Character { offset, byte } => {
                format!("偏移 {offset} 处的字节 0x{byte:02x} 不在标准 base64 字母表中")
            }
            Base64Error::Padding { offset } => format!("偏移 {offset} 处的填充符 `=` 位置不对"),
            Base64Error::TrailingBits { offset } => {
                format!("偏移 {offset} 处的字符含有非零的多余位（不是规范编码）")
            }
            _ => self.to_string(),
        }
    }
}
