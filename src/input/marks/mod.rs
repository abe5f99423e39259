//! Flat marks tables (family C) as column operations on the text frame: each key and number
//! column is parsed once into a typed column, the unit of the marks is decided once per file,
//! and the school rows become the `results` frame directly. The few other rows — aggregates
//! (вся выборка / регион / муниципалитет), bad cells, truncated records, marks that do not fit
//! the file's unit — go through the row walker `flat::load_marks`, which keeps the aggregates
//! apart and reports each bad row with file, row and column.
use super::flat::{keys, mark_columns, mark_counts, MarkUnit, MarksState};
use super::header::{self, Header};
use super::report::InputReport;
use super::table::TextFrame;
use super::text::parse_num;
use super::{Meta, Opts};
use crate::model::schema::col as k;
use crate::model::warning::WarningCode;
use crate::model::{count, line_no, Count, Dataset};
use anyhow::Result;
use polars::prelude::*;

mod checks;
mod keys;
mod noted;
mod numbers;
mod unit;
pub(super) use checks::add_participants;
use checks::{frame_participants, note_contradicting_percents, year_column_differs};
use keys::{key_cols, one_or_gather, KeyCols};
use noted::note_rows;
use numbers::*;
use unit::{unit_of, PERCENT_FORMATTED};

/// Load a flat marks table from its text frame: the school rows as one `results` frame in
/// `ds.result_parts`, the other rows through `flat::load_marks`. The text frame is dropped once
/// every column is parsed and the other rows' cells are taken, before the `results` frame is made.
///
/// Errors (data, unless `--lenient` skips the row with a counted warning): a bad cell, a
/// truncated record, marks that do not fit the file's unit — each naming file, row and column.
pub fn load(
    f: TextFrame,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let p = parse(&f, h, meta)?;
    note_contradicting_percents(&f, h, rep);
    finish(f, p, h, meta, opts, ds, rep)
}

/// Load a flat marks table from a CSV: from its frame with the participants and marks read by
/// polars as whole numbers (`CsvFile::typed_frame`) when every data cell of theirs is one and
/// every row is a school row that fits the file's unit; else, as `load`, from its text frame
/// (the row walker then quotes the cells as the file writes them).
///
/// Errors: as `load`.
pub fn load_csv(
    file: super::csv_file::CsvFile,
    head: &super::table::Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    if let Some(mut f) = typed(&file, h, head)? {
        crate::timing("  marks: typed frame read");
        let cols = columns(&f, h, meta)?;
        note_contradicting_percents(&f, h, rep);
        crate::timing("  marks: columns");
        // every cell the loader reads is in `cols`: the frame's columns are freed before the rows
        // are sorted and the `results` frame is built (a text fallback reads the file again)
        f.drop_cells();
        let p = sort_rows(cols, h, |r| f.line_of(r));
        crate::timing("  marks: rows sorted");
        if p.rest.is_empty() {
            return finish(f, p, h, meta, opts, ds, rep);
        }
    }
    let f = file.into_frame()?;
    // the whole file tells its encoding (its start may read as UTF-8)
    rep.encoding = Some(f.encoding.to_string());
    load(f, h, meta, opts, ds, rep)
}

