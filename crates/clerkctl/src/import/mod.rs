//! `clerkctl users import`: moves users from a file into Clerk at the instance's rate limit,
//! resumable after a crash at any moment, each input user created exactly once.
//!
//! How "exactly once" holds: every user is created with `external_id` = its source id. Before a
//! create goes out, the journal records the user as `pending`; after Clerk answers, as `created`
//! with its id, then `done` once follow-ups (organization memberships) are made. A `pending`
//! user found on `--resume` may or may not exist in Clerk, so it is looked up by `external_id`
//! before anything is sent. A create whose outcome is unknown (a 5xx, a timeout, a connection
//! cut after the request went out) is settled the same way, never by sending it again blindly.

pub mod journal;
pub mod json_stream;
pub mod source;

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clerk_backend::{Clerk, Method, RetryPolicy};
use serde_json::{Value, json};

use crate::limiter::{Limiter, Rate};
use journal::{Entry, Journal, State};
use source::{FirebaseHash, Format, Preset, SourceUser};

/// What `users import` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The input file.
    pub file: PathBuf,
    /// Its format (from the preset or the file name when `None`).
    pub format: Option<Format>,
    /// Whose export it is.
    pub preset: Preset,
    /// Firebase's hash parameters.
    pub firebase: FirebaseHash,
    /// Continue the journal of an earlier run.
    pub resume: bool,
    /// Validate only; send nothing.
    pub dry_run: bool,
    /// The pace.
    pub rate: Rate,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The failure report's path (default beside the input).
    pub report: Option<PathBuf>,
    /// Show a progress bar / lines on stderr.
    pub progress: bool,
}

/// The outcome of an import.
#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    /// Records read (valid or not).
    pub records: u64,
    /// Users created in this run.
    pub created: u64,
    /// Users found already in Clerk (created by an interrupted run) and completed.
    pub recovered: u64,
    /// Users the journal showed done before this run.
    pub already_done: u64,
    /// Users Clerk refused, or whose outcome could not be settled.
    pub failed: u64,
    /// Records that could not be read or failed validation.
    pub invalid: u64,
    /// Records that passed validation (the count `--dry-run` reports).
    pub valid: u64,
    /// HTTP requests sent.
    pub requests: u64,
    /// Answers of 429 (each waited out per its `Retry-After`).
    pub rate_limited: u64,
    /// Seconds the run took.
    pub elapsed_seconds: f64,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The pace used.
    pub rate: String,
    /// The journal's path (none for a dry run).
    pub journal: Option<PathBuf>,
    /// The failure report's path.
    pub report: PathBuf,
}

/// A failure, as written to the report.
#[derive(Debug, serde::Serialize)]
struct Failure {
    line: u64,
    external_id: Option<String>,
    status: Option<u16>,
    code: String,
    message: String,
}

#[derive(Default)]
struct Counters {
    created: AtomicU64,
    recovered: AtomicU64,
    failed: AtomicU64,
    requests: AtomicU64,
    rate_limited: AtomicU64,
}

struct Job {
    line: u64,
    user: SourceUser,
    prior: Option<Entry>,
}

/// Why a call did not succeed.
enum CallError {
    /// Clerk answered with a refusal (4xx other than 429): settled, not retried.
    Refused(clerk_backend::Error),
    /// The request may or may not have taken effect (POST), or retries ran out.
    Unsettled(clerk_backend::Error),
}

struct Worker {
    clerk: Clerk,
    limiter: Limiter,
    journal: Journal,
    counters: Arc<Counters>,
}

const MAX_ATTEMPTS: u32 = 8;
const MAX_RATE_LIMITED: u32 = 100;

fn backoff(attempt: u32) -> Duration {
    let base = 0.5 * 1.5f64.powi(attempt.min(20) as i32);
    let capped = base.min(10.0);
    Duration::from_secs_f64(capped / 2.0 + fastrand::f64() * capped / 2.0)
}

