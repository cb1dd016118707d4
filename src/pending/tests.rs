//! The record's file, the legacy record, and sorting items against a list.

use std::path::Path;

use chrono::{TimeDelta, TimeZone, Utc};

use super::legacy::{self, Legacy};
use super::*;
use crate::machine::AccountId;
use crate::spec::DesiredSet;
use crate::testing::{ONE_ENTRY_MANIFEST, load_manifest};

fn item(set: &DesiredSet, guid: Option<&str>, at: DateTime<Utc>) -> PendingOrder {
    let entry = &set.orders[0];
    PendingOrder {
        entry: entry.name.clone(),
        spec_digest: identity::spec_digest(&entry.spec),
        guid: guid.map(str::to_owned),
        request: entry.spec.to_request(None),
        recorded_at: at,
    }
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 0).unwrap()
}

fn mine() -> AccountId {
    AccountId::new("http://127.0.0.1:1", "k")
}

fn open(root: &Path, account: AccountId) -> Result<Pending, RecordError> {
    Pending::open(root, account, None)
}

#[test]
fn the_record_lives_beside_the_lock_per_account_and_is_removed_when_empty() {
    let dir = tempfile::tempdir().unwrap();
    let set = load_manifest(dir.path(), ONE_ENTRY_MANIFEST);
    let root = dir.path().join("machine");
    let mut record = open(&root, mine()).unwrap();
    assert!(record.items().is_empty());
    assert_eq!(record.path(), root.join(mine().as_str()).join("pending.json"));
    record.set_items(vec![item(&set, Some("g1"), at())]);
    record.save().unwrap();
    let text = std::fs::read_to_string(record.path()).unwrap();
    assert!(text.contains("\"format_version\": 2") && text.contains(mine().as_str()), "{text}");
    let theirs = AccountId::new("http://127.0.0.1:1", "other key");
    assert!(open(&root, theirs).unwrap().items().is_empty());
    // Another spelling of the same endpoint reads the same record.
    let mut again = open(&root, AccountId::new("http://localhost:1/", "k")).unwrap();
    assert_eq!(again.items(), [item(&set, Some("g1"), at())]);
    again.set_items(Vec::new());
    again.save().unwrap();
    assert!(!record.path().exists());
}

