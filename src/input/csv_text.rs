//! A CSV file as a text frame: decoded (`encoding_rs`: BOM / UTF-8 / Windows-1251), its separator
//! sniffed, read by polars' CSV reader with every column as text and a record index, and where each
//! record starts in the file (line numbers for messages, also after quoted line breaks). Grids of a
//! frame's records for the row loaders (`TextFrame::grid`). Spreadsheets are read in `table`.
use super::table::Grid;
use super::text::{decode, mixed_encoding_lines};
use crate::error::data;
use anyhow::Result;
use polars::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// Guess the separator from the first lines: the candidate whose most frequent per-line count
/// (title lines have few separators; one over-wide record has more) times that count is largest.
pub fn sniff_separator(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b';', 0usize);
    for sep in [b';', b',', b'\t', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, sep as char))
            .collect();
        // the record width most lines share (the larger one on a tie): a single over-wide record
        // (an unquoted separator, a stray trailing «;») must not tip the choice
        let mut freq: std::collections::BTreeMap<usize, usize> = Default::default();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_default() += 1;
        }
        let score = freq.iter().map(|(&c, &n)| n * c).max().unwrap_or(0);
        if score > best.1 {
            best = (sep, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, sep: char) -> usize {
    let mut inq = false;
    let mut n = 0;
    for ch in line.chars() {
        if ch == '"' {
            inq = !inq;
        } else if ch == sep && !inq {
            n += 1;
        }
    }
    n
}

/// Decoded CSV text with its encoding and separator.
pub struct CsvText {
    pub text: String,
    pub encoding: &'static str,
    pub separator: u8,
}

/// Read and decode a CSV file (UTF-8 with or without BOM, else Windows-1251) and sniff its separator.
///
/// Errors (data): the file cannot be read, or holds NUL bytes (UTF-16 or not text).
pub fn read_csv_text(path: &Path) -> Result<CsvText> {
    let bytes =
        std::fs::read(path).map_err(|e| data(format!("{}: cannot read ({e})", path.display())))?;
    if let Some(what) = binary_kind(&bytes) {
        return Err(data(format!("{}: {what}", path.display())));
    }
    // UTF-16 with its byte-order mark (Excel's «Текст Юникод», tab-separated) is unambiguous
    // (fresh-eyes run 13: it was refused for its NUL bytes)
    if let Some((enc, name)) = utf16_of(&bytes) {
        let (text, _, bad) = enc.decode(&bytes);
        if bad {
            return Err(data(format!(
                "{}: expected UTF-16 text after its byte-order mark, found bytes that are none",
                path.display()
            )));
        }
        return Ok(text_of(
            text.trim_start_matches('\u{feff}').to_string(),
            name,
        ));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(data(format!(
            "{}: NUL bytes where a text CSV was expected: a wrong encoding (UTF-16?) or not a CSV at all; expected UTF-8 or Windows-1251 text (re-save as «CSV (разделители — точки с запятой)» or UTF-8)",
            path.display()
        )));
    }
    check_one_encoding(path, &bytes)?;
    let (text, encoding) = decode(bytes);
    Ok(text_of(text, encoding))
}

/// UTF-16's encoding and name when `bytes` begin with its byte-order mark (`FF FE` little-endian,
/// `FE FF` big-endian).
fn utf16_of(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    match bytes {
        [0xFF, 0xFE, ..] => Some((encoding_rs::UTF_16LE, "utf-16le")),
        [0xFE, 0xFF, ..] => Some((encoding_rs::UTF_16BE, "utf-16be")),
        _ => None,
    }
}

/// A decoded CSV's text (in `encoding`) with its separator: a DOS end-of-file mark dropped, lone
/// CR line ends made `\n`.
fn text_of(mut text: String, encoding: &'static str) -> CsvText {
    // a DOS end-of-file mark (Ctrl-Z) after the last line is no line of the table
    if text.ends_with('\u{1a}') {
        text.pop();
    }
    if super::csv_file::cr_only(&text) {
        // lines ended by a lone CR (Excel's «CSV (Macintosh)», old Mac and 1С exports): polars
        // ends a line at `\n` only, and would read one line
        text = text.replace('\r', "\n");
    }
    let separator = sniff_separator(&text);
    CsvText {
        text,
        encoding,
        separator,
    }
}

/// What a file read as CSV is when its first bytes are a workbook's signature: a zip archive
/// (`PK\x03\x04`, an .xlsx/.xlsm workbook, ECMA-376 Part 2) or an OLE2 compound file
/// (`D0 CF 11 E0 A1 B1 1A E1`, an .xls workbook); `None` for anything else.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("a zip archive, not a text CSV: it looks like an Excel .xlsx workbook saved under another extension; rename it to .xlsx (or re-save it as «CSV (разделители — точки с запятой)»)")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("an OLE2 compound file, not a text CSV: it looks like an Excel .xls workbook saved under another extension; rename it to .xls (or re-save it as «CSV (разделители — точки с запятой)»)")
    } else {
        None
    }
}

