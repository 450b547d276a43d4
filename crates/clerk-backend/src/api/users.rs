//! The Users operations: `clerk.users()`.

use std::path::Path;

use bytes::Bytes;
use serde::Serialize;

use super::{ItemStream, ListRequest, NoFilters, failed_stream, operation, setters};
use crate::client::Clerk;
use crate::error::{Error, Result};
use crate::models::{
    AdjustCreditBalanceRequest, CommerceCreditBalance, CommerceCreditLedger, CommerceSubscription,
    CreateUserRequest, CreditAdjustmentAction, DeletedObject, IdentificationStatus, Metadata,
    OAuthAccessToken, OrganizationInvitation, OrganizationInvitationStatus, OrganizationMembership,
    PasswordHasher, PasswordVerification, Patch, SecretString, TotalCount, TotpVerification,
    TrustedDevice, UpdateUserRequest, User, UserIdResponse, UserMetadataRequest,
};
use crate::operations::*;
use crate::paginate::{self, Cursor, DEFAULT_STREAM_PAGE_SIZE, Page};
use crate::request::{Call, FilePart, Request};
use crate::retry::RetryPolicy;

/// The largest profile image Clerk accepts.
pub const MAX_PROFILE_IMAGE_BYTES: usize = 10 * 1024 * 1024;
/// The most user ids a bulk ban or unban takes.
pub const MAX_BULK_USER_IDS: usize = 50;

impl Clerk {
    /// The Users operations.
    pub fn users(&self) -> Users<'_> {
        Users { clerk: self }
    }
}

/// The Users operations, from [`Clerk::users`].
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    clerk: &'a Clerk,
}

