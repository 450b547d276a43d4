//! The dashboard: server-rendered HTML at `/` that shows what the emulator holds — users,
//! organizations, sessions, the mailbox and webhook deliveries — with a search box and pages on
//! every list and links between them; and it mints a session token for any user (signed in as
//! them, or impersonating them with an `act` claim) to copy into a request.
//!
//! It is served without the secret key, like the JWKS, because a browser opens it; the
//! emulator is a local tool (it listens on 127.0.0.1 unless told otherwise). The one form that
//! changes state (minting a token starts a session) refuses requests from another origin.
//! Tokens minted here last an hour, not a minute, so there is time to copy them.

mod html;

use crate::domain::sessions::{
    NewSession, SESSION_LIFETIME_MS, session_token_claims, start_session,
};
use crate::server::Shared;
use crate::store::Db;
use crate::webhooks::{Delivery, DeliveryStatus};
use crate::wire::{Message, Metadata, Session, SessionStatus, User};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use html::*;
use std::fmt::Write as _;

/// How long a token minted by the dashboard lasts.
pub(crate) const DASHBOARD_TOKEN_SECS: i64 = 3600;

/// The `act.sub` of sessions the dashboard impersonates with.
pub(crate) const DASHBOARD_ACTOR: &str = "emulator_dashboard";

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(overview))
        .route("/users", get(users))
        .route("/users/{user_id}", get(user))
        .route("/users/{user_id}/token", post(mint_token))
        .route("/organizations", get(organizations))
        .route("/organizations/{organization_id}", get(organization))
        .route("/sessions", get(sessions))
        .route("/mailbox", get(mailbox))
        .route("/mailbox/{message_id}", get(message))
        .route("/webhooks", get(webhooks))
        .route("/webhooks/{message_id}", get(delivery))
}

// ---- plumbing ----------------------------------------------------------------------------

/// A list's query: the search (trimmed) and the page (1-based; anything unreadable is 1).
struct ListQuery {
    q: String,
    needle: String,
    page: usize,
}

fn list_query(raw: Option<String>) -> ListQuery {
    let pairs: Vec<(String, String)> = raw
        .as_deref()
        .and_then(|r| serde_html_form::from_str(r).ok())
        .unwrap_or_default();
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim());
    let q = get("q").unwrap_or_default().to_owned();
    ListQuery {
        needle: q.to_lowercase(),
        q,
        page: get("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1),
    }
}

/// The page's rows: every item when not searching (`total` known), or the matching ones.
fn select<T>(
    items: impl Iterator<Item = T>,
    total: usize,
    query: &ListQuery,
    matches: impl Fn(&T) -> bool,
) -> (usize, Vec<T>) {
    let start = (query.page - 1).saturating_mul(PER_PAGE);
    if query.needle.is_empty() {
        return (total, items.skip(start).take(PER_PAGE).collect());
    }
    let (rows, found) = crate::domain::paging::cut(items.filter(matches), PER_PAGE, start, |r| r);
    (found, rows)
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn ok(title: &str, section: Section, body: &str) -> Response {
    html_response(StatusCode::OK, page(title, section, body))
}

fn not_found(section: Section, what: &str, id: &str) -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        page(
            "Not found",
            section,
            &format!(
                "<h1>Not found</h1><p>No {what} has the id <code>{}</code>.</p>",
                esc(id)
            ),
        ),
    )
}

/// A table with these headings and rows of cells (each cell already HTML).
fn table(id: &str, headings: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = format!("<table id=\"{id}\"><thead><tr>");
    for h in headings {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr></thead><tbody>");
    let mut any = false;
    for row in rows {
        any = true;
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    if !any {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\"><em>Nothing here.</em></td></tr>",
            headings.len()
        );
    }
    out.push_str("</tbody></table>");
    out
}

fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(href), esc(text))
}

fn mono(text: &str) -> String {
    format!("<code>{}</code>", esc(text))
}

/// A list page: heading, search, pager, table, pager.
fn list_page(
    path: &str,
    heading: &str,
    placeholder: &str,
    q: &ListQuery,
    total: usize,
    body: &str,
) -> String {
    let pager = pager(path, &q.q, q.page, total);
    format!(
        "<h1>{}</h1>{}{pager}{body}{pager}",
        esc(heading),
        search_form(path, &q.q, placeholder)
    )
}

