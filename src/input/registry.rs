//! User registry/context tables keyed by login (docs/INPUTS.md «Registry»): one row per
//! school merged into the school book.
use super::cells::Cells;
use super::context::{indicator_of, is_share, memo, school_of, settlement_of, INDICATORS};
use super::header::{self, Header};
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::records::Seen;
use super::report::InputReport;
use super::table::TextFrame;
use super::text::{looks_like_login, municipality_key, school_id, split_code_name};
use super::Opts;
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::{Dataset, IndicatorKey, Kind, Sym};
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
    indicators: Vec<(&'static str, usize, bool, IndicatorKey)>,
}

impl RegistryColumns {
    /// The columns this registry's loader reads, by index.
    fn read(&self) -> Vec<usize> {
        [
            Some(self.login),
            self.name,
            self.municipality,
            self.settlement,
            self.kind,
            self.enrollment,
            self.inn,
            self.gia,
        ]
        .into_iter()
        .flatten()
        .chain(self.indicators.iter().map(|&(_, c, _, _)| c))
        .collect()
    }

    /// A counted warning for each column the loader does not read whose caption looks like a
    /// context indicator (`unknown_indicator`), naming it and the nearest known indicator: a
    /// misspelt header would otherwise leave the indicator out of the ИСБШ without a word.
    fn warn_unknown_indicators(&self, h: &Header, rep: &mut InputReport) {
        let read = self.read();
        for (c, name) in h.names.iter().enumerate() {
            if read.contains(&c) {
                continue;
            }
            if let Some((key, label)) = unknown_indicator(name, h.is_percent(c)) {
                rep.warnings.add(
                    WarningCode::RegistryColumnUnknown,
                    format!("«{}» (ближе всего: {key} «{label}»)", h.raw_name(c).trim()),
                );
            }
        }
    }

    fn of(h: &Header) -> RegistryColumns {
        // by key or label, else by a wording of `context::SYNONYMS` («Доля детей из неполных
        // семей»), as the context tables match them (`context::indicator_of`)
        // each caption's indicator, read once (not once per indicator)
        let worded: Vec<Option<&str>> = h.raw.iter().map(|r| indicator_of(r)).collect();
        let mut indicators: Vec<(&'static str, usize, bool, IndicatorKey)> = INDICATORS
            .iter()
            .filter_map(|(k, l)| {
                h.find(&[k, l])
                    .or_else(|| {
                        let c = worded.iter().position(|w| *w == Some(*k))?;
                        h.find(&[h.names[c].as_str()])
                    })
                    .map(|c| {
                        let key = IndicatorKey::of(k).expect("an indicator of INDICATORS");
                        (*k, c, false, key)
                    })
            })
            .collect();
        indicators.sort_unstable();
        // the unit of each share column, decided once per file from its header alone (issue 12):
        // percents when it says `%` (`…, %`), else the documented unit, a fraction 0–1
        // (docs/INPUTS.md «Registry»); never from the values
        for (k, c, percent, _) in &mut indicators {
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

/// The known indicator (key, Russian label) nearest to an unread registry caption `name`
/// (normalised), when the caption looks like an indicator: it starts with «доля» or «число», says
/// `share`, or is within a Levenshtein similarity of 0.75 of a key or a label (`strsim`), or it gives
/// a count or a percent (`percent`: `%` in its header; «Количество…», «Кол-во…», «Процент…») of
/// what a label names (a word in common other than «доля», «обучающихся», «детей», «семей»…); `None`
/// for the other columns a registry may carry (address, director, ОГРН…). Nearest: the most
/// words in common with the label (by their first four letters: «родителей» = «родителя»), then
/// the closest spelling of key or label.
fn unknown_indicator(name: &str, percent: bool) -> Option<(&'static str, &'static str)> {
    let spelling = |k: &str, l: &str| {
        strsim::normalized_levenshtein(name, k).max(strsim::normalized_levenshtein(name, l))
    };
    let stems = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(|w| w.chars().take(4).collect())
            .collect()
    };
    // stems every indicator's caption or a count of pupils has: they tell no indicator
    const GENERIC: [&str; 8] = [
        "доля", "обуч", "учащ", "дете", "коли", "проц", "числ", "семе",
    ];
    let own: Vec<String> = (stems(name).into_iter())
        .filter(|w| !GENERIC.contains(&w.as_str()))
        .collect();
    let shared = |l: &str| stems(l).iter().filter(|w| own.contains(w)).count();
    let (words, best, key, label) = INDICATORS
        .iter()
        .map(|(k, l)| (shared(l), spelling(k, l), *k, *l))
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))?;
    // a count or a percent of an indicator's group under a caption of its own («Количество детей
    // из неполных семей», «Малообеспеченные семьи, %»): the registry reads shares under the
    // captions of docs/INPUTS.md only
    let count = percent
        || ["количество", "кол-во", "процент"]
            .iter()
            .any(|w| name.starts_with(w));
    let looks = name.starts_with("доля")
        || name.starts_with("число")
        || name.contains("share")
        || (count && words >= 1)
        || best >= 0.75;
    looks.then_some((key, label))
}

/// What a registry row says of its school, read and checked (`RegistryReader::row`).
struct RegistryRow<'g> {
    name: &'g str,
    /// The row's municipality (`RegistryReader::municipalities`), none without the column.
    municipality: Option<u32>,
    kind: Option<Kind>,
    settlement: Option<&'static str>,
    enrollment: Option<f64>,
    inn: Option<&'g str>,
    gia_code: Option<&'g str>,
}