impl Users<'_> {
    fn call<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        op: &'static crate::operations::Operation,
        params: &[&str],
    ) -> Call<T> {
        Call::new(self.clerk, Request::new(op, params))
    }

    /// Lists users, newest first unless ordered otherwise (`GetUserList`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let page = clerk.users().list().email_address(["ada@example.com"]).limit(50).await?;
    /// for user in &page {
    ///     println!("{} {:?}", user.id, user.first_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListUsers {
        ListUsers {
            clerk: self.clerk.clone(),
            query: ListUsersQuery::default(),
            retry: None,
        }
    }

    /// Creates a user (`CreateUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let user = clerk
    ///     .users()
    ///     .create()
    ///     .email_address(["ada@example.com"])
    ///     .first_name("Ada")
    ///     .password("correct horse battery staple")
    ///     .await?;
    /// # let _ = user; Ok(()) }
    /// ```
    pub fn create(&self) -> CreateUser {
        CreateUser {
            clerk: self.clerk.clone(),
            body: CreateUserRequest::default(),
            retry: None,
        }
    }

    /// Counts the users that match the filters (`GetUsersCount`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let banned = clerk.users().count().banned(true).await?;
    /// println!("{banned} banned users");
    /// # Ok(()) }
    /// ```
    pub fn count(&self) -> CountUsers {
        CountUsers {
            clerk: self.clerk.clone(),
            filters: UserFilters::default(),
            retry: None,
        }
    }

    /// Gets a user by id (`GetUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// match clerk.users().get("user_2abc").await {
    ///     Ok(user) => println!("{:?}", user.primary_email_address().map(|e| &e.email_address)),
    ///     Err(e) if e.is_not_found() => println!("no such user"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get(&self, user_id: impl AsRef<str>) -> Call<User> {
        self.call(&GET_USER, &[user_id.as_ref()])
    }

    /// Updates a user; only the fields you set are sent (`UpdateUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let user = clerk.users().update("user_2abc").first_name("Ada").clear_username().await?;
    /// # let _ = user; Ok(()) }
    /// ```
    pub fn update(&self, user_id: impl Into<String>) -> UpdateUser {
        UpdateUser {
            clerk: self.clerk.clone(),
            user_id: user_id.into(),
            body: UpdateUserRequest::default(),
            retry: None,
        }
    }

    /// Deletes a user (`DeleteUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let deleted = clerk.users().delete("user_2abc").await?;
    /// assert!(deleted.deleted);
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, user_id: impl AsRef<str>) -> Call<DeletedObject> {
        self.call(&DELETE_USER, &[user_id.as_ref()])
    }

    /// Bans a user: their sessions are revoked and they cannot sign in (`BanUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let user = clerk.users().ban("user_2abc").await?;
    /// assert!(user.banned);
    /// # Ok(()) }
    /// ```
    pub fn ban(&self, user_id: impl AsRef<str>) -> Call<User> {
        self.call(&BAN_USER, &[user_id.as_ref()])
    }

    /// Lifts a ban (`UnbanUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().unban("user_2abc").await?;
    /// # Ok(()) }
    /// ```
    pub fn unban(&self, user_id: impl AsRef<str>) -> Call<User> {
        self.call(&UNBAN_USER, &[user_id.as_ref()])
    }

    /// Bans up to 50 users at once (`UsersBan`). An empty list or more than 50 ids is refused
    /// before sending.
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let banned = clerk.users().ban_many(["user_1", "user_2"]).await?;
    /// # let _ = banned; Ok(()) }
    /// ```
    pub fn ban_many<I>(&self, user_ids: I) -> Call<Vec<User>>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.bulk(&USERS_BAN, user_ids)
    }

    /// Lifts the bans of up to 50 users at once (`UsersUnban`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().unban_many(vec!["user_1".to_owned()]).await?;
    /// # Ok(()) }
    /// ```
    pub fn unban_many<I>(&self, user_ids: I) -> Call<Vec<User>>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.bulk(&USERS_UNBAN, user_ids)
    }

    fn bulk<I>(&self, op: &'static crate::operations::Operation, user_ids: I) -> Call<Vec<User>>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        #[derive(Serialize)]
        struct Body {
            user_ids: Vec<String>,
        }
        let user_ids: Vec<String> = user_ids.into_iter().map(Into::into).collect();
        let request = if user_ids.is_empty() || user_ids.len() > MAX_BULK_USER_IDS {
            Err(Error::invalid_input(format!(
                "`user_ids` must hold 1 to {MAX_BULK_USER_IDS} ids, got {}",
                user_ids.len()
            ))
            .with_operation(op.id))
        } else if user_ids.iter().any(|id| id.is_empty()) {
            Err(
                Error::invalid_input("`user_ids` must not contain an empty id")
                    .with_operation(op.id),
            )
        } else {
            Request::new(op, &[]).and_then(|r| r.json(&Body { user_ids }))
        };
        Call::new(self.clerk, request)
    }

    /// Locks a user out of signing in until the lockout expires (`LockUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let user = clerk.users().lock("user_2abc").await?;
    /// assert!(user.locked);
    /// # Ok(()) }
    /// ```
    pub fn lock(&self, user_id: impl AsRef<str>) -> Call<User> {
        self.call(&LOCK_USER, &[user_id.as_ref()])
    }

    /// Ends a lockout (`UnlockUser`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().unlock("user_2abc").await?;
    /// # Ok(()) }
    /// ```
    pub fn unlock(&self, user_id: impl AsRef<str>) -> Call<User> {
        self.call(&UNLOCK_USER, &[user_id.as_ref()])
    }

    /// Uploads a profile image (`SetUserProfileImage`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use clerk_backend::api::users::ProfileImage;
    ///
    /// let image = ProfileImage::from_path("avatar.png").await?;
    /// let user = clerk.users().set_profile_image("user_2abc", image).await?;
    /// assert!(user.has_image);
    /// # Ok(()) }
    /// ```
    pub fn set_profile_image(&self, user_id: impl AsRef<str>, image: ProfileImage) -> Call<User> {
        let request = Request::new(&SET_USER_PROFILE_IMAGE, &[user_id.as_ref()]).map(|r| {
            r.file(FilePart {
                field: "file",
                file_name: image.file_name,
                content_type: image.content_type,
                data: image.data,
            })
        });
        Call::new(self.clerk, request)
    }

    /// Removes the profile image (`DeleteUserProfileImage`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().delete_profile_image("user_2abc").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_profile_image(&self, user_id: impl AsRef<str>) -> Call<User> {
        self.call(&DELETE_USER_PROFILE_IMAGE, &[user_id.as_ref()])
    }

    /// Deep-merges metadata into the user's: objects merge key by key, and a `null` value
    /// deletes its key (`UpdateUserMetadata`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use serde_json::json;
    ///
    /// let user = clerk
    ///     .users()
    ///     .merge_metadata("user_2abc")
    ///     .public_metadata(json!({"plan": "pro", "trial": null}))
    ///     .await?;
    /// # let _ = user; Ok(()) }
    /// ```
    pub fn merge_metadata(&self, user_id: impl Into<String>) -> UpdateUserMetadata {
        UpdateUserMetadata::new(self.clerk, &UPDATE_USER_METADATA, user_id.into())
    }

    /// Replaces each metadata field you set, leaving the others as they are
    /// (`ReplaceUserMetadata`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use serde_json::json;
    ///
    /// let user = clerk.users().replace_metadata("user_2abc").private_metadata(json!({})).await?;
    /// # let _ = user; Ok(()) }
    /// ```
    pub fn replace_metadata(&self, user_id: impl Into<String>) -> UpdateUserMetadata {
        UpdateUserMetadata::new(self.clerk, &REPLACE_USER_METADATA, user_id.into())
    }

    /// The user's billing subscription (`GetUserBillingSubscription`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let sub = clerk.users().billing_subscription("user_2abc").await?;
    /// println!("{}", sub.status);
    /// # Ok(()) }
    /// ```
    pub fn billing_subscription(&self, user_id: impl AsRef<str>) -> Call<CommerceSubscription> {
        self.call(&GET_USER_BILLING_SUBSCRIPTION, &[user_id.as_ref()])
    }

    /// The user's billing credit balance (`GetUserBillingCreditBalance`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let credit = clerk.users().billing_credit_balance("user_2abc").await?;
    /// if let Some(balance) = credit.balance {
    ///     println!("{}", balance.amount_formatted);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn billing_credit_balance(&self, user_id: impl AsRef<str>) -> Call<CommerceCreditBalance> {
        self.call(&GET_USER_BILLING_CREDIT_BALANCE, &[user_id.as_ref()])
    }

    /// Adds to or takes from the user's billing credit (`AdjustUserBillingCreditBalance`).
    /// The idempotency key makes a repeated request apply once.
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use clerk_backend::models::CreditAdjustmentAction;
    ///
    /// let entry = clerk
    ///     .users()
    ///     .adjust_billing_credit_balance("user_2abc", 500, CreditAdjustmentAction::Increase, "refund-42")
    ///     .note("refund for order 42")
    ///     .await?;
    /// # let _ = entry; Ok(()) }
    /// ```
    pub fn adjust_billing_credit_balance(
        &self,
        user_id: impl Into<String>,
        amount: i64,
        action: CreditAdjustmentAction,
        idempotency_key: impl Into<String>,
    ) -> AdjustUserBillingCreditBalance {
        AdjustUserBillingCreditBalance {
            clerk: self.clerk.clone(),
            user_id: user_id.into(),
            body: AdjustCreditBalanceRequest {
                amount,
                action,
                currency: None,
                idempotency_key: idempotency_key.into(),
                note: None,
            },
            retry: None,
        }
    }

    /// The user's OAuth access tokens for a provider (`oauth_google`, ...), refreshed by
    /// Clerk when expired (`GetOAuthAccessToken`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let tokens = clerk.users().oauth_access_tokens("user_2abc", "oauth_google").await?;
    /// if let Some(t) = tokens.data.first() {
    ///     println!("scopes {:?}", t.scopes);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn oauth_access_tokens(
        &self,
        user_id: impl AsRef<str>,
        provider: impl AsRef<str>,
    ) -> ListRequest<OAuthAccessToken, PaginatedFlag> {
        ListRequest::new(
            self.clerk,
            &GET_OAUTH_ACCESS_TOKEN,
            &[user_id.as_ref(), provider.as_ref()],
            PaginatedFlag { paginated: true },
        )
    }

    /// The user's organization memberships (`UsersGetOrganizationMemberships`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let page = clerk.users().organization_memberships("user_2abc").limit(100).await?;
    /// for m in &page {
    ///     println!("{} in {}", m.role, m.organization.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn organization_memberships(
        &self,
        user_id: impl AsRef<str>,
    ) -> ListRequest<OrganizationMembership> {
        ListRequest::new(
            self.clerk,
            &USERS_GET_ORGANIZATION_MEMBERSHIPS,
            &[user_id.as_ref()],
            NoFilters {},
        )
    }

    /// The invitations to organizations sent to the user (`UsersGetOrganizationInvitations`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use clerk_backend::models::OrganizationInvitationStatus;
    ///
    /// let pending = clerk
    ///     .users()
    ///     .organization_invitations("user_2abc")
    ///     .status(OrganizationInvitationStatus::Pending)
    ///     .await?;
    /// # let _ = pending; Ok(()) }
    /// ```
    pub fn organization_invitations(
        &self,
        user_id: impl AsRef<str>,
    ) -> ListRequest<OrganizationInvitation, InvitationStatusFilter> {
        ListRequest::new(
            self.clerk,
            &USERS_GET_ORGANIZATION_INVITATIONS,
            &[user_id.as_ref()],
            InvitationStatusFilter::default(),
        )
    }

    /// Removes the user's password (`RemoveUserPassword`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().remove_password("user_2abc").sign_out_of_other_sessions(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn remove_password(&self, user_id: impl Into<String>) -> RemoveUserPassword {
        RemoveUserPassword {
            clerk: self.clerk.clone(),
            user_id: user_id.into(),
            body: RemovePasswordBody::default(),
            retry: None,
        }
    }

    /// Checks a password against the user's (`VerifyPassword`): `Ok(true)` when it matches,
    /// `Ok(false)` when Clerk answers that it is incorrect, `Err` for anything else (no
    /// password set, no such user, ...).
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
        user_id: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> VerifyPassword {
        VerifyPassword {
            clerk: self.clerk.clone(),
            user_id: user_id.into(),
            password: password.into(),
            retry: None,
        }
    }

    /// Checks a TOTP or backup code (`VerifyTOTP`). A wrong code is `Ok` with `verified:
    /// false`; a right one says which kind of code it was.
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let outcome = clerk.users().verify_totp("user_2abc", "123456").await?;
    /// println!("{} {:?}", outcome.verified, outcome.code_type);
    /// # Ok(()) }
    /// ```
    pub fn verify_totp(
        &self,
        user_id: impl Into<String>,
        code: impl Into<SecretString>,
    ) -> VerifyTotp {
        VerifyTotp {
            clerk: self.clerk.clone(),
            user_id: user_id.into(),
            code: code.into(),
            retry: None,
        }
    }

    /// Turns off every second factor of the user (`DisableMFA`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().disable_mfa("user_2abc").await?;
    /// # Ok(()) }
    /// ```
    pub fn disable_mfa(&self, user_id: impl AsRef<str>) -> Call<UserIdResponse> {
        self.call(&DISABLE_MFA, &[user_id.as_ref()])
    }

    /// Deletes the user's backup codes (`DeleteBackupCode`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().delete_backup_codes("user_2abc").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_backup_codes(&self, user_id: impl AsRef<str>) -> Call<UserIdResponse> {
        self.call(&DELETE_BACKUP_CODE, &[user_id.as_ref()])
    }

    /// Deletes one of the user's passkeys (`UserPasskeyDelete`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().delete_passkey("user_2abc", "idn_2def").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_passkey(
        &self,
        user_id: impl AsRef<str>,
        passkey_id: impl AsRef<str>,
    ) -> Call<DeletedObject> {
        self.call(
            &USER_PASSKEY_DELETE,
            &[user_id.as_ref(), passkey_id.as_ref()],
        )
    }

    /// The devices the user trusts (`ListUserTrustedDevices`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let devices = clerk.users().trusted_devices("user_2abc").await?;
    /// println!("{} devices", devices.len());
    /// # Ok(()) }
    /// ```
    pub fn trusted_devices(&self, user_id: impl AsRef<str>) -> Call<Page<TrustedDevice>> {
        self.call(&LIST_USER_TRUSTED_DEVICES, &[user_id.as_ref()])
    }

    /// Revokes trust in one of the user's devices (`RevokeUserTrustedDevice`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// let device = clerk.users().revoke_trusted_device("user_2abc", "td_1").await?;
    /// # let _ = device; Ok(()) }
    /// ```
    pub fn revoke_trusted_device(
        &self,
        user_id: impl AsRef<str>,
        trusted_device_id: impl AsRef<str>,
    ) -> Call<TrustedDevice> {
        self.call(
            &REVOKE_USER_TRUSTED_DEVICE,
            &[user_id.as_ref(), trusted_device_id.as_ref()],
        )
    }

    /// Deletes one of the user's web3 wallets (`UserWeb3WalletDelete`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().delete_web3_wallet("user_2abc", "idn_2wallet").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_web3_wallet(
        &self,
        user_id: impl AsRef<str>,
        web3_wallet_id: impl AsRef<str>,
    ) -> Call<DeletedObject> {
        self.call(
            &USER_WEB3_WALLET_DELETE,
            &[user_id.as_ref(), web3_wallet_id.as_ref()],
        )
    }

    /// Removes the user's authenticator app (`DeleteTOTP`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().delete_totp("user_2abc").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_totp(&self, user_id: impl AsRef<str>) -> Call<UserIdResponse> {
        self.call(&DELETE_TOTP, &[user_id.as_ref()])
    }

    /// Unlinks one of the user's OAuth accounts (`DeleteExternalAccount`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().delete_external_account("user_2abc", "eac_2def").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_external_account(
        &self,
        user_id: impl AsRef<str>,
        external_account_id: impl AsRef<str>,
    ) -> Call<DeletedObject> {
        self.call(
            &DELETE_EXTERNAL_ACCOUNT,
            &[user_id.as_ref(), external_account_id.as_ref()],
        )
    }

    /// Marks the user's password as compromised, so they must reset it
    /// (`SetUserPasswordCompromised`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().set_password_compromised("user_2abc").revoke_all_sessions(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn set_password_compromised(
        &self,
        user_id: impl Into<String>,
    ) -> SetUserPasswordCompromised {
        SetUserPasswordCompromised {
            clerk: self.clerk.clone(),
            user_id: user_id.into(),
            body: SetCompromisedBody::default(),
            retry: None,
        }
    }

    /// Clears the compromised mark on the user's password (`UnsetUserPasswordCompromised`).
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// clerk.users().unset_password_compromised("user_2abc").await?;
    /// # Ok(()) }
    /// ```
    pub fn unset_password_compromised(&self, user_id: impl AsRef<str>) -> Call<User> {
        self.call(&UNSET_USER_PASSWORD_COMPROMISED, &[user_id.as_ref()])
    }
}