/// The frame of a header-first marks CSV with its participants and marks as `Int32`, when none of
/// their data cells is null (empty, or no whole number: see `CsvFile::typed_frame`); its year and
/// grade columns too when the first records (`head`, detection's grid) hold plain whole years and
/// grades, and then only when every one of them is a year 2000–2099 and a grade 1–11 (else the
/// text way reads the file again, as for a count that is no whole number).
fn typed(
    file: &super::csv_file::CsvFile,
    h: &Header,
    head: &super::table::Grid,
) -> Result<Option<TextFrame>> {
    let (Some(cp), Some(cm)) = (h.find(header::PARTICIPANTS), mark_columns(h)) else {
        return Ok(None);
    };
    let kk = keys(h);
    let key = [
        kk.year,
        kk.grade,
        kk.subject,
        kk.assessment,
        kk.municipality,
        Some(kk.login),
        kk.name,
    ];
    let nums: Vec<usize> = std::iter::once(cp).chain(cm).collect();
    if nums.iter().any(|c| key.contains(&Some(*c))) {
        return Ok(None);
    }
    let year_range = 2000..2100;
    let grade_range = 1..12;
    // (column, the whole numbers it may hold)
    let whole: Vec<(usize, std::ops::Range<i32>)> =
        [(kk.year, year_range), (kk.grade, grade_range)]
            .into_iter()
            .filter_map(|(c, range)| Some((c?, range)))
            .filter(|(c, range)| plain_in(head, h.row + 1, *c, range))
            .collect();
    if whole.len() == 2 && whole[0].0 == whole[1].0 {
        return Ok(None);
    }
    let ints: Vec<usize> = nums
        .iter()
        .copied()
        .chain(whole.iter().map(|w| w.0))
        .collect();
    let first = h.row + 1;
    let Some(f) = file.typed_frame(&ints, first)? else {
        return Ok(None);
    };
    let n = f.height().saturating_sub(first);
    let column = |c: usize| {
        f.int_col(c, first)
            .filter(|ca| ca.len() == n && ca.null_count() == 0)
    };
    let filled = nums.iter().all(|&c| column(c).is_some());
    let in_range = whole.iter().all(|(c, range)| {
        column(*c).is_some_and(|ca| {
            let (lo, hi) = (ca.min(), ca.max());
            n == 0
                || lo
                    .zip(hi)
                    .is_some_and(|(lo, hi)| range.contains(&lo) && range.contains(&hi))
        })
    });
    Ok((filled && in_range).then_some(f))
}

/// Every cell of column `c` in the rows of `g` from `first` on is a plain whole number (ASCII
/// digits) in `range`.
fn plain_in(g: &super::table::Grid, first: usize, c: usize, range: &std::ops::Range<i32>) -> bool {
    (first..g.rows.len()).all(|r| {
        let t = g.cell(r, c);
        !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_digit())
            && t.parse::<i32>().is_ok_and(|v| range.contains(&v))
    })
}

/// A marks table's columns parsed: the school rows that fit the file's unit and the other rows.
struct Parsed {
    keys: KeyCols,
    nums: Numbers,
    st: MarksState,
    /// The rows (from the header's next record) that become `results`, with their counts (None:
    /// every row, its counts the marks as read, none reconstructed — `every_row_counts`).
    good: Vec<usize>,
    counts: Option<Vec<([Count; 4], bool)>>,
    /// Every other non-blank row, as records of the frame, in file order.
    rest: Vec<usize>,
}

/// Parse the key and number columns of a marks table's frame and sort its rows (`Parsed`).
///
/// Errors (data): the header lacks the participants or a mark column.
fn parse(f: &TextFrame, h: &Header, meta: &Meta) -> Result<Parsed> {
    let cols = columns(f, h, meta)?;
    Ok(sort_rows(cols, h, |r| f.line_of(r)))
}

/// The cells of a marks table's frame that the loader reads, parsed (`parse`'s first step: after
/// it the frame's columns are no longer read).
struct Columns {
    keys: KeyCols,
    nums: Numbers,
    cm: [usize; 4],
    /// Rows with no text, and rows with a bad number cell or a truncated / too wide record.
    blank: Vec<bool>,
    bad: Vec<bool>,
}

