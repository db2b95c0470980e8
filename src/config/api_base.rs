//! Which Slack and Discord API base URLs are safe to send bot tokens to: `https://` anywhere,
//! plain `http://` only inside this machine or a private network, unless the operator says so.

use std::net::{Ipv4Addr, Ipv6Addr};

use anyhow::bail;
use url::{Host, Url};

/// Checks the API base in `setting` (`SLACK_API_URL`); `Ok(Some(warning))` when it is allowed but
/// worth a line in the log, an error when tokens would cross the internet in clear text.
pub fn check(setting: &str, base: &str, allow_http: bool) -> anyhow::Result<Option<String>> {
    let Ok(url) = Url::parse(base) else {
        bail!("{setting} ({base}) is not a URL such as https://api.example.org");
    };
    match url.scheme() {
        "https" => return Ok(None),
        "http" => {}
        other => bail!("{setting} must start with https:// (got {other}://)"),
    }
    let private = url.host().is_some_and(|host| is_private(&host));
    if private || allow_http {
        let whose = if private {
            "this machine or a private network"
        } else {
            "a public host, allowed by TANDEM_ALLOW_HTTP_API"
        };
        return Ok(Some(format!(
            "{setting} uses plain http:// to {whose}: bot tokens travel unencrypted to {base}"
        )));
    }
    bail!(
        "{setting} ({base}) would send bot tokens over plain http:// to a public host: use \
         https://, or set TANDEM_ALLOW_HTTP_API=1 if that is really wanted"
    )
}

/// Loopback, private and link-local addresses, `localhost`, and names that only resolve inside a
/// private network (a single label such as a container's name, `.local`, `.internal`, `.lan`,
/// `.home.arpa`).
fn is_private(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => private_v4(ip),
        Host::Ipv6(ip) => private_v6(ip),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            !name.contains('.')
                || [".localhost", ".local", ".internal", ".lan", ".home.arpa"]
                    .iter()
                    .any(|suffix| name.ends_with(suffix))
        }
    }
}

fn private_v4(ip: &Ipv4Addr) -> bool {
    ip.is_loopback() || ip.is_private() || ip.is_link_local()
}

fn private_v6(ip: &Ipv6Addr) -> bool {
    match ip.to_ipv4_mapped() {
        Some(v4) => private_v4(&v4),
        // fc00::/7 is unique-local, fe80::/10 link-local.
        None => {
            ip.is_loopback()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn https_is_always_fine() {
        assert_eq!(
            check("SLACK_API_URL", "https://slack.com/api", false).unwrap(),
            None
        );
    }

    #[test]
    fn http_to_a_public_host_is_refused_unless_allowed() {
        let err = check("DISCORD_API_URL", "http://discord.example.com", false).unwrap_err();
        assert!(err.to_string().contains("TANDEM_ALLOW_HTTP_API"), "{err}");
        assert!(check("DISCORD_API_URL", "http://8.8.8.8:80", false).is_err());
        let allowed = check("DISCORD_API_URL", "http://discord.example.com", true).unwrap();
        assert!(allowed.unwrap().contains("public host"));
    }

    #[test]
    fn http_inside_the_machine_or_a_private_network_only_warns() {
        for base in [
            "http://127.0.0.1:9000",
            "http://localhost:8080/api",
            "http://[::1]:3000",
            "http://10.0.0.7",
            "http://192.168.1.20",
            "http://172.16.4.4",
            "http://[fd00::1]",
            "http://discord-proxy:8080",
            "http://proxy.internal",
        ] {
            let warning = check("DISCORD_API_URL", base, false).unwrap();
            assert!(warning.unwrap().contains("private network"), "{base}");
        }
    }

    #[test]
    fn other_schemes_and_garbage_are_refused() {
        assert!(check("SLACK_API_URL", "ftp://slack.com", true).is_err());
        assert!(check("SLACK_API_URL", "slack.com/api", true).is_err());
    }
}
