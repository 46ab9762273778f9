//! A small blocking client: asks a running witness to cosign a local chain.

use std::time::Duration;

use double_random::records::{Envelope, IssuerPublicKey};
use double_random::witness::{
    AddCheckpointBody, CheckpointRequest, Cosignature, CosignatureError, Head, LogEntry, LogId,
    LogKind,
};

use crate::api::{ErrorAnswer, LogAnswer, WitnessInfo};
use crate::{NotOnChain, records_after};

/// Largest answer read from a witness (a cosignature is under 1 KiB).
const MAX_ANSWER: u64 = 1 << 20;

/// Why a witness gave no cosignature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The request did not get an answer (connection, timeout, ...).
    #[error("{url}: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// The answer is not what the protocol says.
    #[error("{url}: unexpected answer (status {status}): {message}")]
    BadAnswer {
        /// The URL.
        url: String,
        /// Its status.
        status: u16,
        /// What is wrong.
        message: String,
    },
    /// The witness refused.
    #[error("{url}: the witness refused ({status} {kind}): {message}")]
    Refused {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The refusal's kind (`bad-record`, `unknown-key`, ...).
        kind: String,
        /// The witness's message.
        message: String,
    },
    /// The witness's head is not on this chain.
    #[error("{url}: {cause}")]
    NotOnChain {
        /// The URL.
        url: String,
        /// Where the head stands.
        cause: NotOnChain,
    },
    /// The witness's head moved again after one retry.
    #[error("{url}: the witness's head kept changing (another requester?); try again")]
    Busy {
        /// The URL.
        url: String,
    },
    /// The cosignature does not verify under the witness's key.
    #[error("{url}: the cosignature does not verify: {cause}")]
    Cosignature {
        /// The URL.
        url: String,
        /// Why.
        cause: CosignatureError,
    },
    /// The cosignature is valid but not for the head asked.
    #[error("{url}: the witness cosigned {got}, not the head asked ({asked})")]
    WrongHead {
        /// The URL.
        url: String,
        /// The head asked for.
        asked: String,
        /// What was cosigned.
        got: String,
    },
    /// The chain is empty: nothing to cosign.
    #[error("the chain is empty: nothing to cosign")]
    EmptyChain,
}

/// A cosignature received.
#[derive(Clone, Debug)]
pub struct Received {
    /// Who the witness says it is.
    pub witness: IssuerPublicKey,
    /// The cosignature, verified under that key, for the chain's head.
    pub cosignature: Cosignature,
    /// The head the witness held before (`None` the first time).
    pub previous: Option<Head>,
    /// Records sent.
    pub sent: usize,
}

