//! The in-memory database and its snapshot on disk.
//!
//! Everything lives in one [`Db`] behind one `RwLock`: a write checks uniqueness and applies
//! under the same lock, so concurrent requests never produce duplicate identifiers or lose a
//! write. Records keep the emulator's wire types (what the API serves) beside private data
//! (password hashes, TOTP secrets, codes, secret keys) that is never served. What each group
//! stores is in a submodule of its own; nothing here depends on the routes.

pub(crate) mod access_lists;
pub(crate) mod billing;
pub(crate) mod connections;
pub(crate) mod directories;
pub(crate) mod instance;
pub(crate) mod invitations;
pub(crate) mod jwt_templates;
pub(crate) mod machine_auth;
pub(crate) mod mailbox;
pub(crate) mod message_templates;
pub(crate) mod org_domains;
pub(crate) mod org_roles;
pub(crate) mod organizations;
pub(crate) mod svix;
pub(crate) mod tickets;
pub(crate) mod verifications;
pub(crate) mod waitlist;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::table::{Journaled, Table};
use crate::wire::{Client, Session, User};
use data_encoding::BASE64;
use serde::{Deserialize, Serialize};

/// A user as stored: the served model plus secrets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UserRecord {
    pub(crate) user: User,
    /// bcrypt hash of the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) password_hash: Option<String>,
    #[serde(default)]
    pub(crate) password_compromised: bool,
    /// Base32 TOTP secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) totp_secret: Option<String>,
    /// bcrypt hashes of unused backup codes.
    #[serde(default)]
    pub(crate) backup_code_hashes: Vec<String>,
}

/// An uploaded image, served at `/images/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Image {
    pub(crate) content_type: String,
    #[serde(with = "base64_bytes")]
    pub(crate) data: Vec<u8>,
}

/// Lower-cased identifiers → user id, for uniqueness and lookups.
#[derive(Debug, Default)]
pub(crate) struct UserIndex {
    pub(crate) email: HashMap<String, String>,
    pub(crate) phone: HashMap<String, String>,
    pub(crate) username: HashMap<String, String>,
    pub(crate) external_id: HashMap<String, String>,
    pub(crate) web3: HashMap<String, String>,
}

/// The identifier kinds that must be unique across users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ident {
    Email,
    Phone,
    Username,
    ExternalId,
    Web3,
}

impl Ident {
    pub(crate) fn param(self) -> &'static str {
        match self {
            Ident::Email => "email_address",
            Ident::Phone => "phone_number",
            Ident::Username => "username",
            Ident::ExternalId => "external_id",
            Ident::Web3 => "web3_wallet",
        }
    }

    /// The index key: emails, usernames and wallets compare without case.
    pub(crate) fn key(self, value: &str) -> String {
        match self {
            Ident::Phone | Ident::ExternalId => value.to_owned(),
            _ => value.to_lowercase(),
        }
    }
}

impl UserIndex {
    fn map(&mut self, kind: Ident) -> &mut HashMap<String, String> {
        match kind {
            Ident::Email => &mut self.email,
            Ident::Phone => &mut self.phone,
            Ident::Username => &mut self.username,
            Ident::ExternalId => &mut self.external_id,
            Ident::Web3 => &mut self.web3,
        }
    }

    /// The user holding this identifier, if any.
    pub(crate) fn owner(&self, kind: Ident, value: &str) -> Option<&str> {
        let map = match kind {
            Ident::Email => &self.email,
            Ident::Phone => &self.phone,
            Ident::Username => &self.username,
            Ident::ExternalId => &self.external_id,
            Ident::Web3 => &self.web3,
        };
        map.get(&kind.key(value)).map(String::as_str)
    }

    pub(crate) fn insert(&mut self, kind: Ident, value: &str, user_id: &str) {
        self.map(kind).insert(kind.key(value), user_id.to_owned());
    }

    pub(crate) fn remove(&mut self, kind: Ident, value: &str) {
        self.map(kind).remove(&kind.key(value));
    }

