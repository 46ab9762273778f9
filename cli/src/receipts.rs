//! `keygen`, `commit`, `draw`, `cancel`, `replace`, `supplement`, `verify`,
//! `prove`, `verify-proof`: signed receipts on a per-issuer chain file (JSON
//! Lines of DSSE envelopes).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use double_random::{
    beacon::QUICKNET_CHAIN_HASH,
    calendar::Timestamp,
    chain::{Chain, ChainError, Commit, Draw, Pending},
    commitment::{entity_leaf_hashes, prove_entity},
    proof::{ProofBundle, proof_bundle_format},
    records::RecordId,
    records::{
        CommitmentPayload, IssuerKey, IssuerPublicKey, RandomnessPlan, RandomnessValue, Record,
        Witnessing,
    },
    registers::{CreditClass, Registers, Uscc, UsccPolicy},
    verify::{
        ChainLine, Finding, FindingSeverity, Level, Report, VerifyOptions, WitnessOptions,
        read_chain, verify_chain,
    },
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::common::{CliError, ReadArgs, Status};
use crate::files;
use crate::log_file::{LockedLog, read_shared};
use crate::registers::{self, LoadedRegisters, RegisterFiles};
use crate::task_file::read_task_file;
use crate::when::bj;

/// Problems of the receipt commands that are about their inputs (exit 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// A passphrase-protected key file could not be opened or written.
    #[error("{path}: {message}")]
    Passphrase {
        /// The key file.
        path: String,
        /// What went wrong (never the passphrase).
        message: String,
    },
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
        cause: double_random::records::KeyFileError,
    },
    /// The issuer name is not acceptable.
    #[error(transparent)]
    Issuer(#[from] double_random::records::IssuerNameError),
    /// A `--calendar` file was refused.
    #[error(transparent)]
    Calendar(Box<crate::calendar_file::CalendarFileError>),
    /// A flag value is malformed.
    #[error("{flag}: {message}")]
    Flag {
        /// The flag.
        flag: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The chain breaks a rule; nothing is appended to a broken chain.
    #[error(
        "{path}: the chain does not verify ({count} error(s)), first: {first}; run `double-random verify` for the full report"
    )]
    BrokenChain {
        /// The chain file.
        path: String,
        /// Number of errors.
        count: usize,
        /// The first error.
        first: String,
    },
    /// The requested record is not on the chain, or the choice is ambiguous.
    #[error("{0}")]
    Selection(String),
    /// The registers have errors; nothing is committed or drawn from them.
    #[error(
        "the registers have {0} error(s); run `double-random check-registers` and fix them first"
    )]
    InvalidRegisters(usize),
    /// The library refused the commitment or draw.
    #[error(transparent)]
    Draw(#[from] double_random::checks::DrawError),
    /// A record cannot be written in its format version.
    #[error(transparent)]
    Record(#[from] double_random::records::RecordError),
    /// A proof bundle cannot be read.
    #[error("{path}: not a proof bundle: {message}")]
    Bundle {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The office's secrets file cannot be read.
    #[error(transparent)]
    Secrets(#[from] crate::secrets::SecretsError),
    /// The system clock is outside the format's range.
    #[error("the system clock is not a usable time")]
    Clock,
    /// The operating system gave no randomness.
    #[error("no randomness from the operating system: {0}")]
    Entropy(String),
}

impl From<ReceiptError> for CliError {
    fn from(e: ReceiptError) -> Self {
        CliError::Receipt(Box::new(e))
    }
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReceiptError + '_ {
    move |cause| ReceiptError::Io {
        path: path.display().to_string(),
        cause,
    }
}

/// Reads a proof bundle or a published file (at most [`files::BUNDLE_LIMIT`] bytes).
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, ReceiptError> {
    files::read_capped(path, files::Limit::BUNDLE).map_err(io(path))
}

/// Reads a key file (at most [`files::SMALL_FILE_LIMIT`] bytes).
pub(crate) fn read_text(path: &Path) -> Result<String, ReceiptError> {
    files::read_text_capped(path, files::Limit::SMALL).map_err(io(path))
}

/// Reads a secret key file: refused when group or others may read it.
pub(crate) fn load_secret_key(path: &Path) -> Result<IssuerKey, ReceiptError> {
    let text = crate::passphrase::unlock(
        path,
        files::read_private_text(path, files::Limit::SMALL).map_err(io(path))?,
    )?;
    IssuerKey::from_secret_text(&text).map_err(|cause| ReceiptError::Key {
        path: path.display().to_string(),
        cause,
    })
}

pub(crate) fn load_public_key(path: &Path) -> Result<IssuerPublicKey, ReceiptError> {
    IssuerPublicKey::from_text(&read_text(path)?).map_err(|cause| ReceiptError::Key {
        path: path.display().to_string(),
        cause,
    })
}

fn hex(h: &(impl AsRef<[u8]> + ?Sized)) -> String {
    let h = h.as_ref();
    h.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(flag: &'static str, s: &str) -> Result<Vec<u8>, ReceiptError> {
    let s = s.trim();
    let bad = |message: String| ReceiptError::Flag { flag, message };
    if !s.len().is_multiple_of(2) {
        return Err(bad("an odd number of hex digits".into()));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| bad(format!("{s:?} is not hex")))
        })
        .collect()
}

pub(crate) fn now() -> Result<Timestamp, ReceiptError> {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc()).ok_or(ReceiptError::Clock)
}

pub(crate) use crate::when::parse_time_arg;

/// Creates a file only this user can read, refusing to overwrite.
fn create_private(path: &Path) -> Result<File, ReceiptError> {
    files::create_private(path).map_err(io(path))
}

// ---------------------------------------------------------------------------
// The chain file

/// Refuses a file whose reading or chain-level findings hold an error: no
/// record is appended to, or read from, a chain or ledger that breaks a rule.
pub(crate) fn refuse_errors(path: &Path, findings: &[Finding]) -> Result<(), ReceiptError> {
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Error)
        .collect();
    match errors.first() {
        Some(first) => Err(ReceiptError::BrokenChain {
            path: path.display().to_string(),
            count: errors.len(),
            first: format!("[{}] {}", first.check, crate::lang::finding(first)),
        }),
        None => Ok(()),
    }
}

/// The library's refusal of a chain, as the command's error.
pub(crate) fn chain_error(path: &Path, e: ChainError) -> ReceiptError {
    match e {
        ChainError::Broken { errors } => ReceiptError::BrokenChain {
            path: path.display().to_string(),
            count: errors.len(),
            first: errors.first().map_or(String::new(), |f| {
                format!("[{}] {}", f.check, crate::lang::finding(f))
            }),
        },
        ChainError::Draw(d) => ReceiptError::Draw(d),
        other => ReceiptError::Selection(crate::lang::message(&other)),
    }
}

/// A chain file read and checked by the library's [`Chain`] (signatures,
/// chain rules and every draw replayed from the records), with its lines.
pub(crate) struct ChainFile {
    path: PathBuf,
    pub(crate) lines: Vec<ChainLine>,
    pub(crate) chain: Chain,
    /// Set when opened for appending: the locked file.
    log: Option<LockedLog>,
}