// ---------------------------------------------------------------------------------------------
// GetUserList and GetUsersCount

/// The filters `GetUserList` and `GetUsersCount` share.
#[derive(Debug, Clone, Default, Serialize)]
struct UserFilters {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    email_address: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    phone_number: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_id: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    username: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    web3_wallet: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user_id: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    organization_id: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_address_query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number_query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username_query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name_query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    banned: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_active_at_before: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_active_at_after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_active_at_since: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at_before: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at_after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sign_in_at_before: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sign_in_at_after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    provider_user_id: Vec<String>,
}

/// Setters for [`UserFilters`], shared by [`ListUsers`] and [`CountUsers`].
macro_rules! user_filter_setters {
    ($($target:ident).+) => {
        setters! { $($target).+;
            /// Users with any of these email addresses (up to 100).
            list email_address: String;
            /// Users with any of these phone numbers (up to 100).
            list phone_number: String;
            /// Users with any of these external ids; prefix `+`/`-` to include or exclude.
            list external_id: String;
            /// Users with any of these usernames (up to 100).
            list username: String;
            /// Users with any of these web3 wallets (up to 100).
            list web3_wallet: String;
            /// Users with any of these ids; prefix `+`/`-` to include or exclude.
            list user_id: String;
            /// Members of any of these organizations; prefix `+`/`-` to include or exclude.
            list organization_id: String;
            /// Partial, case-insensitive match on emails, phones, usernames, wallets, ids and names.
            opt query: String;
            /// Partial match on email addresses.
            opt email_address_query: String;
            /// Partial match on phone numbers.
            opt phone_number_query: String;
            /// Partial match on usernames.
            opt username_query: String;
            /// Partial match on first and last names.
            opt name_query: String;
            /// Only banned (`true`) or only not banned (`false`) users.
            opt banned: bool;
            /// Active before this time (Unix ms, day precision).
            opt last_active_at_before: i64;
            /// Active after this time (Unix ms, day precision).
            opt last_active_at_after: i64;
            /// Deprecated alias of `last_active_at_after`.
            opt last_active_at_since: i64;
            /// Created before this time (Unix ms).
            opt created_at_before: i64;
            /// Created after this time (Unix ms).
            opt created_at_after: i64;
            /// Last signed in before this time (Unix ms).
            opt last_sign_in_at_before: i64;
            /// Last signed in after this time (Unix ms).
            opt last_sign_in_at_after: i64;
            /// The OAuth provider of `provider_user_id` (`oauth_google`, ...).
            opt provider: String;
            /// Users with these ids at `provider` (requires `provider`).
            list provider_user_id: String;
        }
    };
}

