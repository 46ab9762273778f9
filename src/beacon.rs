//! Public randomness beacons: drand round times and, with the `drand`
//! feature, beacon signature verification.

use crate::records::{RandomnessPlan, RandomnessValue, Timestamp};

/// Chain hash of drand's quicknet network (scheme `bls-unchained-g1-rfc9380`, 3 s rounds).
pub const QUICKNET_CHAIN_HASH: [u8; 32] = [
    0x52, 0xdb, 0x9b, 0xa7, 0x0e, 0x0c, 0xc0, 0xf6, 0xea, 0xf7, 0x80, 0x3d, 0xd0, 0x74, 0x47, 0xa1,
    0xf5, 0x47, 0x77, 0x35, 0xfd, 0x3f, 0x66, 0x17, 0x92, 0xba, 0x94, 0x60, 0x0c, 0x84, 0xe9, 0x71,
];

/// Group public key of quicknet (a BLS12-381 G2 point, compressed).
pub const QUICKNET_PUBLIC_KEY: &str = "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a";

/// Quicknet genesis time (Unix seconds): round 1 is published then.
pub const QUICKNET_GENESIS: i64 = 1_692_803_367;

/// Quicknet round period in seconds.
pub const QUICKNET_PERIOD: i64 = 3;

/// When a round of a known drand network is published: `genesis + (round - 1) * period`.
/// `None` for an unknown network, round 0, or a time past year 9999.
pub fn drand_round_time(chain_hash: &[u8; 32], round: u64) -> Option<Timestamp> {
    if *chain_hash != QUICKNET_CHAIN_HASH || round == 0 {
        return None;
    }
    let offset = i64::try_from(round - 1)
        .ok()?
        .checked_mul(QUICKNET_PERIOD)?;
    Timestamp::from_unix(QUICKNET_GENESIS.checked_add(offset)?)
}

/// What was established about a draw's randomness.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BeaconVerdict {
    /// The beacon signature verifies for the committed round under the
    /// network's public key, and the value is its randomness.
    Verified,
    /// Nothing could be checked against a beacon, and why.
    NotChecked {
        /// Why not.
        reason: String,
    },
    /// The signature or value is wrong.
    Failed {
        /// What failed.
        reason: String,
    },
}

/// Checks a draw's randomness against the committed plan's beacon.
pub fn check_beacon(plan: &RandomnessPlan, value: &RandomnessValue) -> BeaconVerdict {
    check_beacon_zh(plan, value).0
}

/// [`check_beacon`] with its reason in Chinese too (empty for
/// [`BeaconVerdict::Verified`]), for the verifier's findings.
pub(crate) fn check_beacon_zh(
    plan: &RandomnessPlan,
    value: &RandomnessValue,
) -> (BeaconVerdict, String) {
    let not_checked = |reason: String, zh: String| (BeaconVerdict::NotChecked { reason }, zh);
    let RandomnessPlan::Drand { chain_hash, round } = plan else {
        return not_checked(
            format!("the plan's source is {}, not a beacon", plan.source()),
            format!("随机数方案的来源为 {}，不是信标", plan.source()),
        );
    };
    let Some(sig) = &value.beacon_signature else {
        return not_checked(
            "the draw carries no beacon signature".into(),
            "抽取记录没有附带信标签名".into(),
        );
    };
    if *chain_hash != QUICKNET_CHAIN_HASH {
        return not_checked(
            "the drand network is not one this verifier knows (only quicknet)".into(),
            "该 drand 网络不是本验证程序所知的网络（仅支持 quicknet）".into(),
        );
    }
    verify_quicknet(round.0, sig, &value.value)
}

