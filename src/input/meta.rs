//! What a sheet says of its year, grade, subject and assessment: its title lines, its file's
//! name and folders, then the command line's flags — the title first (docs/INPUTS.md).
use super::files::meta_from_path;
use super::table::Grid;
use super::text::{self, norm_text};
use super::{protocol, Meta, Opts, Sheet};
use crate::model::warning::WarningCode;

/// Year, grade, subject and assessment of a sheet: its title, its path, then the command line.
pub(super) fn sheet_meta(s: &Sheet, opts: &Opts) -> Meta {
    sheet_meta_noted(s, opts).0
}

/// [`sheet_meta`], with what the sheet's title, its name and the flags say differently: the
/// title wins over the file's name and folders (docs/INPUTS.md «Year, grade, subject»), a flag
/// (`--file-year`, `--grade`, `--subject`) only supplies what neither says; each disagreement is
/// a counted warning naming both values.
pub(super) fn sheet_meta_noted(s: &Sheet, opts: &Opts) -> (Meta, Vec<(WarningCode, String)>) {
    let mut notes = Vec::new();
    let mut meta = meta_from_path(&s.path);
    let mut title = Meta::default();
    title_meta(&s.grid, s.header.row, &mut title);
    let mut differ = |what: &str, title: String, name: String| {
        notes.push((
            WarningCode::TitleOverridesName,
            format!("{what}: {title} (заголовок листа), {name} (имя файла или папки)"),
        ));
    };
    if title.year != 0 {
        if meta.year != 0 && meta.year != title.year {
            differ("год", title.year.to_string(), meta.year.to_string());
        }
        meta.year = title.year;
    }
    if title.grade != 0 {
        if meta.grade != 0 && meta.grade != title.grade {
            differ("класс", title.grade.to_string(), meta.grade.to_string());
        }
        meta.grade = title.grade;
    }
    if !title.subject.is_empty() {
        if !meta.subject.is_empty() && meta.subject != title.subject {
            differ("предмет", title.subject.clone(), meta.subject.clone());
        }
        meta.subject = title.subject;
    }
    if !title.assessment.is_empty() {
        meta.assessment = title.assessment;
    }
    if s.kind == protocol::KIND {
        // a school's protocol may say its grade and subject in the sheet's name («4 кл математика»)
        let sheet = s.grid.sheet.as_deref().unwrap_or_default();
        if meta.grade == 0 {
            meta.grade = text::grade_in(sheet).map_or(0, |g| g as i32);
        }
        if meta.subject.is_empty() {
            meta.subject = text::subject_in(sheet).unwrap_or_default();
        }
        if meta.year == 0 {
            meta.year = text::year_in(sheet).unwrap_or(0);
        }
    }
    let flag = |given: Option<i32>, own: i32, name: &str| {
        given.filter(|&g| own != 0 && g != own).map(|g| {
            (
                WarningCode::FlagNotApplied,
                format!("флаг {name} {g}: файл сам называет {own}"),
            )
        })
    };
    // fresh-eyes run 15: a `--subject` that the file's own subject overrides was not told
    let subject_given = opts.subject.as_deref().and_then(text::subject);
    let subject_flag = subject_given
        .clone()
        .filter(|g| !meta.subject.is_empty() && *g != meta.subject)
        .map(|g| {
            (
                WarningCode::FlagNotApplied,
                format!("флаг --subject {g}: файл сам называет {}", meta.subject),
            )
        });
    notes.extend(subject_flag.or_else(|| column_flag(subject_given, s, SUBJECT_COLUMN)));
    let year_flag = flag(opts.year, meta.year, "--file-year");
    let grade_flag = flag(opts.grade, meta.grade, "--grade");
    notes.extend(year_flag.or_else(|| column_flag(opts.year, s, YEAR_COLUMN)));
    notes.extend(grade_flag.or_else(|| column_flag(opts.grade, s, GRADE_COLUMN)));
    if meta.year == 0 {
        meta.year = opts.year.unwrap_or(0);
    }
    if meta.grade == 0 {
        meta.grade = opts.grade.unwrap_or(0);
    }
    if meta.subject.is_empty() {
        meta.subject = opts
            .subject
            .as_deref()
            .and_then(text::subject)
            .unwrap_or_default();
    }
    if meta.assessment.is_empty() {
        meta.assessment = opts.assessment.clone().unwrap_or_default();
    }
    (meta, notes)
}

