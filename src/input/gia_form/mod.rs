//! The federal ЕГЭ/ОГЭ per-school form «Информация о результатах ЕГЭ выпускников школ» (kind
//! `gia-summary`), as regions fill it: identifying columns (`Муниципальное образование`,
//! `Образовательная организация (школа)`, …), then `из них` over subject captions (`Русский язык,
//! чел.`, merged over five columns) over the form's five metric captions (`приняло участие / не
//! преодолен min порог / высокобалльники (80-99 баллов) / получили 100 баллов / средний балл`),
//! sometimes a row of column numbers, then the region total, municipality subtotals and schools.
//!
//! Schools become `results` rows (participants, `n2` = below the minimum, `high` = 80–99 + 100,
//! `mean_score` on the 100-point scale); the region total and the municipality subtotals become
//! `reference` rows, each checked against the sum of its schools (a counted warning per figure
//! that differs, with both numbers). The sheet of applications to sit the exam (same form, no
//! metric row) is not results: `is_applications` tells detection to skip it.
use super::flat::row_error;
use super::header::Header;
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::report::InputReport;
use super::table::Grid;
use super::text::{self, norm_text, parse_num, split_code_name, year_in};
use super::{Meta, Opts};
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::{line_no, Count, Dataset, OptCount, ResultRow, SchoolRow, Sym};
use anyhow::Result;
use std::collections::BTreeMap;
mod layout;
pub(crate) use layout::col_letter;
use layout::*;
pub use layout::{is_applications, is_form};

/// What a data row of the form is.
#[derive(Debug, PartialEq)]
enum RowKind {
    /// No figures and no labels (a blank row).
    Blank,
    /// The region total («ВСЕГО по региону», «Итого», «Всего» …).
    Total(String),
    /// A municipality's subtotal (its name with figures, or «Итого по МО» after its schools).
    Subtotal(String),
    /// A municipality's name without figures: its schools follow.
    Heading(String),
    School {
        municipality: String,
        name: String,
    },
}

/// An aggregate label naming a municipality («Итого по МО», «Всего по району»), not the region.
fn is_municipal_total(label: &str) -> bool {
    let t = norm_text(label);
    let rest = t
        .trim_start_matches("всего")
        .trim_start_matches("итого")
        .trim_start_matches([' ', ':'])
        .trim_start_matches("по ");
    rest == "мо"
        || ["муницип", "район", "округ", "город"]
            .iter()
            .any(|w| rest.contains(w))
}

/// The kind of row `r`; `current` is the municipality of the rows above.
fn row_kind(g: &Grid, l: &Layout, r: usize, current: &str) -> Result<RowKind> {
    let m = g.cell(r, l.municipality).trim();
    let n = g.cell(r, l.school).trim();
    let figures = l
        .blocks
        .iter()
        .any(|b| b.cols.iter().any(|&c| !g.cell(r, c).trim().is_empty()));
    let label = if m.is_empty() { n } else { m };
    if text::is_aggregate_label(label) {
        if is_municipal_total(label) {
            return Ok(RowKind::Subtotal(current.to_string()));
        }
        return Ok(RowKind::Total(label.to_string()));
    }
    let mun = split_code_name(m).1;
    Ok(match (m.is_empty(), n.is_empty()) {
        (false, true) if figures => RowKind::Subtotal(mun),
        (false, true) => RowKind::Heading(mun),
        (_, false) => {
            let municipality = if m.is_empty() {
                current.to_string()
            } else {
                mun
            };
            if municipality.is_empty() {
                return Err(data_err(
                    &g.loc(r),
                    &l.school_caption,
                    format!("the school «{n}» comes before any municipality: expected a municipality row above it, or the municipality in its column"),
                ));
            }
            RowKind::School {
                municipality,
                name: n.to_string(),
            }
        }
        (true, true) if figures => {
            return Err(data_err(
                &g.loc(r),
                &col_letter(l.school),
                "a row with figures but neither a municipality nor a school name",
            ))
        }
        (true, true) => RowKind::Blank,
    })
}

/// One subject's figures on one row: pupils who sat, below the minimum, 80–99, 100; mean score.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Figures {
    counts: [i64; 4],
    mean: Option<f64>,
}

/// Captions of the four counts, for warnings.
const COUNT_NAMES: [&str; 4] = [
    "приняло участие",
    "не преодолен min порог",
    "80-99 баллов",
    "100 баллов",
];

