//! What an import reads: input formats (JSON array, JSON lines, CSV), the presets that map
//! other providers' exports to Clerk's fields, and the checks a record must pass before it is
//! sent.
//!
//! Every format ends as a [`SourceUser`]; [`SourceUser::create_body`] is the `POST /v1/users`
//! body. The field mapping of each preset is documented on [`Preset`] and in the README.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::json_stream::ArrayElements;

/// The `password_hasher` values `CreateUser` accepts (the spec's `PasswordHasher`, API version
/// 2026-05-12).
pub const PASSWORD_HASHERS: &[&str] = &[
    "bcrypt",
    "bcrypt_sha256_django",
    "md5",
    "pbkdf2_sha1",
    "pbkdf2_sha256",
    "pbkdf2_sha256_django",
    "pbkdf2_sha512",
    "pbkdf2_sha512_hex",
    "phpass",
    "md5_phpass",
    "scrypt_firebase",
    "scrypt_werkzeug",
    "sha256",
    "ldap_ssha",
    "argon2i",
    "argon2id",
    "sha512_symfony",
];

/// Clerk's limit on each metadata object, serialized (8 KB).
pub const METADATA_LIMIT: usize = 8 * 1024;

/// How the input file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A JSON array of objects (the first array in the file).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

impl Format {
    /// The format a file name suggests: `.csv`, `.jsonl`/`.ndjson`, else JSON.
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "csv" => Format::Csv,
            Some(e) if e == "jsonl" || e == "ndjson" => Format::Jsonl,
            _ => Format::Json,
        }
    }
}

/// Whose export the input is; decides the field mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// clerkctl's own field names (see the README): `id`, `email_addresses`, `phone_numbers`,
    /// `username`, `first_name`, `last_name`, `password_digest`, `password_hasher`,
    /// `*_metadata`, `created_at`, `organization_memberships`.
    Generic,
    /// Clerk's dashboard export (CSV).
    Clerk,
    /// Auth0: a user export (JSON / JSON lines) with bcrypt `passwordHash`es.
    Auth0,
    /// Firebase: `firebase auth:export --format=json` (scrypt hashes).
    Firebase,
    /// Supabase: the `auth.users` table as CSV (bcrypt `encrypted_password`).
    Supabase,
}

impl Preset {
    /// The input format the preset's export comes in, when the file name does not say.
    pub fn default_format(self) -> Option<Format> {
        match self {
            Preset::Clerk | Preset::Supabase => Some(Format::Csv),
            Preset::Firebase => Some(Format::Json),
            Preset::Generic | Preset::Auth0 => None,
        }
    }
}

/// Firebase's project-wide scrypt parameters (Authentication → Users → Password hash
/// parameters), joined into each `scrypt_firebase` digest.
#[derive(Debug, Clone, Default)]
pub struct FirebaseHash {
    /// `base64_signer_key`.
    pub signer_key: Option<String>,
    /// `base64_salt_separator`.
    pub salt_separator: Option<String>,
    /// `rounds`.
    pub rounds: Option<u32>,
    /// `mem_cost`.
    pub mem_cost: Option<u32>,
}

/// An organization to add the user to after it is created.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Membership {
    /// The organization's id.
    pub organization_id: String,
    /// The role, e.g. `org:member`.
    pub role: String,
}

/// One user read from the input, mapped to Clerk's fields.
#[derive(Debug, Clone, Default)]
pub struct SourceUser {
    /// The source system's id; sent as `external_id`, the import's identity.
    pub external_id: String,
    /// Email addresses and whether each is verified; the first is the primary.
    pub emails: Vec<(String, bool)>,
    /// Phone numbers (E.164) and whether each is verified; the first is the primary.
    pub phones: Vec<(String, bool)>,
    /// Username.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Password digest.
    pub password_digest: Option<String>,
    /// Its hasher, one of [`PASSWORD_HASHERS`].
    pub password_hasher: Option<String>,
    /// `public_metadata`.
    pub public_metadata: Option<Value>,
    /// `private_metadata`.
    pub private_metadata: Option<Value>,
    /// `unsafe_metadata`.
    pub unsafe_metadata: Option<Value>,
    /// Sign-up time, RFC 3339.
    pub created_at: Option<String>,
    /// Follow-ups: organizations to join.
    pub memberships: Vec<Membership>,
}

