//! The one request runtime. Every operation, typed or raw, goes through `Clerk::execute_bytes`:
//! authentication, headers, the timeout, retries, tracing, error mapping and decoding are done
//! here and nowhere else.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::client::Clerk;
use crate::error::{Error, Result};
use crate::models::Image;
use crate::operations::Operation;
use crate::retry::{self, RetryPolicy};

/// A boxed future, the `IntoFuture` type of every request builder.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Characters kept as they are in a path segment: RFC 3986 "unreserved". Everything else,
/// `/`, `?`, `#` and `%` included, is percent-encoded so an id can never leave its segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One part of a multipart form.
#[derive(Clone, Debug)]
pub(crate) enum Part {
    /// A file.
    File {
        field: &'static str,
        file_name: String,
        content_type: String,
        data: Bytes,
    },
    /// A text field.
    Text { field: &'static str, value: String },
}

/// What a request carries. Kept as bytes so a retry can send it again.
#[derive(Clone, Debug, Default)]
pub(crate) enum Body {
    #[default]
    Empty,
    Json(Bytes),
    Multipart(Vec<Part>),
}

/// One request, ready to send. Operations fill it through [`Endpoint::encode`](crate::Endpoint).
#[derive(Debug)]
pub struct Request {
    operation: Option<&'static str>,
    method: Method,
    template: Cow<'static, str>,
    /// Path and query below the API URL: `/v1/users/user_1?limit=10`.
    path_and_query: String,
    body: Body,
    retry: Option<RetryPolicy>,
}

impl Request {
    /// A request for an operation, to an already rendered path (`/v1/users/user_1`).
    pub(crate) fn new(op: &'static Operation, path: String) -> Request {
        Request {
            operation: Some(op.id),
            method: op.method.clone(),
            template: Cow::Borrowed(op.path),
            path_and_query: path,
            body: Body::Empty,
            retry: None,
        }
    }

    /// Appends query parameters from a `Serialize` value; sequences repeat the key
    /// (`email_address=a&email_address=b`), `None` fields are left out.
    pub fn query<Q: Serialize + ?Sized>(&mut self, query: &Q) -> Result<()> {
        let encoded = serde_html_form::to_string(query)
            .map_err(|e| Error::invalid_input(format!("query parameters: {e}")))?;
        if !encoded.is_empty() {
            self.path_and_query
                .push(if self.path_and_query.contains('?') {
                    '&'
                } else {
                    '?'
                });
            self.path_and_query.push_str(&encoded);
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json<B: Serialize + ?Sized>(&mut self, body: &B) -> Result<()> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input(format!("request body: {e}")))?;
        self.body = Body::Json(bytes.into());
        Ok(())
    }

    fn part(&mut self, part: Part) {
        match &mut self.body {
            Body::Multipart(parts) => parts.push(part),
            other => *other = Body::Multipart(vec![part]),
        }
    }

    /// Adds a file to a multipart body.
    pub fn file(&mut self, field: &'static str, image: &Image) {
        self.part(Part::File {
            field,
            file_name: image.file_name().to_owned(),
            content_type: image.content_type().to_owned(),
            data: image.data().clone(),
        });
    }

    /// Adds a text field to a multipart body.
    pub fn text(&mut self, field: &'static str, value: String) {
        self.part(Part::Text { field, value });
    }

    /// Overrides the client's retry policy for this request.
    pub(crate) fn retry(mut self, policy: Option<RetryPolicy>) -> Request {
        self.retry = policy;
        self
    }
}

/// Fills a path template with percent-encoded parameters: `/v1/users/user_1`.
pub(crate) fn render_path(op: &Operation, params: &[&str]) -> Result<String> {
    let mut out =
        String::with_capacity(3 + op.path.len() + params.iter().map(|p| p.len()).sum::<usize>());
    out.push_str("/v1");
    let mut rest = op.path;
    let mut params = params.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let name = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        let value = params
            .next()
            .ok_or_else(|| Error::invalid_input(format!("`{name}` is missing")))?;
        if value.is_empty() {
            return Err(Error::invalid_input(format!("`{name}` must not be empty")));
        }
        // `.` and `..` are dot-segments: URL normalisation would resolve them even encoded.
        if *value == "." || *value == ".." {
            return Err(Error::invalid_input(format!(
                "`{name}` must not be {value:?}"
            )));
        }
        out.extend(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT));
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// `Retry-After` as delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// Decodes a success body, naming the JSON path on failure.
///
/// Tracking the path costs about half again the decode (measured in `benches/users.rs`), so the
/// body is decoded plainly first and only a failure is decoded again to find where it failed.
pub(crate) fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    // One UTF-8 check of the whole body lets serde_json read it as text, where it checks no
    // string again: from bytes it checks every string it reads (about 8% of decoding a page
    // of users, measured with `perf`).
    if let Ok(text) = std::str::from_utf8(body)
        && let Ok(value) = serde_json::from_str(text)
    {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| Error::decode(status, e.path().to_string(), e.into_inner(), body))?;
    de.end()
        .map_err(|e| Error::decode(status, ".".to_owned(), e, body))?;
    Ok(value)
}

