//! # clerk-emulator
//!
//! A local, in-memory Clerk Backend API: the same paths under `/v1`, the same JSON, the same
//! errors and status codes, real RS256 session tokens (verifiable against its `/v1/jwks`) and
//! Svix-signed webhooks. Use it to run a Clerk-backed app offline, and in tests.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_emulator::Emulator;
//!
//! let emulator = Emulator::start().await?;
//! // Point any Clerk client at it:
//! println!("CLERK_API_URL={}", emulator.url());
//! println!("CLERK_SECRET_KEY={}", emulator.secret_key());
//! # Ok(()) }
//! ```
//!
//! With the `sdk` feature, `emulator.client()` is a `clerk_backend::Clerk` pointed at it. The
//! emulator itself does not use the SDK: its wire types, errors and webhook signer are its own,
//! so it can catch the SDK's mistakes instead of sharing them.
//!
//! The emulator stops when the [`Emulator`] is dropped (or at [`Emulator::shutdown`]).

mod catalog;
mod dashboard;
mod domain;
mod error;
mod ids;
mod journal;
mod keys;
pub(crate) mod routes;
mod server;
mod store;
mod table;
mod totp;
mod webhooks;
pub mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

#[cfg(feature = "sdk")]
use clerk_backend::Clerk;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wire::CreateUserRequest;

pub use error::ApiError;
pub use keys::SigningKey;
pub use routes::machine_auth::{MintOAuthToken, OAuthAccessToken};
pub use server::{Exchange, Faults, RateLimit};
pub use webhooks::{Delivery, DeliveryStatus, WebhookTarget};

/// The TOTP code (RFC 6238, SHA-1, 30 s, 6 digits) for a base32 secret at a Unix time: what
/// an authenticator app would show for a user created with that `totp_secret`. `None` when the
/// secret is not base32.
pub fn totp_code(secret: &str, unix_secs: i64) -> Option<String> {
    totp::decode_secret(secret).map(|key| totp::code_at(&key, unix_secs))
}

/// Why the emulator could not start.
#[derive(Debug)]
pub struct EmulatorError(String);

impl std::fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EmulatorError {}

/// Settings for an [`Emulator`]; from [`Emulator::builder`].
#[derive(Debug, Default)]
pub struct EmulatorBuilder {
    host: Option<IpAddr>,
    port: u16,
    secret_key: Option<String>,
    signing_key: Option<SigningKey>,
    instance_id: Option<String>,
    seed_users: Vec<CreateUserRequest>,
    rate_limit: Option<RateLimit>,
    faults: Option<Faults>,
    webhook: Option<WebhookTarget>,
    state_file: Option<PathBuf>,
    record_traffic: bool,
}