// ---- users -------------------------------------------------------------------------------

fn primary_email(u: &User) -> Option<&str> {
    u.email_addresses
        .iter()
        .find(|e| e.id.is_some() && e.id == u.primary_email_address_id)
        .or_else(|| u.email_addresses.first())
        .map(|e| e.email_address.as_str())
}

/// What a person calls the user: the full name, else the username, email or id.
fn display_name(u: &User) -> String {
    let name = [u.first_name.as_deref(), u.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        return name;
    }
    u.username
        .clone()
        .or_else(|| primary_email(u).map(str::to_owned))
        .unwrap_or_else(|| u.id.clone())
}

fn user_matches(u: &User, needle: &str) -> bool {
    let texts = [
        Some(u.id.as_str()),
        u.first_name.as_deref(),
        u.last_name.as_deref(),
        u.username.as_deref(),
        u.external_id.as_deref(),
    ];
    texts.into_iter().flatten().any(|t| contains_ci(t, needle))
        || u.email_addresses
            .iter()
            .any(|e| contains_ci(&e.email_address, needle))
        || u.phone_numbers
            .iter()
            .any(|p| contains_ci(&p.phone_number, needle))
}

fn user_link(db: &Db, user_id: &str) -> String {
    match db.users.get(user_id) {
        Some(r) => link(&format!("/users/{user_id}"), &display_name(&r.user)),
        None => format!("{} {}", mono(user_id), badge("deleted", "bad")),
    }
}

fn user_state(u: &User) -> String {
    let mut out = String::new();
    if u.banned {
        out.push_str(&badge("banned", "bad"));
    }
    if u.locked {
        out.push_str(&badge("locked", "warn"));
    }
    if out.is_empty() {
        out.push_str(&badge("active", "good"));
    }
    out
}

async fn users(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let q = list_query(raw);
    let db = state.read();
    let (total, rows) = select(
        db.users.values().rev().map(|r| &r.user),
        db.users.len(),
        &q,
        |u| user_matches(u, &q.needle),
    );
    let body = table(
        "users",
        &[
            "User",
            "Email",
            "Username",
            "Created",
            "Last sign-in",
            "State",
        ],
        rows.into_iter().map(|u| {
            vec![
                format!(
                    "{}<br>{}",
                    link(&format!("/users/{}", u.id), &display_name(u)),
                    mono(&u.id)
                ),
                esc(primary_email(u).unwrap_or("—")),
                esc(u.username.as_deref().unwrap_or("—")),
                time(Some(u.created_at)),
                time(u.last_sign_in_at),
                user_state(u),
            ]
        }),
    );
    ok(
        "Users",
        Section::Users,
        &list_page(
            "/users",
            "Users",
            "Search by name, email, phone, username or id",
            &q,
            total,
            &body,
        ),
    )
}

fn sessions_table(db: &Db, rows: Vec<&Session>, with_user: bool) -> String {
    let mut headings = vec!["Session"];
    if with_user {
        headings.push("User");
    }
    headings.extend(["Status", "Created", "Last active", "Expires"]);
    table(
        "sessions",
        &headings,
        rows.into_iter().map(|s| {
            let mut status = badge(
                s.status.as_str(),
                if s.status == SessionStatus::Active {
                    "good"
                } else {
                    ""
                },
            );
            if s.actor.is_some() {
                status.push(' ');
                status.push_str(&badge("impersonated", "warn"));
            }
            let mut row = vec![mono(&s.id)];
            if with_user {
                row.push(user_link(db, &s.user_id));
            }
            row.extend([
                status,
                time(Some(s.created_at)),
                time(Some(s.last_active_at)),
                time(Some(s.expire_at)),
            ]);
            row
        }),
    )
}

fn messages_table(rows: &[Message], db: Option<&Db>) -> String {
    let mut headings = vec!["Kind", "To", "Subject / text", "Template", "Sent"];
    if db.is_some() {
        headings.insert(2, "User");
    }
    table(
        "messages",
        &headings,
        rows.iter().map(|m| {
            let (kind, summary, created, user_id) = match m {
                Message::Email(e) => (
                    "Email",
                    e.subject.as_str(),
                    e.created_at,
                    e.user_id.as_deref(),
                ),
                Message::Sms(s) => (
                    "SMS",
                    s.message.as_str(),
                    s.created_at_ms,
                    s.user_id.as_deref(),
                ),
            };
            let mut row = vec![
                badge(kind, ""),
                esc(m.to()),
                link(&format!("/mailbox/{}", m.id()), summary),
                esc(m.slug().unwrap_or("—")),
                time(Some(created)),
            ];
            if let Some(db) = db {
                row.insert(
                    2,
                    user_id.map_or_else(|| "—".into(), |id| user_link(db, id)),
                );
            }
            row
        }),
    )
}

