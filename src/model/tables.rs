//! The canonical frames other than `results`, `schools` and `risk_profiles` (`journal`, `markers`,
//! `histograms`, `mark_scores`, `reference`, `boundaries`, `maxima`): the column builders that the
//! row-walking loaders fill (`Pending`, turned into frames of `schema` at each sheet's end by
//! `Dataset::flush_rows`), and the model's row order of each frame (`finish`, at the end of every
//! load).
use super::schema::{self, col as k};
use super::Dataset;
use crate::input::report::Warnings;
use crate::model::warning::WarningCode;
use anyhow::Result;
use polars::prelude::*;

/// `df`'s columns of schema `s`, in its order and with its dtypes (extra columns dropped).
///
/// Errors: a column of `s` is missing or cannot be cast (a bug).
pub fn shaped(df: LazyFrame, s: &Schema) -> Result<DataFrame> {
    let cols: Vec<Expr> = s
        .iter()
        .map(|(n, t)| col(n.clone()).cast(t.clone()))
        .collect();
    Ok(df.select(cols).collect()?)
}

/// `part` appended to `whole` (both of schema `s`); an empty part is skipped.
///
/// Errors: the part's columns differ from the schema's (a bug).
pub fn append(whole: &mut DataFrame, part: DataFrame, s: &Schema) -> Result<()> {
    if part.height() > 0 {
        whole.vstack_mut_owned(shaped(part.lazy(), s)?)?;
    }
    Ok(())
}

/// The (year, school, subject, grade) groups of `histograms` / `mark_scores` that a second source
/// gave again (a protocol loaded twice, a protocol beside its ФИС ОКО «Гистограмма первичных
/// баллов» report): left out, the first loaded kept, counted for a warning at `finish`.
#[derive(Debug, Clone, Default)]
pub struct RepeatedGroups {
    pub count: usize,
    /// The first group left out: «год логин предмет класс».
    pub example: Option<String>,
}

/// The keys of one school's procedure in `histograms` and `mark_scores`.
const GROUP: [&str; 4] = [k::YEAR, k::SCHOOL_ID, k::SUBJECT, k::GRADE];

