//! Typed webhook events: the envelope Clerk wraps every event in, and [`EventData`], one variant
//! per event type of Clerk's webhooks spec (45 of them) plus [`EventData::Unknown`], so an event
//! type this SDK does not know yet still arrives instead of failing.

use serde::de::Error as _;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::payloads::{
    BillingSubscriptionItemEventPayload, EmailEventPayload, OrganizationInvitationAcceptedPayload,
    OrganizationInvitationEventPayload, PaymentAttemptEventPayload, SessionEventPayload,
    SmsEventPayload, SubscriptionEventPayload,
};
use crate::models::{
    DeletedObject, Organization, OrganizationDomain, OrganizationMembership, Permission, Role,
    User, WaitlistEntry,
};

/// The payload of every `*.deleted` event except `organizationMembership.deleted` (which carries
/// the whole membership): `{"object":"user","id":"user_...","deleted":true}`, with `slug` for
/// organizations and `external_id` for users when they have one.
///
/// The same shape as the Backend API's `DeletedObject`, so it is that type.
pub type DeletedPayload = DeletedObject;

/// One webhook delivery: the envelope and the event's typed data.
///
/// Decode it with [`Webhook::verify_event`](super::Webhook::verify_event), which checks the
/// signature first, or with serde from a body verified otherwise. It serializes back to Clerk's
/// JSON (`type`, `object`, `instance_id`, `timestamp`, `event_attributes`, `data`).
///
/// ```
/// use clerk_backend::webhooks::{EventData, WebhookEvent};
///
/// let body = r#"{"type":"user.deleted","object":"event","instance_id":"ins_1",
///     "timestamp":1716883200000,"data":{"object":"user","id":"user_1","deleted":true}}"#;
/// let event: WebhookEvent = serde_json::from_str(body).unwrap();
/// assert_eq!(event.event_type(), "user.deleted");
/// match &event.data {
///     EventData::UserDeleted(deleted) => assert_eq!(deleted.id.as_deref(), Some("user_1")),
///     other => panic!("unexpected {}", other.event_type()),
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// Always `event`.
    pub object: String,
    /// The instance the event happened in (`ins_...`).
    pub instance_id: String,
    /// When the event happened. Clerk's guides say Unix milliseconds; the examples in its
    /// webhooks spec show seconds.
    pub timestamp: i64,
    /// Where the change came from, when Clerk says.
    pub event_attributes: Option<EventAttributes>,
    /// The event's type and its typed payload.
    pub data: EventData,
}

impl WebhookEvent {
    /// The event type as Clerk names it (`user.created`, `session.pending`, ...), the
    /// envelope's `type`.
    pub fn event_type(&self) -> &str {
        self.data.event_type()
    }
}

/// What Clerk says about the origin of an event (the envelope's `event_attributes`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventAttributes {
    /// The HTTP request that caused the event, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_request: Option<EventHttpRequest>,
}

/// The HTTP request behind an event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventHttpRequest {
    /// The client's IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    /// The client's `User-Agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// Declares [`EventData`] from one line per event type, with its decoding and encoding.
macro_rules! event_data {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) = $name:literal, )*) => {
        /// An event's type and typed payload: one variant per event type of Clerk's webhooks
        /// spec, and [`EventData::Unknown`] for any other.
        ///
        /// Serializing it writes the payload alone (the envelope's `data`).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        // One value per delivery: boxing the big payloads would cost every match a `*`.
        #[allow(clippy::large_enum_variant)]
        pub enum EventData {
            $( $(#[$doc])* $variant($payload), )*
            /// An event type this version of the SDK does not know, with its payload as sent.
            Unknown {
                /// The event type (`type`).
                event_type: String,
                /// The payload (`data`).
                data: Value,
            },
        }

        impl EventData {
            /// Every event type this version of the SDK decodes into a typed variant.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($name),*];

            /// The event type as Clerk names it (`user.created`, ...).
            pub fn event_type(&self) -> &str {
                match self {
                    $( EventData::$variant(_) => $name, )*
                    EventData::Unknown { event_type, .. } => event_type,
                }
            }

            /// Decodes `data` as the payload of `event_type`. An unknown type keeps the raw
            /// payload; a known type whose payload does not decode is an error that names the
            /// failing path.
            fn decode(event_type: String, data: Option<Value>) -> Result<EventData, String> {
                match event_type.as_str() {
                    $(
                        $name => {
                            let data = data.ok_or_else(|| {
                                format!("the `{}` event has no `data`", $name)
                            })?;
                            serde_path_to_error::deserialize(data)
                                .map(EventData::$variant)
                                .map_err(|e| describe($name, e))
                        }
                    )*
                    _ => Ok(EventData::Unknown {
                        event_type,
                        data: data.unwrap_or(Value::Null),
                    }),
                }
            }
        }

        impl Serialize for EventData {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( EventData::$variant(payload) => payload.serialize(serializer), )*
                    EventData::Unknown { data, .. } => data.serialize(serializer),
                }
            }
        }
    };
}