#[derive(Debug, Clone, Default, Serialize)]
struct ListUsersQuery {
    #[serde(flatten)]
    filters: UserFilters,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    starting_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_by: Option<String>,
}

/// `GetUserList`, from [`Users::list`]. Send it for one [`Page`] or [`stream`](Self::stream)
/// every matching user.
#[derive(Debug)]
#[must_use = "a list request does nothing until sent"]
pub struct ListUsers {
    clerk: Clerk,
    query: ListUsersQuery,
    retry: Option<RetryPolicy>,
}

impl ListUsers {
    user_filter_setters!(query.filters);

    /// The most users per page, 1 to 500 (the API's default is 10; a stream's is 100). Other
    /// values are refused before sending: the API would silently answer 10 rows.
    pub fn limit(mut self, limit: u32) -> Self {
        self.query.limit = Some(limit);
        self
    }

    /// Skips this many users first. Cannot be combined with `starting_after`.
    pub fn offset(mut self, offset: u64) -> Self {
        self.query.offset = Some(offset);
        self
    }

    /// Starts after the user with this id (cursor paging; needs `created_at` ordering).
    pub fn starting_after(mut self, user_id: impl Into<String>) -> Self {
        self.query.starting_after = Some(user_id.into());
        self
    }

    /// The order: `created_at`, `updated_at`, `email_address`, `web3wallet`, `first_name`,
    /// `last_name`, `phone_number`, `username`, `last_active_at` or `last_sign_in_at`, prefixed
    /// `+` (ascending, implied) or `-` (descending). The default is `-created_at`.
    pub fn order_by(mut self, order_by: impl Into<String>) -> Self {
        self.query.order_by = Some(order_by.into());
        self
    }

