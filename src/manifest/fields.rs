//! The fields of one order entry or `defaults` block, each parsed and checked on
//! its own, with the position of its value kept for later cross-field checks.
//!
//! Pure, no IO. Every problem goes to the [`Sink`]; a field with a problem is
//! [`Opt::Bad`], so that it is not reported again as missing.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;

use super::diagnostic::{Diagnostic, Diagnostics};
use super::node::{Kind, Node, Pos};
use super::table::{Absent, Field, Key, Ty};
use super::yaml_core;
use crate::spec::Ensure;
use clearsky::calendar;
use clearsky::catalog;
use clearsky::ranges::Accepted;

/// Where problems of one file go.
pub(crate) struct Sink<'a> {
    /// The manifest file.
    pub(crate) file: &'a Path,
    /// Every problem so far.
    pub(crate) diags: &'a mut Diagnostics,
}

impl Sink<'_> {
    /// Reports a problem at `pos`.
    pub(crate) fn error(&mut self, pos: Pos, message: String) {
        self.diags.push(Diagnostic::at(self.file, pos, message));
    }

    /// Reports a problem at `pos` with a hint.
    pub(crate) fn error_hint(&mut self, pos: Pos, message: String, hint: impl Into<String>) {
        self.diags.push(Diagnostic::at(self.file, pos, message).hint(hint));
    }

    /// Reports a warning at `pos` with a hint.
    pub(crate) fn warn(&mut self, pos: Pos, message: String, hint: impl Into<String>) {
        self.diags.warn(Diagnostic::at(self.file, pos, message).hint(hint));
    }

    /// Reports a value of the wrong type.
    pub(crate) fn wrong_type(&mut self, key: &str, expected: &str, v: &Node) {
        let message = self.wrong_type_message(key, expected, v);
        self.error(v.pos, message);
    }

    /// `` `key` must be EXPECTED, found a string `yes` ``.
    pub(crate) fn wrong_type_message(&self, key: &str, expected: &str, v: &Node) -> String {
        let shown = self.shown(v);
        format!("`{key}` must be {expected}, found {} `{shown}`", v.type_name())
    }

    /// A value as written in the file (`99999999999999999999`, not the
    /// `1e20` it was read as) when it is a number, else as parsed.
    pub(crate) fn shown(&self, v: &Node) -> String {
        match v.kind {
            Kind::Int(_) | Kind::Float(_) => self.diags.written(self.file, v.pos).map(str::trim),
            _ => None,
        }
        .map_or_else(|| v.to_string(), str::to_owned)
    }

    /// Reports an unknown key with a "did you mean" hint, or the allowed keys.
    pub(crate) fn unknown_key(&mut self, key: &Node, allowed: &[&str], place: &str) {
        let name = key.to_string();
        let message = format!("unknown key `{name}` in {place}");
        if let Some(s) = suggest(&name, allowed) {
            self.error_hint(key.pos, message, format!("did you mean `{s}`?"));
        } else {
            let list = allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            self.error_hint(key.pos, message, format!("allowed keys: {list}"));
        }
    }
}

/// Picks the allowed word closest to `word`, if any is close enough.
pub(crate) fn suggest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    crate::suggest::closest_ignoring_case(word, allowed)
}

/// A field as found: not written, written but wrong, or a checked value and where it is.
#[derive(Debug, Clone, Default)]
pub(crate) enum Opt<T> {
    /// Not written (or `null`).
    #[default]
    Unset,
    /// Written but wrong (already reported).
    Bad,
    /// A checked value and its position.
    Set(T, Pos),
}

impl<T> Opt<T> {
    /// Returns true when not written.
    pub(crate) fn is_unset(&self) -> bool {
        matches!(self, Self::Unset)
    }
}

impl<T: Clone> Opt<T> {
    /// The entry's value when written, else the default's.
    pub(crate) fn or(&self, default: &Self) -> Self {
        match self {
            Self::Unset => default.clone(),
            other => other.clone(),
        }
    }
}

/// The order fields of an entry or of `defaults`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields {
    pub(crate) model: Opt<String>,
    pub(crate) constellations: Opt<BTreeSet<String>>,
    pub(crate) storage_months: Opt<u32>,
    pub(crate) api_requests: Opt<u32>,
    pub(crate) image_frequency: Opt<u32>,
    pub(crate) reference_date: Opt<NaiveDate>,
    pub(crate) from: Opt<NaiveDate>,
    pub(crate) to: Opt<Option<NaiveDate>>,
    pub(crate) tile_deduplication: Opt<bool>,
    pub(crate) protect: Opt<bool>,
    pub(crate) ensure: Opt<Ensure>,
}

