//! Errors that stop reading: input that cannot be read at all, and, in strict mode, the first
//! problem with the data. Every variant names the file, and the line where there is one.

use crate::report::Problem;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The input is not something this crate knows how to read.
    #[error("{file}: {message}")]
    Unrecognised { file: String, message: String },
    #[error("{file}:{line}:{column}: not valid JSON: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}:{line}: {message}")]
    Csv {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: not a readable zip archive: {message}")]
    Zip { file: String, message: String },
    /// Strict mode: the first error in the data.
    #[error("stopped at the first error (strict mode): {0}")]
    Strict(Box<Problem>),
}

impl ReadError {
    pub(crate) fn io(file: impl Into<String>, source: std::io::Error) -> Self {
        ReadError::Io {
            file: file.into(),
            source,
        }
    }

    pub(crate) fn unrecognised(file: impl Into<String>, message: impl Into<String>) -> Self {
        ReadError::Unrecognised {
            file: file.into(),
            message: message.into(),
        }
    }

    pub(crate) fn json(file: impl Into<String>, e: &serde_json::Error, line_offset: usize) -> Self {
        ReadError::Json {
            file: file.into(),
            line: e.line() + line_offset,
            column: e.column(),
            message: e.to_string(),
        }
    }

    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            ReadError::Io { file, .. }
            | ReadError::Unrecognised { file, .. }
            | ReadError::Json { file, .. }
            | ReadError::Csv { file, .. }
            | ReadError::Zip { file, .. } => file,
            ReadError::Strict(p) => &p.file,
        }
    }

    /// The 1-based line the error is about, where known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ReadError::Json { line, .. } | ReadError::Csv { line, .. } => Some(*line),
            ReadError::Strict(p) => p.line,
            _ => None,
        }
    }
}

/// Errors while writing files.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
}

impl WriteError {
    pub(crate) fn io(file: impl Into<String>, source: std::io::Error) -> Self {
        WriteError::Io {
            file: file.into(),
            source,
        }
    }
    pub(crate) fn format(file: impl Into<String>, message: impl std::fmt::Display) -> Self {
        WriteError::Format {
            file: file.into(),
            message: message.to_string(),
        }
    }
}
