//! Context tables keyed by school code and year, with a codebook (issue 14): a research table with
//! a school code column (`code`, `Код ОО`, `id`, or a login), `year`, and one column per indicator
//! named by a code (`ses1 … ses17`); a codebook (a second sheet, or a file of its own) maps each
//! code to the indicator's wording.
//!
//! The wordings are matched to the index indicators by `context::indicator_of` (the registry's
//! labels and their synonyms); a column whose code or wording matches none is left out and listed
//! in the load report. `NA` and an empty cell are missing; any other text is a data error naming
//! the sheet, row and column. Values land in `Dataset::context_years` by school key and year and
//! reach the schools for the selection year (`model::context_years::use_year`).
use super::context::{indicator_of, is_share};
use super::gia::gia_key;
use super::header::{self, Header};
use super::records::Seen;
use super::report::InputReport;
use super::table::Grid;
use super::text::{header_says_percent, looks_like_login, parse_num, school_id};
use super::Opts;
use crate::error::{data, data_err};
use crate::model::warning::WarningCode;
use crate::model::{Dataset, Sym};
use anyhow::Result;

/// School code columns of a context table (a login column serves too).
const CODE: &[&str] = &[
    "code",
    "код",
    "код оо",
    "код школы",
    "код организации",
    "id",
    "school_code",
];
/// Year columns.
const YEAR: &[&str] = &["year", "год", "учебный год"];
/// Code columns of a codebook.
const BOOK_CODE: &[&str] = &[
    "code",
    "код",
    "код показателя",
    "переменная",
    "variable",
    "var",
    "name",
];
/// Wording columns of a codebook.
const BOOK_WORDING: &[&str] = &[
    "label",
    "description",
    "indicator",
    "wording",
    "показатель",
    "наименование показателя",
    "название показателя",
    "формулировка",
    "описание",
    "расшифровка",
];

/// An indicator code as research tables name their columns: Latin letters (and `_`) then digits
/// (`ses1`, `ses_17`, `x3`), at most 16 characters.
pub fn is_code_name(s: &str) -> bool {
    let s = s.trim();
    let letters = s
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_uppercase() || *c == '_')
        .count();
    let rest = &s[letters..];
    s.len() <= 16
        && letters > 0
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit())
}

/// A code or login column, a year column and at least one column named by an indicator code.
pub fn is_table(h: &Header) -> bool {
    (h.has(CODE) || h.has(header::LOGIN)) && h.has(YEAR) && h.raw.iter().any(|c| is_code_name(c))
}

