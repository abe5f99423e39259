//! Typed errors with exit codes: 1 = data error, 2 = usage error.
use std::fmt;

#[derive(Debug)]
pub enum ShnorError {
    /// Bad input data (file, row, column named in the message).
    Data(String),
    /// Bad command line or configuration.
    Usage(String),
}

impl ShnorError {
    pub fn exit_code(&self) -> i32 {
        match self {
            ShnorError::Data(_) => 1,
            ShnorError::Usage(_) => 2,
        }
    }
}

impl fmt::Display for ShnorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShnorError::Data(m) | ShnorError::Usage(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ShnorError {}

/// A data error located in an input: file, optional sheet, row, column.
pub fn data_err(loc: &Loc, column: &str, msg: impl fmt::Display) -> anyhow::Error {
    ShnorError::Data(format!("{}: column «{}»: {}", loc, column, msg)).into()
}

pub fn usage(msg: impl fmt::Display) -> anyhow::Error {
    ShnorError::Usage(msg.to_string()).into()
}

pub fn data(msg: impl fmt::Display) -> anyhow::Error {
    ShnorError::Data(msg.to_string()).into()
}

/// Where a value came from, for error messages.
#[derive(Debug, Clone)]
pub struct Loc {
    pub file: String,
    pub sheet: Option<String>,
    pub row: usize,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, " [лист «{}»]", s.trim())?;
        }
        write!(f, ", row {}", self.row)
    }
}

/// Exit code for any error: typed errors carry their own, everything else is a data error.
/// A reader that stopped reading (`shnor … | head`): not an error of the run.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

pub fn exit_code(err: &anyhow::Error) -> i32 {
    err.downcast_ref::<ShnorError>()
        .map(|e| e.exit_code())
        .unwrap_or(1)
}
