//! The one error type of the service. Each variant documents the GraphQL `extensions.code` it
//! becomes; database and unexpected failures are logged here and reach clients as an opaque
//! internal error.

use std::fmt;

use sea_orm::{DbErr, SqlErr};

/// Where in a request or a data file a problem was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field, as a path (`input.slug`, `areas[0].partners[3].kind`).
    pub field: String,
    /// Line and column in a data file, when the problem comes from one.
    pub position: Option<(u64, u64)>,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            position: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Everything that can go wrong in samenhang.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `NOT_FOUND`: an id or slug names nothing (HTTP 200 with a GraphQL error; 404 for files).
    #[error("{what} not found: {key}")]
    NotFound {
        what: &'static str,
        key: String,
        field: Option<String>,
    },
    /// `BAD_USER_INPUT`: the request or data file is invalid; every problem found is listed.
    #[error("{}", join_problems(.0))]
    Invalid(Vec<Problem>),
    /// `CONFLICT`: the request clashes with existing data (a taken slug, a node still in use).
    #[error("{message}")]
    Conflict {
        message: String,
        field: Option<String>,
    },
    /// `UNAUTHENTICATED` (HTTP 401): no valid token where one is needed.
    #[error("{0}")]
    Unauthenticated(String),
    /// `FORBIDDEN` (HTTP 403): the token's role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// `BAD_REQUEST` (HTTP 400): the HTTP request itself is ambiguous or malformed (two
    /// `Authorization` headers), so it is refused before anything runs.
    #[error("{0}")]
    BadRequest(String),
    /// `ROLLED_BACK`: this part of a request would have succeeded (or was not run), but another
    /// part failed, so nothing of the request was committed (one request, one transaction).
    #[error("{0}")]
    RolledBack(String),
    /// `INTERNAL_SERVER_ERROR`: the database failed. Logged with context; clients see no detail.
    #[error("database error: {0}")]
    Database(DbErr),
    /// `INTERNAL_SERVER_ERROR`: a broken invariant or an I/O failure. Logged; no detail leaks.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Most characters of a client's input an error message repeats.
const ECHO: usize = 100;

/// `text`, cut to [`ECHO`] characters (with `…`) when it is longer.
pub fn shortened(text: &str) -> String {
    match text.char_indices().nth(ECHO) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn join_problems(problems: &[Problem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => {
            let lines: Vec<String> = many.iter().map(|p| format!("- {p}")).collect();
            format!("{} problems:\n{}", many.len(), lines.join("\n"))
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(vec![Problem::new(field, message)])
    }

    /// Nothing found under `key`; a long key is shortened, so that an answer never carries
    /// back more of a client's input than it needs.
    pub fn not_found(what: &'static str, key: impl fmt::Display, field: Option<&str>) -> Self {
        Error::NotFound {
            what,
            key: shortened(&key.to_string()),
            field: field.map(str::to_owned),
        }
    }

    pub fn conflict(message: impl Into<String>, field: Option<&str>) -> Self {
        Error::Conflict {
            message: message.into(),
            field: field.map(str::to_owned),
        }
    }

    /// The error with the fields it names placed under `path` (`partners[0]` makes
    /// `partner_id` into `partners[0].partner_id`), for a part of a larger input.
    pub fn within(self, path: &str) -> Self {
        let place = |field: String| format!("{path}.{field}");
        match self {
            Error::NotFound { what, key, field } => Error::NotFound {
                what,
                key,
                field: Some(field.map_or_else(|| path.to_owned(), place)),
            },
            Error::Conflict { message, field } => Error::Conflict {
                message,
                field: Some(field.map_or_else(|| path.to_owned(), place)),
            },
            Error::Invalid(problems) => Error::Invalid(
                problems
                    .into_iter()
                    .map(|p| Problem {
                        field: place(p.field),
                        ..p
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// The GraphQL `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "NOT_FOUND",
            Error::Invalid(_) => "BAD_USER_INPUT",
            Error::Conflict { .. } => "CONFLICT",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::BadRequest(_) => "BAD_REQUEST",
            Error::RolledBack(_) => "ROLLED_BACK",
            Error::Database(_) | Error::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<crate::analytics::Cancelled> for Error {
    /// A computation given up because its request was: the client is gone, so nobody reads
    /// this error but the log.
    fn from(_: crate::analytics::Cancelled) -> Self {
        Error::Internal("the computation was given up with its request".into())
    }
}

impl From<DbErr> for Error {
    /// Constraint violations the application did not catch first (a concurrent writer, a row
    /// written around the service) become conflicts; everything else is internal.
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                tracing::warn!(%detail, "unique constraint violated in the database");
                Error::conflict("the change clashes with existing data", None)
            }
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => {
                tracing::warn!(%detail, "foreign key constraint violated in the database");
                Error::conflict("the change refers to data that no longer exists", None)
            }
            _ => Error::Database(err),
        }
    }
}
