//! Operations: group and method names, the request type each one fills, what it answers.

use std::collections::{BTreeMap, BTreeSet};

use crate::json::Json;
use crate::model::{Field, Ty, Types, required_of};
use crate::names;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `limit` and `offset`.
    Offset,
    /// The users cursor, `starting_after`, usable when ordered by creation.
    Cursor,
    /// One page holds everything.
    Single,
}

#[derive(Debug, Clone)]
pub struct List {
    pub item: Ty,
    pub paging: Paging,
}

/// What the request type holds.
#[derive(Debug, Clone)]
pub enum Params {
    None,
    Query(Vec<Field>),
    /// The request type is the JSON body.
    Json(Vec<Field>),
    /// The JSON body is another type (a component, or an array); the request type wraps it.
    /// The fields are the component's, for arguments and setters (empty for arrays).
    JsonOf(Ty, Vec<Field>),
    Multipart(Vec<Field>),
}

impl Params {
    pub fn fields(&self) -> &[Field] {
        match self {
            Params::None => &[],
            Params::Query(f) | Params::Json(f) | Params::JsonOf(_, f) | Params::Multipart(f) => f,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Json(Ty),
    Empty,
    Text,
}

#[derive(Debug, Clone)]
pub struct Op {
    pub id: String,
    pub group: String,
    pub method: String,
    pub http: String,
    pub path: String,
    pub tag: String,
    pub deprecated: bool,
    pub custom: bool,
    pub summary: String,
    /// The request type's name.
    pub request: String,
    /// Path parameters in template order: (wire, rust).
    pub path_params: Vec<(String, String)>,
    pub params: Params,
    pub response: Response,
    pub list: Option<List>,
    /// The bounds of an array body (bulk operations): (minItems, maxItems).
    pub bulk: Option<(Option<u64>, Option<u64>)>,
}

impl Op {
    /// The Rust type a call resolves to (before any hand-written conversion).
    pub fn output(&self) -> String {
        match (&self.response, &self.list) {
            (_, Some(list)) => format!("Page<{}>", list.item.rust()),
            (Response::Json(ty), None) => ty.rust(),
            (Response::Empty, None) => "()".to_owned(),
            (Response::Text, None) => "String".to_owned(),
        }
    }

    /// The JSON type of the success body, for decoding tests.
    pub fn response_type(&self) -> Option<String> {
        match &self.response {
            Response::Json(_) if self.list.is_some() => Some(self.output()),
            Response::Json(ty) => Some(ty.rust()),
            _ => None,
        }
    }

    /// The call as a user writes it: `users().get(user_id)`.
    pub fn call(&self) -> String {
        format!(
            "{}().{}({})",
            self.group,
            self.method,
            self.args().join(", ")
        )
    }

    /// The names of the handler method's arguments.
    pub fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = self.path_params.iter().map(|(_, r)| r.clone()).collect();
        match &self.params {
            Params::JsonOf(Ty::Vec(_), _) => args.push("items".to_owned()),
            params => args.extend(
                params
                    .fields()
                    .iter()
                    .filter(|f| is_argument(f))
                    .map(|f| f.rust.clone()),
            ),
        }
        args
    }
}

/// A required field (or a file) is an argument of the handler method; the rest are setters.
pub fn is_argument(f: &Field) -> bool {
    f.fixed.is_none() && (f.required || f.ty == Ty::Upload)
}

pub struct Built {
    pub ops: Vec<Op>,
    pub errors: Vec<String>,
}

/// Takes the request types' names (one per operation, after its `operationId`) before any model
/// is named.
pub fn reserve_request_names(types: &mut Types<'_>) {
    let spec = types.spec;
    for (_, item) in spec.at("paths").members() {
        for m in METHODS {
            if let Some(id) = item.at(m).at("operationId").as_str() {
                types.reserved.insert(names::pascal(id));
            }
        }
    }
}

/// Every operation of the spec, in its order.
pub fn build(types: &mut Types<'_>) -> Built {
    let spec = types.spec;
    let ov = types.ov;
    let mut errors = Vec::new();
    let mut raw = Vec::new();
    for (path, item) in spec.at("paths").members() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                raw.push((
                    path.clone(),
                    m.to_ascii_uppercase(),
                    op.clone(),
                    item.clone(),
                ));
            }
        }
    }
    let mut ops = Vec::new();
    let mut seen_calls: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut used_ops = BTreeSet::new();
    for (path, http, op, item) in raw {
        let id = op.at("operationId").as_str().unwrap_or_default().to_owned();
        used_ops.insert(id.clone());
        let o = ov.op.get(&id);
        let group = match group_of(types, &id, &op) {
            Ok(g) => g,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let method = match o.and_then(|o| o.name.clone()).or_else(|| {
            op.at("x-speakeasy-name-override")
                .as_str()
                .map(names::snake)
        }) {
            Some(m) => m,
            None => {
                errors.push(format!(
                    "{id}: no method name (x-speakeasy-name-override or op.{id}.name)"
                ));
                continue;
            }
        };
        if let Some(other) = seen_calls.insert((group.clone(), method.clone()), id.clone()) {
            errors.push(format!(
                "{id} and {other} are both {group}().{method}(): rename one in the overrides"
            ));
        }
        let request = names::pascal(&id);
        let origin = format!("request of `{id}`");
        let mut path_params = Vec::new();
        let mut query = Vec::new();
        let params_json: Vec<Json> = item
            .at("parameters")
            .as_array()
            .iter()
            .chain(op.at("parameters").as_array())
            .cloned()
            .collect();
        for p in &params_json {
            let p = types.resolve(p).clone();
            let wire = p.at("name").as_str().unwrap_or_default().to_owned();
            let schema = p.at("schema").clone();
            match p.at("in").as_str() {
                Some("path") => path_params.push((wire.clone(), names::field(&wire))),
                Some("query") => {
                    let hint = format!("{request}{}", names::pascal(&wire));
                    let mut ty = types.ty(
                        &schema,
                        &hint,
                        &format!("{origin}, query parameter `{wire}`"),
                    );
                    // Page sizes and offsets are counts, whatever number type the spec gives.
                    if matches!(ty, Ty::Int | Ty::Float) && wire == "limit" {
                        ty = Ty::U32;
                    } else if matches!(ty, Ty::Int | Ty::Float) && wire == "offset" {
                        ty = Ty::U64;
                    }
                    let required = p.at("required").as_bool() == Some(true);
                    let mut field = types.field(&wire, &schema, ty, required, &request);
                    if wire == "paginated" {
                        field.fixed = Some("true".to_owned());
                    }
                    field.comma = p.at("explode").as_bool() == Some(false);
                    field.deprecated |= p.at("deprecated").as_bool() == Some(true);
                    query.push(field);
                }
                _ => {}
            }
        }
        // Path parameters follow the template's order.
        let order: Vec<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .map(str::to_owned)
            .collect();
        path_params.sort_by_key(|(w, _)| order.iter().position(|o| o == w));
        if path_params.len() != order.len() {
            errors.push(format!("{id}: the path {path} and its parameters disagree"));
        }
        let body = op.get("requestBody").map(|b| types.resolve(b).clone());
        let params = match body {
            Some(body) if !query.is_empty() => {
                errors.push(format!(
                    "{id}: query parameters and a body together are not supported"
                ));
                let _ = body;
                Params::None
            }
            Some(body) => body_params(types, &body, &request, &origin, &mut errors, &id),
            None if query.is_empty() => Params::None,
            None => Params::Query(query),
        };
        let mut list = None;
        let response = match list_shape(types, &op) {
            Some((items, shape)) => {
                let item = types.ty(
                    &items,
                    &format!("{request}Item"),
                    &format!("response of `{id}`"),
                );
                let has = |name: &str| params.fields().iter().any(|f| f.wire == name);
                if http == "GET" || shape == "data" {
                    let paging = match o.and_then(|o| o.paging.as_deref()) {
                        Some("cursor") => Paging::Cursor,
                        Some("offset") | None if has("limit") && has("offset") => Paging::Offset,
                        None => Paging::Single,
                        Some(other) => {
                            errors.push(format!("{id}: unknown paging {other:?}"));
                            Paging::Single
                        }
                    };
                    let page = Ty::Named(format!("Page<{}>", item.rust()));
                    list = Some(List { item, paging });
                    Response::Json(page)
                } else {
                    Response::Json(Ty::Vec(Box::new(item)))
                }
            }
            None => response_of(types, &op, &request, &id, &mut errors),
        };
        let summary = match summary_of(types, &id, &group, &method) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let bulk = op
            .get("requestBody")
            .map(|b| types.resolve(b).clone())
            .and_then(|b| b.pointer("/content/application~1json/schema").cloned())
            .map(|schema| types.resolve(&schema).clone())
            .filter(|schema| schema.at("type").as_str() == Some("array"))
            .map(|schema| {
                (
                    schema.at("minItems").as_u64(),
                    schema.at("maxItems").as_u64(),
                )
            });
        ops.push(Op {
            id: id.clone(),
            group,
            method,
            http,
            path: path.clone(),
            tag: op
                .at("tags")
                .as_array()
                .first()
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned(),
            deprecated: op.at("deprecated").as_bool() == Some(true),
            custom: o.is_some_and(|o| o.custom),
            summary,
            request,
            path_params,
            params,
            response,
            list,
            bulk,
        });
    }
    for id in ov.op.keys() {
        if !used_ops.contains(id) {
            errors.push(format!(
                "overrides: op.{id} is not an operation of the spec"
            ));
        }
    }
    Built { ops, errors }
}

