//! One problem found in a manifest, and the list of all problems of a run with
//! its two renderings: plain `file:line:col: message` lines, or miette snippets
//! with the offending value underlined.
//!
//! No IO of its own: rendering writes to the `&mut dyn Write` it is given.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use super::node::Pos;

/// One problem in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, or 0 when the problem concerns the whole file.
    pub column: usize,
    /// What is wrong: names the offending value and what is allowed.
    pub message: String,
    /// How to fix it, when known.
    pub hints: Vec<String>,
    /// A warning: worth knowing, but the manifest is still valid.
    pub warning: bool,
    offset: usize,
    len: usize,
}

impl Diagnostic {
    /// Creates a diagnostic at a node's position.
    pub(crate) fn at(file: &Path, pos: Pos, message: String) -> Self {
        Self {
            file: file.to_path_buf(),
            line: pos.line,
            column: pos.column,
            message,
            hints: Vec::new(),
            warning: false,
            offset: pos.offset,
            len: pos.len,
        }
    }

    /// Creates a diagnostic at an entry, without a snippet (for checks made
    /// after loading, which know where an entry is but not its text).
    pub(crate) fn at_entry(entry: &crate::spec::Source, message: String) -> Self {
        let pos = Pos { line: entry.line, column: entry.column, offset: 0, len: 0 };
        Self::at(&entry.file, pos, message)
    }

    /// Creates a diagnostic about a whole file (unreadable, not found).
    pub(crate) fn file(file: &Path, message: String) -> Self {
        Self::at(file, Pos::default(), message)
    }

    /// Adds a hint line.
    #[must_use]
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    fn plain(&self, out: &mut String) {
        let level = if self.warning { "warning: " } else { "" };
        let _ = if self.line == 0 {
            writeln!(out, "{}: {level}{}", self.file.display(), self.message)
        } else {
            let (line, column) = (self.line, self.column);
            writeln!(out, "{}:{line}:{column}: {level}{}", self.file.display(), self.message)
        };
        for hint in &self.hints {
            let _ = writeln!(out, "  hint: {hint}");
        }
    }
}

/// Every problem found in one run, in file and line order.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    sources: HashMap<PathBuf, Arc<str>>,
}

impl Diagnostics {
    /// Returns the number of problems.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Returns true when there are no problems.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Adds a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds a warning: shown, but not counted as a problem.
    pub fn warn(&mut self, mut d: Diagnostic) {
        d.warning = true;
        self.warnings.push(d);
    }

    /// The warnings, in file and line order once [`Diagnostics::finish`] ran.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Moves the warnings (and the sources they need) into a list of their own.
    #[must_use]
    pub fn take_warnings(&mut self) -> Diagnostics {
        Diagnostics {
            items: Vec::new(),
            warnings: std::mem::take(&mut self.warnings),
            sources: self.sources.clone(),
        }
    }

    /// The text written at `pos` in `file`, when its source is kept.
    pub(crate) fn written(&self, file: &Path, pos: Pos) -> Option<&str> {
        let text = self.sources.get(file)?;
        text.get(pos.offset..pos.offset.checked_add(pos.len)?)
    }

    /// Keeps a file's text so that snippets can be shown.
    pub(crate) fn add_source(&mut self, file: &Path, text: Arc<str>) {
        self.sources.insert(file.to_path_buf(), text);
    }

    /// Sorts by file, line and column (stable) and drops exact repeats, which
    /// happen when a faulty `defaults` value is used by several entries.
    pub fn finish(&mut self) {
        for list in [&mut self.items, &mut self.warnings] {
            list.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            list.dedup();
        }
    }

    /// Writes every problem: miette snippets when `fancy` (coloured), else one
    /// `file:line:col: message` line each with indented `hint:` lines.
    pub fn render(&self, w: &mut dyn Write, fancy: bool) -> std::io::Result<()> {
        self.render_styled(w, fancy, fancy)
    }

    /// Like [`Diagnostics::render`], choosing colour apart from the snippet form
    /// (a terminal with `NO_COLOR` gets snippets without colour).
    pub fn render_styled(
        &self,
        w: &mut dyn Write,
        fancy: bool,
        color: bool,
    ) -> std::io::Result<()> {
        let mut out = String::new();
        for d in self.items.iter().chain(&self.warnings) {
            match self.sources.get(&d.file) {
                Some(src) if fancy && d.line > 0 => fancy_one(d, src, color, &mut out),
                _ => d.plain(&mut out),
            }
        }
        w.write_all(out.as_bytes())
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

fn fancy_one(d: &Diagnostic, src: &Arc<str>, color: bool, out: &mut String) {
    let end = (d.offset + d.len).min(src.len());
    let start = d.offset.min(end);
    // miette appends `:line:column` to the source's name itself.
    let name = d.file.display().to_string();
    let severity = if d.warning { miette::Severity::Warning } else { miette::Severity::Error };
    let diag = MietteDiagnostic::new(d.message.clone())
        .with_severity(severity)
        .with_labels([LabeledSpan::at(start..end.max(start), "here")]);
    let report = miette::Report::new(diag)
        .with_source_code(NamedSource::new(name, Arc::clone(src)).with_language("yaml"));
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme);
    if handler.render_report(out, report.as_ref()).is_err() {
        return d.plain(out);
    }
    // Hints are written here rather than as miette's `help:`, so that they
    // read `hint:` on a terminal as they do in the plain form.
    for hint in &d.hints {
        let _ = writeln!(out, "  hint: {hint}");
    }
}
