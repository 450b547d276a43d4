//! `clerkctl`: the admin command line for Clerk's Backend API.
//!
//! Migrates users in at the instance's rate limit with a durable journal (`users import`),
//! exports them (`users export`), runs the everyday user and organization commands, sends any
//! request (`api`), verifies session tokens and webhooks, and runs a local emulator. The secret
//! key comes from `CLERK_SECRET_KEY` only, and is never printed.

/// Prints a line on stdout; a closed stdout (`clerkctl users list | head -1`) is not an error
/// worth a panic, so write errors are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod commands;
mod import;
mod limiter;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use import::source::{Format, Preset};
use limiter::Rate;

/// Exit status when a command ran but some of its work failed (users not imported, an API
/// error, a token or webhook that does not verify).
pub const EXIT_FAILED: u8 = 1;
/// Exit status for bad usage or configuration (clap uses 2 as well).
pub const EXIT_USAGE: u8 = 2;

/// The admin command line for Clerk's Backend API.
///
/// Reads CLERK_SECRET_KEY (required for commands that call the API) and CLERK_API_URL
/// (default https://api.clerk.com).
#[derive(Debug, Parser)]
#[command(name = "clerkctl", version)]
struct Cli {
    /// The API's base URL.
    #[arg(long, env = "CLERK_API_URL", global = true)]
    api_url: Option<String>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Users: import, export, list, get, count, ban, unban, lock, unlock, delete.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Organizations: list, get.
    #[command(subcommand)]
    Orgs(OrgsCommand),
    /// Send any Backend API request: `clerkctl api GET /v1/users`.
    Api {
        /// The HTTP method.
        method: String,
        /// The path below the API URL, with `/v1` and any query string.
        path: String,
        /// A JSON body.
        #[arg(long)]
        data: Option<String>,
    },
    /// Session tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Webhooks.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Run a local Clerk Backend API emulator (the `clerk-emulator` flags).
    Emulator(EmulatorArgs),
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Import users from a file (JSON array, JSON lines or CSV), resumable and rate-paced.
    Import(ImportArgs),
    /// Export every user as JSON lines or CSV, streaming.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List users (newest first).
    List(ListArgs),
    /// Show one user.
    Get {
        /// The user's id.
        user_id: String,
    },
    /// Count users matching the filters.
    Count(FilterArgs),
    /// Ban a user: revoke their sessions and stop sign-ins.
    Ban {
        /// The user's id.
        user_id: String,
    },
    /// Lift a ban.
    Unban {
        /// The user's id.
        user_id: String,
    },
    /// Lock a user.
    Lock {
        /// The user's id.
        user_id: String,
    },
    /// Unlock a user.
    Unlock {
        /// The user's id.
        user_id: String,
    },
    /// Delete a user.
    Delete {
        /// The user's id.
        user_id: String,
    },
}

/// Output formats of `users export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON user per line, as the API returns it.
    Jsonl,
    /// CSV in the generic import mapping's columns.
    Csv,
}

#[derive(Debug, Args)]
struct FilterArgs {
    /// Match emails, phones, usernames, ids and names partially.
    #[arg(long)]
    query: Option<String>,
    /// Exact email address (repeatable).
    #[arg(long)]
    email: Vec<String>,
    /// Exact external id (repeatable).
    #[arg(long)]
    external_id: Vec<String>,
    /// Only banned (true) or not banned (false) users.
    #[arg(long)]
    banned: Option<bool>,
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Users per page (1-500).
    #[arg(long, default_value_t = 10)]
    limit: u32,
    /// Users to skip.
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

#[derive(Debug, Subcommand)]
enum OrgsCommand {
    /// List organizations.
    List {
        /// Match names, slugs and ids partially.
        #[arg(long)]
        query: Option<String>,
        /// Organizations per page (1-500).
        #[arg(long, default_value_t = 10)]
        limit: u32,
        /// Organizations to skip.
        #[arg(long, default_value_t = 0)]
        offset: u64,
    },
    /// Show one organization (by id or slug).
    Get {
        /// The organization's id or slug.
        organization: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Verify a session token: prints its claims, or the reason it is refused.
    Verify {
        /// The token.
        token: String,
        /// Verify networkless with this PEM public key file instead of the instance's JWKS.
        #[arg(long)]
        jwt_key: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum WebhooksCommand {
    /// Verify a delivery's Svix signature.
    Verify {
        /// The signing secret (`whsec_...`); default `CLERK_WEBHOOK_SIGNING_SECRET`.
        #[arg(long, env = "CLERK_WEBHOOK_SIGNING_SECRET", hide_env_values = true)]
        secret: String,
        /// A file of `Name: value` header lines (svix-id, svix-timestamp, svix-signature).
        #[arg(long)]
        headers: PathBuf,
        /// The raw body; `-` or absent reads stdin.
        #[arg(long)]
        body: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct EmulatorArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Load state from FILE at start and save it there on change and exit.
    #[arg(long)]
    state: Option<PathBuf>,
    /// The secret key clients must send [default: random, or the state file's].
    #[arg(long)]
    secret_key: Option<String>,
    /// Answer 429 past N requests per window, e.g. 100/10s.
    #[arg(long)]
    rate_limit: Option<String>,
    /// Deliver webhooks (Svix-signed) to URL.
    #[arg(long, requires = "webhook_secret")]
    webhook_url: Option<String>,
    /// The webhook signing secret, whsec_...
    #[arg(long, requires = "webhook_url")]
    webhook_secret: Option<String>,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The input file.
    file: PathBuf,
    /// Input format [default: from the preset, else the file's extension: .csv, .jsonl/.ndjson, else JSON].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Whose export the file is.
    #[arg(long, value_enum, default_value = "generic")]
    preset: Preset,
    /// Continue an interrupted import from its journal (`FILE.clerkctl-journal`).
    #[arg(long)]
    resume: bool,
    /// Check every record without sending anything.
    #[arg(long)]
    dry_run: bool,
    /// Requests per window [default: 100/10s for sk_test_ keys, 1000/10s for sk_live_].
    #[arg(long)]
    rate: Option<Rate>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Where to write the failures [default: FILE.clerkctl-failures.jsonl].
    #[arg(long)]
    report: Option<PathBuf>,
    /// No progress display.
    #[arg(long)]
    quiet: bool,
    /// Firebase: the project's base64 signer key.
    #[arg(long)]
    firebase_signer_key: Option<String>,
    /// Firebase: the project's base64 salt separator.
    #[arg(long)]
    firebase_salt_separator: Option<String>,
    /// Firebase: the scrypt rounds.
    #[arg(long)]
    firebase_rounds: Option<u32>,
    /// Firebase: the scrypt memory cost.
    #[arg(long)]
    firebase_mem_cost: Option<u32>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(commands::Failure { code, message }) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}
