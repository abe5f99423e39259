//! The judged pupils aggregated with polars to per-school results, journal comparison, joint
//! mark–score counts and score histograms.
use super::{Names, Pupils};
use crate::model::schema::{self, col as k};
use crate::model::tables::{append, append_once, shaped};
use crate::model::{Count, Dataset, ResultRow};
use crate::model::{OptCount, Sym};
use anyhow::Result;
use polars::prelude::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn aggregate(
    p: &Pupils,
    year: i32,
    grade: i32,
    subject: &str,
    assessment: &str,
    with_marks: bool,
    file: &str,
    ds: &mut Dataset,
    names: &Names,
) -> Result<()> {
    if p.total.is_empty() {
        return Ok(());
    }
    let df = DataFrame::new_infer_height(vec![
        Column::new("school".into(), &p.school),
        Column::new("mark".into(), &p.mark),
        Column::new("journal".into(), &p.journal),
        Column::new("total".into(), &p.total),
    ])?;
    let as_i64 = |e: Expr| e.cast(DataType::Int64).sum();
    let agg = df
        .clone()
        .lazy()
        .group_by([col("school")])
        .agg([
            len().cast(DataType::Int64).alias("participants"),
            as_i64(col("mark").eq(lit(2))).alias("n2"),
            as_i64(col("mark").eq(lit(3))).alias("n3"),
            as_i64(col("mark").eq(lit(4))).alias("n4"),
            as_i64(col("mark").eq(lit(5))).alias("n5"),
            as_i64(col("mark").lt(col("journal"))).alias("lowered"),
            as_i64(col("mark").eq(col("journal"))).alias("confirmed"),
            as_i64(col("mark").gt(col("journal"))).alias("raised"),
            col("total").mean().alias("mean_score"),
        ])
        .sort(["school"], Default::default())
        .collect()?;
    mark_scores(&df, year, grade, subject, ds)?;
    let hist = df
        .lazy()
        .group_by([col("school"), col("total")])
        .agg([len().cast(DataType::Int64).alias("count")])
        .sort(["school", "total"], Default::default())
        .collect()?;
    let sch = agg.column("school")?.str()?;
    let i64c = |n: &str| -> Result<Vec<i64>> {
        Ok(agg
            .column(n)?
            .i64()?
            .to_vec()
            .into_iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (part, n2, n3, n4, n5) = (
        i64c("participants")?,
        i64c("n2")?,
        i64c("n3")?,
        i64c("n4")?,
        i64c("n5")?,
    );
    let mean = agg.column("mean_score")?.f64()?;
    let source = Sym::from(file);
    let subj = Sym::from(subject);
    let ass = Sym::from(assessment);
    for i in 0..agg.height() {
        let sid = sch.get(i).unwrap_or("").to_string();
        let mun = names
            .get(&sid)
            .map(|(_, m, _)| {
                m.split_once('|')
                    .map(|(_, n)| n.to_string())
                    .unwrap_or(m.clone())
            })
            .unwrap_or_default();
        ds.push_result(ResultRow {
            year,
            school_id: sid.as_str().into(),
            municipality: Sym::from(mun.as_str()),
            assessment: ass.clone(),
            subject: subj.clone(),
            grade,
            participants: part[i] as Count,
            n2: with_marks.then_some(n2[i] as Count).into(),
            n3: with_marks.then_some(n3[i] as Count).into(),
            n4: with_marks.then_some(n4[i] as Count).into(),
            n5: with_marks.then_some(n5[i] as Count).into(),
            reconstructed: false,
            mean_score: mean.get(i).into(),
            high: with_marks.then_some(n5[i] as Count).into(),
            high2: OptCount::NONE,
            source: source.clone(),
            // aggregated from the pupils: no single row (`model::order` says so in its messages)
            line: 0,
        });
    }
    // the procedure's keys beside each school's figures
    let keys = [
        lit(year).alias(k::YEAR),
        col("school").alias(k::SCHOOL_ID),
        lit(subject).alias(k::SUBJECT),
        lit(grade).alias(k::GRADE),
    ];
    // (`shaped` keeps the schema's columns: the journal counts have its names already)
    let t = &mut ds.tables;
    if with_marks {
        let j = agg.lazy().with_columns(keys.clone());
        append(&mut t.journal, j.collect()?, &schema::journal())?;
    }
    let h = hist.lazy().with_columns(keys);
    let h = h.with_column(col("total").alias(k::SCORE));
    let s = schema::histograms();
    append_once(&mut t.histograms, h.collect()?, &s, &mut t.repeated)?;
    Ok(())
}

/// The joint (school mark, primary score) counts of the pupils with a school mark, per school:
/// rows of the `mark_scores` frame (for Spearman's r_s of the ФИОКО markers).
pub(super) fn mark_scores(
    df: &DataFrame,
    year: i32,
    grade: i32,
    subject: &str,
    ds: &mut Dataset,
) -> Result<()> {
    let joint = df
        .clone()
        .lazy()
        .filter(col("journal").is_not_null())
        .group_by([col("school"), col("journal"), col("total")])
        .agg([len().cast(DataType::Int64).alias("count")])
        .sort(["school", "journal", "total"], Default::default())
        .collect()?;
    let df = joint.lazy().select([
        lit(year).alias(k::YEAR),
        col("school").alias(k::SCHOOL_ID),
        lit(subject).alias(k::SUBJECT),
        lit(grade).alias(k::GRADE),
        col("journal").alias(k::SCHOOL_MARK),
        col("total").alias(k::SCORE),
        col("count").alias(k::COUNT),
    ]);
    let s = schema::mark_scores();
    // a repeat is counted once, with the histogram it comes with
    let mut repeated = crate::model::tables::RepeatedGroups::default();
    append_once(
        &mut ds.tables.mark_scores,
        shaped(df, &s)?,
        &s,
        &mut repeated,
    )
}
