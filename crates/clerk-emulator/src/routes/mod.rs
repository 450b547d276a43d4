//! The emulated operations, one module per resource group. Handlers read the request, call
//! the rules in [`crate::domain`] and write the answer; they do not call one another.

pub(crate) mod access_lists;
pub(crate) mod admin_portal;
pub(crate) mod billing;
pub(crate) mod connections;
pub(crate) mod directories;
pub(crate) mod domains;
pub(crate) mod identifications;
pub(crate) mod instance;
pub(crate) mod interstitial;
pub(crate) mod invitations;
pub(crate) mod jwt_templates;
pub(crate) mod machine_auth;
pub(crate) mod mailbox;
pub(crate) mod message_templates;
pub(crate) mod org_domains;
pub(crate) mod org_roles;
pub(crate) mod organizations;
pub(crate) mod redirect_urls;
pub(crate) mod scim;
pub(crate) mod sessions;
pub(crate) mod sign_ups;
pub(crate) mod svix;
pub(crate) mod tickets;
pub(crate) mod users;
pub(crate) mod verifications;
pub(crate) mod waitlist;