impl Fields {
    /// Parses the value of the entry key `field` into its field; `null` is
    /// left out, except where the table makes it a value (`To`).
    pub(crate) fn set(&mut self, sink: &mut Sink<'_>, field: &Field, v: &Node) {
        if matches!(v.kind, Kind::Null) && !matches!(field.absent, Absent::Null(_)) {
            return;
        }
        let key = field.name;
        match (field.key, field.ty) {
            (Key::Model, _) => self.model = model(sink, v),
            (Key::SatelliteConstellations, _) => self.constellations = constellations(sink, v),
            (Key::StorageMonths, Ty::Count(range)) => {
                self.storage_months = count(sink, key, v, range);
            }
            (Key::ApiRequests, Ty::Count(range)) => self.api_requests = count(sink, key, v, range),
            (Key::ImageFrequency, Ty::Count(range)) => {
                self.image_frequency = count(sink, key, v, range);
            }
            (Key::ReferenceDate, _) => self.reference_date = date(sink, key, v),
            (Key::From, _) => self.from = from(sink, v),
            (Key::To, _) => self.to = to(sink, v),
            (Key::TileDeduplication, _) => self.tile_deduplication = boolean(sink, key, v),
            (Key::Protect, _) => self.protect = boolean(sink, key, v),
            (Key::Ensure, _) => self.ensure = ensure(sink, v),
            _ => {}
        }
    }

    /// Returns true when the field of `key` is not written (nor written wrong).
    pub(crate) fn is_unset(&self, key: Key) -> bool {
        match key {
            Key::Model => self.model.is_unset(),
            Key::SatelliteConstellations => self.constellations.is_unset(),
            Key::StorageMonths => self.storage_months.is_unset(),
            Key::ApiRequests => self.api_requests.is_unset(),
            Key::ImageFrequency => self.image_frequency.is_unset(),
            Key::ReferenceDate => self.reference_date.is_unset(),
            Key::From => self.from.is_unset(),
            Key::To => self.to.is_unset(),
            Key::TileDeduplication => self.tile_deduplication.is_unset(),
            Key::Protect => self.protect.is_unset(),
            Key::Ensure => self.ensure.is_unset(),
            _ => false,
        }
    }

    /// Fills every field the entry left out from `defaults`.
    pub(crate) fn or(&self, d: &Self) -> Self {
        Self {
            model: self.model.or(&d.model),
            constellations: self.constellations.or(&d.constellations),
            storage_months: self.storage_months.or(&d.storage_months),
            api_requests: self.api_requests.or(&d.api_requests),
            image_frequency: self.image_frequency.or(&d.image_frequency),
            reference_date: self.reference_date.or(&d.reference_date),
            from: self.from.or(&d.from),
            to: self.to.or(&d.to),
            tile_deduplication: self.tile_deduplication.or(&d.tile_deduplication),
            protect: self.protect.or(&d.protect),
            ensure: self.ensure.clone(),
        }
    }
}

fn model(sink: &mut Sink<'_>, v: &Node) -> Opt<String> {
    let Some(s) = v.as_str() else {
        sink.wrong_type("Model", "a model name", v);
        return Opt::Bad;
    };
    if let Some(m) = catalog::model(s) {
        return Opt::Set(m.api_name.to_owned(), v.pos);
    }
    let names: Vec<&str> = catalog::MODELS.iter().map(|m| m.api_name).collect();
    let known = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if let Some(m) = catalog::model_by_label(s) {
        sink.error_hint(
            v.pos,
            format!("unknown `Model` `{s}`: expected one of {known}"),
            format!("`{s}` is a display label; use the API value `{}`", m.api_name),
        );
        return Opt::Bad;
    }
    if !catalog::is_api_name(s) {
        let message = format!(
            "`Model` `{s}` is not a model's API value (letters and digits, starting with a \
             letter): expected one of {known}"
        );
        // A variant's label (`Nimbus-NDVI`) is usually its API value without the punctuation.
        let squashed: String = s.chars().filter(char::is_ascii_alphanumeric).collect();
        if catalog::is_api_name(&squashed) {
            let hint = format!(
                "if the API offers this model, write its API value, e.g. `{squashed}`; plan \
                 lists the models the API offers when it refuses one"
            );
            sink.error_hint(v.pos, message, hint);
        } else {
            sink.error(v.pos, message);
        }
        return Opt::Bad;
    }
    let hint = match suggest(s, &names) {
        Some(near) => format!("did you mean `{near}`? (skyform knows {known})"),
        None => format!("skyform knows {known}"),
    };
    sink.warn(
        v.pos,
        format!("model `{s}` is not in skyform's catalogue; plan checks it against the API"),
        hint,
    );
    Opt::Set(s.to_owned(), v.pos)
}

