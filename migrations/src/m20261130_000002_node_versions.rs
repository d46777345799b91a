//! Optimistic locking: every node row gets a `version`, 1 when created and one more with every
//! change, so an update made on an old version can be refused.

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
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for &table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(
                            big_integer("version")
                                .default(1)
                                .check(Expr::col("version").gte(1)),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for &table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("version")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
