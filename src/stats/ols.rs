//! Ordinary least squares with standard errors, t and p values (statrs Student's t).
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, StudentsT};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Coef {
    pub term: String,
    pub estimate: f64,
    pub std_error: f64,
    pub t: f64,
    pub p: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Fit {
    pub coefficients: Vec<Coef>,
    pub r2: f64,
    pub n: usize,
    pub p: usize,
    pub sigma: f64,
    #[serde(skip)]
    pub fitted: Vec<f64>,
    #[serde(skip)]
    pub residuals: Vec<f64>,
}

/// Fit y = X b (X holds the intercept column if wanted). Errors when n ≤ p or X'X is singular.
pub fn ols(terms: &[String], x: &[Vec<f64>], y: &[f64]) -> Result<Fit, String> {
    let n = y.len();
    let p = terms.len();
    if n <= p {
        return Err(format!(
            "{n} observations for {p} terms: a regression needs more observations than terms"
        ));
    }
    let xm = DMatrix::from_fn(n, p, |i, j| x[i][j]);
    let yv = DVector::from_column_slice(y);
    let xtx = xm.transpose() * &xm;
    let inv = xtx
        .clone()
        .try_inverse()
        .ok_or("the terms are collinear (X'X is singular)")?;
    let b = &inv * xm.transpose() * &yv;
    let fitted = &xm * &b;
    let resid = &yv - &fitted;
    let ssr = resid.dot(&resid);
    let mean = y.iter().sum::<f64>() / n as f64;
    let sst: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    let df = (n - p) as f64;
    let s2 = ssr / df;
    let t_dist = StudentsT::new(0.0, 1.0, df).map_err(|e| e.to_string())?;
    let coefficients = (0..p)
        .map(|j| {
            let se = (s2 * inv[(j, j)]).sqrt();
            let t = b[j] / se;
            Coef {
                term: terms[j].clone(),
                estimate: b[j],
                std_error: se,
                t,
                p: 2.0 * (1.0 - t_dist.cdf(t.abs())),
            }
        })
        .collect();
    Ok(Fit {
        coefficients,
        r2: if sst > 0.0 { 1.0 - ssr / sst } else { 0.0 },
        n,
        p,
        sigma: s2.sqrt(),
        fitted: fitted.iter().copied().collect(),
        residuals: resid.iter().copied().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_simple_regression() {
        // x = 1..5, y = 2, 4, 5, 4, 5: b1 = 0.6, b0 = 2.2, R² = 0.6, SE(b1) = sqrt(0.8/10) … by hand
        let x: Vec<Vec<f64>> = (1..=5).map(|v| vec![1.0, v as f64]).collect();
        let y = [2.0, 4.0, 5.0, 4.0, 5.0];
        let f = ols(&["intercept".into(), "x".into()], &x, &y).unwrap();
        assert!((f.coefficients[0].estimate - 2.2).abs() < 1e-9);
        assert!((f.coefficients[1].estimate - 0.6).abs() < 1e-9);
        assert!((f.r2 - 0.6).abs() < 1e-9);
        // SSR = 2.4, s² = 0.8, Sxx = 10 → SE(b1) = sqrt(0.08)
        assert!((f.coefficients[1].std_error - 0.08f64.sqrt()).abs() < 1e-9);
        // SE(b0) = sqrt(s² (1/n + x̄²/Sxx)) = sqrt(0.8 × (0.2 + 0.9))
        assert!((f.coefficients[0].std_error - (0.8f64 * 1.1).sqrt()).abs() < 1e-9);
        // t(b1) = 0.6 / 0.28284 = 2.1213, df 3: two-sided p = 0.1240
        assert!(
            (f.coefficients[1].p - 0.1240).abs() < 5e-4,
            "{}",
            f.coefficients[1].p
        );
    }

    #[test]
    fn two_regressors_exact_fit() {
        // y = 1 + 2 a − 3 b exactly
        let rows = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (2.0, 1.0), (1.0, 3.0)];
        let x: Vec<Vec<f64>> = rows.iter().map(|(a, b)| vec![1.0, *a, *b]).collect();
        let y: Vec<f64> = rows.iter().map(|(a, b)| 1.0 + 2.0 * a - 3.0 * b).collect();
        let f = ols(&["i".into(), "a".into(), "b".into()], &x, &y).unwrap();
        assert!((f.coefficients[1].estimate - 2.0).abs() < 1e-9);
        assert!((f.coefficients[2].estimate + 3.0).abs() < 1e-9);
        assert!((f.r2 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_observations() {
        assert!(ols(
            &["i".into(), "x".into()],
            &[vec![1.0, 1.0], vec![1.0, 2.0]],
            &[1.0, 2.0]
        )
        .is_err());
    }
}