impl ChainFile {
    /// Reads a chain to look at it; a missing file is an empty chain when
    /// `may_be_new`.
    pub(crate) fn load(
        path: &Path,
        key: &IssuerPublicKey,
        may_be_new: bool,
    ) -> Result<ChainFile, ReceiptError> {
        let bytes = match read_shared(path) {
            Ok(b) => b,
            Err(e) if may_be_new && e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io(path)(e)),
        };
        ChainFile::check(path, &bytes, key, None)
    }

    /// Opens a chain to append to it, holding its lock until the command
    /// ends ([`LockedLog`]); a missing file is created when `may_be_new`.
    pub(crate) fn load_for_append(
        path: &Path,
        key: &IssuerPublicKey,
        may_be_new: bool,
    ) -> Result<ChainFile, ReceiptError> {
        let log = LockedLog::open(path, may_be_new)?;
        let bytes = log.bytes().to_vec();
        ChainFile::check(path, &bytes, key, Some(log))
    }

    /// Refuses a chain with any error at replay level: nothing is added to,
    /// or read from, a chain that breaks a rule.
    fn check(
        path: &Path,
        bytes: &[u8],
        key: &IssuerPublicKey,
        log: Option<LockedLog>,
    ) -> Result<ChainFile, ReceiptError> {
        let chain = Chain::open(key.clone(), bytes).map_err(|e| chain_error(path, e))?;
        let (lines, _) = read_chain(bytes);
        Ok(ChainFile {
            path: path.to_owned(),
            lines,
            chain,
            log,
        })
    }

    /// The file's bytes as this command holds them (after its appends).
    #[cfg_attr(not(feature = "witness"), allow(dead_code))]
    fn bytes(&self) -> Vec<u8> {
        self.log
            .as_ref()
            .map(|l| l.bytes().to_vec())
            .unwrap_or_default()
    }

    /// Asks witness services to cosign the chain's head, appending their
    /// cosignatures to CHAIN.cosignatures.jsonl. A witness that does not
    /// answer is reported on standard error; the record stays appended.
    fn ask_witnesses(&self, urls: &[String]) -> Result<(), CliError> {
        if urls.is_empty() {
            return Ok(());
        }
        #[cfg(feature = "witness")]
        {
            crate::witness::cosign_head(
                &self.path,
                &self.bytes(),
                self.chain.key(),
                double_random::witness::LogKind::Receipts,
                urls,
            )
        }
        #[cfg(not(feature = "witness"))]
        {
            Err(ReceiptError::Flag {
                flag: "--witness-url",
                message: "this build has no witness client (feature `witness`)".into(),
            }
            .into())
        }
    }

    /// Writes a pending record to the file, then takes it into the chain.
    fn append(&mut self, pending: Pending) -> Result<RecordId, ReceiptError> {
        match &mut self.log {
            Some(log) => log.append(pending.envelope())?,
            None => {
                return Err(ReceiptError::Selection(format!(
                    "{}: the chain was opened read-only",
                    self.path.display()
                )));
            }
        }
        self.chain
            .push(pending)
            .map_err(|e| chain_error(&self.path, e))
    }

    /// The commitment named by a hex prefix, the open one of a task, or the only open one.
    fn select_commitment(
        &self,
        prefix: Option<&str>,
        task_id: Option<&str>,
    ) -> Result<(RecordId, CommitmentPayload), ReceiptError> {
        if let Some(t) = task_id {
            return self
                .chain
                .open_commitment_of(t)
                .map(|(id, c)| (id, c.clone()))
                .ok_or_else(|| {
                    ReceiptError::Selection(format!("task {t} has no open commitment on the chain"))
                });
        }
        match prefix {
            Some(p) => {
                let found: Vec<_> = self
                    .chain
                    .records()
                    .iter()
                    .filter_map(|(id, r)| match r {
                        Record::Commitment(c) if id.starts_with_hex(p) => Some((*id, c.clone())),
                        _ => None,
                    })
                    .collect();
                let p = p.trim().to_ascii_lowercase();
                match found.len() {
                    1 => Ok(found
                        .into_iter()
                        .next()
                        .ok_or_else(|| ReceiptError::Selection("no commitment".into()))?),
                    0 => Err(ReceiptError::Selection(format!(
                        "no commitment on the chain has an id starting with {p}"
                    ))),
                    n => Err(ReceiptError::Selection(format!(
                        "{n} commitments have ids starting with {p}; give more digits"
                    ))),
                }
            }
            None => {
                let open = self.chain.open_commitments();
                match open.as_slice() {
                    [(id, c)] => Ok((*id, (*c).clone())),
                    [] => Err(ReceiptError::Selection(
                        "the chain has no open commitment; commit first".into(),
                    )),
                    many => Err(ReceiptError::Selection(format!(
                        "the chain has {} open commitments ({}); name one with --commitment",
                        many.len(),
                        many.iter()
                            .map(|(id, c)| format!("{} for {}", &hex(id)[..12], c.task.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))),
                }
            }
        }
    }
}

/// The secrets kept beside a chain (`CHAIN.secrets.jsonl`, readable only by
/// its owner): the conflict-list salt of each commitment.
fn secrets_path(chain: &Path) -> PathBuf {
    let mut s = chain.as_os_str().to_owned();
    s.push(".secrets.jsonl");
    PathBuf::from(s)
}

fn store_salt(chain: &Path, commitment: &RecordId, salt: &[u8]) -> Result<(), ReceiptError> {
    let path = secrets_path(chain);
    // Never through a symlink; an existing file must be the owner's alone.
    let mut f = files::open_private_append(&path).map_err(io(&path))?;
    let line = crate::secrets::salt_line(commitment, salt);
    f.write_all((line + "\n").as_bytes()).map_err(io(&path))?;
    f.sync_all().map_err(io(&path))
}

/// Every (commitment, salt) pair of the sidecar file; empty when it is missing.
/// A secrets file that group or others may read is refused.
fn read_salts(chain: &Path) -> Result<Vec<(RecordId, Vec<u8>)>, ReceiptError> {
    let path = secrets_path(chain);
    let text = match files::read_private_text(&path, files::Limit::LOG) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(&path)(e)),
    };
    Ok(text
        .lines()
        .filter_map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).ok()?;
            let c = unhex("commitment", v["commitment"].as_str()?).ok()?;
            let salt = unhex("conflict salt", v["conflict_salt"].as_str()?).ok()?;
            Some((
                RecordId::from(<[u8; 32]>::try_from(c.as_slice()).ok()?),
                salt,
            ))
        })
        .collect())
}

fn find_salt(
    chain: &Path,
    commitment: &RecordId,
    given: Option<&str>,
) -> Result<Vec<u8>, ReceiptError> {
    if let Some(h) = given {
        return unhex("--conflict-salt", h);
    }
    let path = secrets_path(chain);
    if let Some((_, salt)) = read_salts(chain)?
        .into_iter()
        .find(|(c, _)| c == commitment)
    {
        return Ok(salt);
    }
    Err(ReceiptError::Selection(format!(
        "{} holds no salt for commitment {}; give --conflict-salt (the office keeps it with the conflict list)",
        path.display(),
        &hex(commitment)[..16]
    )))
}

// ---------------------------------------------------------------------------
// Register loading shared by commit, draw and verify

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Entity register (CSV or .xlsx).
    #[arg(long)]
    pub entities: PathBuf,
    /// Inspector register.
    #[arg(long)]
    pub inspectors: PathBuf,
    /// Declared conflicts (回避).
    #[arg(long)]
    pub conflicts: PathBuf,
    /// Check-item list (needed when the task names items).
    #[arg(long)]
    pub items: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

fn load_registers(a: &RegisterArgs, on: Option<time::Date>) -> Result<LoadedRegisters, CliError> {
    let files = RegisterFiles {
        entities: Some(a.entities.clone()),
        inspectors: Some(a.inspectors.clone()),
        conflicts: Some(a.conflicts.clone()),
        items: a.items.clone(),
    };
    // The office's side: an officer without certificate dates cannot be drawn.
    let loaded = registers::load(
        &files,
        a.read.encoding.into(),
        &a.read.options(on),
        registers::CertificateDates::Required,
    )?;
    let errors = loaded
        .problems()
        .iter()
        .filter(|p| p.severity == double_random::registers::Severity::Error)
        .count();
    for p in loaded.problems() {
        eprintln!("  {}", loaded.notes.describe(p));
    }
    if errors > 0 {
        return Err(ReceiptError::InvalidRegisters(errors).into());
    }
    Ok(loaded)
}

fn view(l: &LoadedRegisters) -> Option<Registers<'_>> {
    Some(Registers {
        entities: &l.entities.as_ref()?.register,
        inspectors: &l.inspectors.as_ref()?.register,
        conflicts: &l.conflicts.as_ref()?.register,
        items: l.items.as_ref().map(|v| &v.register),
    })
}

// ---------------------------------------------------------------------------
// keygen

/// Flags of `keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The issuing department's name, e.g. 阳城县水务局.
    #[arg(long)]
    pub issuer: String,
    /// Path prefix: writes PREFIX.key (secret, mode 0600) and PREFIX.pub.
    #[arg(long)]
    pub out: PathBuf,
    /// Protect the secret key file with a passphrase (an age file, scrypt):
    /// asked twice on the terminal, or read from DOUBLE_RANDOM_PASSPHRASE.
    /// Every command then needs it to use the key.
    #[arg(long)]
    pub passphrase: bool,
}

fn with_ext(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

/// Runs `keygen`.
pub fn keygen(a: &KeygenArgs) -> Result<Status, CliError> {
    let seed = crate::secrets::os_secret().map_err(ReceiptError::Entropy)?;
    let key = IssuerKey::from_secret_bytes(&a.issuer, &seed).map_err(ReceiptError::Issuer)?;
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let secret_path = with_ext(&a.out, ".key");
    let public_path = with_ext(&a.out, ".pub");
    if public_path.exists() {
        return Err(ReceiptError::Io {
            path: public_path.display().to_string(),
            cause: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "refusing to overwrite"),
        }
        .into());
    }
    let secret_text = if a.passphrase {
        crate::passphrase::protect(&secret_path, &key.to_secret_text())?
    } else {
        key.to_secret_text()
    };
    let mut f = create_private(&secret_path)?;
    f.write_all(secret_text.as_bytes())
        .map_err(io(&secret_path))?;
    f.sync_all().map_err(io(&secret_path))?;
    // create_new: a public key file that appeared meanwhile is not replaced.
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&public_path)
        .and_then(|mut f| f.write_all(key.public_key().to_text().as_bytes()))
        .map_err(io(&public_path))?;
    if crate::lang::zh() {
        crate::outln!("签发单位：{}", key.issuer());
        crate::outln!("密钥编号：{}", key.key_id());
        crate::outln!("公钥指纹：{}", key.fingerprint());
        crate::outln!(
            "私钥：    {}（权限 0600{}；请离线保管）",
            secret_path.display(),
            if a.passphrase { "，已设口令" } else { "" }
        );
        crate::outln!("公钥：    {}（请公开）", public_path.display());
        return Ok(Status::Ok);
    }
    crate::outln!("issuer:      {}", key.issuer());
    crate::outln!("key id:      {}", key.key_id());
    crate::outln!("fingerprint: {}", key.fingerprint());
    crate::outln!(
        "secret key:  {} (mode 0600{}; keep it offline)",
        secret_path.display(),
        if a.passphrase {
            ", passphrase-protected"
        } else {
            ""
        }
    );
    crate::outln!("public key:  {} (publish it)", public_path.display());
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------
// commit

/// Flags of `commit`.
#[derive(Debug, Args)]
pub struct CommitArgs {
    /// The issuer's chain file (JSON Lines); created if missing.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The task file (TOML).
    #[arg(long)]
    pub task: PathBuf,
    #[command(flatten)]
    pub registers: RegisterArgs,
    /// Where the randomness will come from: `drand:quicknet:ROUND`,
    /// `drand:CHAINHASH:ROUND`, `ceremony:TIME:PROCEDURE` (TIME with its zone, e.g. `2026-12-02 09:00 北京时间`), or `local`.
    #[arg(long)]
    pub randomness_plan: String,
    /// A witness of a ceremony (repeat for several).
    #[arg(long)]
    pub witness: Vec<String>,
    /// Record time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// A witness service to cosign the new head right after the record is
    /// appended (repeat for several); cosignatures go to CHAIN.cosignatures.jsonl.
    #[arg(long = "witness-url")]
    pub witness_urls: Vec<String>,
}

