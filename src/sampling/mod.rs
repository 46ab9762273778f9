//! Stratified sample sizes, seed derivation and the entity sampler.
//!
//! Everything here is specified byte for byte in `docs/spec/sampling.md`;
//! an independent implementation following that document must produce the
//! same sizes, seeds and ranks (see `tests/vectors/sampling.json`).
//!
//! Credit classes are indexed `0..4` (A = 0 lowest risk, B = 1, C = 2,
//! D = 3 highest risk).

pub(crate) mod ratio;

pub use ratio::{BASIS_POINTS_PER_WHOLE, BasisPoints, RatioError};

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

/// Domain-separation prefix of [`after_draw_key`] (ASCII, no terminator).
pub const AFTER_DRAW_DOMAIN: &[u8] = b"double-random/after-draw/v2";

/// Stream id of the picks after a draw (replacements, supplementary teams),
/// read on the key [`after_draw_key`] gives: the assignment stream's id, on
/// a key of its own.
pub const AFTER_DRAW_STREAM: u64 = 16;

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
    /// The ranks asked for do not fit in this machine's memory (a hostile or
    /// mistaken size): refused before any of them is drawn.
    #[error("cannot hold {k} ranks of class {} in memory", class_letter(*.class_index))]
    OutOfMemory {
        /// The class index.
        class_index: u8,
        /// The requested sample size.
        k: u64,
    },
}

/// How the at-least-3 rule tops up a small draw (docs/spec/sampling.md §2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TopUp {
    /// Extra picks go to the highest-risk class with entities left, whatever
    /// its ratio (format version 1's rule).
    AnyClass,
    /// Extra picks go only to classes whose ratio is above 0, so a class at 0%
    /// ("无事不扰") is never inspected by the top-up (the default of version 2).
    #[default]
    PositiveRatio,
}

