//! `witness serve`, `witness cosign`, `witness request`: independent
//! witnesses cosign an issuer's chain head with their own clock
//! (`docs/spec/witness.md`).
//!
//! A witness's key is an ordinary key file (`keygen --issuer "WITNESS
//! NAME"`); its state (the last head cosigned per log) is a SQLite database
//! in `--state DIR`. Cosignatures are appended, one envelope per line, to
//! `CHAIN.cosignatures.jsonl` beside the chain, under an exclusive lock.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use double_random::records::{
    Envelope, EnvelopeDecodeError, IssuerKey, IssuerPublicKey, KeyFileError,
};
use double_random::witness::{
    COSIGNATURE_FILE_SUFFIX, CheckpointRequest, CosignedHead, Limits, LogKind, LogReadError,
    Refusal, read_log,
};
use double_random_witness::client::{Client, ClientError};
use double_random_witness::server::{DEFAULT_MAX_BODY, ServeError, Witness, serve};
use double_random_witness::store::{Store, StoreError};
use double_random_witness::{NotOnChain, records_after, system_now};

use crate::common::{CliError, Status};
use crate::lang::zh;
use crate::log_file::read_shared;

/// `double-random witness ...`.
#[derive(Debug, Args)]
pub struct WitnessArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: WitnessCommand,
}

/// The witness subcommands.
#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    /// Run a witness over HTTP; prints the bound address on standard output.
    Serve(ServeArgs),
    /// Cosign a chain's head here, offline (an air-gapped witness); appends to CHAIN.cosignatures.jsonl.
    Cosign(CosignArgs),
    /// Ask running witnesses to cosign a chain's head; appends to CHAIN.cosignatures.jsonl.
    Request(RequestArgs),
}

/// Which log of the issuer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// The receipt chain (commitments, draws, cancellations).
    #[default]
    Receipts,
    /// The results ledger.
    Results,
}

impl From<KindArg> for LogKind {
    fn from(k: KindArg) -> LogKind {
        match k {
            KindArg::Receipts => LogKind::Receipts,
            KindArg::Results => LogKind::Results,
        }
    }
}

/// `witness serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The witness's secret key file (from `keygen --issuer "WITNESS NAME"`).
    #[arg(long)]
    pub key: PathBuf,
    /// Directory of the witness's state (created if missing).
    #[arg(long)]
    pub state: PathBuf,
    /// Address to listen on, such as 127.0.0.1:8080 (port 0: any free port).
    #[arg(long)]
    pub listen: String,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY)]
    pub max_body: usize,
}

/// `witness cosign`.
#[derive(Debug, Args)]
pub struct CosignArgs {
    /// The witness's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// Directory of the witness's state (created if missing).
    #[arg(long)]
    pub state: PathBuf,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// The chain (or results ledger) file.
    #[arg(long)]
    pub chain: PathBuf,
    /// Which log the file is.
    #[arg(long, value_enum, default_value_t = KindArg::Receipts)]
    pub kind: KindArg,
    /// A key change (one envelope, JSON) moving the issuer's name from the key the witness knows to this one.
    #[arg(long)]
    pub key_change: Option<PathBuf>,
}

