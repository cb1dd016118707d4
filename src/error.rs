//! The top-level error, its exit code and its hint: the one place where exit
//! codes are decided (see `docs/reference/exit-codes.md`).
//!
//! No IO; `main` prints what this describes.

use std::path::PathBuf;

/// How a successful run ended; each maps to an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Exit 0: done, or a plan without changes.
    Success,
    /// Exit 2: `plan --detailed-exitcode` found changes.
    Changes,
    /// Exit 3: the plan is over budget or has a `blocked` change.
    Blocked,
    /// Exit 5: apply made some changes and failed to make others.
    Partial,
}

impl ExitStatus {
    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Changes => 2,
            Self::Blocked => 3,
            Self::Partial => 5,
        }
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifests have problems (already reported one by one).
    #[error("{count} problem{} found in the manifests", if *count == 1 { "" } else { "s" })]
    Invalid {
        /// How many problems were reported.
        count: usize,
    },
    /// The API (or the network) failed.
    #[error(transparent)]
    Api(#[from] clearsky::api::Error),
    /// The command line or the environment is wrong.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// A file could not be read or written.
    #[error("cannot {action} `{}`", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A saved plan no longer matches the manifests or the live orders.
    #[error("saved plan `{}` is stale", path.display())]
    StalePlan {
        /// The plan file.
        path: PathBuf,
        /// One line per difference found.
        reasons: Vec<String>,
    },
    /// Another apply on the same account holds the lock (or it cannot be taken).
    #[error(transparent)]
    Lock(#[from] crate::lock::Error),
    /// The pending record cannot be read or written.
    #[error(transparent)]
    Pending(#[from] crate::pending::RecordError),
    /// The API refused to estimate some creates for good (a 400): it would
    /// refuse to create them too, so the plan cannot be made.
    #[error("{}", refused_estimates(refusals))]
    EstimateRefused {
        /// Each refused entry with the API's answer.
        refusals: Vec<crate::pricing::EstimateRefusal>,
    },
    /// Apply was interrupted or failed before any change was made.
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::StalePlan { .. } => 4,
            _ => 1,
        }
    }

    /// Extra lines that say how to fix the problem, printed as `hint:`.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Self::Usage { hint: Some(h), .. } => vec![h.clone()],
            Self::StalePlan { reasons, .. } => {
                let mut lines = reasons.clone();
                lines.push("run `skyform plan --out FILE` again and review the new plan".into());
                lines
            }
            Self::Api(e) => e.hint().into_iter().collect(),
            Self::Lock(crate::lock::Error::Busy { path, .. }) => vec![
                "nothing was changed; run apply again when the other run is done, or wait longer \
                 with `--lock-timeout SECS`"
                    .to_owned(),
                format!("the lock is `{}`", path.display()),
            ],
            Self::Pending(e) => vec![e.hint()],
            Self::EstimateRefused { .. } => vec![
                "fix these entries in the manifests; a request the API refused is never sent as an order".into(),
            ],
            _ => Vec::new(),
        }
    }

    /// Shorthand for a usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        Self::Usage { message: message.into(), hint: hint.into() }
    }
}

fn refused_estimates(refusals: &[crate::pricing::EstimateRefusal]) -> String {
    use std::fmt::Write as _;
    let names: Vec<String> = refusals.iter().map(|r| format!("`{}`", r.name)).collect();
    let them = if refusals.len() == 1 { "it" } else { "them" };
    let mut out = format!(
        "the ClearSKY API refused to estimate {}, so it would refuse to create {them} too",
        names.join(", ")
    );
    for r in refusals {
        let text = r.error.to_string().replace('\n', "\n  ");
        let _ = write!(out, "\n  `{}`: {text}", r.name);
    }
    out
}
