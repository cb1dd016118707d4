//! One function per subcommand. Commands are thin: they resolve settings,
//! call one operation ([`crate::ops`]) and render the value it returns; exit
//! codes come from that value.

mod apply;
mod completions;
mod emulator;
mod export;
mod man;
mod orders;
mod pending;
mod plan;
mod schema;
mod validate;

use std::io::IsTerminal;

use crate::cli::{Args, ColorChoice, Command};
use crate::settings::Environment;
use crate::ui::Console;
use crate::{Error, ExitStatus};

/// What every command may need besides its own flags.
#[derive(Debug, Clone)]
pub struct Context {
    /// Colour stdout.
    pub color_stdout: bool,
    /// The terminal, for everything said on the side of the output.
    pub ui: Console,
    /// The environment, read once.
    pub env: Environment,
}

impl Context {
    fn resolve(args: &Args, env: Environment) -> Self {
        let pick = |tty: bool| match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !env.no_color,
        };
        Self {
            color_stdout: pick(std::io::stdout().is_terminal()),
            ui: Console { color: pick(std::io::stderr().is_terminal()) },
            env,
        }
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<ExitStatus, Error> {
    let env = Environment::capture();
    crate::ui::logging::init(args.command.verbose(), env.rust_log.as_deref());
    let ctx = Context::resolve(&args, env);
    match args.command {
        Command::Validate(a) => validate::run(&a, &ctx),
        Command::Schema(a) => schema::run(&a),
        Command::Plan(a) => plan::run(&a, &ctx),
        Command::Apply(a) => apply::run(&a, &ctx),
        Command::Orders(a) => orders::run(&a, &ctx),
        Command::Export(a) => export::run(&a, &ctx),
        Command::Pending(a) => pending::run(&a, &ctx),
        Command::Emulator(a) => emulator::run(&a, &ctx),
        Command::Completions(a) => completions::run(&a),
        Command::Man(_) => man::run(),
    }
}

/// An error writing to stdout (a closed pipe is handled in `main`).
fn stdout_error(source: std::io::Error) -> Error {
    crate::ops::apply::stdout_error(source)
}