    fn request(&self) -> Result<Request> {
        paginate::check_limit(self.query.limit)?;
        Request::new(&GET_USER_LIST, &[])?.query(&self.query)
    }

    /// Every matching user, loading pages of `limit` (default 100) as the stream is read.
    ///
    /// With `created_at` ordering (the default) it pages with the `starting_after` cursor, so
    /// users created meanwhile neither repeat nor shift the pages; with any other ordering, or
    /// a non-zero `offset`, it pages by offset. It ends on an empty or short page, or when the
    /// cursor stops moving.
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use futures_util::TryStreamExt;
    ///
    /// let mut users = clerk.users().list().banned(false).stream();
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{}", user.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> ItemStream<User> {
        let limit = self.query.limit.unwrap_or(DEFAULT_STREAM_PAGE_SIZE);
        if let Err(e) = paginate::check_limit(Some(limit)) {
            return failed_stream(e.with_operation(GET_USER_LIST.id));
        }
        let by_created_at = matches!(
            self.query.order_by.as_deref().map(str::trim),
            None | Some("created_at" | "+created_at" | "-created_at")
        );
        let offset = self.query.offset.unwrap_or(0);
        let start = if by_created_at && offset == 0 {
            Cursor::After(self.query.starting_after.clone())
        } else {
            Cursor::Offset(offset)
        };
        let ListUsers {
            clerk,
            query,
            retry,
        } = self;
        let base = std::sync::Arc::new(query);
        paginate::pages(
            start,
            limit,
            |u: &User| u.id.as_str(),
            move |cursor, limit| {
                let mut query = (*base).clone();
                query.limit = Some(limit);
                match cursor {
                    Cursor::After(after) => {
                        query.starting_after = after;
                        query.offset = None;
                    }
                    Cursor::Offset(offset) => {
                        query.starting_after = None;
                        query.offset = Some(offset);
                    }
                }
                let clerk = clerk.clone();
                let retry = retry.clone();
                async move {
                    let request = Request::new(&GET_USER_LIST, &[])?
                        .query(&query)?
                        .retry(retry);
                    clerk.execute(request).await
                }
            },
        )
    }
}

operation!(ListUsers => Page<User>);

/// `GetUsersCount`, from [`Users::count`]: the same filters as [`ListUsers`]. Resolves to the
/// count.
#[derive(Debug)]
#[must_use = "a count request does nothing until sent"]
pub struct CountUsers {
    clerk: Clerk,
    filters: UserFilters,
    retry: Option<RetryPolicy>,
}

impl CountUsers {
    user_filter_setters!(filters);

    /// Overrides the client's retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends the request and returns the count.
    pub async fn send(self) -> Result<u64> {
        let request = Request::new(&GET_USERS_COUNT, &[])?
            .query(&self.filters)?
            .retry(self.retry);
        let count: TotalCount = self.clerk.execute(request).await?;
        Ok(count.total_count)
    }
}

