//! Provable "double random, one public" (双随机、一公开) spot-check draws.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod ratio;
mod sample;

pub use ratio::{BASIS_POINTS_PER_WHOLE, BasisPoints, RatioError};
pub use sample::{
    CLASS_COUNT, ENTITY_STREAM_BASE, LATER_STREAMS_START, MIN_TOTAL_SAMPLE, RESERVED_STREAM,
    RankSampler, SEED_DOMAIN, SampleError, SizeError, ceil_ratio, class_letter, derive_seed,
    draw_all, draw_ranks, keystream, sample_sizes, uniform_below,
};
