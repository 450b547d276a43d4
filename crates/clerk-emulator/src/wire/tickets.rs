//! Tokens the Backend API hands out for the frontend to redeem: sign-in tokens, actor
//! (impersonation) tokens and testing tokens; and the verification `prepare_verification`
//! starts.

use serde::{Deserialize, Serialize};

use super::Metadata;

open_enum! {
    /// Where a sign-in or actor token stands.
    pub enum TicketStatus {
        /// Not used yet.
        Pending = "pending",
        /// Used to sign in.
        Accepted = "accepted",
        /// Revoked before use.
        Revoked = "revoked",
    }
}

/// A sign-in token (spec schema `SignInToken`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInToken {
    /// Always `sign_in_token`.
    pub object: String,
    /// Its id.
    pub id: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// The user it signs in.
    pub user_id: String,
    /// The ticket itself; only in the answer that creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Where the frontend redeems it; only in the answer that creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// An actor token: lets an actor sign in as a user (spec schema `ActorToken`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorToken {
    /// Always `actor_token`.
    pub object: String,
    /// Its id (`impt_...`).
    pub id: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// The user to be impersonated.
    pub user_id: String,
    /// Who impersonates (`sub` and anything else); it becomes the session tokens' `act` claim.
    pub actor: Metadata,
    /// The ticket itself; only in the answer that creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Where the frontend redeems it; only in the answer that creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A testing token, for the Frontend API's bot protection (spec schema `TestingToken`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestingToken {
    /// Always `testing_token`.
    pub object: String,
    /// `<unix seconds>-<random>`.
    pub token: String,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
}

/// A verification started by `prepare_verification` (the spec's `_VerificationResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeVerification {
    /// Always `verification`.
    pub object: String,
    /// Its id, to pass to `attempt_verification`.
    pub id: String,
    /// `unverified`, `verified`, `expired` or `failed`.
    pub status: String,
    /// `email_code` or `phone_code`.
    pub strategy: String,
    /// Attempts made so far.
    pub attempts: Option<i64>,
    /// When the code expires (Unix ms).
    pub expire_at: Option<i64>,
    /// How the code was sent (`sms` for phone numbers; null for email).
    pub channel: Option<String>,
}

/// An agent task: a ticket an agent uses to sign in as a user (spec schema `AgentTask`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTask {
    /// Always `agent_task`.
    pub object: String,
    /// The agent's id, the same for every task of one agent name.
    pub agent_id: String,
    /// This task's id.
    pub agent_task_id: String,
    /// The same id under its older name.
    pub task_id: String,
    /// Where the agent signs in; only in the answer that creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An agent task as stored: what the API serves and what only the emulator needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTaskRecord {
    /// What the API serves.
    pub task: AgentTask,
    /// The user the agent signs in as.
    pub user_id: String,
    /// The agent's name.
    pub agent_name: String,
    /// What the agent is doing, for the audit trail.
    pub task_description: String,
    /// Where the browser goes once the task's URL has signed it in.
    pub redirect_url: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}