/// `part` (one source's rows of schema `s`, which has the columns of `GROUP`) appended to `whole`
/// without the (year, school, subject, grade) groups `whole` holds already: those are counted in
/// `repeated`. Pupils of one school's procedure come from one source; adding a second copy
/// counted them twice (fresh-eyes run 7, F1).
///
/// Errors: the part's columns differ from the schema's (a bug).
pub fn append_once(
    whole: &mut DataFrame,
    part: DataFrame,
    s: &Schema,
    repeated: &mut RepeatedGroups,
) -> Result<()> {
    if part.height() == 0 || whole.height() == 0 {
        return append(whole, part, s);
    }
    let keys: Vec<Expr> = GROUP.iter().map(|c| col(*c)).collect();
    let seen = whole
        .clone()
        .lazy()
        .select(keys.clone())
        .unique(None, UniqueKeepStrategy::Any)
        .with_column(lit(true).alias("seen"));
    let joined = part
        .lazy()
        .join(seen, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .collect()?;
    let seen = joined.column("seen")?.is_not_null();
    let dropped = joined.filter(&seen)?.select(GROUP)?.unique_stable(
        None,
        UniqueKeepStrategy::First,
        None,
    )?;
    if dropped.height() > 0 {
        repeated.count += dropped.height();
        if repeated.example.is_none() {
            let row = dropped.get_row(0)?;
            let cells: Vec<String> = row
                .0
                .iter()
                .map(|v| v.to_string().replace('"', ""))
                .collect();
            repeated.example = Some(cells.join(" "));
        }
    }
    append(whole, joined.filter(&!seen)?, s)
}

/// A column builder per frame: `push` takes one row's values in the schema's column order,
/// `frame` gives the rows pushed so far as a frame of the schema and starts again.
macro_rules! builder {
    ($(#[$doc:meta])* $name:ident => $schema:ident { $($field:ident: $ty:ty = $col:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default)]
        pub struct $name {
            len: usize,
            $($field: Vec<$ty>),*
        }
        impl $name {
            /// One row, in the schema's column order.
            #[allow(clippy::too_many_arguments)]
            pub fn push(&mut self, $($field: $ty),*) {
                self.len += 1;
                $(self.$field.push($field);)*
            }
            pub fn len(&self) -> usize {
                self.len
            }
            pub fn is_empty(&self) -> bool {
                self.len == 0
            }
            /// The rows pushed since the last call, as a frame of the schema.
            ///
            /// Errors: none on values of the declared types (a failure is a bug).
            pub fn frame(&mut self) -> Result<DataFrame> {
                let s = schema::$schema();
                if self.is_empty() {
                    return Ok(schema::empty(&s));
                }
                self.len = 0;
                let df = DataFrame::new_infer_height(vec![
                    $(Series::new(k::$col.into(), std::mem::take(&mut self.$field)).into_column()),*
                ])?;
                shaped(df.lazy(), &s)
            }
        }
    };
}

builder!(
    /// Rows of `journal` (`schema::journal`).
    JournalCols => journal {
        year: i32 = YEAR,
        school_id: String = SCHOOL_ID,
        subject: String = SUBJECT,
        grade: i32 = GRADE,
        lowered: i64 = LOWERED,
        confirmed: i64 = CONFIRMED,
        raised: i64 = RAISED,
    }
);

builder!(
    /// Rows of `markers` (`schema::markers`); `procedures` is a `String` series of the row's
    /// procedure captions.
    MarkerCols => markers {
        year: i32 = YEAR,
        school_id: String = SCHOOL_ID,
        procedures: Series = PROCEDURES,
        count: i64 = COUNT,
    }
);

builder!(
    /// Rows of `histograms` (`schema::histograms`).
    HistCols => histograms {
        year: i32 = YEAR,
        school_id: String = SCHOOL_ID,
        subject: String = SUBJECT,
        grade: i32 = GRADE,
        score: i32 = SCORE,
        count: i64 = COUNT,
    }
);

builder!(
    /// Rows of `mark_scores` (`schema::mark_scores`).
    MarkScoreCols => mark_scores {
        year: i32 = YEAR,
        school_id: String = SCHOOL_ID,
        subject: String = SUBJECT,
        grade: i32 = GRADE,
        school_mark: i32 = SCHOOL_MARK,
        score: i32 = SCORE,
        count: i64 = COUNT,
    }
);

builder!(
    /// Rows of `reference` (`schema::reference`): shares `p2`..`p5` as fractions.
    ReferenceCols => reference {
        year: i32 = YEAR,
        level: String = LEVEL,
        name: String = NAME,
        assessment: String = ASSESSMENT,
        subject: String = SUBJECT,
        grade: i32 = GRADE,
        participants: Option<i64> = PARTICIPANTS,
        p2: Option<f64> = P2,
        p3: Option<f64> = P3,
        p4: Option<f64> = P4,
        p5: Option<f64> = P5,
        n2: Option<i64> = N2,
        high: Option<i64> = HIGH,
        mean_score: Option<f64> = MEAN_SCORE,
    }
);

builder!(
    /// Rows of `boundaries` (`schema::boundaries`); a later row for one procedure replaces an
    /// earlier one.
    BoundaryCols => boundaries {
        year: i32 = YEAR,
        subject: String = SUBJECT,
        grade: i32 = GRADE,
        min3: i32 = MIN3,
    }
);

builder!(
    /// Rows of `maxima` (`schema::maxima`); a later row for one procedure replaces an earlier one.
    MaximumCols => maxima {
        year: i32 = YEAR,
        subject: String = SUBJECT,
        grade: i32 = GRADE,
        max_score: i32 = MAX_SCORE,
    }
);

/// The rows a loader pushed during the sheet it reads, until `flush` appends them to the
/// dataset's frames.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    pub journal: JournalCols,
    pub markers: MarkerCols,
    pub histograms: HistCols,
    pub mark_scores: MarkScoreCols,
    pub reference: ReferenceCols,
    pub boundaries: BoundaryCols,
    pub maxima: MaximumCols,
}

/// The frames of `Dataset` that `Pending` fills.
#[derive(Debug, Clone)]
pub struct Tables {
    /// `schema::journal`; after `finish`, sorted by every column, exact repeats dropped.
    pub journal: DataFrame,
    /// `schema::markers`; after `finish`, by year and school (file order among equals).
    pub markers: DataFrame,
    /// `schema::histograms`; after `finish`, by year, school, subject, grade, score.
    pub histograms: DataFrame,
    /// `schema::mark_scores`; after `finish`, by year, school, subject, grade, school mark, score.
    pub mark_scores: DataFrame,
    /// `schema::reference`; after `finish`, by year, assessment, subject, grade, level, name.
    pub reference: DataFrame,
    /// `schema::boundaries`; after `finish`, one row per (year, subject, grade), the last loaded,
    /// in that order.
    pub boundaries: DataFrame,
    /// `schema::maxima`; after `finish`, as `boundaries`.
    pub maxima: DataFrame,
    /// Groups of `histograms` and `mark_scores` a second source gave again, left out.
    pub repeated: RepeatedGroups,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            journal: schema::empty(&schema::journal()),
            markers: schema::empty(&schema::markers()),
            histograms: schema::empty(&schema::histograms()),
            mark_scores: schema::empty(&schema::mark_scores()),
            reference: schema::empty(&schema::reference()),
            boundaries: schema::empty(&schema::boundaries()),
            maxima: schema::empty(&schema::maxima()),
            repeated: RepeatedGroups::default(),
        }
    }
}

