//! Rust types from the spec's schemas: structs, open enums, unions with a raw fallback, aliases.
//!
//! Component schemas keep their names (Pascal case, or a rename from the overrides); inline
//! schemas are named after where they sit (`<Parent><Field>`, `<Operation>Response`), and an
//! inline schema with the shape of one already named reuses that type.

use std::collections::{BTreeSet, HashMap};

use crate::json::Json;
use crate::names;
use crate::overrides::Overrides;

/// A field or value type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Str,
    Bool,
    Int,
    Float,
    /// `limit`: a page size.
    U32,
    /// `offset`.
    U64,
    /// Any JSON.
    Value,
    /// A JSON object of anything (metadata, claims, settings).
    Metadata,
    /// A string that must not be logged.
    Secret,
    /// A file sent in a multipart body.
    Upload,
    Vec(Box<Ty>),
    /// A JSON object whose values all have one type.
    Map(Box<Ty>),
    /// A generated or hand-written type.
    Named(String),
}

impl Ty {
    /// The Rust type, as written inside the generated modules (which import `crate::models::*`).
    pub fn rust(&self) -> String {
        match self {
            Ty::Str => "String".into(),
            Ty::Bool => "bool".into(),
            Ty::Int => "i64".into(),
            Ty::Float => "f64".into(),
            Ty::U32 => "u32".into(),
            Ty::U64 => "u64".into(),
            Ty::Value => "serde_json::Value".into(),
            Ty::Metadata => "Metadata".into(),
            Ty::Secret => "SecretString".into(),
            Ty::Upload => "Image".into(),
            Ty::Vec(t) => format!("Vec<{}>", t.rust()),
            Ty::Map(t) => format!("std::collections::BTreeMap<String, {}>", t.rust()),
            Ty::Named(n) => n.clone(),
        }
    }

    pub fn is_integer(&self) -> bool {
        matches!(self, Ty::Int | Ty::U32 | Ty::U64)
    }

    /// The named types this type mentions.
    pub fn names(&self, out: &mut BTreeSet<String>) {
        match self {
            Ty::Vec(t) | Ty::Map(t) => t.names(out),
            Ty::Named(n) => {
                out.insert(n.clone());
            }
            _ => {}
        }
    }
}

/// Checks made before a request is sent, from the schema's bounds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub non_empty: bool,
    pub non_empty_items: bool,
}

impl Checks {
    pub fn any(&self) -> bool {
        *self != Checks::default()
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub patch: bool,
    pub deprecated: bool,
    pub doc: String,
    pub checks: Checks,
    /// Always sent with this value, and not settable (`paginated=true`).
    pub fixed: Option<String>,
    /// A query array sent comma-separated (`explode: false`).
    pub comma: bool,
    /// The members beyond the named ones (`#[serde(flatten)]`), for request objects whose
    /// schema allows any others.
    pub flatten: bool,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Struct(Vec<Field>),
    Enum(Vec<String>),
    /// Variants (name, type); `tag` is the property whose single value tells the branches apart.
    Union {
        variants: Vec<(String, Ty)>,
        tag: Option<(String, Vec<String>)>,
    },
    Alias(Ty),
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub kind: Kind,
    pub doc: String,
}

/// Builds the types of a spec.
pub struct Types<'a> {
    pub spec: &'a Json,
    pub ov: &'a Overrides,
    pub models: Vec<Model>,
    index: HashMap<String, usize>,
    components: HashMap<String, Ty>,
    shapes: HashMap<String, String>,
    /// Names reserved by request types and hand-written items, so models do not take them.
    pub reserved: BTreeSet<String>,
    pub errors: Vec<String>,
}

const MAX_DEPTH: usize = 64;

impl<'a> Types<'a> {
    pub fn new(spec: &'a Json, ov: &'a Overrides) -> Self {
        Types {
            spec,
            ov,
            models: Vec::new(),
            index: HashMap::new(),
            components: HashMap::new(),
            shapes: HashMap::new(),
            reserved: BTreeSet::new(),
            errors: Vec::new(),
        }
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.index.get(name).map(|&i| &self.models[i])
    }

    /// Follows `$ref`s.
    pub fn resolve<'s>(&'s self, mut schema: &'s Json) -> &'s Json {
        for _ in 0..MAX_DEPTH {
            match schema.get("$ref").and_then(Json::as_str) {
                Some(r) => match self.spec.pointer(r.trim_start_matches('#')) {
                    Some(target) => schema = target,
                    None => return schema,
                },
                None => return schema,
            }
        }
        schema
    }

