//! The ClearSKY API: wire types shared with the emulator, and the client.
//!
//! Does network IO (the client).

pub mod error;
pub mod types;

pub use error::Error;