impl EmulatorBuilder {
    /// The address to listen on (default 127.0.0.1).
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = Some(host);
        self
    }

    /// The port (default: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The secret key clients must send (default: a random `sk_test_...`).
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret_key = Some(key.into());
        self
    }

    /// A fixed signing key, for reproducible tokens (default: a fresh 2048-bit key).
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.signing_key = Some(key);
        self
    }

    /// The instance id (`ins_...`), also the JWKS `kid` (default: a fresh one).
    pub fn instance_id(mut self, id: impl Into<String>) -> Self {
        self.instance_id = Some(id.into());
        self
    }

    /// A user to create at start, validated like `POST /v1/users`.
    pub fn seed_user(mut self, user: CreateUserRequest) -> Self {
        self.seed_users.push(user);
        self
    }

    /// Answers 429 past this many requests per window (off by default).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Injects 500/503 answers and dropped connections (off by default).
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = Some(faults);
        self
    }

    /// Delivers webhooks to this target.
    pub fn webhook(mut self, target: WebhookTarget) -> Self {
        self.webhook = Some(target);
        self
    }

    /// Loads the state from this file at start (if it exists) and saves it there, atomically,
    /// after changes and at shutdown. A corrupt file is an error, never replaced.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Records every request and answer, for [`Emulator::traffic`] (off by default).
    pub fn record_traffic(mut self) -> Self {
        self.record_traffic = true;
        self
    }

    /// Binds and starts serving.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let fail = |m: String| EmulatorError(m);
        let snapshot = match &self.state_file {
            Some(path) => store::load(path).map_err(fail)?,
            None => None,
        };
        let (mut db, saved_instance, saved_secret, saved_key, generation) = match snapshot {
            // Ids lead with the second they were made in, so ids made after a restart still
            // sort after the loaded ones.
            Some(s) => (
                s.db,
                Some(s.instance_id),
                Some(s.secret_key),
                Some(s.signing_key_pkcs8),
                s.journal_generation,
            ),
            None => (store::Db::default(), None, None, None, 0),
        };
        // The writes acknowledged after the snapshot was taken.
        let journal = match &self.state_file {
            Some(path) => {
                let next = journal::replay(path, generation, |record| db.apply_record(record))
                    .map_err(fail)?;
                Some(journal::Journal::open(path, next).map_err(fail)?)
            }
            None => None,
        };
        db.reindex();
        domain::org_roles::seed(&mut db);
        let instance_id = self
            .instance_id
            .or(saved_instance)
            .unwrap_or_else(|| ids::new_id("ins"));
        domain::billing::seed(&mut db, &instance_id);
        let secret_key = self
            .secret_key
            .or(saved_secret)
            .unwrap_or_else(|| format!("sk_test_{}", ids::random_base62(40)));
        let key = match (self.signing_key, saved_key) {
            (Some(k), _) => k,
            (None, Some(der)) => {
                SigningKey::from_pkcs8_der(&der, instance_id.clone()).map_err(fail)?
            }
            (None, None) => SigningKey::generate(instance_id.clone()).map_err(fail)?,
        };

        let host = self.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(host, self.port))
            .await
            .map_err(|e| fail(format!("cannot listen on {host}:{}: {e}", self.port)))?;
        let local = listener.local_addr().map_err(|e| fail(e.to_string()))?;
        let reachable = if local.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            local.ip()
        };
        let authority = SocketAddr::new(reachable, local.port()).to_string();
        let base_url = format!("http://{authority}");

        let deliveries = Arc::new(webhooks::DeliveryLog::default());
        let (outbox, webhook_task) = match self.webhook {
            Some(target) => {
                let (outbox, task) =
                    webhooks::start(target, instance_id.clone(), deliveries.clone())
                        .map_err(fail)?;
                (Some(outbox), Some(task))
            }
            None => (None, None),
        };
        let state = Arc::new(server::AppState::new(
            db,
            instance_id.clone(),
            secret_key.clone(),
            keys::publishable_key(&authority),
            base_url.clone(),
            key,
            self.rate_limit,
            self.faults,
            outbox,
            deliveries,
            journal,
            self.record_traffic,
        ));
        for user in self.seed_users {
            domain::users::create(&state, user).map_err(|e| fail(format!("seed user: {e:?}")))?;
        }

        let saver = match &self.state_file {
            Some(path) => {
                // Start from a fresh snapshot: the replayed journals fold into it.
                compact(&state, path).map_err(fail)?;
                Some(tokio::spawn(compact_when_grown(
                    state.clone(),
                    path.clone(),
                )))
            }
            None => None,
        };

        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let app = server::router(state.clone());
        let server_task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stop_rx.await;
            });
            if let Err(e) = served.await {
                tracing::error!("the emulator's server stopped: {e}");
            }
        });

        #[cfg(feature = "sdk")]
        let client = Clerk::builder()
            .secret_key(&secret_key)
            .api_url(&base_url)
            .build()
            .map_err(|e| fail(format!("cannot build the client: {e}")))?;
        Ok(Emulator {
            state,
            #[cfg(feature = "sdk")]
            client,
            stop: Some(stop_tx),
            server_task: Some(server_task),
            saver,
            webhook_task,
            state_file: self.state_file,
        })
    }
}

/// Folds the journal into a new snapshot: under the write lock, the journal moves to its next
/// generation and the data is serialized; then the snapshot is written durably over the old
/// one and the folded journals are deleted. Without a journal (no state file) it does nothing.
fn compact(state: &server::AppState, path: &std::path::Path) -> Result<(), String> {
    let Some(journal) = &state.journal else {
        return Ok(());
    };
    let (bytes, generation) = {
        let db = state.db.write().unwrap_or_else(|e| e.into_inner());
        let generation = journal.rotate()?;
        let snapshot = SnapshotRef {
            version: store::SNAPSHOT_VERSION,
            instance_id: &state.instance_id,
            secret_key: &state.secret_key,
            signing_key_pkcs8: data_encoding::BASE64.encode(state.key.pkcs8_der()),
            journal_generation: generation,
            db: &db,
        };
        (
            serde_json::to_vec(&snapshot).map_err(|e| e.to_string())?,
            generation,
        )
    };
    store::save(path, &bytes)?;
    journal.remove_before(generation);
    Ok(())
}