    fn component_name(reference: &str) -> Option<&str> {
        reference.strip_prefix("#/components/schemas/")
    }

    /// The type of the component schema `name`.
    pub fn component(&mut self, name: &str) -> Ty {
        if let Some(ty) = self.components.get(name) {
            return ty.clone();
        }
        let ov = self.ov.schema.get(name);
        if let Some(rust) = ov.and_then(|o| o.rust.clone()) {
            let ty = Ty::Named(rust);
            self.components.insert(name.to_owned(), ty.clone());
            return ty;
        }
        if let Some(other) = ov.and_then(|o| o.same_as.clone()) {
            let ty = self.component(&other);
            self.components.insert(name.to_owned(), ty.clone());
            return ty;
        }
        let spec: &'a Json = self.spec;
        let Some(schema) = spec.pointer(&format!(
            "/components/schemas/{}",
            name.replace('~', "~0").replace('/', "~1")
        )) else {
            self.errors.push(format!("no component schema {name:?}"));
            return Ty::Value;
        };
        let rust = ov
            .and_then(|o| o.rename.clone())
            .unwrap_or_else(|| names::pascal(name));
        let doc = ov.and_then(|o| o.doc.clone());
        let origin = format!("spec schema `{name}`");
        // Register first: a schema may refer to itself.
        let placeholder = Ty::Named(rust.clone());
        self.components.insert(name.to_owned(), placeholder.clone());
        let ty = self.define(schema, &rust, &origin, doc, true);
        if ty != placeholder {
            // Not a named type (a plain string, say): an alias keeps the schema's name.
            if self.index.contains_key(&rust) {
                self.errors
                    .push(format!("type name {rust} is taken (schema {name})"));
            } else if !matches!(ty, Ty::Named(ref n) if n == &rust) {
                self.push(Model {
                    name: rust.clone(),
                    kind: Kind::Alias(ty),
                    doc: doc_or(None, &origin),
                });
            }
        }
        self.components.insert(name.to_owned(), placeholder.clone());
        placeholder
    }

    fn push(&mut self, model: Model) {
        self.index.insert(model.name.clone(), self.models.len());
        self.models.push(model);
    }

    /// Whether a schema (refs resolved one level) is nullable.
    pub fn nullable(&self, schema: &Json) -> bool {
        if schema.at("nullable").as_bool() == Some(true) {
            return true;
        }
        let target = self.resolve(schema);
        if target.at("nullable").as_bool() == Some(true) {
            return true;
        }
        // `allOf: [{$ref}]` with `nullable` beside it, or inside.
        target
            .at("allOf")
            .as_array()
            .iter()
            .any(|m| m.at("nullable").as_bool() == Some(true))
    }

    /// The type of a schema met inline; `hint` names any type it needs.
    pub fn ty(&mut self, schema: &Json, hint: &str, origin: &str) -> Ty {
        if let Some(r) = schema.get("$ref").and_then(Json::as_str) {
            return match Self::component_name(r) {
                Some(name) => self.component(&names_unescape(name)),
                None => {
                    let target = self.resolve(schema).clone();
                    self.ty(&target, hint, origin)
                }
            };
        }
        self.define(schema, hint, origin, None, false)
    }

