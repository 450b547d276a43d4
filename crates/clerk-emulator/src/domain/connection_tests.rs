//! Enterprise connection test runs: a sign-in through a connection's IdP started only to see
//! whether its setup works.
//!
//! `POST /v1/enterprise_connections/{id}/test_runs` stores a `pending` run and answers a
//! short-lived URL. The emulator has no IdP, so that URL (on the emulator, served without the
//! secret key because a browser opens it) plays one: it finishes the run as `success`, with
//! the user the IdP vouched for, or as `failed`, with the reason in the run's logs. The user is
//! `test.user@<the connection's first domain>` unless the URL's query names another with
//! `email_address`, `first_name`, `last_name` and `user_id`.
//!
//! Choices where Clerk documents nothing (unverified): run ids start with `ectr_`; the URL
//! works once, for 10 minutes; a run fails when the IdP is not configured (the same test that
//! gates activation), when the email's domain is not one of the connection's, or when the URL
//! is used after it expired; runs list newest first and go with their connection.

use super::connections::{SAML_PROVIDERS, enterprise_configured, enterprise_not_found};
use super::paging::paging;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::store::Db;
use crate::store::connections::StoredTestRun;
use crate::wire::{EnterpriseConnection, EnterpriseConnectionTestRun, TestRunLog};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// How long a test run's URL starts the flow.
pub(crate) const TEST_RUN_URL_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// The statuses a run can have, which the list's `status` filter accepts.
const STATUSES: &[&str] = &["pending", "success", "failed"];

/// The query of `GET /v1/enterprise_connections/{id}/test_runs`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestRunListParams {
    #[serde(default)]
    pub(crate) status: Vec<String>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

/// What the emulated IdP says about who signed in (the test run URL's query).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IdpAnswer {
    pub(crate) email_address: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) user_id: Option<String>,
}

/// Where a run's URL points: the emulator's stand-in for the IdP.
pub(crate) fn test_run_url(base_url: &str, secret: &str) -> String {
    format!("{base_url}/emulator/sso/test_runs/{secret}")
}

fn log(level: &str, code: Option<&str>, message: impl Into<String>) -> TestRunLog {
    TestRunLog {
        level: level.into(),
        code: code.map(str::to_owned),
        short_message: None,
        message: message.into(),
    }
}

fn connection_type(c: &EnterpriseConnection) -> &'static str {
    if SAML_PROVIDERS.contains(&c.provider.as_str()) {
        "saml"
    } else {
        "oauth"
    }
}

/// Starts a test run for a connection: the run, stored `pending`, and its URL's secret.
pub(crate) fn create_test_run(db: &mut Db, connection_id: &str) -> ApiResult<String> {
    let connection = db
        .connections
        .enterprise
        .get(connection_id)
        .ok_or_else(|| enterprise_not_found(connection_id))?;
    let now = now_ms();
    let run = EnterpriseConnectionTestRun {
        id: new_id("ectr"),
        status: "pending".into(),
        connection_type: connection_type(connection).into(),
        parsed_user_info: None,
        logs: vec![log(
            "info",
            None,
            format!(
                "Test run started for {} ({}).",
                connection.name, connection.provider
            ),
        )],
        saml: None,
        oauth: None,
        created_at: now,
    };
    let secret = random_base62(40);
    db.connections.test_runs.insert(
        run.id.clone(),
        StoredTestRun {
            run,
            connection_id: connection_id.to_owned(),
            secret: secret.clone(),
            expire_at: now + TEST_RUN_URL_LIFETIME_MS,
        },
    );
    Ok(secret)
}

/// A connection's runs the query asks for, newest first, with the total before paging.
pub(crate) fn list_test_runs(
    db: &Db,
    connection_id: &str,
    p: &TestRunListParams,
) -> ApiResult<(Vec<EnterpriseConnectionTestRun>, usize)> {
    if !db.connections.enterprise.contains_key(connection_id) {
        return Err(enterprise_not_found(connection_id));
    }
    if let Some(bad) = p.status.iter().find(|s| !STATUSES.contains(&s.as_str())) {
        return Err(ApiError::value_invalid(
            "status",
            format!("{bad} is not one of pending, success, failed."),
        ));
    }
    let (limit, offset) = paging(p.limit, p.offset)?;
    let rows = db
        .connections
        .test_runs
        .values()
        .rev()
        .filter(|r| r.connection_id == connection_id)
        .filter(|r| p.status.is_empty() || p.status.contains(&r.run.status));
    Ok(super::paging::cut(rows, limit, offset, |r| r.run.clone()))
}