impl std::future::IntoFuture for CountUsers {
    type Output = Result<u64>;
    type IntoFuture = crate::request::BoxFuture<Result<u64>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

// ---------------------------------------------------------------------------------------------
// CreateUser and UpdateUser

/// `CreateUser`, from [`Users::create`].
#[derive(Debug)]
#[must_use = "a create request does nothing until sent"]
pub struct CreateUser {
    clerk: Clerk,
    body: CreateUserRequest,
    retry: Option<RetryPolicy>,
}

impl CreateUser {
    setters! { body;
        /// The id of the user in your own system (must be unique).
        opt external_id: String;
        /// First name.
        opt first_name: String;
        /// Last name.
        opt last_name: String;
        /// Locale, a BCP 47 tag (`en-US`).
        opt locale: String;
        /// Email addresses; the first becomes the primary one. Created verified unless
        /// `email_address_identification_status` says otherwise.
        list email_address: String;
        /// One status per email address (`verified` or `reserved`).
        list email_address_identification_status: IdentificationStatus;
        /// Phone numbers in E.164 form; the first becomes the primary one.
        list phone_number: String;
        /// One status per phone number (`verified` or `reserved`).
        list phone_number_identification_status: IdentificationStatus;
        /// Web3 wallet addresses; the first becomes the primary one.
        list web3_wallet: String;
        /// Username.
        opt username: String;
        /// Password (at least 8 characters, not found in breaches unless checks are skipped).
        opt password: SecretString;
        /// A password hash to import, with `password_hasher`.
        opt password_digest: SecretString;
        /// The algorithm of `password_digest`.
        opt password_hasher: PasswordHasher;
        /// Skip the password strength and breach checks (for imports).
        opt skip_password_checks: bool;
        /// Create the user without a password even if the instance requires one.
        opt skip_password_requirement: bool;
        /// A TOTP secret to import (30 s, 6 digits, SHA-1).
        opt totp_secret: SecretString;
        /// Backup codes to import, plain or bcrypt-hashed.
        optlist backup_codes: SecretString;
        /// Public metadata.
        opt public_metadata: Metadata;
        /// Private metadata.
        opt private_metadata: Metadata;
        /// Unsafe metadata.
        opt unsafe_metadata: Metadata;
        /// Whether the user may delete their own account.
        opt delete_self_enabled: bool;
        /// When the user accepted the legal terms (RFC 3339).
        opt legal_accepted_at: String;
        /// Skip the legal-acceptance requirement.
        opt skip_legal_checks: bool;
        /// Skip the instance's identifier requirements.
        opt skip_user_requirement: bool;
        /// Whether the user may create organizations.
        opt create_organization_enabled: bool;
        /// How many organizations the user may create.
        opt create_organizations_limit: i64;
        /// The creation time to record, for imports (RFC 3339).
        opt created_at: String;
        /// Whether the user skips client-trust checks.
        opt bypass_client_trust: bool;
        /// Create the user banned.
        opt banned: bool;
        /// Create the user locked.
        opt locked: bool;
    }

    /// The body as it will be sent.
    pub fn body(&self) -> &CreateUserRequest {
        &self.body
    }

    fn request(&self) -> Result<Request> {
        Request::new(&CREATE_USER, &[])?.json(&self.body)
    }
}

operation!(CreateUser => User);

/// `UpdateUser`, from [`Users::update`]. Only the fields you set are sent.
#[derive(Debug)]
#[must_use = "an update does nothing until sent"]
pub struct UpdateUser {
    clerk: Clerk,
    user_id: String,
    body: UpdateUserRequest,
    retry: Option<RetryPolicy>,
}

impl UpdateUser {
    setters! { body;
        /// The id of the user in your own system.
        patch external_id, clear_external_id: String;
        /// First name.
        patch first_name, clear_first_name: String;
        /// Last name.
        patch last_name, clear_last_name: String;
        /// Locale, a BCP 47 tag.
        patch locale, clear_locale: String;
        /// Makes this verified email address (of the user) the primary one.
        opt primary_email_address_id: String;
        /// Email the previous primary address about the change.
        opt notify_primary_email_address_changed: bool;
        /// Makes this verified phone number (of the user) the primary one.
        opt primary_phone_number_id: String;
        /// Makes this verified web3 wallet (of the user) the primary one.
        opt primary_web3_wallet_id: String;
        /// Username.
        patch username, clear_username: String;
        /// Sets the profile image to an uploaded image.
        opt profile_image_id: String;
        /// A new password.
        opt password: SecretString;
        /// A password hash to import, with `password_hasher`.
        opt password_digest: SecretString;
        /// The algorithm of `password_digest`.
        opt password_hasher: PasswordHasher;
        /// Skip the password checks (only with `password`).
        opt skip_password_checks: bool;
        /// Sign the user out of their other sessions (only with `password`).
        opt sign_out_of_other_sessions: bool;
        /// A TOTP secret to import.
        patch totp_secret, clear_totp_secret: SecretString;
        /// Backup codes to import.
        optlist backup_codes: SecretString;
        /// Whether the user may delete their own account.
        opt delete_self_enabled: bool;
        /// Whether the user may create organizations.
        opt create_organization_enabled: bool;
        /// When the user accepted the legal terms (RFC 3339).
        patch legal_accepted_at, clear_legal_accepted_at: String;
        /// Skip the legal-acceptance requirement.
        opt skip_legal_checks: bool;
        /// How many organizations the user may create.
        patch create_organizations_limit, clear_create_organizations_limit: i64;
        /// The creation time to record (RFC 3339).
        opt created_at: String;
        /// Whether the user skips client-trust checks.
        opt bypass_client_trust: bool;
    }