/// A registry's cells read into checked values; a registry repeats a few kinds, settlements and
/// municipalities, so each of those cell texts is read once.
struct RegistryReader<'g> {
    g: &'g Cells<'g>,
    h: &'g Header,
    cols: RegistryColumns,
    kinds: PlHashMap<&'g str, Option<Kind>>,
    settlements: PlHashMap<&'g str, Result<Option<&'static str>, String>>,
    /// Each distinct municipality cell's place in `municipalities`.
    municipality_of: PlHashMap<&'g str, u32>,
    /// The distinct municipalities of the file, read once each (not copied per row).
    municipalities: Vec<Municipality>,
}

/// A registry's municipality cell read: its ФИС ОКО code, its name (`split_code_name`) and the
/// name's key (`municipality_key`, under which the code is noted).
#[derive(Default)]
struct Municipality {
    code: Option<String>,
    name: String,
    key: String,
}

impl Municipality {
    fn of(cell: &str) -> Municipality {
        let (code, name) = split_code_name(cell);
        let key = municipality_key(&name);
        Municipality { code, name, key }
    }

    /// Note the municipality's code under its name's key (`context::note_code`: a later row's code
    /// for one name replaces an earlier one's), copying the texts only when the noted code changes.
    fn note_code(&self, codes: &mut std::collections::BTreeMap<String, String>) {
        if let Some(c) = &self.code {
            if !self.name.is_empty() && codes.get(&self.key) != Some(c) {
                codes.insert(self.key.clone(), c.clone());
            }
        }
    }
}

