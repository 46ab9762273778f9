//! Records, envelopes, signatures and keys.

use double_random::records::{
    EnvelopeDecodeError, EnvelopeError, IssuerNameError, JsonLocation, KEY_ID_HEX_LEN,
    KeyFileError, MAX_ISSUER_LEN, PublicKeyError, RecordError, RecordIdError, SIGNATURE_LEN,
    SignatureError,
};

use super::{Zh, version};

/// The library's description of text that is not lowercase hex (as a
/// record id's `reason` carries it) in Chinese; an unknown one as given.
fn hex_reason(reason: &str) -> String {
    if let Some(len) = reason
        .strip_prefix("odd number of hex digits (")
        .and_then(|r| r.strip_suffix(')'))
    {
        return format!("十六进制数字的个数为奇数（{len}）");
    }
    if let Some((byte, offset)) = reason
        .strip_prefix("byte ")
        .and_then(|r| r.strip_suffix(" is not a lowercase hex digit"))
        .and_then(|r| r.split_once(" at offset "))
    {
        return format!("偏移 {offset} 处的字节 {byte} 不是小写十六进制数字");
    }
    if let Some((expected, rest)) = reason
        .strip_prefix("expected ")
        .and_then(|r| r.split_once(" bytes ("))
        && let Some((digits, actual)) = rest
            .strip_suffix(" bytes")
            .and_then(|r| r.split_once(" hex digits), found "))
    {
        return format!("应为 {expected} 字节（{digits} 位十六进制数字），实为 {actual} 字节");
    }
    reason.to_owned()
}

impl Zh for RecordIdError {
    fn zh(&self) -> String {
        format!(
            "{:?} 不是记录编号（记录编号为 64 位小写十六进制数字）：{}",
            self.text,
            hex_reason(&self.reason)
        )
    }
}

/// Where in an envelope's JSON: the envelope object, or `signatures[i]`.
fn location(l: &JsonLocation) -> String {
    match l {
        JsonLocation::Envelope => "信封".to_owned(),
        JsonLocation::Signature { index } => format!("signatures[{index}]"),
        other => other.to_string(),
    }
}

impl Zh for EnvelopeDecodeError {
    fn zh(&self) -> String {
        match self {
            EnvelopeDecodeError::Json {
                line,
                column,
                message,
            } => format!("信封 JSON 无效（第 {line} 行第 {column} 列）：{message}"),
            EnvelopeDecodeError::TrailingData { line, column } => {
                format!("信封之后还有多余的数据（第 {line} 行第 {column} 列）")
            }
            EnvelopeDecodeError::UnknownField { location: l, field } => {
                format!("{}：未知成员 {field:?}", location(l))
            }
            EnvelopeDecodeError::DuplicateField { location: l, field } => {
                format!("{}：成员 {field:?} 重复出现", location(l))
            }
            EnvelopeDecodeError::MissingField { location: l, field } => {
                format!("{}：缺少成员 {field:?}", location(l))
            }
            EnvelopeDecodeError::Base64 {
                location: l,
                field,
                source,
            } => format!(
                "{}：成员 {field:?} 不是规范的 base64：{}",
                location(l),
                source.zh()
            ),
            EnvelopeDecodeError::KeyIdFormat { index } => {
                format!("signatures[{index}]：keyid 不是 {KEY_ID_HEX_LEN} 位小写十六进制字符")
            }
            EnvelopeDecodeError::SignatureLength { index, len } => {
                format!("signatures[{index}]：签名为 {len} 字节，应为 {SIGNATURE_LEN} 字节")
            }
            EnvelopeDecodeError::NoSignatures => "信封中没有签名".to_owned(),
            _ => self.to_string(),
        }
    }
}

impl Zh for EnvelopeError {
    fn zh(&self) -> String {
        match self {
            EnvelopeError::PayloadTypeMismatch { expected, found } => {
                format!("载荷类型为 {found:?}，应为 {expected:?}")
            }
            EnvelopeError::NoSignatureForKey { key_id } => {
                format!("没有密钥 {key_id} 的签名")
            }
            EnvelopeError::DuplicateKeyId { key_id } => {
                format!("有不止一个签名声称属于密钥 {key_id}")
            }
            EnvelopeError::BadSignature { key_id } => {
                format!("密钥 {key_id} 的签名验证不通过")
            }
            EnvelopeError::NoKeys => "没有给出用于验证的公钥".to_owned(),
            _ => self.to_string(),
        }
    }
}

