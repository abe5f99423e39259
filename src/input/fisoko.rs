//! Family A: ФИС ОКО aggregated reports — «Статистика по отметкам» and
//! «Сравнение отметок с отметками по журналу». Hierarchy by order: вся выборка → регион →
//! муниципалитет → школы; the current municipality is carried down to its schools.
use super::flat::row_error;
use super::header::Header;
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::report::InputReport;
use super::table::Grid;
use super::text::{norm_header, norm_text, parse_num, school_id, split_code_name};
use super::{Meta, Opts};
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::{count, Count, Dataset, ResultRow, SchoolRow};
use crate::model::{line_no, OptCount, OptScore, Sym};
use anyhow::Result;

pub fn is_stats(h: &Header) -> bool {
    h.has(&["группы участников"]) && h.find_prefix(&["распределение групп баллов"]).is_some()
}

pub fn is_journal_report(g: &Grid, h: &Header) -> bool {
    h.has(&["группы участников"])
        && h.find_prefix(&["распределение групп баллов"]).is_none()
        && (h.row + 1..g.rows.len().min(h.row + 12)).any(|r| {
            g.rows[r]
                .iter()
                .any(|c| norm_text(c).starts_with("понизили"))
        })
}

fn school_cell(s: &str) -> Option<(String, String)> {
    let (code, name) = split_code_name(s);
    code.filter(|c| super::text::looks_like_login(c))
        .map(|c| (c, name))
}

/// The year/grade/subject of a report and its «Группы участников» and «Кол-во участников» columns.
fn group_columns(g: &Grid, h: &Header, meta: &Meta) -> Result<(usize, usize)> {
    check_meta(g, h, meta)?;
    let cg = h.find(&["группы участников"]).unwrap();
    let cp = h.find(&["кол-во участников"]).ok_or_else(|| {
        data_err(
            &g.loc(h.row),
            "Кол-во участников",
            "missing column: expected «Кол-во участников» beside «Группы участников»",
        )
    })?;
    Ok((cg, cp))
}

fn check_meta(g: &Grid, h: &Header, meta: &Meta) -> Result<()> {
    if meta.year == 0 || meta.grade == 0 || meta.subject.is_empty() {
        return Err(data_err(&g.loc(h.row), "title", format!(
            "cannot tell the year, grade and subject of this report (found year {}, grade {}, subject «{}»): expected title lines above the header, or give --year/--grade/--subject",
            meta.year, meta.grade, meta.subject)));
    }
    if meta.assessment.is_empty() {
        return Err(super::cells::no_assessment(&g.loc(h.row), None, false));
    }
    Ok(())
}

