//! Reading a large CSV through polars in slices of whole lines, by ranges of the file that threads
//! read side by side, and the small tools a column-wise reader needs: typed column iterators and
//! one value per distinct text.
use super::columnar::Source;
use polars::prelude::*;
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Bytes of the file parsed per slice: large enough for polars to use every core, small enough
/// that a slice's frame stays a fraction of the rows it becomes.
#[cfg(not(test))]
pub(super) const SLICE_BYTES: usize = 32 << 20;
/// Small slices in unit tests, so that files of a few megabytes cross slice boundaries.
#[cfg(test)]
pub(super) const SLICE_BYTES: usize = 1 << 20;

/// Bytes `start..end` of a file, beginning at a line start. The first range holds the header.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Range {
    pub(super) start: u64,
    pub(super) end: u64,
}

/// The file cut into `parts` ranges of whole lines, each read by its own thread so that one
/// part's rows are built while another part is parsed; one range for a file of a few slices.
pub(super) fn split(path: &Path, parts: usize) -> Option<Vec<Range>> {
    let mut file = std::fs::File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let parts = parts.min((size / (2 * SLICE_BYTES as u64)) as usize).max(1);
    let mut starts = vec![0u64];
    for k in 1..parts {
        let nominal = size * k as u64 / parts as u64;
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(nominal)).ok()?;
        let mut window = vec![0u8; 1 << 16];
        let n = file.read(&mut window).ok()?;
        // a line longer than the window: read the file as one range
        let i = window[..n].iter().position(|&b| b == b'\n')?;
        let at = nominal + i as u64 + 1;
        if at > *starts.last().unwrap() && at < size {
            starts.push(at);
        }
    }
    let mut ranges: Vec<Range> = starts
        .windows(2)
        .map(|w| Range {
            start: w[0],
            end: w[1],
        })
        .collect();
    ranges.push(Range {
        start: *starts.last().unwrap(),
        end: size,
    });
    Some(ranges)
}

/// Read a range of a CSV whose header is its first line in slices of whole lines through polars:
/// `numeric` columns as numbers, the rest as text; `f` gets each slice and the line of its first
/// row — the file line in the first range, counted from 0 in the others (the caller adds the
/// lines before). False when polars cannot read a slice, a slice is not text in the head's
/// encoding, a record is not exactly one line (file line numbers must stay exact for the ledger
/// and warnings), or `halt` is raised.
pub(super) fn read_slices(
    src: &Source,
    numeric: &[usize],
    range: Range,
    slice_bytes: usize,
    halt: &AtomicBool,
    mut f: impl FnMut(&DataFrame, usize) -> bool,
) -> bool {
    let Source {
        path,
        head,
        header: h,
        stop,
        ..
    } = *src;
    if h.row != 0 {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    use std::io::Seek;
    if file.seek(std::io::SeekFrom::Start(range.start)).is_err() {
        return false;
    }
    let mut file = file.take(range.end - range.start);
    // whole numbers parse faster as integers; a slice with a fraction in them is parsed again as
    // decimals, and so are the slices after it
    let dtypes_as = |t: DataType| {
        let mut d = vec![DataType::String; h.raw.len()];
        for &c in numeric {
            d[c] = t.clone();
        }
        Arc::new(d)
    };
    let (ints, decimals) = (dtypes_as(DataType::Int64), dtypes_as(DataType::Float64));
    let mut whole = true;
    let sep = head.separator;
    // a small file gets a buffer of its own size, not a whole slice
    let slice_bytes = slice_bytes.min((range.end - range.start) as usize + 1);
    let mut buf: Vec<u8> = Vec::with_capacity(slice_bytes + (1 << 16));
    let mut line = 0usize;
    let mut first = range.start == 0;
    loop {
        if stop.load(Ordering::Relaxed) || halt.load(Ordering::Relaxed) {
            return false;
        }
        // appended after the previous slice's partial line, into the buffer's spare room (not zeroed)
        let Ok(got) = (&mut file).take(slice_bytes as u64).read_to_end(&mut buf) else {
            return false;
        };
        let eof = got < slice_bytes;
        let cut = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => return false,
            }
        };
        let mut start = 0;
        if first {
            first = false;
            if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                start = 3;
            }
            // the header line itself was read with the head
            match buf[start..cut].iter().position(|&b| b == b'\n') {
                Some(i) => start += i + 1,
                None => return eof,
            }
            line = 2;
        }
        let slice = &buf[start..cut];
        if !slice.is_empty() {
            // polars checks UTF-8 itself (an invalid text cell is an error, hence the row loader)
            let text: std::borrow::Cow<[u8]> = if head.encoding == "windows-1251" {
                match encoding_rs::WINDOWS_1251
                    .decode_without_bom_handling(slice)
                    .0
                {
                    std::borrow::Cow::Borrowed(s) => s.as_bytes().into(),
                    std::borrow::Cow::Owned(s) => s.into_bytes().into(),
                }
            } else {
                slice.into()
            };
            let bytes: &[u8] = &text;
            let records =
                memchr::memchr_iter(b'\n', bytes).count() + usize::from(!bytes.ends_with(b"\n"));
            let parse = |dtypes: &Arc<Vec<DataType>>| {
                CsvReadOptions::default()
                    .with_has_header(false)
                    .with_dtype_overwrite(Some(dtypes.clone()))
                    .map_parse_options(|p| p.with_separator(sep).with_decimal_comma(sep != b','))
                    .into_reader_with_file_handle(Cursor::new(bytes))
                    .finish()
            };
            let parsed = match whole {
                true => parse(&ints).or_else(|_| {
                    whole = false;
                    parse(&decimals)
                }),
                false => parse(&decimals),
            };
            let Ok(df) = parsed else {
                return false;
            };
            if df.width() != h.raw.len() || df.height() != records || !f(&df, line) {
                return false;
            }
            line += records;
        }
        if eof {
            return true;
        }
        buf.drain(..cut);
    }
}

