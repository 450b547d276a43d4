//! `clerk-codegen`: writes the typed layer of `clerk-backend` from Clerk's Backend API spec and
//! the overrides file.
//!
//! The library does the work (so the golden tests can run it on a small fixture spec); the
//! binary reads the pinned spec, writes the files, or with `--check` fails when the checked-in
//! ones differ.

mod emit;
mod json;
mod model;
mod names;
mod ops;
mod overrides;

use std::io::Write as _;
use std::process::{Command, Stdio};

pub use emit::{Config, Files};
use json::Json;
use overrides::Overrides;

/// Generates every file (formatted with `rustfmt`) from a spec and overrides.
pub fn generate(
    spec_text: &str,
    overrides_text: &str,
    cfg: &Config<'_>,
) -> Result<Files, Vec<String>> {
    let spec: Json =
        serde_json::from_str(spec_text).map_err(|e| vec![format!("the spec is not JSON: {e}")])?;
    let ov: Overrides =
        toml::from_str(overrides_text).map_err(|e| vec![format!("overrides: {e}")])?;
    let mut types = model::Types::new(&spec, &ov);
    ops::reserve_request_names(&mut types);
    // Every component schema gets its type, used by an operation or not; components first, so
    // inline types met in several places are named after a component where one holds them.
    for (name, _) in spec.at("components").at("schemas").members() {
        types.component(name);
    }
    let built = ops::build(&mut types);
    let mut errors = built.errors;
    errors.append(&mut types.errors);
    check_overrides(&spec, &ov, &types, &built.ops, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let files = emit::emit(&types, &built.ops, cfg)?;
    let mut formatted = Files::new();
    for (path, text) in files {
        let text = if path.ends_with(".rs") {
            rustfmt(&text).map_err(|e| vec![format!("{path}: {e}")])?
        } else {
            text
        };
        formatted.insert(path, text);
    }
    Ok(formatted)
}

/// Every key of the overrides must name something that exists, so a stale entry is found.
fn check_overrides(
    spec: &Json,
    ov: &Overrides,
    types: &model::Types<'_>,
    ops: &[ops::Op],
    errors: &mut Vec<String>,
) {
    let schemas = spec.at("components").at("schemas");
    for name in ov.schema.keys() {
        let is_component = schemas.get(name).is_some();
        let renamed_inline = ov.schema[name]
            .rename
            .as_ref()
            .is_some_and(|r| types.model(r).is_some());
        let documented = types.model(name).is_some();
        if !is_component && !renamed_inline && !documented {
            errors.push(format!(
                "overrides: schema.{name:?} names neither a spec schema nor a generated type"
            ));
        }
    }
    for key in ov.field.keys() {
        let Some((owner, wire)) = key.split_once('.') else {
            errors.push(format!("overrides: field.{key:?} is not `Type.field`"));
            continue;
        };
        let in_model = types.model(owner).is_some_and(|m| match &m.kind {
            model::Kind::Struct(fields) => fields.iter().any(|f| f.wire == wire),
            _ => false,
        });
        let in_request = ops
            .iter()
            .any(|o| o.request == owner && o.params.fields().iter().any(|f| f.wire == wire));
        if !in_model && !in_request {
            errors.push(format!(
                "overrides: field.{key:?} names no field of a generated type"
            ));
        }
    }
    let groups: std::collections::BTreeSet<&str> = ops.iter().map(|o| o.group.as_str()).collect();
    for name in ov.group.keys() {
        if !groups.contains(name.as_str()) {
            errors.push(format!("overrides: group.{name} has no operations"));
        }
    }
    for group in &groups {
        if !ov.group.contains_key(*group) {
            errors.push(format!(
                "overrides: group {group} needs an entry (doc, noun, plural)"
            ));
        }
    }
}

/// Formats Rust source with `rustfmt` (edition 2024).
pub fn rustfmt(source: &str) -> Result<String, String> {
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_owned()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run rustfmt ({e}); install it with `rustup component add rustfmt`")
        })?;
    child
        .stdin
        .take()
        .ok_or("rustfmt has no stdin")?
        .write_all(source.as_bytes())
        .map_err(|e| format!("writing to rustfmt: {e}"))?;
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !output.status.success() {
        let numbered: String = source
            .lines()
            .enumerate()
            .map(|(i, l)| format!("{:5} {l}\n", i + 1))
            .collect();
        return Err(format!(
            "rustfmt failed: {}\n--- the source ---\n{numbered}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt wrote non-UTF-8: {e}"))
}
