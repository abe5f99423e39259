//! Typed reads of one cell with the project's error wording (file, row, column, expected, found).
use super::header::Header;
use super::table::Grid;
use super::text::{parse_num, subject, year_in};
use super::Meta;
use crate::error::data_err;
use crate::model::warning::WarningCode;
use anyhow::Result;

/// A year cell: a whole number 2000–2099, else the latest such year in its text (`2015-2016`).
pub fn year_cell(s: &str) -> Option<i32> {
    match parse_num(s) {
        Ok(Some(v)) if (2000.0..2100.0).contains(&v) && v.fract() == 0.0 => Some(v as i32),
        _ => year_in(s),
    }
}

/// A cell holding only a whole year 2000–2099: four digits with optional surrounding spaces, or an
/// xlsx number read as `2023.0`; anything else (`2023/24`, `2023-2024`, `2023,5`, `год 2023`) is None.
/// Used where docs/INPUTS.md says a year that is no year is a data error (context tables).
pub fn whole_year(s: &str) -> Option<i32> {
    let t = s.trim();
    let t = match t.split_once('.') {
        Some((y, z)) if !z.is_empty() && z.bytes().all(|b| b == b'0') => y,
        Some(_) => return None,
        None => t,
    };
    let y: i32 =
        (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())??;
    (2000..2100).contains(&y).then_some(y)
}

/// Year from a column (`2025`, `2015-2016`), else the file's year, else an error.
pub fn year(g: &Grid, h: &Header, r: usize, col: Option<usize>, meta: &Meta) -> Result<i32> {
    match col {
        Some(c) => match year_cell(g.cell(r, c)) {
            Some(y) => Ok(y),
            None => Err(data_err(
                &g.loc(r),
                h.raw_name(c),
                format!(
                    "expected a year from 2000 to 2099, found «{}»",
                    g.cell(r, c)
                ),
            )),
        },
        None if meta.year > 0 => Ok(meta.year),
        None => Err(data_err(
            &g.loc(r),
            "Год",
            "no year column and no year in the title, file name or --file-year",
        )),
    }
}

/// Subject from a column, else the file's subject, else an error.
pub fn subject_of(
    g: &Grid,
    h: &Header,
    r: usize,
    col: Option<usize>,
    meta: &Meta,
) -> Result<String> {
    match col {
        Some(c) => subject(g.cell(r, c)).ok_or_else(|| {
            data_err(
                &g.loc(r),
                h.raw_name(c),
                format!("unknown subject «{}»", g.cell(r, c)),
            )
        }),
        None if !meta.subject.is_empty() => Ok(meta.subject.clone()),
        None => Err(data_err(
            &g.loc(r),
            "Предмет",
            "no subject column and no subject in the title, file name or --subject",
        )),
    }
}

/// A whole non-negative count; empty is `empty`.
pub fn count(g: &Grid, h: &Header, r: usize, c: usize, empty: Option<i64>) -> Result<i64> {
    match parse_num(g.cell(r, c)) {
        Ok(Some(v)) if crate::model::count(v).is_some() => Ok(v as i64),
        Ok(None) if empty.is_some() => Ok(empty.unwrap()),
        _ => Err(data_err(
            &g.loc(r),
            h.raw_name(c),
            format!(
                "expected a whole non-negative count, found «{}»",
                g.cell(r, c)
            ),
        )),
    }
}

/// The data error of a participants cell that holds no whole count (`12.7`, `1 200,9`, or above
/// `Count::MAX`): a fraction of a pupil is never truncated. Names the cell's file, sheet, row
/// and column and quotes the cell as written.
pub fn not_whole_participants(g: &Grid, h: &Header, r: usize, c: usize) -> anyhow::Error {
    data_err(
        &g.loc(r),
        h.raw_name(c),
        format!(
            "expected a whole number of participants (at most {}), found «{}»",
            crate::model::Count::MAX,
            g.cell(r, c).trim()
        ),
    )
}

/// A non-negative number, or none for an empty cell.
pub fn non_negative(g: &Grid, h: &Header, r: usize, c: usize) -> Result<Option<f64>> {
    match parse_num(g.cell(r, c)) {
        Ok(Some(v)) if v < 0.0 => Err(data_err(
            &g.loc(r),
            h.raw_name(c),
            format!("expected a non-negative number, found «{}»", g.cell(r, c)),
        )),
        Ok(v) => Ok(v),
        Err(_) => Err(data_err(
            &g.loc(r),
            h.raw_name(c),
            not_a_number(g.cell(r, c), h.names.get(c).map(String::as_str)),
        )),
    }
}

