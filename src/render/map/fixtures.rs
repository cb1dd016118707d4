//! A plan with an area for every action, for the map tests (test builds only).

use std::collections::BTreeMap;

use crate::plan::{Action, Plan};
use crate::render::fixtures::full_plan;

/// Aarhus bay, counter-clockwise.
pub(in crate::render) const AARHUS: &str =
    "POLYGON((9.87 56.28,10.19 56.28,10.19 56.47,9.87 56.47,9.87 56.28))";
/// A square near Esbjerg written clockwise, with a hole written counter-clockwise.
pub(in crate::render) const ESBJERG_CW: &str = "POLYGON((8.30 55.40,8.30 55.60,8.60 55.60,8.60 55.40,8.30 55.40),\
     (8.40 55.45,8.50 55.45,8.50 55.55,8.40 55.55,8.40 55.45))";

/// [`full_plan`] with the geometry a real plan has: live orders' `Wkt`, and
/// the footprints of the tile entry's two tiles.
pub(in crate::render) fn drawn_plan() -> Plan {
    let mut plan = full_plan();
    let places = [
        (
            "copenhagen-harbour",
            "POLYGON((12.55 55.66,12.62 55.66,12.62 55.72,12.55 55.72,12.55 55.66))",
        ),
        ("aalborg-fjord", "POLYGON((9.85 57.02,10.0 57.02,10.0 57.08,9.85 57.08,9.85 57.02))"),
        ("old-pilot", "POLYGON((11.0 55.0,11.2 55.0,11.2 55.1,11.0 55.1,11.0 55.0))"),
        ("esbjerg-port", ESBJERG_CW),
        ("ribe-marsh", "POLYGON((8.7 55.3,8.8 55.3,8.8 55.35,8.7 55.35,8.7 55.3))"),
    ];
    for change in &mut plan.changes {
        let wkt = match change.action {
            Action::Unmanaged => Some(
                "MULTIPOLYGON(((12.0 56.0,12.1 56.0,12.1 56.1,12.0 56.0)),((12.2 56.0,12.3 56.0,12.3 56.1,12.2 56.0)))",
            ),
            _ => places.iter().find(|(n, _)| change.name.as_deref() == Some(n)).map(|(_, w)| *w),
        };
        if let (Some(live), Some(wkt)) = (change.live.as_mut(), wkt) {
            live.wkt = Some(wkt.to_owned());
        }
    }
    plan.tile_footprints = BTreeMap::from([
        (
            "t-1".to_owned(),
            "POLYGON((10.5 57.5,10.9 57.5,10.9 57.7,10.5 57.7,10.5 57.5))".to_owned(),
        ),
        (
            "t-2".to_owned(),
            "POLYGON((10.9 57.5,11.3 57.5,11.3 57.7,10.9 57.7,10.9 57.5))".to_owned(),
        ),
    ]);
    plan
}
