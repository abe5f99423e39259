//! Typed errors and their exit codes: 1 = the input data, 2 = the command line or the config,
//! 3 = anything else (a bug or an I/O failure), which says it is not the user's data.
//!
//! Every module returns `anyhow::Result`; the kind of failure travels as a [`ShnorError`] inside the
//! `anyhow::Error` (made by [`data`], [`data_err`], [`data_expected`], [`usage`], [`internal`]).
//! An error that carries none — a polars or I/O error passed up with `?` — counts as internal.
use std::fmt;

/// Exit code of a data error: the input is wrong (file, sheet, row, column named).
pub const EXIT_DATA: i32 = 1;
/// Exit code of a usage error: the command line or the config is wrong.
pub const EXIT_USAGE: i32 = 2;
/// Exit code of an internal error: a bug or an I/O failure, not the user's data.
pub const EXIT_INTERNAL: i32 = 3;

/// What went wrong, by whose fault; the message of each is the text the user sees after
/// `shnor: error: `.
#[derive(Debug, thiserror::Error)]
pub enum ShnorError {
    /// Bad command line or configuration (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Bad input data (exit 1). Shown as `FILE [лист «SHEET»], row ROW: column «COLUMN»: MESSAGE`,
    /// each part only when known; `MESSAGE` is `expected EXPECTED, found «FOUND»` when those are given
    /// and no free text is.
    #[error("{}", data_text(.file, .sheet, .row, .column, .expected, .found, .message))]
    Data {
        file: Option<String>,
        sheet: Option<String>,
        /// Line number in the file (1-based, counting the header lines) or spreadsheet row.
        row: Option<usize>,
        column: Option<String>,
        expected: Option<String>,
        found: Option<String>,
        /// Free text after the location (the whole message when nothing is located).
        message: Option<String>,
    },
    /// A bug or an I/O failure (exit 3): not a problem with the input data.
    #[error("{0}")]
    Internal(String),
}

impl ShnorError {
    pub fn exit_code(&self) -> i32 {
        match self {
            ShnorError::Data { .. } => EXIT_DATA,
            ShnorError::Usage(_) => EXIT_USAGE,
            ShnorError::Internal(_) => EXIT_INTERNAL,
        }
    }
}

/// The text of a data error from its parts (see [`ShnorError::Data`]).
fn data_text(
    file: &Option<String>,
    sheet: &Option<String>,
    row: &Option<usize>,
    column: &Option<String>,
    expected: &Option<String>,
    found: &Option<String>,
    message: &Option<String>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(f) = file {
        let mut at = f.clone();
        if let Some(s) = sheet {
            at.push_str(&format!(" [лист «{s}»]"));
        }
        if let Some(r) = row {
            at.push_str(&format!(", row {r}"));
        }
        parts.push(at);
    }
    if let Some(c) = column {
        parts.push(format!("column «{c}»"));
    }
    match (message, expected, found) {
        (Some(m), _, _) => parts.push(m.clone()),
        (None, Some(e), Some(f)) => parts.push(format!("expected {e}, found «{f}»")),
        (None, Some(e), None) => parts.push(format!("expected {e}")),
        (None, None, Some(f)) => parts.push(format!("found «{f}»")),
        (None, None, None) => {}
    }
    parts.join(": ")
}

/// A data error located in an input: file, optional sheet, row, column, with free text.
/// Text: `{loc}: column «{column}»: {msg}`.
pub fn data_err(loc: &Loc, column: &str, msg: impl fmt::Display) -> anyhow::Error {
    located(loc, column, None, None, Some(msg.to_string()))
}

/// A data error located in an input that says what the cell should hold and what it holds.
/// Text: `{loc}: column «{column}»: expected {expected}, found «{found}»`.
pub fn data_expected(
    loc: &Loc,
    column: &str,
    expected: impl fmt::Display,
    found: impl fmt::Display,
) -> anyhow::Error {
    let (e, f) = (expected.to_string(), found.to_string());
    located(loc, column, Some(e), Some(f), None)
}

/// Excel's error values, as a cell shows them (calamine reads them so).
const EXCEL_ERRORS: [&str; 8] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!",
];

/// A hint when the value found is one of Excel's error values: the cell's formula failed.
fn excel_error_hint(found: Option<&str>, message: Option<&str>) -> Option<String> {
    let e = EXCEL_ERRORS.iter().find(|e| {
        found.is_some_and(|f| f.trim() == **e)
            || message.is_some_and(|m| m.contains(&format!("«{e}»")))
    })?;
    Some(format!(
        "«{e}» is an Excel error value: the cell holds a formula that could not be computed; fix the formula or enter the value in the workbook"
    ))
}