/// A record of the input: its line and the user, or why it could not be read.
pub type Record = (u64, Result<SourceUser, String>);

/// Opens `path` and yields its records one at a time.
pub fn read(
    path: &Path,
    format: Format,
    preset: Preset,
    firebase: &FirebaseHash,
) -> Result<Box<dyn Iterator<Item = Record> + Send>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let reader = BufReader::new(file);
    let firebase = firebase.clone();
    Ok(match format {
        Format::Json => Box::new(ArrayElements::new(reader).map(move |item| {
            match item {
                Ok((line, bytes)) => (
                    line,
                    serde_json::from_slice::<Value>(&bytes)
                        .map_err(|e| format!("invalid JSON: {e}"))
                        .and_then(|v| map_json(preset, &firebase, v)),
                ),
                Err(e) => (0, Err(e)),
            }
        })),
        Format::Jsonl => {
            use std::io::BufRead;
            Box::new(
                reader
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
                    .map(move |(i, line)| {
                        let n = i as u64 + 1;
                        (
                            n,
                            line.map_err(|e| format!("read error: {e}")).and_then(|l| {
                                serde_json::from_str::<Value>(&l)
                                    .map_err(|e| format!("invalid JSON: {e}"))
                                    .and_then(|v| map_json(preset, &firebase, v))
                            }),
                        )
                    }),
            )
        }
        Format::Csv => {
            let mut csv = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(reader);
            let headers = csv
                .headers()
                .map_err(|e| format!("{}: cannot read the CSV header: {e}", path.display()))?
                .clone();
            Box::new(csv.into_records().map(move |r| match r {
                Ok(rec) => {
                    let line = rec.position().map_or(0, |p| p.line());
                    let row: Map<String, Value> = headers
                        .iter()
                        .zip(rec.iter())
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(h, v)| (h.trim().to_owned(), Value::String(v.to_owned())))
                        .collect();
                    (line, map_csv(preset, row))
                }
                Err(e) => (
                    e.position().map_or(0, |p| p.line()),
                    Err(format!("invalid CSV: {e}")),
                ),
            }))
        }
    })
}

fn str_field(v: &Map<String, Value>, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A list from a JSON array of strings, or a string of `|`- or `,`-separated values (CSV).
fn list_field(v: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(s
            .split(['|', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.trim().to_owned()),
                other => Err(format!("{key}: expected strings, found {other}")),
            })
            .collect(),
        Some(other) => Err(format!("{key}: expected a list, found {other}")),
    }
}

/// A metadata object: a JSON object, or (CSV) JSON text of one.
fn object_field(v: &Map<String, Value>, key: &str) -> Result<Option<Value>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) if o.is_empty() => Ok(None),
        Some(o @ Value::Object(_)) => Ok(Some(o.clone())),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(o)) if o.is_empty() => Ok(None),
            Ok(o @ Value::Object(_)) => Ok(Some(o)),
            _ => Err(format!("{key}: expected a JSON object")),
        },
        Some(other) => Err(format!("{key}: expected a JSON object, found {other}")),
    }
}

