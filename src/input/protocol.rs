//! A school's own ВПР protocol, the form teachers fill: `Код` (the pupil's code), item scores with
//! the item's maximum in the caption (`1 (1б)`, `5.1 (1б)`, `11.3 k1 (2б)`), `Вариант (часть 1)`
//! and sometimes `Вариант (часть 2)` among the items, `Класс …`, `Пол`, `Отметка за предыдущий…`,
//! `Итого баллов` — and no school column. The school is `--school LOGIN` or a login in the file or
//! folder name; the pupils then go through the per-pupil loader (`pupil::read_rows`,
//! `pupil::finish`). The form is filled per class: the protocols of one school and procedure are
//! its classes, joined into one result ([`classes`], [`load`]).
use super::header::{self, Header};
use super::pupil::{self, Form, PupilFile, SchoolOf};
use super::report::InputReport;
use super::scales::Scales;
use super::table::Grid;
use super::text::{looks_like_login, norm_text, parse_num, school_id};
use super::{recognise, Meta, Opts, Sheet};
use crate::error::{data, data_expected};
use crate::model::warning::WarningCode;
use crate::model::Dataset;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};
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

/// The one ФИС ОКО login among the words of the file's name (`edu220001_base_form.xlsx`), else of
/// its folder's or the folder above (`edu220001/4А.xlsx`, `edu220001/2021/4А.xlsx`: the folders
/// the year, grade and subject are also read from, `files::meta_from_path`). The nearest name with
/// a login decides: none when it names two schools.
fn login_in_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().to_string();
    let folders = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    let mut found = std::iter::once(stem).chain(folders).find_map(|name| {
        let found: Vec<String> = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| looks_like_login(w))
            .map(str::to_lowercase)
            .collect();
        (!found.is_empty()).then_some(found)
    })?;
    let schools: BTreeSet<String> = found.iter().map(|l| school_id(l)).collect();
    (schools.len() == 1).then(|| found.swap_remove(0))
}

/// The school of a protocol file: `--school`, else the login in its file or folder name
/// ([`login_in_name`]); `None` when neither names one. The login is spelled as given (trimmed,
/// lower-cased: `sch220001` stays `sch220001`, the school's shown login); `school_id` of it is the
/// school's key.
///
/// Errors: `--school` and the file name name different schools (data).
pub fn school_of(path: &Path, opts: &Opts) -> Result<Option<String>> {
    let named = login_in_name(path);
    match (&opts.school, named) {
        (Some(given), Some(named)) if school_id(given) != school_id(&named) => Err(data(format!(
            "{}: the file or folder name names school {named} but --school is {given}: a school's protocol belongs to one school; rename the file or drop --school",
            path.display()
        ))),
        (Some(given), _) => Ok(Some(given.trim().to_lowercase())),
        (None, named) => Ok(named),
    }
}

