//! One function per subcommand. Commands are thin: they resolve settings, call
//! plain library code and write to stdout/stderr.

mod apply;
mod completions;
mod console;
mod emulator;
mod export;
mod man;
mod orders;
mod plan;
mod schema;
mod validate;

use std::io::IsTerminal;

use crate::cli::{Args, ColorChoice, Command};
use crate::{Error, ExitStatus};

/// What every command may need besides its own flags.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Colour stdout.
    pub color_stdout: bool,
    /// Colour stderr.
    pub color_stderr: bool,
}

impl Context {
    fn resolve(args: &Args) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let pick = |tty: bool| match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Self {
            color_stdout: pick(std::io::stdout().is_terminal()),
            color_stderr: pick(std::io::stderr().is_terminal()),
        }
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<ExitStatus, Error> {
    let ctx = Context::resolve(&args);
    crate::logging::init(args.command.verbose());
    match args.command {
        Command::Validate(a) => validate::run(&a, ctx),
        Command::Schema(a) => schema::run(&a),
        Command::Plan(a) => plan::run(&a, ctx),
        Command::Apply(a) => apply::run(&a, ctx),
        Command::Orders(a) => orders::run(&a, ctx),
        Command::Export(a) => export::run(&a, ctx),
        Command::Emulator(a) => emulator::run(&a, ctx),
        Command::Completions(a) => completions::run(&a),
        Command::Man(_) => man::run(),
    }
}

/// An error writing to stdout (a closed pipe is handled in `main`).
fn stdout_error(source: std::io::Error) -> Error {
    Error::Io { action: "write to", path: "standard output".into(), source }
}