async fn user(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let db = state.read();
    let Some(record) = db.users.get(&id) else {
        return not_found(Section::Users, "user", &id);
    };
    let u = &record.user;
    let name = display_name(u);
    let mut body = format!("<h1>{}</h1>", esc(&name));
    let _ = write!(
        body,
        "<dl><dt>Id</dt><dd>{}</dd><dt>External id</dt><dd>{}</dd><dt>Username</dt><dd>{}</dd>\
         <dt>State</dt><dd>{}</dd><dt>Created</dt><dd>{}</dd><dt>Updated</dt><dd>{}</dd>\
         <dt>Last sign-in</dt><dd>{}</dd><dt>Password</dt><dd>{}</dd><dt>Two-factor</dt><dd>{}</dd></dl>",
        mono(&u.id),
        esc(u.external_id.as_deref().unwrap_or("—")),
        esc(u.username.as_deref().unwrap_or("—")),
        user_state(u),
        time(Some(u.created_at)),
        time(Some(u.updated_at)),
        time(u.last_sign_in_at),
        if u.password_enabled { "set" } else { "none" },
        if u.two_factor_enabled { "on" } else { "off" },
    );
    let _ = write!(
        body,
        "<h2>Session token</h2><p>Start a session for this user and get its token to send as \
         <code>Authorization: Bearer …</code> or the <code>__session</code> cookie.</p>\
         <form method=\"post\" action=\"/users/{0}/token\" style=\"display:inline\">\
         <input type=\"hidden\" name=\"mode\" value=\"sign_in\"><button id=\"sign-in-as\" type=\"submit\">Sign in as {1}</button></form> \
         <form method=\"post\" action=\"/users/{0}/token\" style=\"display:inline\">\
         <input type=\"hidden\" name=\"mode\" value=\"impersonate\"><button id=\"impersonate\" type=\"submit\">Impersonate (adds <code>act</code>)</button></form>",
        esc(&u.id),
        esc(&name)
    );
    body.push_str("<h2>Email addresses</h2>");
    body.push_str(&table(
        "emails",
        &["Address", "Verification", "Primary"],
        u.email_addresses.iter().map(|e| {
            vec![
                esc(&e.email_address),
                esc(e.verification.status().as_ref().map_or("—", |s| s.as_str())),
                if e.id.is_some() && e.id == u.primary_email_address_id {
                    "yes".into()
                } else {
                    String::new()
                },
            ]
        }),
    ));
    body.push_str("<h2>Phone numbers</h2>");
    body.push_str(&table(
        "phones",
        &["Number", "Verification"],
        u.phone_numbers.iter().map(|p| {
            vec![
                esc(&p.phone_number),
                esc(p.verification.status().as_ref().map_or("—", |s| s.as_str())),
            ]
        }),
    ));
    body.push_str("<h2>Organizations</h2>");
    body.push_str(&table(
        "memberships",
        &["Organization", "Role", "Joined"],
        db.organizations
            .memberships
            .values()
            .filter(|m| m.user_id == u.id)
            .map(|m| {
                let org = db
                    .organizations
                    .orgs
                    .get(&m.organization_id)
                    .map_or(m.organization_id.as_str(), |o| o.name.as_str());
                vec![
                    link(&format!("/organizations/{}", m.organization_id), org),
                    esc(&m.role),
                    time(Some(m.created_at)),
                ]
            }),
    ));
    let sessions: Vec<&Session> = db
        .sessions
        .values()
        .rev()
        .filter(|s| s.user_id == u.id)
        .collect();
    let _ = write!(
        body,
        "<h2>Sessions</h2><p>{}</p>",
        link(
            &format!("/sessions?q={}", url_encode(&u.id)),
            "All of this user's sessions"
        )
    );
    body.push_str(&sessions_table(&db, sessions, false));
    let messages: Vec<Message> = db
        .mailbox
        .all()
        .into_iter()
        .rev()
        .filter(|m| match m {
            Message::Email(e) => e.user_id.as_deref() == Some(u.id.as_str()),
            Message::Sms(s) => s.user_id.as_deref() == Some(u.id.as_str()),
        })
        .collect();
    body.push_str("<h2>Messages</h2>");
    body.push_str(&messages_table(&messages, None));
    body.push_str("<h2>Metadata</h2><h3>Public</h3>");
    body.push_str(&json_block(&serde_json::Value::Object(
        u.public_metadata.clone(),
    )));
    for (label, meta) in [
        ("Private", &u.private_metadata),
        ("Unsafe", &u.unsafe_metadata),
    ] {
        let _ = write!(body, "<h3>{label}</h3>");
        body.push_str(&json_block(&serde_json::Value::Object(
            meta.clone().unwrap_or_default(),
        )));
    }
    ok(&name, Section::Users, &body)
}

