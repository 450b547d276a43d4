//! The dashboard's HTML pieces: escaping, the page frame, times, search and paging.

use std::fmt::Write as _;

/// Rows per list page.
pub(crate) const PER_PAGE: usize = 50;

/// Text made safe inside HTML elements and quoted attributes.
pub(crate) use crate::domain::mailbox::escape_text as esc;

/// A query-string value, percent-encoded.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Whether `haystack` contains `needle_lower` (already lower case), ignoring ASCII case,
/// without allocating.
pub(crate) fn contains_ci(haystack: &str, needle_lower: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
    if n.is_empty() {
        return true;
    }
    h.len() >= n.len()
        && h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// A Unix time in milliseconds as `YYYY-MM-DD HH:MM:SS UTC`; `—` for none.
pub(crate) fn time(ms: Option<i64>) -> String {
    let Some(ms) = ms else {
        return "—".into();
    };
    let c = crate::domain::validate::civil(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// A number with thousands separators.
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The sections of the dashboard, in the navigation's order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Overview,
    Users,
    Organizations,
    Sessions,
    Mailbox,
    Webhooks,
}

const SECTIONS: &[(Section, &str, &str)] = &[
    (Section::Overview, "/", "Overview"),
    (Section::Users, "/users", "Users"),
    (Section::Organizations, "/organizations", "Organizations"),
    (Section::Sessions, "/sessions", "Sessions"),
    (Section::Mailbox, "/mailbox", "Mailbox"),
    (Section::Webhooks, "/webhooks", "Webhooks"),
];

const STYLE: &str = "
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:.6rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
header strong{font-size:1.05rem}header nav{display:flex;gap:1.2rem}header a{color:#d0d7de;text-decoration:none}header a.on{color:#fff;font-weight:600}
main{padding:1rem 1.5rem;max-width:80rem}h1{font-size:1.4rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#eaeef2;font-weight:600}td.mono,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
pre{background:#fff;border:1px solid #d0d7de;padding:.6rem;overflow:auto}
form.search{margin:.5rem 0 1rem;display:flex;gap:.5rem}form.search input{flex:1;max-width:30rem;padding:.35rem}
.badge{display:inline-block;border-radius:1rem;padding:0 .5rem;font-size:.8rem;background:#eaeef2}
.badge.bad{background:#ffebe9;color:#a40e26}.badge.good{background:#dafbe1;color:#116329}.badge.warn{background:#fff8c5;color:#7d4e00}
.pager{margin:.8rem 0;display:flex;gap:1rem;align-items:center}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;background:#fff;padding:.8rem;border:1px solid #d0d7de}dt{font-weight:600}dd{margin:0}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#fff;border:1px solid #d0d7de;padding:.8rem 1.2rem;min-width:9rem;color:inherit;text-decoration:none}
.card b{display:block;font-size:1.6rem}textarea{width:100%;font-family:ui-monospace,monospace;font-size:.8rem}
button{padding:.35rem .8rem;cursor:pointer}iframe{width:100%;height:24rem;border:1px solid #d0d7de;background:#fff}
";

/// A whole page: the frame, the navigation with `section` marked, and `body`.
pub(crate) fn page(title: &str, section: Section, body: &str) -> String {
    let mut nav = String::new();
    for (s, href, label) in SECTIONS {
        let class = if *s == section { " class=\"on\"" } else { "" };
        let _ = write!(nav, "<a href=\"{href}\"{class}>{label}</a>");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · Clerk emulator</title><style>{STYLE}</style></head>\
         <body><header><strong>Clerk emulator</strong><nav>{nav}</nav></header>\
         <main>{body}</main></body></html>",
        esc(title)
    )
}

/// The search box of a list at `path`.
pub(crate) fn search_form(path: &str, q: &str, placeholder: &str) -> String {
    format!(
        "<form class=\"search\" method=\"get\" action=\"{path}\" role=\"search\">\
         <input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"{}\" aria-label=\"{}\">\
         <button type=\"submit\">Search</button></form>",
        esc(q),
        esc(placeholder),
        esc(placeholder)
    )
}

/// Which rows of `total` page `page` (1-based) shows: offset and count.
pub(crate) fn window(page: usize, total: usize) -> (usize, usize) {
    let offset = (page.max(1) - 1).saturating_mul(PER_PAGE).min(total);
    (offset, PER_PAGE.min(total - offset))
}

/// "Showing a–b of n" with links to the pages before and after, keeping the search.
pub(crate) fn pager(path: &str, q: &str, page: usize, total: usize) -> String {
    let page = page.max(1);
    let (offset, shown) = window(page, total);
    let query = |p: usize| {
        if q.is_empty() {
            format!("{path}?page={p}")
        } else {
            format!("{path}?q={}&page={p}", url_encode(q))
        }
    };
    let mut out = String::from("<div class=\"pager\">");
    if shown == 0 {
        let _ = write!(
            out,
            "<span class=\"range\">No results of {}</span>",
            count(total)
        );
    } else {
        let _ = write!(
            out,
            "<span class=\"range\">Showing {}–{} of {}</span>",
            count(offset + 1),
            count(offset + shown),
            count(total)
        );
    }
    if page > 1 {
        let _ = write!(
            out,
            "<a rel=\"prev\" href=\"{}\">← Previous</a>",
            esc(&query(page - 1))
        );
    }
    if offset + shown < total {
        let _ = write!(
            out,
            "<a rel=\"next\" href=\"{}\">Next →</a>",
            esc(&query(page + 1))
        );
    }
    out.push_str("</div>");
    out
}

/// A badge.
pub(crate) fn badge(text: &str, kind: &str) -> String {
    format!("<span class=\"badge {kind}\">{}</span>", esc(text))
}

/// JSON, pretty-printed and escaped, in a `<pre>`.
pub(crate) fn json_block(value: &serde_json::Value) -> String {
    format!(
        "<pre>{}</pre>",
        esc(&serde_json::to_string_pretty(value).unwrap_or_default())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_civil_dates() {
        assert_eq!(time(Some(0)), "1970-01-01 00:00:00 UTC");
        assert_eq!(time(Some(951_782_400_000)), "2000-02-29 00:00:00 UTC");
        assert_eq!(time(Some(1_796_059_537_000)), "2026-11-30 17:25:37 UTC");
        assert_eq!(time(None), "—");
    }

    #[test]
    fn escaping_and_search() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(url_encode("a b&c@d"), "a%20b%26c%40d");
        assert!(contains_ci("Ada.Lovelace@Example.com", "lovelace@ex"));
        assert!(!contains_ci("ada", "adam"));
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(window(3, 120), (100, 20));
        assert_eq!(window(9, 120), (120, 0));
    }
}
