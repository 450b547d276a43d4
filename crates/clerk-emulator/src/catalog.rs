//! Every operation of the Backend API (spec version 2026-05-12) by method and path, so an
//! operation the emulator does not implement yet is answered 501 with its name. A test checks
//! this table against the OpenAPI spec.

/// `(operationId, method, path template below /v1)`.
pub(crate) static CATALOG: &[(&str, &str, &str)] = &[
    ("GetPublicInterstitial", "GET", "/public/interstitial"),
    ("GetJWKS", "GET", "/jwks"),
    ("GetClientList", "GET", "/clients"),
    ("VerifyClient", "POST", "/clients/verify"),
    ("GetClient", "GET", "/clients/{client_id}"),
    ("CreateEmailAddress", "POST", "/email_addresses"),
    (
        "GetEmailAddress",
        "GET",
        "/email_addresses/{email_address_id}",
    ),
    (
        "DeleteEmailAddress",
        "DELETE",
        "/email_addresses/{email_address_id}",
    ),
    (
        "UpdateEmailAddress",
        "PATCH",
        "/email_addresses/{email_address_id}",
    ),
    (
        "PrepareEmailAddressVerification",
        "POST",
        "/email_addresses/{email_address_id}/prepare_verification",
    ),
    (
        "AttemptEmailAddressVerification",
        "POST",
        "/email_addresses/{email_address_id}/attempt_verification",
    ),
    (
        "ReplaceUserEmailAddress",
        "PUT",
        "/users/{user_id}/email_address",
    ),
    ("CreatePhoneNumber", "POST", "/phone_numbers"),
    ("GetPhoneNumber", "GET", "/phone_numbers/{phone_number_id}"),
    (
        "DeletePhoneNumber",
        "DELETE",
        "/phone_numbers/{phone_number_id}",
    ),
    (
        "UpdatePhoneNumber",
        "PATCH",
        "/phone_numbers/{phone_number_id}",
    ),
    (
        "PreparePhoneNumberVerification",
        "POST",
        "/phone_numbers/{phone_number_id}/prepare_verification",
    ),
    (
        "AttemptPhoneNumberVerification",
        "POST",
        "/phone_numbers/{phone_number_id}/attempt_verification",
    ),
    (
        "ReplaceUserPhoneNumber",
        "PUT",
        "/users/{user_id}/phone_number",
    ),
    ("GetSessionList", "GET", "/sessions"),
    ("createSession", "POST", "/sessions"),
    ("GetSession", "GET", "/sessions/{session_id}"),
    ("RefreshSession", "POST", "/sessions/{session_id}/refresh"),
    ("RevokeSession", "POST", "/sessions/{session_id}/revoke"),
    (
        "CreateSessionToken",
        "POST",
        "/sessions/{session_id}/tokens",
    ),
    (
        "CreateSessionTokenFromTemplate",
        "POST",
        "/sessions/{session_id}/tokens/{template_name}",
    ),
    ("GetTemplateList", "GET", "/templates/{template_type}"),
    ("GetTemplate", "GET", "/templates/{template_type}/{slug}"),
    ("UpsertTemplate", "PUT", "/templates/{template_type}/{slug}"),
    (
        "RevertTemplate",
        "POST",
        "/templates/{template_type}/{slug}/revert",
    ),
    (
        "PreviewTemplate",
        "POST",
        "/templates/{template_type}/{slug}/preview",
    ),
    (
        "ToggleTemplateDelivery",
        "POST",
        "/templates/{template_type}/{slug}/toggle_delivery",
    ),
    ("GetUserList", "GET", "/users"),
    ("CreateUser", "POST", "/users"),
    ("GetUsersCount", "GET", "/users/count"),
    ("GetUser", "GET", "/users/{user_id}"),
    ("UpdateUser", "PATCH", "/users/{user_id}"),
    ("DeleteUser", "DELETE", "/users/{user_id}"),
    ("BanUser", "POST", "/users/{user_id}/ban"),
    ("UnbanUser", "POST", "/users/{user_id}/unban"),
    ("UsersBan", "POST", "/users/ban"),
    ("UsersUnban", "POST", "/users/unban"),
    ("LockUser", "POST", "/users/{user_id}/lock"),
    ("UnlockUser", "POST", "/users/{user_id}/unlock"),
    (
        "SetUserProfileImage",
        "POST",
        "/users/{user_id}/profile_image",
    ),
    (
        "DeleteUserProfileImage",
        "DELETE",
        "/users/{user_id}/profile_image",
    ),
    ("UpdateUserMetadata", "PATCH", "/users/{user_id}/metadata"),
    ("ReplaceUserMetadata", "PUT", "/users/{user_id}/metadata"),
    (
        "GetUserBillingSubscription",
        "GET",
        "/users/{user_id}/billing/subscription",
    ),
    (
        "GetUserBillingCreditBalance",
        "GET",
        "/users/{user_id}/billing/credits",
    ),
    (
        "AdjustUserBillingCreditBalance",
        "POST",
        "/users/{user_id}/billing/credits",
    ),
    (
        "GetOAuthAccessToken",
        "GET",
        "/users/{user_id}/oauth_access_tokens/{provider}",
    ),
    (
        "UsersGetOrganizationMemberships",
        "GET",
        "/users/{user_id}/organization_memberships",
    ),
    (
        "UsersGetOrganizationInvitations",
        "GET",
        "/users/{user_id}/organization_invitations",
    ),
    (
        "RemoveUserPassword",
        "POST",
        "/users/{user_id}/remove_password",
    ),
    ("VerifyPassword", "POST", "/users/{user_id}/verify_password"),
    ("VerifyTOTP", "POST", "/users/{user_id}/verify_totp"),
    ("DisableMFA", "DELETE", "/users/{user_id}/mfa"),
    ("DeleteBackupCode", "DELETE", "/users/{user_id}/backup_code"),
    (
        "UserPasskeyDelete",
        "DELETE",
        "/users/{user_id}/passkeys/{passkey_identification_id}",
    ),
    (
        "ListUserTrustedDevices",
        "GET",
        "/users/{user_id}/trusted_devices",
    ),
    (
        "RevokeUserTrustedDevice",
        "DELETE",
        "/users/{user_id}/trusted_devices/{trusted_device_id}",
    ),
    (
        "UserWeb3WalletDelete",
        "DELETE",
        "/users/{user_id}/web3_wallets/{web3_wallet_identification_id}",
    ),
    ("DeleteTOTP", "DELETE", "/users/{user_id}/totp"),
    (
        "DeleteExternalAccount",
        "DELETE",
        "/users/{user_id}/external_accounts/{external_account_id}",
    ),
    (
        "SetUserPasswordCompromised",
        "POST",
        "/users/{user_id}/password/set_compromised",
    ),
    (
        "UnsetUserPasswordCompromised",
        "POST",
        "/users/{user_id}/password/unset_compromised",
    ),
    ("CreateInvitation", "POST", "/invitations"),
    ("ListInvitations", "GET", "/invitations"),
    ("CreateBulkInvitations", "POST", "/invitations/bulk"),
    (
        "RevokeInvitation",
        "POST",
        "/invitations/{invitation_id}/revoke",
    ),
    (
        "ListInstanceOrganizationInvitations",
        "GET",
        "/organization_invitations",
    ),
    ("ListAllowlistIdentifiers", "GET", "/allowlist_identifiers"),
    (
        "CreateAllowlistIdentifier",
        "POST",
        "/allowlist_identifiers",
    ),
    (
        "DeleteAllowlistIdentifier",
        "DELETE",
        "/allowlist_identifiers/{identifier_id}",
    ),
    ("ListBlocklistIdentifiers", "GET", "/blocklist_identifiers"),
    (
        "CreateBlocklistIdentifier",
        "POST",
        "/blocklist_identifiers",
    ),
    (
        "DeleteBlocklistIdentifier",
        "DELETE",
        "/blocklist_identifiers/{identifier_id}",
    ),
    (
        "UpdateInstanceAuthConfig",
        "PATCH",
        "/beta_features/instance_settings",
    ),
    (
        "UpdateProductionInstanceDomain",
        "PUT",
        "/beta_features/domain",
    ),
    ("CreateActorToken", "POST", "/actor_tokens"),
    (
        "RevokeActorToken",
        "POST",
        "/actor_tokens/{actor_token_id}/revoke",
    ),
    ("ListDomains", "GET", "/domains"),
    ("AddDomain", "POST", "/domains"),
    ("DeleteDomain", "DELETE", "/domains/{domain_id}"),
    ("UpdateDomain", "PATCH", "/domains/{domain_id}"),
    ("GetInstance", "GET", "/instance"),
    ("UpdateInstance", "PATCH", "/instance"),
    (
        "UpdateInstanceRestrictions",
        "PATCH",
        "/instance/restrictions",
    ),
    ("GetInstanceProtect", "GET", "/instance/protect"),
    ("UpdateInstanceProtect", "PATCH", "/instance/protect"),
    ("GetInstanceCommunication", "GET", "/instance/communication"),
    (
        "UpdateInstanceCommunication",
        "PATCH",
        "/instance/communication",
    ),
    (
        "GetInstanceOAuthApplicationSettings",
        "GET",
        "/instance/oauth_application_settings",
    ),
    (
        "UpdateInstanceOAuthApplicationSettings",
        "PATCH",
        "/instance/oauth_application_settings",
    ),
    (
        "ChangeProductionInstanceDomain",
        "POST",
        "/instance/change_domain",
    ),
    (
        "GetInstanceOrganizationSettings",
        "GET",
        "/instance/organization_settings",
    ),
    (
        "UpdateInstanceOrganizationSettings",
        "PATCH",
        "/instance/organization_settings",
    ),
    ("CreateSvixApp", "POST", "/webhooks/svix"),
    ("DeleteSvixApp", "DELETE", "/webhooks/svix"),
    ("GenerateSvixAuthURL", "POST", "/webhooks/svix_url"),
    ("ListJWTTemplates", "GET", "/jwt_templates"),
    ("CreateJWTTemplate", "POST", "/jwt_templates"),
    ("GetJWTTemplate", "GET", "/jwt_templates/{template_id}"),
    ("UpdateJWTTemplate", "PATCH", "/jwt_templates/{template_id}"),
    (
        "DeleteJWTTemplate",
        "DELETE",
        "/jwt_templates/{template_id}",
    ),
    ("ListMachines", "GET", "/machines"),
    ("CreateMachine", "POST", "/machines"),
    ("GetMachine", "GET", "/machines/{machine_id}"),
    ("UpdateMachine", "PATCH", "/machines/{machine_id}"),
    ("DeleteMachine", "DELETE", "/machines/{machine_id}"),
    (
        "GetMachineSecretKey",
        "GET",
        "/machines/{machine_id}/secret_key",
    ),
    (
        "RotateMachineSecretKey",
        "POST",
        "/machines/{machine_id}/secret_key/rotate",
    ),
    (
        "CreateMachineScope",
        "POST",
        "/machines/{machine_id}/scopes",
    ),
    (
        "DeleteMachineScope",
        "DELETE",
        "/machines/{machine_id}/scopes/{other_machine_id}",
    ),
    ("ListOrganizations", "GET", "/organizations"),
    ("CreateOrganization", "POST", "/organizations"),
    ("GetOrganization", "GET", "/organizations/{organization_id}"),
    (
        "UpdateOrganization",
        "PATCH",
        "/organizations/{organization_id}",
    ),
    (
        "DeleteOrganization",
        "DELETE",
        "/organizations/{organization_id}",
    ),
    (
        "MergeOrganizationMetadata",
        "PATCH",
        "/organizations/{organization_id}/metadata",
    ),
    (
        "ReplaceOrganizationMetadata",
        "PUT",
        "/organizations/{organization_id}/metadata",
    ),
    (
        "UploadOrganizationLogo",
        "PUT",
        "/organizations/{organization_id}/logo",
    ),
    (
        "DeleteOrganizationLogo",
        "DELETE",
        "/organizations/{organization_id}/logo",
    ),
    (
        "GetOrganizationBillingSubscription",
        "GET",
        "/organizations/{organization_id}/billing/subscription",
    ),
    (
        "GetOrganizationBillingCreditBalance",
        "GET",
        "/organizations/{organization_id}/billing/credits",
    ),
    (
        "AdjustOrganizationBillingCreditBalance",
        "POST",
        "/organizations/{organization_id}/billing/credits",
    ),
    (
        "CreateOrganizationInvitation",
        "POST",
        "/organizations/{organization_id}/invitations",
    ),
    (
        "ListOrganizationInvitations",
        "GET",
        "/organizations/{organization_id}/invitations",
    ),
    (
        "CreateOrganizationInvitationBulk",
        "POST",
        "/organizations/{organization_id}/invitations/bulk",
    ),
    (
        "ListPendingOrganizationInvitations",
        "GET",
        "/organizations/{organization_id}/invitations/pending",
    ),
    (
        "GetOrganizationInvitation",
        "GET",
        "/organizations/{organization_id}/invitations/{invitation_id}",
    ),
    (
        "RevokeOrganizationInvitation",
        "POST",
        "/organizations/{organization_id}/invitations/{invitation_id}/revoke",
    ),
    ("ListOrganizationRoles", "GET", "/organization_roles"),
    ("CreateOrganizationRole", "POST", "/organization_roles"),
    (
        "GetOrganizationRole",
        "GET",
        "/organization_roles/{organization_role_id}",
    ),
    (
        "UpdateOrganizationRole",
        "PATCH",
        "/organization_roles/{organization_role_id}",
    ),
    (
        "DeleteOrganizationRole",
        "DELETE",
        "/organization_roles/{organization_role_id}",
    ),
    (
        "AssignPermissionToOrganizationRole",
        "POST",
        "/organization_roles/{organization_role_id}/permissions/{permission_id}",
    ),
    (
        "RemovePermissionFromOrganizationRole",
        "DELETE",
        "/organization_roles/{organization_role_id}/permissions/{permission_id}",
    ),
    (
        "CreateOrganizationMembership",
        "POST",
        "/organizations/{organization_id}/memberships",
    ),
    (
        "ListOrganizationMemberships",
        "GET",
        "/organizations/{organization_id}/memberships",
    ),
    (
        "UpdateOrganizationMembership",
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}",
    ),
    (
        "DeleteOrganizationMembership",
        "DELETE",
        "/organizations/{organization_id}/memberships/{user_id}",
    ),
    (
        "UpdateOrganizationMembershipMetadata",
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}/metadata",
    ),
    (
        "CreateOrganizationDomain",
        "POST",
        "/organizations/{organization_id}/domains",
    ),
    (
        "ListOrganizationDomains",
        "GET",
        "/organizations/{organization_id}/domains",
    ),
    (
        "UpdateOrganizationDomain",
        "PATCH",
        "/organizations/{organization_id}/domains/{domain_id}",
    ),
    (
        "DeleteOrganizationDomain",
        "DELETE",
        "/organizations/{organization_id}/domains/{domain_id}",
    ),
    (
        "VerifyOrganizationDomainOwnership",
        "POST",
        "/organizations/{organization_id}/domains/{domain_id}/verify_ownership",
    ),
    ("ListAllOrganizationDomains", "GET", "/organization_domains"),
    ("VerifyDomainProxy", "POST", "/proxy_checks"),
    ("ListRedirectURLs", "GET", "/redirect_urls"),
    ("CreateRedirectURL", "POST", "/redirect_urls"),
    ("GetRedirectURL", "GET", "/redirect_urls/{id}"),
    ("DeleteRedirectURL", "DELETE", "/redirect_urls/{id}"),
    ("CreateSignInToken", "POST", "/sign_in_tokens"),
    (
        "RevokeSignInToken",
        "POST",
        "/sign_in_tokens/{sign_in_token_id}/revoke",
    ),
    ("GetSignUp", "GET", "/sign_ups/{id}"),
    ("UpdateSignUp", "PATCH", "/sign_ups/{id}"),
    ("ListOAuthApplications", "GET", "/oauth_applications"),
    ("CreateOAuthApplication", "POST", "/oauth_applications"),
    (
        "GetOAuthApplication",
        "GET",
        "/oauth_applications/{oauth_application_id}",
    ),
    (
        "UpdateOAuthApplication",
        "PATCH",
        "/oauth_applications/{oauth_application_id}",
    ),
    (
        "DeleteOAuthApplication",
        "DELETE",
        "/oauth_applications/{oauth_application_id}",
    ),
    (
        "UploadOAuthApplicationLogo",
        "PUT",
        "/oauth_applications/{oauth_application_id}/logo",
    ),
    (
        "RotateOAuthApplicationSecret",
        "POST",
        "/oauth_applications/{oauth_application_id}/rotate_secret",
    ),
    (
        "RevokeOAuthApplicationToken",
        "POST",
        "/oauth_applications/{oauth_application_id}/revoke_token",
    ),
    ("ListSAMLConnections", "GET", "/saml_connections"),
    ("CreateSAMLConnection", "POST", "/saml_connections"),
    (
        "GetSAMLConnection",
        "GET",
        "/saml_connections/{saml_connection_id}",
    ),
    (
        "UpdateSAMLConnection",
        "PATCH",
        "/saml_connections/{saml_connection_id}",
    ),
    (
        "DeleteSAMLConnection",
        "DELETE",
        "/saml_connections/{saml_connection_id}",
    ),
    (
        "ListEnterpriseConnections",
        "GET",
        "/enterprise_connections",
    ),
    (
        "CreateEnterpriseConnection",
        "POST",
        "/enterprise_connections",
    ),
    (
        "GetEnterpriseConnection",
        "GET",
        "/enterprise_connections/{enterprise_connection_id}",
    ),
    (
        "UpdateEnterpriseConnection",
        "PATCH",
        "/enterprise_connections/{enterprise_connection_id}",
    ),
    (
        "DeleteEnterpriseConnection",
        "DELETE",
        "/enterprise_connections/{enterprise_connection_id}",
    ),
    (
        "ListEnterpriseConnectionTestRuns",
        "GET",
        "/enterprise_connections/{enterprise_connection_id}/test_runs",
    ),
    (
        "CreateEnterpriseConnectionTestRun",
        "POST",
        "/enterprise_connections/{enterprise_connection_id}/test_runs",
    ),
    ("CreateTestingToken", "POST", "/testing_tokens"),
    ("CreateAgentTask", "POST", "/agents/tasks"),
    (
        "RevokeAgentTask",
        "POST",
        "/agents/tasks/{agent_task_id}/revoke",
    ),
    (
        "InstanceGetOrganizationMemberships",
        "GET",
        "/organization_memberships",
    ),
    ("ListWaitlistEntries", "GET", "/waitlist_entries"),
    ("CreateWaitlistEntry", "POST", "/waitlist_entries"),
    (
        "CreateBulkWaitlistEntries",
        "POST",
        "/waitlist_entries/bulk",
    ),
    (
        "DeleteWaitlistEntry",
        "DELETE",
        "/waitlist_entries/{waitlist_entry_id}",
    ),
    (
        "InviteWaitlistEntry",
        "POST",
        "/waitlist_entries/{waitlist_entry_id}/invite",
    ),
    (
        "RejectWaitlistEntry",
        "POST",
        "/waitlist_entries/{waitlist_entry_id}/reject",
    ),
    ("GetCommercePlanList", "GET", "/billing/plans"),
    ("GetBillingPriceList", "GET", "/billing/prices"),
    ("CreateBillingPrice", "POST", "/billing/prices"),
    (
        "GetCommerceSubscriptionItemList",
        "GET",
        "/billing/subscription_items",
    ),
    (
        "CancelCommerceSubscriptionItem",
        "DELETE",
        "/billing/subscription_items/{subscription_item_id}",
    ),
    (
        "ExtendBillingSubscriptionItemFreeTrial",
        "POST",
        "/billing/subscription_items/{subscription_item_id}/extend_free_trial",
    ),
    (
        "CreateBillingPriceTransition",
        "POST",
        "/billing/subscription_items/{subscription_item_id}/price_transition",
    ),
    (
        "ApplyBillingSubscriptionItemDiscount",
        "POST",
        "/billing/subscription_items/{subscription_item_id}/discounts",
    ),
    (
        "RemoveBillingSubscriptionItemDiscount",
        "DELETE",
        "/billing/subscription_items/{subscription_item_id}/discounts/{discount_id}",
    ),
    ("GetBillingStatementList", "GET", "/billing/statements"),
    (
        "GetBillingStatement",
        "GET",
        "/billing/statements/{statementID}",
    ),
    (
        "GetBillingStatementPaymentAttempts",
        "GET",
        "/billing/statements/{statementID}/payment_attempts",
    ),
    (
        "ListOrganizationPermissions",
        "GET",
        "/organization_permissions",
    ),
    (
        "CreateOrganizationPermission",
        "POST",
        "/organization_permissions",
    ),
    (
        "GetOrganizationPermission",
        "GET",
        "/organization_permissions/{permission_id}",
    ),
    (
        "UpdateOrganizationPermission",
        "PATCH",
        "/organization_permissions/{permission_id}",
    ),
    (
        "DeleteOrganizationPermission",
        "DELETE",
        "/organization_permissions/{permission_id}",
    ),
    ("ListRoleSets", "GET", "/role_sets"),
    ("CreateRoleSet", "POST", "/role_sets"),
    ("GetRoleSet", "GET", "/role_sets/{role_set_key_or_id}"),
    ("UpdateRoleSet", "PATCH", "/role_sets/{role_set_key_or_id}"),
    (
        "ReplaceRoleSet",
        "POST",
        "/role_sets/{role_set_key_or_id}/replace",
    ),
    (
        "AddRolesToRoleSet",
        "POST",
        "/role_sets/{role_set_key_or_id}/roles",
    ),
    (
        "ReplaceRoleInRoleSet",
        "POST",
        "/role_sets/{role_set_key_or_id}/roles/replace",
    ),
    ("ListSCIMDirectories", "GET", "/scim_directories"),
    ("CreateSCIMDirectory", "POST", "/scim_directories"),
    (
        "GetSCIMDirectory",
        "GET",
        "/scim_directories/{scim_directory_id}",
    ),
    (
        "UpdateSCIMDirectory",
        "PATCH",
        "/scim_directories/{scim_directory_id}",
    ),
    (
        "DeleteSCIMDirectory",
        "DELETE",
        "/scim_directories/{scim_directory_id}",
    ),
    (
        "RotateSCIMDirectoryAPIKey",
        "POST",
        "/scim_directories/{scim_directory_id}/rotate_api_key",
    ),
    (
        "ListSCIMGroupRoleMappings",
        "GET",
        "/scim_directories/{scim_directory_id}/group_role_mappings",
    ),
    (
        "CreateSCIMGroupRoleMapping",
        "POST",
        "/scim_directories/{scim_directory_id}/group_role_mappings",
    ),
    (
        "ReplaceSCIMGroupRoleMappings",
        "PUT",
        "/scim_directories/{scim_directory_id}/group_role_mappings",
    ),
    (
        "DeleteSCIMGroupRoleMapping",
        "DELETE",
        "/scim_directories/{scim_directory_id}/group_role_mappings/{mapping_id}",
    ),
    ("ListDirectories", "GET", "/directories"),
    ("CreateDirectory", "POST", "/directories"),
    ("GetDirectory", "GET", "/directories/{directory_id}"),
    ("UpdateDirectory", "PATCH", "/directories/{directory_id}"),
    ("DeleteDirectory", "DELETE", "/directories/{directory_id}"),
    (
        "RotateDirectoryAPIKey",
        "POST",
        "/directories/{directory_id}/rotate_api_key",
    ),
    (
        "ListDirectoryGroupRoleMappings",
        "GET",
        "/directories/{directory_id}/group_role_mappings",
    ),
    (
        "CreateDirectoryGroupRoleMapping",
        "POST",
        "/directories/{directory_id}/group_role_mappings",
    ),
    (
        "ReplaceDirectoryGroupRoleMappings",
        "PUT",
        "/directories/{directory_id}/group_role_mappings",
    ),
    (
        "DeleteDirectoryGroupRoleMapping",
        "DELETE",
        "/directories/{directory_id}/group_role_mappings/{mapping_id}",
    ),
    (
        "createAdminPortalLinkToken",
        "POST",
        "/admin_portal_link_tokens",
    ),
    (
        "revokeAdminPortalLinkToken",
        "POST",
        "/admin_portal_link_tokens/{adminPortalLinkTokenID}/revoke",
    ),
    ("createApiKey", "POST", "/api_keys"),
    ("getApiKeys", "GET", "/api_keys"),
    ("getApiKey", "GET", "/api_keys/{apiKeyID}"),
    ("updateApiKey", "PATCH", "/api_keys/{apiKeyID}"),
    ("deleteApiKey", "DELETE", "/api_keys/{apiKeyID}"),
    ("getApiKeySecret", "GET", "/api_keys/{apiKeyID}/secret"),
    ("revokeApiKey", "POST", "/api_keys/{apiKeyID}/revoke"),
    ("verifyApiKey", "POST", "/api_keys/verify"),
    ("createM2MToken", "POST", "/m2m_tokens"),
    ("getM2MTokens", "GET", "/m2m_tokens"),
    (
        "revokeM2MToken",
        "POST",
        "/m2m_tokens/{m2m_token_id}/revoke",
    ),
    ("verifyM2MToken", "POST", "/m2m_tokens/verify"),
    (
        "verifyOAuthAccessToken",
        "POST",
        "/oauth_applications/access_tokens/verify",
    ),
];

/// The operation a method and path (below `/v1`) belong to, if any.
pub(crate) fn operation_for(method: &str, path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    CATALOG
        .iter()
        .filter(|(_, m, _)| *m == method)
        .filter_map(|(id, _, template)| {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            let fits = parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s);
            // Prefer the most specific template: `/users/count` over `/users/{user_id}`.
            fits.then(|| (parts.iter().filter(|t| !t.starts_with('{')).count(), *id))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, id)| id)
}