/// A file that is UTF-8 (a BOM, or Cyrillic lines in UTF-8) with lines that are not (a row saved
/// in Windows-1251 into a UTF-8 export) is a data error naming those lines (`text::mixed_encoding_lines`)
/// (rows = lines of the file) and quoting the first as Windows-1251 reads it. A file wholly in UTF-8 is checked in one pass.
fn check_one_encoding(path: &Path, bytes: &[u8]) -> Result<()> {
    if !bytes.starts_with(&[0xEF, 0xBB, 0xBF]) && std::str::from_utf8(bytes).is_ok() {
        return Ok(());
    }
    let bad = mixed_encoding_lines(bytes);
    let Some(&first) = bad.first() else {
        return Ok(());
    };
    let line = bytes
        .split(|&b| b == b'\n')
        .nth(first - 1)
        .unwrap_or_default();
    let (found, _, _) = encoding_rs::WINDOWS_1251.decode(line);
    let found: String = found.trim_end().chars().take(80).collect();
    let lines = bad
        .iter()
        .take(5)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let more = match bad.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    let (what, which) = match bad.len() {
        1 => ("row", "is"),
        _ => ("rows", "are"),
    };
    Err(data(format!(
        "{}: the file mixes encodings: {what} {lines}{more} {which} not UTF-8 while the rest of the file is (a row saved in Windows-1251?; read as Windows-1251, row {first} is «{found}»); expected the whole file in one encoding, UTF-8 or Windows-1251: re-save it in one of them",
        path.display()
    )))
}

/// Name of the row-index column of a text frame: the record's position in the file, from 0.
pub const RECORD: &str = "record";

/// Columns of the text frame: the widest line of the file, counted outside quotes (one pass over
/// the bytes), so that a record wider than the header anywhere keeps its extra fields and is
/// told as such (`input::too_wide`), not cut to the header's width.
pub(super) fn csv_width(t: &CsvText) -> usize {
    let (sep, mut inq, mut n, mut widest) = (t.separator, false, 1usize, 1usize);
    for &b in t.text.as_bytes() {
        match b {
            b'"' => inq = !inq,
            b'\n' => {
                widest = widest.max(n);
                n = 1;
                // each line counted on its own (as the first lines were before)
                inq = false;
            }
            _ if b == sep && !inq => n += 1,
            _ => {}
        }
    }
    widest.max(n)
}

/// The CSV as a text frame, by polars' CSV reader: column `record` (`IdxSize`, the record's
/// position) then `c0, c1, …` (`String`), one row per record, no header row (title lines above the
/// header are records too). A field that is empty or that the record does not have is null.
///
/// Errors (data): polars cannot parse the text (an unclosed quote).
pub fn csv_frame(path: &Path, t: &CsvText) -> Result<DataFrame> {
    csv_frame_of_width(path, t, csv_width(t))
}

/// `csv_frame` with `width` columns (the widest line of the whole file, when `t` is its first
/// lines).
fn csv_frame_of_width(path: &Path, t: &CsvText, width: usize) -> Result<DataFrame> {
    // polars reads an empty line as a record of nulls, the csv crate (and a spreadsheet user)
    // skips it: empty lines are dropped so that records are counted alike
    let kept;
    let text = if t.text.lines().any(str::is_empty) {
        kept = t
            .text
            .lines()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        kept.as_bytes()
    } else {
        t.text.as_bytes()
    };
    text_read_options(width, t.separator, true)
        .into_reader_with_file_handle(std::io::Cursor::new(text))
        .finish()
        .map_err(|_| malformed(path, t))
}

