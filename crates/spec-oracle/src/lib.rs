//! Clerk's Backend API OpenAPI spec, read at test time and used as an oracle.
//!
//! The spec is never a build input: tests load it with [`Spec::load`], which skips (returns
//! `None` with a message) when the file is absent and fails when `CLERK_SPEC_REQUIRED=1`.
//! [`Spec::load_webhooks`] does the same for Clerk's webhooks spec, whose event types, schemas
//! and examples [`Spec::webhook_events`] lists. From
//! it they get operations ([`Spec::operation`]), self-contained JSON Schemas translated from
//! OpenAPI 3.0 ([`Spec::component_schema`], [`Spec::request_body_schema`],
//! [`Spec::response_schema`]) to validate JSON against ([`Spec::validate`]), and instances
//! generated from the schemas ([`Spec::instances`]) to decode into the SDK's models.
//!
//! ```no_run
//! let Some(spec) = spec_oracle::Spec::load() else { return };
//! let schema = spec.component_schema("User");
//! for (label, instance) in spec.instances("User") {
//!     spec.validate(&schema, &instance).unwrap_or_else(|e| panic!("{label}: {e:?}"));
//! }
//! ```

mod convert;
mod generate;

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The file name of the pinned spec.
pub const SPEC_FILE: &str = "clerk-bapi-2026-05-12.json";
/// The environment variable that overrides the spec's path.
pub const SPEC_PATH_ENV: &str = "CLERK_OPENAPI_SPEC";
/// The environment variable that, set to `1`, turns a missing spec into a failure.
pub const SPEC_REQUIRED_ENV: &str = "CLERK_SPEC_REQUIRED";
/// The file name of the pinned webhooks spec.
pub const WEBHOOKS_SPEC_FILE: &str = "clerk-webhooks-2025-04-15.json";
/// The environment variable that overrides the webhooks spec's path.
pub const WEBHOOKS_SPEC_PATH_ENV: &str = "CLERK_WEBHOOKS_SPEC";

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A loaded OpenAPI 3.0 document.
#[derive(Debug, Clone)]
pub struct Spec {
    doc: Value,
    path: PathBuf,
}

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInfo {
    /// The `operationId`.
    pub id: String,
    /// The HTTP method, uppercase (`GET`).
    pub method: String,
    /// The path template as the spec writes it (`/users/{user_id}`).
    pub path: String,
    /// The operation's tags (`Users`).
    pub tags: Vec<String>,
}

/// One event type of the webhooks spec (an entry of its `x-webhooks`).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEventSpec {
    /// The event type (`user.created`).
    pub event_type: String,
    /// The schema of the whole delivery body (envelope and `data`), as the spec writes it
    /// (OpenAPI 3.0, `$ref`s into the spec): feed it to [`Spec::instances_of`] or
    /// [`Spec::to_json_schema`].
    pub schema: Value,
    /// The spec's examples of the body, each with a label (`example`, or the name in
    /// `examples`), `$ref`s to `components/examples` resolved.
    pub examples: Vec<(String, Value)>,
}

/// A compiled JSON Schema, from [`Spec::validator`]. Reuse it to validate many instances.
pub struct SchemaValidator {
    inner: jsonschema::Validator,
}

impl std::fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaValidator").finish_non_exhaustive()
    }
}

