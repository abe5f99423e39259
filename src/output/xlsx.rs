//! An Excel workbook of tables (rust_xlsxwriter): one sheet per table, Russian headers in a frozen,
//! filtered first row, numbers as numbers (shares as percents, intervals in low/high columns),
//! column widths that fit. Text that begins as a formula would ([`super::formula_like`]) is written
//! with Excel's quote prefix: shown as it reads, never run (CSV gets a leading `'`, [`super::neutralise`]).
use super::{Cell, Table};
use anyhow::Result;
use rayon::prelude::*;
pub use rust_xlsxwriter::Worksheet;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

/// Widest and narrowest column, in characters.
const MAX_WIDTH: usize = 60;
const MIN_WIDTH: usize = 6;

/// The workbook of `sheets` (name, table) as xlsx bytes: [`Book::sheet`] for each, side by side
/// (rayon), then [`Book::finish`] at deflate level `zip_level`; a large sheet's rows go through a
/// temporary file in the system's temporary folder. Errors as theirs.
pub fn workbook(sheets: &[(&str, &Table)], zip_level: u32) -> Result<Vec<u8>> {
    let book = Book::new(zip_level, None)?;
    let filled: Vec<Worksheet> = sheets
        .par_iter()
        .map(|(name, table)| book.sheet(name, table))
        .collect::<Result<_>>()?;
    book.finish(filled)
}

/// Sheets with more data rows than this are written row by row to a temporary file (the writer's
/// constant-memory mode: no cell kept in memory, strings inline) instead of held as cells until
/// the workbook is assembled: the national report's large sheets held ≈ 340 MB of cells.
pub const LARGE_ROWS: usize = 1000;

/// The number formats registered, in this order, before the first large sheet is filled: their
/// indices in the workbook then do not depend on which sheet, on which thread, used one first.
const DECIMALS: std::ops::RangeInclusive<usize> = 0..=6;

/// A workbook whose sheets are filled apart (any thread, any time) and assembled at the end.
pub struct Book {
    wb: std::sync::Mutex<Workbook>,
    registered: std::sync::atomic::AtomicBool,
    /// [`LARGE_ROWS`] (tests lower or raise it).
    large_rows: usize,
}

impl Book {
    /// An empty workbook; its parts will be deflated at `zip_level` (1 fastest … 9 smallest:
    /// `report.xlsx_zip_level`), and the rows of its large sheets ([`LARGE_ROWS`]) kept in
    /// unnamed temporary files in `tempdir` (the system's temporary folder when `None`), which
    /// vanish with the process. The creation date is fixed (1 January 2000) so that the same
    /// tables give the same file.
    ///
    /// Errors: internal (exit 3) when `zip_level` is outside 1–9 (the config refuses it first) or
    /// `tempdir` cannot hold files.
    pub fn new(zip_level: u32, tempdir: Option<&std::path::Path>) -> Result<Book> {
        let mut wb = Workbook::new();
        // the writer only warns on stderr for a level outside its range: refuse it here
        match u8::try_from(zip_level) {
            Ok(level @ 1..=9) => wb.set_zip_compression_level(level),
            _ => return Err(internal(format!("zip level {zip_level} outside 1–9"))),
        };
        if let Some(dir) = tempdir {
            wb.set_tempdir(dir).map_err(internal)?;
        }
        let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(internal)?;
        wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
        Ok(Book {
            wb: std::sync::Mutex::new(wb),
            registered: false.into(),
            large_rows: LARGE_ROWS,
        })
    }

    /// One table as a named sheet (a name cut to Excel's 31 characters), ready for
    /// [`Book::finish`]: held in memory, or for a large table with the usual number formats
    /// written row by row to a temporary file.
    ///
    /// Errors: internal (exit 3) when the table is malformed (see [`Table::check`]), the
    /// temporary file cannot be made or the writer fails.
    pub fn sheet(&self, name: &str, table: &Table) -> Result<Worksheet> {
        table.check()?;
        let mut ws = if table.rows.len() > self.large_rows && usual_formats(table) {
            self.large()?
        } else {
            Worksheet::new()
        };
        ws.set_name(sheet_name(name)).map_err(internal)?;
        fill(&mut ws, table).map_err(internal)?;
        Ok(ws)
    }

    /// A sheet in the writer's constant-memory mode, the number formats registered first.
    fn large(&self) -> Result<Worksheet> {
        use std::sync::atomic::Ordering;
        let mut wb = self.wb.lock().map_err(internal)?;
        if !self.registered.swap(true, Ordering::SeqCst) {
            wb.register_format(&header_format());
            for d in DECIMALS {
                for share in [true, false] {
                    wb.register_format(&number_format(share, d));
                }
            }
        }
        wb.new_worksheet_with_constant_memory().map_err(internal)
    }