    /// The body as it will be sent.
    pub fn body(&self) -> &UpdateUserRequest {
        &self.body
    }

    fn request(&self) -> Result<Request> {
        Request::new(&UPDATE_USER, &[&self.user_id])?.json(&self.body)
    }
}

operation!(UpdateUser => User);

// ---------------------------------------------------------------------------------------------
// Metadata

/// `UpdateUserMetadata` (merge) or `ReplaceUserMetadata`, from [`Users::merge_metadata`] and
/// [`Users::replace_metadata`].
#[derive(Debug)]
#[must_use = "a metadata update does nothing until sent"]
pub struct UpdateUserMetadata {
    clerk: Clerk,
    op: &'static crate::operations::Operation,
    user_id: String,
    body: UserMetadataRequest,
    /// The first invalid value given, reported when sent.
    error: Option<String>,
    retry: Option<RetryPolicy>,
}

impl UpdateUserMetadata {
    fn new(clerk: &Clerk, op: &'static crate::operations::Operation, user_id: String) -> Self {
        UpdateUserMetadata {
            clerk: clerk.clone(),
            op,
            user_id,
            body: UserMetadataRequest::default(),
            error: None,
            retry: None,
        }
    }

    fn set(mut self, field: &'static str, value: serde_json::Value) -> Self {
        let slot = match field {
            "public_metadata" => &mut self.body.public_metadata,
            "private_metadata" => &mut self.body.private_metadata,
            _ => &mut self.body.unsafe_metadata,
        };
        match value {
            serde_json::Value::Object(map) => *slot = Patch::Value(map),
            serde_json::Value::Null => *slot = Patch::Null,
            other => {
                self.error.get_or_insert_with(|| {
                    format!("`{field}` must be a JSON object or null, got {other}")
                });
            }
        }
        self
    }

    /// Public metadata: a JSON object (anything `Serialize` that becomes one), or `null`.
    pub fn public_metadata(self, value: impl Serialize) -> Self {
        self.set_serialized("public_metadata", value)
    }

    /// Private metadata: a JSON object, or `null`.
    pub fn private_metadata(self, value: impl Serialize) -> Self {
        self.set_serialized("private_metadata", value)
    }

    /// Unsafe metadata: a JSON object, or `null`.
    pub fn unsafe_metadata(self, value: impl Serialize) -> Self {
        self.set_serialized("unsafe_metadata", value)
    }

    fn set_serialized(mut self, field: &'static str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.set(field, v),
            Err(e) => {
                self.error.get_or_insert_with(|| format!("`{field}`: {e}"));
                self
            }
        }
    }

    /// The body as it will be sent.
    pub fn body(&self) -> &UserMetadataRequest {
        &self.body
    }

    fn request(&self) -> Result<Request> {
        if let Some(message) = &self.error {
            return Err(Error::invalid_input(message.clone()).with_operation(self.op.id));
        }
        Request::new(self.op, &[&self.user_id])?.json(&self.body)
    }
}

operation!(UpdateUserMetadata => User);

// ---------------------------------------------------------------------------------------------
// Billing

/// `AdjustUserBillingCreditBalance`, from [`Users::adjust_billing_credit_balance`].
#[derive(Debug)]
#[must_use = "a credit adjustment does nothing until sent"]
pub struct AdjustUserBillingCreditBalance {
    clerk: Clerk,
    user_id: String,
    body: AdjustCreditBalanceRequest,
    retry: Option<RetryPolicy>,
}

impl AdjustUserBillingCreditBalance {
    setters! { body;
        /// The currency (default: the instance's).
        opt currency: String;
        /// A note for the ledger.
        opt note: String;
    }

    fn request(&self) -> Result<Request> {
        Request::new(&ADJUST_USER_BILLING_CREDIT_BALANCE, &[&self.user_id])?.json(&self.body)
    }
}

operation!(AdjustUserBillingCreditBalance => CommerceCreditLedger);

// ---------------------------------------------------------------------------------------------
// List filters

/// The `paginated=true` flag `GetOAuthAccessToken` takes so it answers with a total.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatedFlag {
    paginated: bool,
}

/// The `status` filter of `UsersGetOrganizationInvitations`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvitationStatusFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<OrganizationInvitationStatus>,
}

impl ListRequest<OrganizationInvitation, InvitationStatusFilter> {
    /// Only invitations with this status.
    pub fn status(mut self, status: OrganizationInvitationStatus) -> Self {
        self.filters.status = Some(status);
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Passwords and codes

#[derive(Debug, Clone, Default, Serialize)]
struct RemovePasswordBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    sign_out_of_other_sessions: Option<bool>,
}

/// `RemoveUserPassword`, from [`Users::remove_password`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct RemoveUserPassword {
    clerk: Clerk,
    user_id: String,
    body: RemovePasswordBody,
    retry: Option<RetryPolicy>,
}

impl RemoveUserPassword {
    setters! { body;
        /// Also sign the user out of every other session.
        opt sign_out_of_other_sessions: bool;
    }

    fn request(&self) -> Result<Request> {
        Request::new(&REMOVE_USER_PASSWORD, &[&self.user_id])?.json(&self.body)
    }
}

