//! The verifier's side: the cosignature file kept beside a chain, and what
//! it proves about the chain.

use std::collections::{BTreeMap, HashMap};

use super::statement::{Cosignature, CosignatureError, CosignedHead, Head, LogId, WitnessId};
use super::{COSIGNATURE_TYPE, json_lines};
use crate::calendar::Timestamp;
use crate::records::{Envelope, EnvelopeDecodeError, IssuerPublicKey, RecordId};

/// Size limits for reading a cosignature file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileLimits {
    /// Longest line read, in bytes (a cosignature takes about 700).
    pub max_line_bytes: usize,
    /// Most lines read; the rest of the file is reported, not read.
    pub max_lines: usize,
}

impl Default for FileLimits {
    /// Lines of at most 64 KiB (room for other time evidence, such as an
    /// RFC 3161 token), at most a million lines.
    fn default() -> Self {
        FileLimits {
            max_line_bytes: 64 << 10,
            max_lines: 1_000_000,
        }
    }
}

/// A cosignature file, read: the envelopes with their line numbers, and
/// the lines that are not envelopes.
#[derive(Clone, Debug, Default)]
pub struct CosignatureFile {
    /// Each envelope with its 1-based line number, in file order.
    pub envelopes: Vec<(usize, Envelope)>,
    /// Lines that could not be read.
    pub findings: Vec<EvidenceFinding>,
}

/// Reads a `CHAIN.cosignatures.jsonl` file: JSON Lines (LF or CRLF, blank
/// lines skipped), one envelope per line. A line that is not an envelope,
/// or too long, becomes a finding with its line number; reading goes on.
/// Envelopes of any payload type are kept: [`WitnessIndex::build`] sorts
/// them out.
pub fn read_cosignature_file(bytes: &[u8], limits: &FileLimits) -> CosignatureFile {
    let mut file = CosignatureFile::default();
    for (count, (line, raw)) in json_lines(bytes).enumerate() {
        if count >= limits.max_lines {
            file.findings.push(EvidenceFinding {
                line: Some(line),
                problem: EvidenceProblem::TooManyLines {
                    limit: limits.max_lines,
                },
            });
            break;
        }
        if raw.len() > limits.max_line_bytes {
            file.findings.push(EvidenceFinding {
                line: Some(line),
                problem: EvidenceProblem::LineTooLong {
                    len: raw.len(),
                    limit: limits.max_line_bytes,
                },
            });
            continue;
        }
        match Envelope::from_json(raw) {
            Ok(e) => file.envelopes.push((line, e)),
            Err(cause) => file.findings.push(EvidenceFinding {
                line: Some(line),
                problem: EvidenceProblem::Unreadable { cause },
            }),
        }
    }
    file
}

/// Something about a cosignature file a verifier reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceFinding {
    /// 1-based line of the cosignature file.
    pub line: Option<usize>,
    /// What.
    pub problem: EvidenceProblem,
}

/// What is wrong with (or unusual about) a line of a cosignature file. No
/// line with a problem counts as a witness.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceProblem {
    /// Not an envelope.
    #[error("not an envelope: {cause}")]
    Unreadable {
        /// Why.
        cause: EnvelopeDecodeError,
    },
    /// A line longer than the limit (not read).
    #[error("a line of {len} bytes, longer than {limit}: not read")]
    LineTooLong {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// More lines than the limit; this and later lines were not read.
    #[error("more than {limit} lines: the rest of the file was not read")]
    TooManyLines {
        /// The limit.
        limit: usize,
    },
    /// Time evidence of another kind (another payload type, such as a
    /// timestamping service's token): not checked, never counted.
    #[error("evidence of type {payload_type:?}: not checked")]
    NotChecked {
        /// Its payload type.
        payload_type: String,
    },
    /// A cosignature by no trusted witness key.
    #[error("a cosignature by no trusted witness ({})", describe_key_ids(key_ids))]
    Untrusted {
        /// The key ids of its signatures.
        key_ids: Vec<String>,
    },
    /// A cosignature by a trusted witness key that does not open.
    #[error("a cosignature claiming witness key {key_id} does not verify: {cause}")]
    Invalid {
        /// The trusted key its signature claims.
        key_id: String,
        /// Why.
        cause: CosignatureError,
    },
    /// A valid cosignature of another log (another issuer key, or the other kind).
    #[error(
        "a cosignature of another log ({} {} {}) by {}",
        log.issuer,
        log.key_id,
        log.kind,
        witness.name
    )]
    OtherLog {
        /// The log it names.
        log: LogId,
        /// Who signed it.
        witness: WitnessId,
    },
    /// A valid cosignature dated after the verifier's clock.
    #[error("a cosignature by {} dated {time}, after now ({now})", witness.name)]
    FromTheFuture {
        /// Its time.
        time: Timestamp,
        /// The verifier's clock.
        now: Timestamp,
        /// Who signed it.
        witness: WitnessId,
    },
    /// A trusted witness cosigned a head the chain does not reach: records
    /// were cut off the end (rollback).
    #[error(
        "{} cosigned head {} at {}, but the chain {}",
        cosigned.witness.name,
        cosigned.head,
        cosigned.time,
        chain_end.map_or_else(|| "is empty".to_owned(), |e| format!("holds no record at that sequence (it ends at {e})"))
    )]
    Rollback {
        /// The cosigned statement.
        cosigned: CosignedHead,
        /// The chain's last sequence, `None` for an empty chain.
        chain_end: Option<u64>,
    },
    /// A trusted witness cosigned another record at a sequence of the chain:
    /// the issuer showed the witness another chain (fork).
    #[error(
        "{} cosigned head {} at {}, but the chain holds record {chain_record} at that sequence",
        cosigned.witness.name,
        cosigned.head,
        cosigned.time
    )]
    Fork {
        /// The cosigned statement.
        cosigned: CosignedHead,
        /// The chain's record at that sequence.
        chain_record: RecordId,
    },
}

