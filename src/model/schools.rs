//! The `schools` frame (`schema::schools`) and the school book it is made from.
//!
//! While loading, every loader merges what it knows of a school into the [`Book`] (one
//! `SchoolRow` per school id, under the one school-merge policy of docs/INPUTS.md,
//! `input::notes::merge`); `identity::finalize` resolves the book's ids and turns it into the
//! `Dataset::schools` frame ([`frame`]), one row per school id in ascending id order. Everything
//! after loading reads the frame; [`View`] finds one school's row in it by id.
use super::frames::{c, frame as typed, strings};
use super::schema::{self, col as k};
use super::{Kind, SchoolRow};
use anyhow::Result;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The loaders' schools by school id (the loading side; empty after `identity::finalize`).
pub type Book = BTreeMap<String, Box<SchoolRow>>;

/// The `schools` frame of `rows`, in their order (ascending school id for the model's frame).
///
/// Indicators outside `input::context::INDICATORS` (a context form's `teachers`) have no column.
/// Errors: none on rows of the declared types (a failure is a bug).
pub fn frame_of(s: &[&SchoolRow]) -> Result<DataFrame> {
    // the declared columns in two parts beside the indicators' (none reads another): in one part
    // they took ≈ 17 ms for 45 000 schools (/work/data/nat), the indicators ≈ 10 ms
    let ((mut sc, rest), indicators) = rayon::join(
        || rayon::join(|| name_columns(s), || other_declared_columns(s)),
        || indicator_columns(s),
    );
    sc.extend(rest);
    sc.extend(indicators);
    let mut df = typed(sc, &schema::schools())?;
    df.rechunk_mut();
    Ok(df)
}

/// The first columns of `schema::schools`, the school's id and names, one row per school of `s`.
fn name_columns(s: &[&SchoolRow]) -> Vec<Column> {
    vec![
        c(k::SCHOOL_ID, s, |x| x.school_id.as_str()),
        c(k::LOGIN, s, |x| x.login.as_str()),
        c(k::NAME, s, |x| x.name.as_str()),
        c(k::MUNICIPALITY, s, |x| x.municipality.as_str()),
        c(k::MUNICIPALITY_CODE, s, |x| x.municipality_code.as_str()),
    ]
}

/// The columns of `schema::schools` after `name_columns` and before the indicators, one row per
/// school of `s`.
fn other_declared_columns(s: &[&SchoolRow]) -> Vec<Column> {
    vec![
        c(k::SETTLEMENT, s, |x| x.settlement),
        c(k::KIND, s, |x| x.kind.map(|k| k.as_str())),
        c(k::OVZ_FLAG, s, |x| x.ovz_flag),
        c(k::ADVANCED_FLAG, s, |x| x.advanced_flag),
        c(k::ENROLLMENT, s, |x| x.enrollment),
        c(k::INN, s, |x| x.inn.as_deref()),
        c(k::OGRN, s, |x| x.ogrn.as_deref()),
        c(k::GIA_CODE, s, |x| x.gia_code.as_deref()),
        strings(k::SOURCES, s.iter().map(|x| x.sources.iter().map(|y| &**y))),
    ]
}

/// The `Float64` columns of `input::context::INDICATORS`, in that order: each school's indicators
/// read in one merge of its sorted list with the sorted names (`Indicators::values_at`), not one
/// search per name and school.
fn indicator_columns(s: &[&SchoolRow]) -> Vec<Column> {
    let names = crate::input::context::INDICATORS;
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_unstable_by_key(|&i| names[i].0);
    let names_sorted: Vec<&str> = order.iter().map(|&i| names[i].0).collect();
    let keys = super::Indicators::keys(&names_sorted);
    let mut cols: Vec<PrimitiveChunkedBuilder<Float64Type>> = names
        .iter()
        .map(|(name, _)| PrimitiveChunkedBuilder::new((*name).into(), s.len()))
        .collect();
    for x in s {
        for (&i, v) in order.iter().zip(x.indicators.values_at(&keys)) {
            cols[i].append_option(v);
        }
    }
    cols.into_iter().map(|b| b.finish().into_column()).collect()
}

/// The `schools` frame of a book (ascending school id).
///
/// Errors: as [`frame_of`].
pub fn frame(book: &Book) -> Result<DataFrame> {
    let rows: Vec<&SchoolRow> = book.values().map(|b| &**b).collect();
    frame_of(&rows)
}

/// A settlement as the loaders spell it (`input::context`): «город» or «село».
fn settlement(s: &str) -> Option<&'static str> {
    ["город", "село"].into_iter().find(|x| *x == s)
}

/// A kind by its `Kind::as_str` name (the `kind` column of `schema::schools`).
pub fn kind(s: &str) -> Option<Kind> {
    [
        Kind::Regular,
        Kind::Advanced,
        Kind::SmallRural,
        Kind::Ovz,
        Kind::Evening,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
}

/// One school's row of a `schools` frame found by id: the frame must be in ascending school id
/// with one row per id (as `identity::finalize` and `context_years::use_year` leave it).
#[derive(Clone, Copy)]
pub struct View<'a> {
    df: &'a DataFrame,
    ids: &'a StringChunked,
}