operation!(RemoveUserPassword => User);

#[derive(Debug, Clone, Default, Serialize)]
struct SetCompromisedBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    revoke_all_sessions: Option<bool>,
}

/// `SetUserPasswordCompromised`, from [`Users::set_password_compromised`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct SetUserPasswordCompromised {
    clerk: Clerk,
    user_id: String,
    body: SetCompromisedBody,
    retry: Option<RetryPolicy>,
}

impl SetUserPasswordCompromised {
    setters! { body;
        /// Also revoke every session of the user.
        opt revoke_all_sessions: bool;
    }

    fn request(&self) -> Result<Request> {
        Request::new(&SET_USER_PASSWORD_COMPROMISED, &[&self.user_id])?.json(&self.body)
    }
}

operation!(SetUserPasswordCompromised => User);

/// `VerifyPassword`, from [`Users::verify_password`]. Resolves to whether the password matches.
#[derive(Debug)]
#[must_use = "a verification does nothing until sent"]
pub struct VerifyPassword {
    clerk: Clerk,
    user_id: String,
    password: SecretString,
    retry: Option<RetryPolicy>,
}

impl VerifyPassword {
    /// Overrides the client's retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<bool> {
        #[derive(Serialize)]
        struct Body<'a> {
            password: &'a SecretString,
        }
        let request = Request::new(&VERIFY_PASSWORD, &[&self.user_id])?
            .json(&Body {
                password: &self.password,
            })?
            .retry(self.retry);
        match self.clerk.execute::<PasswordVerification>(request).await {
            Ok(answer) => Ok(answer.verified),
            Err(e) if is_wrong_answer(&e, "incorrect_password") => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// `VerifyTOTP`, from [`Users::verify_totp`].
#[derive(Debug)]
#[must_use = "a verification does nothing until sent"]
pub struct VerifyTotp {
    clerk: Clerk,
    user_id: String,
    code: SecretString,
    retry: Option<RetryPolicy>,
}

impl VerifyTotp {
    /// Overrides the client's retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<TotpVerification> {
        #[derive(Serialize)]
        struct Body<'a> {
            code: &'a SecretString,
        }
        let request = Request::new(&VERIFY_TOTP, &[&self.user_id])?
            .json(&Body { code: &self.code })?
            .retry(self.retry);
        match self.clerk.execute::<TotpVerification>(request).await {
            Ok(answer) => Ok(answer),
            Err(e) if is_wrong_answer(&e, "totp_incorrect_code") => Ok(TotpVerification {
                verified: false,
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

impl std::future::IntoFuture for VerifyPassword {
    type Output = Result<bool>;
    type IntoFuture = crate::request::BoxFuture<Result<bool>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl std::future::IntoFuture for VerifyTotp {
    type Output = Result<TotpVerification>;
    type IntoFuture = crate::request::BoxFuture<Result<TotpVerification>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

// ---------------------------------------------------------------------------------------------
// Profile images

/// An image to upload as a profile picture: JPEG, PNG, GIF or WebP, at most 10 MB.
#[derive(Clone)]
pub struct ProfileImage {
    file_name: String,
    content_type: String,
    data: Bytes,
}

impl std::fmt::Debug for ProfileImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileImage")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl ProfileImage {
    /// An image from memory, with the file name and content type to send (`image/png`, ...).
    /// Empty data, more than 10 MB, or a content type that is not `type/subtype` is refused.
    pub fn from_bytes(
        data: impl Into<Bytes>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Result<ProfileImage> {
        let data = data.into();
        let content_type = content_type.into();
        if data.is_empty() {
            return Err(Error::invalid_input("the profile image is empty"));
        }
        if data.len() > MAX_PROFILE_IMAGE_BYTES {
            return Err(Error::invalid_input(format!(
                "the profile image is {} bytes; Clerk accepts at most 10 MB",
                data.len()
            )));
        }
        let well_formed = content_type.split_once('/').is_some_and(|(t, s)| {
            !t.is_empty() && !s.is_empty() && !content_type.contains(char::is_whitespace)
        });
        if !well_formed {
            return Err(Error::invalid_input(format!(
                "invalid content type {content_type:?}"
            )));
        }
        Ok(ProfileImage {
            file_name: file_name.into(),
            content_type,
            data,
        })
    }

    /// An image read from a file; the content type comes from the extension (`.jpg`, `.jpeg`,
    /// `.png`, `.gif`, `.webp`).
    pub async fn from_path(path: impl AsRef<Path>) -> Result<ProfileImage> {
        let path = path.as_ref();
        let content_type = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("png") => "image/png",
            Some("gif") => "image/gif",
            Some("webp") => "image/webp",
            _ => {
                return Err(Error::invalid_input(format!(
                    "cannot tell the image type of {}: use a .jpg, .png, .gif or .webp file, or ProfileImage::from_bytes",
                    path.display()
                )));
            }
        };
        let data = tokio::fs::read(path).await.map_err(|e| {
            Error::invalid_input(format!("could not read {}", path.display())).with_source(e)
        })?;
        let file_name = path
            .file_name()
            .map_or_else(|| "image".to_owned(), |n| n.to_string_lossy().into_owned());
        ProfileImage::from_bytes(data, file_name, content_type)
    }
}
