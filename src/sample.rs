//! Stratified sample sizes, seed derivation and the entity sampler.
//!
//! Everything here is specified byte for byte in `docs/spec/sampling.md`;
//! an independent implementation following that document must produce the
//! same sizes, seeds and ranks (see `tests/vectors/sampling.json`).
//!
//! Credit classes are indexed `0..4` (A = 0 lowest risk, B = 1, C = 2,
//! D = 3 highest risk).

use std::collections::HashMap;

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

use crate::ratio::{BASIS_POINTS_PER_WHOLE, BasisPoints};

/// Number of credit classes (A, B, C, D).
pub const CLASS_COUNT: usize = 4;

/// Minimum total sample size when the total pool allows it.
pub const MIN_TOTAL_SAMPLE: u64 = 3;

/// Domain-separation prefix of [`derive_seed`] (ASCII, no terminator).
pub const SEED_DOMAIN: &[u8] = b"double-random/seed/v1";

/// ChaCha20 stream id reserved (never used by any algorithm).
pub const RESERVED_STREAM: u64 = 0;

/// Stream id of the entity sampler of class A; class `c` uses
/// `ENTITY_STREAM_BASE + c` (1..=4 for A..D).
pub const ENTITY_STREAM_BASE: u64 = 1;

/// First stream id available to later algorithms (e.g. inspector
/// assignment); ids 5..=15 are reserved for future entity-level use.
pub const LATER_STREAMS_START: u64 = 16;

const CLASS_LETTERS: [char; CLASS_COUNT] = ['A', 'B', 'C', 'D'];

/// The letter of a class index (`'?'` if out of range).
pub fn class_letter(class_index: u8) -> char {
    CLASS_LETTERS
        .get(usize::from(class_index))
        .copied()
        .unwrap_or('?')
}

/// Why sample sizes could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SizeError {
    /// A higher-risk class has a lower ratio than the class below it.
    #[error(
        "ratio of class {} ({higher_ratio}) is lower than ratio of class {} ({lower_ratio}); ratios must not decrease from A (lowest risk) to D (highest risk)",
        class_letter(*.higher_class),
        class_letter(*.lower_class)
    )]
    RatioDecreasing {
        /// Index of the lower-risk class (`higher_class - 1`).
        lower_class: u8,
        /// Its ratio.
        lower_ratio: BasisPoints,
        /// Index of the higher-risk class.
        higher_class: u8,
        /// Its ratio, which is smaller than `lower_ratio`.
        higher_ratio: BasisPoints,
    },
    /// The pool sizes add up to more than `u64::MAX`.
    #[error("total pool size overflows u64 (pools {pools:?})")]
    PoolOverflow {
        /// The pool sizes given.
        pools: [u64; CLASS_COUNT],
    },
}

/// Why a draw could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SampleError {
    /// More entities requested than the pool holds.
    #[error("cannot draw {k} distinct entities of class {} from a pool of {n}", class_letter(*.class_index))]
    SampleTooLarge {
        /// The class index.
        class_index: u8,
        /// The pool size.
        n: u64,
        /// The requested sample size.
        k: u64,
    },
    /// A class index outside `0..4`.
    #[error("class index {class_index} is out of range 0..4 (A..D)")]
    BadClass {
        /// The offending index.
        class_index: u8,
    },
}