/// Per-class sample sizes under a top-up policy: [`sample_sizes`] for
/// [`TopUp::AnyClass`]; for [`TopUp::PositiveRatio`] the same rules applied
/// to the classes whose ratio is above 0 only (a class at 0% draws nothing,
/// and counts neither towards the at-least-3 minimum nor for "fewer than 3:
/// all").
pub fn sample_sizes_with(
    pools: [u64; CLASS_COUNT],
    ratios: [BasisPoints; CLASS_COUNT],
    top_up: TopUp,
) -> Result<[u64; CLASS_COUNT], SizeError> {
    match top_up {
        TopUp::AnyClass => sample_sizes(pools, ratios),
        TopUp::PositiveRatio => {
            let mut eligible = pools;
            for c in 0..CLASS_COUNT {
                if ratios[c] == BasisPoints::ZERO {
                    eligible[c] = 0;
                }
            }
            sample_sizes(eligible, ratios)
        }
    }
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
/// use double_random::{sampling::{BasisPoints, sample_sizes}};
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

/// The ChaCha20 key of the `n`-th after-draw record of a draw (`n` counts
/// the draw's earlier replacements and supplements, from 0):
/// `SHA-256("double-random/after-draw/v2" || seed || u64_be(n))`, where the
/// prefix is the 27 ASCII bytes without terminator. Its picks read stream
/// [`AFTER_DRAW_STREAM`] from word 0 (docs/spec/assignment.md, Part III).
pub fn after_draw_key(seed: &[u8; 32], n: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(AFTER_DRAW_DOMAIN);
    h.update(seed);
    h.update(n.to_be_bytes());
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

/// Hasher for the virtual-array map. Its keys are positions chosen by the
/// keystream, not by a caller, so a keyed (DoS-resistant) hash buys nothing;
/// a multiply-fold mix is several times cheaper. It never affects output.
#[derive(Default, Clone, Copy, Debug)]
struct PositionHasher(u64);

impl Hasher for PositionHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        let m = u128::from(self.0 ^ x) * 0x9e37_79b9_7f4a_7c15;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type PositionMap = HashMap<u64, u64, BuildHasherDefault<PositionHasher>>;

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
    moved: PositionMap,
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
            moved: PositionMap::default(),
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

    /// How many 64-bit keystream words have been consumed so far
    /// (accepted and rejected), i.e. the position in the class's stream.
    pub fn words_consumed(&self) -> u64 {
        // Only whole u64 words are ever taken, starting at word position 0.
        u64::try_from(self.rng.get_word_pos() / 2).unwrap_or(u64::MAX)
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
        // Every rank is kept, and each step may remember one moved entry:
        // reserve both up front, so a size no memory can hold is an error
        // here rather than an allocation failure (an abort) halfway.
        let too_large = SampleError::OutOfMemory {
            class_index: self.class_index,
            k: count,
        };
        let len = usize::try_from(count).map_err(|_| too_large.clone())?;
        let mut out = Vec::new();
        out.try_reserve_exact(len).map_err(|_| too_large.clone())?;
        self.moved.try_reserve(len).map_err(|_| too_large)?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn after_draw_keys_and_words_as_the_spec_gives_them() {
        // docs/spec/assignment.md §A.5; the numbers come from pyca/cryptography.
        let seed: [u8; 32] =
            crate::hex::decode("a7ba59416a550703842de80536f5c68fece7c2dd26ccd33c18915af750066fd3")
                .unwrap()
                .try_into()
                .unwrap();
        let k0 = super::after_draw_key(&seed, 0);
        assert_eq!(
            crate::hex::encode(&k0),
            "27fd90a446ef1d1d74b016a2847e794289b33c8bc09a0ad1e151d52bebb2794f"
        );
        assert_eq!(
            crate::hex::encode(&super::after_draw_key(&seed, 1)),
            "3e9f6ea16b77962305f172b2705201f40577cf23d415cbd4775ce1adc65eb30f"
        );
        let mut rng = super::keystream(&k0, super::AFTER_DRAW_STREAM);
        let words: Vec<u64> = (0..3).map(|_| rand_core::Rng::next_u64(&mut rng)).collect();
        assert_eq!(
            words,
            [
                11623332539740266174,
                10168715778084603456,
                7090719626795229321
            ]
        );
    }

    #[test]
    fn hostile_sizes_are_errors_not_aborts() {
        // 2^40 ranks would need 8 TiB: refused before drawing, never an abort.
        let e = draw_ranks(&[1; 32], 3, 1 << 40, 1 << 40).unwrap_err();
        assert!(
            matches!(e, SampleError::OutOfMemory { class_index: 3, .. }),
            "{e}"
        );
        let e = draw_all(&[1; 32], [0, 0, 0, u64::MAX], [0, 0, 0, u64::MAX]).unwrap_err();
        assert!(matches!(e, SampleError::OutOfMemory { .. }), "{e}");
    }

    #[test]
    fn top_up_policies_as_the_spec_tables_them() {
        let r = |p: [u16; 4]| p.map(|x| BasisPoints::new(u32::from(x) * 100).unwrap());
        for (pools, ratios, any, positive) in [
            ([10, 10, 10, 10], [0, 0, 0, 0], [0, 0, 0, 3], [0, 0, 0, 0]),
            ([10, 10, 5, 1], [0, 0, 10, 10], [0, 0, 2, 1], [0, 0, 2, 1]),
            ([2, 0, 0, 0], [0, 0, 10, 10], [2, 0, 0, 0], [0, 0, 0, 0]),
            ([2, 0, 1, 0], [0, 0, 10, 10], [2, 0, 1, 0], [0, 0, 1, 0]),
            ([100, 0, 0, 1], [1, 1, 1, 1], [2, 0, 0, 1], [2, 0, 0, 1]),
        ] {
            assert_eq!(
                sample_sizes_with(pools, r(ratios), TopUp::AnyClass).unwrap(),
                any,
                "{pools:?}"
            );
            assert_eq!(sample_sizes(pools, r(ratios)).unwrap(), any);
            assert_eq!(
                sample_sizes_with(pools, r(ratios), TopUp::PositiveRatio).unwrap(),
                positive,
                "{pools:?}"
            );
        }
        // The ratio order is checked under both policies.
        assert!(sample_sizes_with([0; 4], r([5, 0, 5, 5]), TopUp::PositiveRatio).is_err());
    }

    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;
    use std::num::NonZeroU64;

    fn r(s: &str) -> BasisPoints {
        BasisPoints::parse_percent(s).unwrap()
    }
    fn rs(s: [&str; 4]) -> [BasisPoints; 4] {
        s.map(r)
    }
    fn seed_from(counter: u64) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"double-random/test-seed");
        h.update(counter.to_be_bytes());
        h.finalize().into()
    }

    /// Scripted word source for exercising the rejection rule.
    struct Script(Vec<u64>, usize);
    impl rand_core::TryRng for Script {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            unreachable!()
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            let x = self.0[self.1];
            self.1 += 1;
            Ok(x)
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
            unreachable!()
        }
    }
    fn nz(n: u64) -> NonZeroU64 {
        NonZeroU64::new(n).unwrap()
    }

    #[test]
    fn sizes_exact_ceiling() {
        let ten = rs(["10%"; 4]);
        assert_eq!(sample_sizes([30, 30, 30, 30], ten).unwrap(), [3, 3, 3, 3]);
        assert_eq!(sample_sizes([31, 29, 1, 0], ten).unwrap(), [4, 3, 1, 0]);
        let s = rs(["3%", "5%", "12.5%", "100%"]);
        assert_eq!(sample_sizes([101, 20, 8, 7], s).unwrap(), [4, 1, 1, 7]);
        // 0% class draws nothing (once the minimum is met).
        let z = rs(["0%", "0%", "50%", "100%"]);
        assert_eq!(sample_sizes([500, 9, 4, 2], z).unwrap(), [0, 0, 2, 2]);
        assert_eq!(ceil_ratio(u64::MAX, BasisPoints::FULL), u64::MAX);
        assert_eq!(ceil_ratio(u64::MAX, BasisPoints::ZERO), 0);
        assert_eq!(
            ceil_ratio(u64::MAX, r("0.01%")),
            u64::MAX / 10_000 + 1 // u64::MAX is not a multiple of 10000
        );
        assert_eq!(ceil_ratio(u64::MAX, r("50%")), u64::MAX / 2 + 1);
        assert_eq!(ceil_ratio(20_000, r("0.01%")), 2);
    }

    #[test]
    fn sizes_small_total_draws_all() {
        let z = rs(["0%"; 4]);
        assert_eq!(sample_sizes([0, 0, 0, 0], z).unwrap(), [0, 0, 0, 0]);
        assert_eq!(sample_sizes([1, 0, 1, 0], z).unwrap(), [1, 0, 1, 0]);
        assert_eq!(sample_sizes([0, 0, 0, 2], z).unwrap(), [0, 0, 0, 2]);
    }

    #[test]
    fn sizes_top_up_to_three_highest_risk_first() {
        let z = rs(["0%"; 4]);
        assert_eq!(sample_sizes([10, 10, 10, 10], z).unwrap(), [0, 0, 0, 3]);
        assert_eq!(sample_sizes([10, 10, 10, 1], z).unwrap(), [0, 0, 2, 1]);
        assert_eq!(sample_sizes([1, 1, 1, 0], z).unwrap(), [1, 1, 1, 0]);
        assert_eq!(sample_sizes([3, 0, 0, 0], z).unwrap(), [3, 0, 0, 0]);
        assert_eq!(sample_sizes([5, 0, 1, 0], z).unwrap(), [2, 0, 1, 0]);
        // Ratio-derived picks count toward the three.
        let s = rs(["1%", "1%", "1%", "1%"]);
        assert_eq!(sample_sizes([100, 0, 0, 1], s).unwrap(), [2, 0, 0, 1]);
        assert_eq!(sample_sizes([100, 100, 100, 0], s).unwrap(), [1, 1, 1, 0]);
        assert_eq!(sample_sizes([100, 100, 0, 0], s).unwrap(), [1, 2, 0, 0]);
    }

    #[test]
    fn sizes_refuse_decreasing_ratios() {
        let e = sample_sizes([10; 4], rs(["3%", "5%", "4%", "10%"])).unwrap_err();
        assert_eq!(
            e,
            SizeError::RatioDecreasing {
                lower_class: 1,
                lower_ratio: r("5%"),
                higher_class: 2,
                higher_ratio: r("4%"),
            }
        );
        let msg = e.to_string();
        assert!(
            msg.contains("class C (4%)") && msg.contains("class B (5%)"),
            "{msg}"
        );
        // Checked even when the pool is tiny.
        assert!(sample_sizes([0; 4], rs(["1%", "0%", "0%", "0%"])).is_err());
    }

    #[test]
    fn sizes_refuse_overflowing_total() {
        let e = sample_sizes([u64::MAX, 1, 0, 0], rs(["1%"; 4])).unwrap_err();
        assert!(matches!(e, SizeError::PoolOverflow { .. }));
        let k = sample_sizes([u64::MAX, 0, 0, 0], rs(["100%"; 4])).unwrap();
        assert_eq!(k, [u64::MAX, 0, 0, 0]);
    }

    #[test]
    fn seed_layout() {
        let d = [0xabu8; 32];
        let mut m = Vec::new();
        m.extend_from_slice(b"double-random/seed/v1");
        m.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 32]);
        m.extend_from_slice(&d);
        m.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 3]);
        m.extend_from_slice(b"xyz");
        let want: [u8; 32] = Sha256::digest(&m).into();
        assert_eq!(derive_seed(&d, b"xyz"), want);
        assert_eq!(SEED_DOMAIN.len(), 21);
        // Length framing: moving a byte between fields changes the seed.
        assert_ne!(derive_seed(&d, b""), derive_seed(&d, b"\0"));
    }

    #[test]
    fn uniform_rejection_rule() {
        // n = 1: one word, always 0.
        let mut s = Script(vec![u64::MAX], 0);
        assert_eq!(uniform_below(&mut s, nz(1)), 0);
        assert_eq!(s.1, 1);
        // n = 3: 2^64 mod 3 = 1, so only u64::MAX is rejected.
        let mut s = Script(vec![u64::MAX, u64::MAX, u64::MAX - 1, 9], 0);
        assert_eq!(uniform_below(&mut s, nz(3)), (u64::MAX - 1) % 3);
        assert_eq!(s.1, 3);
        // n = 2^63 + 1: L = n, everything >= n is rejected.
        let n = (1u64 << 63) + 1;
        let mut s = Script(vec![n, u64::MAX, n - 1], 0);
        assert_eq!(uniform_below(&mut s, nz(n)), n - 1);
        assert_eq!(s.1, 3);
        // Powers of two never reject.
        let mut s = Script(vec![u64::MAX], 0);
        assert_eq!(uniform_below(&mut s, nz(1 << 40)), (1 << 40) - 1);
        // n = u64::MAX: 2^64 mod n = 1, L = u64::MAX, so u64::MAX is rejected.
        let mut s = Script(vec![u64::MAX, 5], 0);
        assert_eq!(uniform_below(&mut s, nz(u64::MAX)), 5);
    }

    #[test]
    fn draw_errors_and_edges() {
        let seed = seed_from(1);
        assert_eq!(
            draw_ranks(&seed, 0, 3, 4),
            Err(SampleError::SampleTooLarge {
                class_index: 0,
                n: 3,
                k: 4
            })
        );
        assert_eq!(
            draw_ranks(&seed, 4, 3, 1),
            Err(SampleError::BadClass { class_index: 4 })
        );
        assert!(RankSampler::new(&seed, 4, 3).is_err());
        assert_eq!(draw_ranks(&seed, 0, 0, 0).unwrap(), Vec::<u64>::new());
        assert_eq!(draw_ranks(&seed, 0, 10, 0).unwrap(), Vec::<u64>::new());
        assert_eq!(draw_ranks(&seed, 2, 1, 1).unwrap(), vec![0]);
        let mut all = draw_ranks(&seed, 3, 50, 50).unwrap();
        all.sort_unstable();
        assert_eq!(all, (0..50).collect::<Vec<_>>());
        let big = draw_ranks(&seed, 1, u64::MAX, 3).unwrap();
        assert!(big.iter().all(|&x| x < u64::MAX));
        assert!(draw_all(&seed, [3, 3, 3, 3], [1, 1, 4, 1]).is_err());
    }

    #[test]
    fn sampler_continues_and_exhausts() {
        let seed = seed_from(2);
        let mut s = RankSampler::new(&seed, 1, 20).unwrap();
        let first = s.draw(5).unwrap();
        let more = s.draw(7).unwrap();
        assert_eq!(s.drawn(), 12);
        assert_eq!(s.remaining(), 8);
        assert!(s.draw(9).is_err());
        let rest: Vec<u64> = s.by_ref().collect();
        assert_eq!(rest.len(), 8);
        assert_eq!(s.next_rank(), None);
        let whole = draw_ranks(&seed, 1, 20, 20).unwrap();
        assert_eq!(whole, [first, more, rest].concat());
    }

    #[test]
    fn sparse_memory_is_bounded_by_draws() {
        let seed = seed_from(3);
        let mut s = RankSampler::new(&seed, 0, 1 << 50).unwrap();
        for k in 1..=2000u64 {
            s.next_rank().unwrap();
            assert!(s.moved.len() as u64 <= k);
        }
    }

    #[test]
    fn classes_use_their_own_streams() {
        let seed = seed_from(4);
        let all = draw_all(&seed, [1000; 4], [5; 4]).unwrap();
        for c in 0..4u8 {
            assert_eq!(all[usize::from(c)], draw_ranks(&seed, c, 1000, 5).unwrap());
            let mut w = keystream(&seed, u64::from(c) + 1);
            let mut s = RankSampler::new(&seed, c, 1 << 32).unwrap();
            // n = 2^32 is a power of two: rank 0 is the first word mod 2^32.
            assert_eq!(s.next_rank().unwrap(), w.next_u64() % (1 << 32));
        }
        assert_ne!(all[0], all[1]);
    }

    proptest! {
        #[test]
        fn prefix_property(c in 0u8..4, n in 1u64..5000, k in 0u64..60, m in 0u64..60, sd in any::<u64>()) {
            let seed = seed_from(sd);
            let k = k.min(n);
            let km = (k + m).min(n);
            let a = draw_ranks(&seed, c, n, k).unwrap();
            let b = draw_ranks(&seed, c, n, km).unwrap();
            prop_assert_eq!(&b[..a.len()], &a[..]);
        }

        #[test]
        fn distinct_in_range_deterministic(c in 0u8..4, n in 1u64..=u64::MAX, k in 0u64..80, sd in any::<u64>()) {
            let seed = seed_from(sd);
            let k = k.min(n);
            let a = draw_ranks(&seed, c, n, k).unwrap();
            prop_assert_eq!(a.len() as u64, k);
            prop_assert!(a.iter().all(|&x| x < n));
            prop_assert_eq!(a.iter().collect::<HashSet<_>>().len() as u64, k);
            prop_assert_eq!(draw_ranks(&seed, c, n, k).unwrap(), a);
        }

        #[test]
        fn small_pools_give_permutation_prefixes(n in 1u64..40, sd in any::<u64>()) {
            let seed = seed_from(sd);
            let mut a = draw_ranks(&seed, 0, n, n).unwrap();
            a.sort_unstable();
            prop_assert_eq!(a, (0..n).collect::<Vec<_>>());
        }

        #[test]
        fn rejection_limit_matches_u128_formula(n in 1u64..=u64::MAX, x in any::<u64>()) {
            let limit = (1u128 << 64) / u128::from(n) * u128::from(n);
            let mut s = Script(vec![x, 0], 0);
            let got = uniform_below(&mut s, nz(n));
            if u128::from(x) < limit {
                prop_assert_eq!((got, s.1), (x % n, 1));
            } else {
                prop_assert_eq!((got, s.1), (0, 2));
            }
        }

        #[test]
        fn sizes_invariants(pools in proptest::array::uniform4(0u64..2000), mut bps in proptest::array::uniform4(0u32..=10_000)) {
            bps.sort_unstable();
            let ratios = bps.map(|b| BasisPoints::new(b).unwrap());
            let k = sample_sizes(pools, ratios).unwrap();
            let total: u64 = pools.iter().sum();
            for c in 0..4 {
                prop_assert!(k[c] <= pools[c]);
                prop_assert!(k[c] >= ceil_ratio(pools[c], ratios[c]).min(pools[c]));
            }
            prop_assert!(k.iter().sum::<u64>() >= total.min(3));
        }
    }

    // ---- Statistical checks with fixed seeds (deterministic, cannot flake). ----

    /// Upper chi-square quantile at significance ~1e-9 (z = 6), by the
    /// Wilson–Hilferty approximation. Floats are used in this test only.
    fn chi2_upper(df: u64) -> f64 {
        let d = df as f64;
        let a = 2.0 / (9.0 * d);
        d * (1.0 - a + 6.0 * a.sqrt()).powi(3)
    }

    fn chi2(counts: &[u64], expected: f64, scale: f64) -> f64 {
        counts
            .iter()
            .map(|&o| (o as f64 - expected).powi(2) / (expected * scale))
            .sum()
    }

    fn check_uniform(label: &str, counts: &[u64], total: u64, scale: f64) {
        let e = total as f64 / counts.len() as f64;
        let stat = chi2(counts, e, scale);
        let bound = chi2_upper(counts.len() as u64 - 1);
        eprintln!(
            "{label}: chi2 {stat:.1}, df {}, bound {bound:.1}",
            counts.len() - 1
        );
        assert!(stat < bound, "{label}: chi2 {stat:.1} >= bound {bound:.1}");
    }

    #[test]
    fn statistical_uniformity_fixed_seeds() {
        for &(n, k, draws) in &[
            (10u64, 3u64, 20_000u64),
            (7, 7, 14_000),
            (50, 5, 10_000),
            (1000, 10, 20_000),
        ] {
            let mut inclusion = vec![0u64; n as usize];
            let mut by_pos = vec![vec![0u64; n as usize]; k as usize];
            for t in 0..draws {
                let seed = seed_from(n << 40 | k << 32 | t);
                let ranks = draw_ranks(&seed, (t % 4) as u8, n, k).unwrap();
                for (p, &x) in ranks.iter().enumerate() {
                    inclusion[x as usize] += 1;
                    by_pos[p][x as usize] += 1;
                }
            }
            let p = k as f64 / n as f64;
            if k < n {
                // Counts are sums of Bernoulli(p): variance E*(1-p).
                check_uniform(
                    &format!("inclusion n={n} k={k}"),
                    &inclusion,
                    draws * k,
                    1.0 - p,
                );
            }
            for (pos, counts) in by_pos.iter().enumerate() {
                check_uniform(&format!("position {pos} n={n} k={k}"), counts, draws, 1.0);
            }
        }
    }

    #[test]
    fn statistical_permutations_fixed_seeds() {
        // All 120 orderings of 5 ranks equally likely.
        let draws = 60_000u64;
        let mut counts: HashMap<Vec<u64>, u64> = HashMap::new();
        for t in 0..draws {
            let ranks = draw_ranks(&seed_from(0xbeef_0000_0000 | t), 2, 5, 5).unwrap();
            *counts.entry(ranks).or_default() += 1;
        }
        assert_eq!(counts.len(), 120);
        let v: Vec<u64> = counts.values().copied().collect();
        check_uniform("permutations of 5", &v, draws, 1.0);
    }

    #[test]
    fn statistical_no_modulo_bias_large_n() {
        // n = 3 * 2^62: plain `x % n` would put half the mass in the lowest
        // third; the rejection rule must give thirds.
        let n = 3u64 << 62;
        let mut thirds = [0u64; 3];
        let mut w = keystream(&seed_from(77), LATER_STREAMS_START);
        let draws = 30_000;
        for _ in 0..draws {
            thirds[(uniform_below(&mut w, nz(n)) >> 62) as usize] += 1;
        }
        check_uniform("thirds of 3*2^62", &thirds, draws, 1.0);
    }
}
