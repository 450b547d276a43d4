//! The HTTP side: shared state, the router, the middleware every request passes (faults, rate
//! limit, authentication), and the extractors that turn bad input into Clerk's errors.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};
use crate::keys::SigningKey;
use crate::store::Db;
use crate::webhooks::Outbox;
use crate::{catalog, routes};

/// The largest JSON body accepted.
pub(crate) const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// The largest multipart body accepted (a 10 MB image plus the form's framing).
pub(crate) const UPLOAD_BODY_LIMIT: usize = 10 * 1024 * 1024 + 64 * 1024;

/// A rate limit: at most `requests` per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window.
    pub window: Duration,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// Parses `100/10s`, `1000/10s`, `5/1m`, `20/500ms`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("invalid rate limit {s:?}: expected REQUESTS/WINDOW such as 100/10s");
        let (n, w) = s.split_once('/').ok_or_else(bad)?;
        let requests: u32 = n.trim().parse().map_err(|_| bad())?;
        let w = w.trim();
        let (num, unit) = w.split_at(w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len()));
        let num: u64 = if num.is_empty() {
            1
        } else {
            num.parse().map_err(|_| bad())?
        };
        let window = match unit {
            "ms" => Duration::from_millis(num),
            "s" | "" => Duration::from_secs(num),
            "m" => Duration::from_secs(num.checked_mul(60).ok_or_else(bad)?),
            "h" => Duration::from_secs(num.checked_mul(3600).ok_or_else(bad)?),
            _ => return Err(bad()),
        };
        if requests == 0 || window.is_zero() {
            return Err(bad());
        }
        Ok(RateLimit { requests, window })
    }
}

/// Faults injected into answers, for testing clients' resilience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// The share of requests answered 500 or 503 (0.0 to 1.0).
    pub error_rate: f64,
    /// The share of requests whose connection is dropped without an answer.
    pub drop_rate: f64,
    /// Seed of the random choice, so a test sees the same sequence every run.
    pub seed: u64,
}

/// One request and its answer, recorded when the emulator records traffic.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The request query string.
    pub query: Option<String>,
    /// The answer's status.
    pub status: u16,
    /// The answer's content type.
    pub content_type: Option<String>,
    /// The answer's body.
    pub body: Bytes,
}

struct Window {
    started: Instant,
    used: u32,
}

/// The state every handler shares.
pub(crate) struct AppState {
    pub(crate) db: RwLock<Db>,
    pub(crate) instance_id: String,
    pub(crate) secret_key: String,
    pub(crate) publishable_key: String,
    pub(crate) base_url: String,
    pub(crate) key: SigningKey,
    rate_limit: Option<(RateLimit, Mutex<Window>)>,
    faults: Option<(Faults, Mutex<fastrand::Rng>)>,
    pub(crate) outbox: Option<Outbox>,
    /// The last webhook events and their delivery, for the dashboard.
    pub(crate) deliveries: Arc<crate::webhooks::DeliveryLog>,
    /// The state file's journal, when there is a state file.
    pub(crate) journal: Option<crate::journal::Journal>,
    pub(crate) traffic: Option<Mutex<Vec<Exchange>>>,
}

impl AppState {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        db: Db,
        instance_id: String,
        secret_key: String,
        publishable_key: String,
        base_url: String,
        key: SigningKey,
        rate_limit: Option<RateLimit>,
        faults: Option<Faults>,
        outbox: Option<Outbox>,
        deliveries: Arc<crate::webhooks::DeliveryLog>,
        journal: Option<crate::journal::Journal>,
        record_traffic: bool,
    ) -> AppState {
        AppState {
            db: RwLock::new(db),
            instance_id,
            secret_key,
            publishable_key,
            base_url,
            key,
            rate_limit: rate_limit.map(|r| {
                (
                    r,
                    Mutex::new(Window {
                        started: Instant::now(),
                        used: 0,
                    }),
                )
            }),
            faults: faults.map(|f| (f, Mutex::new(fastrand::Rng::with_seed(f.seed)))),
            outbox,
            deliveries,
            journal,
            traffic: record_traffic.then(|| Mutex::new(Vec::new())),
        }
    }

    /// Reads the database. A poisoned lock (a handler panicked mid-write) still yields the
    /// data: every write validates before it mutates, so what is there is consistent.
    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, Db> {
        self.db.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the database. When the guard drops, still under the lock, the rows the write
    /// changed are appended to the journal (synced before the answer leaves; see
    /// [`durable`]) and the events queued during the write are sent.
    pub(crate) fn write(&self) -> WriteGuard<'_> {
        WriteGuard {
            guard: self.db.write().unwrap_or_else(|e| e.into_inner()),
            outbox: self.outbox.as_ref(),
            deliveries: &self.deliveries,
            journal: self.journal.as_ref(),
        }
    }

    /// The default avatar URL.
    pub(crate) fn default_image_url(&self) -> String {
        format!("{}/images/default", self.base_url)
    }
}

