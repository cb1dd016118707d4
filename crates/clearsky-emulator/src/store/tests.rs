//! Unit tests of the store's rules below HTTP: credits and spend tiers at
//! creation, tile deduplication, cancel, accept and deny, monthly renewal,
//! status by the clock, and expiry. Prices follow the Stratus-2 table of
//! `emulator/pricing.rs`: €0.20 per km² and image below 1000 € of monthly
//! spend, €0.07 from there to 3000 €.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::State;
use crate::config::{Config, RenewalStop};
use crate::models::{Catalogue, builtin};
use crate::reply::Refusal;
use crate::validation::{Aoi, ValidOrder};
use clearsky::api::types::{OrderStatus, TaskOrder, TileRef};
use clearsky::grid::Cell;

const ID: &str = "tenant";
const MONTH_END: RenewalStop = RenewalStop::MonthEnd;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// A state at the default clock, 2025-04-10 12:00 UTC, with one tenant.
fn state(config: &Config) -> State {
    let mut s = State::new(config);
    s.tenant(ID, config);
    s
}

fn balance(s: &State) -> f64 {
    s.tenants[ID].balance_eur
}

fn create(s: &mut State, order: ValidOrder, config: &Config) -> String {
    s.create(ID, order, config).unwrap().task_order_guid
}

fn find<'a>(s: &'a State, guid: &str) -> &'a TaskOrder {
    &s.tenants[ID].orders.iter().find(|o| o.order.task_order_guid == guid).unwrap().order
}

fn status(s: &State, guid: &str) -> OrderStatus {
    find(s, guid).ordering_process_status.clone()
}

fn tiles(tiles: &[Uuid], from: &str, to: &str) -> ValidOrder {
    let aoi = Aoi::Tiles { tiles: tiles.to_vec(), minitiles: Vec::new() };
    ValidOrder { tile_deduplication: true, ..ValidOrder::stratus2(aoi, from, Some(to)) }
}

#[test]
fn create_deducts_the_quote_and_counts_it_as_this_months_spend() {
    let config = Config::default();
    let mut s = state(&config);
    // April from the 1st, weekly: 1, 8, 15, 22, 29 → 5 × 100 km² × €0.20.
    let guid = create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert!(close(balance(&s), 9_900.0));
    assert!(close(s.tenants[ID].spend["2025-04"], 100.0));
    let stored = &s.tenants[ID].orders[0];
    assert_eq!(stored.charges, [("2025-04".to_owned(), 100.0)]);
    assert_eq!(stored.paid_through, day("2025-04-30"));
    assert_eq!(stored.order.ordering_process_status, OrderStatus::Review);
    assert_eq!(stored.accepted, None);
    assert!(close(stored.order.task_order_area_km2, 100.0));
    // The list hides CreatedDate, details show it.
    assert_eq!(s.list(ID, false, false)[0].created_date, None);
    let details = s.details(ID, &[format!(" {} ", guid.to_uppercase())]);
    assert_eq!(details[0].created_date.as_deref(), Some("2025-04-10T12:00:00Z"));
    // 890 € more spent this month: the next order crosses into the €0.07 band
    // after 10 € (50 km²), so 450 of its 500 km² cost €0.07.
    create(
        &mut s,
        ValidOrder::stratus2(Aoi::km2(890.0), "2025-04-01", Some("2025-04-30")),
        &config,
    );
    let before = balance(&s);
    create(
        &mut s,
        ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", Some("2025-04-30")),
        &config,
    );
    assert!(close(before - balance(&s), 10.0 + 450.0 * 0.07), "{}", before - balance(&s));
    assert_eq!(s.orders_created, 3);
}

#[test]
fn auto_accept_starts_in_preparing() {
    let config = Config { auto_accept: true, ..Config::default() };
    let mut s = state(&config);
    let guid = create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert_eq!(status(&s, &guid), OrderStatus::Preparing);
    assert_eq!(s.tenants[ID].orders[0].accepted, Some(at("2025-04-10T12:00:00Z")));
}

