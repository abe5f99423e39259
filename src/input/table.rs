//! Reading files into grids of text cells: xlsx/xls through calamine here, CSV through its text
//! frame (`csv_text`, re-exported here so that loaders name one module).
#[cfg(test)]
use super::csv_text::bad_quote_line;
pub use super::csv_text::{csv_frame, read_csv_text, sniff_separator, CsvText, TextFrame, RECORD};
pub(super) use super::csv_text::{csv_width, record_layout, text_read_options};
use super::text::fmt_cell_num;
use crate::error::data;
use anyhow::Result;
use calamine::{open_workbook_auto, Data, Reader, Sheets};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// One sheet (or one CSV file) as rows of text cells.
#[derive(Debug, Clone)]
pub struct Grid {
    pub file: String,
    pub sheet: Option<String>,
    /// 1-based line number of `rows[0]` in the file.
    pub first_line: usize,
    pub rows: Vec<Vec<String>>,
    /// Fields of each row as the file has them (CSV: a truncated record has fewer than its
    /// header); empty when not known (spreadsheets).
    pub fields: Vec<u32>,
    /// 1-based file line on which each row starts, when rows and lines differ (quoted line breaks,
    /// blank lines); empty when row `r` is on line `first_line + r`.
    pub lines: Vec<u32>,
    /// Text encoding (CSV) or `xlsx`.
    pub encoding: &'static str,
    pub separator: Option<u8>,
    /// A spreadsheet's ranges merged down a column (`merged::fill_grid` fills a regular table's
    /// rows from them once its header is known).
    pub down: Vec<super::merged::Down>,
    /// The ranges whose top value was given to the rows below, as references («A2:A61»).
    pub merged_filled: Vec<String>,
    /// A spreadsheet's sheet that the workbook hides (Excel's «Скрыть лист»).
    pub hidden_sheet: bool,
    /// An xlsx sheet's hidden rows, formula cells without a saved value and repeated addresses,
    /// when read with its cells (`sheet_rows::read_spreadsheet_rows`, in the parallel read);
    /// `None` when not read yet (the loader reads them then: `hidden_rows::report`).
    pub xml_scan: Option<super::hidden_rows::SheetScan>,
}

impl Grid {
    /// A sheet's rows as read (`first_line` 1 = `rows[0]` is the file's first line), with no
    /// record widths or line map: a spreadsheet (`encoding` `xlsx`, no separator) or text already
    /// split into cells (its `encoding` and `separator`).
    pub fn of_rows(
        file: impl Into<String>,
        sheet: Option<String>,
        rows: Vec<Vec<String>>,
        text: Option<(&'static str, u8)>,
    ) -> Grid {
        let (encoding, separator) = text.map_or(("xlsx", None), |(e, s)| (e, Some(s)));
        Grid {
            file: file.into(),
            sheet,
            first_line: 1,
            rows,
            fields: Vec::new(),
            lines: Vec::new(),
            encoding,
            separator,
            down: Vec::new(),
            merged_filled: Vec::new(),
            hidden_sheet: false,
            xml_scan: None,
        }
    }

    /// [`Grid::of_rows`] of rows of string slices: the grids of unit tests.
    #[cfg(test)]
    pub fn of_strs(
        file: &str,
        sheet: Option<&str>,
        rows: &[&[&str]],
        text: Option<(&'static str, u8)>,
    ) -> Grid {
        let rows = rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        Grid::of_rows(file, sheet.map(String::from), rows, text)
    }

    pub fn cell(&self, r: usize, c: usize) -> &str {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .map(|s| s.as_str())
            .unwrap_or("")
    }
    pub fn line_of(&self, r: usize) -> usize {
        match self.lines.get(r) {
            Some(&l) => l as usize,
            None => self.first_line + r,
        }
    }
    /// The file, and for a workbook's sheet `FILE [лист «SHEET»]`: where its rows are, as the
    /// results' `source` names it (an error about two rows then names each one's sheet).
    pub fn place(&self) -> String {
        place(&self.file, &self.sheet)
    }
    pub fn loc(&self, r: usize) -> crate::error::Loc {
        crate::error::Loc {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: self.line_of(r),
        }
    }
}

/// Whether `path` names an xlsx workbook (by its extension): the workbooks whose sheets' XML
/// shnor reads beside calamine (`hidden_rows`, `formulas`).
pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Whether `path` names a workbook calamine reads (xlsx, xls, xlsm, xlsb, ods), by its extension.
pub fn is_spreadsheet(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("xlsx" | "xls" | "xlsm" | "xlsb" | "ods")
    )
}

pub fn is_tabular(path: &Path) -> bool {
    is_spreadsheet(path)
        || matches!(
            path.extension()
                .and_then(|e| e.to_str())
                .map(|e| e.to_ascii_lowercase())
                .as_deref(),
            Some("csv" | "txt" | "tsv")
        )
}

/// Read every sheet of a spreadsheet as grids. Empty sheets are skipped.
pub fn read_spreadsheet(path: &Path) -> Result<Vec<Grid>> {
    guarded(path, || {
        let file = path.display().to_string();
        let mut wb = open_spreadsheet(path)?;
        let names = wb.sheet_names().to_vec();
        let hidden = hidden_sheets(&wb);
        let mut grids = Vec::new();
        for name in names {
            let hide = hidden.contains(&name);
            grids.extend(range_grid(&mut wb, &file, name)?.map(|g| Grid {
                hidden_sheet: hide,
                ..g
            }));
        }
        Ok(grids)
    })
}

thread_local! {
    /// Whether this thread is inside a [`guarded`] workbook read.
    static IN_WORKBOOK_READ: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `read` (calamine reading the workbook `path`), with a panic inside calamine turned into a data
/// error naming the file: calamine 0.31 indexes out of bounds or overflows on some damaged xlsx
/// (a shared-string index past the table, a cell reference of 13 digits; found by a tester).
/// Such a panic is not printed ([`quiet_workbook_panics`]).
pub(super) fn guarded<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    IN_WORKBOOK_READ.with(|f| f.set(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    IN_WORKBOOK_READ.with(|f| f.set(false));
    out.unwrap_or_else(|p| {
        let why = p
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| p.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        Err(data(format!(
            "{}: cannot read this workbook, it is damaged (the xlsx reader failed: {why}); expected a valid xlsx/xls file (open it in Excel and save it again)",
            path.display()
        )))
    })
}

/// Install a panic hook that stays silent for a panic inside a [`guarded`] workbook read (it
/// becomes a data error) and reports every other panic as the default hook does. Called once by
/// the binary's `main`.
pub fn quiet_workbook_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_WORKBOOK_READ.with(|f| f.get()) {
            default(info)
        }
    }));
}

