//! Command line and environment configuration. Every setting has a flag and an environment
//! variable, documented in `--help`; the defaults run with no configuration at all.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// samenhang: the plans of Dutch area-based programmes as a queryable graph, served over
/// GraphQL. Without a command it serves the API (`serve`).
#[derive(Parser, Debug)]
#[command(name = "samenhang", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// How to serve when no command is given (`samenhang serve --help` lists them).
    #[command(flatten, next_help_heading = "Serving (without a command)")]
    pub serve: ServeArgs,
    /// Log format.
    #[arg(long, env = "SAMENHANG_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true, help_heading = "Logging")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the GraphQL API with GraphiQL (the default).
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Import a data file (all or nothing). Use `-` to read standard input.
    Import {
        /// The data file (YAML, see docs/data-format.md).
        file: PathBuf,
        /// Replace areas that exist already instead of refusing the file.
        #[arg(long)]
        replace: bool,
        /// Check the file against the database without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export the data to a file in the import format. Use `-` for standard output.
    Export {
        /// Where to write.
        file: PathBuf,
        /// Only this area (slug); repeat for several. Default: all areas.
        #[arg(long = "area")]
        areas: Vec<String>,
    },
    /// Write a synthetic dataset (deterministic by seed) in the import format, for benchmarks
    /// and load tests. Use `-` for standard output.
    Generate {
        /// Where to write.
        file: PathBuf,
        /// How large.
        #[arg(long, value_enum, default_value_t = crate::synth::Size::Municipality)]
        size: crate::synth::Size,
        /// The random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Write a network map: `samenhang map collaboration.gexf` writes the Lelystad Oost
    /// collaboration network for Gephi to `lelystad-oost-collaboration.gexf` (without --area,
    /// Lelystad Oost when several areas are loaded). Views: collaboration, bipartite, full,
    /// ego (with --node); formats: svg, gexf, graphml, cyjs, dot, nodes.csv, edges.csv,
    /// kumu.json. An empty database first receives the bundled datasets.
    Map {
        /// The view and format, as `{view}.{ext}` (e.g. `collaboration.svg`).
        map: String,
        /// Where to write (`-` for standard output); default: the map's own file name, such
        /// as `lelystad-oost-collaboration.gexf`, in the current directory.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Do not load the bundled Lelystad Oost dataset into an empty database.
        #[arg(long, env = "SAMENHANG_NO_SEED")]
        no_seed: bool,
        #[command(flatten)]
        request: crate::maps::MapRequest,
        #[command(flatten)]
        options: crate::maps::FileOptions,
    },
    /// Progress measurements: `measurements import RESULTS.csv` records the half-yearly
    /// spreadsheet (see docs/data-format.md), all or nothing; `measurements export` writes the
    /// recorded ones in the same format.
    #[command(subcommand)]
    Measurements(MeasurementsCommand),
    /// Manage API tokens: `token create NAME --role editor` prints a new token once.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the GraphQL schema (SDL), or write it to a file.
    Schema {
        /// Where to write; standard output when left out.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// What to do with measurements.
#[derive(Subcommand, Debug)]
pub enum MeasurementsCommand {
    /// Record the measurements of a CSV file (all or nothing; a row for an indicator, period
    /// and wijk recorded already replaces it). Use `-` to read standard input.
    Import {
        /// The CSV file (columns indicator, period_start, period_end, value, status, wijk,
        /// comment).
        file: PathBuf,
        /// The area whose indicator and wijk slugs the file uses; needed only when a slug is
        /// used in several areas.
        #[arg(long)]
        area: Option<String>,
        /// Check the file against the database without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the recorded measurements as the CSV that `import` reads (importing it again
    /// changes nothing).
    Export {
        /// Where to write; `-` (the default) for standard output.
        #[arg(default_value = "-")]
        file: PathBuf,
        /// Only the indicators of this area (slug); default: every area.
        #[arg(long)]
        area: Option<String>,
    },
}

/// What to do with API tokens.
#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Make a token and print it (only this once; the database keeps a hash).
    Create {
        /// A name for who uses it (letters, digits, - _ . @); the audit trail shows it.
        name: String,
        /// What the token may do.
        #[arg(long, value_enum, default_value_t = crate::auth::Role::Viewer)]
        role: crate::auth::Role,
    },
    /// List the tokens: names, roles, when made and revoked (never the tokens).
    List,
    /// Revoke a token by name.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// Where the data lives.
#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Database URL: a SQLite file (`sqlite://samenhang.sqlite`, created when missing) or
    /// PostgreSQL (`postgres://user:password@host/db`).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://samenhang.sqlite",
        global = true,
        hide_env_values = true
    )]
    pub database_url: DatabaseUrl,
}

/// How to serve.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SAMENHANG_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Do not load the bundled datasets (Lelystad Oost, Dronten, Samen aan de Slag, Zutphen)
    /// into an empty database.
    #[arg(long, env = "SAMENHANG_NO_SEED")]
    pub no_seed: bool,
    /// Longest time one request may take, in seconds.
    #[arg(long, env = "SAMENHANG_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Largest request body, in bytes.
    #[arg(long, env = "SAMENHANG_BODY_LIMIT", default_value_t = 1 << 20)]
    pub body_limit: usize,
    /// Highest cost of one query: an upper bound on the values its answer can hold, computed
    /// before it runs. A field counts 1, a list its most items times what each holds (a page
    /// its size, an unpaged list the longest such list in the data), an analytics field its
    /// `@cost` (e.g. 50 000 for `centrality`).
    #[arg(long, env = "SAMENHANG_MAX_COMPLEXITY", default_value_t = 200_000)]
    pub max_complexity: u64,
    /// Most values (fields and list items; a long text counts one per 256 bytes) one answer
    /// may produce while it runs; past it the request stops with `COST_ACTUAL_TOO_EXPENSIVE`.
    #[arg(long, env = "SAMENHANG_MAX_VALUES", default_value_t = 500_000)]
    pub max_values: u64,
    /// Most cost of all queries running and answers being sent at once (about 500 bytes of
    /// memory per unit at most); a query that does not fit waits, up to the request timeout,
    /// and one whose answer outgrows what is left stops with `SERVICE_UNAVAILABLE`.
    #[arg(long, env = "SAMENHANG_MAX_COST_IN_FLIGHT", default_value_t = 600_000)]
    pub max_cost_in_flight: u64,
    /// Deepest nesting of fields in one query.
    #[arg(long, env = "SAMENHANG_MAX_DEPTH", default_value_t = 24)]
    pub max_depth: u64,
    /// Most aliased fields in one query (aliases multiply the work of a short query).
    #[arg(long, env = "SAMENHANG_MAX_ALIASES", default_value_t = 64)]
    pub max_aliases: u64,
    /// Deepest nesting the query parser follows (selection sets, lists and objects in
    /// arguments).
    #[arg(long, env = "SAMENHANG_MAX_RECURSION", default_value_t = 32)]
    pub max_recursion: usize,
    /// Most directives on one field.
    #[arg(long, env = "SAMENHANG_MAX_DIRECTIVES", default_value_t = 8)]
    pub max_directives: usize,
    /// Switch off schema introspection and "did you mean" suggestions in error messages.
    /// GraphiQL and code generators need introspection; turn it off only where no one
    /// develops against this server.
    #[arg(long, env = "SAMENHANG_NO_INTROSPECTION")]
    pub no_introspection: bool,
    /// What a request without a token may do: `read` (the default, for a local run) or
    /// `none` (every request needs a token). Writes always need a token.
    #[arg(
        long,
        env = "SAMENHANG_ANONYMOUS",
        value_enum,
        default_value_t = Anonymous::Read
    )]
    pub anonymous: Anonymous,
    /// Web origins (such as `https://kaart.example.nl`) whose pages may call the API from a
    /// browser (CORS). Comma-separated, or `*` for any. Default: none, only samenhang's own
    /// pages.
    #[arg(
        long = "cors-origin",
        env = "SAMENHANG_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Request headers a browser page may send besides `Content-Type`, `Authorization` and
    /// `Accept` (CORS). Comma-separated. Default: Apollo's and urql's client headers and the
    /// W3C trace context (`traceparent`, `tracestate`).
    #[arg(
        long = "cors-allow-header",
        env = "SAMENHANG_CORS_ALLOW_HEADERS",
        value_delimiter = ',',
        default_values_t = default_cors_headers()
    )]
    pub cors_allow_headers: Vec<String>,
    /// Manifests of trusted documents (JSON objects of SHA-256 hash to document text, as
    /// GraphQL Code Generator's client preset writes them with `persistedDocuments: true`).
    /// Clients may then send a document's hash instead of its text. Repeatable.
    #[arg(
        long = "trusted-documents",
        env = "SAMENHANG_TRUSTED_DOCUMENTS",
        value_delimiter = ','
    )]
    pub trusted_documents: Vec<std::path::PathBuf>,
    /// Run only the trusted documents: any other document is refused
    /// (`PERSISTED_QUERY_REQUIRED`) and automatic persisted queries are off.
    #[arg(long, env = "SAMENHANG_PERSISTED_ONLY")]
    pub persisted_only: bool,
    /// Most open connections; beyond it a new connection is answered 503 and closed.
    #[arg(long, env = "SAMENHANG_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Most WebSockets (subscriptions) open at once; beyond it an upgrade is answered 503.
    #[arg(long, env = "SAMENHANG_MAX_SOCKETS", default_value_t = 512)]
    pub max_sockets: usize,
    /// Most operations (subscriptions) at once on one WebSocket.
    #[arg(long, env = "SAMENHANG_MAX_SUBSCRIPTIONS", default_value_t = 32)]
    pub max_subscriptions: usize,
    /// Most requests served at once; beyond it a request is answered 503 with `Retry-After`
    /// (`/health` is always answered).
    #[arg(long, env = "SAMENHANG_MAX_IN_FLIGHT", default_value_t = 256)]
    pub max_in_flight: usize,
    /// Longest wait, in seconds, for a client to send a request's headers: from the
    /// connection's start and, between requests, from the end of the last answer (so it is
    /// also the idle timeout of a kept-alive connection).
    #[arg(long, env = "SAMENHANG_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Longest time, in seconds, a connection may make no progress while an answer is being
    /// sent (a client that stops reading).
    #[arg(long, env = "SAMENHANG_WRITE_TIMEOUT", default_value_t = 30)]
    pub write_timeout_secs: u64,
    /// On SIGTERM or Ctrl-C, how long, in seconds, requests in flight may take to finish
    /// before the server stops anyway.
    #[arg(long, env = "SAMENHANG_SHUTDOWN_GRACE", default_value_t = 10)]
    pub shutdown_grace_secs: u64,
}

