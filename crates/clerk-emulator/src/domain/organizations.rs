//! The rules of the organizations group, below HTTP: what its handlers in
//! `routes::organizations` call.

use super::org_roles::{self, is_admin_role};
use crate::domain::paging::sort_order;
use crate::domain::validate::{check_metadata, deep_merge, parse_rfc3339_ms, valid_email};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::server::{Shared, json};
use crate::store::organizations::*;
use crate::store::{Db, Ident};
use crate::wire::{
    CreateOrganizationInvitationRequest, Metadata, Organization, OrganizationInvitation,
    OrganizationInvitationPublicOrganizationData, OrganizationInvitationPublicUserData,
    OrganizationInvitationStatus, OrganizationMembership, OrganizationMembershipPublicUserData,
    OrganizationMetadataRequest, User,
};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

pub(crate) const DEFAULT_INVITATION_DAYS: i64 = 30;

pub(crate) const MAX_BULK_INVITATIONS: usize = 10;

pub(crate) const MAX_NAME_CHARS: usize = 256;

pub(crate) const DAY_MS: i64 = 24 * 3600 * 1000;

impl InvitationRecord {
    pub(crate) fn status_at(&self, now: i64) -> OrganizationInvitationStatus {
        match self.status {
            OrganizationInvitationStatus::Pending if self.expires_at <= now => {
                OrganizationInvitationStatus::Expired
            }
            ref s => s.clone(),
        }
    }

    pub(crate) fn is_pending(&self, now: i64) -> bool {
        self.status_at(now) == OrganizationInvitationStatus::Pending
    }
}

pub(crate) fn org_not_found() -> ApiError {
    ApiError::not_found("Given organization not found.")
}

pub(crate) fn creator_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "organization_creator_not_found",
        "creator not found",
        format!("No users found with id {id}."),
    )
}

pub(crate) fn already_member(who: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "already_a_member_in_organization",
        "already a member",
        format!("{who} is already a member of the organization."),
    )
}

pub(crate) fn quota_exceeded(max: i64) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "organization_membership_quota_exceeded",
        "organization membership quota exceeded",
        format!(
            "You have reached your limit of {max} organization memberships, including outstanding invitations."
        ),
    )
}

pub(crate) fn invitation_not_unique() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "organization_invitation_not_unique",
        "organization invitation not unique",
        "Organizations cannot have duplicate pending invitations for an email address.",
    )
}

pub(crate) fn invitation_not_pending() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "organization_invitation_not_pending",
        "not pending",
        "The organization invitation is not in the \"pending\" status.",
    )
}

pub(crate) fn not_an_admin() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "not_an_admin_in_organization",
        "not an administrator",
        "Current user is not an administrator in the organization. Only administrators can perform this action.",
    )
}

pub(crate) fn check_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    let lower = name.to_lowercase();
    let problem = if name.chars().count() > MAX_NAME_CHARS {
        Some("it is longer than 256 characters")
    } else if lower.contains("://") || lower.contains("www.") {
        Some("it contains a URL")
    } else if name.contains('<') && name.contains('>') {
        Some("it contains HTML")
    } else {
        None
    };
    match problem {
        Some(why) => Err(ApiError::value_invalid(
            "name",
            format!("The organization name {name:?} is invalid: {why}."),
        )),
        None => Ok(name.to_owned()),
    }
}

pub(crate) fn check_slug(slug: &str) -> ApiResult<()> {
    if !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(())
    } else {
        Err(ApiError::format_invalid(
            "slug",
            "slug can contain only lowercase alphanumeric characters and the dash \"-\".",
        ))
    }
}

/// A slug from a name: lowercase ASCII letters and digits, runs of anything else as one `-`.
pub(crate) fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "org".to_owned()
    } else {
        slug.to_owned()
    }
}

pub(crate) fn slug_taken(db: &Db, slug: &str, except: Option<&str>) -> bool {
    db.organizations
        .orgs
        .values()
        .any(|o| o.slug == slug && Some(o.id.as_str()) != except)
}

/// `base`, or `base-2`, `base-3`, ... whichever is free.
pub(crate) fn unique_slug(db: &Db, base: &str) -> String {
    if !slug_taken(db, base, None) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !slug_taken(db, s, None))
        .unwrap_or_default()
}

pub(crate) fn check_max_memberships(value: Option<i64>) -> ApiResult<Option<i64>> {
    match value {
        Some(n) if n < 0 => Err(ApiError::value_invalid(
            "max_allowed_memberships",
            "max_allowed_memberships must be greater than or equal to 0.",
        )),
        other => Ok(other),
    }
}

/// A role set an organization is put on must exist (a 422, as the operations that take
/// `role_set_key` document no 404; the code is **unverified**).
pub(crate) fn check_role_set(db: &Db, key: &str) -> ApiResult<String> {
    if org_roles::role_set_exists(db, key) {
        Ok(key.to_owned())
    } else {
        Err(ApiError::value_invalid(
            "role_set_key",
            format!("{key} does not match any role set of this instance."),
        ))
    }
}

pub(crate) fn parse_created_at(value: Option<&str>) -> ApiResult<Option<i64>> {
    value
        .map(|t| {
            parse_rfc3339_ms(t).ok_or_else(|| {
                ApiError::format_invalid("created_at", "created_at must be an RFC 3339 date-time.")
            })
        })
        .transpose()
}

