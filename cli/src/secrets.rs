//! The office's secrets file (`CHAIN.secrets.jsonl`, FORMAT §3): one JSON
//! object per line, `{"commitment":"<record id>","conflict_salt":"<64 hex>"}`,
//! the conflict-list salt of each commitment. Read strictly for `verify
//! --secrets`: a line that is not such an object is an error naming the
//! line, never skipped.

use std::path::Path;

use double_random::records::RecordId;

/// Length of a conflict-list salt in bytes (FORMAT §2).
pub const SALT_LEN: usize = 32;

/// 32 fresh bytes from the operating system's CSPRNG, wiped when dropped:
/// an issuer key's seed, or a commitment's conflict-list salt. The library
/// does no I/O, so the tool brings these; the error is the system's own.
pub fn os_secret() -> Result<zeroize::Zeroizing<[u8; 32]>, String> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// What is wrong with one line of a secrets file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsProblem {
    /// Not a JSON object.
    #[error("not a JSON object: {0}")]
    NotJson(String),
    /// A member the format requires is missing.
    #[error("member {0:?} is missing")]
    Missing(&'static str),
    /// A member the format does not have.
    #[error("unknown member {0:?}")]
    Unknown(String),
    /// A member given twice.
    #[error("member {0:?} is given twice")]
    RepeatedMember(String),
    /// A member is not a string of lowercase hex of the right length.
    #[error("{member:?} is not {digits} lowercase hex digits")]
    NotHex {
        /// The member.
        member: &'static str,
        /// The number of hex digits it must have.
        digits: usize,
    },
    /// A second line for a commitment, with another salt.
    #[error("a second salt for commitment {commitment} (first on line {first_line})")]
    Repeated {
        /// The commitment's record id.
        commitment: String,
        /// The line of its first salt.
        first_line: usize,
    },
}

/// A secrets file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsError {
    /// The file could not be read.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        cause: std::io::Error,
    },
    /// A line breaks the format.
    #[error("{path} line {line}: {problem}")]
    Line {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        problem: SecretsProblem,
    },
}

/// Each commitment's conflict-list salt, in file order.
pub type Salts = Vec<(RecordId, Vec<u8>)>;

/// One line of a secrets file (without its line break), as `commit`
/// appends it: `{"commitment":"<record id>","conflict_salt":"<hex>"}`.
pub fn salt_line(commitment: &RecordId, salt: &[u8]) -> String {
    serde_json::json!({
        "commitment": commitment.to_string(),
        "conflict_salt": salt.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    })
    .to_string()
}

/// Reads a secrets file: each commitment's salt, in file order.
pub fn read_secrets_file(path: &Path) -> Result<Salts, SecretsError> {
    // A secrets file others may read is refused, as a secret key is.
    let bytes = crate::files::read_private(path, crate::files::Limit::LOG).map_err(|cause| {
        SecretsError::Io {
            path: path.display().to_string(),
            cause,
        }
    })?;
    parse_secrets(&bytes).map_err(|(line, problem)| SecretsError::Line {
        path: path.display().to_string(),
        line,
        problem,
    })
}

/// Parses the text of a secrets file; an error names its 1-based line.
pub fn parse_secrets(bytes: &[u8]) -> Result<Salts, (usize, SecretsProblem)> {
    let mut out: Salts = Vec::new();
    let mut first_line = std::collections::HashMap::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let (commitment, salt) = parse_line(raw).map_err(|p| (line, p))?;
        match first_line.get(&commitment) {
            Some(&(first, index)) => {
                let (_, earlier): &(RecordId, Vec<u8>) = &out[index];
                if *earlier != salt {
                    return Err((
                        line,
                        SecretsProblem::Repeated {
                            commitment: commitment.to_string(),
                            first_line: first,
                        },
                    ));
                }
            }
            None => {
                first_line.insert(commitment, (line, out.len()));
                out.push((commitment, salt));
            }
        }
    }
    Ok(out)
}