/// Per-class sample sizes.
///
/// Rules (in this order):
/// 1. `ratios` must not decrease from A to D, else
///    [`SizeError::RatioDecreasing`] names the first offending adjacent pair.
/// 2. `N = sum(pools)` (error on overflow).
/// 3. If `N < 3`: every entity is drawn, `k_c = n_c`.
/// 4. Else `k_c = ceil(n_c * bp_c / 10000)` in exact integer arithmetic; if
///    `sum(k_c) < 3`, add picks one at a time, each to the highest-risk class
///    (D, then C, B, A) with `k_c < n_c`, until the sum is 3.
///
/// `k_c <= n_c` always holds.
///
/// ```
/// use double_random::{BasisPoints, sample_sizes};
/// let r = |s| BasisPoints::parse_percent(s).unwrap();
/// let k = sample_sizes([30, 0, 0, 0], [r("10%"), r("10%"), r("10%"), r("10%")]).unwrap();
/// assert_eq!(k, [3, 0, 0, 0]);
/// ```
pub fn sample_sizes(
    pools: [u64; CLASS_COUNT],
    ratios: [BasisPoints; CLASS_COUNT],
) -> Result<[u64; CLASS_COUNT], SizeError> {
    for c in 1..CLASS_COUNT {
        if ratios[c] < ratios[c - 1] {
            return Err(SizeError::RatioDecreasing {
                lower_class: (c - 1) as u8,
                lower_ratio: ratios[c - 1],
                higher_class: c as u8,
                higher_ratio: ratios[c],
            });
        }
    }
    let total = pools
        .iter()
        .try_fold(0u64, |acc, &n| acc.checked_add(n))
        .ok_or(SizeError::PoolOverflow { pools })?;
    if total < MIN_TOTAL_SAMPLE {
        return Ok(pools);
    }
    let mut sizes = [0u64; CLASS_COUNT];
    for c in 0..CLASS_COUNT {
        sizes[c] = ceil_ratio(pools[c], ratios[c]);
    }
    // Each k_c <= n_c, so the sum cannot overflow.
    let mut drawn: u64 = sizes.iter().sum();
    while drawn < MIN_TOTAL_SAMPLE {
        // total >= 3 > drawn guarantees some class has k_c < n_c.
        let Some(c) = (0..CLASS_COUNT).rev().find(|&c| sizes[c] < pools[c]) else {
            break;
        };
        sizes[c] += 1;
        drawn += 1;
    }
    Ok(sizes)
}

/// `ceil(n * bp / 10000)`, exact (u128 intermediate); never exceeds `n`.
pub fn ceil_ratio(n: u64, ratio: BasisPoints) -> u64 {
    let whole = u128::from(BASIS_POINTS_PER_WHOLE);
    let prod = u128::from(n) * u128::from(ratio.get());
    let k = prod.div_ceil(whole);
    // ratio <= 10000, so k <= n <= u64::MAX.
    u64::try_from(k).unwrap_or(n)
}

/// The 32-byte draw seed.
///
/// `SHA-256( "double-random/seed/v1" || u64_be(32) || commitment_digest ||
/// u64_be(len(randomness)) || randomness )`, where the prefix is the 21
/// ASCII bytes without terminator and `u64_be` is an 8-byte big-endian
/// length.
pub fn derive_seed(commitment_digest: &[u8; 32], randomness: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(SEED_DOMAIN);
    h.update((commitment_digest.len() as u64).to_be_bytes());
    h.update(commitment_digest);
    h.update((randomness.len() as u64).to_be_bytes());
    h.update(randomness);
    h.finalize().into()
}

/// A ChaCha20 keystream generator for `seed` on stream `stream_id`, word
/// position 0.
///
/// Its `next_u64()` yields the keystream as consecutive little-endian 64-bit
/// words (IETF ChaCha20 with key = seed and 16-byte counter/nonce block =
/// `u64_le(block_counter) || u64_le(stream_id)`, counter starting at 0).
/// Stream 0 is reserved, 1..=4 are the entity samplers of classes A..D, and
/// later algorithms use ids >= [`LATER_STREAMS_START`].
pub fn keystream(seed: &[u8; 32], stream_id: u64) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::from_seed(*seed);
    rng.set_stream(stream_id);
    rng.set_word_pos(0);
    rng
}

/// Unbiased integer in `[0, n)` by rejection on 64-bit words.
///
/// Let `L = n * floor(2^64 / n)` (the largest multiple of `n` not above
/// 2^64). Repeatedly take `x = rng.next_u64()`; reject `x` if `x >= L`;
/// otherwise return `x mod n`. Every rejected word is consumed. For `n` a
/// power of two, `L = 2^64` and nothing is ever rejected.
pub fn uniform_below<R: Rng + ?Sized>(rng: &mut R, n: std::num::NonZeroU64) -> u64 {
    let n = n.get();
    // 2^64 mod n, computed in u64: ((2^64 - 1) mod n + 1) mod n.
    let excess = (u64::MAX % n).wrapping_add(1) % n;
    // L - 1 = 2^64 - excess - 1; accept x <= L - 1.
    let last_ok = u64::MAX - excess;
    loop {
        let x = rng.next_u64();
        if x <= last_ok {
            return x % n;
        }
    }
}

fn capacity_hint(k: u64) -> usize {
    usize::try_from(k).unwrap_or(usize::MAX).min(1 << 16)
}

