//! The one description of a manifest: every key with the mapping it belongs
//! to, its type, what holds when it is left out, the range it accepts and its
//! doc ([`FIELDS`]).
//!
//! The loader's walker reads its keys, requirements and ranges here, and the
//! JSON Schema (`schemas/manifest.schema.json`) is generated from it
//! (`schema`), so the two cannot drift. The ranges of the API's fields are
//! [`clearsky::ranges`], which the emulator refuses by too.
//!
//! Pure data, no IO.

use clearsky::ranges::{self, Accepted};

use crate::spec::TILE_DEDUPLICATION_DEFAULT;

/// A manifest key. Its spelling and everything else about it is its row in [`FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Defaults,
    Budget,
    Orders,
    MaxCurrentMonth,
    MaxMonthly,
    Name,
    Ensure,
    Protect,
    Model,
    SatelliteConstellations,
    StorageMonths,
    ApiRequests,
    ImageFrequency,
    ReferenceDate,
    From,
    To,
    TileDeduplication,
    Wkt,
    GeoJson,
    WktFile,
    GeoJsonFile,
    TileGuids,
    MiniTileGuids,
}

/// A mapping of a manifest, and so a `$defs` entry of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    /// The file itself.
    Manifest,
    /// `budget`.
    Budget,
    /// `defaults`: the entry keys whose row has `in_defaults`.
    Defaults,
    /// One item of `orders`.
    Entry,
}

/// What a key's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A mapping, or `null`.
    Block(Block),
    /// A list of entries.
    Entries,
    /// An amount in EUR, zero or more.
    Eur,
    /// A string that is not blank.
    Name,
    /// `present` or `absent`.
    Ensure,
    /// `true` or `false`.
    Bool,
    /// A model's API value.
    Model,
    /// A list of at least one constellation API value.
    Constellations,
    /// A whole number in the range the API accepts.
    Count(Accepted),
    /// A date `YYYY-MM-DD`.
    Date,
    /// An area of interest as WKT text.
    Wkt,
    /// An area of interest as GeoJSON: a mapping or a JSON string.
    GeoJson,
    /// An area of interest in a file, relative to the manifest.
    File,
    /// Tile or minitile GUIDs.
    Guids,
}

impl Ty {
    /// Returns true for the keys that choose the area of interest.
    pub(crate) fn is_aoi(self) -> bool {
        matches!(self, Ty::Wkt | Ty::GeoJson | Ty::File | Ty::Guids)
    }
}