impl Clerk {
    /// Sends a request and decodes the success body as `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        self.execute_bytes(request).await?.json()
    }

    /// Sends a request, retrying as the policy allows, and returns the success answer.
    pub(crate) async fn execute_bytes(&self, request: Request) -> Result<Answer> {
        let span = tracing::debug_span!(
            "clerk.request",
            operation = request.operation.unwrap_or("raw"),
            method = %request.method,
            path = %request.template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let (status, body) = self
            .send_with_retries(request, span.clone())
            .instrument(span)
            .await?;
        Ok(Answer { status, body })
    }

    async fn send_with_retries(
        &self,
        request: Request,
        span: tracing::Span,
    ) -> Result<(StatusCode, Bytes)> {
        let inner = &self.inner;
        let policy = request.retry.as_ref().unwrap_or(&inner.retry);
        let url = format!("{}{}", inner.api_url, request.path_and_query);
        let started = Instant::now();
        let mut retry_count: u32 = 0;
        loop {
            span.record("attempt", retry_count + 1);
            let mut builder = inner
                .http
                .request(request.method.clone(), &url)
                .timeout(inner.timeout)
                .header(header::AUTHORIZATION, inner.authorization.clone())
                .header("Clerk-API-Version", inner.api_version.clone())
                .header(header::USER_AGENT, inner.user_agent.clone())
                .header("X-Clerk-SDK", inner.sdk_header.clone());
            builder = match &request.body {
                Body::Empty => builder,
                Body::Json(bytes) => builder
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(bytes.clone()),
                Body::Multipart(parts) => {
                    let mut form = reqwest::multipart::Form::new();
                    for part in parts {
                        form = match part {
                            Part::File {
                                field,
                                file_name,
                                content_type,
                                data,
                            } => {
                                let file = reqwest::multipart::Part::stream(data.clone())
                                    .file_name(file_name.clone())
                                    .mime_str(content_type)
                                    .map_err(|e| {
                                        Error::invalid_input("invalid content type").with_source(e)
                                    })?;
                                form.part(*field, file)
                            }
                            Part::Text { field, value } => form.text(*field, value.clone()),
                        };
                    }
                    builder.multipart(form)
                }
            };

            let failure = match builder.send().await {
                Ok(response) => {
                    let status = response.status();
                    span.record("status", status.as_u16());
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(body) if status.is_success() => {
                            span.record("duration_ms", started.elapsed().as_millis() as u64);
                            return Ok((status, body));
                        }
                        Ok(body) => {
                            let wait_hint = retry_after(&headers);
                            let trace = headers
                                .get("clerk-trace-id")
                                .and_then(|v| v.to_str().ok())
                                .map(str::to_owned);
                            let err =
                                Error::api(status, is_json(&headers), &body, trace, wait_hint);
                            let wait = retry::retry_status(&request.method, status)
                                .then(|| policy.wait_before(retry_count, wait_hint))
                                .flatten();
                            (err, wait)
                        }
                        Err(e) => {
                            // The server answered, so the request took effect: only idempotent
                            // methods may go again.
                            let wait = retry::is_idempotent(&request.method)
                                .then(|| policy.wait_before(retry_count, None))
                                .flatten();
                            (Error::transport(e), wait)
                        }
                    }
                }
                Err(e) => {
                    let wait = retry::retry_transport(&request.method, &e)
                        .then(|| policy.wait_before(retry_count, None))
                        .flatten();
                    (Error::transport(e), wait)
                }
            };
            let (err, wait) = failure;
            match wait {
                Some(wait) => {
                    tracing::debug!(attempt = retry_count + 1, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
                    tokio::time::sleep(wait).await;
                    retry_count += 1;
                }
                None => {
                    span.record("duration_ms", started.elapsed().as_millis() as u64);
                    return Err(err);
                }
            }
        }
    }

    /// A request to any Backend API path, for endpoints this SDK does not model yet. It goes
    /// through the same authentication, headers, retries and error mapping as every operation.
    ///
    /// `path` is below the API URL and includes the version: `/v1/...`.
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use clerk_backend::Method;
    ///
    /// let domains: serde_json::Value = clerk
    ///     .request(Method::GET, "/v1/domains")
    ///     .query(&[("limit", "5")])
    ///     .send()
    ///     .await?;
    /// # let _ = domains; Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: impl Into<String>) -> RawRequest {
        let path = path.into();
        let request = if !path.starts_with('/') || path.contains('#') {
            Err(Error::invalid_input(format!(
                "the path {path:?} must start with `/` and have no fragment"
            )))
        } else {
            Ok(Request {
                operation: None,
                method,
                template: Cow::Owned(path.split('?').next().unwrap_or_default().to_owned()),
                path_and_query: path,
                body: Body::Empty,
                retry: None,
            })
        };
        RawRequest {
            clerk: self.clone(),
            request,
        }
    }
}

