//! The canonical polars frames (METHOD.md §0, shapes in `schema`) built from the loaders' rows.
//!
//! `Dataset::results` is a frame already; `build` adds its two derived columns after the declared
//! ones — `region` (first two digits of the login) and `municipality_key` (ФИС ОКО code, else the
//! normalised name); `schools`, `risk_profiles` and the `tables` are passed on as they are.
use super::{Dataset, ResultRow};
use anyhow::Result;
use polars::prelude::*;

/// The canonical frames; each has the columns of its `schema` function, in that order.
#[derive(Clone)]
pub struct Frames {
    pub results: DataFrame,
    pub schools: DataFrame,
    pub journal: DataFrame,
    pub risk_profiles: DataFrame,
    pub markers: DataFrame,
    pub histograms: DataFrame,
    pub reference: DataFrame,
    pub boundaries: DataFrame,
    pub municipalities: DataFrame,
    pub mark_scores: DataFrame,
    pub maxima: DataFrame,
    /// Region of each school whose id is no login (`gia:…`, `inn:…`, `ogrn:…`, `name:…`), by
    /// `identity::Regions` (its municipality's one region, else the one region of all the schools
    /// with logins); absent when none is known. Read by `method::frame::with_region_of`.
    pub regions: std::collections::BTreeMap<String, String>,
}