fn truthy(v: &Map<String, Value>, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "1" | "yes" => Some(true),
            "false" | "f" | "0" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn map_json(preset: Preset, firebase: &FirebaseHash, v: Value) -> Result<SourceUser, String> {
    let Value::Object(o) = v else {
        return Err("expected a JSON object".into());
    };
    match preset {
        Preset::Generic => generic(&o),
        Preset::Auth0 => auth0(&o),
        Preset::Firebase => firebase_user(&o, firebase),
        Preset::Clerk => clerk_export(&o),
        Preset::Supabase => supabase(&o),
    }
}

fn map_csv(preset: Preset, row: Map<String, Value>) -> Result<SourceUser, String> {
    match preset {
        Preset::Generic => generic(&row),
        Preset::Clerk => clerk_export(&row),
        Preset::Supabase => supabase(&row),
        Preset::Auth0 => auth0(&row),
        Preset::Firebase => firebase_user(&row, &FirebaseHash::default()),
    }
}

fn require_id(id: Option<String>, field: &str) -> Result<String, String> {
    id.ok_or_else(|| format!("missing the source id (`{field}`)"))
}

fn generic(o: &Map<String, Value>) -> Result<SourceUser, String> {
    let external_id = require_id(
        str_field(o, "id").or_else(|| str_field(o, "external_id")),
        "id",
    )?;
    let mut emails: Vec<(String, bool)> = list_field(o, "email_addresses")?
        .into_iter()
        .map(|e| (e, true))
        .collect();
    if let Some(e) = str_field(o, "email") {
        emails.insert(0, (e, true));
    }
    emails.extend(
        list_field(o, "unverified_email_addresses")?
            .into_iter()
            .map(|e| (e, false)),
    );
    let mut phones: Vec<(String, bool)> = list_field(o, "phone_numbers")?
        .into_iter()
        .map(|p| (p, true))
        .collect();
    if let Some(p) = str_field(o, "phone_number") {
        phones.insert(0, (p, true));
    }
    phones.extend(
        list_field(o, "unverified_phone_numbers")?
            .into_iter()
            .map(|p| (p, false)),
    );
    let memberships = match o.get("organization_memberships") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => {
            serde_json::from_str(s).map_err(|e| format!("organization_memberships: {e}"))?
        }
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|e| format!("organization_memberships: {e}"))?,
    };
    Ok(SourceUser {
        external_id,
        emails,
        phones,
        username: str_field(o, "username"),
        first_name: str_field(o, "first_name"),
        last_name: str_field(o, "last_name"),
        password_digest: str_field(o, "password_digest"),
        password_hasher: str_field(o, "password_hasher"),
        public_metadata: object_field(o, "public_metadata")?,
        private_metadata: object_field(o, "private_metadata")?,
        unsafe_metadata: object_field(o, "unsafe_metadata")?,
        // RFC 3339, or Unix milliseconds as `users export` writes them.
        created_at: str_field(o, "created_at").map(|c| c.parse::<i64>().map_or(c, rfc3339_from_ms)),
        memberships,
    })
}

/// Clerk's dashboard export (assumed columns: `id`, `first_name`, `last_name`, `username`,
/// `primary_email_address`, `verified_email_addresses`, `unverified_email_addresses`,
/// `primary_phone_number`, `verified_phone_numbers`, `unverified_phone_numbers`,
/// `password_digest`, `password_hasher`; lists `|`-separated).
fn clerk_export(o: &Map<String, Value>) -> Result<SourceUser, String> {
    let external_id = require_id(str_field(o, "id"), "id")?;
    let mut emails: Vec<(String, bool)> = Vec::new();
    let push = |list: &mut Vec<(String, bool)>, value: String, verified: bool| {
        if !list.iter().any(|(v, _)| v.eq_ignore_ascii_case(&value)) {
            list.push((value, verified));
        }
    };
    if let Some(e) = str_field(o, "primary_email_address") {
        let verified = !list_field(o, "unverified_email_addresses")?.contains(&e);
        push(&mut emails, e, verified);
    }
    for e in list_field(o, "verified_email_addresses")? {
        push(&mut emails, e, true);
    }
    for e in list_field(o, "unverified_email_addresses")? {
        push(&mut emails, e, false);
    }
    let mut phones: Vec<(String, bool)> = Vec::new();
    if let Some(p) = str_field(o, "primary_phone_number") {
        let verified = !list_field(o, "unverified_phone_numbers")?.contains(&p);
        push(&mut phones, p, verified);
    }
    for p in list_field(o, "verified_phone_numbers")? {
        push(&mut phones, p, true);
    }
    for p in list_field(o, "unverified_phone_numbers")? {
        push(&mut phones, p, false);
    }
    Ok(SourceUser {
        external_id,
        emails,
        phones,
        username: str_field(o, "username"),
        first_name: str_field(o, "first_name"),
        last_name: str_field(o, "last_name"),
        password_digest: str_field(o, "password_digest"),
        password_hasher: str_field(o, "password_hasher"),
        ..SourceUser::default()
    })
}