/// Whether a form post comes from the dashboard itself: a browser names the page's origin,
/// which must be this server's.
fn same_origin(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s == "cross-site")
    {
        return false;
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
                return false;
            };
            origin == format!("http://{host}") || origin == format!("https://{host}")
        }
        (Some(_), None) => false,
    }
}

/// `POST /users/{id}/token`: starts a session for the user and shows its token.
async fn mint_token(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !same_origin(&headers) {
        return html_response(
            StatusCode::FORBIDDEN,
            page(
                "Refused",
                Section::Users,
                "<h1>Refused</h1><p>Tokens are minted only from the dashboard's own pages.</p>",
            ),
        );
    }
    let form: Vec<(String, String)> = serde_html_form::from_bytes(&body).unwrap_or_default();
    let impersonate = form.iter().any(|(k, v)| k == "mode" && v == "impersonate");
    let actor = impersonate.then(|| {
        let mut actor = Metadata::new();
        actor.insert("sub".into(), DASHBOARD_ACTOR.into());
        actor
    });
    let started = start_session(
        &mut state.write(),
        NewSession {
            user_id: &id,
            organization_id: None,
            organization_param: "organization_id",
            actor,
            lifetime_ms: SESSION_LIFETIME_MS,
            strategy: if impersonate { "ticket" } else { "admin" },
        },
    );
    let session = match started {
        Ok(s) => s,
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return not_found(Section::Users, "user", &id);
        }
        Err(e) => {
            return html_response(
                e.status,
                page(
                    "Refused",
                    Section::Users,
                    &format!("<h1>Refused</h1><p>{}</p>", esc(&e.describe())),
                ),
            );
        }
    };
    let claims = session_token_claims(
        &state.read(),
        &state.base_url,
        &session.id,
        DASHBOARD_TOKEN_SECS,
    );
    let token = claims.and_then(|c| {
        state
            .key
            .sign_jwt(crate::keys::SESSION_CATEGORY, &c)
            .map_err(|_| crate::error::ApiError::internal())
    });
    let Ok(token) = token else {
        return html_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            page(
                "Error",
                Section::Users,
                "<h1>The token could not be signed</h1>",
            ),
        );
    };
    let db = state.read();
    let name = db
        .users
        .get(&id)
        .map_or_else(|| id.clone(), |r| display_name(&r.user));
    let what = if impersonate {
        "Impersonating"
    } else {
        "Signed in as"
    };
    let body = format!(
        "<h1>{what} {}</h1>\
         <p>Session {} started; this token is valid until {} (an hour).{}</p>\
         <label for=\"session-token\"><strong>Session token</strong></label>\
         <textarea id=\"session-token\" rows=\"6\" readonly>{}</textarea>\
         <p><button id=\"copy\" type=\"button\" onclick=\"navigator.clipboard.writeText(document.getElementById('session-token').value).then(()=>{{this.textContent='Copied'}})\">Copy token</button></p>\
         <p>Send it as <code>Authorization: Bearer &lt;token&gt;</code> or as the cookie <code>__session=&lt;token&gt;</code>.</p>\
         <p>{}</p>",
        esc(&name),
        mono(&session.id),
        time(Some((crate::ids::now_secs() + DASHBOARD_TOKEN_SECS) * 1000)),
        if impersonate {
            format!(
                " Its <code>act</code> claim is <code>{{\"sub\":\"{DASHBOARD_ACTOR}\"}}</code>."
            )
        } else {
            String::new()
        },
        esc(&token),
        link(&format!("/users/{id}"), "Back to the user")
    );
    ok(&format!("{what} {name}"), Section::Users, &body)
}

