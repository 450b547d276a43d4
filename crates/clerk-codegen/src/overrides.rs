//! `overrides.toml`: what the spec cannot say, as data. Reviewed like code; every key is checked
//! against the spec so a stale entry is an error, not a silent no-op.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Resource groups, by their Rust name (`organization_memberships`).
    #[serde(default)]
    pub group: BTreeMap<String, GroupOverride>,
    /// Operations, by `operationId`.
    #[serde(default)]
    pub op: BTreeMap<String, OpOverride>,
    /// Types, by spec schema name (`SAMLAccount`) or by the name the generator would give an
    /// inline schema (`CreateApiKeyResponse`).
    #[serde(default)]
    pub schema: BTreeMap<String, SchemaOverride>,
    /// Fields, by `Type.wire_name` where `Type` is the generated Rust type
    /// (`UpdateUser.username`).
    #[serde(default)]
    pub field: BTreeMap<String, FieldOverride>,
    /// Wire names that always hold a secret (`SecretString`, redacted in `Debug`).
    #[serde(default)]
    pub secret_fields: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupOverride {
    /// What the group is for, one sentence (the handler's documentation).
    pub doc: String,
    /// One thing of the group (`organization role`), for generated summaries.
    pub noun: String,
    /// Several (`organization roles`).
    pub plural: String,
    /// `x-speakeasy-group` values folded into this group.
    #[serde(default)]
    pub from: Vec<String>,
    /// Operations that belong here whatever their `x-speakeasy-group` says (and those without).
    #[serde(default)]
    pub operations: Vec<String>,
    /// The handler type's name, where `PascalCase(group)` is a model's name already.
    pub handler: Option<String>,
    /// A hand-written module of `crate::api` whose items the group's module re-exports
    /// (conveniences, hand-written calls).
    pub ext: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpOverride {
    /// The method name, instead of the snake-cased `x-speakeasy-name-override`.
    pub name: Option<String>,
    /// The public call is written by hand; the generator writes the request type, its setters
    /// and the operation's table entry.
    #[serde(default)]
    pub custom: bool,
    /// The summary line, where the method name alone does not say what the call does.
    pub doc: Option<String>,
    /// How `.stream()` pages: `offset` (default for lists with `limit`/`offset`),
    /// `cursor` (the users `starting_after` cursor).
    pub paging: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaOverride {
    /// The Rust type name.
    pub rename: Option<String>,
    /// A hand-written Rust type (a path valid inside `crate::models`) that stands for this
    /// schema; no type is generated for it.
    pub rust: Option<String>,
    /// The type's documentation, one sentence.
    pub doc: Option<String>,
    /// Another schema of the same shape whose type serves for this one too.
    pub same_as: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOverride {
    /// In a request body: `null` clears the value, so the field is a `Patch<T>`.
    #[serde(default)]
    pub patch: bool,
    /// The value is a secret (`SecretString`): `true` for one the name list misses, `false`
    /// for a field whose wire name is on `secret_fields` but holds none (a log line's `code`).
    #[serde(default)]
    pub secret: Option<bool>,
    /// The Rust field (and setter) name.
    pub rename: Option<String>,
    /// Read as optional although the spec requires it: Clerk's own payloads leave it out.
    #[serde(default)]
    pub optional: bool,
}
