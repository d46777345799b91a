//! Access control and the audit trail: API tokens (stored only as a hash) and one audit entry
//! per changed row, written in the transaction of the change itself.
//!
//! Times are milliseconds since the Unix epoch (UTC), the same on SQLite and PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ROLES: &[&str] = &["viewer", "editor", "admin"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("api_token")
                    .col(big_pk_auto("id"))
                    .col(text("name").unique_key())
                    .col(text("role").check(Expr::col("role").is_in(ROLES.iter().copied())))
                    .col(text("hash").unique_key())
                    .col(big_integer("created_at"))
                    .col(big_integer_null("revoked_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_entry")
                    .col(big_pk_auto("id"))
                    .col(big_integer("at"))
                    .col(text("actor"))
                    .col(text("operation"))
                    .col(text("table_name"))
                    .col(big_integer("row_id"))
                    .col(text("node"))
                    .col(text_null("other_node"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .to_owned(),
            )
            .await?;
        for column in ["node", "other_node", "actor", "at"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_audit_entry_{column}"))
                        .table("audit_entry")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_entry", "api_token"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
