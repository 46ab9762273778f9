//! Witnesses: cosignatures, their evidence file, key changes, the witness's
//! state machine and its request body.

use double_random::witness::{
    CosignatureError, EvidenceProblem, Head, KeyChangeError, LogKind, LogKindError, LogReadError,
    NotWitnessed, RecordFault, Refusal, RequestError, WitnessId,
};

use super::{Zh, record_or_null, time};

/// A chain head: `序号 3（HEX）`.
fn head(h: &Head) -> String {
    format!("序号 {}（{}）", h.sequence, h.record)
}

/// Which log: the receipt chain or the results ledger (the name kept).
fn log_kind(k: LogKind) -> String {
    match k {
        LogKind::Receipts => "凭证链（receipts）".to_owned(),
        LogKind::Results => "结果台账（results）".to_owned(),
    }
}

/// A witness: its name and key id.
fn witness(w: &WitnessId) -> String {
    format!("{:?}（密钥 {}）", w.name, w.key_id)
}

/// `old` or `new`, as a key change names its two keys.
fn old_new(which: &str) -> &str {
    match which {
        "old" => "旧",
        "new" => "新",
        other => other,
    }
}

impl Zh for EvidenceProblem {
    fn zh(&self) -> String {
        match self {
            EvidenceProblem::Unreadable { cause } => format!("不是信封：{}", cause.zh()),
            EvidenceProblem::LineTooLong { len, limit } => {
                format!("有一行长 {len} 字节，超过上限 {limit}：未读取")
            }
            EvidenceProblem::TooManyLines { limit } => {
                format!("超过 {limit} 行：文件其余部分未读取")
            }
            EvidenceProblem::NotChecked { payload_type } => {
                format!("类型为 {payload_type:?} 的时间证据：未核验")
            }
            EvidenceProblem::Untrusted { key_ids } => {
                // An empty id (DSSE allows one) shows as "", so the list never reads as nothing.
                let ids: Vec<&str> = key_ids
                    .iter()
                    .map(|k| if k.is_empty() { "\"\"" } else { k.as_str() })
                    .collect();
                if ids.is_empty() {
                    "一份副署不是受信任的见证方签署的（没有密钥编号）".to_owned()
                } else {
                    format!(
                        "一份副署不是受信任的见证方签署的（密钥编号 {}）",
                        ids.join(", ")
                    )
                }
            }
            EvidenceProblem::Invalid { key_id, cause } => format!(
                "一份声称由见证方密钥 {key_id} 签署的副署验证不通过：{}",
                cause.zh()
            ),
            EvidenceProblem::OtherLog { log, witness } => format!(
                "一份其他日志的副署（{} {} {}），由 {} 签署",
                log.issuer,
                log.key_id,
                log_kind(log.kind),
                witness.name
            ),
            EvidenceProblem::FromTheFuture {
                time: t,
                now,
                witness,
            } => format!(
                "{}的一份副署时间为 {}，晚于当前时间 {}",
                witness.name,
                time(*t),
                time(*now)
            ),
            EvidenceProblem::Rollback {
                cosigned,
                chain_end,
            } => {
                let chain = match chain_end {
                    None => "该链为空".to_owned(),
                    Some(e) => format!("该链在这个序号上没有记录（链止于序号 {e}）"),
                };
                format!(
                    "{}于 {}副署了链头 {}，但{chain}",
                    cosigned.witness.name,
                    time(cosigned.time),
                    head(&cosigned.head)
                )
            }
            EvidenceProblem::Fork {
                cosigned,
                chain_record,
            } => format!(
                "{}于 {}副署了链头 {}，但该链在这个序号上的记录是 {chain_record}",
                cosigned.witness.name,
                time(cosigned.time),
                head(&cosigned.head)
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for NotWitnessed {
    fn zh(&self) -> String {
        format!(
            "只有 {} 个受信任的见证方见证，要求 {} 个",
            self.found.len(),
            self.needed
        )
    }
}

impl Zh for KeyChangeError {
    fn zh(&self) -> String {
        match self {
            KeyChangeError::PayloadType { found } => {
                format!("载荷类型 {found:?} 不是密钥更换声明")
            }
            KeyChangeError::Payload {
                line,
                column,
                message,
            } => {
                format!("密钥更换声明的载荷不符合格式规定（第 {line} 行第 {column} 列）：{message}")
            }
            KeyChangeError::Key { which, cause } => {
                format!("密钥更换声明中的{}密钥：{}", old_new(which), cause.zh())
            }
            KeyChangeError::KeyIdMismatch {
                which,
                stated,
                actual,
            } => format!(
                "{}密钥编号写作 {stated}，而该密钥的编号是 {actual}",
                old_new(which)
            ),
            KeyChangeError::SameKey => "旧密钥和新密钥是同一个密钥".to_owned(),
            KeyChangeError::IssuerMismatch { old, new } => {
                format!("旧密钥属于 {old:?}，新密钥属于 {new:?}")
            }
            KeyChangeError::Signature { which, cause } => {
                format!("{}密钥的签名：{}", old_new(which), cause.zh())
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for RequestError {
    fn zh(&self) -> String {
        match self {
            RequestError::Json {
                line,
                column,
                message,
            } => format!("请求体不符合格式规定（第 {line} 行第 {column} 列）：{message}"),
            RequestError::PublicKey(e) => format!("issuer_public_key：{}", e.zh()),
            RequestError::Record { index, cause } => {
                format!("records[{index}]：不是信封：{}", cause.zh())
            }
            RequestError::KeyChange(e) => format!("key_change：不是信封：{}", e.zh()),
            RequestError::TooManyRecords { count, limit } => {
                format!("一次请求有 {count} 条记录，最多 {limit} 条")
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for RecordFault {
    fn zh(&self) -> String {
        match self {
            RecordFault::PayloadType { payload_type } => {
                format!("载荷类型 {payload_type:?} 不是 double-random 的记录")
            }
            RecordFault::Signature(e) => e.zh(),
            RecordFault::Link {
                line,
                column,
                message,
            } => format!(
                "载荷中没有有效的链接（chain 成员）（第 {line} 行第 {column} 列）：{message}"
            ),
            RecordFault::Issuer { stated, actual } => {
                format!("记录写明的签发单位是 {stated:?}，而密钥属于 {actual:?}")
            }
            RecordFault::KeyId { stated, actual } => {
                format!("记录写明的密钥编号是 {stated}，而该密钥的编号是 {actual}")
            }
            RecordFault::Sequence { expected, found } => {
                format!("序号为 {found}，应为 {expected}")
            }
            RecordFault::BrokenLink { expected, found } => format!(
                "previous 为 {}，应为 {}",
                record_or_null(found),
                record_or_null(expected)
            ),
            RecordFault::TimeBackwards { previous, found } => format!(
                "created_at {}早于前一条记录的时间 {}",
                time(*found),
                time(*previous)
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for Refusal {
    fn zh(&self) -> String {
        match self {
            Refusal::Conflict { held } => match held {
                Some(h) => format!("见证方持有的链头是 {}，不是请求中所写的旧链头", head(h)),
                None => {
                    "见证方尚未副署过该日志，没有链头（none），不是请求中所写的旧链头".to_owned()
                }
            },
            Refusal::Fork {
                held,
                found,
                record,
            } => format!(
                "这些记录没有接在见证方已副署的链头 {} 之后（分叉；第一条记录为序号 {found}，{record}）",
                head(held)
            ),
            Refusal::Gap { expected, found } => {
                format!("第一条记录的序号为 {found}，应为 {expected}：缺少记录")
            }
            Refusal::Stale { held, found } => format!(
                "第一条记录的序号为 {found}，但见证方已持有链头 {}",
                head(held)
            ),
            Refusal::BadRecord { index, reason } => {
                format!("请求中的记录 {index}：{}", reason.zh())
            }
            Refusal::TimeBackwards { last, now } => format!(
                "见证方的时钟 {}早于其对该日志上一次副署的时间 {}",
                time(*now),
                time(*last)
            ),
            Refusal::UnknownKey {
                issuer,
                known_key_id,
                offered_key_id,
            } => format!(
                "见证方所知 {issuer:?} 的密钥是 {known_key_id}，不是 {offered_key_id}；需要一份由已知密钥签署的密钥更换声明"
            ),
            Refusal::KeyChange(e) => format!("密钥更换：{}", e.zh()),
            Refusal::KeyChangeNotApplicable {
                old_key_id,
                new_key_id,
            } => format!("该密钥更换声明把 {old_key_id} 换为 {new_key_id}；不适用于此处"),
            Refusal::IssuerMismatch { held, offered } => {
                format!("见证方所知该密钥属于 {held:?}，而请求写的是 {offered:?}")
            }
            Refusal::Empty => "没有记录，且见证方没有该日志的链头".to_owned(),
            Refusal::TooManyRecords { count, limit } => {
                format!("一次请求有 {count} 条记录，最多 {limit} 条")
            }
            Refusal::RecordTooLarge { index, size, limit } => {
                format!("记录 {index} 的载荷为 {size} 字节，最多 {limit} 字节")
            }
            Refusal::StateMismatch => "给出的状态属于另一个日志".to_owned(),
            _ => self.to_string(),
        }
    }
}

impl Zh for LogReadError {
    fn zh(&self) -> String {
        match self {
            LogReadError::Envelope { line, cause } => {
                format!("第 {line} 行：不是信封：{}", cause.zh())
            }
            LogReadError::Record { line, cause } => format!("第 {line} 行：{}", cause.zh()),
            LogReadError::NotLinked { line, found } => {
                format!("第 {line} 行：序号 {found} 在链上没有接在前一行之后")
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for LogKindError {
    fn zh(&self) -> String {
        format!("{:?} 不是日志类型（receipts 或 results）", self.text)
    }
}

impl Zh for CosignatureError {
    fn zh(&self) -> String {
        match self {
            CosignatureError::PayloadType { found } => {
                format!("载荷类型 {found:?} 不是副署")
            }
            CosignatureError::Signature(e) => e.zh(),
            CosignatureError::Payload {
                line,
                column,
                message,
            } => format!("副署的载荷不符合格式规定（第 {line} 行第 {column} 列）：{message}"),
            CosignatureError::WitnessMismatch { stated, actual } => format!(
                "副署写明的见证方是 {}，但签名者是 {}",
                witness(stated),
                witness(actual)
            ),
            _ => self.to_string(),
        }
    }
}
