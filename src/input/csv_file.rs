//! A CSV named as an input: its first records read for detection, the whole file read into its
//! text frame only when its loader asks (`CsvFile::frame`), so that the text frames of a folder's
//! files are not all held at once (docs/PERFORMANCE.md). A plain file — UTF-8 without BOM, no
//! empty line — is checked in blocks without holding its text, and polars reads it from the file
//! itself; any other file (Windows-1251, a BOM, empty lines, a record wider than the first lines'
//! widest) goes the general way, `TextFrame::read`, with the same frame and the same errors.
use super::table::{self, CsvText, Grid, TextFrame};
use crate::error::data;
use anyhow::Result;
use polars::prelude::{
    CategoricalPhysical, Categories, Column, DataFrame, DataType, IdxSize, PlSmallStr, RowIndex,
    SerReader,
};
use std::cell::OnceCell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bytes read at a time when a plain file is checked.
const BLOCK: usize = 1 << 20;
/// Lines with text that a plain file's start, read as text, holds at least (the separator is
/// sniffed from the first 30; detection reads the first `HEAD_ROWS` records).
const HEAD_LINES: usize = 200;

/// A CSV whose start is plain: UTF-8 without BOM and without empty line (the rest is checked when
/// the frame is read).
#[derive(Clone, Copy)]
struct Plain {
    separator: u8,
    /// Columns of the frame: the widest line of the file's start (`table::csv_width`); no record
    /// of the file may be wider (else the general way).
    width: usize,
    /// Each record of the file's start is on a line of its own (no quoted line break in it).
    start_lines: bool,
}

/// A CSV input: its path and, once read, its text frame.
pub struct CsvFile {
    path: PathBuf,
    plain: Option<Plain>,
    frame: OnceCell<TextFrame>,
}

impl CsvFile {
    /// Open a CSV for detection: its first `rows` records as a grid (as `TextFrame::grid(0, rows)`
    /// of the whole file's frame), the file read whole only when `frame` is asked.
    ///
    /// Errors (data): as `TextFrame::read`.
    pub fn open(path: &Path, rows: usize) -> Result<(Grid, CsvFile)> {
        if let Some((plain, start, whole)) = scan(path)? {
            if let Some(g) = head(path, start, whole, plain.separator, rows) {
                let (g, width, start_lines) = g;
                let plain = Plain {
                    width,
                    start_lines,
                    ..plain
                };
                let file = CsvFile {
                    path: path.to_path_buf(),
                    plain: Some(plain),
                    frame: OnceCell::new(),
                };
                return Ok((g, file));
            }
        }
        let f = TextFrame::read(path)?;
        let g = f.grid(0, rows);
        let file = CsvFile {
            path: path.to_path_buf(),
            plain: None,
            frame: OnceCell::from(f),
        };
        Ok((g, file))
    }

    /// The whole file's text frame, read at the first call.
    ///
    /// Errors (data): as `TextFrame::read` (an unclosed quote).
    pub fn frame(&self) -> Result<&TextFrame> {
        if let Some(f) = self.frame.get() {
            return Ok(f);
        }
        let f = match self.plain {
            Some(p) => read_plain(&self.path, p)?,
            None => TextFrame::read(&self.path)?,
        };
        Ok(self.frame.get_or_init(|| f))
    }

    /// The whole file's text frame, read now unless it was already.
    ///
    /// Errors (data): as `frame`.
    pub fn into_frame(self) -> Result<TextFrame> {
        self.frame()?;
        Ok(self.frame.into_inner().expect("read above"))
    }
}

/// What polars reads a column of a typed frame as (`CsvFile::typed_frame_as`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Typed {
    /// Whole numbers (`Int32`); a cell that is none is null.
    Int32,
    /// `Categorical` (U32 codes, a mapping of its own): each distinct text stored once.
    Categorical,
}

impl CsvFile {
    /// The whole file's frame with the columns `ints` read by polars as `Int32` (the others text,
    /// as in `frame`) from record `first` on: `typed_frame_as` with every column of `ints` as
    /// `Typed::Int32`.
    ///
    /// Errors (data): the file cannot be read.
    pub fn typed_frame(&self, ints: &[usize], first: usize) -> Result<Option<TextFrame>> {
        let cols: Vec<(usize, Typed)> = ints.iter().map(|&c| (c, Typed::Int32)).collect();
        self.typed_frame_as(&cols, first)
    }

