//! The one error type every operation returns.
//!
//! An [`Error`] is opaque: ask it what happened through predicates ([`Error::is_not_found`],
//! [`Error::is_rate_limited`], ...) and accessors ([`Error::status`], [`Error::errors`],
//! [`Error::clerk_trace_id`], ...). The variants stay private so they can grow without breaking
//! callers; [`Error::kind`] gives a coarse, non-exhaustive classification for `match`.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest raw body kept in an error, in bytes; the rest is cut (on a UTF-8 boundary).
const MAX_RAW_BODY: usize = 64 * 1024;

/// One entry of Clerk's `errors[]` array.
///
/// `message` is short and stable enough to show to people; `long_message` explains; `code` is
/// the machine-readable reason (`resource_not_found`, `form_identifier_exists`, ...). `meta`
/// carries details such as `param_name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClerkError {
    /// A short, human-readable message.
    pub message: String,
    /// A longer explanation of the error.
    #[serde(default)]
    pub long_message: String,
    /// Clerk's machine-readable error code.
    pub code: String,
    /// Extra details, such as `{"param_name": "email_address"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ClerkError {
    /// The `meta.param_name` of the error, when Clerk names the parameter at fault.
    pub fn param_name(&self) -> Option<&str> {
        self.meta.as_ref()?.get("param_name")?.as_str()
    }
}

/// The body Clerk sends with every 4xx and 5xx answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClerkErrors {
    /// The errors, most relevant first.
    pub errors: Vec<ClerkError>,
    /// Extra details about the failure as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// Clerk's trace id for the request, to quote to Clerk's support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk_trace_id: Option<String>,
}

/// A coarse classification of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client is misconfigured (missing secret key, malformed URL, ...). No request was sent.
    Config,
    /// An argument is invalid (an empty id, a `limit` out of range, ...). No request was sent.
    InvalidInput,
    /// The API answered with a non-success status.
    Api,
    /// The connection could not be established.
    Connect,
    /// The request timed out.
    Timeout,
    /// Another transport failure (connection reset, TLS, body read, ...).
    Transport,
    /// The API answered with success, but the body did not match the expected shape.
    Decode,
}