impl<'g> RegistryReader<'g> {
    /// Whether row `r` holds text in no cell but column `c`'s.
    fn only_cell(&self, r: usize, c: usize) -> bool {
        let row = self.g.row(r);
        (0..row.len()).all(|k| k == c || row[k].is_empty())
    }
    /// Row `r`'s indicators into `vals` (shares as fractions), in key order.
    ///
    /// Errors (data, naming row and column): a cell that is no number, a negative value, a share
    /// above 1 (above 100 in a column of percents).
    fn indicators(&self, r: usize, vals: &mut Vec<(IndicatorKey, f64)>) -> Result<()> {
        let (g, h) = (self.g, self.h);
        vals.clear();
        for &(k, c, percent, key) in &self.cols.indicators {
            let v = match g.num(r, c) {
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
            vals.push((key, if percent { v / 100.0 } else { v }));
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
            Some((c, k)) if !k.is_empty() => {
                Some(memo(&mut self.kinds, k, Kind::parse).ok_or_else(|| {
                    data_err(
                        &loc(),
                        h.raw_name(c),
                        format!("expected one of {}, found «{k}»", kind_words()),
                    )
                })?)
            }
            _ => None,
        };
        let settlement = match cols.settlement {
            Some(c) => memo(&mut self.settlements, g.cell(r, c), settlement_of).map_err(|s| {
                data_err(
                    &loc(),
                    h.raw_name(c),
                    format!("expected «город» (also пгт, рабочий посёлок, населённый пункт городского типа) or «село» (also сельская местность, населённый пункт сельского типа), found «{s}»"),
                )
            })?,
            None => None,
        };
        let enrollment = match cols.enrollment {
            Some(c) => match g.num(r, c) {
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
        let municipality = cols.municipality.map(|c| {
            let cell = g.cell(r, c);
            let muns = &mut self.municipalities;
            *self.municipality_of.entry(cell).or_insert_with(|| {
                muns.push(Municipality::of(cell));
                (muns.len() - 1) as u32
            })
        });
        let text = |c: Option<usize>| c.map(|c| g.cell(r, c).trim());
        Ok(RegistryRow {
            name: text(cols.name).unwrap_or(""),
            municipality,
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

/// Merge a registry row into the book entry of school `sid` (`text::school_id(login)`;
/// `notes::merge`, the registry's rank); `mun` is the row's municipality (its code noted by the
/// caller, `Municipality::note_code`).
#[allow(clippy::too_many_arguments)]
fn store_registry_row(
    ds: &mut Dataset,
    sid: String,
    login: &str,
    row: &RegistryRow,
    mun: &Municipality,
    vals: &[(IndicatorKey, f64)],
    source: &Sym,
    rep: &mut InputReport,
) {
    let e = school_of(&mut ds.book, sid, login);
    let facts = SchoolFacts {
        name: row.name,
        municipality: &mun.name,
        municipality_code: mun.code.as_deref().unwrap_or(""),
        kind: row.kind,
        settlement: row.settlement,
        year: 0,
    };
    merge(e, SchoolSource::Registry, &facts, &mut rep.warnings);
    if let Some(v) = row.inn {
        e.inn = Some(v.to_string());
    }
    if let Some(v) = row.gia_code {
        e.gia_code = Some(v.to_lowercase());
    }
    if e.from_registry {
        fill_from_registry(e, row.enrollment, vals, rep);
    } else {
        if row.enrollment.is_some() {
            e.enrollment = row.enrollment;
        }
        e.indicators.set_keyed(vals);
        e.from_registry = true;
    }
    if !e.sources.contains(source) {
        e.sources.push(source.clone());
    }
}

/// A second registry's row of a school another registry's row was stored for (one file's repeated
/// school is an error, `first_row`): its enrollment and indicators fill what the first left empty,
/// and each value on which they differ is a counted warning naming both, the first kept — the
/// policy of a school's other facts between inputs of one source (`notes::SchoolSource`;
/// fresh-eyes run 16: the later file's value replaced the first's without a word).
fn fill_from_registry(
    e: &mut crate::model::SchoolRow,
    enrollment: Option<f64>,
    vals: &[(IndicatorKey, f64)],
    rep: &mut InputReport,
) {
    let mut differ = e.indicators.fill_keyed(vals);
    match (e.enrollment, enrollment) {
        (Some(kept), Some(other)) if kept != other => differ.insert(0, ("enrollment", kept, other)),
        (None, Some(v)) => e.enrollment = Some(v),
        _ => {}
    }
    let id = if e.login.is_empty() {
        &e.school_id
    } else {
        &e.login
    };
    let shown = |v: f64| v.to_string().replace('.', ",");
    for (name, kept, other) in differ {
        rep.warnings.add(
            WarningCode::RegistryValuesDisagree,
            format!("{id}: {name} {} / {}", shown(kept), shown(other)),
        );
    }
}

/// User registry/context table keyed by login (FORMATS.md «Registry and context»): one row per
/// school merged into the school book.
///
/// Errors (data, unless `--lenient` skips the row with a counted warning): a second, different
/// row for one login (an identical one is dropped with a counted warning), and the cell errors of
/// `RegistryReader::indicators` and `RegistryReader::facts`.
pub fn load_registry(
    f: TextFrame,
    h: &Header,
    csv: bool,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let cols = RegistryColumns::of(h);
    cols.warn_unknown_indicators(h, rep);
    let numbers: Vec<usize> = cols
        .indicators
        .iter()
        .map(|&(_, c, _, _)| c)
        .chain(cols.enrollment)
        .collect();
    crate::timing("    registry: header read");
    let g = &Cells::of(&f, h, &numbers, csv, opts, rep)?;
    crate::timing("    registry: cells cast");
    let mut reader = RegistryReader {
        g,
        h,
        cols,
        kinds: PlHashMap::default(),
        settlements: PlHashMap::default(),
        municipality_of: PlHashMap::default(),
        municipalities: Vec::new(),
    };
    let no_municipality = Municipality::default();
    let cl = reader.cols.login;
    let source = Sym::from(f.file.as_str());
    // rows stored: each is its school's first row, so one per school
    let mut schools = 0;
    // the municipality of the row stored last (its code noted)
    let mut last_noted: Option<u32> = None;
    // each school's first record: a repeat (same trimmed cells) is dropped, a different second
    // row is an error
    let mut seen: PlHashMap<String, usize> =
        PlHashMap::with_capacity_and_hasher(f.height(), Default::default());
    let mut vals: Vec<(IndicatorKey, f64)> = Vec::with_capacity(reader.cols.indicators.len());
    for r in h.row + 1..f.height() {
        let login = g.cell(r, cl).trim();
        if login.is_empty() {
            if !g.row(r).is_empty() {
                let err = super::cells::no_login(&g.loc(r), h.raw_name(cl));
                super::flat::row_error(opts, rep, err)?;
            }
            continue;
        }
        if super::records::is_note_label(login) && reader.only_cell(r, cl) {
            super::records::note_skipped(rep, g.line_of(r), login);
            continue;
        }
        // a login (every row asks) is no total: told before any text is lowered
        if !looks_like_login(login) && super::text::is_aggregate_label(login) {
            rep.warnings.add(
                WarningCode::RegistryTotalRowSkipped,
                format!("строка {}: «{login}»", g.line_of(r)),
            );
            continue;
        }
        let sid = school_id(login);
        match first_row(&mut seen, &sid, r, g) {
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
        // as `cells::check_login`
        if let Some((code, example)) = super::cells::login_note(login, g.line_of(r)) {
            rep.warnings.add(code, example);
        }
        let read = reader
            .indicators(r, &mut vals)
            .and_then(|()| reader.facts(r));
        match read {
            Ok(row) => {
                let mun = (row.municipality)
                    .map_or(&no_municipality, |i| &reader.municipalities[i as usize]);
                // the row stored before noted this same municipality: noting it again changes
                // nothing (no other step notes codes meanwhile), so a run of one municipality's
                // rows looks its code up once
                if row.municipality != last_noted {
                    mun.note_code(&mut ds.municipality_codes);
                    last_noted = row.municipality;
                }
                store_registry_row(ds, sid, login, &row, mun, &vals, &source, rep);
                rep.rows += 1;
                schools += 1;
            }
            Err(e) => super::flat::row_error(opts, rep, e)?,
        }
    }
    rep.schools = schools;
    crate::timing("    registry: rows stored");
    Ok(())
}

/// Where record `r` of school `sid` stands against the school's first record (`seen`: each
/// school's first record, `r` remembered when it is the first): the same trimmed cells
/// (`Cells::row`) or others, with the first record's line. The cells are compared only for a
/// school seen before (no row of cells kept per school).
fn first_row(seen: &mut PlHashMap<String, usize>, sid: &str, r: usize, g: &Cells) -> Seen {
    match seen.get(sid) {
        Some(&first) if g.row(first) == g.row(r) => Seen::Same {
            line: g.line_of(first),
        },
        Some(&first) => Seen::Different {
            line: g.line_of(first),
        },
        None => {
            seen.insert(sid.to_string(), r);
            Seen::First
        }
    }
}

/// The words a registry's kind column takes (`Kind::WORDS`, the Russian ones), for its error.
fn kind_words() -> String {
    Kind::WORDS
        .iter()
        .map(|(w, _)| *w)
        .filter(|w| !w.is_ascii())
        .collect::<Vec<_>>()
        .join(" / ")
}
