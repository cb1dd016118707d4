//! The `skyform` binary: parse flags, run, turn the result into an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match skyform::cli::Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // clap uses 2 for usage errors, which means "changes" here: use 1.
            let code = u8::from(err.use_stderr());
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match skyform::run(args) {
        Ok(status) => ExitCode::from(status.exit_code()),
        // A closed pipe (`skyform plan | head`) is not an error (ripgrep does the same).
        Err(skyform::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            skyform::ui::terminal::print_error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}
