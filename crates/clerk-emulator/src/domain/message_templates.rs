//! The rules of the email and SMS templates group, below HTTP: which templates the instance
//! has, how a change, a revert or a delivery switch is applied, and how a template is rendered
//! with a message's variables (what the mailbox sends).
//!
//! Templates use Handlebars' double braces, as Clerk's do: `{{otp_code}}`, `{{org.name}}`
//! (HTML-escaped in an email body), `{{{action_url}}}` (not escaped), and
//! `{{#if name}}...{{/if}}` (kept when the variable is present and not empty, null or false).
//! That subset is what the emulator renders; other helpers are left out.

use crate::error::{ApiError, ApiResult};
use crate::ids::now_ms;
use crate::store::Db;
use crate::store::message_templates::key;
use crate::wire::Template;
use serde::Deserialize;
use serde_json::Value;

/// The two kinds of template.
pub(crate) const TEMPLATE_TYPES: &[&str] = &["email", "sms"];

/// When the built-in templates were made: a fixed time, so a built-in template reads the same
/// on every call and after every restart (2024-01-01T00:00:00Z).
const BUILT_IN_AT: i64 = 1_704_067_200_000;

/// The sender's local part on a template nobody changed.
pub(crate) const DEFAULT_FROM_EMAIL_NAME: &str = "notifications";

/// A template the instance starts with.
struct BuiltIn {
    template_type: &'static str,
    slug: &'static str,
    name: &'static str,
    subject: Option<&'static str>,
    body: &'static str,
    available: &'static [&'static str],
    required: &'static [&'static str],
}

/// The templates the emulator's messages are rendered from: the verification code (email and
/// SMS), the instance invitation, the waitlist's confirmation and invitation, and the
/// organization invitation.
const BUILT_INS: &[BuiltIn] = &[
    BuiltIn {
        template_type: "email",
        slug: "verification_code",
        name: "Verification code",
        subject: Some("{{otp_code}} is your verification code"),
        body: "<p>{{otp_code}} is your verification code. It expires in 10 minutes.</p>",
        available: &["otp_code"],
        required: &["otp_code"],
    },
    BuiltIn {
        template_type: "email",
        slug: "invitation",
        name: "Invitation",
        subject: Some("You have been invited"),
        body: "<p>You have been invited to sign up. Accept the invitation: \
               <a href=\"{{{action_url}}}\">{{action_url}}</a></p>",
        available: &["action_url", "redirect_url", "invitation.public_metadata"],
        required: &["action_url"],
    },
    BuiltIn {
        template_type: "email",
        slug: "organization_invitation",
        name: "Organization invitation",
        subject: Some("You have been invited to join {{org.name}}"),
        body: "<p>You have been invited to join {{org.name}}.{{#if action_url}} Accept the \
               invitation: <a href=\"{{{action_url}}}\">{{action_url}}</a>{{/if}}</p>",
        available: &["org.name", "role", "action_url"],
        required: &["action_url"],
    },
    BuiltIn {
        template_type: "email",
        slug: "waitlist_confirmation",
        name: "Waitlist confirmation",
        subject: Some("You have joined the waitlist"),
        body: "<p>You are on the waitlist. We will let you know when you can sign up.</p>",
        available: &[],
        required: &[],
    },
    BuiltIn {
        template_type: "email",
        slug: "waitlist_invitation",
        name: "Waitlist invitation",
        subject: Some("You can now sign up"),
        body: "<p>You are off the waitlist. Sign up here: \
               <a href=\"{{{action_url}}}\">{{action_url}}</a></p>",
        available: &["action_url", "redirect_url", "invitation.public_metadata"],
        required: &["action_url"],
    },
    BuiltIn {
        template_type: "sms",
        slug: "verification_code",
        name: "Verification code",
        subject: None,
        body: "{{otp_code}} is your verification code.",
        available: &["otp_code"],
        required: &["otp_code"],
    },
];

