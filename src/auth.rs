//! Who is asking: API tokens, their roles, and the principal a request acts as.
//!
//! A token is 32 random bytes, shown once as `smh_` followed by base64url. The database keeps
//! only its SHA-256 hash: a stolen database does not hand out working tokens, and the tokens'
//! own randomness makes a slow password hash unnecessary.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::Store;

/// What a token may do. Each role may do everything the roles before it may.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum, clap::ValueEnum,
)]
#[graphql(name = "Role")]
pub enum Role {
    /// Read the data and the analytics.
    Viewer,
    /// Also create, change and delete data.
    Editor,
    /// Also manage tokens and read the audit trail.
    Admin,
}

impl Role {
    /// The name stored in the database and used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        [Role::Viewer, Role::Editor, Role::Admin]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// Who a request acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// No token was given; may read when anonymous reading is on.
    Anonymous { may_read: bool },
    /// A valid token.
    Token { name: String, role: Role },
}

impl Principal {
    /// The actor recorded in the audit trail.
    pub fn actor(&self) -> &str {
        match self {
            Principal::Anonymous { .. } => "anonymous",
            Principal::Token { name, .. } => name,
        }
    }

    /// Whether the principal may do what `role` may; otherwise the error to give:
    /// `UNAUTHENTICATED` without a token, `FORBIDDEN` with one.
    pub fn require(&self, role: Role) -> Result<()> {
        match self {
            Principal::Token { role: have, .. } if *have >= role => Ok(()),
            Principal::Token { name, role: have } => Err(Error::Forbidden(format!(
                "the token {name:?} has the role {}; this needs the role {}",
                have.name(),
                role.name()
            ))),
            Principal::Anonymous { may_read: true } if role == Role::Viewer => Ok(()),
            Principal::Anonymous { .. } => Err(Error::Unauthenticated(format!(
                "this needs a token with the role {} (Authorization: Bearer …)",
                role.name()
            ))),
        }
    }
}

/// A token as listed: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A fresh random token.
pub fn new_token() -> Result<String> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness for a token: {e}")))?;
    Ok(format!("smh_{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The hash under which a token is stored, as lowercase hex.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Actor names the audit trail gives to samenhang itself, in any case: the dataset loaded on
/// first start (`samenhang`) and requests without a token (`anonymous`).
const RESERVED_NAMES: &[&str] = &["samenhang", "anonymous"];
/// Beginnings of actor names kept for samenhang, in any case: the command line (`cli:USER`)
/// and anything the system may record in future (`system…`).
const RESERVED_PREFIXES: &[&str] = &["cli:", "system"];

/// Checks a token name: what the audit trail shows as the actor. Letters, digits and a few
/// marks (never a control or non-character, so it is stored and exported alike everywhere),
/// and never a name samenhang records for itself, so no token can pass its changes off as
/// the seed loader's or the command line's.
pub fn check_token_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if !ok {
        return Err(Error::invalid(
            "name",
            "must be 1 to 100 letters, digits, '-', '_', '.' or '@'",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED_NAMES.contains(&lower.as_str())
        || RESERVED_PREFIXES.iter().any(|p| lower.starts_with(p))
    {
        return Err(Error::invalid(
            "name",
            format!(
                "{name:?} is reserved: the audit trail shows samenhang itself as `samenhang`, \
                 `anonymous`, `cli:…` or `system…` (in any case); choose another name"
            ),
        ));
    }
    Ok(())
}

/// The token of an `Authorization` header value: the scheme `Bearer` in any case (RFC 7235),
/// one or more spaces or tabs, and the token.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, rest) = header.split_once([' ', '\t'])?;
    let token = rest.trim_matches([' ', '\t']);
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// How long a token lookup is remembered: a revoked token stops working within this time.
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(5);
/// Most remembered lookups (unknown tokens included); beyond it the memory starts over.
const TOKEN_CACHE_ENTRIES: usize = 10_000;

/// A remembered token lookup: when, and the token's name and role if it is valid.
type Lookup = (Instant, Option<(String, Role)>);

/// Turns `Authorization` headers into principals, remembering lookups for a few seconds so
/// that a request costs no database query.
pub struct Authenticator {
    store: Store,
    seen: Mutex<HashMap<String, Lookup>>,
}

impl Authenticator {
    pub fn new(store: Store) -> Authenticator {
        Authenticator {
            store,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The principal for an `Authorization` header value (or its absence). A header that is
    /// not a valid bearer token is `UNAUTHENTICATED`, even where anonymous reading is on.
    pub async fn principal(
        &self,
        authorization: Option<&str>,
        anonymous_read: bool,
    ) -> Result<Principal> {
        let Some(header) = authorization else {
            return Ok(Principal::Anonymous {
                may_read: anonymous_read,
            });
        };
        let token = bearer_token(header).ok_or_else(|| {
            Error::Unauthenticated("the Authorization header must be `Bearer <token>`".into())
        })?;
        let hash = hash_token(token);
        let remembered = {
            let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
            seen.get(&hash)
                .filter(|(at, _)| at.elapsed() < TOKEN_CACHE_TTL)
                .map(|(_, found)| found.clone())
        };
        let found = match remembered {
            Some(found) => found,
            None => {
                let found = self.store.find_token(&hash).await?;
                let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
                if seen.len() >= TOKEN_CACHE_ENTRIES {
                    seen.clear();
                }
                seen.insert(hash, (Instant::now(), found.clone()));
                found
            }
        };
        match found {
            Some((name, role)) => Ok(Principal::Token { name, role }),
            None => Err(Error::Unauthenticated(
                "the token is unknown or revoked".into(),
            )),
        }
    }

    /// Forgets every remembered lookup (after a token is revoked through this server).
    pub fn forget(&self) {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("smh_") && a.len() == 4 + 43);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn roles_include_the_ones_below() {
        let editor = Principal::Token {
            name: "ci".into(),
            role: Role::Editor,
        };
        assert!(editor.require(Role::Viewer).is_ok());
        assert!(editor.require(Role::Editor).is_ok());
        assert_eq!(editor.require(Role::Admin).unwrap_err().code(), "FORBIDDEN");
        let reader = Principal::Anonymous { may_read: true };
        assert!(reader.require(Role::Viewer).is_ok());
        assert_eq!(
            reader.require(Role::Editor).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
        let nobody = Principal::Anonymous { may_read: false };
        assert_eq!(
            nobody.require(Role::Viewer).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
    }

    #[test]
    fn token_names_are_checked() {
        assert!(check_token_name("front-end").is_ok());
        assert!(check_token_name("anna@gemeente.nl").is_ok());
        assert!(check_token_name("").is_err());
        assert!(check_token_name("with space").is_err());
        for reserved in [
            "samenhang",
            "SamenHang",
            "anonymous",
            "ANONYMOUS",
            "system",
            "system-import",
            "System.Backup",
            "cli:anna",
        ] {
            let err = check_token_name(reserved).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{reserved}");
        }
        assert!(check_token_name("samenhang-redactie").is_ok());
        assert!(check_token_name("ecosystem").is_ok());
        assert!(check_token_name("client").is_ok());
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer_token("Bearer smh_x"), Some("smh_x"));
        assert_eq!(bearer_token("BEARER smh_x"), Some("smh_x"));
        assert_eq!(bearer_token("bEaReR \t  smh_x "), Some("smh_x"));
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer   "), None);
        assert_eq!(bearer_token("Bearersmh_x"), None);
        assert_eq!(bearer_token("Basic smh_x"), None);
    }
}
