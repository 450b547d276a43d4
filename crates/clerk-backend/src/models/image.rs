//! [`Image`], a file for the three uploads: a user's profile image, an organization's logo and an
//! OAuth application's logo.

use std::path::Path;

use bytes::Bytes;

use crate::error::{Error, Result};

/// The largest image Clerk accepts.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// An image to upload: JPEG, PNG, GIF or WebP, at most 10 MB.
///
/// ```no_run
/// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
/// use clerk_backend::models::Image;
///
/// let logo = Image::from_path("logo.png").await?;
/// let org = clerk.organizations().upload_logo("org_2abc", logo).await?;
/// # let _ = org; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Image {
    file_name: String,
    content_type: String,
    data: Bytes,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl Image {
    /// An image from memory, with the file name and content type to send (`image/png`, ...).
    /// Empty data, more than 10 MB, or a content type that is not `type/subtype` is refused.
    pub fn from_bytes(
        data: impl Into<Bytes>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Result<Image> {
        let data = data.into();
        let content_type = content_type.into();
        if data.is_empty() {
            return Err(Error::invalid_input("the image is empty"));
        }
        if data.len() > MAX_IMAGE_BYTES {
            return Err(Error::invalid_input(format!(
                "the image is {} bytes; Clerk accepts at most 10 MB",
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
        Ok(Image {
            file_name: file_name.into(),
            content_type,
            data,
        })
    }

    /// An image read from a file; the content type comes from the extension (`.jpg`, `.jpeg`,
    /// `.png`, `.gif`, `.webp`).
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Image> {
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
                    "cannot tell the image type of {}: use a .jpg, .png, .gif or .webp file, or Image::from_bytes",
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
        Image::from_bytes(data, file_name, content_type)
    }

    /// The file name sent with it.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Its content type.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// Its bytes.
    pub fn data(&self) -> &Bytes {
        &self.data
    }
}
