//! Reading an answer's body, at most so many bytes.
//!
//! Does IO (reads the response). A server that announces or sends more than
//! the limit gets an error instead of the process's memory.

/// Why a body was not read.
#[derive(Debug)]
pub(super) enum BodyError {
    /// The transport failed while reading.
    Transport(reqwest::Error),
    /// The answer is longer than the limit.
    TooLong {
        /// The limit, in bytes.
        limit: usize,
    },
}

/// Reads the whole body of `resp` if it is at most `limit` bytes long.
pub(super) async fn read(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    let too_long = BodyError::TooLong { limit };
    let announced = resp.content_length().map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    if announced.is_some_and(|n| n > limit) {
        return Err(too_long);
    }
    let mut body = Vec::with_capacity(announced.unwrap_or(0));
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(too_long);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `64 MiB`, `1 KiB`, `100 bytes`: a limit as a person reads it.
pub(super) fn shown(limit: usize) -> String {
    match limit {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(super::shown(64 << 20), "64 MiB");
        assert_eq!(super::shown(2048), "2 KiB");
        assert_eq!(super::shown(100), "100 bytes");
    }
}
