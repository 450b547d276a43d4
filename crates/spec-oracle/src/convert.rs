//! OpenAPI 3.0 schemas to self-contained JSON Schemas (draft 2020-12).
//!
//! What changes: `nullable: true` becomes null acceptance (`type: [T, "null"]` and `null` added
//! to an `enum`; `anyOf: [schema, {type: null}]` around a `$ref` or a composition, whose
//! branches would reject `null` otherwise); 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum`
//! become 2020-12's numbers; keywords only OpenAPI knows (`example`, `discriminator`, `xml`,
//! `externalDocs`, `x-*`) are dropped, as are siblings of `$ref`, which 3.0 ignores; and
//! `#/components/schemas/X` becomes `#/$defs/X`, with every schema reachable copied under
//! `$defs` so the result validates on its own.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::{Spec, collect_refs, component_name};

/// `raw` (an OpenAPI schema of `spec`) as a JSON Schema carrying the component schemas it
/// reaches under `$defs`.
pub(crate) fn self_contained(spec: &Spec, raw: &Value) -> Value {
    let mut defs = Map::new();
    let mut queue = component_refs(raw);
    let mut seen = BTreeSet::new();
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = spec.raw_component_schema(&name);
        queue.extend(component_refs(schema));
        defs.insert(name, convert(schema));
    }
    let mut root = match convert(raw) {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("allOf".to_owned(), json!([other]));
            map
        }
    };
    root.insert(
        "$schema".to_owned(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    if !defs.is_empty() {
        root.insert("$defs".to_owned(), Value::Object(defs));
    }
    Value::Object(root)
}

fn component_refs(schema: &Value) -> Vec<String> {
    collect_refs(schema)
        .iter()
        .map(|r| component_name(r).unwrap_or_else(|| panic!("unsupported $ref {r:?} in a schema")))
        .collect()
}

/// One OpenAPI schema (and its subschemas) as JSON Schema; `$ref`s point to `#/$defs/`.
pub(crate) fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
    let mut out = Map::new();
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        let name =
            component_name(r).unwrap_or_else(|| panic!("unsupported $ref {r:?} in a schema"));
        out.insert("$ref".to_owned(), Value::String(def_ref(&name)));
    } else {
        for (key, value) in map {
            let converted = match key.as_str() {
                "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => continue,
                k if k.starts_with("x-") => continue,
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => continue,
                "properties" | "patternProperties" => Value::Object(
                    value
                        .as_object()
                        .map(|props| props.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
                        .unwrap_or_default(),
                ),
                "items" | "not" | "additionalProperties" => convert(value),
                "allOf" | "oneOf" | "anyOf" => Value::Array(
                    value
                        .as_array()
                        .map(|alts| alts.iter().map(convert).collect())
                        .unwrap_or_default(),
                ),
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        for (flag, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if map.get(flag) == Some(&Value::Bool(true))
                && let Some(limit) = out.remove(bound)
            {
                out.insert(flag.to_owned(), limit);
            }
        }
    }
    if nullable {
        make_nullable(out)
    } else {
        Value::Object(out)
    }
}

fn make_nullable(mut out: Map<String, Value>) -> Value {
    if ["$ref", "allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| out.contains_key(*k))
    {
        return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
    }
    match out.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            out.insert("type".to_owned(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.contains(&json!("null")) => types.push(json!("null")),
        _ => {}
    }
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    Value::Object(out)
}

/// `#/$defs/<name>`, with the name escaped as a JSON pointer token inside a URI fragment.
fn def_ref(name: &str) -> String {
    let token = name.replace('~', "~0").replace('/', "~1");
    let mut out = String::from("#/$defs/");
    for b in token.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_null_acceptance() {
        assert_eq!(
            convert(&json!({"type": "string", "nullable": true, "example": "x"})),
            json!({"type": ["string", "null"]})
        );
        assert_eq!(
            convert(&json!({"type": "string", "enum": ["a"], "nullable": true})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            convert(
                &json!({"$ref": "#/components/schemas/A", "nullable": true, "description": "d"})
            ),
            json!({"anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}]})
        );
        assert_eq!(
            convert(&json!({
                "type": "object", "nullable": true,
                "oneOf": [{"$ref": "#/components/schemas/A"}],
                "discriminator": {"propertyName": "object"},
                "x-speakeasy-unknown-values": "allow"
            })),
            json!({"anyOf": [
                {"type": "object", "oneOf": [{"$ref": "#/$defs/A"}]},
                {"type": "null"}
            ]})
        );
        assert_eq!(
            convert(&json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})),
            json!({"type": "integer", "exclusiveMinimum": 0})
        );
    }

    #[test]
    fn property_names_that_look_like_keywords_are_kept() {
        assert_eq!(
            convert(&json!({"type": "object", "properties": {"example": {"type": "string"}}})),
            json!({"type": "object", "properties": {"example": {"type": "string"}}})
        );
    }

    #[test]
    fn def_refs_are_escaped() {
        assert_eq!(def_ref("JWKS.rsa.PublicKey"), "#/$defs/JWKS.rsa.PublicKey");
        assert_eq!(def_ref("a/b c"), "#/$defs/a~1b%20c");
    }
}
