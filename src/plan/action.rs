//! The kind of a plan item, each with its one glyph and name: the single
//! place where actions are defined.
//!
//! Pure, no IO.

use serde::{Deserialize, Serialize};

/// The kind of a change, each with one glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The entry is satisfied by a live order; nothing happens.
    Keep,
    /// A new order is placed.
    Create,
    /// A new order is placed, then the old one is cancelled where the rules allow.
    Replace,
    /// A live order is cancelled (fully in `Review`, else its renewal stops).
    Cancel,
    /// A cancel or replace is wanted but forbidden; the plan fails (exit 3).
    Blocked,
    /// A live order matches no entry and pruning is off; never touched.
    Unmanaged,
}

impl Action {
    /// Every action, in display order.
    pub const ALL: [Action; 6] = [
        Action::Create,
        Action::Replace,
        Action::Cancel,
        Action::Blocked,
        Action::Keep,
        Action::Unmanaged,
    ];

    /// The one-character glyph shown before a plan line.
    pub fn glyph(self) -> &'static str {
        match self {
            Action::Keep => " ",
            Action::Create => "+",
            Action::Replace => "±",
            Action::Cancel => "-",
            Action::Blocked => "!",
            Action::Unmanaged => "?",
        }
    }

    /// The lower-case name used in JSON and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Create => "create",
            Action::Replace => "replace",
            Action::Cancel => "cancel",
            Action::Blocked => "blocked",
            Action::Unmanaged => "unmanaged",
        }
    }

    /// True for the actions apply executes (create, replace, cancel).
    pub fn is_change(self) -> bool {
        matches!(self, Action::Create | Action::Replace | Action::Cancel)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
