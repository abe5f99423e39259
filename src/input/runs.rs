//! A text column decoded once per run of equal cells (or once per distinct cell): the marks and
//! risk loaders' key columns, where one school's rows repeat its login, name and municipality.
use polars::prelude::*;

/// A text column decoded once per run of equal cells: row `r`'s value is `values[idx[r]]`.
pub(super) struct Runs<T> {
    pub values: Vec<T>,
    pub idx: Vec<u32>,
}

impl<T> Runs<T> {
    /// `f` of each cell (null as empty), computed once per run of equal cells.
    pub fn of(ca: &StringChunked, mut f: impl FnMut(&str) -> T) -> Runs<T> {
        let mut values = Vec::new();
        let mut idx = Vec::with_capacity(ca.len());
        each_cell(ca, |cell, same| {
            if !same {
                values.push(f(cell));
            }
            idx.push(values.len() as u32 - 1);
        });
        Runs { values, idx }
    }
    /// `f` of each cell (null as empty), computed once per distinct cell: for columns of few
    /// values that alternate from row to row (subjects, grades, risk factors and levels).
    pub fn distinct(ca: &StringChunked, mut f: impl FnMut(&str) -> T) -> Runs<T> {
        let mut values = Vec::new();
        let mut at: PlHashMap<&str, u32> = PlHashMap::new();
        let mut idx = Vec::with_capacity(ca.len());
        let mut i = 0;
        each_cell(ca, |cell, same| {
            if !same {
                i = *at.entry(cell).or_insert_with(|| {
                    values.push(f(cell));
                    values.len() as u32 - 1
                });
            }
            idx.push(i);
        });
        Runs { values, idx }
    }
    /// Column `name` of the rows `good` (ascending): `pick` of each row's value, gathered from the
    /// column of the decoded values (each text stored once, the rows sharing it).
    pub fn gather<'a>(
        &'a self,
        name: &str,
        good: &[usize],
        pick: impl Fn(&'a T) -> &'a str,
    ) -> PolarsResult<Column> {
        let values: StringChunked = self.values.iter().map(|v| Some(pick(v))).collect();
        let idx: IdxCa = if good.len() == self.idx.len() {
            // every row, in order: the rows' indices as held (one copy, no look-up per row)
            IdxCa::from_slice("".into(), &self.idx)
        } else {
            good.iter()
                .map(|&r| self.idx[r] as IdxSize)
                .collect_ca("".into())
        };
        Ok(values.take(&idx)?.with_name(name.into()).into_column())
    }
    /// One value for all `n` rows (a key the file gives in its title or name).
    pub fn constant(v: T, n: usize) -> Runs<T> {
        Runs {
            values: vec![v],
            idx: vec![0; n],
        }
    }
    pub fn get(&self, r: usize) -> &T {
        &self.values[self.idx[r] as usize]
    }
}

/// `step(cell, same)` for each cell of `ca` in order (null as empty), `same` when the cell holds
/// the previous cell's text (false for the first cell).
///
/// Each chunk is walked as polars holds it: a cell whose view is the previous cell's (the same
/// inlined bytes of a text up to 12 bytes, or the same bytes of the same buffer) is the same text
/// without reading it; any other pair is compared as text (its lengths first).
fn each_cell<'a>(ca: &'a StringChunked, mut step: impl FnMut(&'a str, bool)) {
    let mut prev: Option<&'a str> = None;
    for (arr, nulls) in ca.downcast_iter().zip(ca.iter_validities()) {
        let nulls = nulls.filter(|b| b.unset_bits() > 0);
        // the previous cell's view, within this chunk (a view names a buffer of its chunk)
        let mut prev_view = None;
        for (r, &view) in arr.views().iter().enumerate() {
            let cell = if nulls.is_some_and(|b| !b.get_bit(r)) {
                prev_view = None;
                ""
            } else if let (Some(p), true) = (prev, prev_view == Some(view)) {
                step(p, true);
                continue;
            } else {
                prev_view = Some(view);
                arr.value(r)
            };
            step(cell, prev == Some(cell));
            prev = Some(cell);
        }
    }
}