/// A request to a path of your choice; see [`Clerk::request`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct RawRequest {
    clerk: Clerk,
    request: Result<Request>,
}

impl RawRequest {
    /// Adds query parameters from anything `Serialize` that forms key/value pairs: a slice of
    /// pairs, a map or a struct. Sequences repeat the key.
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Self {
        self.request = self.request.and_then(|mut r| r.query(query).map(|()| r));
        self
    }

    /// Sets a JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.request = self.request.and_then(|mut r| r.json(body).map(|()| r));
        self
    }

    /// Overrides the client's retry policy for this request.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.request = self.request.map(|r| r.retry(Some(policy)));
        self
    }

    /// Sends the request and decodes the JSON answer as `T` (use `serde_json::Value` for
    /// anything).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T> {
        self.clerk.execute(self.request?).await
    }

    /// Sends the request and returns the success status and the raw body.
    pub async fn send_bytes(self) -> Result<(StatusCode, Bytes)> {
        let answer = self.clerk.execute_bytes(self.request?).await?;
        Ok((answer.status, answer.body))
    }
}

/// A success answer: its status and body, decoded by the operation.
#[derive(Debug)]
pub struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
}

impl Answer {
    /// The body as JSON of type `T`.
    pub fn json<T: DeserializeOwned>(self) -> Result<T> {
        decode(self.status, &self.body)
    }

    /// The body as text.
    pub fn text(self) -> Result<String> {
        String::from_utf8(self.body.to_vec()).map_err(|e| {
            let e = <serde_json::Error as serde::de::Error>::custom(e);
            Error::decode(self.status, ".".to_owned(), e, &self.body)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations;

    #[test]
    fn path_parameters_stay_inside_their_segment() {
        let op = &operations::GET_USER;
        assert_eq!(render_path(op, &["user_1"]).unwrap(), "/v1/users/user_1");
        assert_eq!(render_path(op, &["a/b?c"]).unwrap(), "/v1/users/a%2Fb%3Fc");
        assert_eq!(render_path(op, &["../x"]).unwrap(), "/v1/users/..%2Fx");
        assert_eq!(
            render_path(op, &["50%#é"]).unwrap(),
            "/v1/users/50%25%23%C3%A9"
        );
        let two = &operations::USER_PASSKEY_DELETE;
        assert_eq!(
            render_path(two, &["u", "p k"]).unwrap(),
            "/v1/users/u/passkeys/p%20k"
        );
    }

    #[test]
    fn empty_and_dot_segments_are_refused() {
        for bad in ["", ".", ".."] {
            let err = render_path(&operations::GET_USER, &[bad]).unwrap_err();
            assert!(err.is_invalid_input(), "{bad:?}");
        }
        assert!(
            render_path(&operations::USER_PASSKEY_DELETE, &["u"])
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(30);
        h.insert(
            header::RETRY_AFTER,
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
