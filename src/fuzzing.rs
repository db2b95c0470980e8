//! Entry points for the fuzz targets in `fuzz/` and for the test that replays their corpora:
//! each feeds arbitrary bytes to one parser or decoder the way untrusted input reaches it
//! (what people type, files coordinators hand over, what Slack and Discord send). None may ever
//! panic, whatever the bytes; nothing here touches a database or the network.

use chrono::{TimeZone, Utc};
use secrecy::SecretString;

use crate::adapters::discord::{interactions, verify::Verifier};
use crate::adapters::slack::decode::{self, Route};
use crate::adapters::slack::verify;
use crate::commands::Root;
use crate::commands::parse::parse_text;
use crate::domain::schedule::Cron;
use crate::domain::survey::template;
use crate::domain::time::{parse_date, parse_zone};
use crate::domain::{Platform, Timestamp, roster};
use crate::messages;

/// What a fuzz target does with one input.
pub type Target = fn(&[u8]);

/// The fuzz targets, by the name of their binary in `fuzz/` and of their corpus folder.
pub const TARGETS: [(&str, Target); 6] = [
    ("command_parser", command_parser),
    ("cron_and_zones", cron_and_zones),
    ("survey_template", survey_template),
    ("roster_csv", roster_csv),
    ("slack_requests", slack_requests),
    ("discord_requests", discord_requests),
];

/// The instant requests are checked at: 28 November 2026, 09:00 UTC (the tests' "now").
fn now() -> Timestamp {
    Timestamp(1_795_856_400_000)
}

/// Text after a slash command, typed on any platform under any root; errors are worded too.
pub fn command_parser(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for root in Root::ALL {
        for platform in Platform::ALL {
            if let Err(err) = parse_text(root, platform, text) {
                let _ = messages::parse_error(&err);
            }
        }
    }
}

/// A cron expression on the first line and a zone (or date) on the second; a cron that parses
/// is walked around the year's DST changes.
pub fn cron_and_zones(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (cron, zone) = text.split_once('\n').unwrap_or((text, "UTC"));
    let _ = parse_date(zone);
    let zone = parse_zone(zone.trim()).unwrap_or(chrono_tz::UTC);
    let Ok(cron) = Cron::parse(cron) else {
        return;
    };
    for (month, day) in [(3, 1), (4, 1), (10, 1), (11, 1)] {
        let Some(at) = Utc.with_ymd_and_hms(2026, month, day, 0, 0, 0).single() else {
            continue;
        };
        let _ = cron
            .occurrences_after(Timestamp::from_utc(at), zone)
            .take(3)
            .count();
    }
}

/// A survey template file; one that reads is also worded as its invitation.
pub fn survey_template(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(template) = template::parse(text) {
        let _ = messages::survey::survey_invitation(&template, Some((now(), chrono_tz::UTC)), true);
    }
}

/// A roster file for `tandem import`.
pub fn roster_csv(data: &[u8]) {
    let _ = roster::parse(data);
}

/// Splits `data` into two header values (one per line) and a body.
fn headers_and_body(data: &[u8]) -> (Option<&str>, Option<&str>, &[u8]) {
    let mut parts = data.splitn(3, |b| *b == b'\n');
    let first = parts.next().and_then(|h| std::str::from_utf8(h).ok());
    let second = parts.next().and_then(|h| std::str::from_utf8(h).ok());
    (first, second, parts.next().unwrap_or_default())
}

/// A Slack request: `X-Slack-Request-Timestamp`, `X-Slack-Signature`, then the body, verified and
/// then decoded as each route and Socket Mode would (as if verified, so decoding is reached).
pub fn slack_requests(data: &[u8]) {
    let (timestamp, signature, body) = headers_and_body(data);
    let secret = SecretString::from("8f742231b10e8888abcd99yyyzzz85a5");
    let _ = verify::verify(&secret, timestamp, signature, body, now());
    for route in [
        Route::Commands,
        Route::Interactions,
        Route::Events,
        Route::SocketMode,
    ] {
        let _ = decode::invocations(route, body);
    }
}

/// Discord's key pair for the fuzz targets: a fixed, public test key.
const DISCORD_TEST_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

/// A Discord HTTP interaction: `X-Signature-Ed25519`, `X-Signature-Timestamp`, then the body,
/// verified and then decoded as the endpoint would (as if verified).
pub fn discord_requests(data: &[u8]) {
    let (signature, timestamp, body) = headers_and_body(data);
    if let Ok(verifier) = Verifier::new(DISCORD_TEST_KEY) {
        let _ = verifier.check(signature, timestamp, body, now());
    }
    let _ = interactions::invocation(body, Some(80_351_110_224_678_912));
}