/// Open a workbook of any kind calamine reads.
///
/// Errors (data): not a workbook (what it seems to be instead), a damaged archive.
pub(super) fn open_spreadsheet(path: &Path) -> Result<Sheets<BufReader<File>>> {
    open_workbook_auto(path).map_err(|e| {
        not_a_workbook(path, &e).unwrap_or_else(|| data(format!(
            "{}: cannot read as a spreadsheet ({e}); expected a valid xlsx/xls file (is it truncated or mislabelled?)",
            path.display()
        )))
    })
}

/// The names of the sheets a workbook hides (hidden or «very hidden»).
pub(super) fn hidden_sheets(wb: &Sheets<BufReader<File>>) -> Vec<String> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect()
}

/// Sheet `name` read whole (calamine's `Range`) as a grid; `None` when it has no cells.
///
/// Errors (data): the sheet cannot be read, naming file and sheet.
pub(super) fn range_grid(
    wb: &mut Sheets<BufReader<File>>,
    file: &str,
    name: String,
) -> Result<Option<Grid>> {
    let range = wb.worksheet_range(&name).map_err(|e| {
        data(format!(
            "{file} [лист «{name}»]: cannot read the sheet ({e})"
        ))
    })?;
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let start_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let down = super::merged::of_sheet(wb, &name);
    let mut rows = Vec::with_capacity(range.height());
    for row in range.rows() {
        let mut out: Vec<String> = Vec::with_capacity(row.len() + start_col);
        out.resize(start_col, String::new());
        for c in row {
            out.push(cell_text(c));
        }
        while out.last().is_some_and(|s| s.is_empty()) {
            out.pop();
        }
        rows.push(out);
    }
    if rows.iter().all(|r| r.is_empty()) {
        return Ok(None);
    }
    Ok(Some(Grid {
        first_line: start_row + 1,
        down,
        ..Grid::of_rows(file.to_string(), Some(name), rows, None)
    }))
}

/// The error for a file named as a workbook whose first bytes are no workbook's (an xlsx is a zip
/// archive, `PK…`; an xls an OLE compound document, `D0 CF 11 E0`), saying what it seems to be
/// instead; for a zip whose archive cannot be read (`error` from calamine), that it is damaged or
/// truncated. `None` when the bytes look right otherwise, or cannot be read.
fn not_a_workbook(path: &Path, error: &calamine::Error) -> Option<anyhow::Error> {
    use std::io::Read;
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .ok()?
        .take(512)
        .read_to_end(&mut head)
        .ok()?;
    if head.starts_with(b"PK\x03\x04") && error.to_string().contains("Zip error") {
        return Some(data(format!(
            "{}: cannot read as a spreadsheet: the zip archive of this xlsx is damaged or truncated; expected a complete xlsx file (copy or download it again)",
            path.display()
        )));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return None;
    }
    let xls = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xls"));
    let what = if xls {
        "not an Excel workbook (an xls file is an OLE compound document; this file is not one)"
    } else {
        "not an Excel workbook (xlsx is a zip archive; this file is not one)"
    };
    let text = String::from_utf8_lossy(&head);
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let seems = if start.to_ascii_lowercase().starts_with("<html")
        || start.to_ascii_lowercase().starts_with("<!doctype")
        || start.to_ascii_lowercase().starts_with("<table")
    {
        "; it is an HTML page (some systems export tables as HTML named .xls): open it in Excel and save it as xlsx".to_string()
    } else if !head.contains(&0) && !start.is_empty() {
        let line: String = start
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(60)
            .collect();
        format!("; it starts as text («{line}»): if it is a CSV table, give it the extension .csv")
    } else {
        "; expected an xlsx or xls file saved by Excel (is it mislabelled?)".to_string()
    };
    Some(data(format!("{}: {what}{seems}", path.display())))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => fmt_cell_num(*f),
        Data::Bool(b) => {
            if *b {
                "Да".into()
            } else {
                "Нет".into()
            }
        }
        Data::DateTime(d) => super::text::date_cell_text(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        // Excel's own text (`#DIV/0!`, `#N/A`), as the user sees it in the cell
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;

/// `FILE`, or `FILE [лист «SHEET»]` for a workbook's sheet: where a table's rows are, in errors
/// and as the results' `source`.
pub fn place(file: &str, sheet: &Option<String>) -> String {
    format!("{file}{}", super::recognise::in_sheet(sheet))
}