impl Runs<Option<i32>> {
    /// A column of whole numbers (`None` for null), one value per run of equal cells.
    ///
    /// A chunk without nulls is walked as its slice of values (no validity look-up per row).
    pub fn of_ints(ca: &Int32Chunked) -> Runs<Option<i32>> {
        let mut values: Vec<Option<i32>> = Vec::new();
        let mut idx = Vec::with_capacity(ca.len());
        let mut step = |v: Option<i32>| {
            if values.last() != Some(&v) {
                values.push(v);
            }
            idx.push(values.len() as u32 - 1);
        };
        for arr in ca.downcast_iter() {
            if arr.validity().map_or(0, |b| b.unset_bits()) == 0 {
                arr.values().iter().for_each(|&v| step(Some(v)));
            } else {
                arr.iter().for_each(|v| step(v.copied()));
            }
        }
        Runs { values, idx }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `of_ints` over chunks with and without nulls: one value per run, each row's value kept.
    #[test]
    fn of_ints_keeps_each_rows_value_across_chunks_and_nulls() {
        let mut ca = Int32Chunked::from_slice("".into(), &[2021, 2021, 2022]);
        ca.append(&Int32Chunked::from_iter([
            Some(2022),
            None,
            None,
            Some(2021),
        ]))
        .unwrap();
        ca.append(&Int32Chunked::from_slice("".into(), &[2021, 2023]))
            .unwrap();
        let runs = Runs::of_ints(&ca);
        let rows: Vec<Option<i32>> = (0..ca.len()).map(|r| *runs.get(r)).collect();
        assert_eq!(rows, ca.iter().collect::<Vec<_>>());
        assert_eq!(
            runs.values,
            [Some(2021), Some(2022), None, Some(2021), Some(2023)]
        );
    }

    /// `of` and `distinct` over chunks with nulls, empty cells, short (inlined) and long texts,
    /// equal texts at the chunks' seams: each row's value is its cell's, one value per run (`of`)
    /// or per distinct cell (`distinct`), as a walk of the cells one by one makes them.
    #[test]
    fn of_and_distinct_keep_each_rows_cell_across_chunks_and_nulls() {
        let long = "Муниципальное образование город";
        let other = "Муниципальное образование село";
        let mut ca =
            StringChunked::from_iter([Some("edu1"), Some("edu1"), None, Some(""), Some(long)]);
        ca.append(&StringChunked::from_iter([
            Some(long),
            Some(long),
            Some(other),
            None,
        ]))
        .unwrap();
        ca.append(&StringChunked::from_iter([
            None,
            Some(""),
            Some("edu1"),
            Some(long),
            Some("edu12345678901"),
        ]))
        .unwrap();
        ca.append(&StringChunked::from_iter([
            Some("edu12345678901"),
            Some(other),
        ]))
        .unwrap();
        let cells: Vec<&str> = ca.iter().map(|c| c.unwrap_or("")).collect();
        let mut runs_of = Vec::new();
        for &c in &cells {
            if runs_of.last() != Some(&c) {
                runs_of.push(c);
            }
        }
        let mut distinct = Vec::new();
        for &c in &cells {
            if !distinct.contains(&c) {
                distinct.push(c);
            }
        }
        let of = Runs::of(&ca, str::to_string);
        let dis = Runs::distinct(&ca, str::to_string);
        for runs in [&of, &dis] {
            let rows: Vec<&str> = (0..ca.len()).map(|r| runs.get(r).as_str()).collect();
            assert_eq!(rows, cells);
        }
        assert_eq!(of.values, runs_of);
        assert_eq!(dis.values, distinct);
    }

    /// `gather` of every row (the rows' indices as held) and of some rows: each row's value.
    #[test]
    fn gather_takes_each_asked_rows_value() {
        let ca = StringChunked::from_iter(["a", "b", "a", "c", "c", "b"].map(Some));
        let runs = Runs::distinct(&ca, str::to_string);
        for good in [vec![0, 1, 2, 3, 4, 5], vec![1, 3, 4], vec![]] {
            let col = runs.gather("x", &good, String::as_str).unwrap();
            let got: Vec<Option<&str>> = col.str().unwrap().iter().collect();
            let want: Vec<Option<&str>> = good.iter().map(|&r| ca.get(r)).collect();
            assert_eq!((col.name().as_str(), got), ("x", want));
        }
    }
}
