//! What skyform says about pending orders: the warnings of a plan that holds
//! an entry back or plans it again ([`held_line`], [`lapsed_line`]), and the
//! lines of `skyform pending` ([`describe`]).
//!
//! Pure: text from values, no IO.

use chrono::{DateTime, TimeDelta, Utc};

use super::{NOT_YET_LISTED, PendingOrder};

/// The warning for an item whose order is not listed yet: its entry is held
/// (not bought again), why, until when, and how to release it.
pub fn held_line(item: &PendingOrder, listed_at: DateTime<Utc>, bound: TimeDelta) -> String {
    let name = &item.entry;
    let until = item.held_until(bound);
    let release = format!(
        "if the ClearSKY dashboard shows no such order, `skyform pending forget {name}` releases it"
    );
    match &item.guid {
        None => format!(
            "warning: `{name}` is not bought again: its create at {} had an unknown outcome and \
             no list shows its order yet; a list may lag up to {} (`--max-list-lag`), so `{name}` \
             is held until a list shows its order or until {}; {release}",
            time(item.recorded_at),
            lag(bound),
            time(until),
        ),
        Some(guid) if listed_at < until => format!(
            "warning: order `{guid}` for `{name}`, created at {}, is still not listed; it counts \
             as existing ({NOT_YET_LISTED}), so `{name}` is not bought again",
            time(item.recorded_at),
        ),
        Some(guid) => format!(
            "warning: order `{guid}` for `{name}`, created at {}, is still not listed, though a \
             list may lag only {} (`--max-list-lag`); it counts as existing, so `{name}` is not \
             bought again; {release}",
            time(item.recorded_at),
            lag(bound),
        ),
    }
}

/// The line for a create of unknown outcome that a list taken at least the
/// bound after it does not show: taken as never stored.
pub fn lapsed_line(
    item: &PendingOrder,
    listed_at: DateTime<Utc>,
    bound: TimeDelta,
    loaded: bool,
) -> String {
    let name = &item.entry;
    let then = if loaded {
        format!("`{name}` is planned again")
    } else {
        "it is removed from the pending record".to_owned()
    };
    format!(
        "no order for `{name}` shows in a list taken {} after its create of unknown outcome at {} \
         (a list lags at most {}, `--max-list-lag`): the create stored nothing, and {then}",
        lag(listed_at - item.recorded_at),
        time(item.recorded_at),
        lag(bound),
    )
}

/// One line per item for `skyform pending`: entry, what is known of its
/// order, when it was recorded, and until when it holds its entry at `now`.
pub fn describe(items: &[PendingOrder], now: DateTime<Utc>, bound: TimeDelta) -> Vec<String> {
    let width = items.iter().map(|i| i.entry.chars().count()).max().unwrap_or(0);
    items
        .iter()
        .map(|item| {
            let until = item.held_until(bound);
            let (what, holds) = match &item.guid {
                None if now < until => {
                    ("outcome unknown".to_owned(), format!("held until {}", time(until)))
                }
                None => (
                    "outcome unknown".to_owned(),
                    "the next plan drops it if no list shows its order".to_owned(),
                ),
                Some(guid) if now < until => {
                    (format!("order {guid}"), "held until a list shows it".to_owned())
                }
                Some(guid) => (
                    format!("order {guid}"),
                    "held: should be listed by now; check the dashboard".to_owned(),
                ),
            };
            format!(
                "  {:<width$}  {what}  recorded {}  {holds}",
                item.entry,
                time(item.recorded_at)
            )
        })
        .collect()
}

/// `2025-04-10 12:00:03 UTC`.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `10 min`, `90 s`, `2 h`.
pub fn lag(d: TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        _ if s >= 3600 && s % 3600 == 0 => format!("{} h", s / 3600),
        _ if s >= 60 && s % 60 == 0 => format!("{} min", s / 60),
        _ => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use clearsky::api::types::OrderRequest;

    fn item(guid: Option<&str>, at: DateTime<Utc>) -> PendingOrder {
        PendingOrder {
            entry: "aarhus-bay".into(),
            spec_digest: "d".into(),
            guid: guid.map(str::to_owned),
            request: serde_json::from_value::<OrderRequest>(serde_json::json!({
                "Model": "Stratus2", "From": "2025-04-01", "SatelliteConstellations": ["Sentinel2"],
                "StorageMonths": 1, "ApiRequests": 1
            }))
            .unwrap(),
            recorded_at: at,
        }
    }

    #[test]
    fn a_held_entry_says_why_until_when_and_how_to_release_it() {
        let at = Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 3).unwrap();
        let ten = TimeDelta::minutes(10);
        let line = held_line(&item(None, at), at + TimeDelta::seconds(20), ten);
        assert_eq!(
            line,
            "warning: `aarhus-bay` is not bought again: its create at 2025-04-10 12:00:03 UTC had \
             an unknown outcome and no list shows its order yet; a list may lag up to 10 min \
             (`--max-list-lag`), so `aarhus-bay` is held until a list shows its order or until \
             2025-04-10 12:10:03 UTC; if the ClearSKY dashboard shows no such order, `skyform \
             pending forget aarhus-bay` releases it"
        );
        let created = held_line(&item(Some("g1"), at), at + TimeDelta::seconds(20), ten);
        assert!(created.contains("counts as existing (created, not yet listed)"), "{created}");
        assert!(!created.contains("forget"), "{created}");
        let late = held_line(&item(Some("g1"), at), at + TimeDelta::minutes(11), ten);
        assert!(late.contains("`skyform pending forget aarhus-bay`"), "{late}");
        let gone = lapsed_line(&item(None, at), at + TimeDelta::minutes(12), ten, true);
        assert!(
            gone.contains("taken 12 min after") && gone.ends_with("`aarhus-bay` is planned again")
        );
    }

    #[test]
    fn the_listing_shows_each_item_and_what_holds_it() {
        let at = Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 3).unwrap();
        let lines = describe(
            &[item(None, at), item(Some("g1"), at)],
            at + TimeDelta::minutes(1),
            TimeDelta::seconds(90),
        );
        assert_eq!(
            lines,
            [
                "  aarhus-bay  outcome unknown  recorded 2025-04-10 12:00:03 UTC  held until 2025-04-10 12:01:33 UTC",
                "  aarhus-bay  order g1  recorded 2025-04-10 12:00:03 UTC  held until a list shows it",
            ]
        );
    }
}
