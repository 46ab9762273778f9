//! Envelope test vectors in `tests/vectors/envelope/`.
//!
//! `every_vector_has_its_verdict` runs each file through key parsing,
//! decoding and verification and checks the verdict and error kind.
//! `vectors_are_up_to_date` regenerates them in memory and compares; run it
//! with `DR_WRITE_VECTORS=1` to rewrite the files.
//!
//! Every key here is a TEST ONLY key with a published secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use double_random::records::{
    Envelope, IssuerKey, IssuerPublicKey, KeyFileError, pae, record_id, sign,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PAYLOAD_TYPE: &str = "application/vnd.double-random.test+json";
const PAYLOAD: &str = "{\"draw\":\"示例\",\"note\":\"TEST ONLY vector\"}";
const TEST_ONLY: &str =
    "TEST ONLY: the secret seeds of these keys are published; never trust them.";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/envelope")
}

/// TEST ONLY issuer key: secret seed 0x01, 0x02, ..., 0x20.
fn issuer() -> IssuerKey {
    let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 1);
    IssuerKey::from_secret_bytes("阳城县水务局 (TEST ONLY)", &seed).unwrap()
}

/// TEST ONLY second key (approver / attacker): secret seed 0x21, ..., 0x40.
fn other() -> IssuerKey {
    let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 0x21);
    IssuerKey::from_secret_bytes("审批人 (TEST ONLY)", &seed).unwrap()
}

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// Minimal standard base64 encoder, independent of the library's.
fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= c.len() {
                out.push(char::from(A[(n >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn public_file(issuer: &str, key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"double-random/keyid/v1");
    h.update(key);
    format!(
        "double-random-public-key-v1\nissuer: {issuer}\nkey: {}\nkey-id: {}\n",
        b64(key),
        hex(&h.finalize())
    )
}

fn key_json(key: &IssuerPublicKey) -> Value {
    json!({
        "public_key_hex": hex(&key.to_bytes()),
        "public_key_file": key.to_text(),
    })
}

fn envelope_with(sig: &[u8], keyid: &str, payload_type: &str, payload: &[u8]) -> String {
    format!(
        "{{\"payload\":\"{}\",\"payloadType\":\"{payload_type}\",\"signatures\":[{{\"keyid\":\"{keyid}\",\"sig\":\"{}\"}}]}}",
        b64(payload),
        b64(sig)
    )
}

/// S + L on the S half (little-endian), the classic malleation.
fn add_l_to_s(mut sig: [u8; 64]) -> [u8; 64] {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for i in 0..32 {
        let t = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        sig[32 + i] = t as u8;
        carry = t >> 8;
    }
    sig
}

struct Vector {
    name: &'static str,
    description: &'static str,
    key: Value,
    expected_payload_type: String,
    envelope: String,
    verdict: &'static str,
    error: Option<(&'static str, &'static str)>,
    extra: Vec<(&'static str, Value)>,
}

fn reject(
    name: &'static str,
    description: &'static str,
    envelope: String,
    phase: &'static str,
    kind: &'static str,
) -> Vector {
    Vector {
        name,
        description,
        key: key_json(issuer().public_key()),
        expected_payload_type: PAYLOAD_TYPE.to_owned(),
        envelope,
        verdict: "reject",
        error: Some((phase, kind)),
        extra: vec![],
    }
}

fn generate() -> Vec<Vector> {
    let key = issuer();
    let payload = PAYLOAD.as_bytes();
    let valid = sign(PAYLOAD_TYPE, payload, &key);
    let valid_json = valid.to_json();
    let sig = *valid.signatures()[0].sig();
    let kid = key.key_id().to_owned();
    let pae_bytes = pae(PAYLOAD_TYPE, payload);

    let mut two = valid.clone();
    two.add_signature(&other());

    let mut tampered = PAYLOAD.replace("示例", "示範").into_bytes();
    tampered.truncate(payload.len());

    // The identity point 01 00 .. 00 has order 1; with R = identity and
    // S = 0 the cofactorless equation [S]B = R + [k]A holds for every message.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut weak_sig = [0u8; 64];
    weak_sig[0] = 1;
    let weak_file = public_file("弱密钥 (TEST ONLY)", &identity);
    let weak_kid = weak_file
        .lines()
        .nth(3)
        .and_then(|l| l.strip_prefix("key-id: "))
        .unwrap()
        .to_owned();

    // y = p + 1: a non-canonical spelling of the point with y = 1.
    let mut non_canonical = [0xffu8; 32];
    non_canonical[0] = 0xee;
    non_canonical[31] = 0x7f;

    let payload_b64 = b64(payload);
    assert!(payload_b64.ends_with('='), "the payload needs padding");

    let wrong = sign(PAYLOAD_TYPE, payload, &other());
    let mut dup_kid = valid.clone();
    dup_kid.add_signature(&key);

    vec![
        Vector {
            name: "valid",
            description: "A receipt signed by the TEST ONLY issuer key (secret seed 0x01..0x20). \
                Cross-checked independently with PyNaCl/libsodium: \
                nacl.signing.VerifyKey(public_key).verify(pae, sig) succeeds \
                (tests/vectors/envelope/cross_check.py).",
            key: key_json(key.public_key()),
            expected_payload_type: PAYLOAD_TYPE.to_owned(),
            envelope: valid_json.clone(),
            verdict: "accept",
            error: None,
            extra: vec![
                ("secret_seed_hex", json!(hex(&key.to_secret_bytes()))),
                ("secret_key_file", json!(key.to_secret_text())),
                ("key_id", json!(kid)),
                ("fingerprint", json!(key.fingerprint())),
                ("payload_utf8", json!(PAYLOAD)),
                ("pae_hex", json!(hex(&pae_bytes))),
                ("record_id", json!(record_id(&valid).to_string())),
                ("signature_hex", json!(hex(&sig))),
            ],
        },
        Vector {
            name: "valid-two-signatures",
            description: "The valid receipt counter-signed by a second TEST ONLY key \
                (secret seed 0x21..0x40); verified with that second key. The record id \
                is the same as for the single-signature receipt.",
            key: key_json(other().public_key()),
            expected_payload_type: PAYLOAD_TYPE.to_owned(),
            envelope: two.to_json(),
            verdict: "accept",
            error: None,
            extra: vec![("record_id", json!(record_id(&two).to_string()))],
        },
        reject(
            "tampered-payload",
            "One character of the payload changed after signing.",
            envelope_with(&sig, &kid, PAYLOAD_TYPE, &tampered),
            "verify",
            "bad-signature",
        ),
        Vector {
            expected_payload_type: "application/vnd.double-random.other+json".to_owned(),
            ..reject(
                "swapped-payload-type",
                "The payloadType was changed to another type the verifier accepts; the \
                 signature covers the original type through PAE, so it fails.",
                envelope_with(
                    &sig,
                    &kid,
                    "application/vnd.double-random.other+json",
                    payload,
                ),
                "verify",
                "bad-signature",
            )
        },
        Vector {
            expected_payload_type: "application/vnd.double-random.other+json".to_owned(),
            ..reject(
                "payload-type-mismatch",
                "A valid envelope of another payload type than the verifier expects.",
                valid_json.clone(),
                "verify",
                "payload-type-mismatch",
            )
        },
        reject(
            "malleated-signature",
            "The valid signature with the group order L added to S (little-endian \
             256-bit addition): a cofactorless equation still holds, but S >= L is \
             non-canonical and strict verification rejects it.",
            envelope_with(&add_l_to_s(sig), &kid, PAYLOAD_TYPE, payload),
            "verify",
            "bad-signature",
        ),
        Vector {
            key: json!({
                "public_key_hex": hex(&identity),
                "public_key_file": weak_file,
            }),
            ..reject(
                "small-order-key",
                "The public key is the identity point 0100..00 (small order) and the \
                 signature is R = identity, S = 0, which satisfies the unchecked \
                 verification equation for every message. The key must be refused.",
                envelope_with(&weak_sig, &weak_kid, PAYLOAD_TYPE, payload),
                "key",
                "weak-key",
            )
        },
        Vector {
            key: json!({
                "public_key_hex": hex(&non_canonical),
                "public_key_file": public_file("非规范密钥 (TEST ONLY)", &non_canonical),
            }),
            ..reject(
                "non-canonical-key",
                "The public key encodes y = p + 1, a non-canonical spelling of y = 1.",
                valid_json.clone(),
                "key",
                "non-canonical-key",
            )
        },
        reject(
            "wrong-key",
            "Signed by another TEST ONLY key (seed 0x21..0x40) but labelled with the \
             issuer's key id: keyid is only a hint.",
            envelope_with(wrong.signatures()[0].sig(), &kid, PAYLOAD_TYPE, payload),
            "verify",
            "bad-signature",
        ),
        reject(
            "unknown-signer",
            "Signed by another TEST ONLY key under its own key id; no signature claims \
             the verifier's key.",
            wrong.to_json(),
            "verify",
            "no-signature-for-key",
        ),
        reject(
            "duplicate-keyid",
            "Two signatures claim the verifier's key id.",
            dup_kid.to_json(),
            "verify",
            "duplicate-keyid",
        ),
        reject(
            "unknown-field",
            "The valid envelope with an extra top-level member.",
            valid_json.replacen('{', "{\"note\":\"x\",", 1),
            "decode",
            "unknown-field",
        ),
        reject(
            "duplicate-json-key",
            "The valid envelope with payloadType given twice (a parser keeping the \
             last value would see another type).",
            valid_json.replacen(
                "\"signatures\"",
                "\"payloadType\":\"application/vnd.double-random.other+json\",\"signatures\"",
                1,
            ),
            "decode",
            "duplicate-field",
        ),
        reject(
            "non-canonical-base64",
            "The payload's last base64 character has non-zero pad bits, a second \
             spelling of the same bytes.",
            {
                let mut bad = payload_b64.clone().into_bytes();
                let at = bad.iter().position(|&b| b == b'=').unwrap() - 1;
                bad[at] += 1;
                let bad = String::from_utf8(bad).unwrap();
                valid_json.replacen(&payload_b64, &bad, 1)
            },
            "decode",
            "base64",
        ),
        reject(
            "url-safe-base64",
            "The signature in the URL-safe alphabet; this profile accepts only the \
             standard alphabet (DSSE itself allows both).",
            {
                let s = b64(&sig);
                assert!(s.contains(['+', '/']), "need a + or / in the signature");
                valid_json.replacen(&s, &s.replace('+', "-").replace('/', "_"), 1)
            },
            "decode",
            "base64",
        ),
        reject(
            "truncated-signature",
            "The signature's last byte removed (63 bytes).",
            envelope_with(&sig[..63], &kid, PAYLOAD_TYPE, payload),
            "decode",
            "signature-length",
        ),
        reject(
            "missing-signature",
            "An empty signatures array.",
            format!(
                "{{\"payload\":\"{payload_b64}\",\"payloadType\":\"{PAYLOAD_TYPE}\",\"signatures\":[]}}"
            ),
            "decode",
            "no-signatures",
        ),
        reject(
            "missing-field",
            "The payloadType member is absent.",
            valid_json.replacen(&format!("\"payloadType\":\"{PAYLOAD_TYPE}\","), "", 1),
            "decode",
            "missing-field",
        ),
        reject(
            "trailing-data",
            "A second JSON value after the envelope.",
            format!("{valid_json}{{}}"),
            "decode",
            "trailing-data",
        ),
    ]
}

fn to_json(v: &Vector) -> String {
    let mut m = BTreeMap::new();
    m.insert("name", json!(v.name));
    m.insert("description", json!(v.description));
    m.insert("test_only", json!(TEST_ONLY));
    m.insert("key", v.key.clone());
    m.insert("expected_payload_type", json!(v.expected_payload_type));
    m.insert("envelope", json!(v.envelope));
    m.insert("verdict", json!(v.verdict));
    if let Some((phase, kind)) = v.error {
        m.insert("error", json!({ "phase": phase, "kind": kind }));
    }
    for (k, val) in &v.extra {
        m.insert(k, val.clone());
    }
    let mut s = serde_json::to_string_pretty(&m).unwrap();
    s.push('\n');
    s
}

#[test]
fn vectors_are_up_to_date() {
    let write = std::env::var_os("DR_WRITE_VECTORS").is_some();
    let vectors = generate();
    for v in &vectors {
        let path = dir().join(format!("{}.json", v.name));
        let text = to_json(v);
        if write {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else {
            let on_disk = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(on_disk, text, "{} is stale", path.display());
        }
    }
    let on_disk = std::fs::read_dir(dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(on_disk, vectors.len(), "unexpected extra vector files");
}

/// The verdict of one vector file, computed only from the file.
fn run(v: &Value) -> Result<(), (&'static str, &'static str)> {
    let key_file = v["key"]["public_key_file"].as_str().unwrap();
    let key = IssuerPublicKey::from_text(key_file).map_err(|e| match e {
        KeyFileError::PublicKey(e) => ("key", e.kind()),
        other => panic!("unexpected key file error {other:?}"),
    })?;
    assert_eq!(
        hex(&key.to_bytes()),
        v["key"]["public_key_hex"].as_str().unwrap()
    );
    let envelope = Envelope::from_json(v["envelope"].as_str().unwrap().as_bytes())
        .map_err(|e| ("decode", e.kind()))?;
    let expected_type = v["expected_payload_type"].as_str().unwrap();
    double_random::records::verify(&envelope, expected_type, &key)
        .map_err(|e| ("verify", e.kind()))?;
    if let Some(id) = v.get("record_id") {
        assert_eq!(record_id(&envelope).to_string(), id.as_str().unwrap());
    }
    Ok(())
}

#[test]
fn every_vector_has_its_verdict() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = v["name"].as_str().unwrap().to_owned();
        assert_eq!(path.file_stem().unwrap().to_str().unwrap(), name);
        let got = run(&v);
        match v["verdict"].as_str().unwrap() {
            "accept" => assert_eq!(got, Ok(()), "{name}"),
            "reject" => {
                let want = (
                    v["error"]["phase"].as_str().unwrap(),
                    v["error"]["kind"].as_str().unwrap(),
                );
                let got = got.expect_err(&name);
                assert_eq!((got.0, got.1), want, "{name}");
            }
            other => panic!("{name}: verdict {other}"),
        }
        names.push(name);
    }
    names.sort();
    for required in [
        "valid",
        "tampered-payload",
        "swapped-payload-type",
        "malleated-signature",
        "small-order-key",
        "wrong-key",
        "unknown-field",
        "duplicate-json-key",
        "non-canonical-base64",
        "truncated-signature",
        "missing-signature",
    ] {
        assert!(names.iter().any(|n| n == required), "missing {required}");
    }
}

#[test]
fn valid_vector_extras_are_consistent() {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("valid.json")).unwrap()).unwrap();
    let key = IssuerKey::from_secret_text(v["secret_key_file"].as_str().unwrap()).unwrap();
    assert_eq!(hex(&key.to_secret_bytes()), v["secret_seed_hex"]);
    assert_eq!(key.key_id(), v["key_id"]);
    assert_eq!(key.fingerprint(), v["fingerprint"]);
    let pae_hex = hex(&pae(PAYLOAD_TYPE, PAYLOAD.as_bytes()));
    assert_eq!(pae_hex, v["pae_hex"]);
    let id = hex(&Sha256::digest(pae(PAYLOAD_TYPE, PAYLOAD.as_bytes())));
    assert_eq!(id, v["record_id"]);
}
