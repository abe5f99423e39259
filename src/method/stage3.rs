//! Stage 3 (METHOD.md §3): severity rank within each group, `per_group` picks, then the caps —
//! as polars expressions over the confirmed schools.
//!
//! Severity: pooled share of «2» descending, then quality ascending (a school without quality
//! after those with it), then login. The picks are capped in severity order: at most
//! `stage3.per_municipality` per municipality (0 = no cap; municipality code, else the normalised
//! name), then at most `stage3.total` in all (0 = no cap).
use super::ledger::Fact;
use super::select::SchoolResult;
use crate::config::Config;
use polars::prelude::*;

/// One confirmed school's stage-3 decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// Index of the school in the list given to [`decide`].
    pub school: usize,
    /// Rank within its group (1 = most severe) and the group's size.
    pub rank: u32,
    pub of: u32,
    /// Within `per_group`.
    pub picked: bool,
    /// A pick left out by the municipality cap: its rank among its municipality's picks.
    pub capped_in_municipality: Option<u32>,
    /// A pick left out by the total cap: its rank among the picks kept by the municipality cap.
    pub capped_in_total: Option<u32>,
}

impl Pick {
    pub fn selected(&self) -> bool {
        self.picked && self.capped_in_municipality.is_none() && self.capped_in_total.is_none()
    }
}

/// The confirmed schools (`stage_reached == 3`) as a frame: i (index into `all`), group, share2
/// (0 when unknown), quality (+∞ when unknown), login, municipality (the cap's key).
fn confirmed<'a>(all: &'a [SchoolResult]) -> PolarsResult<DataFrame> {
    let c: Vec<(u32, &SchoolResult)> = all
        .iter()
        .enumerate()
        .filter(|(_, s)| s.stage_reached == 3)
        .map(|(i, s)| (i as u32, s))
        .collect();
    // each distinct municipality name normalised once: a municipality's schools share it
    let mut keys: std::collections::HashMap<&str, String> = Default::default();
    let mut municipality = |s: &'a SchoolResult| -> String {
        if s.municipality_code.is_empty() {
            keys.entry(s.municipality.as_str())
                .or_insert_with_key(|m| crate::input::text::municipality_key(m))
                .clone()
        } else {
            s.municipality_code.clone()
        }
    };
    DataFrame::new_infer_height(vec![
        Column::new("i".into(), c.iter().map(|x| x.0).collect::<Vec<_>>()),
        Column::new(
            "group".into(),
            c.iter()
                .map(|x| x.1.group.clone().unwrap_or_default())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "share2".into(),
            c.iter()
                .map(|x| x.1.share2.unwrap_or(0.0))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "quality".into(),
            c.iter()
                .map(|x| x.1.quality.unwrap_or(f64::INFINITY))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "login".into(),
            c.iter().map(|x| x.1.login.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "municipality".into(),
            c.iter().map(|x| municipality(x.1)).collect::<Vec<String>>(),
        ),
    ])
}

fn by_severity(first: Vec<Expr>) -> (Vec<Expr>, SortMultipleOptions) {
    let mut by = first;
    let mut desc = vec![false; by.len()];
    by.extend([col("share2"), col("quality"), col("login")]);
    desc.extend([true, false, false]);
    (
        by,
        SortMultipleOptions::default().with_order_descending_multi(desc),
    )
}

/// Rank within `over` of a frame sorted by it first (its groups contiguous): row index minus the
/// group's first index, plus one.
fn rank_within(index: &str, over: &str) -> PolarsResult<Expr> {
    Ok(col(index) - col(index).min().over([col(over)])? + lit(1u32))
}

