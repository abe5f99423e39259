//! Deterministic k-means++ (seeded ChaCha) with Lloyd iterations.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn d2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Cluster `points` into `k` groups; returns the label of each point and the centres.
pub fn kmeans(points: &[Vec<f64>], k: usize, seed: u64) -> (Vec<usize>, Vec<Vec<f64>>) {
    let n = points.len();
    if n == 0 || k == 0 {
        return (vec![], vec![]);
    }
    let k = k.min(n);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut centres = vec![points[rng.random_range(0..n)].clone()];
    while centres.len() < k {
        let dist: Vec<f64> = points
            .iter()
            .map(|p| {
                centres
                    .iter()
                    .map(|c| d2(p, c))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        let total: f64 = dist.iter().sum();
        if total == 0.0 {
            centres.push(points[centres.len() % n].clone());
            continue;
        }
        let mut target = rng.random::<f64>() * total;
        let mut pick = n - 1;
        for (i, d) in dist.iter().enumerate() {
            if target < *d {
                pick = i;
                break;
            }
            target -= d;
        }
        centres.push(points[pick].clone());
    }
    let mut labels = vec![0; n];
    for _ in 0..300 {
        let mut changed = false;
        for (i, p) in points.iter().enumerate() {
            let best = (0..k)
                .min_by(|&a, &b| {
                    d2(p, &centres[a])
                        .total_cmp(&d2(p, &centres[b]))
                        .then(a.cmp(&b))
                })
                .unwrap();
            if labels[i] != best {
                labels[i] = best;
                changed = true;
            }
        }
        for (c, centre) in centres.iter_mut().enumerate() {
            let members: Vec<&Vec<f64>> = points
                .iter()
                .zip(&labels)
                .filter(|(_, l)| **l == c)
                .map(|(p, _)| p)
                .collect();
            if members.is_empty() {
                continue;
            }
            for (d, v) in centre.iter_mut().enumerate() {
                *v = members.iter().map(|m| m[d]).sum::<f64>() / members.len() as f64;
            }
        }
        if !changed {
            break;
        }
    }
    (labels, centres)
}

/// Population z-scores of one column.
pub fn zscores(v: &[f64]) -> Vec<f64> {
    let (m, sd) = super::mean_sd(v);
    v.iter()
        .map(|x| if sd > 0.0 { (x - m) / sd } else { 0.0 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_separated_blobs_are_found_whatever_the_seed() {
        let mut pts = Vec::new();
        for (cx, cy) in [(0.0, 0.0), (10.0, 10.0), (0.0, 10.0)] {
            for i in 0..5 {
                pts.push(vec![cx + 0.1 * i as f64, cy - 0.1 * i as f64]);
            }
        }
        for seed in [1, 42, 7] {
            let (labels, centres) = kmeans(&pts, 3, seed);
            for b in 0..3 {
                let l = labels[b * 5];
                assert!(labels[b * 5..b * 5 + 5].iter().all(|x| *x == l));
            }
            let mut cx: Vec<(i64, i64)> = centres
                .iter()
                .map(|c| ((c[0] * 10.0).round() as i64, (c[1] * 10.0).round() as i64))
                .collect();
            cx.sort();
            assert_eq!(cx, vec![(2, -2), (2, 98), (102, 98)]);
        }
    }

    #[test]
    fn same_seed_same_labels() {
        let pts: Vec<Vec<f64>> = (0..40)
            .map(|i| vec![(i * 37 % 11) as f64, (i * 13 % 7) as f64])
            .collect();
        assert_eq!(kmeans(&pts, 3, 5), kmeans(&pts, 3, 5));
    }
}
