//! Small statistics no crate covers exactly, tested against textbook numbers.

/// z for a two-sided 95 % interval (METHOD.md §10).
pub const Z95: f64 = 1.959964;

/// Population mean and standard deviation (divide by n) of `v`, summed in order; NaN when empty.
pub fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n).sqrt(),
    )
}

/// Wilson score interval for k successes out of n.
pub fn wilson(k: f64, n: f64, z: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt()) / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Pooled two-proportion z-test of k1/n1 against k2/n2: the two-sided p (METHOD.md §10
/// «Compare»); none when a sample is empty, 1 when both shares are 0 or both 1.
pub fn two_prop_p(k1: i64, n1: i64, k2: i64, n2: i64) -> Option<f64> {
    use statrs::distribution::{ContinuousCDF, Normal};
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let p = (k1 + k2) as f64 / (n1 + n2) as f64;
    let se = (p * (1.0 - p) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        return Some(1.0);
    }
    let z = (k1 as f64 / n1 as f64 - k2 as f64 / n2 as f64) / se;
    let normal = Normal::standard();
    Some(2.0 * (1.0 - normal.cdf(z.abs())))
}

/// Linear-interpolated quantile (type 7: h = (n − 1) q) of sorted values.
pub fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_textbook() {
        // Newcombe (1998), example: 81 of 263 → 0.2553 … 0.3662
        let (lo, hi) = wilson(81.0, 263.0, Z95);
        assert!((lo - 0.2553).abs() < 5e-4, "{lo}");
        assert!((hi - 0.3662).abs() < 5e-4, "{hi}");
        // 0 of 10 → 0 … 0.2775
        let (lo, hi) = wilson(0.0, 10.0, Z95);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 5e-4, "{hi}");
    }

    #[test]
    fn two_proportion_test_textbook() {
        // 45/100 vs 30/100: pooled p = 0.375, SE = 0.068465, z = 2.1909, two-sided p = 0.0285
        let p = two_prop_p(45, 100, 30, 100).unwrap();
        assert!((p - 0.0285).abs() < 5e-4, "{p}");
        assert_eq!(two_prop_p(0, 10, 0, 20), Some(1.0));
        assert_eq!(two_prop_p(1, 0, 0, 20), None);
    }

    #[test]
    fn quantile_type7() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert!((quantile_sorted(&v, 0.75) - 3.25).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.2) - 1.6).abs() < 1e-12);
    }
}
pub mod kmeans;
pub mod ols;
pub mod pca;