fn parse_plan(spec: &str, witnesses: &[String]) -> Result<RandomnessPlan, ReceiptError> {
    let bad = |message: String| ReceiptError::Flag {
        flag: "--randomness-plan",
        message,
    };
    if spec == "local" {
        return Ok(RandomnessPlan::Local {});
    }
    if let Some(rest) = spec.strip_prefix("drand:") {
        let (chain, round) = rest
            .rsplit_once(':')
            .ok_or_else(|| bad("write drand:quicknet:ROUND".into()))?;
        let chain_hash = if chain == "quicknet" {
            QUICKNET_CHAIN_HASH
        } else {
            let b = unhex("--randomness-plan", chain)?;
            <[u8; 32]>::try_from(b.as_slice())
                .map_err(|_| bad("a drand chain hash is 32 bytes of hex".into()))?
        };
        let round: u64 = round
            .parse()
            .ok()
            .filter(|&r| r > 0)
            .ok_or_else(|| bad(format!("{round:?} is not a drand round number")))?;
        return Ok(RandomnessPlan::Drand {
            chain_hash,
            round: double_random::records::Count(round),
        });
    }
    if let Some(rest) = spec.strip_prefix("ceremony:") {
        let (scheduled_at, procedure) = crate::when::split_time_prefix(rest).map_err(|e| {
            bad(format!(
                "{e}; write ceremony:TIME:what will be done, e.g. ceremony:2026-12-02 09:00 北京时间:six throws of a ten-sided die"
            ))
        })?;
        if procedure.trim().is_empty() || witnesses.is_empty() {
            return Err(bad(
                "a ceremony needs a procedure after the time and at least one --witness".into(),
            ));
        }
        return Ok(RandomnessPlan::Ceremony {
            procedure: procedure.to_owned(),
            scheduled_at,
            witnesses: witnesses.to_vec(),
        });
    }
    Err(bad(format!(
        "{spec:?}: write drand:quicknet:ROUND, ceremony:TIME:PROCEDURE or local"
    )))
}

/// The Beijing (UTC+8) calendar date of a time: the date an office means
/// ([`double_random::ledger::china_date`]).
pub(crate) fn beijing_date(t: Timestamp) -> time::Date {
    double_random::ledger::china_date(t)
}

/// Runs `commit`.
pub fn commit(a: &CommitArgs) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    let plan = parse_plan(&a.randomness_plan, &a.witness)?;
    let randomness_time = plan.available_at();
    if let Some(t) = randomness_time
        && t <= created_at
    {
        return Err(ReceiptError::Flag {
            flag: "--randomness-plan",
            message: format!(
                "the randomness exists at {t} ({}), not after this commitment ({created_at}); choose a later round or time",
                t.beijing().labelled()
            ),
        }
        .into());
    }
    // Without a date in the task file, certificates are checked on the
    // (Beijing) day the randomness is due, or today for local randomness.
    let fallback = beijing_date(randomness_time.unwrap_or(created_at));
    let file = read_task_file(&a.task, fallback)?;
    let mut chain = ChainFile::load_for_append(&a.chain, key.public_key(), true)?;
    let mut task = file.task;
    // exclude_drawn_by and exclude_drawn_in_year: the draws on the chain now,
    // each once, in chain order.
    let mut excluded: std::collections::HashSet<RecordId> = chain
        .chain
        .draws_of_tasks(&file.exclude_drawn_by)
        .into_iter()
        .collect();
    if file.exclude_drawn_in_year {
        let year = task.inspection_date.year();
        excluded.extend(chain.chain.draws_in_inspection_year(year));
    }
    // With the supplementary draws of those draws: their entities were
    // inspected too.
    let draws: Vec<RecordId> = chain.chain.with_supplements(
        &chain
            .chain
            .records()
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| excluded.contains(id))
            .collect::<Vec<_>>(),
    );
    if !draws.is_empty() {
        task = task
            .excluding_draws(draws)
            .map_err(|e| ReceiptError::Selection(crate::lang::message(&e)))?;
    }
    let loaded = load_registers(&a.registers, Some(task.inspection_date))?;
    let salt = *crate::secrets::os_secret().map_err(ReceiptError::Entropy)?;
    let regs = view(&loaded).ok_or(ReceiptError::InvalidRegisters(0))?;
    let spinner = crate::progress::Progress::spinner("committing the registers (Merkle roots)");
    let pending = chain
        .chain
        .commit(
            &key,
            &Commit {
                task: &task,
                registers: regs,
                conflict_salt: &salt,
                randomness: plan.clone(),
                created_at,
            },
        )
        .map_err(|e| chain_error(&a.chain, e))?;
    drop(spinner);
    let Record::Commitment(payload) = pending.record().clone() else {
        return Err(ReceiptError::Selection("not a commitment".into()).into());
    };
    let id = pending.id();
    store_salt(&a.chain, &id, &salt)?;
    chain.append(pending)?;
    chain.ask_witnesses(&a.witness_urls)?;
    let sizes = payload.pools();
    if a.json {
        crate::outln!(
            "{}",
            json!({
                "record": hex(&id),
                "sequence": payload.chain.sequence,
                "task": payload.task.id,
                "randomness": plan.source(),
                "randomness_time": randomness_time.map(|t| t.to_string()),
                "inspection_date": double_random::calendar::format_date(task.inspection_date),
                "pools": {"A": sizes[0], "B": sizes[1], "C": sizes[2], "D": sizes[3]},
                "master_size": payload.registers.master.map(|m| m.size.0),
                "scope": task.scope,
                "exclude_drawn": task.exclude_drawn,
            })
        );
        return Ok(Status::Ok);
    }
    if crate::lang::zh() {
        return commit_summary_zh(
            &payload,
            &id,
            &task,
            file.date_given,
            &plan,
            randomness_time,
            a,
        );
    }
    crate::outln!("committed task {} ({})", payload.task.id, payload.task.name);
    crate::outln!("  record   {}", hex(&id));
    crate::outln!("  sequence {}", payload.chain.sequence);
    crate::outln!(
        "  pools    A {} · B {} · C {} · D {}",
        sizes[0],
        sizes[1],
        sizes[2],
        sizes[3]
    );
    crate::outln!(
        "  scope    {}",
        crate::scope::english(&task.scope).join("; ")
    );
    if let Some(master) = payload.registers.master {
        crate::outln!(
            "  master   {} entities; the pool is {} of them, after the scope{}",
            master.size.0,
            payload.registers.entities.size.0,
            match task.exclude_drawn.len() {
                0 => String::new(),
                1 => " and the exclusion of 1 earlier draw".to_owned(),
                n => format!(" and the exclusion of {n} earlier draws"),
            }
        );
    }
    crate::outln!(
        "  inspection date {}{}",
        double_random::calendar::format_date(task.inspection_date),
        if file.date_given {
            ""
        } else {
            " (not in the task file: the day the randomness is due)"
        }
    );
    match &plan {
        RandomnessPlan::Drand { round, .. } => crate::outln!(
            "  randomness: drand round {} (published {}); publish this record before then, then run `double-random draw` with the round's randomness",
            round.0,
            randomness_time.map_or("at an unknown time".into(), |t| t.beijing().labelled())
        ),
        RandomnessPlan::Ceremony { scheduled_at, .. } => crate::outln!(
            "  randomness: public ceremony at {}; publish this record before then",
            scheduled_at.beijing().labelled()
        ),
        RandomnessPlan::Local {} => {
            crate::outln!(
                "  randomness: local (weakest: nothing outside this office fixes the value)"
            )
        }
    }
    crate::outln!(
        "  conflict-list salt kept in {} (private; give it to auditors with the conflict list)",
        secrets_path(&a.chain).display()
    );
    Ok(Status::Ok)
}

