//! Errors of talking to the ClearSKY API.

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request never got an HTTP answer.
    #[error("cannot reach the ClearSKY API: {0}")]
    Transport(String),
}

impl Error {
    /// How to fix it, when known.
    pub fn hint(&self) -> Option<String> {
        None
    }
}