/// Auth0 (assumed fields): `user_id` or the password export's `_id` (`{"$oid": ...}`),
/// `email`, `email_verified`, `username`, `given_name`, `family_name`, `phone_number`,
/// `phone_verified`, `passwordHash` (bcrypt), `user_metadata` → `public_metadata`,
/// `app_metadata` → `private_metadata`, `created_at`.
fn auth0(o: &Map<String, Value>) -> Result<SourceUser, String> {
    let id = str_field(o, "user_id").or_else(|| match o.get("_id") {
        Some(Value::Object(oid)) => str_field(oid, "$oid"),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    });
    let external_id = require_id(id, "user_id")?;
    let mut user = SourceUser {
        external_id,
        username: str_field(o, "username"),
        first_name: str_field(o, "given_name"),
        last_name: str_field(o, "family_name"),
        public_metadata: object_field(o, "user_metadata")?,
        private_metadata: object_field(o, "app_metadata")?,
        created_at: str_field(o, "created_at"),
        ..SourceUser::default()
    };
    if let Some(e) = str_field(o, "email") {
        user.emails
            .push((e, truthy(o, "email_verified").unwrap_or(false)));
    }
    if let Some(p) = str_field(o, "phone_number") {
        user.phones
            .push((p, truthy(o, "phone_verified").unwrap_or(false)));
    }
    if let Some(h) = str_field(o, "passwordHash").or_else(|| str_field(o, "password_hash")) {
        user.password_digest = Some(h);
        user.password_hasher = Some("bcrypt".into());
    }
    Ok(user)
}

/// Firebase `auth:export` JSON: `localId`, `email`, `emailVerified`, `phoneNumber`,
/// `displayName` (split at the first space into first and last name), `passwordHash` and
/// `salt` (joined with the project's hash parameters into a `scrypt_firebase` digest),
/// `createdAt` (ms), `customAttributes` (JSON text) → `public_metadata`.
fn firebase_user(o: &Map<String, Value>, params: &FirebaseHash) -> Result<SourceUser, String> {
    let external_id = require_id(str_field(o, "localId"), "localId")?;
    let mut user = SourceUser {
        external_id,
        public_metadata: object_field(o, "customAttributes")?,
        ..SourceUser::default()
    };
    if let Some(e) = str_field(o, "email") {
        user.emails
            .push((e, truthy(o, "emailVerified").unwrap_or(false)));
    }
    if let Some(p) = str_field(o, "phoneNumber") {
        // Firebase verifies a phone number by signing in with it.
        user.phones.push((p, true));
    }
    if let Some(name) = str_field(o, "displayName") {
        let mut parts = name.splitn(2, ' ');
        user.first_name = parts.next().map(str::to_owned);
        user.last_name = parts
            .next()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
    }
    if let Some(ms) = str_field(o, "createdAt").and_then(|s| s.parse::<i64>().ok()) {
        user.created_at = Some(rfc3339_from_ms(ms));
    }
    if let Some(hash) = str_field(o, "passwordHash") {
        let salt = str_field(o, "salt").ok_or("passwordHash without salt")?;
        let (Some(key), Some(sep), Some(rounds), Some(mem)) = (
            params.signer_key.as_deref(),
            params.salt_separator.as_deref(),
            params.rounds,
            params.mem_cost,
        ) else {
            return Err("a Firebase password hash needs --firebase-signer-key, --firebase-salt-separator, --firebase-rounds and --firebase-mem-cost".into());
        };
        // Clerk's scrypt_firebase digest: hash$salt$signer key$salt separator$rounds$mem cost.
        user.password_digest = Some(format!("{hash}${salt}${key}${sep}${rounds}${mem}"));
        user.password_hasher = Some("scrypt_firebase".into());
    }
    Ok(user)
}

