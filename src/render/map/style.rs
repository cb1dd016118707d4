//! Colours of the map by action, in one place for GeoJSON (simplestyle-spec
//! `fill`, `stroke`, `fill-opacity`) and SVG.
//!
//! Pure, no IO. Green create, amber replace, red cancel, grey keep and
//! unmanaged; a blocked cancel is grey with a red outline (it was wanted gone
//! but stays).

use super::Side;
use crate::plan::Action;

/// How an area is painted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::render) struct Paint {
    /// Fill colour, `#rrggbb`.
    pub fill: &'static str,
    /// Outline colour, `#rrggbb`.
    pub stroke: &'static str,
    /// Fill opacity, 0 to 1.
    pub fill_opacity: f64,
}

const GREEN: &str = "#1a7f37";
const AMBER: &str = "#d97706";
const RED: &str = "#cf222e";
const GREY: &str = "#6e7781";
const LIGHT_GREY: &str = "#afb8c1";

/// The paint of an area.
pub(in crate::render) fn paint(action: Action, side: Option<Side>) -> Paint {
    let (fill, stroke, fill_opacity) = match (action, side) {
        (Action::Create, _) => (GREEN, GREEN, 0.45),
        (Action::Replace, Some(Side::Old)) => (AMBER, AMBER, 0.15),
        (Action::Replace, _) => (AMBER, AMBER, 0.45),
        (Action::Cancel, _) => (RED, RED, 0.45),
        (Action::Blocked, _) => (GREY, RED, 0.35),
        (Action::Keep, _) => (GREY, GREY, 0.3),
        (Action::Unmanaged, _) => (LIGHT_GREY, GREY, 0.3),
    };
    Paint { fill, stroke, fill_opacity }
}

/// Drawing order: unchanged areas at the bottom, creates on top.
pub(in crate::render) fn layer(action: Action, side: Option<Side>) -> u8 {
    match (action, side) {
        (Action::Keep | Action::Unmanaged, _) => 0,
        (Action::Replace, Some(Side::Old)) => 1,
        (Action::Cancel | Action::Blocked, _) => 2,
        (Action::Replace, _) => 3,
        (Action::Create, _) => 4,
    }
}