fn located(
    loc: &Loc,
    column: &str,
    expected: Option<String>,
    found: Option<String>,
    message: Option<String>,
) -> anyhow::Error {
    let message = match excel_error_hint(found.as_deref(), message.as_deref()) {
        None => message,
        Some(hint) => {
            let base = match (&message, &expected, &found) {
                (Some(m), _, _) => m.clone(),
                (None, Some(e), Some(f)) => format!("expected {e}, found «{f}»"),
                (None, _, Some(f)) => format!("found «{f}»"),
                _ => String::new(),
            };
            Some(format!("{base}; {hint}"))
        }
    };
    ShnorError::Data {
        file: Some(loc.file.clone()),
        sheet: loc.sheet.clone(),
        row: Some(loc.row),
        column: Some(column.to_string()),
        expected,
        found,
        message,
    }
    .into()
}

/// A usage error (exit 2): the command line or the config is wrong.
pub fn usage(msg: impl fmt::Display) -> anyhow::Error {
    ShnorError::Usage(msg.to_string()).into()
}

/// A data error (exit 1) that is not tied to one cell; the message should name the file.
pub fn data(msg: impl fmt::Display) -> anyhow::Error {
    ShnorError::Data {
        file: None,
        sheet: None,
        row: None,
        column: None,
        expected: None,
        found: None,
        message: Some(msg.to_string()),
    }
    .into()
}

/// An internal error (exit 3): a bug or an I/O failure, not the user's data.
pub fn internal(msg: impl fmt::Display) -> anyhow::Error {
    ShnorError::Internal(msg.to_string()).into()
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
            write!(f, " [лист «{s}»]")?;
        }
        write!(f, ", row {}", self.row)
    }
}

/// A reader that stopped reading (`shnor … | head`): not an error of the run.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Exit code for any error: typed errors carry their own; an untyped one (a polars or I/O error
/// passed up with `?`) is internal.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    err.downcast_ref::<ShnorError>()
        .map_or(EXIT_INTERNAL, ShnorError::exit_code)
}

/// What the user reads on stderr: `shnor: error: …` with the whole chain of causes (school keys
/// in the user's words, `model::warning::in_words`), and for an internal error a second line
/// saying it is not the input data.
pub fn report(err: &anyhow::Error) -> String {
    let mut s = format!(
        "shnor: error: {}",
        crate::model::warning::in_words(&format!("{err:#}"))
    );
    if exit_code(err) == EXIT_INTERNAL {
        s.push_str(
            "\nshnor: this is not a problem with the input data: it is a bug in shnor or a failure \
             to read or write a file (exit code 3)",
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(sheet: Option<&str>) -> Loc {
        Loc {
            file: "marks.csv".into(),
            sheet: sheet.map(String::from),
            row: 7,
        }
    }

    #[test]
    fn data_error_exits_1_and_names_file_sheet_row_column() {
        let e = data_err(&loc(Some(" Лист1 ")), "2", "expected a number, found «x»");
        assert_eq!(exit_code(&e), EXIT_DATA);
        assert_eq!(
            e.to_string(),
            // the sheet as it is named, spaces included (fresh-eyes #13: «Итоги » was shown «Итоги»)
            "marks.csv [лист « Лист1 »], row 7: column «2»: expected a number, found «x»"
        );
        let ShnorError::Data {
            file, sheet, row, ..
        } = e.downcast_ref::<ShnorError>().unwrap()
        else {
            panic!("not a data error")
        };
        assert_eq!(
            (file.as_deref(), sheet.as_deref(), *row),
            (Some("marks.csv"), Some(" Лист1 "), Some(7))
        );
    }

    #[test]
    fn data_expected_reads_as_the_free_text_form() {
        let typed = data_expected(&loc(None), "Год", "a year", "20x4");
        let free = data_err(&loc(None), "Год", "expected a year, found «20x4»");
        assert_eq!(typed.to_string(), free.to_string());
        let ShnorError::Data {
            expected, found, ..
        } = typed.downcast_ref::<ShnorError>().unwrap()
        else {
            panic!("not a data error")
        };
        assert_eq!(
            (expected.as_deref(), found.as_deref()),
            (Some("a year"), Some("20x4"))
        );
    }

    #[test]
    fn unlocated_data_error_is_its_message() {
        let e = data("no results in the inputs");
        assert_eq!(exit_code(&e), EXIT_DATA);
        assert_eq!(report(&e), "shnor: error: no results in the inputs");
    }

    #[test]
    fn usage_error_exits_2() {
        let e = usage("--years x: expected a year");
        assert_eq!(exit_code(&e), EXIT_USAGE);
        assert_eq!(report(&e), "shnor: error: --years x: expected a year");
    }

    #[test]
    fn internal_and_untyped_errors_exit_3_and_say_it_is_not_the_data() {
        let io: anyhow::Error = std::io::Error::other("disk full").into();
        for e in [internal("frame without column «school»"), io] {
            assert_eq!(exit_code(&e), EXIT_INTERNAL);
            assert!(report(&e).contains("not a problem with the input data"));
        }
    }

    #[test]
    fn typed_error_keeps_its_code_under_context() {
        let e = usage("bad").context("while reading the config");
        assert_eq!(exit_code(&e), EXIT_USAGE);
    }

    #[test]
    fn broken_pipe_is_recognised() {
        let e: anyhow::Error = std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        assert!(is_broken_pipe(&e));
        assert!(!is_broken_pipe(&data("x")));
    }
}