    /// The workbook of filled `sheets`, in their order, as xlsx bytes.
    ///
    /// Errors: internal (exit 3) when the writer fails.
    pub fn finish(self, sheets: Vec<Worksheet>) -> Result<Vec<u8>> {
        let mut wb = self.wb.into_inner().map_err(internal)?;
        for ws in sheets {
            wb.push_worksheet(ws);
        }
        wb.save_to_buffer().map_err(internal)
    }
}

/// Whether every number format of `t`'s data cells (leaves) is one [`Book::large`] registers.
fn usual_formats(t: &Table) -> bool {
    let mut cells = Vec::new();
    t.rows.iter().all(|row| {
        data_cells(row, &mut cells);
        cells.iter().all(|c| match c {
            Cell::Share(_, d) | Cell::Num(_, d) => DECIMALS.contains(d),
            _ => true,
        })
    })
}

/// The header row's format: bold, wrapped.
fn header_format() -> Format {
    Format::new().set_bold().set_text_wrap()
}

/// The format of a share (percent) or number with `d` decimals (see [`num_format`]).
fn number_format(share: bool, d: usize) -> Format {
    let cell = if share {
        Cell::share(Some(0.0), d)
    } else {
        Cell::num(Some(0.0), d)
    };
    Format::new().set_num_format(num_format(&cell).unwrap_or_default())
}

fn internal(e: impl std::fmt::Display) -> anyhow::Error {
    crate::error::internal(format!("cannot build the workbook: {e}"))
}

/// A sheet name Excel accepts: without `[]:*?/\`, at most 31 characters.
fn sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// The number format of a data cell: percents with the cell's decimals for shares, plain
/// decimals for numbers, none for text and integers.
fn num_format(c: &Cell) -> Option<String> {
    let decimals = |d: usize| {
        if d == 0 {
            String::new()
        } else {
            format!(".{}", "0".repeat(d))
        }
    };
    match c {
        Cell::Share(_, d) => Some(format!("0{}%", decimals(*d))),
        Cell::Num(_, d) => Some(format!("0{}", decimals(*d))),
        _ => None,
    }
}

/// One table on a sheet: the header row (bold, frozen, with an autofilter), then the data.
fn fill(ws: &mut Worksheet, t: &Table) -> Result<(), rust_xlsxwriter::XlsxError> {
    let headers = t.data_headers();
    let bold = header_format();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count().min(30)).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    // one format object per number format of the sheet, not one per cell; one vector of a row's
    // cells and one text buffer for the widths, not one per row and cell
    let mut formats = Formats::new();
    let (mut cells, mut buf) = (Vec::new(), String::new());
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        data_cells(row, &mut cells);
        for (c, cell) in cells.iter().enumerate() {
            let width = write_cell(ws, (&mut formats, &mut buf), r, c as u16, cell, widths[c])?;
            widths[c] = widths[c].max(width);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(MIN_WIDTH, MAX_WIDTH) as f64 + 1.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !headers.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, headers.len() as u16 - 1)?;
    }
    Ok(())
}

/// The number formats of a sheet made so far, by kind of cell (share or not, decimals): a few.
type Formats = Vec<((bool, usize), Format)>;

/// The data cells of `row` into `out` (cleared first): [`Table::data_row`] without a vector per
/// cell and row (a sheet has a million cells).
fn data_cells<'a>(row: &'a [Cell], out: &mut Vec<&'a Cell>) {
    out.clear();
    for c in row {
        match c {
            Cell::Shown(..) | Cell::Parts(..) => out.extend(c.leaves().into_iter().map(|(_, l)| l)),
            c => out.push(c),
        }
    }
}

