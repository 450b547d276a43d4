//! Image uploads (profile images, organization logos): the multipart form Clerk takes, the
//! types and the size it accepts, and its errors.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;

use crate::error::{ApiError, ApiResult};

/// The largest image Clerk accepts.
pub(crate) const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// An uploaded image and the form's other text fields.
pub(crate) struct Upload {
    pub(crate) content_type: &'static str,
    pub(crate) data: Bytes,
    pub(crate) fields: HashMap<String, String>,
}

fn missing() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "form_param_missing",
        "Image file missing",
        "There was no image file present in the request",
    )
    .param("file")
}

fn too_large() -> ApiError {
    let text = "The image being uploaded is more than 10MB. Please choose a smaller one.";
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "image_too_large", text, text)
}

/// The image type from its first bytes.
fn sniff(data: &[u8]) -> Option<&'static str> {
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

/// Reads the `file` field (and any text fields) of an image upload, checking it as Clerk does.
pub(crate) async fn read(multipart: Result<Multipart, MultipartRejection>) -> ApiResult<Upload> {
    let mut multipart = multipart.map_err(|_| missing())?;
    let mut file = None;
    let mut fields = HashMap::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == "file" {
                    let declared = field.content_type().map(str::to_owned);
                    let data = field.bytes().await.map_err(|_| too_large())?;
                    file = Some((declared, data));
                } else if !name.is_empty() {
                    fields.insert(
                        name,
                        field.text().await.map_err(|_| ApiError::body_invalid())?,
                    );
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(ApiError::body_invalid()),
        }
    }
    let (declared, data) = file.filter(|(_, d)| !d.is_empty()).ok_or_else(missing)?;
    if data.len() > MAX_IMAGE_BYTES {
        return Err(too_large());
    }
    let Some(content_type) = sniff(&data) else {
        let shown = declared.unwrap_or_else(|| "application/octet-stream".into());
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "request_body_invalid",
            "Request body invalid",
            format!(
                "'{shown}' images are not currently supported. Please use a JPEG, PNG, GIF or WebP image."
            ),
        ));
    };
    Ok(Upload {
        content_type,
        data,
        fields,
    })
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
