//! Saved plans (`plan --out FILE`, `apply --plan FILE`): a proof of what was
//! reviewed, not a script to run.
//!
//! The file holds the plan, the settings it was made with (`--prune`,
//! `--target`, `--max-cost`, and the commit `--base` named), digests of every file and live order it was
//! computed from, and a digest of its own content ([`seal`]). `apply --plan`
//! never executes the file: it recomputes the plan with the saved settings and
//! executes the fresh plan only when [`verify`] finds no difference.
//!
//! [`SavedPlan::read`] and [`SavedPlan::write`] do file IO; everything else is pure.

mod age;
pub mod seal;
pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::identity;
use crate::plan::Plan;
use crate::spec::ManifestDigest;
use clearsky::api::types::TaskOrder;
use clearsky::read::{self, FileKind};

pub use age::{DEFAULT_MAX_AGE, format_age, parse_age};

/// Version of the saved-plan file. Version 2 added `settings` and `digest`;
/// version 3 `account`; version 4 `settings.base`.
pub const SAVED_PLAN_VERSION: u32 = 4;

/// What a saved plan remembers of one live order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveDigest {
    /// [`identity::live_digest`] of the order as listed.
    pub digest: String,
    /// Its status then, to say how it changed.
    pub status: String,
}

/// The flags that decide what a plan contains, as the saved plan was made with.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SavedSettings {
    /// `--prune`.
    pub prune: bool,
    /// `--target` names, as given.
    pub targets: Vec<String>,
    /// `--max-cost` in EUR.
    pub max_cost: Option<f64>,
    /// The commit `--base` named (full hex id), when given.
    pub base: Option<String>,
}

impl SavedSettings {
    /// Refuses flags of `apply --plan` (`given`) that differ from the ones the
    /// saved plan was made with. Every plan-deciding flag must be restated: a
    /// flag left out that the saved plan set is refused too, so that a
    /// substituted file cannot turn a reviewed run without `--prune` into a
    /// prune. Called by the settings stage
    /// ([`crate::settings::ApplySettings::adopt_saved`]).
    pub fn check_flags(&self, given: &SavedSettings) -> Result<(), Error> {
        let differs = |flag: &str, given: String, saved: String| {
            Error::usage(
                format!(
                    "`{flag}` differs from the saved plan: given {given}, the plan was made with {saved}"
                ),
                Some(format!(
                    "give `apply --plan` the same `{flag}` as `plan --out`, or make a new plan with `skyform plan --out FILE`"
                )),
            )
        };
        if given.prune != self.prune {
            let shown =
                |p: bool| if p { "`--prune`".to_owned() } else { "no `--prune`".to_owned() };
            return Err(differs("--prune", shown(given.prune), shown(self.prune)));
        }
        if sorted(&given.targets) != sorted(&self.targets) {
            return Err(differs("--target", names(&given.targets), names(&self.targets)));
        }
        if given.max_cost != self.max_cost {
            let shown =
                |m: Option<f64>| m.map_or_else(|| "no `--max-cost`".into(), |m| format!("`{m}`"));
            return Err(differs("--max-cost", shown(given.max_cost), shown(self.max_cost)));
        }
        if given.base != self.base {
            let shown = |b: &Option<String>| {
                b.as_ref().map_or_else(|| "no `--base`".into(), |b| format!("commit `{b}`"))
            };
            return Err(differs("--base", shown(&given.base), shown(&self.base)));
        }
        Ok(())
    }
}

fn sorted(names: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = names.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn names(names: &[String]) -> String {
    if names.is_empty() {
        return "no `--target`".to_owned();
    }
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// A plan on disk, with what it depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// Always [`SAVED_PLAN_VERSION`] when written by this build.
    pub saved_plan_version: u32,
    /// The skyform version that wrote it.
    pub skyform_version: String,
    /// When it was written (system clock; the age checks use `plan.generated_at`).
    pub saved_at: DateTime<Utc>,
    /// The account the plan was made for: a digest of the canonical API URL
    /// and a hash of the key ([`crate::machine::AccountId`]), never the key.
    pub account: String,
    /// The manifest paths given to `plan`, to re-read when `apply --plan` gets none.
    pub paths: Vec<PathBuf>,
    /// The flags that decided the plan.
    pub settings: SavedSettings,
    /// SHA-256 of every file read (manifests and AOI files), by path.
    pub files: BTreeMap<String, String>,
    /// Every live order listed, by GUID.
    pub live_orders: BTreeMap<String, LiveDigest>,
    /// The plan as reviewed.
    pub plan: Plan,
}

impl SavedPlan {
    /// Records a plan with the settings, files and live orders it was computed from.
    pub fn new(
        plan: Plan,
        account: &str,
        paths: &[PathBuf],
        settings: SavedSettings,
        files: &[ManifestDigest],
        live: &[TaskOrder],
    ) -> Self {
        Self {
            saved_plan_version: SAVED_PLAN_VERSION,
            skyform_version: env!("CARGO_PKG_VERSION").to_owned(),
            saved_at: Utc::now(),
            account: account.to_owned(),
            paths: paths.to_vec(),
            settings,
            files: digests_of_files(files),
            live_orders: digests_of_orders(live),
            plan,
        }
    }

    /// Reads a saved plan and checks its digest: an edited file is refused as
    /// stale (exit 4), a file of another version or shape as a usage error.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = read::read_text(path, FileKind::SavedPlan).map_err(|source| Error::Io {
            action: "read",
            path: path.to_owned(),
            source,
        })?;
        let not_a_plan = |why: String| {
            Error::usage(
                format!("`{}` is not a skyform saved plan: {why}", path.display()),
                Some("write one with `skyform plan --out FILE`".to_owned()),
            )
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| not_a_plan(e.to_string()))?;
        let version = value.get("saved_plan_version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(SAVED_PLAN_VERSION)) {
            let shown = version.map_or_else(|| "none".to_owned(), |v| v.to_string());
            return Err(Error::usage(
                format!(
                    "`{}` has saved-plan version {shown}, this skyform reads version {SAVED_PLAN_VERSION}",
                    path.display()
                ),
                Some("make the plan again with this skyform".to_owned()),
            ));
        }
        if let Err(why) = seal::check(&value) {
            return Err(Error::StalePlan { path: path.to_owned(), reasons: vec![why] });
        }
        serde_json::from_value(value).map_err(|e| not_a_plan(e.to_string()))
    }

    /// Writes the plan as JSON with its digest, atomically (a temporary file
    /// renamed into place).
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let io = |source| Error::Io { action: "write", path: path.to_owned(), source };
        let value = serde_json::to_value(self).map_err(|e| io(std::io::Error::other(e)))?;
        let json = serde_json::to_vec_pretty(&seal::sealed(value))
            .map_err(|e| io(std::io::Error::other(e)))?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        std::io::Write::write_all(&mut tmp, &json).map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// Every way the manifest files and live orders now differ from when the
    /// plan was made; empty when they are byte for byte and field for field the same.
    pub fn input_changes(&self, files: &[ManifestDigest], live: &[TaskOrder]) -> Vec<String> {
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

#[cfg(test)]
mod tests;
