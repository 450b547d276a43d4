//! Shared pieces of the emulator's tests.
#![allow(dead_code)] // each test binary uses a different subset

use clerk_emulator::{Emulator, Exchange};
use serde_json::Value;
use spec_oracle::Spec;

/// An emulator that records its traffic.
pub async fn recording() -> Emulator {
    Emulator::builder().record_traffic().start().await.unwrap()
}

/// The operation of a recorded request, from the spec's paths (most literal segments win).
fn operation_of(spec: &Spec, exchange: &Exchange) -> Option<String> {
    let path = exchange.path.strip_prefix("/v1")?;
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    spec.operations()
        .into_iter()
        .filter(|op| op.method.eq_ignore_ascii_case(&exchange.method))
        .filter_map(|op| {
            let parts: Vec<&str> = op.path.trim_matches('/').split('/').collect();
            let fits = parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s);
            fits.then(|| {
                (
                    parts.iter().filter(|t| !t.starts_with('{')).count(),
                    op.id.clone(),
                )
            })
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, id)| id)
}

/// Validates every JSON answer the emulator gave against the spec's response schema for its
/// operation and status. Returns how many were checked; panics listing every mismatch.
pub fn validate_traffic(emulator: &Emulator) -> usize {
    let Some(spec) = Spec::load() else { return 0 };
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut validators: std::collections::HashMap<
        (String, u16),
        Option<spec_oracle::SchemaValidator>,
    > = std::collections::HashMap::new();
    let errors_validator = spec.validator(&spec.component_schema("ClerkErrors"));
    for exchange in emulator.traffic() {
        let is_json = exchange
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json"));
        // `/v1/tickets/accept` is the Frontend API's path, which the emulator stands in for.
        if !is_json || !exchange.path.starts_with("/v1/") || exchange.path == "/v1/tickets/accept" {
            continue;
        }
        let Some(op) = operation_of(&spec, &exchange) else {
            problems.push(format!(
                "{} {}: no operation in the spec",
                exchange.method, exchange.path
            ));
            continue;
        };
        let body: Value = match serde_json::from_slice(&exchange.body) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{op} {}: not JSON: {e}", exchange.status));
                continue;
            }
        };
        // 501 is the emulator's own answer for operations it does not implement.
        if exchange.status == 501 {
            continue;
        }
        let validator = validators
            .entry((op.clone(), exchange.status))
            .or_insert_with(|| {
                spec.response_schema(&op, exchange.status)
                    .map(|s| spec.validator(&s))
            });
        let Some(validator) = validator else {
            // Error answers the spec declares without a body still use Clerk's error shape.
            if exchange.status >= 400 {
                if let Err(e) = errors_validator.validate(&body) {
                    problems.push(format!("{op} {} (as ClerkErrors): {e:?}", exchange.status));
                }
                checked += 1;
            } else {
                problems.push(format!("{op}: the spec has no {} answer", exchange.status));
            }
            continue;
        };
        checked += 1;
        // With `paginated=true`, list endpoints the spec documents as bare arrays answer
        // `{data, total_count}` (CLERK-FACTS §7): check the items against the array schema.
        let paginated = exchange
            .query
            .as_deref()
            .is_some_and(|q| q.split('&').any(|p| p == "paginated=true"));
        // Lists the spec documents as `{data, total_count}` already (billing) are checked whole.
        let documented_paginated = validator.validate(&body).is_ok();
        let body = match (&body, paginated && !documented_paginated) {
            (Value::Object(map), true) if map.contains_key("data") => {
                if !map.get("total_count").is_some_and(Value::is_u64) {
                    problems.push(format!("{op}: a paginated answer without a total_count"));
                }
                map["data"].clone()
            }
            _ => body,
        };
        if let Err(errors) = validator.validate(&body) {
            problems.push(format!(
                "{op} {} {} {}: {errors:?}\n  body: {}",
                exchange.method,
                exchange.status,
                exchange.path,
                truncate(&exchange.body)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "answers that do not match the spec:\n{}",
        problems.join("\n")
    );
    checked
}

fn truncate(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(600)]).into_owned()
}

/// The operations the emulator implements: every operation of the spec that, asked with
/// placeholder parameters, answers anything but 501.
pub async fn implemented_operations() -> std::collections::BTreeSet<String> {
    let Some(spec) = Spec::load() else {
        return Default::default();
    };
    let emulator = Emulator::start().await.unwrap();
    let clerk = emulator.client();
    let mut implemented = std::collections::BTreeSet::new();
    for op in spec.operations() {
        let path: String = op
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let method = clerk_backend::Method::from_bytes(op.method.as_bytes()).unwrap();
        let answer = clerk
            .request(method, format!("/v1{path}"))
            .retry_policy(clerk_backend::RetryPolicy::none())
            .send_bytes()
            .await;
        let status = match &answer {
            Ok((status, _)) => status.as_u16(),
            Err(e) => e.status().map_or(0, |s| s.as_u16()),
        };
        if status != 501 {
            implemented.insert(op.id);
        }
    }
    emulator.shutdown().await.unwrap();
    implemented
}

/// The operations the recorded traffic called (answered with anything but a server error).
pub fn operations_called(emulator: &Emulator) -> std::collections::BTreeSet<String> {
    let Some(spec) = Spec::load() else {
        return Default::default();
    };
    emulator
        .traffic()
        .iter()
        .filter(|e| e.status < 500)
        .filter_map(|e| operation_of(&spec, e))
        .collect()
}

/// Every operation of these spec tags reached the emulator in this test (nothing to check
/// without the spec).
pub fn assert_tags_called(emulator: &Emulator, tags: &[&str]) {
    let called = operations_called(emulator);
    if called.is_empty() {
        return;
    }
    let missing: Vec<&str> = clerk_backend::operations::OPERATIONS
        .iter()
        .filter(|op| tags.contains(&op.tag) && !called.contains(op.id))
        .map(|op| op.id)
        .collect();
    assert!(
        missing.is_empty(),
        "{tags:?} operations not called: {missing:?}"
    );
}

/// A new user with this email address; its id.
pub async fn user_id(clerk: &clerk_backend::Clerk, email: &str) -> String {
    clerk
        .users()
        .create()
        .email_address([email])
        .await
        .unwrap()
        .id
}

/// The status and error code of a call that must fail.
pub fn failure<T: std::fmt::Debug>(result: Result<T, clerk_backend::Error>) -> (u16, String) {
    let e = result.expect_err("the call must fail");
    (
        e.status().map_or(0, |s| s.as_u16()),
        e.code().unwrap_or_default().to_owned(),
    )
}

/// A request with the secret key and, if given, a JSON body: the status and the JSON answer
/// (`null` when the answer is not JSON), to check the exact wire.
pub async fn raw(
    emulator: &Emulator,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", emulator.url()))
        .bearer_auth(emulator.secret_key());
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A local webhook endpoint that answers 204 and keeps every event body it gets: its URL and
/// the events so far.
pub async fn webhook_inbox() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
    let received: std::sync::Arc<std::sync::Mutex<Vec<Value>>> = Default::default();
    let keep = received.clone();
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |body: axum::body::Bytes| {
            let keep = keep.clone();
            async move {
                if let Ok(v) = serde_json::from_slice(&body) {
                    keep.lock().unwrap().push(v);
                }
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hooks"), received)
}

/// The id of the organization role with this key.
pub async fn role_id(clerk: &clerk_backend::Clerk, key: &str) -> String {
    let roles = clerk.organization_roles().list().query(key).await.unwrap();
    roles
        .data
        .into_iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no role {key}"))
        .id
}
