//! Passphrase-protected secret key files (`keygen --passphrase`).
//!
//! The key file's text (docs/FORMAT.md §1, `double-random-secret-key-v1`)
//! is encrypted with [age](https://age-encryption.org/v1) to a passphrase
//! (age's scrypt recipient, work factor chosen by age for about a second)
//! and written ASCII-armored: any age tool (`age -d`, `rage -d`) opens it
//! with the passphrase, so the office is never locked into this program.
//! Every command that reads a secret key file opens such a file when it is
//! given the passphrase: from the environment variable
//! [`PASSPHRASE_ENV`] (for scripts), else by asking on the terminal.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use age::secrecy::SecretString;

use crate::receipts::ReceiptError;

/// The environment variable a passphrase is read from before asking.
pub const PASSPHRASE_ENV: &str = "DOUBLE_RANDOM_PASSPHRASE";

/// The first line of an ASCII-armored age file.
const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";

fn error(path: &Path, message: impl Into<String>) -> ReceiptError {
    ReceiptError::Passphrase {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// Whether a key file's text is passphrase-protected.
pub(crate) fn is_protected(text: &str) -> bool {
    text.trim_start().starts_with(ARMOR_BEGIN)
}

/// The passphrase for `path`: from [`PASSPHRASE_ENV`], else asked on the
/// terminal (twice when `confirm`). Never empty.
fn passphrase(path: &Path, confirm: bool) -> Result<SecretString, ReceiptError> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        if p.is_empty() {
            return Err(error(path, format!("{PASSPHRASE_ENV} is set but empty")));
        }
        return Ok(SecretString::from(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(error(
            path,
            format!(
                "the key file is protected by a passphrase: set {PASSPHRASE_ENV} or run in a terminal to be asked for it"
            ),
        ));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| error(path, format!("reading it: {e}")))
    };
    let first = ask(&format!("passphrase for {}: ", path.display()))?;
    if first.is_empty() {
        return Err(error(path, "an empty passphrase protects nothing"));
    }
    if confirm && ask("again: ")? != first {
        return Err(error(path, "the two passphrases differ"));
    }
    Ok(SecretString::from(first))
}

/// The key file's text, decrypted when it is passphrase-protected.
pub(crate) fn unlock(path: &Path, text: String) -> Result<String, ReceiptError> {
    if !is_protected(&text) {
        return Ok(text);
    }
    let pass = passphrase(path, false)?;
    let damaged = |e: &dyn std::fmt::Display| error(path, format!("not a readable age file: {e}"));
    let decryptor = age::Decryptor::new(age::armor::ArmoredReader::new(text.as_bytes()))
        .map_err(|e| damaged(&e))?;
    if !decryptor.is_scrypt() {
        return Err(error(
            path,
            "encrypted to age recipients, not to a passphrase",
        ));
    }
    let identity = age::scrypt::Identity::new(pass);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed
            | age::DecryptError::NoMatchingKeys => error(path, "wrong passphrase"),
            other => damaged(&other),
        })?;
    let mut plain = String::new();
    reader.read_to_string(&mut plain).map_err(|e| damaged(&e))?;
    Ok(plain)
}

/// `plain` encrypted to a passphrase (asked twice on a terminal), armored.
pub(crate) fn protect(path: &Path, plain: &str) -> Result<String, ReceiptError> {
    let pass = passphrase(path, true)?;
    let failed = |e: &dyn std::fmt::Display| error(path, format!("encrypting: {e}"));
    let mut out = Vec::new();
    {
        let armored =
            age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
                .map_err(|e| failed(&e))?;
        let mut w = age::Encryptor::with_user_passphrase(pass)
            .wrap_output(armored)
            .map_err(|e| failed(&e))?;
        w.write_all(plain.as_bytes()).map_err(|e| failed(&e))?;
        w.finish()
            .and_then(|armor| armor.finish())
            .map_err(|e| failed(&e))?;
    }
    String::from_utf8(out).map_err(|e| failed(&e))
}
