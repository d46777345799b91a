//! The real organisation a partner record stands for: a key (`organisation`) that the partner
//! records of the same organisation share across areas, so that one can ask which
//! organisations take part in several programmes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("partner")
                    .add_column(string_null("organisation"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("partner")
                    .drop_column("organisation")
                    .to_owned(),
            )
            .await
    }
}
