//! The request runtime under faults, over real HTTP on 127.0.0.1: retries, timeouts, refused
//! connections, non-JSON and truncated bodies, error details, secrets kept out of output.

mod support;

use std::time::{Duration, Instant};

use clerk_backend::{Clerk, ErrorKind, Method, RetryPolicy};
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "user_2xK9mQ4bT7vRz1LpN3sW8yHcD5e";

/// Retries fast, without jitter, so the tests are quick and exact.
fn quick_retries(n: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(n)
        .with_initial_backoff(Duration::from_millis(10))
        .with_jitter(false)
}

fn client_for(server: &MockServer, policy: RetryPolicy) -> Clerk {
    Clerk::builder()
        .secret_key(SECRET)
        .api_url(server.uri())
        .retry_policy(policy)
        .build()
        .unwrap()
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn rate_limited_then_success_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/users/{USER}")))
        .respond_with(
            clerk_error(
                429,
                "too_many_requests",
                "Too many requests",
                "Too many requests, retry later",
            )
            .insert_header("Retry-After", "1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/users/{USER}")))
        .respond_with(ok_json(user_json()))
        .mount(&server)
        .await;

    let clerk = client_for(&server, quick_retries(3));
    let started = Instant::now();
    let user = clerk.users().get(USER).await.unwrap();
    assert_eq!(user.id, USER);
    assert_eq!(request_count(&server).await, 2);
    // The backoff alone would be 10 ms: waiting a second shows Retry-After was used.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn rate_limited_post_is_retried_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .respond_with(
            clerk_error(429, "too_many_requests", "Too many requests", "")
                .insert_header("Retry-After", "0"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .respond_with(ok_json(user_json()))
        .mount(&server)
        .await;
    let clerk = client_for(&server, quick_retries(3));
    clerk.users().create().first_name("Ada").await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body, requests[1].body,
        "the same body is sent again"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_at_once_with_the_hint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            clerk_error(429, "too_many_requests", "Too many requests", "")
                .insert_header("Retry-After", "3600"),
        )
        .mount(&server)
        .await;
    let clerk = client_for(&server, quick_retries(3));
    let err = clerk.users().get(USER).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn unavailable_is_retried_for_get_but_not_for_post() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let clerk = client_for(&server, quick_retries(2));

    let err = clerk.users().get(USER).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_server_error());
    assert_eq!(
        request_count(&server).await,
        3,
        "GET: the first attempt and 2 retries"
    );

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = clerk.users().create().first_name("Ada").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        request_count(&server).await,
        1,
        "POST may have taken effect: not retried"
    );

    server.reset().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    clerk
        .users()
        .update(USER)
        .first_name("A")
        .await
        .unwrap_err();
    assert_eq!(
        request_count(&server).await,
        1,
        "PATCH is not retried on 5xx"
    );
}

#[tokio::test]
async fn a_per_call_policy_overrides_the_client_default() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok_json(user_json()))
        .mount(&server)
        .await;
    let clerk = client_for(&server, RetryPolicy::none());
    clerk
        .users()
        .get(USER)
        .retry_policy(quick_retries(2))
        .await
        .unwrap();
    assert_eq!(request_count(&server).await, 3);

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let clerk = client_for(&server, quick_retries(5));
    clerk
        .users()
        .list()
        .retry_policy(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_and_is_retried() {
    // Bind a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let clerk = Clerk::builder()
        .secret_key(SECRET)
        .api_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(quick_retries(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = clerk.users().create().first_name("Ada").await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.status(), None);
    assert_eq!(err.operation(), Some("CreateUser"));
    // Two backoffs of 10 and 15 ms: the POST was retried even so, as it never left.
    assert!(started.elapsed() >= Duration::from_millis(25));
    assert!(err.to_string().contains("could not connect"), "{err}");
}

#[tokio::test]
async fn a_slow_answer_times_out_and_only_idempotent_calls_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_json(user_json()).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok_json(user_json()).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let clerk = Clerk::builder()
        .secret_key(SECRET)
        .api_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(quick_retries(1))
        .build()
        .unwrap();

    let err = clerk.users().get(USER).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(request_count(&server).await, 2);

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ok_json(user_json()).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let err = clerk.users().ban(USER).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(
        request_count(&server).await,
        1,
        "a POST that timed out may have been applied"
    );
}

#[tokio::test]
async fn an_html_bad_gateway_keeps_its_body() {
    let (server, clerk) = setup().await;
    let html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw(html, "text/html")
                .insert_header("Clerk-Trace-Id", "trace-from-header"),
        )
        .mount(&server)
        .await;
    let err = clerk.users().get(USER).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.raw_body(), Some(html));
    assert!(err.errors().is_empty());
    assert_eq!(err.code(), None);
    assert_eq!(err.clerk_trace_id(), Some("trace-from-header"));
    let shown = err.to_string();
    assert!(
        shown.contains("502") && shown.contains("502 Bad Gateway") && shown.contains("non-JSON"),
        "{shown}"
    );
}

