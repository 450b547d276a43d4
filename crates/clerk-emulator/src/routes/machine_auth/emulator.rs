//! The emulator's own helpers for machine tokens: issuing an OAuth access token without an
//! authorization flow, and ending a token's life without waiting for it.

use crate::ids::now_ms;
use crate::{Emulator, EmulatorError};

use super::oauth::{self, MintBody};

/// How [`Emulator::oauth_access_token`] shapes a token.
#[derive(Debug, Clone, Default)]
pub struct MintOAuthToken {
    scopes: Option<Vec<String>>,
    expires_in_seconds: Option<i64>,
}

impl MintOAuthToken {
    /// A token with all the application's scopes and a day's lifetime.
    pub fn new() -> MintOAuthToken {
        MintOAuthToken::default()
    }

    /// The scopes the user granted (each one of the application's).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The token's lifetime, in seconds.
    pub fn expires_in_seconds(mut self, seconds: i64) -> Self {
        self.expires_in_seconds = Some(seconds);
        self
    }
}

/// An OAuth access token issued by [`Emulator::oauth_access_token`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthAccessToken {
    /// Its id (`oat_` and 32 hex digits).
    pub id: String,
    /// The bearer token itself (`oat_...`), as an app presents it.
    pub token: String,
    /// The application's client id.
    pub client_id: String,
    /// The user it acts for.
    pub subject: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// When it expires (Unix ms).
    pub expiration: Option<i64>,
}

impl Emulator {
    /// An access token an OAuth application holds for a user, as if the user had completed
    /// the application's authorization flow (the emulator has no Frontend API to run one).
    /// The same is served at `POST /emulator/oauth_applications/{id}/access_tokens` (the
    /// emulator's own endpoint, with the secret key), body `{"user_id", "scopes"?,
    /// "expires_in_seconds"?}`.
    ///
    /// ```no_run
    /// # fn run(emulator: &clerk_emulator::Emulator) -> Result<(), Box<dyn std::error::Error>> {
    /// use clerk_emulator::MintOAuthToken;
    /// # let (app_id, user_id) = ("oa_...", "user_...");
    /// let token = emulator.oauth_access_token(app_id, user_id, MintOAuthToken::new().scopes(["profile"]))?;
    /// // send `Authorization: Bearer {token.token}` to the app under test
    /// # let _ = token; Ok(()) }
    /// ```
    pub fn oauth_access_token(
        &self,
        application_id: &str,
        user_id: &str,
        mint: MintOAuthToken,
    ) -> Result<OAuthAccessToken, EmulatorError> {
        let body = MintBody {
            user_id: user_id.to_owned(),
            scopes: mint.scopes.map(|s| s.join(" ")),
            expires_in_seconds: mint.expires_in_seconds,
        };
        let row = oauth::mint(&self.state, application_id, body)
            .map_err(|e| EmulatorError(e.describe()))?;
        Ok(OAuthAccessToken {
            id: row.id,
            token: row.token,
            client_id: row.client_id,
            subject: row.subject,
            scopes: row.scopes,
            expiration: row.expiration,
        })
    }

    /// Ends the life of a stored machine token now, as if its lifetime had passed: an API key,
    /// an opaque M2M token or an OAuth access token, named by its id or its secret. For tests
    /// of expiry that should not wait. JWT-format M2M tokens are not stored; pin the
    /// verifier's clock past their `exp` instead.
    pub fn expire_machine_token(&self, id_or_secret: &str) -> Result<(), EmulatorError> {
        let now = now_ms();
        let mut db = self.state.write();
        let data = &mut db.machine_auth;
        let mut found = false;
        let named = |id: &str, secret: &str| id == id_or_secret || secret == id_or_secret;
        data.api_keys.update_where(
            |k| named(&k.id, &k.secret),
            |k| {
                k.expiration = Some(now);
                found = true;
            },
        );
        data.m2m_tokens.update_where(
            |t| named(&t.id, &t.token),
            |t| {
                t.expiration = Some(now);
                found = true;
            },
        );
        data.oauth_access_tokens.update_where(
            |t| named(&t.id, &t.token),
            |t| {
                t.expiration = Some(now);
                found = true;
            },
        );
        if found {
            Ok(())
        } else {
            Err(EmulatorError(format!(
                "resource_not_found: no API key, M2M token or OAuth access token {id_or_secret}"
            )))
        }
    }
}
