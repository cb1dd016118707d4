//! How many requests skyform keeps in flight: the account's
//! `MaxConcurrentConnections` (from `GET /api/account/info`, contract A5.10),
//! or `--concurrency`.
//!
//! Pure, no IO: the caller fetches the account and prints the note; the
//! settings stage checks the flag with [`flag`].
//!
//! Calls beyond the account's limit are refused with 400/1003 ("max
//! concurrent requests reached", docs D19), which skyform retries after a
//! backoff; sending them only produces refusals and waits. So the account's
//! limit is the default, and `--concurrency` chooses another number but
//! never more than the limit the account states. Assumptions (the docs give
//! no numbers): at most [`CAP`] by default, however high the account's limit,
//! and [`FALLBACK`] when the account does not say.

use std::num::NonZeroUsize;

/// Requests in flight when the account states no limit.
pub const FALLBACK: NonZeroUsize = NonZeroUsize::new(4).unwrap();

/// The most requests in flight by default, whatever the account allows.
pub const CAP: NonZeroUsize = NonZeroUsize::new(16).unwrap();

/// The number decided, and a line to show when a flag was lowered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concurrency {
    /// Requests in flight at once.
    pub value: NonZeroUsize,
    /// Says that `--concurrency` was above the account's limit.
    pub note: Option<String>,
}

/// Checks `--concurrency N`: at least 1.
pub fn flag(n: usize) -> Result<NonZeroUsize, crate::Error> {
    NonZeroUsize::new(n).ok_or_else(|| {
        crate::Error::usage(format!("`--concurrency` must be at least 1, not `{n}`"), None)
    })
}

/// Decides the concurrency from `--concurrency` (if given) and the account's
/// `MaxConcurrentConnections` (if it states a positive one).
pub fn concurrency(flag: Option<NonZeroUsize>, account_max: Option<i64>) -> Concurrency {
    let limit = account_max.and_then(|n| usize::try_from(n).ok()).and_then(NonZeroUsize::new);
    let (value, note) = match (flag, limit) {
        (Some(flag), Some(limit)) if flag > limit => (
            limit,
            Some(format!(
                "note: `--concurrency {flag}` is above this account's limit of {limit} \
                 concurrent requests (`MaxConcurrentConnections`); using {limit}"
            )),
        ),
        (Some(flag), _) => (flag, None),
        (None, Some(limit)) => (limit.min(CAP), None),
        (None, None) => (FALLBACK, None),
    };
    Concurrency { value, note }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: usize) -> NonZeroUsize {
        NonZeroUsize::new(v).unwrap()
    }

    #[test]
    fn the_account_limit_is_the_default_and_the_ceiling() {
        let cases: &[(Option<usize>, Option<i64>, usize, bool)] = &[
            (None, Some(10), 10, false),
            (None, Some(2), 2, false),
            (None, Some(500), 16, false),
            (None, None, 4, false),
            (None, Some(0), 4, false),
            (None, Some(-3), 4, false),
            (Some(3), Some(10), 3, false),
            (Some(40), Some(500), 40, false),
            (Some(16), Some(2), 2, true),
            (Some(16), None, 16, false),
        ];
        for &(flag, account, want, noted) in cases {
            let got = concurrency(flag.map(n), account);
            assert_eq!(
                (got.value.get(), got.note.is_some()),
                (want, noted),
                "{flag:?} {account:?}"
            );
        }
        let note = concurrency(Some(n(16)), Some(2)).note.unwrap();
        assert_eq!(
            note,
            "note: `--concurrency 16` is above this account's limit of 2 concurrent requests \
             (`MaxConcurrentConnections`); using 2"
        );
    }
}
