//! Generated requests against every operation the emulator implements, in the spirit of
//! schemathesis: bodies generated from the spec's request schemas (every property null, every
//! property set, only the required ones), then bodies and queries of the wrong shape (not an
//! object, unknown parameters, each property with a value of the wrong type, malformed JSON),
//! and path ids that exist, do not exist, or are not ids at all.
//!
//! Whatever arrives, the emulator must answer (no dropped connection, which is what a panic in
//! a handler looks like from outside), never with a 5xx other than 501 for an operation it
//! does not implement, and always with a body the spec allows for that status.

mod common;

use clerk_emulator::Emulator;
use serde_json::{Map, Value, json};
use spec_oracle::Spec;

/// One generated request.
struct Probe {
    method: String,
    path: String,
    query: String,
    body: Option<Vec<u8>>,
    label: String,
    /// Built from the spec's own schema: every parameter in it is one the spec accepts.
    from_spec: bool,
}

/// Percent-encodes a query value or path segment.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Resolves a local `$ref` (`#/components/...`) in the spec document.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(doc, |v, seg| &v[seg.replace("~1", "/")]))
            .unwrap_or(value),
        None => value,
    }
}

/// A value of the wrong JSON type for a property of this schema.
fn wrong_type(doc: &Value, schema: &Value) -> Value {
    match resolve(doc, schema).get("type").and_then(Value::as_str) {
        Some("string") => json!(12345),
        Some("integer") | Some("number") => json!("not a number"),
        Some("boolean") => json!("maybe"),
        Some("array") => json!({"not": "an array"}),
        Some("object") => json!(["not", "an", "object"]),
        _ => json!([[[]]]),
    }
}

/// Ids that exist in the seeded instance, by path parameter name.
struct Seeds {
    by_param: Map<String, Value>,
}

impl Seeds {
    async fn plant(emulator: &Emulator) -> Seeds {
        let clerk = emulator.client();
        let user = clerk
            .users()
            .create()
            .email_address(["seed@example.com"])
            .phone_number(["+15555550199"])
            .password("a seed password 1!")
            .await
            .unwrap();
        let org = clerk
            .organizations()
            .create("Seed Org")
            .created_by(&user.id)
            .await
            .unwrap();
        let session = clerk.sessions().create(&user.id).await.unwrap();
        let invitation = clerk
            .invitations()
            .create("invitee@example.com")
            .await
            .unwrap();
        let org_invitation = clerk
            .organization_invitations()
            .create(&org.id, "org.invitee@example.com", "org:member")
            .await
            .unwrap();
        let template = clerk
            .jwt_templates()
            .create("seed", json!({"seed": true}).as_object().unwrap().clone())
            .await
            .unwrap();
        let mut by_param = Map::new();
        for (name, value) in [
            ("user_id", user.id.clone()),
            ("organization_id", org.id.clone()),
            ("session_id", session.id.clone()),
            ("client_id", session.client_id.clone()),
            ("invitation_id", invitation.id.clone()),
            ("template_id", template.id.clone()),
            ("template_name", "seed".to_owned()),
            (
                "email_address_id",
                user.email_addresses[0].id.clone().unwrap_or_default(),
            ),
            (
                "phone_number_id",
                user.phone_numbers[0].id.clone().unwrap_or_default(),
            ),
        ] {
            by_param.insert(name.to_owned(), json!(value));
        }
        by_param.insert("invitation_id_org".into(), json!(org_invitation.id));
        Seeds { by_param }
    }

    fn id_for(&self, param: &str) -> String {
        self.by_param
            .get(param)
            .and_then(Value::as_str)
            .unwrap_or("x_probe")
            .to_owned()
    }
}