/// `witness request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The chain (or results ledger) file.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// A witness's base URL, such as http://127.0.0.1:8080 (repeat for several).
    #[arg(long, required = true)]
    pub url: Vec<String>,
    /// Which log the file is.
    #[arg(long, value_enum, default_value_t = KindArg::Receipts)]
    pub kind: KindArg,
    /// A key change (one envelope, JSON) for witnesses that know the issuer's previous key.
    #[arg(long)]
    pub key_change: Option<PathBuf>,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// Why a witness command stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessCliError {
    /// A passphrase-protected key file could not be opened.
    #[error("{0}")]
    Passphrase(String),
    /// A file could not be read or written.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        cause: std::io::Error,
    },
    /// A key file is not valid.
    #[error("{path}: {cause}")]
    Key {
        /// The file.
        path: String,
        /// Why.
        #[source]
        cause: KeyFileError,
    },
    /// The chain cannot be sent to a witness.
    #[error("{path}: {cause}")]
    Log {
        /// The chain file.
        path: String,
        /// Why.
        #[source]
        cause: LogReadError,
    },
    /// The key-change file is not an envelope.
    #[error("{path}: not a key-change envelope: {cause}")]
    KeyChange {
        /// The file.
        path: String,
        /// Why.
        #[source]
        cause: EnvelopeDecodeError,
    },
    /// The witness's state store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The service failed.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// The head the witness holds is not on this chain.
    #[error("{path}: {cause}")]
    NotOnChain {
        /// The chain file.
        path: String,
        /// Where the head stands.
        cause: NotOnChain,
    },
    /// The witness refused to cosign.
    #[error("the witness refuses ({kind}): {0}", kind = .0.kind())]
    Refused(Refusal),
    /// Some witnesses gave no cosignature (each was reported).
    #[error("{failed} of {asked} witness(es) gave no cosignature")]
    SomeFailed {
        /// Witnesses that failed.
        failed: usize,
        /// Witnesses asked.
        asked: usize,
    },
}

