//! The command line: every command, its flags and help, and the dispatch
//! from a parsed command to the function that runs it. `main.rs` only
//! parses and maps the result to an exit status; the language layer
//! ([`crate::lang`]) reads this definition to give the help in Chinese.

use clap::{Parser, Subcommand};

use crate::{
    approve, approvers, check, common, import, lang, ledger, notice, plan, receipts, repair, show,
    when, year,
};

/// Provable "double random, one public" (双随机、一公开) spot-check draws.
#[derive(Debug, Parser)]
#[command(name = "double-random", version, about, long_about = None)]
pub struct Cli {
    /// No progress display (it is shown only when standard error is a terminal).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Language of messages and help: zh (Chinese) or en (English); by default from DOUBLE_RANDOM_LANG, LC_ALL, LC_MESSAGES or LANG.
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<lang::Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate registers: counts per credit class and department, and every problem found.
    CheckRegisters(check::CheckArgs),
    /// Quarterly change list (季度增减清单) between two versions of an entity register.
    DiffRegisters(check::DiffArgs),
    /// The check-item list (抽查事项清单) as an xlsx workbook for publication.
    ItemList(check::ItemListArgs),
    /// A task's scope and pool, and per credit class: pool, ratio, effective rate, number to draw.
    Plan(plan::PlanArgs),
    /// The year's plan (年度抽查工作计划): pools and draw sizes per batch, overlaps, an HTML document.
    Year(year::YearArgs),
    /// Generate an issuer's signing key (PREFIX.key, mode 0600) and public key (PREFIX.pub).
    Keygen(receipts::KeygenArgs),
    /// Commit a task and its registers to the chain before the randomness exists.
    Commit(receipts::CommitArgs),
    /// Draw entities and teams for a commitment with the public randomness.
    Draw(receipts::DrawArgs),
    /// Cancel a commitment with a signed reason (it will never be drawn).
    Cancel(receipts::CancelArgs),
    /// After a draw: an officer leaves a team (回避, 病假, 调离); the after-draw rule picks who takes the place.
    Replace(receipts::ReplaceArgs),
    /// After a draw: replace a listed entity that cannot be inspected (注销, 迁出, 无法联系) by the next of its class (补充抽取).
    Supplement(receipts::SupplementArgs),
    /// Verify a chain: signatures, chain rules, replay of every draw, and registers.
    Verify(receipts::VerifyArgs),
    /// Write a proof bundle for one entity: in the pool, class, rank, drawn or not.
    Prove(receipts::ProveArgs),
    /// Check a proof bundle alone.
    VerifyProof(receipts::VerifyProofArgs),
    /// List a chain's tasks, commitments, draws (codes, teams) and cancellations from chain and key alone.
    Show(show::ShowArgs),
    /// Record the result of checking one drawn entity on the results ledger.
    RecordResult(ledger::RecordResultArgs),
    /// Record many results at once from an xlsx or CSV sheet (one row per drawn entity): all rows or none.
    RecordResults(import::RecordResultsArgs),
    /// Correct a result, with the unit head's approval as a second signature.
    Correct(ledger::CorrectArgs),
    /// The unit head checks a correction request (`correct --request-out`) on their own computer and countersigns it.
    Approve(approve::ApproveArgs),
    /// Record follow-up progress on a result (penalty decision, transfer, rectification done); not a correction.
    Progress(ledger::ProgressArgs),
    /// Write the public view (CSV, JSON, xlsx) and append a signed checkpoint of it.
    Publish(ledger::PublishArgs),
    /// The drand quicknet round to commit to for a time (`--at "2026-12-02 10:00 北京时间"`), or a round's time (`--round N`).
    Round(when::RoundArgs),
    /// Per-task summary tables (汇总表): initiated and cooperated.
    Summary(ledger::SummaryArgs),
    /// List or pin the approver (unit head) keys a ledger's corrections must carry (LEDGER.approvers).
    Approvers(approvers::ApproversArgs),
    /// Cut a torn last line (a crash mid-append) off a chain or ledger, after showing what is cut.
    Repair(repair::RepairArgs),
    /// Render a printable HTML notice: of a verified draw (随机抽取结果公示: entities and teams drawn), or with --commitment the commitment notice (承诺公告) published before the draw.
    Notice(notice::NoticeArgs),
    /// Witnesses (见证方) cosign a chain's head with their own clock: serve, cosign, request.
    #[cfg(feature = "witness")]
    Witness(crate::witness::WitnessArgs),
}

impl Command {
    /// Runs the command.
    pub fn run(self) -> Result<common::Status, common::CliError> {
        match self {
            Command::CheckRegisters(a) => check::check_registers(&a),
            Command::DiffRegisters(a) => check::diff_registers(&a),
            Command::ItemList(a) => check::item_list(&a),
            Command::Plan(a) => plan::plan(&a),
            Command::Year(a) => year::year(&a),
            Command::Keygen(a) => receipts::keygen(&a),
            Command::Commit(a) => receipts::commit(&a),
            Command::Draw(a) => receipts::draw(&a),
            Command::Cancel(a) => receipts::cancel(&a),
            Command::Replace(a) => receipts::replace(&a),
            Command::Supplement(a) => receipts::supplement(&a),
            Command::Verify(a) => receipts::verify(&a),
            Command::Prove(a) => receipts::prove(&a),
            Command::VerifyProof(a) => receipts::verify_proof(&a),
            Command::Show(a) => show::show(&a),
            Command::RecordResult(a) => ledger::record_result(&a),
            Command::RecordResults(a) => import::record_results(&a),
            Command::Correct(a) => ledger::correct(&a),
            Command::Approve(a) => approve::approve(&a),
            Command::Progress(a) => ledger::progress(&a),
            Command::Publish(a) => ledger::publish(&a),
            Command::Summary(a) => ledger::summary(&a),
            Command::Approvers(a) => approvers::approvers(&a),
            Command::Repair(a) => repair::repair(&a),
            Command::Round(a) => when::round(&a),
            Command::Notice(a) => notice::notice(&a),
            #[cfg(feature = "witness")]
            Command::Witness(a) => crate::witness::witness(&a),
        }
    }
}
