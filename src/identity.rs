//! When a wanted order and a live order are the same order: the spec fingerprint.
