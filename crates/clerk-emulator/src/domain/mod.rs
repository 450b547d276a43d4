//! The rules the routes share, below HTTP: what a valid identifier or metadata object is, how a
//! page is cut, what happens to a user's sessions, memberships and invitations when the user
//! changes, and what the instance sends. Every route calls these; nothing here knows about
//! routes (a test checks that no module under `domain/` names `routes`), so the route
//! modules need not call one another.

pub(crate) mod paging;
pub(crate) mod validate;