/// A stable id for a built-in template: `tmpl_` and 27 base62 characters derived from its
/// type and slug (FNV-1a), so it reads the same on every call.
fn built_in_id(template_type: &str, slug: &str) -> String {
    const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::from("tmpl_");
    for round in 0..27u8 {
        for b in template_type
            .bytes()
            .chain(std::iter::once(b'/'))
            .chain(slug.bytes())
            .chain(std::iter::once(round))
        {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        out.push(BASE62[(hash % 62) as usize] as char);
    }
    out
}

fn built_in(template_type: &str, slug: &str) -> Option<(usize, &'static BuiltIn)> {
    BUILT_INS
        .iter()
        .filter(|b| b.template_type == template_type)
        .enumerate()
        .find(|(_, b)| b.slug == slug)
}

/// A built-in template as shipped.
fn shipped(position: usize, b: &BuiltIn) -> Template {
    let email = b.template_type == "email";
    Template {
        object: "template".into(),
        id: built_in_id(b.template_type, b.slug),
        instance_id: None,
        resource_type: "system".into(),
        template_type: b.template_type.into(),
        name: b.name.into(),
        slug: b.slug.into(),
        position: position as i64,
        can_revert: false,
        can_delete: false,
        can_edit_body: true,
        // Only notification SMS templates can be switched off; these are not notifications.
        can_toggle: false,
        subject: b.subject.map(str::to_owned),
        markup: String::new(),
        body: b.body.into(),
        available_variables: b.available.iter().map(|v| (*v).to_owned()).collect(),
        required_variables: b.required.iter().map(|v| (*v).to_owned()).collect(),
        from_email_name: if email { DEFAULT_FROM_EMAIL_NAME } else { "" }.into(),
        reply_to_email_name: String::new(),
        delivered_by_clerk: true,
        enabled: true,
        flagged_as_suspicious: false,
        updated_at: BUILT_IN_AT,
        created_at: BUILT_IN_AT,
    }
}

/// 422 for a template type that is neither `email` nor `sms`.
pub(crate) fn check_type(template_type: &str) -> ApiResult<()> {
    if TEMPLATE_TYPES.contains(&template_type) {
        Ok(())
    } else {
        Err(ApiError::value_invalid(
            "template_type",
            format!(
                "{template_type} does not match one of the allowed values for parameter template_type"
            ),
        ))
    }
}

fn template_not_found(template_type: &str, slug: &str) -> ApiError {
    ApiError::not_found(format!(
        "No {template_type} template was found with slug {slug}"
    ))
}

/// The template as it stands: the stored change, or the built-in one.
pub(crate) fn find(db: &Db, template_type: &str, slug: &str) -> Option<Template> {
    db.message_templates
        .templates
        .get(&key(template_type, slug))
        .cloned()
        .or_else(|| built_in(template_type, slug).map(|(i, b)| shipped(i, b)))
}

/// The template, or 422 for a bad type and 404 for an unknown slug.
pub(crate) fn get_template(db: &Db, template_type: &str, slug: &str) -> ApiResult<Template> {
    check_type(template_type)?;
    find(db, template_type, slug).ok_or_else(|| template_not_found(template_type, slug))
}

/// Every template of a type, by position.
pub(crate) fn list_templates(db: &Db, template_type: &str) -> ApiResult<Vec<Template>> {
    check_type(template_type)?;
    let mut all: Vec<Template> = BUILT_INS
        .iter()
        .filter(|b| b.template_type == template_type)
        .filter_map(|b| find(db, template_type, b.slug))
        .collect();
    all.sort_by_key(|t| t.position);
    Ok(all)
}

/// The body of `PUT /v1/templates/{template_type}/{slug}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UpsertBody {
    pub(crate) name: Option<String>,
    pub(crate) subject: Option<String>,
    pub(crate) markup: Option<String>,
    pub(crate) body: Option<String>,
    pub(crate) delivered_by_clerk: Option<bool>,
    pub(crate) from_email_name: Option<String>,
    pub(crate) reply_to_email_name: Option<String>,
}

/// The body of `POST .../preview`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PreviewBody {
    pub(crate) subject: Option<String>,
    pub(crate) body: Option<String>,
    pub(crate) from_email_name: Option<String>,
    pub(crate) reply_to_email_name: Option<String>,
}

/// The body of `POST .../toggle_delivery`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ToggleBody {
    pub(crate) delivered_by_clerk: Option<bool>,
}

/// Whether a template text mentions a variable (`{{name}}`, `{{ name }}` or `{{{name}}}`).
fn mentions(text: &str, variable: &str) -> bool {
    tags(text).any(|tag| tag.trim_matches(|c| c == '{' || c == '}').trim() == variable)
}

/// The `{{...}}` tags of a template text.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find("{{")?;
        let end = rest[start..].find("}}")? + start + 2;
        // A triple-brace tag ends one brace later.
        let end = if rest[end..].starts_with('}') {
            end + 1
        } else {
            end
        };
        let tag = &rest[start..end];
        rest = &rest[end..];
        Some(tag)
    })
}

/// A local part of an email address: letters, digits and `.`, `_`, `-`, `+`.
fn valid_local_part(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
}

fn check_local_part(param: &str, value: &str) -> ApiResult<()> {
    if valid_local_part(value) {
        Ok(())
    } else {
        Err(ApiError::format_invalid(
            param,
            format!("{param} must be a valid local part of an email address."),
        ))
    }
}

