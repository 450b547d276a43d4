//! The oracle checks itself: every instance it generates from a schema validates against that
//! schema's JSON Schema (so the generator and the `nullable` translation agree with the
//! spec), and instances that break the schema are rejected (so validation can fail).

use serde_json::{Value, json};
use spec_oracle::Spec;

/// Component schemas whose instances cannot all validate because the spec contradicts
/// itself, with the reason. Each entry must still fail (checked below), so a fixed spec
/// shows up as a failing test that asks for the entry to go.
const SELF_CONTRADICTORY: &[(&str, &str)] = &[(
    "JWKS",
    "`keys` items are a `oneOf` of public and private key schemas, but the public ones allow \
     additional properties, so every private key also matches its public alternative",
)];

#[test]
fn every_instance_of_every_component_schema_validates() {
    let Some(spec) = Spec::load() else { return };
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in spec.component_schema_names() {
        let skip = SELF_CONTRADICTORY.iter().find(|(n, _)| *n == name);
        let validator = spec.validator(&spec.component_schema(&name));
        let instances = spec.instances(&name);
        assert!(
            instances.iter().any(|(l, _)| l == "minimal")
                && instances
                    .iter()
                    .any(|(l, _)| l.starts_with("maximal-valued")),
            "{name}: missing instance kinds: {:?}",
            instances.iter().map(|(l, _)| l).collect::<Vec<_>>()
        );
        let mut failed = false;
        for (label, instance) in &instances {
            checked += 1;
            if let Err(errors) = validator.validate(instance) {
                failed = true;
                if skip.is_none() {
                    failures.push(format!(
                        "{name} {label}:\n    {}\n    instance: {instance}",
                        errors.join("\n    ")
                    ));
                }
            }
        }
        if let Some((_, reason)) = skip
            && !failed
        {
            failures.push(format!(
                "{name} is listed as self-contradictory ({reason}) but all its instances \
                     validate now: remove it from SELF_CONTRADICTORY"
            ));
        }
    }
    assert!(checked > 500, "only {checked} instances checked");
    assert!(
        failures.is_empty(),
        "{} generated instances do not validate:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn instances_cover_enum_values_and_alternatives() {
    let Some(spec) = Spec::load() else { return };
    // EmailAddress.verification is a oneOf of seven verification shapes.
    let objects: std::collections::BTreeSet<String> = spec
        .instances("EmailAddress")
        .iter()
        .filter(|(l, _)| l.starts_with("maximal-valued"))
        .filter_map(|(_, v)| v["verification"]["object"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(objects.len(), 7, "{objects:?}");
    // Every value of an enum appears (CommerceSubscriptionItem.status has eight).
    let statuses: Vec<Value> = spec
        .instances("CommerceSubscriptionItem")
        .into_iter()
        .filter(|(l, _)| l.starts_with("maximal-valued"))
        .map(|(_, v)| v["status"].clone())
        .collect();
    let declared =
        spec.raw_component_schema("CommerceSubscriptionItem")["properties"]["status"]["enum"]
            .as_array()
            .unwrap()
            .clone();
    assert_eq!(declared.len(), 8);
    for value in declared {
        assert!(statuses.contains(&value), "{value} never generated");
    }
    // Nullable properties are null in maximal-null, present and non-null elsewhere;
    // optional ones are absent from minimal.
    let user = spec.instances("User");
    let get = |label: &str| &user.iter().find(|(l, _)| l.as_str() == label).unwrap().1;
    assert_eq!(get("maximal-null")["first_name"], Value::Null);
    assert!(get("maximal-valued[k=0]")["first_name"].is_string());
    assert!(get("maximal-valued[k=0]")["scim"].is_object());
    assert!(get("minimal").get("locale").is_none());
    assert!(get("minimal")["id"].is_string());
}

#[test]
fn instances_that_break_the_schema_are_rejected() {
    let Some(spec) = Spec::load() else { return };
    let schema = spec.component_schema("User");
    let validator = spec.validator(&schema);
    let base = spec
        .instances("User")
        .into_iter()
        .find(|(l, _)| l == "maximal-valued[k=0]")
        .unwrap()
        .1;
    validator
        .validate(&base)
        .expect("the base instance is valid");

    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        edit(&mut v);
        v
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "wrong type",
            broken(&|v| v["banned"] = json!("yes")),
            "/banned",
        ),
        (
            "null where not nullable",
            broken(&|v| v["id"] = Value::Null),
            "/id",
        ),
        (
            "required property missing",
            broken(&|v| {
                v.as_object_mut().unwrap().remove("created_at");
            }),
            "(root)",
        ),
        (
            "unknown property where additionalProperties is false",
            broken(&|v| v["surprise"] = json!(1)),
            "(root)",
        ),
        (
            "value outside an enum",
            broken(&|v| v["object"] = json!("organization")),
            "/object",
        ),
        (
            "nested wrong type",
            broken(&|v| v["email_addresses"][0]["reserved"] = json!(1)),
            "/email_addresses/0",
        ),
    ];
    for (what, instance, at) in cases {
        match validator.validate(&instance) {
            Ok(()) => panic!("{what}: accepted {instance}"),
            Err(errors) => assert!(
                errors.iter().any(|e| e.starts_with(at)),
                "{what}: no error at {at}: {errors:?}"
            ),
        }
    }

    // And what the spec allows passes: nullable fields take null.
    let nulls = broken(&|v| {
        v["first_name"] = Value::Null;
        v["scim"] = Value::Null;
        v["email_addresses"][0]["verification"] = Value::Null;
    });
    validator
        .validate(&nulls)
        .expect("nullable fields accept null");
}

#[test]
fn operations_and_their_schemas_are_read() {
    let Some(spec) = Spec::load() else { return };
    let get_user = spec.operation("GetUser").expect("GetUser");
    assert_eq!(get_user.method, "GET");
    assert_eq!(get_user.path, "/users/{user_id}");
    assert_eq!(get_user.tags, ["Users"]);
    assert_eq!(spec.operation_ids_with_tag("Users").len(), 35);
    assert!(spec.operation("NoSuchOperation").is_none());

    // Responses are resolved through #/components/responses.
    let user = spec.response_schema("GetUser", 200).expect("GetUser 200");
    let (_, instance) = &spec.instances("User")[0];
    spec.validate(&user, instance)
        .expect("a User is a GetUser 200");
    assert!(spec.validate(&user, &json!({"id": 1})).is_err());
    assert!(spec.response_schema("GetUser", 599).is_none());
    assert!(!spec.response_instances("GetUser", 200).is_empty());

    let body = spec
        .request_body_schema("CreateUser", "application/json")
        .expect("CreateUser body");
    spec.validate(
        &body,
        &json!({"first_name": "Ada", "email_address": ["a@b.co"]}),
    )
    .expect("a small CreateUser body");
    assert!(spec.validate(&body, &json!({"first_name": 1})).is_err());
    assert!(
        spec.request_body_schema("GetUser", "application/json")
            .is_none()
    );
    assert!(
        spec.request_body_schema("SetUserProfileImage", "multipart/form-data")
            .is_some()
    );

    let reachable = spec.schemas_reachable_from_operation("GetUser");
    for name in ["User", "EmailAddress", "verification_otp", "ClerkErrors"] {
        assert!(reachable.contains(name), "{name} not in {reachable:?}");
    }
}

/// A small spec written here, so the translation is tested even without the real file.
fn tiny_spec() -> Spec {
    Spec::from_value(json!({
        "openapi": "3.0.3",
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "GetThing",
                    "tags": ["Things"],
                    "responses": {"200": {"$ref": "#/components/responses/Thing"}}
                }
            }
        },
        "components": {
            "responses": {
                "Thing": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
            },
            "schemas": {
                "Thing": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "kind", "owner", "shape", "parent", "tags"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^thing_\\w{27}$", "example": "x"},
                        "kind": {"type": "string", "enum": ["a", "b", "c"], "nullable": true},
                        "owner": {"$ref": "#/components/schemas/Owner", "nullable": true},
                        "wrapped": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true},
                        "shape": {
                            "type": "object",
                            "nullable": true,
                            "oneOf": [
                                {"$ref": "#/components/schemas/Circle"},
                                {"$ref": "#/components/schemas/Square"}
                            ],
                            "discriminator": {"propertyName": "object"}
                        },
                        "parent": {"$ref": "#/components/schemas/Thing", "nullable": true},
                        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                        "created": {"type": "string", "format": "date-time"},
                        "ratio": {"type": "number", "minimum": 0, "maximum": 1},
                        "meta": {"type": "object", "additionalProperties": true},
                        "x-ignored": {"type": "integer"}
                    },
                    "x-internal": true
                },
                "Owner": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 18}}
                },
                "Circle": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["object", "r"],
                    "properties": {"object": {"type": "string", "enum": ["circle"]}, "r": {"type": "number"}}
                },
                "Square": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["object", "side"],
                    "properties": {"object": {"type": "string", "enum": ["square"]}, "side": {"type": "integer"}}
                }
            }
        }
    }))
}

