//! Saved plans (`plan --out FILE`, `apply --plan FILE`): the plan plus digests of
//! everything it was computed from, and the check that they still hold.
//!
//! [`SavedPlan::stale_reasons`] is pure; [`SavedPlan::read`] and
//! [`SavedPlan::write`] do file IO.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::api::types::TaskOrder;
use crate::identity;
use crate::plan::Plan;
use crate::spec::ManifestDigest;

/// Version of the saved-plan file.
pub const SAVED_PLAN_VERSION: u32 = 1;

/// What a saved plan remembers of one live order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveDigest {
    /// [`identity::live_digest`] of the order as listed.
    pub digest: String,
    /// Its status then, to say how it changed.
    pub status: String,
}

/// A plan on disk, with what it depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// Always [`SAVED_PLAN_VERSION`] when written by this build.
    pub saved_plan_version: u32,
    /// The skyform version that wrote it.
    pub skyform_version: String,
    /// When it was written.
    pub saved_at: DateTime<Utc>,
    /// The manifest paths given to `plan`, to re-read when `apply --plan` gets none.
    pub paths: Vec<PathBuf>,
    /// SHA-256 of every file read (manifests and AOI files), by path.
    pub files: BTreeMap<String, String>,
    /// Every live order listed, by GUID.
    pub live_orders: BTreeMap<String, LiveDigest>,
    /// The plan itself.
    pub plan: Plan,
}

impl SavedPlan {
    /// Records a plan with the files and live orders it was computed from.
    pub fn new(
        plan: Plan,
        paths: &[PathBuf],
        files: &[ManifestDigest],
        live: &[TaskOrder],
    ) -> Self {
        Self {
            saved_plan_version: SAVED_PLAN_VERSION,
            skyform_version: env!("CARGO_PKG_VERSION").to_owned(),
            saved_at: Utc::now(),
            paths: paths.to_vec(),
            files: digests_of_files(files),
            live_orders: digests_of_orders(live),
            plan,
        }
    }

    /// Reads a saved plan.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            action: "read",
            path: path.to_owned(),
            source,
        })?;
        let saved: Self = serde_json::from_str(&text).map_err(|e| {
            Error::usage(
                format!("`{}` is not a skyform saved plan: {e}", path.display()),
                Some("write one with `skyform plan --out FILE`".to_owned()),
            )
        })?;
        if saved.saved_plan_version != SAVED_PLAN_VERSION {
            return Err(Error::usage(
                format!(
                    "`{}` has saved-plan version {}, this skyform reads version {SAVED_PLAN_VERSION}",
                    path.display(),
                    saved.saved_plan_version
                ),
                Some("make the plan again with this skyform".to_owned()),
            ));
        }
        Ok(saved)
    }

    /// Writes the plan as JSON, atomically (a temporary file renamed into place).
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let io = |source| Error::Io { action: "write", path: path.to_owned(), source };
        let json = serde_json::to_vec_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        std::io::Write::write_all(&mut tmp, &json).map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// Every way the manifests and live orders now differ from when the plan
    /// was made; empty when the plan can be applied as it is.
    pub fn stale_reasons(&self, files: &[ManifestDigest], live: &[TaskOrder]) -> Vec<String> {
        let mut reasons = Vec::new();
        let now_files = digests_of_files(files);
        for (path, digest) in &self.files {
            match now_files.get(path) {
                None => reasons.push(format!("manifest `{path}` is no longer read")),
                Some(d) if d != digest => reasons.push(format!("manifest `{path}` changed")),
                Some(_) => {}
            }
        }
        for path in now_files.keys().filter(|p| !self.files.contains_key(*p)) {
            reasons.push(format!("manifest `{path}` is new"));
        }
        let by_guid: BTreeMap<&str, &TaskOrder> =
            live.iter().map(|o| (o.task_order_guid.as_str(), o)).collect();
        for (guid, saved) in &self.live_orders {
            match by_guid.get(guid.as_str()) {
                None => reasons.push(format!("order `{guid}` disappeared")),
                Some(order) if identity::live_digest(order) != saved.digest => {
                    let now = order.ordering_process_status.to_string();
                    if now == saved.status {
                        reasons.push(format!("order `{guid}` changed"));
                    } else {
                        reasons.push(format!(
                            "order `{guid}` changed status: {} → {now}",
                            saved.status
                        ));
                    }
                }
                Some(_) => {}
            }
        }
        for order in live.iter().filter(|o| !self.live_orders.contains_key(&o.task_order_guid)) {
            reasons.push(format!("order `{}` appeared", order.task_order_guid));
        }
        reasons
    }
}

fn digests_of_files(files: &[ManifestDigest]) -> BTreeMap<String, String> {
    files.iter().map(|f| (f.path.display().to_string(), f.sha256.clone())).collect()
}

fn digests_of_orders(live: &[TaskOrder]) -> BTreeMap<String, LiveDigest> {
    live.iter()
        .map(|o| {
            let d = LiveDigest {
                digest: identity::live_digest(o),
                status: o.ordering_process_status.to_string(),
            };
            (o.task_order_guid.clone(), d)
        })
        .collect()
}