/// What anonymous requests may do.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anonymous {
    /// Read everything a `viewer` token may read.
    Read,
    /// Nothing: every request needs a token.
    None,
}

/// The request headers of Apollo Client, urql and W3C trace context that pages may send.
fn default_cors_headers() -> Vec<String> {
    [
        "apollographql-client-name",
        "apollographql-client-version",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "traceparent",
        "tracestate",
    ]
    .map(String::from)
    .to_vec()
}

impl ServeArgs {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs.max(1))
    }

    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_secs.max(1))
    }

    pub fn write_timeout(&self) -> Duration {
        Duration::from_secs(self.write_timeout_secs.max(1))
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            no_seed: false,
            request_timeout_secs: 30,
            body_limit: 1 << 20,
            max_complexity: 200_000,
            max_values: 500_000,
            max_cost_in_flight: 600_000,
            max_depth: 24,
            max_aliases: 64,
            max_recursion: 32,
            max_directives: 8,
            no_introspection: false,
            anonymous: Anonymous::Read,
            cors_origins: Vec::new(),
            cors_allow_headers: default_cors_headers(),
            trusted_documents: Vec::new(),
            persisted_only: false,
            max_connections: 1024,
            max_sockets: 512,
            max_subscriptions: 32,
            max_in_flight: 256,
            header_timeout_secs: 10,
            write_timeout_secs: 30,
            shutdown_grace_secs: 10,
        }
    }
}

