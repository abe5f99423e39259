//! First principal component of a correlation matrix (nalgebra's symmetric eigen-decomposition).
use nalgebra::{DMatrix, SymmetricEigen};

/// The eigenvector of the largest eigenvalue of the correlation matrix of `columns` (each a
/// variable over the same n observations), in column order; ties between eigenvalues go to the
/// first. The columns are standardised with population SDs (a constant column becomes zeros) and
/// the correlation is Z'Z / n. None with fewer than 3 observations or 2 variables. The sign of
/// an eigenvector is arbitrary: callers orient it.
pub fn first_component(columns: &[Vec<f64>]) -> Option<Vec<f64>> {
    let p = columns.len();
    let n = columns.first().map_or(0, Vec::len);
    if n < 3 || p < 2 || columns.iter().any(|c| c.len() != n) {
        return None;
    }
    let mut zm = DMatrix::zeros(n, p);
    for (j, column) in columns.iter().enumerate() {
        let (m, sd) = super::mean_sd(column);
        for (i, x) in column.iter().enumerate() {
            zm[(i, j)] = if sd > 0.0 { (x - m) / sd } else { 0.0 };
        }
    }
    let corr = zm.transpose() * &zm / n as f64;
    let eig = SymmetricEigen::new(corr);
    let best = (0..p).max_by(|&a, &b| {
        eig.eigenvalues[a]
            .total_cmp(&eig.eigenvalues[b])
            .then(b.cmp(&a))
    })?;
    Some((0..p).map(|j| eig.eigenvectors[(j, best)]).collect())
}

#[cfg(test)]
mod tests {
    use super::first_component;

    #[test]
    fn two_perfectly_correlated_variables_load_equally() {
        // corr = [[1, 1], [1, 1]]: eigenvalues 2 and 0, first component ±(1, 1)/√2
        let v = first_component(&[vec![1.0, 2.0, 3.0], vec![2.0, 4.0, 6.0]]).unwrap();
        let h = 0.5f64.sqrt();
        assert!((v[0].abs() - h).abs() < 1e-9 && (v[1].abs() - h).abs() < 1e-9);
        assert!(v[0] * v[1] > 0.0);
        // opposed variables load with opposite signs
        let v = first_component(&[vec![1.0, 2.0, 3.0], vec![3.0, 2.0, 1.0]]).unwrap();
        assert!(v[0] * v[1] < 0.0);
        assert!(first_component(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
        assert!(first_component(&[vec![1.0, 2.0, 3.0]]).is_none());
    }
}
