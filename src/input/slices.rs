//! Reading a large CSV in slices of whole lines, by ranges of the file that threads read side by
//! side, record by record, and one value per distinct text.
use super::columnar::Source;
use polars::prelude::PlHashMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Bytes of the file read per slice: few reads, and a buffer that stays a fraction of the rows
/// the slice becomes.
#[cfg(not(test))]
pub(super) const SLICE_BYTES: usize = 4 << 20;
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

/// One record of a slice: its fields, unquoted, as bytes of valid UTF-8.
pub(super) struct Record<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
}

impl<'a> Record<'a> {
    /// Field `c`; None when the column is absent or the cell empty.
    pub(super) fn text(&self, c: Option<usize>) -> Option<&'a [u8]> {
        let c = c?;
        let start = if c == 0 { 0 } else { self.ends[c - 1] };
        let f = &self.bytes[start..self.ends[c]];
        (!f.is_empty()).then_some(f)
    }
    /// Field `c` as a plain number: digits with an optional sign and one decimal point or comma.
    /// Err for anything else (spaces, percents, sentinels), which the row loader interprets.
    pub(super) fn num(&self, c: Option<usize>) -> Result<Option<f64>, ()> {
        let Some(f) = self.text(c) else {
            return Ok(None);
        };
        if f.len() <= 9 && f.iter().all(u8::is_ascii_digit) {
            let v = f.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
            return Ok(Some(f64::from(v)));
        }
        let digits = f.strip_prefix(b"-").unwrap_or(f);
        let mut points = 0;
        for &b in digits {
            match b {
                b'0'..=b'9' => {}
                b'.' | b',' => points += 1,
                _ => return Err(()),
            }
        }
        if points > 1 || !digits.iter().any(u8::is_ascii_digit) {
            return Err(());
        }
        let text: String = f
            .iter()
            .map(|&b| if b == b',' { '.' } else { b as char })
            .collect();
        text.parse().map(Some).map_err(|_| ())
    }
}