/// What holds when a key is left out (or written `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Absent {
    /// Nothing: the key must be written, in the entry or (where it may be
    /// there) in `defaults`.
    Required,
    /// Nothing is asked (no limit, no area of interest from this key).
    Nothing,
    /// This boolean.
    Bool(bool),
    /// This string.
    Str(&'static str),
    /// `null`, which is also a value when written (it overrides `defaults`)
    /// and means this (`recurring`).
    Null(&'static str),
    /// The value of another key.
    SameAs(Key),
    /// For tile orders this boolean; polygon orders must leave the key out.
    TileOrders(bool),
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field {
    /// The key.
    pub(crate) key: Key,
    /// The key as written in a manifest.
    pub(crate) name: &'static str,
    /// The mapping it is written in.
    pub(crate) block: Block,
    /// Its value.
    pub(crate) ty: Ty,
    /// What holds when it is left out.
    pub(crate) absent: Absent,
    /// Whether `defaults` may set it too (entry keys only).
    pub(crate) in_defaults: bool,
    /// What the key means, for people (the schema's `description`).
    pub(crate) doc: &'static str,
}

const fn field(key: Key, name: &'static str, block: Block, ty: Ty) -> Field {
    Field { key, name, block, ty, absent: Absent::Nothing, in_defaults: false, doc: "" }
}

/// A key of the manifest itself.
const fn top(key: Key, name: &'static str, ty: Ty) -> Field {
    field(key, name, Block::Manifest, ty)
}

/// A limit of `budget`.
const fn budget(key: Key, name: &'static str) -> Field {
    field(key, name, Block::Budget, Ty::Eur)
}

/// A key of an order entry.
const fn entry(key: Key, name: &'static str, ty: Ty) -> Field {
    field(key, name, Block::Entry, ty)
}

impl Field {
    const fn doc(self, doc: &'static str) -> Self {
        Self { doc, ..self }
    }

    const fn absent(self, absent: Absent) -> Self {
        Self { absent, ..self }
    }

    const fn required(self) -> Self {
        self.absent(Absent::Required)
    }

    const fn in_defaults(self) -> Self {
        Self { in_defaults: true, ..self }
    }
}

/// Every key of a manifest, in [`Key`] order; entry keys as listed in messages.
pub(crate) const FIELDS: [Field; 23] = [
    top(Key::Defaults, "defaults", Ty::Block(Block::Defaults))
        .doc("Values for order fields that an entry leaves out (this file only)."),
    top(Key::Budget, "budget", Ty::Block(Block::Budget))
        .doc("Spending limits in EUR; with several files the smallest limit wins."),
    top(Key::Orders, "orders", Ty::Entries).doc("The orders wanted."),
    budget(Key::MaxCurrentMonth, "max_current_month")
        .doc("Most a plan may cost in the current month."),
    budget(Key::MaxMonthly, "max_monthly").doc("Most a plan may add to each following month."),
    entry(Key::Name, "name", Ty::Name)
        .required()
        .doc("Name for people (plan lines, `--target`, errors); unique across all manifests."),
    entry(Key::Ensure, "ensure", Ty::Ensure)
        .absent(Absent::Str("present"))
        .doc("`present` (default) or `absent` (a matching live order is cancelled)."),
    entry(Key::Protect, "protect", Ty::Bool)
        .absent(Absent::Bool(false))
        .in_defaults()
        .doc("When true the matching order is never cancelled or replaced."),
    entry(Key::Model, "Model", Ty::Model)
        .required()
        .in_defaults()
        .doc("The model's API value (`Stratus2`, not the label `Stratus-2`)."),
    entry(Key::SatelliteConstellations, "SatelliteConstellations", Ty::Constellations)
        .required()
        .in_defaults()
        .doc("Input constellations; must include every one the model requires."),
    entry(Key::StorageMonths, "StorageMonths", Ty::Count(ranges::STORAGE_MONTHS))
        .required()
        .in_defaults()
        .doc("Months the data is stored, at least 1."),
    entry(Key::ApiRequests, "ApiRequests", Ty::Count(ranges::API_REQUESTS))
        .required()
        .in_defaults()
        .doc("Download allowance, at least 1."),
    entry(Key::ImageFrequency, "ImageFrequency", Ty::Count(ranges::IMAGE_FREQUENCY_DAYS))
        .required()
        .in_defaults()
        .doc("Days between images: 1 (daily) to 7 (weekly)."),
    entry(Key::ReferenceDate, "ReferenceDate", Ty::Date)
        .absent(Absent::SameAs(Key::From))
        .in_defaults()
        .doc("Anchor of the image cadence; defaults to `From`."),
    entry(Key::From, "From", Ty::Date)
        .required()
        .in_defaults()
        .doc("First month: the 1st of a month."),
    entry(Key::To, "To", Ty::Date)
        .absent(Absent::Null("recurring"))
        .in_defaults()
        .doc("Last day: a month end; `null` or absent means recurring."),
    entry(Key::TileDeduplication, "TileDeduplication", Ty::Bool)
        .absent(Absent::TileOrders(TILE_DEDUPLICATION_DEFAULT))
        .in_defaults()
        .doc("Let the API drop tiles already ordered (tile orders; skyform sends `true` by default)."),
    entry(Key::Wkt, "Wkt", Ty::Wkt)
        .doc("AOI as WKT: `POLYGON`, `MULTIPOLYGON` or a `GEOMETRYCOLLECTION` of them."),
    entry(Key::GeoJson, "GeoJson", Ty::GeoJson)
        .doc("AOI as GeoJSON: an inline mapping or a JSON string."),
    entry(Key::WktFile, "WktFile", Ty::File).doc("AOI from a WKT file, relative to the manifest."),
    entry(Key::GeoJsonFile, "GeoJsonFile", Ty::File)
        .doc("AOI from a GeoJSON file, relative to the manifest."),
    entry(Key::TileGuids, "TileGuids", Ty::Guids)
        .doc("Tile GUIDs (may be combined with `MiniTileGuids`)."),
    entry(Key::MiniTileGuids, "MiniTileGuids", Ty::Guids)
        .doc("Minitile GUIDs (may be combined with `TileGuids`)."),
];

// Row `i` is `Key` number `i`, so that [`Key::field`] is an index (checked when compiling).
const _: () = {
    let mut i = 0;
    while i < FIELDS.len() {
        assert!(FIELDS[i].key as usize == i, "FIELDS must list the keys in `Key` order");
        i += 1;
    }
};

impl Key {
    /// Returns the key's row of the table.
    pub(crate) fn field(self) -> &'static Field {
        &FIELDS[self as usize]
    }

    /// Returns the key as written in a manifest.
    pub(crate) fn name(self) -> &'static str {
        self.field().name
    }
}

