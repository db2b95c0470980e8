//! Slack request signing: HMAC-SHA256 over `v0:{timestamp}:{raw body}`, compared in constant time,
//! inside a five-minute window measured on the app's clock (so tests move time, never sleep).
//! Knows nothing about what the request asks for.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::domain::Timestamp;

/// How far a request's timestamp may be from now, either way.
pub const WINDOW_SECONDS: i64 = 5 * 60;

/// Why a request was refused; never says more than that to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("missing signature headers")]
    Missing,
    #[error("timestamp outside the five-minute window")]
    Stale,
    #[error("signature does not match")]
    BadSignature,
}

/// `v0=` followed by the hex HMAC of the request, as Slack computes it.
pub fn sign(secret: &SecretString, timestamp: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length; were that ever refused, no signature would match.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()) else {
        return String::new();
    };
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(3 + digest.len() * 2);
    out.push_str("v0=");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Checks the `X-Slack-Request-Timestamp` and `X-Slack-Signature` headers against the raw body.
pub fn verify(
    secret: &SecretString,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: Timestamp,
) -> Result<(), Rejected> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(Rejected::Missing);
    };
    let sent: i64 = timestamp.trim().parse().map_err(|_| Rejected::Missing)?;
    if (now.unix_seconds() - sent).abs() > WINDOW_SECONDS {
        return Err(Rejected::Stale);
    }
    let expected = sign(secret, timestamp, body);
    if expected.as_bytes().ct_eq(signature.as_bytes()).into() {
        Ok(())
    } else {
        Err(Rejected::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slack's own example (shared/specs/README.md).
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn at(seconds: i64) -> Timestamp {
        Timestamp(seconds * 1000)
    }

    #[test]
    fn slacks_test_vector_passes() {
        let secret = SecretString::from(SECRET);
        assert_eq!(sign(&secret, TS, BODY.as_bytes()), SIGNATURE);
        let now = at(1531420618 + 60);
        assert_eq!(
            verify(&secret, Some(TS), Some(SIGNATURE), BODY.as_bytes(), now),
            Ok(())
        );
    }

    #[test]
    fn tampering_staleness_and_missing_headers_are_refused() {
        let secret = SecretString::from(SECRET);
        let now = at(1531420618);
        let tampered = BODY.replace("roadrunner", "coyote");
        assert_eq!(
            verify(&secret, Some(TS), Some(SIGNATURE), tampered.as_bytes(), now),
            Err(Rejected::BadSignature)
        );
        let late = at(1531420618 + WINDOW_SECONDS + 1);
        assert_eq!(
            verify(&secret, Some(TS), Some(SIGNATURE), BODY.as_bytes(), late),
            Err(Rejected::Stale)
        );
        assert_eq!(
            verify(&secret, None, Some(SIGNATURE), BODY.as_bytes(), now),
            Err(Rejected::Missing)
        );
        let other = SecretString::from("another secret");
        assert_eq!(
            verify(&other, Some(TS), Some(SIGNATURE), BODY.as_bytes(), now),
            Err(Rejected::BadSignature)
        );
    }
}