/// The error text of a count cell that is no whole number of pupils; a caption of the form's
/// header («из них», a metric caption) says that a second header — a second year's block stacked
/// in the same sheet — starts there (fresh-eyes run 11, #12).
fn not_a_count(cell: &str) -> String {
    let t = norm_text(cell);
    if t == "из них" || layout::metric(cell).is_some() || layout::form_subject(cell).is_some()
    {
        return format!(
            "expected a whole number of pupils (0 or more), found «{}», a caption of the form's header: a second header (another year's block?) in the same sheet; give each year its own sheet",
            cell.trim()
        );
    }
    format!(
        "expected a whole number of pupils (0 or more), found «{}»",
        cell.trim()
    )
}

/// The figures of block `b` on row `r`, or none when nobody sat the subject. A blank count of a
/// subject the row sat is 0 (the form leaves zeros blank in school rows; the subtotal checks
/// confirm it).
///
/// Errors (data, naming row and column): a count that is negative, not whole or not a number;
/// counts or a mean without participants; counts above the participants; a mean outside 0–100.
fn figures(g: &Grid, b: &Block, r: usize) -> Result<Option<Figures>> {
    let col = |i: usize| {
        let name = COUNT_NAMES.get(i).copied().unwrap_or("средний балл");
        format!("{} / {name} ({})", b.caption, col_letter(b.cols[i]))
    };
    let mut counts = [0i64; 4];
    let mut any = false;
    for (i, slot) in counts.iter_mut().enumerate() {
        let cell = g.cell(r, b.cols[i]);
        let v = match parse_num(cell) {
            Ok(None) => continue,
            Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0 && v <= Count::MAX as f64 => v as i64,
            _ => return Err(data_err(&g.loc(r), &col(i), not_a_count(cell))),
        };
        any |= v > 0;
        *slot = v;
    }
    let mean_cell = g.cell(r, b.cols[4]);
    let mean = match parse_num(mean_cell) {
        Ok(None) => None,
        Ok(Some(v)) if (0.0..=100.0).contains(&v) => Some(v),
        _ => {
            return Err(data_err(
                &g.loc(r),
                &col(4),
                format!("expected a mean score 0–100, found «{}»", mean_cell.trim()),
            ))
        }
    };
    if counts[0] == 0 {
        if any || mean.is_some_and(|m| m > 0.0) {
            return Err(data_err(
                &g.loc(r),
                &col(0),
                "results without participants: expected the number who sat the subject",
            ));
        }
        return Ok(None);
    }
    if counts[1] > counts[0] || counts[2] + counts[3] > counts[0] {
        return Err(data_err(
            &g.loc(r),
            &col(1),
            format!("counts exceed the {} participants", counts[0]),
        ));
    }
    Ok(Some(Figures { counts, mean }))
}

/// The year of a sheet of the form: the sheet's name (`2023`), else the title lines above the
/// header, else `meta.year` (file name, folders, `--file-year`). Captions inside the header
/// («…участвовавшие в 2022 году») are never read for it. A title naming another year than the
/// sheet's name is a counted warning (`WarningCode::YearMismatch`).
///
/// Errors: no year anywhere (data).
fn form_year(g: &Grid, h: &Header, meta: &Meta, rep: &mut InputReport) -> Result<i32> {
    let title = (0..h.row).find_map(|r| year_in(&g.rows[r].join(" ")));
    let sheet = g.sheet.as_deref().and_then(year_in);
    if let (Some(s), Some(t)) = (sheet, title) {
        if s != t {
            rep.warnings.add(
                WarningCode::YearMismatch,
                format!(
                    "лист «{}»: в заголовке {t}",
                    g.sheet.as_deref().unwrap_or("")
                ),
            );
        }
    }
    match sheet.or(title).or((meta.year > 0).then_some(meta.year)) {
        Some(y) => Ok(y),
        None => {
            let titles = match h.row {
                0 => "there is no title line above the header".to_string(),
                n => format!("none of the {n} title line(s) above the header names one"),
            };
            Err(crate::error::data(format!(
                "{}{}: cannot tell the year of this form: expected a year in the sheet name, a title line above the header («Информация о результатах ЕГЭ … в 2024 году»), the file name or its folders, or --file-year; {titles}, and neither the sheet name nor the file name has one",
                g.file,
                super::recognise::in_sheet(&g.sheet)
            )))
        }
    }
}

