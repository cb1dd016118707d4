//! The plan: a plain value saying what would change and what it costs.
