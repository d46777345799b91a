//! When each node was created and last changed: `created_at` and `updated_at` on every node
//! table, in milliseconds since the Unix epoch. Rows that exist when this migration runs get
//! the time it runs (their real times are not known); from then on a write sets them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "area",
    "programme",
    "line",
    "goal",
    "intervention",
    "partner",
    "funding_stream",
    "wijk",
    "indicator",
    "measurement",
];

const COLUMNS: &[&str] = &["created_at", "updated_at"];

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            <i64 as TryFrom<u128>>::try_from(d.as_millis()).unwrap_or(i64::MAX)
        })
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = now_ms();
        for &table in TABLES {
            for &column in COLUMNS {
                // The default fills the rows already there (SQLite adds a NOT NULL column only
                // with one); every write names both columns.
                manager
                    .alter_table(
                        Table::alter()
                            .table(table)
                            .add_column(big_integer(column).default(now))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for &table in TABLES {
            for &column in COLUMNS {
                manager
                    .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                    .await?;
            }
        }
        Ok(())
    }
}