// ---- organizations ------------------------------------------------------------------------

async fn organizations(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let q = list_query(raw);
    let db = state.read();
    let orgs = &db.organizations.orgs;
    let (total, rows) = select(orgs.values().rev(), orgs.len(), &q, |o| {
        contains_ci(&o.id, &q.needle)
            || contains_ci(&o.name, &q.needle)
            || contains_ci(&o.slug, &q.needle)
    });
    let members = |org_id: &str| {
        db.organizations
            .memberships
            .values()
            .filter(|m| m.organization_id == org_id)
            .count()
    };
    let body = table(
        "organizations",
        &["Organization", "Slug", "Members", "Created by", "Created"],
        rows.into_iter().map(|o| {
            vec![
                format!(
                    "{}<br>{}",
                    link(&format!("/organizations/{}", o.id), &o.name),
                    mono(&o.id)
                ),
                esc(&o.slug),
                members(&o.id).to_string(),
                o.created_by
                    .as_deref()
                    .map_or_else(|| "—".into(), |u| user_link(&db, u)),
                time(Some(o.created_at)),
            ]
        }),
    );
    ok(
        "Organizations",
        Section::Organizations,
        &list_page(
            "/organizations",
            "Organizations",
            "Search by name, slug or id",
            &q,
            total,
            &body,
        ),
    )
}

async fn organization(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let db = state.read();
    let Some(o) = db.organizations.orgs.get(&id) else {
        return not_found(Section::Organizations, "organization", &id);
    };
    let mut body = format!(
        "<h1>{}</h1><dl><dt>Id</dt><dd>{}</dd><dt>Slug</dt><dd>{}</dd><dt>Membership limit</dt><dd>{}</dd>\
         <dt>Created by</dt><dd>{}</dd><dt>Created</dt><dd>{}</dd></dl>",
        esc(&o.name),
        mono(&o.id),
        esc(&o.slug),
        if o.max_allowed_memberships == 0 {
            "unlimited".into()
        } else {
            o.max_allowed_memberships.to_string()
        },
        o.created_by
            .as_deref()
            .map_or_else(|| "—".into(), |u| user_link(&db, u)),
        time(Some(o.created_at)),
    );
    body.push_str("<h2>Members</h2>");
    body.push_str(&table(
        "members",
        &["User", "Role", "Joined"],
        db.organizations
            .memberships
            .values()
            .filter(|m| m.organization_id == o.id)
            .map(|m| {
                vec![
                    user_link(&db, &m.user_id),
                    esc(&m.role),
                    time(Some(m.created_at)),
                ]
            }),
    ));
    body.push_str("<h2>Invitations</h2>");
    body.push_str(&table(
        "invitations",
        &["Email", "Role", "Status", "Sent"],
        db.organizations
            .invitations
            .values()
            .filter(|i| i.organization_id == o.id)
            .map(|i| {
                vec![
                    esc(&i.email_address),
                    esc(&i.role),
                    esc(i.status.as_str()),
                    time(Some(i.created_at)),
                ]
            }),
    ));
    body.push_str("<h2>Public metadata</h2>");
    body.push_str(&json_block(&serde_json::Value::Object(
        o.public_metadata.clone(),
    )));
    ok(&o.name, Section::Organizations, &body)
}

// ---- sessions -----------------------------------------------------------------------------

async fn sessions(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let q = list_query(raw);
    let db = state.read();
    let (total, rows) = select(db.sessions.values().rev(), db.sessions.len(), &q, |s| {
        contains_ci(&s.id, &q.needle)
            || contains_ci(&s.user_id, &q.needle)
            || contains_ci(s.status.as_str(), &q.needle)
    });
    let body = sessions_table(&db, rows, true);
    ok(
        "Sessions",
        Section::Sessions,
        &list_page(
            "/sessions",
            "Sessions",
            "Search by session id, user id or status",
            &q,
            total,
            &body,
        ),
    )
}