/// The summary of `commit` in Chinese (the English one is inline in [`commit`]).
fn commit_summary_zh(
    payload: &CommitmentPayload,
    id: &RecordId,
    task: &double_random::task::Task,
    date_given: bool,
    plan: &RandomnessPlan,
    randomness_time: Option<Timestamp>,
    a: &CommitArgs,
) -> Result<Status, CliError> {
    let sizes = payload.pools();
    crate::outln!("已承诺任务 {}（{}）", payload.task.id, payload.task.name);
    crate::outln!("  记录     {}", hex(id));
    crate::outln!("  序号     {}", payload.chain.sequence);
    crate::outln!(
        "  名录库   A 类 {} · B 类 {} · C 类 {} · D 类 {}",
        sizes[0],
        sizes[1],
        sizes[2],
        sizes[3]
    );
    crate::outln!(
        "  范围     {}",
        crate::scope::chinese(&task.scope).join("；")
    );
    if let Some(master) = payload.registers.master {
        crate::outln!(
            "  主名录库 {} 户；按范围{}筛选后，本任务名录库 {} 户",
            master.size.0,
            match task.exclude_drawn.len() {
                0 => String::new(),
                n => format!("并排除此前 {n} 次抽取的对象"),
            },
            payload.registers.entities.size.0
        );
    }
    crate::outln!(
        "  检查日期 {}{}",
        double_random::calendar::format_date(task.inspection_date),
        if date_given {
            ""
        } else {
            "（任务文件未写明：取随机数公布之日）"
        }
    );
    match plan {
        RandomnessPlan::Drand { round, .. } => crate::outln!(
            "  随机源：drand 第 {} 轮（{}公布）；请在此之前公示本记录，届时用该轮随机数运行 `double-random draw`",
            round.0,
            randomness_time.map_or("时间未知".into(), |t| t.beijing().labelled())
        ),
        RandomnessPlan::Ceremony { scheduled_at, .. } => crate::outln!(
            "  随机源：{} 公开摇号仪式；请在此之前公示本记录",
            scheduled_at.beijing().labelled()
        ),
        RandomnessPlan::Local {} => {
            crate::outln!("  随机源：本地（最弱：本单位以外无人能确定该值）")
        }
    }
    crate::outln!(
        "  回避名单的盐值保存在 {}（保密；连同回避名单交给审计方）",
        secrets_path(&a.chain).display()
    );
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------
// draw

/// Flags of `draw`.
#[derive(Debug, Args)]
pub struct DrawArgs {
    /// The issuer's chain file.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The randomness value as hex (for drand: the round's `randomness`).
    #[arg(long)]
    pub randomness: Option<String>,
    /// The beacon's signature of the round as hex (drand: `signature`); the
    /// value is then its SHA-256 and `--randomness` may be left out.
    #[arg(long)]
    pub beacon_signature: Option<String>,
    /// The commitment to draw (record id or a prefix); default: the chain's only open commitment.
    #[arg(long, conflicts_with = "task_id")]
    pub commitment: Option<String>,
    /// Draw the open commitment of this task id instead.
    #[arg(long)]
    pub task_id: Option<String>,
    #[command(flatten)]
    pub registers: RegisterArgs,
    /// The conflict-list salt as hex (default: from CHAIN.secrets.jsonl).
    #[arg(long)]
    pub conflict_salt: Option<String>,
    /// Record time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub witnesses: WitnessArgs,
    /// Draw although no trusted witness cosigned the commitment before its
    /// randomness existed; the draw record then says `unwitnessed`, and every
    /// verifier reports it.
    #[arg(long)]
    pub unwitnessed: bool,
    /// A witness service to cosign the new head (repeat for several).
    #[arg(long = "witness-url")]
    pub witness_urls: Vec<String>,
}

/// Whether the commitment was witnessed before its randomness existed, by
/// the trusted witnesses given: refuses the draw when it was not, unless
/// `--unwitnessed` (the record then says so). Local randomness has no time
/// to witness: it is drawn as unwitnessed, the weakest kind.
fn draw_witnessing(
    a: &DrawArgs,
    chain: &ChainFile,
    commitment: &CommitmentPayload,
) -> Result<Witnessing, CliError> {
    use double_random::witness::{FileLimits, LogId, LogKind, WitnessIndex, read_cosignature_file};
    let Some(t) = commitment.randomness.available_at() else {
        return Ok(Witnessing::Unwitnessed);
    };
    if a.unwitnessed {
        eprintln!(
            "double-random: drawing without witness evidence (--unwitnessed): the draw record says so, and every verifier reports it"
        );
        return Ok(Witnessing::Unwitnessed);
    }
    let Some((keys, bytes)) = load_witnesses(&a.witnesses, &a.chain)? else {
        return Err(ReceiptError::Flag {
            flag: "--witness-key",
            message: format!(
                "give the public keys of the witnesses who cosigned the commitment before its randomness ({t}), or draw with --unwitnessed (the record will say so)"
            ),
        }
        .into());
    };
    let ids: Vec<(u64, RecordId)> = chain
        .chain
        .records()
        .iter()
        .map(|(id, r)| (r.chain().sequence, *id))
        .collect();
    let file = read_cosignature_file(&bytes, &FileLimits::default());
    let log = LogId::of(chain.chain.key(), LogKind::Receipts);
    let index = WitnessIndex::build(&file, &log, &keys, &ids, now().ok());
    match index.check_witnessed(commitment.chain.sequence, t, a.witnesses.witness_threshold) {
        Ok(found) => {
            for w in &found {
                eprintln!(
                    "  witnessed before the randomness ({}) by {} at {} (head {})",
                    bj(t),
                    w.witness.name,
                    bj(w.time),
                    w.head.sequence
                );
            }
            Ok(Witnessing::Witnessed)
        }
        Err(e) => Err(ReceiptError::Selection(format!(
            "the commitment (sequence {}) is not witnessed before its randomness ({t}): {e}; a draw now would rest on the office's word alone. If the witnesses did cosign in time, their cosignatures are missing from {}; otherwise draw with --unwitnessed (the record will say so)",
            commitment.chain.sequence,
            a.witnesses
                .cosignatures
                .clone()
                .unwrap_or_else(|| cosignatures_path(&a.chain))
                .display()
        ))
        .into()),
    }
}

/// Runs `draw`.
pub fn draw(a: &DrawArgs) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let mut chain = ChainFile::load_for_append(&a.chain, key.public_key(), false)?;
    let (cid, commitment) =
        chain.select_commitment(a.commitment.as_deref(), a.task_id.as_deref())?;
    let signature = a
        .beacon_signature
        .as_deref()
        .map(|s| unhex("--beacon-signature", s))
        .transpose()?;
    let value = match (&a.randomness, &signature) {
        (Some(v), _) => unhex("--randomness", v)?,
        (None, Some(sig)) => Sha256::digest(sig).to_vec(),
        (None, None) => {
            return Err(ReceiptError::Flag {
                flag: "--randomness",
                message: "give the randomness value (hex), or the beacon signature".into(),
            }
            .into());
        }
    };
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    let date = double_random::checks::inspection_date(&commitment, created_at.date());
    let loaded = load_registers(&a.registers, Some(date))?;
    let salt = find_salt(&a.chain, &cid, a.conflict_salt.as_deref())?;
    let regs = view(&loaded).ok_or(ReceiptError::InvalidRegisters(0))?;
    let witnessing = draw_witnessing(a, &chain, &commitment)?;
    let pending = chain
        .chain
        .draw(
            &key,
            &Draw {
                commitment: cid,
                randomness: RandomnessValue {
                    value,
                    beacon_signature: signature,
                },
                registers: regs,
                conflict_salt: &salt,
                created_at,
                witnessing,
                library_version: env!("CARGO_PKG_VERSION"),
            },
        )
        .map_err(|e| chain_error(&a.chain, e))?;
    let id = chain.append(pending)?;
    chain.ask_witnesses(&a.witness_urls)?;
    // The draw as the chain now holds it (not a copy of its 50,000 teams).
    let Some((_, Record::Draw(payload))) = chain.chain.records().last() else {
        return Err(ReceiptError::Selection("not a draw".into()).into());
    };
    if a.json {
        crate::outln!(
            "{}",
            json!({
                "record": hex(&id),
                "sequence": payload.chain.sequence,
                "commitment": hex(&cid),
                "seed": hex(&payload.seed),
                "drawn": payload.drawn,
                "teams": payload.teams,
            })
        );
        return Ok(Status::Ok);
    }
    if crate::lang::zh() {
        crate::outln!(
            "已抽取任务 {}（{}）",
            commitment.task.id,
            commitment.task.name
        );
        crate::outln!("  记录 {}", hex(&id));
        crate::outln!("  种子 {}", hex(&payload.seed));
    } else {
        crate::outln!(
            "drew task {} ({})",
            commitment.task.id,
            commitment.task.name
        );
        crate::outln!("  record {}", hex(&id));
        crate::outln!("  seed   {}", hex(&payload.seed));
    }
    let entities = &regs.entities;
    let inspectors = &regs.inspectors;
    // One line a drawn entity (50,000 for a large task): written through one
    // buffer rather than a system call a line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for ((class, d), team) in payload.drawn_in_order().zip(&payload.teams) {
        // The rank is in the committed pool: when the pool is the whole
        // register it is the entity's place in its class, found without a search.
        let entity = usize::try_from(d.rank.0)
            .ok()
            .and_then(|r| entities.class(class).get(r))
            .filter(|e| e.uscc == d.uscc)
            .or_else(|| entities.get(&d.uscc));
        let name = entity.map_or("", |e| e.name());
        write!(out, "  {class} #{:<4} {} {name}  ← ", d.rank.0, d.uscc)?;
        for (k, id) in team.inspectors.iter().enumerate() {
            let sep = if k == 0 { "" } else { ", " };
            match inspectors.get(id) {
                Some(x) => write!(out, "{sep}{}({})", x.name, x.department)?,
                None => write!(out, "{sep}{id}")?,
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------
// cancel

/// Flags of `cancel`.
#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The issuer's chain file.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The commitment to cancel (record id or prefix); default: the only open commitment.
    #[arg(long, conflicts_with = "task_id")]
    pub commitment: Option<String>,
    /// Cancel the open commitment of this task id instead.
    #[arg(long)]
    pub task_id: Option<String>,
    /// Why the commitment will never be drawn (recorded and signed).
    #[arg(long)]
    pub reason: String,
    /// Record time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// A witness service to cosign the new head (repeat for several).
    #[arg(long = "witness-url")]
    pub witness_urls: Vec<String>,
}

/// Runs `cancel`.
pub fn cancel(a: &CancelArgs) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let mut chain = ChainFile::load_for_append(&a.chain, key.public_key(), false)?;
    let (cid, commitment) =
        chain.select_commitment(a.commitment.as_deref(), a.task_id.as_deref())?;
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    let pending = chain
        .chain
        .cancel(&key, cid, &a.reason, created_at)
        .map_err(|e| chain_error(&a.chain, e))?;
    let id = chain.append(pending)?;
    chain.ask_witnesses(&a.witness_urls)?;
    if crate::lang::zh() {
        crate::outln!(
            "已撤销任务 {} 的承诺 {}；记录 {}",
            commitment.task.id,
            &hex(&cid)[..16],
            id
        );
    } else {
        crate::outln!(
            "cancelled the commitment {} of task {}; record {}",
            &hex(&cid)[..16],
            commitment.task.id,
            id
        );
    }
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------
// verify

/// Verification depth flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Signatures and chain rules.
    Chain,
    /// Also replay every draw from the records: seed, sizes, ranks.
    Replay,
    /// Also check roots, drawn codes and teams against the register files.
    Full,
}

/// `verify --randomness-policy`: which randomness the verification accepts
/// (docs/auditing.md, "Strict verification").
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// Every plan of the format; local and ceremony randomness are warnings.
    AnyPlan,
    /// Only drand rounds whose commitment trusted witnesses cosigned before
    /// the round; everything else is an error.
    WitnessedDrand,
}

