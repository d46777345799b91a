//! The commands of the `samenhang` binary, and the start-up every command shares: connect,
//! migrate, load the graph and, for a new database, the bundled dataset.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use crate::auth::{hash_token, new_token};
use crate::config::{Cli, Command, DatabaseUrl, MeasurementsCommand, TokenCommand};
use crate::dataset::{self, ImportSummary};
use crate::domain::{Id, Table};
use crate::error::{Error, Result};
use crate::server::{Application, shutdown_signal};
use crate::service::{Draft, Service};
use crate::store::{Author, Store};

/// Connects, migrates and loads the graph. With `seed`, an empty database first receives
/// every bundled dataset, Lelystad Oost first.
pub async fn open(url: &DatabaseUrl, seed: bool) -> Result<Arc<Service>> {
    let all: Vec<&str> = dataset::BUNDLED.iter().map(|(slug, _)| *slug).collect();
    let datasets: &[&str] = if seed { &all } else { &[] };
    open_with(url, datasets).await
}

/// As [`open`], loading only the named bundled datasets, in the order given, into an empty
/// database (tests of one programme use it).
pub async fn open_with(url: &DatabaseUrl, datasets: &[&str]) -> Result<Arc<Service>> {
    let store = Store::connect(url.expose()).await?;
    store.migrate().await?;
    let service = Arc::new(Service::open(store).await?);
    if service.snapshot().data.areas.is_empty() {
        for slug in datasets {
            let text = dataset::bundled(slug)
                .ok_or_else(|| Error::Internal(format!("bundled dataset {slug} missing")))?;
            let file = dataset::parse(text)?;
            let author = Author::new("samenhang", "seed");
            let (_, summary) = service
                .write_sized(&author, dataset::rows_of(&file), |d| {
                    dataset::import(d, &file, false)
                })
                .await?;
            tracing::info!(summary = %describe(&summary), "empty database: loaded a bundled dataset");
        }
    }
    Ok(service)
}

/// Runs the command line.
pub async fn run(cli: Cli) -> Result<()> {
    let url = &cli.database.database_url;
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(serve) => {
            tracing::info!(database = %url, "starting");
            let service = open(url, !serve.no_seed).await?;
            let app = Application::build(service.clone(), &serve).await?;
            let addr = app.local_addr()?;
            let snapshot = service.snapshot();
            tracing::info!(
                %addr,
                areas = snapshot.data.areas.len(),
                interventions = snapshot.data.interventions.len(),
                "serving GraphQL at http://{addr}/graphql, GraphiQL at http://{addr}/"
            );
            app.run_until(shutdown_signal()).await?;
            service.store().clone().close().await
        }
        Command::Migrate => {
            let store = Store::connect(url.expose()).await?;
            store.migrate().await?;
            println!("migrations applied to {url}");
            store.close().await
        }
        Command::Import {
            file,
            replace,
            dry_run,
        } => {
            let text = read_input(&file)?;
            let parsed = dataset::parse(&text)?;
            let service = open(url, false).await?;
            let summary = if dry_run {
                let mut draft = Draft::new(service.snapshot());
                dataset::import(&mut draft, &parsed, replace)?
            } else {
                service
                    .write_sized(&cli_author("import"), dataset::rows_of(&parsed), |d| {
                        dataset::import(d, &parsed, replace)
                    })
                    .await?
                    .1
            };
            let verb = if dry_run { "would import" } else { "imported" };
            println!("{verb} {}", describe(&summary));
            service.store().clone().close().await
        }
        Command::Export { file, areas } => {
            let service = open(url, false).await?;
            let snapshot = service.snapshot();
            let wanted = areas
                .iter()
                .map(|slug| {
                    snapshot
                        .area_by_slug(slug)
                        .ok_or_else(|| Error::not_found("area", slug, Some("area")))
                })
                .collect::<Result<Vec<_>>>()?;
            let selection = (!wanted.is_empty()).then_some(wanted.as_slice());
            let yaml = dataset::to_yaml(&dataset::export(&snapshot.data, selection))?;
            write_output(&file, &yaml)?;
            if file.as_os_str() != "-" {
                eprintln!("exported to {}", file.display());
            }
            service.store().clone().close().await
        }
        Command::Generate { file, size, seed } => {
            let data = crate::synth::generate(size, seed);
            let yaml = dataset::to_yaml(&dataset::export(&data, None))?;
            write_output(&file, &yaml)
        }
        Command::Measurements(MeasurementsCommand::Import {
            file,
            area,
            dry_run,
        }) => {
            let csv = dataset::parse_csv(&read_input(&file)?)?;
            let service = open(url, false).await?;
            let snapshot = service.snapshot();
            let area = area_by_slug(&snapshot, area)?;
            let author = cli_author("importMeasurements");
            let done = if dry_run {
                let mut draft = Draft::new(snapshot);
                dataset::import_measurements(&mut draft, &csv, area, &author.actor)?
            } else {
                let by = author.actor.clone();
                service
                    .write(&author, |d| {
                        dataset::import_measurements(d, &csv, area, &by)
                    })
                    .await?
                    .1
            };
            let verb = if dry_run { "would record" } else { "recorded" };
            println!(
                "{verb} {} new, {} replaced, {} unchanged measurements",
                done.added, done.replaced, done.unchanged
            );
            service.store().clone().close().await
        }
        Command::Measurements(MeasurementsCommand::Export { file, area }) => {
            let service = open(url, false).await?;
            let snapshot = service.snapshot();
            let area = area_by_slug(&snapshot, area)?;
            write_output(&file, &dataset::export_csv(&snapshot, area))?;
            if file.as_os_str() != "-" {
                eprintln!("exported measurements to {}", file.display());
            }
            service.store().clone().close().await
        }
        Command::Token(command) => {
            let store = Store::connect(url.expose()).await?;
            store.migrate().await?;
            let done = token_command(&store, command).await;
            store.close().await?;
            done
        }
        Command::Map {
            map,
            out,
            no_seed,
            request,
            options,
        } => {
            let service = open(url, !no_seed).await?;
            let written = write_map(&service, &map, out, &request, &options);
            service.store().clone().close().await?;
            let path = written?;
            if path.as_os_str() != "-" {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Schema { out } => match out {
            Some(path) => write_output(&path, &crate::api::sdl()),
            None => write_output(Path::new("-"), &crate::api::sdl()),
        },
    }
}

/// Builds a map and writes it to `out` (or its own file name), through a temporary file so
/// a failure leaves no half-written map behind. Returns where it went.
fn write_map(
    service: &Service,
    name: &str,
    out: Option<std::path::PathBuf>,
    request: &crate::maps::MapRequest,
    options: &crate::maps::FileOptions,
) -> Result<std::path::PathBuf> {
    let (view, format) = crate::maps::parse_file_name(name).ok_or_else(|| {
        Error::invalid(
            "map",
            "expected {view}.{ext}: collaboration, bipartite, full or ego, and svg, gexf, \
             graphml, cyjs, dot, nodes.csv, edges.csv or kumu.json (e.g. collaboration.gexf)",
        )
    })?;
    options.check(format)?;
    let s = service.snapshot();
    let spec = crate::maps::resolve(&s, view, request, format.has_positions())?;
    let path = out.unwrap_or_else(|| crate::maps::file_name(&s, &spec, format).into());
    let map = crate::maps::build(&s, &spec)?;
    let failed =
        |e: std::io::Error| Error::Internal(format!("cannot write {}: {e}", path.display()));
    if path.as_os_str() == "-" {
        // A reader that stops early (`| head`) is not an error.
        return match crate::maps::write(&map, format, options, &mut std::io::stdout().lock()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(failed(e)),
            _ => Ok(path),
        };
    }
    let mut partial = path.clone().into_os_string();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let result = std::fs::File::create(&partial)
        .and_then(|mut file| crate::maps::write(&map, format, options, &mut file))
        .and_then(|()| std::fs::rename(&partial, &path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(e));
    }
    Ok(path)
}

/// "lelystad-oost (3 clusters, 83 interventions, ...)".
fn describe(summary: &ImportSummary) -> String {
    let areas: Vec<String> = summary
        .areas
        .iter()
        .map(|(slug, counts)| {
            let parts: Vec<String> = counts
                .iter()
                .filter(|(table, _)| table.is_node() && *table != Table::Area)
                .map(|(table, n)| format!("{n} {}", plural(*table)))
                .collect();
            format!("{slug} ({})", parts.join(", "))
        })
        .collect();
    if areas.is_empty() {
        "nothing".into()
    } else {
        areas.join("; ")
    }
}

fn plural(table: Table) -> &'static str {
    match table {
        Table::Programme => "clusters",
        Table::Line => "lines",
        Table::Goal => "goals",
        Table::Intervention => "interventions",
        Table::Partner => "partners",
        Table::FundingStream => "funding streams",
        Table::Wijk => "wijken",
        Table::Indicator => "indicators",
        Table::Measurement => "measurements",
        _ => "rows",
    }
}

