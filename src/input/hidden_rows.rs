//! The rows an xlsx sheet hides (`<row r="7" hidden="1">`): calamine (0.31) reads their cells as
//! any other row's and does not say they are hidden, so a loader would count them without a word.
//! Read here from the workbook's parts (zip, quick-xml: the crates calamine reads them with): the
//! sheet's part is found through `xl/workbook.xml` and its relationships, and its row tags are
//! read by quick-xml's streaming reader (the cells are skipped as events, never decoded). The same
//! pass finds the formula cells without a saved value (`formulas`), which calamine reads as empty.
use anyhow::Result;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Read};
use std::path::Path;

/// [`scan_sheet`] of sheet `sheet` of the xlsx file `path` (`SheetXml::scan`); nothing found
/// when the workbook does not name the sheet.
///
/// Errors: the file is no zip of an xlsx workbook, or a part of it cannot be read.
pub(super) fn scan_file(path: &Path, sheet: &str) -> Result<SheetScan> {
    super::sheet_xml::SheetXml::open(path)?.scan(sheet, None)
}

/// The data rows (below the header, at 1-based line `header`) that sheet `sheet` of the xlsx
/// file `path` hides, loaded as every row is: a counted
/// warning naming them, so that rows hidden in Excel are never counted unseen. Its formula cells
/// below the header without a saved value, read as empty: a counted warning naming each cell, its
/// column (`captions`: the header's cells) and formula. An address given to two or more cells: a
/// counted warning naming it (the last cell is the one read).
///
/// Errors: the workbook's parts cannot be read (data, naming the file).
pub(super) fn report(
    path: &Path,
    sheet: Option<&str>,
    scanned: Option<&SheetScan>,
    header: u32,
    captions: &[String],
    rep: &mut super::report::InputReport,
) -> Result<()> {
    let xlsx = super::table::is_xlsx(path);
    let Some(sheet) = sheet.filter(|_| xlsx) else {
        return Ok(());
    };
    let read;
    let scan = match scanned {
        Some(scan) => scan,
        None => {
            read = scan_file(path, sheet).map_err(|e| {
                crate::error::data(format!(
                    "{} [лист «{sheet}»]: cannot read its hidden rows ({e}): expected a valid xlsx file",
                    path.display()
                ))
            })?;
            &read
        }
    };
    let unsaved: Vec<_> = scan
        .unsaved
        .iter()
        .filter(|u| u.row > header as usize)
        .collect();
    for u in &unsaved {
        let caption = captions.get(u.col).map(String::as_str).unwrap_or("");
        rep.warnings.add(
            crate::model::warning::WarningCode::UnsavedFormulas,
            format!(
                "{} (строка {}, столбец «{caption}»): {}",
                u.reference,
                u.row,
                u.shown()
            ),
        );
    }
    for &(row, col) in &scan.repeated {
        let caption = captions
            .get(col)
            .filter(|_| row > header as usize)
            .map(|c| format!(", столбец «{c}»"))
            .unwrap_or_default();
        rep.warnings.add(
            crate::model::warning::WarningCode::CellAddressRepeated,
            format!(
                "{} (строка {row}{caption})",
                super::formulas::reference(row, col)
            ),
        );
    }
    let rows: Vec<u32> = scan
        .hidden
        .iter()
        .copied()
        .filter(|&r| r > header)
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = rows.iter().take(10).map(u32::to_string).collect();
    let mut example = format!(
        "{} {}",
        if rows.len() == 1 {
            "строка"
        } else {
            "строки"
        },
        shown.join(", ")
    );
    if rows.len() > 10 {
        example.push_str(&format!(" и ещё {}", rows.len() - 10));
    }
    rep.warnings.add_n(
        crate::model::warning::WarningCode::HiddenRowsLoaded,
        rows.len(),
        example,
    );
    Ok(())
}

pub(super) fn attributes(e: &BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let raw = String::from_utf8_lossy(&a.value);
            let value = quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| raw.to_string());
            (key, value)
        })
        .collect()
}

