//! Data-driven clusters (`cluster.method = "kmeans"`, METHOD.md §2).
use super::ledger::Fact;
use super::select::SchoolResult;
use crate::config::Config;
use crate::input::report::Warnings;
use crate::model::domain::Cluster;
use crate::model::warning::WarningCode;

/// `cluster.method = "kmeans"`: k = 3 on population z-scores of (share2, quality), k-means++ seeded
/// with `cluster.seed`; clusters named by descending mean share2. Schools without quality keep the rule;
/// with fewer than 6 schools of quality every school keeps it (a counted warning).
pub fn kmeans_clusters(all: &mut [SchoolResult], cfg: &Config, warnings: &mut Warnings) {
    let idx: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].stage_reached == 3 && all[i].quality.is_some())
        .collect();
    if idx.len() < 3 {
        warnings.add(WarningCode::KmeansTooFew, idx.len().to_string());
        return;
    }
    // fewer than two schools a cluster: each would be a «cluster» of its own, named by its order
    // only (fresh-eyes run 13: 25,9 % «2» called «базово неуспевающие» among three schools)
    if idx.len() < 2 * 3 {
        warnings.add(WarningCode::KmeansFew, idx.len().to_string());
        return;
    }
    let zs = crate::stats::kmeans::zscores(
        &idx.iter()
            .map(|&i| all[i].share2.unwrap_or(0.0))
            .collect::<Vec<_>>(),
    );
    let zq = crate::stats::kmeans::zscores(
        &idx.iter()
            .map(|&i| all[i].quality.unwrap())
            .collect::<Vec<_>>(),
    );
    let pts: Vec<Vec<f64>> = zs.iter().zip(&zq).map(|(a, b)| vec![*a, *b]).collect();
    let (labels, _) = crate::stats::kmeans::kmeans(&pts, 3, cfg.cluster.seed);
    let mut mean: Vec<(f64, usize)> = (0..3)
        .map(|c| {
            let v: Vec<f64> = idx
                .iter()
                .zip(&labels)
                .filter(|(_, l)| **l == c)
                .map(|(&i, _)| all[i].share2.unwrap_or(0.0))
                .collect();
            (
                if v.is_empty() {
                    f64::NEG_INFINITY
                } else {
                    v.iter().sum::<f64>() / v.len() as f64
                },
                c,
            )
        })
        .collect();
    mean.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let names = Cluster::ALL;
    for (j, &i) in idx.iter().enumerate() {
        let pos = mean.iter().position(|m| m.1 == labels[j]).unwrap();
        let name = names[pos];
        let s = &mut all[i];
        let old = s.cluster.map_or("", Cluster::label);
        s.cluster = Some(name);
        if let Some(g) = &s.group {
            s.group = Some(g.replacen(old, name.label(), 1));
        }
        s.ledger.note(
            2,
            Fact::ClusterKmeans {
                z_share2: pts[j][0],
                z_quality: pts[j][1],
                cluster_mean_share2: mean[pos].0,
                seed: cfg.cluster.seed,
                cluster: name,
                below: s.below_min,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::Stratum;

    /// `n` confirmed schools with quality, shares 0.40, 0.35, … («сильно» or «умеренно» by rule).
    fn confirmed(n: usize) -> Vec<SchoolResult> {
        (0..n)
            .map(|i| {
                let mut s = SchoolResult::new(&format!("edu{i}"), None, Stratum::Regular);
                s.stage_reached = 3;
                s.share2 = Some(0.40 - 0.05 * i as f64);
                s.quality = Some(0.2 + 0.05 * i as f64);
                s.cluster = Some(Cluster::ALL[usize::from(i > 1)]);
                s
            })
            .collect()
    }

    /// Fresh-eyes run 13: k-means on three confirmed schools made each its own «cluster», the
    /// third (25,9 % «2») «базово неуспевающие»; under six schools the rule clusters are kept.
    #[test]
    fn kmeans_keeps_the_rule_clusters_under_two_schools_a_cluster() {
        let cfg = Config::default();
        for n in [3, 5] {
            let mut all = confirmed(n);
            let before: Vec<_> = all.iter().map(|s| s.cluster).collect();
            let mut w = Warnings::default();
            kmeans_clusters(&mut all, &cfg, &mut w);
            assert_eq!(all.iter().map(|s| s.cluster).collect::<Vec<_>>(), before);
            assert_eq!(w.0[&WarningCode::KmeansFew].count, 1, "{n}");
        }
        let mut all = confirmed(6);
        let mut w = Warnings::default();
        kmeans_clusters(&mut all, &cfg, &mut w);
        assert!(w.is_empty());
        assert!(all.iter().any(|s| s.cluster == Some(Cluster::ALL[2])));
    }
}