/// Plays the IdP for the run whose URL carries `secret`: the finished run. A URL no run has
/// is `None`; a run already finished is returned as it is.
pub(crate) fn finish_test_run(
    db: &mut Db,
    secret: &str,
    answer: &IdpAnswer,
) -> Option<(EnterpriseConnectionTestRun, bool)> {
    let id = db
        .connections
        .test_runs
        .iter()
        .find(|(_, r)| r.secret == secret)
        .map(|(id, _)| id.clone())?;
    let stored = db.connections.test_runs.get(&id)?.clone();
    if stored.run.status != "pending" {
        return Some((stored.run, false));
    }
    let connection = db
        .connections
        .enterprise
        .get(&stored.connection_id)
        .cloned();
    let mut run = stored.run;
    let outcome = match &connection {
        _ if now_ms() >= stored.expire_at => Err(log(
            "error",
            Some("test_run_expired"),
            "The test run's URL expired before it was opened.",
        )),
        None => Err(log(
            "error",
            Some("connection_not_found"),
            "The connection was deleted.",
        )),
        Some(c) if !enterprise_configured(c) => Err(log(
            "error",
            Some("idp_not_configured"),
            "The identity provider is not configured: add its metadata, or its sign-on URL, entity id and certificate (SAML), or a client id and discovery URL (OIDC).",
        )),
        Some(c) => idp_user(c, answer),
    };
    run.logs.push(log(
        "info",
        None,
        "The identity provider was asked to sign a user in.",
    ));
    match outcome {
        Ok(user) => {
            run.logs.push(log(
                "info",
                None,
                format!(
                    "The identity provider answered for {}.",
                    user.get("email_address")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                ),
            ));
            if run.connection_type == "saml" {
                run.saml = Some(Map::from_iter([("relay_state".into(), json!(run.id))]));
            } else {
                run.oauth = Some(Map::from_iter([(
                    "user_info".into(),
                    json!(Value::Object(user.clone()).to_string()),
                )]));
            }
            run.parsed_user_info = Some(user);
            run.status = "success".into();
        }
        Err(line) => {
            run.logs.push(line);
            run.status = "failed".into();
        }
    }
    if let Some(s) = db.connections.test_runs.get_mut(&id) {
        s.run = run.clone();
    }
    Some((run, true))
}

/// The user the emulated IdP vouches for, checked against the connection's domains.
fn idp_user(c: &EnterpriseConnection, a: &IdpAnswer) -> Result<Map<String, Value>, TestRunLog> {
    let email = match &a.email_address {
        Some(e) => e.trim().to_lowercase(),
        None => format!(
            "test.user@{}",
            c.domains.first().map_or("example.com", String::as_str)
        ),
    };
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    if !c.domains.iter().any(|d| d == domain) {
        return Err(log(
            "error",
            Some("email_domain_mismatch"),
            format!(
                "{email} is not at one of the connection's domains ({}).",
                c.domains.join(", ")
            ),
        ));
    }
    let mut user = Map::new();
    user.insert("email_address".into(), json!(email));
    user.insert(
        "first_name".into(),
        json!(a.first_name.clone().unwrap_or_else(|| "Test".into())),
    );
    user.insert(
        "last_name".into(),
        json!(a.last_name.clone().unwrap_or_else(|| "User".into())),
    );
    user.insert(
        "user_id".into(),
        json!(a.user_id.clone().unwrap_or_else(|| format!("idp|{email}"))),
    );
    Ok(user)
}

/// Removes a deleted connection's runs.
pub(crate) fn drop_test_runs(db: &mut Db, connection_id: &str) {
    db.connections
        .test_runs
        .retain(|_, r| r.connection_id != connection_id);
}