#[test]
fn an_order_beyond_balance_and_overdraft_is_refused_and_changes_nothing() {
    let config = Config { balance_eur: 100.0, overdraft_eur: 50.0, ..Config::default() };
    let mut s = state(&config);
    let dear = ValidOrder::stratus2(Aoi::km2(200.0), "2025-04-01", Some("2025-04-30"));
    let err = s.create(ID, dear, &config).unwrap_err();
    assert_eq!(err, Refusal::insufficient_credits(200.0, 150.0));
    assert_eq!((s.orders_created, balance(&s)), (0, 100.0));
    assert!(s.tenants[ID].orders.is_empty() && s.tenants[ID].spend.is_empty());
    // Exactly balance + overdraft fits.
    create(
        &mut s,
        ValidOrder::stratus2(Aoi::km2(150.0), "2025-04-01", Some("2025-04-30")),
        &config,
    );
    assert!(close(balance(&s), -50.0));
}

#[test]
fn deduplication_drops_tiles_a_live_overlapping_order_covers() {
    let config = Config::default();
    let mut s = state(&config);
    let tile = Cell::tile_at(10.0, 56.4);
    let (t, u) = (tile.guid(), Cell::tile_at(10.0, 57.0).guid());
    let mini = tile.minitiles().next().unwrap().guid();
    let first = create(&mut s, tiles(&[t], "2025-04-01", "2025-04-30"), &config);

    // The tile itself and one of its minitiles: nothing left, nothing charged.
    let balance_before = balance(&s);
    let covered = ValidOrder {
        aoi: Aoi::Tiles { tiles: vec![t], minitiles: vec![mini] },
        ..tiles(&[], "2025-04-01", "2025-04-30")
    };
    let err = s.create(ID, covered, &config).unwrap_err();
    assert_eq!(err, Refusal::field("TileGuids", "All tiles and minitiles are already ordered"));
    assert_eq!((s.orders_created, balance(&s)), (1, balance_before));

    // A new tile next to the ordered one: only the new one is kept and billed.
    let kept = s.create(ID, tiles(&[t, u], "2025-04-01", "2025-04-30"), &config).unwrap();
    assert_eq!(kept.tiles, [TileRef { guid: u.to_string(), wkt: None }]);
    assert!(close(kept.task_order_area_km2, 2621.44));

    // No overlap: another model, a later period, or no deduplication asked for.
    let stratus3 = ValidOrder {
        model: std::sync::Arc::clone(builtin().model("Stratus3").unwrap()),
        ..tiles(&[t], "2025-04-01", "2025-04-30")
    };
    assert_eq!(s.create(ID, stratus3, &config).unwrap().tiles.len(), 1);
    assert_eq!(
        s.create(ID, tiles(&[t], "2025-05-01", "2025-05-31"), &config).unwrap().tiles.len(),
        1
    );
    let plain = ValidOrder { tile_deduplication: false, ..tiles(&[t], "2025-04-01", "2025-04-30") };
    assert_eq!(s.create(ID, plain, &config).unwrap().tiles.len(), 1);

    // Another cadence is other images: another frequency, or another reference date.
    let base = tiles(&[t], "2025-04-01", "2025-04-30");
    let weekly = ValidOrder { image_frequency: base.image_frequency + 1, ..base.clone() };
    assert_eq!(s.create(ID, weekly, &config).unwrap().tiles.len(), 1);
    let shifted = ValidOrder { reference_date: day("2025-01-02"), ..base };
    assert_eq!(s.create(ID, shifted, &config).unwrap().tiles.len(), 1);

    // A denied order covers nothing.
    let mut s = state(&config);
    let first_again = create(&mut s, tiles(&[t], "2025-04-01", "2025-04-30"), &config);
    assert_eq!(first_again, first, "GUIDs follow the seed and the order count");
    assert!(s.deny(&first_again));
    assert_eq!(
        s.create(ID, tiles(&[t], "2025-04-01", "2025-04-30"), &config).unwrap().tiles.len(),
        1
    );
}

