//! Persisted documents: a request may name its document by the SHA-256 of its text instead of
//! sending it. Two kinds, on the wire both `extensions.persistedQuery = {version: 1,
//! sha256Hash}` as Apollo Client and urql send it:
//!
//! - **Trusted documents**, loaded at start from manifests (`--trusted-documents FILE`, the
//!   `{ "<sha256>": "<document>" }` file that GraphQL Code Generator's client preset writes).
//!   With `--persisted-only` they are the only documents the server runs.
//! - **Automatic persisted queries** (APQ): a client sends the hash alone, is told
//!   `PersistedQueryNotFound` when the server does not know it, and sends hash and text once;
//!   the server keeps what it learns in a bounded cache. Off with `--persisted-only`.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_graphql::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Most documents the APQ cache keeps, and most bytes of text.
const APQ_DOCUMENTS: usize = 10_000;
const APQ_BYTES: usize = 32 << 20;

/// The codes of the refusals, as Apollo's clients know them.
pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
pub const REQUIRED: &str = "PERSISTED_QUERY_REQUIRED";
pub const HASH_MISMATCH: &str = "PERSISTED_QUERY_HASH_MISMATCH";
/// A malformed `extensions.persistedQuery` (not Apollo's code: the request itself is wrong).
pub const BAD_REQUEST: &str = "BAD_REQUEST";

/// The documents the server knows by hash.
pub struct Documents {
    trusted: HashMap<String, Arc<str>>,
    persisted_only: bool,
    automatic: Mutex<Learned>,
}

/// The APQ cache: the oldest learned document goes first when it is full.
#[derive(Default)]
struct Learned {
    by_hash: HashMap<String, Arc<str>>,
    order: VecDeque<String>,
    bytes: usize,
}

/// Why a request's document cannot be had: its code and message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

fn refused(code: &'static str, message: impl Into<String>) -> Refused {
    Refused {
        code,
        message: message.into(),
    }
}

impl Documents {
    /// Loads the trusted documents of every manifest. A manifest whose hash does not match its
    /// document, or that is not a JSON object of strings, is refused with the file named.
    pub fn load(manifests: &[impl AsRef<Path>], persisted_only: bool) -> Result<Documents> {
        let mut trusted = HashMap::new();
        for path in manifests {
            let path = path.as_ref();
            let what = || format!("trusted documents {}", path.display());
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::invalid("trusted-documents", format!("{}: {e}", what())))?;
            let manifest: HashMap<String, String> = serde_json::from_str(&text).map_err(|e| {
                Error::invalid(
                    "trusted-documents",
                    format!("{}: not a JSON object of hash to document ({e})", what()),
                )
            })?;
            for (hash, document) in manifest {
                // The client preset writes `sha256:<hex>` unless told otherwise.
                let hash = hash.to_ascii_lowercase();
                let hash = hash.strip_prefix("sha256:").unwrap_or(&hash).to_owned();
                if sha256(&document) != hash {
                    return Err(Error::invalid(
                        "trusted-documents",
                        format!(
                            "{}: the document under {hash} does not have that SHA-256",
                            what()
                        ),
                    ));
                }
                trusted.insert(hash, Arc::from(document));
            }
        }
        if persisted_only && trusted.is_empty() {
            return Err(Error::invalid(
                "persisted-only",
                "--persisted-only needs --trusted-documents: no document could run",
            ));
        }
        Ok(Documents {
            trusted,
            persisted_only,
            automatic: Mutex::new(Learned::default()),
        })
    }

    /// How many trusted documents are loaded.
    pub fn trusted(&self) -> usize {
        self.trusted.len()
    }

    /// The document a request runs: its own text, or the one its hash names. `query` is the
    /// request's text (empty when it sent none), `extensions` its `extensions`.
    pub fn resolve(
        &self,
        query: &str,
        extensions: &HashMap<String, Value>,
    ) -> std::result::Result<Option<Arc<str>>, Refused> {
        let Some(persisted) = extensions.get("persistedQuery") else {
            if self.persisted_only && !self.trusted.contains_key(&sha256(query)) {
                return Err(refused(
                    REQUIRED,
                    "this server runs only its trusted documents: send the document's \
                     sha256Hash in extensions.persistedQuery",
                ));
            }
            return Ok(None);
        };
        let hash = requested_hash(persisted)?;
        if query.is_empty() {
            if let Some(document) = self.trusted.get(&hash) {
                return Ok(Some(document.clone()));
            }
            let learned = (!self.persisted_only)
                .then(|| self.learned(&hash))
                .flatten();
            return match learned {
                Some(document) => Ok(Some(document)),
                None => Err(refused(NOT_FOUND, "PersistedQueryNotFound")),
            };
        }
        if sha256(query) != hash {
            return Err(refused(
                HASH_MISMATCH,
                "the sha256Hash in extensions.persistedQuery is not the SHA-256 of the query",
            ));
        }
        if self.trusted.contains_key(&hash) {
            return Ok(None);
        }
        if self.persisted_only {
            return Err(refused(
                REQUIRED,
                "this server runs only its trusted documents, and this is not one of them",
            ));
        }
        Ok(None)
    }

    /// Whether a request (already resolved) teaches the cache a document: its text sent with
    /// the matching hash. Asked after the document ran, so that a document refused as a whole
    /// (parse, validation, role) is not kept.
    pub fn teaches(&self, query: &str, extensions: &HashMap<String, Value>) -> bool {
        !self.persisted_only && !query.is_empty() && extensions.contains_key("persistedQuery")
    }

    /// Keeps the document of a request that [`teaches`](Self::teaches) it.
    pub fn learn_from(&self, query: &str, extensions: &HashMap<String, Value>) {
        let Some(Ok(hash)) = extensions.get("persistedQuery").map(requested_hash) else {
            return;
        };
        if self.teaches(query, extensions)
            && !self.trusted.contains_key(&hash)
            && sha256(query) == hash
        {
            self.learn(hash, query);
        }
    }

    fn learned(&self, hash: &str) -> Option<Arc<str>> {
        let learned = self.automatic.lock().ok()?;
        learned.by_hash.get(hash).cloned()
    }

    fn learn(&self, hash: String, query: &str) {
        let Ok(mut learned) = self.automatic.lock() else {
            return;
        };
        if learned.by_hash.contains_key(&hash) || query.len() > APQ_BYTES {
            return;
        }
        while learned.order.len() >= APQ_DOCUMENTS || learned.bytes + query.len() > APQ_BYTES {
            let Some(oldest) = learned.order.pop_front() else {
                break;
            };
            if let Some(gone) = learned.by_hash.remove(&oldest) {
                learned.bytes -= gone.len();
            }
        }
        learned.bytes += query.len();
        learned.order.push_back(hash.clone());
        learned.by_hash.insert(hash, Arc::from(query));
    }
}