/// Read a range of a CSV whose header is its first line, slice by slice of whole lines, record
/// by record through the csv crate's parser (the row loader's dialect: the same separator, quotes
/// and line ends); `f` gets each record and its line — the file line in the first range, counted
/// from 0 in the others (the caller adds the lines before). False when a slice is not text in the
/// head's encoding, a record has another number of fields than the header or is not exactly one
/// line (file line numbers must stay exact for the ledger and warnings), `f` refuses a record,
/// or `halt` is raised.
pub(super) fn read_records(
    src: &Source,
    range: Range,
    slice_bytes: usize,
    halt: &AtomicBool,
    mut f: impl FnMut(&Record, usize) -> bool,
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
    let width = h.raw.len();
    let sep = head.separator;
    // a small file gets a buffer of its own size, not a whole slice
    let slice_bytes = slice_bytes.min((range.end - range.start) as usize + 1);
    let mut buf: Vec<u8> = Vec::with_capacity(slice_bytes + (1 << 16));
    let (mut out, mut ends) = (vec![0u8; 1 << 12], vec![0usize; width]);
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
            match memchr::memchr(b'\n', &buf[start..cut]) {
                Some(i) => start += i + 1,
                None => return eof,
            }
            line = 2;
        }
        let slice = &buf[start..cut];
        if !slice.is_empty() {
            let text: std::borrow::Cow<[u8]> = if head.encoding == "windows-1251" {
                match encoding_rs::WINDOWS_1251
                    .decode_without_bom_handling(slice)
                    .0
                {
                    std::borrow::Cow::Borrowed(s) => s.as_bytes().into(),
                    std::borrow::Cow::Owned(s) => s.into_bytes().into(),
                }
            } else if simdutf8::basic::from_utf8(slice).is_ok() {
                slice.into()
            } else {
                // not UTF-8 after all: the row loader decodes the whole file
                return false;
            };
            let bytes: &[u8] = &text;
            let lines =
                memchr::memchr_iter(b'\n', bytes).count() + usize::from(!bytes.ends_with(b"\n"));
            let mut rdr = csv_core::ReaderBuilder::new().delimiter(sep).build();
            let mut input = bytes;
            let mut records = 0usize;
            loop {
                let (mut n_out, mut n_ends) = (0usize, 0usize);
                let done = loop {
                    let (res, nin, nout, nend) =
                        rdr.read_record(input, &mut out[n_out..], &mut ends[n_ends..]);
                    input = &input[nin..];
                    // field ends count from where this call's output began
                    for e in &mut ends[n_ends..n_ends + nend] {
                        *e += n_out;
                    }
                    n_out += nout;
                    n_ends += nend;
                    match res {
                        // the rest of the slice was given: the next call's empty input ends it
                        csv_core::ReadRecordResult::InputEmpty => {}
                        csv_core::ReadRecordResult::OutputFull => {
                            let len = out.len();
                            out.resize(len * 2, 0);
                        }
                        // more fields than the header has
                        csv_core::ReadRecordResult::OutputEndsFull => return false,
                        csv_core::ReadRecordResult::Record => break false,
                        csv_core::ReadRecordResult::End => break true,
                    }
                };
                if done {
                    break;
                }
                if n_ends != width {
                    return false;
                }
                let rec = Record {
                    bytes: &out[..n_out],
                    ends: &ends[..n_ends],
                };
                if !f(&rec, line + records) {
                    return false;
                }
                records += 1;
            }
            // a quoted line break, a lone CR or an empty line: line numbers would drift
            if records != lines {
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

/// One value per distinct text, computed once; rows refer to values by index. Neighbouring rows
/// mostly repeat a text (a school's procedures are written together): the last one is checked first.
pub(super) struct Distinct<T> {
    map: PlHashMap<Box<[u8]>, u32>,
    pub(super) values: Vec<T>,
    last: Option<(Vec<u8>, u32)>,
}

impl<T> Distinct<T> {
    pub(super) fn new() -> Self {
        Distinct {
            map: PlHashMap::default(),
            values: Vec::new(),
            last: None,
        }
    }
    /// The index of the value of text `s` (UTF-8 bytes), computed by `f` when `s` is new.
    pub(super) fn index(&mut self, s: &[u8], f: impl FnOnce(&str) -> Option<T>) -> Option<u32> {
        if let Some((text, i)) = &self.last {
            if text.as_slice() == s {
                return Some(*i);
            }
        }
        let i = match self.map.get(s) {
            Some(&i) => i,
            None => {
                self.values.push(f(std::str::from_utf8(s).ok()?)?);
                let i = self.values.len() as u32 - 1;
                self.map.insert(s.into(), i);
                i
            }
        };
        let (text, last) = self.last.get_or_insert_with(|| (Vec::new(), 0));
        text.clear();
        text.extend_from_slice(s);
        *last = i;
        Some(i)
    }
    pub(super) fn get(&mut self, s: &[u8], f: impl FnOnce(&str) -> Option<T>) -> Option<&T> {
        let i = self.index(s, f)?;
        Some(&self.values[i as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::Record;

    /// A record of one field.
    fn num_of(cell: &str) -> Result<Option<f64>, ()> {
        let rec = Record {
            bytes: cell.as_bytes(),
            ends: &[cell.len()],
        };
        rec.num(Some(0))
    }

    #[test]
    fn plain_numbers_parse_and_the_rest_is_left_to_the_row_loader() {
        assert_eq!(num_of("0"), Ok(Some(0.0)));
        assert_eq!(num_of("123456789"), Ok(Some(123456789.0)));
        assert_eq!(num_of("1234567890"), Ok(Some(1234567890.0)));
        assert_eq!(num_of("12,5"), Ok(Some(12.5)));
        assert_eq!(num_of("-3.25"), Ok(Some(-3.25)));
        assert_eq!(num_of(""), Ok(None));
        for odd in ["1 234", "45%", "-", "—", " 7", "1.2.3", ",", "abc", "1e3"] {
            assert_eq!(num_of(odd), Err(()), "{odd}");
        }
    }

    #[test]
    fn fields_are_found_by_their_ends() {
        let rec = Record {
            bytes: b"edu1\xd0\xa1\xd0\x9e\xd0\xa8",
            ends: &[4, 4, 10],
        };
        assert_eq!(rec.text(Some(0)), Some(&b"edu1"[..]));
        assert_eq!(rec.text(Some(1)), None);
        assert_eq!(rec.text(Some(2)).map(std::str::from_utf8), Some(Ok("СОШ")));
        assert_eq!(rec.text(None), None);
    }
}
