//! `cargo run -p clerk-codegen [-- --spec PATH] [--check]`
//!
//! Reads the pinned spec (`--spec`, else `$CLERK_OPENAPI_SPEC`, else `../shared/specs/` beside
//! the workspace), checks its SHA-256 against `codegen.toml`, and writes the generated files.
//! With `--check` it writes nothing: it generates into memory and fails, naming each file and
//! the first line that differs, when the checked-in files are not what it would write.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodegenToml {
    spec: String,
    sha256: String,
    api_version: String,
    out_dir: String,
    tests_file: String,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("clerk-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut check = false;
    let mut spec_arg = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec_arg = Some(PathBuf::from(args.next().ok_or("--spec needs a path")?)),
            "-h" | "--help" => {
                println!("usage: clerk-codegen [--spec PATH] [--check]");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let root = workspace_root();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config_text = read(&here.join("codegen.toml"))?;
    let config: CodegenToml =
        toml::from_str(&config_text).map_err(|e| format!("codegen.toml: {e}"))?;
    let spec_path = spec_arg
        .or_else(|| {
            std::env::var_os("CLERK_OPENAPI_SPEC")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| root.join("../shared/specs").join(&config.spec));
    let spec_text = read(&spec_path)?;
    let digest: String = Sha256::digest(spec_text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if digest != config.sha256 {
        return Err(format!(
            "{} has SHA-256 {digest}, but codegen.toml pins {}. If the spec changed on purpose, \
             update the pin and the API version there, regenerate and review the difference.",
            spec_path.display(),
            config.sha256
        ));
    }
    let overrides = read(&here.join("overrides.toml"))?;
    let cfg = clerk_codegen::Config {
        api_version: &config.api_version,
        out_dir: &config.out_dir,
        tests_file: &config.tests_file,
    };
    let files = clerk_codegen::generate(&spec_text, &overrides, &cfg)
        .map_err(|errors| errors.join("\n"))?;

    // What is on disk now: the output directory and the tests file.
    let mut existing = BTreeSet::new();
    collect(&root, &root.join(&config.out_dir), &mut existing);
    if root.join(&config.tests_file).exists() {
        existing.insert(config.tests_file.clone());
    }
    if check {
        let mut problems = Vec::new();
        for (path, text) in &files {
            match std::fs::read_to_string(root.join(path)) {
                Err(_) => problems.push(format!("{path}: missing")),
                Ok(on_disk) if on_disk != *text => {
                    let line = on_disk
                        .lines()
                        .zip(text.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or_else(|| on_disk.lines().count().min(text.lines().count()))
                        + 1;
                    problems.push(format!("{path}: differs from line {line}"));
                }
                Ok(_) => {}
            }
        }
        for path in existing.iter().filter(|p| !files.contains_key(*p)) {
            problems.push(format!("{path}: not generated any more (delete it)"));
        }
        if problems.is_empty() {
            println!(
                "clerk-codegen: the {} generated files are up to date",
                files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "clerk-codegen: the checked-in code is not what the generator writes; run `cargo run -p clerk-codegen` and commit:\n  {}",
            problems.join("\n  ")
        );
        return Ok(ExitCode::FAILURE);
    }
    for (path, text) in &files {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if std::fs::read_to_string(&target).ok().as_deref() != Some(text) {
            std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    for path in existing.iter().filter(|p| !files.contains_key(*p)) {
        std::fs::remove_file(root.join(path)).map_err(|e| format!("{path}: {e}"))?;
    }
    println!(
        "clerk-codegen: wrote {} files from {}",
        files.len(),
        spec_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Files below `dir`, as paths relative to `root` with `/` separators.
fn collect(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
