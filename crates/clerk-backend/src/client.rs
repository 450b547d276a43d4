//! [`Clerk`], the client, and [`ClerkBuilder`], its configuration.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};
use crate::generated::DEFAULT_API_VERSION;
use crate::retry::RetryPolicy;

/// Clerk's Backend API host.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// How long a request may take, from sending it to reading the whole answer, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A client for Clerk's Backend API.
///
/// Cheap to clone (an `Arc` inside) and safe to share between tasks: clones share one connection
/// pool. Create one at start-up and pass clones around.
///
/// ```no_run
/// # async fn run() -> clerk_backend::Result<()> {
/// use clerk_backend::Clerk;
///
/// let clerk = Clerk::from_env()?; // CLERK_SECRET_KEY, optional CLERK_API_URL / CLERK_API_VERSION
/// let user = clerk.users().get("user_2abc").await?;
/// println!("{:?}", user.first_name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Clerk {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// `{api_url}`, without a trailing slash.
    pub(crate) api_url: String,
    pub(crate) api_version: HeaderValue,
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) sdk_header: HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    secret_key_kind: &'static str,
}

impl Clerk {
    /// A client for `https://api.clerk.com` with this secret key and the default settings.
    ///
    /// Fails with a configuration error when the key is blank or cannot be sent in a header.
    pub fn new(secret_key: impl Into<String>) -> Result<Clerk> {
        Clerk::builder().secret_key(secret_key).build()
    }

    /// A client configured from the environment: `CLERK_SECRET_KEY` (required), `CLERK_API_URL`
    /// (default `https://api.clerk.com`) and `CLERK_API_VERSION` (default `2026-05-12`).
    pub fn from_env() -> Result<Clerk> {
        ClerkBuilder::from_env().build()
    }

    /// A builder for every setting.
    ///
    /// ```no_run
    /// # fn run() -> clerk_backend::Result<()> {
    /// use std::time::Duration;
    /// use clerk_backend::{Clerk, RetryPolicy};
    ///
    /// let clerk = Clerk::builder()
    ///     .secret_key("sk_test_...")
    ///     .timeout(Duration::from_secs(10))
    ///     .retry_policy(RetryPolicy::default().with_max_retries(5))
    ///     .user_agent_suffix("my-app/1.2")
    ///     .build()?;
    /// # let _ = clerk; Ok(()) }
    /// ```
    pub fn builder() -> ClerkBuilder {
        ClerkBuilder::default()
    }

    /// The API base URL, without a trailing slash (`https://api.clerk.com`).
    pub fn api_url(&self) -> &str {
        &self.inner.api_url
    }

    /// The `Clerk-API-Version` this client sends.
    pub fn api_version(&self) -> &str {
        self.inner.api_version.to_str().unwrap_or_default()
    }

    /// The client's default retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The client's per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }
}

impl fmt::Debug for Clerk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clerk")
            .field("api_url", &self.inner.api_url)
            .field("api_version", &self.api_version())
            .field(
                "secret_key",
                &format_args!("{}[redacted]", self.inner.secret_key_kind),
            )
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// Configuration for a [`Clerk`] client. Obtain one from [`Clerk::builder`] or
/// [`ClerkBuilder::from_env`]; finish with [`ClerkBuilder::build`].
#[derive(Clone, Default)]
pub struct ClerkBuilder {
    secret_key: Option<String>,
    api_url: Option<String>,
    api_version: Option<String>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
}

impl ClerkBuilder {
    /// A builder seeded from `CLERK_SECRET_KEY`, `CLERK_API_URL` and `CLERK_API_VERSION`; empty
    /// variables count as unset. Later setters override what the environment said.
    pub fn from_env() -> ClerkBuilder {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        ClerkBuilder {
            secret_key: var("CLERK_SECRET_KEY"),
            api_url: var("CLERK_API_URL"),
            api_version: var("CLERK_API_VERSION"),
            ..ClerkBuilder::default()
        }
    }

