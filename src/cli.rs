//! Command-line flags (clap derive): what the user typed, before any check.
//!
//! Commands resolve these into [`crate::settings`] first and only see the
//! resolved values. No IO here beyond what clap does to read the environment.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Examples:
  skyform validate examples/
  skyform plan --sandbox examples/
  skyform apply --sandbox --auto-approve examples/

Shell completions: `skyform completions bash` (or zsh, fish, powershell, elvish);
manual page, with the environment variables and files skyform uses: `skyform man`.

Exit codes: 0 success/no changes, 1 error, 2 changes (plan --detailed-exitcode),
3 blocked, over budget or unpriced (apply), 4 saved plan is stale, 5 apply failed
part-way, 130 interrupted (before apply's first change nothing was changed; after a second
Ctrl-C during apply's changes one in flight may have been made: run plan).";

/// Declarative plan/apply for ClearSKY Vision tasking orders.
#[derive(Debug, Parser)]
#[command(name = "skyform", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Args {
    /// When to use colour: `auto`, `always` or `never` (`NO_COLOR` turns it off under `auto`).
    // One line in every command's `--help`: the values' own help (on
    // `ColorChoice`) is shown once, in the manual page and docs/reference/cli.md.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        hide_possible_values = true,
        default_value_t = ColorChoice::Auto
    )]
    pub color: ColorChoice,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

pub use crate::render::Format;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests and report every problem at once; talks to no API.
    #[command(after_help = "Example:\n  skyform validate examples/ orders/extra.yaml")]
    Validate(ValidateArgs),
    /// Print the JSON Schema of the manifest format (or of `plan`/`apply --format json`).
    #[command(
        after_help = "Example:\n  skyform schema > manifest.schema.json\n  skyform schema --plan\n  skyform schema --apply-events"
    )]
    Schema(SchemaArgs),
    /// Compare manifests with the live orders and price every change.
    #[command(
        after_help = "Examples:\n  skyform plan --sandbox examples/\n  skyform plan --format markdown --detailed-exitcode manifests/\n  skyform plan --out plan.json manifests/"
    )]
    Plan(PlanArgs),
    /// Place and cancel orders until the account matches the manifests.
    #[command(
        after_help = "Examples:\n  skyform apply --sandbox --auto-approve examples/\n  skyform apply --plan plan.json manifests/"
    )]
    Apply(ApplyArgs),
    /// List the live orders and the manifest entry each one matches.
    #[command(after_help = "Example:\n  skyform orders --sandbox examples/")]
    Orders(OrdersArgs),
    /// Write manifest entries for live orders that no manifest describes yet.
    #[command(after_help = "Example:\n  skyform export --out imported.yaml manifests/")]
    Export(ExportArgs),
    /// List the orders this machine holds back because their creates' outcome
    /// is unknown or they are not listed yet; `forget ENTRY` releases one.
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:\n  skyform pending\n  skyform pending forget aarhus-bay"
    )]
    Pending(PendingArgs),
    /// Run the local ClearSKY tasking API emulator in the foreground.
    #[command(
        after_help = "Example:\n  skyform emulator --listen 127.0.0.1:8080 --state emulator.json --auto-accept"
    )]
    Emulator(EmulatorArgs),
    /// Print a shell completion script on stdout.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout.
    #[command(
        after_help = "Example:\n  skyform man > ~/.local/share/man/man1/skyform.1 && man skyform\n  skyform man | man -l -"
    )]
    Man(ManArgs),
}

impl Command {
    /// The `-v` count of a command that talks to the API (0 for the others).
    pub fn verbose(&self) -> u8 {
        match self {
            Self::Plan(a) => a.api.verbose,
            Self::Apply(a) => a.api.verbose,
            Self::Orders(a) => a.api.verbose,
            Self::Export(a) => a.api.verbose,
            Self::Pending(a) => match &a.action {
                Some(PendingAction::Forget(f)) => f.api.verbose,
                None => a.api.verbose,
            },
            Self::Validate(_)
            | Self::Schema(_)
            | Self::Emulator(_)
            | Self::Completions(_)
            | Self::Man(_) => 0,
        }
    }
}