impl Pending {
    /// Append the pending rows to `t`'s frames.
    ///
    /// Errors: none on values of the declared types (a failure is a bug).
    pub fn flush(&mut self, t: &mut Tables) -> Result<()> {
        let p = self;
        append(&mut t.journal, p.journal.frame()?, &schema::journal())?;
        append(&mut t.markers, p.markers.frame()?, &schema::markers())?;
        append_once(
            &mut t.histograms,
            p.histograms.frame()?,
            &schema::histograms(),
            &mut t.repeated,
        )?;
        // counted once, with the histograms they come with
        append_once(
            &mut t.mark_scores,
            p.mark_scores.frame()?,
            &schema::mark_scores(),
            &mut RepeatedGroups::default(),
        )?;
        append(&mut t.reference, p.reference.frame()?, &schema::reference())?;
        append(
            &mut t.boundaries,
            p.boundaries.frame()?,
            &schema::boundaries(),
        )?;
        append(&mut t.maxima, p.maxima.frame()?, &schema::maxima())?;
        Ok(())
    }
}

/// `df` sorted by `keys` (stable: equal keys keep their load order).
fn sorted(df: &DataFrame, keys: &[&str]) -> Result<DataFrame> {
    Ok(df.sort(
        keys.to_vec(),
        SortMultipleOptions::default().with_maintain_order(true),
    )?)
}

/// One row per (year, subject, grade), the last loaded, in that order.
fn last_per_procedure(df: &DataFrame) -> Result<DataFrame> {
    let keys = [k::YEAR, k::SUBJECT, k::GRADE];
    let u = df.unique_stable(
        Some(&keys.map(String::from)),
        UniqueKeepStrategy::Last,
        None,
    )?;
    sorted(&u, &keys)
}