/// A JSON object's members in order, repeats kept (serde_json's map keeps
/// only the last of a repeated member).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = m.next_entry::<String, serde_json::Value>()? {
                    out.push(kv);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn parse_line(raw: &[u8]) -> Result<(RecordId, Vec<u8>), SecretsProblem> {
    let Members(members) =
        serde_json::from_slice(raw).map_err(|e| SecretsProblem::NotJson(e.to_string()))?;
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in &members {
        if k != "commitment" && k != "conflict_salt" {
            return Err(SecretsProblem::Unknown(k.clone()));
        }
        if seen.contains(&k.as_str()) {
            return Err(SecretsProblem::RepeatedMember(k.clone()));
        }
        seen.push(k);
    }
    let hex = |member: &'static str| -> Result<Vec<u8>, SecretsProblem> {
        let v = members
            .iter()
            .find(|(k, _)| k == member)
            .map(|(_, v)| v)
            .ok_or(SecretsProblem::Missing(member))?;
        let bad = SecretsProblem::NotHex {
            member,
            digits: 2 * SALT_LEN,
        };
        let s = v.as_str().ok_or_else(|| bad.clone())?;
        if s.len() != 2 * SALT_LEN || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad);
        }
        double_random_hex(s).ok_or(bad)
    };
    let c = hex("commitment")?;
    let salt = hex("conflict_salt")?;
    let id: [u8; 32] = c
        .as_slice()
        .try_into()
        .map_err(|_| SecretsProblem::NotHex {
            member: "commitment",
            digits: 64,
        })?;
    Ok((RecordId::from(id), salt))
}

fn double_random_hex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "1493637d287310f2dfc73514b5c1b0d4c8c0e681f255cca37602eae487656c55";
    const S: &str = "6bf35f988b8692183e6f94670c558cc7464f3c78cd5acda164386884536ef71a";

    fn line(c: &str, s: &str) -> String {
        format!("{{\"commitment\":\"{c}\",\"conflict_salt\":\"{s}\"}}\n")
    }

    #[test]
    fn reads_the_office_file() {
        let text = format!("{}\n{}", line(C, S), line(S, C));
        let got = parse_secrets(text.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.to_string(), C);
        assert_eq!(double_random_hex(S).unwrap(), got[0].1);
        // The same line twice is one entry.
        let text = format!("{}{}", line(C, S), line(C, S));
        assert_eq!(parse_secrets(text.as_bytes()).unwrap().len(), 1);
    }

    #[test]
    fn the_line_commit_writes_is_the_documented_one() {
        let got = parse_secrets(line(C, S).as_bytes()).unwrap();
        let (commitment, salt) = &got[0];
        assert_eq!(salt_line(commitment, salt) + "\n", line(C, S));
    }

    #[test]
    fn a_bad_line_is_named() {
        let cases: [(String, usize, &str); 8] = [
            (
                format!(
                    "{{\"commitment\":\"{C}\",\"conflict_salt\":\"{S}\",\"commitment\":\"{S}\"}}"
                ),
                1,
                "member \"commitment\" is given twice",
            ),
            (format!("{}not json\n", line(C, S)), 2, "not a JSON object"),
            ("[1]\n".into(), 1, "not a JSON object"),
            (
                format!("{{\"commitment\":\"{C}\"}}"),
                1,
                "\"conflict_salt\" is missing",
            ),
            (
                format!("{{\"commitment\":\"{C}\",\"conflict_salt\":\"{S}\",\"x\":1}}"),
                1,
                "unknown member \"x\"",
            ),
            (line(C, &S[..62]), 1, "\"conflict_salt\" is not 64"),
            (line(&C.to_uppercase(), S), 1, "\"commitment\" is not 64"),
            (
                format!("{}\n\n{}", line(C, S), line(C, C)),
                4,
                "a second salt for commitment",
            ),
        ];
        for (text, want_line, want) in cases {
            let (l, p) = parse_secrets(text.as_bytes()).unwrap_err();
            assert_eq!(l, want_line, "{text}");
            assert!(p.to_string().contains(want), "{p} / {want}");
        }
    }
}