/// A flag of the year or grade (`given`) that a column of the sheet's table makes moot, with its
/// wording: the flag's name, the column's captions and the kinds whose loaders read each row's
/// value from that column (`flat::keys`, `gia`, `journal`, `risk`).
struct ColumnFlag {
    name: &'static str,
    captions: &'static [&'static str],
    kinds: &'static [&'static str],
}

const YEAR_COLUMN: ColumnFlag = ColumnFlag {
    name: "--file-year",
    captions: super::header::YEAR,
    kinds: &["marks", "journal", "gia", "risk"],
};

const GRADE_COLUMN: ColumnFlag = ColumnFlag {
    name: "--grade",
    captions: super::header::GRADE,
    kinds: &["marks"],
};

const SUBJECT_COLUMN: ColumnFlag = ColumnFlag {
    name: "--subject",
    captions: super::header::SUBJECT,
    kinds: &["marks", "journal"],
};

/// A `--file-year` / `--grade` / `--subject` given for a sheet whose table has its own year /
/// grade / subject column (each row's value is read there, the flag never): a counted warning
/// naming the column.
fn column_flag(
    given: Option<impl std::fmt::Display>,
    s: &Sheet,
    f: ColumnFlag,
) -> Option<(WarningCode, String)> {
    let g = given?;
    let c = s
        .header
        .find(f.captions)
        .filter(|_| f.kinds.contains(&s.kind))?;
    Some((
        WarningCode::FlagNotApplied,
        format!(
            "флаг {} {g}: значение каждой строки берётся из столбца «{}»",
            f.name,
            s.header.raw_name(c)
        ),
    ))
}

/// Title lines above the header: year, grade, subject, max score.
pub fn title_meta(g: &Grid, header_row: usize, meta: &mut Meta) {
    for r in 0..header_row {
        let line = g.rows[r].join(" ");
        let t = norm_text(&line);
        // a date («выгрузка от 15.01.2025») is when the file was made, not the year it reports
        if let Some(y) = super::text::year_in(&without_dates(&line)) {
            if meta.year == 0 {
                meta.year = y;
            }
        }
        if meta.grade == 0 {
            if let Some(gr) = super::text::grade_in(&line) {
                meta.grade = gr as i32;
            }
        }
        if meta.subject.is_empty() {
            if let Some(sj) = super::text::subject_in(&line) {
                meta.subject = sj;
            }
        }
        if let Some(rest) = t.strip_prefix("предмет:") {
            if let Some(s) =
                super::text::subject(rest.trim()).or_else(|| super::text::subject_in(rest))
            {
                meta.subject = s;
            }
        }
        for a in ["впр", "огэ", "егэ"] {
            if t.split(|c: char| !c.is_alphanumeric()).any(|w| w == a) {
                meta.assessment = a.to_uppercase();
            }
        }
    }
}

/// `s` with its dates (`15.01.2025`, `1/9/2024`, `01-09-2024`, and year first `2025-05-15`,
/// `2025.05.15`) blanked: the day a file was made is no year of what it reports.
pub(super) fn without_dates(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = c.clone();
    for i in 0..c.len() {
        if i > 0 && c[i - 1].is_ascii_digit() {
            continue;
        }
        if let Some(len) = date_at(&c, i) {
            for o in &mut out[i..i + len] {
                *o = ' ';
            }
        }
    }
    out.into_iter().collect()
}