/// A client with a timeout for each request.
#[derive(Clone, Debug)]
pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    /// A client whose every request gives up after `timeout`.
    pub fn new(timeout: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Client { agent }
    }

    fn answer(&self, url: &str, body: Option<String>) -> Result<(u16, String), ClientError> {
        let transport = |e: ureq::Error| ClientError::Transport {
            url: url.to_owned(),
            message: e.to_string(),
        };
        let mut response = match body {
            None => self.agent.get(url).call().map_err(transport)?,
            Some(b) => self
                .agent
                .post(url)
                .header("content-type", "application/json")
                .send(b)
                .map_err(transport)?,
        };
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .map_err(transport)?;
        Ok((status, text))
    }

    /// Asks the witness at `base` (`http://host:port`, no trailing path) to
    /// cosign the head of `entries` (the whole chain, read with
    /// [`double_random::witness::read_log`] under `issuer`):
    ///
    /// 1. `GET /` for the witness's key, `GET /logs/{key id}/{kind}` for
    ///    the head it holds (`404`: none);
    /// 2. the records after that head (all the first time), if the head is
    ///    on this chain; otherwise a fork or rollback is reported and
    ///    nothing is sent;
    /// 3. `POST /add-checkpoint`; on `409 conflict` naming a head that is on
    ///    this chain, once more from that head;
    /// 4. the cosignature must verify under the witness's key and name this
    ///    log and this chain's head.
    pub fn request(
        &self,
        base: &str,
        entries: &[LogEntry],
        issuer: &IssuerPublicKey,
        kind: LogKind,
        key_change: Option<&Envelope>,
    ) -> Result<Received, ClientError> {
        let witness = self.witness_key(base)?;
        let held = self.held(base, issuer, kind)?;
        self.request_from(base, entries, issuer, kind, key_change, &witness, held)
    }

    /// Steps 2 to 4 of [`Client::request`], from a head the caller believes
    /// the witness holds and the witness key it already knows.
    #[allow(clippy::too_many_arguments)]
    pub fn request_from(
        &self,
        base: &str,
        entries: &[LogEntry],
        issuer: &IssuerPublicKey,
        kind: LogKind,
        key_change: Option<&Envelope>,
        witness: &IssuerPublicKey,
        believed: Option<Head>,
    ) -> Result<Received, ClientError> {
        let base = base.trim_end_matches('/');
        let Some(last) = entries.last() else {
            return Err(ClientError::EmptyChain);
        };
        let ours = Head {
            sequence: last.link.sequence,
            record: last.id,
        };
        let mut held = believed;
        let url = format!("{base}/add-checkpoint");
        for attempt in 0..2 {
            let segment =
                records_after(entries, held).map_err(|cause| ClientError::NotOnChain {
                    url: url.clone(),
                    cause,
                })?;
            let request = CheckpointRequest {
                issuer: issuer.clone(),
                kind,
                old: held,
                records: segment.iter().map(|e| e.envelope.clone()).collect(),
                key_change: key_change.cloned(),
            };
            let body = AddCheckpointBody::from_request(&request).to_json();
            let (status, text) = self.answer(&url, Some(body))?;
            if status == 200 {
                let cosignature = open_answer(&url, &text, witness, issuer, kind, ours)?;
                return Ok(Received {
                    witness: witness.clone(),
                    cosignature,
                    previous: held,
                    sent: request.records.len(),
                });
            }
            let refusal: ErrorAnswer =
                serde_json::from_str(&text).map_err(|e| ClientError::BadAnswer {
                    url: url.clone(),
                    status,
                    message: format!("not an error answer: {e}"),
                })?;
            match (status, refusal.error.as_str()) {
                (409, "conflict") if attempt == 0 => held = refusal.held.flatten(),
                (409, "conflict") => return Err(ClientError::Busy { url }),
                (409, "fork") => {
                    // Say where the witness's head stands on this chain.
                    let cause = refusal
                        .held
                        .flatten()
                        .and_then(|h| records_after(entries, Some(h)).err());
                    return Err(match cause {
                        Some(cause) => ClientError::NotOnChain { url, cause },
                        None => refused(&url, status, refusal),
                    });
                }
                _ => return Err(refused(&url, status, refusal)),
            }
        }
        Err(ClientError::Busy { url })
    }

    /// `GET /`: the witness's public key.
    pub fn witness_key(&self, base: &str) -> Result<IssuerPublicKey, ClientError> {
        let url = format!("{}/", base.trim_end_matches('/'));
        let (status, text) = self.answer(&url, None)?;
        let bad = |message: String| ClientError::BadAnswer {
            url: url.clone(),
            status,
            message,
        };
        if status != 200 {
            return Err(bad(text.chars().take(300).collect()));
        }
        let info: WitnessInfo = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let key = IssuerPublicKey::from_text(&info.public_key).map_err(|e| bad(e.to_string()))?;
        if key.key_id() != info.key_id || key.issuer() != info.name {
            return Err(bad("name or key id differ from the public key file".into()));
        }
        Ok(key)
    }

    /// `GET /logs/{key id}/{kind}`: the head the witness holds, if any.
    pub fn held(
        &self,
        base: &str,
        issuer: &IssuerPublicKey,
        kind: LogKind,
    ) -> Result<Option<Head>, ClientError> {
        let url = format!(
            "{}/logs/{}/{kind}",
            base.trim_end_matches('/'),
            issuer.key_id()
        );
        let (status, text) = self.answer(&url, None)?;
        match status {
            200 => serde_json::from_str::<LogAnswer>(&text)
                .map(|a| Some(a.head))
                .map_err(|e| ClientError::BadAnswer {
                    url,
                    status,
                    message: e.to_string(),
                }),
            404 => Ok(None),
            _ => Err(ClientError::BadAnswer {
                url,
                status,
                message: text.chars().take(300).collect(),
            }),
        }
    }
}

fn refused(url: &str, status: u16, a: ErrorAnswer) -> ClientError {
    ClientError::Refused {
        url: url.to_owned(),
        status,
        kind: a.error,
        message: a.message,
    }
}

fn open_answer(
    url: &str,
    text: &str,
    witness: &IssuerPublicKey,
    issuer: &IssuerPublicKey,
    kind: LogKind,
    ours: Head,
) -> Result<Cosignature, ClientError> {
    let envelope = Envelope::from_json(text.as_bytes()).map_err(|e| ClientError::BadAnswer {
        url: url.to_owned(),
        status: 200,
        message: format!("not an envelope: {e}"),
    })?;
    let c = Cosignature::open(&envelope, witness).map_err(|cause| ClientError::Cosignature {
        url: url.to_owned(),
        cause,
    })?;
    let s = c.statement();
    if s.log != LogId::of(issuer, kind) || s.head != ours {
        return Err(ClientError::WrongHead {
            url: url.to_owned(),
            asked: format!("{kind} head {ours} of key {}", issuer.key_id()),
            got: format!("{} head {} of key {}", s.log.kind, s.head, s.log.key_id),
        });
    }
    Ok(c)
}