impl EvidenceProblem {
    /// A stable short name of the case: `unreadable`, `line-too-long`,
    /// `too-many-lines`, `not-checked`, `untrusted`, `invalid`,
    /// `other-log`, `from-the-future`, `rollback`, `fork`.
    pub fn kind(&self) -> &'static str {
        match self {
            EvidenceProblem::Unreadable { .. } => "unreadable",
            EvidenceProblem::LineTooLong { .. } => "line-too-long",
            EvidenceProblem::TooManyLines { .. } => "too-many-lines",
            EvidenceProblem::NotChecked { .. } => "not-checked",
            EvidenceProblem::Untrusted { .. } => "untrusted",
            EvidenceProblem::Invalid { .. } => "invalid",
            EvidenceProblem::OtherLog { .. } => "other-log",
            EvidenceProblem::FromTheFuture { .. } => "from-the-future",
            EvidenceProblem::Rollback { .. } => "rollback",
            EvidenceProblem::Fork { .. } => "fork",
        }
    }

    /// The check name a verifier reports: `rollback`, `fork`, or
    /// `cosignature` for every problem of a line.
    pub fn check(&self) -> &'static str {
        match self {
            EvidenceProblem::Rollback { .. } => "rollback",
            EvidenceProblem::Fork { .. } => "fork",
            _ => "cosignature",
        }
    }

    /// The problem in Chinese, for the verifier's findings (the causes
    /// that other parts of the library describe stay in English).
    pub(crate) fn message_zh(&self) -> String {
        match self {
            EvidenceProblem::Unreadable { cause } => format!("不是签名信封：{cause}"),
            EvidenceProblem::LineTooLong { len, limit } => {
                format!("该行长 {len} 字节，超过上限 {limit}：未读取")
            }
            EvidenceProblem::TooManyLines { limit } => {
                format!("超过 {limit} 行：文件其余部分未读取")
            }
            EvidenceProblem::NotChecked { payload_type } => {
                format!("类型为 {payload_type:?} 的证据：未核验")
            }
            EvidenceProblem::Untrusted { key_ids } => {
                format!(
                    "不是受信任见证方作出的副署（{}）",
                    describe_key_ids_zh(key_ids)
                )
            }
            EvidenceProblem::Invalid { key_id, cause } => {
                format!("声称使用见证方密钥 {key_id} 的副署核验不通过：{cause}")
            }
            EvidenceProblem::OtherLog { log, witness } => format!(
                "另一日志（{} {} {}）的副署，由 {} 作出",
                log.issuer, log.key_id, log.kind, witness.name
            ),
            EvidenceProblem::FromTheFuture { time, now, witness } => format!(
                "{} 的副署日期为 {time}，晚于当前时间（{now}）",
                witness.name
            ),
            EvidenceProblem::Rollback {
                cosigned,
                chain_end,
            } => format!(
                "{} 于 {} 副署了链头 {}，但本链{}",
                cosigned.witness.name,
                cosigned.time,
                cosigned.head,
                chain_end.map_or_else(
                    || "没有任何记录".to_owned(),
                    |e| format!("在该序号上没有记录（链止于序号 {e}）")
                )
            ),
            EvidenceProblem::Fork {
                cosigned,
                chain_record,
            } => format!(
                "{} 于 {} 副署了链头 {}，但本链在该序号上的记录为 {chain_record}",
                cosigned.witness.name, cosigned.time, cosigned.head
            ),
        }
    }

    /// Whether it contradicts the chain (`rollback`, `fork`): an error.
    /// The others are warnings (`NotChecked` a note): such a line is never
    /// counted, so it cannot make a chain look better than it is.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            EvidenceProblem::Rollback { .. } | EvidenceProblem::Fork { .. }
        )
    }
}