impl Worker {
    /// One request through the limiter, retried where that is safe: 429 after its
    /// `Retry-After`; 5xx and transport failures for GET; for POST only a failure to connect
    /// (the request never left).
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, CallError> {
        let idempotent = method == Method::GET;
        let mut attempt = 0;
        let mut limited = 0;
        loop {
            let mut request = self
                .clerk
                .request(method.clone(), path)
                .retry_policy(RetryPolicy::none());
            if !query.is_empty() {
                request = request.query(query);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let permit = self.limiter.acquire().await;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let result = request.send::<Value>().await;
            permit.done();
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if err.is_rate_limited() {
                self.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
                limited += 1;
                if limited > MAX_RATE_LIMITED {
                    return Err(CallError::Unsettled(err));
                }
                let wait = err.retry_after().unwrap_or(Duration::from_secs(1));
                tokio::time::sleep(wait).await;
                continue;
            }
            if let Some(status) = err.status()
                && status.is_client_error()
            {
                return Err(CallError::Refused(err));
            }
            let may_retry = idempotent || err.is_connect();
            attempt += 1;
            if !may_retry {
                return Err(CallError::Unsettled(err));
            }
            if attempt >= MAX_ATTEMPTS {
                return Err(CallError::Unsettled(err));
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }

    /// The Clerk id of the user with this `external_id`, if one exists.
    async fn lookup(&self, ext: &str) -> Result<Option<String>, CallError> {
        let found = self
            .call(
                Method::GET,
                "/v1/users",
                &[("external_id", ext), ("limit", "2")],
                None,
            )
            .await?;
        Ok(found
            .as_array()
            .and_then(|users| {
                users
                    .iter()
                    .find(|u| u.get("external_id").and_then(Value::as_str) == Some(ext))
            })
            .and_then(|u| u.get("id").and_then(Value::as_str))
            .map(str::to_owned))
    }

    async fn note(
        &self,
        job: &Job,
        state: State,
        user_id: Option<&str>,
        code: Option<&str>,
    ) -> Result<(), Failure> {
        self.journal
            .append(&Entry {
                ext: job.user.external_id.clone(),
                state,
                line: job.line,
                user_id: user_id.map(str::to_owned),
                code: code.map(str::to_owned),
            })
            .await
            .map_err(|e| failure(job, None, "journal_write_failed", e))
    }

    /// Brings one user to `done`, or says why it could not.
    async fn run(&self, job: &Job) -> Result<(), Failure> {
        let ext = job.user.external_id.as_str();
        let mut user_id = match &job.prior {
            Some(Entry {
                state: State::Created,
                user_id: Some(id),
                ..
            }) => Some(id.clone()),
            Some(Entry {
                state: State::Pending | State::Created,
                ..
            }) => {
                let found = self.lookup(ext).await.map_err(|e| call_failure(job, e))?;
                if let Some(id) = &found {
                    self.counters.recovered.fetch_add(1, Ordering::Relaxed);
                    self.note(job, State::Created, Some(id), None).await?;
                }
                found
            }
            _ => None,
        };
        let mut rounds = 0;
        while user_id.is_none() {
            rounds += 1;
            self.note(job, State::Pending, None, None).await?;
            match self
                .call(
                    Method::POST,
                    "/v1/users",
                    &[],
                    Some(&job.user.create_body()),
                )
                .await
            {
                Ok(user) => {
                    let id = user
                        .get("id")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            failure(
                                job,
                                None,
                                "invalid_answer",
                                "the created user has no id".into(),
                            )
                        })?
                        .to_owned();
                    self.counters.created.fetch_add(1, Ordering::Relaxed);
                    if job.user.memberships.is_empty() {
                        // Nothing follows: one journal write instead of two.
                        return self.note(job, State::Done, Some(&id), None).await;
                    }
                    self.note(job, State::Created, Some(&id), None).await?;
                    user_id = Some(id);
                }
                Err(CallError::Refused(e)) => {
                    let f = api_failure(job, &e);
                    self.note(job, State::Failed, None, Some(&f.code)).await?;
                    return Err(f);
                }
                Err(CallError::Unsettled(e)) => {
                    // The create may have been applied: ask before sending it again.
                    let found = self.lookup(ext).await.map_err(|e| call_failure(job, e))?;
                    if let Some(id) = found {
                        self.counters.created.fetch_add(1, Ordering::Relaxed);
                        self.note(job, State::Created, Some(&id), None).await?;
                        user_id = Some(id);
                    } else if rounds >= MAX_ATTEMPTS {
                        return Err(api_failure(job, &e));
                    } else {
                        tokio::time::sleep(backoff(rounds)).await;
                    }
                }
            }
        }
        let user_id = user_id.unwrap_or_default();
        for m in &job.user.memberships {
            let path = format!("/v1/organizations/{}/memberships", m.organization_id);
            let body = json!({"user_id": user_id, "role": m.role});
            match self.call(Method::POST, &path, &[], Some(&body)).await {
                Ok(_) => {}
                Err(CallError::Refused(e)) if e.has_code("already_a_member_in_organization") => {}
                Err(CallError::Refused(e) | CallError::Unsettled(e)) => {
                    // The user stays `created`: a resume retries its follow-ups.
                    return Err(api_failure(job, &e));
                }
            }
        }
        self.note(job, State::Done, Some(&user_id), None).await
    }
}

fn failure(job: &Job, status: Option<u16>, code: &str, message: String) -> Failure {
    Failure {
        line: job.line,
        external_id: Some(job.user.external_id.clone()),
        status,
        code: code.to_owned(),
        message,
    }
}

fn api_failure(job: &Job, e: &clerk_backend::Error) -> Failure {
    let code = e.code().map(str::to_owned).unwrap_or_else(|| {
        if e.is_timeout() {
            "timeout".into()
        } else if e.is_server_error() {
            "server_error".into()
        } else {
            "transport_error".into()
        }
    });
    let message = e
        .errors()
        .first()
        .map(|c| {
            if c.long_message.is_empty() {
                c.message.clone()
            } else {
                c.long_message.clone()
            }
        })
        .unwrap_or_else(|| e.to_string());
    failure(job, e.status().map(|s| s.as_u16()), &code, message)
}

fn call_failure(job: &Job, e: CallError) -> Failure {
    match e {
        CallError::Refused(e) | CallError::Unsettled(e) => api_failure(job, &e),
    }
}

/// The report path for an input file: `<input>.clerkctl-failures.jsonl`.
pub fn report_path_for(input: &std::path::Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".clerkctl-failures.jsonl");
    PathBuf::from(name)
}

