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
use super::header::{self, Header};
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::report::InputReport;
use super::table::Grid;
use super::text::{self, norm_text, parse_num, split_code_name, year_in};
use super::{Meta, Opts};
use crate::error::data_err;
use crate::model::{line_no, Count, Dataset, OptCount, ReferenceRow, ResultRow, SchoolRow, Sym};
use anyhow::Result;
use std::collections::BTreeMap;

/// One of the form's five columns under each subject, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Metric {
    /// `приняло участие` (pupils).
    Participants,
    /// `не преодолен min порог` (pupils below the minimum score).
    Below,
    /// `высокобалльники (80-99 баллов)` (pupils).
    High80,
    /// `получили 100 баллов` (pupils).
    High100,
    /// `средний балл` (points, 0–100).
    Mean,
}

/// The form's metric captions as the real form spells them, for error messages.
const FORM_METRICS: &str = "«приняло участие», «не преодолен min порог», «высокобалльники (80-99 баллов)», «получили 100 баллов», «средний балл»";

/// The metric a caption names (normalised: case, ё, spaces, NBSP and line breaks, dashes).
fn metric(caption: &str) -> Option<Metric> {
    let t = norm_text(caption)
        .replace(['–', '—'], "-")
        .replace(" - ", "-");
    let t = t
        .trim_end_matches([',', '.', ' '])
        .trim_end_matches(", чел");
    if t.starts_with("принял") && t.contains("участие") {
        Some(Metric::Participants)
    } else if t.starts_with("не преодол") {
        Some(Metric::Below)
    } else if t.contains("80-99") {
        Some(Metric::High80)
    } else if t == "100" || (t.contains("100") && t.contains("балл")) {
        Some(Metric::High100)
    } else if t.starts_with("средний") && t.contains("балл") {
        Some(Metric::Mean)
    } else {
        None
    }
}

/// The subject of a caption such as `Русский язык, чел.`, `Математика (профиль), чел.`,
/// `География, чел. (в т.ч. участвовавшие в 2022 году)` (`text::subject` after the unit and a
/// trailing note in brackets are cut).
fn form_subject(caption: &str) -> Option<String> {
    let t = norm_text(caption);
    let t = t.split(", чел").next().unwrap_or("");
    let t = t.split(" чел.").next().unwrap_or("").trim();
    text::subject(t).or_else(|| {
        let (head, _) = t.rsplit_once('(')?;
        text::subject(head.trim())
    })
}

/// The row of metric captions under header `h`: the first of the two rows below it holding a
/// participants caption.
fn metric_row(g: &Grid, h: &Header) -> Option<usize> {
    (h.row + 1..(h.row + 3).min(g.rows.len())).find(|&r| {
        g.rows[r]
            .iter()
            .any(|c| metric(c) == Some(Metric::Participants))
    })
}

/// Whether `h` heads the federal form's results: a municipality, school or `из них` caption with,
/// one or two rows below, a row of the form's metric captions (`приняло участие` …).
pub fn is_form(g: &Grid, h: &Header) -> bool {
    let idents = h.has(&["из них"]) || h.has(header::MUNICIPALITY) || school_col(h).is_some();
    idents
        && metric_row(g, h).is_some_and(|r| g.rows[r].iter().filter_map(|c| metric(c)).count() >= 2)
}

/// Whether `h` heads the form's sheet of applications to sit the exam («…подавших заявление на
/// участие в ЕГЭ»): `из них` over subjects with no metric row; the sheet has no results.
pub fn is_applications(g: &Grid, h: &Header) -> bool {
    h.has(&["из них"])
        && h.names.iter().any(|n| n.contains("заявлен"))
        && metric_row(g, h).is_none()
}

/// Column of school names: `Образовательная организация (школа)`, `ОО`, `Школа`, ….
fn school_col(h: &Header) -> Option<usize> {
    h.find(&[
        "оо",
        "наименование оо",
        "образовательная организация",
        "школа",
    ])
    .or_else(|| h.find_prefix(&["образовательная организация", "наименование"]))
}

