//! Agent tasks, enterprise connection test runs and the interstitial page against the emulator
//! over loopback: each ticket or URL does what it says once, and the errors. Every JSON answer
//! is then checked against the OpenAPI spec.

mod common;

use clerk_backend::auth::TokenVerifier;
use clerk_backend::models::{
    CreateAgentTaskOnBehalfOf, EnterpriseConnectionProvider, EnterpriseConnectionTestRunStatus,
};
use serde_json::{Value, json};

/// A browser that does not follow redirects and sends no secret key.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_agent_task_url_signs_its_user_in_once_and_redirects() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user = common::user_id(&clerk, "agent.owner@example.com").await;

    let on_behalf = CreateAgentTaskOnBehalfOf {
        user_id: Some(user.clone()),
        identifier: None,
    };
    let task = clerk
        .agent_tasks()
        .create(
            on_behalf,
            "*",
            "checkout-bot",
            "Buy the groceries",
            "http://localhost:3000/after",
        )
        .session_max_duration_in_seconds(600)
        .await
        .unwrap();
    assert_eq!(task.object, "agent_task");
    assert!(task.agent_id.starts_with("agent_"), "{}", task.agent_id);
    assert_eq!(task.task_id, task.agent_task_id);
    let url = task.url.clone().expect("the create answer carries the URL");
    assert!(url.starts_with(emulator.url()), "{url}");

    // By identifier, the same agent keeps its id; the task id is new.
    let (status, by_email) = common::raw(
        &emulator,
        "POST",
        "/v1/agents/tasks",
        Some(json!({
            "on_behalf_of": {"identifier": "Agent.Owner@example.com"},
            "permissions": "*",
            "agent_name": "checkout-bot",
            "task_description": "Again",
            "redirect_url": "https://app.example.com/",
        })),
    )
    .await;
    assert_eq!(status, 200, "{by_email}");
    assert_eq!(by_email["agent_id"], json!(task.agent_id));
    assert_ne!(by_email["agent_task_id"], json!(task.agent_task_id));

    // Opening the URL starts a session for the user and sends the browser on.
    let sessions_before = clerk.sessions().list().user_id(&user).await.unwrap();
    let response = browser().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        "http://localhost:3000/after"
    );
    let cookies: Vec<&str> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let token = cookies
        .iter()
        .find_map(|c| c.strip_prefix("__session="))
        .and_then(|c| c.split(';').next())
        .expect("a __session cookie")
        .to_owned();
    let claims = TokenVerifier::new(&clerk)
        .verify_session_token(&token)
        .await
        .unwrap();
    assert_eq!(claims.sub, user);
    let sid = claims.sid.clone().expect("a session id");
    let sessions = clerk.sessions().list().user_id(&user).await.unwrap();
    assert_eq!(sessions.len(), sessions_before.len() + 1);
    let session = sessions
        .iter()
        .find(|s| s.id == sid)
        .expect("the token's session is listed");
    // The session lasts what the task asked for.
    assert_eq!(session.expire_at - session.created_at, 600_000);

    // Once only; and a used task cannot be revoked.
    let again = browser().get(&url).send().await.unwrap();
    assert_eq!(again.status(), 400);
    let (status, code) = common::failure(clerk.agent_tasks().revoke(&task.agent_task_id).await);
    assert_eq!((status, code.as_str()), (400, "agent_task_not_pending"));

    // A pending task revoked: its URL no longer works, and the answer has no URL.
    let pending = by_email["agent_task_id"].as_str().unwrap();
    let revoked = clerk.agent_tasks().revoke(pending).await.unwrap();
    assert_eq!(revoked.agent_task_id, pending);
    assert_eq!(revoked.url, None);
    let (status, code) = common::failure(clerk.agent_tasks().revoke("agtask_nope").await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));

    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn agent_tasks_refuse_bad_input() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user = common::user_id(&clerk, "someone@example.com").await;
    let good = json!({
        "on_behalf_of": {"user_id": user},
        "permissions": "*",
        "agent_name": "bot",
        "task_description": "Test",
        "redirect_url": "http://localhost:3000",
    });
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases = [
        (
            with("permissions", json!("read")),
            422,
            "form_param_value_invalid",
        ),
        (
            with("redirect_url", json!("/relative")),
            422,
            "form_param_format_invalid",
        ),
        (
            with("on_behalf_of", json!({"user_id": "user_missing"})),
            404,
            "resource_not_found",
        ),
        (
            with("on_behalf_of", json!({"identifier": "nobody@example.com"})),
            404,
            "resource_not_found",
        ),
        (
            with(
                "on_behalf_of",
                json!({"user_id": user, "identifier": "someone@example.com"}),
            ),
            422,
            "form_param_value_invalid",
        ),
        (with("on_behalf_of", json!({})), 422, "form_param_missing"),
        (with("surprise", json!(1)), 422, "form_param_unknown"),
        (
            with("session_max_duration_in_seconds", json!(0)),
            422,
            "form_param_value_invalid",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) =
            common::raw(&emulator, "POST", "/v1/agents/tasks", Some(body.clone())).await;
        assert_eq!(got, status, "{body} -> {answer}");
        assert_eq!(
            answer["errors"][0]["code"],
            json!(code),
            "{body} -> {answer}"
        );
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("agent_name");
    let (got, answer) = common::raw(&emulator, "POST", "/v1/agents/tasks", Some(missing)).await;
    assert_eq!(got, 422, "{answer}");
    assert_eq!(answer["errors"][0]["code"], "form_param_missing");
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn enterprise_connection_test_runs_finish_at_the_emulated_idp() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    // Configured (metadata URL): a run can succeed.
    let (status, saml) = common::raw(
        &emulator,
        "POST",
        "/v1/enterprise_connections",
        Some(json!({
            "name": "Globex",
            "provider": "saml_custom",
            "domains": ["globex.com"],
            "saml": {"idp_metadata_url": "https://idp.globex.com/metadata"},
        })),
    )
    .await;
    assert_eq!(status, 201, "{saml}");
    let saml_id = saml["id"].as_str().unwrap().to_owned();
    // Not configured: a run fails, saying why.
    let oidc = clerk
        .enterprise_connections()
        .create(
            "Initech",
            EnterpriseConnectionProvider::OidcCustom,
            ["initech.com"],
        )
        .await
        .unwrap();

    let started = clerk
        .enterprise_connections()
        .create_test_run(&saml_id)
        .await
        .unwrap();
    assert!(started.url.starts_with(emulator.url()), "{}", started.url);
    let pending = clerk
        .enterprise_connections()
        .list_test_runs(&saml_id)
        .await
        .unwrap();
    assert_eq!(pending.total_count, Some(1));
    assert_eq!(pending.data[0].status, "pending".parse().unwrap());

    let page = browser()
        .get(format!(
            "{}?first_name=Ada&email_address=ada@globex.com",
            started.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Test run succeeded"));
    // A URL works once.
    assert_eq!(
        browser().get(&started.url).send().await.unwrap().status(),
        410
    );

    let (status, runs) = common::raw(
        &emulator,
        "GET",
        &format!("/v1/enterprise_connections/{saml_id}/test_runs?status=success"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(runs["total_count"], 1);
    let run = &runs["data"][0];
    assert_eq!(run["connection_type"], "saml");
    assert_eq!(run["parsed_user_info"]["email_address"], "ada@globex.com");
    assert_eq!(run["parsed_user_info"]["first_name"], "Ada");
    assert!(run["id"].as_str().unwrap().starts_with("ectr_"));

    // An address outside the connection's domains fails the run.
    let other = clerk
        .enterprise_connections()
        .create_test_run(&saml_id)
        .await
        .unwrap();
    let page = browser()
        .get(format!("{}?email_address=eve@evil.test", other.url))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("Test run failed"));
    let failed = clerk
        .enterprise_connections()
        .list_test_runs(&saml_id)
        .status([EnterpriseConnectionTestRunStatus::Failed])
        .await
        .unwrap();
    assert_eq!(failed.total_count, Some(1));
    let codes: Vec<Option<String>> = failed.data[0]
        .logs
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|l| l.code.clone())
        .collect();
    assert!(
        codes.contains(&Some("email_domain_mismatch".into())),
        "{codes:?}"
    );

    // The unconfigured OIDC connection.
    let run = clerk
        .enterprise_connections()
        .create_test_run(&oidc.id)
        .await
        .unwrap();
    browser().get(&run.url).send().await.unwrap();
    let (_, runs) = common::raw(
        &emulator,
        "GET",
        &format!("/v1/enterprise_connections/{}/test_runs", oidc.id),
        None,
    )
    .await;
    assert_eq!(runs["data"][0]["status"], "failed");
    assert_eq!(runs["data"][0]["connection_type"], "oauth");
    assert!(
        runs["data"][0]["logs"]
            .to_string()
            .contains("idp_not_configured")
    );

    // Newest first, paged.
    let (_, paged) = common::raw(
        &emulator,
        "GET",
        &format!("/v1/enterprise_connections/{saml_id}/test_runs?limit=1&offset=1"),
        None,
    )
    .await;
    assert_eq!(paged["total_count"], 2);
    assert_eq!(paged["data"].as_array().unwrap().len(), 1);
    assert_eq!(paged["data"][0]["status"], "success");

    // Errors.
    let (status, code) = common::failure(
        clerk
            .enterprise_connections()
            .create_test_run("entc_nope")
            .await,
    );
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let (status, code) = common::failure(
        clerk
            .enterprise_connections()
            .list_test_runs("entc_nope")
            .await,
    );
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let (status, bad) = common::raw(
        &emulator,
        "GET",
        &format!("/v1/enterprise_connections/{saml_id}/test_runs?status=done"),
        None,
    )
    .await;
    assert_eq!(
        (status, bad["errors"][0]["code"].clone()),
        (422, json!("form_param_value_invalid"))
    );
    assert_eq!(
        browser()
            .get(format!("{}/emulator/sso/test_runs/nope", emulator.url()))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Deleting the connection deletes its runs.
    clerk
        .enterprise_connections()
        .delete(&saml_id)
        .await
        .unwrap();
    let (status, _) = common::raw(
        &emulator,
        "GET",
        &format!("/v1/enterprise_connections/{saml_id}/test_runs"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn the_interstitial_loads_clerk_js_from_the_keys_frontend_api() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let pk = "pk_test_ZXhhbXBsZS5hY2NvdW50cy5kZXYk"; // example.accounts.dev
    let html = clerk
        .miscellaneous()
        .interstitial()
        .publishable_key(pk)
        .sign_in_url("https://app.example.com/sign-in")
        .await
        .unwrap();
    let html = html.to_string();
    assert!(
        html.contains(
            r#""https://example.accounts.dev/npm/@clerk/clerk-js@latest/dist/clerk.browser.js""#
        ),
        "{html}"
    );
    assert!(
        html.contains(&format!(r#""data-clerk-publishable-key", "{pk}""#)),
        "{html}"
    );
    assert!(
        html.contains(r#"signInUrl: "https://app.example.com/sign-in""#),
        "{html}"
    );

    // Public: no secret key needed; a proxy serves the script.
    let page = browser()
        .get(format!(
            "{}/v1/public/interstitial?publishable_key={pk}&proxy_url=https://app.example.com/__clerk",
            emulator.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("https://app.example.com/__clerk/npm/@clerk/clerk-js")
    );

    // Markup in a value stays a string.
    let page = browser()
        .get(format!(
            "{}/v1/public/interstitial?frontend_api=x.example.com&sign_in_url=%3C/script%3E%3Cscript%3Ealert(1)",
            emulator.url()
        ))
        .send()
        .await
        .unwrap();
    let text = page.text().await.unwrap();
    assert!(!text.contains("</script><script>alert"), "{text}");

    for (query, code) in [
        ("", "form_param_missing"),
        (
            "?publishable_key=pk_test_bm9wZQ",
            "form_param_format_invalid",
        ),
    ] {
        let response = browser()
            .get(format!("{}/v1/public/interstitial{query}", emulator.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body["errors"][0]["code"], code, "{query}");
    }
    common::validate_traffic(&emulator);
}
