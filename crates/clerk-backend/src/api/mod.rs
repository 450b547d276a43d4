//! One module per resource group of the Backend API: its handler (`clerk.users()`), the request
//! type of each operation (`GetUserList`, `CreateUser`, ...) and that request's setters.
//!
//! Every operation returns a [`RequestBuilder`](crate::RequestBuilder) for its request type:
//! required inputs are the method's arguments, every optional parameter is a setter, and the
//! builder is sent with `.await` (or `.send().await`). Lists resolve to a
//! [`Page`](crate::Page) and offer `.stream()`. The modules are generated from the spec
//! (`src/generated/api/`); the hand-written calls and conveniences live beside them
//! (`users_ext`).

pub use crate::generated::api::*;

#[doc(hidden)]
pub mod users_ext;
