//! Every command but the import's engine: configuration, the everyday user and organization
//! commands, `users export`, `api`, `token verify`, `webhooks verify` and `emulator`.

use std::io::{IsTerminal, Read, Write};

use clerk_backend::{Clerk, Method};
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::Value;

use crate::import::source::FirebaseHash;
use crate::import::{self, ImportOptions};
use crate::limiter::Rate;
use crate::{
    Cli, Command, EXIT_FAILED, EXIT_USAGE, EmulatorArgs, ExportFormat, FilterArgs, ImportArgs,
    OrgsCommand, TokenCommand, UsersCommand, WebhooksCommand,
};

/// A command that could not do its job: the exit status and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    /// The exit status.
    pub code: u8,
    /// The message for stderr.
    pub message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message: message.into(),
    }
}

fn failed(message: impl Into<String>) -> Failure {
    Failure {
        code: EXIT_FAILED,
        message: message.into(),
    }
}

/// An SDK error as a failure. Its `Display` names the operation, status and Clerk's message;
/// it never holds the secret key.
fn api(e: clerk_backend::Error) -> Failure {
    failed(e.to_string())
}

/// The secret key from `CLERK_SECRET_KEY`.
fn secret_key() -> Result<String, Failure> {
    match std::env::var("CLERK_SECRET_KEY") {
        Ok(k) if !k.trim().is_empty() => Ok(k.trim().to_owned()),
        _ => Err(usage(
            "CLERK_SECRET_KEY is not set (the instance's secret key, sk_test_... or sk_live_...)",
        )),
    }
}

fn client(cli_url: &Option<String>, key: &str) -> Result<Clerk, Failure> {
    let mut builder = Clerk::builder().secret_key(key);
    if let Some(url) = cli_url {
        builder = builder.api_url(url.trim_end_matches('/'));
    }
    builder.build().map_err(|e| usage(e.to_string()))
}

fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| failed(e.to_string()))?;
    say!("{text}");
    Ok(())
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// One line about a user for people: id, primary email, name.
fn user_line(u: &Value) -> String {
    let email = u["email_addresses"]
        .as_array()
        .and_then(|a| {
            let primary = u["primary_email_address_id"].as_str();
            a.iter()
                .find(|e| e["id"].as_str() == primary)
                .or_else(|| a.first())
        })
        .and_then(|e| e["email_address"].as_str())
        .unwrap_or("-");
    let name = [u["first_name"].as_str(), u["last_name"].as_str()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "{}\t{}\t{}{}{}",
        u["id"].as_str().unwrap_or("?"),
        email,
        name,
        if u["banned"] == Value::Bool(true) {
            "\t[banned]"
        } else {
            ""
        },
        if u["locked"] == Value::Bool(true) {
            "\t[locked]"
        } else {
            ""
        },
    )
}

/// Runs the command; `Ok` carries the exit status.
pub async fn run(cli: Cli) -> Result<u8, Failure> {
    let json = cli.json;
    match cli.command {
        Command::Users(UsersCommand::Import(args)) => import_users(&cli.api_url, json, args).await,
        Command::Users(UsersCommand::Export { format, output }) => {
            let clerk = client(&cli.api_url, &secret_key()?)?;
            export_users(&clerk, format, output).await
        }
        Command::Users(cmd) => {
            let clerk = client(&cli.api_url, &secret_key()?)?;
            users(&clerk, json, cmd).await
        }
        Command::Orgs(cmd) => {
            let clerk = client(&cli.api_url, &secret_key()?)?;
            orgs(&clerk, json, cmd).await
        }
        Command::Api { method, path, data } => {
            let clerk = client(&cli.api_url, &secret_key()?)?;
            raw(&clerk, &method, &path, data.as_deref()).await
        }
        Command::Token(TokenCommand::Verify { token, jwt_key }) => {
            token_verify(&cli.api_url, json, &token, jwt_key).await
        }
        Command::Webhooks(WebhooksCommand::Verify {
            secret,
            headers,
            body,
        }) => webhook_verify(json, &secret, &headers, body.as_deref()),
        Command::Emulator(args) => emulator(args).await,
    }
}