/// A borrowed [`store::Snapshot`], to save without cloning the data.
#[derive(serde::Serialize)]
struct SnapshotRef<'a> {
    version: u32,
    instance_id: &'a str,
    secret_key: &'a str,
    signing_key_pkcs8: String,
    journal_generation: u64,
    db: &'a store::Db,
}

/// Compacts whenever the journal has outgrown its bound.
async fn compact_when_grown(state: Arc<server::AppState>, path: PathBuf) {
    let Some(grown) = state.journal.as_ref().map(|j| j.compact.clone()) else {
        return;
    };
    loop {
        grown.notified().await;
        let (state, path) = (state.clone(), path.clone());
        match tokio::task::spawn_blocking(move || compact(&state, &path)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("compacting the state file failed: {e}"),
            Err(e) => tracing::error!("compacting the state file failed: {e}"),
        }
    }
}

/// A session's cookies, from [`Emulator::session_cookies`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookies {
    /// The `__session` cookie: a session token.
    pub session: String,
    /// The `__client_uat` cookie: when the client last changed sessions (Unix seconds).
    pub client_uat: i64,
    /// The instance's cookie suffix (from its publishable key), for `__session_<suffix>`.
    pub suffix: String,
    /// The session's refresh token (the Frontend API's `__refresh` cookie), for `POST
    /// /v1/sessions/{id}/refresh`.
    pub refresh: String,
    /// The JWT standing for the session's client (the Frontend API's `__client` cookie), for
    /// `POST /v1/clients/verify`.
    pub client: String,
}

impl SessionCookies {
    /// `__session=...; __client_uat=...`, for a `Cookie` header.
    pub fn cookie_header(&self) -> String {
        format!(
            "__session={}; __client_uat={}",
            self.session, self.client_uat
        )
    }

    /// The same pair under the instance's suffixed names, as browsers hold them when several
    /// Clerk apps share a domain.
    pub fn suffixed_cookie_header(&self) -> String {
        format!(
            "__session_{s}={}; __client_uat_{s}={}",
            self.session,
            self.client_uat,
            s = self.suffix
        )
    }
}

/// How [`Emulator::mint_token`] shapes a token.
#[derive(Debug, Clone, Default)]
pub struct MintToken {
    /// `None`: the session category; `Some(None)`: no `cat` header; `Some(Some(c))`: `c`.
    category: Option<Option<String>>,
    claims: serde_json::Map<String, serde_json::Value>,
    without_claims: Vec<String>,
    header: serde_json::Map<String, serde_json::Value>,
}

impl MintToken {
    /// A session token as the emulator mints it.
    pub fn new() -> MintToken {
        MintToken::default()
    }

