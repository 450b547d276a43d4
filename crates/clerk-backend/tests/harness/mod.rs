//! The harness of the generated conformance tests (`tests/operations.rs`): values for every
//! argument and setter, generated from the spec; a stub on 127.0.0.1 that answers as the spec
//! says; and the checks that what the SDK sent is what the spec describes.
//!
//! The spec is the oracle, read at run time through `spec_oracle`: the tests skip with a
//! message without it and fail when `CLERK_SPEC_REQUIRED=1`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::{Mutex, OnceLock};

use clerk_backend::models::Image;
use clerk_backend::{Clerk, Endpoint, RequestBuilder, RetryPolicy};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use spec_oracle::Spec;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "sk_test_Zm9yIHRlc3RzIG9ubHk0123456789abcdef";
const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

fn spec() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(Spec::load).as_ref()
}

/// One operation under test.
pub struct Harness {
    spec: &'static Spec,
    id: String,
    method: String,
    path: String,
    /// The operation object as the spec writes it.
    op: Value,
    server: MockServer,
    clerk: Clerk,
    /// The path parameters handed out, to find them in the path sent.
    paths: Mutex<BTreeMap<String, String>>,
}

impl Harness {
    /// A harness for `operation_id`, or `None` (with a message) when the spec is absent.
    pub async fn new(operation_id: &str) -> Option<Harness> {
        let spec = spec()?;
        let info = spec
            .operation(operation_id)
            .unwrap_or_else(|| panic!("{operation_id} is not in the spec"));
        let op = spec
            .document()
            .pointer(&format!(
                "/paths/{}/{}",
                info.path.replace('~', "~0").replace('/', "~1"),
                info.method.to_ascii_lowercase()
            ))
            .cloned()
            .unwrap_or_else(|| panic!("{operation_id}: no operation object"));
        let server = MockServer::start().await;
        let clerk = Clerk::builder()
            .secret_key(SECRET)
            .api_url(server.uri())
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");
        Some(Harness {
            spec,
            id: operation_id.to_owned(),
            method: info.method,
            path: info.path,
            op,
            server,
            clerk,
            paths: Mutex::new(BTreeMap::new()),
        })
    }

