//! A long risk CSV's rows made from polars' typed read by column operations, when no record of
//! it needs the row walker: one packed number a row, sorted by value, read back as the columns.
use super::super::header::{self, Header};
use super::super::runs::Runs;
use super::super::table::TextFrame;
use super::super::text::school_id;
use super::long::id_ranks;
use super::long_columns;
use crate::model::schema::col as k;
use crate::model::{risk_factor, risk_level};
use anyhow::Result;
use polars::prelude::*;

/// The `risk_profiles` frame (`school_id` String, `year`, `factor`, `level` Int32:
/// `schema::risk_profiles`) of the `n` records from `first` on of a long risk table's typed frame
/// (`super::typed`, its year column read as `Int32`), in (school id, year, factor) order, and its
/// number of distinct school ids. `None` when a record needs the general way (`LongCols`,
/// `finish_long`, which name it or count its warning): no year column, an empty login or one that
/// does not look like a login, a factor or level that does not decode, a record narrower than the
/// header or a frame wider than it, two records of one (school, year, factor), keys of more than
/// 62 bits, no record.
///
/// Each record's (school rank, year − the smallest year, factor, level) is packed into one whole
/// number (`Int32` when 30 bits hold it, else `Int64`), each part in as many bits as its
/// largest value needs: per-login and per-category tables gathered by polars, the year by polars'
/// arithmetic. The numbers are sorted (stable: polars' merge sort takes the runs in order as they
/// are; two equal numbers are two equal records: a repeat, sent the general way) and the four columns read back from them; the school id is
/// gathered from the ids in rank order (`id_ranks`: equal ids one rank, ranks ordered as the ids).
///
/// Errors: none on a frame of that shape (a failure is a bug).
pub(super) fn profiles(
    f: &TextFrame,
    h: &Header,
    first: usize,
    n: usize,
) -> Result<Option<(DataFrame, usize)>> {
    let width = h.raw.len();
    let narrow = (first..f.height()).any(|r| f.fields_of(r).is_some_and(|x| (x as usize) < width));
    let Some(years) = h.find(header::YEAR).and_then(|c| f.int_col(c, first)) else {
        return Ok(None);
    };
    if n == 0 || f.width() > width || narrow || years.null_count() > 0 {
        return Ok(None);
    }
    let (cf, clev) = long_columns(h);
    let (Some((factors, fcodes)), Some((levels, lcodes))) = (
        category_codes(f, cf, first, n, risk_factor),
        category_codes(f, clev, first, n, risk_level),
    ) else {
        return Ok(None);
    };
    let login = Runs::distinct(
        &f.text_col(h.find(header::LOGIN).unwrap_or(0), first),
        |s| {
            let l = s.trim();
            let odd = l.is_empty() || super::super::cells::login_note(l, 0).is_some();
            (odd, school_id(l))
        },
    );
    if login.values.iter().any(|v| v.0) {
        return Ok(None);
    }
    let (rank, ids) = id_ranks(login.values.iter().map(|v| v.1.as_str()));
    let (lo, hi) = (
        years.min().unwrap_or(0) as i64,
        years.max().unwrap_or(0) as i64,
    );
    let bits = |max: u64| 64 - max.leading_zeros();
    let max = |v: &[u8]| u64::from(v.iter().copied().max().unwrap_or(0));
    let (lb, fb) = (bits(max(&levels)), bits(max(&factors)));
    let (yb, rb) = (bits((hi - lo) as u64), bits(ids.len() as u64 - 1));
    // signed: the columns read back are the frame's `Int32` as they are (a national file: 24 bits)
    let dt = match lb + fb + yb + rb {
        0..=30 => DataType::Int32,
        31..=62 => DataType::Int64,
        _ => return Ok(None),
    };
    // each part's multiplier: its place in the packed number
    let (fm, ym) = (1u64 << lb, 1u64 << (lb + fb));
    let rm = 1u64 << (lb + fb + yb);
    let table = |v: Vec<u64>| Series::new(PlSmallStr::EMPTY, v).cast(&dt);
    let by_rank = table(rank.iter().map(|&r| u64::from(r) * rm).collect())?;
    let by_factor = table(factors.iter().map(|&x| u64::from(x) * fm).collect())?;
    let by_level = table(levels.iter().map(|&x| u64::from(x)).collect())?;
    // every value cast fits its type (the parts within their bits): no check per value
    let cast = |s: Series, dt: &DataType| {
        s.cast_with_options(dt, polars::chunked_array::cast::CastOptions::Overflowing)
    };
    let yk = &(&cast(years.into_series(), &dt)? - lo) * ym;
    let key = (&(&by_rank.take(&IdxCa::from_vec(PlSmallStr::EMPTY, login.idx))?
        + &by_factor.take(&fcodes)?)?
        + &(&yk + &by_level.take(&lcodes)?)?)?;
    // a stable sort: a national file's rows are a few runs in order already (one per year)
    let order = key.arg_sort(
        SortOptions::default()
            .with_maintain_order(true)
            .with_multithreaded(true),
    );
    let sorted = key.take(&order)?;
    drop((key, order));
    // without the level: equal numbers are two records of one (school, year, factor)
    let q = &sorted / fm;
    if q.slice(1, n - 1).equal(&q.slice(0, n - 1))?.any() {
        return Ok(None);
    }
    let int = |s: Series| cast(s, &DataType::Int32);
    let ranks = cast(&sorted / rm, &IDX_DTYPE)?;
    let ids: StringChunked = ids.iter().map(|&s| Some(s)).collect();
    // the low `bits` bits of `s`
    let low = |s: &Series, bits: u32| s & &Series::new(PlSmallStr::EMPTY, [(1i64 << bits) - 1]);
    let df = DataFrame::new_infer_height(vec![
        ids.take(ranks.idx()?)?
            .with_name(k::SCHOOL_ID.into())
            .into_column(),
        (int(low(&(&q / (ym / fm)), yb)?)? + lo)
            .with_name(k::YEAR.into())
            .into_column(),
        int(low(&q, fb)?)?.with_name(k::FACTOR.into()).into_column(),
        int(low(&sorted, lb)?)?
            .with_name(k::LEVEL.into())
            .into_column(),
    ])?;
    Ok(Some((df, ids.len())))
}

/// Column `c` of a typed frame (`Categorical`, U32 codes) from record `first` on: each category's
/// `decode`d value and the `n` records' codes. `None` for another column type, a null cell, a
/// code that names no text, or a category `decode` does not take.
fn category_codes<T>(
    f: &TextFrame,
    c: usize,
    first: usize,
    n: usize,
    decode: impl Fn(&str) -> Option<T>,
) -> Option<(Vec<T>, IdxCa)> {
    let ca = f.df.column(&format!("c{c}")).ok()?.cat32().ok()?;
    let map = ca.get_mapping();
    let values = (0..map.num_cats_upper_bound() as u32)
        .map(|id| map.cat_to_str(id).and_then(&decode))
        .collect::<Option<Vec<T>>>()?;
    let codes = ca.physical().slice(first as i64, n);
    (codes.null_count() == 0).then_some((values, codes))
}

#[cfg(test)]
#[path = "typed_tests.rs"]
mod tests;