/// The hash an `extensions.persistedQuery` asks for: version 1, 64 hexadecimal digits.
fn requested_hash(persisted: &Value) -> std::result::Result<String, Refused> {
    let Value::Object(fields) = persisted else {
        return Err(refused(
            BAD_REQUEST,
            "extensions.persistedQuery must be an object with version and sha256Hash",
        ));
    };
    let version = fields.get("version");
    if !matches!(version, Some(Value::Number(n)) if n.as_u64() == Some(1)) {
        return Err(refused(
            BAD_REQUEST,
            "only version 1 of persisted queries is supported",
        ));
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(hash.to_ascii_lowercase())
        }
        _ => Err(refused(
            BAD_REQUEST,
            "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits",
        )),
    }
}

/// The SHA-256 of a text, in lowercase hexadecimal.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persisted(hash: &str) -> HashMap<String, Value> {
        let value = serde_json::json!({ "version": 1, "sha256Hash": hash });
        HashMap::from([(
            "persistedQuery".to_owned(),
            Value::from_json(value).expect("json"),
        )])
    }

    fn manifest(documents: &[&str]) -> tempfile::NamedTempFile {
        let map: HashMap<String, &str> = documents.iter().map(|d| (sha256(d), *d)).collect();
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), serde_json::to_string(&map).expect("json")).expect("write");
        file
    }

    #[test]
    fn automatic_persisted_queries_learn_and_recall() {
        let docs = Documents::load(&[] as &[&Path], false).expect("no manifests");
        let query = "{ __typename }";
        let hash = sha256(query);
        let miss = docs.resolve("", &persisted(&hash));
        assert_eq!(miss.expect_err("unknown").code, NOT_FOUND);
        assert_eq!(docs.resolve(query, &persisted(&hash)), Ok(None));
        assert!(
            docs.resolve("", &persisted(&hash)).is_err(),
            "not before it ran"
        );
        docs.learn_from(query, &persisted(&hash));
        assert_eq!(
            docs.resolve("", &persisted(&hash))
                .expect("learned")
                .as_deref(),
            Some(query)
        );
        let wrong = docs.resolve("{ a }", &persisted(&hash));
        assert_eq!(wrong.expect_err("mismatch").code, HASH_MISMATCH);
        assert_eq!(docs.resolve("{ b }", &HashMap::new()), Ok(None));
    }

    #[test]
    fn persisted_only_runs_trusted_documents_alone() {
        let trusted = "query A { __typename }";
        let file = manifest(&[trusted]);
        let docs = Documents::load(&[file.path()], true).expect("manifest");
        assert_eq!(docs.trusted(), 1);
        let hash = sha256(trusted);
        assert_eq!(
            docs.resolve("", &persisted(&hash))
                .expect("trusted")
                .as_deref(),
            Some(trusted)
        );
        assert_eq!(docs.resolve(trusted, &HashMap::new()), Ok(None));
        let other = "{ x }";
        assert_eq!(
            docs.resolve(other, &HashMap::new())
                .expect_err("untrusted")
                .code,
            REQUIRED
        );
        assert_eq!(
            docs.resolve(other, &persisted(&sha256(other)))
                .expect_err("no APQ")
                .code,
            REQUIRED
        );
        assert_eq!(
            docs.resolve("", &persisted(&sha256(other)))
                .expect_err("unknown")
                .code,
            NOT_FOUND
        );
    }

    #[test]
    fn manifests_are_checked() {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        let prefixed = format!(r#"{{"sha256:{}": "{{ a }}"}}"#, sha256("{ a }"));
        std::fs::write(file.path(), prefixed).expect("write");
        let docs = Documents::load(&[file.path()], true).expect("prefixed hashes");
        assert_eq!(docs.trusted(), 1);
        std::fs::write(file.path(), r#"{"00": "{ a }"}"#).expect("write");
        assert!(Documents::load(&[file.path()], false).is_err());
        std::fs::write(file.path(), "[1]").expect("write");
        assert!(Documents::load(&[file.path()], false).is_err());
        assert!(Documents::load(&[] as &[&Path], true).is_err());
    }

    #[test]
    fn the_cache_is_bounded() {
        let docs = Documents::load(&[] as &[&Path], false).expect("no manifests");
        for i in 0..APQ_DOCUMENTS + 10 {
            let query = format!("{{ a{i}: __typename }}");
            docs.learn_from(&query, &persisted(&sha256(&query)));
        }
        let learned = docs.automatic.lock().expect("lock");
        assert_eq!(learned.by_hash.len(), APQ_DOCUMENTS);
        assert!(!learned.by_hash.contains_key(&sha256("{ a0: __typename }")));
    }
}