/// The error (or, in a folder walk, the skip reason) for a protocol whose school is not known.
pub fn no_school(path: &Path, sheet: &Option<String>) -> String {
    format!(
        "{}{}: a school's ВПР protocol (pupil codes, item scores «1 (1б)»…, «Итого баллов») has no school column: give the school with --school LOGIN (e.g. --school edu220001) or put its login in the file name (edu220001_{}) or its folder's (edu220001/)",
        path.display(),
        super::recognise::in_sheet(sheet),
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// A protocol's school and procedure: (school, year, grade, subject).
type Key = (String, i32, i32, String);

/// A protocol's pupils as [`pupils_signature`] gives them: code, variant, total, journal mark.
type Signature = Vec<[String; 4]>;

/// The protocols of each school and procedure, the school's classes (another class's file or
/// sheet, a folder of them): every member's `file [лист «…»]`, how many are still to load and the
/// pupils judged so far, stored as one school's result when the last is loaded ([`load`]).
#[derive(Default)]
pub(super) struct Classes(BTreeMap<Key, Class>);

struct Class {
    members: Vec<String>,
    left: usize,
    joined: Option<pupil::Judged>,
}

/// `FILE [лист «SHEET»]`: where a protocol sheet is.
fn at(s: &Sheet) -> String {
    format!("{}{}", s.path.display(), recognise::in_sheet(&s.grid.sheet))
}

/// The school and procedure of a protocol sheet, when all are known (else its load fails with the
/// no-school or the per-pupil error).
///
/// Errors: `--school` and the file name naming two schools (data, [`school_of`]).
fn key_of(s: &Sheet, opts: &Opts) -> Result<Option<Key>> {
    let meta = super::meta::sheet_meta(s, opts);
    let Some(school) = school_of(&s.path, opts)? else {
        return Ok(None);
    };
    if meta.year == 0 || meta.grade == 0 || meta.subject.is_empty() {
        return Ok(None);
    }
    Ok(Some((
        school_id(&school),
        meta.year,
        meta.grade,
        meta.subject,
    )))
}

/// Sort out the protocols among `sheets` (in path and sheet order) by school and procedure before
/// any is loaded. One holding the same pupils as a protocol before it (the same codes, variants,
/// totals and journal marks in the same order: a copy of the file or of a sheet) is taken out, with
/// a skipped report in `reports` naming the first; the others are the school's classes, their pupils
/// joined when loaded ([`load`]).
///
/// Errors: a pupil code in two protocols of one school and procedure that are not copies of each
/// other (data, naming both and the code: the pupil cannot be counted once).
pub(super) fn classes(
    sheets: &mut Vec<Sheet>,
    opts: &Opts,
    reports: &mut Vec<InputReport>,
) -> Result<Classes> {
    let mut seen: BTreeMap<Key, Vec<(String, Signature, Vec<usize>)>> = BTreeMap::new();
    let mut keep = Vec::with_capacity(sheets.len());
    for s in sheets.drain(..) {
        let key = match s.kind {
            KIND => key_of(&s, opts)?,
            _ => None,
        };
        let Some(key) = key else {
            keep.push(s);
            continue;
        };
        let (pupils, lines) = match &s.frame {
            Some(f) => {
                let g = f.frame()?.whole();
                (pupils_signature(&g, &s.header), pupil_lines(&g, &s.header))
            }
            None => (
                pupils_signature(&s.grid, &s.header),
                pupil_lines(&s.grid, &s.header),
            ),
        };
        let class = seen.entry(key).or_default();
        if let Some((first, _, _)) = class.iter().find(|(_, p, _)| *p == pupils) {
            reports.push(InputReport {
                path: s.path.display().to_string(),
                sheet: s.grid.sheet.clone().filter(|_| s.frame.is_none()),
                kind: "skipped".into(),
                skipped: Some(format!(
                    "тот же протокол, что {first} (те же коды, варианты, баллы и отметки): не загружен, ученики не считаются дважды"
                )),
                ..Default::default()
            });
            continue;
        }
        check_codes(class, &at(&s), &pupils, &lines)?;
        class.push((at(&s), pupils, lines));
        keep.push(s);
    }
    *sheets = keep;
    let classes = seen.into_iter().map(|(key, members)| {
        let class = Class {
            left: members.len(),
            members: members.into_iter().map(|(at, _, _)| at).collect(),
            joined: None,
        };
        (key, class)
    });
    Ok(Classes(classes.collect()))
}

/// A pupil code of `pupils` (at `here`, on file lines `lines`) already in another protocol of the
/// school and procedure.
///
/// Errors: the first such code (data, naming both protocols, the code and both rows with their
/// line numbers).
fn check_codes(
    class: &[(String, Signature, Vec<usize>)],
    here: &str,
    pupils: &Signature,
    lines: &[usize],
) -> Result<()> {
    let row = |r: &[String; 4]| format!("вариант «{}», итого «{}», отметка «{}»", r[1], r[2], r[3]);
    for (mine, &line) in pupils.iter().zip(lines).filter(|(r, _)| !r[0].is_empty()) {
        for (there, theirs, their_lines) in class {
            if let Some(k) = theirs.iter().position(|r| r[0] == mine[0]) {
                return Err(data(format!(
                    "{here}, row {line}: pupil code {} is also in {there}, row {} ({} there, {} here): the protocols of one school and procedure are joined as its classes, each pupil once, and these two are no copies of each other; remove the pupil from the protocol it does not belong to, or give each file once",
                    mine[0],
                    their_lines[k],
                    row(&theirs[k]),
                    row(mine)
                )));
            }
        }
    }
    Ok(())
}

/// Load a protocol sheet's pupils for its school into `rep` (`g`: the sheet's rows, all of them).
/// Alone, it goes through the per-pupil loader; one of several classes of its school and procedure
/// ([`classes`]), its pupils are judged with its own figures in `rep` and joined to the others', and
/// the last one loaded stores the school's result over all of them. Every member's report names
/// them all (`joined`). Whether the school's result was stored with this sheet.
///
/// Errors: the school unknown ([`no_school`]); those of [`read`] and of the per-pupil loader.
#[allow(clippy::too_many_arguments)]
pub(super) fn load(
    s: &Sheet,
    g: &Grid,
    meta: &Meta,
    opts: &Opts,
    scales: &Scales,
    ds: &mut Dataset,
    rep: &mut InputReport,
    classes: &mut Classes,
) -> Result<bool> {
    let school =
        school_of(&s.path, opts)?.ok_or_else(|| data(no_school(&s.path, &s.grid.sheet)))?;
    let f = read(g, &s.header, &school, opts)?;
    let key = (
        school_id(&school),
        meta.year,
        meta.grade,
        meta.subject.clone(),
    );
    let Some(class) = classes.0.get_mut(&key).filter(|c| c.members.len() > 1) else {
        pupil::finish(f, meta, (scales, opts.lenient), ds, rep)?;
        return Ok(true);
    };
    rep.joined = class.members.clone();
    let judged = pupil::judge(f, meta, (scales, opts.lenient), ds, rep)?;
    match &mut class.joined {
        Some(j) => j.append(judged),
        None => class.joined = Some(judged),
    }
    class.left -= 1;
    if class.left > 0 {
        return Ok(false);
    }
    let joined = class.joined.take().expect("the class's pupils were joined");
    pupil::store(joined, meta, ds, rep)?;
    Ok(true)
}

/// Why a skipped protocol sheet was not loaded, in a folder walk.
pub const NO_SCHOOL_SKIP: &str =
    "протокол школы без столбца школы: укажите --school LOGIN или логин в имени файла или папки";

/// The file lines of the rows [`pupils_signature`] reads, in its order.
fn pupil_lines(g: &Grid, h: &Header) -> Vec<usize> {
    pupil_rows(g, h).map(|r| g.line_of(r)).collect()
}

/// The data rows of a protocol sheet: those under the header with any cell filled.
fn pupil_rows<'a>(g: &'a Grid, h: &Header) -> impl Iterator<Item = usize> + 'a {
    (h.row + 1..g.rows.len()).filter(|&r| g.rows[r].iter().any(|c| !c.trim().is_empty()))
}