#[test]
fn cancel_follows_the_lifecycle_stage() {
    let config = Config::default();
    let mut s = state(&config);
    // In Review: removed from every answer and refunded, spend included.
    let review = create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert_eq!(s.cancel(ID, &review, MONTH_END), Ok(()));
    assert!(close(balance(&s), 10_000.0));
    assert!(close(s.tenants[ID].spend["2025-04"], 0.0));
    assert!(
        s.list(ID, false, true).is_empty()
            && s.details(ID, std::slice::from_ref(&review)).is_empty()
    );
    let gone = Refusal::not_found(format!("Task order '{review}' was not found"));
    assert_eq!(s.cancel(ID, &review, MONTH_END), Err(gone));

    // Accepted recurring: renewal stops at the end of this month; once only.
    let recurring =
        create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert!(s.accept(&recurring));
    assert_eq!(s.cancel(ID, &recurring.to_uppercase(), MONTH_END), Ok(()));
    assert_eq!(find(&s, &recurring).to, Some(day("2025-04-30")));
    assert!(s.list(ID, true, false).is_empty());
    let refused = Refusal::field("TaskOrderGuid", "Order cannot be cancelled");
    assert_eq!(s.cancel(ID, &recurring, MONTH_END), Err(refused.clone()));

    // Accepted fixed window: refused; another tenant's order: unknown.
    let fixed = ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", Some("2025-04-30"));
    let fixed = create(&mut s, fixed, &config);
    assert!(s.accept(&fixed));
    assert_eq!(s.cancel(ID, &fixed, MONTH_END), Err(refused.clone()));
    assert!(matches!(
        s.cancel("someone else", &fixed, MONTH_END),
        Err(Refusal::Failed { code: 404, .. })
    ));

    // The other representation of a stopped renewal: `Canceled`, `To` still null.
    let other = create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert!(s.accept(&other));
    assert_eq!(s.cancel(ID, &other, RenewalStop::Canceled), Ok(()));
    let shown = find(&s, &other);
    assert!(shown.ordering_process_status.is_canceled() && shown.to.is_none());
    assert_eq!(s.cancel(ID, &other, RenewalStop::Canceled), Err(refused));

    // Accepted, recurring from next month: nothing produced yet, so removed
    // and refunded, never left with `To` before `From`.
    let before = balance(&s);
    let june = create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-06-01", None), &config);
    assert!(balance(&s) < before);
    assert!(s.accept(&june));
    assert_eq!(s.cancel(ID, &june, MONTH_END), Ok(()));
    assert!(s.details(ID, std::slice::from_ref(&june)).is_empty());
    assert!(close(balance(&s), before));
}

#[test]
fn deny_refunds_and_accept_needs_review() {
    let config = Config::default();
    let mut s = state(&config);
    let guid = create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert!(s.deny(&guid));
    assert_eq!(status(&s, &guid), OrderStatus::Canceled);
    assert!(close(balance(&s), 10_000.0));
    assert!(s.tenants[ID].orders[0].charges.is_empty());
    assert!(!s.accept(&guid) && !s.deny(&guid));
    // A denied order still shows in the list, but not among recurring orders.
    assert_eq!(s.list(ID, false, false).len(), 1);
    assert!(s.list(ID, true, false).is_empty());
    assert!(!s.accept("no-such-order"));
}

#[test]
fn accepted_recurring_orders_renew_on_each_first() {
    let config = Config::default();
    let mut s = state(&config);
    let renewed =
        create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert!(s.accept(&renewed));
    let in_review =
        create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    let stopped =
        create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    assert!(s.accept(&stopped));
    s.cancel(ID, &stopped, MONTH_END).unwrap();
    let start = balance(&s);
    assert!(close(start, 10_000.0 - 300.0));

    s.set_now(at("2025-04-30T23:59:59Z"), builtin());
    assert!(close(balance(&s), start), "nothing renews before 00:00 on the 1st");
    s.advance(Duration::seconds(1), builtin());
    // May, weekly from 1 April: 6, 13, 20, 27 → 4 × 100 km² × €0.20.
    assert!(close(balance(&s), start - 80.0), "{}", balance(&s));
    let orders = &s.tenants[ID].orders;
    let charges = |g: &str| orders.iter().find(|o| o.order.task_order_guid == g).unwrap();
    assert_eq!(charges(&renewed).charges[1], ("2025-05".to_owned(), 80.0));
    assert_eq!(charges(&renewed).paid_through, day("2025-05-31"));
    assert_eq!(charges(&in_review).charges.len(), 1, "an order in Review does not renew");
    assert_eq!(charges(&stopped).charges.len(), 1, "a cancelled recurring order does not renew");
    assert!(close(s.tenants[ID].spend["2025-05"], 80.0));

    // Moving back renews nothing; crossing 1 June and 1 July renews twice:
    // June 3, 10, 17, 24 (80 €) and July 1, 8, 15, 22, 29 (100 €).
    s.set_now(at("2025-04-20T00:00:00Z"), builtin());
    assert!(close(balance(&s), start - 80.0));
    s.set_now(at("2025-07-02T00:00:00Z"), builtin());
    assert!(close(balance(&s), start - 80.0 - 80.0 - 100.0), "{}", balance(&s));
    s.set_now(at("2025-07-03T00:00:00Z"), builtin());
    assert!(close(balance(&s), start - 260.0), "a month is billed once");
}