/// Supabase `auth.users` CSV: `id`, `email`, `email_confirmed_at`, `phone` (digits, `+` added),
/// `phone_confirmed_at`, `encrypted_password` (bcrypt), `raw_user_meta_data` →
/// `unsafe_metadata`, `raw_app_meta_data` → `private_metadata`, `created_at`.
fn supabase(o: &Map<String, Value>) -> Result<SourceUser, String> {
    let external_id = require_id(str_field(o, "id"), "id")?;
    let mut user = SourceUser {
        external_id,
        unsafe_metadata: object_field(o, "raw_user_meta_data")?,
        private_metadata: object_field(o, "raw_app_meta_data")?,
        ..SourceUser::default()
    };
    if let Some(e) = str_field(o, "email") {
        user.emails.push((e, o.contains_key("email_confirmed_at")));
    }
    if let Some(p) = str_field(o, "phone") {
        let p = if p.starts_with('+') {
            p
        } else {
            format!("+{p}")
        };
        user.phones.push((p, o.contains_key("phone_confirmed_at")));
    }
    if let Some(h) = str_field(o, "encrypted_password") {
        user.password_digest = Some(h);
        user.password_hasher = Some("bcrypt".into());
    }
    if let Some(c) = str_field(o, "created_at") {
        user.created_at = Some(normalize_timestamp(&c));
    }
    Ok(user)
}

/// Postgres prints `2024-01-02 03:04:05.123456+00`; RFC 3339 wants `2024-01-02T03:04:05.123456+00:00`.
fn normalize_timestamp(s: &str) -> String {
    let mut t = s.trim().replacen(' ', "T", 1);
    if let Some(pos) = t.rfind(['+', '-'])
        && pos > 10
        && t.len() - pos == 3
    {
        t.push_str(":00");
    }
    t
}

fn rfc3339_from_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace())
}

