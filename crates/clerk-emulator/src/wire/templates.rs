//! Email and SMS templates: what the instance renders its messages from.

use serde::{Deserialize, Serialize};

/// An email or SMS template (spec schema `Template`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Always `template`.
    pub object: String,
    /// The template id.
    pub id: String,
    /// The instance it belongs to; `None` for a built-in template nobody changed.
    pub instance_id: Option<String>,
    /// `system` for a built-in template as shipped, `user` once it was changed.
    pub resource_type: String,
    /// `email` or `sms`.
    pub template_type: String,
    /// The name a person reads.
    pub name: String,
    /// The name code uses (`verification_code`, `invitation`, ...).
    pub slug: String,
    /// Where it sits in the list.
    pub position: i64,
    /// Whether it differs from the built-in one, so reverting means something.
    pub can_revert: bool,
    /// Whether it can be deleted (built-in templates cannot).
    pub can_delete: bool,
    /// Whether its body can be changed.
    pub can_edit_body: bool,
    /// Whether it can be switched off.
    pub can_toggle: bool,
    /// The subject line (emails only).
    pub subject: Option<String>,
    /// The editor's markup the body was made from.
    pub markup: String,
    /// The body, before the variables are put in.
    pub body: String,
    /// The variables the body may use.
    pub available_variables: Vec<String>,
    /// The variables the body must use.
    pub required_variables: Vec<String>,
    /// The local part of the sender's address (emails only).
    pub from_email_name: String,
    /// The local part of the reply-to address (emails only).
    pub reply_to_email_name: String,
    /// Whether messages from it are delivered (false: the app delivers them itself).
    pub delivered_by_clerk: bool,
    /// Whether it is used at all.
    pub enabled: bool,
    /// Whether it was flagged as suspicious.
    pub flagged_as_suspicious: bool,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
}
