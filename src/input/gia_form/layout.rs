//! The federal form's header: its metric captions, subject captions and the columns of each
//! subject (`layout`), and whether a header is the form's (`is_form`) or its applications sheet's.
use crate::error::data_err;
use crate::input::header::{self, Header};
use crate::input::table::Grid;
use crate::input::text::{self, norm_text};
use anyhow::Result;

/// One of the form's five columns under each subject, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Metric {
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
pub(super) const FORM_METRICS: &str = "«приняло участие», «не преодолен min порог», «высокобалльники (80-99 баллов)», «получили 100 баллов», «средний балл»";

/// The metric a caption names (normalised: case, ё, spaces, NBSP and line breaks, dashes).
pub(super) fn metric(caption: &str) -> Option<Metric> {
    let t = norm_text(caption)
        .replace(['–', '—'], "-")
        .replace(" - ", "-");
    let t = t
        .trim_end_matches([',', '.', ' '])
        .trim_end_matches(", чел");
    // «количество участников», «число участников», «участников»: the same count, worded otherwise
    // in a region's copy of the form (fresh-eyes run 11)
    let participants = (t.starts_with("принял") && t.contains("участие"))
        || (t.contains("участник") && !t.contains("доля") && !t.contains("%"))
        || t.starts_with("сдавал")
        || t.contains("сдававш")
        || t.starts_with("участвовал");
    if participants {
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
pub(super) fn form_subject(caption: &str) -> Option<String> {
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
pub(super) fn metric_row(g: &Grid, h: &Header) -> Option<usize> {
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
    // the metrics stand under subjects («Русский язык, чел.»): a per-school table with one
    // caption over its figures («Результаты» over «Количество участников», «Средний балл») is
    // no form (`detect::two_row_gia`)
    let subjects =
        |m: usize| (h.row..m).any(|r| g.rows[r].iter().any(|c| form_subject(c).is_some()));
    idents
        && metric_row(g, h)
            .is_some_and(|r| g.rows[r].iter().filter_map(|c| metric(c)).count() >= 2 && subjects(r))
}

/// Whether `h` heads the form's sheet of applications to sit the exam («…подавших заявление на
/// участие в ЕГЭ»): `из них` over subjects with no metric row; the sheet has no results.
pub fn is_applications(g: &Grid, h: &Header) -> bool {
    h.has(&["из них"])
        && h.names.iter().any(|n| n.contains("заявлен"))
        && metric_row(g, h).is_none()
}

/// Column of school names: `Образовательная организация (школа)`, `ОО`, `Школа`, ….
pub(super) fn school_col(h: &Header) -> Option<usize> {
    h.find(&[
        "оо",
        "наименование оо",
        "образовательная организация",
        "школа",
    ])
    .or_else(|| h.find_prefix(&["образовательная организация", "наименование"]))
}

/// Excel's letter of a 0-based column (`0` → `A`, `26` → `AA`).
pub(crate) fn col_letter(c: usize) -> String {
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
pub(super) struct Block {
    pub(super) subject: String,
    pub(super) caption: String,
    /// Column of each metric, in `Metric` order.
    pub(super) cols: [usize; 5],
}

/// The form's layout below its header row.
pub(super) struct Layout {
    pub(super) municipality: usize,
    pub(super) school: usize,
    /// The school column's caption, for errors.
    pub(super) school_caption: String,
    pub(super) blocks: Vec<Block>,
    /// First row of data (after the metric row and a row of column numbers, if any).
    pub(super) first: usize,
}

/// The subject blocks of the form: each caption of the row above the metric row covers the metric
/// columns from it to the next caption.
///
/// Errors (data, naming the row and column): a metric caption that is not one of the form's; a
/// metric column with no subject caption above or left of it; a subject caption that names no
/// known subject; a subject covering other than the form's five metrics, each once.
pub(super) fn layout(g: &Grid, h: &Header) -> Result<Layout> {
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
pub(super) fn block(g: &Grid, sr: usize, c: usize, under: &[(usize, Metric)]) -> Result<Block> {
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