/// The error text of a cell that should be a number: a cell that repeats its column's caption
/// (`caption`, normalised) is said to be a header row repeated under the table — a second table
/// stacked below the first, another year's (fresh-eyes run 11, #12: «expected a number, found
/// «Количество участников»» did not say so).
pub fn not_a_number(cell: &str, caption: Option<&str>) -> String {
    if caption.is_some_and(|cap| !cap.is_empty() && super::text::norm_header(cell) == cap) {
        return format!(
            "expected a number, found «{}», the column's own caption: a header row repeated under the table (a second table stacked below the first — another year?); give each table its own sheet or file",
            cell.trim()
        );
    }
    format!("expected a number, found «{cell}»")
}

/// Note in `rep` a login cell that is no ФИС ОКО login, naming it and its row.
pub fn check_login(g: &Grid, r: usize, login: &str, rep: &mut super::report::InputReport) {
    check_login_at(g.line_of(r), login, &mut rep.warnings);
}

/// [`check_login`] for the login cell of file line `line` (a sheet read row by row, with no grid).
pub fn check_login_at(line: usize, login: &str, warnings: &mut super::report::Warnings) {
    if let Some((code, example)) = login_note(login, line) {
        warnings.add(code, example);
    }
}

/// The counted warning for a login cell (on file line `line`) that is no ФИС ОКО login: one with
/// Cyrillic look-alike letters, read as the login it looks like (`text::latin_login`), or any
/// other text, the school kept under it; `None` for a login.
pub fn login_note(login: &str, line: usize) -> Option<(WarningCode, String)> {
    let l = login.trim();
    if super::text::looks_like_login(l) {
        return None;
    }
    Some(match super::text::latin_login(l) {
        Some(latin) => (
            WarningCode::CyrillicInLogin,
            format!("«{l}» → {latin} (строка {line})"),
        ),
        None => (WarningCode::NotALogin, format!("«{l}» (строка {line})")),
    })
}

/// The data error for a row of a school list (registry, risk profiles) with values but an empty
/// login cell: the row belongs to no school (before, it was dropped without a word).
pub fn no_login(loc: &crate::error::Loc, column: &str) -> anyhow::Error {
    crate::error::data_err(
        loc,
        column,
        "expected a school login, found an empty cell (the row has values: whose school are they?)",
    )
}

/// `«a», «b» or «c»`.
fn one_of(captions: &[&str]) -> String {
    let quoted: Vec<String> = captions.iter().map(|c| format!("«{c}»")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The error for a results table whose assessment (ВПР, ОГЭ or ЕГЭ) no column, title line, file
/// name or `--assessment` tells: shnor never assumes one (issue 12). `column`: the table's
/// assessment column, whose cell in this row is empty; `None` when the table has none (the error
/// names no column then, and lists the captions looked for when `table`, a header-first table).
pub fn no_assessment(loc: &crate::error::Loc, column: Option<&str>, table: bool) -> anyhow::Error {
    let words = "ВПР, ОГЭ or ЕГЭ (VPR, OGE, EGE) as a word of the title lines above the header, of the file name or of its folders";
    match column {
        Some(c) => crate::error::data_err(
            loc,
            c,
            format!("expected ВПР, ОГЭ or ЕГЭ, found an empty cell, and no {words}; fill the cell or give --assessment"),
        ),
        None => {
            let columns = match table {
                true => format!(
                    "a column {} (none in this table), ",
                    one_of(super::header::ASSESSMENT)
                ),
                false => String::new(),
            };
            crate::error::ShnorError::Data {
                file: Some(loc.file.clone()),
                sheet: loc.sheet.clone(),
                row: Some(loc.row),
                column: None,
                expected: None,
                found: None,
                message: Some(format!(
                    "cannot tell the assessment of this table from a column, the title, the file name or --assessment: looked for {columns}{words}; give --assessment ВПР, ОГЭ or ЕГЭ"
                )),
            }
            .into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_year_is_four_digits_or_an_xlsx_number() {
        assert_eq!(whole_year(" 2023 "), Some(2023));
        assert_eq!(whole_year("2023.0"), Some(2023));
        for s in [
            "2023/24",
            "2023-2024",
            "2023,5",
            "год 2023",
            "2023.5",
            "23",
            "1999",
            "",
        ] {
            assert_eq!(whole_year(s), None, "{s}");
        }
    }
}