/// The witness flags of `verify`, `draw` and `notice`.
#[derive(Debug, Args)]
pub struct WitnessArgs {
    /// A trusted witness's public key file (repeat for several): each draw's
    /// commitment must be cosigned by them before its randomness existed.
    #[arg(long = "witness-key")]
    pub witness_keys: Vec<PathBuf>,
    /// How many distinct trusted witnesses each commitment needs.
    #[arg(long, default_value_t = 1, requires = "witness_keys")]
    pub witness_threshold: usize,
    /// The cosignature file (default: CHAIN.cosignatures.jsonl beside the chain).
    #[arg(long)]
    pub cosignatures: Option<PathBuf>,
}

/// The cosignature file kept beside a chain.
pub(crate) fn cosignatures_path(chain: &Path) -> PathBuf {
    let mut s = chain.as_os_str().to_owned();
    s.push(".cosignatures.jsonl");
    PathBuf::from(s)
}

/// Trusted witness keys and the cosignature file's bytes.
pub(crate) type WitnessData = (Vec<IssuerPublicKey>, Vec<u8>);

/// The trusted witness keys and the cosignature file's bytes (empty when
/// the file does not exist), or `None` without witness keys.
pub(crate) fn load_witnesses(
    a: &WitnessArgs,
    chain: &Path,
) -> Result<Option<WitnessData>, ReceiptError> {
    if a.witness_keys.is_empty() {
        return Ok(None);
    }
    let keys = a
        .witness_keys
        .iter()
        .map(|p| load_public_key(p))
        .collect::<Result<Vec<_>, _>>()?;
    let path = a
        .cosignatures
        .clone()
        .unwrap_or_else(|| cosignatures_path(chain));
    let bytes = match read_shared(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && a.cosignatures.is_none() => {
            Vec::new()
        }
        Err(e) => return Err(io(&path)(e)),
    };
    Ok(Some((keys, bytes)))
}

/// Flags of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The issuer's chain file.
    #[arg(long)]
    pub chain: PathBuf,
    #[command(flatten)]
    pub witnesses: WitnessArgs,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// Entity register, for full replay (with --inspectors and --conflicts).
    #[arg(long, requires_all = ["inspectors", "conflicts"])]
    pub entities: Option<PathBuf>,
    /// Inspector register, for full replay.
    #[arg(long, requires = "entities")]
    pub inspectors: Option<PathBuf>,
    /// Declared conflicts, for full replay.
    #[arg(long, requires = "entities")]
    pub conflicts: Option<PathBuf>,
    /// Check-item list, for full replay.
    #[arg(long, requires = "entities")]
    pub items: Option<PathBuf>,
    /// One conflict-list salt as hex for every commitment (with --secrets:
    /// for the commitments the file does not list).
    #[arg(long)]
    pub conflict_salt: Option<String>,
    /// The office's secrets file: each commitment's conflict-list salt
    /// (default without --conflict-salt: CHAIN.secrets.jsonl beside the chain, when it exists).
    #[arg(long, requires = "entities")]
    pub secrets: Option<PathBuf>,
    /// Write a report to cite (HTML): inputs with SHA-256, issuer key,
    /// version, every check with its result, each draw's times and witnesses.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Replace an existing --report file (a symlink is never followed).
    #[arg(long)]
    pub force: bool,
    /// Which randomness to accept (default any-plan): witnessed-drand makes
    /// local and ceremony randomness, unwitnessed draws and draws without
    /// witness evidence errors.
    #[arg(long, value_enum)]
    pub randomness_policy: Option<PolicyArg>,
    /// Short for --randomness-policy witnessed-drand.
    #[arg(long, conflicts_with = "randomness_policy")]
    pub strict: bool,
    /// With registers: check only the draw whose record id starts with this.
    #[arg(long, requires = "entities")]
    pub draw: Option<String>,
    /// How deep to check (default: full with registers, else replay).
    #[arg(long, value_enum)]
    pub level: Option<LevelArg>,
    /// Print a JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
    /// The issuer's results ledger, verified too (one combined verdict).
    #[arg(long)]
    pub ledger: Option<PathBuf>,
    /// With --ledger: a calendar file for a year the built-in holiday
    /// table lacks (TOML, docs/calendar.md); repeat for several years.
    #[arg(long = "calendar", value_name = "FILE", requires = "ledger")]
    pub calendar_files: Vec<PathBuf>,
    /// An approver's (unit head's) public key: corrections must carry a signature by one of these (repeat).
    #[arg(long, requires = "ledger")]
    pub approver_key: Vec<PathBuf>,
    /// A published file to check against the ledger's checkpoints (repeat).
    #[arg(long, requires = "ledger")]
    pub published: Vec<PathBuf>,
}

/// One finding as a report line: `  FAIL [check] line L, seq S: message`.
pub(crate) fn write_finding(out: &mut impl Write, f: &Finding) -> std::io::Result<()> {
    let zh = crate::lang::zh();
    let sev = match (f.severity, zh) {
        (FindingSeverity::Error, false) => "FAIL",
        (FindingSeverity::Warning, false) => "warn",
        (FindingSeverity::Note, false) => "note",
        (FindingSeverity::Error, true) => "不通过",
        (FindingSeverity::Warning, true) => "警告",
        (FindingSeverity::Note, true) => "提示",
    };
    let place = match (f.line, f.sequence, zh) {
        (Some(l), Some(s), false) => format!("line {l}, seq {s}: "),
        (Some(l), None, false) => format!("line {l}: "),
        (Some(l), Some(s), true) => format!("第 {l} 行，序号 {s}："),
        (Some(l), None, true) => format!("第 {l} 行："),
        _ => String::new(),
    };
    writeln!(
        out,
        "  {sev} [{}] {place}{}",
        f.check,
        crate::lang::finding(f)
    )
}

