//! The results ledger (一公开): inspection results, approved corrections,
//! publication checkpoints, deadlines and per-task summaries.
//!
//! Each issuer keeps a ledger beside its receipt chain: a separate chain of
//! signed records (JSON Lines of DSSE envelopes) with the same link rules
//! (sequence from 0, each record naming its predecessor, time never going
//! back). Four payload types (ledger format version 2; version 1, without
//! departments and progress, keeps verifying: [`v1`]):
//!
//! - a **result** ([`ResultPayload`], [`RESULT_TYPE`]) for one entity on the
//!   list of one draw of the receipt chain (drawn, or added by a
//!   supplement), entered by the department that checked it, with its check
//!   items (谁检查、谁录入: in a joint task each department enters its own;
//!   [`EntityResult`] derives the entity's overall result);
//! - a **correction** ([`CorrectionPayload`], [`CORRECTION_TYPE`]) naming the
//!   version it replaces, the reason, and the approver, and carrying a second
//!   signature by the approver's key (the unit head): a result once recorded
//!   is never edited;
//! - **follow-up progress** ([`ProgressPayload`], [`PROGRESS_TYPE`]): a
//!   penalty decision number, a transfer, a completed rectification, signed
//!   by the issuer alone and published without the corrected mark;
//! - a **checkpoint** ([`CheckpointPayload`], [`CHECKPOINT_TYPE`]) of the
//!   ledger head and the SHA-256 of the files published from it.
//!
//! [`verify_ledger`] checks a ledger against the draws ([`DrawIndex`]) and
//! returns a [`LedgerReport`] (the same findings as the receipt verifier) together with
//! the [`Ledger`] state, from which [`PublicView`] and [`summarise`] are
//! built. The format is specified in `docs/spec/ledger.md`.
//!
//! The library stays sans-IO: the entry time comes in the chain link, the
//! calendar is given, and files are bytes.

mod category;
mod publish;
mod record;
mod state;
mod summary;

#[cfg(test)]
mod tests;

pub use category::{FollowUp, FollowUpKind, ResultCategory};
pub use publish::{
    CreditClassDisclosure, InspectorDisclosure, PUBLIC_RESULTS_FORMAT, PublicCategory, PublicClass,
    PublicClassRow, PublicDepartmentResult, PublicDraw, PublicFollowUp, PublicInspector,
    PublicMethod, PublicResult, PublicView, published_file,
};
pub use record::{
    Approver, CHECKPOINT_TYPE, CORRECTION_TYPE, CheckpointPayload, CorrectionPayload, LEDGER_TYPES,
    LedgerRecord, PROGRESS_TYPE, ProgressPayload, PublishedFile, RESULT_TYPE, ResultFields,
    ResultPayload, method_code, sign_correction, v1,
};
pub use state::{
    ApprovalError, Approvals, CHINA_UTC_OFFSET_SECONDS, CheckpointRecord, CorrectionNote, Deadline,
    DrawIndex, DrawnTask, EntityResult, Ledger, LedgerEntry, LedgerOptions, LedgerReport,
    ProgressNote, ResultError, ResultVersion, check_approval, check_published_file, china_date,
    verify_ledger,
};
pub use summary::{
    CategoryCount, ItemCount, MissingEntity, Rate, SummaryKind, TaskSummary, summarise,
};
