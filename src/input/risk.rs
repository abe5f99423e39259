//! Risk profiles: long (`login, year, factor, level`) or wide (one column per factor).
use super::flat::row_error;
use super::header::{self, Header};
use super::report::InputReport;
use super::table::Grid;
use super::text::school_id;
use super::{cells, Meta, Opts};
use crate::error::data_err;
use crate::model::{risk_factor, risk_level, Dataset, RiskRow, Sym};
use anyhow::Result;

const FACTOR: &[&str] = &["фактор риска", "factor", "фактор"];
const LEVEL: &[&str] = &["уровень", "level", "уровень риска"];

pub fn is_long(h: &Header) -> bool {
    h.has(header::LOGIN) && h.has(FACTOR) && h.has(LEVEL)
}

/// Factor and level columns of a long table.
pub fn long_columns(h: &Header) -> (usize, usize) {
    (h.find(FACTOR).unwrap(), h.find(LEVEL).unwrap())
}

fn factor_columns(h: &Header) -> Vec<(usize, u8)> {
    h.raw
        .iter()
        .enumerate()
        .filter_map(|(i, n)| risk_factor(n).map(|f| (i, f)))
        .collect()
}

pub fn is_wide(h: &Header) -> bool {
    h.has(header::LOGIN) && factor_columns(h).len() >= 3
}

/// Running state of a risk table read in chunks.
#[derive(Default)]
pub struct RiskState {
    schools: std::collections::HashSet<Sym>,
    seen: std::collections::HashMap<(Sym, i32, u8), u8>,
    /// Each distinct factor and level text read once (a national table repeats ten factors and
    /// three levels 1.35 M times).
    factors: std::collections::HashMap<String, Option<u8>>,
    levels: std::collections::HashMap<String, Option<u8>>,
    /// The last row's login and school: a school's rows come together.
    last: Option<(String, Sym)>,
}

/// `f` of `text`, looked up in `memo` (computed once per distinct text).
fn memo(
    memo: &mut std::collections::HashMap<String, Option<u8>>,
    text: &str,
    f: impl Fn(&str) -> Option<u8>,
) -> Option<u8> {
    if let Some(v) = memo.get(text) {
        return *v;
    }
    let v = f(text);
    memo.insert(text.to_string(), v);
    v
}

/// Risk rows `start..` of `g` (a whole sheet, or one chunk of a streamed CSV).
#[allow(clippy::too_many_arguments)]
pub fn load(
    g: &Grid,
    h: &Header,
    start: usize,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
    st: &mut RiskState,
) -> Result<()> {
    let cl = h.find(header::LOGIN).unwrap();
    let cy = h.find(header::YEAR);
    let long = is_long(h);
    let (cf, clev) = if long {
        let (f, l) = long_columns(h);
        (Some(f), Some(l))
    } else {
        (None, None)
    };
    let wide = factor_columns(h);
    let RiskState {
        schools,
        seen,
        factors,
        levels,
        last,
    } = st;
    for r in start..g.rows.len() {
        let login = g.cell(r, cl).trim();
        if login.is_empty() {
            continue;
        }
        let sid: Sym = match last {
            Some((l, sid)) if l == login => sid.clone(),
            _ => {
                super::cells::check_login(g, r, login, rep);
                let sid: Sym = school_id(login).into();
                *last = Some((login.to_string(), sid.clone()));
                sid
            }
        };
        let res = (|| -> Result<Vec<RiskRow>> {
            let loc = || g.loc(r);
            let year = cells::year(g, h, r, cy, meta)?;
            let mut level = |c: usize| -> Result<u8> {
                memo(levels, g.cell(r, c), risk_level).ok_or_else(|| {
                    data_err(
                        &loc(),
                        h.raw_name(c),
                        format!(
                            "expected низкий / средний / высокий, found «{}»",
                            g.cell(r, c)
                        ),
                    )
                })
            };
            if long {
                let (cf, clev) = (cf.unwrap(), clev.unwrap());
                let factor = memo(factors, g.cell(r, cf), risk_factor).ok_or_else(|| {
                    data_err(
                        &loc(),
                        h.raw_name(cf),
                        format!("unknown risk factor «{}»", g.cell(r, cf)),
                    )
                })?;
                Ok(vec![RiskRow {
                    school_id: sid.clone(),
                    year,
                    factor,
                    level: level(clev)?,
                }])
            } else {
                let mut out = Vec::new();
                for (c, f) in &wide {
                    if g.cell(r, *c).trim().is_empty() {
                        continue;
                    }
                    out.push(RiskRow {
                        school_id: sid.clone(),
                        year,
                        factor: *f,
                        level: level(*c)?,
                    });
                }
                Ok(out)
            }
        })();
        match res {
            Ok(rows) => {
                rep.rows += 1;
                for row in rows {
                    if !schools.contains(&row.school_id) {
                        schools.insert(row.school_id.clone());
                    }
                    let key = (row.school_id.clone(), row.year, row.factor);
                    match seen.get(&key) {
                        Some(&l) if l == row.level => rep.warnings.add(
                            "exact repeated row dropped",
                            format!("строка {}", g.line_of(r)),
                        ),
                        Some(_) => row_error(
                            opts,
                            rep,
                            data_err(
                                &g.loc(r),
                                "Уровень",
                                format!(
                                    "a second, different level for {} / {} / {}",
                                    key.0, key.1, key.2
                                ),
                            ),
                        )?,
                        None => {
                            seen.insert(key, row.level);
                            ds.risk.push(row);
                        }
                    }
                }
            }
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.schools = schools.len();
    Ok(())
}
