//! `skyform apply`: resolve the flags, run [`ops::apply`], and show it on
//! stdout as it goes, in the format asked for.

use std::io::{self, IsTerminal};

use super::Context;
use crate::apply::consent::{self, Refusal, RefusalKind};
use crate::apply::{Event, Report};
use crate::cli::ApplyArgs;
use crate::ops::{self, ApplyView, Stop};
use crate::plan::Plan;
use crate::render::ApplyRenderer;
use crate::settings::ApplySettings;
use crate::ui::terminal;
use crate::{Error, ExitStatus};

pub(crate) fn run(args: &ApplyArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    let mut settings = ApplySettings::resolve(args, &ctx.env, io::stdin().is_terminal())?;
    let options = settings.planning.render_options(ctx.color_stdout);
    let view = Stdout(ApplyRenderer::new(settings.planning.format, options));
    match ops::apply::apply(&mut settings, &view, &ctx.ui) {
        Ok(outcome) => outcome.exit(),
        Err(Stop::Early(e)) => {
            // With `--format json` every stop before the first change is a
            // `refused` line, so that stdout alone tells CI what happened.
            if !is_broken_pipe(&e) {
                let kind = match e {
                    Error::StalePlan { .. } => RefusalKind::StalePlan,
                    _ => RefusalKind::Error,
                };
                view.refused(&consent::error_refusal(kind, e.to_string(), e.hints()));
            }
            Err(e)
        }
        Err(Stop::Reported(e)) => Err(e),
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
}

/// Apply shown on stdout by the renderer of the chosen format.
struct Stdout(ApplyRenderer);

impl ApplyView for Stdout {
    fn plan(&self, plan: &Plan) -> io::Result<()> {
        self.0.plan(plan, &mut io::stdout().lock())
    }

    fn refused(&self, refusal: &Refusal) {
        let _ = self.0.refused(refusal, &mut io::stdout().lock());
    }

    fn unchanged(&self) -> io::Result<()> {
        self.0.unchanged(&mut io::stdout().lock())
    }

    fn confirm(&self) -> Result<bool, Error> {
        terminal::confirm()
    }

    fn event(&self, event: &Event) {
        // A closed stdout must not stop the changes in flight; `main` sees it at the report.
        let _ = self.0.event(event, &mut io::stdout().lock());
    }

    fn report(&self, report: &Report) -> io::Result<()> {
        self.0.report(report, &mut io::stdout().lock())
    }

    fn wants_progress(&self) -> bool {
        self.0.shows_progress()
    }
}
