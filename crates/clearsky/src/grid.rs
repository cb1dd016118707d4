//! The tile grid skyform's emulator uses: deterministic cells with GUIDs that
//! encode their own position, so any GUID can be decoded without a lookup table.
//!
//! Pure, no IO. A tile is a 51.2 km × 51.2 km cell (2621.44 km²), split into
//! 16 × 16 minitiles of 3.2 km (10.24 km²). Rows are bands of constant latitude
//! height; within a row, the longitude width of a cell is chosen so that the cell
//! is 51.2 km wide at the row's middle latitude. GUIDs are UUIDv8 with the row,
//! column and minitile index in their bytes. The real service's GUIDs are opaque;
//! only the emulator and the tests rely on this layout.

use geo::{Rect, coord};
use uuid::Uuid;

/// Side of a tile in km.
pub const TILE_SIDE_KM: f64 = 51.2;
/// Minitiles per tile side.
pub const MINITILES_PER_SIDE: u8 = 16;
const KM_PER_DEGREE_LAT: f64 = 111.32;
const MARKER: [u8; 2] = [0x5c, 0xf0];

/// One grid cell: a tile, or a minitile inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    /// Latitude band.
    pub row: i32,
    /// Longitude index within the band.
    pub col: i32,
    /// `(i, j)` (column, row) of a minitile inside its tile; `None` for a tile.
    pub sub: Option<(u8, u8)>,
}

/// Latitude height of a row in degrees.
pub fn row_height_deg() -> f64 {
    TILE_SIDE_KM / KM_PER_DEGREE_LAT
}

/// Longitude width of a cell in `row`, in degrees.
pub fn col_width_deg(row: i32) -> f64 {
    let mid_lat = (f64::from(row) + 0.5) * row_height_deg();
    let cos = mid_lat.to_radians().cos().max(0.05);
    TILE_SIDE_KM / (KM_PER_DEGREE_LAT * cos)
}

impl Cell {
    /// The tile containing a lon/lat point.
    #[allow(clippy::cast_possible_truncation)]
    pub fn tile_at(lon: f64, lat: f64) -> Self {
        let row = (lat / row_height_deg()).floor() as i32;
        let col = (lon / col_width_deg(row)).floor() as i32;
        Self { row, col, sub: None }
    }

    /// The tile itself, or the tile a minitile belongs to.
    #[must_use]
    pub fn tile(self) -> Self {
        Self { sub: None, ..self }
    }

    /// True for a minitile.
    pub fn is_minitile(self) -> bool {
        self.sub.is_some()
    }

    /// The cell's footprint in lon/lat degrees.
    pub fn bounds(self) -> Rect<f64> {
        let h = row_height_deg();
        let w = col_width_deg(self.row);
        let (x0, y0) = (f64::from(self.col) * w, f64::from(self.row) * h);
        match self.sub {
            None => Rect::new(coord! { x: x0, y: y0 }, coord! { x: x0 + w, y: y0 + h }),
            Some((i, j)) => {
                let n = f64::from(MINITILES_PER_SIDE);
                let (sw, sh) = (w / n, h / n);
                let (x, y) = (x0 + f64::from(i) * sw, y0 + f64::from(j) * sh);
                Rect::new(coord! { x: x, y: y }, coord! { x: x + sw, y: y + sh })
            }
        }
    }

    /// The minitiles of this tile, row by row.
    pub fn minitiles(self) -> impl Iterator<Item = Cell> {
        let tile = self.tile();
        (0..MINITILES_PER_SIDE).flat_map(move |j| {
            (0..MINITILES_PER_SIDE).map(move |i| Cell { sub: Some((i, j)), ..tile })
        })
    }

    /// The cell's GUID.
    pub fn guid(self) -> Uuid {
        let mut b = [0u8; 16];
        b[0..2].copy_from_slice(&MARKER);
        // Bytes 6 and 8 carry the UUID version and variant bits.
        b[2..6].copy_from_slice(&self.row.to_be_bytes());
        b[10..14].copy_from_slice(&self.col.to_be_bytes());
        if let Some((i, j)) = self.sub {
            b[14] = 1;
            b[7] = i;
            b[9] = j;
        }
        Uuid::new_v8(b)
    }

    /// Decodes a GUID made by [`Cell::guid`]; `None` for any other GUID.
    pub fn from_guid(guid: Uuid) -> Option<Self> {
        let b = guid.as_bytes();
        if guid.get_version_num() != 8 || b[0..2] != MARKER || b[15] != 0 {
            return None;
        }
        let row = i32::from_be_bytes(b[2..6].try_into().ok()?);
        let col = i32::from_be_bytes(b[10..14].try_into().ok()?);
        let (i, j) = (b[7], b[9] & 0x3f);
        let sub = match b[14] {
            0 if i == 0 && j == 0 => None,
            1 if i < MINITILES_PER_SIDE && j < MINITILES_PER_SIDE => Some((i, j)),
            _ => return None,
        };
        let cell = Self { row, col, sub };
        (cell.guid() == guid).then_some(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_round_trip_and_foreign_guids_are_rejected() {
        let tile = Cell::tile_at(9.87, 56.47);
        assert_eq!(Cell::from_guid(tile.guid()), Some(tile));
        let mini = tile.minitiles().nth(37).unwrap();
        assert_eq!(Cell::from_guid(mini.guid()), Some(mini));
        assert_eq!(mini.tile(), tile);
        assert_ne!(mini.guid(), tile.guid());
        let docs_guid: Uuid = "c3528462-02fc-4301-bb37-8d226b45f149".parse().unwrap();
        assert_eq!(Cell::from_guid(docs_guid), None);
    }

    #[test]
    fn the_point_lies_in_its_tile_and_minitiles_tile_it() {
        let tile = Cell::tile_at(9.87, 56.47);
        let r = tile.bounds();
        assert!(r.min().x <= 9.87 && 9.87 < r.max().x && r.min().y <= 56.47 && 56.47 < r.max().y);
        assert_eq!(tile.minitiles().count(), 256);
        let last = tile.minitiles().last().unwrap().bounds();
        assert!((last.max().x - r.max().x).abs() < 1e-9 && (last.max().y - r.max().y).abs() < 1e-9);
    }
}