    /// The type for `schema`, defining a model named `name` when it needs one. `named`: the
    /// name is the schema's own (a component), so no shape sharing and no rename lookup.
    fn define(
        &mut self,
        schema: &Json,
        name: &str,
        origin: &str,
        doc: Option<String>,
        named: bool,
    ) -> Ty {
        if let Some(r) = schema.get("$ref").and_then(Json::as_str)
            && let Some(c) = Self::component_name(r)
        {
            return self.component(&names_unescape(c));
        }
        // allOf: one member is that member; several merge into one struct.
        let all_of = schema.at("allOf").as_array();
        if !all_of.is_empty() && schema.get("properties").is_none() {
            if all_of.len() == 1 {
                return self.ty(&all_of[0].clone(), name, origin);
            }
            let mut merged = Vec::new();
            let mut required = Vec::new();
            self.merge(schema, &mut merged, &mut required, 0);
            return self.object(&merged, &required, name, origin, doc, named, schema);
        }
        // oneOf / anyOf (not the `anyOf: [{required}]` constraints beside properties).
        let alternatives = match (schema.get("oneOf"), schema.get("anyOf")) {
            (Some(a), _) | (None, Some(a)) if schema.get("properties").is_none() => a.as_array(),
            _ => &[],
        };
        if !alternatives.is_empty() {
            return self.union(alternatives, name, origin, doc, named);
        }
        if let Some(values) = schema.get("enum").map(Json::as_array) {
            if !values.is_empty() && values.iter().all(|v| matches!(v, Json::Bool(_))) {
                return Ty::Bool;
            }
            let strings: Vec<String> = values
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect();
            if strings.len() == 1 || strings.is_empty() {
                return Ty::Str;
            }
            if strings == ["true", "false"] || strings == ["false", "true"] {
                return Ty::Bool;
            }
            return self.enumeration(strings, name, origin, doc, named);
        }
        match schema.at("type").as_str() {
            Some("string") => {
                if schema.at("format").as_str() == Some("binary") {
                    Ty::Upload
                } else {
                    Ty::Str
                }
            }
            Some("integer") => Ty::Int,
            Some("number") => Ty::Float,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let items = schema.at("items").clone();
                // A named array's items need a name of their own.
                let hint = if named {
                    format!("{name}Item")
                } else {
                    name.to_owned()
                };
                Ty::Vec(Box::new(self.ty(&items, &hint, origin)))
            }
            Some("object") | None if schema.get("properties").is_some() => {
                let props = schema.at("properties").members().to_vec();
                let required = required_of(schema);
                self.object(&props, &required, name, origin, doc, named, schema)
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(ap)
                    if ap.is_object() && ap.get("type").is_some() || ap.get("$ref").is_some() =>
                {
                    let ap = ap.clone();
                    let value = self.ty(&ap, &format!("{name}Value"), origin);
                    if value == Ty::Value {
                        Ty::Metadata
                    } else {
                        Ty::Map(Box::new(value))
                    }
                }
                _ => Ty::Metadata,
            },
            _ => Ty::Value,
        }
    }

    fn merge(
        &self,
        schema: &Json,
        props: &mut Vec<(String, Json)>,
        required: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        for member in schema.at("allOf").as_array() {
            self.merge(member, props, required, depth + 1);
        }
        for (k, v) in schema.at("properties").members() {
            match props.iter_mut().find(|(pk, _)| pk == k) {
                Some(slot) => slot.1 = v.clone(),
                None => props.push((k.clone(), v.clone())),
            }
        }
        for r in required_of(schema) {
            if !required.contains(&r) {
                required.push(r);
            }
        }
    }

    /// The name an inline type gets: the override for `hint`, else `hint`, made unique.
    fn fresh_name(&mut self, hint: &str) -> String {
        let base = self
            .ov
            .schema
            .get(hint)
            .and_then(|o| o.rename.clone())
            .unwrap_or_else(|| hint.to_owned());
        let mut name = base.clone();
        let mut n = 2;
        while self.index.contains_key(&name) || self.reserved.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    fn shape_key(kind: &str, schema: &Json) -> String {
        format!("{kind}:{}", schema.shape())
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        props: &[(String, Json)],
        required: &[String],
        name: &str,
        origin: &str,
        doc: Option<String>,
        named: bool,
        schema: &Json,
    ) -> Ty {
        let key =
            Self::shape_key("object", &Json::Object(props.to_vec())) + &format!("{required:?}");
        if !named && let Some(existing) = self.shapes.get(&key) {
            return Ty::Named(existing.clone());
        }
        let rust = if named {
            name.to_owned()
        } else {
            self.fresh_name(name)
        };
        if !named {
            self.shapes.insert(key, rust.clone());
        }
        let doc = doc.or_else(|| self.ov.schema.get(name).and_then(|o| o.doc.clone()));
        // Register before the fields: they may refer back.
        self.push(Model {
            name: rust.clone(),
            kind: Kind::Struct(Vec::new()),
            doc: doc_or(doc, origin),
        });
        let mut fields = self.fields(props, required, &rust, origin);
        // A request object whose schema allows members beyond the named ones keeps them: what
        // the caller puts there is sent, not dropped.
        let open = match schema.get("additionalProperties") {
            Some(Json::Bool(true)) => true,
            Some(ap @ Json::Object(_)) => ap.get("type").is_none() && ap.get("$ref").is_none(),
            _ => false,
        };
        if open && origin.starts_with("request of") {
            fields.push(Field {
                wire: String::new(),
                rust: "other".to_owned(),
                ty: Ty::Metadata,
                required: true,
                nullable: false,
                patch: false,
                deprecated: false,
                doc: "Any other members, sent as they are (the spec allows more than the named \
                      ones)."
                    .to_owned(),
                checks: Checks::default(),
                fixed: None,
                comma: false,
                flatten: true,
            });
        }
        // A required property the spec gives no schema for is still a field, of any JSON.
        for wire in required
            .iter()
            .filter(|r| !props.iter().any(|(k, _)| k == *r))
        {
            let mut field = self.field(wire, &Json::Null, Ty::Value, true, &rust);
            field.nullable = true;
            fields.push(field);
        }
        let i = self.index[&rust];
        self.models[i].kind = Kind::Struct(fields);
        Ty::Named(rust)
    }

    /// The fields of an object.
    pub fn fields(
        &mut self,
        props: &[(String, Json)],
        required: &[String],
        owner: &str,
        origin: &str,
    ) -> Vec<Field> {
        let mut fields = Vec::new();
        for (wire, prop) in props {
            let hint = format!("{owner}{}", names::pascal(wire));
            let field_origin = format!("{origin}, property `{wire}`");
            let ty = self.ty(prop, &hint, &field_origin);
            let field = self.field(wire, prop, ty, required.contains(wire), owner);
            fields.push(field);
        }
        fields
    }

    /// One field, with the overrides for `owner.wire` applied.
    pub fn field(&self, wire: &str, prop: &Json, ty: Ty, required: bool, owner: &str) -> Field {
        let ov = self.ov.field.get(&format!("{owner}.{wire}"));
        let secret = ov
            .and_then(|o| o.secret)
            .unwrap_or_else(|| self.ov.secret_fields.iter().any(|s| s == wire));
        let ty = if secret { secret_of(ty) } else { ty };
        let target = self.resolve(prop);
        let deprecated = prop.at("deprecated").as_bool() == Some(true)
            || target.at("deprecated").as_bool() == Some(true);
        let checks = checks_of(self.resolve(prop), &ty, required, wire);
        Field {
            wire: wire.to_owned(),
            rust: ov
                .and_then(|o| o.rename.clone())
                .unwrap_or_else(|| names::field(wire)),
            doc: field_doc(wire, &ty, deprecated),
            ty,
            required: required && !ov.is_some_and(|o| o.optional),
            nullable: self.nullable(prop),
            patch: ov.is_some_and(|o| o.patch),
            deprecated,
            checks,
            fixed: None,
            comma: false,
            flatten: false,
        }
    }

    fn enumeration(
        &mut self,
        values: Vec<String>,
        name: &str,
        origin: &str,
        doc: Option<String>,
        named: bool,
    ) -> Ty {
        let key = format!("enum:{values:?}");
        if let Some(existing) = self.shapes.get(&key)
            && !named
        {
            return Ty::Named(existing.clone());
        }
        let rust = if named {
            name.to_owned()
        } else {
            self.fresh_name(name)
        };
        self.shapes.entry(key).or_insert_with(|| rust.clone());
        let doc = doc.or_else(|| self.ov.schema.get(name).and_then(|o| o.doc.clone()));
        self.push(Model {
            name: rust.clone(),
            kind: Kind::Enum(values),
            doc: doc_or(doc, origin),
        });
        Ty::Named(rust)
    }

    fn union(
        &mut self,
        alternatives: &[Json],
        name: &str,
        origin: &str,
        doc: Option<String>,
        named: bool,
    ) -> Ty {
        let alternatives = alternatives.to_vec();
        let mut tys = Vec::new();
        for (i, alt) in alternatives.iter().enumerate() {
            let hint = format!("{name}{}", i + 1);
            tys.push(self.ty(alt, &hint, origin));
        }
        let mut distinct: Vec<Ty> = Vec::new();
        for t in &tys {
            if !distinct.contains(t) {
                distinct.push(t.clone());
            }
        }
        if distinct.len() == 1 {
            return distinct.remove(0);
        }
        let key = format!("union:{distinct:?}");
        if !named && let Some(existing) = self.shapes.get(&key) {
            return Ty::Named(existing.clone());
        }
        let rust = if named {
            name.to_owned()
        } else {
            self.fresh_name(name)
        };
        self.shapes.insert(key, rust.clone());
        // A tag: every branch an object whose required property P has one enum value.
        let tag = self.tag_of(&alternatives);
        let mut variants: Vec<(String, Ty)> = Vec::new();
        for (i, t) in distinct.iter().enumerate() {
            let mut v = match t {
                Ty::Named(n) => n
                    .strip_prefix(rust.as_str())
                    .filter(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
                    .unwrap_or(n)
                    .to_owned(),
                other => names::pascal(&other.rust()),
            };
            if variants.iter().any(|(existing, _)| *existing == v) || v == "Other" {
                v = format!("{v}{}", i + 1);
            }
            variants.push((v, t.clone()));
        }
        let tag = tag.filter(|(_, values)| values.len() == variants.len());
        let doc = doc.or_else(|| self.ov.schema.get(name).and_then(|o| o.doc.clone()));
        self.push(Model {
            name: rust.clone(),
            kind: Kind::Union { variants, tag },
            doc: doc_or(doc, origin),
        });
        Ty::Named(rust)
    }

    fn tag_of(&self, alternatives: &[Json]) -> Option<(String, Vec<String>)> {
        let mut tag: Option<String> = None;
        let mut values = Vec::new();
        for alt in alternatives {
            let alt = self.resolve(alt);
            let required = required_of(alt);
            let found = alt.at("properties").members().iter().find(|(k, v)| {
                required.contains(k)
                    && tag.as_ref().is_none_or(|t| t == k)
                    && self.resolve(v).at("enum").as_array().len() == 1
            });
            let (k, v) = found?;
            tag = Some(k.clone());
            values.push(
                self.resolve(v).at("enum").as_array()[0]
                    .as_str()?
                    .to_owned(),
            );
        }
        let unique: BTreeSet<&String> = values.iter().collect();
        (unique.len() == values.len()).then(|| (tag.unwrap_or_default(), values))
    }
}

fn names_unescape(name: &str) -> String {
    crate::json::percent_decode(name)
        .replace("~1", "/")
        .replace("~0", "~")
}

pub fn required_of(schema: &Json) -> Vec<String> {
    schema
        .at("required")
        .as_array()
        .iter()
        .filter_map(Json::as_str)
        .map(str::to_owned)
        .collect()
}

fn secret_of(ty: Ty) -> Ty {
    match ty {
        Ty::Str => Ty::Secret,
        Ty::Vec(inner) => Ty::Vec(Box::new(secret_of(*inner))),
        other => other,
    }
}

fn checks_of(schema: &Json, ty: &Ty, required: bool, wire: &str) -> Checks {
    let int = |k: &str| schema.get(k).and_then(|v| v.as_f64()).map(|f| f as i64);
    let mut c = Checks::default();
    if ty.is_integer() {
        c.minimum = int("minimum");
        c.maximum = int("maximum");
    }
    if let Ty::Vec(inner) = ty {
        c.min_items = schema
            .get("minItems")
            .and_then(Json::as_u64)
            .filter(|&n| n > 0);
        c.max_items = schema.get("maxItems").and_then(Json::as_u64);
        c.non_empty_items = matches!(**inner, Ty::Str) && (wire.ends_with("_ids") || wire == "ids");
    }
    if matches!(ty, Ty::Str | Ty::Secret) && required {
        c.non_empty = schema
            .get("minLength")
            .and_then(Json::as_u64)
            .is_some_and(|n| n > 0);
    }
    c
}

fn doc_or(doc: Option<String>, origin: &str) -> String {
    match doc {
        Some(d) => format!("{d}\n\nFrom the {origin}."),
        None => format!("From the {origin}."),
    }
}

/// A field's documentation: its name in words, and what the schema says of its form.
pub fn field_doc(wire: &str, ty: &Ty, deprecated: bool) -> String {
    let words = names::words(wire);
    let mut text = words.join(" ").to_ascii_lowercase();
    if let Some(first) = text.get(0..1) {
        text = first.to_ascii_uppercase() + &text[1..];
    }
    text = text.replace(" id", " ID").replace("Id ", "ID ");
    if text == "Id" {
        text = "ID".to_owned();
    }
    if text.ends_with(" ids") {
        text = text.trim_end_matches(" ids").to_owned() + " IDs";
    }
    let mut out = format!("{text} (`{wire}`)");
    if ty.is_integer() && (wire.ends_with("_at") || wire == "timestamp") {
        out.push_str(", Unix milliseconds");
    }
    out.push('.');
    if deprecated {
        out.push_str(" Deprecated by Clerk.");
    }
    out
}