/// What makes two sheets of one workbook the same protocol: every data row's pupil code, variant,
/// total and journal mark, in order (the real form ships a second sheet `Протокол_2` with the same
/// pupils laid out without the `Вариант (часть 2)` column).
pub fn pupils_signature(g: &Grid, h: &Header) -> Vec<[String; 4]> {
    let code = h.find(&["код", "код участника"]);
    let cols = [
        code,
        variant_column(h),
        h.find(header::TOTAL),
        h.find_journal(),
    ];
    pupil_rows(g, h)
        .map(|r| cols.map(|c| c.map(|c| norm_text(g.cell(r, c))).unwrap_or_default()))
        .collect()
}

/// Read a protocol's pupils for `login`: each item score is checked against its caption first.
/// An absent pupil (`отсутствовал` in the variant column, or a row with no item score and an empty or
/// zero total: a counted warning) is no
/// participant; an item score above its caption's maximum makes the pupil's result invalid (a
/// counted warning, as a total above the maximum is); an «Итого баллов» other than the sum of the
/// items is a counted warning (the total is kept, as for every per-pupil protocol). A row with some
/// item scores blank and others filled is scored with the blanks as 0 (as the per-pupil loader sums
/// the items a row has), with a counted warning naming the row and the blank columns.
///
/// Errors: an item score that is not a whole number ≥ 0 (data, naming file, sheet, row and column;
/// `--lenient`: the pupil is skipped with a counted warning).
pub fn read(g: &Grid, h: &Header, login: &str, opts: &Opts) -> Result<PupilFile> {
    let items = pupil::item_columns(h);
    let variant = variant_column(h).expect("a protocol form has a variant column");
    let total = h.find(header::TOTAL).expect("a protocol form has a total");
    let mut invalid = BTreeSet::new();
    let code = h.find(&["код", "код участника"]);
    let mut warnings = Vec::new();
    for r in h.row + 1..g.rows.len() {
        let scored = items.iter().any(|&(c, _)| !g.cell(r, c).trim().is_empty());
        if norm_text(g.cell(r, variant)) == "отсутствовал" {
            if scored || !matches!(parse_num(g.cell(r, total)), Ok(None | Some(0.0))) {
                let line = g.line_of(r);
                warnings.push((
                    WarningCode::ProtocolAbsentWithScores,
                    format!("строка {line}"),
                ));
            }
            continue;
        }
        if g.rows[r].iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // a total row («Итого», «Среднее» as its code): passed over, with its warning, by the
        // pupils' reader (`pupil::rows`)
        if code.is_some_and(|c| crate::input::text::is_aggregate_label(g.cell(r, c))) {
            continue;
        }
        if scored && code.is_some_and(|c| g.cell(r, c).trim().is_empty()) {
            warnings.push((
                WarningCode::ProtocolCodeEmpty,
                format!("строка {}", g.line_of(r)),
            ));
        }
        let mut sum = Some(0.0);
        let mut blank = Vec::new();
        for &(c, max) in &items {
            let max = max.expect("every item caption gives its maximum");
            let cell = g.cell(r, c);
            match parse_num(cell) {
                Ok(None) => blank.push(c),
                Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0 => {
                    sum = sum.map(|s| s + v);
                    if v > max as f64 {
                        invalid.insert(r);
                        warnings.push((
                            WarningCode::ItemAboveMax,
                            format!(
                                "строка {}, «{}»: {v} > {max}",
                                g.line_of(r),
                                h.raw_name(c).trim()
                            ),
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
                    warnings.push((WarningCode::RowSkippedLenient, err.to_string()));
                    sum = None;
                }
            }
        }
        if !blank.is_empty() && blank.len() < items.len() && sum.is_some() && !invalid.contains(&r)
        {
            warnings.push((
                WarningCode::ProtocolItemsBlank,
                pupil::blank_items_note(g, h, r, &blank),
            ));
        } else if blank.len() == items.len() {
            sum = None;
        }
        if let (Some(s), Ok(Some(t))) = (sum, parse_num(g.cell(r, total))) {
            // a total of 0 beside items summing to more is scored from the items, with its own
            // warning (`PupilRows::zero_total`)
            if t != s && t != 0.0 && !invalid.contains(&r) {
                warnings.push((
                    WarningCode::TotalNotItemSum,
                    pupil::item_sum_note(g.line_of(r), h.raw_name(total).trim(), t, s),
                ));
            }
        }
    }
    let form = Form {
        school: SchoolOf::Given(login),
        variant,
        invalid: &invalid,
        blank_is_absent: true,
        total_wins: true,
    };
    let mut f = pupil::read_rows(g, h, &form);
    f.check()?;
    for (code, example) in warnings {
        f.warn(code, example);
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
            Some("sch220001")
        );
        assert_eq!(
            school_of(p, &o(Some("edu220001"))).unwrap().as_deref(),
            Some("edu220001")
        );
        assert!(school_of(p, &o(Some("edu220002"))).is_err());
        // a folder named by the login, or the folder above it
        for (p, login) in [
            ("edu220001/4А.xlsx", "edu220001"),
            ("r/sch220001/2021/4 кл.xlsx", "sch220001"),
        ] {
            let p = Path::new(p);
            assert_eq!(school_of(p, &o(None)).unwrap().as_deref(), Some(login));
        }
        // the file name's login before its folder's; three levels up is no longer the school's
        let inner = Path::new("edu220002/edu220001_4А.xlsx");
        assert_eq!(
            school_of(inner, &o(None)).unwrap().as_deref(),
            Some("edu220001")
        );
        let far = Path::new("edu220001/a/b/base_form.xlsx");
        assert_eq!(school_of(far, &o(None)).unwrap(), None);
        let bare = Path::new("protocols/base_form.xlsx");
        assert_eq!(school_of(bare, &o(None)).unwrap(), None);
        let two = Path::new("edu220001_edu220002.xlsx");
        assert_eq!(school_of(two, &o(None)).unwrap(), None);
        let two_dirs = Path::new("edu220001-edu220002/4А.xlsx");
        assert_eq!(school_of(two_dirs, &o(None)).unwrap(), None);
    }
}