fn valid_phone(p: &str) -> bool {
    let Some(digits) = p.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

impl SourceUser {
    /// The checks Clerk would make that can be made without asking it: addresses' formats, a
    /// known hasher with its digest, metadata within 8 KB.
    pub fn validate(&self) -> Result<(), String> {
        if self.external_id.is_empty() {
            return Err("empty source id".into());
        }
        for (e, _) in &self.emails {
            if !valid_email(e) {
                return Err(format!("invalid email address {e:?}"));
            }
        }
        for (p, _) in &self.phones {
            if !valid_phone(p) {
                return Err(format!(
                    "invalid phone number {p:?} (E.164 expected, e.g. +15555550100)"
                ));
            }
        }
        match (&self.password_digest, &self.password_hasher) {
            (Some(_), None) => return Err("password_digest without password_hasher".into()),
            (None, Some(_)) => return Err("password_hasher without password_digest".into()),
            (Some(_), Some(h)) if !PASSWORD_HASHERS.contains(&h.as_str()) => {
                return Err(format!("unknown password_hasher {h:?}"));
            }
            (Some(d), Some(h)) if h == "bcrypt" && !(d.starts_with("$2") && d.len() == 60) => {
                return Err("password_digest is not a bcrypt hash".into());
            }
            _ => {}
        }
        for (name, m) in [
            ("public_metadata", &self.public_metadata),
            ("private_metadata", &self.private_metadata),
            ("unsafe_metadata", &self.unsafe_metadata),
        ] {
            if let Some(m) = m {
                let size = serde_json::to_vec(m).map_or(usize::MAX, |v| v.len());
                if size > METADATA_LIMIT {
                    return Err(format!("{name} is {size} bytes; Clerk allows 8 KB"));
                }
            }
        }
        for m in &self.memberships {
            if m.organization_id.is_empty() || m.role.is_empty() {
                return Err(
                    "organization_memberships: organization_id and role are required".into(),
                );
            }
        }
        Ok(())
    }

    /// The `POST /v1/users` body.
    pub fn create_body(&self) -> Value {
        let mut b = Map::new();
        b.insert("external_id".into(), json!(self.external_id));
        if !self.emails.is_empty() {
            b.insert(
                "email_address".into(),
                json!(self.emails.iter().map(|(e, _)| e).collect::<Vec<_>>()),
            );
            if self.emails.iter().any(|(_, v)| !v) {
                b.insert(
                    "email_address_identification_status".into(),
                    json!(
                        self.emails
                            .iter()
                            .map(|(_, v)| if *v { "verified" } else { "reserved" })
                            .collect::<Vec<_>>()
                    ),
                );
            }
        }
        if !self.phones.is_empty() {
            b.insert(
                "phone_number".into(),
                json!(self.phones.iter().map(|(p, _)| p).collect::<Vec<_>>()),
            );
            if self.phones.iter().any(|(_, v)| !v) {
                b.insert(
                    "phone_number_identification_status".into(),
                    json!(
                        self.phones
                            .iter()
                            .map(|(_, v)| if *v { "verified" } else { "reserved" })
                            .collect::<Vec<_>>()
                    ),
                );
            }
        }
        for (k, v) in [
            ("username", &self.username),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("created_at", &self.created_at),
        ] {
            if let Some(v) = v {
                b.insert(k.into(), json!(v));
            }
        }
        match (&self.password_digest, &self.password_hasher) {
            (Some(d), Some(h)) => {
                b.insert("password_digest".into(), json!(d));
                b.insert("password_hasher".into(), json!(h));
            }
            _ => {
                b.insert("skip_password_requirement".into(), json!(true));
            }
        }
        for (k, v) in [
            ("public_metadata", &self.public_metadata),
            ("private_metadata", &self.private_metadata),
            ("unsafe_metadata", &self.unsafe_metadata),
        ] {
            if let Some(v) = v {
                b.insert(k.into(), v.clone());
            }
        }
        Value::Object(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_become_rfc3339() {
        assert_eq!(rfc3339_from_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_from_ms(1_600_000_000_123),
            "2020-09-13T12:26:40.123Z"
        );
        assert_eq!(
            normalize_timestamp("2024-01-02 03:04:05.123456+00"),
            "2024-01-02T03:04:05.123456+00:00"
        );
    }

    #[test]
    fn validation_names_the_problem() {
        let ok = SourceUser {
            external_id: "1".into(),
            emails: vec![("a@example.com".into(), true)],
            phones: vec![("+15555550100".into(), true)],
            ..SourceUser::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad_email = SourceUser {
            emails: vec![("nope".into(), true)],
            ..ok.clone()
        };
        assert!(bad_email.validate().unwrap_err().contains("email"));
        let bad_hasher = SourceUser {
            password_digest: Some("x".into()),
            password_hasher: Some("rot13".into()),
            ..ok.clone()
        };
        assert!(bad_hasher.validate().unwrap_err().contains("rot13"));
        let big = SourceUser {
            public_metadata: Some(json!({"x": "y".repeat(9000)})),
            ..ok.clone()
        };
        assert!(big.validate().unwrap_err().contains("8 KB"));
        let body = ok.create_body();
        assert_eq!(body["skip_password_requirement"], json!(true));
        assert_eq!(body["external_id"], json!("1"));
        assert!(body.get("email_address_identification_status").is_none());
    }
}