fn group_of(types: &Types<'_>, id: &str, op: &Json) -> Result<String, String> {
    for (name, g) in &types.ov.group {
        if g.operations.iter().any(|o| o == id) {
            return Ok(name.clone());
        }
    }
    let Some(speakeasy) = op.at("x-speakeasy-group").as_str() else {
        return Err(format!(
            "{id}: no x-speakeasy-group; list it under a group's `operations`"
        ));
    };
    for (name, g) in &types.ov.group {
        if g.from.iter().any(|f| f == speakeasy) {
            return Ok(name.clone());
        }
    }
    Ok(names::snake(speakeasy))
}

fn summary_of(types: &Types<'_>, id: &str, group: &str, method: &str) -> Result<String, String> {
    if let Some(doc) = types.ov.op.get(id).and_then(|o| o.doc.clone()) {
        return Ok(doc);
    }
    let g = types.ov.group.get(group).ok_or_else(|| {
        format!("{id}: group {group} has no entry in the overrides (doc, noun, plural)")
    })?;
    let a = if g
        .noun
        .starts_with(['a', 'e', 'i', 'o', 'A', 'E', 'I', 'O', 'M'])
    {
        "an"
    } else {
        "a"
    };
    let noun = &g.noun;
    Ok(match method {
        "list" => format!("Lists {}.", g.plural),
        "get" => format!("Gets {a} {noun}."),
        "create" => format!("Creates {a} {noun}."),
        "update" => format!("Updates {a} {noun}; only the fields you set are sent."),
        "delete" => format!("Deletes {a} {noun}."),
        "revoke" => format!("Revokes {a} {noun}."),
        _ => {
            return Err(format!(
                "{id}: {group}().{method}() needs a summary (op.{id}.doc)"
            ));
        }
    })
}