impl SchemaValidator {
    /// Checks `instance`; each error names the instance path (`/email_addresses/0/id`, or
    /// `(root)`) and what is wrong there.
    pub fn validate(&self, instance: &Value) -> Result<(), Vec<String>> {
        let errors: Vec<String> = self
            .inner
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() {
                    "(root)".to_owned()
                } else {
                    at
                };
                format!("{at}: {e}")
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Spec {
    /// Where [`Spec::load`] looks: `$CLERK_OPENAPI_SPEC`, else `shared/specs/` beside the
    /// workspace.
    pub fn default_path() -> PathBuf {
        match std::env::var_os(SPEC_PATH_ENV) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/specs")
                .join(SPEC_FILE),
        }
    }

    /// Loads the spec from [`Spec::default_path`].
    ///
    /// When the file is absent it prints a skip message and returns `None`, unless
    /// `CLERK_SPEC_REQUIRED=1`, where it panics. A file that exists but cannot be read or
    /// parsed panics either way.
    pub fn load() -> Option<Spec> {
        let required = std::env::var(SPEC_REQUIRED_ENV).is_ok_and(|v| v.trim() == "1");
        Spec::load_from(&Spec::default_path(), required)
    }

    /// Like [`Spec::load`], with the path and the "required" switch given.
    pub fn load_from(path: &Path, required: bool) -> Option<Spec> {
        Spec::load_file(path, required, "OpenAPI spec", SPEC_PATH_ENV)
    }

    /// Where [`Spec::load_webhooks`] looks: `$CLERK_WEBHOOKS_SPEC`; else beside
    /// `$CLERK_OPENAPI_SPEC` when the file is there; else `shared/specs/` beside the workspace.
    pub fn default_webhooks_path() -> PathBuf {
        if let Some(p) = std::env::var_os(WEBHOOKS_SPEC_PATH_ENV).filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        if let Some(beside) = std::env::var_os(SPEC_PATH_ENV)
            .filter(|p| !p.is_empty())
            .and_then(|p| Some(Path::new(&p).parent()?.join(WEBHOOKS_SPEC_FILE)))
            .filter(|p| p.exists())
        {
            return beside;
        }
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/specs")
            .join(WEBHOOKS_SPEC_FILE)
    }

    /// Loads Clerk's webhooks spec from [`Spec::default_webhooks_path`], skipping or failing
    /// as [`Spec::load`] does.
    pub fn load_webhooks() -> Option<Spec> {
        let required = std::env::var(SPEC_REQUIRED_ENV).is_ok_and(|v| v.trim() == "1");
        Spec::load_webhooks_from(&Spec::default_webhooks_path(), required)
    }

    /// Like [`Spec::load_webhooks`], with the path and the "required" switch given.
    pub fn load_webhooks_from(path: &Path, required: bool) -> Option<Spec> {
        Spec::load_file(path, required, "webhooks spec", WEBHOOKS_SPEC_PATH_ENV)
    }

    fn load_file(path: &Path, required: bool, what: &str, path_env: &str) -> Option<Spec> {
        if !path.exists() {
            if required {
                panic!(
                    "the {what} is required ({SPEC_REQUIRED_ENV}=1) but {} does not exist; \
                     set {path_env} to its path",
                    path.display()
                );
            }
            eprintln!(
                "skipping: the {what} {} does not exist (set {path_env} to its path, \
                 or {SPEC_REQUIRED_ENV}=1 to fail instead)",
                path.display()
            );
            return None;
        }
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read the {what} {}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the {what} {} is not JSON: {e}", path.display()));
        let mut spec = Spec::from_value(doc);
        spec.path = path.to_owned();
        Some(spec)
    }

    /// A spec from a parsed document (for tests with a small hand-written spec).
    ///
    /// Panics unless it is an OpenAPI 3.0 document: the schema translation assumes 3.0's
    /// `nullable`.
    pub fn from_value(doc: Value) -> Spec {
        let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
        assert!(
            version.starts_with("3.0"),
            "not an OpenAPI 3.0 document (openapi: {version:?})"
        );
        Spec {
            doc,
            path: PathBuf::new(),
        }
    }

    /// The file the spec was loaded from (empty for [`Spec::from_value`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw OpenAPI document.
    pub fn document(&self) -> &Value {
        &self.doc
    }

    // -----------------------------------------------------------------------------------------
    // Operations

    fn operation_objects(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        self.doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|paths| paths.iter())
            .flat_map(|(path, item)| {
                HTTP_METHODS.iter().filter_map(move |m| {
                    item.get(*m)
                        .filter(|op| op.is_object())
                        .map(|op| (path.as_str(), *m, op))
                })
            })
    }