    /// The whole file's frame with the columns `cols` read by polars as their `Typed` (the others
    /// text, as in `frame`), its records from `first` on (the header's next: title lines and the
    /// header are skipped by polars, one line each) as the file has them, and the `first` records
    /// before them all null (not read: the frame's record `r` is still the file's record `r`, on
    /// line `r + 1`). `Some` for a plain file in which every line is one whole record (no text
    /// cell holds a line break, nor does any record of the file's start) and every record from
    /// `first` on has every column's field; `None` for any other, or when polars refuses the file:
    /// a cell of an `Int32` column that is no whole number (`1 234`, `10,5`), invalid UTF-8, a
    /// record wider than the frame — the caller then reads the text frame, which names the bad
    /// cell. An empty cell is null (the caller takes the typed frame only when the cells it reads
    /// are not null). With a `Categorical` column, only a file without a quote character (`"`) is
    /// read: polars' categorical reader does not check that a quoted field ends with its quote
    /// (`"abc"x` reads as `abc` where the text reader refuses the file; docs/PERFORMANCE.md), and
    /// in a file without quotes every field is read as written.
    ///
    /// Errors (data): the file cannot be read.
    pub fn typed_frame_as(
        &self,
        cols: &[(usize, Typed)],
        first: usize,
    ) -> Result<Option<TextFrame>> {
        let Some(p) = self.plain else {
            return Ok(None);
        };
        let cats = cols.iter().any(|&(_, t)| t == Typed::Categorical);
        if cats && has_quote(&self.path)? {
            return Ok(None);
        }
        let mut opts = table::text_read_options(p.width, p.separator, false);
        let mut schema = (**opts.schema.as_ref().expect("a schema")).clone();
        for &(c, t) in cols.iter().filter(|&&(c, _)| c < p.width) {
            let dtype = match t {
                Typed::Int32 => DataType::Int32,
                Typed::Categorical => DataType::from_categories(Categories::random(
                    PlSmallStr::EMPTY,
                    CategoricalPhysical::U32,
                )),
            };
            schema.set_dtype_at_index(c, dtype);
        }
        // no `ignore_errors`: polars then checks each chunk's UTF-8 once, not each text field
        // (and a bad cell fails the read, the text way's to name)
        opts = opts
            .with_schema(Some(Arc::new(schema)))
            .with_skip_rows(first)
            .with_row_index(Some(RowIndex {
                name: table::RECORD.into(),
                offset: first as IdxSize,
            }));
        let read = opts
            .try_into_reader_with_file_path(Some(self.path.clone()))
            .and_then(|r| r.finish());
        let Ok(df) = read else {
            return Ok(None);
        };
        let full = df.columns().last().is_some_and(|c| c.null_count() == 0);
        // without a quote no cell can hold a line break: the text cells need not be scanned
        if has_empty_record(&df) || !full || !p.start_lines || (!cats && has_line_break(&df)) {
            return Ok(None);
        }
        let mut skipped = DataFrame::full_null(df.schema(), first);
        if first > 0 {
            let records: Vec<IdxSize> = (0..first as IdxSize).collect();
            skipped.with_column(Column::new(table::RECORD.into(), records))?;
        }
        skipped.vstack_mut_owned(df)?;
        Ok(Some(TextFrame::of(
            &self.path,
            skipped,
            (Vec::new(), Vec::new()),
            p.separator,
        )))
    }
}

/// Whether the file holds a quote character (`"`) anywhere, read in blocks.
///
/// Errors (data): the file cannot be read.
fn has_quote(path: &Path) -> Result<bool> {
    let cannot = |e: std::io::Error| data(format!("{}: cannot read ({e})", path.display()));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut buf = vec![0u8; BLOCK];
    loop {
        let n = fill(&mut file, &mut buf).map_err(cannot)?;
        if buf[..n].contains(&b'"') {
            return Ok(true);
        }
        if n < BLOCK {
            return Ok(false);
        }
    }
}