    /// The instance's secret key (`sk_live_...` or `sk_test_...`).
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret_key = Some(key.into());
        self
    }

    /// The API base URL (default `https://api.clerk.com`). Requests go to `{url}/v1/...`; a
    /// trailing slash is fine. Point it at a local emulator or a proxy.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// The `Clerk-API-Version` header (default `2026-05-12`, the version the models follow).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// The longest a single attempt may take, including reading the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The default retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Text appended to the `User-Agent` header, e.g. `my-app/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// A `reqwest::Client` to send requests with (for proxies, custom TLS roots, ...). The
    /// client's timeout still applies to each request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Clerk> {
        let secret = self.secret_key.unwrap_or_default();
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(Error::config(
                "no secret key: set CLERK_SECRET_KEY or call ClerkBuilder::secret_key",
            ));
        }
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {secret}")).map_err(|_| {
                Error::config("the secret key contains characters that cannot be sent in a header")
            })?;
        authorization.set_sensitive(true);
        let secret_key_kind = if secret.starts_with("sk_live_") {
            "sk_live_"
        } else if secret.starts_with("sk_test_") {
            "sk_test_"
        } else {
            ""
        };

        let api_url = normalize_api_url(self.api_url.as_deref().unwrap_or(DEFAULT_API_URL))?;

        let version = self
            .api_version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        let api_version = HeaderValue::from_str(version.trim())
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::config(format!("invalid API version {version:?}")))?;

        let mut ua = format!("clerk-backend-rust/{SDK_VERSION}");
        if let Some(suffix) = self
            .user_agent_suffix
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            ua.push(' ');
            ua.push_str(suffix);
        }
        let user_agent = HeaderValue::from_str(&ua)
            .map_err(|_| Error::config("the user agent suffix cannot be sent in a header"))?;

        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(timeout.min(Duration::from_secs(10)))
                .build()
                .map_err(|e| Error::config("could not build the HTTP client").with_source(e))?,
        };

        Ok(Clerk {
            inner: Arc::new(ClientInner {
                http,
                api_url,
                api_version,
                authorization,
                user_agent,
                sdk_header: HeaderValue::from_static(concat!("rust/", env!("CARGO_PKG_VERSION"))),
                timeout,
                retry: self.retry.unwrap_or_default(),
                secret_key_kind,
            }),
        })
    }
}

impl fmt::Debug for ClerkBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkBuilder")
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[redacted]"),
            )
            .field("api_url", &self.api_url)
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .finish_non_exhaustive()
    }
}

/// Checks an API URL and drops trailing slashes.
fn normalize_api_url(raw: &str) -> Result<String> {
    let trimmed = raw.trim();
    let url = url::Url::parse(trimmed)
        .map_err(|e| Error::config(format!("invalid API URL {trimmed:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config(format!(
            "the API URL {trimmed:?} must use http or https"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!(
            "the API URL {trimmed:?} has no host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the API URL {trimmed:?} must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("the API URL must not carry credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_url_trailing_slashes_are_dropped() {
        assert_eq!(
            normalize_api_url("https://api.clerk.com/").unwrap(),
            "https://api.clerk.com"
        );
        assert_eq!(
            normalize_api_url("http://127.0.0.1:9/proxy//").unwrap(),
            "http://127.0.0.1:9/proxy"
        );
    }

    #[test]
    fn malformed_urls_are_config_errors() {
        for bad in [
            "",
            "api.clerk.com",
            "ftp://x",
            "https://x/?a=1",
            "https://u:p@x",
            "http://",
        ] {
            let err = normalize_api_url(bad).unwrap_err();
            assert!(err.is_config(), "{bad}: {err}");
        }
    }

    #[test]
    fn blank_secret_is_a_config_error() {
        for key in ["", "   ", "\n"] {
            assert!(Clerk::new(key).unwrap_err().is_config());
        }
        assert!(Clerk::new("sk_test_a\nb").unwrap_err().is_config());
    }
}
