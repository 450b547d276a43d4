//! The emulated operations, one module per resource group. Handlers read the request, call
//! the rules in [`crate::domain`] and write the answer; they do not call one another.

use crate::wire::User;

use crate::error::ApiResult;
use crate::store::Db;

pub(crate) mod access_lists;
pub(crate) mod identifications;
pub(crate) mod images;
pub(crate) mod invitations;
pub(crate) mod jwt_templates;
pub(crate) mod machine_auth;
pub(crate) mod mailbox;
pub(crate) mod org_domains;
pub(crate) mod org_roles;
pub(crate) mod organizations;
pub(crate) mod sessions;
pub(crate) mod tickets;
pub(crate) mod users;
pub(crate) mod verifications;

/// Allow-list and block-list checks on a new user's identifiers.
pub(crate) fn check_access_lists(db: &Db, user: &User) -> ApiResult<()> {
    access_lists::check_user(db, user)
}
