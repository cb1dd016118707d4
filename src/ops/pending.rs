//! The account's pending record on this machine as the commands use it:
//! opened for `plan` and `apply` (saying when a legacy per-directory record
//! is taken in), listed by `skyform pending`, and edited by
//! `skyform pending forget`, which holds the account's lock like apply.
//!
//! Does IO (the record, the lock, the key file); talks to no API.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::machine::AccountId;
use crate::pending::{Pending, PendingOrder};
use crate::settings::{ApiSettings, ForgetSettings, PendingSettings};
use crate::ui::Ui;
use crate::{Error, lock};
use clearsky::api;

/// Opens the record of the account `config` reaches, merged with the working
/// directory's legacy record; says so when the legacy record holds items
/// (`moves`: this run saves the record, so they move now).
pub fn open(
    api: &ApiSettings,
    config: &api::Config,
    moves: bool,
    ui: &dyn Ui,
) -> Result<Pending, Error> {
    let pending = Pending::open_for(&api.lock_dir, AccountId::of(api, config), config)?;
    if let Some((legacy, n)) = pending.legacy() {
        let what = crate::pending::settle::orders(n);
        let record = pending.path();
        ui.line(&if moves {
            format!(
                "Moving {what} of this account from `{}` (the record of this directory, kept by \
                 earlier versions) to `{}`, where every run on this machine finds {}.",
                legacy.display(),
                record.display(),
                if n == 1 { "it" } else { "them" }
            )
        } else {
            format!(
                "Read {what} of this account from `{}` (the record of this directory, kept by \
                 earlier versions); the next apply moves {} to `{}`.",
                legacy.display(),
                if n == 1 { "it" } else { "them" },
                record.display()
            )
        });
    }
    Ok(pending)
}

/// What `skyform pending` found.
#[derive(Debug)]
pub struct PendingList {
    /// The record's file.
    pub path: PathBuf,
    /// Its items (legacy ones included).
    pub items: Vec<PendingOrder>,
    /// When it was read.
    pub now: DateTime<Utc>,
}

/// `skyform pending`: the account's record on this machine.
pub fn list(settings: &PendingSettings, ui: &dyn Ui) -> Result<PendingList, Error> {
    let pending = open_without_connecting(&settings.api, false, ui)?;
    Ok(PendingList { path: pending.path(), items: pending.items().to_vec(), now: Utc::now() })
}

/// `skyform pending forget ENTRY`: removes the entry's items under the
/// account's lock; returns how many. An entry without items is an error.
pub fn forget(settings: &ForgetSettings, ui: &dyn Ui) -> Result<usize, Error> {
    let account = account_of(&settings.api)?.0;
    let mut on_wait = |_: Option<u32>| {
        ui.line("waiting for the skyform apply running on this account to finish");
    };
    let _lock =
        lock::acquire(&account, &settings.api.lock_dir, settings.lock_timeout, &mut on_wait)?;
    let mut pending = open_without_connecting(&settings.api, true, ui)?;
    let (gone, kept): (Vec<_>, Vec<_>) =
        pending.items().iter().cloned().partition(|i| i.entry == settings.entry);
    if gone.is_empty() {
        let names: Vec<String> = pending.items().iter().map(|i| format!("`{}`", i.entry)).collect();
        let hint = if names.is_empty() {
            "the account has no pending orders on this machine".to_owned()
        } else {
            format!("pending entries: {}", names.join(", "))
        };
        return Err(Error::usage(
            format!("no pending order for `{}` on this machine", settings.entry),
            Some(hint),
        ));
    }
    pending.set_items(kept);
    pending.save()?;
    Ok(gone.len())
}

/// The account and, for a real API, its client configuration (the key read
/// as `connect` would), without starting anything.
fn account_of(api: &ApiSettings) -> Result<(AccountId, Option<api::Config>), Error> {
    if api.sandbox {
        return Ok((AccountId::sandbox(api), None));
    }
    let key = api.env_key.as_ref().map(|k| k.expose().to_owned());
    let config = api::Config::resolve(&api.api_url, api.api_key_file.as_deref(), key)?;
    Ok((AccountId::of(api, &config), Some(config)))
}

fn open_without_connecting(api: &ApiSettings, moves: bool, ui: &dyn Ui) -> Result<Pending, Error> {
    match account_of(api)? {
        (_, Some(config)) => open(api, &config, moves, ui),
        (account, None) => Ok(Pending::open(&api.lock_dir, account, None)?),
    }
}