fn body_params(
    types: &mut Types<'_>,
    body: &Json,
    request: &str,
    origin: &str,
    errors: &mut Vec<String>,
    id: &str,
) -> Params {
    let content = body.at("content");
    if let Some(json) = content.get("application/json") {
        let schema = json.at("schema").clone();
        if schema.get("$ref").is_some() {
            let ty = types.ty(&schema, &format!("{request}Body"), origin);
            let target = types.resolve(&schema).clone();
            let fields = match &ty {
                Ty::Named(n) => match types.model(n).map(|m| m.kind.clone()) {
                    Some(crate::model::Kind::Struct(fields)) => fields,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let _ = target;
            return Params::JsonOf(ty, fields);
        }
        let schema = types.resolve(&schema).clone();
        if schema.at("type").as_str() == Some("array") {
            let item = types.ty(
                &schema.at("items").clone(),
                &format!("{request}Item"),
                origin,
            );
            return Params::JsonOf(Ty::Vec(Box::new(item)), Vec::new());
        }
        let props = schema.at("properties").members().to_vec();
        let required = required_of(&schema);
        return Params::Json(types.fields(&props, &required, request, origin));
    }
    if let Some(multipart) = content.get("multipart/form-data") {
        let schema = types.resolve(multipart.at("schema")).clone();
        let props = schema.at("properties").members().to_vec();
        let required = required_of(&schema);
        return Params::Multipart(types.fields(&props, &required, request, origin));
    }
    errors.push(format!("{id}: a body of an unsupported content type"));
    Params::None
}

/// The items of a list answer: a JSON array, or an object with a `data` (or `m2m_tokens`)
/// array.
fn list_shape(types: &Types<'_>, op: &Json) -> Option<(Json, &'static str)> {
    let response = op
        .at("responses")
        .members()
        .iter()
        .find(|(c, _)| c.starts_with('2'))
        .map(|(_, r)| types.resolve(r).clone())?;
    let schema = response
        .pointer("/content/application~1json/schema")?
        .clone();
    let schema = types.resolve(&schema).clone();
    if schema.at("type").as_str() == Some("array") {
        return Some((schema.at("items").clone(), "array"));
    }
    for key in ["data", "m2m_tokens"] {
        let prop = types.resolve(schema.at("properties").at(key));
        if prop.at("type").as_str() == Some("array") {
            return Some((prop.at("items").clone(), "data"));
        }
    }
    None
}

fn response_of(
    types: &mut Types<'_>,
    op: &Json,
    request: &str,
    id: &str,
    errors: &mut Vec<String>,
) -> Response {
    let Some((code, response)) = op
        .at("responses")
        .members()
        .iter()
        .find(|(c, _)| c.starts_with('2'))
        .map(|(c, r)| (c.clone(), types.resolve(r).clone()))
    else {
        errors.push(format!("{id}: no success response"));
        return Response::Empty;
    };
    let status = code.parse().unwrap_or(200);
    let content = response.at("content");
    if let Some(json) = content.get("application/json") {
        let schema = json.at("schema").clone();
        let ty = types.ty(
            &schema,
            &format!("{request}Response"),
            &format!("response of `{id}`"),
        );
        return Response::Json(ty);
    }
    if content.members().is_empty() {
        // No body declared: a 2xx without content is empty; a 200 page (the interstitial) is
        // text.
        return if status == 200 {
            Response::Text
        } else {
            Response::Empty
        };
    }
    Response::Text
}