#[tokio::test]
async fn clerk_errors_are_fully_kept_and_displayed() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_json(json!({
                    "errors": [
                        {"code": "form_identifier_exists", "message": "That email address is taken. Please try another.",
                         "long_message": "That email address is taken. Please try another.", "meta": {"param_name": "email_address"}},
                        {"code": "form_password_pwned", "message": "Password has been found in an online data breach.",
                         "long_message": "Password has been found in an online data breach. For account safety, please use a different password.",
                         "meta": {"param_name": "password"}}
                    ],
                    "meta": {},
                    "clerk_trace_id": "body-trace"
                }))
                .insert_header("Clerk-Trace-Id", "header-trace"),
        )
        .mount(&server)
        .await;
    let err = clerk
        .users()
        .create()
        .email_address(["taken@example.com"])
        .await
        .unwrap_err();
    assert!(err.is_unprocessable());
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.code(), Some("form_identifier_exists"));
    assert!(err.has_code("form_password_pwned"));
    assert_eq!(err.errors()[0].param_name(), Some("email_address"));
    assert_eq!(
        err.clerk_trace_id(),
        Some("body-trace"),
        "the body's trace id wins"
    );
    let shown = err.to_string();
    assert!(
        shown.contains("CreateUser")
            && shown.contains("422")
            && shown.contains("form_identifier_exists")
            && shown.contains("That email address is taken")
            && shown.contains("body-trace")
            && shown.contains("1 more"),
        "{shown}"
    );
}

#[tokio::test]
async fn not_found_and_unauthorized_predicates() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_missing"))
        .respond_with(clerk_error(
            404,
            "resource_not_found",
            "not found",
            "No user was found with id user_missing",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .respond_with(clerk_error(
            401,
            "clerk_key_invalid",
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
        ))
        .mount(&server)
        .await;
    let err = clerk.users().get("user_missing").await.unwrap_err();
    assert!(err.is_not_found() && !err.is_unauthorized());
    assert_eq!(
        err.errors()[0].long_message,
        "No user was found with id user_missing"
    );
    let err = clerk.users().list().await.unwrap_err();
    assert!(err.is_unauthorized() && !err.is_not_found());
    assert_eq!(err.code(), Some("clerk_key_invalid"));
}

#[tokio::test]
async fn truncated_json_names_the_path() {
    let (server, clerk) = setup().await;
    let full = serde_json::to_string(&user_json()).unwrap();
    let cut = &full[..full.find("\"phone_numbers\"").unwrap() + 40];
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(cut.to_owned(), "application/json"))
        .mount(&server)
        .await;
    let err = clerk.users().get(USER).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert!(
        err.decode_path().unwrap().starts_with("phone_numbers"),
        "{:?}",
        err.decode_path()
    );
    assert!(err.raw_body().unwrap().ends_with(&cut[cut.len() - 10..]));
    assert!(err.to_string().contains("phone_numbers"), "{err}");
}