/// The length of a date starting at `c[i]` (day, month, year of 4 digits, or year, month, day),
/// its parts separated by `.`, `/` or `-` and no digit right after it.
fn date_at(c: &[char], i: usize) -> Option<usize> {
    let digits = |from: usize, n: usize| {
        (from..from + n).all(|i| c.get(i).is_some_and(char::is_ascii_digit))
    };
    let sep = |i: usize| {
        c.get(i)
            .is_some_and(|&x| matches!(x, '.' | '/' | '-' | '_'))
    };
    let end = |at: usize| (!c.get(at).is_some_and(char::is_ascii_digit)).then_some(at - i);
    let parts = |a: usize, b: usize, z: usize| {
        let (s1, s2) = (i + a, i + a + 1 + b);
        (digits(i, a) && sep(s1) && digits(s1 + 1, b) && sep(s2) && digits(s2 + 1, z))
            .then(|| end(s2 + 1 + z))
            .flatten()
    };
    let day_first = [(2, 2), (1, 2), (2, 1), (1, 1)]
        .into_iter()
        .find_map(|(d, m)| parts(d, m, 4));
    day_first
        .or_else(|| {
            [(2, 2), (2, 1), (1, 2), (1, 1)]
                .into_iter()
                .find_map(|(m, d)| parts(4, m, d))
        })
        .or_else(|| date_in_words(c, i))
}

/// The length of a date in words starting at `c[i]`: a day of one or two digits, a month's name in
/// the genitive («15 мая 2025», «1 сентября 2024 г.»), a year of 4 digits.
fn date_in_words(c: &[char], i: usize) -> Option<usize> {
    const MONTHS: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    let day = (1..=2).rev().find(|&d| {
        (i..i + d).all(|k| c.get(k).is_some_and(char::is_ascii_digit)) && c.get(i + d) == Some(&' ')
    })?;
    let rest: String = c[i + day + 1..]
        .iter()
        .take(16)
        .collect::<String>()
        .to_lowercase();
    let month = MONTHS.iter().find(|m| rest.starts_with(&format!("{m} ")))?;
    let y = i + day + 1 + month.chars().count() + 1;
    let year = (y..y + 4).all(|k| c.get(k).is_some_and(char::is_ascii_digit))
        && !c.get(y + 4).is_some_and(char::is_ascii_digit);
    year.then_some(y + 4 - i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid::of_strs("t.csv", None, rows, Some(("utf-8", b';')))
    }

    /// Fresh-eyes run 8, F2: «(выгрузка от 15.01.2025)» in the title of a 2024 report set its year.
    #[test]
    fn a_date_in_a_title_is_no_year_of_the_report() {
        assert_eq!(
            without_dates("Результаты ВПР 2024 (выгрузка от 15.01.2025)").trim_end(),
            "Результаты ВПР 2024 (выгрузка от           )"
        );
        for (title, year) in [
            ("Результаты ВПР 2024 (выгрузка от 15.01.2025)", Some(2024)),
            ("по состоянию на 1/9/2025", None),
            ("ВПР 2025, 01-09-2024", Some(2025)),
            ("ВПР 2025", Some(2025)),
            ("ВПР_2024_выгрузка_2025-05-15", Some(2024)),
            ("ВПР 2023-2024 уч. год", Some(2024)),
            ("ВПР 2024, на 2025.5.1", Some(2024)),
            ("ВПР 2024 от 15 мая 2025", Some(2024)),
            ("ВПР 2024 выгрузка 15_05_2025", Some(2024)),
            ("Итоги ВПР 2024. Выгружено 1 Сентября 2025 г.", Some(2024)),
        ] {
            let mut m = Meta::default();
            title_meta(&grid(&[&[title], &["Логин"]]), 1, &mut m);
            assert_eq!((m.year != 0).then_some(m.year), year, "{title}");
        }
    }
}
