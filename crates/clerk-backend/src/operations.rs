//! The table of Backend API operations this SDK implements.
//!
//! Each entry names the spec's `operationId`, its method and path template, and the SDK call
//! that performs it. The request runtime sends every operation *from* its entry (method and path
//! come from here), so the table cannot drift from the code; a test compares it with the OpenAPI
//! spec and checks that every operation of each finished group is present.

use reqwest::Method;

/// One operation of Clerk's Backend API as this SDK sends it.
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `GetUser`.
    pub id: &'static str,
    /// The spec's tag (resource group), e.g. `Users`.
    pub tag: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template below `/v1`, as the spec writes it: `/users/{user_id}`.
    pub path: &'static str,
    /// The SDK call that performs it: `users().get(user_id)`.
    pub sdk: &'static str,
}

impl Operation {
    /// The number of `{param}` placeholders in the path template.
    pub fn path_param_count(&self) -> usize {
        self.path.matches('{').count()
    }
}

macro_rules! operations {
    ($( $konst:ident = $id:literal, $tag:literal, $method:ident $path:literal => $sdk:literal; )*) => {
        $(
            #[doc = concat!("`", $id, "`: `", stringify!($method), " ", $path, "`, `", $sdk, "`.")]
            pub(crate) static $konst: Operation = Operation {
                id: $id,
                tag: $tag,
                method: Method::$method,
                path: $path,
                sdk: $sdk,
            };
        )*

        /// Every operation the SDK implements, in the spec's order within each group.
        pub static OPERATIONS: &[&Operation] = &[$( &$konst, )*];
    };
}

operations! {
    GET_USER_LIST = "GetUserList", "Users", GET "/users" => "users().list()";
    CREATE_USER = "CreateUser", "Users", POST "/users" => "users().create()";
    GET_USERS_COUNT = "GetUsersCount", "Users", GET "/users/count" => "users().count()";
    GET_USER = "GetUser", "Users", GET "/users/{user_id}" => "users().get(user_id)";
    UPDATE_USER = "UpdateUser", "Users", PATCH "/users/{user_id}" => "users().update(user_id)";
    DELETE_USER = "DeleteUser", "Users", DELETE "/users/{user_id}" => "users().delete(user_id)";
    BAN_USER = "BanUser", "Users", POST "/users/{user_id}/ban" => "users().ban(user_id)";
    UNBAN_USER = "UnbanUser", "Users", POST "/users/{user_id}/unban" => "users().unban(user_id)";
    USERS_BAN = "UsersBan", "Users", POST "/users/ban" => "users().ban_many(user_ids)";
    USERS_UNBAN = "UsersUnban", "Users", POST "/users/unban" => "users().unban_many(user_ids)";
    LOCK_USER = "LockUser", "Users", POST "/users/{user_id}/lock" => "users().lock(user_id)";
    UNLOCK_USER = "UnlockUser", "Users", POST "/users/{user_id}/unlock" => "users().unlock(user_id)";
    SET_USER_PROFILE_IMAGE = "SetUserProfileImage", "Users", POST "/users/{user_id}/profile_image"
        => "users().set_profile_image(user_id, image)";
    DELETE_USER_PROFILE_IMAGE = "DeleteUserProfileImage", "Users", DELETE "/users/{user_id}/profile_image"
        => "users().delete_profile_image(user_id)";
    UPDATE_USER_METADATA = "UpdateUserMetadata", "Users", PATCH "/users/{user_id}/metadata"
        => "users().merge_metadata(user_id)";
    REPLACE_USER_METADATA = "ReplaceUserMetadata", "Users", PUT "/users/{user_id}/metadata"
        => "users().replace_metadata(user_id)";
    GET_USER_BILLING_SUBSCRIPTION = "GetUserBillingSubscription", "Users", GET "/users/{user_id}/billing/subscription"
        => "users().billing_subscription(user_id)";
    GET_USER_BILLING_CREDIT_BALANCE = "GetUserBillingCreditBalance", "Users", GET "/users/{user_id}/billing/credits"
        => "users().billing_credit_balance(user_id)";
    ADJUST_USER_BILLING_CREDIT_BALANCE = "AdjustUserBillingCreditBalance", "Users", POST "/users/{user_id}/billing/credits"
        => "users().adjust_billing_credit_balance(user_id, amount, action, idempotency_key)";
    GET_OAUTH_ACCESS_TOKEN = "GetOAuthAccessToken", "Users", GET "/users/{user_id}/oauth_access_tokens/{provider}"
        => "users().oauth_access_tokens(user_id, provider)";
    USERS_GET_ORGANIZATION_MEMBERSHIPS = "UsersGetOrganizationMemberships", "Users", GET "/users/{user_id}/organization_memberships"
        => "users().organization_memberships(user_id)";
    USERS_GET_ORGANIZATION_INVITATIONS = "UsersGetOrganizationInvitations", "Users", GET "/users/{user_id}/organization_invitations"
        => "users().organization_invitations(user_id)";
    REMOVE_USER_PASSWORD = "RemoveUserPassword", "Users", POST "/users/{user_id}/remove_password"
        => "users().remove_password(user_id)";
    VERIFY_PASSWORD = "VerifyPassword", "Users", POST "/users/{user_id}/verify_password"
        => "users().verify_password(user_id, password)";
    VERIFY_TOTP = "VerifyTOTP", "Users", POST "/users/{user_id}/verify_totp" => "users().verify_totp(user_id, code)";
    DISABLE_MFA = "DisableMFA", "Users", DELETE "/users/{user_id}/mfa" => "users().disable_mfa(user_id)";
    DELETE_BACKUP_CODE = "DeleteBackupCode", "Users", DELETE "/users/{user_id}/backup_code"
        => "users().delete_backup_codes(user_id)";
    USER_PASSKEY_DELETE = "UserPasskeyDelete", "Users", DELETE "/users/{user_id}/passkeys/{passkey_identification_id}"
        => "users().delete_passkey(user_id, passkey_id)";
    LIST_USER_TRUSTED_DEVICES = "ListUserTrustedDevices", "Users", GET "/users/{user_id}/trusted_devices"
        => "users().trusted_devices(user_id)";
    REVOKE_USER_TRUSTED_DEVICE = "RevokeUserTrustedDevice", "Users", DELETE "/users/{user_id}/trusted_devices/{trusted_device_id}"
        => "users().revoke_trusted_device(user_id, trusted_device_id)";
    USER_WEB3_WALLET_DELETE = "UserWeb3WalletDelete", "Users", DELETE "/users/{user_id}/web3_wallets/{web3_wallet_identification_id}"
        => "users().delete_web3_wallet(user_id, web3_wallet_id)";
    DELETE_TOTP = "DeleteTOTP", "Users", DELETE "/users/{user_id}/totp" => "users().delete_totp(user_id)";
    DELETE_EXTERNAL_ACCOUNT = "DeleteExternalAccount", "Users", DELETE "/users/{user_id}/external_accounts/{external_account_id}"
        => "users().delete_external_account(user_id, external_account_id)";
    SET_USER_PASSWORD_COMPROMISED = "SetUserPasswordCompromised", "Users", POST "/users/{user_id}/password/set_compromised"
        => "users().set_password_compromised(user_id)";
    UNSET_USER_PASSWORD_COMPROMISED = "UnsetUserPasswordCompromised", "Users", POST "/users/{user_id}/password/unset_compromised"
        => "users().unset_password_compromised(user_id)";
}

/// Looks an operation up by its `operationId`.
pub fn find(operation_id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|op| op.id == operation_id)
}