fn constellations(sink: &mut Sink<'_>, v: &Node) -> Opt<BTreeSet<String>> {
    let Kind::Seq(items) = &v.kind else {
        sink.wrong_type("SatelliteConstellations", "a list of constellations", v);
        return Opt::Bad;
    };
    if items.is_empty() {
        sink.error(v.pos, "`SatelliteConstellations` must name at least one constellation".into());
        return Opt::Bad;
    }
    let names: Vec<&str> = catalog::CONSTELLATIONS.iter().map(|c| c.api_name).collect();
    let known = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let mut set = BTreeSet::new();
    let mut ok = true;
    for item in items {
        let written = item.as_str();
        if let Some(c) = written.and_then(catalog::constellation) {
            set.insert(c.api_name.to_owned());
            continue;
        }
        let near = suggest(&item.to_string().replace(['-', ' ', '/'], ""), &names);
        if let Some(name) = written.filter(|w| catalog::is_api_name(w)) {
            let hint = match near {
                Some(s) => format!("did you mean `{s}`? (skyform knows {known})"),
                None => format!("skyform knows {known}"),
            };
            let message = format!(
                "constellation `{name}` is not in skyform's catalogue; plan checks it against \
                 the API"
            );
            sink.warn(item.pos, message, hint);
            set.insert(name.to_owned());
        } else {
            ok = false;
            let message = format!("unknown constellation `{item}`: expected one of {known}");
            match near {
                Some(s) => sink.error_hint(item.pos, message, format!("did you mean `{s}`?")),
                None => sink.error(item.pos, message),
            }
        }
    }
    if ok { Opt::Set(set, v.pos) } else { Opt::Bad }
}

/// A whole number in `range`. Where the API sets no largest value, skyform's
/// is `u32::MAX`.
fn count(sink: &mut Sink<'_>, key: &str, v: &Node, range: Accepted) -> Opt<u32> {
    let capped = Accepted { max: Some(range.max.unwrap_or(u32::MAX)), ..range };
    let Kind::Int(i) = v.kind else {
        let shown = sink.shown(v);
        if matches!(v.kind, Kind::Float(_)) && shown.bytes().all(|b| b.is_ascii_digit()) {
            // An integer too large even for the parser's integers.
            sink.error(v.pos, format!("`{key}` must be {}, found `{shown}`", capped.rule()));
        } else {
            sink.wrong_type(key, "an integer", v);
        }
        return Opt::Bad;
    };
    match u32::try_from(i) {
        Ok(n) if range.contains(i64::from(n)) => Opt::Set(n, v.pos),
        // Below the smallest value, the API's own rule; above, skyform's.
        _ if i < i128::from(range.min) => {
            sink.error(v.pos, format!("`{key}` must be {}, found `{i}`", range.rule()));
            Opt::Bad
        }
        _ => {
            sink.error(v.pos, format!("`{key}` must be {}, found `{i}`", capped.rule()));
            Opt::Bad
        }
    }
}

fn boolean(sink: &mut Sink<'_>, key: &str, v: &Node) -> Opt<bool> {
    const EXPECTED: &str = "`true` or `false`";
    if let Kind::Bool(b) = v.kind {
        return Opt::Set(b, v.pos);
    }
    if let Some(meant) = v.as_str().and_then(yaml_core::yaml_1_1_boolean) {
        let message = sink.wrong_type_message(key, EXPECTED, v);
        sink.error_hint(v.pos, message, yaml_core::boolean_hint(meant));
    } else {
        sink.wrong_type(key, EXPECTED, v);
    }
    Opt::Bad
}

fn ensure(sink: &mut Sink<'_>, v: &Node) -> Opt<Ensure> {
    match v.as_str() {
        Some("present") => Opt::Set(Ensure::Present, v.pos),
        Some("absent") => Opt::Set(Ensure::Absent, v.pos),
        _ => {
            sink.error(v.pos, format!("`ensure` must be `present` or `absent`, found `{v}`"));
            Opt::Bad
        }
    }
}

fn date(sink: &mut Sink<'_>, key: &str, v: &Node) -> Opt<NaiveDate> {
    let parsed = v
        .as_str()
        .filter(|s| s.len() == 10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    if let Some(d) = parsed {
        Opt::Set(d, v.pos)
    } else {
        sink.error(v.pos, format!("`{key}` must be a date `YYYY-MM-DD`, found `{v}`"));
        Opt::Bad
    }
}

fn from(sink: &mut Sink<'_>, v: &Node) -> Opt<NaiveDate> {
    let d = date(sink, "From", v);
    if let Opt::Set(day, pos) = d
        && !calendar::is_month_start(day)
    {
        let first = calendar::month_start(day);
        sink.error_hint(
            pos,
            format!("`From` must be the first day of a month, found `{day}`"),
            format!("use `{first}`"),
        );
        return Opt::Bad;
    }
    d
}

fn to(sink: &mut Sink<'_>, v: &Node) -> Opt<Option<NaiveDate>> {
    if matches!(v.kind, Kind::Null) {
        return Opt::Set(None, v.pos);
    }
    match date(sink, "To", v) {
        Opt::Set(day, pos) => {
            let last = calendar::month_end(day);
            if day == last {
                Opt::Set(Some(day), pos)
            } else {
                sink.error_hint(
                    pos,
                    format!("`To` must be the last day of a month, found `{day}`"),
                    format!("use `{last}`, or `null` for a recurring order"),
                );
                Opt::Bad
            }
        }
        Opt::Bad => Opt::Bad,
        Opt::Unset => Opt::Unset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["Model", "From", "To", "ImageFrequency"];
        assert_eq!(suggest("model", &keys), Some("Model"));
        assert_eq!(suggest("ImageFrequncy", &keys), Some("ImageFrequency"));
        assert_eq!(suggest("colour", &keys), None);
    }
}