/// ЕГЭ or ОГЭ: the title, file name or `--assessment` (`meta`), else a header caption naming it,
/// else ЕГЭ (the form counts 100-point results, which only ЕГЭ has).
fn form_assessment(h: &Header, meta: &Meta) -> String {
    if !meta.assessment.is_empty() {
        return meta.assessment.clone();
    }
    let named = |a: &str| {
        h.names
            .iter()
            .any(|n| n.split(|c: char| !c.is_alphanumeric()).any(|w| w == a))
    };
    if named("огэ") && !named("егэ") {
        "ОГЭ".into()
    } else {
        "ЕГЭ".into()
    }
}

/// An aggregate row: the region total (`municipality` none) or a municipality's subtotal, with
/// its figures per subject block.
struct Aggregate {
    row: usize,
    municipality: Option<String>,
    figures: Vec<Option<Figures>>,
}

/// What loading a sheet of the form gathers besides the dataset rows.
#[derive(Default)]
struct Gathered {
    /// The municipality of the rows read so far.
    current: String,
    /// Sums of the four counts over schools, per (municipality, block).
    by_municipality: BTreeMap<(String, usize), [i64; 4]>,
    /// Sums of the four counts over all schools, per block.
    region: BTreeMap<usize, [i64; 4]>,
    aggregates: Vec<Aggregate>,
    schools: std::collections::BTreeSet<String>,
}

/// Per-sheet constants of a form's rows.
struct Sheet<'a> {
    g: &'a Grid,
    l: Layout,
    year: i32,
    assessment: Sym,
    grade: i32,
    source: Sym,
}

/// Load one sheet of the federal ЕГЭ/ОГЭ form (module docs): schools to `ds.results` (keyed by a
/// login in the name cell, else `gia::name_key(municipality, name)`), the region total and the
/// municipality subtotals to the `reference` frame (level «регион» / «муниципалитет»), each checked
/// against the sum of its schools (`WarningCode::SubtotalDiffers`, `WarningCode::TotalDiffers`).
///
/// Errors (data): the layout (`layout`), the year (`form_year`), a row's figures (`figures`), a
/// school before any municipality; row errors are counted warnings under `--lenient`.
pub fn load(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let l = layout(g, h)?;
    let year = form_year(g, h, meta, rep)?;
    let assessment = form_assessment(h, meta);
    let s = Sheet {
        g,
        l,
        year,
        grade: if assessment == "ЕГЭ" { 11 } else { 9 },
        assessment: Sym::from(assessment.as_str()),
        source: Sym::from(g.file.as_str()),
    };
    let mut got = Gathered::default();
    for r in s.l.first..g.rows.len() {
        if let Err(e) = load_row(&s, r, ds, rep, &mut got) {
            row_error(opts, rep, e)?;
        }
    }
    check_totals(&s, &got, rep);
    rep.schools = got.schools.len();
    rep.participants = Some(got.region.values().map(|c| c[0] as usize).sum());
    rep.years = vec![year];
    rep.assessment = Some(assessment);
    Ok(())
}

/// Read row `r`: a school's results, an aggregate's reference rows, or a municipality heading.
fn load_row(
    s: &Sheet,
    r: usize,
    ds: &mut Dataset,
    rep: &mut InputReport,
    got: &mut Gathered,
) -> Result<()> {
    let all = |s: &Sheet| -> Result<Vec<Option<Figures>>> {
        s.l.blocks.iter().map(|b| figures(s.g, b, r)).collect()
    };
    match row_kind(s.g, &s.l, r, &got.current)? {
        RowKind::Blank => {}
        RowKind::Heading(m) => got.current = m,
        RowKind::Subtotal(m) => {
            if m.is_empty() {
                return Err(data_err(
                    &s.g.loc(r),
                    &col_letter(s.l.municipality),
                    "a municipality subtotal before any municipality",
                ));
            }
            let figures = all(s)?;
            push_reference(s, "муниципалитет", &m, &figures, ds);
            got.current = m.clone();
            got.aggregates.push(Aggregate {
                row: r,
                municipality: Some(m),
                figures,
            });
        }
        RowKind::Total(label) => {
            let figures = all(s)?;
            push_reference(s, "регион", &label, &figures, ds);
            got.aggregates.push(Aggregate {
                row: r,
                municipality: None,
                figures,
            });
        }
        RowKind::School { municipality, name } => {
            let figures = all(s)?;
            got.current = municipality.clone();
            let sid = school(&municipality, &name, ds, rep);
            for (i, f) in figures.iter().enumerate() {
                let Some(f) = f else { continue };
                let add = |sum: &mut [i64; 4]| {
                    for (a, b) in sum.iter_mut().zip(f.counts) {
                        *a += b;
                    }
                };
                add(got
                    .by_municipality
                    .entry((municipality.clone(), i))
                    .or_default());
                add(got.region.entry(i).or_default());
                ds.push_result(result_row(s, r, i, f, &sid, &municipality));
            }
            rep.rows += 1;
            got.schools.insert(sid);
        }
    }
    Ok(())
}