/// `+`/`-` prefixed include and exclude lists.
pub(crate) fn split_signed(values: &[String]) -> (Vec<&str>, Vec<&str>) {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for v in values {
        match v.strip_prefix('-') {
            Some(rest) => exclude.push(rest),
            None => include.push(v.strip_prefix('+').unwrap_or(v)),
        }
    }
    (include, exclude)
}

/// The first `order_by` as (field, descending); `default` when none is given.
pub(crate) fn parse_order<'a>(
    order_by: &'a [String],
    allowed: &[&str],
    default: (&'a str, bool),
) -> ApiResult<(&'a str, bool)> {
    match order_by.first() {
        None => Ok(default),
        Some(raw) => sort_order(raw, allowed),
    }
}

pub(crate) use super::paging::paging;

/// `None` sorts after every value ascending, before them descending.
pub(crate) fn cmp_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

pub(crate) fn directed(ordering: Ordering, desc: bool) -> Ordering {
    if desc { ordering.reverse() } else { ordering }
}

pub(crate) fn contains_ci(haystack: &str, needle_lower: &str) -> bool {
    haystack.to_lowercase().contains(needle_lower)
}

pub(crate) fn lowered(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::to_lowercase)
        .filter(|s| !s.is_empty())
}

pub(crate) fn find_org<'a>(db: &'a Db, org_id: &str) -> ApiResult<&'a Organization> {
    db.organizations.orgs.get(org_id).ok_or_else(org_not_found)
}

pub(crate) fn members<'a>(
    db: &'a Db,
    org_id: &'a str,
) -> impl Iterator<Item = &'a MembershipRecord> + 'a {
    db.organizations
        .memberships
        .values()
        .filter(move |m| m.organization_id == org_id)
}

pub(crate) fn membership_of<'a>(
    db: &'a Db,
    org_id: &str,
    user_id: &str,
) -> Option<&'a MembershipRecord> {
    db.organizations
        .memberships
        .values()
        .find(|m| m.organization_id == org_id && m.user_id == user_id)
}

pub(crate) fn pending_invitations<'a>(
    db: &'a Db,
    org_id: &'a str,
    now: i64,
) -> impl Iterator<Item = &'a InvitationRecord> + 'a {
    db.organizations
        .invitations
        .values()
        .filter(move |i| i.organization_id == org_id && i.is_pending(now))
}

/// Members plus outstanding invitations an admin sent: what the membership limit counts.
pub(crate) fn seats_taken(db: &Db, org_id: &str, now: i64) -> usize {
    members(db, org_id).count()
        + pending_invitations(db, org_id, now)
            .filter(|i| i.domain_id.is_none())
            .count()
}

pub(crate) fn check_quota(org: &Organization, taken: usize, adding: usize) -> ApiResult<()> {
    let max = org.max_allowed_memberships;
    if max > 0 && (taken + adding) as i64 > max {
        Err(quota_exceeded(max))
    } else {
        Ok(())
    }
}

/// The user must exist and be an admin of the organization.
pub(crate) fn check_admin(db: &Db, org_id: &str, user_id: &str) -> ApiResult<()> {
    if !db.users.contains_key(user_id) {
        return Err(ApiError::user_not_found(user_id));
    }
    match membership_of(db, org_id, user_id) {
        Some(m) if is_admin_role(db, &m.role) => Ok(()),
        _ => Err(not_an_admin()),
    }
}

/// What identifies a user to other members: their primary email, phone, username or wallet.
pub(crate) fn identifier(user: &User) -> Option<String> {
    user.primary_email_address()
        .map(|e| e.email_address.clone())
        .or_else(|| user.primary_phone_number().map(|p| p.phone_number.clone()))
        .or_else(|| user.username.clone())
        .or_else(|| user.web3_wallets.first().map(|w| w.web3_wallet.clone()))
}

pub(crate) fn user_emails(user: &User) -> HashSet<String> {
    user.email_addresses
        .iter()
        .map(|e| e.email_address.to_lowercase())
        .collect()
}

/// Which computed fields an organization carries.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct View {
    /// `members_count` and `pending_invitations_count`.
    pub(crate) counts: bool,
    /// `missing_member_with_elevated_permissions`.
    pub(crate) elevated: bool,
}

/// Webhook payloads carry every computed field, as Clerk's examples do.
pub(crate) const FULL: View = View {
    counts: true,
    elevated: true,
};

pub(crate) fn render_org(db: &Db, org: &Organization, view: View) -> Organization {
    let mut out = org.clone();
    if view.counts {
        out.members_count = Some(members(db, &org.id).count() as i64);
        out.pending_invitations_count = Some(
            pending_invitations(db, &org.id, now_ms())
                .filter(|i| i.domain_id.is_none())
                .count() as i64,
        );
    }
    if view.elevated {
        out.missing_member_with_elevated_permissions =
            Some(!members(db, &org.id).any(|m| is_admin_role(db, &m.role)));
    }
    out
}