/// Parse the key and number columns of a marks table's frame (`Columns`).
///
/// Errors (data): the header lacks the participants or a mark column.
fn columns(f: &TextFrame, h: &Header, meta: &Meta) -> Result<Columns> {
    let first = h.row + 1;
    let n = f.height().saturating_sub(first);
    // a table whose assessment nothing tells is the file's error, not each row's (`--lenient`
    // would skip every row of it)
    if n > 0 && keys(h).assessment.is_none() && meta.assessment.is_empty() {
        let loc = crate::error::Loc {
            file: f.file.clone(),
            sheet: f.sheet.clone(),
            row: f.line_of(first),
        };
        return Err(super::cells::no_assessment(&loc, None, true));
    }
    let (Some(cp), Some(cm)) = (h.find(header::PARTICIPANTS), mark_columns(h)) else {
        return Err(crate::error::data(format!(
            "{}: a marks table needs a participants column and the columns «2»..«5»",
            f.file
        )));
    };
    let text = |c: usize| f.text_col(c, first);
    let (blank, mut bad) = blank_and_truncated(f, h, first, n);
    crate::timing("  marks: blank");
    let keys = key_cols(f, h, first, meta);
    crate::timing("  marks: keys");
    let nums = Numbers {
        part: numbers_of(f, cp, first, &mut bad),
        marks: cm.map(|c| numbers_of(f, c, first, &mut bad)),
        mean: match h.find(&["средний балл", "mean_score"]) {
            // a cell that is no non-negative number marks its row: the row walker names it
            Some(c) => text(c)
                .iter()
                .zip(bad.iter_mut())
                .map(|(v, b)| match parse_num(v.unwrap_or("")) {
                    Ok(Some(x)) if x >= 0.0 => Some(x),
                    Ok(None) => None,
                    _ => {
                        *b = true;
                        None
                    }
                })
                .collect(),
            None => Float64Chunked::full_null("".into(), n),
        },
    };
    Ok(Columns {
        keys,
        nums,
        cm,
        blank,
        bad,
    })
}

/// Sort a marks table's rows (`parse`'s second step): the school rows that fit the file's unit
/// and the other rows. `line_of`: the file line of a record of the frame.
fn sort_rows(c: Columns, h: &Header, line_of: impl Fn(usize) -> usize) -> Parsed {
    let Columns {
        mut keys,
        nums,
        cm,
        blank,
        bad,
    } = c;
    let first = h.row + 1;
    let n = blank.len();
    if every_row_counts(&keys, &nums, &cm, &blank, &bad, h) {
        let unit = MarkUnit::Counts;
        let why = format!("every school row holds {}", unit.name());
        return Parsed {
            keys,
            nums,
            st: MarksState {
                unit: Some((unit, why)),
                ..Default::default()
            },
            good: (0..n).collect(),
            counts: None,
            rest: Vec::new(),
        };
    }
    // school rows: keys parse, whole participants, marks parse
    keys.index_ints();
    let v = nums.view();
    let school: Vec<usize> = (0..n)
        .filter(|&r| !blank[r] && !bad[r] && keys.school_row(r) && count(v.part.at(r)).is_some())
        .collect();
    let st = MarksState {
        unit: unit_of(h, &cm, &school, v, |r| line_of(first + r)),
        ..Default::default()
    };
    let mut good = Vec::with_capacity(school.len());
    let mut counts: Vec<([Count; 4], bool)> = Vec::with_capacity(school.len());
    for &r in &school {
        let (part, vals) = v.row(r);
        if let Some(c) = st
            .unit
            .as_ref()
            .and_then(|(u, _)| mark_counts(part, vals, *u))
        {
            good.push(r);
            counts.push(c);
        }
    }
    // every other non-blank row, in file order, through the row walker (after the school rows)
    let mut is_good = vec![false; n];
    for &r in &good {
        is_good[r] = true;
    }
    let rest: Vec<usize> = (0..n)
        .filter(|&r| !blank[r] && !is_good[r])
        .map(|r| first + r)
        .collect();
    Parsed {
        keys,
        nums,
        st,
        good,
        counts: Some(counts),
        rest,
    }
}