event_data! {
    /// `user.created`: a user signed up or was created.
    UserCreated(User) = "user.created",
    /// `user.updated`: a user changed.
    UserUpdated(User) = "user.updated",
    /// `user.deleted`: a user was deleted.
    UserDeleted(DeletedPayload) = "user.deleted",
    /// `session.created`: a user signed in.
    SessionCreated(SessionEventPayload) = "session.created",
    /// `session.pending`: a user signed in with tasks left (choose an organization, ...).
    SessionPending(SessionEventPayload) = "session.pending",
    /// `session.ended`: a user signed out.
    SessionEnded(SessionEventPayload) = "session.ended",
    /// `session.removed`: a session was removed from its client.
    SessionRemoved(SessionEventPayload) = "session.removed",
    /// `session.revoked`: a session was revoked.
    SessionRevoked(SessionEventPayload) = "session.revoked",
    /// `email.created`: Clerk is sending (or, with delivery turned off, asks you to send) an
    /// email.
    EmailCreated(EmailEventPayload) = "email.created",
    /// `sms.created`: Clerk is sending (or asks you to send) a text message.
    SmsCreated(SmsEventPayload) = "sms.created",
    /// `organization.created`.
    OrganizationCreated(Organization) = "organization.created",
    /// `organization.updated`.
    OrganizationUpdated(Organization) = "organization.updated",
    /// `organization.deleted`.
    OrganizationDeleted(DeletedPayload) = "organization.deleted",
    /// `organizationDomain.created`.
    OrganizationDomainCreated(OrganizationDomain) = "organizationDomain.created",
    /// `organizationDomain.updated`.
    OrganizationDomainUpdated(OrganizationDomain) = "organizationDomain.updated",
    /// `organizationDomain.deleted`.
    OrganizationDomainDeleted(DeletedPayload) = "organizationDomain.deleted",
    /// `organizationInvitation.created`.
    OrganizationInvitationCreated(OrganizationInvitationEventPayload) =
        "organizationInvitation.created",
    /// `organizationInvitation.accepted`: the invitee joined.
    OrganizationInvitationAccepted(OrganizationInvitationAcceptedPayload) =
        "organizationInvitation.accepted",
    /// `organizationInvitation.revoked`.
    OrganizationInvitationRevoked(OrganizationInvitationEventPayload) =
        "organizationInvitation.revoked",
    /// `organizationMembership.created`: a user joined an organization.
    OrganizationMembershipCreated(OrganizationMembership) = "organizationMembership.created",
    /// `organizationMembership.updated`: a member's role changed.
    OrganizationMembershipUpdated(OrganizationMembership) = "organizationMembership.updated",
    /// `organizationMembership.deleted`: a member left; the payload is the whole membership.
    OrganizationMembershipDeleted(OrganizationMembership) = "organizationMembership.deleted",
    /// `paymentAttempt.created` (billing).
    PaymentAttemptCreated(PaymentAttemptEventPayload) = "paymentAttempt.created",
    /// `paymentAttempt.updated` (billing).
    PaymentAttemptUpdated(PaymentAttemptEventPayload) = "paymentAttempt.updated",
    /// `permission.created`.
    PermissionCreated(Permission) = "permission.created",
    /// `permission.updated`.
    PermissionUpdated(Permission) = "permission.updated",
    /// `permission.deleted`.
    PermissionDeleted(DeletedPayload) = "permission.deleted",
    /// `role.created`.
    RoleCreated(Role) = "role.created",
    /// `role.updated`.
    RoleUpdated(Role) = "role.updated",
    /// `role.deleted`.
    RoleDeleted(DeletedPayload) = "role.deleted",
    /// `subscription.created` (billing).
    SubscriptionCreated(SubscriptionEventPayload) = "subscription.created",
    /// `subscription.updated` (billing).
    SubscriptionUpdated(SubscriptionEventPayload) = "subscription.updated",
    /// `subscription.active` (billing).
    SubscriptionActive(SubscriptionEventPayload) = "subscription.active",
    /// `subscription.pastDue` (billing).
    SubscriptionPastDue(SubscriptionEventPayload) = "subscription.pastDue",
    /// `subscriptionItem.abandoned` (billing).
    SubscriptionItemAbandoned(BillingSubscriptionItemEventPayload) =
        "subscriptionItem.abandoned",
    /// `subscriptionItem.active` (billing).
    SubscriptionItemActive(BillingSubscriptionItemEventPayload) = "subscriptionItem.active",
    /// `subscriptionItem.canceled` (billing).
    SubscriptionItemCanceled(BillingSubscriptionItemEventPayload) = "subscriptionItem.canceled",
    /// `subscriptionItem.ended` (billing).
    SubscriptionItemEnded(BillingSubscriptionItemEventPayload) = "subscriptionItem.ended",
    /// `subscriptionItem.freeTrialEnding` (billing).
    SubscriptionItemFreeTrialEnding(BillingSubscriptionItemEventPayload) =
        "subscriptionItem.freeTrialEnding",
    /// `subscriptionItem.incomplete` (billing).
    SubscriptionItemIncomplete(BillingSubscriptionItemEventPayload) =
        "subscriptionItem.incomplete",
    /// `subscriptionItem.pastDue` (billing).
    SubscriptionItemPastDue(BillingSubscriptionItemEventPayload) = "subscriptionItem.pastDue",
    /// `subscriptionItem.upcoming` (billing).
    SubscriptionItemUpcoming(BillingSubscriptionItemEventPayload) = "subscriptionItem.upcoming",
    /// `subscriptionItem.updated` (billing).
    SubscriptionItemUpdated(BillingSubscriptionItemEventPayload) = "subscriptionItem.updated",
    /// `waitlistEntry.created`.
    WaitlistEntryCreated(WaitlistEntry) = "waitlistEntry.created",
    /// `waitlistEntry.updated`.
    WaitlistEntryUpdated(WaitlistEntry) = "waitlistEntry.updated",
}

