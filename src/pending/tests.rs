//! The record's file, and sorting items against a list.

use chrono::{TimeDelta, TimeZone, Utc};

use super::*;
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

#[test]
fn the_account_id_is_a_hash_that_depends_on_url_and_key() {
    let id = account_id("https://api.clearsky.vision", "secret-key");
    assert_eq!(id.len(), 32);
    assert!(!id.contains("secret"));
    assert_ne!(id, account_id("https://api.clearsky.vision", "other-key"));
    assert_ne!(id, account_id("http://127.0.0.1:8080", "secret-key"));
}

#[test]
fn the_record_is_kept_per_account_and_removed_when_empty() {
    let dir = tempfile::tempdir().unwrap();
    let set = load_manifest(dir.path(), ONE_ENTRY_MANIFEST);
    let path = dir.path().join(".skyform/pending.json");
    let at = Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 0).unwrap();
    let mut mine = Pending::open(&path, "mine".into()).unwrap();
    assert!(mine.items().is_empty());
    mine.set_items(vec![item(&set, Some("g1"), at)]);
    mine.save().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"format_version\": 1") && text.contains("\"mine\""), "{text}");
    assert!(Pending::open(&path, "theirs".into()).unwrap().items().is_empty());
    let mut again = Pending::open(&path, "mine".into()).unwrap();
    assert_eq!(again.items(), [item(&set, Some("g1"), at)]);
    again.set_items(Vec::new());
    again.save().unwrap();
    assert!(!path.exists());
    std::fs::write(&path, "{not json").unwrap();
    assert!(Pending::open(&path, "mine".into()).is_err(), "an unreadable record fails closed");
}

#[test]
fn items_sort_into_listed_waiting_other_and_expired() {
    let dir = tempfile::tempdir().unwrap();
    let set = load_manifest(dir.path(), ONE_ENTRY_MANIFEST);
    let now = Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 0).unwrap();
    let created = item(&set, Some("g1"), now);
    let unknown = item(&set, None, now);
    let edited = PendingOrder { spec_digest: "0".repeat(64), ..item(&set, None, now) };
    let old = item(&set, Some("g2"), now - TimeDelta::hours(25));
    let items = [created.clone(), unknown.clone(), edited.clone(), old.clone()];

    let nothing = sort(&items, &set, &[], now);
    assert_eq!(nothing.waiting, [created.clone(), unknown.clone()]);
    assert_eq!((nothing.other, nothing.expired), (vec![edited.clone()], vec![old.clone()]));

    // The created order shows by GUID; the unknown one by matching its entry.
    let listed = stand_in(&created).unwrap();
    let sorted = sort(&items, &set, std::slice::from_ref(&listed), now);
    assert_eq!(sorted.listed, [created, unknown]);
    assert!(sorted.waiting.is_empty());
}

#[test]
fn a_stand_in_satisfies_its_entry_and_says_it_is_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let set = load_manifest(dir.path(), ONE_ENTRY_MANIFEST);
    let now = Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 0).unwrap();
    let it = item(&set, Some("g1"), now);
    let order = stand_in(&it).unwrap();
    assert_eq!(order.ordering_process_status.as_str(), NOT_YET_LISTED);
    let found = identity::find_match(&set.orders[0], &it.request, std::slice::from_ref(&order));
    assert_eq!(found.map(|o| o.task_order_guid.as_str()), Some("g1"));
    assert_eq!(stand_in(&item(&set, None, now)), None, "no GUID, no stand-in");
}
