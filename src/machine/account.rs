//! The account a run talks to, as this machine names it: a digest of the
//! API's canonical URL and of a hash of the API key, so that every spelling
//! of one endpoint (`http://127.0.0.1:8080/`, `http://localhost:8080`,
//! `HTTP://[::1]:8080`) finds the same lock and pending record, and the key
//! is never written anywhere.
//!
//! Pure: no IO.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use crate::settings::ApiSettings;

/// The host every loopback spelling is canonicalised to.
const LOOPBACK: &str = "loopback";

/// One account on this machine: two runs share a lock and a pending record
/// exactly when their ids are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountId {
    digest: String,
}

impl AccountId {
    /// The account reached at `api_url` with `api_key`; the URL is taken in
    /// its canonical form ([`canonical_url`]), the key only as its SHA-256.
    pub fn new(api_url: &str, api_key: &str) -> Self {
        let key = hex::encode(Sha256::digest(api_key.as_bytes()));
        let text = format!("skyform-account-v2\n{}\n{key}\n", canonical_url(api_url));
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        Self { digest: digest[..32].to_owned() }
    }

    /// The account a command line talks to: the API URL and key of its client
    /// configuration, or for `--sandbox` the sandbox's state file (its
    /// emulator's URL changes with every run).
    pub fn of(api: &ApiSettings, config: &clearsky::api::Config) -> Self {
        if api.sandbox {
            return Self::sandbox(api);
        }
        Self::new(&config.base_url, config.key.expose())
    }

    /// The account of `--sandbox` with the state file of `api`.
    pub fn sandbox(api: &ApiSettings) -> Self {
        let state =
            std::path::absolute(&api.sandbox_state).unwrap_or_else(|_| api.sandbox_state.clone());
        Self::new(&format!("sandbox:{}", state.display()), crate::sandbox::SANDBOX_KEY)
    }

    /// The 32 hex digits that name the account's directory.
    pub fn as_str(&self) -> &str {
        &self.digest
    }
}

/// The URL as the account's name: scheme and host in lower case, every
/// loopback host (`localhost`, `127.0.0.0/8`, `[::1]`, `[::ffff:127.0.0.1]`)
/// as one, a trailing dot of the host dropped, the port always written (the
/// scheme's default when left out), and the path without trailing `/`.
/// Anything that does not parse as a URL is only trimmed and lower-cased.
pub fn canonical_url(url: &str) -> String {
    let text = url.trim();
    let Ok(parsed) = reqwest::Url::parse(text) else {
        return text.trim_end_matches('/').to_ascii_lowercase();
    };
    let host = match parsed.host_str() {
        Some(host) if is_loopback(host) => LOOPBACK.to_owned(),
        Some(host) => host.trim_end_matches('.').to_ascii_lowercase(),
        None => String::new(),
    };
    let port = parsed.port_or_known_default().map(|p| format!(":{p}")).unwrap_or_default();
    let path = parsed.path().trim_end_matches('/');
    format!("{}://{host}{port}{path}", parsed.scheme())
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => ip.to_canonical().is_loopback(),
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let name = bare.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_one_endpoint_is_one_account() {
        let id = |url: &str| AccountId::new(url, "k");
        let local = id("http://127.0.0.1:8080");
        for same in [
            "http://localhost:8080",
            "http://LOCALHOST:8080/",
            "http://[::1]:8080",
            "http://[::ffff:127.0.0.1]:8080//",
            "http://127.0.0.2:8080",
            "http://localhost.:8080",
            " HTTP://127.0.0.1:8080/ ",
        ] {
            assert_eq!(id(same), local, "{same}");
        }
        let api = id("https://api.clearsky.vision");
        for same in [
            "https://API.clearsky.vision/",
            "https://api.clearsky.vision:443",
            "https://api.clearsky.vision.",
        ] {
            assert_eq!(id(same), api, "{same}");
        }
        for other in ["http://127.0.0.1:8081", "https://127.0.0.1:8080", "http://127.0.0.1:8080/v2"]
        {
            assert_ne!(id(other), local, "{other}");
        }
        assert_ne!(AccountId::new("https://api.clearsky.vision", "k2"), api);
    }

    #[test]
    fn canonical_urls_read_well_and_the_id_never_shows_the_key() {
        assert_eq!(
            canonical_url("https://Api.ClearSKY.vision/"),
            "https://api.clearsky.vision:443"
        );
        assert_eq!(canonical_url("http://[::1]:9000/base/"), "http://loopback:9000/base");
        assert_eq!(canonical_url("http://localhost"), "http://loopback:80");
        assert_eq!(canonical_url("not a url/"), "not a url");
        let id = AccountId::new("https://api.clearsky.vision", "secret-key");
        assert_eq!(id.as_str().len(), 32);
        assert!(id.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!id.as_str().contains("secret"));
    }
}
