//! Browser files embedded in the binary and served under content-addressed names
//! (`{prefix}/{name}.{hash}.{ext}`): a new build changes the name, so browsers may keep a file
//! for a year. GraphiQL (`super::graphiql`) and the map page (`super::maps_page`) serve theirs
//! through one [`Assets`] each.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::request_error;
use crate::error::{Error, Result};

/// How long browsers and caches may keep an asset: its name changes with its content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
pub const CSS: &str = "text/css; charset=utf-8";

/// An embedded file: the name a page template uses for it, its content type and its bytes.
pub type File = (&'static str, &'static str, &'static [u8]);

/// One embedded file under its content-addressed name.
struct Asset {
    /// The name in the page template, such as `graphiql.min.js`.
    name: &'static str,
    /// The name it is served under, such as `graphiql.min.3f0c…e2.js`.
    served_as: String,
    content_type: &'static str,
    bytes: &'static [u8],
    /// A strong validator: the content hash, quoted.
    etag: HeaderValue,
}

/// The files one page loads, served under `prefix`.
pub struct Assets {
    prefix: &'static str,
    files: Vec<Asset>,
}

impl Assets {
    pub fn new(prefix: &'static str, files: &[File]) -> Self {
        let files = files
            .iter()
            .map(|&(name, content_type, bytes)| {
                let digest = Sha256::digest(bytes);
                let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
                let served_as = match name.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                    None => format!("{name}.{hash}"),
                };
                let etag = HeaderValue::from_str(&format!("\"{hash}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("\"\""));
                Asset {
                    name,
                    served_as,
                    content_type,
                    bytes,
                    etag,
                }
            })
            .collect();
        Self { prefix, files }
    }

    /// `template` with each `{{name}}` of a file replaced by the address it is served at.
    pub fn fill(&self, template: &str) -> String {
        self.files.iter().fold(template.to_owned(), |page, asset| {
            page.replace(&format!("{{{{{}}}}}", asset.name), &self.address(asset))
        })
    }

    fn address(&self, asset: &Asset) -> String {
        format!("{}/{}", self.prefix, asset.served_as)
    }

    /// The addresses of every file, in the order given.
    #[cfg(test)]
    pub fn addresses(&self) -> Vec<String> {
        self.files.iter().map(|a| self.address(a)).collect()
    }

    /// A file by its served name, `304` when the browser has it already; `404` naming
    /// `missing` for any other name.
    pub fn serve(&self, file: &str, headers: &HeaderMap, missing: &str) -> Response {
        let Some(asset) = self.files.iter().find(|a| a.served_as == file) else {
            return request_error(StatusCode::NOT_FOUND, "NOT_FOUND", missing);
        };
        let cached = headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || tag.as_bytes() == asset.etag.as_bytes());
        let mut response = if cached {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                )],
                asset.bytes,
            )
                .into_response()
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, asset.etag.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
        response
    }
}

/// A fresh nonce for one response's Content-Security-Policy.
pub fn nonce() -> Result<String> {
    let mut bytes = [0_u8; 18];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness for a nonce: {e}")))?;
    Ok(STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        let assets = Assets::new(
            "/x",
            &[("start.js", JAVASCRIPT, b"one"), ("page.css", CSS, b"two")],
        );
        let names = assets.addresses();
        assert_eq!(names.len(), 2);
        assert_ne!(names[0], names[1]);
        assert!(names[0].starts_with("/x/start.") && names[0].ends_with(".js"));
        assert_eq!(names[0].len(), "/x/start..js".len() + 16);
        let page = assets.fill("<script src=\"{{start.js}}\"></script>{{other}}");
        assert_eq!(
            page,
            format!("<script src=\"{}\"></script>{{{{other}}}}", names[0])
        );
    }
}
