//! Checks `tests/vectors/sampling.json` against the crate, and the ChaCha20
//! keystream against an independent in-test RFC 8439 block function.

use double_random::sampling::{
    BasisPoints, RankSampler, SizeError, derive_seed, draw_all, draw_ranks, keystream, sample_sizes,
};
use rand_core::Rng;
use serde_json::Value;

fn vectors() -> Value {
    let text = include_str!("vectors/sampling.json");
    serde_json::from_str(text).unwrap()
}

/// u64 as a JSON number (<= 2^53) or a decimal string.
fn u64v(v: &Value) -> u64 {
    match v {
        Value::Number(n) => {
            let x = n.as_u64().unwrap();
            assert!(x <= 1 << 53, "{x} must be written as a string");
            x
        }
        Value::String(s) => {
            let x: u64 = s.parse().unwrap();
            assert!(x > 1 << 53, "{x} must be written as a number");
            x
        }
        other => panic!("not a u64: {other}"),
    }
}

fn u64s(v: &Value) -> Vec<u64> {
    v.as_array().unwrap().iter().map(u64v).collect()
}

fn arr4(v: &Value) -> [u64; 4] {
    u64s(v).try_into().unwrap()
}

fn ratios4(v: &Value) -> [BasisPoints; 4] {
    let r: Vec<BasisPoints> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| BasisPoints::parse_percent(s.as_str().unwrap()).unwrap())
        .collect();
    r.try_into().unwrap()
}

