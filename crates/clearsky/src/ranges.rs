//! The ranges the API accepts for order fields, as published. The manifest
//! checks by them and the emulator refuses by them.
//!
//! Pure, no IO.

use std::ops::RangeInclusive;

/// The `ImageFrequency` values the API accepts: days between images, from 1
/// (daily) to 7 (weekly).
pub const IMAGE_FREQUENCY_DAYS: RangeInclusive<u32> = 1..=7;