/// Write one data cell (its number format taken from `formats`, made there on first use); returns
/// how many characters wide it shows (measured in `buf`) when that may be more than `wide` (the
/// column's width so far), else at most `wide`: a cell that cannot be wider is not measured.
fn write_cell(
    ws: &mut Worksheet,
    (formats, buf): (&mut Formats, &mut String),
    r: u32,
    c: u16,
    cell: &Cell,
    wide: usize,
) -> Result<usize, rust_xlsxwriter::XlsxError> {
    let value = match cell {
        Cell::Text(s) => {
            // no more characters than bytes
            let width = match s.len() <= wide {
                true => 0,
                false => s.chars().count(),
            };
            // a text that begins as a formula would is written as it reads, with Excel's quote
            // prefix (what Excel stores for a typed `'=…`): it shows without an apostrophe and
            // stays text when the cell is edited
            if super::formula_like(s) {
                let quoted = Format::new().set_quote_prefix();
                ws.write_string_with_format(r, c, s.as_str(), &quoted)?;
            } else if !s.is_empty() {
                ws.write_string(r, c, s.as_str())?;
            }
            return Ok(width);
        }
        Cell::Int(n) => n.map(|n| n as f64),
        Cell::Share(v, _) | Cell::Num(v, _) => *v,
        Cell::Shown(inner, _) => return write_cell(ws, (formats, buf), r, c, inner, wide),
        Cell::Parts(..) => None,
    };
    let Some(v) = value else { return Ok(0) };
    // the format's text is made once per sheet and kind of cell, not once per cell
    let key = match cell {
        Cell::Share(_, d) => Some((true, *d)),
        Cell::Num(_, d) => Some((false, *d)),
        _ => None,
    };
    match key {
        Some(key) => {
            let at = match formats.iter().position(|(k, _)| *k == key) {
                Some(at) => at,
                None => {
                    formats.push((key, number_format(key.0, key.1)));
                    formats.len() - 1
                }
            };
            ws.write_number_with_format(r, c, v, &formats[at].1)?
        }
        None => ws.write_number(r, c, v)?,
    };
    Ok(match width_at_most(cell) {
        Some(most) if most < wide => 0,
        _ => shown_width(cell, buf) + 1,
    })
}

/// An upper bound of [`shown_width`] without making the text: a sign, the digits of ⌊|x|⌋ + 1
/// (rounding may carry into one more digit), the point and the decimals; `None` for a cell that
/// is not a finite number below 10¹⁵ (measure it).
fn width_at_most(cell: &Cell) -> Option<usize> {
    let (x, digits) = match cell {
        Cell::Share(Some(v), d) => (v * 100.0, *d),
        Cell::Num(Some(v), d) => (*v, *d),
        Cell::Int(Some(n)) => (*n as f64, 0),
        _ => return None,
    };
    if !x.is_finite() || x.abs() >= 1e15 {
        return None;
    }
    let whole = (x.abs().floor() as u64 + 1).ilog10() as usize + 1;
    let point = if digits > 0 { 1 + digits } else { 0 };
    Some(1 + whole + point)
}