    /// Every identifier a user holds exclusively, as (kind, value). An email address or phone
    /// number holds its value only once verified or reserved: an unverified one (created
    /// through `POST /v1/email_addresses` with `verified: false`, or replaced with
    /// `identification_status: unverified`) may also sit on other users until one verifies it.
    pub(crate) fn identifiers(user: &User) -> Vec<(Ident, String)> {
        let mut out = Vec::new();
        out.extend(
            user.email_addresses
                .iter()
                .filter(|e| e.reserved || e.verification.is_verified())
                .map(|e| (Ident::Email, e.email_address.clone())),
        );
        out.extend(
            user.phone_numbers
                .iter()
                .filter(|p| p.reserved || p.verification.is_verified())
                .map(|p| (Ident::Phone, p.phone_number.clone())),
        );
        out.extend(
            user.web3_wallets
                .iter()
                .map(|w| (Ident::Web3, w.web3_wallet.clone())),
        );
        out.extend(user.username.iter().map(|u| (Ident::Username, u.clone())));
        out.extend(
            user.external_id
                .iter()
                .map(|x| (Ident::ExternalId, x.clone())),
        );
        out
    }

    pub(crate) fn add_user(&mut self, user: &User) {
        for (kind, value) in UserIndex::identifiers(user) {
            self.insert(kind, &value, &user.id);
        }
    }

    pub(crate) fn remove_user(&mut self, user: &User) {
        for (kind, value) in UserIndex::identifiers(user) {
            self.remove(kind, &value);
        }
    }
}

/// The whole instance's data.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Db {
    /// By id; ids sort in creation order.
    #[serde(default)]
    pub(crate) users: Table<UserRecord>,
    #[serde(default)]
    pub(crate) sessions: Table<Session>,
    #[serde(default)]
    pub(crate) clients: Table<Client>,
    #[serde(default)]
    pub(crate) images: Table<Image>,
    #[serde(default)]
    pub(crate) organizations: organizations::OrgData,
    #[serde(default)]
    pub(crate) jwt_templates: jwt_templates::TemplateData,
    #[serde(default)]
    pub(crate) invitations: invitations::InvitationData,
    #[serde(default)]
    pub(crate) access_lists: access_lists::AccessListData,
    #[serde(default)]
    pub(crate) mailbox: mailbox::MailboxData,
    #[serde(default)]
    pub(crate) verifications: verifications::VerificationData,
    #[serde(default)]
    pub(crate) tickets: tickets::TicketData,
    #[serde(default)]
    pub(crate) machine_auth: machine_auth::MachineAuthData,
    #[serde(default)]
    pub(crate) org_roles: org_roles::RoleData,
    #[serde(default)]
    pub(crate) org_domains: org_domains::DomainData,
    #[serde(default)]
    pub(crate) instance: instance::InstanceData,
    #[serde(default)]
    pub(crate) message_templates: message_templates::MessageTemplateData,
    #[serde(default)]
    pub(crate) waitlist: waitlist::WaitlistData,
    #[serde(default)]
    pub(crate) connections: connections::ConnectionData,
    #[serde(default)]
    pub(crate) svix: svix::SvixData,
    #[serde(default)]
    pub(crate) billing: billing::BillingData,
    pub(crate) directories: directories::DirectoryData,
    /// Set once a user's `created_at` was given rather than taken from the clock: from then on
    /// id order no longer equals `created_at` order, and lists sort instead.
    #[serde(default)]
    pub(crate) imported_created_at: bool,
    #[serde(skip)]
    pub(crate) index: UserIndex,
    /// Webhook events of the write in progress, sent in order when the write lock is released
    /// (see `server::WriteGuard`), so events follow the order writes were made in.
    #[serde(skip)]
    pub(crate) events: Vec<(&'static str, serde_json::Value)>,
}

impl Db {
    /// Queues a webhook event for this write.
    pub(crate) fn emit(&mut self, event_type: &'static str, data: &impl Serialize) {
        self.events.push((
            event_type,
            serde_json::to_value(data).unwrap_or(serde_json::Value::Null),
        ));
    }

    /// Every table, under the name its journal entries carry.
    fn tables(&mut self) -> Vec<(&'static str, &mut dyn Journaled)> {
        let mut tables: Vec<(&'static str, &mut dyn Journaled)> = vec![
            ("users", &mut self.users),
            ("sessions", &mut self.sessions),
            ("clients", &mut self.clients),
            ("images", &mut self.images),
        ];
        tables.extend(self.organizations.tables());
        tables.extend(self.jwt_templates.tables());
        tables.extend(self.invitations.tables());
        tables.extend(self.access_lists.tables());
        tables.extend(self.mailbox.tables());
        tables.extend(self.verifications.tables());
        tables.extend(self.tickets.tables());
        tables.extend(self.machine_auth.tables());
        tables.extend(self.org_roles.tables());
        tables.extend(self.org_domains.tables());
        tables.extend(self.instance.tables());
        tables.extend(self.message_templates.tables());
        tables.extend(self.waitlist.tables());
        tables.extend(self.connections.tables());
        tables.extend(self.svix.tables());
        tables.extend(self.billing.tables());
        tables.extend(self.directories.tables());
        tables
    }

