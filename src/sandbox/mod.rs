//! The sandbox: the embedded ClearSKY emulator that `--sandbox` plans and
//! applies against, with its state in a file and a lock around it. This is
//! the one place skyform wires the emulator in (and `serve` runs it for
//! the `emulator` command); planning, applying and rendering only ever see a client.
//!
//! Does IO: creates the state's directory, takes the state lock, starts the
//! emulator on a loopback port and writes one line on stderr.

pub mod lock;
pub mod serve;

use std::path::Path;

use chrono::{DateTime, Utc};
use clearsky_emulator as emulator;

use crate::Error;
use crate::ui::Ui;
use lock::SandboxLock;

/// The API key of the sandbox emulator (not a secret).
pub const SANDBOX_KEY: &str = "sandbox";

/// A running sandbox emulator and the lock on its state, held until dropped;
/// the emulator is dropped (and its state written) before the lock.
pub struct Sandbox {
    handle: emulator::Handle,
    _lock: SandboxLock,
}

impl Sandbox {
    /// Starts the emulator with its state in `path` (created on first use),
    /// auto-accept on; `now` moves its clock forward (never back).
    pub fn start(path: &Path, now: Option<DateTime<Utc>>, ui: &dyn Ui) -> Result<Self, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                action: "create",
                path: dir.to_owned(),
                source,
            })?;
            ui.line(&format!("sandbox: created the directory `{}`", dir.display()));
        }
        // Before the state is read: a concurrent run's changes must be in it.
        let lock = lock::acquire(path, ui)?;
        let config = emulator::Config {
            api_keys: vec![SANDBOX_KEY.to_owned()],
            auto_accept: true,
            balance_eur: 1_000_000.0,
            state_file: Some(path.to_owned()),
            ..emulator::Config::default()
        };
        let handle = emulator::spawn(config).map_err(|source| Error::Io {
            action: "start the sandbox with",
            path: path.to_owned(),
            source,
        })?;
        // Moving the clock forward renews recurring orders on each 1st passed.
        match now {
            Some(t) if t > handle.now() => {
                handle.try_set_now(t).map_err(|e| Error::usage(format!("`--now`: {e}"), None))?;
            }
            Some(t) if t < handle.now() => {
                ui.line(&format!(
                    "warning: `--now {}` is before the sandbox clock ({}), which never goes back; \
                     planning at the sandbox clock (delete `{}` to start over)",
                    t.to_rfc3339(),
                    handle.now().to_rfc3339(),
                    path.display()
                ));
            }
            _ => {}
        }
        ui.line(&format!(
            "sandbox: using the embedded ClearSKY emulator (state in `{}`); no real orders are placed",
            path.display()
        ));
        Ok(Self { handle, _lock: lock })
    }

    /// The URL the emulator serves on.
    pub fn url(&self) -> String {
        self.handle.url()
    }

    /// The emulator's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.handle.now()
    }
}