impl From<WitnessCliError> for CliError {
    fn from(e: WitnessCliError) -> Self {
        CliError::Witness(Box::new(e))
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WitnessCliError + '_ {
    move |cause| WitnessCliError::Io {
        path: path.display().to_string(),
        cause,
    }
}

fn read_text(path: &Path) -> Result<String, WitnessCliError> {
    crate::files::read_text_capped(path, crate::files::Limit::SMALL).map_err(io(path))
}

/// A secret key file: refused when group or others may read it.
fn secret_key(path: &Path) -> Result<IssuerKey, WitnessCliError> {
    let text = crate::passphrase::unlock(
        path,
        crate::files::read_private_text(path, crate::files::Limit::SMALL).map_err(io(path))?,
    )
    .map_err(|e| WitnessCliError::Passphrase(e.to_string()))?;
    IssuerKey::from_secret_text(&text).map_err(|cause| WitnessCliError::Key {
        path: path.display().to_string(),
        cause,
    })
}

fn public_key(path: &Path) -> Result<IssuerPublicKey, WitnessCliError> {
    IssuerPublicKey::from_text(&read_text(path)?).map_err(|cause| WitnessCliError::Key {
        path: path.display().to_string(),
        cause,
    })
}

fn key_change(path: Option<&Path>) -> Result<Option<Envelope>, WitnessCliError> {
    let Some(path) = path else { return Ok(None) };
    let text = crate::files::read_capped(path, crate::files::Limit::BUNDLE).map_err(io(path))?;
    let trimmed = text.trim_ascii();
    Envelope::from_json(trimmed)
        .map(Some)
        .map_err(|cause| WitnessCliError::KeyChange {
            path: path.display().to_string(),
            cause,
        })
}

/// The cosignature file kept beside a chain: `CHAIN.cosignatures.jsonl`.
pub fn cosignature_path(chain: &Path) -> PathBuf {
    let mut s = chain.as_os_str().to_owned();
    s.push(COSIGNATURE_FILE_SUFFIX);
    PathBuf::from(s)
}

/// Appends one envelope as a line to `path` (created if missing) under an
/// exclusive lock, ending a last line left without its newline first, and
/// syncs; a failed write is cut back off.
pub fn append_envelope(path: &Path, envelope: &Envelope) -> Result<(), WitnessCliError> {
    // Never through a symlink (a planted link would send the line elsewhere).
    let mut file = crate::files::open_append(path).map_err(io(path))?;
    file.lock().map_err(io(path))?;
    let len = file.metadata().map_err(io(path))?.len();
    let mut line = String::new();
    if len > 0 && last_byte(&mut file).map_err(io(path))? != b'\n' {
        line.push('\n');
    }
    line.push_str(&envelope.to_json());
    line.push('\n');
    if let Err(e) = file
        .write_all(line.as_bytes())
        .and_then(|()| file.sync_all())
    {
        let _ = file.set_len(len);
        let _ = file.sync_all();
        return Err(io(path)(e));
    }
    Ok(())
}

fn last_byte(file: &mut File) -> std::io::Result<u8> {
    file.seek(SeekFrom::End(-1))?;
    let mut b = [0u8; 1];
    file.read_exact(&mut b)?;
    Ok(b[0])
}

fn read_chain(
    path: &Path,
    issuer: &IssuerPublicKey,
) -> Result<Vec<double_random::witness::LogEntry>, WitnessCliError> {
    let bytes = read_shared(path).map_err(io(path))?;
    read_log(&bytes, issuer).map_err(|cause| WitnessCliError::Log {
        path: path.display().to_string(),
        cause,
    })
}

fn describe(s: &CosignedHead) -> String {
    if zh() {
        let log = match s.log.kind {
            LogKind::Receipts => "回执链",
            LogKind::Results => "结果台账",
        };
        return format!(
            "见证方{}于 {} 副署了{}{log}的链头：序号 {}（记录 {}）",
            s.witness.name, s.time, s.log.issuer, s.head.sequence, s.head.record
        );
    }
    format!(
        "{} cosigned {} head {} of {} at {}",
        s.witness.name, s.log.kind, s.head, s.log.issuer, s.time
    )
}

/// Runs a witness subcommand.
pub fn witness(args: &WitnessArgs) -> Result<Status, CliError> {
    match &args.command {
        WitnessCommand::Serve(a) => run_serve(a),
        WitnessCommand::Cosign(a) => cosign(a),
        WitnessCommand::Request(a) => request(a),
    }
}

fn run_serve(args: &ServeArgs) -> Result<Status, CliError> {
    let key = secret_key(&args.key)?;
    let store = Store::open(&args.state, &key).map_err(WitnessCliError::Store)?;
    let name = key.issuer().to_owned();
    let fingerprint = key.fingerprint().to_owned();
    let witness = Arc::new(Witness::new(key, store, Limits::default(), system_now));
    let state = args.state.display().to_string();
    serve(witness, &args.listen, args.max_body, |addr| {
        // The address alone on the first line of standard output, so a
        // script (or a test) started with port 0 can read it.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{addr}");
        let _ = out.flush();
        if zh() {
            eprintln!(
                "double-random witness：见证方 {name}（公钥指纹 {fingerprint}）正在 http://{addr} 监听，状态保存在 {state}"
            );
        } else {
            eprintln!(
                "double-random witness: {name} (key {fingerprint}) listening on http://{addr}, state in {state}"
            );
        }
    })
    .map_err(WitnessCliError::Serve)?;
    Ok(Status::Ok)
}

fn cosign(args: &CosignArgs) -> Result<Status, CliError> {
    let key = secret_key(&args.key)?;
    let issuer = public_key(&args.public_key)?;
    let change = key_change(args.key_change.as_deref())?;
    let kind = LogKind::from(args.kind);
    let entries = read_chain(&args.chain, &issuer)?;
    let mut store = Store::open(&args.state, &key).map_err(WitnessCliError::Store)?;
    let held = store
        .head(issuer.key_id(), kind)
        .map_err(WitnessCliError::Store)?;
    let segment = records_after(&entries, held).map_err(|cause| WitnessCliError::NotOnChain {
        path: args.chain.display().to_string(),
        cause,
    })?;
    let request = CheckpointRequest {
        issuer: issuer.clone(),
        kind,
        old: held,
        records: segment.iter().map(|e| e.envelope.clone()).collect(),
        key_change: change,
    };
    let accepted = store
        .add_checkpoint(&request, &key, system_now, &Limits::default())
        .map_err(WitnessCliError::Store)?
        .map_err(WitnessCliError::Refused)?;
    let path = cosignature_path(&args.chain);
    append_envelope(&path, &accepted.cosignature)?;
    if zh() {
        crate::outln!(
            "{}（核验 {} 条记录）；已追加到 {}",
            describe(&accepted.statement),
            request.records.len(),
            path.display()
        );
    } else {
        crate::outln!(
            "{} ({} record(s) checked); appended to {}",
            describe(&accepted.statement),
            request.records.len(),
            path.display()
        );
    }
    Ok(Status::Ok)
}

/// Asks each witness service at `urls` to cosign the head of the receipt
/// chain `bytes` (the file at `chain`), appending every cosignature to the
/// chain's cosignature file. Failures are reported on standard error, with
/// the command that retries; they do not undo the record just appended.
pub fn cosign_head(
    chain: &Path,
    bytes: &[u8],
    issuer: &IssuerPublicKey,
    kind: LogKind,
    urls: &[String],
) -> Result<(), CliError> {
    let entries = read_log(bytes, issuer).map_err(|cause| WitnessCliError::Log {
        path: chain.display().to_string(),
        cause,
    })?;
    let client = Client::new(Duration::from_secs(20));
    let path = cosignature_path(chain);
    for url in urls {
        match client.request(url, &entries, issuer, kind, None) {
            Ok(got) => {
                append_envelope(&path, got.cosignature.envelope())?;
                let statement = describe(got.cosignature.statement());
                if zh() {
                    eprintln!("  见证方 {url}：{statement}");
                } else {
                    eprintln!("  witness {url}: {statement}");
                }
            }
            Err(e) if zh() => eprintln!(
                "double-random：见证方 {url} 未副署：{e}；记录已追加：可用 `double-random witness request --chain {} --kind {kind} --url {url} ...` 再次请求",
                chain.display()
            ),
            Err(e) => eprintln!(
                "double-random: witness {url} did not cosign: {e}; the record is appended: ask again with `double-random witness request --chain {} --kind {kind} --url {url} ...`",
                chain.display()
            ),
        }
    }
    Ok(())
}

fn request(args: &RequestArgs) -> Result<Status, CliError> {
    let issuer = public_key(&args.public_key)?;
    let change = key_change(args.key_change.as_deref())?;
    let kind = LogKind::from(args.kind);
    let entries = read_chain(&args.chain, &issuer)?;
    let client = Client::new(Duration::from_secs(args.timeout.max(1)));
    let path = cosignature_path(&args.chain);
    let mut failed = 0;
    for url in &args.url {
        match client.request(url, &entries, &issuer, kind, change.as_ref()) {
            Ok(got) => {
                append_envelope(&path, got.cosignature.envelope())?;
                if zh() {
                    crate::outln!(
                        "{url}：{}（发送 {} 条记录）；已追加到 {}",
                        describe(got.cosignature.statement()),
                        got.sent,
                        path.display()
                    );
                } else {
                    crate::outln!(
                        "{url}: {} ({} record(s) sent); appended to {}",
                        describe(got.cosignature.statement()),
                        got.sent,
                        path.display()
                    );
                }
            }
            Err(e) => {
                failed += 1;
                let e: ClientError = e;
                eprintln!(
                    "{}{e}",
                    crate::lang::pick("double-random: ", "double-random：")
                );
            }
        }
    }
    if failed > 0 {
        if zh() {
            eprintln!(
                "double-random：请求的 {} 个见证方中有 {failed} 个未给出副署",
                args.url.len()
            );
        } else {
            eprintln!(
                "double-random: {}",
                WitnessCliError::SomeFailed {
                    failed,
                    asked: args.url.len()
                }
            );
        }
        return Ok(Status::Failed);
    }
    Ok(Status::Ok)
}