async fn import_users(
    api_url: &Option<String>,
    json: bool,
    args: ImportArgs,
) -> Result<u8, Failure> {
    // A dry run needs no credentials; a real run does.
    let key = match secret_key() {
        Ok(k) => Some(k),
        Err(_) if args.dry_run => None,
        Err(e) => return Err(e),
    };
    let clerk = key.as_deref().map(|k| client(api_url, k)).transpose()?;
    let rate = args
        .rate
        .unwrap_or_else(|| Rate::for_secret_key(key.as_deref().unwrap_or_default()));
    let options = ImportOptions {
        file: args.file,
        format: args.format,
        preset: args.preset,
        firebase: FirebaseHash {
            signer_key: args.firebase_signer_key,
            salt_separator: args.firebase_salt_separator,
            rounds: args.firebase_rounds,
            mem_cost: args.firebase_mem_cost,
        },
        resume: args.resume,
        dry_run: args.dry_run,
        rate,
        concurrency: args.concurrency,
        report: args.report,
        progress: !args.quiet,
    };
    let summary = import::run(clerk, options).await.map_err(usage)?;
    if json {
        print_json(&summary)?;
    } else {
        let verb = if summary.dry_run {
            "checked"
        } else {
            "imported"
        };
        say!(
            "{verb} {} records: {} valid, {} invalid; created {}, recovered {}, already done {}, failed {}",
            summary.records,
            summary.valid,
            summary.invalid,
            summary.created,
            summary.recovered,
            summary.already_done,
            summary.failed
        );
        say!(
            "{} requests at {} ({} answered 429) in {:.1} s",
            summary.requests,
            summary.rate,
            summary.rate_limited,
            summary.elapsed_seconds
        );
        if summary.failed + summary.invalid > 0 {
            say!("failures: {}", summary.report.display());
        }
    }
    Ok(if summary.failed + summary.invalid > 0 {
        EXIT_FAILED
    } else {
        0
    })
}

macro_rules! filters {
    ($builder:expr, $f:expr) => {{
        let mut b = $builder;
        if let Some(q) = &$f.query {
            b = b.query(q.clone());
        }
        if !$f.email.is_empty() {
            b = b.email_address($f.email.clone());
        }
        if !$f.external_id.is_empty() {
            b = b.external_id($f.external_id.clone());
        }
        if let Some(banned) = $f.banned {
            b = b.banned(banned);
        }
        b
    }};
}

fn filter_count(
    clerk: &Clerk,
    f: &FilterArgs,
) -> clerk_backend::RequestBuilder<clerk_backend::api::users::GetUsersCount> {
    filters!(clerk.users().count(), f)
}

async fn users(clerk: &Clerk, json: bool, cmd: UsersCommand) -> Result<u8, Failure> {
    let user = match cmd {
        UsersCommand::List(args) => {
            let page = filters!(clerk.users().list(), args.filters)
                .limit(args.limit)
                .offset(args.offset)
                .await
                .map_err(api)?;
            if json {
                print_json(&page.data)?;
            } else {
                for u in &page.data {
                    say!("{}", user_line(&to_value(u)));
                }
            }
            return Ok(0);
        }
        UsersCommand::Count(f) => {
            let n = filter_count(clerk, &f).await.map_err(api)?;
            if json {
                print_json(&serde_json::json!({"total_count": n}))?;
            } else {
                say!("{n}");
            }
            return Ok(0);
        }
        UsersCommand::Get { user_id } => clerk.users().get(&user_id).await,
        UsersCommand::Ban { user_id } => clerk.users().ban(&user_id).await,
        UsersCommand::Unban { user_id } => clerk.users().unban(&user_id).await,
        UsersCommand::Lock { user_id } => clerk.users().lock(&user_id).await,
        UsersCommand::Unlock { user_id } => clerk.users().unlock(&user_id).await,
        UsersCommand::Delete { user_id } => {
            let deleted = clerk.users().delete(&user_id).await.map_err(api)?;
            if json {
                print_json(&deleted)?;
            } else {
                say!("deleted {user_id}");
            }
            return Ok(0);
        }
        UsersCommand::Import(_) | UsersCommand::Export { .. } => {
            return Err(usage("internal: handled elsewhere"));
        }
    }
    .map_err(api)?;
    if json {
        print_json(&user)?;
    } else {
        say!("{}", user_line(&to_value(&user)));
    }
    Ok(0)
}

/// The CSV columns of `users export` (the generic import mapping's).
const EXPORT_COLUMNS: &[&str] = &[
    "id",
    "external_id",
    "email_addresses",
    "phone_numbers",
    "username",
    "first_name",
    "last_name",
    "created_at",
    "banned",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
];