struct Report {
    out: Mutex<BufWriter<File>>,
}

impl Report {
    fn write(&self, f: &Failure) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(line) = serde_json::to_string(f) {
            let _ = writeln!(out, "{line}");
        }
    }
}

/// Runs an import. `clerk` is `None` only for a dry run without credentials.
pub async fn run(clerk: Option<Clerk>, o: ImportOptions) -> Result<Summary, String> {
    let started = Instant::now();
    let format = o
        .format
        .or(o.preset.default_format())
        .unwrap_or_else(|| Format::from_path(&o.file));
    // Open the input first: a missing file is reported before anything else happens.
    let records = source::read(&o.file, format, o.preset, &o.firebase)?;
    let journal_path = journal::path_for(&o.file);
    let report_path = o.report.clone().unwrap_or_else(|| report_path_for(&o.file));

    let mut prior: HashMap<String, Entry> = HashMap::new();
    let journal = if o.dry_run {
        None
    } else {
        if journal_path.exists() {
            if !o.resume {
                return Err(format!(
                    "{} exists: an earlier import of this file was interrupted or finished. \
                     Pass --resume to continue it, or remove the journal to start over.",
                    journal_path.display()
                ));
            }
            let (map, torn) = journal::load(&journal_path)?;
            if torn > 0 && o.progress {
                eprintln!("journal: skipped {torn} torn line(s) (left by a crash)");
            }
            prior = map;
        }
        Some(Journal::open(&journal_path)?)
    };
    let report = Arc::new(Report {
        out: Mutex::new(BufWriter::new(File::create(&report_path).map_err(|e| {
            format!("cannot create the report {}: {e}", report_path.display())
        })?)),
    });

    let counters = Arc::new(Counters::default());
    let mut summary = Summary {
        dry_run: o.dry_run,
        rate: o.rate.to_string(),
        journal: journal.as_ref().map(|_| journal_path.clone()),
        report: report_path.clone(),
        ..Summary::default()
    };

    let bar = progress_bar(&o, format);
    let concurrency = o.concurrency.max(1);
    let (tx, rx) = tokio::sync::mpsc::channel::<Job>(concurrency * 2);
    let rx = Arc::new(tokio::sync::Mutex::new(rx));

    let mut workers = Vec::new();
    if let (Some(clerk), Some(journal)) = (&clerk, &journal) {
        let limiter = Limiter::new(o.rate);
        for _ in 0..concurrency {
            let worker = Worker {
                clerk: clerk.clone(),
                limiter: limiter.clone(),
                journal: journal.clone(),
                counters: counters.clone(),
            };
            let rx = rx.clone();
            let report = report.clone();
            let bar = bar.clone();
            workers.push(tokio::spawn(async move {
                loop {
                    let job = { rx.lock().await.recv().await };
                    let Some(job) = job else { break };
                    if let Err(f) = worker.run(&job).await {
                        worker.counters.failed.fetch_add(1, Ordering::Relaxed);
                        report.write(&f);
                        bar.fail();
                    } else {
                        bar.done();
                    }
                }
            }));
        }
    } else if !o.dry_run {
        return Err("no Clerk client".into());
    }

    // Read, validate and hand out records on a blocking thread: the input streams through.
    let reader_report = report.clone();
    let reader_bar = bar.clone();
    let dry_run = o.dry_run;
    let read = tokio::task::spawn_blocking(move || {
        let mut seen: HashSet<String> = HashSet::new();
        let (mut records_n, mut invalid, mut valid, mut already) = (0u64, 0u64, 0u64, 0u64);
        for (line, record) in records {
            records_n += 1;
            let checked = record
                .map_err(|m| (None, m))
                .and_then(|u| match u.validate() {
                    Ok(()) => Ok(u),
                    Err(m) => Err((Some(u.external_id), m)),
                });
            let user = match checked {
                Ok(u) => u,
                Err((external_id, message)) => {
                    invalid += 1;
                    reader_report.write(&Failure {
                        line,
                        external_id,
                        status: None,
                        code: "invalid_record".into(),
                        message,
                    });
                    reader_bar.fail();
                    continue;
                }
            };
            if !seen.insert(user.external_id.clone()) {
                invalid += 1;
                reader_report.write(&Failure {
                    line,
                    external_id: Some(user.external_id.clone()),
                    status: None,
                    code: "duplicate_source_id".into(),
                    message: format!(
                        "the source id {:?} appears earlier in the file",
                        user.external_id
                    ),
                });
                reader_bar.fail();
                continue;
            }
            valid += 1;
            let prior = prior.remove(&user.external_id);
            if prior.as_ref().is_some_and(|p| p.state == State::Done) {
                already += 1;
                reader_bar.done();
                continue;
            }
            if dry_run {
                reader_bar.done();
                continue;
            }
            if tx.blocking_send(Job { line, user, prior }).is_err() {
                break;
            }
        }
        (records_n, invalid, valid, already)
    });
    let (records_n, invalid, valid, already) = read.await.map_err(|e| format!("reader: {e}"))?;
    for w in workers {
        let _ = w.await;
    }
    bar.finish();
    report
        .out
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .flush()
        .map_err(|e| format!("cannot write the report: {e}"))?;

    summary.records = records_n;
    summary.invalid = invalid;
    summary.valid = valid;
    summary.already_done = already;
    summary.created = counters.created.load(Ordering::Relaxed);
    summary.recovered = counters.recovered.load(Ordering::Relaxed);
    summary.failed = counters.failed.load(Ordering::Relaxed);
    summary.requests = counters.requests.load(Ordering::Relaxed);
    summary.rate_limited = counters.rate_limited.load(Ordering::Relaxed);
    summary.elapsed_seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Progress: a bar on a terminal, a plain line every 10 s otherwise, nothing when off.
#[derive(Clone)]
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: Option<Arc<PlainProgress>>,
}