/// A trusted witness's evidence for a query: the cosignature that answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witnessed {
    /// The witness.
    pub witness: WitnessId,
    /// The head it cosigned.
    pub head: Head,
    /// When.
    pub time: Timestamp,
    /// The cosignature's line in the file.
    pub line: usize,
}

/// Fewer distinct trusted witnesses than required.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("witnessed by {} trusted witness(es), {needed} required", found.len())]
pub struct NotWitnessed {
    /// Witnesses required.
    pub needed: usize,
    /// Those found.
    pub found: Vec<Witnessed>,
}

/// One witness's counted cosignatures, sorted by sequence, with for each
/// position the earliest cosignature at or after it.
#[derive(Clone, Debug)]
struct Timeline {
    witness: WitnessId,
    /// (sequence, time, line, head) sorted by sequence.
    entries: Vec<(u64, Timestamp, usize, Head)>,
    /// `earliest[i]`: index of the earliest entry among `entries[i..]`.
    earliest: Vec<usize>,
}

impl Timeline {
    fn entry(&self, i: usize) -> Option<Witnessed> {
        let &(_, time, line, head) = self.entries.get(i)?;
        Some(Witnessed {
            witness: self.witness.clone(),
            head,
            time,
            line,
        })
    }
}

/// The cosignatures of one log that count, indexed for queries, and the
/// findings about the file. Built once per chain; each query costs
/// O(W log C) for W witnesses and C cosignatures.
#[derive(Clone, Debug, Default)]
pub struct WitnessIndex {
    timelines: Vec<Timeline>,
    findings: Vec<EvidenceFinding>,
    counted: usize,
}

impl WitnessIndex {
    /// Checks every envelope of `file` for the log `log` of a chain given
    /// as its records' `(sequence, record id)`, in any order:
    ///
    /// - another payload type: [`EvidenceProblem::NotChecked`];
    /// - no signature by a key of `trusted`: [`EvidenceProblem::Untrusted`];
    /// - does not open under that key ([`Cosignature::open`]):
    ///   [`EvidenceProblem::Invalid`];
    /// - names another log: [`EvidenceProblem::OtherLog`];
    /// - dated after `now` (when given): [`EvidenceProblem::FromTheFuture`];
    /// - cosigns a sequence where the chain has no record:
    ///   [`EvidenceProblem::Rollback`]; another record than the chain's:
    ///   [`EvidenceProblem::Fork`];
    /// - otherwise it counts.
    ///
    /// The findings of `file` itself come first.
    pub fn build(
        file: &CosignatureFile,
        log: &LogId,
        trusted: &[IssuerPublicKey],
        chain: &[(u64, RecordId)],
        now: Option<Timestamp>,
    ) -> WitnessIndex {
        let keys: HashMap<&str, &IssuerPublicKey> =
            trusted.iter().map(|k| (k.key_id(), k)).collect();
        let mut records: HashMap<u64, Vec<RecordId>> = HashMap::with_capacity(chain.len());
        for &(s, id) in chain {
            records.entry(s).or_default().push(id);
        }
        let chain_end = chain.iter().map(|&(s, _)| s).max();
        let mut findings = file.findings.clone();
        let mut by_witness: BTreeMap<String, Timeline> = BTreeMap::new();
        let mut counted = 0;
        for (line, envelope) in &file.envelopes {
            let mut find = |problem| {
                findings.push(EvidenceFinding {
                    line: Some(*line),
                    problem,
                })
            };
            if envelope.payload_type() != COSIGNATURE_TYPE {
                find(EvidenceProblem::NotChecked {
                    payload_type: envelope.payload_type().chars().take(200).collect(),
                });
                continue;
            }
            let Some(key) = envelope
                .signatures()
                .iter()
                .find_map(|s| keys.get(s.keyid()).copied())
            else {
                find(EvidenceProblem::Untrusted {
                    key_ids: envelope
                        .signatures()
                        .iter()
                        .map(|s| s.keyid().to_owned())
                        .collect(),
                });
                continue;
            };
            let cosigned = match Cosignature::open(envelope, key) {
                Ok(c) => c.statement().clone(),
                Err(cause) => {
                    find(EvidenceProblem::Invalid {
                        key_id: key.key_id().to_owned(),
                        cause,
                    });
                    continue;
                }
            };
            if cosigned.log != *log {
                find(EvidenceProblem::OtherLog {
                    log: cosigned.log,
                    witness: cosigned.witness,
                });
                continue;
            }
            if let Some(now) = now
                && cosigned.time > now
            {
                find(EvidenceProblem::FromTheFuture {
                    time: cosigned.time,
                    now,
                    witness: cosigned.witness,
                });
                continue;
            }
            match records.get(&cosigned.head.sequence) {
                None => find(EvidenceProblem::Rollback {
                    cosigned,
                    chain_end,
                }),
                Some(ids) if !ids.contains(&cosigned.head.record) => {
                    let chain_record = ids[0];
                    find(EvidenceProblem::Fork {
                        cosigned,
                        chain_record,
                    })
                }
                Some(_) => {
                    counted += 1;
                    by_witness
                        .entry(cosigned.witness.key_id.clone())
                        .or_insert_with(|| Timeline {
                            witness: cosigned.witness.clone(),
                            entries: Vec::new(),
                            earliest: Vec::new(),
                        })
                        .entries
                        .push((cosigned.head.sequence, cosigned.time, *line, cosigned.head));
                }
            }
        }
        let timelines = by_witness
            .into_values()
            .map(|mut t| {
                t.entries.sort_by_key(|&(s, time, line, _)| (s, time, line));
                let mut earliest = vec![0; t.entries.len()];
                let mut best: Option<usize> = None;
                for i in (0..t.entries.len()).rev() {
                    let better = best.is_none_or(|b| {
                        (t.entries[i].1, t.entries[i].2) < (t.entries[b].1, t.entries[b].2)
                    });
                    if better {
                        best = Some(i);
                    }
                    earliest[i] = best.unwrap_or(i);
                }
                t.earliest = earliest;
                t
            })
            .collect();
        WitnessIndex {
            timelines,
            findings,
            counted,
        }
    }