/// Every row of a marks table is a school row whose whole participants and marks, as polars read
/// them, are the counts (`sort_rows`' general way would find each row a school row fitting counts,
/// the unit every school row holds): no blank or bad row, every key parses (`KeyCols::
/// every_school_row`), the header says no %, and each row's «2»..«5» add up to its participants.
fn every_row_counts(
    keys: &KeyCols,
    nums: &Numbers,
    cm: &[usize; 4],
    blank: &[bool],
    bad: &[bool],
    h: &Header,
) -> bool {
    let v = nums.view();
    let whole = |x| match x {
        NumSlice::Whole(s) => Some(s),
        NumSlice::Parsed(_) => None,
    };
    let (Some(part), [Some(m2), Some(m3), Some(m4), Some(m5)]) =
        (whole(v.part), v.marks.map(whole))
    else {
        return false;
    };
    !part.is_empty()
        && !blank.iter().chain(bad).any(|&b| b)
        && !cm.iter().any(|&c| h.is_percent(c))
        && keys.every_school_row()
        && (0..part.len()).all(|r| {
            let sum = [m2[r], m3[r], m4[r], m5[r]].map(i64::from);
            sum.iter().sum::<i64>() == i64::from(part[r])
        })
}

/// The parsed rows into `ds`: the school rows as a `results` frame, the other rows through the
/// row walker; the frame is dropped once the other rows' cells are taken.
fn finish(
    f: TextFrame,
    p: Parsed,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let first = h.row + 1;
    let Parsed {
        keys,
        nums,
        mut st,
        good,
        counts,
        rest,
    } = p;
    if st
        .unit
        .as_ref()
        .is_some_and(|(_, why)| why == PERCENT_FORMATTED)
    {
        rep.warnings.add(
            WarningCode::PercentFormattedShares,
            format!("{}: «2»..«5»", f.file),
        );
    }
    if let Some(w) = year_column_differs(h, &keys, meta, opts) {
        rep.warnings.add(WarningCode::YearColumnDiffers, w);
    }
    let rest = (!rest.is_empty()).then(|| f.rows_grid(&rest));
    let lines: Vec<u32> = good
        .iter()
        .map(|&r| line_no(f.line_of(first + r)))
        .collect();
    let file = f.place();
    drop(f);
    // the rows noted and the `results` frame built side by side: both only read the columns (the
    // lines, which the notes read, are the frame's last column, added after)
    let (_, frame) = rayon::join(
        || {
            note_rows(&lines, &keys, &good, counts.as_deref(), ds, rep, &mut st);
            crate::timing("  marks: noted");
        },
        || results(&file, &keys, &nums, &good, counts.as_deref()),
    );
    let mut frame = frame?;
    frame.with_column(Column::new(k::LINE.into(), lines))?;
    add_participants(rep, frame_participants(&frame));
    ds.result_parts.push(frame);
    crate::timing("  marks: results frame");
    if let Some(mut g) = rest {
        super::drop_truncated(&mut g, h, 0, opts, rep)?;
        super::flat::load_marks(&g, h, 0, meta, opts, ds, rep, &mut st)?;
    }
    rep.years = st.years.iter().copied().collect();
    rep.schools = st.schools.len();
    Ok(())
}

/// Rows with no text in any cell, and rows of records with fewer fields than the header or a
/// value beyond its last column (CSV): the row walker names their error.
fn blank_and_truncated(
    f: &TextFrame,
    h: &Header,
    first: usize,
    n: usize,
) -> (Vec<bool>, Vec<bool>) {
    // a column of whole numbers read with none null (`typed`): no row is blank
    let filled = (0..f.width()).any(|c| f.int_col(c, first).is_some_and(|ca| ca.null_count() == 0));
    let mut blank = vec![!filled; n];
    for c in (0..f.width()).filter(|_| !filled) {
        if let Some(ca) = f.int_col(c, first) {
            for (b, v) in blank.iter_mut().zip(ca.iter()) {
                *b &= v.is_none();
            }
            continue;
        }
        for (b, v) in blank.iter_mut().zip(f.text_col(c, first).iter()) {
            if v.is_some_and(|s| !s.trim().is_empty()) {
                *b = false;
            }
        }
    }
    let width = h.raw.len();
    let mut bad: Vec<bool> = (0..n)
        .map(|r| !blank[r] && f.fields_of(first + r).is_some_and(|x| (x as usize) < width))
        .collect();
    for (b, w) in bad.iter_mut().zip(f.has_value_beyond(width, first)) {
        *b |= w;
    }
    (blank, bad)
}

