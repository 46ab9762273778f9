//! Provable "double random, one public" (双随机、一公开) spot-check draws.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod base64;
mod credit;
mod date;
mod dsse;
mod hex;
mod keys;
mod register;
mod uscc;

pub use base64::Base64Error;
pub use credit::{CreditClass, CreditClassError};
pub use date::{format_date, parse_date};
pub use dsse::{
    DecodeError, Envelope, Location, RecordId, SIGNATURE_LEN, Signature, VerifyError, pae,
    record_id, sign, verify, verify_any_of,
};
pub use keys::{
    FINGERPRINT_HEX_LEN, IssuerKey, IssuerNameError, IssuerPublicKey, KEY_ID_DOMAIN,
    KEY_ID_HEX_LEN, KeyFileError, MAX_ISSUER_LEN, PUBLIC_KEY_HEADER, PublicKeyError,
    SECRET_KEY_HEADER, check_issuer_name,
};
pub use register::{
    CheckItem, CheckItemList, ClassChange, Conflict, ConflictRegister, ConflictRow, DetailChange,
    DuplicateEntity, DuplicateInspector, DuplicateItem, Entity, EntityPosition, EntityRegister,
    EntityRow, InspectionMethod, Inspector, InspectorRegister, InspectorRow, ItemCategory, ItemRow,
    Problem, RegisterDiff, RegisterKind, Rule, Severity, Validated, ValidationOptions, split_list,
};
pub use uscc::{USCC_ALPHABET, USCC_LEN, Uscc, UsccError, UsccPolicy, uscc_check_character};