fn read_input(path: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map(|_| ())
    };
    read.map_err(|e| Error::invalid("file", format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::invalid(
            "file",
            format!(
                "{} is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn write_output(path: &Path, text: &str) -> Result<()> {
    let written = if path.as_os_str() == "-" {
        std::io::stdout().write_all(text.as_bytes())
    } else {
        std::fs::write(path, text)
    };
    written.map_err(|e| Error::Internal(format!("cannot write {}: {e}", path.display())))
}

/// The area a `--area SLUG` names, if given.
fn area_by_slug(snapshot: &crate::graph::Snapshot, slug: Option<String>) -> Result<Option<Id>> {
    slug.map(|slug| {
        snapshot
            .area_by_slug(&slug)
            .ok_or_else(|| Error::not_found("area", slug, Some("area")))
    })
    .transpose()
}

/// The author of a write from the command line: `cli:` and the login name.
fn cli_author(operation: &str) -> Author {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Author::new(format!("cli:{user}"), operation)
}

/// `samenhang token create|list|revoke`.
async fn token_command(store: &Store, command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create { name, role } => {
            let token = new_token()?;
            let author = cli_author("createApiToken");
            store
                .create_token(&name, role, &hash_token(&token), &author)
                .await?;
            eprintln!(
                "created the {} token {name:?}; it is shown once, store it now:",
                role.name()
            );
            println!("{token}");
        }
        TokenCommand::List => {
            println!("{:<32} {:<7} {:<25} revoked", "name", "role", "created");
            for t in store.list_tokens().await? {
                println!(
                    "{:<32} {:<7} {:<25} {}",
                    t.name,
                    t.role.name(),
                    crate::store::format_time(t.created_at),
                    t.revoked_at
                        .map_or_else(|| "-".to_owned(), crate::store::format_time)
                );
            }
        }
        TokenCommand::Revoke { name } => {
            store
                .revoke_token(&name, &cli_author("revokeApiToken"))
                .await?;
            eprintln!("revoked the token {name:?}");
        }
    }
    Ok(())
}