pub(crate) type Shared = Arc<AppState>;

/// Write access to the database; journals the write's changes and sends its webhook events,
/// in order, on drop.
pub(crate) struct WriteGuard<'a> {
    guard: std::sync::RwLockWriteGuard<'a, Db>,
    outbox: Option<&'a Outbox>,
    deliveries: &'a crate::webhooks::DeliveryLog,
    journal: Option<&'a crate::journal::Journal>,
}

impl std::ops::Deref for WriteGuard<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.guard
    }
}

impl std::ops::DerefMut for WriteGuard<'_> {
    fn deref_mut(&mut self) -> &mut Db {
        &mut self.guard
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        match self.journal {
            Some(journal) => match self.guard.drain_record() {
                Ok(Some(record)) => journal.append(&record),
                Ok(None) => {}
                Err(e) => journal.fail(e),
            },
            None => self.guard.forget_changes(),
        }
        for (event_type, data) in std::mem::take(&mut self.guard.events) {
            let msg_id = self
                .deliveries
                .record(event_type, &data, self.outbox.is_some());
            if let Some(outbox) = self.outbox {
                outbox.send(msg_id, event_type, data);
            }
        }
    }
}

/// A JSON answer with status 200.
pub(crate) fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(_) => ApiError::internal().into_response(),
    }
}

/// A JSON body parsed the way Clerk does: malformed JSON is 400 `request_body_invalid`, a
/// parameter of the wrong type 422 `form_param_value_invalid`, an unknown parameter 422
/// `form_param_unknown`; an empty body counts as `{}`.
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::to_bytes(req.into_body(), JSON_BODY_LIMIT)
            .await
            .map_err(|_| ApiError::body_too_large(JSON_BODY_LIMIT))?;
        parse_json_body(&bytes).map(JsonBody)
    }
}

pub(crate) fn parse_json_body<T: DeserializeOwned>(bytes: &Bytes) -> ApiResult<T> {
    let value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(bytes).map_err(|_| ApiError::body_invalid())?
    };
    if !value.is_object() {
        return Err(ApiError::body_invalid());
    }
    let mut unknown = Vec::new();
    let parsed = serde_ignored::deserialize(&value, |path| unknown.push(path.to_string()));
    match parsed {
        Ok(v) => match unknown.first() {
            Some(param) => Err(ApiError::param_unknown(param)),
            None => Ok(v),
        },
        Err(_) => Err(type_error::<T>(&value)),
    }
}

/// Names the parameter at fault: the first segment of the path where decoding failed, or the
/// field serde reports missing.
fn type_error<T: DeserializeOwned>(value: &serde_json::Value) -> ApiError {
    let Err(e) = serde_path_to_error::deserialize::<_, T>(value) else {
        return ApiError::body_invalid();
    };
    let message = e.inner().to_string();
    if let Some(rest) = message.strip_prefix("missing field `") {
        return ApiError::param_missing(rest.split('`').next().unwrap_or_default());
    }
    let param = e.path().iter().find_map(|segment| match segment {
        serde_path_to_error::Segment::Map { key } => Some(key.clone()),
        _ => None,
    });
    match param {
        Some(param) => {
            let received = value.get(&param).map(|v| v.to_string()).unwrap_or_default();
            ApiError::value_invalid(&param, format!("{param} is invalid. Received {received}."))
        }
        None => ApiError::body_invalid(),
    }
}

