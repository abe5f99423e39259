//! User registry/context tables keyed by login (FORMATS.md «Registry and context»): one row per
//! school merged into the school book.
use super::context::{is_share, memo, note_code, school_in, settlement_of, INDICATORS};
use super::header::{self, Header};
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::records::Seen;
use super::report::InputReport;
use super::table::Grid;
use super::text::{parse_num, school_id, split_code_name};
use super::Opts;
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::{Dataset, Kind, Sym};
use anyhow::Result;
use polars::prelude::PlHashMap;

/// The columns of a registry (`is_registry`), found once per file from its header.
struct RegistryColumns {
    login: usize,
    name: Option<usize>,
    municipality: Option<usize>,
    settlement: Option<usize>,
    kind: Option<usize>,
    enrollment: Option<usize>,
    inn: Option<usize>,
    gia: Option<usize>,
    /// Indicator columns (key, column) in key order, so that a row's values are too
    /// (`Indicators::set_all`), and whether each holds percents.
    indicators: Vec<(&'static str, usize, bool)>,
}

impl RegistryColumns {
    fn of(h: &Header) -> RegistryColumns {
        let mut indicators: Vec<(&'static str, usize, bool)> = INDICATORS
            .iter()
            .filter_map(|(k, l)| h.find(&[k, l]).map(|c| (*k, c, false)))
            .collect();
        indicators.sort_unstable();
        // the unit of each share column, decided once per file from its header alone (issue 12):
        // percents when it says `%` (`…, %`), else the documented unit, a fraction 0–1
        // (docs/INPUTS.md «Registry»); never from the values
        for (k, c, percent) in &mut indicators {
            *percent = is_share(k) && h.is_percent(*c);
        }
        RegistryColumns {
            login: h
                .find(header::LOGIN)
                .expect("a registry has a login column"),
            name: h.find(&["name", "наименование оо", "оо", "школа"]),
            municipality: h.find(header::MUNICIPALITY),
            settlement: h.find(&["settlement", "тип населенного пункта"]),
            kind: h.find(&["kind", "вид оо"]),
            enrollment: h.find(&["enrollment", "численность обучающихся"]),
            inn: h.find(&["inn", "инн"]),
            gia: h.find(&["gia_code", "код огэ", "код егэ", "код оо"]),
            indicators,
        }
    }
}

/// What a registry row says of its school, read and checked (`RegistryReader::row`).
struct RegistryRow<'g> {
    name: &'g str,
    municipality: String,
    municipality_code: Option<String>,
    kind: Option<Kind>,
    settlement: Option<&'static str>,
    enrollment: Option<f64>,
    inn: Option<&'g str>,
    gia_code: Option<&'g str>,
}

/// A registry's cells read into checked values; a registry repeats a few kinds, settlements and
/// municipalities, so each of those cell texts is read once.
struct RegistryReader<'g> {
    g: &'g Grid,
    h: &'g Header,
    cols: RegistryColumns,
    kinds: PlHashMap<&'g str, Option<Kind>>,
    settlements: PlHashMap<&'g str, Result<Option<&'static str>, String>>,
    municipalities: PlHashMap<&'g str, (Option<String>, String)>,
}

impl<'g> RegistryReader<'g> {
    /// Row `r`'s indicators into `vals` (shares as fractions), in key order.
    ///
    /// Errors (data, naming row and column): a cell that is no number, a negative value, a share
    /// above 1 (above 100 in a column of percents).
    fn indicators(&self, r: usize, vals: &mut Vec<(&'static str, f64)>) -> Result<()> {
        let (g, h) = (self.g, self.h);
        vals.clear();
        for &(k, c, percent) in &self.cols.indicators {
            let v = match parse_num(g.cell(r, c)) {
                Ok(None) => continue,
                Ok(Some(v)) => v,
                Err(_) => {
                    return Err(data_err(
                        &g.loc(r),
                        h.raw_name(c),
                        format!("expected a number, found «{}»", g.cell(r, c)),
                    ))
                }
            };
            let bad = if v < 0.0 {
                Some(format!("expected a non-negative value, found {v}"))
            } else if is_share(k) && percent && v > 100.0 {
                Some(format!("expected a percent 0–100, found {v}"))
            } else if is_share(k) && !percent && v > 1.0 {
                Some(format!("expected a fraction 0–1 (the header has no «%», so the column holds shares), found {v}; a column of percents says so in its header, e.g. «{}, %»", h.raw_name(c)))
            } else {
                None
            };
            if let Some(msg) = bad {
                return Err(data_err(&g.loc(r), h.raw_name(c), msg));
            }
            vals.push((k, if percent { v / 100.0 } else { v }));
        }
        Ok(())
    }

    /// Row `r`'s facts other than its indicators.
    ///
    /// Errors (data, naming row and column): an unknown kind or settlement, an enrollment that is
    /// no non-negative number.
    fn facts(&mut self, r: usize) -> Result<RegistryRow<'g>> {
        let (g, h, cols) = (self.g, self.h, &self.cols);
        let loc = || g.loc(r);
        let kind = match cols.kind.map(|c| (c, g.cell(r, c).trim())) {
            Some((c, k)) if !k.is_empty() => Some(memo(&mut self.kinds, k, Kind::parse).ok_or_else(|| data_err(&loc(), h.raw_name(c), format!(
                "expected one of обычная / углубленная / малокомплектная / ОВЗ / вечерняя, found «{k}»")))?),
            _ => None,
        };
        let settlement = match cols.settlement {
            Some(c) => memo(&mut self.settlements, g.cell(r, c), settlement_of).map_err(|s| {
                data_err(
                    &loc(),
                    h.raw_name(c),
                    format!("expected «город» or «село», found «{s}»"),
                )
            })?,
            None => None,
        };
        let enrollment = match cols.enrollment {
            Some(c) => match parse_num(g.cell(r, c)) {
                Ok(v) if v.is_none_or(|x| x >= 0.0) => v,
                _ => {
                    return Err(data_err(
                        &loc(),
                        h.raw_name(c),
                        format!("expected a number of pupils, found «{}»", g.cell(r, c)),
                    ))
                }
            },
            None => None,
        };
        let (municipality_code, municipality) = match cols.municipality {
            Some(c) => memo(&mut self.municipalities, g.cell(r, c), split_code_name),
            None => Default::default(),
        };
        let text = |c: Option<usize>| c.map(|c| g.cell(r, c).trim());
        Ok(RegistryRow {
            name: text(cols.name).unwrap_or(""),
            municipality,
            municipality_code,
            kind,
            settlement,
            enrollment,
            inn: text(cols.inn).filter(|v| !v.is_empty()),
            gia_code: text(cols.gia)
                .map(|v| v.trim_start_matches('0'))
                .filter(|v| !v.is_empty()),
        })
    }
}