/// Applies `PUT /v1/templates/{template_type}/{slug}`: the fields given replace the template's;
/// a change of content makes it the instance's own (`resource_type: user`, revertible).
/// Fields that only apply to emails are ignored on an SMS template. A body that leaves out a
/// required variable is refused.
pub(crate) fn upsert(
    db: &mut Db,
    instance_id: &str,
    template_type: &str,
    slug: &str,
    body: UpsertBody,
) -> ApiResult<Template> {
    let mut t = get_template(db, template_type, slug)?;
    let email = template_type == "email";
    if let Some(name) = &body.name
        && name.trim().is_empty()
    {
        return Err(ApiError::value_invalid("name", "name must not be blank."));
    }
    if let Some(text) = &body.body {
        if text.trim().is_empty() {
            return Err(ApiError::value_invalid("body", "body must not be blank."));
        }
        let missing: Vec<&String> = t
            .required_variables
            .iter()
            .filter(|v| !mentions(text, v))
            .collect();
        if let Some(first) = missing.first() {
            return Err(ApiError::value_invalid(
                "body",
                format!("body must contain the variable {{{{{first}}}}}."),
            ));
        }
    }
    if email {
        if let Some(from) = &body.from_email_name {
            check_local_part("from_email_name", from)?;
        }
        if let Some(reply) = body
            .reply_to_email_name
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            check_local_part("reply_to_email_name", reply)?;
        }
    }
    let content_changed = body.name.is_some()
        || body.markup.is_some()
        || body.body.is_some()
        || (email
            && (body.subject.is_some()
                || body.from_email_name.is_some()
                || body.reply_to_email_name.is_some()));
    if let Some(name) = body.name {
        t.name = name;
    }
    if let Some(markup) = body.markup {
        t.markup = markup;
    }
    if let Some(text) = body.body {
        t.body = text;
    }
    if email {
        if body.subject.is_some() {
            t.subject = body.subject;
        }
        if let Some(from) = body.from_email_name {
            t.from_email_name = from;
        }
        if let Some(reply) = body.reply_to_email_name {
            t.reply_to_email_name = reply;
        }
    }
    if let Some(delivered) = body.delivered_by_clerk {
        t.delivered_by_clerk = delivered;
    }
    if content_changed {
        t.resource_type = "user".into();
        t.can_revert = true;
        t.instance_id = Some(instance_id.to_owned());
    }
    t.updated_at = now_ms().max(t.updated_at);
    db.message_templates
        .templates
        .insert(key(template_type, slug), t.clone());
    Ok(t)
}

/// Applies `POST .../revert`: the built-in content comes back; whether Clerk delivers stays as
/// it was set. Reverting a template that was never changed returns it as it is.
pub(crate) fn revert(db: &mut Db, template_type: &str, slug: &str) -> ApiResult<Template> {
    let current = get_template(db, template_type, slug)?;
    let Some((position, b)) = built_in(template_type, slug) else {
        return Err(template_not_found(template_type, slug));
    };
    let stored_key = key(template_type, slug);
    let mut t = shipped(position, b);
    t.delivered_by_clerk = current.delivered_by_clerk;
    if t.delivered_by_clerk {
        db.message_templates.templates.remove(&stored_key);
    } else {
        t.updated_at = now_ms();
        db.message_templates.templates.insert(stored_key, t.clone());
    }
    Ok(t)
}

/// Applies `POST .../toggle_delivery`: sets whether Clerk delivers messages made from the
/// template, or flips it when the body does not say.
pub(crate) fn toggle_delivery(
    db: &mut Db,
    template_type: &str,
    slug: &str,
    body: ToggleBody,
) -> ApiResult<Template> {
    let mut t = get_template(db, template_type, slug)?;
    t.delivered_by_clerk = body.delivered_by_clerk.unwrap_or(!t.delivered_by_clerk);
    t.updated_at = now_ms().max(t.updated_at);
    db.message_templates
        .templates
        .insert(key(template_type, slug), t.clone());
    Ok(t)
}

/// Sample values for a preview: each available variable gets a recognisable placeholder.
fn sample_data(t: &Template) -> Value {
    let mut data = serde_json::Map::new();
    for variable in &t.available_variables {
        let sample = match variable.as_str() {
            "otp_code" => Value::from("123456"),
            "action_url" => Value::from("https://example.com/accept?ticket=sample"),
            "redirect_url" => Value::from("https://example.com/welcome"),
            _ => Value::from(format!("[{variable}]")),
        };
        insert_path(&mut data, variable, sample);
    }
    Value::Object(data)
}