pub(super) fn c<'a, T, V>(name: &str, rows: &'a [T], f: impl Fn(&'a T) -> V) -> Column
where
    Series: NamedFrom<Vec<V>, [V]>,
{
    Series::new(name.into(), rows.iter().map(f).collect::<Vec<V>>()).into_column()
}

/// A `list<str>` column of one list of texts per row (one builder, not a series per row).
pub(crate) fn strings<'a, L, I>(name: &str, lists: L) -> Column
where
    L: ExactSizeIterator<Item = I>,
    I: Iterator<Item = &'a str>,
{
    let mut b = ListStringChunkedBuilder::new(name.into(), lists.len(), lists.len());
    for l in lists {
        b.append_values_iter(l);
    }
    b.finish().into_series().into_column()
}

pub(super) fn frame(cols: Vec<Column>, schema: &Schema) -> Result<DataFrame> {
    let df = DataFrame::new_infer_height(cols)?;
    // empty inputs give columns of dtype Null or wrong inner types: cast to the schema
    let df = df
        .lazy()
        .with_columns(
            schema
                .iter()
                .map(|(n, t)| polars::prelude::col(n.clone()).cast(t.clone()))
                .collect::<Vec<_>>(),
        )
        .collect()?;
    Ok(df)
}

/// The `results` frame (`schema::results`) of typed rows, in their order.
///
/// Errors: none on rows of the declared types (a failure is a bug).
pub fn results_frame(r: &[ResultRow]) -> Result<DataFrame> {
    use super::schema::{self, col as k};
    let rc = vec![
        c(k::YEAR, r, |x| x.year),
        c(k::SCHOOL_ID, r, |x| &*x.school_id),
        c(k::MUNICIPALITY, r, |x| &*x.municipality),
        c(k::ASSESSMENT, r, |x| &*x.assessment),
        c(k::SUBJECT, r, |x| &*x.subject),
        c(k::GRADE, r, |x| x.grade),
        c(k::PARTICIPANTS, r, |x| x.participants),
        c(k::N2, r, |x| x.n2.get()),
        c(k::N3, r, |x| x.n3.get()),
        c(k::N4, r, |x| x.n4.get()),
        c(k::N5, r, |x| x.n5.get()),
        c(k::RECONSTRUCTED, r, |x| x.reconstructed),
        c(k::MEAN_SCORE, r, |x| x.mean_score.get()),
        c(k::HIGH, r, |x| x.high.get()),
        c(k::HIGH2, r, |x| x.high2.get()),
        c(k::SOURCE, r, |x| &*x.source),
        c(k::LINE, r, |x| x.line),
    ];
    frame(rc, &schema::results())
}

/// The `risk_profiles` frame (`schema::risk_profiles`) of typed rows, in their order.
///
/// Errors: none on rows of the declared types (a failure is a bug).
pub fn risk_frame(q: &[super::RiskRow]) -> Result<DataFrame> {
    use super::schema::{self, col as k};
    frame(
        vec![
            c(k::SCHOOL_ID, q, |x| &*x.school_id),
            c(k::YEAR, q, |x| x.year),
            c(k::FACTOR, q, |x| i32::from(x.factor)),
            c(k::LEVEL, q, |x| i32::from(x.level)),
        ],
        &schema::risk_profiles(),
    )
}

/// The typed rows of a `results` frame, in its order; a text equal to the previous row's is
/// shared, not copied.
///
/// Errors: the frame lacks a declared column or has another dtype (a bug).
pub fn rows_of(df: &DataFrame) -> Result<Vec<ResultRow>> {
    use super::schema::col as k;
    use super::{OptCount, OptScore, Sym};
    let s = |n: &str| -> Result<Vec<Sym>> {
        let mut last: Option<(&str, Sym)> = None;
        Ok(df
            .column(n)?
            .str()?
            .iter()
            .map(|v| {
                let v = v.unwrap_or("");
                match &last {
                    Some((p, sym)) if *p == v => sym.clone(),
                    _ => {
                        let sym = Sym::from(v);
                        last = Some((v, sym.clone()));
                        sym
                    }
                }
            })
            .collect())
    };
    let i = |n: &str| -> Result<Vec<Option<i32>>> { Ok(df.column(n)?.i32()?.iter().collect()) };
    let (sid, mun, asm, subj, src) = (
        s(k::SCHOOL_ID)?,
        s(k::MUNICIPALITY)?,
        s(k::ASSESSMENT)?,
        s(k::SUBJECT)?,
        s(k::SOURCE)?,
    );
    let (year, grade, part) = (i(k::YEAR)?, i(k::GRADE)?, i(k::PARTICIPANTS)?);
    let (n2, n3, n4, n5, high, high2) = (
        i(k::N2)?,
        i(k::N3)?,
        i(k::N4)?,
        i(k::N5)?,
        i(k::HIGH)?,
        i(k::HIGH2)?,
    );
    let rec: Vec<Option<bool>> = df.column(k::RECONSTRUCTED)?.bool()?.iter().collect();
    let mean: Vec<Option<f64>> = df.column(k::MEAN_SCORE)?.f64()?.iter().collect();
    let line: Vec<Option<u32>> = df.column(k::LINE)?.u32()?.iter().collect();
    Ok((0..df.height())
        .map(|r| ResultRow {
            year: year[r].unwrap_or(0),
            school_id: sid[r].clone(),
            municipality: mun[r].clone(),
            assessment: asm[r].clone(),
            subject: subj[r].clone(),
            grade: grade[r].unwrap_or(0),
            participants: part[r].unwrap_or(0),
            n2: OptCount::from(n2[r]),
            n3: OptCount::from(n3[r]),
            n4: OptCount::from(n4[r]),
            n5: OptCount::from(n5[r]),
            reconstructed: rec[r].unwrap_or(false),
            mean_score: OptScore::from(mean[r]),
            high: OptCount::from(high[r]),
            high2: OptCount::from(high2[r]),
            source: src[r].clone(),
            line: line[r].unwrap_or(0),
        })
        .collect())
}

/// The derived integer key of a school in `Frames::results` (`IdxSize`): equal for the rows of
/// one school id, distinct between ids, in no particular order — a group-by key cheaper than
/// the id's text.
pub const SCHOOL_KEY: &str = "school_key";

/// `results` with its derived columns: `region` (first two digits of the login),
/// `municipality_key` (the school's ФИС ОКО code, else its normalised municipality name), each
/// derived once per school, and [`SCHOOL_KEY`]; with [`SCHOOL_KEY`] only when `areas` is false
/// (the two texts are two gathers of a text per row, read only by the bottom rule and the
/// comparison).
fn with_derived(ds: &Dataset, areas: bool) -> Result<DataFrame> {
    let ids = ds.results.column(super::schema::col::SCHOOL_ID)?.str()?;
    // each school's pair once, at the first row of each run of its id (a school's rows come in
    // runs), the run's rows filled with its number
    let starts = run_starts(ids);
    // at most one id per run
    let mut at: PlHashMap<&str, IdxSize> =
        PlHashMap::with_capacity_and_hasher(starts.len(), Default::default());
    let (mut region, mut municipality) = (Vec::new(), Vec::new());
    let mut idx: Vec<IdxSize> = Vec::with_capacity(ids.len());
    let regions = (areas && ds.school_view().ids().any(|k| k.contains(':')))
        .then(|| super::identity::Regions::new(ds));
    // `identity::municipality_id` (the ФИС ОКО code, else the normalised name), each distinct
    // name normalised once: a municipality's schools share it
    let view = ds.school_view();
    let mut keys: PlHashMap<&str, String> = Default::default();
    let mut municipality_id = |id: &str| match view.find(id) {
        Some(i) if !view.municipality_code(i).is_empty() => view.municipality_code(i).to_string(),
        Some(i) => keys
            .entry(view.municipality(i))
            .or_insert_with_key(|m| crate::input::text::municipality_key(m))
            .clone(),
        None => String::new(),
    };
    for (j, &s) in starts.iter().enumerate() {
        let end = starts.get(j + 1).copied().unwrap_or(ids.len());
        let id = ids.get(s).unwrap_or("");
        let next = at.len() as IdxSize;
        let i = *at.entry(id).or_insert_with(|| {
            if areas {
                region.push(match &regions {
                    Some(r) => r.of(ds, id),
                    None => crate::input::text::region_of(id),
                });
                municipality.push(municipality_id(id));
            }
            next
        });
        idx.resize(end, i);
    }
    let idx = IdxCa::from_vec("".into(), idx);
    let gather = |vals: &[String], name: &str| -> Result<Column> {
        let ca: StringChunked = vals.iter().map(|v| Some(v.as_str())).collect();
        Ok(ca.take(&idx)?.with_name(name.into()).into_column())
    };
    let mut df = ds.results.clone();
    if areas {
        df.with_column(gather(&region, "region")?)?;
        df.with_column(gather(&municipality, "municipality_key")?)?;
    }
    df.with_column(idx.with_name(SCHOOL_KEY.into()).into_column())?;
    Ok(df)
}

/// The first row of each run of equal ids in `ids` (ascending; row 0 when there is a row): one
/// polars comparison of each id with the previous row's, not a comparison of texts per row. A
/// null id starts a run of its own rows; a run split more finely than needed is harmless to
/// [`with_derived`] (each run looks its id up).
fn run_starts(ids: &StringChunked) -> Vec<usize> {
    let changed = ids.not_equal_missing(&ids.shift(1));
    let changed = changed.rechunk();
    let mut starts: Vec<usize> = Vec::new();
    if let Some(arr) = changed.downcast_iter().next() {
        // `_missing` gives no nulls; any null position is taken as a start all the same
        let bits = match arr.validity() {
            Some(v) => arr.values() | &!v,
            None => arr.values().clone(),
        };
        starts.extend(bits.true_idx_iter());
    }
    if !ids.is_empty() && starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    starts
}

/// The region of each school of `ds` whose id is no login, where `identity::Regions` knows one.
fn keyless_regions(ds: &Dataset) -> std::collections::BTreeMap<String, String> {
    let view = ds.school_view();
    let keyless: Vec<&str> = view.ids().filter(|k| k.contains(':')).collect();
    if keyless.is_empty() {
        return Default::default();
    }
    let regions = super::identity::Regions::new(ds);
    keyless
        .into_iter()
        .map(|sid| (sid.to_string(), regions.of(ds, sid)))
        .filter(|(_, r)| !r.is_empty())
        .collect()
}

/// The canonical frames of `ds` (row order: as `ds` holds them; schools by school_id).
pub fn build(ds: &Dataset) -> Result<Frames> {
    let mut f = base(ds)?;
    f.results = with_derived(ds, true)?;
    Ok(f)
}

/// The canonical `results` frame of `ds`: as `ds` holds it with its derived columns (`region`,
/// `municipality_key`, [`SCHOOL_KEY`]); with `areas` false, [`SCHOOL_KEY`] only (what a
/// selection under the risk rule reads: no `region` or `municipality_key`). Errors: none on a
/// dataset of the declared types.
pub fn derived_results(ds: &Dataset, areas: bool) -> Result<DataFrame> {
    with_derived(ds, areas)
}

/// [`build`]'s frames but `results` as `ds` holds it, without the derived columns
/// ([`derived_results`] makes them): what the parts of a context that do not read them start
/// from. Errors: none on a dataset of the declared types.
pub fn base(ds: &Dataset) -> Result<Frames> {
    use super::schema::{self, col as k};
    let results = ds.results.clone();

    let schools = ds.schools.clone();

    let risk_profiles = ds.risk.clone();

    let mc: Vec<_> = ds.municipality_codes.iter().collect();
    let municipalities = frame(
        vec![
            c(k::KEY, &mc, |x| x.0.clone()),
            c(k::CODE, &mc, |x| x.1.clone()),
        ],
        &schema::municipalities(),
    )?;

    let regions = keyless_regions(ds);
    let t = ds.tables.clone();
    Ok(Frames {
        regions,
        results,
        schools,
        journal: t.journal,
        risk_profiles,
        markers: t.markers,
        histograms: t.histograms,
        reference: t.reference,
        boundaries: t.boundaries,
        municipalities,
        mark_scores: t.mark_scores,
        maxima: t.maxima,
    })
}

#[cfg(test)]
mod tests {
    use super::build;
    use crate::model::{schema, Dataset, ResultRow};

    #[test]
    fn run_starts_mark_each_change_of_id_across_chunks_and_nulls() {
        use polars::prelude::*;
        let mut ids = StringChunked::new("".into(), &[Some("a"), Some("a"), Some("b")]);
        ids.append(&StringChunked::new(
            "".into(),
            &[Some("b"), None, None, Some("a")],
        ))
        .unwrap();
        assert_eq!(super::run_starts(&ids), vec![0, 2, 4, 6]);
        let first_null = StringChunked::new("".into(), &[None, Some("x"), Some("x")]);
        assert_eq!(super::run_starts(&first_null), vec![0, 1]);
        assert!(super::run_starts(&StringChunked::new("".into(), &[] as &[&str])).is_empty());
    }

    #[test]
    fn school_key_numbers_ids_by_first_row_across_chunks() {
        use super::super::schema::col as k;
        let rows = |list: &[(i32, &str)]| -> Vec<ResultRow> {
            list.iter()
                .map(|(y, s)| ResultRow::for_test(*y, s, "математика", 20, 3))
                .collect()
        };
        let (a, b) = (
            rows(&[
                (2023, "edu1"),
                (2023, "edu1"),
                (2023, "edu2"),
                (2023, "edu3"),
            ]),
            rows(&[
                (2023, "edu3"),
                (2024, "edu2"),
                (2024, "edu1"),
                (2024, "edu4"),
            ]),
        );
        let mut ds = Dataset::default();
        ds.set_results(&b);
        let tail = ds.results.clone();
        ds.set_results(&a);
        ds.results.vstack_mut(&tail).unwrap();
        assert!(ds.results.first_col_n_chunks() > 1);
        let df = super::with_derived(&ds, true).unwrap();
        let key: Vec<Option<u32>> = df
            .column(super::SCHOOL_KEY)
            .unwrap()
            .cast(&polars::prelude::DataType::UInt32)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .collect();
        // the oracle: each id numbered at its first row
        let ids = df.column(k::SCHOOL_ID).unwrap().str().unwrap().clone();
        let mut seen: Vec<&str> = Vec::new();
        let want: Vec<Option<u32>> = ids
            .iter()
            .map(|id| {
                let id = id.unwrap();
                let at = seen.iter().position(|s| *s == id).unwrap_or_else(|| {
                    seen.push(id);
                    seen.len() - 1
                });
                Some(at as u32)
            })
            .collect();
        assert_eq!(key, want);
        assert_eq!(want, [0, 0, 1, 2, 2, 1, 0, 3].map(Some).to_vec());
        // without the areas: the same key, no `region` or `municipality_key`
        let keyed = super::with_derived(&ds, false).unwrap();
        assert!(keyed
            .column(super::SCHOOL_KEY)
            .unwrap()
            .equals(df.column(super::SCHOOL_KEY).unwrap()));
        assert_eq!(keyed.width(), ds.results.width() + 1);
        assert_eq!(df.width(), ds.results.width() + 3);
        assert!(df.column("region").is_ok() && df.column("municipality_key").is_ok());
    }

    #[test]
    fn frames_have_the_declared_schemas_even_when_empty() {
        for ds in [Dataset::default(), {
            let mut d = Dataset::default();
            d.set_results(&[ResultRow::for_test(2024, "edu220001", "математика", 20, 3)]);
            d
        }] {
            let f = build(&ds).unwrap();
            schema::check("results", &f.results, &schema::results()).unwrap();
            schema::check("schools", &f.schools, &schema::schools()).unwrap();
            schema::check("journal", &f.journal, &schema::journal()).unwrap();
            schema::check("risk_profiles", &f.risk_profiles, &schema::risk_profiles()).unwrap();
            schema::check("markers", &f.markers, &schema::markers()).unwrap();
            schema::check("histograms", &f.histograms, &schema::histograms()).unwrap();
            schema::check("reference", &f.reference, &schema::reference()).unwrap();
            schema::check("boundaries", &f.boundaries, &schema::boundaries()).unwrap();
            schema::check(
                "municipalities",
                &f.municipalities,
                &schema::municipalities(),
            )
            .unwrap();
            schema::check("mark_scores", &f.mark_scores, &schema::mark_scores()).unwrap();
            schema::check("maxima", &f.maxima, &schema::maxima()).unwrap();
        }
    }
}