/// Every probe for one operation.
fn probes(spec: &Spec, seeds: &Seeds, path: &str, method: &str, op: &Value) -> Vec<Probe> {
    let doc = spec.document();
    let parameters: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().map(|p| resolve(doc, p)).collect())
        .unwrap_or_default();
    let fill = |ids: &dyn Fn(&str) -> String| -> String {
        path.split('/')
            .map(
                |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => encode(&ids(name)),
                    None => seg.to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join("/")
    };
    let real = fill(&|name| seeds.id_for(name));
    let mut out = Vec::new();
    let mut push = |path: String, query: String, body: Option<Vec<u8>>, label: String| {
        out.push(Probe {
            method: method.to_ascii_uppercase(),
            path: format!("/v1{path}"),
            query,
            body,
            from_spec: label.starts_with("generated"),
            label,
        });
    };

    // Path ids: one that does not exist, one that is not an id, one far too long.
    if path.contains('{') {
        for (label, id) in [
            ("missing id", "user_0000000000000000000000000000".to_owned()),
            ("not an id", "../ ?#%".to_owned()),
            ("long id", "x".repeat(2000)),
        ] {
            push(fill(&|_| id.clone()), String::new(), None, label.to_owned());
        }
    }

    // Query parameters: each with a value of the wrong type, and one unknown.
    let query_params: Vec<&Value> = parameters
        .iter()
        .copied()
        .filter(|p| p["in"] == "query")
        .collect();
    for p in &query_params {
        let name = p["name"].as_str().unwrap_or_default();
        let wrong = match wrong_type(doc, &p["schema"]) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        push(
            real.clone(),
            format!("{}={}", encode(name), encode(&wrong)),
            None,
            format!("query {name} of the wrong type"),
        );
    }
    if method == "get" {
        push(
            real.clone(),
            "limit=-1&offset=-5&order_by=%2B%2B".into(),
            None,
            "negative paging".into(),
        );
    }

    // Bodies.
    let body = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| b.get("content"))
        .and_then(|c| c.get("application/json"))
        .and_then(|c| c.get("schema"));
    let mut bodies: Vec<(String, Vec<u8>)> = vec![
        ("malformed JSON".into(), b"{\"a\": ".to_vec()),
        ("an array".into(), b"[1, 2]".to_vec()),
        ("a string".into(), b"\"text\"".to_vec()),
        (
            "an unknown parameter".into(),
            br#"{"no_such_parameter": true}"#.to_vec(),
        ),
    ];
    if let Some(schema) = body {
        for (label, instance) in spec.instances_of(schema) {
            bodies.push((
                format!("generated {label}"),
                instance.to_string().into_bytes(),
            ));
        }
        let resolved = resolve(doc, schema);
        if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let mut wrong = Map::new();
                wrong.insert(name.clone(), wrong_type(doc, property));
                bodies.push((
                    format!("body {name} of the wrong type"),
                    Value::Object(wrong).to_string().into_bytes(),
                ));
            }
        }
    }
    if method != "get" {
        for (label, bytes) in bodies {
            push(real.clone(), String::new(), Some(bytes), label);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_never_break_the_emulator() {
    let Some(spec) = Spec::load() else { return };
    let emulator = common::recording().await;
    let seeds = Seeds::plant(&emulator).await;
    let http = reqwest::Client::new();
    let auth = format!("Bearer {}", emulator.secret_key());
    let doc = spec.document();

    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations.push((path.clone(), method.clone(), op.clone()));
            }
        }
    }

    let mut sent = 0;
    let mut failures = Vec::new();
    let mut implemented = 0;
    for (path, method, op) in &operations {
        let id = op["operationId"].as_str().unwrap_or_default();
        let all = probes(&spec, &seeds, path, method, op);
        let mut answered_501 = true;
        for probe in all {
            let url = if probe.query.is_empty() {
                format!("{}{}", emulator.url(), probe.path)
            } else {
                format!("{}{}?{}", emulator.url(), probe.path, probe.query)
            };
            let mut request = http
                .request(probe.method.parse().unwrap(), &url)
                .header("authorization", &auth);
            if let Some(body) = probe.body {
                request = request
                    .header("content-type", "application/json")
                    .body(body);
            }
            sent += 1;
            match request.send().await {
                Err(e) => failures.push(format!("{id} ({}): no answer: {e}", probe.label)),
                Ok(response) => {
                    let status = response.status().as_u16();
                    answered_501 &= status == 501;
                    let body = response.text().await.unwrap_or_default();
                    if status >= 500 && status != 501 {
                        failures.push(format!("{id} ({}): {status} {body}", probe.label));
                    }
                    // What the spec accepts, the emulator accepts: a body built from the
                    // spec's schema names no parameter the emulator does not know.
                    if probe.from_spec && body.contains("\"form_param_unknown\"") {
                        failures.push(format!("{id} ({}): {status} {body}", probe.label));
                    }
                }
            }
        }
        implemented += usize::from(!answered_501);
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} generated requests failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let checked = common::validate_traffic(&emulator);
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for exchange in emulator.traffic() {
        *by_status.entry(exchange.status).or_default() += 1;
    }
    eprintln!(
        "{sent} generated requests over {} operations ({implemented} implemented); {checked} JSON answers checked against the spec; answers by status: {by_status:?}",
        operations.len()
    );
    assert!(
        implemented > 90,
        "{implemented} operations answered something else than 501"
    );
}
