//! The operations behind the commands (cargo's `ops`): each takes resolved
//! settings and a [`crate::ui::Ui`], does the whole job and returns a value
//! the command renders and turns into an exit code. Nothing here parses a flag
//! or writes to stdout or stderr.
//!
//! Does IO (files, the API, the lock) through the modules it calls.

pub mod account;
pub mod apply;
pub mod bill;
pub mod load;
pub mod observe;
pub mod orders;
pub mod pending;
pub mod plan;

pub use account::Account;
pub use apply::{ApplyOutcome, ApplyView, Stop};
pub use load::load;
pub use plan::{PlanOutcome, make_plan};

use crate::Error;

/// A multi-threaded runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Failed(format!("cannot start the async runtime: {e}")))
}