    fn operation_object(&self, operation_id: &str) -> Option<&Value> {
        self.operation_objects()
            .find(|(_, _, op)| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
            .map(|(_, _, op)| op)
    }

    /// Every operation, in the spec's order.
    pub fn operations(&self) -> Vec<OperationInfo> {
        self.operation_objects()
            .filter_map(|(path, method, op)| {
                Some(OperationInfo {
                    id: op.get("operationId")?.as_str()?.to_owned(),
                    method: method.to_ascii_uppercase(),
                    path: path.to_owned(),
                    tags: op
                        .get("tags")
                        .and_then(Value::as_array)
                        .map(|t| {
                            t.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, operation_id: &str) -> Option<OperationInfo> {
        self.operations()
            .into_iter()
            .find(|op| op.id == operation_id)
    }

    /// The `operationId`s of the operations with this tag, in the spec's order.
    pub fn operation_ids_with_tag(&self, tag: &str) -> Vec<String> {
        self.operations()
            .into_iter()
            .filter(|op| op.tags.iter().any(|t| t == tag))
            .map(|op| op.id)
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Webhooks

    /// The event types of a webhooks spec (its `x-webhooks`), in the spec's order, with the
    /// schema and examples of each one's body. Empty for a spec without webhooks.
    pub fn webhook_events(&self) -> Vec<WebhookEventSpec> {
        let Some(hooks) = self.doc.get("x-webhooks").and_then(Value::as_object) else {
            return Vec::new();
        };
        hooks
            .iter()
            .map(|(event_type, item)| {
                let op = HTTP_METHODS
                    .iter()
                    .find_map(|m| item.get(*m))
                    .unwrap_or_else(|| panic!("webhook {event_type:?} has no operation"));
                let body = self.resolve(
                    op.get("requestBody")
                        .unwrap_or_else(|| panic!("webhook {event_type:?} has no request body")),
                );
                let content = body
                    .pointer("/content/application~1json")
                    .unwrap_or_else(|| panic!("webhook {event_type:?} has no JSON body"));
                let schema = content
                    .get("schema")
                    .unwrap_or_else(|| panic!("webhook {event_type:?} has no schema"))
                    .clone();
                let mut examples = Vec::new();
                if let Some(example) = content.get("example") {
                    examples.push(("example".to_owned(), example.clone()));
                }
                for (name, example) in content
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let example = self.resolve(example);
                    let value = example.get("value").unwrap_or_else(|| {
                        panic!("example {name:?} of webhook {event_type:?} has no value")
                    });
                    examples.push((name.clone(), value.clone()));
                }
                WebhookEventSpec {
                    event_type: event_type.clone(),
                    schema,
                    examples,
                }
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Raw (OpenAPI) schemas

    /// Follows `$ref`s inside the document (responses, request bodies, schemas).
    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..64 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let pointer = r
                        .strip_prefix('#')
                        .unwrap_or_else(|| panic!("external $ref {r:?} is not supported"));
                    value = self
                        .doc
                        .pointer(&percent_decode(pointer))
                        .unwrap_or_else(|| panic!("dangling $ref {r:?}"));
                }
                None => return value,
            }
        }
        panic!("$ref chain too long (a cycle?)")
    }

    /// The names of the component schemas, in the spec's order.
    pub fn component_schema_names(&self) -> Vec<String> {
        self.components().keys().cloned().collect()
    }

    fn components(&self) -> &serde_json::Map<String, Value> {
        static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> =
            std::sync::OnceLock::new();
        self.doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(serde_json::Map::new))
    }

    /// The component schema `name` as the spec writes it (OpenAPI 3.0). Panics if absent.
    pub fn raw_component_schema(&self, name: &str) -> &Value {
        self.components()
            .get(name)
            .unwrap_or_else(|| panic!("no component schema {name:?} in the spec"))
    }

    fn raw_request_body_schema(&self, operation_id: &str, content_type: &str) -> Option<&Value> {
        let op = self.operation_object(operation_id)?;
        let body = self.resolve(op.get("requestBody")?);
        body.get("content")?.get(content_type)?.get("schema")
    }

    fn raw_response_schema(&self, operation_id: &str, status: u16) -> Option<&Value> {
        let responses = self.operation_object(operation_id)?.get("responses")?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let response = responses
            .get(&exact)
            .or_else(|| responses.get(&range))
            .or_else(|| responses.get(range.to_ascii_lowercase()))?;
        let response = self.resolve(response);
        let content = response.get("content")?.as_object()?;
        content
            .get("application/json")
            .or_else(|| content.values().next())?
            .get("schema")
    }

    /// The component schemas an operation's request bodies and responses refer to, directly
    /// or through other schemas.
    pub fn schemas_reachable_from_operation(&self, operation_id: &str) -> BTreeSet<String> {
        let Some(op) = self.operation_object(operation_id) else {
            return BTreeSet::new();
        };
        let mut roots = Vec::new();
        for key in ["requestBody", "responses"] {
            if let Some(v) = op.get(key) {
                roots.push(v);
            }
        }
        let mut seen = BTreeSet::new();
        let mut queue: VecDeque<&Value> = roots.into();
        while let Some(v) = queue.pop_front() {
            for r in collect_refs(v) {
                if let Some(name) = component_name(&r) {
                    if seen.insert(name.clone()) {
                        queue.push_back(self.raw_component_schema(&name));
                    }
                } else if r.starts_with("#/components/") {
                    queue.push_back(self.resolve_ref(&r));
                }
            }
        }
        seen
    }

    fn resolve_ref(&self, r: &str) -> &Value {
        let pointer = r.strip_prefix('#').unwrap_or(r);
        self.doc
            .pointer(&percent_decode(pointer))
            .unwrap_or_else(|| panic!("dangling $ref {r:?}"))
    }

    // -----------------------------------------------------------------------------------------
    // JSON Schemas

    /// The component schema `name` as a self-contained JSON Schema (draft 2020-12). Panics if
    /// absent.
    pub fn component_schema(&self, name: &str) -> Value {
        let raw = self.raw_component_schema(name);
        convert::self_contained(self, raw)
    }

    /// The schema of an operation's request body for this content type, as a self-contained
    /// JSON Schema; `None` when the operation has no such body.
    pub fn request_body_schema(&self, operation_id: &str, content_type: &str) -> Option<Value> {
        let raw = self.raw_request_body_schema(operation_id, content_type)?;
        Some(convert::self_contained(self, raw))
    }

    /// The schema of an operation's response with this status (or its `NXX` range), as a
    /// self-contained JSON Schema; `None` when that response has no body. JSON content is
    /// preferred when a response has several.
    pub fn response_schema(&self, operation_id: &str, status: u16) -> Option<Value> {
        let raw = self.raw_response_schema(operation_id, status)?;
        Some(convert::self_contained(self, raw))
    }

    /// Translates any OpenAPI 3.0 schema of this spec (its `$ref`s point into this spec) to a
    /// self-contained JSON Schema.
    pub fn to_json_schema(&self, openapi_schema: &Value) -> Value {
        convert::self_contained(self, openapi_schema)
    }

    /// Compiles a JSON Schema (from this spec's `*_schema` methods); formats are checked.
    /// Panics if the schema itself is invalid.
    pub fn validator(&self, schema: &Value) -> SchemaValidator {
        let inner = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema)
            .unwrap_or_else(|e| panic!("invalid JSON Schema: {e}"));
        SchemaValidator { inner }
    }

    /// Validates `instance` against `schema`; see [`SchemaValidator::validate`].
    pub fn validate(&self, schema: &Value, instance: &Value) -> Result<(), Vec<String>> {
        self.validator(schema).validate(instance)
    }

    // -----------------------------------------------------------------------------------------
    // Instances

    /// Instances of the component schema `name`, each with a label:
    ///
    /// - `maximal-null`: every property present, the nullable ones `null`;
    /// - `maximal-valued[k=N]`: every property present and non-null, choosing the `k`-th value
    ///   of each enum and the `k`-th alternative of each `oneOf`/`anyOf` (modulo their
    ///   length), for `k` up to the longest enum or alternative list met;
    /// - `minimal`: only required properties, recursively.
    ///
    /// Panics if the schema is absent.
    pub fn instances(&self, name: &str) -> Vec<(String, Value)> {
        let raw = self.raw_component_schema(name);
        generate::instances(self, raw, Some(name))
    }

    /// Instances (as [`Spec::instances`]) of an operation's response body with this status;
    /// empty when that response has no body.
    pub fn response_instances(&self, operation_id: &str, status: u16) -> Vec<(String, Value)> {
        match self.raw_response_schema(operation_id, status) {
            Some(raw) => generate::instances(self, raw, None),
            None => Vec::new(),
        }
    }

    /// Instances (as [`Spec::instances`]) of any OpenAPI schema of this spec.
    pub fn instances_of(&self, openapi_schema: &Value) -> Vec<(String, Value)> {
        generate::instances(self, openapi_schema, None)
    }
}

/// Every `$ref` string inside a JSON value.
fn collect_refs(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// `X` of a `#/components/schemas/X` reference, unescaped.
fn component_name(reference: &str) -> Option<String> {
    let encoded = reference.strip_prefix("#/components/schemas/")?;
    if encoded.contains('/') {
        return None;
    }
    Some(
        percent_decode(encoded)
            .replace("~1", "/")
            .replace("~0", "~"),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
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