/// The query string decoded with repeated keys as lists, Clerk-style errors when it is bad.
pub(crate) struct Query<T>(pub(crate) T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        match parts.uri.query() {
            None | Some("") => Ok(Query(T::default())),
            Some(q) => serde_html_form::from_str(q)
                .map(Query)
                .map_err(ApiError::query_invalid),
        }
    }
}

/// With a state file, an answer leaves only once every write made before it is on disk: the
/// request's own writes, and any another request made that this one may have read.
async fn durable(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    match &state.journal {
        Some(journal) => match journal.sync().await {
            Ok(()) => response,
            Err(e) => ApiError::internal()
                .meta("state_file_error", serde_json::Value::String(e))
                .into_response(),
        },
        None => response,
    }
}

async fn faults(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if let Some((f, rng)) = &state.faults {
        let roll = rng.lock().map(|mut r| r.f64()).unwrap_or(1.0);
        if roll < f.drop_rate {
            // A body that fails at once makes the server abort the connection mid-answer.
            return Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_LENGTH, "100")
                .body(Body::from_stream(FailingBody(false)))
                .unwrap_or_else(|_| ApiError::internal().into_response());
        }
        if roll < f.drop_rate + f.error_rate {
            let five_hundred = ((roll - f.drop_rate) / f.error_rate.max(f64::MIN_POSITIVE)) < 0.5;
            return if five_hundred {
                ApiError::internal()
            } else {
                ApiError::unavailable()
            }
            .into_response();
        }
    }
    next.run(request).await
}

/// A body that fails on its first poll.
struct FailingBody(bool);

impl futures_core::Stream for FailingBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.0 {
            return std::task::Poll::Ready(None);
        }
        self.0 = true;
        std::task::Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fault injected",
        ))))
    }
}

async fn record(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let Some(traffic) = &state.traffic else {
        return next.run(request).await;
    };
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let exchange = Exchange {
        method,
        path,
        query,
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: body.clone(),
    };
    traffic
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(exchange);
    Response::from_parts(parts, Body::from(body))
}

async fn authenticate(State(state): State<Shared>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let path = path.as_str();
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(token) = given
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return ApiError::auth_header_invalid().into_response();
    };
    if token != state.secret_key {
        // The M2M token endpoints also take a machine's secret key.
        let machine = routes::machine_auth::takes_machine_key(path)
            .then(|| routes::machine_auth::machine_for_secret(&state.read(), token))
            .flatten();
        let Some(machine) = machine else {
            return ApiError::secret_key_invalid().into_response();
        };
        request.extensions_mut().insert(machine);
    }
    if path != "/v1/jwks"
        && let Some((limit, window)) = &state.rate_limit
        && let Some(wait) = take_slot(limit, window)
    {
        return ApiError::too_many_requests(wait).into_response();
    }
    next.run(request).await
}

/// Takes one request from the current window; `Some(seconds)` to wait when none is left.
fn take_slot(limit: &RateLimit, window: &Mutex<Window>) -> Option<u64> {
    let mut w = window.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    if now.duration_since(w.started) >= limit.window {
        w.started = now;
        w.used = 0;
    }
    if w.used < limit.requests {
        w.used += 1;
        None
    } else {
        let left = limit.window.saturating_sub(now.duration_since(w.started));
        Some(left.as_secs() + u64::from(left.subsec_nanos() > 0))
    }
}

/// Unmatched routes: a known operation the emulator does not implement is 501 with its name;
/// anything else is 404.
async fn fallback(request: Request) -> Response {
    let path = request.uri().path();
    match path
        .strip_prefix("/v1")
        .and_then(|p| catalog::operation_for(request.method().as_str(), p))
    {
        Some(op) => ApiError::not_implemented(op).into_response(),
        None => ApiError::resource_not_found().into_response(),
    }
}