/// The error of every `clerk_backend` operation.
///
/// `Display` includes Clerk's `message`, `code` and trace id when the API sent them. `Debug`
/// and `Display` never include the secret key: it is never stored in an error.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    message: Option<String>,
    status: Option<StatusCode>,
    body: Option<ClerkErrors>,
    raw_body: Option<String>,
    trace_id: Option<String>,
    retry_after: Option<Duration>,
    decode_path: Option<String>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                operation: None,
                message: None,
                status: None,
                body: None,
                raw_body: None,
                trace_id: None,
                retry_after: None,
                decode_path: None,
                source: None,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Config);
        e.inner.message = Some(message.into());
        e
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::InvalidInput);
        e.inner.message = Some(message.into());
        e
    }

    /// An error for a non-success answer. `body` is parsed as Clerk's error JSON when it is;
    /// otherwise it is kept raw, so an HTML 502 from a proxy stays readable.
    pub(crate) fn api(
        status: StatusCode,
        content_type_json: bool,
        body: &[u8],
        header_trace_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let mut e = Error::new(ErrorKind::Api);
        e.inner.status = Some(status);
        e.inner.retry_after = retry_after;
        let parsed = if content_type_json || body.first() == Some(&b'{') {
            serde_json::from_slice::<ClerkErrors>(body).ok()
        } else {
            None
        };
        match parsed {
            Some(errors) => {
                e.inner.trace_id = errors.clerk_trace_id.clone().or(header_trace_id);
                e.inner.body = Some(errors);
            }
            None => {
                e.inner.trace_id = header_trace_id;
                if !body.is_empty() {
                    e.inner.raw_body = Some(truncated_lossy(body));
                }
            }
        }
        e
    }

    pub(crate) fn transport(err: reqwest::Error) -> Self {
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_connect() {
            ErrorKind::Connect
        } else {
            ErrorKind::Transport
        };
        let mut e = Error::new(kind);
        // The URL carries no secret (the key travels in a header), but strip it anyway so an
        // error printed in a log names the operation rather than an instance's host.
        e.inner.source = Some(Box::new(err.without_url()));
        e
    }

    pub(crate) fn decode(
        status: StatusCode,
        path: String,
        err: serde_json::Error,
        body: &[u8],
    ) -> Self {
        let mut e = Error::new(ErrorKind::Decode);
        e.inner.status = Some(status);
        e.inner.decode_path = Some(path);
        e.inner.raw_body = Some(truncated_lossy(body));
        e.inner.source = Some(Box::new(err));
        e
    }

    pub(crate) fn with_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation that failed, as the spec's `operationId` (`GetUser`, `CreateUser`, ...),
    /// or `None` for configuration errors and raw requests.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// Clerk's `errors[]`, empty when the answer was not Clerk's error JSON.
    pub fn errors(&self) -> &[ClerkError] {
        self.inner.body.as_ref().map_or(&[], |b| &b.errors)
    }

    /// The whole parsed error body, when the answer was Clerk's error JSON.
    pub fn clerk_errors(&self) -> Option<&ClerkErrors> {
        self.inner.body.as_ref()
    }

    /// The `code` of the first of Clerk's errors (`resource_not_found`, ...).
    pub fn code(&self) -> Option<&str> {
        self.errors().first().map(|e| e.code.as_str())
    }

    /// Whether any of Clerk's errors carries this `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.errors().iter().any(|e| e.code == code)
    }

    /// Clerk's trace id, from the body's `clerk_trace_id` or the `Clerk-Trace-Id` header.
    pub fn clerk_trace_id(&self) -> Option<&str> {
        self.inner.trace_id.as_deref()
    }

    /// How long the API asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The response body, when it was not Clerk's error JSON (an HTML page from a proxy, a
    /// truncated JSON document, ...). Cut at 64 KiB.
    pub fn raw_body(&self) -> Option<&str> {
        self.inner.raw_body.as_deref()
    }

    /// For a [`ErrorKind::Decode`] error, the JSON path that failed (`[3].email_addresses[0].id`).
    pub fn decode_path(&self) -> Option<&str> {
        self.inner.decode_path.as_deref()
    }

    /// The API answered 404.
    pub fn is_not_found(&self) -> bool {
        self.inner.status == Some(StatusCode::NOT_FOUND)
    }

    /// The API answered 401: the secret key is missing, malformed or wrong.
    pub fn is_unauthorized(&self) -> bool {
        self.inner.status == Some(StatusCode::UNAUTHORIZED)
    }

    /// The API answered 403.
    pub fn is_forbidden(&self) -> bool {
        self.inner.status == Some(StatusCode::FORBIDDEN)
    }

    /// The API answered 429; see [`Error::retry_after`].
    pub fn is_rate_limited(&self) -> bool {
        self.inner.status == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// The API answered 422 (a parameter was rejected; see [`ClerkError::param_name`]).
    pub fn is_unprocessable(&self) -> bool {
        self.inner.status == Some(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// The API answered with a 5xx status.
    pub fn is_server_error(&self) -> bool {
        self.inner.status.is_some_and(|s| s.is_server_error())
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// The connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.inner.kind == ErrorKind::Connect
    }

    /// The client is misconfigured.
    pub fn is_config(&self) -> bool {
        self.inner.kind == ErrorKind::Config
    }

    /// An argument was rejected before any request was sent.
    pub fn is_invalid_input(&self) -> bool {
        self.inner.kind == ErrorKind::InvalidInput
    }

    /// A success response did not decode.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == ErrorKind::Decode
    }
}

fn truncated_lossy(body: &[u8]) -> String {
    let mut cut = body.len().min(MAX_RAW_BODY);
    // Step back to a character boundary so the cut never splits a UTF-8 sequence.
    while cut < body.len() && cut > 0 && (body[cut] & 0xC0) == 0x80 {
        cut -= 1;
    }
    let mut s = String::from_utf8_lossy(&body[..cut]).into_owned();
    if cut < body.len() {
        s.push_str("…[truncated]");
    }
    s
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind)
            .field("operation", &i.operation)
            .field("message", &i.message)
            .field("status", &i.status)
            .field("body", &i.body)
            .field("trace_id", &i.trace_id)
            .field("retry_after", &i.retry_after)
            .field("decode_path", &i.decode_path)
            .field("source", &i.source);
        // A success body that failed to decode may hold tokens or personal data: its length
        // only. An error body (an HTML page from a proxy, ...) is shown.
        match (&i.raw_body, i.kind) {
            (Some(raw), ErrorKind::Decode) => {
                d.field("raw_body", &format_args!("<{} bytes>", raw.len()))
            }
            (raw, _) => d.field("raw_body", raw),
        };
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let Some(op) = i.operation {
            write!(f, "{op}: ")?;
        }
        match i.kind {
            ErrorKind::Config => write!(
                f,
                "configuration error: {}",
                i.message.as_deref().unwrap_or("")
            ),
            ErrorKind::InvalidInput => {
                write!(f, "invalid input: {}", i.message.as_deref().unwrap_or(""))
            }
            ErrorKind::Connect => write!(f, "could not connect to the Clerk API"),
            ErrorKind::Timeout => write!(f, "the request to the Clerk API timed out"),
            ErrorKind::Transport => write!(f, "transport error talking to the Clerk API"),
            ErrorKind::Decode => write!(
                f,
                "could not decode the response ({}) at `{}`",
                i.status.map_or(0, |s| s.as_u16()),
                i.decode_path.as_deref().unwrap_or(".")
            ),
            ErrorKind::Api => {
                write!(f, "Clerk API error")?;
                if let Some(status) = i.status {
                    write!(f, " {status}")?;
                }
                match self.errors().first() {
                    Some(first) => {
                        write!(f, " ({}): {}", first.code, first.message)?;
                        if !first.long_message.is_empty() && first.long_message != first.message {
                            write!(f, " — {}", first.long_message)?;
                        }
                        if self.errors().len() > 1 {
                            write!(f, " (and {} more)", self.errors().len() - 1)?;
                        }
                    }
                    None => {
                        if let Some(raw) = &i.raw_body {
                            let snippet: String = raw.chars().take(200).collect();
                            write!(f, ": non-JSON body: {}", snippet.trim())?;
                        }
                    }
                }
                if let Some(t) = &i.trace_id {
                    write!(f, " [trace {t}]")?;
                }
                Ok(())
            }
        }
        // The cause is reached through `source()`, never repeated here: reports that print the
        // chain would show it twice.
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