/// The options of the text frame's read: `width` columns `c0, c1, …` of text, no header, the
/// record index first, a record wider than `width` cut (`truncate`; else polars refuses the file).
/// The columns are kept in the chunks polars parsed them in (no `rechunk`): the loaders read them
/// cell by cell or gather from them, and a rechunk would copy every text column's 16-byte views
/// while the chunks are still held — about 130 MB of fresh memory for a national marks table
/// (docs/PERFORMANCE.md).
pub(super) fn text_read_options(width: usize, separator: u8, truncate: bool) -> CsvReadOptions {
    let schema: Schema = (0..width)
        .map(|i| Field::new(format!("c{i}").into(), DataType::String))
        .collect();
    let parse = CsvParseOptions::default()
        .with_separator(separator)
        .with_truncate_ragged_lines(truncate);
    CsvReadOptions::default()
        .with_has_header(false)
        .with_schema(Some(Arc::new(schema)))
        .with_parse_options(parse)
        .with_raise_if_empty(false)
        .with_rechunk(false)
        .with_row_index(Some(RowIndex {
            name: RECORD.into(),
            offset: 0,
        }))
}

/// The error for a CSV polars cannot read (its own message speaks of Python options and quotes
/// the rest of the file): the line where the first bad quoted field starts ([`bad_quote_line`]),
/// else the line where the last record the csv crate finds begins.
fn malformed(path: &Path, t: &CsvText) -> anyhow::Error {
    let line = bad_quote_line(t).unwrap_or_else(|| {
        let (starts, _) = record_layout(t, &DataFrame::empty());
        starts.last().copied().unwrap_or(1) as usize
    });
    data(format!(
        "{}, row {line}: cannot read this CSV from here on: expected well-formed records, found a quoted field («\"…») starting here that is never closed, or a malformed record",
        path.display()
    ))
}

/// The 1-based line where the first quoted field starts that is never closed or whose closing
/// quote is followed by other text than a separator or a line break (RFC 4180: `""` is a quote
/// inside a quoted field; a quote inside an unquoted field is text). `None` when every quoted field
/// is well formed. A quoted field may span lines: the line counted is where it starts.
pub(super) fn bad_quote_line(t: &CsvText) -> Option<usize> {
    let (b, sep) = (t.text.as_bytes(), t.separator);
    let (mut i, mut line, mut field_start) = (0usize, 1usize, true);
    while i < b.len() {
        if field_start && b[i] == b'"' {
            let start = line;
            i += 1;
            loop {
                match b.get(i) {
                    None => return Some(start),
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        match b.get(i) {
                            None | Some(b'\r' | b'\n') => break,
                            Some(&c) if c == sep => break,
                            _ => return Some(start),
                        }
                    }
                    Some(c) => {
                        line += usize::from(*c == b'\n');
                        i += 1;
                    }
                }
            }
            field_start = false;
            continue;
        }
        match b[i] {
            b'\n' => (line, field_start) = (line + 1, true),
            c => field_start = c == sep,
        }
        i += 1;
    }
    None
}

