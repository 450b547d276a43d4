//! # clerk-backend
//!
//! A typed, async client for [Clerk](https://clerk.com)'s Backend API.
//!
//! ```no_run
//! # async fn run() -> clerk_backend::Result<()> {
//! use clerk_backend::Clerk;
//!
//! let clerk = Clerk::from_env()?;
//! let user = clerk
//!     .users()
//!     .create()
//!     .email_address(["ada@example.com"])
//!     .first_name("Ada")
//!     .await?;
//! let same = clerk.users().get(&user.id).await?;
//! assert_eq!(same.id, user.id);
//! # Ok(()) }
//! ```
//!
//! - One client, [`Clerk`]: cheap to clone, one connection pool.
//! - Every operation of the Backend API (249, spec version `2026-05-12`), typed: one handler per
//!   resource group ([`Clerk::users`], [`Clerk::organizations`], ...) whose methods return a
//!   [`RequestBuilder`] that you `.await`. Required inputs are arguments, optional ones setters.
//!   The calls and models are generated from Clerk's spec ([`api`], [`models`]); the table of
//!   every operation and its call is [`operations`].
//! - One error, [`Error`], with Clerk's `errors[]`, the trace id and predicates.
//! - Lists return a [`Page`] and offer a `stream()` of every item.
//! - Retries are a [`RetryPolicy`], set on the client and overridable per call.
//! - Any other path: [`Clerk::request`], with the same auth, retries and errors.
//! - Session tokens: [`auth::TokenVerifier`] verifies them (networkless with a PEM key, or with
//!   the instance's JWKS) and authenticates requests into an [`auth::AuthState`]; with the
//!   `axum` or `actix` feature, [`integrations`] adds a tower layer and extractors.
//! - Webhooks: [`webhooks::Webhook`] verifies Clerk's Svix-signed deliveries and decodes them
//!   into a typed [`webhooks::WebhookEvent`] (all 45 event types); with `axum` or `actix`,
//!   `webhooks::VerifiedWebhook` is an extractor.
//!
//! Every operation of the spec, with its call, is listed in [`operations::OPERATIONS`].

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod auth;
mod builder;
mod client;
mod error;
mod generated;
pub mod integrations;
pub mod models;
pub mod operations;
pub mod paginate;
mod request;
mod retry;
pub mod webhooks;

pub use builder::{Endpoint, ListEndpoint, RequestBuilder};
pub use client::{Clerk, ClerkBuilder, DEFAULT_API_URL, DEFAULT_TIMEOUT};
pub use error::{ClerkError, ClerkErrors, Error, ErrorKind, Result};
pub use generated::DEFAULT_API_VERSION;
pub use paginate::{ItemStream, Page};
pub use request::{BoxFuture, RawRequest};
pub use retry::RetryPolicy;

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
/// HTTP types used in the API (`Method` for [`Clerk::request`], `StatusCode` in errors).
pub use reqwest::{Method, StatusCode};