impl Block {
    /// Returns the mapping's name in the schema's `$defs`.
    pub(crate) fn def_name(self) -> &'static str {
        match self {
            Block::Manifest => "Manifest",
            Block::Budget => "BudgetBlock",
            Block::Defaults => "Defaults",
            Block::Entry => "Entry",
        }
    }

    /// Says what the mapping is, for people (the schema's `description`).
    pub(crate) fn doc(self) -> &'static str {
        match self {
            Block::Manifest => "One manifest file.",
            Block::Budget => "Spending limits in EUR.",
            Block::Defaults => "Defaults for the order fields of every entry in the same file.",
            Block::Entry => {
                "One wanted order: tool keys in lower case, order fields with the API's names."
            }
        }
    }

    /// Returns the rows of the keys this mapping may hold, in table order.
    pub(crate) fn fields(self) -> impl Iterator<Item = &'static Field> {
        FIELDS.iter().filter(move |f| match self {
            Block::Defaults => f.in_defaults,
            _ => f.block == self,
        })
    }

    /// Finds the row of `name` if this mapping may hold it.
    pub(crate) fn find(self, name: &str) -> Option<&'static Field> {
        self.fields().find(|f| f.name == name)
    }

    /// Returns the keys this mapping may hold, as written, for messages.
    pub(crate) fn names(self) -> Vec<&'static str> {
        self.fields().map(|f| f.name).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ONE_ENTRY_MANIFEST, load_manifest};
    use clearsky::api::types::casing::request_keys;

    #[test]
    fn order_fields_are_spelled_as_the_api_spells_them() {
        for f in Block::Entry.fields() {
            let tool = f.name.starts_with(char::is_lowercase);
            let api = request_keys().contains(&f.name);
            assert!(tool || api || f.ty == Ty::File, "`{}` is not an API field", f.name);
        }
    }

    #[test]
    fn what_holds_when_left_out_is_what_the_loader_resolves() {
        let dir = tempfile::tempdir().unwrap();
        let wkt = ONE_ENTRY_MANIFEST.lines().find(|l| l.contains("Wkt:")).unwrap();
        let text = ONE_ENTRY_MANIFEST
            .replace(wkt, "    TileGuids: [c3528462-02fc-4301-bb37-8d226b45f149]");
        let order = &load_manifest(dir.path(), &text).orders[0];
        for f in Block::Entry.fields() {
            match (f.key, f.absent) {
                (Key::Ensure, Absent::Str(s)) => {
                    assert_eq!(serde_json::to_value(order.ensure).unwrap(), s);
                }
                (Key::Protect, Absent::Bool(b)) => assert_eq!(order.protect, b),
                (Key::To, Absent::Null(_)) => assert_eq!(order.spec.to, None),
                (Key::ReferenceDate, Absent::SameAs(Key::From)) => {
                    assert_eq!(order.spec.reference_date, order.spec.from);
                }
                (Key::TileDeduplication, Absent::TileOrders(b)) => {
                    assert_eq!(order.tile_deduplication, Some(b));
                }
                (_, Absent::Required | Absent::Nothing) => {}
                (key, absent) => {
                    panic!("`{key:?}`: what holds without it ({absent:?}) is unchecked")
                }
            }
        }
    }

    #[test]
    fn only_entry_keys_may_be_in_defaults() {
        for f in FIELDS.iter().filter(|f| f.in_defaults) {
            assert_eq!(f.block, Block::Entry, "{}", f.name);
            assert!(!f.ty.is_aoi() && f.key != Key::Name && f.key != Key::Ensure, "{}", f.name);
        }
    }
}