/// The whole application. Every operation of the Backend API, the emulator's own endpoints
/// and unmatched paths need the secret key (and count against the rate limit); what the
/// Frontend API or a CDN would serve to anyone (the JWKS at `/.well-known/jwks.json`, uploaded
/// images) and `/health` are mounted beside them, outside the authenticating layer.
pub(crate) fn router(state: Shared) -> Router {
    let keyed = Router::new()
        .merge(routes::users::router())
        .merge(routes::sessions::router())
        .merge(routes::organizations::router())
        .merge(routes::jwt_templates::router())
        .merge(routes::invitations::router())
        .merge(routes::access_lists::router())
        .merge(routes::identifications::router())
        .merge(routes::verifications::router())
        .merge(routes::tickets::router())
        .merge(routes::mailbox::router())
        .merge(routes::machine_auth::router())
        .merge(routes::org_roles::router())
        .merge(routes::org_domains::router())
        .merge(routes::instance::router())
        .merge(routes::domains::router())
        .merge(routes::redirect_urls::router())
        .merge(routes::admin_portal::router())
        .merge(routes::message_templates::router())
        .merge(routes::waitlist::router())
        .merge(routes::connections::router())
        .merge(routes::svix::router())
        .merge(routes::sign_ups::router())
        .merge(routes::billing::router())
        .merge(routes::directories::router())
        .fallback(fallback)
        .method_not_allowed_fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), durable))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .merge(routes::sessions::public_router())
        .merge(routes::connections::public_router())
        .merge(routes::tickets::public_router())
        .merge(routes::interstitial::public_router())
        .merge(crate::dashboard::router())
        .route("/health", axum::routing::get(|| async { "ok" }))
        // SCIM requests carry a directory's API key, checked by the handlers.
        .merge(routes::scim::router().layer(middleware::from_fn_with_state(state.clone(), durable)))
        .merge(keyed)
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .layer(middleware::from_fn_with_state(state.clone(), faults))
        .with_state(state)
}

/// Reads the `file` field (and any text fields) of an image upload, checking it as Clerk does.
pub(crate) async fn read_image_upload(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<crate::domain::images::Upload> {
    let mut multipart = multipart.map_err(|_| crate::domain::images::missing())?;
    let mut file = None;
    let mut fields = std::collections::HashMap::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == "file" {
                    let declared = field.content_type().map(str::to_owned);
                    let data = field
                        .bytes()
                        .await
                        .map_err(|_| crate::domain::images::too_large())?;
                    file = Some((declared, data));
                } else if !name.is_empty() {
                    fields.insert(
                        name,
                        field.text().await.map_err(|_| ApiError::body_invalid())?,
                    );
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(crate::domain::images::too_large());
            }
            Err(_) => return Err(ApiError::body_invalid()),
        }
    }
    let (declared, data) = file
        .filter(|(_, d)| !d.is_empty())
        .ok_or_else(crate::domain::images::missing)?;
    if data.len() > crate::domain::images::MAX_IMAGE_BYTES {
        return Err(crate::domain::images::too_large());
    }
    let Some(content_type) = crate::domain::images::sniff(&data) else {
        let shown = declared.unwrap_or_else(|| "application/octet-stream".into());
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "request_body_invalid",
            "Request body invalid",
            format!(
                "'{shown}' images are not currently supported. Please use a JPEG, PNG, GIF or WebP image."
            ),
        ));
    };
    Ok(crate::domain::images::Upload {
        content_type,
        data,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse() {
        assert_eq!(
            "100/10s".parse::<RateLimit>().unwrap(),
            RateLimit {
                requests: 100,
                window: Duration::from_secs(10)
            }
        );
        assert_eq!(
            "5/1m".parse::<RateLimit>().unwrap().window,
            Duration::from_secs(60)
        );
        assert_eq!(
            "20/500ms".parse::<RateLimit>().unwrap().window,
            Duration::from_millis(500)
        );
        for bad in ["", "10", "0/1s", "x/1s", "10/0s", "10/3y"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    /// What reaches the fallback: a catalogued operation is 501 naming it, anything else 404.
    #[tokio::test]
    async fn the_fallback_names_the_operation() {
        let answer = |method: &str, path: &str| {
            let request = Request::builder()
                .method(method)
                .uri(path)
                .body(Body::empty())
                .unwrap();
            fallback(request)
        };
        let response = answer("POST", "/v1/scim_directories").await;
        assert_eq!(response.status(), StatusCode::NOT_IMPLEMENTED);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["errors"][0]["code"], "operation_not_implemented");
        assert!(
            body["errors"][0]["long_message"]
                .as_str()
                .unwrap()
                .contains("CreateSCIMDirectory"),
            "{body}"
        );
        assert!(body["clerk_trace_id"].is_string());
        let response = answer("GET", "/v1/no_such_thing").await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}