/// What a sheet's XML tells that calamine does not: the rows it hides (1-based, in file order),
/// its formula cells without a saved value (`formulas::Unsaved`, read by calamine as empty) and
/// the addresses given to two or more cells (a damaged file; calamine keeps the last cell), as
/// (1-based row, 0-based column) in address order.
#[derive(Debug, Clone, Default)]
pub struct SheetScan {
    pub(super) hidden: Vec<u32>,
    pub(super) unsaved: Vec<super::formulas::Unsaved>,
    pub(super) repeated: Vec<(usize, usize)>,
}

/// The cell addresses of a sheet in file order, to find an address given twice: kept as one `u64`
/// a cell and sorted only when they come out of order (in order, no address can repeat).
#[derive(Default)]
struct Places {
    seen: Vec<u64>,
    disordered: bool,
}

impl Places {
    fn add(&mut self, e: &BytesStart) {
        let Ok(Some(a)) = e.try_get_attribute("r") else {
            return;
        };
        let Some(key) = place(&String::from_utf8_lossy(&a.value)) else {
            return;
        };
        if self.seen.last().is_some_and(|&last| key <= last) {
            self.disordered = true;
        }
        self.seen.push(key);
    }

    /// The addresses given more than once, each once, in address order.
    fn repeated(mut self) -> Vec<(usize, usize)> {
        if !self.disordered {
            return Vec::new();
        }
        self.seen.sort_unstable();
        let mut out: Vec<(usize, usize)> = self
            .seen
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| ((w[0] >> 16) as usize, (w[0] & 0xFFFF) as usize))
            .collect();
        out.dedup();
        out
    }
}

/// A cell reference (`E2`) as one number that orders cells as a sheet does (row, then column).
pub(super) fn place(r: &str) -> Option<u64> {
    let (row, col) = (super::formulas::row_of(r)?, super::formulas::col_of(r)?);
    Some(((row as u64) << 16) | col as u64)
}

/// A sheet's XML read once by quick-xml's streaming reader: the `row` tags' attributes and the
/// cells' formula and value elements (see [`SheetScan`]).
pub(super) fn scan_sheet(xml: impl Read) -> Result<SheetScan> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(1 << 16, xml));
    let mut buf = Vec::with_capacity(1024);
    let mut out = Vec::new();
    let mut formulas = super::formulas::Tracker::default();
    let mut places = Places::default();
    loop {
        let event = reader.read_event_into(&mut buf)?;
        match &event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                out.extend(hidden(e));
            }
            Event::Eof => {
                return Ok(SheetScan {
                    hidden: out,
                    unsaved: formulas.unsaved,
                    repeated: places.repeated(),
                })
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                places.add(e);
                formulas.feed(&event);
            }
            _ => formulas.feed(&event),
        }
        buf.clear();
    }
}

/// The row number of a `<row …>` tag that hides its row.
fn hidden(e: &BytesStart) -> Option<u32> {
    let a = attributes(e);
    let hides = a
        .iter()
        .any(|(k, v)| k == "hidden" && (v == "1" || v == "true"));
    let row = a.iter().find(|(k, _)| k == "r")?.1.parse().ok()?;
    hides.then_some(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_tags_across_chunks_are_read() {
        // a tag cut by the 1 MiB chunk boundary, `<rows>` elsewhere and a hidden self-closing row
        let mut xml = String::from("<sheetData>");
        let pad = (1 << 20) - xml.len() - 10;
        xml.push_str(&" ".repeat(pad));
        xml.push_str(r#"<row r="3" spans="1:2" hidden="1"><c r="A3"><v>1</v></c></row>"#);
        xml.push_str(r#"<row r="4"><c r="A4"><v>2</v></c></row><row r="9" hidden="true"/>"#);
        xml.push_str(r#"<row r="10" hidden="0"/></sheetData>"#);
        assert_eq!(scan_sheet(xml.as_bytes()).unwrap().hidden, vec![3, 9]);
    }
}