/// The frames of `ds.tables` in the model's order (see the fields of `Tables`); exact repeats of a
/// journal row are dropped with a counted warning.
///
/// Errors: none on frames of the declared schemas (a failure is a bug).
pub(super) fn finish(ds: &mut Dataset, warnings: &mut Warnings) -> Result<()> {
    ds.pending_tables.flush(&mut ds.tables)?;
    let t = &mut ds.tables;
    let journal_schema = schema::journal();
    let all: Vec<&str> = journal_schema.iter_names().map(|n| n.as_str()).collect();
    let journal = sorted(&t.journal, &all)?;
    let before = journal.height();
    t.journal = journal.unique_stable(None, UniqueKeepStrategy::First, None)?;
    if before > t.journal.height() {
        warnings.add_n(
            WarningCode::JournalRowsRepeated,
            before - t.journal.height(),
            "",
        );
    }
    let r = &t.repeated;
    warnings.add_n(
        WarningCode::ScoreGroupsRepeated,
        r.count,
        r.example.clone().unwrap_or_default(),
    );
    t.markers = sorted(&t.markers, &[k::YEAR, k::SCHOOL_ID])?;
    t.histograms = sorted(
        &t.histograms,
        &[k::YEAR, k::SCHOOL_ID, k::SUBJECT, k::GRADE, k::SCORE],
    )?;
    t.mark_scores = sorted(
        &t.mark_scores,
        &[
            k::YEAR,
            k::SCHOOL_ID,
            k::SUBJECT,
            k::GRADE,
            k::SCHOOL_MARK,
            k::SCORE,
        ],
    )?;
    t.reference = sorted(
        &t.reference,
        &[
            k::YEAR,
            k::ASSESSMENT,
            k::SUBJECT,
            k::GRADE,
            k::LEVEL,
            k::NAME,
        ],
    )?;
    t.boundaries = last_per_procedure(&t.boundaries)?;
    t.maxima = last_per_procedure(&t.maxima)?;
    Ok(())
}

/// A frame's column as whole numbers (nulls as 0): the tests' view of a frame.
#[cfg(test)]
pub fn ints(df: &DataFrame, name: &str) -> Vec<i64> {
    let c = df.column(name).unwrap().cast(&DataType::Int64).unwrap();
    c.i64().unwrap().iter().map(|v| v.unwrap_or(0)).collect()
}

/// A frame's text column (nulls as ""): the tests' view of a frame.
#[cfg(test)]
pub fn texts(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().str().unwrap().clone();
    c.iter().map(|v| v.unwrap_or("").to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_orders_drops_exact_journal_repeats_and_keeps_the_last_boundary() {
        let mut ds = Dataset::default();
        let p = &mut ds.pending_tables;
        for (y, sid, lo) in [
            (2024, "b", 1),
            (2023, "b", 1),
            (2024, "a", 2),
            (2024, "b", 1),
        ] {
            p.journal
                .push(y, sid.into(), "математика".into(), 4, lo, 10, 0);
        }
        p.boundaries.push(2021, "математика".into(), 5, 7);
        p.boundaries.push(2020, "математика".into(), 4, 6);
        ds.flush_rows().unwrap();
        // a later sheet's boundary for one procedure replaces the earlier one
        ds.pending_tables
            .boundaries
            .push(2021, "математика".into(), 5, 8);
        let mut w = Warnings::default();
        finish(&mut ds, &mut w).unwrap();
        let j = &ds.tables.journal;
        assert_eq!(ints(j, k::YEAR), [2023, 2024, 2024]);
        assert_eq!(texts(j, k::SCHOOL_ID), ["b", "a", "b"]);
        assert_eq!(w.0[&WarningCode::JournalRowsRepeated].count, 1);
        let b = &ds.tables.boundaries;
        assert_eq!(ints(b, k::YEAR), [2020, 2021]);
        assert_eq!(ints(b, k::MIN3), [6, 8]);
        for (name, df, s) in [
            ("journal", j, schema::journal()),
            ("markers", &ds.tables.markers, schema::markers()),
            ("maxima", &ds.tables.maxima, schema::maxima()),
        ] {
            schema::check(name, df, &s).unwrap();
        }
    }
}
