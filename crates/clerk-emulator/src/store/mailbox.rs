//! What the mailbox group stores.

use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::wire::*;

/// The messages as stored, by id.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct MailboxData {
    #[serde(default)]
    pub(crate) emails: Table<Email>,
    #[serde(default)]
    pub(crate) sms_messages: Table<SmsMessage>,
}

impl MailboxData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 2] {
        [
            ("emails", &mut self.emails),
            ("sms_messages", &mut self.sms_messages),
        ]
    }

    /// Every message, oldest first.
    pub(crate) fn all(&self) -> Vec<Message> {
        let mut all: Vec<Message> = self
            .emails
            .values()
            .cloned()
            .map(Message::Email)
            .chain(self.sms_messages.values().cloned().map(Message::Sms))
            .collect();
        // Ids sort in creation order within a kind; between kinds the time decides.
        all.sort_by(|a, b| (a.created_at(), a.id()).cmp(&(b.created_at(), b.id())));
        all
    }
}