fn insert_path(data: &mut serde_json::Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            data.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = data
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Default::default()));
            if !entry.is_object() {
                *entry = Value::Object(Default::default());
            }
            if let Value::Object(inner) = entry {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// Answers `POST .../preview`: the template (with the body's changes, not stored) rendered
/// with sample values. The answer carries the rendered `subject` (emails), `body`, and
/// `from_email_name` / `reply_to_email_name` for emails.
pub(crate) fn preview(
    db: &Db,
    template_type: &str,
    slug: &str,
    body: PreviewBody,
) -> ApiResult<Value> {
    let t = find(db, template_type, slug).ok_or_else(|| template_not_found(template_type, slug))?;
    let email = template_type == "email";
    let data = sample_data(&t);
    let text = body.body.unwrap_or_else(|| t.body.clone());
    let mut out = serde_json::Map::new();
    if email {
        let subject = body
            .subject
            .or_else(|| t.subject.clone())
            .unwrap_or_default();
        out.insert(
            "subject".into(),
            Value::from(render(&subject, &data, false)),
        );
        out.insert("body".into(), Value::from(render(&text, &data, true)));
        out.insert(
            "from_email_name".into(),
            Value::from(body.from_email_name.unwrap_or(t.from_email_name)),
        );
        out.insert(
            "reply_to_email_name".into(),
            Value::from(body.reply_to_email_name.unwrap_or(t.reply_to_email_name)),
        );
    } else {
        out.insert("body".into(), Value::from(render(&text, &data, false)));
    }
    Ok(Value::Object(out))
}

/// The value at a dotted path of the data (`org.name`).
fn lookup<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(data, |v, segment| v.get(segment))
}

fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

fn as_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Renders a template text with the data: `{{a.b}}` (HTML-escaped when `html`),
/// `{{{a.b}}}` (never escaped), `{{#if a.b}}...{{/if}}` (nestable). A variable the data lacks
/// renders empty; an unclosed tag is kept as text.
pub(crate) fn render(text: &str, data: &Value, html: bool) -> String {
    let mut out = String::with_capacity(text.len());
    // One entry per open `#if`: whether its content is shown.
    let mut shown: Vec<bool> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let visible = shown.iter().all(|s| *s);
        if visible {
            out.push_str(&rest[..start]);
        }
        let after = &rest[start..];
        let triple = after.starts_with("{{{");
        let close = if triple { "}}}" } else { "}}" };
        let open_len = if triple { 3 } else { 2 };
        let Some(end) = after[open_len..].find(close) else {
            if visible {
                out.push_str(after);
            }
            return out;
        };
        let tag = after[open_len..open_len + end].trim();
        rest = &after[open_len + end + close.len()..];
        if let Some(condition) = tag.strip_prefix("#if") {
            shown.push(truthy(lookup(data, condition.trim())));
        } else if tag == "/if" {
            shown.pop();
        } else if visible {
            let value = as_text(lookup(data, tag));
            if html && !triple {
                out.push_str(&super::mailbox::escape_html(&value));
            } else {
                out.push_str(&value);
            }
        }
    }
    if shown.iter().all(|s| *s) {
        out.push_str(rest);
    }
    out
}

/// The plain-text form of an HTML body: tags dropped, paragraph and line breaks kept as
/// newlines, the common entities decoded.
pub(crate) fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br") || tag == "/p" || tag == "/div" {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variables_conditions_and_escaping() {
        let data = json!({"otp_code": "123456", "org": {"name": "A & B"}, "url": null});
        assert_eq!(render("{{otp_code}} code", &data, true), "123456 code");
        assert_eq!(render("{{ org.name }}", &data, true), "A &amp; B");
        assert_eq!(render("{{{org.name}}}", &data, true), "A & B");
        assert_eq!(render("{{org.name}}", &data, false), "A & B");
        assert_eq!(render("a{{#if url}}X{{/if}}b", &data, true), "ab");
        assert_eq!(
            render("a{{#if otp_code}}<{{otp_code}}>{{/if}}b", &data, false),
            "a<123456>b"
        );
        assert_eq!(render("{{missing}}|{{unclosed", &data, true), "|{{unclosed");
    }

    #[test]
    fn required_variables_are_found_in_any_brace_form() {
        assert!(mentions("x {{ otp_code }} y", "otp_code"));
        assert!(mentions("{{{action_url}}}", "action_url"));
        assert!(!mentions("{{otp}}", "otp_code"));
    }

    #[test]
    fn plain_text_drops_tags() {
        assert_eq!(
            plain_text("<p>Hi &amp; <a href=\"x\">link</a></p><p>next</p>"),
            "Hi & link\nnext"
        );
    }

    #[test]
    fn built_in_ids_are_stable_and_well_formed() {
        let a = built_in_id("email", "invitation");
        assert_eq!(a, built_in_id("email", "invitation"));
        assert_ne!(a, built_in_id("sms", "invitation"));
        assert_eq!(a.len(), "tmpl_".len() + 27);
    }
}