// ---- mailbox ------------------------------------------------------------------------------

fn message_matches(m: &Message, needle: &str) -> bool {
    let text = match m {
        Message::Email(e) => [
            e.subject.as_str(),
            e.body_plain.as_deref().unwrap_or(&e.body),
        ],
        Message::Sms(s) => [s.message.as_str(), ""],
    };
    contains_ci(m.id(), needle)
        || contains_ci(m.to(), needle)
        || m.slug().is_some_and(|s| contains_ci(s, needle))
        || text.iter().any(|t| contains_ci(t, needle))
}

async fn mailbox(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let q = list_query(raw);
    let db = state.read();
    let all = db.mailbox.all();
    let len = all.len();
    let (total, rows) = select(all.into_iter().rev(), len, &q, |m| {
        message_matches(m, &q.needle)
    });
    let body = messages_table(&rows, Some(&db));
    ok(
        "Mailbox",
        Section::Mailbox,
        &list_page(
            "/mailbox",
            "Mailbox",
            "Search by recipient, subject, text or template",
            &q,
            total,
            &body,
        ),
    )
}

async fn message(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let db = state.read();
    let found = match db.mailbox.emails.get(&id) {
        Some(e) => Some(Message::Email(e.clone())),
        None => db.mailbox.sms_messages.get(&id).cloned().map(Message::Sms),
    };
    let Some(m) = found else {
        return not_found(Section::Mailbox, "message", &id);
    };
    let (kind, title, created, user_id, data) = match &m {
        Message::Email(e) => (
            "Email",
            e.subject.clone(),
            e.created_at,
            e.user_id.clone(),
            &e.data,
        ),
        Message::Sms(s) => (
            "SMS",
            s.message.clone(),
            s.created_at_ms,
            s.user_id.clone(),
            &s.data,
        ),
    };
    let code = data
        .get("otp_code")
        .and_then(|c| c.as_str())
        .map(|c| {
            format!(
                "<dt>Code</dt><dd><code id=\"otp-code\">{}</code></dd>",
                esc(c)
            )
        })
        .unwrap_or_default();
    let mut body = format!(
        "<h1>{}</h1><dl><dt>Kind</dt><dd>{kind}</dd><dt>Id</dt><dd>{}</dd><dt>To</dt><dd>{}</dd><dt>User</dt><dd>{}</dd>\
         <dt>Template</dt><dd>{}</dd><dt>Sent</dt><dd>{}</dd>{code}</dl>",
        esc(&title),
        mono(m.id()),
        esc(m.to()),
        user_id
            .as_deref()
            .map_or_else(|| "—".into(), |u| user_link(&db, u)),
        esc(m.slug().unwrap_or("—")),
        time(Some(created)),
    );
    match &m {
        Message::Email(e) => {
            // The email's own HTML, shown sandboxed (no scripts, no same origin).
            let _ = write!(
                body,
                "<h2>Body</h2><iframe title=\"Email body\" sandbox srcdoc=\"{}\"></iframe>",
                esc(&e.body)
            );
            if let Some(plain) = &e.body_plain {
                let _ = write!(body, "<h2>Plain text</h2><pre>{}</pre>", esc(plain));
            }
        }
        Message::Sms(s) => {
            let _ = write!(body, "<h2>Text</h2><pre>{}</pre>", esc(&s.message));
        }
    }
    body.push_str("<h2>Template variables</h2>");
    body.push_str(&json_block(&serde_json::Value::Object(data.clone())));
    ok(&title, Section::Mailbox, &body)
}

// ---- webhooks -----------------------------------------------------------------------------

fn status_badge(status: DeliveryStatus) -> String {
    let kind = match status {
        DeliveryStatus::Delivered => "good",
        DeliveryStatus::Failed => "bad",
        DeliveryStatus::Retrying | DeliveryStatus::Pending => "warn",
        DeliveryStatus::NotSent => "",
    };
    badge(status.as_str(), kind)
}

