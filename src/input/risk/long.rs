//! The four columns of a long risk table (login, year, factor, level) decoded once per run of
//! equal cells, from the text frame or from polars' typed read, and sorted into school rows.
use super::super::header::Header;
use super::super::runs::Runs;
use super::super::table::TextFrame;
use super::super::Meta;
use super::*;

/// The four columns of a long risk table, each decoded once per distinct cell (the login: a
/// national table names each school once a year, so a third of its runs are distinct).
pub(super) struct LongCols {
    /// The login as written (trimmed) and its school id.
    pub(super) login: Runs<(String, String)>,
    pub(super) year: Runs<Option<i32>>,
    pub(super) factor: Runs<Option<u8>>,
    pub(super) level: Runs<Option<u8>>,
}

impl LongCols {
    /// The columns of the `n` rows from `first` on, decoded side by side (rayon); the year from
    /// the file's title or name (`meta.year`) when it has no year column.
    pub(super) fn decode(
        f: &TextFrame,
        h: &Header,
        meta: &Meta,
        first: usize,
        n: usize,
    ) -> LongCols {
        let (cf, clev) = long_columns(h);
        let text = |c: usize| f.text_col(c, first);
        let ((login, year), (factor, level)) = rayon::join(
            || {
                rayon::join(
                    || {
                        Runs::distinct(&text(h.find(header::LOGIN).unwrap_or(0)), |s| {
                            let l = s.trim().to_string();
                            let sid = school_id(&l);
                            (l, sid)
                        })
                    },
                    || match h.find(header::YEAR) {
                        Some(c) => Runs::distinct(&text(c), cells::year_cell),
                        None => Runs::constant((meta.year > 0).then_some(meta.year), n),
                    },
                )
            },
            || {
                rayon::join(
                    || Runs::distinct(&text(cf), risk_factor),
                    || Runs::distinct(&text(clev), risk_level),
                )
            },
        );
        LongCols {
            login,
            year,
            factor,
            level,
        }
    }

    /// The columns of a typed frame (`typed`): the login as in `decode`, the year from its
    /// `Int32` column (`typed_year`; else as in `decode`), factor and level once per category of
    /// their `Categorical` columns. `None` when a column is not of that type.
    pub(super) fn decode_typed(
        f: &TextFrame,
        h: &Header,
        meta: &Meta,
        first: usize,
        n: usize,
        typed_year: bool,
    ) -> Option<LongCols> {
        let (cf, clev) = long_columns(h);
        let login = Runs::distinct(
            &f.text_col(h.find(header::LOGIN).unwrap_or(0), first),
            |s| {
                let l = s.trim().to_string();
                let sid = school_id(&l);
                (l, sid)
            },
        );
        let year = match h.find(header::YEAR) {
            Some(c) if typed_year => Runs::of_ints(&f.int_col(c, first)?),
            Some(c) => Runs::distinct(&f.text_col(c, first), cells::year_cell),
            None => Runs::constant((meta.year > 0).then_some(meta.year), n),
        };
        Some(LongCols {
            login,
            year,
            factor: category_runs(f, cf, first, risk_factor)?,
            level: category_runs(f, clev, first, risk_level)?,
        })
    }

    /// The rows (from 0) whose every cell decoded, and the frame rows (from `first`) the row
    /// walker must read: truncated records, values beyond the header, a bad year, factor or
    /// level, a row with values but no login. Blank rows are skipped; a login that does not look
    /// like one is a counted warning once per run (`cells::login_note`): returned with its code
    /// (`not_logins` counts them).
    pub(super) fn sort_rows(
        &self,
        f: &TextFrame,
        h: &Header,
        first: usize,
        n: usize,
    ) -> (Vec<usize>, Vec<usize>, Vec<(WarningCode, String)>) {
        let width = h.raw.len();
        let wide = f.has_value_beyond(width, first);
        let truncated =
            |r: usize| wide[r] || f.fields_of(first + r).is_some_and(|x| (x as usize) < width);
        let mut good = Vec::with_capacity(n);
        let mut rest = Vec::new();
        let mut last_login = None;
        let mut odd = Vec::new();
        for r in 0..n {
            let (l, _) = self.login.get(r);
            if truncated(r) {
                rest.push(first + r);
                continue;
            }
            if l.is_empty() {
                // a row with values but no login is the row walker's data error; a blank one is
                // passed over
                if self.year.get(r).is_some() || self.factor.get(r).is_some() {
                    rest.push(first + r);
                }
                continue;
            }
            if last_login != Some(self.login.idx[r]) {
                last_login = Some(self.login.idx[r]);
                odd.extend(super::super::cells::login_note(l, f.line_of(first + r)));
            }
            let decoded = self.year.get(r).is_some()
                && self.factor.get(r).is_some()
                && self.level.get(r).is_some();
            if decoded {
                good.push(r);
            } else {
                rest.push(first + r);
            }
        }
        (good, rest, odd)
    }
}