    /// The client, pointed at the stub.
    pub fn clerk(&self) -> &Clerk {
        &self.clerk
    }

    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            v = self
                .spec
                .document()
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling {r}"));
        }
        v
    }

    /// The operation's parameters (resolved), by name.
    fn parameter(&self, name: &str, location: &str) -> &Value {
        self.op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
            .find(|p| p["name"] == name && p["in"] == location)
            .unwrap_or_else(|| panic!("{}: no {location} parameter {name:?}", self.id))
    }

    fn body_schema(&self, content_type: &str) -> Value {
        let body = self.resolve(&self.op["requestBody"]);
        let schema = body
            .pointer(&format!(
                "/content/{}/schema",
                content_type.replace('/', "~1")
            ))
            .unwrap_or_else(|| panic!("{}: no {content_type} body", self.id));
        self.resolve(schema).clone()
    }

    /// A value of `schema`: the spec-oracle's first instance with every property valued.
    fn sample(&self, schema: &Value, what: &str) -> Value {
        let instances = self.spec.instances_of(schema);
        instances
            .iter()
            .find(|(label, _)| label.starts_with("maximal-valued"))
            .or_else(|| instances.first())
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{}: no instance of {what}", self.id))
    }

    /// The value as `T`. Query values travel as text, so a string that reads as another JSON
    /// value (`"true"`) and a whole-number float (`10.0` for a count) are taken as such.
    fn typed<T: DeserializeOwned>(&self, value: Value, what: &str) -> T {
        let retry = match &value {
            Value::String(s) => serde_json::from_str::<Value>(s).ok(),
            Value::Number(n) if n.is_f64() => n.as_f64().map(|f| Value::from(f.trunc() as i64)),
            _ => None,
        };
        if let Some(Ok(v)) = retry.map(serde_json::from_value::<T>) {
            if serde_json::from_value::<T>(value.clone()).is_err() {
                return v;
            }
        }
        serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            panic!(
                "{}: the spec's value {value} for {what} is not a {}: {e}",
                self.id,
                std::any::type_name::<T>()
            )
        })
    }

    /// A value for a path parameter.
    pub fn path(&self, name: &str) -> String {
        let schema = self.parameter(name, "path")["schema"].clone();
        let value = match self.sample(&schema, name) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        self.paths
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.clone());
        value
    }

    /// A value for a query parameter.
    pub fn query<T: DeserializeOwned>(&self, name: &str) -> T {
        let schema = self.parameter(name, "query")["schema"].clone();
        self.typed(self.sample(&schema, name), name)
    }

    /// A value for a property of the JSON body.
    pub fn body<T: DeserializeOwned>(&self, name: &str) -> T {
        let schema = self.body_schema("application/json");
        let flat = self.flatten(&schema);
        let prop = flat
            .get(name)
            .unwrap_or_else(|| panic!("{}: the body has no property {name:?}", self.id))
            .clone();
        self.typed(self.sample(&prop, name), name)
    }

    /// The whole JSON body, for an operation whose body is an array.
    pub fn items<T: DeserializeOwned>(&self) -> Vec<T> {
        let schema = self.body_schema("application/json");
        self.typed(self.sample(&schema, "the body"), "the body")
    }

    /// A value for a text field of the multipart body.
    pub fn form<T: DeserializeOwned>(&self, name: &str) -> T {
        let schema = self.body_schema("multipart/form-data");
        let prop = schema["properties"][name].clone();
        self.typed(self.sample(&prop, name), name)
    }

    /// A file for an upload.
    pub fn upload(&self) -> Image {
        // A 1x1 PNG.
        let png: &[u8] = &[
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
            0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
        ];
        Image::from_bytes(png.to_vec(), "pixel.png", "image/png").expect("an image")
    }

    /// The properties of an object schema, `allOf` members merged.
    fn flatten(&self, schema: &Value) -> BTreeMap<String, Value> {
        let schema = self.resolve(schema);
        let mut out = BTreeMap::new();
        for member in schema["allOf"].as_array().into_iter().flatten() {
            out.extend(self.flatten(member));
        }
        if let Some(props) = schema["properties"].as_object() {
            for (k, v) in props {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }

    fn success(&self) -> (u16, Value) {
        let (code, response) = self.op["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .find(|(c, _)| c.starts_with('2'))
            .unwrap_or_else(|| panic!("{}: no success response", self.id));
        (code.parse().unwrap_or(200), self.resolve(response).clone())
    }

    /// Sends `call` to the stub, which answers as the spec says; checks that it succeeds and
    /// that the request was the one the spec describes.
    pub async fn check<R: Endpoint>(&self, call: RequestBuilder<R>)
    where
        R::Output: Debug,
    {
        let (status, response) = self.success();
        let template = match response
            .pointer("/content/application~1json/schema")
            .cloned()
        {
            Some(schema) => {
                let body = self.sample(&schema, "the response");
                ResponseTemplate::new(status).set_body_json(body)
            }
            None if status == 200 => ResponseTemplate::new(200)
                .set_body_raw("<!DOCTYPE html><html></html>".as_bytes(), "text/html"),
            None => ResponseTemplate::new(status),
        };
        Mock::given(wiremock::matchers::any())
            .respond_with(template)
            .mount(&self.server)
            .await;
        if let Err(e) = call.send().await {
            panic!("{}: the call failed: {e:?}", self.id);
        }
        let received = self.server.received_requests().await.expect("recording");
        assert_eq!(received.len(), 1, "{}: one request", self.id);
        let request = &received[0];
        let mut problems = Vec::new();
        self.check_headers(request, &mut problems);
        if request.method.as_str() != self.method {
            problems.push(format!(
                "method {} instead of {}",
                request.method, self.method
            ));
        }
        self.check_path(request.url.path(), &mut problems);
        self.check_query(request, &mut problems);
        self.check_body(request, &mut problems);
        assert!(
            problems.is_empty(),
            "{}: the request is not what the spec describes:\n  {}\n(sent {} {})",
            self.id,
            problems.join("\n  "),
            request.method,
            request.url
        );
    }

    /// `call` fails with `is_invalid_input()`, naming the operation, and sends nothing.
    pub async fn refused<R: Endpoint>(&self, call: RequestBuilder<R>)
    where
        R::Output: Debug,
    {
        let before = self.server.received_requests().await.map_or(0, |r| r.len());
        match call.send().await {
            Ok(answer) => panic!("{}: bad input was sent and answered {answer:?}", self.id),
            Err(e) => {
                assert!(
                    e.is_invalid_input(),
                    "{}: {e:?} is not invalid input",
                    self.id
                );
                assert_eq!(e.operation(), Some(self.id.as_str()), "{e}");
            }
        }
        let after = self.server.received_requests().await.map_or(0, |r| r.len());
        assert_eq!(before, after, "{}: bad input reached the server", self.id);
    }

    fn check_headers(&self, request: &wiremock::Request, problems: &mut Vec<String>) {
        let get = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let expected = [
            ("authorization", format!("Bearer {SECRET}")),
            ("clerk-api-version", "2026-05-12".to_owned()),
            ("x-clerk-sdk", format!("rust/{SDK_VERSION}")),
            ("user-agent", format!("clerk-backend-rust/{SDK_VERSION}")),
        ];
        for (name, value) in expected {
            if get(name).as_deref() != Some(value.as_str()) {
                problems.push(format!("header {name} is {:?}", get(name)));
            }
        }
    }

    fn check_path(&self, sent: &str, problems: &mut Vec<String>) {
        let sent = sent.strip_prefix("/v1").unwrap_or(sent);
        let template: Vec<&str> = self.path.split('/').collect();
        let actual: Vec<&str> = sent.split('/').collect();
        if template.len() != actual.len() {
            problems.push(format!("path {sent} does not fit {}", self.path));
            return;
        }
        let paths = self.paths.lock().unwrap();
        for (t, a) in template.iter().zip(&actual) {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => {
                    let decoded = percent_decode(a);
                    if paths.get(name) != Some(&decoded) {
                        problems.push(format!(
                            "path parameter {name} is {decoded:?}, given {:?}",
                            paths.get(name)
                        ));
                    }
                }
                None if t != a => problems.push(format!("path {sent} does not fit {}", self.path)),
                None => {}
            }
        }
    }

    fn check_query(&self, request: &wiremock::Request, problems: &mut Vec<String>) {
        let mut sent: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in request.url.query_pairs() {
            sent.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        let params: Vec<&Value> = self.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
            .filter(|p| p["in"] == "query")
            .collect();
        let known: BTreeSet<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        for key in sent.keys() {
            if !known.contains(key.as_str()) {
                problems.push(format!("query parameter {key} is not in the spec"));
            }
        }
        for p in params {
            let name = p["name"].as_str().unwrap_or_default();
            let Some(values) = sent.get(name) else {
                problems.push(format!(
                    "query parameter {name} was not sent (every setter was called)"
                ));
                continue;
            };
            let schema = self.resolve(&p["schema"]).clone();
            let value = query_value(&schema, values, p["explode"] == false);
            let json_schema = self.spec.to_json_schema(&schema);
            if let Err(errors) = self.spec.validate(&json_schema, &value) {
                problems.push(format!("query parameter {name}={values:?}: {errors:?}"));
            }
        }
    }

    fn check_body(&self, request: &wiremock::Request, problems: &mut Vec<String>) {
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = self.resolve(&self.op["requestBody"]).clone();
        if body.is_null() {
            if !request.body.is_empty() {
                problems.push("a body was sent; the spec has none".to_owned());
            }
            return;
        }
        if body.pointer("/content/application~1json").is_some() {
            if content_type != "application/json" {
                problems.push(format!("content type {content_type:?} for a JSON body"));
                return;
            }
            let Ok(sent) = serde_json::from_slice::<Value>(&request.body) else {
                problems.push("the body is not JSON".to_owned());
                return;
            };
            let schema = self
                .spec
                .request_body_schema(&self.id, "application/json")
                .expect("a JSON body schema");
            if let Err(errors) = self.spec.validate(&schema, &sent) {
                problems.push(format!("body {sent}: {errors:?}"));
            }
            let raw = self.body_schema("application/json");
            let props = self.flatten(&raw);
            if let Some(sent) = sent.as_object() {
                for name in props.keys() {
                    if !sent.contains_key(name) {
                        problems.push(format!(
                            "body field {name} was not sent (every setter was called)"
                        ));
                    }
                }
            }
            return;
        }
        // Multipart.
        if !content_type.starts_with("multipart/form-data") {
            problems.push(format!(
                "content type {content_type:?} for a multipart body"
            ));
            return;
        }
        let Some(boundary) = content_type.split("boundary=").nth(1) else {
            problems.push("no multipart boundary".to_owned());
            return;
        };
        let parts = multipart_parts(&request.body, boundary);
        let schema = self.body_schema("multipart/form-data");
        for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
            let Some((headers, value)) = parts.get(name) else {
                problems.push(format!("form field {name} was not sent"));
                continue;
            };
            if prop["format"] == "binary" {
                if !headers.contains("filename=") || value.is_empty() {
                    problems.push(format!("form field {name} is not a file"));
                }
                continue;
            }
            let text = String::from_utf8_lossy(value).into_owned();
            let json_schema = self.spec.to_json_schema(prop);
            if let Err(errors) = self.spec.validate(&json_schema, &Value::String(text)) {
                problems.push(format!("form field {name}: {errors:?}"));
            }
        }
    }

    /// Every response instance the spec describes decodes into `T` and encodes back without
    /// losing a field.
    pub fn responses_decode<T: DeserializeOwned + Serialize>(&self) {
        let (status, _) = self.success();
        let instances = self.spec.response_instances(&self.id, status);
        assert!(!instances.is_empty(), "{}: no response instances", self.id);
        let failures: Vec<String> = instances
            .iter()
            .filter_map(|(label, instance)| {
                decodes::<T>(instance)
                    .err()
                    .map(|e| format!("{label}: {e}"))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{}: answers that do not decode into {}:\n  {}",
            self.id,
            std::any::type_name::<T>(),
            failures.join("\n  ")
        );
    }
}

/// A query parameter's sent values as the JSON its schema describes.
fn query_value(schema: &Value, values: &[String], comma: bool) -> Value {
    let scalar = |s: &str, ty: &Value| match ty.as_str() {
        Some("integer") => s
            .parse::<i64>()
            .map_or(Value::String(s.to_owned()), Value::from),
        Some("number") => s
            .parse::<f64>()
            .map_or(Value::String(s.to_owned()), Value::from),
        Some("boolean") => match s {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_owned()),
        },
        _ => Value::String(s.to_owned()),
    };
    if schema["type"] == "array" {
        let items: Vec<&str> = if comma {
            values.iter().flat_map(|v| v.split(',')).collect()
        } else {
            values.iter().map(String::as_str).collect()
        };
        Value::Array(
            items
                .iter()
                .map(|s| scalar(s, &schema["items"]["type"]))
                .collect(),
        )
    } else if values.len() == 1 {
        scalar(&values[0], &schema["type"])
    } else {
        Value::Array(values.iter().map(|s| Value::String(s.clone())).collect())
    }
}

/// The parts of a multipart body by field name: (their headers, their bytes).
fn multipart_parts(body: &[u8], boundary: &str) -> BTreeMap<String, (String, Vec<u8>)> {
    let delimiter = format!("--{}", boundary.trim_matches('"'));
    let text = body;
    let mut out = BTreeMap::new();
    let mut chunks = Vec::new();
    let mut start = 0;
    let d = delimiter.as_bytes();
    let mut i = 0;
    while i + d.len() <= text.len() {
        if &text[i..i + d.len()] == d {
            chunks.push(&text[start..i]);
            i += d.len();
            start = i;
        } else {
            i += 1;
        }
    }
    for chunk in chunks.into_iter().skip(1) {
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let Some(split) = chunk.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&chunk[..split]).into_owned();
        let mut value = chunk[split + 4..].to_vec();
        if value.ends_with(b"\r\n") {
            value.truncate(value.len() - 2);
        }
        let Some(name) = headers
            .split("name=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
        else {
            continue;
        };
        out.insert(name.to_owned(), (headers.clone(), value));
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes an instance into `T` and checks that encoding it back keeps every field the
/// instance had.
pub fn decodes<T: DeserializeOwned + Serialize>(instance: &Value) -> Result<(), String> {
    let decoded: T = serde_path_to_error::deserialize(instance).map_err(|e| {
        format!(
            "does not decode into {} at `{}`: {}",
            std::any::type_name::<T>(),
            e.path(),
            e.inner()
        )
    })?;
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))?;
    contained(instance, &encoded, "").map_err(|e| format!("encodes back without {e}"))
}

/// Every member of `a` is in `b` (a `null` may be left out). A `Page` encodes any list answer
/// as `{data, total_count}` with a whole-number count.
fn contained(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Array(_), Value::Object(page)) if page.contains_key("data") => {
            contained(a, &page["data"], at)
        }
        (Value::Object(x), Value::Object(page))
            if x.contains_key("m2m_tokens") && page.contains_key("data") =>
        {
            contained(&x["m2m_tokens"], &page["data"], &format!("{at}/m2m_tokens"))
        }
        (Value::Number(x), Value::Number(y))
            if at.ends_with("/total_count") && x.as_f64().map(f64::trunc) == y.as_f64() =>
        {
            Ok(())
        }
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => contained(v, w, &format!("{at}/{k}"))?,
                    None if v.is_null() => {}
                    None => return Err(format!("{at}/{k}")),
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                contained(v, w, &format!("{at}/{i}"))?;
            }
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        (x, y) if x == y => Ok(()),
        (x, y) => Err(format!("{at} (was {x}, is {y})")),
    }
}

/// A component schema's decoder.
pub type Decode = fn(&Value) -> Result<(), String>;

/// Every instance of every component schema decodes into its model; the table covers every
/// schema of the spec.
pub fn components(table: &[(&str, Decode)]) {
    let Some(spec) = spec() else { return };
    let names = spec.component_schema_names();
    let listed: BTreeSet<&str> = table.iter().map(|(n, _)| *n).collect();
    for name in &names {
        assert!(
            listed.contains(name.as_str()),
            "schema {name} has no model in the table"
        );
    }
    let mut failures = Vec::new();
    for (name, decode) in table {
        for (label, instance) in spec.instances(name) {
            if let Err(e) = decode(&instance) {
                failures.push(format!("{name} ({label}): {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} schema instances do not decode:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
