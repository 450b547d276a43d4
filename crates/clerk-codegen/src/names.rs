//! The naming rule: how spec names (`getOAuthApplicationSettings`, `SAMLAccount`,
//! `verification_otp`, `CommerceSubscriptionItem-2`) become Rust names.
//!
//! A name is split into words at separators (`_ - . / # space`) and at case changes: a capital
//! after a small letter (`get|User`), and the last capital of a run before a small letter
//! (`SAML|Account`). Digits stay with their word (`M2M`, `web3`). `OAuth` is one word. Snake
//! case joins the words in small letters with `_`; Pascal case capitalises each word
//! (`OAuth` stays `OAuth`).

/// The words of a name.
pub fn words(name: &str) -> Vec<String> {
    let name = name.replace("OAuth", "Oauth");
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || (!prev.is_ascii_lowercase() && next_is_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case`.
pub fn snake(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `PascalCase`.
pub fn pascal(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            if lower == "oauth" {
                return "OAuth".to_owned();
            }
            let mut out = String::with_capacity(lower.len());
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
            out
        })
        .collect()
}

/// `SCREAMING_SNAKE_CASE`.
pub fn screaming(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "unsafe", "use", "where", "while", "yield", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual",
];

/// A field, parameter or method name for a wire name: snake case, with `type` read as `kind`
/// and other keywords followed by `_`.
pub fn field(wire: &str) -> String {
    let name = snake(wire);
    let name = if name.is_empty() {
        "value".to_owned()
    } else {
        name
    };
    if name == "type" {
        "kind".to_owned()
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else {
        name
    }
}

/// An enum variant for a wire value: `email_address` → `EmailAddress`, `-manual_invitation` →
/// `ExcludeManualInvitation`, `""` → `Empty`.
pub fn variant(value: &str) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    let (prefix, rest) = match value.strip_prefix('-') {
        Some(rest) => ("Exclude", rest),
        None => ("", value),
    };
    let mut name = format!("{prefix}{}", pascal(rest));
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_on_the_spec_s_names() {
        let cases = [
            (
                "getOAuthApplicationSettings",
                "get_oauth_application_settings",
                "GetOAuthApplicationSettings",
            ),
            ("SAMLAccount", "saml_account", "SamlAccount"),
            ("deleteTOTP", "delete_totp", "DeleteTotp"),
            ("getM2MTokens", "get_m2m_tokens", "GetM2mTokens"),
            (
                "generateSvixAuthURL",
                "generate_svix_auth_url",
                "GenerateSvixAuthUrl",
            ),
            ("verification_otp", "verification_otp", "VerificationOtp"),
            (
                "CommerceSubscriptionItem-2",
                "commerce_subscription_item_2",
                "CommerceSubscriptionItem2",
            ),
            (
                "JWKS.rsa.PublicKey",
                "jwks_rsa_public_key",
                "JwksRsaPublicKey",
            ),
            (
                "emailSMSTemplates",
                "email_sms_templates",
                "EmailSmsTemplates",
            ),
            ("web3_wallet", "web3_wallet", "Web3Wallet"),
            ("x5t#S256", "x5t_s256", "X5tS256"),
            ("statementID", "statement_id", "StatementId"),
            ("Web3Wallet", "web3_wallet", "Web3Wallet"),
            ("createM2MToken", "create_m2m_token", "CreateM2mToken"),
        ];
        for (input, s, p) in cases {
            assert_eq!(snake(input), s, "{input}");
            assert_eq!(pascal(input), p, "{input}");
        }
    }

    #[test]
    fn fields_and_variants() {
        assert_eq!(field("type"), "kind");
        assert_eq!(field("use"), "use_");
        assert_eq!(field("apiKeyID"), "api_key_id");
        assert_eq!(variant("payer-credits"), "PayerCredits");
        assert_eq!(variant("-manual_invitation"), "ExcludeManualInvitation");
        assert_eq!(variant(""), "Empty");
        assert_eq!(variant("ES256"), "Es256");
    }
}
