//! Shared pieces of the HTTP tests: a stub server on 127.0.0.1, a client pointed at it, and
//! assertions about what the client sent.
#![allow(dead_code)] // each test binary uses a different subset

use clerk_backend::{Clerk, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

pub const SECRET: &str = "sk_test_Zm9yIHRlc3RzIG9ubHk0123456789abcdef";
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A stub server and a client for it that does not retry (tests that retry set a policy).
pub async fn setup() -> (MockServer, Clerk) {
    let server = MockServer::start().await;
    let clerk = Clerk::builder()
        .secret_key(SECRET)
        .api_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    (server, clerk)
}

/// A mock for `METHOD /path` that also requires the headers every request must carry.
pub fn expect(m: &str, p: &str) -> MockBuilder {
    Mock::given(method(m))
        .and(path(p))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .and(header("clerk-api-version", "2026-05-12"))
        .and(header(
            "x-clerk-sdk",
            format!("rust/{SDK_VERSION}").as_str(),
        ))
}

/// The one request the server received, with its standard headers checked.
pub async fn the_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        received.len(),
        1,
        "expected exactly one request, got {received:#?}"
    );
    let request = received.remove(0);
    assert_standard_headers(&request);
    request
}

pub fn assert_standard_headers(request: &Request) {
    let get = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        get("authorization").as_deref(),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_eq!(get("clerk-api-version").as_deref(), Some("2026-05-12"));
    assert_eq!(get("x-clerk-sdk"), Some(format!("rust/{SDK_VERSION}")));
    assert_eq!(
        get("user-agent"),
        Some(format!("clerk-backend-rust/{SDK_VERSION}"))
    );
}

/// The request's query string, or "" when it had none.
pub fn query(request: &Request) -> String {
    request.url.query().unwrap_or_default().to_owned()
}

/// The request's body as JSON.
pub fn json_body(request: &Request) -> Value {
    assert_eq!(
        request
            .headers
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("application/json"),
        "a JSON body is sent as application/json"
    );
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

pub fn user_json() -> Value {
    serde_json::from_str(include_str!("../fixtures/user.json")).unwrap()
}

/// A user fixture with another id and email, for lists.
pub fn user_json_n(n: usize) -> Value {
    let mut u = user_json();
    u["id"] = Value::String(format!("user_{n:027}"));
    u["email_addresses"][0]["email_address"] = Value::String(format!("user{n}@example.com"));
    u
}

pub fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Clerk's error body.
pub fn clerk_error(status: u16, code: &str, message: &str, long_message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "errors": [{"code": code, "message": message, "long_message": long_message}],
        "clerk_trace_id": "0af7651916cd43dd8448eb211c80319c"
    }))
}