    /// The journal record of the write just made (its changed rows), or `None` when it changed
    /// nothing; the tables forget the changes.
    pub(crate) fn drain_record(&mut self) -> Result<Option<Vec<u8>>, String> {
        let mut out = b"{\"rows\":[".to_vec();
        let mut first = true;
        for (name, table) in self.tables() {
            table
                .drain_changes(name, &mut out, &mut first)
                .map_err(|e| format!("cannot journal a {name} row: {e}"))?;
        }
        if first {
            return Ok(None);
        }
        out.extend_from_slice(
            format!("],\"imported_created_at\":{}}}", self.imported_created_at).as_bytes(),
        );
        Ok(Some(out))
    }

    /// Forgets the changed rows (no journal to write them to).
    pub(crate) fn forget_changes(&mut self) {
        for (_, table) in self.tables() {
            table.forget_changes();
        }
    }

    /// Replays one journal record. The indexes need [`Db::reindex`] after.
    pub(crate) fn apply_record(&mut self, json: &[u8]) -> Result<(), String> {
        #[derive(Deserialize)]
        struct Record {
            rows: Vec<Entry>,
            #[serde(default)]
            imported_created_at: bool,
        }
        #[derive(Deserialize)]
        struct Entry {
            t: String,
            k: String,
            v: Option<serde_json::Value>,
        }
        let record: Record = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let mut tables = self.tables();
        for entry in record.rows {
            let (_, table) = tables
                .iter_mut()
                .find(|(name, _)| *name == entry.t)
                .ok_or_else(|| format!("no table {:?}", entry.t))?;
            table
                .apply(entry.k, entry.v)
                .map_err(|e| format!("a {} row: {e}", entry.t))?;
        }
        drop(tables);
        self.imported_created_at |= record.imported_created_at;
        Ok(())
    }

    /// Rebuilds the indexes after loading.
    pub(crate) fn reindex(&mut self) {
        self.index = UserIndex::default();
        for record in self.users.values() {
            self.index.add_user(&record.user);
        }
    }
}

/// What is saved to the state file: the data plus the instance's keys, so a restart keeps
/// serving the same secret key and tokens signed before it stay valid, and the generation of
/// the journal that continues it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Snapshot {
    pub(crate) version: u32,
    pub(crate) instance_id: String,
    pub(crate) secret_key: String,
    #[serde(with = "base64_bytes")]
    pub(crate) signing_key_pkcs8: Vec<u8>,
    /// The journal generation whose records come after this snapshot (version 1: none).
    #[serde(default)]
    pub(crate) journal_generation: u64,
    pub(crate) db: Db,
}

/// The state file's format version: 2 adds the journal (`journal_generation`); version 1 files
/// still load.
pub(crate) const SNAPSHOT_VERSION: u32 = 2;

/// Reads a state file; `Ok(None)` when it does not exist yet. A file that exists but does not
/// parse is an error: it is never silently replaced. The indexes are not built yet (the
/// journal may still change the data).
pub(crate) fn load(path: &Path) -> Result<Option<Snapshot>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "cannot read the state file {}: {e}",
                path.display()
            ));
        }
    };
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "the state file {} is corrupt ({e}); fix or move it away, it will not be overwritten",
            path.display()
        )
    })?;
    if !(1..=SNAPSHOT_VERSION).contains(&snapshot.version) {
        return Err(format!(
            "the state file {} has version {}, this emulator reads versions 1 to \
             {SNAPSHOT_VERSION}",
            path.display(),
            snapshot.version
        ));
    }
    Ok(Some(snapshot))
}

/// Writes a state file durably and atomically: to a temporary file beside it, synced, renamed
/// over it, and the rename synced.
pub(crate) fn save(path: &Path, snapshot_json: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let tmp: PathBuf = {
        let mut name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(format!(".tmp-{}", std::process::id()));
        path.with_file_name(name)
    };
    std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(snapshot_json)?;
            f.sync_all()
        })
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    crate::journal::sync_dir(path)
}

mod base64_bytes {
    use super::BASE64;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        BASE64
            .decode(s.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}
