//! Typed reads of one cell with the project's error wording (file, row, column, expected, found).
use super::csv_text::TextFrame;
use super::header::Header;
use super::report::InputReport;
use super::table::Grid;
use super::text::{parse_num, subject, year_in, NotANumber};
use super::Meta;
use super::Opts;
use crate::error::data_err;
use crate::error::Loc;
use crate::model::warning::WarningCode;
use anyhow::Result;
use polars::prelude::{ChunkCast, DataType, StringChunked};

/// A year cell: a whole number 2000–2099, else the latest such year in its text (`2015-2016`).
pub fn year_cell(s: &str) -> Option<i32> {
    match parse_num(s) {
        Ok(Some(v)) if (2000.0..2100.0).contains(&v) && v.fract() == 0.0 => Some(v as i32),
        _ => year_in(s),
    }
}

/// A cell holding only a whole year 2000–2099: four digits with optional surrounding spaces, or an
/// xlsx number read as `2023.0`; anything else (`2023/24`, `2023-2024`, `2023,5`, `год 2023`) is None.
/// Used where docs/INPUTS.md says a year that is no year is a data error (context tables).
pub fn whole_year(s: &str) -> Option<i32> {
    let t = s.trim();
    let t = match t.split_once('.') {
        Some((y, z)) if !z.is_empty() && z.bytes().all(|b| b == b'0') => y,
        Some(_) => return None,
        None => t,
    };
    let y: i32 =
        (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())??;
    (2000..2100).contains(&y).then_some(y)
}

/// Year from a column (`2025`, `2015-2016`), else the file's year, else an error.
pub fn year(g: &Grid, h: &Header, r: usize, col: Option<usize>, meta: &Meta) -> Result<i32> {
    match col {
        Some(c) => match year_cell(g.cell(r, c)) {
            Some(y) => Ok(y),
            None => Err(data_err(
                &g.loc(r),
                h.raw_name(c),
                format!(
                    "expected a year from 2000 to 2099, found «{}»",
                    g.cell(r, c)
                ),
            )),
        },
        None if meta.year > 0 => Ok(meta.year),
        None => Err(data_err(
            &g.loc(r),
            "Год",
            "no year column and no year in the title, file name or --file-year",
        )),
    }
}

/// Subject from a column, else the file's subject, else an error.
pub fn subject_of(
    g: &Grid,
    h: &Header,
    r: usize,
    col: Option<usize>,
    meta: &Meta,
) -> Result<String> {
    match col {
        Some(c) => subject(g.cell(r, c)).ok_or_else(|| {
            data_err(
                &g.loc(r),
                h.raw_name(c),
                format!("unknown subject «{}»", g.cell(r, c)),
            )
        }),
        None if !meta.subject.is_empty() => Ok(meta.subject.clone()),
        None => Err(data_err(
            &g.loc(r),
            "Предмет",
            "no subject column and no subject in the title, file name or --subject",
        )),
    }
}

/// A whole non-negative count; empty is `empty`.
pub fn count(g: &Grid, h: &Header, r: usize, c: usize, empty: Option<i64>) -> Result<i64> {
    match parse_num(g.cell(r, c)) {
        Ok(Some(v)) if crate::model::count(v).is_some() => Ok(v as i64),
        Ok(None) if empty.is_some() => Ok(empty.unwrap()),
        _ => Err(data_err(
            &g.loc(r),
            h.raw_name(c),
            format!(
                "expected a whole non-negative count, found «{}»",
                g.cell(r, c)
            ),
        )),
    }
}

/// The data error of a participants cell that holds no whole count (`12.7`, `1 200,9`, or above
/// `Count::MAX`): a fraction of a pupil is never truncated. Names the cell's file, sheet, row
/// and column and quotes the cell as written.
pub fn not_whole_participants(g: &Grid, h: &Header, r: usize, c: usize) -> anyhow::Error {
    data_err(
        &g.loc(r),
        h.raw_name(c),
        format!(
            "expected a whole number of participants (at most {}), found «{}»",
            crate::model::Count::MAX,
            g.cell(r, c).trim()
        ),
    )
}

/// A non-negative number, or none for an empty cell.
pub fn non_negative(g: &Grid, h: &Header, r: usize, c: usize) -> Result<Option<f64>> {
    match parse_num(g.cell(r, c)) {
        Ok(Some(v)) if v < 0.0 => Err(data_err(
            &g.loc(r),
            h.raw_name(c),
            format!("expected a non-negative number, found «{}»", g.cell(r, c)),
        )),
        Ok(v) => Ok(v),
        Err(_) => Err(data_err(
            &g.loc(r),
            h.raw_name(c),
            not_a_number(g.cell(r, c), h.names.get(c).map(String::as_str)),
        )),
    }
}