fn csv_row(u: &Value) -> Vec<String> {
    let list = |key: &str, field: &str| {
        u[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[field].as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .unwrap_or_default()
    };
    let text = |key: &str| match &u[key] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    vec![
        text("id"),
        text("external_id"),
        list("email_addresses", "email_address"),
        list("phone_numbers", "phone_number"),
        text("username"),
        text("first_name"),
        text("last_name"),
        text("created_at"),
        text("banned"),
        text("public_metadata"),
        text("private_metadata"),
        text("unsafe_metadata"),
    ]
}

async fn export_users(
    clerk: &Clerk,
    format: ExportFormat,
    output: Option<std::path::PathBuf>,
) -> Result<u8, Failure> {
    let sink: Box<dyn Write> = match &output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| usage(format!("cannot create {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let write_err = |e: std::io::Error| failed(format!("cannot write: {e}"));
    let (mut csv, mut jsonl) = match format {
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(sink);
            w.write_record(EXPORT_COLUMNS)
                .map_err(|e| failed(e.to_string()))?;
            (Some(w), None)
        }
        ExportFormat::Jsonl => (None, Some(std::io::BufWriter::new(sink))),
    };
    let bar = (output.is_some() && std::io::stderr().is_terminal())
        .then(indicatif::ProgressBar::new_spinner);
    // The stream pages with `starting_after`, 500 users a page: memory stays flat.
    let mut stream = clerk.users().list().limit(500).stream();
    let mut n = 0u64;
    while let Some(user) = stream.next().await {
        let user = to_value(&user.map_err(api)?);
        if let Some(w) = &mut csv {
            w.write_record(csv_row(&user))
                .map_err(|e| failed(e.to_string()))?;
        }
        if let Some(out) = &mut jsonl {
            serde_json::to_writer(&mut *out, &user).map_err(|e| failed(e.to_string()))?;
            out.write_all(b"\n").map_err(write_err)?;
        }
        n += 1;
        if let Some(b) = &bar {
            b.set_message(format!("{n} users"));
            b.tick();
        }
    }
    if let Some(w) = &mut csv {
        w.flush().map_err(write_err)?;
    }
    if let Some(out) = &mut jsonl {
        out.flush().map_err(write_err)?;
    }
    if let Some(b) = bar {
        b.finish_with_message(format!("{n} users"));
    }
    if output.is_some() {
        eprintln!("exported {n} users");
    }
    Ok(0)
}

async fn orgs(clerk: &Clerk, json: bool, cmd: OrgsCommand) -> Result<u8, Failure> {
    match cmd {
        OrgsCommand::List {
            query,
            limit,
            offset,
        } => {
            let mut b = clerk.organizations().list().limit(limit).offset(offset);
            if let Some(q) = query {
                b = b.query(q);
            }
            let page = b.await.map_err(api)?;
            if json {
                print_json(&page)?;
            } else {
                for o in &page.data {
                    let o = to_value(o);
                    say!(
                        "{}\t{}\t{}",
                        o["id"].as_str().unwrap_or("?"),
                        o["slug"].as_str().unwrap_or("-"),
                        o["name"].as_str().unwrap_or("")
                    );
                }
            }
        }
        OrgsCommand::Get { organization } => {
            let o = clerk
                .organizations()
                .get(&organization)
                .await
                .map_err(api)?;
            if json {
                print_json(&o)?;
            } else {
                let o = to_value(&o);
                say!(
                    "{}\t{}\t{}",
                    o["id"].as_str().unwrap_or("?"),
                    o["slug"].as_str().unwrap_or("-"),
                    o["name"].as_str().unwrap_or("")
                );
            }
        }
    }
    Ok(0)
}

async fn raw(clerk: &Clerk, method: &str, path: &str, data: Option<&str>) -> Result<u8, Failure> {
    let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .map_err(|_| usage(format!("invalid method {method:?}")))?;
    let mut request = clerk.request(method, path);
    if let Some(data) = data {
        let body: Value =
            serde_json::from_str(data).map_err(|e| usage(format!("--data is not JSON: {e}")))?;
        request = request.json(&body);
    }
    match request.send_bytes().await {
        Ok((_, body)) => {
            std::io::stdout()
                .write_all(&body)
                .and_then(|()| std::io::stdout().write_all(b"\n"))
                .map_err(|e| failed(format!("cannot write: {e}")))?;
            Ok(0)
        }
        Err(e) => {
            // Clerk's error body goes to stdout for scripts; the summary to stderr.
            if let Some(errors) = e.clerk_errors() {
                print_json(errors)?;
            }
            Err(api(e))
        }
    }
}

async fn token_verify(
    api_url: &Option<String>,
    json: bool,
    token: &str,
    jwt_key: Option<std::path::PathBuf>,
) -> Result<u8, Failure> {
    use clerk_backend::auth::TokenVerifier;
    let verifier = match jwt_key {
        Some(path) => {
            let pem = std::fs::read_to_string(&path)
                .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
            TokenVerifier::from_pem(&pem).map_err(|e| usage(e.to_string()))?
        }
        None => TokenVerifier::new(&client(api_url, &secret_key()?)?),
    };
    match verifier.verify_session_token(token).await {
        Ok(claims) => {
            print_json(&*claims)?;
            Ok(0)
        }
        Err(e) => {
            if json {
                print_json(&serde_json::json!({
                    "verified": false,
                    "reason": e.reason().as_str(),
                    "message": e.to_string(),
                }))?;
            }
            Err(failed(format!(
                "token refused: {} ({e})",
                e.reason().as_str()
            )))
        }
    }
}

fn webhook_verify(
    json: bool,
    secret: &str,
    headers: &std::path::Path,
    body: Option<&std::path::Path>,
) -> Result<u8, Failure> {
    use clerk_backend::webhooks::Webhook;
    let webhook = Webhook::new(secret).map_err(|e| usage(e.to_string()))?;
    let text = std::fs::read_to_string(headers)
        .map_err(|e| usage(format!("cannot read {}: {e}", headers.display())))?;
    let mut map = http::HeaderMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| {
            usage(format!(
                "{} line {}: expected `Name: value`",
                headers.display(),
                i + 1
            ))
        })?;
        let name = http::HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            usage(format!(
                "{} line {}: bad header name",
                headers.display(),
                i + 1
            ))
        })?;
        let value = http::HeaderValue::from_str(value.trim()).map_err(|_| {
            usage(format!(
                "{} line {}: bad header value",
                headers.display(),
                i + 1
            ))
        })?;
        map.append(name, value);
    }
    let bytes = match body {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read(p).map_err(|e| usage(format!("cannot read {}: {e}", p.display())))?
        }
        _ => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
            b
        }
    };
    match webhook.verify(&map, &bytes) {
        Ok(()) => {
            let event: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            if json {
                print_json(&serde_json::json!({"verified": true, "type": event["type"]}))?;
            } else {
                say!(
                    "verified: {}",
                    event["type"].as_str().unwrap_or("(no type)")
                );
            }
            Ok(0)
        }
        Err(e) => {
            if json {
                print_json(
                    &serde_json::json!({"verified": false, "reason": e.reason(), "message": e.to_string()}),
                )?;
            }
            Err(failed(format!("webhook refused: {e}")))
        }
    }
}