    /// The `cat` header (`cl_B7d4PD333AAA` for M2M, `cl_I7d4PD111III` for "any", ...).
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(Some(category.into()));
        self
    }

    /// No `cat` header at all.
    pub fn without_category(mut self) -> Self {
        self.category = Some(None);
        self
    }

    /// Sets a claim to any JSON (of any type: `json!(42)` for a `sub`, `json!(null)`, ...).
    pub fn claim(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.claims.insert(name.into(), value);
        self
    }

    /// Leaves a claim out.
    pub fn without_claim(mut self, name: impl Into<String>) -> Self {
        self.without_claims.push(name.into());
        self
    }

    /// Sets a header member (`typ`, `kid`, ...; `alg` stays RS256 for the signature).
    pub fn header(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.header.insert(name.into(), value);
        self
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    state: Arc<server::AppState>,
    #[cfg(feature = "sdk")]
    client: Clerk,
    stop: Option<oneshot::Sender<()>>,
    server_task: Option<JoinHandle<()>>,
    saver: Option<JoinHandle<()>>,
    webhook_task: Option<JoinHandle<()>>,
    state_file: Option<PathBuf>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url())
            .field("instance_id", &self.instance_id())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator on 127.0.0.1 and a free port, with a fresh instance.
    pub async fn start() -> Result<Emulator, EmulatorError> {
        Emulator::builder().start().await
    }

    /// Settings for an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The API URL (`http://127.0.0.1:<port>`), to use as `CLERK_API_URL`.
    pub fn url(&self) -> &str {
        &self.state.base_url
    }

    /// The secret key (`sk_test_...`), to use as `CLERK_SECRET_KEY`.
    pub fn secret_key(&self) -> &str {
        &self.state.secret_key
    }

    /// The publishable key (`pk_test_...`) naming this emulator's host.
    pub fn publishable_key(&self) -> &str {
        &self.state.publishable_key
    }

    /// The instance id (`ins_...`), also the `kid` of its signing key.
    pub fn instance_id(&self) -> &str {
        &self.state.instance_id
    }

    /// The `iss` of its tokens: its own URL, standing in for the Frontend API.
    pub fn issuer(&self) -> &str {
        &self.state.base_url
    }

    /// The signing key's public half as PEM, to use as `CLERK_JWT_KEY`.
    pub fn public_key_pem(&self) -> String {
        self.state.key.public_key_pem()
    }

    /// A `clerk-backend` client pointed at this emulator (with the `sdk` feature).
    #[cfg(feature = "sdk")]
    pub fn client(&self) -> Clerk {
        self.client.clone()
    }

    /// Every email and SMS message the instance sent (verification codes, invitations,
    /// organization invitations), oldest first: recipient, template slug and the variables
    /// it was rendered with. The same list is served at `GET /emulator/messages` (the
    /// emulator's own path, with the secret key; filters `to`, `slug`, `user_id`).
    ///
    /// ```no_run
    /// # fn run(emulator: &clerk_emulator::Emulator) {
    /// // After `POST /v1/email_addresses/{id}/prepare_verification`:
    /// let code = emulator
    ///     .messages()
    ///     .iter()
    ///     .rev()
    ///     .find(|m| m.to() == "ada@example.com" && m.slug() == Some("verification_code"))
    ///     .and_then(|m| m.otp_code().map(str::to_owned));
    /// # let _ = code; }
    /// ```
    pub fn messages(&self) -> Vec<wire::Message> {
        self.state.read().mailbox.all()
    }

    /// The last webhook events (up to 1,000), newest first, with what became of each: sent
    /// and answered 2xx, retrying, failed after the last retry, or not sent because no
    /// endpoint is configured. The dashboard's Webhooks page shows the same.
    pub fn webhook_deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries.newest_first()
    }

    /// Redeems the ticket of a sign-in token, actor token or agent task (its `token`), as the Frontend
    /// API would when the user follows its URL: the user gets a new session (for an actor
    /// token, one whose tokens carry the actor as `act`), and the token is `accepted`. Also
    /// served at `POST /emulator/tickets/accept` with `{"ticket": "..."}`.
    pub fn accept_ticket(&self, ticket: &str) -> Result<wire::Session, EmulatorError> {
        domain::tickets::accept_ticket(&mut self.state.write(), ticket)
            .map_err(|e| EmulatorError(e.describe()))
    }

    /// The cookies a browser signed in to this session holds: a fresh `__session` token and the
    /// client's `__client_uat` (the time it last changed sessions), as Clerk's Frontend API
    /// would set them. The same is served at `POST /emulator/sessions/{id}/cookies` (the
    /// emulator's own endpoint, with the secret key).
    ///
    /// ```no_run
    /// # fn run(emulator: &clerk_emulator::Emulator) -> Result<(), Box<dyn std::error::Error>> {
    /// # let session_id = "sess_...";
    /// // A session made with `POST /v1/sessions` (or the SDK's `clerk.sessions().create(..)`).
    /// let cookies = emulator.session_cookies(session_id)?;
    /// // send `Cookie: {cookies.cookie_header()}` to the app under test
    /// # let _ = cookies; Ok(()) }
    /// ```
    pub fn session_cookies(&self, session_id: &str) -> Result<SessionCookies, EmulatorError> {
        domain::sessions::session_cookies(&self.state, session_id)
            .map_err(|e| EmulatorError(e.describe()))
    }

    /// A session token for a live session, shaped for a test: its category, header and claims
    /// changed as `mint` says, signed with the instance's key (so everything but the changes
    /// is what `POST /v1/sessions/{id}/tokens` would give).
    ///
    /// ```no_run
    /// # fn run(emulator: &clerk_emulator::Emulator, session_id: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// use clerk_emulator::MintToken;
    /// use serde_json::json;
    ///
    /// // A token of an instance that turned category checks off, without `exp`.
    /// let token = emulator.mint_token(
    ///     session_id,
    ///     MintToken::new().category("cl_I7d4PD111III").without_claim("exp"),
    /// )?;
    /// let odd = emulator.mint_token(session_id, MintToken::new().claim("sub", json!(42)))?;
    /// # let _ = (token, odd); Ok(()) }
    /// ```
    pub fn mint_token(&self, session_id: &str, mint: MintToken) -> Result<String, EmulatorError> {
        let mut claims = domain::sessions::default_token_claims(&self.state, session_id)
            .map_err(|e| EmulatorError(e.describe()))?;
        for name in &mint.without_claims {
            claims.remove(name);
        }
        claims.extend(mint.claims);
        let mut header = serde_json::Map::new();
        header.insert("alg".into(), "RS256".into());
        header.insert("kid".into(), self.state.key.kid().into());
        header.insert("typ".into(), "JWT".into());
        match mint.category {
            Some(None) => {}
            Some(Some(cat)) => {
                header.insert("cat".into(), cat.into());
            }
            None => {
                header.insert("cat".into(), keys::SESSION_CATEGORY.into());
            }
        }
        header.extend(mint.header);
        self.state
            .key
            .sign_with_header(&header, &claims)
            .map_err(EmulatorError)
    }

    /// Adds a billing plan (with its default price), as Clerk's dashboard would; the same as
    /// `POST /emulator/billing/plans`. A new instance already has a free default plan per
    /// payer type.
    pub fn create_billing_plan(
        &self,
        plan: wire::NewBillingPlan,
    ) -> Result<wire::CommercePlan, EmulatorError> {
        domain::billing::create_plan(&mut self.state.write(), &self.state.instance_id, &plan)
            .map_err(|e| EmulatorError(e.describe()))
    }

    /// Puts a user or organization on a plan, as a completed checkout would: the payer's
    /// items end, the new item starts and (unless free or a free trial) is paid on the
    /// payer's statement. The same as `POST /emulator/billing/subscriptions`.
    ///
    /// ```no_run
    /// # fn run(emulator: &clerk_emulator::Emulator, user_id: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// use clerk_emulator::wire::{NewBillingPlan, NewBillingSubscription};
    ///
    /// let pro = emulator.create_billing_plan(NewBillingPlan {
    ///     name: "Pro".into(),
    ///     amount: 2000,
    ///     ..Default::default()
    /// })?;
    /// let subscription = emulator.subscribe(NewBillingSubscription {
    ///     user_id: Some(user_id.into()),
    ///     plan_id: Some(pro.id),
    ///     ..Default::default()
    /// })?;
    /// # let _ = subscription; Ok(()) }
    /// ```
    pub fn subscribe(
        &self,
        subscription: wire::NewBillingSubscription,
    ) -> Result<wire::CommerceSubscription, EmulatorError> {
        domain::billing::subscribe(
            &mut self.state.write(),
            &self.state.instance_id,
            &subscription,
        )
        .map_err(|e| EmulatorError(e.describe()))
    }

    /// Adds a discount that `POST /v1/billing/subscription_items/{id}/discounts` can apply;
    /// the same as `POST /emulator/billing/discounts`.
    pub fn create_billing_discount(
        &self,
        discount: wire::NewBillingDiscount,
    ) -> Result<wire::BillingDiscount, EmulatorError> {
        domain::billing::create_discount(&mut self.state.write(), &discount)
            .map_err(|e| EmulatorError(e.describe()))
    }

    /// The requests and answers so far, when built with
    /// [`record_traffic`](EmulatorBuilder::record_traffic); empty otherwise.
    pub fn traffic(&self) -> Vec<Exchange> {
        self.state
            .traffic
            .as_ref()
            .map(|t| t.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }

    /// Stops serving, waits for the server to finish, and saves the state file if there is
    /// one.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.server_task.take() {
            let _ = task.await;
        }
        if let Some(saver) = self.saver.take() {
            saver.abort();
        }
        if let Some(path) = &self.state_file {
            compact(&self.state, path).map_err(EmulatorError)?;
        }
        Ok(())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(saver) = self.saver.take() {
            saver.abort();
            if let Some(path) = &self.state_file
                && let Err(e) = compact(&self.state, path)
            {
                tracing::error!("saving the state failed: {e}");
            }
        }
        if let Some(task) = self.webhook_task.take() {
            task.abort();
        }
    }
}