/// The `results` frame (`schema::results`) of the good rows of `file` but its last column, the
/// rows' lines (`counts`: as `Parsed`'s). A column of one value (the file's source, a key the file
/// gives once, a mean score it has not) is a scalar column, not a value per row.
fn results(
    file: &str,
    keys: &KeyCols,
    nums: &Numbers,
    good: &[usize],
    counts: Option<&[([Count; 4], bool)]>,
) -> Result<DataFrame> {
    let int = |name: &str, v: Vec<i32>| Column::new(name.into(), v);
    // every row good and no count reconstructed: the whole numbers as read are the counts
    let as_read = counts.is_none_or(|c| good.len() == nums.mean.len() && c.iter().all(|c| !c.1));
    let counts = counts.unwrap_or_default();
    let whole = |x: &Num, name: &str| match x {
        Num::Whole(ca) if as_read => Some(ca.clone().with_name(name.into()).into_column()),
        _ => None,
    };
    let v = nums.view();
    let each =
        |pick: &dyn Fn(usize) -> i32| -> Vec<i32> { good.iter().map(|&r| pick(r)).collect() };
    let mark = |i: usize, name: &str| {
        whole(&nums.marks[i], name)
            .unwrap_or_else(|| int(name, counts.iter().map(|c| c.0[i]).collect()))
    };
    let len = good.len();
    let mean = if nums.mean.null_count() == nums.mean.len() {
        Column::full_null(k::MEAN_SCORE.into(), len, &DataType::Float64)
    } else {
        let idx: IdxCa = good.iter().map(|&r| r as IdxSize).collect_ca("".into());
        nums.mean
            .take(&idx)?
            .with_name(k::MEAN_SCORE.into())
            .into_column()
    };
    let reconstructed = match counts.is_empty() {
        true => BooleanChunked::full(k::RECONSTRUCTED.into(), false, len),
        false => counts
            .iter()
            .map(|c| c.1)
            .collect_ca(k::RECONSTRUCTED.into()),
    };
    let text = |v: &str| Scalar::new(DataType::String, AnyValue::StringOwned(v.into()));
    // a year or grade column read as whole numbers, of every row: taken as read
    let every_row = good.len() == nums.mean.len();
    let taken = |ca: &Option<Int32Chunked>, name: &str| {
        ca.as_ref()
            .filter(|_| every_row)
            .map(|ca| ca.clone().with_name(name.into()).into_column())
    };
    let cols = vec![
        taken(&keys.year_read, k::YEAR)
            .unwrap_or_else(|| int(k::YEAR, each(&|r| keys.year.get(r).unwrap_or(0)))),
        keys.login.gather(k::SCHOOL_ID, good, |v| v.1.as_str())?,
        keys.municipality
            .gather(k::MUNICIPALITY, good, |v| v.1.as_str())?,
        one_or_gather(&keys.assessment, k::ASSESSMENT, good, |v| {
            v.as_deref().unwrap_or("")
        })?,
        one_or_gather(&keys.subject, k::SUBJECT, good, |v| {
            v.as_deref().unwrap_or("")
        })?,
        taken(&keys.grade_read, k::GRADE)
            .unwrap_or_else(|| int(k::GRADE, each(&|r| keys.grade.get(r).unwrap_or(0)))),
        whole(&nums.part, k::PARTICIPANTS)
            .unwrap_or_else(|| int(k::PARTICIPANTS, each(&|r| count(v.part.at(r)).unwrap_or(0)))),
        mark(0, k::N2),
        mark(1, k::N3),
        mark(2, k::N4),
        mark(3, k::N5),
        reconstructed.into_column(),
        mean,
        mark(3, k::HIGH),
        Column::full_null(k::HIGH2.into(), len, &DataType::Int32),
        Column::new_scalar(k::SOURCE.into(), text(file), len),
    ];
    Ok(DataFrame::new_infer_height(cols)?)
}
