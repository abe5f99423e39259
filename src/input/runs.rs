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
        each_cell(ca, |cell, same, _| {
            if !same {
                values.push(f(cell));
            }
            idx.push(values.len() as u32 - 1);
        });
        Runs { values, idx }
    }
    /// `f` of each cell (null as empty), computed once per distinct cell: for columns of few
    /// values that alternate from row to row (subjects, grades, risk factors and levels) and
    /// keys a table repeats (a national table's logins, names and municipalities, once a year).
    ///
    /// A cell unlike the previous one is looked up first among the last cells met with its
    /// view's length and first bytes (`Recent`, no hash of its text), then in a map of every
    /// distinct cell.
    pub fn distinct(ca: &StringChunked, mut f: impl FnMut(&str) -> T) -> Runs<T> {
        let mut values = Vec::new();
        let mut at: PlHashMap<&str, u32> = PlHashMap::new();
        let mut recent = Recent::default();
        let mut idx = Vec::with_capacity(ca.len());
        let mut i = 0;
        each_cell(ca, |cell, same, view| {
            if !same {
                i = match recent.find(cell, view) {
                    Some(i) => i,
                    None => {
                        let i = *at.entry(cell).or_insert_with(|| {
                            values.push(f(cell));
                            values.len() as u32 - 1
                        });
                        recent.keep(cell, view, i);
                        i
                    }
                };
            }
            idx.push(i);
        });
        Runs { values, idx }
    }
    /// Column `name` of the rows `good`: `pick` of each row's value, gathered from the column of
    /// the decoded values (each text stored once, the rows sharing it).
    pub fn gather<'a>(
        &'a self,
        name: &str,
        good: &[usize],
        pick: impl Fn(&'a T) -> &'a str,
    ) -> PolarsResult<Column> {
        let values: StringChunked = self.values.iter().map(|v| Some(pick(v))).collect();
        let idx: IdxCa = good
            .iter()
            .map(|&r| self.idx[r] as IdxSize)
            .collect_ca("".into());
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

/// The distinct cells `Runs::distinct` met last, by their view's length and first four bytes
/// (a slot each of `SLOTS`, the later cell replacing the earlier): a cell is found there when a
/// slot holds its text — a text up to 12 bytes by its whole view (the text itself, inlined), a
/// longer one compared as text. A column of few values (subjects) finds every cell there after
/// its first rows.
struct Recent<'a> {
    slots: [Option<(u128, &'a str, u32)>; SLOTS],
}

const SLOTS: usize = 64;

/// The longest text a view holds inlined (polars' `View::MAX_INLINE_SIZE`).
const INLINE: u128 = 12;

impl Default for Recent<'_> {
    fn default() -> Self {
        Recent {
            slots: [None; SLOTS],
        }
    }
}

impl<'a> Recent<'a> {
    /// A view's slot: of its low 64 bits, its length and first four bytes.
    fn slot(view: u128) -> usize {
        ((view as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % SLOTS
    }
    /// The value index of `cell` (of view `view`) if its slot holds its text.
    fn find(&self, cell: &str, view: u128) -> Option<u32> {
        let (v, text, i) = self.slots[Self::slot(view)]?;
        let same = match view & 0xFFFF_FFFF <= INLINE {
            true => v == view,
            false => v as u64 == view as u64 && text.as_bytes() == cell.as_bytes(),
        };
        same.then_some(i)
    }
    fn keep(&mut self, cell: &'a str, view: u128, i: u32) {
        self.slots[Self::slot(view)] = Some((view, cell, i));
    }
}

/// `step(cell, same, view)` for each cell of `ca` in order (null as empty, its view 0: that of an
/// empty text), `same` when the cell holds the previous cell's text (false for the first cell);
/// `view`: the cell's view as 128 bits (length in the low 32, then the first four bytes; a text
/// up to 12 bytes inlined in the other 96 bits, zero-padded).
///
/// Each chunk is walked as polars holds it: a cell whose view is the previous cell's (the same
/// inlined bytes of a text up to 12 bytes, or the same bytes of the same buffer) is the same text
/// without reading it; any other pair is compared as text (its lengths first).
fn each_cell<'a>(ca: &'a StringChunked, mut step: impl FnMut(&'a str, bool, u128)) {
    let mut prev: Option<&'a str> = None;
    for (arr, nulls) in ca.downcast_iter().zip(ca.iter_validities()) {
        let nulls = nulls.filter(|b| b.unset_bits() > 0);
        // the previous cell's view, within this chunk (a view names a buffer of its chunk)
        let mut prev_view = None;
        for (r, &view) in arr.views().iter().enumerate() {
            let (cell, view) = if nulls.is_some_and(|b| !b.get_bit(r)) {
                prev_view = None;
                ("", 0)
            } else if let (Some(p), true) = (prev, prev_view == Some(view)) {
                step(p, true, view.as_u128());
                continue;
            } else {
                prev_view = Some(view);
                (arr.value(r), view.as_u128())
            };
            step(cell, prev == Some(cell), view);
            prev = Some(cell);
        }
    }
}

impl Runs<Option<i32>> {
    /// A column of whole numbers (`None` for null), one value per distinct number (a year or
    /// grade column holds a few, in runs: each run's number is looked up among the few met).
    ///
    /// A chunk without nulls is walked as its slice of values (no validity look-up per row).
    pub fn of_ints(ca: &Int32Chunked) -> Runs<Option<i32>> {
        let mut values: Vec<Option<i32>> = Vec::new();
        let mut at: PlHashMap<Option<i32>, u32> = PlHashMap::new();
        let mut idx = Vec::with_capacity(ca.len());
        let mut last: Option<(Option<i32>, u32)> = None;
        let mut step = |v: Option<i32>| {
            let i = match last {
                Some((w, i)) if w == v => i,
                _ => {
                    let i = *at.entry(v).or_insert_with(|| {
                        values.push(v);
                        values.len() as u32 - 1
                    });
                    last = Some((v, i));
                    i
                }
            };
            idx.push(i);
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

    /// `of_ints` over chunks with and without nulls: one value per distinct number (null one
    /// too), in the order first met, each row's value kept.
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
        assert_eq!(runs.values, [Some(2021), Some(2022), None, Some(2023)]);
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
    /// `distinct` over texts that share a view's length and first bytes (one slot of `Recent`:
    /// long texts differing past their prefix, short ones differing in their last byte),
    /// alternating from row to row with nulls and empty cells: each row's value is its cell's,
    /// one value per distinct cell, in the order first met.
    #[test]
    fn distinct_keeps_apart_texts_of_one_length_and_prefix() {
        let long = [
            "математика 4 класс",
            "математика 5 класс",
            "математика 6 класс",
        ];
        let short = ["edu100001", "edu100002"];
        let mut cells: Vec<Option<&str>> = Vec::new();
        for r in 0..200 {
            cells.push(Some(long[r % 3]));
            cells.push(Some(short[r % 2]));
            if r % 7 == 0 {
                cells.push(None);
                cells.push(Some(""));
            }
        }
        let mut ca = StringChunked::from_iter(cells[..150].iter().copied());
        ca.append(&StringChunked::from_iter(cells[150..].iter().copied()))
            .unwrap();
        let runs = Runs::distinct(&ca, str::to_string);
        let rows: Vec<&str> = (0..ca.len()).map(|r| runs.get(r).as_str()).collect();
        let want: Vec<&str> = cells.iter().map(|c| c.unwrap_or("")).collect();
        assert_eq!(rows, want);
        let mut distinct: Vec<&str> = Vec::new();
        for &c in &want {
            if !distinct.contains(&c) {
                distinct.push(c);
            }
        }
        assert_eq!(runs.values, distinct);
    }
}