    /// The findings: the file's unreadable lines, then each envelope's
    /// problem in file order.
    pub fn findings(&self) -> &[EvidenceFinding] {
        &self.findings
    }

    /// How many cosignatures count (trusted, valid, of this log, on the chain).
    pub fn counted(&self) -> usize {
        self.counted
    }

    /// For each distinct trusted witness (by key id, in key id order), its
    /// earliest counted cosignature over a head at or after `sequence`
    /// dated strictly before `before`; witnesses with none are left out.
    ///
    /// "Record `sequence` existed before `before`": a head at or after it
    /// fixes it through the hash chain.
    pub fn witnessed(&self, sequence: u64, before: Timestamp) -> Vec<Witnessed> {
        self.timelines
            .iter()
            .filter_map(|t| {
                let i = t.entries.partition_point(|e| e.0 < sequence);
                let best = *t.earliest.get(i)?;
                t.entry(best).filter(|w| w.time < before)
            })
            .collect()
    }

    /// [`WitnessIndex::witnessed`] with a threshold: at least `threshold`
    /// distinct trusted witnesses, else [`NotWitnessed`] (check
    /// `commitment-witnessed`, or a late result for the results ledger).
    pub fn check_witnessed(
        &self,
        sequence: u64,
        before: Timestamp,
        threshold: usize,
    ) -> Result<Vec<Witnessed>, NotWitnessed> {
        let found = self.witnessed(sequence, before);
        if found.len() >= threshold {
            Ok(found)
        } else {
            Err(NotWitnessed {
                needed: threshold,
                found,
            })
        }
    }

    /// For each trusted witness (in key id order), the highest head it
    /// cosigned on this chain, with the latest time it cosigned that head.
    pub fn latest_heads(&self) -> Vec<Witnessed> {
        self.timelines
            .iter()
            .filter_map(|t| {
                let top = t.entries.last()?.0;
                let i = t.entries.partition_point(|e| e.0 < top);
                let latest = (i..t.entries.len()).max_by_key(|&j| (t.entries[j].1, j))?;
                t.entry(latest)
            })
            .collect()
    }
}

/// The key ids of a cosignature's signatures for a message: `key id a`,
/// `key ids a, b`; an empty id shows as `""` (DSSE lets a signature leave
/// it empty), so the list never reads as nothing.
fn describe_key_ids(key_ids: &[String]) -> String {
    let list = quoted_key_ids(key_ids);
    match key_ids.len() {
        0 => "no key id".into(),
        1 => format!("key id {list}"),
        _ => format!("key ids {list}"),
    }
}

/// [`describe_key_ids`] in Chinese.
fn describe_key_ids_zh(key_ids: &[String]) -> String {
    if key_ids.is_empty() {
        "没有密钥编号".into()
    } else {
        format!("密钥编号 {}", quoted_key_ids(key_ids))
    }
}

/// The ids joined by commas, an empty one as `""`.
fn quoted_key_ids(key_ids: &[String]) -> String {
    key_ids
        .iter()
        .map(|k| {
            if k.is_empty() {
                "\"\"".to_owned()
            } else {
                k.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
