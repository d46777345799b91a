//! Progress monitoring: indicators (on an intervention, a goal or a line), their target values
//! per period, and the measurements recorded against them.
//!
//! An indicator is a node like the others (area, slug, version); its owner and wijk restrict
//! deletes, so the application removes an indicator explicitly (and audits it) before its
//! owner. Targets and measurements go with their indicator. Measurement periods are ISO dates
//! (`YYYY-MM-DD`), which sort and compare as text on both databases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const MEASURES: &[&str] = &["count", "percentage", "yes_no", "qualitative"];
const DIRECTIONS: &[&str] = &["higher", "lower"];
const TARGET_NOTES: &[&str] = &["ntb", "none"];
const STATUSES: &[&str] = &["not_started", "on_track", "behind", "achieved"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("indicator")
                    .col(big_integer("id").primary_key())
                    .col(big_integer("area_id"))
                    .col(text("slug"))
                    .col(text("name"))
                    .col(big_integer_null("intervention_id"))
                    .col(big_integer_null("goal_id"))
                    .col(big_integer_null("line_id"))
                    .col(text_null("unit"))
                    .col(
                        text("measure").check(Expr::col("measure").is_in(MEASURES.iter().copied())),
                    )
                    .col(
                        text_null("direction").check(
                            Expr::col("direction")
                                .is_null()
                                .or(Expr::col("direction").is_in(DIRECTIONS.iter().copied())),
                        ),
                    )
                    .col(double_null("baseline_value"))
                    .col(year_null("baseline_year"))
                    .col(year_null("start_year"))
                    .col(year_null("end_year"))
                    .col(
                        text_null("target_note").check(
                            Expr::col("target_note")
                                .is_null()
                                .or(Expr::col("target_note").is_in(TARGET_NOTES.iter().copied())),
                        ),
                    )
                    .col(big_integer_null("wijk_id"))
                    .col(text_null("target_group"))
                    .col(text("source"))
                    .col(
                        big_integer("version")
                            .default(1)
                            .check(Expr::col("version").gte(1)),
                    )
                    // Exactly one owner.
                    .check(Expr::cust(
                        "(CASE WHEN intervention_id IS NULL THEN 0 ELSE 1 END) + \
                             (CASE WHEN goal_id IS NULL THEN 0 ELSE 1 END) + \
                             (CASE WHEN line_id IS NULL THEN 0 ELSE 1 END) = 1",
                    ))
                    .check(
                        Expr::col("start_year")
                            .is_null()
                            .or(Expr::col("end_year").is_null())
                            .or(Expr::col("start_year").lte(Expr::col("end_year"))),
                    )
                    .foreign_key(&mut restrict("indicator", "area_id", "area"))
                    .foreign_key(&mut restrict(
                        "indicator",
                        "intervention_id",
                        "intervention",
                    ))
                    .foreign_key(&mut restrict("indicator", "goal_id", "goal"))
                    .foreign_key(&mut restrict("indicator", "line_id", "line"))
                    .foreign_key(&mut restrict("indicator", "wijk_id", "wijk"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_indicator_area_slug")
                    .table("indicator")
                    .col("area_id")
                    .col("slug")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("indicator_target")
                    .col(big_integer("id").primary_key())
                    .col(big_integer("indicator_id"))
                    .col(double("value"))
                    .col(text_null("qualifier"))
                    .col(year_null("start_year"))
                    .col(year_null("end_year"))
                    .foreign_key(&mut cascade(
                        "indicator_target",
                        "indicator_id",
                        "indicator",
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("measurement")
                    .col(big_integer("id").primary_key())
                    .col(big_integer("indicator_id"))
                    .col(double_null("value"))
                    .col(
                        text_null("status").check(
                            Expr::col("status")
                                .is_null()
                                .or(Expr::col("status").is_in(STATUSES.iter().copied())),
                        ),
                    )
                    .col(text("period_start"))
                    .col(text("period_end"))
                    .col(big_integer_null("wijk_id"))
                    .col(text_null("comment"))
                    .col(text_null("recorded_by"))
                    .col(
                        big_integer("version")
                            .default(1)
                            .check(Expr::col("version").gte(1)),
                    )
                    .check(Expr::col("period_start").lte(Expr::col("period_end")))
                    .check(
                        Expr::col("value")
                            .is_not_null()
                            .or(Expr::col("status").is_not_null()),
                    )
                    .foreign_key(&mut cascade("measurement", "indicator_id", "indicator"))
                    .foreign_key(&mut restrict("measurement", "wijk_id", "wijk"))
                    .to_owned(),
            )
            .await?;
        for (table, col) in [
            ("indicator", "intervention_id"),
            ("indicator", "goal_id"),
            ("indicator", "line_id"),
            ("indicator_target", "indicator_id"),
            ("measurement", "indicator_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_{table}_{col}"))
                        .table(table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["measurement", "indicator_target", "indicator"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn year_null(name: &'static str) -> ColumnDef {
    integer_null(name)
        .check(Expr::col(name).between(1900, 2100))
        .to_owned()
}

fn restrict(table: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table.to_owned(), col.to_owned())
        .to(to.to_owned(), "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn cascade(table: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table.to_owned(), col.to_owned())
        .to(to.to_owned(), "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}