/// Where each record starts in the file (1-based line) and how many fields it has — polars tells
/// neither (a missing field and an empty one are both null, a quoted line break is not a record).
/// Empty vectors when they follow from the frame: every line holds one whole record with no field
/// missing (the common case, checked without parsing); else one pass of the csv crate's reader.
pub(super) fn record_layout(t: &CsvText, df: &DataFrame) -> (Vec<u32>, Vec<u32>) {
    let lines = t.text.lines().filter(|l| !l.is_empty()).count();
    let blank = t.text.lines().any(str::is_empty);
    let full = df.columns().last().is_some_and(|c| c.null_count() == 0);
    if lines == df.height() && !blank && full {
        return (Vec::new(), Vec::new());
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(t.separator)
        .from_reader(t.text.as_bytes());
    let mut rec = csv::ByteRecord::new();
    let (mut starts, mut fields) = (Vec::new(), Vec::new());
    // the csv crate's own line count lags by one after a CRLF (its record ends at the `\r`), so
    // a record's line is counted from its byte offset, past the line break it may point at
    let bytes = t.text.as_bytes();
    let (mut at, mut line) = (0usize, 1usize);
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        let mut start = rec.position().map_or(at, |p| p.byte() as usize).max(at);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes[at..start.min(bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        at = start.min(bytes.len());
        starts.push(crate::model::line_no(line));
        fields.push(rec.len() as u32);
    }
    (starts, fields)
}

/// A CSV read once: its text frame (`csv_frame`) and where its records start in the file.
pub struct TextFrame {
    pub file: String,
    /// The sheet a spreadsheet's frame comes from (`from_grid`); none for a CSV.
    pub sheet: Option<String>,
    pub df: DataFrame,
    /// See `Grid::lines` and `Grid::fields` (for the whole file).
    pub(super) lines: Vec<u32>,
    pub(super) fields: Vec<u32>,
    pub encoding: &'static str,
    pub separator: u8,
}

impl TextFrame {
    /// Decode, sniff and read a CSV file.
    pub fn read(path: &Path) -> Result<TextFrame> {
        let t = read_csv_text(path)?;
        let df = csv_frame(path, &t)?;
        let (lines, fields) = record_layout(&t, &df);
        Ok(TextFrame {
            file: path.display().to_string(),
            sheet: None,
            df,
            lines,
            fields,
            encoding: t.encoding,
            separator: t.separator,
        })
    }

    /// A UTF-8 CSV's frame read elsewhere (`csv_file`), with its record layout (`record_layout`).
    pub(super) fn of(
        path: &Path,
        df: DataFrame,
        (lines, fields): (Vec<u32>, Vec<u32>),
        separator: u8,
    ) -> TextFrame {
        TextFrame {
            file: path.display().to_string(),
            sheet: None,
            df,
            lines,
            fields,
            encoding: "utf-8",
            separator,
        }
    }

    /// The file, and for a workbook's sheet `FILE [лист «SHEET»]` (`Grid::place`).
    pub fn place(&self) -> String {
        super::table::place(&self.file, &self.sheet)
    }

    /// Records.
    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// Records `offset..offset + len` as a grid (trailing empty cells trimmed; each row's field
    /// count and file line kept).
    pub fn grid(&self, offset: usize, len: usize) -> Grid {
        let part = self.df.slice(offset as i64, len);
        let rows = text_rows(&part);
        let part_of = |v: &[u32]| {
            let end = (offset + part.height()).min(v.len());
            v.get(offset..end).unwrap_or_default().to_vec()
        };
        Grid {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            first_line: offset + 1,
            rows,
            fields: part_of(&self.fields),
            lines: part_of(&self.lines),
            encoding: self.encoding,
            separator: Some(self.separator),
            down: Vec::new(),
            merged_filled: Vec::new(),
            hidden_sheet: false,
            xml_scan: None,
        }
    }

    /// The whole file as a grid.
    pub fn whole(&self) -> Grid {
        self.grid(0, self.height())
    }

    /// A sheet as a text frame: column `c{i}` holds the sheet's column `i` (an empty cell is
    /// null), each record keeping its line.
    pub fn from_grid(g: &Grid) -> Result<TextFrame> {
        let width = g.rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let n = g.rows.len();
        let mut cols = vec![Column::new(
            RECORD.into(),
            (0..n as IdxSize).collect::<Vec<IdxSize>>(),
        )];
        for c in 0..width {
            let ca: StringChunked = g
                .rows
                .iter()
                .map(|row| row.get(c).map(String::as_str).filter(|s| !s.is_empty()))
                .collect();
            cols.push(ca.with_name(format!("c{c}").into()).into_column());
        }
        Ok(TextFrame {
            file: g.file.clone(),
            sheet: g.sheet.clone(),
            df: DataFrame::new_infer_height(cols)?,
            lines: (0..n)
                .map(|r| crate::model::line_no(g.line_of(r)))
                .collect(),
            fields: g.fields.clone(),
            encoding: g.encoding,
            separator: g.separator.unwrap_or(b';'),
        })
    }

    /// Free the frame's cells once a loader has read every one it needs: the frame keeps its
    /// columns' names and types, no record, and still tells each record's line (`line_of`).
    pub fn drop_cells(&mut self) {
        self.df = self.df.clear();
    }

    /// The file line on which record `r` starts (1-based).
    pub fn line_of(&self, r: usize) -> usize {
        self.lines.get(r).map_or(r + 1, |&l| l as usize)
    }

    /// The fields record `r` has in the file, when they can be fewer than the header's.
    pub fn fields_of(&self, r: usize) -> Option<u32> {
        self.fields.get(r).copied()
    }

    /// For each record from `first` on, whether it has a value (non-blank) beyond the first `width`
    /// columns: a separator inside an unquoted value, told by `input::too_wide` in the row walker.
    pub fn has_value_beyond(&self, width: usize, first: usize) -> Vec<bool> {
        let mut out = vec![false; self.height().saturating_sub(first)];
        for c in width..self.width() {
            for (b, v) in out.iter_mut().zip(self.text_col(c, first).iter()) {
                if v.is_some_and(|s| !s.trim().is_empty()) {
                    *b = true;
                }
            }
        }
        out
    }

    /// Column `c` of the records from `first` on (all null beyond the frame's width).
    pub fn text_col(&self, c: usize, first: usize) -> StringChunked {
        let n = self.height().saturating_sub(first);
        match self
            .df
            .column(&format!("c{c}"))
            .ok()
            .and_then(|x| x.str().ok())
        {
            Some(ca) => ca.slice(first as i64, n),
            None => StringChunked::full_null("".into(), n),
        }
    }

    /// Column `c` of the records from `first` on when the frame holds it as whole numbers
    /// (`CsvFile::typed_frame`); None for a text column.
    pub fn int_col(&self, c: usize, first: usize) -> Option<Int32Chunked> {
        let n = self.height().saturating_sub(first);
        let ca = self.df.column(&format!("c{c}")).ok()?.i32().ok()?;
        Some(ca.slice(first as i64, n))
    }

    /// The columns of the frame (without the record index).
    pub fn width(&self) -> usize {
        self.df.width().saturating_sub(1)
    }

    /// The records `recs` (ascending) as a grid: each row keeps its file line and field count.
    pub fn rows_grid(&self, recs: &[usize]) -> Grid {
        let idx: IdxCa = recs.iter().map(|&r| r as IdxSize).collect_ca("".into());
        let part = self.df.take(&idx).unwrap_or_else(|_| self.df.clear());
        Grid {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            first_line: 1,
            rows: text_rows(&part),
            fields: if self.fields.is_empty() {
                Vec::new()
            } else {
                recs.iter().map(|&r| self.fields[r]).collect()
            },
            lines: recs
                .iter()
                .map(|&r| crate::model::line_no(self.line_of(r)))
                .collect(),
            encoding: self.encoding,
            separator: Some(self.separator),
            down: Vec::new(),
            merged_filled: Vec::new(),
            hidden_sheet: false,
            xml_scan: None,
        }
    }
}

/// The text cells of a part of a text frame (its columns after the record index) as rows
/// ([`grid_rows`]).
fn text_rows(part: &DataFrame) -> Vec<Vec<String>> {
    let cols: Vec<&StringChunked> = part
        .columns()
        .iter()
        .skip(1)
        .filter_map(|c| c.str().ok())
        .collect();
    let iters: Vec<_> = cols.iter().map(|c| c.iter()).collect();
    grid_rows(iters, part.height())
}

/// Rows of text cells from column iterators (null is an empty cell); trailing empty cells trimmed.
fn grid_rows<'a>(
    mut cols: Vec<impl Iterator<Item = Option<&'a str>>>,
    n: usize,
) -> Vec<Vec<String>> {
    let mut rows = Vec::with_capacity(n);
    for _ in 0..n {
        let mut row: Vec<String> = cols
            .iter_mut()
            .map(|c| c.next().flatten().unwrap_or_default().to_string())
            .collect();
        while row.last().is_some_and(|s| s.trim().is_empty()) {
            row.pop();
        }
        rows.push(row);
    }
    rows
}
