//! The rules of the mailbox group, below HTTP: what its handlers in
//! `routes::mailbox` call.

use super::message_templates::{plain_text, render};
use crate::ids::{new_id, now_ms};
use crate::store::Db;
use crate::wire::{Email, Metadata, SmsMessage};
use serde::Deserialize;
use serde_json::Value;

/// The sender's local part when a message has no template, and the number SMS come from.
pub(crate) const FROM_EMAIL_NAME: &str = super::message_templates::DEFAULT_FROM_EMAIL_NAME;

pub(crate) const FROM_PHONE_NUMBER: &str = "+15555550100";

/// Who an email goes to, and the user and address it belongs to when there are.
pub(crate) struct Recipient<'a> {
    pub(crate) address: &'a str,
    pub(crate) identification_id: Option<&'a str>,
    pub(crate) user_id: Option<&'a str>,
}

/// Sends an email rendered from the instance's email template `slug` with `data`: keeps it
/// in the mailbox and queues `email.created`. The template's subject, body and sender are
/// used, and its `delivered_by_clerk` is the message's. Returns its id.
pub(crate) fn send_email(db: &mut Db, to: Recipient<'_>, slug: &str, data: Metadata) -> String {
    let template = super::message_templates::find(db, "email", slug);
    let vars = Value::Object(data.clone());
    let (subject, html, from, delivered) = match &template {
        Some(t) => (
            render(t.subject.as_deref().unwrap_or_default(), &vars, false),
            render(&t.body, &vars, true),
            t.from_email_name.clone(),
            t.delivered_by_clerk,
        ),
        None => (
            slug.to_owned(),
            String::new(),
            FROM_EMAIL_NAME.to_owned(),
            true,
        ),
    };
    let email = Email {
        object: "email".into(),
        id: new_id("ema"),
        slug: Some(slug.to_owned()),
        from_email_name: from,
        to_email_address: to.address.to_owned(),
        email_address_id: to.identification_id.map(str::to_owned),
        user_id: to.user_id.map(str::to_owned),
        subject,
        body_plain: Some(plain_text(&html)),
        body: html,
        status: "queued".into(),
        data,
        delivered_by_clerk: delivered,
        created_at: now_ms(),
    };
    db.emit("email.created", &email);
    let id = email.id.clone();
    db.mailbox.emails.insert(id.clone(), email);
    id
}

/// Sends an SMS message rendered from the instance's SMS template `slug` with `data`: keeps
/// it and queues `sms.created`. Returns its id.
pub(crate) fn send_sms(db: &mut Db, to: Recipient<'_>, slug: &str, data: Metadata) -> String {
    let template = super::message_templates::find(db, "sms", slug);
    let vars = Value::Object(data.clone());
    let (text, delivered) = match &template {
        Some(t) => (render(&t.body, &vars, false), t.delivered_by_clerk),
        None => (String::new(), true),
    };
    let sms = SmsMessage {
        object: "sms_message".into(),
        id: new_id("sms"),
        slug: Some(slug.to_owned()),
        from_phone_number: FROM_PHONE_NUMBER.into(),
        to_phone_number: to.address.to_owned(),
        phone_number_id: to.identification_id.map(str::to_owned),
        user_id: to.user_id.map(str::to_owned),
        message: text,
        status: "queued".into(),
        data,
        delivered_by_clerk: delivered,
        created_at_ms: now_ms(),
        created_at: 0,
    };
    let sms = SmsMessage {
        created_at: sms.created_at_ms,
        ..sms
    };
    db.emit("sms.created", &sms);
    let id = sms.id.clone();
    db.mailbox.sms_messages.insert(id.clone(), sms);
    id
}

/// Emails an organization invitation (template `organization_invitation`) with the
/// organization's name, the role and the link (`action_url`, when the invitation has one).
pub(crate) fn send_organization_invitation(
    db: &mut Db,
    organization_name: &str,
    invitation: &crate::wire::OrganizationInvitation,
) {
    let mut data = Metadata::new();
    data.insert("org".into(), serde_json::json!({"name": organization_name}));
    data.insert("role".into(), serde_json::json!(invitation.role));
    data.insert("action_url".into(), serde_json::json!(invitation.url));
    send_email(
        db,
        Recipient {
            address: &invitation.email_address,
            identification_id: None,
            user_id: None,
        },
        "organization_invitation",
        data,
    );
}

/// Text made safe inside HTML elements and quoted attributes, its line breaks kept as `<br>`.
pub(crate) fn escape_html(text: &str) -> String {
    escape_text(text).replace('\n', "<br>")
}

/// Text made safe inside HTML elements and quoted attributes.
pub(crate) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ListParams {
    /// Only messages to this address or number (emails compare without case).
    pub(crate) to: Option<String>,
    /// Only messages rendered from this template.
    pub(crate) slug: Option<String>,
    /// Only messages to this user.
    pub(crate) user_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn text_is_escaped_into_the_html_body() {
        assert_eq!(
            escape_html("<b>\"Ada\" & 'Bob'</b>\nok"),
            "&lt;b&gt;&quot;Ada&quot; &amp; &#39;Bob&#39;&lt;/b&gt;<br>ok"
        );
    }
}
