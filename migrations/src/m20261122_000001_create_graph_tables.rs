//! The first schema: one table per node type, one table per link type.
//!
//! Ids are assigned by the application (one sequence across all tables), so no column is
//! auto-incremented. Containment (area → node, programme → line, line/parent → goal) restricts
//! deletes; links cascade with either end. Enums and year ranges are checked by the database
//! too, so a row written around the application still cannot break the model.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PARTNER_KINDS: &[&str] = &[
    "government",
    "police_justice",
    "housing",
    "welfare",
    "education",
    "childcare",
    "care_health",
    "knowledge",
    "business",
    "residents",
    "other",
];
const FUNDING_KINDS: &[&str] = &[
    "spuk",
    "national_programme",
    "municipal",
    "partner",
    "other",
];
const GOAL_LEVELS: &[&str] = &["ambition", "main", "sub"];
const PARTNER_ROLES: &[&str] = &["lead", "penvoerder", "core", "executing"];
const RELATION_KINDS: &[&str] = &["refers_to", "same_as"];

/// Node tables in creation order, each with its own columns after `id`, `area_id` and `slug`.
const NODE_TABLES: &[&str] = &[
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
        manager
            .create_table(
                Table::create()
                    .table("area")
                    .col(big_integer("id").primary_key())
                    .col(text("slug").unique_key())
                    .col(text("name"))
                    .col(text_null("municipality"))
                    .col(text_null("description"))
                    .col(text_null("source"))
                    .to_owned(),
            )
            .await?;

        for &table in NODE_TABLES {
            let mut create = Table::create();
            create
                .table(table)
                .col(big_integer("id").primary_key())
                .col(big_integer("area_id"))
                .col(text("slug"))
                .col(text("name"))
                .col(text_null("description"))
                .foreign_key(
                    ForeignKey::create()
                        .name(format!("fk_{table}_area"))
                        .from(table, "area_id")
                        .to("area", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                );
            node_columns(table, &mut create);
            manager.create_table(create.to_owned()).await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("ux_{table}_area_slug"))
                        .table(table)
                        .col("area_id")
                        .col("slug")
                        .unique()
                        .to_owned(),
                )
                .await?;
        }

        link_table(
            manager,
            "line_funding",
            ("line_id", "line"),
            ("funding_stream_id", "funding_stream"),
            |_| {},
        )
        .await?;
        link_table(
            manager,
            "intervention_goal",
            ("intervention_id", "intervention"),
            ("goal_id", "goal"),
            |_| {},
        )
        .await?;
        link_table(
            manager,
            "intervention_partner",
            ("intervention_id", "intervention"),
            ("partner_id", "partner"),
            |t| {
                t.col(text("role").check(Expr::col("role").is_in(PARTNER_ROLES.iter().copied())));
            },
        )
        .await?;
        link_table(
            manager,
            "intervention_funding",
            ("intervention_id", "intervention"),
            ("funding_stream_id", "funding_stream"),
            |t| {
                t.col(big_integer_null("amount_eur").check(Expr::col("amount_eur").gte(0)))
                    .col(text_null("note"));
            },
        )
        .await?;
        link_table(
            manager,
            "intervention_wijk",
            ("intervention_id", "intervention"),
            ("wijk_id", "wijk"),
            |_| {},
        )
        .await?;
        link_table(
            manager,
            "intervention_relation",
            ("from_id", "intervention"),
            ("to_id", "intervention"),
            |t| {
                t.col(text("kind").check(Expr::col("kind").is_in(RELATION_KINDS.iter().copied())))
                    .col(text_null("note"))
                    .check(Expr::col("from_id").ne(Expr::col("to_id")));
            },
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            "intervention_relation",
            "intervention_wijk",
            "intervention_funding",
            "intervention_partner",
            "intervention_goal",
            "line_funding",
        ]
        .into_iter()
        .chain(NODE_TABLES.iter().rev().copied())
        .chain(["area"]);
        for table in tables {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Adds the columns (and checks and foreign keys) that are particular to one node table.
fn node_columns(table: &str, create: &mut TableCreateStatement) {
    match table {
        "programme" => {
            create.col(text_null("chair")).col(text_null("ambition"));
        }
        "line" => {
            create
                .col(big_integer("programme_id"))
                .col(integer_null("number"))
                .col(text_null("nplv_action_line"))
                .col(json("target_groups"))
                .col(json("principles"))
                .col(json("focus"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_line_programme")
                        .from("line", "programme_id")
                        .to("programme", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                );
        }
        "goal" => {
            create
                .col(big_integer_null("line_id"))
                .col(big_integer_null("parent_id"))
                .col(text("level").check(Expr::col("level").is_in(GOAL_LEVELS.iter().copied())))
                .col(text_null("number"))
                // A goal hangs on a line or on a parent goal, never on both.
                .check(
                    Expr::col("line_id")
                        .is_null()
                        .or(Expr::col("parent_id").is_null()),
                )
                .check(Expr::col("parent_id").ne(Expr::col("id")))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_goal_line")
                        .from("goal", "line_id")
                        .to("line", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_goal_parent")
                        .from("goal", "parent_id")
                        .to("goal", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                );
        }
        "intervention" => {
            create
                .col(text_null("period"))
                .col(year_null("start_year"))
                .col(year_null("end_year"))
                .col(json("targets"))
                .col(json("indicators"))
                .col(json("target_groups"))
                .col(text_null("notes"))
                .check(start_before_end());
        }
        "partner" => {
            create
                .col(text("kind").check(Expr::col("kind").is_in(PARTNER_KINDS.iter().copied())))
                .col(json("aliases"));
        }
        "funding_stream" => {
            create
                .col(text("kind").check(Expr::col("kind").is_in(FUNDING_KINDS.iter().copied())))
                .col(year_null("start_year"))
                .col(year_null("end_year"))
                .col(big_integer_null("amount_eur").check(Expr::col("amount_eur").gte(0)))
                .col(json("aliases"))
                .check(start_before_end());
        }
        "wijk" => {
            create
                .col(text_null("municipality"))
                .col(text_null("cbs_code"))
                .col(json("aliases"));
        }
        other => unreachable!("no columns declared for node table {other}"),
    }
}

fn year_null(name: &'static str) -> ColumnDef {
    integer_null(name)
        .check(Expr::col(name).between(1900, 2100))
        .to_owned()
}

fn start_before_end() -> SimpleExpr {
    Expr::col("start_year")
        .is_null()
        .or(Expr::col("end_year").is_null())
        .or(Expr::col("start_year").lte(Expr::col("end_year")))
}

/// Creates a link table: its own id (insertion order), two cascading foreign keys and a unique
/// pair, plus whatever columns `extra` adds.
async fn link_table(
    manager: &SchemaManager<'_>,
    table: &'static str,
    (from_col, from_table): (&'static str, &'static str),
    (to_col, to_table): (&'static str, &'static str),
    extra: impl FnOnce(&mut TableCreateStatement),
) -> Result<(), DbErr> {
    let mut create = Table::create();
    create
        .table(table)
        .col(big_integer("id").primary_key())
        .col(big_integer(from_col))
        .col(big_integer(to_col))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_{from_col}"))
                .from(table, from_col)
                .to(from_table, "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_{to_col}"))
                .from(table, to_col)
                .to(to_table, "id")
                .on_delete(ForeignKeyAction::Cascade),
        );
    extra(&mut create);
    manager.create_table(create.to_owned()).await?;
    manager
        .create_index(
            Index::create()
                .name(format!("ux_{table}_pair"))
                .table(table)
                .col(from_col)
                .col(to_col)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(format!("ix_{table}_{to_col}"))
                .table(table)
                .col(to_col)
                .to_owned(),
        )
        .await
}
