//! What the email and SMS templates group stores: the templates that differ from the built-in
//! ones (changed, or with delivery switched), keyed `<template_type>/<slug>`. A template not
//! stored is the built-in one.

use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::wire::Template;

/// The instance's changed templates.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct MessageTemplateData {
    #[serde(default)]
    pub(crate) templates: Table<Template>,
}

impl MessageTemplateData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 1] {
        [("message_templates", &mut self.templates)]
    }
}

/// The key a template is stored under.
pub(crate) fn key(template_type: &str, slug: &str) -> String {
    format!("{template_type}/{slug}")
}
