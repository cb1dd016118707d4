//! The pending record: orders an apply created, or may have created, that the
//! order list did not show yet, so that the next run on this machine waits for
//! them instead of buying them again.
//!
//! The API's list can show a new order seconds after the create answered (or
//! failed). Apply waits for its own orders before it exits ([`settle`]); what
//! is still missing then is written to `.skyform/pending.json`, and the next
//! `plan` or `apply` waits for those orders before planning their entries.
//! The record holds, per account (a hash of the API URL and key, never the
//! key), one [`PendingOrder`] per order: the entry's name and spec digest, the GUID
//! when the create answered with one, the body sent, and when.
//!
//! This module does file IO (the record); deciding which items are settled
//! ([`sort`]) and standing in for an unlisted order ([`stand_in`]) are pure.
//! On a machine without the record (a fresh CI runner) nothing is waited for.

pub mod settle;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::identity;
use crate::spec::DesiredSet;
use clearsky::api::types::{OrderRequest, OrderStatus, TaskOrder, TileRef, parse_date};

/// Where the record is kept, relative to the working directory.
pub const PATH: &str = ".skyform/pending.json";

/// Items older than this are dropped: an order not listed a day after its
/// create is not coming.
pub const MAX_AGE: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// The status a stand-in order shows in plans.
pub const NOT_YET_LISTED: &str = "created, not yet listed";

const FORMAT_VERSION: u32 = 1;

/// One order that may exist but was not listed yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingOrder {
    /// The manifest entry's `name`.
    pub entry: String,
    /// [`identity::spec_digest`] of the entry when the order was sent: an
    /// edited entry is not the same order.
    pub spec_digest: String,
    /// The new order's GUID; `None` when the create's outcome was unknown.
    pub guid: Option<String>,
    /// The body sent, to recognise the order in the list.
    pub request: OrderRequest,
    /// When the create was sent (wall clock).
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RecordFile {
    format_version: u32,
    /// Items per account id.
    accounts: BTreeMap<String, Vec<PendingOrder>>,
}

/// The record of one account, read from its file.
#[derive(Debug)]
pub struct Pending {
    path: PathBuf,
    account: String,
    file: RecordFile,
}

/// The account id of a base URL and key: a hash, so that the record never holds the key.
pub fn account_id(base_url: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("skyform-account-v1\n{base_url}\n{key}").as_bytes());
    hex::encode(&digest[..16])
}

impl Pending {
    /// Reads the record at `path` (none yet is an empty record). A record that
    /// cannot be read is an error: ignoring it could buy its orders again.
    pub fn open(path: &Path, account: String) -> Result<Self, Error> {
        let file = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<RecordFile>(&bytes).map_err(|e| Error::Io {
                action: "read",
                path: path.to_owned(),
                source: e.into(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => RecordFile::default(),
            Err(source) => return Err(Error::Io { action: "read", path: path.to_owned(), source }),
        };
        Ok(Self { path: path.to_owned(), account, file })
    }

    /// Reads the record at [`PATH`] for the account `config` reaches.
    pub fn open_for(config: &clearsky::api::Config) -> Result<Self, Error> {
        Self::open(Path::new(PATH), account_id(&config.base_url, config.key.expose()))
    }

    /// The account's items.
    pub fn items(&self) -> &[PendingOrder] {
        self.file.accounts.get(&self.account).map_or(&[], Vec::as_slice)
    }

    /// Replaces the account's items.
    pub fn set_items(&mut self, items: Vec<PendingOrder>) {
        if items.is_empty() {
            self.file.accounts.remove(&self.account);
        } else {
            self.file.accounts.insert(self.account.clone(), items);
        }
    }

    /// Writes the record (atomically: a new file renamed over the old one);
    /// removes the file when no account has items.
    pub fn save(&mut self) -> Result<(), Error> {
        let io = |action, source| Error::Io { action, path: self.path.clone(), source };
        if self.file.accounts.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", e)),
                _ => Ok(()),
            };
        }
        self.file.format_version = FORMAT_VERSION;
        let dir =
            self.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| io("create the directory of", e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io("write", e))?;
        let bytes = serde_json::to_vec_pretty(&self.file).unwrap_or_default();
        tmp.write_all(&bytes).map_err(|e| io("write", e))?;
        tmp.persist(&self.path).map_err(|e| io("write", e.error))?;
        Ok(())
    }
}

/// The items of a record, sorted against a list of live orders.
#[derive(Debug, Default, PartialEq)]
pub struct Sorted {
    /// The order shows in the list (by GUID, or matching its entry).
    pub listed: Vec<PendingOrder>,
    /// The entry is loaded, unchanged, and no order for it shows yet.
    pub waiting: Vec<PendingOrder>,
    /// The entry is not loaded or was edited since: kept, not waited for.
    pub other: Vec<PendingOrder>,
    /// Older than [`MAX_AGE`]: dropped.
    pub expired: Vec<PendingOrder>,
}

/// Sorts `items` against the manifests and the live orders at `now` (wall clock).
pub fn sort(
    items: &[PendingOrder],
    desired: &DesiredSet,
    live: &[TaskOrder],
    now: DateTime<Utc>,
) -> Sorted {
    let mut sorted = Sorted::default();
    for item in items {
        let entry = desired
            .orders
            .iter()
            .find(|o| o.name == item.entry && identity::spec_digest(&o.spec) == item.spec_digest);
        let by_guid = item
            .guid
            .as_deref()
            .is_some_and(|g| live.iter().any(|o| o.task_order_guid.eq_ignore_ascii_case(g)));
        let bucket = if now - item.recorded_at > MAX_AGE {
            &mut sorted.expired
        } else if by_guid {
            &mut sorted.listed
        } else if let Some(entry) = entry {
            if identity::find_match(entry, &item.request, live).is_some() {
                &mut sorted.listed
            } else {
                &mut sorted.waiting
            }
        } else {
            &mut sorted.other
        };
        bucket.push(item.clone());
    }
    sorted
}

/// An order standing in for a created one the list does not show yet, built
/// from the body sent, with the status [`NOT_YET_LISTED`]; `None` without a GUID.
pub fn stand_in(item: &PendingOrder) -> Option<TaskOrder> {
    let r = &item.request;
    let refs = |guids: &Option<Vec<String>>| -> Vec<TileRef> {
        guids.iter().flatten().map(|g| TileRef { guid: g.clone(), wkt: None }).collect()
    };
    Some(TaskOrder {
        task_order_guid: item.guid.clone()?,
        billing_cycle: None,
        ordering_process_status: OrderStatus::Unknown(NOT_YET_LISTED.to_owned()),
        storage_months: r.storage_months,
        api_requests: r.api_requests,
        task_order_area_km2: 0.0,
        satellite_constellations: r.satellite_constellations.clone(),
        model: r.model.clone(),
        image_frequency: r.image_frequency.unwrap_or_default(),
        reference_date: r.reference_date.as_deref().and_then(parse_date),
        from: parse_date(&r.from)?,
        to: r.to.as_deref().and_then(parse_date),
        tiles: refs(&r.tile_guids),
        mini_tiles: refs(&r.mini_tile_guids),
        wkt: r.wkt.clone(),
        created_date: None,
    })
}

#[cfg(test)]
mod tests;