#[tokio::test]
async fn a_wrong_type_names_the_path() {
    let (server, clerk) = setup().await;
    let mut users = json!([user_json_n(1), user_json_n(2), user_json_n(3)]);
    users[2]["email_addresses"][0]["created_at"] = json!("yesterday");
    Mock::given(method("GET"))
        .respond_with(ok_json(users))
        .mount(&server)
        .await;
    let err = clerk.users().list().await.unwrap_err();
    assert_eq!(err.decode_path(), Some("[2].email_addresses[0].created_at"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn unknown_enum_values_and_fields_decode_and_round_trip() {
    let (server, clerk) = setup().await;
    let mut user = user_json();
    user["brand_new_field"] = json!({"nested": [1, 2, 3]});
    user["email_addresses"][0]["verification"] = json!({"object": "verification_otp", "status": "pending_review", "strategy": "carrier_pigeon", "attempts": 0, "expire_at": null});
    user["phone_numbers"][0]["verification"] =
        json!({"object": "verification_quantum", "entangled": true});
    Mock::given(method("GET"))
        .respond_with(ok_json(user))
        .mount(&server)
        .await;

    let user = clerk.users().get(USER).await.unwrap();
    let v = user.email_addresses[0]
        .verification
        .as_ref()
        .and_then(|v| v.details())
        .unwrap();
    assert_eq!(v.status.as_str(), "pending_review");
    assert_eq!(v.strategy.as_str(), "carrier_pigeon");
    let back = serde_json::to_value(&user.email_addresses[0].verification).unwrap();
    assert_eq!(back["status"], "pending_review");
    assert_eq!(back["strategy"], "carrier_pigeon");
    assert_eq!(
        user.phone_numbers[0].verification,
        Some(clerk_backend::models::Verification::Other(
            json!({"object": "verification_quantum", "entangled": true})
        ))
    );
}

#[tokio::test]
async fn the_secret_never_shows_in_debug_or_display() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(clerk_error(401, "clerk_key_invalid", "bad key", "bad key"))
        .mount(&server)
        .await;
    let api_err = clerk.users().list().await.unwrap_err();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = Clerk::builder()
        .secret_key(SECRET)
        .api_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let connect_err = unreachable.users().get(USER).await.unwrap_err();
    let config_err = Clerk::builder()
        .secret_key(SECRET)
        .api_url("not a url")
        .build()
        .unwrap_err();
    let builder = Clerk::builder().secret_key(SECRET);

    let outputs = [
        format!("{clerk:?}"),
        format!("{clerk:#?}"),
        format!("{builder:?}"),
        format!("{api_err:?}"),
        api_err.to_string(),
        format!("{connect_err:?}"),
        connect_err.to_string(),
        format!("{config_err:?}"),
        config_err.to_string(),
        format!("{:?}", clerk.users().get(USER)),
        format!("{:?}", clerk.request(Method::GET, "/v1/x")),
    ];
    let secret_tail = &SECRET["sk_test_".len()..];
    for out in outputs {
        assert!(!out.contains(secret_tail), "secret leaked: {out}");
    }
    assert!(format!("{clerk:?}").contains("sk_test_[redacted]"));
}

#[tokio::test]
async fn the_raw_escape_hatch_reuses_auth_headers_retries_and_errors() {
    let (server, clerk) = setup().await;
    expect("GET", "/v1/domains")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/domains")
        .respond_with(ok_json(json!({"data": [], "total_count": 0})))
        .mount(&server)
        .await;
    expect("POST", "/v1/invitations")
        .respond_with(clerk_error(
            400,
            "duplicate_record",
            "duplicate",
            "There are already pending invitations",
        ))
        .mount(&server)
        .await;

    let domains: clerk_backend::Page<Value> = clerk
        .request(Method::GET, "/v1/domains")
        .query(&[("limit", "5"), ("offset", "0")])
        .retry_policy(quick_retries(1))
        .send()
        .await
        .unwrap();
    assert_eq!(domains.total_count, Some(0));
    let err = clerk
        .request(Method::POST, "/v1/invitations")
        .json(&json!({"email_address": "ada@example.com"}))
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("duplicate_record"));
    assert_eq!(err.operation(), None);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_standard_headers(r);
    }
    assert_eq!(query(&requests[1]), "limit=5&offset=0");
    assert_eq!(
        json_body(&requests[2]),
        json!({"email_address": "ada@example.com"})
    );

    let err = clerk
        .request(Method::GET, "v1/no-leading-slash")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
}

#[tokio::test]
async fn the_raw_escape_hatch_returns_bytes_as_sent_and_errors_as_errors() {
    let (server, clerk) = setup().await;
    let page = "<!DOCTYPE html><p>interstitial</p>";
    expect("GET", "/v1/public/interstitial")
        .respond_with(ResponseTemplate::new(200).set_body_raw(page.as_bytes(), "text/html"))
        .mount(&server)
        .await;
    expect("GET", "/v1/missing")
        .respond_with(clerk_error(
            404,
            "resource_not_found",
            "not found",
            "Resource not found",
        ))
        .mount(&server)
        .await;

    let (status, body) = clerk
        .request(
            Method::GET,
            "/v1/public/interstitial?publishable_key=pk_test_x",
        )
        .send_bytes()
        .await
        .unwrap();
    assert_eq!((status.as_u16(), &body[..]), (200, page.as_bytes()));
    let request = &server.received_requests().await.unwrap()[0];
    assert_standard_headers(request);
    assert_eq!(query(request), "publishable_key=pk_test_x");

    let err = clerk
        .request(Method::GET, "/v1/missing")
        .send_bytes()
        .await
        .unwrap_err();
    assert!(err.is_not_found() && err.operation().is_none(), "{err:?}");
}

#[tokio::test]
async fn api_url_with_trailing_slash_and_prefix_and_user_agent_suffix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/proxy/v1/users/{USER}")))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    let clerk = Clerk::builder()
        .secret_key(SECRET)
        .api_url(format!("{}/proxy/", server.uri()))
        .api_version("2025-11-10")
        .user_agent_suffix("my-app/1.2")
        .build()
        .unwrap();
    assert_eq!(clerk.api_url(), format!("{}/proxy", server.uri()));
    clerk.users().get(USER).await.unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        req.headers.get("user-agent").unwrap(),
        format!("clerk-backend-rust/{SDK_VERSION} my-app/1.2").as_str()
    );
    assert_eq!(req.headers.get("clerk-api-version").unwrap(), "2025-11-10");
}

