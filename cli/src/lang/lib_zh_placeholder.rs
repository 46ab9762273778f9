//! Placeholders: the English text of the library errors a CLI error
//! carries, until `lib_zh.rs` (their Chinese, written on another branch)
//! lands. This file is removed when lib_zh.rs lands.
//!
//! Exactly the library types the CLI's errors carry are listed, so that
//! `errors_zh` can call `.zh()` on them meanwhile. The witness service's
//! error types (`double_random_witness`) are listed too: they are not this
//! crate's, and `WitnessCliError` carries them.

use super::Zh;

macro_rules! english_for_now {
    ($($t:ty),* $(,)?) => {$(
        impl Zh for $t {
            fn zh(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

english_for_now!(
    double_random::sampling::SizeError,
    double_random::registers::Rule,
    double_random::task::TaskError,
    double_random::records::KeyFileError,
    double_random::records::IssuerNameError,
    double_random::records::RecordError,
    double_random::checks::DrawError,
    double_random::calendar::NoticeError,
    double_random::calendar::CalendarParseError,
);

#[cfg(feature = "witness")]
english_for_now!(
    double_random::records::EnvelopeDecodeError,
    double_random::witness::LogReadError,
    double_random::witness::Refusal,
    double_random_witness::store::StoreError,
    double_random_witness::server::ServeError,
    double_random_witness::NotOnChain,
);
