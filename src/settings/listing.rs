//! `orders` and `export`, resolved: the commands that read the account and
//! change nothing.
//!
//! Pure: no IO.

use std::path::PathBuf;

use super::{ApiSettings, Environment};
use crate::Error;
use crate::cli::{ExportArgs, OrdersArgs};
use crate::render::Format;

/// `skyform orders`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct OrdersSettings {
    /// Manifests to match the live orders against; empty means none.
    pub paths: Vec<PathBuf>,
    /// How to reach the API.
    pub api: ApiSettings,
    /// List expired orders too.
    pub expired: bool,
    /// Output format.
    pub format: Format,
}

impl OrdersSettings {
    /// Resolves the flags of `orders`.
    pub fn resolve(args: &OrdersArgs, env: &Environment) -> Result<Self, Error> {
        Ok(Self {
            paths: args.paths.clone(),
            api: ApiSettings::resolve(&args.api, env)?,
            expired: args.expired,
            format: args.format.into(),
        })
    }
}

/// `skyform export`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSettings {
    /// Manifests whose orders are already managed; empty means none.
    pub paths: Vec<PathBuf>,
    /// How to reach the API.
    pub api: ApiSettings,
    /// Write the manifest here instead of stdout.
    pub out: Option<PathBuf>,
}

impl ExportSettings {
    /// Resolves the flags of `export`.
    pub fn resolve(args: &ExportArgs, env: &Environment) -> Result<Self, Error> {
        Ok(Self {
            paths: args.paths.clone(),
            api: ApiSettings::resolve(&args.api, env)?,
            out: args.out.clone(),
        })
    }
}
