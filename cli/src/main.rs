//! `double-random`: the command-line tool for offices that run spot-check
//! draws and for auditors who check them.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use double_random_cli::{
    approve, approvers, check, common, import, ledger, notice, plan, progress, receipts, repair,
    show, when, year,
};

/// Provable "double random, one public" (双随机、一公开) spot-check draws.
#[derive(Debug, Parser)]
#[command(name = "double-random", version, about, long_about = None)]
struct Cli {
    /// No progress display (it is shown only when standard error is a terminal).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
    Witness(double_random_cli::witness::WitnessArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::set_quiet(cli.quiet);
    // The process ends when the command returns: big registers need not be freed.
    common::exit_after_command();
    let result = match cli.command {
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
        Command::Witness(a) => double_random_cli::witness::witness(&a),
    };
    match result {
        Ok(status) => status.into(),
        // The reader closed the pipe (`| head`): stop quietly, as a
        // SIGPIPE would, with the exit status of output not written.
        Err(e) if e.is_broken_pipe() => common::Status::Unreadable.into(),
        Err(e) => {
            eprintln!("double-random: {e}");
            common::Status::Unreadable.into()
        }
    }
}
