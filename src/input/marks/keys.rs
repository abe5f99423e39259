//! The key columns of a marks table (year, grade, subject, assessment, municipality, login,
//! name), each distinct cell decoded once (a school's login, name and municipality repeat in
//! every year of a national table: one value each, not one per run of rows) and the columns side
//! by side with rayon.
use super::super::flat::{assessment_cell, grade_cell, is_aggregate_row, keys};
use super::super::header::Header;
use super::super::runs::Runs;
use super::super::table::TextFrame;
use super::super::text::{school_id, split_code_name, subject};
use super::super::{cells, Meta};
use polars::prelude::Int32Chunked;

/// The typed key columns of a marks table (`flat::keys`), each row's value or None when its cell
/// does not parse (the row walker then names the error).
pub(super) struct KeyCols {
    pub(super) year: Runs<Option<i32>>,
    pub(super) grade: Runs<Option<i32>>,
    /// The year and grade columns as polars read them, when it read them as whole numbers with
    /// none null (`typed`): the `results` frame of every row takes them as they are.
    pub(super) year_read: Option<Int32Chunked>,
    pub(super) grade_read: Option<Int32Chunked>,
    pub(super) subject: Runs<Option<String>>,
    pub(super) assessment: Runs<Option<String>>,
    /// The trimmed cell and its name part (a `code | name` cell's name).
    pub(super) municipality: Runs<(String, String)>,
    /// The login and the school id.
    pub(super) login: Runs<(String, String)>,
    pub(super) name: Runs<String>,
}

/// The key columns of the rows from the header's next record on, each decoded on its own (the
/// columns side by side with rayon: the file's read is done, and one core would do them in turn).
pub(super) fn key_cols(f: &TextFrame, h: &Header, first: usize, meta: &Meta) -> KeyCols {
    use rayon::join;
    let n = f.height().saturating_sub(first);
    let kk = keys(h);
    let text = |c: usize| f.text_col(c, first);
    let or_meta = |v: &str| (!v.is_empty()).then(|| v.to_string());
    // a year or grade column polars read as whole numbers (`typed`: every one a year 2000–2099 or a
    // grade 1–11, as `year_cell` and `grade_cell` read its text) is taken as read
    let read = |c: Option<usize>| {
        c.and_then(|c| f.int_col(c, first))
            .filter(|ca| ca.null_count() == 0)
    };
    // one read with none null: its distinct numbers only (`KeyCols::index_ints` adds each row's)
    let ints = |ca: Int32Chunked| match ca.null_count() {
        0 => distinct_ints(&ca),
        _ => Runs::of_ints(&ca),
    };
    let year = || match kk.year {
        Some(c) => match f.int_col(c, first) {
            Some(ca) => ints(ca),
            None => Runs::of(&text(c), cells::year_cell),
        },
        None => Runs::constant((meta.year > 0).then_some(meta.year), n),
    };
    let grade = || match kk.grade {
        Some(c) => match f.int_col(c, first) {
            Some(ca) => ints(ca),
            None => Runs::distinct(&text(c), grade_cell),
        },
        None => Runs::constant(Some(meta.grade), n),
    };
    let subject = || match kk.subject {
        Some(c) => Runs::distinct(&text(c), subject),
        None => Runs::constant(or_meta(&meta.subject), n),
    };
    let assessment = || match kk.assessment {
        Some(c) => Runs::distinct(&text(c), |s| {
            assessment_cell(s).or_else(|| or_meta(&meta.assessment))
        }),
        None => Runs::constant(or_meta(&meta.assessment), n),
    };
    let municipality = || match kk.municipality {
        Some(c) => Runs::distinct(&text(c), |s| {
            let raw = s.trim().to_string();
            let name = split_code_name(&raw).1;
            (raw, name)
        }),
        None => Runs::constant(Default::default(), n),
    };
    let login = || {
        Runs::distinct(&text(kk.login), |s| {
            let (code, name0) = split_code_name(s);
            let login = code.unwrap_or(name0);
            let sid = school_id(&login);
            (login, sid)
        })
    };
    let name = || match kk.name {
        Some(c) => Runs::distinct(&text(c), |s| split_code_name(s).1),
        None => Runs::constant(String::new(), n),
    };
    let (((year, grade), (subject, assessment)), ((municipality, login), name)) = join(
        || join(|| join(year, grade), || join(subject, assessment)),
        || join(|| join(municipality, login), name),
    );
    KeyCols {
        year,
        grade,
        year_read: read(kk.year),
        grade_read: read(kk.grade),
        subject,
        assessment,
        municipality,
        login,
        name,
    }
}

