//! Small helpers for the methods that run on the canonical frames (`model::schema`): a left join
//! that keeps the left row order, the region key, and reading a result frame's columns into the
//! typed structs the commands render.
use polars::prelude::*;

/// Name of the derived region column (`input::text::region_of` of `school_id`: the first two
/// digits of a login, empty for other ids).
pub const REGION: &str = "region";

/// `left` joined with `right` on `on` (same name both sides), keeping `left`'s row order.
pub fn left_join(left: LazyFrame, right: LazyFrame, on: &[&str]) -> LazyFrame {
    let keys: Vec<Expr> = on.iter().map(|c| col(*c)).collect();
    left.join(
        right,
        keys.clone(),
        keys,
        JoinArgs {
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(JoinType::Left)
        },
    )
}

/// `df` with a `region` column (`String`) derived from its `id` column. The region of an id is
/// `input::text::region_of`; the crate's polars build has no string expressions, so the key is
/// derived once per row here.
pub fn with_region(mut df: DataFrame, id: &str) -> PolarsResult<DataFrame> {
    let regions: Vec<String> = df
        .column(id)?
        .str()?
        .iter()
        .map(|s| crate::input::text::region_of(s.unwrap_or("")))
        .collect();
    df.with_column(Column::new(REGION.into(), regions))?;
    Ok(df)
}

/// [`with_region`], a school whose id is no login taking its region from `regions`
/// (`Frames::regions`, by `identity::Regions`); empty when that has none.
pub fn with_region_of(
    mut df: DataFrame,
    id: &str,
    regions: &std::collections::BTreeMap<String, String>,
) -> PolarsResult<DataFrame> {
    let derived: Vec<String> = df
        .column(id)?
        .str()?
        .iter()
        .map(|s| {
            let s = s.unwrap_or("");
            match regions.get(s) {
                Some(r) => r.clone(),
                None => crate::input::text::region_of(s),
            }
        })
        .collect();
    df.with_column(Column::new(REGION.into(), derived))?;
    Ok(df)
}

/// `name` equals one of `values` (false when there are none); the crate's polars build has no
/// `is_in`.
pub fn one_of<T: Literal>(name: &str, values: impl IntoIterator<Item = T>) -> Expr {
    values
        .into_iter()
        .map(|v| col(name).eq(lit(v)))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
}

/// A text column; null as the empty text.
pub fn texts(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.unwrap_or("").to_string())
        .collect())
}

/// A text column with its nulls.
pub fn opt_texts(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.map(str::to_string))
        .collect())
}

/// An integer column (any integer or boolean dtype) as `i64`, with its nulls.
pub fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

/// A float column as `f64`, with its nulls.
pub fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

/// A boolean column; null as false.
pub fn flags(df: &DataFrame, name: &str) -> PolarsResult<Vec<bool>> {
    Ok(df
        .column(name)?
        .bool()?
        .iter()
        .map(|b| b.unwrap_or(false))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_join_keeps_left_order_and_region_is_the_login_digits() {
        let left = df!("school_id" => ["edu990002", "gia:1", "edu220001"]).unwrap();
        let right = df!("school_id" => ["edu220001", "edu990002"], "v" => [1i32, 2]).unwrap();
        let j = left_join(left.lazy(), right.lazy(), &["school_id"])
            .collect()
            .unwrap();
        assert_eq!(
            texts(&j, "school_id").unwrap(),
            ["edu990002", "gia:1", "edu220001"]
        );
        assert_eq!(ints(&j, "v").unwrap(), [Some(2), None, Some(1)]);
        let r = with_region(j, "school_id").unwrap();
        assert_eq!(texts(&r, REGION).unwrap(), ["99", "", "22"]);
        let picked = r
            .lazy()
            .filter(one_of("region", ["22", "99"]))
            .collect()
            .unwrap();
        assert_eq!(picked.height(), 2);
        let none = df!("y" => [1i32]).unwrap().lazy();
        assert_eq!(
            none.filter(one_of::<i32>("y", []))
                .collect()
                .unwrap()
                .height(),
            0
        );
    }
}