#[tokio::test]
async fn a_custom_reqwest_client_is_used_and_the_timeout_still_applies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_json(user_json()).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let http = reqwest::Client::builder().build().unwrap();
    let clerk = Clerk::builder()
        .secret_key(SECRET)
        .api_url(server.uri())
        .http_client(http)
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(clerk.users().get(USER).await.unwrap_err().is_timeout());
}

#[test]
fn configuration_errors_are_typed() {
    assert!(Clerk::new("").unwrap_err().is_config());
    assert!(Clerk::builder().build().unwrap_err().is_config());
    assert!(
        Clerk::builder()
            .secret_key("sk_test_1")
            .api_url("ftp://example.com")
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        Clerk::builder()
            .secret_key("sk_test_1")
            .api_url("")
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        Clerk::builder()
            .secret_key("sk_test_1")
            .api_version("bad\nversion")
            .build()
            .unwrap_err()
            .is_config()
    );
    let ok = Clerk::new("sk_test_1").unwrap();
    assert_eq!(ok.api_url(), "https://api.clerk.com");
    assert_eq!(ok.api_version(), "2026-05-12");
    assert_eq!(ok.timeout(), Duration::from_secs(30));
    assert_eq!(ok.retry_policy().max_retries(), 3);
}

#[test]
fn the_client_is_send_sync_clone_and_shares_its_pool() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<Clerk>();
    assert_eq!(
        std::mem::size_of::<Clerk>(),
        std::mem::size_of::<usize>(),
        "one Arc inside"
    );
}

/// `from_env` is checked in a child process so the test never mutates its own environment.
#[test]
fn from_env_reads_the_environment() {
    if std::env::var_os("CLERK_BACKEND_FROM_ENV_CHILD").is_some() {
        let clerk = Clerk::from_env().unwrap();
        assert_eq!(clerk.api_url(), "http://127.0.0.1:9");
        assert_eq!(clerk.api_version(), "2024-10-01");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let run = |key: Option<&str>| {
        let mut cmd = std::process::Command::new(&exe);
        cmd.args(["--exact", "from_env_reads_the_environment", "--nocapture"])
            .env("CLERK_BACKEND_FROM_ENV_CHILD", "1")
            .env("CLERK_API_URL", "http://127.0.0.1:9/")
            .env("CLERK_API_VERSION", "2024-10-01");
        match key {
            Some(k) => cmd.env("CLERK_SECRET_KEY", k),
            None => cmd.env_remove("CLERK_SECRET_KEY"),
        };
        cmd.output().unwrap()
    };
    let ok = run(Some("sk_test_from_env"));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let missing = run(None);
    assert!(!missing.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&missing.stdout),
        String::from_utf8_lossy(&missing.stderr)
    );
    assert!(said.contains("CLERK_SECRET_KEY"), "{said}");
    let blank = run(Some("   "));
    assert!(!blank.status.success());
}

/// Each request gets one tracing span with the operation, method, path template, status,
/// attempts and duration, and never the secret or a body.
#[tokio::test]
async fn requests_are_traced_without_secrets() {
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};

    #[derive(Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<(String, String)>>>);
    struct Fields<'a>(&'a Mutex<Vec<(String, String)>>);
    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0
                .lock()
                .unwrap()
                .push((field.name().to_owned(), format!("{value:?}")));
        }
    }
    impl tracing::Subscriber for Recorder {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            self.0
                .lock()
                .unwrap()
                .push(("span".into(), span.metadata().name().into()));
            span.record(&mut Fields(&self.0));
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            values.record(&mut Fields(&self.0));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            event.record(&mut Fields(&self.0));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ok_json(user_json()))
        .mount(&server)
        .await;
    let clerk = client_for(&server, quick_retries(0));
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    clerk
        .users()
        .update(USER)
        .password("a very secret password")
        .await
        .unwrap_err();
    let seen = recorder.0.lock().unwrap().clone();
    let get = |name: &str| {
        seen.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(get("span"), ["clerk.request"]);
    assert_eq!(get("operation"), ["\"UpdateUser\""]);
    assert_eq!(get("method"), ["PATCH"]);
    assert_eq!(get("path"), ["/users/{user_id}"]);
    assert_eq!(get("status"), ["503"]);
    assert_eq!(get("attempt"), ["1"]);
    assert_eq!(get("duration_ms").len(), 1);
    let everything = format!("{seen:?}");
    assert!(
        !everything.contains("a very secret password") && !everything.contains(&SECRET[8..]),
        "{everything}"
    );
    assert!(
        !everything.contains(USER),
        "ids in the path stay out of the span: {everything}"
    );
}