/// The error text of a cell that should be a number: a cell that repeats its column's caption
/// (`caption`, normalised) is said to be a header row repeated under the table — a second table
/// stacked below the first, another year's (fresh-eyes run 11, #12: «expected a number, found
/// «Количество участников»» did not say so).
pub fn not_a_number(cell: &str, caption: Option<&str>) -> String {
    if caption.is_some_and(|cap| !cap.is_empty() && super::text::norm_header(cell) == cap) {
        return format!(
            "expected a number, found «{}», the column's own caption: a header row repeated under the table (a second table stacked below the first — another year?); give each table its own sheet or file",
            cell.trim()
        );
    }
    format!("expected a number, found «{cell}»")
}

/// Note in `rep` a login cell that is no ФИС ОКО login, naming it and its row.
pub fn check_login(g: &Grid, r: usize, login: &str, rep: &mut super::report::InputReport) {
    check_login_at(g.line_of(r), login, &mut rep.warnings);
}

/// [`check_login`] for the login cell of file line `line` (a sheet read row by row, with no grid).
pub fn check_login_at(line: usize, login: &str, warnings: &mut super::report::Warnings) {
    if let Some((code, example)) = login_note(login, line) {
        warnings.add(code, example);
    }
}

/// The counted warning for a login cell (on file line `line`) that is no ФИС ОКО login: one with
/// Cyrillic look-alike letters, read as the login it looks like (`text::latin_login`), or any
/// other text, the school kept under it; `None` for a login.
pub fn login_note(login: &str, line: usize) -> Option<(WarningCode, String)> {
    let l = login.trim();
    if super::text::looks_like_login(l) {
        return None;
    }
    Some(match super::text::latin_login(l) {
        Some(latin) => (
            WarningCode::CyrillicInLogin,
            format!("«{l}» → {latin} (строка {line})"),
        ),
        None => (WarningCode::NotALogin, format!("«{l}» (строка {line})")),
    })
}

/// The data error for a row of a school list (registry, risk profiles) with values but an empty
/// login cell: the row belongs to no school (before, it was dropped without a word).
pub fn no_login(loc: &crate::error::Loc, column: &str) -> anyhow::Error {
    crate::error::data_err(
        loc,
        column,
        "expected a school login, found an empty cell (the row has values: whose school are they?)",
    )
}

