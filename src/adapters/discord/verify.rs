//! Checks that an HTTP interaction really comes from Discord (ARCHITECTURE decision 7): Ed25519
//! over timestamp + raw body with the application's public key, plus our own 5-minute window so
//! a captured request can't be replayed later. Verification only: nothing here reads the body.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use ed25519_dalek::{Signature, VerifyingKey};

use crate::domain::Timestamp;

/// How far a request's timestamp may be from our clock.
pub const WINDOW: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("missing or malformed signature headers")]
    Malformed,
    #[error("the signature does not match")]
    BadSignature,
    #[error("the timestamp is outside the 5-minute window")]
    Stale,
}

#[derive(Debug, Clone)]
pub struct Verifier {
    key: VerifyingKey,
}

impl Verifier {
    /// `public_key` is the hex string from the Developer Portal (DISCORD_PUBLIC_KEY).
    pub fn new(public_key: &str) -> anyhow::Result<Verifier> {
        let bytes: [u8; 32] = hex(public_key.trim())
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| anyhow::anyhow!("DISCORD_PUBLIC_KEY should be 64 hex characters"))?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid Ed25519 key"))?;
        Ok(Verifier { key })
    }

    /// Checks `X-Signature-Ed25519` and `X-Signature-Timestamp` against the raw body.
    pub fn check(
        &self,
        signature: Option<&str>,
        timestamp: Option<&str>,
        body: &[u8],
        now: Timestamp,
    ) -> Result<(), Rejection> {
        let (Some(signature), Some(timestamp)) = (signature, timestamp) else {
            return Err(Rejection::Malformed);
        };
        let signature: [u8; 64] = hex(signature)
            .and_then(|b| b.try_into().ok())
            .ok_or(Rejection::Malformed)?;
        let seconds: i64 = timestamp.trim().parse().map_err(|_| Rejection::Malformed)?;
        let mut signed = Vec::with_capacity(timestamp.len() + body.len());
        signed.extend_from_slice(timestamp.as_bytes());
        signed.extend_from_slice(body);
        // verify_strict refuses the malleable and small-order signatures plain verify lets through.
        self.key
            .verify_strict(&signed, &Signature::from_bytes(&signature))
            .map_err(|_| Rejection::BadSignature)?;
        if (now.unix_seconds() - seconds).unsigned_abs() > WINDOW.as_secs() {
            return Err(Rejection::Stale);
        }
        Ok(())
    }
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn to_hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn signed_fresh_requests_pass_and_nothing_else() {
        let signing = SigningKey::from_bytes(&[7; 32]);
        let verifier = Verifier::new(&to_hex(signing.verifying_key().as_bytes())).unwrap();
        let now = Timestamp(1_800_000_000_000);
        let body = br#"{"type":1}"#;
        let ts = "1800000000";
        let sign = |ts: &str, body: &[u8]| {
            let mut m = ts.as_bytes().to_vec();
            m.extend_from_slice(body);
            to_hex(&signing.sign(&m).to_bytes())
        };
        let good = sign(ts, body);
        assert_eq!(verifier.check(Some(&good), Some(ts), body, now), Ok(()));
        assert_eq!(
            verifier.check(Some(&good), Some(ts), br#"{"type":2}"#, now),
            Err(Rejection::BadSignature)
        );
        let old = "1799999000";
        assert_eq!(
            verifier.check(Some(&sign(old, body)), Some(old), body, now),
            Err(Rejection::Stale)
        );
        assert_eq!(
            verifier.check(None, Some(ts), body, now),
            Err(Rejection::Malformed)
        );
        assert!(Verifier::new("abc").is_err());
    }
}
