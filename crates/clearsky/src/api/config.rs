//! How the client reaches the API: base URL, key, timeouts, retry policy,
//! and the injectable sleeper and jitter source.
//!
//! Reads the key file in [`Config::resolve`]; otherwise no IO. The key is an
//! [`ApiKey`], which never shows itself in `Debug` output.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::Error;
use super::retry::RetryPolicy;
use crate::read::{self, FileKind};

/// The production API.
pub const DEFAULT_URL: &str = "https://api.clearsky.vision";

/// An API key. Its `Debug` output is `ApiKey("***")`; it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming surrounding whitespace.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_owned())
    }

    /// The key itself, to put in the `x-api-key` header and nowhere else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(\"***\")")
    }
}

/// Waits for a duration; the client calls it between attempts.
pub type Sleeper = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// Returns a number in `[0, 1)` that scales each backoff (full jitter).
pub type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// Everything the client needs to know.
#[derive(Clone)]
pub struct Config {
    /// Base URL without a trailing slash, e.g. `https://api.clearsky.vision`.
    pub base_url: String,
    /// The key sent as `x-api-key`.
    pub key: ApiKey,
    /// Limit on establishing a connection.
    pub connect_timeout: Duration,
    /// Limit on a whole request, answer included.
    pub request_timeout: Duration,
    /// When reads, searches and estimates are retried.
    pub retry: RetryPolicy,
    /// Waits between attempts; `tokio::time::sleep` unless a test records instead.
    pub sleeper: Sleeper,
    /// Jitter source; uniform random unless a test fixes it.
    pub jitter: Jitter,
    /// The most bytes read of one answer ([`MAX_ANSWER_BYTES`] unless a test
    /// lowers it); a longer answer is an error, never read into memory whole.
    pub max_answer_bytes: usize,
}

/// The most bytes skyform reads of one API answer: 64 MiB, some thirty
/// times the order list of an account with 10,000 orders of detailed polygons.
/// An answer longer than that comes from something that is not the API
/// (or a server gone wrong), and reading it would only exhaust memory.
pub const MAX_ANSWER_BYTES: usize = 64 << 20;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("key", &self.key)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A configuration with the default timeouts (10 s connect, 120 s request),
    /// retry policy, sleeper and jitter, after checking the URL.
    pub fn new(base_url: &str, key: ApiKey) -> Result<Self, Error> {
        if key.expose().is_empty() {
            return Err(Error::MissingKey);
        }
        Ok(Self {
            base_url: check_url(base_url)?,
            key,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            sleeper: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
            jitter: Arc::new(rand::random::<f64>),
            max_answer_bytes: MAX_ANSWER_BYTES,
        })
    }

    /// Resolves the settings given on the command line: the key comes from
    /// `api_key_file` when given (trimmed), else from `env_key`
    /// (`CLEARSKY_API_KEY`).
    pub fn resolve(
        api_url: &str,
        api_key_file: Option<&Path>,
        env_key: Option<String>,
    ) -> Result<Self, Error> {
        let key = match api_key_file {
            Some(path) => {
                let text = read::read_text(path, FileKind::KeyFile).map_err(|source| {
                    Error::KeyFile { path: path.to_owned(), source: Some(source) }
                })?;
                let key = ApiKey::new(text);
                if key.expose().is_empty() {
                    return Err(Error::KeyFile { path: path.to_owned(), source: None });
                }
                key
            }
            None => ApiKey::new(env_key.ok_or(Error::MissingKey)?),
        };
        Self::new(api_url, key)
    }
}

