//! For admins: the audit trail (the whole log, and the history of one node) and API tokens.
//! The audit trail is read from the database, not the graph: it is long, rarely read, and
//! grows with every write.

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageInfo};
use super::time::DateTime;
use super::{OrGql, author, gql_error, service};
use crate::auth::{Role, TokenInfo, hash_token, new_token};
use crate::error::{Error, Result};
use crate::store::{AuditEntry as Entry, AuditFilter, node_key};

/// One changed row: who changed it, when, with which operation, and the row before and after.
#[derive(Clone)]
pub struct AuditEntry(Entry);

/// One changed row: who changed it, when, with which operation, and the row before and after.
#[Object]
impl AuditEntry {
    /// The entry's number; later entries have higher numbers.
    async fn id(&self) -> i64 {
        self.0.id
    }

    /// When the change was made (RFC 3339, UTC): the time its write began, which is also the
    /// `updatedAt` of the nodes it created or changed.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }

    /// The token name that made the change (`cli:USER` for the command line, `samenhang` for the
    /// bundled dataset loaded on first start).
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// The mutation (`updatePartner`), or `import`, `seed`, `createApiToken`, ...
    async fn operation(&self) -> &str {
        &self.0.operation
    }

    /// The database table of the row (`partner`, `intervention_partner`, `api_token`, ...).
    /// Table names stay as stored: a cluster's rows are in `programme`.
    async fn table(&self) -> &str {
        &self.0.table
    }

    /// The row's id in its table.
    async fn row_id(&self) -> i64 {
        self.0.row_id
    }

    /// The node the row is, or for a link the node it starts from (an intervention, a line).
    /// Empty for API tokens.
    async fn node(&self) -> Option<ID> {
        node_id(&self.0.node)
    }

    /// For a link, the node it leads to (the partner, goal, funding stream, wijk or other
    /// intervention).
    async fn other_node(&self) -> Option<ID> {
        self.0.other_node.as_deref().and_then(node_id)
    }

    /// The row before the change, as stored; empty for an insert.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.as_deref().and_then(json)
    }

    /// The row after the change, as stored; empty for a delete.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.as_deref().and_then(json)
    }
}

/// An audit entry in a page, with its cursor.
#[derive(SimpleObject)]
pub struct AuditEntryEdge {
    /// Pass this as `after` to page on from this entry.
    pub cursor: String,
    /// The entry.
    pub node: AuditEntry,
}

/// One page of the audit trail, newest first.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AuditEntryConnection {
    /// The entries of this page, each with its cursor.
    pub edges: Vec<AuditEntryEdge>,
    /// Where this page lies in the whole list.
    pub page_info: PageInfo,
    /// How many entries match the filter (all pages).
    pub total_count: u64,
}

#[async_graphql::ComplexObject]
impl AuditEntryConnection {
    /// The entries of this page, without the edges' details.
    async fn nodes(&self) -> Vec<AuditEntry> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

/// Which audit entries to list; every condition given must hold.
#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Only changes by this token name.
    pub actor: Option<String>,
    /// Only changes of this node: its own row and the links to and from it.
    pub node: Option<ID>,
    /// Only this operation (`updatePartner`, `import`, ...).
    pub operation: Option<String>,
    /// From this time on (RFC 3339, e.g. `2026-11-30T09:00:00Z`, or a date `2026-11-30`).
    pub since: Option<String>,
    /// Before this time (RFC 3339 or a date).
    pub until: Option<String>,
}

/// An API token as listed: its name and role, never the token.
#[derive(SimpleObject)]
pub struct ApiToken {
    /// The name, shown as the actor in the audit trail.
    pub name: String,
    /// What the token may do.
    pub role: Role,
    /// When it was made (RFC 3339, UTC).
    pub created_at: DateTime,
    /// When it was revoked; empty while it works.
    pub revoked_at: Option<DateTime>,
}

impl From<TokenInfo> for ApiToken {
    fn from(info: TokenInfo) -> Self {
        ApiToken {
            name: info.name,
            role: info.role,
            created_at: DateTime(info.created_at),
            revoked_at: info.revoked_at.map(DateTime),
        }
    }
}

/// A new token: the only time the token itself is shown.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    /// The token, to send as `Authorization: Bearer <token>`. Store it now: samenhang keeps
    /// only its hash and cannot show it again.
    pub token: String,
    /// The token as listed.
    pub info: ApiToken,
}

/// Admin reads.
#[derive(Default)]
pub struct AdminQuery;

#[Object(guard = "crate::api::Need(Role::Admin)")]
impl AdminQuery {
    /// The audit trail, newest first: every change to the data and to tokens. Admins only.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which entries; all when left out.")] filter: Option<AuditLogFilter>,
        #[graphql(desc = "How many entries (at most 500; default 100).")] first: Option<i32>,
        #[graphql(desc = "The cursor of the entry to page on from.")] after: Option<String>,
    ) -> async_graphql::Result<AuditEntryConnection> {
        let filter = audit_filter(filter.unwrap_or_default()).gql()?;
        page(ctx, filter, first, after).await
    }

    /// The history of one node, newest first: its own changes and those of the links to and
    /// from it. Admins only.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node.")] id: ID,
        #[graphql(desc = "How many entries (at most 500; default 100).")] first: Option<i32>,
        #[graphql(desc = "The cursor of the entry to page on from.")] after: Option<String>,
    ) -> async_graphql::Result<AuditEntryConnection> {
        let (table, node) = super::ids::decode(&id)
            .ok_or_else(|| Error::invalid("id", format!("{:?} is not a valid ID", id.as_str())))
            .gql()?;
        let filter = AuditFilter {
            node: Some(node_key(table, node)),
            ..AuditFilter::default()
        };
        page(ctx, filter, first, after).await
    }

    /// Every API token, oldest first (names and roles, never the tokens). Admins only.
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        let tokens = service(ctx)?.store().list_tokens().await.gql()?;
        Ok(tokens.into_iter().map(ApiToken::from).collect())
    }
}

