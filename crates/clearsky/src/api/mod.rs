//! The ClearSKY API on the wire: the types both the client and the emulator
//! speak, and the client.
//!
//! [`Client`] does the network IO; everything it decides is pure and lives in
//! its own file: [`request`] builds requests as values, [`response::handle`]
//! maps every answer to data or an [`Error`], [`retry::RetryPolicy`] decides
//! whether and when to try again, and [`config`] says where and how to connect.
//! Creates are never retried and report [`CreateOutcome`]; cancels report
//! [`CancelOutcome`].

mod body;
pub mod client;
pub mod config;
pub mod error;
pub mod poll;
pub mod request;
pub mod response;
pub mod retry;
pub mod server_clock;
pub mod types;

pub use client::{CancelOutcome, Client, CreateOutcome};
pub use config::{ApiKey, Config, DEFAULT_URL, Jitter, MAX_ANSWER_BYTES, Sleeper};
pub use error::Error;
pub use request::ListQuery;
pub use retry::RetryPolicy;
pub use server_clock::ServerClock;
