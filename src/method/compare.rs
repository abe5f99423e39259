//! Municipal vs regional comparison (METHOD.md §7, §10): shares, Wilson intervals, two-proportion
//! z-tests against the rest of the region, and the `bottom` cut within municipality vs region.
use super::bottom::ranks_frame;
use super::frame::{flags, floats, ints, left_join, one_of, texts, REGION};
use super::strata::stratum;
use crate::config::Config;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::Dataset;
use crate::output::{r6, r6_p};
use crate::stats::{wilson, Z95};
use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;

/// A procedure filter `ASSESSMENT:SUBJECT[:GRADE]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ProcSpec {
    pub assessment: String,
    pub subject: String,
    pub grade: Option<i32>,
}

impl ProcSpec {
    pub fn parse(s: &str) -> Result<ProcSpec, String> {
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(format!(
                "--procedure {s}: expected ASSESSMENT:SUBJECT[:GRADE], e.g. ОГЭ:математика:9"
            ));
        }
        let assessment = parts[0].trim().to_uppercase();
        if !["ВПР", "ОГЭ", "ЕГЭ"].contains(&assessment.as_str()) {
            return Err(format!(
                "--procedure {s}: assessment «{}» is not ВПР, ОГЭ or ЕГЭ",
                parts[0]
            ));
        }
        let subject = crate::input::text::subject(parts[1]).ok_or_else(|| {
            format!(
                "--procedure {s}: unknown subject «{}»; known: {}",
                parts[1],
                crate::input::text::subject_names().join(", ")
            )
        })?;
        let grade = match parts.get(2) {
            Some(g) => Some(
                g.trim()
                    .parse()
                    .map_err(|_| format!("--procedure {s}: grade «{g}» is not a number"))?,
            ),
            None => None,
        };
        Ok(ProcSpec {
            assessment,
            subject,
            grade,
        })
    }
    pub fn label(&self) -> String {
        match self.grade {
            Some(g) => format!("{} {} {} кл.", self.assessment, self.subject, g),
            None => format!("{} {}", self.assessment, self.subject),
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Figures {
    pub participants: i64,
    pub below: i64,
    pub below_n: i64,
    pub high: i64,
    pub high_n: i64,
    pub share2: Option<f64>,
    pub share2_ci: Option<[f64; 2]>,
    pub share_high: Option<f64>,
    pub share_high_ci: Option<[f64; 2]>,
}

impl Figures {
    fn finish(mut self) -> Self {
        let f = |k: i64, n: i64| (n > 0).then(|| r6(k as f64 / n as f64));
        let ci = |k: i64, n: i64| {
            (n > 0).then(|| {
                let (a, b) = wilson(k as f64, n as f64, Z95);
                [r6(a), r6(b)]
            })
        };
        self.share2 = f(self.below, self.below_n);
        self.share2_ci = ci(self.below, self.below_n);
        self.share_high = f(self.high, self.high_n);
        self.share_high_ci = ci(self.high, self.high_n);
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityRow {
    pub municipality: String,
    pub municipality_key: String,
    #[serde(flatten)]
    pub figures: Figures,
    pub share2_diff_pp: Option<f64>,
    pub share2_p: Option<f64>,
    /// The test behind `share2_p`: `z`, or `fisher` when an expected count is below 5.
    pub share2_test: Option<PropTest>,
    pub share_high_diff_pp: Option<f64>,
    pub share_high_p: Option<f64>,
    /// The test behind `share_high_p`.
    pub share_high_test: Option<PropTest>,
    pub worse: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub procedure: String,
    pub year: i32,
    pub region_code: String,
    pub region: Figures,
    pub municipalities: Vec<MunicipalityRow>,
}

pub use crate::stats::{two_prop_p, two_prop_test, PropTest};

/// The name shown for a municipality whose schools name none.
const NO_MUNICIPALITY: &str = "(муниципалитет не указан)";

/// Sums of participants, pupils below the minimum and with high results, and the participants of
/// the rows that give each (a row without `n2` or `high` does not count toward its share).
fn sums() -> Vec<Expr> {
    let counted = |c: &str| {
        when(col(c).is_not_null())
            .then(col(k::PARTICIPANTS))
            .otherwise(lit(0i64))
            .sum()
    };
    vec![
        col(k::PARTICIPANTS).sum().alias("participants"),
        col(k::N2).sum().alias("below"),
        counted(k::N2).alias("below_n"),
        col(k::HIGH).sum().alias("high"),
        counted(k::HIGH).alias("high_n"),
    ]
}

/// The figures of each row of a frame holding the columns of `sums`.
fn figures(df: &DataFrame) -> Result<Vec<Figures>> {
    let col = |n: &str| -> Result<Vec<i64>> {
        Ok(ints(df, n)?.into_iter().map(|v| v.unwrap_or(0)).collect())
    };
    let (part, below, below_n) = (col("participants")?, col("below")?, col("below_n")?);
    let (high, high_n) = (col("high")?, col("high_n")?);
    Ok((0..df.height())
        .map(|i| {
            Figures {
                participants: part[i],
                below: below[i],
                below_n: below_n[i],
                high: high[i],
                high_n: high_n[i],
                ..Default::default()
            }
            .finish()
        })
        .collect())
}

/// One municipality beside its whole region (METHOD.md §10 «Compare»): differences in p.p. and
/// the tests against the rest of the region (the z-test, or Fisher's exact test when an expected
/// count is below 5: [`two_prop_test`]).
fn municipality_row(name: String, key: String, f: Figures, region: &Figures) -> MunicipalityRow {
    let diff = |a: Option<f64>, b: Option<f64>| Some(r6((a? - b?) * 100.0));
    let t2 = two_prop_test(
        f.below,
        f.below_n,
        region.below - f.below,
        region.below_n - f.below_n,
    );
    let th = two_prop_test(
        f.high,
        f.high_n,
        region.high - f.high,
        region.high_n - f.high_n,
    );
    let worse = t2.is_some_and(|(p, _)| p < 0.05)
        && f.share2.zip(region.share2).is_some_and(|(a, b)| a > b);
    MunicipalityRow {
        municipality: name,
        municipality_key: key,
        share2_diff_pp: diff(f.share2, region.share2),
        share2_p: t2.map(|(p, _)| r6_p(p)),
        share2_test: t2.map(|(_, t)| t),
        share_high_diff_pp: diff(f.share_high, region.share_high),
        share_high_p: th.map(|(p, _)| r6_p(p)),
        share_high_test: th.map(|(_, t)| t),
        worse,
        figures: f,
    }
}

/// Per procedure of `specs` and year of `years`, a block per region (in code order) with its
/// municipalities (in key order). Sums per municipality and per region are polars group-bys of
/// the `results` frame (its derived `region` and `municipality_key` columns); the region figures
/// are sums over the school rows, not a reference row. A municipality's name is that of its
/// first school (by id) in `schools`. Errors only on frames that lack their columns.
pub fn compare(f: &Frames, specs: &[ProcSpec], years: &[i32]) -> Result<Vec<Block>> {
    let names = f.schools.clone().lazy().select([
        col(k::SCHOOL_ID).alias("first_school"),
        col(k::MUNICIPALITY).alias("name"),
    ]);
    let mut blocks = Vec::new();
    for spec in specs {
        for &year in years {
            let mut rows = f.results.clone().lazy().filter(
                col(k::YEAR)
                    .eq(lit(year))
                    .and(col(k::ASSESSMENT).eq(lit(spec.assessment.as_str())))
                    .and(col(k::SUBJECT).eq(lit(spec.subject.as_str()))),
            );
            if let Some(g) = spec.grade {
                rows = rows.filter(col(k::GRADE).eq(lit(g)));
            }
            let label = shown_label(spec, rows.clone())?;
            let mut agg = sums();
            agg.push(
                col(k::SCHOOL_ID)
                    .sort(Default::default())
                    .first()
                    .alias("first_school"),
            );
            let muns = rows
                .group_by([col(REGION), col("municipality_key")])
                .agg(agg)
                .sort([REGION, "municipality_key"], Default::default());
            let muns = left_join(muns, names.clone(), &["first_school"])
                .with_column(
                    when(col("name").is_null().or(col("name").eq(lit(""))))
                        .then(lit(NO_MUNICIPALITY))
                        .otherwise(col("name"))
                        .alias("name"),
                )
                .collect()?;
            let regions = muns
                .clone()
                .lazy()
                .group_by([col(REGION)])
                .agg(["participants", "below", "below_n", "high", "high_n"].map(|c| col(c).sum()))
                .sort([REGION], Default::default())
                .collect()?;
            let (mun_region, keys, names) = (
                texts(&muns, REGION)?,
                texts(&muns, "municipality_key")?,
                texts(&muns, "name")?,
            );
            let mun_figures = figures(&muns)?;
            let mut at = 0;
            for (code, region) in texts(&regions, REGION)?.into_iter().zip(figures(&regions)?) {
                let mut municipalities = Vec::new();
                // municipalities are sorted by region too: this region's run starts at `at`
                while at < muns.height() && mun_region[at] == code {
                    municipalities.push(municipality_row(
                        names[at].clone(),
                        keys[at].clone(),
                        mun_figures[at].clone(),
                        &region,
                    ));
                    at += 1;
                }
                blocks.push(Block {
                    procedure: label.clone(),
                    year,
                    region_code: code,
                    region,
                    municipalities,
                });
            }
        }
    }
    Ok(blocks)
}

/// The title of `spec`'s blocks: [`ProcSpec::label`], with the grade of its `rows` (a `results`
/// frame filtered to the spec and year) when the spec names none and the rows hold one grade, so
/// `--procedure ЕГЭ:русский язык` is titled as the default «ЕГЭ русский язык 11 кл.»; rows of
/// several grades (pooled) name them: «ВПР математика 4, 5, 6 кл. вместе».
fn shown_label(spec: &ProcSpec, rows: LazyFrame) -> Result<String> {
    if spec.grade.is_some() {
        return Ok(spec.label());
    }
    let grades = rows
        .select([col(k::GRADE).unique()])
        .filter(col(k::GRADE).is_not_null())
        .collect()?;
    let grades = ints(&grades, k::GRADE)?;
    Ok(match grades.as_slice() {
        [Some(g)] => ProcSpec {
            grade: Some(i32::try_from(*g)?),
            ..spec.clone()
        }
        .label(),
        // several grades pooled: the title says which («ВПР математика 4, 5, 6 кл. вместе»)
        [_, _, ..] => {
            let mut g: Vec<i64> = grades.iter().flatten().copied().collect();
            g.sort_unstable();
            let g: Vec<String> = g.iter().map(i64::to_string).collect();
            format!("{} кл. вместе", [spec.label(), g.join(", ")].join(" "))
        }
        _ => spec.label(),
    })
}

/// Default procedures: every (assessment, subject, grade) of `results` in the given years, in
/// that order.
pub fn default_specs(f: &Frames, years: &[i32]) -> Result<Vec<ProcSpec>> {
    let procs = f
        .results
        .clone()
        .lazy()
        .filter(one_of(k::YEAR, years.iter().copied()))
        .group_by([col(k::ASSESSMENT), col(k::SUBJECT), col(k::GRADE)])
        .agg([len()])
        .sort([k::ASSESSMENT, k::SUBJECT, k::GRADE], Default::default())
        .collect()?;
    let (a, s, g) = (
        texts(&procs, k::ASSESSMENT)?,
        texts(&procs, k::SUBJECT)?,
        ints(&procs, k::GRADE)?,
    );
    Ok(a.into_iter()
        .zip(s)
        .zip(g)
        .map(|((assessment, subject), grade)| ProcSpec {
            assessment,
            subject,
            grade: grade.and_then(|g| i32::try_from(g).ok()),
        })
        .collect())
}

/// A school whose two `bottom` verdicts of year Y differ (`compare --thresholds`): its composite
/// share (fraction), its rank and group size within region ∩ stratum and within municipality ∩
/// stratum (1 = worst), each cut (fraction) and whether it is low under each.
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdRow {
    pub login: String,
    pub name: String,
    pub municipality: String,
    pub stratum: String,
    pub composite: f64,
    pub region_rank: usize,
    pub region_n: usize,
    pub region_cut: f64,
    pub in_region: bool,
    pub municipality_rank: usize,
    pub municipality_n: usize,
    pub municipality_cut: f64,
    pub in_municipality: bool,
}

impl ThresholdRow {
    /// Whether the school's municipality ∩ stratum group is too small for `bottom_share` (a
    /// fraction) to rank it: fewer schools than 1 / share, so the cut (at least one school, METHOD
    /// §4 «ties at the cut are in») takes the group's worst school whatever its results — one school
    /// alone in its group is always «low» there.
    pub fn small_municipal_group(&self, bottom_share: f64) -> bool {
        (self.municipality_n as f64) * bottom_share < 1.0
    }
}

/// What the `--thresholds` composite counts below the minimum in `year`: the kind of the judged
/// results (`stage1.assessments`, empty = all) that have a count below the minimum
/// (`procedures::below_min_kind`). Errors only on a `results` frame that lacks its columns.
pub fn thresholds_below_min(
    f: &Frames,
    cfg: &Config,
    year: i32,
) -> Result<super::procedures::BelowMin> {
    let mut results = f.results.clone().lazy();
    if let Some(any) = super::procedures::in_assessments(cfg) {
        results = results.filter(any);
    }
    Ok(super::procedures::below_min_kind(
        &results.collect()?,
        &[year],
    )?)
}

/// Schools low in Y under the `bottom` cut within municipality ∩ stratum but not within
/// region ∩ stratum, or the other way round (METHOD.md §10 «Compare `--thresholds`»), sorted by
/// municipality name and login. Both rankings are `bottom::ranks_frame` on the `results` frame
/// (the municipal area is the region and `municipality_key`); the strata come from the registry
/// rows of `ds` (`strata::stratum`). Errors only on frames that lack their columns.
pub fn thresholds(ds: &Dataset, f: &Frames, cfg: &Config, year: i32) -> Result<Vec<ThresholdRow>> {
    let view = ds.school_view();
    let of_school = super::strata::strata_of(&ds.schools, cfg)?;
    let (ids, strata): (Vec<&str>, Vec<&str>) = view
        .ids()
        .zip(&of_school)
        .map(|(sid, s)| (sid, s.0.label()))
        .unzip();
    let strata = df!(k::SCHOOL_ID => ids, "stratum" => strata)?;
    let df = disagreements(f, strata, cfg, year)?;
    threshold_rows(&df, |id| {
        view.find(id)
            .map_or(stratum(None, cfg), |at| of_school[at])
            .0
            .to_string()
    })
}

/// The `bottom` ranks of year `year` within region ∩ stratum (`rank`, `of`, `cut`, `low`) and
/// within municipality ∩ stratum (`m_rank`, `m_of`, `m_cut`, `m_low`) of every school whose two
/// verdicts differ, with its login (else its id), name and municipality (else
/// [`NO_MUNICIPALITY`]), sorted by municipality and login. `strata`: school_id, stratum.
fn disagreements(f: &Frames, strata: DataFrame, cfg: &Config, year: i32) -> Result<DataFrame> {
    let mut one_year = cfg.clone();
    one_year.stage1.n = 1;
    one_year.stage1.k = 1;
    let region_area = f
        .results
        .clone()
        .lazy()
        .with_column(col(REGION).alias("area"));
    let reg = ranks_frame(region_area, strata.clone().lazy(), &one_year, year)?;
    let mun = municipal_ranks(f, strata, &one_year, year)?;
    let registry = f.schools.clone().lazy().select([
        col(k::SCHOOL_ID),
        col(k::LOGIN),
        col(k::NAME),
        col(k::MUNICIPALITY),
    ]);
    let both = reg
        .lazy()
        .join(
            mun,
            [col(k::YEAR), col(k::SCHOOL_ID)],
            [col(k::YEAR), col(k::SCHOOL_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("low").neq(col("m_low")));
    Ok(left_join(both, registry, &[k::SCHOOL_ID])
        .with_columns([
            coalesce(&[col(k::LOGIN), col(k::SCHOOL_ID)]).alias(k::LOGIN),
            when(
                col(k::MUNICIPALITY)
                    .is_null()
                    .or(col(k::MUNICIPALITY).eq(lit(""))),
            )
            .then(lit(NO_MUNICIPALITY))
            .otherwise(col(k::MUNICIPALITY))
            .alias(k::MUNICIPALITY),
        ])
        .sort([k::MUNICIPALITY, k::LOGIN], Default::default())
        .collect()?)
}

/// The `bottom` ranks within municipality ∩ stratum (the area is region|municipality key) of
/// `one_year` (k = n = 1): year, school_id and the ranks' columns prefixed `m_`.
fn municipal_ranks(
    f: &Frames,
    strata: DataFrame,
    one_year: &Config,
    year: i32,
) -> Result<LazyFrame> {
    let mut results = f.results.clone();
    let areas: Vec<String> = texts(&results, REGION)?
        .into_iter()
        .zip(texts(&results, "municipality_key")?)
        .map(|(r, m)| format!("{r}|{m}"))
        .collect();
    results.with_column(Column::new("area".into(), areas))?;
    let mun = ranks_frame(results.lazy(), strata.lazy(), one_year, year)?;
    let renamed = |c: &str| col(c).alias(format!("m_{c}"));
    Ok(mun.lazy().select([
        col(k::YEAR),
        col(k::SCHOOL_ID),
        renamed("rank"),
        renamed("of"),
        renamed("cut"),
        renamed("low"),
    ]))
}

/// The rows of [`disagreements`]' frame, each school's stratum from `stratum_of(school_id)`.
fn threshold_rows(
    df: &DataFrame,
    stratum_of: impl Fn(&str) -> String,
) -> Result<Vec<ThresholdRow>> {
    let ids = texts(df, k::SCHOOL_ID)?;
    let (login, name, municipality) = (
        texts(df, k::LOGIN)?,
        texts(df, k::NAME)?,
        texts(df, k::MUNICIPALITY)?,
    );
    let num = |c: &str| -> Result<Vec<f64>> {
        Ok(floats(df, c)?
            .into_iter()
            .map(|v| v.unwrap_or(0.0))
            .collect())
    };
    let count = |c: &str| -> Result<Vec<usize>> {
        Ok(ints(df, c)?
            .into_iter()
            .map(|v| usize::try_from(v.unwrap_or(0)).unwrap_or(0))
            .collect())
    };
    let (composite, cut, m_cut) = (num("composite")?, num("cut")?, num("m_cut")?);
    let (rank, of, m_rank, m_of) = (
        count("rank")?,
        count("of")?,
        count("m_rank")?,
        count("m_of")?,
    );
    let (low, m_low) = (flags(df, "low")?, flags(df, "m_low")?);
    Ok((0..df.height())
        .map(|i| ThresholdRow {
            login: login[i].clone(),
            name: name[i].clone(),
            municipality: municipality[i].clone(),
            stratum: stratum_of(&ids[i]),
            composite: r6(composite[i]),
            region_rank: rank[i],
            region_n: of[i],
            region_cut: r6(cut[i]),
            in_region: low[i],
            municipality_rank: m_rank[i],
            municipality_n: m_of[i],
            municipality_cut: r6(m_cut[i]),
            in_municipality: m_low[i],
        })
        .collect())
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