/// Admin writes.
#[derive(Default)]
pub struct AdminMutation;

#[Object(guard = "crate::api::Need(Role::Admin)")]
impl AdminMutation {
    /// Makes a new API token and shows it once. Admins only.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A name for who uses the token (letters, digits, - _ . @).")] name: String,
        #[graphql(desc = "What the token may do.")] role: Role,
    ) -> async_graphql::Result<CreatedApiToken> {
        let token = new_token().gql()?;
        let info = service(ctx)?
            .store()
            .create_token(&name, role, &hash_token(&token), &author(ctx))
            .await
            .gql()?;
        Ok(CreatedApiToken {
            token,
            info: info.into(),
        })
    }

    /// Revokes a token: it stops working at once on this server, and within a few seconds on
    /// other servers of the same database. Admins only.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's name.")] name: String,
    ) -> async_graphql::Result<ApiToken> {
        let service = service(ctx)?;
        let info = service
            .store()
            .revoke_token(&name, &author(ctx))
            .await
            .gql()?;
        service.authenticator().forget();
        Ok(info.into())
    }
}

async fn page(
    ctx: &Context<'_>,
    filter: AuditFilter,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<AuditEntryConnection> {
    let limit = match first {
        None => DEFAULT_PAGE_SIZE,
        Some(n) if n >= 0 && (n as usize) <= MAX_PAGE_SIZE => n as usize,
        Some(_) => {
            return Err(gql_error(Error::invalid(
                "first",
                format!("must be from 0 to {MAX_PAGE_SIZE}"),
            )));
        }
    };
    let before_id = after.as_deref().map(decode_cursor).transpose().gql()?;
    // One more than asked tells whether another page follows.
    let (mut entries, total) = service(ctx)?
        .store()
        .audit_log(&filter, before_id, limit as u64 + 1)
        .await
        .gql()?;
    let has_next_page = entries.len() > limit;
    entries.truncate(limit);
    let edges: Vec<AuditEntryEdge> = entries
        .into_iter()
        .map(|e| AuditEntryEdge {
            cursor: encode_cursor(e.id),
            node: AuditEntry(e),
        })
        .collect();
    Ok(AuditEntryConnection {
        page_info: PageInfo {
            has_previous_page: before_id.is_some(),
            has_next_page,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        },
        edges,
        total_count: total,
    })
}

fn audit_filter(f: AuditLogFilter) -> Result<AuditFilter> {
    let node = f
        .node
        .map(|id| {
            super::ids::decode(&id)
                .map(|(table, n)| node_key(table, n))
                .ok_or_else(|| {
                    Error::invalid(
                        "filter.node",
                        format!("{:?} is not a valid ID", id.as_str()),
                    )
                })
        })
        .transpose()?;
    Ok(AuditFilter {
        actor: f.actor,
        node,
        operation: f.operation,
        since: f
            .since
            .as_deref()
            .map(|t| parse_time("filter.since", t))
            .transpose()?,
        until: f
            .until
            .as_deref()
            .map(|t| parse_time("filter.until", t))
            .transpose()?,
    })
}

/// An RFC 3339 time, or a date (midnight UTC), as milliseconds since the Unix epoch.
fn parse_time(field: &str, text: &str) -> Result<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp_millis());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or_else(|| {
            Error::invalid(
                field,
                "must be an RFC 3339 time (2026-11-30T09:00:00Z) or a date (2026-11-30)",
            )
        })
}

fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("audit:{id}"))
}

fn decode_cursor(cursor: &str) -> Result<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| t.strip_prefix("audit:")?.parse().ok())
        .ok_or_else(|| Error::invalid("after", "not a cursor of the audit log"))
}

/// A stored node reference (`Partner:42`) as the node's ID.
fn node_id(key: &str) -> Option<ID> {
    let (table, id) = super::ids::decode(&URL_SAFE_NO_PAD.encode(key))?;
    Some(super::ids::encode(table, id))
}

fn json(text: &str) -> Option<Json<serde_json::Value>> {
    serde_json::from_str(text).ok().map(Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        let ms = parse_time("t", "2026-11-30T09:15:00.250Z").unwrap();
        assert_eq!(DateTime(ms).to_string(), "2026-11-30T09:15:00.250Z");
        assert_eq!(
            parse_time("t", "2026-11-30").unwrap(),
            parse_time("t", "2026-11-30T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse_time("t", "2026-11-30T10:00:00+01:00").unwrap(),
            parse_time("t", "2026-11-30T09:00:00Z").unwrap()
        );
        assert!(parse_time("t", "gisteren").is_err());
    }

    #[test]
    fn cursors_round_trip() {
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        assert!(decode_cursor("bm9wZQ").is_err());
    }
}