/// The school of a row: a login in its name cell (`edu…| name`), else its name within its
/// municipality (`gia::name_key`), resolved in `identity::finalize`. Its name and municipality are
/// merged into `ds.book`.
fn school(municipality: &str, cell: &str, ds: &mut Dataset, rep: &mut InputReport) -> String {
    let (code, name) = split_code_name(cell);
    let sid = match code {
        Some(c) if text::looks_like_login(&c) => text::school_id(&c),
        _ => super::gia::name_key(municipality, &name),
    };
    let e = ds.book.entry(sid.clone()).or_insert_with(|| {
        Box::new(SchoolRow {
            school_id: sid.clone(),
            ..Default::default()
        })
    });
    let facts = SchoolFacts {
        name: &name,
        municipality,
        ..Default::default()
    };
    merge(e, SchoolSource::Results, &facts, &mut rep.warnings);
    sid
}

/// The results row of school `sid` for block `i` with figures `f`.
fn result_row(s: &Sheet, r: usize, i: usize, f: &Figures, sid: &str, mun: &str) -> ResultRow {
    let [part, below, h80, h100] = f.counts;
    ResultRow {
        year: s.year,
        school_id: sid.into(),
        municipality: Sym::from(mun),
        assessment: s.assessment.clone(),
        subject: Sym::from(s.l.blocks[i].subject.as_str()),
        grade: s.grade,
        participants: part as Count,
        n2: Some(below as Count).into(),
        n3: OptCount::NONE,
        n4: OptCount::NONE,
        n5: OptCount::NONE,
        reconstructed: false,
        mean_score: f.mean.into(),
        high: Some((h80 + h100) as Count).into(),
        high2: OptCount::NONE,
        source: s.source.clone(),
        line: line_no(s.g.line_of(r)),
    }
}

/// The reference rows of an aggregate row (`level` «регион» or «муниципалитет»), one per subject
/// its figures have.
fn push_reference(
    s: &Sheet,
    level: &str,
    name: &str,
    figures: &[Option<Figures>],
    ds: &mut Dataset,
) {
    for (b, f) in s.l.blocks.iter().zip(figures) {
        let Some(f) = f else { continue };
        let [part, below, h80, h100] = f.counts;
        ds.pending_tables.reference.push(
            s.year,
            level.into(),
            name.into(),
            s.assessment.to_string(),
            b.subject.clone(),
            s.grade,
            Some(part),
            Some(below as f64 / part as f64),
            None,
            None,
            None,
            Some(below),
            Some(h80 + h100),
            f.mean,
        );
    }
}

/// Each aggregate's counts against the sum of its schools (a subtotal: its municipality's; the
/// total: all): a counted warning per figure that differs, giving sheet, row, subject, figure and
/// both numbers.
fn check_totals(s: &Sheet, got: &Gathered, rep: &mut InputReport) {
    for a in &got.aggregates {
        for (i, b) in s.l.blocks.iter().enumerate() {
            let given = a.figures[i].map_or([0; 4], |f| f.counts);
            let sum = match &a.municipality {
                Some(m) => got.by_municipality.get(&(m.clone(), i)),
                None => got.region.get(&i),
            }
            .copied()
            .unwrap_or_default();
            for j in 0..4 {
                if given[j] == sum[j] {
                    continue;
                }
                let what = if a.municipality.is_some() {
                    WarningCode::SubtotalDiffers
                } else {
                    WarningCode::TotalDiffers
                };
                rep.warnings.add(
                    what,
                    format!(
                        "{}строка {}, {}, «{}»: в итоге {}, сумма школ {}",
                        s.g.sheet
                            .as_deref()
                            .map(|n| format!("лист «{n}», "))
                            .unwrap_or_default(),
                        s.g.line_of(a.row),
                        b.subject,
                        COUNT_NAMES[j],
                        given[j],
                        sum[j]
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
