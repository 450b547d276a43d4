//! The rules of the images group, below HTTP: what its handlers in
//! `routes::images` call.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::http::StatusCode;
use std::collections::HashMap;

/// The largest image Clerk accepts.
pub(crate) const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// An uploaded image and the form's other text fields.
pub(crate) struct Upload {
    pub(crate) content_type: &'static str,
    pub(crate) data: Bytes,
    pub(crate) fields: HashMap<String, String>,
}

pub(crate) fn missing() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "form_param_missing",
        "Image file missing",
        "There was no image file present in the request",
    )
    .param("file")
}

pub(crate) fn too_large() -> ApiError {
    let text = "The image being uploaded is more than 10MB. Please choose a smaller one.";
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "image_too_large", text, text)
}

/// The image type from its first bytes.
pub(crate) fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_types_are_sniffed() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"GIF89a..."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(sniff(b"<svg>"), None);
    }
}