impl EventData {
    /// Whether this is [`EventData::Unknown`]: a type this SDK does not decode.
    pub fn is_unknown(&self) -> bool {
        matches!(self, EventData::Unknown { .. })
    }
}

fn describe(event_type: &str, error: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if path.is_empty() || path == "." {
        format!("the `{event_type}` payload does not decode: {inner}")
    } else {
        format!("the `{event_type}` payload does not decode at data.{path}: {inner}")
    }
}

/// The envelope as sent, with `data` kept raw until `type` says what it is.
#[derive(Deserialize)]
struct RawEvent {
    #[serde(rename = "type")]
    event_type: String,
    object: String,
    instance_id: String,
    timestamp: i64,
    #[serde(default)]
    event_attributes: Option<EventAttributes>,
    #[serde(default)]
    data: Option<Value>,
}

impl<'de> Deserialize<'de> for WebhookEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawEvent::deserialize(deserializer)?;
        let data = EventData::decode(raw.event_type, raw.data).map_err(D::Error::custom)?;
        Ok(WebhookEvent {
            object: raw.object,
            instance_id: raw.instance_id,
            timestamp: raw.timestamp,
            event_attributes: raw.event_attributes,
            data,
        })
    }
}

impl Serialize for WebhookEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.event_attributes.is_some() {
            6
        } else {
            5
        };
        let mut s = serializer.serialize_struct("WebhookEvent", fields)?;
        s.serialize_field("type", self.event_type())?;
        s.serialize_field("object", &self.object)?;
        s.serialize_field("instance_id", &self.instance_id)?;
        s.serialize_field("timestamp", &self.timestamp)?;
        if let Some(attributes) = &self.event_attributes {
            s.serialize_field("event_attributes", attributes)?;
        } else {
            s.skip_field("event_attributes")?;
        }
        s.serialize_field("data", &self.data)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unknown_type_keeps_its_payload_and_round_trips() {
        let raw = json!({
            "type": "user.teleported", "object": "event", "instance_id": "ins_1",
            "timestamp": 1, "data": {"id": "user_1", "to": "mars"}
        });
        let event: WebhookEvent = serde_json::from_value(raw.clone()).unwrap();
        assert!(event.data.is_unknown());
        assert_eq!(event.event_type(), "user.teleported");
        assert_eq!(serde_json::to_value(&event).unwrap(), raw);
    }

    #[test]
    fn a_known_type_with_a_bad_payload_is_an_error_naming_the_path() {
        let raw = json!({
            "type": "role.created", "object": "event", "instance_id": "ins_1", "timestamp": 1,
            "data": {"object": "role", "id": "role_1", "name": "A", "key": "org:a",
                     "description": null, "is_creator_eligible": "yes", "permissions": [],
                     "created_at": 1, "updated_at": 1}
        });
        let err = serde_json::from_value::<WebhookEvent>(raw).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("role.created"), "{message}");
        assert!(message.contains("data.is_creator_eligible"), "{message}");
    }

    #[test]
    fn a_known_type_without_data_is_an_error() {
        let raw = json!({"type": "user.created", "object": "event", "instance_id": "i",
                         "timestamp": 1});
        assert!(serde_json::from_value::<WebhookEvent>(raw).is_err());
    }

    #[test]
    fn every_known_type_is_listed_once() {
        let mut types = EventData::KNOWN_TYPES.to_vec();
        assert_eq!(types.len(), 45);
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), 45);
        assert!(types.contains(&"session.pending"));
    }
}