/// The whole plain file's frame, read by polars from the file: no record wider than `p.width`
/// (else, or when polars refuses the file — invalid UTF-8 past the start —, or when a record of the
/// frame is empty — an empty line past the start —, the general way, whose frame and errors are
/// those of every CSV).
fn read_plain(path: &Path, p: Plain) -> Result<TextFrame> {
    let read = table::text_read_options(p.width, p.separator, false)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish());
    let Ok(df) = read else {
        return TextFrame::read(path);
    };
    if has_empty_record(&df) {
        return TextFrame::read(path);
    }
    let full = df.columns().last().is_some_and(|c| c.null_count() == 0);
    if full && !has_line_break(&df) {
        // each line one whole record: the layout follows from the frame
        return Ok(TextFrame::of(
            path,
            df,
            (Vec::new(), Vec::new()),
            p.separator,
        ));
    }
    let t = table::read_csv_text(path)?;
    let layout = table::record_layout(&t, &df);
    Ok(TextFrame::of(path, df, layout, p.separator))
}

/// Some text cell of a frame holds a line break: a quoted one, so that some record spans lines and
/// the records are not the file's lines (the file's lines are not counted: the frame holds all the
/// text, and its cells are read once, column by column in parallel).
///
/// Each chunk is read as polars holds it: its data buffers (each text longer than 12 bytes, whole)
/// scanned at once, and the short texts inlined in its views one by one (no search call per cell).
/// A line break in a buffer that no view reads would only answer `true` (the general way, with the
/// same frame and errors); the reader's buffers hold the fields it read and nothing else.
fn has_line_break(df: &DataFrame) -> bool {
    use rayon::prelude::*;
    df.columns().par_iter().any(|c| {
        c.str().is_ok_and(|ca| {
            ca.downcast_iter().any(|a| {
                a.data_buffers().iter().any(|b| b.contains(&b'\n'))
                    || a.views()
                        .iter()
                        .any(|v| v.get_inlined_slice().is_some_and(|s| s.contains(&b'\n')))
            })
        })
    })
}

/// Some record of a text frame has no field (every column null): an empty line, which the general
/// way drops (or a line of separators only, which it reads alike).
fn has_empty_record(df: &DataFrame) -> bool {
    let cols: Vec<&Column> = df.columns().iter().skip(1).collect();
    if cols.first().is_none_or(|c| c.null_count() == 0) {
        return false;
    }
    let mut all = cols[0].is_null();
    for c in &cols[1..] {
        all = all & c.is_null();
    }
    all.any()
}

/// The first records of a plain file as a grid, and the width they were read with: the file's
/// start `start` (the whole file when `whole`) read as the text frame is, with no record cut.
/// `None` when that start cannot tell them (an unclosed quote in it, a record wider than its
/// widest line, fewer records than `rows` in a longer file). Also whether each record of the start
/// is on a line of its own.
fn head(
    path: &Path,
    start: String,
    whole: bool,
    separator: u8,
    rows: usize,
) -> Option<(Grid, usize, bool)> {
    let t = CsvText {
        text: start,
        encoding: "utf-8",
        separator,
    };
    let width = table::csv_width(&t);
    let df = table::text_read_options(width, separator, false)
        .into_reader_with_file_handle(std::io::Cursor::new(t.text.as_bytes()))
        .finish()
        .ok()?;
    if !whole && df.height() <= rows {
        return None;
    }
    let layout = table::record_layout(&t, &df);
    let start_lines = layout
        .0
        .iter()
        .enumerate()
        .all(|(r, &l)| l as usize == r + 1);
    let f = TextFrame::of(path, df, layout, separator);
    Some((f.grid(0, rows), width, start_lines))
}

