//! Context indicators by year from context tables keyed by school code (`input::context_table`):
//! kept apart from the schools until the year is known, then laid over the schools' indicators
//! for that year (`ContextYears::use_year`), so that `index`, `resilient` and the registry z-scores
//! (deficit) read the year of the selection.
use super::schema::{self, col as k};
use super::schools::View;
use super::{Dataset, SchoolRow, Sym};
use crate::input::context::INDICATORS;
use crate::input::report::Warnings;
use crate::model::warning::WarningCode;
use std::collections::BTreeMap;

/// One school's values in one year: (indicator key, value), in name order.
pub type YearValues = Vec<(&'static str, f64)>;

/// The context tables' values, by school key and year, and what is laid over the schools now.
#[derive(Debug, Clone, Default)]
pub struct ContextYears {
    /// School key (a login's `school_id`, or `gia:CODE` for another code) → year → the values
    /// read (indicator key, value; fractions for shares), in name order.
    pub rows: BTreeMap<String, BTreeMap<i32, YearValues>>,
    /// The files that gave each school key's rows.
    pub sources: BTreeMap<String, Vec<Sym>>,
    /// Each school key's code as first given (lower-case): the login of a school known only by it.
    pub given: BTreeMap<String, String>,
    /// Code → indicator wording, from the codebooks read (`input::context_table::load_codebook`),
    /// with the file that gave each.
    pub codebook: BTreeMap<String, (String, String)>,
    /// The year whose values lie over the schools now (`None`: none laid yet).
    applied: Option<i32>,
    /// The asked-for year of the last `use_year` (a repeat with it does nothing).
    asked: Option<i32>,
    /// The schools' indicator columns (`school_id` and one per `input::context::INDICATORS`)
    /// before the first overlay: laid back before another year's.
    base: Option<polars::prelude::DataFrame>,
    /// The warnings of the overlay now laid (taken back from the load's before another year's).
    warned: Warnings,
}

impl ContextYears {
    /// The years any context table holds, ascending.
    pub fn years(&self) -> std::collections::BTreeSet<i32> {
        self.rows.values().flat_map(|y| y.keys().copied()).collect()
    }
    /// The year laid over the schools now.
    pub fn applied(&self) -> Option<i32> {
        self.applied
    }
}

/// The school a context table's key names: the school with that id; for `gia:CODE`, the school
/// whose ГИА code (a registry's `gia_code`, a context form's ОГЭ/ЕГЭ code) is CODE (`by_gia`);
/// else none.
fn resolve(view: &View, by_gia: &BTreeMap<String, String>, key: &str) -> Option<String> {
    if view.contains(key) {
        return Some(key.to_string());
    }
    by_gia.get(key.strip_prefix("gia:")?).cloned()
}

/// ГИА code → id of the school that has it (schools with a login first: a code's own school,
/// `gia:CODE`, is found by its id).
fn by_gia(view: &View) -> BTreeMap<String, String> {
    view.column(k::GIA_CODE)
        .zip(view.ids())
        .filter_map(|(code, sid)| Some((code?.to_string(), sid.to_string())))
        .collect()
}

/// Lay the context tables' values of one year over the schools' indicators.
///
/// The year: `year` (the selection year) or, without it, the latest year of the results, else the
/// latest year of the tables. When the tables lack that year, the latest earlier year they hold,
/// with a counted warning naming both; none earlier: no values, with a warning. A table's value
/// replaces the one another input (a registry) gave for the same indicator, with a counted warning
/// when they differ. A key that names no school (no login, no ГИА code known) becomes a school of
/// its own, under that key. Called again with another year, the previous year's values are taken
/// off first, and so are its warnings from `warnings` (they describe the year used, never a year
/// laid before it); with the same year, nothing happens.
///
/// `ds.schools` stays in ascending school id, one row per id: a year's values are a frame of the
/// schools they touch, joined to the schools and taking the place of their indicators and sources.
///
/// Errors: none on a `schools` frame of `schema::schools` (a failure is a bug).
pub fn use_year(
    ds: &mut Dataset,
    year: Option<i32>,
    warnings: &mut Warnings,
) -> anyhow::Result<()> {
    if ds.context_years.rows.is_empty() {
        return Ok(());
    }
    let target = year
        .or_else(|| ds.result_years().last().copied())
        .or_else(|| ds.context_years.years().last().copied());
    if ds.context_years.applied.is_some() && ds.context_years.asked == target {
        return Ok(());
    }
    let Some(target) = target else { return Ok(()) };
    take_back(warnings, &std::mem::take(&mut ds.context_years.warned));
    let mut mine = Warnings::default();
    lay(ds, target, &mut mine)?;
    warnings.merge(mine.clone());
    ds.context_years.warned = mine;
    Ok(())
}

/// Take `laid`'s counts and examples (an earlier overlay's warnings) out of `warnings`; a warning
/// left with no case is dropped.
fn take_back(warnings: &mut Warnings, laid: &Warnings) {
    for (k, w) in &laid.0 {
        let Some(e) = warnings.0.get_mut(k) else {
            continue;
        };
        e.count = e.count.saturating_sub(w.count);
        for x in &w.examples {
            if let Some(i) = e.examples.iter().position(|y| y == x) {
                e.examples.remove(i);
            }
        }
        if e.count == 0 {
            warnings.0.remove(k);
        }
    }
}

/// [`use_year`]'s overlay of the year for `target` (itself, else the latest earlier one), its
/// warnings counted in `warnings`.
fn lay(ds: &mut Dataset, target: i32, warnings: &mut Warnings) -> anyhow::Result<()> {
    let years = ds.context_years.years();
    let used = years.range(..=target).next_back().copied();
    let shown = |ys: &std::collections::BTreeSet<i32>| {
        ys.iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match used {
        Some(u) if u != target => warnings.add(
            WarningCode::ContextYearEarlier,
            format!("нужен {target}, взят {u} (в таблице: {})", shown(&years)),
        ),
        None => warnings.add(
            WarningCode::ContextYearMissing,
            format!("нужен {target} (в таблице: {})", shown(&years)),
        ),
        _ => {}
    }
    restore(ds)?;
    ds.context_years.asked = Some(target);
    ds.context_years.applied = used;
    let Some(used) = used else { return Ok(()) };
    if ds.context_years.base.is_none() {
        let cols = std::iter::once(k::SCHOOL_ID).chain(INDICATORS.iter().map(|(n, _)| *n));
        ds.context_years.base = Some(ds.schools.select(cols)?);
    }
    let (touched, new) = overlay(ds, used, warnings);
    if touched.is_empty() {
        return Ok(());
    }
    let mut schools = ds.schools.clone();
    if !new.is_empty() {
        schools.vstack_mut(&super::schools::frame_of(&new.iter().collect::<Vec<_>>())?)?;
    }
    ds.schools = laid_over(schools, &touched)?;
    Ok(())
}

/// A school a year's values touch: its login (for the warnings), its indicators (by position in
/// `INDICATORS`) and sources with that year's laid over them.
struct Touched {
    login: String,
    values: Vec<Option<f64>>,
    sources: Vec<String>,
}

/// The year `used`'s values of every context-table key, laid over the schools' (in key order, a
/// later key's value over an earlier one's), with a counted warning where a value replaces another;
/// and the schools a key that names none makes (`new_school`).
fn overlay(
    ds: &Dataset,
    used: i32,
    warnings: &mut Warnings,
) -> (BTreeMap<String, Touched>, Vec<SchoolRow>) {
    let view = ds.school_view();
    let by_gia = by_gia(&view);
    let mut touched: BTreeMap<String, Touched> = BTreeMap::new();
    let mut new = Vec::new();
    for (key, years) in &ds.context_years.rows {
        let Some(vals) = years.get(&used) else {
            continue;
        };
        let sid = match resolve(&view, &by_gia, key) {
            Some(sid) => sid,
            None => {
                new.push(new_school(ds, key));
                key.clone()
            }
        };
        let e = touched
            .entry(sid)
            .or_insert_with_key(|sid| match view.find(sid) {
                Some(i) => Touched {
                    login: view.login(i).to_string(),
                    values: INDICATORS.iter().map(|(n, _)| view.number(n, i)).collect(),
                    sources: view.sources(i),
                },
                None => Touched {
                    login: new.last().map_or(String::new(), |s| s.login.clone()),
                    values: vec![None; INDICATORS.len()],
                    sources: Vec::new(),
                },
            });
        for &(k, v) in vals {
            let Some(at) = INDICATORS.iter().position(|(n, _)| *n == k) else {
                debug_assert!(false, "{k} is no INDICATORS key");
                continue;
            };
            if let Some(old) = e.values[at].replace(v) {
                if (old - v).abs() > 1e-9 {
                    warnings.add(
                        WarningCode::ContextDisagrees,
                        format!("{} {k}: {old} → {v} ({used})", e.login),
                    );
                }
            }
        }
        for s in ds.context_years.sources.get(key).into_iter().flatten() {
            if !e.sources.iter().any(|x| **x == **s) {
                e.sources.push(s.to_string());
            }
        }
    }
    (touched, new)
}

/// `schools` with the indicators and sources of the `touched` schools replaced by theirs: a left
/// join on `school_id`, in ascending school id.
fn laid_over(
    schools: polars::prelude::DataFrame,
    touched: &BTreeMap<String, Touched>,
) -> anyhow::Result<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let t: Vec<&Touched> = touched.values().collect();
    let mut cols = vec![
        Column::new(
            k::SCHOOL_ID.into(),
            touched.keys().cloned().collect::<Vec<_>>(),
        ),
        Column::new("__touched".into(), vec![true; t.len()]),
    ];
    for (at, (n, _)) in INDICATORS.iter().enumerate() {
        let v: Vec<Option<f64>> = t.iter().map(|x| x.values[at]).collect();
        cols.push(Column::new(format!("__{n}").into(), v));
    }
    cols.push(super::frames::strings(
        "__sources",
        t.iter().map(|x| x.sources.iter().map(String::as_str)),
    ));
    let over = DataFrame::new_infer_height(cols)?;
    let hit = || col("__touched").is_not_null();
    let exprs: Vec<Expr> = schema::schools()
        .iter_names()
        .map(|n| {
            let replaced =
                n.as_str() == k::SOURCES || INDICATORS.iter().any(|(x, _)| *x == n.as_str());
            if replaced {
                when(hit())
                    .then(col(format!("__{n}")))
                    .otherwise(col(n.clone()))
                    .alias(n.clone())
            } else {
                col(n.clone())
            }
        })
        .collect();
    join_by_school(schools.lazy(), over, exprs)
}

/// `left` left-joined with `right` on `school_id`, then `exprs` selected, sorted by `school_id`
/// (the schools frame's order), in one chunk.
fn join_by_school(
    left: polars::prelude::LazyFrame,
    right: polars::prelude::DataFrame,
    exprs: Vec<polars::prelude::Expr>,
) -> anyhow::Result<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let mut df = left
        .join(
            right.lazy(),
            [col(k::SCHOOL_ID)],
            [col(k::SCHOOL_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .select(exprs)
        .sort([k::SCHOOL_ID], Default::default())
        .collect()?;
    df.rechunk_mut();
    Ok(df)
}

/// Take the laid year's values off: every school's indicators as before the first overlay (none
/// for a school an overlay made).
fn restore(ds: &mut Dataset) -> anyhow::Result<()> {
    use polars::prelude::*;
    let Some(base) = ds.context_years.base.clone() else {
        return Ok(());
    };
    let exprs: Vec<Expr> = schema::schools()
        .iter_names()
        .map(|n| col(n.clone()))
        .collect();
    let kept: Vec<Expr> = schema::schools()
        .iter_names()
        .filter(|n| !INDICATORS.iter().any(|(x, _)| *x == n.as_str()))
        .map(|n| col(n.clone()))
        .collect();
    ds.schools = join_by_school(ds.schools.clone().lazy().select(kept), base, exprs)?;
    Ok(())
}

/// A school known only by a context table's key: its id is the key, its login the login as given
/// (`sch…` stays `sch…`) or, for another code, the key (`gia:CODE`, as an ОГЭ/ЕГЭ table names it).
fn new_school(ds: &Dataset, key: &str) -> SchoolRow {
    let login = match ds.context_years.given.get(key) {
        Some(l) if !key.starts_with("gia:") => l.clone(),
        _ => key.to_string(),
    };
    SchoolRow {
        school_id: key.to_string(),
        login,
        gia_code: key.strip_prefix("gia:").map(str::to_string),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds() -> Dataset {
        let mut ds = Dataset::default();
        ds.set_schools([SchoolRow {
            school_id: "edu220001".into(),
            login: "edu220001".into(),
            gia_code: Some("1001".into()),
            indicators: [("low_income", 0.5)].into_iter().collect(),
            ..Default::default()
        }]);
        let c = &mut ds.context_years;
        c.rows.insert(
            "gia:1001".into(),
            [
                (2022, vec![("low_income", 0.2), ("single_parent", 0.1)]),
                (2023, vec![("single_parent", 0.3)]),
            ]
            .into_iter()
            .collect(),
        );
        c.rows.insert(
            "gia:1002".into(),
            [(2023, vec![("ovz_share", 0.05)])].into(),
        );
        ds
    }

    fn school(d: &Dataset, sid: &str) -> SchoolRow {
        d.school_view().get(sid).unwrap()
    }

    #[test]
    fn a_year_lies_over_the_schools_and_another_replaces_it() {
        let mut d = ds();
        let mut w = Warnings::default();
        use_year(&mut d, Some(2022), &mut w).unwrap();
        let a = &school(&d, "edu220001").indicators;
        assert_eq!(
            (a.get("low_income"), a.get("single_parent")),
            (Some(&0.2), Some(&0.1))
        );
        assert_eq!(w.total(), 1, "{w:?}"); // the registry's 0.5 replaced
        assert!(!d.school_view().contains("gia:1002"));
        use_year(&mut d, Some(2023), &mut w).unwrap();
        let a = &school(&d, "edu220001").indicators;
        assert_eq!(
            (a.get("low_income"), a.get("single_parent")),
            (Some(&0.5), Some(&0.3))
        );
        // a code no input maps to a login stays under its code
        let b = &school(&d, "gia:1002");
        assert_eq!(
            (b.login.as_str(), b.indicators.get("ovz_share")),
            ("gia:1002", Some(&0.05))
        );
    }

    #[test]
    fn another_year_replaces_the_warnings_of_the_one_before() {
        let mut d = ds();
        let mut w = Warnings::default();
        w.add(WarningCode::RowRepeated, "x"); // the load's own warnings stay
        use_year(&mut d, Some(2025), &mut w).unwrap(); // 2023 laid, with a warning naming it
        use_year(&mut d, Some(2020), &mut w).unwrap(); // none laid
        let s = w.summary();
        assert!(!s.contains("нужен 2025"), "{s}");
        assert!(s.contains("нужен 2020"), "{s}");
        use_year(&mut d, Some(2022), &mut w).unwrap(); // the registry's 0.5 replaced, once
        assert_eq!(w.total(), 2, "{}", w.summary());
        assert!(w.summary().contains("0.5 → 0.2 (2022)"), "{}", w.summary());
        assert_eq!(w.0[&WarningCode::RowRepeated].count, 1);
    }

    #[test]
    fn a_missing_year_takes_the_latest_earlier_one_with_a_warning() {
        let mut d = ds();
        let mut w = Warnings::default();
        use_year(&mut d, Some(2025), &mut w).unwrap();
        assert_eq!(d.context_years.applied(), Some(2023));
        assert!(
            w.summary().contains("нужен 2025, взят 2023"),
            "{}",
            w.summary()
        );
        let mut w = Warnings::default();
        use_year(&mut d, Some(2020), &mut w).unwrap();
        assert_eq!(d.context_years.applied(), None);
        assert_eq!(
            school(&d, "edu220001").indicators.get("single_parent"),
            None
        );
        assert!(w.summary().contains("нужен 2020"), "{}", w.summary());
    }
}
