//! What the tickets group stores.

use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::wire::*;

/// A ticket as stored: the object served, its secret and its limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Ticket<T> {
    pub(crate) object: T,
    pub(crate) ticket: String,
    pub(crate) expire_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) organization_id: Option<String>,
    /// For actor tokens: how long the session lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) session_secs: Option<i64>,
}

/// The tickets as stored, by id.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct TicketData {
    #[serde(default)]
    pub(crate) sign_in_tokens: Table<Ticket<SignInToken>>,
    #[serde(default)]
    pub(crate) actor_tokens: Table<Ticket<ActorToken>>,
    #[serde(default)]
    pub(crate) testing_tokens: Table<TestingToken>,
    #[serde(default)]
    pub(crate) agent_tasks: Table<Ticket<AgentTaskRecord>>,
    /// Agent ids by agent name: an agent keeps its id across tasks.
    #[serde(default)]
    pub(crate) agents: Table<String>,
}

impl TicketData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 5] {
        [
            ("sign_in_tokens", &mut self.sign_in_tokens),
            ("actor_tokens", &mut self.actor_tokens),
            ("testing_tokens", &mut self.testing_tokens),
            ("agent_tasks", &mut self.agent_tasks),
            ("agents", &mut self.agents),
        ]
    }
}