const COMPLETIONS_HELP: &str = "\
Examples:
  skyform completions bash > ~/.local/share/bash-completion/completions/skyform
  skyform completions zsh > ~/.zfunc/_skyform     # with `fpath+=~/.zfunc` before `compinit`
  skyform completions fish > ~/.config/fish/completions/skyform.fish
  skyform completions powershell >> $PROFILE
  skyform completions elvish >> ~/.config/elvish/rc.elv";

/// `skyform completions`.
#[derive(Debug, ClapArgs)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `skyform man`.
#[derive(Debug, ClapArgs)]
pub struct ManArgs {}

/// `skyform validate`.
#[derive(Debug, ClapArgs)]
pub struct ValidateArgs {
    /// Manifest files or directories (every `*.yaml`/`*.yml` inside, sorted).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// `skyform schema`.
#[derive(Debug, ClapArgs)]
pub struct SchemaArgs {
    /// Print the schema of `plan --format json` instead of the manifest schema.
    #[arg(long)]
    pub plan: bool,
    /// Print the schema of one line of `apply --format json` instead.
    #[arg(long, conflicts_with = "plan")]
    pub apply_events: bool,
}

/// How to reach the API (shared by every command that talks to it).
#[derive(Debug, Clone, ClapArgs)]
pub struct ApiArgs {
    /// Show each API request (method, path, status, attempt, duration) on stderr;
    /// `-vv` shows more. `RUST_LOG` wins when set.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// API base URL; plain `http://` is accepted only for a loopback host.
    #[arg(long, env = "CLEARSKY_API_URL", default_value = "https://api.clearsky.vision")]
    pub api_url: String,
    /// Read the API key from this file instead of `CLEARSKY_API_KEY`.
    #[arg(long, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,
    /// Run against an embedded emulator instead of the real API: no account
    /// needed, no real orders placed.
    #[arg(long)]
    pub sandbox: bool,
    /// Where `--sandbox` keeps its state.
    #[arg(long, value_name = "FILE", default_value = ".skyform/sandbox.json")]
    pub sandbox_state: PathBuf,
    /// Seconds to wait for a connection.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Seconds to wait for a whole request.
    #[arg(long, value_name = "SECS", default_value_t = 120.0)]
    pub timeout: f64,
    /// Plan as if it were this time (RFC 3339 or `YYYY-MM-DD`): for an emulator
    /// whose clock is not the present. With `--sandbox`, moves the sandbox clock
    /// forward (renewing recurring orders on each 1st passed); it never goes back.
    #[arg(long, env = "SKYFORM_NOW", value_name = "TIME")]
    pub now: Option<String>,
}

/// Flags that decide what a plan contains (shared by `plan` and `apply`).
#[derive(Debug, Clone, ClapArgs)]
pub struct PlanFlags {
    /// Manifest files or directories.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also cancel live orders that match no manifest entry.
    #[arg(long)]
    pub prune: bool,
    /// With `--prune`: accept manifests that hold no entry at all, which
    /// cancels every order of the account (refused without it).
    #[arg(long, requires = "prune")]
    pub allow_empty: bool,
    /// Only plan the entries with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    pub target: Vec<String>,
    /// The git revision holding the previous version of the manifests (a pull
    /// request's target branch, `HEAD~1` on main): a live order that matches an
    /// entry as it was there, and no entry now, is that entry's old order, so
    /// it is replaced. Without it no live order is taken for an old one.
    #[arg(long, value_name = "REV", env = "SKYFORM_BASE")]
    pub base: Option<String>,
    /// Requests in flight at once: estimates while planning, then creates and
    /// cancels while applying (at least 1; at most the account's limit).
    /// Default: the account's `MaxConcurrentConnections` (at most 16), or 4
    /// when the account does not say.
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Fail (exit 3) when the plan costs more than this many EUR this month.
    #[arg(long, value_name = "EUR")]
    pub max_cost: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// List unchanged entries too, and show long values (WKT diffs, GUID lists) in full.
    #[arg(long)]
    pub detailed: bool,
    /// How long to keep re-listing the orders for the orders an earlier apply
    /// on this machine created (or may have created) before planning; `apply`
    /// also waits this long after a create whose outcome is unknown (before it
    /// may be sent again) and after its creates (until the new orders show).
    #[arg(long, value_name = "SECS", env = "SKYFORM_RECHECK_WAIT", default_value_t = 15.0)]
    pub recheck_wait: f64,
    /// The longest a new order may take to show in the order list: a create
    /// whose outcome is unknown holds its entry, in this run and the next,
    /// until a list taken this long after it (see `skyform pending`).
    #[arg(long, value_name = "SECS", env = MAX_LIST_LAG_ENV, default_value_t = MAX_LIST_LAG)]
    pub max_list_lag: f64,
}

/// `skyform plan`.
#[derive(Debug, ClapArgs)]
pub struct PlanArgs {
    #[command(flatten)]
    pub flags: PlanFlags,
    #[command(flatten)]
    pub api: ApiArgs,
    /// Save the plan, with digests of what it was computed from, for `apply --plan`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when the plan has changes, 0 when it has none.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Leave the ```geojson map out of `--format markdown`.
    #[arg(long)]
    pub no_map: bool,
}

/// The default of `--max-list-lag`, in seconds: minutes, not the seconds of
/// `--recheck-wait` (a list that lagged 20 s beat a 15 s window).
pub const MAX_LIST_LAG: f64 = 600.0;

/// The environment variable of `--max-list-lag`.
const MAX_LIST_LAG_ENV: &str = "SKYFORM_MAX_LIST_LAG";

/// `skyform apply`.
#[derive(Debug, ClapArgs)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub flags: PlanFlags,
    #[command(flatten)]
    pub api: ApiArgs,
    /// Apply this saved plan: the plan is computed again and applied only if it
    /// equals the saved one (exit 4 otherwise, or if the file was edited).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// With `--plan`: refuse a plan older than this (`90m`, `24h`, `2d`, or
    /// seconds) or made in another calendar month (UTC).
    #[arg(long, value_name = "AGE", default_value = crate::saved_plan::DEFAULT_MAX_AGE)]
    pub max_plan_age: String,
    /// Apply creates the API could not price (without it such a plan is refused, exit 3).
    #[arg(long)]
    pub allow_unpriced: bool,
    /// Do not ask for confirmation (required without a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// How long to wait for another apply on the same account (on this
    /// machine) to finish; 0 fails at once.
    #[arg(long, value_name = "SECS", default_value_t = 600.0)]
    pub lock_timeout: f64,
}

