//! The emulator's call log: `(method, path, status)` of the latest `/api`
//! calls, for tests to assert on. A ring buffer of [`CallLog::CAPACITY`]
//! entries, so a long-running emulator does not grow without bound.
//!
//! Pure, no IO.

use std::collections::VecDeque;

/// One logged call: method, path as sent, status (0 = dropped).
pub(crate) type Call = (String, String, u16);

/// The latest calls, oldest first.
#[derive(Debug, Default)]
pub(crate) struct CallLog {
    calls: VecDeque<Call>,
}

impl CallLog {
    /// How many calls are kept; older ones are forgotten.
    pub(crate) const CAPACITY: usize = 10_000;

    /// Logs a call, forgetting the oldest when full.
    pub(crate) fn push(&mut self, call: Call) {
        if self.calls.len() == Self::CAPACITY {
            self.calls.pop_front();
        }
        self.calls.push_back(call);
    }

    /// Forgets every call.
    pub(crate) fn clear(&mut self) {
        self.calls.clear();
    }

    /// The kept calls, oldest first.
    pub(crate) fn to_vec(&self) -> Vec<Call> {
        self.calls.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_latest_calls() {
        let mut log = CallLog::default();
        for i in 0..CallLog::CAPACITY + 5 {
            log.push(("GET".into(), format!("/{i}"), 200));
        }
        let calls = log.to_vec();
        assert_eq!(calls.len(), CallLog::CAPACITY);
        assert_eq!(calls[0].1, "/5");
        log.clear();
        assert!(log.to_vec().is_empty());
    }
}
