//! The per-survey key of an anonymous survey and the answer token it makes of a person. The key
//! is 32 bytes from the operating system's CSPRNG, so nothing stored beside it (the survey's
//! time-ordered id, its opening time) narrows it down; it lives only while the survey is open.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::domain::{hex, random_bytes};
use crate::store::surveys::Survey;

/// A new survey key: 32 random bytes, stored as 64 hex characters.
pub(super) fn new_key() -> String {
    hex(&random_bytes::<32>())
}

/// The key a response is stored under: the person's id, or in an anonymous survey an HMAC-SHA256
/// of it under the survey's key, which only stops the same person answering twice. Once the
/// survey closes the key is gone and the tokens are replaced, so none can be recomputed.
pub(super) fn respondent_key(survey: &Survey, participant_id: &str) -> String {
    if !survey.anonymous {
        return participant_id.to_string();
    }
    // The key's hex text is the HMAC key, as it always was, so surveys opened before keys were
    // random still recognise their respondents.
    let mut mac = Hmac::<Sha256>::new_from_slice(survey.secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(participant_id.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_32_random_bytes() {
        let (a, b) = (new_key(), new_key());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