/// Merge a registry row into its school's book entry (`notes::merge`, the registry's rank);
/// the school's id.
fn store_registry_row(
    ds: &mut Dataset,
    login: &str,
    row: &RegistryRow,
    vals: &[(&'static str, f64)],
    source: &Sym,
    rep: &mut InputReport,
) -> String {
    note_code(
        &mut ds.municipality_codes,
        &row.municipality_code,
        &row.municipality,
    );
    let e = school_in(&mut ds.book, login);
    let facts = SchoolFacts {
        name: row.name,
        municipality: &row.municipality,
        municipality_code: row.municipality_code.as_deref().unwrap_or(""),
        kind: row.kind,
        settlement: row.settlement,
    };
    merge(e, SchoolSource::Registry, &facts, &mut rep.warnings);
    if row.enrollment.is_some() {
        e.enrollment = row.enrollment;
    }
    if let Some(v) = row.inn {
        e.inn = Some(v.to_string());
    }
    if let Some(v) = row.gia_code {
        e.gia_code = Some(v.to_lowercase());
    }
    e.indicators.set_all(vals);
    if !e.sources.contains(source) {
        e.sources.push(source.clone());
    }
    e.school_id.clone()
}

/// User registry/context table keyed by login (FORMATS.md «Registry and context»): one row per
/// school merged into the school book.
///
/// Errors (data, unless `--lenient` skips the row with a counted warning): a second, different
/// row for one login (an identical one is dropped with a counted warning), and the cell errors of
/// `RegistryReader::indicators` and `RegistryReader::facts`.
pub fn load_registry(
    g: &Grid,
    h: &Header,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let mut reader = RegistryReader {
        g,
        h,
        cols: RegistryColumns::of(h),
        kinds: PlHashMap::default(),
        settlements: PlHashMap::default(),
        municipalities: PlHashMap::default(),
    };
    let cl = reader.cols.login;
    let source = Sym::from(g.file.as_str());
    let mut schools = Vec::new();
    // each school's first row (trimmed cells) and its line: a repeat is dropped, a different
    // second row is an error
    let mut seen = super::records::FirstRows::new();
    let mut vals: Vec<(&'static str, f64)> = Vec::with_capacity(reader.cols.indicators.len());
    for r in h.row + 1..g.rows.len() {
        let login = g.cell(r, cl).trim();
        if login.is_empty() {
            continue;
        }
        let row: Vec<&str> = g.rows[r].iter().map(|c| c.trim()).collect();
        match seen.check(school_id(login), row, g.line_of(r)) {
            Seen::First => {}
            Seen::Same { .. } => {
                rep.warnings.add(
                    WarningCode::RegistryRowRepeated,
                    format!("{login} (строка {})", g.line_of(r)),
                );
                continue;
            }
            Seen::Different { line } => {
                let err = data_err(
                    &g.loc(r),
                    h.raw_name(cl),
                    format!("a second, different registry row for login {login} (first on row {line}): expected one row per school"),
                );
                super::flat::row_error(opts, rep, err)?;
                continue;
            }
        }
        super::cells::check_login(g, r, login, rep);
        let read = reader
            .indicators(r, &mut vals)
            .and_then(|()| reader.facts(r));
        match read {
            Ok(row) => {
                schools.push(store_registry_row(ds, login, &row, &vals, &source, rep));
                rep.rows += 1;
            }
            Err(e) => super::flat::row_error(opts, rep, e)?,
        }
    }
    schools.sort_unstable();
    schools.dedup();
    rep.schools = schools.len();
    Ok(())
}
