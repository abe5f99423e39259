//! A school's own ВПР protocol, the form teachers fill: `Код` (the pupil's code), item scores with
//! the item's maximum in the caption (`1 (1б)`, `5.1 (1б)`, `11.3 k1 (2б)`), `Вариант (часть 1)`
//! and sometimes `Вариант (часть 2)` among the items, `Класс …`, `Пол`, `Отметка за предыдущий…`,
//! `Итого баллов` — and no school column. The school is `--school LOGIN` or a login in the file
//! name; the pupils then go through the per-pupil loader (`pupil::read_rows`, `pupil::finish`).
use super::header::{self, Header};
use super::pupil::{self, Form, PupilFile, SchoolOf};
use super::table::Grid;
use super::text::{looks_like_login, norm_text, parse_num, school_id};
use super::{Meta, Opts};
use crate::error::{data, data_expected};
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::Path;

/// The kind's name, as `inspect` shows it and `--kind` takes it.
pub const KIND: &str = "school-protocol";

/// A protocol form's header: a pupil code column (`Код`, `Код участника`), a variant column
/// (`Вариант`, `Вариант (часть 1)`), `Итого баллов`/`Всего баллов`, item columns that all give
/// their maximum (`N (Kб)`), and no school key (no login, no `Код ОО`).
pub fn is_protocol_form(h: &Header) -> bool {
    let items = pupil::item_columns(h);
    !h.has(header::LOGIN)
        && !h.has(header::GIA_CODE)
        && h.has(&["код", "код участника"])
        && h.has(header::TOTAL)
        && variant_column(h).is_some()
        && !items.is_empty()
        && items.iter().all(|(_, max)| max.is_some())
}

/// The first variant column: `Вариант`, `Вариант (часть 1)`.
fn variant_column(h: &Header) -> Option<usize> {
    h.find(header::VARIANT)
        .or_else(|| h.find_prefix(&["вариант"]))
}

/// The one ФИС ОКО login among the words of the file's name (`edu220001_base_form.xlsx`), if
/// exactly one school is named there.
fn login_in_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy();
    let found: BTreeSet<String> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| looks_like_login(w))
        .map(school_id)
        .collect();
    (found.len() == 1).then(|| found.into_iter().next().unwrap())
}

/// The school of a protocol file: `--school`, else the login in its file name; `None` when neither
/// names one.
///
/// Errors: `--school` and the file name name different schools (data).
pub fn school_of(path: &Path, opts: &Opts) -> Result<Option<String>> {
    let named = login_in_name(path);
    match (&opts.school, named) {
        (Some(given), Some(named)) if school_id(given) != named => Err(data(format!(
            "{}: the file name names school {named} but --school is {given}: a school's protocol belongs to one school; rename the file or drop --school",
            path.display()
        ))),
        (Some(given), _) => Ok(Some(school_id(given))),
        (None, named) => Ok(named),
    }
}