/// How many characters `cell.human()` has ([`super::num`], [`super::pct`]), measured in `buf`
/// for a number instead of making its text.
fn shown_width(cell: &Cell, buf: &mut String) -> usize {
    use std::fmt::Write;
    let (x, digits) = match cell {
        Cell::Share(Some(v), d) => (v * 100.0, *d),
        Cell::Num(Some(v), d) => (*v, *d),
        Cell::Int(Some(n)) => (*n as f64, 0),
        c => return c.human().chars().count(),
    };
    buf.clear();
    match cell {
        Cell::Int(Some(n)) => write!(buf, "{n}"),
        _ => write!(buf, "{x:.digits$}"),
    }
    .expect("a String takes any text");
    // a number that rounds to zero shows no sign (as `num`)
    match buf.strip_prefix('-') {
        Some(abs) if abs.bytes().all(|b| b == b'0' || b == b'.') => abs.len(),
        _ => buf.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(sheet_name("a/b:c"), "abc");
        assert_eq!(sheet_name(&"я".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn formats_follow_the_cell() {
        assert_eq!(num_format(&Cell::share(Some(0.1), 1)).unwrap(), "0.0%");
        assert_eq!(num_format(&Cell::num(Some(0.1), 0)).unwrap(), "0");
        assert_eq!(num_format(&Cell::int(3)), None);
    }

    #[test]
    fn widths_are_those_of_the_shown_text() {
        let mut buf = String::new();
        let nums = [
            0.0,
            -0.0,
            -0.004,
            -0.05,
            0.05,
            1.0 / 3.0,
            -12.345,
            1e12,
            99.95,
            f64::NAN,
        ];
        for x in nums {
            for d in 0..4 {
                for c in [Cell::share(Some(x), d), Cell::num(Some(x), d)] {
                    assert_eq!(
                        shown_width(&c, &mut buf),
                        c.human().chars().count(),
                        "{c:?}"
                    );
                }
            }
        }
        for n in [0, 7, -7, 123_456] {
            let c = Cell::int(n);
            assert_eq!(shown_width(&c, &mut buf), c.human().chars().count());
        }
    }

    #[test]
    fn a_width_bound_is_never_below_the_width() {
        let mut buf = String::new();
        let mut nums = vec![
            0.0,
            -0.0,
            9.95,
            9.96,
            99.5,
            -99.96,
            0.995,
            1e14 - 0.4,
            -1e14,
        ];
        nums.extend((0..2000).map(|i| (i as f64 - 1000.0) * 0.0137 * (i % 7) as f64));
        nums.extend((0..200).map(|i| 10f64.powi(i % 15) - 0.5));
        for x in nums {
            for d in 0..5 {
                for c in [Cell::share(Some(x), d), Cell::num(Some(x), d)] {
                    let Some(most) = width_at_most(&c) else {
                        // a share shows its value × 100
                        assert!(x.abs() * 100.0 >= 1e15, "{c:?}");
                        continue;
                    };
                    assert!(most >= shown_width(&c, &mut buf), "{c:?}");
                }
            }
            let c = Cell::int(x as i64);
            assert!(
                width_at_most(&c).unwrap() >= shown_width(&c, &mut buf),
                "{c:?}"
            );
        }
        for c in [
            Cell::num(Some(f64::NAN), 1),
            Cell::num(None, 1),
            Cell::num(Some(1e16), 0),
        ] {
            assert_eq!(width_at_most(&c), None);
        }
    }

    #[test]
    fn the_same_tables_give_the_same_bytes() {
        let mut t = Table::new(&["Логин", "Доля «2», %"]);
        t.rows.push(vec!["=1+1".into(), Cell::share(Some(0.25), 1)]);
        let a = workbook(&[("Школы", &t)], 6).unwrap();
        assert_eq!(a, workbook(&[("Школы", &t)], 6).unwrap());
    }

    /// Every cell of every sheet of `bytes`, read back.
    fn cells(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let names = wb.sheet_names();
        names
            .into_iter()
            .map(|n| {
                let rows = wb
                    .worksheet_range(&n)
                    .unwrap()
                    .rows()
                    .map(|r| r.to_vec())
                    .collect();
                (n, rows)
            })
            .collect()
    }

    #[test]
    fn large_sheets_written_row_by_row_read_back_the_same_and_the_same_bytes() {
        let mut t = Table::new(&["Логин", "Доля «2», %", "Балл", "Школ", "Пусто"]);
        for i in 0..50 {
            t.rows.push(vec![
                format!("-шк{}", i % 7).into(),
                Cell::share(Some(i as f64 / 97.0), 1 + i % 3),
                Cell::num((i % 5 != 0).then_some(i as f64 * 1.25), 2),
                Cell::int(i as i64),
                "".into(),
            ]);
        }
        let small = Table::new(&["Показатель"]);
        let sheets = [("Школы", &t), ("Сводка", &small), ("Ещё", &t)];
        let write = |large_rows| {
            let mut book = Book::new(1, None).unwrap();
            book.large_rows = large_rows;
            let filled: Vec<Worksheet> = sheets
                .par_iter()
                .map(|(name, table)| book.sheet(name, table))
                .collect::<Result<_>>()
                .unwrap();
            book.finish(filled).unwrap()
        };
        let (held, streamed) = (write(usize::MAX), write(10));
        assert_ne!(held, streamed, "the large sheets were not streamed");
        assert_eq!(cells(held), cells(streamed.clone()));
        for _ in 0..3 {
            assert_eq!(write(10), streamed);
        }
    }

    #[test]
    fn a_formula_in_text_is_written_neutralised_and_numbers_as_numbers() {
        use calamine::{Data, Reader};
        let mut t = Table::new(&["Школа", "Доля «2», %"]);
        t.rows
            .push(vec!["=HYPERLINK(1)".into(), Cell::share(Some(0.25), 1)]);
        let bytes = workbook(&[("Школы", &t)], 6).unwrap();
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
        let r = wb.worksheet_range("Школы").unwrap();
        assert_eq!(r.get((0, 1)), Some(&Data::String("Доля «2»".into())));
        // fifth fresh-eyes run, L1: the cell read «'=HYPERLINK(1)» — the apostrophe showed as
        // part of a school's name; it is the text as it reads, with Excel's quote prefix
        assert_eq!(r.get((1, 0)), Some(&Data::String("=HYPERLINK(1)".into())));
        assert_eq!(r.get((1, 1)), Some(&Data::Float(0.25)));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        let (styles, sheet) = (part("xl/styles.xml"), part("xl/worksheets/sheet1.xml"));
        let xf = styles
            .split("<cellXfs")
            .nth(1)
            .unwrap()
            .split("<xf ")
            .skip(1)
            .position(|x| x.contains("quotePrefix=\"1\""))
            .expect("a cell style with the quote prefix");
        let a2 = sheet.split("<c r=\"A2\"").nth(1).unwrap();
        assert!(a2.starts_with(&format!(" s=\"{xf}\"")), "{a2}");
    }
}