/// `«a», «b» or «c»`.
fn one_of(captions: &[&str]) -> String {
    let quoted: Vec<String> = captions.iter().map(|c| format!("«{c}»")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The error for a results table whose assessment (ВПР, ОГЭ or ЕГЭ) no column, title line, file
/// name or `--assessment` tells: shnor never assumes one (issue 12). `column`: the table's
/// assessment column, whose cell in this row is empty; `None` when the table has none (the error
/// names no column then, and lists the captions looked for when `table`, a header-first table).
pub fn no_assessment(loc: &crate::error::Loc, column: Option<&str>, table: bool) -> anyhow::Error {
    let words = "ВПР, ОГЭ or ЕГЭ (VPR, OGE, EGE) as a word of the title lines above the header, of the file name or of its folders";
    match column {
        Some(c) => crate::error::data_err(
            loc,
            c,
            format!("expected ВПР, ОГЭ or ЕГЭ, found an empty cell, and no {words}; fill the cell or give --assessment"),
        ),
        None => {
            let columns = match table {
                true => format!(
                    "a column {} (none in this table), ",
                    one_of(super::header::ASSESSMENT)
                ),
                false => String::new(),
            };
            crate::error::ShnorError::Data {
                file: Some(loc.file.clone()),
                sheet: loc.sheet.clone(),
                row: Some(loc.row),
                column: None,
                expected: None,
                found: None,
                message: Some(format!(
                    "cannot tell the assessment of this table from a column, the title, the file name or --assessment: looked for {columns}{words}; give --assessment ВПР, ОГЭ or ЕГЭ"
                )),
            }
            .into()
        }
    }
}

/// A registry's cells, read from its text frame's columns (no grid of `String`s): `cell` reads as
/// `Grid::cell` of the frame's grid would, the indicator and enrollment columns are cast to
/// `Float64` by polars once (a cell the cast does not read — empty, `0,5`, `12 %`, text — is parsed
/// by `parse_num`, so values and errors are those of the cell as written).
pub(super) struct Cells<'f> {
    f: &'f TextFrame,
    /// The frame's text columns as polars read them, all in chunks of the same lengths (else each
    /// made one chunk): not copied into one chunk each; a column the frame lacks reads as empty.
    cols: Vec<StringChunked>,
    /// Each record's chunk and its index in the chunk (`cols`).
    at: Vec<(u32, u32)>,
    /// The number columns cast, row by row (`width` values a record, in the order of `slot`), NaN
    /// where the cast read no number: a row's values side by side, not one column's far from the
    /// next's.
    nums: Vec<f64>,
    /// Each column's place among a record's values in `nums` (none for a text column).
    slot: Vec<Option<usize>>,
    /// How many number columns.
    width: usize,
    /// A CSV's (not a sheet's): a cell that is blank after `trim` ends a row's values as an empty
    /// one does (`Grid` rows of a CSV have their trailing blank cells trimmed).
    csv: bool,
    /// Records dropped as truncated or too wide (`drop_truncated`, `--lenient`).
    dropped: Vec<bool>,
}

impl<'f> Cells<'f> {
    /// The cells of `f`, with columns `numbers` cast; records of a CSV from `first` on that are
    /// truncated or too wide are reported as `input::drop_truncated` reports them (a data error,
    /// or skipped with a counted warning under `--lenient`).
    pub(super) fn of(
        f: &'f TextFrame,
        h: &Header,
        numbers: &[usize],
        csv: bool,
        opts: &Opts,
        rep: &mut InputReport,
    ) -> Result<Cells<'f>> {
        let mut cols: Vec<StringChunked> = (0..f.width()).map(|c| f.text_col(c, 0)).collect();
        let lengths = |ca: &StringChunked| ca.chunk_lengths().collect::<Vec<usize>>();
        let first = cols.first().map(lengths).unwrap_or_default();
        if cols.iter().any(|ca| lengths(ca) != first) {
            cols = cols.iter().map(|ca| ca.rechunk().into_owned()).collect();
        }
        let at = cols.first().map_or_else(Vec::new, |ca| {
            (ca.chunk_lengths().enumerate())
                .flat_map(|(k, n)| (0..n as u32).map(move |i| (k as u32, i)))
                .collect()
        });
        let (nums, slot, width) = row_major(&cols, numbers)?;
        let mut dropped = vec![false; f.height()];
        let first = h.row + 1;
        if csv {
            let width = h.raw.len();
            let beyond = f.has_value_beyond(width, first);
            let odd: Vec<usize> = (first..f.height())
                .filter(|&r| {
                    beyond[r - first] || f.fields_of(r).is_some_and(|n| (n as usize) < width)
                })
                .collect();
            if !odd.is_empty() {
                let mut g = f.rows_grid(&odd);
                super::drop_truncated(&mut g, h, 0, opts, rep)?;
                for (i, &r) in odd.iter().enumerate() {
                    dropped[r] = g.rows[i].is_empty();
                }
            }
        }
        Ok(Cells {
            f,
            cols,
            at,
            nums,
            slot,
            width,
            csv,
            dropped,
        })
    }

    /// Cell `c` of record `r` as text (empty when null or beyond the frame, or the record dropped).
    pub(super) fn cell(&self, r: usize, c: usize) -> &str {
        if self.dropped[r] {
            return "";
        }
        let Some(&(k, i)) = self.at.get(r) else {
            return "";
        };
        let arr = self.cols.get(c).and_then(|ca| ca.downcast_get(k as usize));
        arr.and_then(|a| a.get(i as usize)).unwrap_or("")
    }

    /// Cell `c` of record `r` as a number (`parse_num`; the cast value where the cast read it).
    pub(super) fn num(&self, r: usize, c: usize) -> std::result::Result<Option<f64>, NotANumber> {
        let slot = self.slot.get(c).copied().flatten();
        match slot.and_then(|j| self.nums.get(r * self.width + j).copied()) {
            Some(v) if v.is_finite() && !self.dropped[r] => Ok(Some(v)),
            _ => parse_num(self.cell(r, c)),
        }
    }

    /// Record `r`'s cells trimmed, as its grid row is (trailing empty cells left out).
    pub(super) fn row(&self, r: usize) -> Vec<&str> {
        let mut n = self.cols.len();
        while n > 0 && {
            let c = self.cell(r, n - 1);
            if self.csv {
                c.trim().is_empty()
            } else {
                c.is_empty()
            }
        } {
            n -= 1;
        }
        (0..n).map(|c| self.cell(r, c).trim()).collect()
    }

    pub(super) fn line_of(&self, r: usize) -> usize {
        self.f.line_of(r)
    }

    pub(super) fn loc(&self, r: usize) -> Loc {
        Loc {
            file: self.f.file.clone(),
            sheet: self.f.sheet.clone(),
            row: self.line_of(r),
        }
    }
}