impl<'a> View<'a> {
    /// The view of a frame of `schema::schools()` (a frame without it is a bug: panics).
    pub fn new(df: &'a DataFrame) -> View<'a> {
        let ids = df
            .column(k::SCHOOL_ID)
            .and_then(|c| c.str())
            .expect("a frame of schema::schools");
        View { df, ids }
    }
    /// How many schools.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// The school ids, ascending.
    pub fn ids(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.ids.iter().map(|s| s.unwrap_or(""))
    }
    /// The row of a school id (binary search).
    pub fn find(&self, sid: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.ids.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.ids.get(mid).unwrap_or("").cmp(sid) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
    pub fn contains(&self, sid: &str) -> bool {
        self.find(sid).is_some()
    }
    /// The text column `name` at row `i` (null: none).
    pub fn text(&self, name: &str, i: usize) -> Option<&'a str> {
        self.df.column(name).ok()?.str().ok()?.get(i)
    }
    /// The text column `name` at row `i`, empty when null.
    fn s(&self, name: &str, i: usize) -> &'a str {
        self.text(name, i).unwrap_or("")
    }
    pub fn id(&self, i: usize) -> &'a str {
        self.ids.get(i).unwrap_or("")
    }
    pub fn login(&self, i: usize) -> &'a str {
        self.s(k::LOGIN, i)
    }
    pub fn name(&self, i: usize) -> &'a str {
        self.s(k::NAME, i)
    }
    pub fn municipality(&self, i: usize) -> &'a str {
        self.s(k::MUNICIPALITY, i)
    }
    pub fn municipality_code(&self, i: usize) -> &'a str {
        self.s(k::MUNICIPALITY_CODE, i)
    }
    /// A text column's values, row by row (null: none).
    pub fn column(&self, name: &str) -> impl Iterator<Item = Option<&'a str>> + 'a {
        self.df
            .column(name)
            .and_then(|c| c.str())
            .expect("a text column of schema::schools")
            .iter()
    }
    /// The `Float64` column `name` (an indicator, `enrollment`) at row `i` (null: none).
    pub fn number(&self, name: &str, i: usize) -> Option<f64> {
        self.df.column(name).ok()?.f64().ok()?.get(i)
    }
    /// The files that named the school at row `i`.
    pub fn sources(&self, i: usize) -> Vec<String> {
        self.df
            .column(k::SOURCES)
            .ok()
            .and_then(|c| c.list().ok()?.get_as_series(i))
            .and_then(|s| Some(s.str().ok()?.iter().flatten().map(str::to_string).collect()))
            .unwrap_or_default()
    }
    /// The school's facts as a typed row, as the loaders merged them (tests and checks; the
    /// method reads the frame's columns).
    pub fn row(&self, i: usize) -> SchoolRow {
        let f = |n: &str| self.number(n, i);
        let b = |n: &str| {
            self.df
                .column(n)
                .ok()
                .and_then(|c| c.bool().ok()?.get(i))
                .unwrap_or(false)
        };
        let o = |n: &str| self.text(n, i).map(str::to_string);
        let sources = self.sources(i).into_iter().map(super::Sym::from).collect();
        SchoolRow {
            school_id: self.id(i).to_string(),
            login: self.login(i).to_string(),
            name: self.name(i).to_string(),
            municipality: self.municipality(i).to_string(),
            municipality_code: self.municipality_code(i).to_string(),
            settlement: self.text(k::SETTLEMENT, i).and_then(settlement),
            kind: self.text(k::KIND, i).and_then(kind),
            ovz_flag: b(k::OVZ_FLAG),
            advanced_flag: b(k::ADVANCED_FLAG),
            enrollment: f(k::ENROLLMENT),
            inn: o(k::INN),
            ogrn: o(k::OGRN),
            gia_code: o(k::GIA_CODE),
            indicators: crate::input::context::INDICATORS
                .iter()
                .filter_map(|(n, _)| Some((*n, f(n)?)))
                .collect(),
            sources,
            ..Default::default()
        }
    }
    /// [`View::row`] of a school id.
    pub fn get(&self, sid: &str) -> Option<SchoolRow> {
        self.find(sid).map(|i| self.row(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_comes_back_from_the_frame_as_it_went_in() {
        let a = SchoolRow {
            school_id: "edu220001".into(),
            login: "edu220001".into(),
            name: "СОШ № 1".into(),
            municipality: "Алейск".into(),
            municipality_code: "101".into(),
            settlement: Some("село"),
            kind: Some(Kind::SmallRural),
            ovz_flag: true,
            enrollment: Some(40.0),
            gia_code: Some("1001".into()),
            indicators: [("low_income", 0.25)].into_iter().collect(),
            sources: vec!["r.csv".into()],
            ..Default::default()
        };
        let b = SchoolRow {
            school_id: "edu220002".into(),
            ..Default::default()
        };
        let book: Book = [
            (a.school_id.clone(), Box::new(a.clone())),
            (b.school_id.clone(), Box::new(b)),
        ]
        .into_iter()
        .collect();
        let df = frame(&book).unwrap();
        schema::check("schools", &df, &schema::schools()).unwrap();
        let v = View::new(&df);
        assert_eq!(
            (v.len(), v.find("edu220002"), v.find("edu2")),
            (2, Some(1), None)
        );
        let r = v.get("edu220001").unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::to_value(&a).unwrap()
        );
        assert_eq!(v.municipality_code(0), "101");
        assert_eq!(v.get("edu220002").unwrap().indicators, Default::default());
    }
}
