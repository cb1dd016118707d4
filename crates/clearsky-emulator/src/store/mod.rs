//! The emulator's whole state and every rule that changes it: tenants and
//! their credits, orders and their lifecycle, the clock and monthly renewal.
//!
//! Pure, no IO: the router locks it, calls one method and persists it.
//! `state` holds the serializable types (the `--state` file and the
//! `/_emulator/state` dump are this state as is; API keys are never stored,
//! tenants are keyed by a hash of the key); `orders` has what the API does to
//! orders (create with tile deduplication, list with expiry, details, cancel);
//! `lifecycle` what time and ClearSKY do to them (accept, deny, monthly
//! renewal, status by the clock).

mod lifecycle;
mod orders;
mod renewal;
mod state;

pub(crate) use state::tenant_id;
pub use state::{State, StoredOrder, Tenant};

#[cfg(test)]
mod tests;