fn hex(v: &Value) -> Vec<u8> {
    let s = v.as_str().unwrap();
    assert_eq!(s, s.to_ascii_lowercase());
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex32(v: &Value) -> [u8; 32] {
    hex(v).try_into().unwrap()
}

#[test]
fn source_note_present() {
    let v = vectors();
    assert!(v["source"].as_str().unwrap().contains("cryptography"));
}

#[test]
fn ratio_vectors() {
    let v = vectors();
    for c in v["ratios_valid"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        let bp = BasisPoints::parse_percent(text).unwrap();
        assert_eq!(u64::from(bp.get()), u64v(&c["basis_points"]), "{text:?}");
        assert_eq!(bp.to_string(), c["display"].as_str().unwrap(), "{text:?}");
    }
    for c in v["ratios_invalid"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        let e = BasisPoints::parse_percent(text).unwrap_err();
        let variant = c["error"].as_str().unwrap();
        assert!(format!("{e:?}").starts_with(variant), "{text:?}: {e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains(c["message_contains"].as_str().unwrap()),
            "{text:?}: {msg}"
        );
    }
}

#[test]
fn size_vectors() {
    let v = vectors();
    for c in v["sizes"].as_array().unwrap() {
        let got = sample_sizes(arr4(&c["pools"]), ratios4(&c["ratios"])).unwrap();
        assert_eq!(got, arr4(&c["sizes"]), "{}", c["name"]);
    }
    for c in v["sizes_invalid"].as_array().unwrap() {
        let e = sample_sizes(arr4(&c["pools"]), ratios4(&c["ratios"])).unwrap_err();
        match (c["error"].as_str().unwrap(), e) {
            (
                "RatioDecreasing",
                SizeError::RatioDecreasing {
                    lower_class,
                    higher_class,
                    ..
                },
            ) => {
                assert_eq!(u64::from(lower_class), u64v(&c["lower_class"]));
                assert_eq!(u64::from(higher_class), u64v(&c["higher_class"]));
            }
            ("PoolOverflow", SizeError::PoolOverflow { .. }) => {}
            (want, got) => panic!("wanted {want}, got {got:?}"),
        }
    }
}

#[test]
fn seed_vectors() {
    let v = vectors();
    for c in v["seeds"].as_array().unwrap() {
        let d = hex32(&c["commitment_digest"]);
        let r = hex(&c["randomness"]);
        assert_eq!(derive_seed(&d, &r), hex32(&c["seed"]));
    }
}

/// RFC 8439 ChaCha20 block with the original 64-bit counter / 64-bit nonce
/// layout: state words 12..16 = u64_le(counter) || u64_le(stream).
fn chacha20_block(key: &[u8; 32], counter: u64, stream: u64) -> [u8; 64] {
    fn qr(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
        s[a] = s[a].wrapping_add(s[b]);
        s[d] = (s[d] ^ s[a]).rotate_left(16);
        s[c] = s[c].wrapping_add(s[d]);
        s[b] = (s[b] ^ s[c]).rotate_left(12);
        s[a] = s[a].wrapping_add(s[b]);
        s[d] = (s[d] ^ s[a]).rotate_left(8);
        s[c] = s[c].wrapping_add(s[d]);
        s[b] = (s[b] ^ s[c]).rotate_left(7);
    }
    let mut init = [0u32; 16];
    init[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
    for i in 0..8 {
        init[4 + i] = u32::from_le_bytes(key[4 * i..4 * i + 4].try_into().unwrap());
    }
    init[12] = counter as u32;
    init[13] = (counter >> 32) as u32;
    init[14] = stream as u32;
    init[15] = (stream >> 32) as u32;
    let mut s = init;
    for _ in 0..10 {
        qr(&mut s, 0, 4, 8, 12);
        qr(&mut s, 1, 5, 9, 13);
        qr(&mut s, 2, 6, 10, 14);
        qr(&mut s, 3, 7, 11, 15);
        qr(&mut s, 0, 5, 10, 15);
        qr(&mut s, 1, 6, 11, 12);
        qr(&mut s, 2, 7, 8, 13);
        qr(&mut s, 3, 4, 9, 14);
    }
    let mut out = [0u8; 64];
    for i in 0..16 {
        out[4 * i..4 * i + 4].copy_from_slice(&s[i].wrapping_add(init[i]).to_le_bytes());
    }
    out
}

fn reference_words(seed: &[u8; 32], stream: u64, count: usize) -> Vec<u64> {
    let mut bytes = Vec::new();
    let mut block = 0u64;
    while bytes.len() < count * 8 {
        bytes.extend_from_slice(&chacha20_block(seed, block, stream));
        block += 1;
    }
    bytes
        .chunks_exact(8)
        .take(count)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

#[test]
fn in_test_chacha20_matches_rfc8439_vector() {
    // RFC 8439 section 2.3.2: key 00..1f, nonce 000000090000004a00000000,
    // block counter 1. In the 64/64 layout: word 12 = 1, word 13 = 0x09000000,
    // words 14..16 = 0x4a000000, 0.
    let key: [u8; 32] = std::array::from_fn(|i| i as u8);
    let counter = 1u64 | (0x0900_0000u64 << 32);
    let out = chacha20_block(&key, counter, 0x4a00_0000);
    assert_eq!(
        out[..16],
        [
            0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20,
            0x71, 0xc4
        ]
    );
}

#[test]
fn keystream_vectors() {
    let v = vectors();
    for c in v["keystream"].as_array().unwrap() {
        let seed = hex32(&c["seed"]);
        let stream = u64v(&c["stream"]);
        let want = u64s(&c["words"]);
        let mut rng = keystream(&seed, stream);
        let got: Vec<u64> = (0..want.len()).map(|_| rng.next_u64()).collect();
        assert_eq!(got, want, "stream {stream}");
        assert_eq!(reference_words(&seed, stream, want.len()), want);
    }
    // Longer stretch (crossing rand_chacha's 4-block buffer) against the
    // in-test block function only.
    let seed = hex32(&v["keystream"][0]["seed"]);
    for stream in [1u64, 2, 3, 4, 16, u64::MAX] {
        let mut rng = keystream(&seed, stream);
        let got: Vec<u64> = (0..300).map(|_| rng.next_u64()).collect();
        assert_eq!(got, reference_words(&seed, stream, 300));
    }
}

#[test]
fn rank_vectors() {
    let v = vectors();
    for c in v["ranks"].as_array().unwrap() {
        let seed = hex32(&c["seed"]);
        let class = u8::try_from(u64v(&c["class_index"])).unwrap();
        let (n, k) = (u64v(&c["n"]), u64v(&c["k"]));
        let want = u64s(&c["ranks"]);
        assert_eq!(draw_ranks(&seed, class, n, k).unwrap(), want, "n={n} k={k}");
        let mut s = RankSampler::new(&seed, class, n).unwrap();
        let got = s.draw(k).unwrap();
        assert_eq!(got, want);
        assert_eq!(
            s.words_consumed(),
            u64v(&c["words_consumed"]),
            "n={n} k={k}"
        );
        // Supplementary draw: a shorter draw is a prefix.
        if k > 0 {
            assert_eq!(
                draw_ranks(&seed, class, n, k - 1).unwrap(),
                want[..want.len() - 1]
            );
        }
    }
}

#[test]
fn end_to_end_vectors() {
    let v = vectors();
    for c in v["end_to_end"].as_array().unwrap() {
        let seed = derive_seed(&hex32(&c["commitment_digest"]), &hex(&c["randomness"]));
        assert_eq!(seed, hex32(&c["seed"]));
        let pools = arr4(&c["pools"]);
        let sizes = sample_sizes(pools, ratios4(&c["ratios"])).unwrap();
        assert_eq!(sizes, arr4(&c["sizes"]));
        let ranks = draw_all(&seed, pools, sizes).unwrap();
        for (cls, want) in c["ranks"].as_array().unwrap().iter().enumerate() {
            assert_eq!(ranks[cls], u64s(want), "class {cls}");
        }
    }
}