/// What a format version cannot express, as the library's encoders say it.
fn not_expressible(reason: &str) -> String {
    match reason {
        "version-2 team rules" => "第 2 版的检查组规则",
        "version-1 team rules" => "第 1 版的检查组规则",
        "a scope or master register" => "范围或主名录库",
        "an exclusion, a top-up policy or a supplement limit" => {
            "排除已抽对象、补足规则或补充抽取次数上限"
        }
        "a draw without its inspection date, or with witnessing" => {
            "没有检查日期或带有见证声明的抽取"
        }
        "an after-draw record (format version 2 only)" => "抽取后记录（仅格式版本 2 有）",
        "a commitment without scope, master register, inspection date or supplement limit" => {
            "缺少范围、主名录库、检查日期或补充抽取次数上限的承诺"
        }
        "a draw without its witnessing statement" => "没有见证声明的抽取",
        "teams that are not one per drawn entity" => "并非每个抽中对象各一个的检查组",
        "a result without its department and check items" => "没有股室和抽查事项的结果",
        "the joined category deregistered (version 1): use deregistration, licence-revoked, registration-revoked or moved-out" => {
            "第 1 版的合并类别 deregistered：请改用 deregistration、licence-revoked、registration-revoked 或 moved-out"
        }
        "a department or check items (version 2)" => "股室或抽查事项（第 2 版）",
        "a result category of version 2" => "第 2 版的结果类别",
        "follow-up progress (version 2 only)" => "后续处置进展（仅第 2 版有）",
        other => other,
    }
    .to_owned()
}

impl Zh for RecordError {
    fn zh(&self) -> String {
        match self {
            RecordError::UnknownPayloadType { payload_type } => {
                format!("未知的载荷类型 {payload_type:?}")
            }
            RecordError::Signature(e) => e.zh(),
            RecordError::Payload {
                payload_type,
                line,
                column,
                message,
            } => format!(
                "{payload_type} 的载荷不符合格式规定（第 {line} 行第 {column} 列）：{message}"
            ),
            RecordError::KeyIdMismatch { stated, actual } => {
                format!("记录中写明的密钥编号为 {stated}，但验证所用的密钥是 {actual}")
            }
            RecordError::IssuerMismatch { stated, actual } => {
                format!("记录中写明的签发单位为 {stated:?}，而密钥属于 {actual:?}")
            }
            RecordError::NotExpressible { format, reason } => format!(
                "该记录无法写成格式版本 {}：{}",
                version(*format),
                not_expressible(reason)
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for KeyFileError {
    fn zh(&self) -> String {
        match self {
            KeyFileError::Header { expected } => {
                format!("第 1 行：应为文件头 {expected:?}")
            }
            KeyFileError::Line { line, expected } => {
                format!("第 {line} 行：应为以 {expected:?} 开头的一行")
            }
            KeyFileError::CarriageReturn { line } => {
                format!("第 {line} 行：含有回车符 CR（每行只能以 LF 结尾）")
            }
            KeyFileError::Trailing => "文件的最后一行之后必须恰好有一个 LF".to_owned(),
            KeyFileError::Issuer(e) => format!("第 2 行：{}", e.zh()),
            KeyFileError::PublicKeyBase64(e) => format!("第 3 行：公钥：{}", e.zh()),
            KeyFileError::SecretKeyBase64 => "第 3 行：私钥不是规范的 base64".to_owned(),
            KeyFileError::KeyLength { len } => {
                format!("第 3 行：密钥长 {len} 字节，应为 32 字节")
            }
            KeyFileError::PublicKey(e) => format!("第 3 行：{}", e.zh()),
            KeyFileError::KeyIdMismatch { stated, derived } => {
                format!("第 4 行：密钥编号 {stated} 与密钥不符（由密钥算出的是 {derived}）")
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for PublicKeyError {
    fn zh(&self) -> String {
        match self {
            PublicKeyError::NotAPoint => "不是有效的 Ed25519 点编码".to_owned(),
            PublicKeyError::NonCanonical => "Ed25519 点编码不规范".to_owned(),
            PublicKeyError::Weak => "Ed25519 弱公钥（小阶点）".to_owned(),
            _ => self.to_string(),
        }
    }
}

impl Zh for SignatureError {
    fn zh(&self) -> String {
        "Ed25519 签名验证不通过（严格验证）".to_owned()
    }
}

impl Zh for IssuerNameError {
    fn zh(&self) -> String {
        match self {
            IssuerNameError::Empty => "签发单位名称为空".to_owned(),
            IssuerNameError::TooLong { len } => {
                format!("签发单位名称长 {len} 字节，超过 {MAX_ISSUER_LEN} 字节")
            }
            IssuerNameError::SurroundingWhitespace => {
                "签发单位名称的开头或结尾有空白字符".to_owned()
            }
            IssuerNameError::ControlCharacter { offset } => {
                format!("签发单位名称在字节偏移 {offset} 处有控制字符")
            }
            _ => self.to_string(),
        }
    }
}