/// Text column `c`, row by row (None = empty cell); a constant empty column when absent.
pub(super) fn text_col(
    df: &DataFrame,
    c: Option<usize>,
) -> Option<Box<dyn Iterator<Item = Option<&str>> + '_>> {
    Some(match c {
        Some(c) => Box::new(df.columns()[c].str().ok()?.iter()),
        None => Box::new(std::iter::repeat(None)),
    })
}

/// Number column `c` (whole or decimal), row by row; a constant empty column when absent.
pub(super) fn num_col(
    df: &DataFrame,
    c: Option<usize>,
) -> Option<Box<dyn Iterator<Item = Option<f64>> + '_>> {
    let Some(c) = c else {
        return Some(Box::new(std::iter::repeat(None)));
    };
    let col = &df.columns()[c];
    Some(match col.dtype() {
        DataType::Int64 => Box::new(col.i64().ok()?.iter().map(|v| v.map(|x| x as f64))),
        _ => Box::new(col.f64().ok()?.iter()),
    })
}

/// One value per distinct text, computed once; rows refer to values by index. Neighbouring rows
/// mostly repeat a text (a school's procedures are written together): the last one is checked first.
pub(super) struct Distinct<T> {
    map: PlHashMap<String, u32>,
    pub(super) values: Vec<T>,
    last: Option<(String, u32)>,
}

impl<T> Distinct<T> {
    pub(super) fn new() -> Self {
        Distinct {
            map: PlHashMap::default(),
            values: Vec::new(),
            last: None,
        }
    }
    pub(super) fn index(&mut self, s: &str, f: impl FnOnce(&str) -> Option<T>) -> Option<u32> {
        if let Some((text, i)) = &self.last {
            if text == s {
                return Some(*i);
            }
        }
        let i = match self.map.get(s) {
            Some(&i) => i,
            None => {
                self.values.push(f(s)?);
                let i = self.values.len() as u32 - 1;
                self.map.insert(s.to_string(), i);
                i
            }
        };
        let (text, last) = self.last.get_or_insert_with(|| (String::new(), 0));
        text.clear();
        text.push_str(s);
        *last = i;
        Some(i)
    }
    pub(super) fn get(&mut self, s: &str, f: impl FnOnce(&str) -> Option<T>) -> Option<&T> {
        let i = self.index(s, f)?;
        Some(&self.values[i as usize])
    }
}