async fn webhooks(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let q = list_query(raw);
    let all = state.deliveries.newest_first();
    let len = all.len();
    let (total, rows) = select(all.into_iter(), len, &q, |d: &Delivery| {
        contains_ci(&d.id, &q.needle)
            || contains_ci(&d.event_type, &q.needle)
            || contains_ci(d.status.as_str(), &q.needle)
            || contains_ci(&d.data, &q.needle)
    });
    let note = if state.outbox.is_none() {
        "<p>No webhook endpoint is configured (start the emulator with one to deliver events); \
         events are listed as <em>not_sent</em>.</p>"
    } else {
        ""
    };
    let body = format!(
        "{note}<p>The last {} events are kept.</p>{}",
        count(crate::webhooks::DeliveryLog::CAPACITY),
        table(
            "deliveries",
            &[
                "Event",
                "Message",
                "Status",
                "Attempts",
                "Last response",
                "Created"
            ],
            rows.into_iter().map(|d| {
                vec![
                    esc(&d.event_type),
                    link(&format!("/webhooks/{}", d.id), &d.id),
                    status_badge(d.status),
                    d.attempts.to_string(),
                    esc(d.last_response.as_deref().unwrap_or("—")),
                    time(Some(d.created_at)),
                ]
            }),
        )
    );
    ok(
        "Webhooks",
        Section::Webhooks,
        &list_page(
            "/webhooks",
            "Webhook deliveries",
            "Search by event type, message id, status or payload",
            &q,
            total,
            &body,
        ),
    )
}

async fn delivery(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let Some(d) = state.deliveries.get(&id) else {
        return not_found(Section::Webhooks, "webhook event", &id);
    };
    let data: serde_json::Value = serde_json::from_str(&d.data).unwrap_or(serde_json::Value::Null);
    let body = format!(
        "<h1>{}</h1><dl><dt>Message</dt><dd>{}</dd><dt>Status</dt><dd>{}</dd><dt>Attempts</dt><dd>{}</dd>\
         <dt>Last response</dt><dd>{}</dd><dt>Created</dt><dd>{}</dd><dt>Updated</dt><dd>{}</dd></dl>\
         <h2>Data</h2>{}",
        esc(&d.event_type),
        mono(&d.id),
        status_badge(d.status),
        d.attempts,
        esc(d.last_response.as_deref().unwrap_or("—")),
        time(Some(d.created_at)),
        time(Some(d.updated_at)),
        json_block(&data),
    );
    ok(&d.event_type, Section::Webhooks, &body)
}

// ---- overview -----------------------------------------------------------------------------

async fn overview(State(state): State<Shared>) -> Response {
    let db = state.read();
    let active_sessions = db
        .sessions
        .values()
        .filter(|s| s.status == SessionStatus::Active)
        .count();
    let messages = db.mailbox.emails.len() + db.mailbox.sms_messages.len();
    let cards = [
        ("/users", "Users", db.users.len()),
        (
            "/organizations",
            "Organizations",
            db.organizations.orgs.len(),
        ),
        ("/sessions", "Active sessions", active_sessions),
        ("/mailbox", "Messages", messages),
        ("/webhooks", "Webhook events", state.deliveries.len()),
    ];
    let mut body = String::from("<h1>Overview</h1><div class=\"cards\">");
    for (href, label, n) in cards {
        let _ = write!(
            body,
            "<a class=\"card\" href=\"{href}\"><b>{}</b>{label}</a>",
            count(n)
        );
    }
    let _ = write!(
        body,
        "</div><h2>Instance</h2><dl><dt>API URL</dt><dd>{}</dd><dt>Instance id</dt><dd>{}</dd>\
         <dt>Publishable key</dt><dd>{}</dd><dt>JWKS</dt><dd>{}</dd></dl>",
        mono(&state.base_url),
        mono(&state.instance_id),
        mono(&state.publishable_key),
        link(
            &format!("{}/.well-known/jwks.json", state.base_url),
            "/.well-known/jwks.json"
        ),
    );
    body.push_str("<h2>Newest users</h2>");
    body.push_str(&table(
        "recent-users",
        &["User", "Email", "Created"],
        db.users.values().rev().take(5).map(|r| {
            vec![
                link(&format!("/users/{}", r.user.id), &display_name(&r.user)),
                esc(primary_email(&r.user).unwrap_or("—")),
                time(Some(r.user.created_at)),
            ]
        }),
    ));
    let recent: Vec<Message> = db.mailbox.all().into_iter().rev().take(5).collect();
    body.push_str("<h2>Newest messages</h2>");
    body.push_str(&messages_table(&recent, Some(&db)));
    ok("Overview", Section::Overview, &body)
}
