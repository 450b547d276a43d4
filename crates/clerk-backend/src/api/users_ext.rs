//! The Users calls written by hand: the three whose answer reads better converted (`count` →
//! `u64`, `verify_password` → `bool`, `verify_totp` with a wrong code as `Ok`), and the names
//! the Users API had before it was generated. Re-exported from [`crate::api::users`].

use crate::builder::{Answer, Endpoint, RequestBuilder};
use crate::error::{Error, Result};
use crate::generated::api::users::{GetUsersCount, Users, VerifyPassword, VerifyTotp};
use crate::models::{Image, PasswordVerification, SecretString, TotalCount, TotpVerification};
use crate::operations::{self, Operation};

/// A profile image: an [`Image`] (the type serves every upload).
pub type ProfileImage = Image;

/// The largest profile image Clerk accepts.
pub const MAX_PROFILE_IMAGE_BYTES: usize = crate::models::MAX_IMAGE_BYTES;

/// The most user ids a bulk ban or unban takes.
pub const MAX_BULK_USER_IDS: usize = 50;

impl Users<'_> {
    /// Counts the users the filters match (`GetUsersCount`); resolves to the count. Takes the
    /// filters of [`list`](Users::list).
    ///
    /// `GetUsersCount`: `GET /v1/users/count`. [Clerk's
    /// reference](https://clerk.com/docs/reference/backend-api/tag/users/get/users/count).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let banned = clerk.users().count().banned(true).await?;
    /// println!("{banned} banned users");
    /// # Ok(()) }
    /// ```
    pub fn count(&self) -> RequestBuilder<GetUsersCount> {
        RequestBuilder::new(self.clerk, &[], GetUsersCount::default())
    }

    /// Checks a password against the user's (`VerifyPassword`): `Ok(true)` when it matches,
    /// `Ok(false)` when Clerk answers that it is incorrect, `Err` for anything else (no
    /// password set, no such user, ...).
    ///
    /// `VerifyPassword`: `POST /v1/users/{user_id}/verify_password`. [Clerk's
    /// reference](https://clerk.com/docs/reference/backend-api/tag/users/post/users/%7Buser_id%7D/verify_password).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// if clerk.users().verify_password("user_2abc", "hunter2").await? {
    ///     println!("correct");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn verify_password(
        &self,
        user_id: impl AsRef<str>,
        password: impl Into<SecretString>,
    ) -> RequestBuilder<VerifyPassword> {
        RequestBuilder::new(
            self.clerk,
            &[user_id.as_ref()],
            VerifyPassword {
                password: password.into(),
            },
        )
    }

    /// Checks a TOTP or backup code (`VerifyTOTP`). A wrong code is `Ok` with `verified:
    /// Some(false)`; a right one says which kind of code it was.
    ///
    /// `VerifyTOTP`: `POST /v1/users/{user_id}/verify_totp`. [Clerk's
    /// reference](https://clerk.com/docs/reference/backend-api/tag/users/post/users/%7Buser_id%7D/verify_totp).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let outcome = clerk.users().verify_totp("user_2abc", "123456").await?;
    /// println!("{:?} {:?}", outcome.verified, outcome.code_type);
    /// # Ok(()) }
    /// ```
    pub fn verify_totp(
        &self,
        user_id: impl AsRef<str>,
        code: impl Into<SecretString>,
    ) -> RequestBuilder<VerifyTotp> {
        RequestBuilder::new(
            self.clerk,
            &[user_id.as_ref()],
            VerifyTotp { code: code.into() },
        )
    }
}

impl Endpoint for GetUsersCount {
    type Output = u64;
    const OPERATION: &'static Operation = &operations::GET_USERS_COUNT;

    fn encode(&self, request: &mut crate::builder::Request) -> Result<()> {
        request.query(self)
    }

    fn finish(answer: Result<Answer>) -> Result<u64> {
        let count: TotalCount = answer?.json()?;
        Ok(u64::try_from(count.total_count).unwrap_or(0))
    }
}

impl Endpoint for VerifyPassword {
    type Output = bool;
    const OPERATION: &'static Operation = &operations::VERIFY_PASSWORD;

    fn encode(&self, request: &mut crate::builder::Request) -> Result<()> {
        request.json(self)
    }

    fn finish(answer: Result<Answer>) -> Result<bool> {
        match answer.and_then(|a| a.json::<PasswordVerification>()) {
            // A success answer without the field means the password matched.
            Ok(answer) => Ok(answer.verified.unwrap_or(true)),
            Err(e) if is_wrong_answer(&e, "incorrect_password") => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl Endpoint for VerifyTotp {
    type Output = TotpVerification;
    const OPERATION: &'static Operation = &operations::VERIFY_TOTP;

    fn encode(&self, request: &mut crate::builder::Request) -> Result<()> {
        request.json(self)
    }

    fn finish(answer: Result<Answer>) -> Result<TotpVerification> {
        match answer.and_then(|a| a.json::<TotpVerification>()) {
            Ok(answer) => Ok(TotpVerification {
                verified: Some(answer.verified.unwrap_or(true)),
                ..answer
            }),
            Err(e) if is_wrong_answer(&e, "totp_incorrect_code") => Ok(TotpVerification {
                verified: Some(false),
                code_type: None,
            }),
            Err(e) => Err(e),
        }
    }
}

/// A 422 that says the password or code was wrong: Clerk's `code` when it sent its error
/// body, or any 422 without one (the spec declares these answers without a body).
fn is_wrong_answer(e: &Error, code: &str) -> bool {
    e.is_unprocessable() && (e.has_code(code) || e.errors().is_empty())
}