fn print_report(
    report: &Report,
    level: Level,
    json: bool,
    ledger: Option<&double_random::ledger::LedgerReport>,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let holds = report.holds() && ledger.is_none_or(double_random::ledger::LedgerReport::holds);
    if json {
        let v = json!({
            "holds": holds,
            "level": level,
            "report": report,
            "ledger": ledger,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    // A wrong key explains every other line: it comes first.
    let wrong_key = |f: &&Finding| f.check == "wrong-key";
    for f in report.findings.iter().filter(wrong_key) {
        write_finding(&mut out, f)?;
    }
    if crate::lang::zh() {
        writeln!(
            out,
            "共 {} 条记录：承诺 {} 条，抽取 {} 条，撤销 {} 条，更换人员 {} 条，补充抽取 {} 条；重放抽取 {} 次，其中 {} 次与名录核对",
            report.records,
            report.commitments,
            report.draws,
            report.cancellations,
            report.replacements,
            report.supplements,
            report.draws_replayed,
            report.draws_checked_with_registers
        )?;
    } else {
        writeln!(
            out,
            "{} records: {} commitment(s), {} draw(s), {} cancellation(s){}; {} draw(s) replayed, {} checked against registers",
            report.records,
            report.commitments,
            report.draws,
            report.cancellations,
            report.after_draw_counts(),
            report.draws_replayed,
            report.draws_checked_with_registers
        )?;
    }
    if let Some(h) = &report.head {
        if crate::lang::zh() {
            writeln!(
                out,
                "链头：序号 {}，记录 {}，{}；请与签发单位公布的链头核对",
                h.sequence,
                h.record,
                bj(h.created_at)
            )?;
        } else {
            writeln!(
                out,
                "chain head: sequence {}, record {} ({}); compare it with the head the issuer published",
                h.sequence,
                h.record,
                bj(h.created_at)
            )?;
        }
    }
    for f in report.findings.iter().filter(|f| !wrong_key(f)) {
        write_finding(&mut out, f)?;
    }
    if let Some(l) = ledger {
        crate::ledger::print_ledger_report(&mut out, l)?;
    }
    if crate::lang::zh() {
        writeln!(
            out,
            "{}",
            match (holds, report.witnesses_checked) {
                (true, true) =>
                    "结论：所检查的各项均成立，包括各承诺在随机数产生之前已公布（有见证）",
                (true, false) =>
                    "结论：所检查的各项均成立，但公布时间除外：未给出 --witness-key，无法证明各承诺在随机数产生之前已公布",
                (false, _) => "结论：不通过",
            }
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        match (holds, report.witnesses_checked) {
            (true, true) =>
                "verdict: everything checked holds, the commitments' publication before their randomness included (witnessed)",
            (true, false) =>
                "verdict: everything checked holds, EXCEPT publication time: no --witness-key was given, so nothing shows the commitments were published before their randomness",
            (false, _) => "verdict: FAILED",
        }
    )?;
    Ok(())
}

/// A `--conflict-salt` value: 32 bytes as hex (FORMAT §2), so a salt of
/// another length is refused before it could read as a changed list.
fn conflict_salt_flag(h: &str) -> Result<Vec<u8>, ReceiptError> {
    let salt = unhex("--conflict-salt", h)?;
    if salt.len() != crate::secrets::SALT_LEN {
        return Err(ReceiptError::Flag {
            flag: "--conflict-salt",
            message: format!(
                "a conflict-list salt is {} bytes ({} hex digits), this is {} byte(s)",
                crate::secrets::SALT_LEN,
                2 * crate::secrets::SALT_LEN,
                salt.len()
            ),
        });
    }
    Ok(salt)
}

impl VerifyArgs {
    /// The policy `--randomness-policy` or `--strict` names.
    pub fn randomness_policy(&self) -> double_random::verify::RandomnessPolicy {
        use double_random::verify::RandomnessPolicy;
        match (self.strict, self.randomness_policy) {
            (true, _) | (false, Some(PolicyArg::WitnessedDrand)) => {
                RandomnessPolicy::WitnessedDrand
            }
            (false, Some(PolicyArg::AnyPlan) | None) => RandomnessPolicy::AnyPlan,
        }
    }
}

/// Runs `verify`.
pub fn verify(a: &VerifyArgs) -> Result<Status, CliError> {
    let key = load_public_key(&a.public_key)?;
    let bytes = read_shared(&a.chain).map_err(io(&a.chain))?;
    let (lines, mut findings) = read_chain(&bytes);
    // The report names the chain by its digest; the bytes themselves (as
    // large as the draws' lists) are not kept beside their records.
    let chain_input = a
        .report
        .as_ref()
        .map(|_| crate::report::InputFile::of_bytes("chain", &a.chain, &bytes));
    drop(bytes);
    let level = match (a.level, &a.entities) {
        (Some(LevelArg::Chain), _) => Level::Chain,
        (Some(LevelArg::Replay), _) => Level::Replay,
        (Some(LevelArg::Full), None) => {
            return Err(ReceiptError::Flag {
                flag: "--level",
                message: "full replay needs --entities, --inspectors and --conflicts".into(),
            }
            .into());
        }
        (_, Some(_)) => Level::Full,
        (None, None) => Level::Replay,
    };
    if a.draw.is_some() && level != Level::Full {
        return Err(ReceiptError::Flag {
            flag: "--draw",
            message: "selects the draw checked against the registers; it needs level full".into(),
        }
        .into());
    }
    let mut loaded = None;
    if level == Level::Full {
        let files = RegisterFiles {
            entities: a.entities.clone(),
            inspectors: a.inspectors.clone(),
            conflicts: a.conflicts.clone(),
            items: a.items.clone(),
        };
        // The verifier reads the registers as recorded: chains committed
        // before certificate dates were required still verify.
        let l = registers::load(
            &files,
            a.read.encoding.into(),
            &a.read.options(None),
            registers::CertificateDates::AsRecorded,
        )?;
        for p in l.problems() {
            if p.severity == double_random::registers::Severity::Error {
                findings.push(Finding {
                    severity: FindingSeverity::Error,
                    check: "register-file",
                    line: None,
                    sequence: None,
                    record: None,
                    message: l.notes.describe(p),
                    // Already in the process's language: the register
                    // problem describer speaks it.
                    message_zh: None,
                });
            }
        }
        loaded = Some(l);
    }
    // Salts: each commitment's own from the secrets file (--secrets, else
    // without --conflict-salt the file kept beside the chain), then
    // --conflict-salt for the commitments it does not list. A commitment
    // without a salt is a `conflict-salt` finding of that draw, not a
    // refusal to verify the rest.
    let salt = match &a.conflict_salt {
        Some(h) => conflict_salt_flag(h)?,
        None => Vec::new(),
    };
    let secrets_file = match (&a.secrets, &a.conflict_salt) {
        (Some(p), _) => Some(p.clone()),
        (None, None) => Some(secrets_path(&a.chain)).filter(|p| p.exists()),
        (None, Some(_)) => None,
    }
    .filter(|_| level == Level::Full);
    let salts = match &secrets_file {
        Some(p) => crate::secrets::read_secrets_file(p).map_err(ReceiptError::from)?,
        None => Vec::new(),
    };
    let registers = loaded.as_ref().and_then(view);
    let witness_data = load_witnesses(&a.witnesses, &a.chain)?;
    let options = VerifyOptions {
        level,
        registers,
        only_draw: a.draw.as_deref(),
        salts: &salts,
        conflict_salt: &salt,
        witnesses: witness_data.as_ref().map(|(keys, bytes)| WitnessOptions {
            trusted: keys,
            threshold: a.witnesses.witness_threshold,
            cosignatures: bytes,
            now: now().ok(),
        }),
    };
    let mut report = std::thread::scope(|s| {
        // The entity register's root, which the first draw's check needs,
        // is hashed from now on, beside the opening of the chain's records
        // and the checks before it; that check then waits for it.
        if let (Some(r), Some(version)) = (registers, draw_version(&lines)) {
            s.spawn(move || double_random::commitment::commit_entities(r.entities, version));
        }
        verify_chain(&lines, &key, &options)
    });
    report.records += findings.len();
    findings.append(&mut report.findings);
    report.findings = findings;
    report.lead_with_wrong_key();
    double_random::verify::apply_randomness_policy(&mut report, a.randomness_policy());
    let ledger = match &a.ledger {
        Some(path) => Some(crate::ledger::verify_ledger_files(
            path,
            &a.approver_key,
            &a.published,
            &key,
            &lines,
            load_witnesses(
                &WitnessArgs {
                    witness_keys: a.witnesses.witness_keys.clone(),
                    witness_threshold: a.witnesses.witness_threshold,
                    cosignatures: None,
                },
                path,
            )?
            .as_ref()
            .map(|(keys, bytes)| WitnessOptions {
                trusted: keys,
                threshold: a.witnesses.witness_threshold,
                cosignatures: bytes,
                now: now().ok(),
            }),
            &crate::calendar_file::CalendarArgs {
                calendar_files: a.calendar_files.clone(),
            },
        )?),
        None => None,
    };
    print_report(&report, level, a.json, ledger.as_ref())?;
    if let (Some(path), Some(chain_input)) = (&a.report, chain_input) {
        let inputs = crate::report::inputs_of(a, chain_input, secrets_file.as_deref())?;
        crate::report::write_report(
            path,
            &crate::report::ReportContext {
                inputs,
                key: &key,
                level,
                lines: &lines,
                report: &report,
                ledger: ledger.as_ref(),
                witnesses: witness_data
                    .as_ref()
                    .map(|(keys, _)| (keys.as_slice(), a.witnesses.witness_threshold)),
                only_draw: a.draw.as_deref(),
                registers: loaded.is_some(),
                made_at: now().ok(),
            },
            files::Overwrite::from_force(a.force),
        )?;
        eprintln!("report written to {}", path.display());
    }
    Ok(
        if report.holds()
            && ledger
                .as_ref()
                .is_none_or(double_random::ledger::LedgerReport::holds)
        {
            Status::Ok
        } else {
            Status::Failed
        },
    )
}

// ---------------------------------------------------------------------------
// prove and verify-proof

/// Flags of `prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// The issuer's chain file.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// The entity register the commitment was made from.
    #[arg(long)]
    pub entities: PathBuf,
    /// The entity's USCC.
    #[arg(long)]
    pub uscc: String,
    /// The commitment (record id or prefix); default: the latest whose entity root matches the register.
    #[arg(long)]
    pub commitment: Option<String>,
    /// Write the proof bundle here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file (a symlink is never followed).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Runs `prove`.
pub fn prove(a: &ProveArgs) -> Result<Status, CliError> {
    let key = load_public_key(&a.public_key)?;
    let chain = ChainFile::load(&a.chain, &key, false)?;
    let mut notes = crate::registers::Notes::default();
    let reg = registers::read_entities(
        &a.entities,
        a.read.encoding.into(),
        &a.read.options(None),
        &mut notes,
    )?;
    if !reg.is_clean() {
        return Err(ReceiptError::InvalidRegisters(reg.errors().count()).into());
    }
    let register = reg.register;
    let commit_error = |e: double_random::commitment::CommitError| ReceiptError::Draw(e.into());
    // The commitment: named, or the latest whose pool this register gives.
    let (cid, commitment) = match &a.commitment {
        Some(p) => chain.select_commitment(Some(p), None)?,
        None => {
            let mut found = None;
            for (id, r) in chain.chain.records().iter().rev() {
                let Record::Commitment(c) = r else { continue };
                let pool = chain
                    .chain
                    .pool(c, &register)
                    .map_err(|e| chain_error(&a.chain, e))?;
                let root = double_random::commitment::commit_entities(&pool, c.format)
                    .map_err(commit_error)?
                    .root;
                if root == c.registers.entities.root {
                    found = Some((*id, c.clone()));
                    break;
                }
            }
            found.ok_or_else(|| {
                ReceiptError::Selection(
                    "no commitment on the chain draws from this entity register (no pool root matches)"
                        .into(),
                )
            })?
        }
    };
    let pool = chain
        .chain
        .pool(&commitment, &register)
        .map_err(|e| chain_error(&a.chain, e))?;
    let uscc = Uscc::parse(&a.uscc, UsccPolicy::LenientCheckCharacter).map_err(|e| {
        ReceiptError::Flag {
            flag: "--uscc",
            message: crate::lang::message(&e),
        }
    })?;
    if pool.get(&uscc).is_none() && register.get(&uscc).is_some() {
        return Err(ReceiptError::Flag {
            flag: "--uscc",
            message: format!(
                "entity {uscc} is in the register but not in the pool of task {}: its scope or exclusions leave it out, so it could not be drawn",
                commitment.task.id
            ),
        }
        .into());
    }
    let hashes = entity_leaf_hashes(&pool, commitment.format).map_err(commit_error)?;
    let proof =
        prove_entity(&pool, &hashes, &uscc, commitment.format).map_err(|e| ReceiptError::Flag {
            flag: "--uscc",
            message: crate::lang::message(&e),
        })?;
    let line_of = |id: &RecordId| {
        chain
            .lines
            .iter()
            .find(|l| l.envelope.record_id() == *id)
            .map(|l| l.envelope.to_json())
    };
    let draw_id = match chain.chain.commitment(&cid) {
        Some((_, double_random::verify::Outcome::Drawn(d))) => Some(d),
        _ => None,
    };
    let bundle = ProofBundle {
        format: proof_bundle_format(commitment.format).to_owned(),
        commitment: line_of(&cid).unwrap_or_default(),
        draw: draw_id.and_then(|d| line_of(&d)),
        proof,
    };
    let text = serde_json::to_string_pretty(&bundle)? + "\n";
    match &a.out {
        Some(p) => {
            files::write_output(p, text, files::Overwrite::from_force(a.force)).map_err(io(p))?
        }
        None => crate::out!("{text}"),
    }
    Ok(Status::Ok)
}

/// Flags of `verify-proof`.
#[derive(Debug, Args)]
pub struct VerifyProofArgs {
    /// The proof bundle (from `prove`).
    #[arg(long)]
    pub proof: PathBuf,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// A trusted witness's public key file (repeat): the commitment must be
    /// cosigned by --witness-threshold of them before its randomness (with --cosignatures).
    #[arg(long = "witness-key", requires = "cosignatures")]
    pub witness_keys: Vec<PathBuf>,
    /// How many distinct trusted witnesses are required.
    #[arg(long, default_value_t = 1, requires = "witness_keys")]
    pub witness_threshold: usize,
    /// The issuer's published cosignature file (CHAIN.cosignatures.jsonl).
    #[arg(long, requires = "witness_keys")]
    pub cosignatures: Option<PathBuf>,
}

/// The format version of the chain's first draw record, by its payload
/// type (before any record is opened): the version of the entity leaves its
/// check will hash. `None` for a chain without draws.
fn draw_version(lines: &[ChainLine]) -> Option<double_random::records::FormatVersion> {
    lines.iter().find_map(|l| match l.envelope.payload_type() {
        double_random::records::DRAW_TYPE => Some(double_random::records::FormatVersion::V2),
        double_random::records::v1::DRAW_TYPE => Some(double_random::records::FormatVersion::V1),
        _ => None,
    })
}

/// Runs `verify-proof`.
pub fn verify_proof(a: &VerifyProofArgs) -> Result<Status, CliError> {
    let key = load_public_key(&a.public_key)?;
    let text = read(&a.proof)?;
    let bundle: ProofBundle = serde_json::from_slice(&text).map_err(|e| ReceiptError::Bundle {
        path: a.proof.display().to_string(),
        message: e.to_string(),
    })?;
    let result = bundle.verify(&key);
    // Witness evidence, when witness keys are given: who cosigned the
    // commitment before its randomness existed.
    let witnessed =
        match &a.cosignatures {
            Some(path) if result.is_ok() => {
                let trusted = a
                    .witness_keys
                    .iter()
                    .map(|p| load_public_key(p))
                    .collect::<Result<Vec<_>, _>>()?;
                let bytes = read(path)?;
                Some(bundle.witnesses(&key, &bytes, &trusted).map_err(|e| {
                    ReceiptError::Bundle {
                        path: a.proof.display().to_string(),
                        message: crate::lang::message(&e),
                    }
                })?)
            }
            _ => None,
        };
    let witnessed_enough = witnessed
        .as_ref()
        .is_none_or(|w| w.len() >= a.witness_threshold.max(1));
    if a.json {
        let v = match &result {
            Ok(v) => json!({
                "holds": witnessed_enough,
                "verdict": v,
                "witnesses": witnessed,
                "witnesses_checked": witnessed.is_some(),
            }),
            Err(e) => json!({"holds": false, "error": e.to_string()}),
        };
        crate::outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        match &result {
            Ok(v) => {
                if crate::lang::zh() {
                    crate::outln!("证明成立：");
                    for f in &v.findings {
                        write_finding(&mut std::io::stdout().lock(), f)?;
                    }
                    crate::outln!(
                        "  {} 在任务 {} 承诺的名录库中：{} 类（{}），排序第 {} 位（共 {} 户）",
                        v.uscc,
                        v.task,
                        v.class,
                        CreditClass::chinese_name(v.class),
                        v.rank + 1,
                        v.class_size
                    );
                    crate::outln!(
                        "  承诺 {}（序号 {}，{}）",
                        v.commitment,
                        v.commitment_at.0,
                        bj(v.commitment_at.1)
                    );
                    match (&v.draw, v.drawn_at) {
                        (None, _) => crate::outln!("  尚未抽取：证明包中没有抽取记录"),
                        (Some(d), Some(p)) => crate::outln!(
                            "  已被抽中：在抽取 {} 中为 {} 类第 {} 个",
                            &d[..16],
                            v.class,
                            p + 1
                        ),
                        (Some(d), None) => crate::outln!(
                            "  未被抽中：抽取 {} 没有选中排序第 {} 位",
                            &d[..16],
                            v.rank + 1
                        ),
                    }
                    if let Some((sequence, at)) = &v.draw_at {
                        crate::outln!("  抽取记录序号 {sequence}，{}", bj(*at));
                    }
                    match &witnessed {
                        None => crate::outln!(
                            "  未核对公布时间：加 --witness-key 和 --cosignatures 可查看哪些见证方在随机数产生之前副署了该承诺"
                        ),
                        Some(w) if w.is_empty() => {
                            crate::outln!("  无见证：没有受信任的见证方在随机数产生之前副署该承诺")
                        }
                        Some(w) => {
                            for x in w {
                                crate::outln!(
                                    "  见证方 {} 于 {}（链头序号 {}）在随机数产生之前副署",
                                    x.name,
                                    bj(x.time),
                                    x.sequence
                                );
                            }
                        }
                    }
                } else {
                    crate::outln!("the proof holds:");
                    for f in &v.findings {
                        write_finding(&mut std::io::stdout().lock(), f)?;
                    }
                    crate::outln!(
                        "  {} was in the committed pool of task {}: class {} ({}), rank {} of {}",
                        v.uscc,
                        v.task,
                        v.class,
                        CreditClass::chinese_name(v.class),
                        v.rank,
                        v.class_size
                    );
                    crate::outln!(
                        "  commitment {} (sequence {}, {})",
                        v.commitment,
                        v.commitment_at.0,
                        bj(v.commitment_at.1)
                    );
                    match (&v.draw, v.drawn_at) {
                        (None, _) => crate::outln!("  not drawn yet: the bundle has no draw"),
                        (Some(d), Some(p)) => crate::outln!(
                            "  DRAWN: position {} of class {} in draw {}",
                            p + 1,
                            v.class,
                            &d[..16]
                        ),
                        (Some(d), None) => crate::outln!(
                            "  not drawn: the draw {} did not pick rank {}",
                            &d[..16],
                            v.rank
                        ),
                    }
                    if let Some((sequence, at)) = &v.draw_at {
                        crate::outln!("  draw at sequence {sequence}, {}", bj(*at));
                    }
                    match &witnessed {
                        None => crate::outln!(
                            "  publication time NOT checked: give --witness-key and --cosignatures to see who witnessed the commitment before its randomness"
                        ),
                        Some(w) if w.is_empty() => crate::outln!(
                            "  NOT WITNESSED: no trusted witness cosigned this commitment before its randomness"
                        ),
                        Some(w) => {
                            for x in w {
                                crate::outln!(
                                    "  witnessed before the randomness by {} at {} (head {})",
                                    x.name,
                                    bj(x.time),
                                    x.sequence
                                );
                            }
                        }
                    }
                }
            }
            Err(e) if crate::lang::zh() => crate::outln!("证明不成立：{e}"),
            Err(e) => crate::outln!("the proof FAILS: {e}"),
        }
        if result.is_ok() {
            crate::outln!(
                "{}",
                crate::lang::pick(
                    "  a bundle cannot show the chain rules (no second draw, no cancellation, no abandoned attempt): check that these records, at these sequence numbers, are on the issuer's published chain up to its published head",
                    "  证明包无法显示链规则（没有第二次抽取、没有撤销、没有放弃的尝试）：请核对这些记录以这些序号出现在签发单位公布的链上，直至其公布的链头"
                )
            );
        }
    }
    Ok(if result.is_ok() && witnessed_enough {
        Status::Ok
    } else {
        Status::Failed
    })
}

// ---------------------------------------------------------------------------
// replace and supplement (after the draw)

impl ChainFile {
    /// The draw (the outcome of its commitment) whose record id starts with `prefix`.
    fn select_draw(&self, prefix: &str) -> Result<RecordId, ReceiptError> {
        let p = prefix.trim().to_ascii_lowercase();
        let found: Vec<RecordId> = self
            .chain
            .records()
            .iter()
            .filter(|(id, r)| {
                matches!(r, Record::Draw(_))
                    && id.starts_with_hex(&p)
                    && self.chain.draw_record(id).is_some()
            })
            .map(|(id, _)| *id)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(ReceiptError::Selection(format!(
                "no draw on the chain has an id starting with {p}"
            ))),
            many => Err(ReceiptError::Selection(format!(
                "{} draws have ids starting with {p}; give more digits",
                many.len()
            ))),
        }
    }
}

fn parse_uscc_flag(flag: &'static str, s: &str) -> Result<Uscc, ReceiptError> {
    Uscc::parse(s, UsccPolicy::LenientCheckCharacter).map_err(|e| ReceiptError::Flag {
        flag,
        message: crate::lang::message(&e),
    })
}

/// The registers of an after-draw record: read for the draw's inspection
/// date, with the commitment's salt.
fn after_draw_inputs(
    chain: &ChainFile,
    draw: &RecordId,
    registers: &RegisterArgs,
    salt: Option<&str>,
) -> Result<(LoadedRegisters, Vec<u8>), CliError> {
    let commitment = chain
        .chain
        .draw_record(draw)
        .map(|d| d.commitment)
        .ok_or_else(|| ReceiptError::Selection(format!("{draw} is not a draw of the chain")))?;
    let date = chain
        .chain
        .commitment(&commitment)
        .and_then(|(c, _)| c.task.inspection_date);
    let loaded = load_registers(registers, date)?;
    let salt = find_salt(&chain.path, &commitment, salt)?;
    Ok((loaded, salt))
}

/// What `replace` and `supplement` both load: the key, the chain locked
/// for appending, the draw, the registers and salt it was committed with,
/// and the record's time.
struct AfterDrawSetup {
    key: IssuerKey,
    chain: ChainFile,
    draw: RecordId,
    loaded: LoadedRegisters,
    salt: Vec<u8>,
    created_at: Timestamp,
}

fn after_draw_setup(a: &AfterDrawArgs) -> Result<AfterDrawSetup, CliError> {
    let key = load_secret_key(&a.key)?;
    let chain = ChainFile::load_for_append(&a.chain, key.public_key(), false)?;
    let draw = chain.select_draw(&a.draw)?;
    let (loaded, salt) =
        after_draw_inputs(&chain, &draw, &a.registers, a.conflict_salt.as_deref())?;
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    Ok(AfterDrawSetup {
        key,
        chain,
        draw,
        loaded,
        salt,
        created_at,
    })
}

/// `name(id)` of an officer, or the id alone.
fn officer_label(regs: &Registers<'_>, id: &str) -> String {
    regs.inspectors
        .get(id)
        .map_or_else(|| id.to_owned(), |i| format!("{}({id})", i.name))
}

/// The flags `replace` and `supplement` share: the chain, key and draw
/// they amend, the registers, the reason's text, time and output.
#[derive(Debug, Args)]
pub struct AfterDrawArgs {
    /// The issuer's chain file.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The draw (record id or a prefix).
    #[arg(long)]
    pub draw: String,
    /// Details of the reason (required for other).
    #[arg(long, default_value = "")]
    pub reason_text: String,
    #[command(flatten)]
    pub registers: RegisterArgs,
    /// The conflict-list salt as hex (default: from CHAIN.secrets.jsonl).
    #[arg(long)]
    pub conflict_salt: Option<String>,
    /// Record time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// A witness service to cosign the new head (repeat for several).
    #[arg(long = "witness-url")]
    pub witness_urls: Vec<String>,
}

/// Flags of `replace`.
#[derive(Debug, Args)]
pub struct ReplaceArgs {
    #[command(flatten)]
    pub on: AfterDrawArgs,
    /// The entity whose team changes.
    #[arg(long)]
    pub uscc: String,
    /// The officer leaving the team (certificate number).
    #[arg(long)]
    pub leaving: String,
    /// Why: recusal (回避), illness (病假), transfer (调离) or other (then --reason-text).
    #[arg(long)]
    pub reason: String,
}

/// Runs `replace`: an officer leaves a drawn team, and the officer the
/// after-draw rule picks takes the place (the office does not choose).
pub fn replace(a: &ReplaceArgs) -> Result<Status, CliError> {
    use double_random::records::{ReplacementReason, ReplacementReasonKind};
    let kind = ReplacementReasonKind::parse(&a.reason).ok_or_else(|| ReceiptError::Flag {
        flag: "--reason",
        message: format!(
            "{:?}: use recusal (回避), illness (病假), transfer (调离) or other",
            a.reason
        ),
    })?;
    let uscc = parse_uscc_flag("--uscc", &a.uscc)?;
    let AfterDrawSetup {
        key,
        mut chain,
        draw,
        loaded,
        salt,
        created_at,
    } = after_draw_setup(&a.on)?;
    let regs = view(&loaded).ok_or(ReceiptError::InvalidRegisters(0))?;
    let pending = chain
        .chain
        .replace(
            &key,
            &double_random::chain::Replace {
                draw,
                uscc,
                leaving: a.leaving.trim(),
                reason: ReplacementReason {
                    kind,
                    text: a.on.reason_text.clone(),
                },
                registers: regs,
                conflict_salt: &salt,
                created_at,
            },
        )
        .map_err(|e| chain_error(&a.on.chain, e))?;
    let Record::Replacement(p) = pending.record().clone() else {
        return Err(ReceiptError::Selection("not a replacement".into()).into());
    };
    let over_cap = chain.chain.state().amended(&draw).is_some_and(|s| {
        chain
            .chain
            .draw_record(&draw)
            .and_then(|d| chain.chain.commitment(&d.commitment))
            .is_some_and(|(c, _)| s.replacement_over_cap(c, &p.replacement))
    });
    let id = chain.append(pending)?;
    chain.ask_witnesses(&a.on.witness_urls)?;
    let team = chain
        .chain
        .state()
        .amended(&draw)
        .and_then(|s| s.entity(&uscc).map(|e| e.team.clone()))
        .unwrap_or_default();
    if a.on.json {
        crate::outln!(
            "{}",
            json!({
                "record": hex(&id),
                "sequence": p.chain.sequence,
                "draw": hex(&draw),
                "uscc": p.uscc,
                "place": p.place,
                "leaving": p.leaving,
                "reason": p.reason,
                "replacement": p.replacement,
                "over_cap": over_cap,
                "team": team,
            })
        );
        return Ok(Status::Ok);
    }
    let name = regs.entities.get(&uscc).map_or("", |e| e.name());
    crate::outln!(
        "replaced {} on the team of {uscc} {name} ({}{})",
        officer_label(&regs, &p.leaving),
        kind.chinese_name(),
        if p.reason.text.is_empty() {
            String::new()
        } else {
            format!("：{}", p.reason.text)
        }
    );
    crate::outln!("  record {}", hex(&id));
    crate::outln!(
        "  place {} now held by {} (picked by the after-draw rule){}",
        p.place,
        officer_label(&regs, &p.replacement),
        if over_cap {
            "; OVER THE WORKLOAD CAP: every candidate was at the cap"
        } else {
            ""
        }
    );
    crate::outln!(
        "  team   {}",
        team.iter()
            .map(|i| officer_label(&regs, i))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(Status::Ok)
}

/// Flags of `supplement`.
#[derive(Debug, Args)]
pub struct SupplementArgs {
    #[command(flatten)]
    pub on: AfterDrawArgs,
    /// The listed entity that cannot be inspected.
    #[arg(long)]
    pub replaced: String,
    /// Why: deregistered (注销), moved-out (迁出), unreachable (无法联系) or other (then --reason-text).
    #[arg(long)]
    pub reason: String,
}

/// Runs `supplement`: a listed entity that cannot be inspected is replaced
/// by the next entity of its class from the same class stream (补充抽取).
pub fn supplement(a: &SupplementArgs) -> Result<Status, CliError> {
    use double_random::records::{SupplementReason, SupplementReasonKind};
    let kind = SupplementReasonKind::parse(&a.reason).ok_or_else(|| ReceiptError::Flag {
        flag: "--reason",
        message: format!(
            "{:?}: use deregistered (注销), moved-out (迁出), unreachable (无法联系) or other",
            a.reason
        ),
    })?;
    let replaced = parse_uscc_flag("--replaced", &a.replaced)?;
    let AfterDrawSetup {
        key,
        mut chain,
        draw,
        loaded,
        salt,
        created_at,
    } = after_draw_setup(&a.on)?;
    let regs = view(&loaded).ok_or(ReceiptError::InvalidRegisters(0))?;
    let pending = chain
        .chain
        .supplement(
            &key,
            &double_random::chain::Supplement {
                draw,
                replaced,
                reason: SupplementReason {
                    kind,
                    text: a.on.reason_text.clone(),
                },
                registers: regs,
                conflict_salt: &salt,
                created_at,
            },
        )
        .map_err(|e| chain_error(&a.on.chain, e))?;
    let Record::Supplement(p) = pending.record().clone() else {
        return Err(ReceiptError::Selection("not a supplement".into()).into());
    };
    let over_cap: Vec<usize> = chain
        .chain
        .draw_record(&draw)
        .and_then(|d| chain.chain.commitment(&d.commitment))
        .zip(chain.chain.state().amended(&draw))
        .map(|((c, _), s)| s.supplement_over_cap(c, &p.team))
        .unwrap_or_default();
    let id = chain.append(pending)?;
    chain.ask_witnesses(&a.on.witness_urls)?;
    if a.on.json {
        crate::outln!(
            "{}",
            json!({
                "record": hex(&id),
                "sequence": p.chain.sequence,
                "draw": hex(&draw),
                "replaced": p.replaced,
                "reason": p.reason,
                "class": p.class,
                "rank": p.rank,
                "uscc": p.uscc,
                "team": p.team,
                "over_cap_places": over_cap,
            })
        );
        return Ok(Status::Ok);
    }
    let name = |u: &Uscc| regs.entities.get(u).map_or("", |e| e.name()).to_owned();
    crate::outln!(
        "supplementary draw (补充抽取): {} {} replaced ({})",
        p.replaced,
        name(&p.replaced),
        kind.chinese_name()
    );
    crate::outln!("  record {}", hex(&id));
    crate::outln!(
        "  {} #{:<4} {} {}  ← {}",
        p.class,
        p.rank.0,
        p.uscc,
        name(&p.uscc),
        p.team
            .iter()
            .map(|i| officer_label(&regs, i))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !over_cap.is_empty() {
        crate::outln!(
            "  places {over_cap:?} are OVER THE WORKLOAD CAP: every candidate was at the cap"
        );
    }
    Ok(Status::Ok)
}