/// Log output format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A database URL that never prints its password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(url.into())
    }

    /// The URL itself, for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(DatabaseUrl(s.to_owned()))
    }
}

impl fmt::Display for DatabaseUrl {
    /// Shows the URL with any password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.0;
        if let Some((scheme, rest)) = url.split_once("://")
            && let Some((credentials, host)) = rest.split_once('@')
            && let Some((user, _password)) = credentials.split_once(':')
        {
            return write!(f, "{scheme}://{user}:***@{host}");
        }
        f.write_str(url)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_printed() {
        let url = DatabaseUrl::new("postgres://app:s3cret@db.example/samenhang");
        assert_eq!(url.to_string(), "postgres://app:***@db.example/samenhang");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(
            DatabaseUrl::new("sqlite://x.sqlite").to_string(),
            "sqlite://x.sqlite"
        );
    }

    #[test]
    fn defaults_need_no_configuration() {
        let cli = Cli::try_parse_from(["samenhang"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.addr.to_string(), "127.0.0.1:8080");
        let cli = Cli::try_parse_from(["samenhang", "serve", "--addr", "127.0.0.1:9000"]).unwrap();
        let Some(Command::Serve(serve)) = cli.command else {
            panic!("serve parses as serve");
        };
        assert_eq!(serve.addr.port(), 9000);
    }

    /// Issue 13: each command shows its own flags, not the server's.
    #[test]
    fn commands_list_only_their_own_flags() {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        // Global flags (the database URL) reach the subcommands when the command is built.
        cli.build();
        for name in ["map", "import", "export"] {
            let help = cli
                .find_subcommand_mut(name)
                .expect("the command exists")
                .render_long_help()
                .to_string();
            for server_flag in [
                "--addr",
                "--cors-origin",
                "--body-limit",
                "--no-introspection",
            ] {
                assert!(
                    !help.contains(server_flag),
                    "{name} --help lists {server_flag}"
                );
            }
            assert!(
                help.contains("--database-url"),
                "{name} --help lacks --database-url"
            );
        }
        let serve = cli
            .find_subcommand_mut("serve")
            .expect("serve exists")
            .render_long_help()
            .to_string();
        assert!(serve.contains("--addr") && serve.contains("--cors-origin"));
        assert!(
            Cli::try_parse_from(["samenhang", "map", "full.svg", "--addr", "127.0.0.1:1"]).is_err()
        );
        let map = cli
            .find_subcommand_mut("map")
            .expect("map exists")
            .render_long_help()
            .to_string();
        assert!(map.contains("--timeline") && map.contains("--excel") && map.contains("--paper"));
    }
}
