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

/// Which test gave a [`two_prop_test`] p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PropTest {
    /// The pooled two-proportion z-test (normal approximation).
    Z,
    /// Fisher's exact test of the 2 × 2 table.
    Fisher,
}

/// Smallest expected count of a 2 × 2 cell for the normal approximation (Cochran's rule, 1954:
/// every expected count at least 5); below it the exact test is used.
pub const MIN_EXPECTED: f64 = 5.0;

/// Two-sided p of k1/n1 against k2/n2 (METHOD.md §10 «Compare»): the pooled two-proportion z-test
/// when every expected count of the 2 × 2 table under equal shares is at least [`MIN_EXPECTED`],
/// else Fisher's exact test ([`fisher_p`]), with the test used. None when a sample is empty.
pub fn two_prop_test(k1: i64, n1: i64, k2: i64, n2: i64) -> Option<(f64, PropTest)> {
    if n1 <= 0 || n2 <= 0 {
        return None;
    }
    let (n, k) = ((n1 + n2) as f64, (k1 + k2) as f64);
    let expected = [n1 as f64, n2 as f64].map(|m| [m * k / n, m * (n - k) / n]);
    if expected.iter().flatten().all(|&e| e >= MIN_EXPECTED) {
        two_prop_p(k1, n1, k2, n2).map(|p| (p, PropTest::Z))
    } else {
        fisher_p(k1, n1, k2, n2).map(|p| (p, PropTest::Fisher))
    }
}

/// Fisher's exact test of k1/n1 against k2/n2, two-sided: the sum of the hypergeometric
/// probabilities of every table with the same margins that is no more probable than the one
/// observed (relative tolerance 1e-7, as R's `fisher.test`). None when a sample is empty or a
/// count is out of 0..=n.
pub fn fisher_p(k1: i64, n1: i64, k2: i64, n2: i64) -> Option<f64> {
    use statrs::distribution::{Discrete, Hypergeometric};
    if n1 <= 0 || n2 <= 0 || !(0..=n1).contains(&k1) || !(0..=n2).contains(&k2) {
        return None;
    }
    let (n, k, m) = ((n1 + n2) as u64, (k1 + k2) as u64, n1 as u64);
    let h = Hypergeometric::new(n, k, m).ok()?;
    let observed = h.ln_pmf(k1 as u64);
    let lo = (m + k).saturating_sub(n);
    let p: f64 = (lo..=m.min(k))
        .map(|x| h.ln_pmf(x))
        .filter(|&l| l <= observed + 1e-7_f64.ln_1p())
        .map(f64::exp)
        .sum();
    Some(p.min(1.0))
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
    // the upper tail itself (`sf`), not 1 − cdf: that difference is 0 beyond z ≈ 8.3 and loses
    // the digits of every small p-value
    Some(2.0 * normal.sf(z.abs()))
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
    fn fisher_exact_matches_r() {
        // Fisher's tea-tasting table (R's `fisher.test(TeaTasting)`: p = 0.4857)
        assert!((fisher_p(3, 4, 1, 4).unwrap() - 0.485714).abs() < 1e-6);
        // the real ЕАО ЕГЭ 2022 tables a tester checked (физика, Ленинский район; русский язык,
        // Смидовичский район): sums of exact binomial ratios computed apart (Python `math.comb`)
        assert!((fisher_p(4, 7, 19, 87).unwrap() - 0.0583378).abs() < 1e-6);
        assert!((fisher_p(2, 112, 1, 720).unwrap() - 0.0491773).abs() < 1e-6);
        assert_eq!(fisher_p(0, 10, 0, 20), Some(1.0));
        assert_eq!(fisher_p(1, 0, 0, 20), None);
    }

    #[test]
    fn small_expected_counts_take_the_exact_test() {
        // expected «below» in the municipality 7 · 23 / 94 = 1.7 < 5: Fisher
        let (p, t) = two_prop_test(4, 7, 19, 87).unwrap();
        assert_eq!(t, PropTest::Fisher);
        assert!(p > 0.05, "{p}");
        // every expected count ≥ 5: the z-test, as before
        let (p, t) = two_prop_test(30, 100, 10, 150).unwrap();
        assert_eq!((p, t), (two_prop_p(30, 100, 10, 150).unwrap(), PropTest::Z));
    }

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