#[test]
fn status_follows_the_clock_after_acceptance() {
    let config = Config::default();
    let mut s = state(&config);
    let recurring =
        create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None), &config);
    let fixed = ValidOrder::stratus2(Aoi::km2(100.0), "2025-05-01", Some("2025-05-31"));
    let fixed = create(&mut s, fixed, &config);
    assert!(s.accept(&recurring) && s.accept(&fixed));
    assert_eq!(status(&s, &recurring), OrderStatus::Preparing);
    s.advance(Duration::hours(23), builtin());
    assert_eq!(status(&s, &fixed), OrderStatus::Preparing, "a day in Preparing");
    s.advance(Duration::hours(1), builtin());
    assert_eq!(status(&s, &recurring), OrderStatus::UpToDate);
    assert_eq!(status(&s, &fixed), OrderStatus::AwaitingSatelliteProducts);
    s.set_now(at("2025-05-01T00:00:00Z"), builtin());
    assert_eq!(status(&s, &fixed), OrderStatus::Processing);
    s.set_now(at("2025-05-31T23:00:00Z"), builtin());
    assert_eq!(status(&s, &fixed), OrderStatus::Processing);
    s.set_now(at("2025-06-01T00:00:00Z"), builtin());
    assert_eq!(status(&s, &fixed), OrderStatus::Completed);
    assert_eq!(status(&s, &recurring), OrderStatus::UpToDate);
}

#[test]
fn fixed_windows_expire_when_their_storage_ends() {
    let config = Config::default();
    let mut s = state(&config);
    // January + 1 storage month: stored through February.
    let old = ValidOrder::stratus2(Aoi::km2(100.0), "2025-01-01", Some("2025-01-31"));
    let old = create(&mut s, old, &config);
    // February + 2 storage months: stored through April.
    let kept = ValidOrder {
        storage_months: 2,
        ..ValidOrder::stratus2(Aoi::km2(100.0), "2025-02-01", Some("2025-02-28"))
    };
    let kept = create(&mut s, kept, &config);
    let recurring =
        create(&mut s, ValidOrder::stratus2(Aoi::km2(100.0), "2025-01-01", None), &config);
    let guids = |orders: Vec<TaskOrder>| -> Vec<String> {
        orders.into_iter().map(|o| o.task_order_guid).collect()
    };
    assert_eq!(guids(s.list(ID, false, false)), [kept.clone(), recurring.clone()]);
    assert_eq!(guids(s.list(ID, false, true)), [old, kept.clone(), recurring.clone()]);
    s.set_now(at("2025-04-30T23:59:59Z"), builtin());
    assert_eq!(guids(s.list(ID, false, false)), [kept, recurring.clone()]);
    s.set_now(at("2025-05-01T00:00:00Z"), builtin());
    assert_eq!(guids(s.list(ID, false, false)), [recurring]);
}

#[test]
fn renewals_price_with_the_served_catalogue() {
    let file = br#"{"TaskingModels": [{"Model": "Cumulus1", "PriceEurPerKm2": 0.1,
        "SupportedSatelliteConstellations": [{"SatelliteConstellation": "Sentinel2"}]}]}"#;
    let models = Catalogue::from_json(file).unwrap();
    let config = Config { auto_accept: true, models: models.clone(), ..Config::default() };
    let mut s = state(&config);
    let cumulus = ValidOrder {
        model: std::sync::Arc::clone(models.model("Cumulus1").unwrap()),
        constellations: vec!["Sentinel2".to_owned()],
        ..ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None)
    };
    create(&mut s, cumulus, &config);
    // April 1, 8, 15, 22, 29 → 5 × 100 km² × €0.10; May 6, 13, 20, 27 → 4 × 100 × €0.10.
    assert!(close(balance(&s), 10_000.0 - 50.0));
    s.set_now(at("2025-05-01T00:00:00Z"), &models);
    assert!(close(balance(&s), 10_000.0 - 90.0), "{}", balance(&s));
    // Under a catalogue without the model, it renews priced like Stratus-2: June 3–24, €0.20.
    s.set_now(at("2025-06-01T00:00:00Z"), builtin());
    assert!(close(balance(&s), 10_000.0 - 170.0), "{}", balance(&s));
}