/// Check a CSV's start in blocks: `Some((plain, start, whole))` when its start looks plain (its
/// separator; the start as text, cut after a line, at least `HEAD_LINES` lines with text or the
/// whole file, `whole` when it is), `None` for any other (a BOM, invalid UTF-8 or an empty line in
/// the start). The rest of the file is checked when its frame is read (`read_plain`): polars
/// refuses invalid UTF-8, and the lines are counted there.
///
/// Errors (data): the file cannot be read.
fn scan(path: &Path) -> Result<Option<(Plain, String, bool)>> {
    let cannot = |e: std::io::Error| data(format!("{}: cannot read ({e})", path.display()));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    if ends_with_eof_mark(&mut file).map_err(cannot)? {
        // read the general way, which drops the mark (`csv_text::read_csv_text`)
        return Ok(None);
    }
    let mut start: Vec<u8> = Vec::new();
    let mut lines = Lines::default();
    let (mut checked, mut text_lines) = (0usize, 0usize);
    let whole = loop {
        let at = start.len();
        start.resize(at + BLOCK, 0);
        let n = fill(&mut file, &mut start[at..]).map_err(cannot)?;
        start.truncate(at + n);
        let eof = n < BLOCK;
        if at == 0 {
            if start[..start.len().min(8192)].contains(&0) {
                // the general way says what is wrong
                return Ok(None);
            }
            if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
                return Ok(None);
            }
        }
        let valid = match std::str::from_utf8(&start[checked..]) {
            Ok(_) => start.len(),
            Err(e) if e.error_len().is_none() && !eof => checked + e.valid_up_to(),
            Err(_) => return Ok(None),
        };
        if !lines.feed(&start[checked..valid]) {
            return Ok(None);
        }
        let text = std::str::from_utf8(&start[checked..valid]).unwrap_or_default();
        text_lines += text.lines().filter(|l| !l.trim().is_empty()).count();
        checked = valid;
        if eof {
            break true;
        }
        if text_lines > HEAD_LINES {
            break false;
        }
    };
    if !whole {
        let cut = start.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        start.truncate(cut);
    }
    // a file whose lines end in a lone `\r` (Excel's «CSV (Macintosh)») is read the general way,
    // which turns those line ends into `\n` (`csv_text::read_csv_text`)
    let Ok(start) = String::from_utf8(start)
        .map_err(drop)
        .and_then(|s| match cr_only(&s) {
            true => Err(()),
            false => Ok(s),
        })
    else {
        return Ok(None);
    };
    let plain = Plain {
        separator: table::sniff_separator(&start),
        width: 0,
        start_lines: false,
    };
    Ok(Some((plain, start, whole)))
}

/// Whether the file's last byte is a DOS end-of-file mark (Ctrl-Z, 0x1A), as old DOS and 1С
/// programs write it; the file is read from its start again after.
fn ends_with_eof_mark(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(last[0] == 0x1A)
}

/// Whether the lines of `text` end in a lone `\r` (old Mac line ends): a `\r` and no `\n`.
pub(super) fn cr_only(text: &str) -> bool {
    text.contains('\r') && !text.contains('\n')
}

