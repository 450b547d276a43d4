//! The table of Backend API operations: every operation of the spec (249 in `2026-05-12`), each
//! with its method, path template, group and the SDK call that performs it.
//!
//! The request runtime sends every operation *from* its entry (method and path come from here),
//! so the table cannot drift from the calls; a test compares it with the OpenAPI spec. The
//! entries are generated (`src/generated/operations.rs`); this module holds their type.
//!
//! The naming rule: an operation is `clerk.<group>().<method>(...)`, where `<group>` is the
//! snake-cased `x-speakeasy-group` of the spec and `<method>` its snake-cased
//! `x-speakeasy-name-override`, except where `crates/clerk-codegen/overrides.toml` names it
//! otherwise (the Users calls keep their names, `ban_many` for `UsersBan` for instance).
//!
//! ```
//! let op = clerk_backend::operations::find("UsersBan").unwrap();
//! assert_eq!(op.call, "users().ban_many(user_ids)");
//! assert_eq!((op.method.as_str(), op.path), ("POST", "/users/ban"));
//! ```
#![doc = include_str!("generated/operations.md")]

use reqwest::Method;

pub use crate::generated::operations::OPERATIONS;
pub(crate) use crate::generated::operations::*;

/// One operation of Clerk's Backend API as this SDK sends it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's `operationId`, e.g. `GetUser`.
    pub id: &'static str,
    /// The SDK's group: the handler method on `Clerk` (`users`).
    pub group: &'static str,
    /// The spec's first tag, e.g. `Users`.
    pub tag: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template below `/v1`, as the spec writes it: `/users/{user_id}`.
    pub path: &'static str,
    /// The SDK call that performs it: `users().get(user_id)`.
    pub call: &'static str,
    /// Clerk's reference page for it.
    pub reference: &'static str,
}

/// Looks an operation up by its `operationId`.
pub fn find(operation_id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|op| op.id == operation_id)
}