async fn emulator(args: EmulatorArgs) -> Result<u8, Failure> {
    use clerk_emulator::{Emulator, RateLimit, WebhookTarget};
    let mut builder = Emulator::builder().host(args.host).port(args.port);
    if let Some(path) = &args.state {
        builder = builder.state_file(path);
    }
    if let Some(key) = args.secret_key {
        builder = builder.secret_key(key);
    }
    if let Some(limit) = args.rate_limit {
        let limit: RateLimit = limit.parse().map_err(usage)?;
        builder = builder.rate_limit(limit);
    }
    if let (Some(url), Some(secret)) = (args.webhook_url, args.webhook_secret) {
        builder = builder.webhook(WebhookTarget::new(url, secret));
    }
    let emulator = builder.start().await.map_err(|e| failed(e.to_string()))?;
    say!("Clerk emulator listening on {}", emulator.url());
    say!("");
    say!("CLERK_API_URL={}", emulator.url());
    say!("CLERK_SECRET_KEY={}", emulator.secret_key());
    say!("CLERK_PUBLISHABLE_KEY={}", emulator.publishable_key());
    if let Some(path) = &args.state {
        say!("State: {}", path.display());
    }
    say!("Press Ctrl-C to stop.");
    let _ = std::io::stdout().flush();
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    emulator
        .shutdown()
        .await
        .map_err(|e| failed(e.to_string()))?;
    Ok(0)
}
