//! The OpenAPI spec as an oracle for what the generated conformance tests (`operations.rs`)
//! cannot say themselves:
//!
//! - the operations table is the spec's: every operation, none more, each with its method,
//!   path and tag, and one call per operation;
//! - each verification shape decodes as itself, not as the raw fallback.
//!
//! The spec is read at run time (`spec_oracle::Spec::load`): these tests skip with a message
//! when it is absent and fail when `CLERK_SPEC_REQUIRED=1`.

use std::collections::BTreeSet;

use clerk_backend::models::Verification;
use clerk_backend::operations::{self, OPERATIONS};
use spec_oracle::Spec;

#[test]
fn the_operations_table_is_the_spec_s_249_operations() {
    let Some(spec) = Spec::load() else { return };
    let in_spec = spec.operations();
    assert_eq!(in_spec.len(), 249, "the pinned spec has 249 operations");
    assert_eq!(
        OPERATIONS.len(),
        in_spec.len(),
        "one table entry per operation of the spec"
    );
    let mut problems = Vec::new();
    for info in &in_spec {
        let Some(op) = operations::find(&info.id) else {
            problems.push(format!("{}: missing from the table", info.id));
            continue;
        };
        if op.method.as_str() != info.method || op.path != info.path {
            problems.push(format!(
                "{}: {} {} in the table, {} {} in the spec",
                info.id, op.method, op.path, info.method, info.path
            ));
        }
        if !info.tags.iter().any(|t| t == op.tag) {
            problems.push(format!(
                "{}: tag {} is not among {:?}",
                info.id, op.tag, info.tags
            ));
        }
        if !op.call.starts_with(&format!("{}().", op.group)) {
            problems.push(format!(
                "{}: the call {} is not in group {}",
                info.id, op.call, op.group
            ));
        }
        if !op
            .reference
            .starts_with("https://clerk.com/docs/reference/backend-api/tag/")
        {
            problems.push(format!("{}: reference {}", info.id, op.reference));
        }
    }
    let ids: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.id).collect();
    assert_eq!(
        ids.len(),
        OPERATIONS.len(),
        "an operation is in the table twice"
    );
    let calls: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|op| op.call.split('(').take(2).collect::<Vec<_>>().join("("))
        .collect();
    assert_eq!(calls.len(), OPERATIONS.len(), "two operations share a call");
    assert!(
        problems.is_empty(),
        "the table disagrees with the spec:\n{}",
        problems.join("\n")
    );
}

#[test]
fn each_verification_shape_decodes_as_itself() {
    let Some(spec) = Spec::load() else { return };
    let shapes: Vec<String> = spec
        .component_schema_names()
        .into_iter()
        .filter(|n| n.starts_with("verification_"))
        .collect();
    assert_eq!(shapes.len(), 11, "the spec's verification shapes");
    let mut problems = Vec::new();
    for name in &shapes {
        for (label, instance) in spec.instances(name) {
            if instance.is_null() {
                continue;
            }
            match serde_json::from_value::<Verification>(instance.clone()) {
                Ok(Verification::Other(_)) => {
                    problems.push(format!("{name} {label}: decodes as Verification::Other"))
                }
                Ok(v) if v.object() != Some(name.as_str()) => {
                    problems.push(format!("{name} {label}: decodes as {:?}", v.object()))
                }
                Ok(_) => {}
                Err(e) => problems.push(format!("{name} {label}: {e}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
