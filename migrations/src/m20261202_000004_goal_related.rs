//! Ties between goals: `goal_relation` links a goal to another that serves it (a shared *Doel*
//! of the area to the cluster goal that repeats it). Both ends go with their goal.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const GOAL_RELATION_KINDS: &[&str] = &["served_by"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = "goal_relation";
        manager
            .create_table(
                Table::create()
                    .table(table)
                    .col(big_integer("id").primary_key())
                    .col(big_integer("from_id"))
                    .col(big_integer("to_id"))
                    .col(
                        text("kind")
                            .check(Expr::col("kind").is_in(GOAL_RELATION_KINDS.iter().copied())),
                    )
                    .col(text_null("note"))
                    .check(Expr::col("from_id").ne(Expr::col("to_id")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_goal_relation_from_id")
                            .from(table, "from_id")
                            .to("goal", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_goal_relation_to_id")
                            .from(table, "to_id")
                            .to("goal", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_goal_relation_pair")
                    .table(table)
                    .col("from_id")
                    .col("to_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_goal_relation_to_id")
                    .table(table)
                    .col("to_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("goal_relation").to_owned())
            .await
    }
}