pub fn load_stats(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let (cg, cp) = group_columns(g, h, meta)?;
    let sub = h.row + 1;
    let cm = mark_columns(g, sub)?;
    let file = StatsFile {
        g,
        meta,
        source: Sym::from(g.file.as_str()),
        ass: Sym::from(meta.assessment.as_str()),
        subj: Sym::from(meta.subject.as_str()),
    };
    let mut levels = Levels::default();
    let mut schools = std::collections::BTreeSet::new();
    for r in sub + 1..g.rows.len() {
        let label = g.cell(r, cg).trim().to_string();
        if label.is_empty() {
            continue;
        }
        let res = (|| -> Result<()> {
            let (part, part_n, p) = stats_figures(g, h, r, cp, &cm)?;
            match school_cell(&label) {
                Some((login, name)) => {
                    let row = SchoolFigures { r, part_n, p: &p };
                    let sid = file.push_school(&row, &login, &name, &levels.municipality, ds, rep);
                    schools.insert(sid);
                }
                None => {
                    let level = levels.of(&label);
                    ds.pending_tables.reference.push(
                        meta.year,
                        level.into(),
                        split_code_name(&label).1,
                        meta.assessment.clone(),
                        meta.subject.clone(),
                        meta.grade,
                        Some(part as i64),
                        Some(p[0] / 100.0),
                        Some(p[1] / 100.0),
                        Some(p[2] / 100.0),
                        Some(p[3] / 100.0),
                        None,
                        None,
                        None,
                    );
                }
            }
            Ok(())
        })();
        match res {
            Ok(()) => rep.rows += 1,
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.schools = schools.len();
    rep.warnings.add_n(
        WarningCode::CountsFromPercents,
        rep.schools,
        "отчёт даёт только проценты",
    );
    Ok(())
}

pub fn load_journal_report(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let (cg, cp) = group_columns(g, h, meta)?;
    let mut current: Option<String> = None;
    let mut counts = [None::<i64>; 3];
    let mut schools = std::collections::BTreeSet::new();
    for r in h.row + 1..g.rows.len() {
        let label = g.cell(r, cg).trim().to_string();
        if label.is_empty() {
            continue;
        }
        let t = norm_text(&label);
        let first = t.split_whitespace().next().unwrap_or("");
        let idx = match first {
            "понизили" => Some(0),
            "подтвердили" => Some(1),
            "повысили" => Some(2),
            "всего" => Some(3),
            _ => None,
        };
        let res = (|| -> Result<()> {
            match idx {
                None => {
                    current = school_cell(&label).map(|(l, _)| school_id(&l));
                    counts = [None; 3];
                }
                Some(i) => {
                    let v = match parse_num(g.cell(r, cp)) {
                        Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0 => v as i64,
                        _ => {
                            return Err(data_err(
                                &g.loc(r),
                                h.raw_name(cp),
                                format!(
                                    "expected a whole non-negative count, found «{}»",
                                    g.cell(r, cp)
                                ),
                            ))
                        }
                    };
                    if i < 3 {
                        counts[i] = Some(v);
                    } else if let (Some(sid), [Some(lo), Some(co), Some(ra)]) = (&current, counts) {
                        if lo + co + ra != v {
                            return Err(data_err(&g.loc(r), h.raw_name(cp), format!("«Всего» is {v}, expected {} (понизили + подтвердили + повысили)", lo + co + ra)));
                        }
                        schools.insert(sid.clone());
                        ds.pending_tables.journal.push(
                            meta.year,
                            sid.clone(),
                            meta.subject.clone(),
                            meta.grade,
                            lo,
                            co,
                            ra,
                        );
                    }
                }
            }
            Ok(())
        })();
        match res {
            Ok(()) => rep.rows += 1,
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.schools = schools.len();
    Ok(())
}

/// Score columns `0 | 1 | … | max` in the header row or the row under it (merged header).
pub fn score_columns(g: &Grid, h: &Header) -> Option<(usize, Vec<(usize, i32)>)> {
    for r in [h.row, h.row + 1] {
        let cols: Vec<(usize, i32)> = g
            .rows
            .get(r)?
            .iter()
            .enumerate()
            .filter_map(|(c, v)| {
                let t = v.trim();
                // a number too large for a score (ten digits and more) breaks the sequence
                (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| (c, t.parse().unwrap_or(-1)))
            })
            .collect();
        let consecutive = cols
            .windows(2)
            .all(|w| w[1].1 == w[0].1 + 1 && w[1].0 == w[0].0 + 1);
        if cols.len() >= 5 && cols[0].1 == 0 && consecutive {
            return Some((r, cols));
        }
    }
    None
}

pub fn is_histogram_report(g: &Grid, h: &Header) -> bool {
    h.has(&["группы участников"])
        && h.find_prefix(&["распределение групп баллов"]).is_none()
        && score_columns(g, h).is_some()
}

/// «Гистограмма первичных баллов»: % of participants per primary score, per group → per-school histograms.
pub fn load_histogram_report(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let (cg, cp) = group_columns(g, h, meta)?;
    let (score_row, cols) = score_columns(g, h).unwrap();
    let mut schools = std::collections::BTreeSet::new();
    for r in score_row + 1..g.rows.len() {
        let label = g.cell(r, cg).trim().to_string();
        let Some((login, _)) = school_cell(&label) else {
            continue;
        };
        let res = (|| -> Result<()> {
            let part = super::cells::count(g, h, r, cp, Some(0))?;
            let p: Vec<f64> = cols
                .iter()
                .map(|(c, _)| super::cells::non_negative(g, h, r, *c).map(|v| v.unwrap_or(0.0)))
                .collect::<Result<_>>()?;
            let sum: f64 = p.iter().sum();
            if part > 0 && (sum - 100.0).abs() > 0.5 {
                let empty = cols.iter().all(|(c, _)| g.cell(r, *c).trim().is_empty());
                return Err(data_err(&g.loc(r), "0 … max", shares_not_100(sum, empty)));
            }
            let sid = school_id(&login);
            for ((_, score), pc) in cols.iter().zip(&p) {
                let count = (pc / 100.0 * part as f64).round() as i64;
                if count > 0 {
                    ds.pending_tables.histograms.push(
                        meta.year,
                        sid.clone(),
                        meta.subject.clone(),
                        meta.grade,
                        *score,
                        count,
                    );
                }
            }
            schools.insert(sid);
            Ok(())
        })();
        match res {
            Ok(()) => rep.rows += 1,
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.schools = schools.len();
    rep.warnings.add_n(
        WarningCode::ScoreCountsFromPercents,
        rep.schools,
        "отчёт даёт только проценты",
    );
    Ok(())
}

/// A ФИС ОКО statistics report being loaded: its grid, procedure and the result rows' source.
struct StatsFile<'a> {
    g: &'a Grid,
    meta: &'a Meta,
    source: Sym,
    ass: Sym,
    subj: Sym,
}

/// A school row's figures: its grid row, participants and percents of «2» … «5».
struct SchoolFigures<'a> {
    r: usize,
    part_n: Count,
    p: &'a [f64],
}

impl StatsFile<'_> {
    /// The school `login` «`name`» of row `f.r` (under `municipality`, `code|name` or name) in
    /// `ds`'s book, and its result with counts rebuilt from the percents by largest remainders;
    /// its key.
    fn push_school(
        &self,
        f: &SchoolFigures,
        login: &str,
        name: &str,
        municipality: &str,
        ds: &mut Dataset,
        rep: &mut InputReport,
    ) -> String {
        let (meta, p) = (self.meta, f.p);
        let sid = school_id(login);
        let e = ds.book.entry(sid.clone()).or_insert_with(|| {
            Box::new(SchoolRow {
                school_id: sid.clone(),
                ..Default::default()
            })
        });
        if e.login.is_empty() || login.to_lowercase().starts_with("edu") {
            e.login = login.to_lowercase();
        }
        let (mc, mn) = split_code_name(municipality);
        let facts = SchoolFacts {
            name,
            municipality: &mn,
            municipality_code: mc.as_deref().unwrap_or(""),
            ..Default::default()
        };
        merge(e, SchoolSource::Results, &facts, &mut rep.warnings);
        // shares sum to 100 ± 0.5 (checked by `stats_figures`): counts by largest remainders
        let c = super::flat::largest_remainders(f.part_n, [p[0], p[1], p[2], p[3]]);
        ds.push_result(ResultRow {
            year: meta.year,
            school_id: sid.clone().into(),
            municipality: Sym::from(mn.as_str()),
            assessment: self.ass.clone(),
            subject: self.subj.clone(),
            grade: meta.grade,
            participants: f.part_n,
            n2: c[0].into(),
            n3: c[1].into(),
            n4: c[2].into(),
            n5: c[3].into(),
            reconstructed: true,
            mean_score: OptScore::NONE,
            high: c[3].into(),
            high2: OptCount::NONE,
            source: self.source.clone(),
            line: line_no(self.g.line_of(f.r)),
        });
        sid
    }
}

/// The hierarchy of a ФИС ОКО statistics report in row order: «вся выборка», the region, then
/// each municipality followed by its schools.
#[derive(Default)]
struct Levels {
    /// The municipality whose schools follow (its label, `code|name` or name).
    municipality: String,
    aggregates_seen: usize,
}

impl Levels {
    /// The level of the aggregate row `label` («вся выборка», «регион» or «муниципалитет»); a
    /// municipality (or a third region-like row) becomes the municipality of the schools below.
    fn of(&mut self, label: &str) -> &'static str {
        let level = if norm_text(label) == "вся выборка" {
            "вся выборка"
        } else if self.aggregates_seen <= 1 && self.municipality.is_empty() {
            "регион"
        } else {
            "муниципалитет"
        };
        self.aggregates_seen += 1;
        if level == "муниципалитет" || (level == "регион" && self.aggregates_seen > 2)
        {
            self.municipality = label.to_string();
        }
        level
    }
}

/// The columns of «2» … «5» of a ФИС ОКО statistics report: the marks under the merged cell
/// «Распределение групп баллов в %», in row `sub` (the row below the header).
/// Errors: a mark missing from that row.
fn mark_columns(g: &Grid, sub: usize) -> Result<[usize; 4]> {
    let mut cm = [usize::MAX; 4];
    for (c, v) in g.rows.get(sub).into_iter().flatten().enumerate() {
        if let Ok(Some(m)) = parse_num(&norm_header(v)) {
            if (2.0..=5.0).contains(&m) && m.fract() == 0.0 {
                cm[m as usize - 2] = c;
            }
        }
    }
    if cm.contains(&usize::MAX) {
        return Err(data_err(
            &g.loc(sub),
            "Распределение групп баллов в %",
            "expected the marks 2 | 3 | 4 | 5 in the row under the merged header cell",
        ));
    }
    Ok(cm)
}

/// Row `r`'s participants (as written and as a count) and its percents of «2» … «5» (columns
/// `cm`; an empty cell is 0). Errors: a negative or non-numeric cell, participants beyond a count,
/// percents of a row with participants that do not sum to 100 ± 0.5.
fn stats_figures(
    g: &Grid,
    h: &Header,
    r: usize,
    cp: usize,
    cm: &[usize; 4],
) -> Result<(f64, Count, Vec<f64>)> {
    let loc = g.loc(r);
    let num = |c: usize| -> Result<f64> {
        match parse_num(g.cell(r, c)) {
            Ok(Some(v)) if v >= 0.0 => Ok(v),
            Ok(None) => Ok(0.0),
            _ => Err(data_err(
                &loc,
                &format!("{}{}", h.raw_name(c), if c == cp { "" } else { " (%)" }),
                format!("expected a non-negative number, found «{}»", g.cell(r, c)),
            )),
        }
    };
    let part = num(cp)?;
    let Some(part_n) = count(part.trunc()) else {
        return Err(data_err(
            &loc,
            h.raw_name(cp),
            format!(
                "expected a number of participants up to {}, found «{}»",
                Count::MAX,
                g.cell(r, cp).trim()
            ),
        ));
    };
    let p: Vec<f64> = cm.iter().map(|&c| num(c)).collect::<Result<_>>()?;
    let sum: f64 = p.iter().sum();
    if part > 0.0 && (sum - 100.0).abs() > 0.5 {
        let empty = cm.iter().all(|&c| g.cell(r, c).trim().is_empty());
        return Err(data_err(
            &loc,
            "Распределение групп баллов в %",
            shares_not_100(sum, empty),
        ));
    }
    Ok((part, part_n, p))
}

/// The error of a row of percent shares that do not sum to 100 ± 0.5: their sum, or that the cells
/// are empty (`empty`), which «sum to 0.00» would hide.
fn shares_not_100(sum: f64, empty: bool) -> String {
    match empty {
        true => "the percent cells are empty: expected shares that sum to 100 ± 0.5".into(),
        false => format!("shares sum to {sum:.2}: expected 100 ± 0.5"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid::of_strs("t.csv", None, rows, Some(("utf-8", b';')))
    }

    #[test]
    fn a_header_cell_of_ten_digits_is_no_score_and_no_panic() {
        let g = grid(&[
            &["Группы участников", "0", "1", "2", "3", "4", "12345678901"],
            &["edu1", "1", "2", "3", "4", "5", "6"],
        ]);
        assert!(score_columns(&g, &Header::new(0, &g.rows[0])).is_none());
        let g = grid(&[
            &["Группы участников", "0", "1", "2", "3", "4", "5"],
            &["edu1", "1", "2", "3", "4", "5", "6"],
        ]);
        let (row, cols) = score_columns(&g, &Header::new(0, &g.rows[0])).unwrap();
        assert_eq!((row, cols.len()), (0, 6));
        let g = grid(&[
            &["Группы участников", "0", "99999999999", "2", "3", "4", "5"],
            &["edu1", "1", "2", "3", "4", "5", "6"],
        ]);
        assert!(score_columns(&g, &Header::new(0, &g.rows[0])).is_none());
        assert!(!is_histogram_report(&g, &Header::new(0, &g.rows[0])));
    }

    #[test]
    fn empty_percent_cells_are_named_empty_not_summed() {
        assert_eq!(
            super::shares_not_100(0.0, true),
            "the percent cells are empty: expected shares that sum to 100 ± 0.5"
        );
        assert_eq!(
            super::shares_not_100(90.0, false),
            "shares sum to 90.00: expected 100 ± 0.5"
        );
    }
}