pub(crate) fn render_membership(
    db: &Db,
    org: &Organization,
    m: &MembershipRecord,
    view: View,
) -> OrganizationMembership {
    OrganizationMembership {
        id: m.id.clone(),
        object: "organization_membership".into(),
        role: m.role.clone(),
        role_name: org_roles::role_name(db, &m.role),
        permissions: org_roles::role_permissions(db, &m.role),
        public_metadata: m.public_metadata.clone(),
        private_metadata: Some(m.private_metadata.clone()),
        organization: render_org(db, org, view),
        public_user_data: db.users.get(&m.user_id).map(|r| {
            let u = &r.user;
            OrganizationMembershipPublicUserData {
                user_id: u.id.clone(),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                profile_image_url: u.profile_image_url.clone(),
                image_url: u.image_url.clone().unwrap_or_default(),
                has_image: u.has_image,
                identifier: identifier(u),
                username: u.username.clone(),
                banned: Some(u.banned),
                deprovisioned: u.deprovisioned,
            }
        }),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// An invitation; `with_org` adds `public_organization_data` (the instance-wide and per-user
/// lists have it, the organization's own endpoints do not).
pub(crate) fn render_invitation(
    db: &Db,
    inv: &InvitationRecord,
    with_org: bool,
    now: i64,
) -> OrganizationInvitation {
    OrganizationInvitation {
        object: "organization_invitation".into(),
        id: inv.id.clone(),
        email_address: inv.email_address.clone(),
        role: inv.role.clone(),
        role_name: org_roles::role_name(db, &inv.role).unwrap_or_else(|| inv.role.clone()),
        organization_id: Some(inv.organization_id.clone()),
        inviter_id: inv.inviter_id.clone(),
        public_inviter_data: inv
            .inviter_id
            .as_ref()
            .and_then(|id| db.users.get(id))
            .map(|r| OrganizationInvitationPublicUserData {
                user_id: r.user.id.clone(),
                first_name: r.user.first_name.clone(),
                last_name: r.user.last_name.clone(),
                image_url: r.user.image_url.clone().unwrap_or_default(),
                has_image: r.user.has_image,
                identifier: identifier(&r.user).unwrap_or_default(),
            }),
        status: Some(inv.status_at(now)),
        public_metadata: inv.public_metadata.clone(),
        private_metadata: Some(inv.private_metadata.clone()),
        url: inv.url.clone(),
        expires_at: Some(inv.expires_at),
        created_at: inv.created_at,
        updated_at: inv.updated_at,
        public_organization_data: with_org
            .then(|| db.organizations.orgs.get(&inv.organization_id))
            .flatten()
            .map(|o| OrganizationInvitationPublicOrganizationData {
                id: o.id.clone(),
                name: o.name.clone(),
                slug: o.slug.clone(),
                image_url: o.image_url.clone(),
                has_image: o.has_image,
            }),
    }
}

pub(crate) fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The page `{data, total_count}` of `rows`; only the rows on the page are rendered.
pub(crate) fn page<R, T: Serialize>(
    rows: Vec<R>,
    limit: usize,
    offset: usize,
    render: impl FnMut(R) -> T,
) -> Response {
    let total = rows.len() as u64;
    let data: Vec<T> = rows
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(render)
        .collect();
    json(&serde_json::json!({ "data": data, "total_count": total }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OrgListParams {
    pub(crate) include_members_count: Option<bool>,
    pub(crate) include_missing_member_with_elevated_permissions: Option<bool>,
    pub(crate) query: Option<String>,
    pub(crate) user_id: Vec<String>,
    pub(crate) organization_id: Vec<String>,
    pub(crate) order_by: Vec<String>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct GetOrgParams {
    pub(crate) include_members_count: Option<bool>,
    pub(crate) include_missing_member_with_elevated_permissions: Option<bool>,
}

/// Applies `change` to an organization under the write lock, stamps `updated_at`, emits
/// `organization.updated` and answers with the organization.
pub(crate) fn mutate_org(
    state: &Shared,
    org_id: &str,
    change: impl FnOnce(&mut Db) -> ApiResult<()>,
) -> ApiResult<Organization> {
    let mut db = state.write();
    find_org(&db, org_id)?;
    change(&mut db)?;
    let org = db
        .organizations
        .orgs
        .get_mut(org_id)
        .ok_or_else(org_not_found)?;
    org.updated_at = now_ms().max(org.updated_at);
    let org = org.clone();
    let updated = render_org(&db, &org, FULL);
    db.emit("organization.updated", &updated);
    Ok(org)
}

pub(crate) fn update_org_metadata(
    state: &Shared,
    org_id: &str,
    body: OrganizationMetadataRequest,
    merge: bool,
) -> ApiResult<Organization> {
    mutate_org(state, org_id, |db| {
        let org = db
            .organizations
            .orgs
            .get_mut(org_id)
            .ok_or_else(org_not_found)?;
        let mut public = org.public_metadata.clone();
        let mut private = org.private_metadata.clone().unwrap_or_default();
        apply_metadata(&mut public, &mut private, &body, merge)?;
        org.public_metadata = public;
        org.private_metadata = Some(private);
        Ok(())
    })
}

/// Merges or replaces the fields a metadata body gives, then checks their size.
pub(crate) fn apply_metadata(
    public: &mut Metadata,
    private: &mut Metadata,
    body: &OrganizationMetadataRequest,
    merge: bool,
) -> ApiResult<()> {
    for (name, slot, given) in [
        ("public_metadata", public, &body.public_metadata),
        ("private_metadata", private, &body.private_metadata),
    ] {
        match given {
            Some(m) if merge => deep_merge(slot, m),
            Some(m) => *slot = m.clone(),
            None => {}
        }
        check_metadata(name, slot)?;
    }
    Ok(())
}

/// The stored image behind an uploaded logo.
pub(crate) fn logo_image_id(org: &Organization) -> Option<&str> {
    if !org.has_image {
        return None;
    }
    org.image_url
        .as_deref()
        .and_then(|u| u.rsplit_once("/images/"))
        .map(|(_, id)| id)
}

/// Applies `change` to the membership of `user_id` in `org_id` under the write lock, stamps
/// `updated_at`, emits `organizationMembership.updated` and answers with the membership.
pub(crate) fn mutate_membership(
    state: &Shared,
    org_id: &str,
    user_id: &str,
    check: impl FnOnce(&Db, &Organization) -> ApiResult<()>,
    change: impl FnOnce(&mut MembershipRecord) -> ApiResult<()>,
) -> ApiResult<OrganizationMembership> {
    let mut db = state.write();
    let org = find_org(&db, org_id)?.clone();
    check(&db, &org)?;
    let id = membership_of(&db, org_id, user_id)
        .map(|m| m.id.clone())
        .ok_or_else(ApiError::resource_not_found)?;
    let m = db
        .organizations
        .memberships
        .get_mut(&id)
        .ok_or_else(ApiError::resource_not_found)?;
    change(m)?;
    m.updated_at = now_ms().max(m.updated_at);
    let m = m.clone();
    let updated = render_membership(&db, &org, &m, FULL);
    db.emit("organizationMembership.updated", &updated);
    Ok(render_membership(&db, &org, &m, View::default()))
}

/// The filters and order of the membership lists, all from one query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MemberListParams {
    pub(crate) order_by: Vec<String>,
    pub(crate) user_id: Vec<String>,
    pub(crate) email_address: Vec<String>,
    pub(crate) phone_number: Vec<String>,
    pub(crate) username: Vec<String>,
    pub(crate) web3_wallet: Vec<String>,
    pub(crate) role: Vec<String>,
    pub(crate) query: Option<String>,
    pub(crate) email_address_query: Option<String>,
    pub(crate) phone_number_query: Option<String>,
    pub(crate) username_query: Option<String>,
    pub(crate) name_query: Option<String>,
    pub(crate) last_active_at_before: Option<i64>,
    pub(crate) last_active_at_after: Option<i64>,
    pub(crate) created_at_before: Option<i64>,
    pub(crate) created_at_after: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

/// Whether a member passes the filters of `ListOrganizationMemberships` (they apply to the
/// member's user, and `role` to the membership).
pub(crate) fn member_matches(p: &MemberListParams, m: &MembershipRecord, u: &User) -> bool {
    /// No values asked for, or one of them held (without case).
    fn any_of<'a>(wanted: &[String], mut held: impl Iterator<Item = &'a str>) -> bool {
        wanted.is_empty() || held.any(|h| wanted.iter().any(|w| w.eq_ignore_ascii_case(h)))
    }
    /// No query, or a field that contains it (without case).
    fn partial<'a>(query: &Option<String>, mut fields: impl Iterator<Item = &'a str>) -> bool {
        lowered(query).is_none_or(|q| fields.any(|f| contains_ci(f, &q)))
    }
    let (ids_in, ids_out) = split_signed(&p.user_id);
    if (!ids_in.is_empty() && !ids_in.contains(&u.id.as_str())) || ids_out.contains(&u.id.as_str())
    {
        return false;
    }
    let emails = || u.email_addresses.iter().map(|e| e.email_address.as_str());
    let phones = || u.phone_numbers.iter().map(|n| n.phone_number.as_str());
    let wallets = || u.web3_wallets.iter().map(|w| w.web3_wallet.as_str());
    let first = u.first_name.as_deref().unwrap_or("");
    let last = u.last_name.as_deref().unwrap_or("");
    let full_name = format!("{first} {last}");
    let everything = emails()
        .chain(phones())
        .chain(wallets())
        .chain(u.username.as_deref())
        .chain([u.id.as_str(), first, last]);
    let before =
        |v: Option<i64>, limit: Option<i64>| limit.is_none_or(|l| v.is_some_and(|v| v < l));
    let after = |v: Option<i64>, limit: Option<i64>| limit.is_none_or(|l| v.is_some_and(|v| v > l));
    any_of(&p.email_address, emails())
        && any_of(&p.username, u.username.as_deref().into_iter())
        && any_of(&p.web3_wallet, wallets())
        && (p.phone_number.is_empty() || phones().any(|n| p.phone_number.iter().any(|w| w == n)))
        && (p.role.is_empty() || p.role.contains(&m.role))
        && partial(&p.query, everything)
        && partial(&p.email_address_query, emails())
        && partial(&p.phone_number_query, phones())
        && partial(&p.username_query, u.username.as_deref().into_iter())
        && partial(&p.name_query, std::iter::once(full_name.as_str()))
        && before(u.last_active_at, p.last_active_at_before)
        && after(u.last_active_at, p.last_active_at_after)
        && before(Some(u.created_at), p.created_at_before)
        && after(Some(u.created_at), p.created_at_after)
}

/// The memberships of one organization (or of all), filtered, ordered and paged.
pub(crate) fn membership_page(
    db: &Db,
    org_id: Option<&str>,
    p: &MemberListParams,
) -> ApiResult<Response> {
    let (field, desc) = parse_order(
        &p.order_by,
        &[
            "phone_number",
            "email_address",
            "created_at",
            "first_name",
            "last_name",
            "username",
        ],
        ("created_at", true),
    )?;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let mut rows: Vec<(&MembershipRecord, &User, &Organization)> = db
        .organizations
        .memberships
        .values()
        .filter(|m| org_id.is_none_or(|o| m.organization_id == o))
        .filter_map(|m| {
            let user = &db.users.get(&m.user_id)?.user;
            Some((m, user, db.organizations.orgs.get(&m.organization_id)?))
        })
        .filter(|(m, u, _)| member_matches(p, m, u))
        .collect();
    let lower = |s: Option<&str>| s.map(str::to_lowercase);
    rows.sort_by(|(ma, a, _), (mb, b, _)| {
        let by = match field {
            "phone_number" => cmp_opt(
                a.primary_phone_number().map(|n| &n.phone_number),
                b.primary_phone_number().map(|n| &n.phone_number),
            ),
            "email_address" => cmp_opt(
                lower(a.primary_email_address().map(|e| e.email_address.as_str())),
                lower(b.primary_email_address().map(|e| e.email_address.as_str())),
            ),
            "first_name" => cmp_opt(
                lower(a.first_name.as_deref()),
                lower(b.first_name.as_deref()),
            ),
            "last_name" => cmp_opt(lower(a.last_name.as_deref()), lower(b.last_name.as_deref())),
            "username" => cmp_opt(lower(a.username.as_deref()), lower(b.username.as_deref())),
            _ => ma.created_at.cmp(&mb.created_at),
        };
        directed(by.then_with(|| ma.id.cmp(&mb.id)), desc)
    });
    Ok(page(rows, limit, offset, |(m, _, org)| {
        render_membership(db, org, m, View::default())
    }))
}

/// Checks what an invitation request can be checked for without the database.
pub(crate) fn check_invitation(b: &CreateOrganizationInvitationRequest) -> ApiResult<()> {
    if !valid_email(&b.email_address) {
        return Err(ApiError::format_invalid(
            "email_address",
            "email_address must be a valid email address.",
        ));
    }
    if let Some(days) = b.expires_in_days
        && !(1..=365).contains(&days)
    {
        return Err(ApiError::value_invalid(
            "expires_in_days",
            "expires_in_days must be between 1 and 365.",
        ));
    }
    for (param, m) in [
        ("public_metadata", &b.public_metadata),
        ("private_metadata", &b.private_metadata),
    ] {
        if let Some(m) = m {
            check_metadata(param, m)?;
        }
    }
    Ok(())
}

/// Creates the invitations all or none, under one lock, and announces them.
pub(crate) fn create_invitations(
    state: &Shared,
    org_id: &str,
    bodies: &[CreateOrganizationInvitationRequest],
) -> ApiResult<Vec<OrganizationInvitation>> {
    for b in bodies {
        check_invitation(b)?;
    }
    let mut db = state.write();
    let org = find_org(&db, org_id)?.clone();
    let now = now_ms();
    let mut seen = HashSet::new();
    for b in bodies {
        org_roles::check_assignable(&db, &org, &b.role)?;
        if let Some(inviter) = &b.inviter_user_id {
            check_admin(&db, org_id, inviter)?;
        }
        let email = b.email_address.to_lowercase();
        if !seen.insert(email.clone())
            || pending_invitations(&db, org_id, now)
                .any(|i| i.email_address.to_lowercase() == email)
        {
            return Err(invitation_not_unique());
        }
        if let Some(owner) = db.index.owner(Ident::Email, &b.email_address)
            && membership_of(&db, org_id, owner).is_some()
        {
            return Err(already_member(&b.email_address));
        }
    }
    check_quota(&org, seats_taken(&db, org_id, now), bodies.len())?;
    let mut created = Vec::new();
    for b in bodies {
        // No accounts portal here: a link exists only where the caller says where to land.
        let url = b.redirect_url.as_ref().map(|r| {
            let sep = if r.contains('?') { '&' } else { '?' };
            format!("{r}{sep}__clerk_ticket={}", random_base62(32))
        });
        let inv = InvitationRecord {
            id: new_id("orginv"),
            organization_id: org_id.to_owned(),
            email_address: b.email_address.clone(),
            role: b.role.clone(),
            inviter_id: b.inviter_user_id.clone(),
            status: OrganizationInvitationStatus::Pending,
            public_metadata: b.public_metadata.clone().unwrap_or_default(),
            private_metadata: b.private_metadata.clone().unwrap_or_default(),
            url,
            expires_at: now + b.expires_in_days.unwrap_or(DEFAULT_INVITATION_DAYS) * DAY_MS,
            user_id: None,
            domain_id: None,
            created_at: now,
            updated_at: now,
        };
        db.organizations
            .invitations
            .insert(inv.id.clone(), inv.clone());
        let rendered = render_invitation(&db, &inv, false, now);
        db.emit("organizationInvitation.created", &rendered);
        if b.notify != Some(false) {
            super::mailbox::send_organization_invitation(&mut db, &org.name, &rendered);
        }
        created.push(rendered);
    }
    Ok(created)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InvitationListParams {
    pub(crate) status: Vec<String>,
    pub(crate) email_address: Option<String>,
    pub(crate) query: Option<String>,
    pub(crate) order_by: Vec<String>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

/// Invitations filtered, ordered and paged; `org_id` `None` lists the whole instance's (with
/// public organization data).
pub(crate) fn invitation_page(
    db: &Db,
    org_id: Option<&str>,
    p: &InvitationListParams,
) -> ApiResult<Response> {
    let statuses: Vec<OrganizationInvitationStatus> = p
        .status
        .iter()
        .map(|s| {
            let status = OrganizationInvitationStatus::from(s.as_str());
            match status {
                OrganizationInvitationStatus::Unknown(_) => Err(ApiError::value_invalid(
                    "status",
                    format!("{s} does not match one of the allowed values for parameter status"),
                )),
                known => Ok(known),
            }
        })
        .collect::<ApiResult<_>>()?;
    let (field, desc) = parse_order(
        &p.order_by,
        &["created_at", "email_address"],
        ("created_at", true),
    )?;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let now = now_ms();
    let query = lowered(&p.query);
    let mut rows: Vec<&InvitationRecord> = db
        .organizations
        .invitations
        .values()
        .filter(|i| org_id.is_none_or(|o| i.organization_id == o))
        // An organization's own lists leave out the invitations its domains sent.
        .filter(|i| org_id.is_none() || i.domain_id.is_none())
        .filter(|i| statuses.is_empty() || statuses.contains(&i.status_at(now)))
        .filter(|i| {
            p.email_address
                .as_ref()
                .is_none_or(|e| e.eq_ignore_ascii_case(&i.email_address))
        })
        .filter(|i| {
            query
                .as_ref()
                .is_none_or(|q| contains_ci(&i.email_address, q))
        })
        .collect();
    rows.sort_by(|a, b| {
        let by = match field {
            "email_address" => a
                .email_address
                .to_lowercase()
                .cmp(&b.email_address.to_lowercase()),
            _ => a.created_at.cmp(&b.created_at),
        };
        directed(by.then_with(|| a.id.cmp(&b.id)), desc)
    });
    Ok(page(rows, limit, offset, |i| {
        render_invitation(db, i, org_id.is_none(), now)
    }))
}

pub(crate) fn find_invitation<'a>(
    db: &'a Db,
    org_id: &str,
    invitation_id: &str,
) -> ApiResult<&'a InvitationRecord> {
    find_org(db, org_id)?;
    db.organizations
        .invitations
        .get(invitation_id)
        .filter(|i| i.organization_id == org_id)
        .ok_or_else(ApiError::resource_not_found)
}

/// The ids of the organizations a user belongs to.
pub(crate) fn user_organization_ids(db: &Db, user_id: &str) -> Vec<String> {
    db.organizations
        .memberships
        .values()
        .filter(|m| m.user_id == user_id)
        .map(|m| m.organization_id.clone())
        .collect()
}

/// Whether the user belongs to the organization.
/// Whether an organization exists.
pub(crate) fn organization_exists(db: &Db, org_id: &str) -> bool {
    db.organizations.orgs.contains_key(org_id)
}

pub(crate) fn is_member(db: &Db, org_id: &str, user_id: &str) -> bool {
    membership_of(db, org_id, user_id).is_some()
}

/// Forgets a deleted user's memberships, announcing each. Invitations they sent stay, without
/// inviter data.
pub(crate) fn remove_user(db: &mut Db, user_id: &str) {
    super::org_domains::remove_user(db, user_id);
    let ids: Vec<String> = db
        .organizations
        .memberships
        .values()
        .filter(|m| m.user_id == user_id)
        .map(|m| m.id.clone())
        .collect();
    for id in ids {
        if let Some(m) = db.organizations.memberships.remove(&id)
            && let Some(org) = db.organizations.orgs.get(&m.organization_id)
        {
            let deleted = render_membership(db, org, &m, FULL);
            db.emit("organizationMembership.deleted", &deleted);
        }
    }
}

/// A page of a user's memberships, newest first, and their total.
pub(crate) fn user_memberships(
    db: &Db,
    user_id: &str,
    limit: usize,
    offset: usize,
) -> (Vec<OrganizationMembership>, usize) {
    let mut mine: Vec<(&MembershipRecord, &Organization)> = db
        .organizations
        .memberships
        .values()
        .filter(|m| m.user_id == user_id)
        .filter_map(|m| Some((m, db.organizations.orgs.get(&m.organization_id)?)))
        .collect();
    mine.sort_by(|(a, _), (b, _)| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let total = mine.len();
    let page = mine
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(m, org)| render_membership(db, org, m, View::default()))
        .collect();
    (page, total)
}

/// A page of the invitations sent to a user's email addresses, newest first, and their total;
/// `status` filters on the status they have now.
pub(crate) fn user_invitations(
    db: &Db,
    user_id: &str,
    status: Option<&str>,
    limit: usize,
    offset: usize,
) -> (Vec<OrganizationInvitation>, usize) {
    let Some(record) = db.users.get(user_id) else {
        return (Vec::new(), 0);
    };
    let emails = user_emails(&record.user);
    let now = now_ms();
    let mut mine: Vec<&InvitationRecord> = db
        .organizations
        .invitations
        .values()
        .filter(|i| emails.contains(&i.email_address.to_lowercase()))
        .filter(|i| status.is_none_or(|s| i.status_at(now).as_str() == s))
        .collect();
    mine.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let total = mine.len();
    let page = mine
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|i| render_invitation(db, i, true, now))
        .collect();
    (page, total)
}

/// How many members hold the role; with `role_set_key`, only in the organizations on that set.
pub(crate) fn members_with_role(db: &Db, role_key: &str, role_set_key: Option<&str>) -> usize {
    db.organizations
        .memberships
        .values()
        .filter(|m| m.role == role_key)
        .filter(|m| {
            role_set_key.is_none_or(|k| {
                db.organizations
                    .orgs
                    .get(&m.organization_id)
                    .is_some_and(|o| o.role_set_key.as_deref() == Some(k))
            })
        })
        .count()
}

/// How many pending invitations name the role.
pub(crate) fn pending_invitations_with_role(db: &Db, role_key: &str) -> usize {
    let now = now_ms();
    db.organizations
        .invitations
        .values()
        .filter(|i| i.role == role_key && i.is_pending(now))
        .count()
}

/// The roles members hold in the organizations on a role set.
pub(crate) fn roles_held_in_set(db: &Db, role_set_key: &str) -> Vec<String> {
    let mut held: Vec<String> = Vec::new();
    for m in db.organizations.memberships.values() {
        let on_set = db
            .organizations
            .orgs
            .get(&m.organization_id)
            .is_some_and(|o| o.role_set_key.as_deref() == Some(role_set_key));
        if on_set && !held.contains(&m.role) {
            held.push(m.role.clone());
        }
    }
    held
}

/// A role's key changed: memberships and invitations follow it.
pub(crate) fn rename_role(db: &mut Db, old: &str, new: &str) {
    let now = now_ms();
    db.organizations.memberships.update_where(
        |m| m.role == old,
        |m| {
            m.role = new.to_owned();
            m.updated_at = now;
        },
    );
    db.organizations.invitations.update_where(
        |i| i.role == old,
        |i| {
            i.role = new.to_owned();
            i.updated_at = now;
        },
    );
}

/// A role set's key changed: the organizations on it follow it.
pub(crate) fn rename_role_set(db: &mut Db, old: &str, new: &str) {
    let now = now_ms();
    db.organizations.orgs.update_where(
        |o| o.role_set_key.as_deref() == Some(old),
        |o| {
            o.role_set_key = Some(new.to_owned());
            o.updated_at = now;
        },
    );
}

/// In the organizations on the role set `from`, gives members and pending invitations holding
/// a role of `mapping` its mapped role (announcing each membership changed), then, with `to`,
/// moves the organizations to that role set.
pub(crate) fn reassign_roles(
    db: &mut Db,
    from: &str,
    to: Option<&str>,
    mapping: &BTreeMap<String, String>,
) {
    let org_ids: HashSet<String> = db
        .organizations
        .orgs
        .values()
        .filter(|o| o.role_set_key.as_deref() == Some(from))
        .map(|o| o.id.clone())
        .collect();
    let now = now_ms();
    let moved: Vec<String> = db
        .organizations
        .memberships
        .values()
        .filter(|m| org_ids.contains(&m.organization_id) && mapping.contains_key(&m.role))
        .map(|m| m.id.clone())
        .collect();
    for id in moved {
        let Some(m) = db.organizations.memberships.get_mut(&id) else {
            continue;
        };
        if let Some(role) = mapping.get(&m.role) {
            m.role = role.clone();
        }
        m.updated_at = now;
        let m = m.clone();
        if let Some(org) = db.organizations.orgs.get(&m.organization_id).cloned() {
            let updated = render_membership(db, &org, &m, FULL);
            db.emit("organizationMembership.updated", &updated);
        }
    }
    db.organizations.invitations.update_where(
        |i| {
            org_ids.contains(&i.organization_id)
                && i.is_pending(now)
                && mapping.contains_key(&i.role)
        },
        |i| {
            if let Some(role) = mapping.get(&i.role) {
                i.role = role.clone();
            }
            i.updated_at = now;
        },
    );
    if let Some(to) = to {
        db.organizations.orgs.update_where(
            |o| org_ids.contains(&o.id),
            |o| {
                o.role_set_key = Some(to.to_owned());
                o.updated_at = now;
            },
        );
    }
}

/// The pending invitations a verified domain sent.
pub(crate) fn pending_domain_invitations(db: &Db, domain_id: &str) -> usize {
    let now = now_ms();
    db.organizations
        .invitations
        .values()
        .filter(|i| i.domain_id.as_deref() == Some(domain_id) && i.is_pending(now))
        .count()
}

/// Invites `email` to the organization on behalf of one of its verified domains, with the
/// organization's default role, unless the address already has a pending invitation there or
/// this domain already invited it once. Returns whether it invited.
pub(crate) fn invite_through_domain(
    db: &mut Db,
    org_id: &str,
    domain_id: &str,
    email: &str,
) -> bool {
    let now = now_ms();
    let lower = email.to_lowercase();
    let Some(org) = db.organizations.orgs.get(org_id).cloned() else {
        return false;
    };
    let known = db.organizations.invitations.values().any(|i| {
        i.organization_id == org_id
            && i.email_address.to_lowercase() == lower
            && (i.is_pending(now) || i.domain_id.as_deref() == Some(domain_id))
    });
    if known {
        return false;
    }
    let inv = InvitationRecord {
        id: new_id("orginv"),
        organization_id: org_id.to_owned(),
        email_address: email.to_owned(),
        role: org_roles::default_role_key(db, &org),
        inviter_id: None,
        status: OrganizationInvitationStatus::Pending,
        public_metadata: Metadata::new(),
        private_metadata: Metadata::new(),
        url: None,
        expires_at: now + DEFAULT_INVITATION_DAYS * DAY_MS,
        user_id: None,
        domain_id: Some(domain_id.to_owned()),
        created_at: now,
        updated_at: now,
    };
    db.organizations
        .invitations
        .insert(inv.id.clone(), inv.clone());
    let rendered = render_invitation(db, &inv, false, now);
    db.emit("organizationInvitation.created", &rendered);
    true
}

/// An organization's public data, as domains and invitations show it.
pub(crate) fn public_organization_data(
    db: &Db,
    org_id: &str,
) -> Option<OrganizationInvitationPublicOrganizationData> {
    db.organizations
        .orgs
        .get(org_id)
        .map(|o| OrganizationInvitationPublicOrganizationData {
            id: o.id.clone(),
            name: o.name.clone(),
            slug: o.slug.clone(),
            image_url: o.image_url.clone(),
            has_image: o.has_image,
        })
}

/// Whether an organization with this id exists.
pub(crate) fn org_exists(db: &Db, org_id: &str) -> bool {
    db.organizations.orgs.contains_key(org_id)
}

/// The v2 `o` claim of a session whose active organization is `org_id`: `id`, `slg`, `rol`
/// (the role without `org:`), and the role's custom permissions as `per`/`fpm`; with it, the
/// `fea` claim that names the features `fpm`'s masks belong to (`o:posts,o:billing`), `None`
/// when the role has no custom permission.
///
/// System permissions (`org:sys_*`) never go into session tokens: Clerk keeps them out to keep
/// tokens small. With only those (as with both default roles), `per` and `fpm` are left out
/// rather than sent empty: Clerk's parsers read a missing list and an empty one alike, and an
/// empty `fpm` is not a list of numbers a strict parser would accept.
pub(crate) fn session_org_claim(
    db: &Db,
    org_id: &str,
    user_id: &str,
) -> Option<(Value, Option<String>)> {
    let org = db.organizations.orgs.get(org_id)?;
    let m = membership_of(db, org_id, user_id)?;
    let mut claim = json!({
        "id": org.id,
        "slg": org.slug,
        "rol": m.role.strip_prefix("org:").unwrap_or(&m.role),
    });
    let permissions = org_roles::role_permissions(db, &m.role);
    let permissions: Vec<&str> = permissions.iter().map(String::as_str).collect();
    let fea = encode_permissions(&permissions).map(|encoded| {
        claim["per"] = json!(encoded.per);
        claim["fpm"] = json!(encoded.fpm);
        encoded
            .features
            .iter()
            .map(|f| format!("o:{f}"))
            .collect::<Vec<_>>()
            .join(",")
    });
    Some((claim, fea))
}

/// Custom permissions as a session token carries them.
#[derive(Debug, PartialEq)]
pub(crate) struct EncodedPermissions {
    /// Each permission name once, in order of first use.
    pub(crate) per: String,
    /// One decimal bitmask per feature, in `features` order.
    pub(crate) fpm: String,
    /// The features, in order of first use.
    pub(crate) features: Vec<String>,
}

/// Custom permissions `org:<feature>:<name>` as the v2 claim carries them: `per` lists each
/// name once, in order of first use; `fpm` has one decimal bitmask per feature (in order of
/// first use, as the token's `fea` lists them), bit i set when the role holds `per`'s i-th name
/// for that feature. `None` when there are no custom permissions.
pub(crate) fn encode_permissions(permissions: &[&str]) -> Option<EncodedPermissions> {
    let custom: Vec<(&str, &str)> = permissions
        .iter()
        .filter_map(|p| p.strip_prefix("org:")?.split_once(':'))
        .filter(|(feature, _)| !feature.starts_with("sys_"))
        .collect();
    if custom.is_empty() {
        return None;
    }
    let mut features: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (feature, name) in &custom {
        if !features.contains(feature) {
            features.push(feature);
        }
        if !names.contains(name) {
            names.push(name);
        }
    }
    let masks: Vec<String> = features
        .iter()
        .map(|feature| {
            let mask = custom
                .iter()
                .filter(|(f, _)| f == feature)
                .filter_map(|(_, n)| names.iter().position(|x| x == n))
                .fold(0u128, |mask, i| {
                    mask | 1u128.checked_shl(i as u32).unwrap_or(0)
                });
            mask.to_string()
        })
        .collect();
    Some(EncodedPermissions {
        per: names.join(","),
        fpm: masks.join(","),
        features: features.iter().map(|f| (*f).to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slugify("Acme Corp"), "acme-corp");
        assert_eq!(slugify("  Ünïcode & Co. 2!"), "n-code-co-2");
        assert_eq!(slugify("---"), "org");
        assert!(check_slug("acme-2").is_ok());
        for bad in ["", "Acme", "acme corp", "acme_corp"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_without_urls_or_html() {
        assert_eq!(check_name("  Acme  ").unwrap(), "Acme");
        for bad in [
            "",
            "   ",
            "see https://x.co",
            "<b>bold</b>",
            &"a".repeat(257),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pending_invitations_expire() {
        let mut inv = InvitationRecord {
            id: "orginv_1".into(),
            organization_id: "org_1".into(),
            email_address: "a@example.com".into(),
            role: "org:member".into(),
            inviter_id: None,
            status: OrganizationInvitationStatus::Pending,
            public_metadata: Metadata::new(),
            private_metadata: Metadata::new(),
            url: None,
            expires_at: 1_000,
            user_id: None,
            domain_id: None,
            created_at: 0,
            updated_at: 0,
        };
        assert!(inv.is_pending(999));
        assert_eq!(inv.status_at(1_000), OrganizationInvitationStatus::Expired);
        inv.status = OrganizationInvitationStatus::Revoked;
        assert_eq!(inv.status_at(1_000), OrganizationInvitationStatus::Revoked);
    }

    #[test]
    fn system_permissions_stay_out_of_the_claim() {
        assert_eq!(
            encode_permissions(&["org:sys_memberships:read", "org:sys_profile:manage"]),
            None
        );
    }

    #[test]
    fn custom_permissions_encode_per_feature() {
        let EncodedPermissions { per, fpm, features } = encode_permissions(&[
            "org:sys_memberships:read",
            "org:posts:read",
            "org:posts:write",
            "org:billing:read",
            "org:billing:manage",
        ])
        .unwrap();
        assert_eq!(per, "read,write,manage");
        // posts: read (bit 0) + write (bit 1) = 3; billing: read (bit 0) + manage (bit 2) = 5.
        assert_eq!(fpm, "3,5");
        assert_eq!(features, ["posts", "billing"]);
    }
}