/// A codebook: a header with a code and a wording column over rows whose codes are indicator
/// codes, or (no header) rows of two cells, an indicator code and its wording.
pub fn is_codebook(g: &Grid, h: &Header) -> bool {
    let filled = |r: usize| -> Vec<&str> {
        g.rows[r]
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let pair = |r: usize| {
        let f = filled(r);
        f.len() == 2 && is_code_name(f[0]) && !is_code_name(f[1])
    };
    let below: Vec<usize> = (h.row + 1..g.rows.len())
        .filter(|&r| !filled(r).is_empty())
        .take(5)
        .collect();
    if below.is_empty() {
        return false;
    }
    let headed = h.has(BOOK_CODE)
        && h.has(BOOK_WORDING)
        && h.names.iter().filter(|n| !n.is_empty()).count() <= 4
        && below.iter().all(|&r| {
            let c = h.find(BOOK_CODE).unwrap();
            is_code_name(g.cell(r, c))
        });
    headed || (pair(h.row) && below.iter().all(|&r| pair(r)))
}

/// Read a codebook into `ds.context_years.codebook`: code (lower-case) → wording.
///
/// Errors: a code given two different wordings (here or by another codebook), naming both.
pub fn load_codebook(g: &Grid, h: &Header, ds: &mut Dataset, rep: &mut InputReport) -> Result<()> {
    let (cc, cw, first) = match (h.find(BOOK_CODE), h.find(BOOK_WORDING)) {
        (Some(c), Some(w)) => (c, w, h.row + 1),
        _ => {
            // no header: the first two filled cells of each row
            let row = &g.rows[h.row];
            let mut filled = (0..row.len()).filter(|&c| !row[c].trim().is_empty());
            (filled.next().unwrap(), filled.next().unwrap(), h.row)
        }
    };
    let book = &mut ds.context_years.codebook;
    for r in first..g.rows.len() {
        let code = g.cell(r, cc).trim().to_lowercase();
        let wording = g.cell(r, cw).trim();
        if code.is_empty() && wording.is_empty() {
            continue;
        }
        if !is_code_name(&code) || wording.is_empty() {
            return Err(data_err(
                &g.loc(r),
                h.raw_name(cc),
                format!(
                    "expected an indicator code (ses1) and its wording, found «{code}» «{wording}»"
                ),
            ));
        }
        let here = format!("{} (строка {})", g.file, g.line_of(r));
        match book.get(&code) {
            Some((w, _)) if w == wording => {}
            Some((w, at)) => {
                return Err(data(format!(
                    "{}: code «{code}» has two wordings: «{w}» ({at}) and «{wording}»; expected one per code",
                    g.loc(r)
                )))
            }
            None => {
                book.insert(code, (wording.to_string(), here));
            }
        }
        rep.rows += 1;
    }
    Ok(())
}

/// A context table's indicator columns: (column, indicator key, percent?), and the code columns
/// matched to no indicator (`ses5 «wording»`).
fn columns(h: &Header, ds: &Dataset) -> (Vec<(usize, &'static str, bool)>, Vec<String>) {
    let mut cols = Vec::new();
    let mut unmatched = Vec::new();
    for (c, raw) in h.raw.iter().enumerate() {
        let code = raw.trim().to_lowercase();
        if !is_code_name(&code) {
            if let Some(k) = indicator_of(raw) {
                h.read(Some(c));
                cols.push((c, k, is_share(k) && header_says_percent(raw)));
            }
            continue;
        }
        // a code column is read: an indicator, or one named as matched to none
        h.read(Some(c));
        let wording = ds
            .context_years
            .codebook
            .get(&code)
            .map(|(w, _)| w.as_str());
        match wording
            .and_then(indicator_of)
            .or_else(|| indicator_of(&code))
        {
            Some(k) => {
                let pct = header_says_percent(raw) || wording.is_some_and(header_says_percent);
                cols.push((c, k, is_share(k) && pct));
            }
            None => unmatched.push(match wording {
                Some(w) => format!("{} «{w}»", raw.trim()),
                None => format!("{} (нет в кодовой книге)", raw.trim()),
            }),
        }
    }
    (cols, unmatched)
}

/// The key of a context table's school: a login's `school_id`, else `gia:CODE` (the key an ОГЭ/ЕГЭ
/// table gives a school known by its code, resolved to a login through a registry's `gia_code`).
fn key_of(code: &str) -> String {
    if looks_like_login(code) {
        school_id(code)
    } else {
        gia_key(code)
    }
}

/// One cell: none for empty, `-` or `NA`; a non-negative number in the column's unit (a share as
/// a fraction 0–1); else a data error naming the row and column.
fn value(g: &Grid, h: &Header, r: usize, (c, k, pct): (usize, &str, bool)) -> Result<Option<f64>> {
    let cell = g.cell(r, c).trim();
    if cell.eq_ignore_ascii_case("na") {
        return Ok(None);
    }
    let v = match parse_num(cell) {
        Ok(v) => v,
        Err(_) => {
            return Err(data_err(
                &g.loc(r),
                h.raw_name(c),
                format!("expected a number or NA, found «{cell}»"),
            ))
        }
    };
    let Some(v) = v else { return Ok(None) };
    let bad = |why: String| Err(data_err(&g.loc(r), h.raw_name(c), why));
    if v < 0.0 {
        return bad(format!("expected a non-negative value ({k}), found {v}"));
    }
    if is_share(k) && pct && v > 100.0 {
        return bad(format!("expected a percent 0–100 ({k}), found {v}"));
    }
    if is_share(k) && !pct && v > 1.0 {
        return bad(format!("expected a fraction 0–1 ({k}: neither the column nor its codebook wording says «%»), found {v}; a column of percents says so, e.g. «{}, %» in the codebook", k));
    }
    Ok(Some(if pct { v / 100.0 } else { v }))
}

/// Read a context table into `ds.context_years`: per school key and year, the values of the
/// indicator columns (`columns`).
///
/// Errors: no column matched to an indicator (no codebook?); a year that is no year; a cell that is
/// neither a number nor `NA`; a value off its unit; two different rows for one school and year
/// (an exact repeat is dropped with a counted warning). Row errors are skipped with `--lenient`.
pub fn load_table(
    g: &Grid,
    h: &Header,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let ck = h.find(CODE).or_else(|| h.find(header::LOGIN)).unwrap();
    let cy = h.find(YEAR).unwrap();
    let (cols, unmatched) = columns(h, ds);
    if cols.is_empty() {
        return Err(data(format!(
            "{}: a context table whose columns match no indicator of the index ({}): expected a codebook (a sheet or file of «code; wording» rows, e.g. «ses1; Доля обучающихся из неполных семей») or indicator names as columns (docs/INPUTS.md «Context tables»)",
            g.loc(h.row),
            unmatched.join(", ")
        )));
    }
    for (i, a) in cols.iter().enumerate() {
        if let Some(b) = cols[i + 1..].iter().find(|b| b.1 == a.1) {
            return Err(data(format!(
                "{}: columns «{}» and «{}» both hold the indicator {}: expected one column per indicator",
                g.loc(h.row),
                h.raw_name(a.0).trim(),
                h.raw_name(b.0).trim(),
                a.1
            )));
        }
    }
    rep.warnings.add_n(
        WarningCode::ContextIndicatorUnmatched,
        unmatched.len(),
        unmatched.first().cloned().unwrap_or_default(),
    );
    rep.unmatched = unmatched;
    let source = Sym::from(g.file.as_str());
    // each (school, year)'s first values and line: an exact repeat is dropped, another is an error
    let mut seen = super::records::FirstRows::new();
    for r in h.row + 1..g.rows.len() {
        let code = g.cell(r, ck).trim();
        if code.is_empty() {
            continue;
        }
        let read = (|| -> Result<(i32, Vec<Option<f64>>)> {
            let year = super::cells::whole_year(g.cell(r, cy)).ok_or_else(|| {
                data_err(
                    &g.loc(r),
                    h.raw_name(cy),
                    format!(
                        "expected a year from 2000 to 2099, found «{}»",
                        g.cell(r, cy)
                    ),
                )
            })?;
            let vals = cols
                .iter()
                .map(|&col| value(g, h, r, col))
                .collect::<Result<Vec<_>>>()?;
            Ok((year, vals))
        })();
        let (year, vals) = match read {
            Ok(x) => x,
            Err(e) => {
                super::flat::row_error(opts, rep, e)?;
                continue;
            }
        };
        let key = key_of(code);
        match seen.check((key.clone(), year), vals.clone(), g.line_of(r)) {
            Seen::First => {}
            Seen::Same { .. } => {
                rep.warnings.add(
                    WarningCode::ContextTableRowRepeated,
                    format!("{code} {year} (строка {})", g.line_of(r)),
                );
                continue;
            }
            Seen::Different { line } => {
                let e = data_err(&g.loc(r), h.raw_name(ck), format!("a second, different row for school {code} in {year} (first on row {line}): expected one row per school and year"));
                super::flat::row_error(opts, rep, e)?;
                continue;
            }
        }
        rep.rows += 1;
        *rep.per_year.entry(year).or_default() += 1;
        let put: Vec<(&'static str, f64)> = cols
            .iter()
            .zip(&vals)
            .filter_map(|(&(_, k, _), v)| v.map(|v| (k, v)))
            .collect();
        let cy = &mut ds.context_years;
        cy.rows
            .entry(key.clone())
            .or_default()
            .entry(year)
            .or_default()
            .extend(put);
        cy.given
            .entry(key.clone())
            .or_insert_with(|| code.to_lowercase());
        let src = cy.sources.entry(key).or_default();
        if !src.contains(&source) {
            src.push(source.clone());
        }
    }
    for years in ds.context_years.rows.values_mut() {
        for v in years.values_mut() {
            v.sort_by(|a, b| a.0.cmp(b.0));
            v.dedup_by(|a, b| a.0 == b.0);
        }
    }
    rep.years = rep.per_year.keys().copied().collect();
    rep.schools = seen
        .keys()
        .map(|(k, _)| k)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid::of_strs("ctx.xlsx", Some("Кодовая книга"), rows, None)
    }

    #[test]
    fn indicator_codes() {
        for c in ["ses1", "SES17", "ses_3", "x2"] {
            assert!(is_code_name(c), "{c}");
        }
        for c in ["ses", "1", "2022", "ses1a", "код1", "n", ""] {
            assert!(!is_code_name(c), "{c}");
        }
    }

    #[test]
    fn wordings_match_the_index_indicators_by_their_synonyms() {
        use crate::input::context::indicator_of;
        let cases = [
            ("Доля обучающихся из неполных семей", "single_parent"),
            (
                "доля обучающихся из малообеспеченных семей, %",
                "low_income",
            ),
            (
                "Доля обучающихся для которых русский язык не является родным",
                "non_native",
            ),
            ("Доля обучающихся с ОВЗ (%)", "ovz_share"),
            ("Доля безработных родителей", "unemployed_parents"),
            ("Доля обучающихся из многодетных семей.", "large_family"),
            (
                "Доля обучающихся, состоящих на внутришкольном учёте",
                "at_risk_register",
            ),
            ("low_income", "low_income"),
        ];
        for (w, k) in cases {
            assert_eq!(indicator_of(w), Some(k), "{w}");
        }
        assert_eq!(indicator_of("Доля выпускников, поступивших в вузы"), None);
    }

    #[test]
    fn a_codebook_with_or_without_a_header_but_not_any_code_list() {
        let headed = grid(&[
            &["code", "label"],
            &["ses1", "Доля обучающихся из неполных семей"],
        ]);
        assert!(is_codebook(&headed, &Header::new(0, &headed.rows[0])));
        let bare = grid(&[&["ses1", "Доля …"], &["ses2", "Доля …"]]);
        assert!(is_codebook(&bare, &Header::new(0, &bare.rows[0])));
        // a settlement code list (`Код` → `Значение`) is no codebook of indicators
        let other = grid(&[&["Код", "Показатель"], &["1", "Город"], &["2", "Село"]]);
        assert!(!is_codebook(&other, &Header::new(0, &other.rows[0])));
        let mut ds = Dataset::default();
        let mut rep = InputReport::default();
        load_codebook(&bare, &Header::new(0, &bare.rows[0]), &mut ds, &mut rep).unwrap();
        assert_eq!(rep.rows, 2);
        // another wording for a code already read is an error naming both
        let again = grid(&[&["ses1", "Другое"], &["ses3", "x"]]);
        let e = load_codebook(&again, &Header::new(0, &again.rows[0]), &mut ds, &mut rep)
            .unwrap_err()
            .to_string();
        assert!(e.contains("«Доля …»") && e.contains("«Другое»"), "{e}");
    }
}
