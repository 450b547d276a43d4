//! The generator on a small spec (one list with an open-enum filter, one PATCH with a field
//! that `null` clears, one upload, one `oneOf` with a tag, a nullable field), compared with the
//! output checked in under `tests/fixtures/expected/`. Run with `UPDATE_GOLDEN=1` to rewrite the
//! expected files after a deliberate change, and review the difference.

use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_small_spec_generates_the_expected_code() {
    let cfg = clerk_codegen::Config {
        api_version: "2026-01-01",
        out_dir: "out/generated",
        tests_file: "out/tests/operations.rs",
    };
    let files =
        clerk_codegen::generate(&fixture("mini.json"), &fixture("mini-overrides.toml"), &cfg)
            .unwrap_or_else(|errors| {
                panic!("the generator refused the fixture:\n{}", errors.join("\n"))
            });
    let expected_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/expected");
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut differ = Vec::new();
    for (path, text) in &files {
        let target = expected_dir.join(path);
        if update {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&target) {
            Ok(expected) if expected == *text => {}
            Ok(_) => differ.push(format!("{path} differs")),
            Err(_) => differ.push(format!("{path} is not in the expected output")),
        }
    }
    assert!(
        differ.is_empty(),
        "the generator's output changed (UPDATE_GOLDEN=1 rewrites it):\n{}",
        differ.join("\n")
    );
}

#[test]
fn a_stale_override_is_an_error() {
    let cfg = clerk_codegen::Config {
        api_version: "2026-01-01",
        out_dir: "out/generated",
        tests_file: "out/tests/operations.rs",
    };
    let overrides = fixture("mini-overrides.toml")
        + "\n[op.NoSuchOperation]\nname = \"x\"\n[field.\"Widget.nothing\"]\npatch = true\n";
    let errors = clerk_codegen::generate(&fixture("mini.json"), &overrides, &cfg).unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("op.NoSuchOperation")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("Widget.nothing")),
        "{errors:?}"
    );
}

#[test]
fn an_operation_without_a_group_or_summary_is_an_error() {
    let cfg = clerk_codegen::Config {
        api_version: "2026-01-01",
        out_dir: "out/generated",
        tests_file: "out/tests/operations.rs",
    };
    let spec = fixture("mini.json").replace("\"x-speakeasy-group\": \"widgets\",\n        \"x-speakeasy-name-override\": \"uploadImage\",", "");
    let errors = clerk_codegen::generate(&spec, &fixture("mini-overrides.toml"), &cfg).unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("UploadWidgetImage")),
        "{errors:?}"
    );
}