/// Excel's letter of a 0-based column (`0` → `A`, `26` → `AA`).
fn col_letter(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// A subject's five columns under its caption.
struct Block {
    subject: String,
    caption: String,
    /// Column of each metric, in `Metric` order.
    cols: [usize; 5],
}

/// The form's layout below its header row.
struct Layout {
    municipality: usize,
    school: usize,
    /// The school column's caption, for errors.
    school_caption: String,
    blocks: Vec<Block>,
    /// First row of data (after the metric row and a row of column numbers, if any).
    first: usize,
}

/// The subject blocks of the form: each caption of the row above the metric row covers the metric
/// columns from it to the next caption.
///
/// Errors (data, naming the row and column): a metric caption that is not one of the form's; a
/// metric column with no subject caption above or left of it; a subject caption that names no
/// known subject; a subject covering other than the form's five metrics, each once.
fn layout(g: &Grid, h: &Header) -> Result<Layout> {
    let mr = metric_row(g, h).expect("detected by is_form");
    let sr = mr - 1;
    let mut metrics = Vec::new();
    for (c, cell) in g.rows[mr].iter().enumerate() {
        if cell.trim().is_empty() {
            continue;
        }
        let m = metric(cell).ok_or_else(|| {
            data_err(
                &g.loc(mr),
                &format!("{} ({})", cell.trim(), col_letter(c)),
                format!("not one of the form's metric captions; expected {FORM_METRICS}"),
            )
        })?;
        metrics.push((c, m));
    }
    let first_metric = metrics.first().map_or(0, |m| m.0);
    let captions: Vec<usize> = (first_metric..g.rows[sr].len())
        .filter(|&c| {
            let t = g.cell(sr, c).trim();
            !t.is_empty() && norm_text(t) != "из них"
        })
        .collect();
    if captions.first() != Some(&first_metric) {
        return Err(data_err(
            &g.loc(sr),
            &col_letter(first_metric),
            format!(
                "expected a subject caption («Русский язык, чел.») over the metric column «{}»",
                g.cell(mr, first_metric).trim()
            ),
        ));
    }
    let mut blocks = Vec::new();
    for (i, &c) in captions.iter().enumerate() {
        let end = captions.get(i + 1).copied().unwrap_or(usize::MAX);
        let under: Vec<(usize, Metric)> = metrics
            .iter()
            .copied()
            .filter(|&(mc, _)| mc >= c && mc < end)
            .collect();
        blocks.push(block(g, sr, c, &under)?);
    }
    let (municipality, school) = (h.find(header::MUNICIPALITY).unwrap_or(0), school_col(h));
    let school = school.unwrap_or(municipality + 1);
    let numbered = mr + 1 < g.rows.len()
        && g.rows[mr + 1].iter().any(|c| !c.trim().is_empty())
        && g.rows[mr + 1]
            .iter()
            .all(|c| c.trim().is_empty() || c.trim().parse::<u32>().is_ok());
    Ok(Layout {
        municipality,
        school,
        school_caption: format!("{} ({})", h.raw_name(school).trim(), col_letter(school)),
        blocks,
        first: mr + 1 + usize::from(numbered),
    })
}

/// The block of the subject caption in column `c` of row `sr` over the metric columns `under`.
fn block(g: &Grid, sr: usize, c: usize, under: &[(usize, Metric)]) -> Result<Block> {
    use Metric::*;
    let caption = g.cell(sr, c).trim().to_string();
    let at = || format!("{caption} ({})", col_letter(c));
    let subject = form_subject(&caption)
        .ok_or_else(|| data_err(&g.loc(sr), &at(), "expected a subject of the exam (e.g. «Русский язык, чел.», «Математика (профиль), чел.»), found an unknown caption"))?;
    let order = [Participants, Below, High80, High100, Mean];
    let mut cols = [usize::MAX; 5];
    for &(mc, m) in under {
        cols[order.iter().position(|&o| o == m).expect("a metric")] = mc;
    }
    if under.len() != 5 || cols.contains(&usize::MAX) {
        let found: Vec<String> = under
            .iter()
            .map(|&(mc, _)| format!("«{}»", norm_text(g.cell(sr + 1, mc))))
            .collect();
        return Err(data_err(
            &g.loc(sr),
            &at(),
            format!(
                "the subject covers {} metric column(s) ({}); expected the form's 5, each once: {FORM_METRICS}",
                under.len(),
                if found.is_empty() { "none".to_string() } else { found.join(", ") }
            ),
        ));
    }
    Ok(Block {
        subject,
        caption,
        cols,
    })
}

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
            _ => {
                return Err(data_err(
                    &g.loc(r),
                    &col(i),
                    format!(
                        "expected a whole number of pupils (0 or more), found «{}»",
                        cell.trim()
                    ),
                ))
            }
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

/// Warning for a title naming another year than the sheet's name (the sheet's name is taken).
pub const YEAR_MISMATCH: &str =
    "год в заголовке листа формы ЕГЭ/ОГЭ не совпадает с именем листа: взят год из имени листа";
/// Warning for a municipality subtotal that differs from the sum of its schools.
pub const SUBTOTAL_DIFFERS: &str = "итог муниципалитета в форме ЕГЭ/ОГЭ не равен сумме его школ";
/// Warning for the region total that differs from the sum of all schools.
pub const TOTAL_DIFFERS: &str = "итог по региону в форме ЕГЭ/ОГЭ не равен сумме школ";

/// The year of a sheet of the form: the sheet's name (`2023`), else the title lines above the
/// header, else `meta.year` (file name, folders, `--file-year`). Captions inside the header
/// («…участвовавшие в 2022 году») are never read for it. A title naming another year than the
/// sheet's name is a counted warning (`YEAR_MISMATCH`).
///
/// Errors: no year anywhere (data).
fn form_year(g: &Grid, h: &Header, meta: &Meta, rep: &mut InputReport) -> Result<i32> {
    let title = (0..h.row).find_map(|r| year_in(&g.rows[r].join(" ")));
    let sheet = g.sheet.as_deref().and_then(year_in);
    if let (Some(s), Some(t)) = (sheet, title) {
        if s != t {
            rep.warnings.add(
                YEAR_MISMATCH,
                format!(
                    "лист «{}»: в заголовке {t}",
                    g.sheet.as_deref().unwrap_or("")
                ),
            );
        }
    }
    match sheet.or(title).or((meta.year > 0).then_some(meta.year)) {
        Some(y) => Ok(y),
        None => Err(data_err(
            &g.loc(h.row),
            "title",
            "cannot tell the year of this form: expected it in the sheet name, the title, the file name, or --file-year",
        )),
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
/// municipality subtotals to `ds.reference` (level «регион» / «муниципалитет»), each checked
/// against the sum of its schools (`SUBTOTAL_DIFFERS`, `TOTAL_DIFFERS`).
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
/// merged into `ds.schools`.
fn school(municipality: &str, cell: &str, ds: &mut Dataset, rep: &mut InputReport) -> String {
    let (code, name) = split_code_name(cell);
    let sid = match code {
        Some(c) if text::looks_like_login(&c) => text::school_id(&c),
        _ => super::gia::name_key(municipality, &name),
    };
    let e = ds.schools.entry(sid.clone()).or_insert_with(|| {
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
        ds.reference.push(ReferenceRow {
            year: s.year,
            level: level.into(),
            name: name.into(),
            assessment: s.assessment.to_string(),
            subject: b.subject.clone(),
            grade: s.grade,
            participants: Some(part),
            p2: Some(below as f64 / part as f64),
            p3: None,
            p4: None,
            p5: None,
            n2: Some(below),
            high: Some(h80 + h100),
            mean_score: f.mean,
        });
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
                    SUBTOTAL_DIFFERS
                } else {
                    TOTAL_DIFFERS
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
mod tests {
    use super::*;

    #[test]
    fn metric_captions_as_the_real_form_spells_them() {
        use Metric::*;
        let cases = [
            ("приняло участие", Some(Participants)),
            ("приняли участие", Some(Participants)),
            ("не преодолен min порог", Some(Below)),
            ("не преодолели минимальный порог", Some(Below)),
            ("высокобалльники \n(80-99 баллов)", Some(High80)),
            ("80\u{a0}–\u{a0}99", Some(High80)),
            ("получили 100 баллов", Some(High100)),
            ("100 баллов", Some(High100)),
            ("Средний балл", Some(Mean)),
            ("доля «2»", None),
            ("из них", None),
        ];
        for (caption, want) in cases {
            assert_eq!(metric(caption), want, "{caption}");
        }
    }

    #[test]
    fn subject_captions_keep_the_two_mathematics_apart() {
        let cases = [
            ("Русский язык, чел.", Some("русский язык")),
            ("Математика (профиль), чел.", Some("математика профильная")),
            ("Математика (базовая), чел.", Some("математика базовая")),
            ("Биология\u{a0}, чел.", Some("биология")),
            ("ИКТ, чел.", Some("информатика")),
            ("Иностранные языки, чел.", Some("иностранный язык")),
            (
                "География, чел. \n(в т.ч. участвовашие в 2022 году)",
                Some("география"),
            ),
            ("Физкультура, чел.", None),
        ];
        for (caption, want) in cases {
            assert_eq!(form_subject(caption).as_deref(), want, "{caption}");
        }
    }

    #[test]
    fn region_totals_and_municipal_totals() {
        assert!(is_municipal_total("Итого по МО"));
        assert!(is_municipal_total("Всего по району"));
        assert!(!is_municipal_total("ВСЕГО по региону"));
        assert!(!is_municipal_total("Итого"));
        assert!(!is_municipal_total("Всего по Еврейской автономной области"));
    }

    #[test]
    fn column_letters() {
        assert_eq!(col_letter(0), "A");
        assert_eq!(col_letter(25), "Z");
        assert_eq!(col_letter(26), "AA");
        assert_eq!(col_letter(58), "BG");
    }

    /// SOURCES.md `ege_eao`: the 2023 region total (867 / 8 / 119 + 1, mean 61,56) and the six
    /// municipality subtotals are reference rows, never schools.
    #[test]
    #[ignore = "needs SHNOR_REAL_DATA"]
    fn ege_eao_total_and_subtotals_are_reference_rows() {
        let root = std::env::var_os("SHNOR_REAL_DATA").expect("SHNOR_REAL_DATA");
        let f = std::path::Path::new(&root).join("ege_eao/Еврейская автономная область.xlsx");
        let l = crate::input::load_paths(&[f], &Opts::default()).unwrap();
        let refs = &l.data.reference;
        let total = refs
            .iter()
            .find(|r| r.year == 2023 && r.level == "регион" && r.subject == "русский язык")
            .unwrap();
        assert_eq!(total.name, "ВСЕГО по региону");
        assert_eq!(
            (total.participants, total.n2, total.high),
            (Some(867), Some(8), Some(120))
        );
        assert!((total.mean_score.unwrap() - 61.56).abs() < 1e-9);
        let muns: std::collections::BTreeSet<&str> = refs
            .iter()
            .filter(|r| r.year == 2023 && r.level == "муниципалитет")
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(muns.len(), 6, "{muns:?}");
        assert!(!l.data.schools.keys().any(|k| k.contains("всего")));
    }
}