/// `skyform orders`.
#[derive(Debug, ClapArgs)]
pub struct OrdersArgs {
    /// Manifests to match the live orders against (optional).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub api: ApiArgs,
    /// Also list expired orders.
    #[arg(long)]
    pub expired: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

/// Output format of `orders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    /// An aligned table for people.
    #[default]
    Human,
    /// A JSON array: each order's API fields plus `entry` (the matching manifest entry or `null`).
    Json,
    /// A Markdown table.
    Markdown,
    /// An RFC 7946 GeoJSON FeatureCollection of the orders' areas.
    Geojson,
    /// A self-contained SVG map of the orders' areas.
    Svg,
}

impl From<ListFormat> for Format {
    fn from(f: ListFormat) -> Self {
        match f {
            ListFormat::Human => Self::Human,
            ListFormat::Json => Self::Json,
            ListFormat::Markdown => Self::Markdown,
            ListFormat::Geojson => Self::Geojson,
            ListFormat::Svg => Self::Svg,
        }
    }
}

/// `skyform pending`.
#[derive(Debug, ClapArgs)]
pub struct PendingArgs {
    /// What to do; without one, list the record of the account.
    #[command(subcommand)]
    pub action: Option<PendingAction>,
    #[command(flatten)]
    pub api: ApiArgs,
    /// The list-lag bound the listing assumes (as for `plan` and `apply`).
    #[arg(long, value_name = "SECS", env = MAX_LIST_LAG_ENV, default_value_t = MAX_LIST_LAG)]
    pub max_list_lag: f64,
}