/// Accepts `https://` for any host and `http://` only for a loopback host;
/// returns the URL without a trailing slash.
fn check_url(url: &str) -> Result<String, Error> {
    let invalid =
        |reason: &str| Error::InvalidUrl { url: shown_url(url), reason: reason.to_owned() };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => return Err(invalid("plain `http://` is only allowed for a loopback host")),
        other => return Err(invalid(&format!("unsupported scheme `{other}`"))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("credentials in the URL are not supported"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// A URL fit for a message: user-info replaced by `***`, query and fragment
/// by `?…`, so that no credential or token is echoed. Works on text that
/// does not parse as a URL too.
fn shown_url(url: &str) -> String {
    let (base, cut) = match url.find(['?', '#']) {
        Some(i) => (&url[..i], true),
        None => (url, false),
    };
    let mut out = match base.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            match rest[..host_end].rfind('@') {
                Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
                None => base.to_owned(),
            }
        }
        None => base.to_owned(),
    };
    if cut {
        out.push_str("?…");
    }
    out
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        let key = || ApiKey::new("k");
        for ok in [
            "https://api.clearsky.vision",
            "https://api.clearsky.vision/",
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://[::1]:9000/",
            "http://localhost:1234",
            "http://LOCALHOST",
        ] {
            let c = Config::new(ok, key()).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(!c.base_url.ends_with('/'), "{}", c.base_url);
        }
        for bad in [
            "http://api.clearsky.vision",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://127.0.0.1",
            "not a url",
            "https://u:p@api.clearsky.vision",
        ] {
            assert!(
                matches!(Config::new(bad, key()), Err(Error::InvalidUrl { .. })),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn refused_urls_never_echo_credentials_or_queries() {
        let key = || ApiKey::new("k");
        for (bad, shown) in [
            ("https://user:hunter2@api.clearsky.vision", "`https://***@api.clearsky.vision`"),
            ("https://api.clearsky.vision/?token=hunter2", "`https://api.clearsky.vision/?…`"),
            ("http://u:hunter2@10.0.0.1/x#frag", "`http://***@10.0.0.1/x?…`"),
            ("ftp://a:hunter2@host", "`ftp://***@host`"),
        ] {
            let e = Config::new(bad, key()).unwrap_err();
            let text = format!("{e} {}", e.hint().unwrap_or_default());
            assert!(!text.contains("hunter2") && text.contains(shown), "{text}");
        }
        let e = Config::new("https://api.clearsky.vision/?q=1", key()).unwrap_err();
        assert!(!e.hint().unwrap().contains("use an `https://` URL"), "{:?}", e.hint());
        let e = Config::new("http://10.0.0.1", key()).unwrap_err();
        assert!(e.hint().unwrap().contains("use an `https://` URL"));
    }

    #[test]
    fn key_comes_from_the_file_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key");
        std::fs::write(&file, "  from-file\n").unwrap();
        let c = Config::resolve(DEFAULT_URL, Some(&file), Some("from-env".into())).unwrap();
        assert_eq!(c.key.expose(), "from-file");
        let c = Config::resolve(DEFAULT_URL, None, Some(" from-env ".into())).unwrap();
        assert_eq!(c.key.expose(), "from-env");
        assert_eq!(c.connect_timeout, Duration::from_secs(10));
        assert_eq!(c.request_timeout, Duration::from_secs(120));
    }

    #[test]
    fn a_missing_key_says_how_to_give_one() {
        let e = Config::resolve(DEFAULT_URL, None, None).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("`CLEARSKY_API_KEY`") && text.contains("`--api-key-file"), "{text}");
        assert!(matches!(
            Config::resolve(DEFAULT_URL, None, Some("  ".into())),
            Err(Error::MissingKey)
        ));
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let e = Config::resolve(DEFAULT_URL, Some(&empty), None).unwrap_err();
        assert!(e.to_string().ends_with("the file is empty"), "{e}");
        let e = Config::resolve(DEFAULT_URL, Some(&dir.path().join("nope")), None).unwrap_err();
        assert!(matches!(e, Error::KeyFile { source: Some(_), .. }), "{e:?}");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = Config::new(DEFAULT_URL, ApiKey::new("sekrit-123")).unwrap();
        let text = format!("{c:?} {:?} {c:#?}", c.key);
        assert!(!text.contains("sekrit-123"), "{text}");
        assert!(text.contains("ApiKey(\"***\")"), "{text}");
    }
}
