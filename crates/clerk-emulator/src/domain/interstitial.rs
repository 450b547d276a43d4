//! The interstitial page (`GET /v1/public/interstitial`): HTML that loads ClerkJS from the
//! instance's Frontend API so the browser can settle its authentication state, then reloads.
//!
//! The Frontend API host comes from `publishable_key` (or the older `frontend_api` /
//! `frontendApi`); one of them is required (400). ClerkJS is loaded from
//! `https://<host>/npm/@clerk/clerk-js@latest/dist/clerk.browser.js`, the script URL Clerk's
//! examples use, or from under `proxy_url` when given. Unverified: the version tag (`latest`),
//! the `clerk.<domain>` host used with `use_domain_for_script`, and the page's exact markup,
//! which Clerk does not document; the redirect-loop detection (Clerk's 500) is not emulated.

use crate::error::{ApiError, ApiResult};
use axum::http::StatusCode;
use serde::Deserialize;

/// The query of `GET /v1/public/interstitial`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterstitialParams {
    #[serde(rename = "frontendApi")]
    pub(crate) frontend_api_old: Option<String>,
    pub(crate) frontend_api: Option<String>,
    pub(crate) publishable_key: Option<String>,
    pub(crate) proxy_url: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) sign_in_url: Option<String>,
    pub(crate) use_domain_for_script: Option<bool>,
}

fn bad_request(code: &str, param: &str, long_message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, "Bad request", long_message).param(param)
}

/// A value as a JavaScript string literal inside an HTML `<script>`.
fn js_string(value: &str) -> String {
    serde_json::Value::String(value.to_owned())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

/// The page for these parameters.
pub(crate) fn render(p: &InterstitialParams) -> ApiResult<String> {
    let (publishable_key, host) = match (
        &p.publishable_key,
        p.frontend_api.as_ref().or(p.frontend_api_old.as_ref()),
    ) {
        (Some(pk), _) => {
            let host = crate::keys::frontend_api_host(pk).ok_or_else(|| {
                bad_request(
                    "form_param_format_invalid",
                    "publishable_key",
                    format!("{pk} is not a valid publishable key."),
                )
            })?;
            (Some(pk.clone()), host)
        }
        (None, Some(fapi)) if !fapi.trim().is_empty() => (None, fapi.trim().to_owned()),
        _ => {
            return Err(bad_request(
                "form_param_missing",
                "publishable_key",
                "Either publishable_key or frontend_api is required.".into(),
            ));
        }
    };
    let origin = match (&p.proxy_url, &p.domain, p.use_domain_for_script) {
        (Some(proxy), _, _) => {
            if crate::domain::instance::http_authority(proxy).is_none() {
                return Err(bad_request(
                    "form_param_format_invalid",
                    "proxy_url",
                    format!("{proxy} is not a valid URL."),
                ));
            }
            proxy.trim_end_matches('/').to_owned()
        }
        (None, Some(domain), Some(true)) => format!("https://clerk.{}", domain.trim()),
        _ => format!("https://{host}"),
    };
    let script_url = format!("{origin}/npm/@clerk/clerk-js@latest/dist/clerk.browser.js");
    let mut attributes = vec![("data-clerk-frontend-api", host)];
    for (name, value) in [
        ("data-clerk-publishable-key", &publishable_key),
        ("data-clerk-proxy-url", &p.proxy_url),
        ("data-clerk-domain", &p.domain),
    ] {
        if let Some(v) = value {
            attributes.push((name, v.clone()));
        }
    }
    let load_options = match &p.sign_in_url {
        Some(url) => format!("{{signInUrl: {}}}", js_string(url)),
        None => "{}".into(),
    };
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="robots" content="noindex">
<title>Checking your session</title>
</head>
<body>
<script>
  window.__clerk_interstitial = true;
  var script = document.createElement("script");
  script.src = {src};
  script.async = true;
  script.crossOrigin = "anonymous";
  {set_attributes}
  script.addEventListener("load", function () {{
    window.Clerk.load({load_options}).then(function () {{ window.location.reload(); }});
  }});
  document.head.appendChild(script);
</script>
</body>
</html>
"#,
        src = js_string(&script_url),
        set_attributes = attributes
            .iter()
            .map(|(k, v)| format!("script.setAttribute({}, {});", js_string(k), js_string(v)))
            .collect::<Vec<_>>()
            .join("\n  "),
    ))
}