#[test]
fn a_record_that_cannot_be_trusted_fails_closed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = root.join(mine().as_str()).join("pending.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let refused = |text: &str| {
        std::fs::write(&path, text).unwrap();
        open(root, mine()).unwrap_err().to_string()
    };
    assert!(refused("{not json").starts_with("cannot read the pending record"));
    let id = mine().as_str().to_owned();
    let newer = format!(r#"{{"format_version": 3, "account": "{id}", "items": []}}"#);
    assert!(refused(&newer).ends_with("has `format_version` 3; this skyform reads version 2 only"));
    assert!(refused(r#"{"items": []}"#).contains("has no `format_version`"));
    std::fs::write(&path, r#"{"format_version": 2, "account": "0123", "items": []}"#).unwrap();
    let e = open(root, mine()).unwrap_err();
    let why = std::error::Error::source(&e).unwrap().to_string();
    assert_eq!(why, "it is the record of another account (`0123`)");
}

#[cfg(unix)]
#[test]
fn a_record_that_is_a_fifo_or_a_link_to_a_device_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = root.join(mine().as_str()).join("pending.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    let e = open(root, mine()).unwrap_err();
    let why = std::error::Error::source(&e).unwrap().to_string();
    assert_eq!(why, "it is a device, not a regular file");
    std::fs::remove_file(&path).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(made.success());
    let e = open(root, mine()).unwrap_err();
    let why = std::error::Error::source(&e).unwrap().to_string();
    assert_eq!(why, "it is a FIFO (named pipe), not a regular file");
    assert!(e.hint().contains("check the account's orders on the ClearSKY dashboard"));
}

#[test]
fn a_legacy_record_is_merged_once_and_emptied_when_the_record_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let set = load_manifest(dir.path(), ONE_ENTRY_MANIFEST);
    let legacy_path = dir.path().join(".skyform/pending.json");
    std::fs::create_dir_all(legacy_path.parent().unwrap()).unwrap();
    let old_id = legacy::account_id("http://127.0.0.1:1", "k");
    let ours = item(&set, None, at());
    let theirs = item(&set, Some("g9"), at());
    let file = serde_json::json!({
        "format_version": 1,
        "accounts": { old_id.clone(): [ours], "someone-else": [theirs] }
    });
    std::fs::write(&legacy_path, serde_json::to_vec(&file).unwrap()).unwrap();
    assert!(Legacy::read(&legacy_path, "nobody").unwrap().is_none());

    let root = dir.path().join("machine");
    let found = Legacy::read(&legacy_path, &old_id).unwrap();
    let mut record = Pending::open(&root, mine(), found).unwrap();
    assert_eq!(record.legacy().map(|(p, n)| (p.to_owned(), n)), Some((legacy_path.clone(), 1)));
    assert_eq!(record.items(), [item(&set, None, at())]);
    record.save().unwrap();
    assert!(record.legacy().is_none());
    let left = std::fs::read_to_string(&legacy_path).unwrap();
    assert!(left.contains("someone-else") && !left.contains(&old_id), "{left}");
    assert_eq!(open(&root, mine()).unwrap().items(), [item(&set, None, at())]);
    assert!(Legacy::read(&legacy_path, &old_id).unwrap().is_none(), "read once");

    std::fs::write(&legacy_path, r#"{"format_version": 2, "accounts": {}}"#).unwrap();
    let e = Legacy::read(&legacy_path, &old_id).unwrap_err();
    assert!(e.to_string().ends_with("has `format_version` 2; this skyform reads version 1 only"));
}

#[test]
fn items_sort_into_listed_waiting_lapsed_and_other() {
    let dir = tempfile::tempdir().unwrap();
    let set = load_manifest(dir.path(), ONE_ENTRY_MANIFEST);
    let bound = TimeDelta::minutes(10);
    let created = item(&set, Some("g1"), at());
    let unknown = item(&set, None, at());
    let edited = PendingOrder { spec_digest: "0".repeat(64), ..item(&set, None, at()) };
    let items = [created.clone(), unknown.clone(), edited.clone()];

    let nothing = sort(&items, &set, &[], at() + TimeDelta::seconds(20), bound);
    assert_eq!(nothing.waiting, [created.clone(), unknown.clone()]);
    assert_eq!(nothing.other, std::slice::from_ref(&edited));
    assert!(nothing.lapsed.is_empty() && nothing.listed.is_empty());

    // A list taken once the bound has passed: the unknown outcomes stored
    // nothing, the created order is still held, however old.
    let later = sort(&items, &set, &[], at() + bound, bound);
    assert_eq!(later.lapsed, [unknown.clone(), edited]);
    assert_eq!(later.waiting, std::slice::from_ref(&created));
    let day = sort(&items, &set, &[], at() + TimeDelta::days(3), bound);
    assert_eq!(day.waiting, std::slice::from_ref(&created), "never dropped on a timer");

    // The created order shows by GUID; the unknown one by matching its entry.
    let listed = stand_in(&created).unwrap();
    let sorted = sort(&items, &set, std::slice::from_ref(&listed), at() + bound, bound);
    assert_eq!(sorted.listed, [created, unknown]);
    assert!(sorted.waiting.is_empty());
}

#[test]
fn a_stand_in_satisfies_its_entry_and_says_why_it_is_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let set = load_manifest(dir.path(), ONE_ENTRY_MANIFEST);
    let created = item(&set, Some("g1"), at());
    let order = stand_in(&created).unwrap();
    assert_eq!(order.ordering_process_status.as_str(), NOT_YET_LISTED);
    let found =
        identity::find_match(&set.orders[0], &created.request, std::slice::from_ref(&order));
    assert_eq!(found.map(|o| o.task_order_guid.as_str()), Some("g1"));
    let unknown = item(&set, None, at());
    let order = stand_in(&unknown).unwrap();
    assert_eq!(
        (order.task_order_guid.as_str(), order.ordering_process_status.as_str()),
        (UNKNOWN_GUID, OUTCOME_UNKNOWN)
    );
    assert!(identity::find_match(&set.orders[0], &unknown.request, &[order]).is_some());
}