#[cfg(feature = "drand")]
fn verify_quicknet(round: u64, signature: &[u8], value: &[u8]) -> (BeaconVerdict, String) {
    use drand_verify::{G2PubkeyRfc, Pubkey};
    let failed = |reason: String, zh: String| (BeaconVerdict::Failed { reason }, zh);
    let mut pk = [0u8; 96];
    match crate::hex::decode(QUICKNET_PUBLIC_KEY) {
        Ok(b) if b.len() == 96 => pk.copy_from_slice(&b),
        _ => {
            return failed(
                "built-in quicknet key is malformed".into(),
                "内置的 quicknet 公钥格式错误".into(),
            );
        }
    }
    let Ok(key) = G2PubkeyRfc::from_fixed(pk) else {
        return failed(
            "built-in quicknet key is not a curve point".into(),
            "内置的 quicknet 公钥不是曲线上的点".into(),
        );
    };
    match key.verify(round, b"", signature) {
        Ok(true) if drand_verify::derive_randomness(signature).as_slice() == value => {
            (BeaconVerdict::Verified, String::new())
        }
        Ok(true) => failed(
            "the value is not the randomness of the signed round".into(),
            "该数值不是已签名轮次的随机数".into(),
        ),
        Ok(false) => failed(
            format!("the beacon signature does not verify for quicknet round {round}"),
            format!("信标签名对 quicknet 轮次 {round} 核验不通过"),
        ),
        Err(e) => failed(
            format!("the beacon signature is malformed: {e}"),
            format!("信标签名格式错误：{e}"),
        ),
    }
}

#[cfg(not(feature = "drand"))]
fn verify_quicknet(_round: u64, _signature: &[u8], _value: &[u8]) -> (BeaconVerdict, String) {
    (
        BeaconVerdict::NotChecked {
            reason:
                "built without the `drand` feature: the BLS signature of the round was not checked"
                    .into(),
        },
        "本程序构建时未启用 `drand` 功能：未核验该轮次的 BLS 签名".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quicknet round 123, as published by the League of Entropy and used in
    /// drand-verify's own tests.
    const ROUND_123_SIG: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

    #[cfg(feature = "drand")]
    fn value(sig: &[u8]) -> RandomnessValue {
        use sha2::{Digest, Sha256};
        RandomnessValue {
            value: Sha256::digest(sig).to_vec(),
            beacon_signature: Some(sig.to_vec()),
        }
    }

    #[test]
    fn round_times() {
        assert_eq!(
            drand_round_time(&QUICKNET_CHAIN_HASH, 1).map(|t| t.unix()),
            Some(QUICKNET_GENESIS)
        );
        assert_eq!(
            drand_round_time(&QUICKNET_CHAIN_HASH, 123).map(|t| t.to_string()),
            Some("2023-08-23T15:15:33Z".to_owned())
        );
        assert_eq!(drand_round_time(&QUICKNET_CHAIN_HASH, 0), None);
        assert_eq!(drand_round_time(&[0; 32], 5), None);
        assert_eq!(drand_round_time(&QUICKNET_CHAIN_HASH, u64::MAX), None);
    }

    #[cfg(feature = "drand")]
    #[test]
    fn quicknet_round_verifies_and_tampering_fails() {
        use crate::records::Count;
        let sig = crate::hex::decode(ROUND_123_SIG).unwrap();
        let plan = RandomnessPlan::Drand {
            chain_hash: QUICKNET_CHAIN_HASH,
            round: Count(123),
        };
        assert_eq!(check_beacon(&plan, &value(&sig)), BeaconVerdict::Verified);
        let other_round = RandomnessPlan::Drand {
            chain_hash: QUICKNET_CHAIN_HASH,
            round: Count(124),
        };
        assert!(matches!(
            check_beacon(&other_round, &value(&sig)),
            BeaconVerdict::Failed { .. }
        ));
        let mut v = value(&sig);
        v.value[0] ^= 1;
        assert!(matches!(
            check_beacon(&plan, &v),
            BeaconVerdict::Failed { .. }
        ));
        let mut bad = sig.clone();
        bad[10] ^= 1;
        assert!(matches!(
            check_beacon(&plan, &value(&bad)),
            BeaconVerdict::Failed { .. }
        ));
    }

    #[test]
    fn non_beacon_sources_are_not_checked() {
        let v = RandomnessValue {
            value: vec![1, 2, 3],
            beacon_signature: None,
        };
        assert!(matches!(
            check_beacon(&RandomnessPlan::Local {}, &v),
            BeaconVerdict::NotChecked { .. }
        ));
        let _ = ROUND_123_SIG;
    }
}