#[test]
fn nullable_is_translated_and_instances_validate_in_a_small_spec() {
    let spec = tiny_spec();
    let schema = spec.component_schema("Thing");
    let validator = spec.validator(&schema);
    let instances = spec.instances("Thing");
    let labels: Vec<&str> = instances.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "maximal-null",
            "maximal-valued[k=0]",
            "maximal-valued[k=1]",
            "maximal-valued[k=2]",
            "minimal"
        ]
    );
    for (label, instance) in &instances {
        validator
            .validate(instance)
            .unwrap_or_else(|e| panic!("{label}: {e:?}\n{instance}"));
    }
    let get = |label: &str| &instances.iter().find(|(l, _)| l == label).unwrap().1;
    let null = get("maximal-null");
    for key in ["kind", "owner", "wrapped", "shape", "parent"] {
        assert_eq!(null[key], Value::Null, "{key}");
    }
    let k1 = get("maximal-valued[k=1]");
    assert_eq!(k1["kind"], "b");
    assert_eq!(k1["shape"]["object"], "square");
    assert_eq!(k1["tags"].as_array().unwrap().len(), 2);
    assert_eq!(k1["meta"], json!({"k": "v"}));
    assert_eq!(k1["owner"]["age"], 18);
    assert_eq!(k1["id"].as_str().unwrap().len(), "thing_".len() + 27);
    // The recursive `parent` is cut: `null` is the best a required property can get.
    assert_eq!(k1["parent"], Value::Null);
    let minimal = get("minimal");
    assert!(minimal.get("created").is_none());
    assert!(minimal["owner"].get("age").is_none());

    // What the OpenAPI keywords became.
    let thing = &schema;
    assert_eq!(
        thing["properties"]["kind"],
        json!({"type": ["string", "null"], "enum": ["a", "b", "c", null]})
    );
    assert_eq!(
        thing["properties"]["owner"],
        json!({"anyOf": [{"$ref": "#/$defs/Owner"}, {"type": "null"}]})
    );
    assert!(thing["properties"]["id"].get("example").is_none());
    assert!(thing.get("x-internal").is_none());
    assert!(
        thing["properties"].get("x-ignored").is_some(),
        "a property, not a keyword"
    );
    assert!(thing["$defs"].get("Circle").is_some());

    // Rejections.
    let base = get("maximal-valued[k=0]").clone();
    for (what, edit) in [
        ("kind outside the enum", json!({"kind": "z"})),
        (
            "shape matching no alternative",
            json!({"shape": {"object": "circle", "side": 1}}),
        ),
        ("owner too young", json!({"owner": {"name": "x", "age": 3}})),
        ("bad date-time", json!({"created": "yesterday"})),
        ("id not matching its pattern", json!({"id": "thing_1"})),
        ("too few tags", json!({"tags": ["one"]})),
        ("ratio above its maximum", json!({"ratio": 2})),
    ] {
        let mut instance = base.clone();
        for (k, v) in edit.as_object().unwrap() {
            instance[k] = v.clone();
        }
        assert!(validator.validate(&instance).is_err(), "{what}: accepted");
    }

    let op = spec.operation("GetThing").unwrap();
    assert_eq!(
        (op.method.as_str(), op.path.as_str()),
        ("GET", "/things/{id}")
    );
    assert_eq!(spec.operation_ids_with_tag("Things"), ["GetThing"]);
    assert!(spec.response_schema("GetThing", 200).is_some());
    assert_eq!(
        spec.schemas_reachable_from_operation("GetThing")
            .into_iter()
            .collect::<Vec<_>>(),
        ["Circle", "Owner", "Square", "Thing"]
    );
}

#[test]
fn a_missing_spec_is_skipped_unless_required() {
    let missing = std::path::Path::new("/nonexistent/clerk-bapi.json");
    assert!(Spec::load_from(missing, false).is_none());
    let panic = std::panic::catch_unwind(|| Spec::load_from(missing, true)).unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("/nonexistent/clerk-bapi.json") && message.contains("CLERK_SPEC_REQUIRED"),
        "{message}"
    );
}

#[test]
fn a_spec_that_does_not_parse_fails() {
    let path = std::env::temp_dir().join(format!("spec-oracle-broken-{}.json", std::process::id()));
    std::fs::write(&path, "{ not json").unwrap();
    let outcome = std::panic::catch_unwind(|| Spec::load_from(&path, false));
    std::fs::remove_file(&path).ok();
    assert!(outcome.is_err(), "a broken spec must fail, not skip");
}