/// The error (or, in a folder walk, the skip reason) for a protocol whose school is not known.
pub fn no_school(path: &Path, sheet: &Option<String>) -> String {
    format!(
        "{}{}: a school's ВПР protocol (pupil codes, item scores «1 (1б)»…, «Итого баллов») has no school column: give the school with --school LOGIN (e.g. --school edu220001) or put its login in the file name (edu220001_{})",
        path.display(),
        super::recognise::in_sheet(sheet),
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// The protocols loaded so far: (school, year, grade, subject) → where.
pub type Seen = std::collections::BTreeMap<(String, i32, i32, String), String>;

/// One protocol per school and procedure: a second one (another class's sheet, a copy of the file)
/// would be a second row of results for the school, dropped as a repeat when its counts happen to be
/// equal. `at` names the file and sheet; a protocol whose year, grade or subject is unknown is left
/// to the per-pupil loader's error.
///
/// Errors: a second protocol of the school and procedure (data, naming both).
pub fn one_per_school(seen: &mut Seen, school: String, meta: &Meta, at: String) -> Result<()> {
    if meta.year == 0 || meta.grade == 0 || meta.subject.is_empty() {
        return Ok(());
    }
    let key = (school, meta.year, meta.grade, meta.subject.clone());
    if let Some(first) = seen.get(&key) {
        return Err(data(format!(
            "{at}: a second protocol of school {} for ВПР {} {} кл. {} (the first is {first}): shnor reads one protocol per school and procedure; put the classes of the parallel in one protocol (its «Класс» column tells them apart) and give each file once",
            key.0, key.3, key.2, key.1
        )));
    }
    seen.insert(key, at);
    Ok(())
}

/// Why a skipped protocol sheet was not loaded, in a folder walk.
pub const NO_SCHOOL_SKIP: &str =
    "протокол школы без столбца школы: укажите --school LOGIN или логин в имени файла";

/// What makes two sheets of one workbook the same protocol: every data row's pupil code, variant,
/// total and journal mark, in order (the real form ships a second sheet `Протокол_2` with the same
/// pupils laid out without the `Вариант (часть 2)` column).
pub fn pupils_signature(g: &Grid, h: &Header) -> Vec<[String; 4]> {
    let code = h.find(&["код", "код участника"]);
    let cols = [
        code,
        variant_column(h),
        h.find(header::TOTAL),
        h.find(header::JOURNAL),
    ];
    (h.row + 1..g.rows.len())
        .filter(|&r| g.rows[r].iter().any(|c| !c.trim().is_empty()))
        .map(|r| cols.map(|c| c.map(|c| norm_text(g.cell(r, c))).unwrap_or_default()))
        .collect()
}

/// Read a protocol's pupils for `login`: each item score is checked against its caption first.
/// An absent pupil (`отсутствовал` in the variant column, or a row with no item score and an empty or
/// zero total: a counted warning) is no
/// participant; an item score above its caption's maximum makes the pupil's result invalid (a
/// counted warning, as a total above the maximum is); an «Итого баллов» other than the sum of the
/// items is a counted warning (the total is kept, as for every per-pupil protocol).
///
/// Errors: an item score that is not a whole number ≥ 0 (data, naming file, sheet, row and column;
/// `--lenient`: the pupil is skipped with a counted warning).
pub fn read(g: &Grid, h: &Header, login: &str, opts: &Opts) -> Result<PupilFile> {
    let items = pupil::item_columns(h);
    let variant = variant_column(h).expect("a protocol form has a variant column");
    let total = h.find(header::TOTAL).expect("a protocol form has a total");
    let mut invalid = BTreeSet::new();
    let mut warnings = Vec::new();
    for r in h.row + 1..g.rows.len() {
        if norm_text(g.cell(r, variant)) == "отсутствовал"
            || g.rows[r].iter().all(|c| c.trim().is_empty())
        {
            continue;
        }
        let mut sum = Some(0.0);
        for &(c, max) in &items {
            let max = max.expect("every item caption gives its maximum");
            let cell = g.cell(r, c);
            match parse_num(cell) {
                Ok(None) => sum = None,
                Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0 => {
                    sum = sum.map(|s| s + v);
                    if v > max as f64 {
                        invalid.insert(r);
                        warnings.push((
                            "балл за задание выше максимума в заголовке: результат участника недействителен",
                            format!("строка {}, «{}»: {v} > {max}", g.line_of(r), h.raw_name(c).trim()),
                        ));
                    }
                }
                _ => {
                    let err = data_expected(
                        &g.loc(r),
                        h.raw_name(c).trim(),
                        format!("an item score, a whole number from 0 to {max}"),
                        cell,
                    );
                    if !opts.lenient {
                        return Err(err);
                    }
                    invalid.insert(r);
                    warnings.push((
                        "строка с ошибкой данных пропущена (--lenient)",
                        err.to_string(),
                    ));
                    sum = None;
                }
            }
        }
        if let (Some(s), Ok(Some(t))) = (sum, parse_num(g.cell(r, total))) {
            if t != s && t != 0.0 && !invalid.contains(&r) {
                warnings.push((
                    "«Итого баллов» не равно сумме баллов за задания (взято «Итого баллов»)",
                    format!("строка {}: {t} ≠ {s}", g.line_of(r)),
                ));
            }
        }
    }
    let form = Form {
        school: SchoolOf::Given(login),
        variant,
        invalid: &invalid,
        blank_is_absent: true,
    };
    let mut f = pupil::read_rows(g, h, &form);
    for (what, example) in warnings {
        f.warn(what, example);
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[&str]) -> Header {
        Header::new(0, &cells.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn the_form_is_recognised_by_its_item_captions_and_no_school_key() {
        let form = [
            "Код",
            "Вариант (часть 1)",
            "1 (1б)",
            "11.3 k1 (2б)",
            "Вариант (часть 2)",
            "Пол",
            "Итого баллов",
        ];
        assert!(is_protocol_form(&header(&form)));
        // a login column makes it the platform's per-pupil protocol, not a school's form
        let mut with_login = form.to_vec();
        with_login.push("Логин");
        assert!(!is_protocol_form(&header(&with_login)));
        // an item without its maximum: not this form
        let mut no_max = form.to_vec();
        no_max.push("12");
        no_max[3] = "балл за 12";
        assert!(!is_protocol_form(&header(&no_max)));
    }

    #[test]
    fn the_school_comes_from_the_flag_or_the_one_login_in_the_file_name() {
        let o = |s: Option<&str>| Opts {
            school: s.map(str::to_string),
            ..Default::default()
        };
        let p = Path::new("dir/sch220001_base_form.xlsx");
        assert_eq!(
            school_of(p, &o(None)).unwrap().as_deref(),
            Some("edu220001")
        );
        assert_eq!(
            school_of(p, &o(Some("edu220001"))).unwrap().as_deref(),
            Some("edu220001")
        );
        assert!(school_of(p, &o(Some("edu220002"))).is_err());
        let bare = Path::new("edu220001/base_form.xlsx");
        assert_eq!(school_of(bare, &o(None)).unwrap(), None);
        let two = Path::new("edu220001_edu220002.xlsx");
        assert_eq!(school_of(two, &o(None)).unwrap(), None);
    }
}
