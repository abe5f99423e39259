//! The number columns of a marks table: participants and the marks «2»..«5», parsed from text
//! or taken as the whole numbers polars read, each bad cell marking its row.
use super::super::table::TextFrame;
use super::super::text::parse_num;
use polars::prelude::*;

/// A number column (`text::parse_num`: spaces and NBSP, decimal comma, `%`, dashes as empty) as
/// numbers, NaN for an empty cell; a cell that is no non-negative number marks its row in `bad`.
pub(super) fn numbers(ca: &StringChunked, bad: &mut [bool]) -> Vec<f64> {
    ca.iter()
        .zip(bad.iter_mut())
        .map(|(c, b)| match parse_num(c.unwrap_or("")) {
            Ok(Some(v)) if v >= 0.0 => v,
            Ok(None) => f64::NAN,
            _ => {
                *b = true;
                f64::NAN
            }
        })
        .collect()
}

/// A number column of the rows from the header's next record on: parsed from text (NaN: empty),
/// or the whole numbers polars read (`CsvFile::typed_frame`: none null), held as read.
pub(super) enum Num {
    Parsed(Vec<f64>),
    Whole(Int32Chunked),
}

/// A number column's values (`Num`).
#[derive(Clone, Copy)]
pub(super) enum NumSlice<'a> {
    Parsed(&'a [f64]),
    Whole(&'a [i32]),
}

impl Num {
    pub(super) fn slice(&self) -> NumSlice<'_> {
        match self {
            Num::Parsed(v) => NumSlice::Parsed(v),
            Num::Whole(ca) => NumSlice::Whole(ca.cont_slice().expect("one chunk, no null")),
        }
    }
}

impl NumSlice<'_> {
    pub(super) fn at(self, r: usize) -> f64 {
        match self {
            NumSlice::Parsed(v) => v[r],
            NumSlice::Whole(v) => f64::from(v[r]),
        }
    }
}

/// The number columns: participants, the four marks; the mean score.
pub(super) struct Numbers {
    pub(super) part: Num,
    pub(super) marks: [Num; 4],
    pub(super) mean: Float64Chunked,
}

impl Numbers {
    pub(super) fn view(&self) -> NumView<'_> {
        NumView {
            part: self.part.slice(),
            marks: [0, 1, 2, 3].map(|i| self.marks[i].slice()),
        }
    }
}

/// The values of `Numbers`' participants and marks.
#[derive(Clone, Copy)]
pub(super) struct NumView<'a> {
    pub(super) part: NumSlice<'a>,
    pub(super) marks: [NumSlice<'a>; 4],
}

impl NumView<'_> {
    pub(super) fn row(&self, r: usize) -> (f64, [Option<f64>; 4]) {
        let m = |i: usize| Some(self.marks[i].at(r)).filter(|v| !v.is_nan());
        (self.part.at(r), [m(0), m(1), m(2), m(3)])
    }
}

/// Column `c` of the rows from `first` on as numbers (`numbers`): its whole numbers as read when
/// the frame holds it typed (`typed`: no null among them; a negative one marks its row in `bad`),
/// else parsed from its text.
pub(super) fn numbers_of(f: &TextFrame, c: usize, first: usize, bad: &mut [bool]) -> Num {
    match f.int_col(c, first) {
        Some(ca) if ca.null_count() == 0 => {
            let ca = ca.rechunk().into_owned();
            let v = ca.cont_slice().expect("one chunk, no null");
            for (b, &x) in bad.iter_mut().zip(v) {
                *b |= x < 0;
            }
            Num::Whole(ca)
        }
        Some(ca) => Num::Parsed(
            ca.iter()
                .zip(bad.iter_mut())
                .map(|(v, b)| match v {
                    Some(v) if v >= 0 => f64::from(v),
                    None => f64::NAN,
                    Some(_) => {
                        *b = true;
                        f64::NAN
                    }
                })
                .collect(),
        ),
        None => Num::Parsed(numbers(&f.text_col(c, first), bad)),
    }
}