/// Rows a block of `row_major` (16 values of 8 bytes a row: 128 KB).
const BLOCK: usize = 1024;

/// Columns `numbers` of `cols` cast to `Float64` by polars (one cast a column), laid out row by
/// row: (values, each column's slot among a row's values, values per row). NaN where the cast read
/// no number (the cell is parsed then, `Cells::num`); a column named twice takes one slot.
///
/// Errors: a failed cast of a text column (none is expected: unread cells are nulls).
fn row_major(
    cols: &[StringChunked],
    numbers: &[usize],
) -> Result<(Vec<f64>, Vec<Option<usize>>, usize)> {
    let mut slot = vec![None; cols.len()];
    // the columns by slot
    let mut order = Vec::with_capacity(numbers.len());
    for &c in numbers {
        if c < cols.len() && slot[c].is_none() {
            slot[c] = Some(order.len());
            order.push(c);
        }
    }
    let width = order.len();
    let height = cols.first().map_or(0, |ca| ca.len());
    let mut nums = vec![f64::NAN; height * width];
    let mut casts = Vec::with_capacity(width);
    for &c in &order {
        casts.push(
            cols[c]
                .cast(&DataType::Float64)?
                .f64()?
                .rechunk()
                .into_owned(),
        );
    }
    let arrays: Vec<_> = casts
        .iter()
        .filter_map(|ca| ca.downcast_iter().next())
        .collect();
    // in blocks of rows whose values stay in the cache while each column's are written in
    for start in (0..height).step_by(BLOCK) {
        let end = (start + BLOCK).min(height);
        for (j, a) in arrays.iter().enumerate() {
            let (values, valid) = (a.values(), a.validity());
            for r in start..end.min(values.len()) {
                if valid.is_none_or(|v| v.get_bit(r)) {
                    nums[r * width + j] = values[r];
                }
            }
        }
    }
    Ok((nums, slot, width))
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::NewChunkedArray;

    /// A column of two chunks, as polars' reader may give one.
    fn chunked(name: &str, a: &[Option<&str>], b: &[Option<&str>]) -> StringChunked {
        let mut ca = StringChunked::from_slice_options(name.into(), a);
        ca.append(&StringChunked::from_slice_options(name.into(), b))
            .unwrap();
        ca
    }

    #[test]
    fn row_major_puts_each_rows_numbers_side_by_side_in_the_order_asked() {
        let n = BLOCK + 3; // rows over two blocks
        let text: Vec<String> = (0..n).map(|r| format!("{r}.5")).collect();
        let (head, tail) = text.split_at(2);
        fn opt(s: &[String]) -> Vec<Option<&str>> {
            s.iter().map(|t| Some(t.as_str())).collect()
        }
        let cols = vec![
            chunked("a", &[Some("1"), None], &vec![Some("x"); n - 2]),
            chunked("b", &opt(head), &opt(tail)),
            chunked("c", &[Some("0,5"), Some("7")], &vec![Some("-2"); n - 2]),
        ];
        // c before b, b asked twice, a column beyond the frame left out
        let (nums, slot, width) = row_major(&cols, &[2, 1, 1, 9]).unwrap();
        assert_eq!((slot, width), (vec![None, Some(1), Some(0)], 2));
        assert_eq!(nums.len(), n * 2);
        // `0,5` is no number to the cast: NaN, for `parse_num` to read
        assert!(nums[0].is_nan());
        assert_eq!(&nums[1..4], &[0.5, 7.0, 1.5]);
        for r in 2..n {
            assert_eq!(nums[r * 2], -2.0);
            assert_eq!(nums[r * 2 + 1], r as f64 + 0.5);
        }
        assert_eq!(row_major(&cols, &[]).unwrap(), (vec![], vec![None; 3], 0));
    }

    #[test]
    fn a_whole_year_is_four_digits_or_an_xlsx_number() {
        assert_eq!(whole_year(" 2023 "), Some(2023));
        assert_eq!(whole_year("2023.0"), Some(2023));
        for s in [
            "2023/24",
            "2023-2024",
            "2023,5",
            "год 2023",
            "2023.5",
            "23",
            "1999",
            "",
        ] {
            assert_eq!(whole_year(s), None, "{s}");
        }
    }
}
