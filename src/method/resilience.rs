//! Resilient schools and context-adjusted results (METHOD.md §5, §10): the window's pooled
//! figures per school as a polars group-by of `results` joined with `schools`, results scores and
//! their top quantile per region as window expressions; the OLS is `stats::ols`.
use super::frame::{flags, floats, left_join, opt_texts, texts, with_region_of, REGION};
use super::index::IndexResult;
use super::procedures::{window, PooledSums};
use crate::config::Config;
use crate::error::data;
use crate::input::report::Warnings;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::warning::WarningCode;
use crate::output::r6;
use crate::stats::ols::{ols, Fit};
use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

pub const RESILIENT: &str = "резильентная";
pub const ABOVE: &str = "выше ожидаемого";
pub const BELOW: &str = "ниже ожидаемого";

#[derive(Debug, Clone, Serialize)]
pub struct ResilienceRow {
    pub login: String,
    pub school_id: String,
    pub region: String,
    pub share2: f64,
    pub quality: Option<f64>,
    /// Results score: −share2 standardised (population SD) within the region.
    pub actual: f64,
    pub expected: Option<f64>,
    pub residual: Option<f64>,
    pub index: Option<f64>,
    pub index_group: Option<u32>,
    pub top_quartile: bool,
    pub labels: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resilience {
    pub year: i32,
    pub window: Vec<i32>,
    /// OLS per region.
    pub models: BTreeMap<String, Fit>,
    pub schools: Vec<ResilienceRow>,
    pub warnings: Warnings,
}

/// Pooled figures over the selection window of each school with a result row in `year` and
/// participants in the window (METHOD.md §10 «Pooled share2 and quality»: sums over the window's
/// procedures with a known `n2`, in `stage1.assessments`, with at least `min_participants`;
/// quality over those with every mark count), with its registry login, settlement and
/// enrollment; sorted by (region, school_id). Columns: school_id, region, login, share2,
/// quality, settlement, enrollment. `sums`: the window's [`PooledSums`] with the schools active
/// in `year`.
fn pooled(f: &Frames, sums: &PooledSums) -> Result<DataFrame> {
    let ratio = |a: &str, b: &str| col(a).cast(DataType::Float64) / col(b).cast(DataType::Float64);
    let registry = f.schools.clone().lazy().select([
        col(k::SCHOOL_ID),
        col(k::LOGIN),
        col(k::SETTLEMENT),
        col(k::ENROLLMENT),
    ]);
    let df = sums
        .df
        .clone()
        .lazy()
        .filter(col("active").and(col("part").gt(lit(0i64))))
        .select([
            col(k::SCHOOL_ID),
            col("part"),
            col("n2"),
            col("qpart"),
            col("q45"),
        ])
        .with_columns([
            ratio("n2", "part").alias("share2"),
            when(col("qpart").gt(lit(0i64)))
                .then(ratio("q45", "qpart"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("quality"),
        ]);
    let df = left_join(df, registry, &[k::SCHOOL_ID])
        .with_column(coalesce(&[col(k::LOGIN), col(k::SCHOOL_ID)]).alias(k::LOGIN))
        .collect()?;
    Ok(with_region_of(df, k::SCHOOL_ID, &f.regions)?
        .lazy()
        .sort([REGION, k::SCHOOL_ID], Default::default())
        .collect()?)
}

/// The window's pooled sums of `year` under `cfg`, with the schools active in `year`: what
/// [`compute_with_sums`] reads.
pub fn sums(f: &Frames, cfg: &Config, year: i32) -> Result<PooledSums> {
    Ok(PooledSums::new(
        &f.results,
        &window(cfg, year),
        Some(year),
        cfg,
    )?)
}

/// Population z-scores of `e` within each region; all 0 in a region where `e` is constant.
fn standardised(e: Expr) -> PolarsResult<Expr> {
    let mean = e.clone().mean().over([col(REGION)])?;
    let dev = e.clone() - mean.clone();
    let n = e
        .clone()
        .count()
        .cast(DataType::Float64)
        .over([col(REGION)])?;
    let sd = ((dev.clone() * dev).sum().over([col(REGION)])? / n).sqrt();
    Ok(when(sd.clone().gt(lit(0.0)))
        .then((e - mean) / sd)
        .otherwise(lit(0.0)))
}

/// The results score of each pooled school (METHOD.md §5, §10): −share2 standardised within its
/// region, or with `quality_weight` > 0 the standardised blend with standardised quality
/// (a school without quality counts 0); and whether it reaches the region's type-7
/// `top_quantile` of the score.
fn scored(pooled: DataFrame, cfg: &Config) -> Result<DataFrame> {
    let qw = cfg.resilience.quality_weight;
    let mut score = standardised(col("share2") * lit(-1.0))?;
    if qw > 0.0 {
        let zq = standardised(col("quality").fill_null(lit(0.0)))?;
        score = standardised(lit(1.0 - qw) * score + lit(qw) * zq)?;
    }
    let top = col("score").quantile(lit(cfg.resilience.top_quantile), QuantileMethod::Linear);
    Ok(pooled
        .lazy()
        .with_column(score.alias("score"))
        .with_column(col("score").gt_eq(top.over([col(REGION)])?).alias("top"))
        .collect()?)
}

/// The pooled schools, their results scores, the regression of the scores on the index per
/// region and each school's labels (METHOD.md §5). Errors (as a data error) when no school has a
/// pooled share below the minimum in the window.
pub fn compute(f: &Frames, cfg: &Config, index: &IndexResult, year: i32) -> Result<Resilience> {
    compute_with_sums(f, cfg, index, year, &sums(f, cfg, year)?)
}

/// [`compute`] with the window's pooled sums ([`sums`]; a selection's context shares them with
/// the stages).
pub fn compute_with_sums(
    f: &Frames,
    cfg: &Config,
    index: &IndexResult,
    year: i32,
    sums: &PooledSums,
) -> Result<Resilience> {
    let marked = super::procedures::years_with_marks(&f.results, &window(cfg, year))?;
    compute_scored(cfg, (index, year, &marked), scored_sums(f, cfg, sums)?)
}

/// The pooled schools of the window's `sums` with their results scores, sorted by (region,
/// school_id): the part of the resilience that does not read the index (a selection's context
/// makes it beside the index; [`compute_scored`] reads it). Errors: frames without their
/// declared columns (a bug).
pub fn scored_sums(f: &Frames, cfg: &Config, sums: &PooledSums) -> Result<DataFrame> {
    scored(pooled(f, sums)?, cfg)
}

/// [`compute_with_sums`] with the scored schools of [`scored_sums`]; `marked`: the years of
/// `year`'s window with marks (`procedures::years_with_marks`, ascending).
pub fn compute_scored(
    cfg: &Config,
    (index, year, marked): (&IndexResult, i32, &[i32]),
    df: DataFrame,
) -> Result<Resilience> {
    // the window reported is the years with marks (as the selection's), else the configured one
    let window = match marked {
        [] => window(cfg, year),
        used => used.to_vec(),
    };
    let regions = texts(&df, REGION)?;
    let schools = Schools {
        sid: texts(&df, k::SCHOOL_ID)?,
        login: texts(&df, k::LOGIN)?,
        share2: floats(&df, "share2")?,
        quality: floats(&df, "quality")?,
        score: floats(&df, "score")?,
        top: flags(&df, "top")?,
        settlement: opt_texts(&df, k::SETTLEMENT)?,
        enrollment: floats(&df, k::ENROLLMENT)?,
    };
    // each region's model apart (none reads another's), side by side; their rows and warnings
    // put together in region order, as one pass over the regions gives them
    let fitted: Vec<RegionFit> = region_runs(&regions)
        .into_par_iter()
        .map(|range| {
            let (mut warnings, mut out) = (Warnings::default(), Vec::with_capacity(range.len()));
            let region = &regions[range.start];
            let fit = region_model(&schools, range, index, region, cfg, &mut warnings, &mut out);
            (region.clone(), fit, warnings, out)
        })
        .collect();
    let mut warnings = Warnings::default();
    let mut models = BTreeMap::new();
    let mut out = Vec::with_capacity(df.height());
    for (region, fit, w, rows) in fitted {
        warnings.merge(w);
        out.extend(rows);
        if let Some(f) = fit {
            models.insert(region, f);
        }
    }
    if out.is_empty() {
        return Err(data(format!(
            "no school has a pooled share below the minimum in {}: nothing to model",
            super::procedures::window_label(&window)
        )));
    }
    out.sort_by(|a, b| a.school_id.cmp(&b.school_id));
    Ok(Resilience {
        year,
        window,
        models,
        schools: out,
        warnings,
    })
}

/// One region's model (`None`: not fitted), warnings and rows ([`region_model`]).
type RegionFit = (String, Option<Fit>, Warnings, Vec<ResilienceRow>);

/// The runs of equal regions of `regions` (in region order), as row ranges, in order.
fn region_runs(regions: &[String]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < regions.len() {
        let end = start
            + regions[start..]
                .iter()
                .take_while(|r| **r == regions[start])
                .count();
        runs.push(start..end);
        start = end;
    }
    runs
}

/// The scored schools' columns, in (region, school_id) order.
struct Schools {
    sid: Vec<String>,
    login: Vec<String>,
    share2: Vec<Option<f64>>,
    quality: Vec<Option<f64>>,
    score: Vec<Option<f64>>,
    top: Vec<bool>,
    settlement: Vec<Option<String>>,
    enrollment: Vec<Option<f64>>,
}

/// The OLS of one region's scores on the index (+ village dummy, ln enrollment when every
/// indexed school has them and they vary; METHOD.md §10 «Results population»), rounded for the
/// report, and the region's rows (pushed onto `out`).
fn region_model(
    s: &Schools,
    range: std::ops::Range<usize>,
    index: &IndexResult,
    region: &str,
    cfg: &Config,
    warnings: &mut Warnings,
    out: &mut Vec<ResilienceRow>,
) -> Option<Fit> {
    // the region's schools ascend by id, as the index's rows do: one merge, not a search each
    let rows: Vec<Option<&super::index::IndexRow>> = super::procedures::find_sorted(
        &index.schools,
        |r| r.school_id.as_str(),
        s.sid[range.clone()].iter().map(String::as_str),
    );
    let at = |j: usize| range.start + j;
    // the region's schools with an index, by their place in `range`
    let idx: Vec<usize> = (0..range.len())
        .filter(|&j| rows[j].and_then(|r| r.index).is_some())
        .collect();
    let fit = if idx.is_empty() {
        warnings.add(WarningCode::NoIndexNoRegression, region.to_string());
        None
    } else {
        let places: Vec<usize> = idx.iter().map(|&j| at(j)).collect();
        let (terms, x) = design(s, &places, &rows, &idx, region, warnings);
        let y: Vec<f64> = places
            .iter()
            .map(|&i| s.score[i].unwrap_or(f64::NAN))
            .collect();
        match ols(&terms, &x, &y) {
            Ok(f) => Some(f),
            Err(e) => {
                warnings.add(
                    WarningCode::RegressionNotFitted,
                    format!("регион {region}: {e}"),
                );
                None
            }
        }
    };
    let mut resid: Vec<Option<(f64, f64)>> = vec![None; range.len()];
    if let Some(f) = &fit {
        for (n, &j) in idx.iter().enumerate() {
            resid[j] = Some((f.fitted[n], f.residuals[n] / f.sigma));
        }
    }
    for (j, ir) in rows.iter().enumerate() {
        out.push(school_row(s, at(j), *ir, resid[j], region, cfg));
    }
    fit.map(rounded)
}

/// The model's terms and design matrix over the schools at `places` (their index rows
/// `rows[idx[n]]`): intercept and index, then the village dummy and ln enrollment when every
/// such school has them and they vary (else a counted warning naming the term and region).
fn design(
    s: &Schools,
    places: &[usize],
    rows: &[Option<&super::index::IndexRow>],
    idx: &[usize],
    region: &str,
    warnings: &mut Warnings,
) -> (Vec<String>, Vec<Vec<f64>>) {
    let village: Vec<Option<f64>> = places
        .iter()
        .map(|&i| {
            s.settlement[i]
                .as_deref()
                .map(|x| if x == "село" { 1.0 } else { 0.0 })
        })
        .collect();
    let lnenr: Vec<Option<f64>> = places
        .iter()
        .map(|&i| s.enrollment[i].filter(|e| *e > 0.0).map(f64::ln))
        .collect();
    let use_v = usable(&village, "село", region, warnings);
    let use_e = usable(&lnenr, "ln(численность)", region, warnings);
    let mut terms = vec!["intercept".to_string(), "index".to_string()];
    if use_v {
        terms.push("село".into());
    }
    if use_e {
        terms.push("ln(численность)".into());
    }
    let x = idx
        .iter()
        .enumerate()
        .map(|(n, &j)| {
            let mut row = vec![1.0, rows[j].and_then(|r| r.index).unwrap_or(f64::NAN)];
            if use_v {
                row.push(village[n].unwrap_or(f64::NAN));
            }
            if use_e {
                row.push(lnenr[n].unwrap_or(f64::NAN));
            }
            row
        })
        .collect();
    (terms, x)
}

/// Whether a term `name` enters region `region`'s model: every school has it and it varies;
/// else a counted warning (missing or constant) and false.
fn usable(v: &[Option<f64>], name: &str, region: &str, warnings: &mut Warnings) -> bool {
    let Some(f) = v.iter().copied().collect::<Option<Vec<f64>>>() else {
        warnings.add(
            WarningCode::OlsTermMissing,
            format!("{name} (регион {region})"),
        );
        return false;
    };
    if f.iter().all(|x| (x - f[0]).abs() < 1e-12) {
        warnings.add(
            WarningCode::OlsTermConstant,
            format!("{name} (регион {region})"),
        );
        return false;
    }
    true
}

/// School `i`'s row: its figures, the model's expected score and standardised residual
/// (`resid`, when fitted) and its labels — resilient (ШНСУ in the top quartile), above or below
/// expectation by `resilience.residual_sd`.
fn school_row(
    s: &Schools,
    i: usize,
    ir: Option<&super::index::IndexRow>,
    resid: Option<(f64, f64)>,
    region: &str,
    cfg: &Config,
) -> ResilienceRow {
    let top = s.top[i];
    let mut labels = Vec::new();
    if ir.is_some_and(|r| r.shnsu == Some(true)) && top {
        labels.push(RESILIENT);
    }
    let (expected, residual) = (resid.map(|r| r.0), resid.map(|r| r.1));
    if let Some(r) = residual {
        if r >= cfg.resilience.residual_sd {
            labels.push(ABOVE);
        } else if r <= -cfg.resilience.residual_sd {
            labels.push(BELOW);
        }
    }
    ResilienceRow {
        login: s.login[i].clone(),
        school_id: s.sid[i].clone(),
        region: region.to_string(),
        share2: r6(s.share2[i].unwrap_or(f64::NAN)),
        quality: s.quality[i].map(r6),
        actual: r6(s.score[i].unwrap_or(f64::NAN)),
        expected: expected.map(r6),
        residual: residual.map(r6),
        index: ir.and_then(|r| r.index),
        index_group: ir.and_then(|r| r.index_group),
        top_quartile: top,
        labels,
    }
}

/// The fit rounded for the report (6 decimals).
fn rounded(mut f: Fit) -> Fit {
    for c in f.coefficients.iter_mut() {
        c.estimate = r6(c.estimate);
        c.std_error = r6(c.std_error);
        c.t = r6(c.t);
        c.p = r6(c.p);
    }
    f.r2 = r6(f.r2);
    f.sigma = r6(f.sigma);
    f
}

/// The chart line of the results score on ИСБШ alone (simple least squares over the schools
/// with an index, all regions together), as its two ends at the smallest and largest index:
/// `[(index, score); 2]`. `None` with fewer than two distinct indices. The model itself
/// ([`compute`]) has more terms; this is the line a reader sees through the scatter.
pub fn index_line(r: &Resilience) -> Option<[(f64, f64); 2]> {
    let pts: Vec<(f64, f64)> = r
        .schools
        .iter()
        .filter_map(|s| Some((s.index?, s.actual)))
        .collect();
    let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
    let ((mx, sx), (my, _)) = (crate::stats::mean_sd(&xs), crate::stats::mean_sd(&ys));
    if pts.len() < 2 || sx <= 0.0 {
        return None;
    }
    let sxy: f64 = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let slope = sxy / sxx;
    let at = |x: f64| (x, my + slope * (x - mx));
    let (lo, hi) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
    Some([at(lo), at(hi)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dataset, ResultRow};

    #[test]
    fn pooled_over_the_window_and_scored_within_the_region() {
        let mut ds = Dataset::default();
        let mut rows = Vec::new();
        for (y, sid, n, n2) in [
            (2024, "edu220001", 20, 2),
            (2023, "edu220001", 20, 6),
            (2022, "edu220001", 20, 20), // outside the two-year window
            (2024, "edu220002", 10, 5),
            (2024, "edu220003", 4, 4), // below min_participants: no pooled share
            (2023, "edu220004", 10, 1), // no row in the year
            (2024, "edu990001", 10, 1),
        ] {
            rows.push(ResultRow::for_test(y, sid, "математика", n, n2));
        }
        ds.set_results(&rows);
        let f = crate::model::frames::build(&ds).unwrap();
        let cfg = Config::default();
        let p = pooled(&f, &sums(&f, &cfg, 2024).unwrap()).unwrap();
        assert_eq!(
            texts(&p, k::SCHOOL_ID).unwrap(),
            ["edu220001", "edu220002", "edu990001"]
        );
        assert_eq!(
            floats(&p, "share2").unwrap(),
            [Some(0.2), Some(0.5), Some(0.1)]
        );
        // for_test rows have n4 = n5 = 0: quality 0
        assert_eq!(floats(&p, "quality").unwrap()[0], Some(0.0));
        let s = scored(p, &cfg).unwrap();
        let score: Vec<f64> = floats(&s, "score").unwrap().into_iter().flatten().collect();
        // region 22: −0.2 and −0.5 standardised are +1 and −1; region 99 alone: 0
        let expected = [1.0, -1.0, 0.0];
        assert!(
            score
                .iter()
                .zip(expected)
                .all(|(a, b)| (a - b).abs() < 1e-12),
            "{score:?}"
        );
        // top quartile: q75 of (−1, 1) is 0.5
        assert_eq!(flags(&s, "top").unwrap(), [true, false, true]);
    }

    #[test]
    fn the_index_line_passes_through_a_straight_cloud() {
        let row = |i: f64, a: f64| ResilienceRow {
            login: String::new(),
            school_id: String::new(),
            region: "99".into(),
            share2: 0.1,
            quality: None,
            actual: a,
            expected: None,
            residual: None,
            index: Some(i),
            index_group: None,
            top_quartile: false,
            labels: vec![],
        };
        let r = Resilience {
            year: 2025,
            window: vec![2025],
            models: BTreeMap::new(),
            schools: vec![row(0.0, 1.0), row(1.0, 3.0), row(2.0, 5.0)],
            warnings: Warnings::default(),
        };
        let [a, b] = index_line(&r).unwrap();
        assert!((a.0 - 0.0).abs() < 1e-12 && (a.1 - 1.0).abs() < 1e-12);
        assert!((b.0 - 2.0).abs() < 1e-12 && (b.1 - 5.0).abs() < 1e-12);
    }
}
