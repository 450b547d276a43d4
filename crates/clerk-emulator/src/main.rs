//! `clerk-emulator`: a local Clerk Backend API on your machine.
//!
//! ```sh
//! cargo run -p clerk-emulator -- --port 8787 --state .clerk-emulator.json
//! ```

use std::net::IpAddr;
use std::process::ExitCode;

use clerk_emulator::{Emulator, RateLimit, WebhookTarget};

const HELP: &str = "\
clerk-emulator: a local, in-memory Clerk Backend API

USAGE:
    clerk-emulator [OPTIONS]

OPTIONS:
    --host <IP>              address to listen on [default: 127.0.0.1]
    --port <PORT>            port to listen on [default: 8787; 0 picks a free one]
    --state <FILE>           load state from FILE at start and save it there on change and exit
    --secret-key <KEY>       the secret key clients must send [default: random, or the state file's]
    --rate-limit <N/WINDOW>  answer 429 past N requests per window, e.g. 100/10s [default: off]
    --webhook-url <URL>      deliver webhooks (Svix-signed) to URL
    --webhook-secret <SEC>   the webhook signing secret, whsec_... [required with --webhook-url]
    -h, --help               print this help
";

struct Options {
    host: Option<IpAddr>,
    port: u16,
    state: Option<String>,
    secret_key: Option<String>,
    rate_limit: Option<RateLimit>,
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut o = Options {
        host: None,
        port: 8787,
        state: None,
        secret_key: None,
        rate_limit: None,
        webhook_url: None,
        webhook_secret: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => {
                o.host = Some(
                    value("--host")?
                        .parse()
                        .map_err(|e| format!("--host: {e}"))?,
                )
            }
            "--port" => {
                o.port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--state" => o.state = Some(value("--state")?),
            "--secret-key" => o.secret_key = Some(value("--secret-key")?),
            "--rate-limit" => o.rate_limit = Some(value("--rate-limit")?.parse()?),
            "--webhook-url" => o.webhook_url = Some(value("--webhook-url")?),
            "--webhook-secret" => o.webhook_secret = Some(value("--webhook-secret")?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.webhook_url.is_some() != o.webhook_secret.is_some() {
        return Err("--webhook-url and --webhook-secret go together".into());
    }
    Ok(Some(o))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Emulator::builder().port(options.port);
    if let Some(host) = options.host {
        builder = builder.host(host);
    }
    if let Some(path) = &options.state {
        builder = builder.state_file(path);
    }
    if let Some(key) = options.secret_key {
        builder = builder.secret_key(key);
    }
    if let Some(limit) = options.rate_limit {
        builder = builder.rate_limit(limit);
    }
    if let (Some(url), Some(secret)) = (options.webhook_url, options.webhook_secret) {
        builder = builder.webhook(WebhookTarget::new(url, secret));
    }
    let emulator = match builder.start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Clerk emulator listening on {}", emulator.url());
    println!();
    println!("CLERK_API_URL={}", emulator.url());
    println!("CLERK_SECRET_KEY={}", emulator.secret_key());
    println!("CLERK_PUBLISHABLE_KEY={}", emulator.publishable_key());
    println!(
        "JWKS: {}/v1/jwks (Bearer secret key) and {}/.well-known/jwks.json",
        emulator.url(),
        emulator.url()
    );
    println!("Dashboard: {}/", emulator.url());
    if let Some(path) = &options.state {
        println!("State: {path}");
    }
    println!("Press Ctrl-C to stop.");

    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    println!("Stopping.");
    match emulator.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