struct PlainProgress {
    done: AtomicU64,
    failed: AtomicU64,
    last: Mutex<Instant>,
    started: Instant,
}

fn progress_bar(o: &ImportOptions, format: Format) -> Progress {
    if !o.progress {
        return Progress {
            bar: None,
            plain: None,
        };
    }
    if std::io::stderr().is_terminal() {
        // One cheap pass to know the total, for the ETA.
        let total = source::read(&o.file, format, o.preset, &o.firebase)
            .map(|r| r.count() as u64)
            .unwrap_or(0);
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} done, {msg} failed  {per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message("0");
        return Progress {
            bar: Some(bar),
            plain: None,
        };
    }
    let now = Instant::now();
    Progress {
        bar: None,
        plain: Some(Arc::new(PlainProgress {
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            last: Mutex::new(now),
            started: now,
        })),
    }
}

impl Progress {
    fn done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
        if let Some(p) = &self.plain {
            p.done.fetch_add(1, Ordering::Relaxed);
            p.maybe_print();
        }
    }

    fn fail(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
            let failed = b.message().parse::<u64>().unwrap_or(0) + 1;
            b.set_message(failed.to_string());
        }
        if let Some(p) = &self.plain {
            p.failed.fetch_add(1, Ordering::Relaxed);
            p.maybe_print();
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}

impl PlainProgress {
    fn maybe_print(&self) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < Duration::from_secs(10) {
            return;
        }
        *last = Instant::now();
        let done = self.done.load(Ordering::Relaxed);
        let failed = self.failed.load(Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        eprintln!(
            "progress: {done} done, {failed} failed, {:.1} users/s",
            (done + failed) as f64 / secs
        );
    }
}