/// Streaming entity sampler for one class: a sparse partial Fisher–Yates
/// shuffle of the ranks `0..n` driven by the class's ChaCha20 stream.
///
/// Each [`next_rank`](RankSampler::next_rank) performs one step `i`:
/// `j = i + uniform_below(n - i)`, swap virtual positions `i` and `j`
/// (positions never written hold their own index), output the value at
/// position `i`. Time and memory are O(number drawn), whatever `n` is.
/// Continuing a sampler gives a supplementary draw (补充抽取): the first `k`
/// ranks never depend on how many are drawn later.
#[derive(Debug, Clone)]
pub struct RankSampler {
    rng: ChaCha20Rng,
    class_index: u8,
    n: u64,
    i: u64,
    moved: HashMap<u64, u64>,
}

impl RankSampler {
    /// A sampler over ranks `0..n` for class `class_index` (0..4), on stream
    /// `class_index + 1` of `seed`.
    pub fn new(seed: &[u8; 32], class_index: u8, n: u64) -> Result<Self, SampleError> {
        if usize::from(class_index) >= CLASS_COUNT {
            return Err(SampleError::BadClass { class_index });
        }
        Ok(RankSampler {
            rng: keystream(seed, ENTITY_STREAM_BASE + u64::from(class_index)),
            class_index,
            n,
            i: 0,
            moved: HashMap::new(),
        })
    }

    /// The pool size `n`.
    pub fn pool_size(&self) -> u64 {
        self.n
    }

    /// How many ranks have been drawn so far.
    pub fn drawn(&self) -> u64 {
        self.i
    }

    /// How many ranks remain undrawn.
    pub fn remaining(&self) -> u64 {
        self.n - self.i
    }

    /// The next rank, or `None` once all `n` ranks have been drawn.
    pub fn next_rank(&mut self) -> Option<u64> {
        let i = self.i;
        let left = std::num::NonZeroU64::new(self.n - i)?;
        let j = i + uniform_below(&mut self.rng, left);
        self.i = i + 1;
        // Position i is never read again, so its entry can go.
        let at_i = self.moved.remove(&i).unwrap_or(i);
        if j == i {
            return Some(at_i);
        }
        Some(self.moved.insert(j, at_i).unwrap_or(j))
    }

    /// Draw `count` more ranks (a supplementary draw); refuses to draw past
    /// the pool.
    pub fn draw(&mut self, count: u64) -> Result<Vec<u64>, SampleError> {
        if count > self.remaining() {
            return Err(SampleError::SampleTooLarge {
                class_index: self.class_index,
                n: self.n,
                k: self.i.saturating_add(count),
            });
        }
        let mut out = Vec::with_capacity(capacity_hint(count));
        for _ in 0..count {
            match self.next_rank() {
                Some(r) => out.push(r),
                None => break,
            }
        }
        Ok(out)
    }

    /// The class index this sampler draws for.
    pub fn class_index(&self) -> u8 {
        self.class_index
    }
}

impl Iterator for RankSampler {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.next_rank()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let r = usize::try_from(self.remaining()).unwrap_or(usize::MAX);
        (r, usize::try_from(self.remaining()).ok())
    }
}

/// The first `k` ranks drawn from `0..n` for class `class_index`, in draw
/// order (all distinct, each `< n`). Errors if `k > n` or the class index
/// is not in `0..4`.
pub fn draw_ranks(
    seed: &[u8; 32],
    class_index: u8,
    n: u64,
    k: u64,
) -> Result<Vec<u64>, SampleError> {
    if usize::from(class_index) >= CLASS_COUNT {
        return Err(SampleError::BadClass { class_index });
    }
    if k > n {
        return Err(SampleError::SampleTooLarge { class_index, n, k });
    }
    RankSampler::new(seed, class_index, n)?.draw(k)
}

/// [`draw_ranks`] for all four classes: `sizes[c]` ranks from `0..pools[c]`
/// on stream `c + 1`.
pub fn draw_all(
    seed: &[u8; 32],
    pools: [u64; CLASS_COUNT],
    sizes: [u64; CLASS_COUNT],
) -> Result<[Vec<u64>; CLASS_COUNT], SampleError> {
    let mut out: [Vec<u64>; CLASS_COUNT] = Default::default();
    for (c, slot) in out.iter_mut().enumerate() {
        *slot = draw_ranks(seed, c as u8, pools[c], sizes[c])?;
    }
    Ok(out)
}