/// Column `c` of a typed frame (`Categorical`, no null from `first` on) as runs: each category
/// decoded once by `decode`, row `r`'s value that of its code. `None` for another column type.
fn category_runs(
    f: &TextFrame,
    c: usize,
    first: usize,
    decode: impl Fn(&str) -> Option<u8>,
) -> Option<Runs<Option<u8>>> {
    let ca = f.df.column(&format!("c{c}")).ok()?.cat32().ok()?;
    let map = ca.get_mapping();
    let values = (0..map.num_cats_upper_bound() as u32)
        .map(|id| map.cat_to_str(id).and_then(&decode))
        .collect();
    let n = f.height().saturating_sub(first);
    let codes = ca.physical().slice(first as i64, n);
    if codes.null_count() > 0 {
        return None;
    }
    let mut idx = Vec::with_capacity(n);
    for arr in codes.downcast_iter() {
        idx.extend_from_slice(arr.values());
    }
    Some(Runs { values, idx })
}

/// Each of the `good` rows' school as its rank among the school ids of the login runs
/// (`LongCols::login`; equal ids one rank): a `u32` that sorts and compares as the school id does,
/// so that the rows are sorted by numbers (a polars sort by the text compares it at every step).
pub(super) fn school_rank(c: &LongCols, good: &[usize]) -> Vec<u32> {
    let (rank, _) = id_ranks(c.login.values.iter().map(|v| v.1.as_str()));
    good.iter()
        .map(|&r| rank[c.login.idx[r] as usize])
        .collect()
}

/// The dense rank of each of `ids` among them (equal ids one rank, ranks ordered as the ids), and
/// the distinct ids in rank order. Each distinct id is ranked once (a national file names each
/// school once a year: a third of its login runs), and not sorted at all when the ids come in
/// increasing order as first met; else by polars' `arg_sort` of the distinct ids.
pub(super) fn id_ranks<'a>(ids: impl Iterator<Item = &'a str>) -> (Vec<u32>, Vec<&'a str>) {
    // each id's distinct id, the distinct ids in the order first met
    let mut at: PlHashMap<&str, u32> = PlHashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let of_id: Vec<u32> = ids
        .map(|v| {
            *at.entry(v).or_insert_with(|| {
                distinct.push(v);
                distinct.len() as u32 - 1
            })
        })
        .collect();
    if distinct.windows(2).all(|w| w[0] < w[1]) {
        return (of_id, distinct);
    }
    let ca: StringChunked = distinct.iter().map(|&s| Some(s)).collect();
    let mut rank = vec![0u32; distinct.len()];
    let mut ordered = Vec::with_capacity(distinct.len());
    for (k, i) in ca
        .arg_sort(SortOptions::default())
        .into_no_null_iter()
        .enumerate()
    {
        rank[i as usize] = k as u32;
        ordered.push(distinct[i as usize]);
    }
    (of_id.iter().map(|&d| rank[d as usize]).collect(), ordered)
}

#[cfg(test)]
mod rank_tests {
    use super::super::super::runs::Runs;
    use super::*;

    /// Login runs of the given school ids, one row per run and then each run's rows again.
    fn cols(ids: &[&str]) -> (LongCols, Vec<usize>) {
        let n = ids.len();
        let login = Runs {
            values: ids.iter().map(|s| (s.to_string(), s.to_string())).collect(),
            idx: (0..n as u32).chain((0..n as u32).rev()).collect(),
        };
        let c = LongCols {
            login,
            year: Runs::constant(None, 2 * n),
            factor: Runs::constant(None, 2 * n),
            level: Runs::constant(None, 2 * n),
        };
        (c, (0..2 * n).collect())
    }

    /// The rank orders rows as their school ids do (equal ids one rank), whether the ids come in
    /// order or not.
    #[test]
    fn school_rank_orders_and_equals_as_the_ids() {
        for ids in [
            vec!["edu1", "edu2", "edu3", "edu1", "edu2", "edu3"],
            vec!["edu3", "edu1", "edu3", "edu2", "edu10", "edu1"],
        ] {
            let (c, good) = cols(&ids);
            let rank = school_rank(&c, &good);
            let id = |r: usize| c.login.get(r).1.as_str();
            for a in 0..good.len() {
                for b in 0..good.len() {
                    assert_eq!(rank[a].cmp(&rank[b]), id(a).cmp(id(b)), "{ids:?} {a} {b}");
                }
            }
            let distinct: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
            assert_eq!(*rank.iter().max().unwrap() as usize, distinct.len() - 1);
        }
    }
}