/// Stage 3 decisions of the confirmed schools of `all` (order unspecified; `school` indexes `all`).
pub fn decide(all: &[SchoolResult], cfg: &Config) -> PolarsResult<Vec<Pick>> {
    let s3 = &cfg.stage3;
    let (by, opts) = by_severity(vec![col("group")]);
    let ranked = confirmed(all)?
        .lazy()
        .sort_by_exprs(by, opts)
        .with_row_index("r", None)
        .with_column(rank_within("r", "group")?.alias("rank"))
        .with_columns([
            len().over([col("group")])?.alias("of"),
            col("rank").lt_eq(lit(s3.per_group)).alias("picked"),
        ]);
    let (by, opts) = by_severity(vec![]);
    let picks = ranked
        .clone()
        .filter(col("picked"))
        .sort_by_exprs(by, opts)
        .with_row_index("p", None)
        .sort(["municipality", "p"], SortMultipleOptions::default())
        .with_row_index("m", None)
        .with_column(rank_within("m", "municipality")?.alias("mrank"))
        .with_column(
            (lit(s3.per_municipality > 0).and(col("mrank").gt(lit(s3.per_municipality))))
                .alias("capped_mun"),
        );
    let kept = picks
        .clone()
        .filter(col("capped_mun").not())
        .sort(["p"], SortMultipleOptions::default())
        .with_row_index("q", None)
        .with_column((col("q") + lit(1u32)).alias("pos"))
        .with_column((lit(s3.total > 0).and(col("pos").gt(lit(s3.total)))).alias("capped_total"));
    let df = ranked
        .select([col("i"), col("rank"), col("of"), col("picked")])
        .join(
            picks.select([col("i"), col("mrank"), col("capped_mun")]),
            [col("i")],
            [col("i")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            kept.select([col("i"), col("pos"), col("capped_total")]),
            [col("i")],
            [col("i")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("rank").cast(DataType::UInt32),
            col("of").cast(DataType::UInt32),
            col("mrank").cast(DataType::UInt32),
            col("pos").cast(DataType::UInt32),
        ])
        .collect()?;
    let u = |name: &str| df.column(name).and_then(|c| Ok(c.u32()?.clone()));
    let b = |name: &str| df.column(name).and_then(|c| Ok(c.bool()?.clone()));
    let (i, rank, of, mrank, pos) = (u("i")?, u("rank")?, u("of")?, u("mrank")?, u("pos")?);
    let (picked, capped_mun, capped_total) = (b("picked")?, b("capped_mun")?, b("capped_total")?);
    Ok((0..df.height())
        .map(|k| Pick {
            school: i.get(k).unwrap_or(0) as usize,
            rank: rank.get(k).unwrap_or(0),
            of: of.get(k).unwrap_or(0),
            picked: picked.get(k).unwrap_or(false),
            capped_in_municipality: mrank.get(k).filter(|_| capped_mun.get(k) == Some(true)),
            capped_in_total: pos.get(k).filter(|_| capped_total.get(k) == Some(true)),
        })
        .collect())
}

/// Stage 3: each confirmed school gets its rank in the group, its ledger entries and whether it
/// is selected.
pub fn stage3(all: &mut [SchoolResult], cfg: &Config) -> anyhow::Result<()> {
    let s3 = &cfg.stage3;
    for p in decide(all, cfg)? {
        let s = &mut all[p.school];
        s.rank_in_group = Some(p.rank);
        s.ledger.note(
            3,
            Fact::PerGroup {
                group: s.group.clone().unwrap_or_default(),
                rank: p.rank as usize,
                of: p.of as usize,
                per_group: s3.per_group,
                picked: p.picked,
                below: s.below_min,
            },
        );
        if let Some(rank) = p.capped_in_municipality {
            s.ledger.note(
                3,
                Fact::PerMunicipality {
                    rank,
                    cap: s3.per_municipality,
                },
            );
        }
        if let Some(rank) = p.capped_in_total {
            s.ledger.note(
                3,
                Fact::Total {
                    rank: rank as usize,
                    cap: s3.total,
                },
            );
        }
        s.selected = p.selected();
    }
    Ok(())
}

/// Confirmed schools (stage 3) with neither settlement type nor deficit known, and how many of
/// them are selected: `Some((n, m))` when the quota of their undetermined groups
/// (`stage3.per_group`, METHOD.md stage 3) leaves fewer than all (`m < n`), else `None`.
pub fn undetermined_cut(all: &[SchoolResult]) -> Option<(usize, usize)> {
    let undetermined: Vec<&SchoolResult> = all
        .iter()
        .filter(|s| {
            s.stage_reached == 3
                && s.settlement == crate::model::domain::Settlement::Unknown
                && s.deficit.is_none()
        })
        .collect();
    let n = undetermined.len();
    let m = undetermined.iter().filter(|s| s.selected).count();
    (m < n).then_some((n, m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::Stratum;

    fn confirmed(login: &str, group: &str, share2: f64, municipality: &str) -> SchoolResult {
        let mut s = SchoolResult::new(login, None, Stratum::Regular);
        s.stage_reached = 3;
        s.group = Some(group.into());
        s.share2 = Some(share2);
        s.municipality = municipality.into();
        s
    }

    #[test]
    fn ranks_in_groups_then_municipality_then_total_caps() {
        let mut all = vec![
            confirmed("edu0000004", "B", 0.2, "Второй район"),
            confirmed("edu0000003", "A", 0.3, "Второй район"),
            confirmed("edu0000002", "A", 0.4, "Первый район"),
            confirmed("edu0000001", "A", 0.5, "Первый район"),
            SchoolResult::new("edu0000005", None, Stratum::Regular),
        ];
        let mut cfg = Config::default();
        cfg.stage3.per_group = 3;
        cfg.stage3.per_municipality = 1;
        cfg.stage3.total = 1;
        stage3(&mut all, &cfg).unwrap();
        let by = |login: &str| all.iter().find(|s| s.login == login).unwrap();
        let rules = |login: &str| -> Vec<(String, String)> {
            by(login)
                .ledger
                .0
                .iter()
                .map(|e| (e.rule().to_string(), e.outcome().to_string()))
                .collect()
        };
        assert_eq!(by("edu0000001").rank_in_group, Some(1));
        assert_eq!(by("edu0000002").rank_in_group, Some(2));
        assert_eq!(by("edu0000003").rank_in_group, Some(3));
        assert_eq!(by("edu0000004").rank_in_group, Some(1));
        assert_eq!(by("edu0000005").rank_in_group, None);
        // picks by severity: 1, 2, 3, 4; second in its municipality: 2 and 4; then 3 is second overall
        assert_eq!(rules("edu0000001"), [("per_group".into(), "picked".into())]);
        assert_eq!(
            rules("edu0000002")[1],
            ("per_municipality".into(), "capped".into())
        );
        assert_eq!(
            rules("edu0000004")[1],
            ("per_municipality".into(), "capped".into())
        );
        assert_eq!(rules("edu0000003")[1], ("total".into(), "capped".into()));
        assert_eq!(by("edu0000003").ledger.0[1].numbers().0["rank_overall"], 2);
        let selected: Vec<&str> = all
            .iter()
            .filter(|s| s.selected)
            .map(|s| s.login.as_str())
            .collect();
        assert_eq!(selected, ["edu0000001"]);
        assert!(by("edu0000005").ledger.0.is_empty());
    }
}