/// The distinct numbers of a column of whole numbers with none null, in the order first met, as
/// runs without each row's index (`KeyCols::index_ints`): a year or grade column read by polars
/// (`typed`: at most 100 years or 11 grades), looked up once per run of equal numbers.
fn distinct_ints(ca: &Int32Chunked) -> Runs<Option<i32>> {
    let mut values = Vec::new();
    let mut last = None;
    for arr in ca.downcast_iter() {
        for &v in arr.values().iter() {
            if last != Some(v) {
                last = Some(v);
                if !values.contains(&Some(v)) {
                    values.push(Some(v));
                }
            }
        }
    }
    Runs {
        values,
        idx: Vec::new(),
    }
}

impl KeyCols {
    /// Row `r`'s year (0 when it has none): from the year runs' row index when they keep one, else
    /// from the year column as polars read it (`typed`), else the one year of every row.
    pub(super) fn year_of(&self, r: usize) -> i32 {
        if !self.year.idx.is_empty() {
            return self.year.get(r).unwrap_or(0);
        }
        match (&self.year_read, self.year.values.as_slice()) {
            (Some(ca), _) => ca.get(r).unwrap_or(0),
            (None, [one]) => one.unwrap_or(0),
            _ => 0,
        }
    }

    /// Each row's index of the year and grade read as whole numbers (`distinct_ints` leaves it
    /// out: a table whose every row is a school row of counts reads no row's key).
    pub(super) fn index_ints(&mut self) {
        for (runs, read) in [
            (&mut self.year, &self.year_read),
            (&mut self.grade, &self.grade_read),
        ] {
            if let Some(ca) = read.as_ref().filter(|ca| runs.idx.len() != ca.len()) {
                *runs = Runs::of_ints(ca);
            }
        }
    }

    /// Every row is a school row (`school_row` of each): each value of every key parses and each
    /// login value looks like a login (so that no row is an aggregate or lacks its login).
    pub(super) fn every_school_row(&self) -> bool {
        use super::super::text::looks_like_login;
        self.year.values.iter().all(Option::is_some)
            && self.grade.values.iter().all(Option::is_some)
            && self.subject.values.iter().all(Option::is_some)
            && self.assessment.values.iter().all(Option::is_some)
            && self.login.values.iter().all(|(l, _)| looks_like_login(l))
    }

    /// Row `r` is a plain school row as far as its keys go: every key parses, it is no aggregate
    /// row and names its login.
    pub(super) fn school_row(&self, r: usize) -> bool {
        let (login, _) = self.login.get(r);
        self.year.get(r).is_some()
            && self.grade.get(r).is_some()
            && self.subject.get(r).is_some()
            && self.assessment.get(r).is_some()
            && !login.is_empty()
            && !is_aggregate_row(login, self.name.get(r), &self.municipality.get(r).1)
    }
}

/// Column `name` of the rows `good` of a key (`Runs::gather`), or, for a key of one value (given
/// once by the file, or the same in every row), that value as a scalar column.
pub(super) fn one_or_gather<'a, T>(
    runs: &'a Runs<T>,
    name: &str,
    good: &[usize],
    pick: impl Fn(&'a T) -> &'a str,
) -> polars::prelude::PolarsResult<polars::prelude::Column> {
    match runs.values.as_slice() {
        [one] => {
            let v = polars::prelude::Scalar::new(
                polars::prelude::DataType::String,
                polars::prelude::AnyValue::StringOwned(pick(one).into()),
            );
            Ok(polars::prelude::Column::new_scalar(
                name.into(),
                v,
                good.len(),
            ))
        }
        _ => runs.gather(name, good, pick),
    }
}