/// What `skyform pending` does besides listing.
#[derive(Debug, Subcommand)]
pub enum PendingAction {
    /// Forget an entry's pending orders, after checking the ClearSKY
    /// dashboard: the next apply buys the entry if no order of it is listed.
    Forget(ForgetArgs),
}

/// `skyform pending forget`.
#[derive(Debug, ClapArgs)]
pub struct ForgetArgs {
    /// The manifest entry's `name`.
    #[arg(value_name = "ENTRY")]
    pub entry: String,
    #[command(flatten)]
    pub api: ApiArgs,
    /// How long to wait for an apply on the same account to finish; 0 fails at once.
    #[arg(long, value_name = "SECS", default_value_t = 600.0)]
    pub lock_timeout: f64,
}

/// `skyform export`.
#[derive(Debug, ClapArgs)]
pub struct ExportArgs {
    /// Manifests whose orders are already managed (their matches are skipped).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub api: ApiArgs,
    /// Write the manifest here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `skyform emulator`.
#[derive(Debug, ClapArgs)]
pub struct EmulatorArgs {
    /// Address to listen on (`HOST:PORT`; `:PORT` is loopback, port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Keep the whole state in this JSON file (written atomically after every change).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Accept this API key (repeatable); without any, the key `sandbox` is accepted.
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_keys: Vec<String>,
    /// Accept new orders at once (status `Preparing` instead of `Review`).
    #[arg(long)]
    pub auto_accept: bool,
    /// Start the emulator's clock at this date (`YYYY-MM-DD`) or RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// Add this many milliseconds of latency to every API call.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    /// Answer this fraction of API calls with a transient fault (429/500/503).
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Seed of the fault generator and of the order GUIDs: the same seed gives the
    /// same faults and the same GUIDs, in the order the orders are created.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Use the newer area rule (geometry as sent, 0.5 km² minimum) instead of bounding boxes.
    #[arg(long)]
    pub new_area_rule: bool,
    /// Starting order-credit balance in EUR.
    #[arg(long, value_name = "EUR", default_value_t = 1_000_000.0)]
    pub balance: f64,
    /// How far below zero the balance may go (`EuroOverdraftLimit`), in EUR.
    #[arg(long, value_name = "EUR", default_value_t = 0.0)]
    pub overdraft: f64,
    /// Answer 400/1003 to API calls beyond this many in flight, and report it
    /// as the account's `MaxConcurrentConnections` (10 otherwise).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<std::num::NonZeroUsize>,
    /// How a recurring order shows once its renewal is stopped (undocumented;
    /// both candidates are offered).
    #[arg(long, value_enum, default_value = "month-end")]
    pub renewal_stop: RenewalStopArg,
    /// Serve, validate against and price with the models in this JSON file
    /// (the answer of `GET /api/tasking/models`) instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub models: Option<PathBuf>,
}

/// `--renewal-stop`: how the emulator lists an order whose renewal was stopped
/// (mapped onto the emulator's own setting by the `emulator` command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenewalStopArg {
    /// `To` becomes the last day of the current month; the status follows the clock.
    MonthEnd,
    /// `OrderingProcessStatus` becomes `Canceled`; `To` stays null.
    Canceled,
}
