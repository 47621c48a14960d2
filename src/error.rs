//! The library's error type.

use std::path::PathBuf;

/// Everything that can go wrong reading input or writing output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An output file could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A document's bytes are not text we can decode.
    #[error("{document}: {reason}")]
    Decode {
        /// The document id (file path).
        document: String,
        /// Why.
        reason: String,
    },
    /// A JSON Lines record is malformed.
    #[error("{path}:{line}: {reason}")]
    Record {
        /// The file (or `-`).
        path: String,
        /// 1-based line number.
        line: usize,
        /// Why.
        reason: String,
    },
    /// A gold file could not be parsed.
    #[error("{path}:{line}: {reason}")]
    Gold {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Why.
        reason: String,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