/// Read until `buf` is full or the file ends; the bytes read.
fn fill(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Lines of a text fed in blocks, as `str::lines` counts them, and whether one is empty.
#[derive(Default)]
struct Lines {
    breaks: usize,
    /// The current line so far: 0 nothing, 1 a `\r` only, 2 more.
    state: u8,
}

impl Lines {
    /// Feed a block; false at an empty line (`""` or `"\r"` before its `\n`).
    fn feed(&mut self, block: &[u8]) -> bool {
        for &b in block {
            if b == b'\n' {
                if self.state < 2 {
                    return false;
                }
                self.breaks += 1;
                self.state = 0;
            } else if self.state < 2 {
                self.state = if self.state == 0 && b == b'\r' { 1 } else { 2 };
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The head and the whole frame of a file, by `open` and by the general way, are the same;
    /// whether `open` found the file plain.
    fn same_as_general(text: &str) -> bool {
        let dir = std::env::temp_dir().join(format!("shnor-csvfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(format!("t{}.csv", text.len()));
        std::fs::write(&p, text).unwrap();
        let general = TextFrame::read(&p).unwrap();
        let (g, f) = CsvFile::open(&p, 3).unwrap();
        let plain = f.plain.is_some();
        assert_eq!(g.rows, general.grid(0, 3).rows, "{text:?}");
        let h = (0..3).map(|r| g.line_of(r)).collect::<Vec<_>>();
        let h0 = (0..3)
            .map(|r| general.grid(0, 3).line_of(r))
            .collect::<Vec<_>>();
        assert_eq!(h, h0);
        let (a, b) = (f.frame().unwrap().whole(), general.whole());
        assert_eq!(a.rows, b.rows, "{text:?}");
        for r in 0..a.rows.len() {
            assert_eq!(a.line_of(r), b.line_of(r));
        }
        std::fs::remove_file(&p).unwrap();
        plain
    }

    #[test]
    fn plain_and_other_files_read_as_the_general_way() {
        assert!(same_as_general("a;b;c\n1;2;3\n4;5;6\n7;8;9\n10;11;12\n"));
        same_as_general("a;b;c\r\n1;2;3\r\n4;5\r\n7;8;9;\r\n10;11;12;13\r\n");
        same_as_general("title\na;b;c\n1;\"2\n2\";3\n4;5;6\n7;8;9\n");
        assert!(!same_as_general("a;b;c\n\n1;2;3\n4;5;6\n7;8;9\n"));
        assert!(!same_as_general("\u{feff}a;b;c\n1;2;3\n4;5;6\n7;8;9\n"));
        same_as_general("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,2,3,4,5,6\n");
        let mut long = String::from("a;b;c\n");
        for i in 0..50_000 {
            long += &format!("{i};\"x{i}\";{}\n", i % 7);
        }
        long += "1;2;3;4\n";
        same_as_general(&long);
        // beyond the first block: a wider record, a quoted line break, a truncated record
        let mut big = String::from("Логин;Имя;Число\n");
        for i in 0..60_000 {
            big += &format!("edu{i:06};Школа №{i};{}\n", i % 7);
        }
        let long_break = "x;\"Школа с длинным именем\nна две строки\";3\n";
        for tail in ["1;2;3;4\n", "x;\"a\nb\";3\n", long_break, "x;2\n"] {
            assert!(same_as_general(&(big.clone() + tail + "y;1;2\n")));
        }
    }

    /// A line break is found in a short text (inlined in its view) and in a long one (in a data
    /// buffer), in any chunk; none in a frame without one.
    #[test]
    fn line_breaks_are_found_in_short_and_long_texts() {
        let long = "Школа с длинным именем, без переноса";
        let frame = |cells: &[&str]| {
            let mut c = Column::new("a".into(), [long, "edu000001"]);
            c.append(&Column::new("a".into(), cells)).unwrap();
            DataFrame::new_infer_height(vec![Column::new("n".into(), [1, 2, 3]), c]).unwrap()
        };
        assert!(!has_line_break(&frame(&["x"])));
        assert!(has_line_break(&frame(&["a\nb"])));
        assert!(has_line_break(&frame(&[
            "Школа с длинным именем\nна две строки"
        ])));
    }

    #[test]
    fn empty_lines_are_found_across_blocks() {
        let mut l = Lines::default();
        assert!(l.feed(b"a\r"));
        assert!(l.feed(b"\nb\n\r"));
        assert!(!l.feed(b"\n"));
        let mut l = Lines::default();
        assert!(l.feed(b"a\nb"));
        assert_eq!(l.breaks, 1);
    }

    #[test]
    fn past_the_start_empty_lines_and_other_encodings_go_the_general_way() {
        let mut big = String::from("Login;Name;N\n");
        for i in 0..60_000 {
            big += &format!("edu{i:06};School {i};{}\n", i % 7);
        }
        for tail in ["\n", "\r\n", ";;\n", "x;y;z\n\n"] {
            same_as_general(&(big.clone() + tail + "y;1;2\n"));
        }
        same_as_general(&(big.clone() + "y;1;2"));
        // Windows-1251 past the start: polars refuses it, the general way decodes it
        let dir = std::env::temp_dir().join(format!("shnor-csvfile-cp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("cp1251.csv");
        let mut bytes = big.into_bytes();
        bytes.extend_from_slice(b"y;\xd8\xea\xee\xeb\xe0;2\n");
        std::fs::write(&p, &bytes).unwrap();
        let (_, f) = CsvFile::open(&p, 3).unwrap();
        let frame = f.frame().unwrap();
        assert_eq!(frame.encoding, "windows-1251");
        let last = frame.text_col(1, frame.height() - 1);
        assert_eq!(last.get(0), Some("Школа"));
        std::fs::remove_file(&p).unwrap();
    }
}
