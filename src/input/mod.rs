//! Loading: find inputs, recognise each by its headers, run the family loader, and merge
//! everything into one `Dataset` with a load report per input.
pub mod cells;
pub mod context;
pub mod files;
pub mod fisoko;
pub mod flat;
pub mod gia;
pub mod header;
mod notes;
pub mod pupil;
pub mod report;
pub mod risk;
pub mod scales;
pub mod table;
pub mod text;

use crate::error::{data, usage};
use crate::model::Dataset;
use anyhow::Result;
use files::sha256_file;
pub use files::{expand_paths, meta_from_path};
use header::Header;
use report::{InputReport, Warnings};
use scales::Scales;
use std::path::{Path, PathBuf};
use table::Grid;

/// Records of a CSV that detection reads.
const HEAD_ROWS: usize = 40;
/// Records of a CSV marks or risk table handed to its loader at a time.
const CHUNK_ROWS: usize = 65_536;

/// Input kinds, as shown by `inspect` and accepted by `--kind`.
pub const KINDS: &[(&str, &str)] = &[
    (
        "pupils",
        "per-pupil ВПР protocol (2020 dump, 2021 layout, 2022 «Протокол»)",
    ),
    ("fisoko-marks", "ФИС ОКО «Статистика по отметкам»"),
    (
        "fisoko-journal",
        "ФИС ОКО «Сравнение отметок с отметками по журналу»",
    ),
    ("fisoko-histogram", "ФИС ОКО «Гистограмма первичных баллов»"),
    ("marks", "flat per-school marks table"),
    ("journal", "flat per-school journal comparison"),
    ("markers", "official objectivity markers"),
    ("gia", "ОГЭ/ЕГЭ per-school table"),
    (
        "gia-summary",
        "regional ОГЭ/ЕГЭ per-school summary (three-level header)",
    ),
    ("moscow-ege", "Moscow open-data ЕГЭ per school"),
    ("context-form", "ФИС ОКО context form"),
    ("registry", "user context/registry table"),
    ("directory", "school directory (login, name, municipality)"),
    ("risk", "risk profiles"),
    ("scales", "primary score → mark scales"),
];

/// Year, grade, subject and assessment of a file, from its title, name or folders.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub year: i32,
    pub grade: i32,
    pub subject: String,
    pub assessment: String,
}

#[derive(Debug, Clone, Default)]
pub struct Opts {
    pub lenient: bool,
    pub kind: Option<String>,
    pub scales: Vec<PathBuf>,
    pub year: Option<i32>,
    pub grade: Option<i32>,
    pub subject: Option<String>,
    /// The output shows no input checksums (every format but JSON): the files are not hashed.
    pub skip_checksums: bool,
}

/// Everything a command needs from its inputs.
pub struct Loaded {
    pub data: Dataset,
    pub reports: Vec<InputReport>,
    pub warnings: Warnings,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Detected {
    Kind(&'static str),
    Skip(&'static str),
}

fn detect_header(g: &Grid, h: &Header) -> Option<Detected> {
    use Detected::*;
    let k = if scales::Scales::is_scales_header(h) {
        Kind("scales")
    } else if pupil::is_pupil_header(h) {
        Kind("pupils")
    } else if context::is_context_form(h) {
        Kind("context-form")
    } else if h.has(&["пользователь"])
        && h.find_prefix(&["основной учебник", "буква (цифра) класса"])
            .is_some()
    {
        Skip("лист классов и учебников ВПР: результатов нет")
    } else if fisoko::is_stats(h) {
        Kind("fisoko-marks")
    } else if fisoko::is_histogram_report(g, h) {
        Kind("fisoko-histogram")
    } else if fisoko::is_journal_report(g, h) {
        Kind("fisoko-journal")
    } else if gia::is_moscow(h) {
        Kind("moscow-ege")
    } else if gia::is_regional_summary(g, h) {
        Kind("gia-summary")
    } else if flat::is_markers_header(h) {
        Kind("markers")
    } else if flat::is_journal_header(h) {
        Kind("journal")
    } else if flat::is_marks_header(h) {
        Kind("marks")
    } else if h.has(header::LOGIN) && flat::mark_columns(h).is_some() {
        // marks without participants: not a registry or directory (`near_miss` says why)
        return None;
    } else if gia::is_simple_gia(h) {
        Kind("gia")
    } else if risk::is_long(h) || risk::is_wide(h) {
        Kind("risk")
    } else if context::is_registry(h) {
        Kind("registry")
    } else if context::is_directory(h) {
        Kind("directory")
    } else if h.has(&["№ ким"]) || h.find_prefix(&["умения, виды деятельности"]).is_some()
    {
        Skip("описание заданий работы: результатов нет")
    } else if h.has(&["name"]) && h.has(&["adress", "address"]) {
        Skip("справочник адресов школ без логинов ФИС ОКО и без результатов")
    } else {
        return None;
    };
    Some(k)
}

fn kind_matches(kind: &str, g: &Grid, h: &Header) -> bool {
    match kind {
        "scales" => Scales::is_scales_header(h),
        "pupils" => pupil::is_pupil_header(h),
        "context-form" => context::is_context_form(h),
        "fisoko-marks" => fisoko::is_stats(h),
        "fisoko-journal" => h.has(&["группы участников"]) && fisoko::is_journal_report(g, h),
        "fisoko-histogram" => fisoko::is_histogram_report(g, h),
        "moscow-ege" => gia::is_moscow(h),
        "gia-summary" => gia::is_regional_summary(g, h),
        "markers" => flat::is_markers_header(h),
        "journal" => flat::is_journal_header(h),
        "marks" => flat::is_marks_header(h),
        "gia" => gia::is_simple_gia(h),
        "risk" => risk::is_long(h) || risk::is_wide(h),
        "registry" => h.has(header::LOGIN),
        "directory" => h.has(header::LOGIN) && h.has(header::NAME),
        _ => false,
    }
}

/// The columns detection looks for, for the error on a file that matches no kind.
const LOOKED_FOR: &str = "looked for a login column («Логин», «Логин школы», «Код ОО», «Пользователь»…) with «Кол-во участников» and «2» «3» «4» «5» (marks), «Понизили…» «Подтвердили…» «Повысили…» (journal), «Количество маркеров» (markers), «Фактор риска» + «Уровень» or one column per factor (risk), registry columns (settlement, kind, enrollment, indicators) or «ОО» (directory); «Код ОО» with participants and «Доля не преодолевших…» or «Средний балл» (gia); «Группы участников» (ФИС ОКО reports); «Всего баллов» + «Вариант» (per-pupil protocols); year, grade, subject, max_score, min3, min4, min5 (scales)";

/// What a header that matched no kind lacks, when it is nearly one kind: a marks table (login and
/// «2» «3» «4» «5») without its participants column.
fn near_miss(g: &Grid) -> Option<String> {
    (0..g.rows.len().min(30)).find_map(|r| {
        let h = Header::new(r, &g.rows[r]);
        (h.has(header::LOGIN) && flat::mark_columns(&h).is_some() && !h.has(header::PARTICIPANTS))
            .then(|| {
                format!(
                    "row {}: a marks table (a login and «2» «3» «4» «5») without a participants column: expected one of {}",
                    g.line_of(r),
                    header::PARTICIPANTS
                        .iter()
                        .map(|p| format!("«{p}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    })
}

/// Find the header row (within the first 30 rows) and what it says the sheet is.
fn detect(g: &Grid, forced: Option<&str>) -> Option<(Header, Detected)> {
    for r in 0..g.rows.len().min(30) {
        if g.rows[r].iter().filter(|c| !c.trim().is_empty()).count() < 2 {
            continue;
        }
        let h = Header::new(r, &g.rows[r]);
        if let Some(k) = forced {
            if kind_matches(k, g, &h) {
                let k = KINDS.iter().find(|(n, _)| *n == k).unwrap().0;
                return Some((h, Detected::Kind(k)));
            }
            continue;
        }
        if let Some(d) = detect_header(g, &h) {
            return Some((h, d));
        }
    }
    None
}

struct Sheet {
    /// The sheet, or the first records of a CSV (its loader reads the text frame).
    grid: Grid,
    /// A CSV's text frame, shared by the sheets of one file.
    frame: Option<std::rc::Rc<table::TextFrame>>,
    header: Header,
    kind: &'static str,
    path: PathBuf,
}

/// Every sheet of each non-empty spreadsheet among `files`, read in parallel (rayon).
fn read_spreadsheets(
    files: &[(PathBuf, bool)],
) -> std::collections::HashMap<PathBuf, Result<Vec<Grid>>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            table::is_spreadsheet(p) && std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false)
        })
        .map(|p| (p.clone(), table::read_spreadsheet(p)))
        .collect()
}

/// Year, grade, subject and assessment of a sheet: its title, its path, then the command line.
fn sheet_meta(s: &Sheet, opts: &Opts) -> Meta {
    let mut meta = meta_from_path(&s.path);
    fisoko::title_meta(&s.grid, s.header.row, &mut meta);
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
    meta
}

/// Run a row loader over a sheet, or over a CSV's text frame in chunks of records (a national
/// table is never a grid as a whole); `start` is the first data row of the grid it is given.
/// Truncated records are dealt with first (`drop_truncated`).
fn whole_or_streamed(
    s: &Sheet,
    opts: &Opts,
    rep: &mut InputReport,
    mut load: impl FnMut(&Grid, usize, &mut InputReport) -> Result<()>,
) -> Result<()> {
    match &s.frame {
        None => load(&s.grid, s.header.row + 1, rep),
        Some(f) => {
            let mut at = s.header.row + 1;
            while at < f.height() {
                let mut g = f.grid(at, CHUNK_ROWS);
                drop_truncated(&mut g, &s.header, 0, opts, rep)?;
                load(&g, 0, rep)?;
                at += CHUNK_ROWS;
            }
            Ok(())
        }
    }
}

/// Kinds whose rows are results.
const RESULT_KINDS: &[&str] = &[
    "pupils",
    "fisoko-marks",
    "marks",
    "gia",
    "gia-summary",
    "moscow-ege",
];

/// Warning for a results table none of whose rows a procedure can judge.
const CONTRIBUTES_NOTHING: &str = "таблица результатов не даёт данных ни одной процедуре (нет предмета или ни доли ниже минимума, ни высоких результатов)";

/// Some row names its subject and has a count below the minimum or of high results: the table
/// contributes to a procedure.
fn contributes(rows: &[crate::model::ResultRow]) -> bool {
    rows.iter()
        .any(|r| !r.subject.is_empty() && (r.n2.is_some() || r.high.is_some()))
}

/// Kinds read as flat tables: one record per row, each as wide as the header.
const FLAT_KINDS: &[&str] = &[
    "marks",
    "journal",
    "markers",
    "gia",
    "moscow-ege",
    "risk",
    "registry",
    "directory",
    "scales",
];

/// A CSV record below the header with fewer fields than the header names (a truncated line) is a
/// data error naming its row and the first column it lacks — it is not an aggregate row; with
/// `--lenient` the row is skipped with a counted warning. Rows `start..` of `g`; spreadsheets (no
/// field counts) pass.
fn drop_truncated(
    g: &mut Grid,
    h: &Header,
    start: usize,
    opts: &Opts,
    rep: &mut InputReport,
) -> Result<()> {
    let width = h.raw.len();
    for r in start..g.rows.len().min(g.fields.len()) {
        let n = g.fields[r] as usize;
        if n < width && g.rows[r].iter().any(|c| !c.trim().is_empty()) {
            let err = crate::error::data_err(
                &g.loc(r),
                h.raw_name(n),
                format!("the record has {n} fields where the header has {width}: a truncated line; expected a value or an empty field for every column"),
            );
            flat::row_error(opts, rep, err)?;
            g.rows[r].clear();
        }
    }
    Ok(())
}

/// Load every input under `paths` into one dataset.
pub fn load_paths(paths: &[PathBuf], opts: &Opts) -> Result<Loaded> {
    if let Some(k) = &opts.kind {
        if !KINDS.iter().any(|(n, _)| n == k) {
            return Err(usage(format!(
                "--kind {k}: unknown kind; expected one of {}",
                KINDS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let files = expand_paths(paths)?;
    let mut reports = Vec::new();
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut extra_scales = opts.scales.clone();
    extra_scales.sort();
    for s in &extra_scales {
        if !s.is_file() {
            return Err(usage(format!("--scales {}: no such file", s.display())));
        }
    }
    let mut sheets_read = read_spreadsheets(&files);
    for (path, explicit) in &files {
        let forced_scales = extra_scales.contains(path);
        let mut rep = InputReport {
            path: path.display().to_string(),
            ..Default::default()
        };
        if !table::is_tabular(path) {
            if *explicit {
                return Err(usage(format!(
                    "{}: not a CSV or spreadsheet file (expected .csv, .txt, .tsv, .xlsx or .xls)",
                    path.display()
                )));
            }
            rep.kind = "skipped".into();
            rep.skipped = Some("не таблица (ожидались .csv, .xlsx, .xls)".into());
            reports.push(rep);
            continue;
        }
        let meta_len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if meta_len == 0 {
            return Err(data(format!(
                "{}: the file is empty; expected a table with a header row",
                path.display()
            )));
        }
        let mut frame = None;
        let grids = if table::is_spreadsheet(path) {
            match sheets_read.remove(path) {
                Some(r) => r?,
                None => table::read_spreadsheet(path)?,
            }
        } else {
            let f = table::TextFrame::read(path)?;
            let head = f.grid(0, HEAD_ROWS);
            frame = Some(std::rc::Rc::new(f));
            vec![head]
        };
        if grids
            .iter()
            .all(|g| g.rows.iter().all(|r| r.iter().all(|c| c.trim().is_empty())))
        {
            return Err(data(format!(
                "{}: the file has no rows; expected a table with a header row",
                path.display()
            )));
        }
        let forced = if forced_scales {
            Some("scales")
        } else {
            opts.kind.as_deref()
        };
        let mut any = false;
        let mut skipped_sheets = Vec::new();
        let mut near = None;
        for g in grids {
            match detect(&g, forced) {
                Some((h, Detected::Kind(k))) => {
                    any = true;
                    sheets.push(Sheet {
                        grid: g,
                        frame: frame.clone(),
                        header: h,
                        kind: k,
                        path: path.clone(),
                    });
                }
                Some((_, Detected::Skip(why))) => {
                    skipped_sheets.push((g.sheet.clone(), why.to_string()))
                }
                None => {
                    if near.is_none() {
                        near = near_miss(&g);
                    }
                    skipped_sheets.push((g.sheet.clone(), "не распознан заголовок".to_string()))
                }
            }
        }
        for (sheet, why) in &skipped_sheets {
            let unknown = why == "не распознан заголовок";
            if !any && unknown && (*explicit || forced.is_some()) {
                let what = match (forced, &near) {
                    (Some(k), _) => format!("no header of kind «{k}» found in the first 30 rows"),
                    (None, Some(near)) => near.clone(),
                    (None, None) => format!("unknown header layout: no known input kind matches the first 30 rows; {LOOKED_FOR} (see `shnor inspect --help` for the kinds; --kind forces one)"),
                };
                return Err(data(format!(
                    "{}{}: {what}",
                    path.display(),
                    sheet
                        .as_ref()
                        .map(|s| format!(" [лист «{}»]", s.trim()))
                        .unwrap_or_default()
                )));
            }
            if !any || !unknown {
                let mut r = rep.clone();
                r.sheet = sheet.clone();
                r.kind = "skipped".into();
                r.skipped = Some(why.clone());
                reports.push(r);
            }
        }
    }
    if sheets.is_empty() {
        let skipped: Vec<String> = reports
            .iter()
            .take(5)
            .map(|r| format!("{} ({})", r.path, r.skipped.as_deref().unwrap_or("?")))
            .collect();
        return Err(data(format!(
            "no input recognised in {}: {} file(s) or sheet(s) skipped, e.g. {}; {LOOKED_FOR}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            reports.len(),
            skipped.join("; ")
        )));
    }
    // scales first: per-pupil files need them
    let mut scales = Scales::builtin();
    let mut data_set = Dataset::default();
    sheets.sort_by_key(|s| (s.kind != "scales", s.path.clone(), s.grid.sheet.clone()));
    {
        for s in sheets.iter() {
            let mut rep = InputReport {
                path: s.path.display().to_string(),
                sheet: if table::is_spreadsheet(&s.path) {
                    s.grid.sheet.clone()
                } else {
                    None
                },
                kind: s.kind.to_string(),
                encoding: Some(s.grid.encoding.to_string()),
                ..Default::default()
            };
            let meta = sheet_meta(s, opts);
            // marks and risk tables (national scale) are read in chunks of the text frame
            let mut whole;
            let h = &s.header;
            let g = match &s.frame {
                Some(f) if !matches!(s.kind, "marks" | "risk") => {
                    whole = f.whole();
                    if FLAT_KINDS.contains(&s.kind) {
                        drop_truncated(&mut whole, h, h.row + 1, opts, &mut rep)?;
                    }
                    &whole
                }
                _ => &s.grid,
            };
            let before = data_set.results.len();
            match s.kind {
                "scales" => {
                    rep.rows = scales.load(g, h)?;
                }
                "pupils" => {
                    if meta.year == 0 || meta.grade == 0 || meta.subject.is_empty() {
                        return Err(data(format!(
                        "{}: cannot tell the year, grade and subject of this per-pupil file (found year {}, grade {}, subject «{}»): expected them in the sheet, the file name («…по математике, 5 класс. ВПР 2021»), the folders (2020/7/Немецкий язык.xlsx), or --year/--grade/--subject",
                        s.path.display(), meta.year, meta.grade, meta.subject
                    )));
                    }
                    pupil::load(g, h, &meta, &scales, &mut data_set, &mut rep)?;
                }
                "fisoko-marks" => fisoko::load_stats(g, h, &meta, opts, &mut data_set, &mut rep)?,
                "gia-summary" => {
                    gia::load_regional_summary(g, h, &meta, opts, &mut data_set, &mut rep)?
                }
                "fisoko-histogram" => {
                    fisoko::load_histogram_report(g, h, &meta, opts, &mut data_set, &mut rep)?
                }
                "fisoko-journal" => {
                    fisoko::load_journal_report(g, h, &meta, opts, &mut data_set, &mut rep)?
                }
                "marks" => {
                    let mut st = flat::MarksState::default();
                    whole_or_streamed(s, opts, &mut rep, |g, start, rep| {
                        flat::load_marks(g, h, start, &meta, opts, &mut data_set, rep, &mut st)
                    })?
                }
                "journal" => flat::load_journal(g, h, &meta, opts, &mut data_set, &mut rep)?,
                "markers" => flat::load_markers(g, h, &meta, opts, &mut data_set, &mut rep)?,
                "gia" => gia::load_simple(g, h, &meta, opts, &mut data_set, &mut rep)?,
                "moscow-ege" => gia::load_moscow(g, h, opts, &mut data_set, &mut rep)?,
                "context-form" => context::load_context_form(g, h, &mut data_set, &mut rep)?,
                "registry" => context::load_registry(g, h, opts, &mut data_set, &mut rep)?,
                "directory" => context::load_directory(g, h, &mut data_set, &mut rep)?,
                "risk" => {
                    let mut st = risk::RiskState::default();
                    whole_or_streamed(s, opts, &mut rep, |g, start, rep| {
                        risk::load(g, h, start, &meta, opts, &mut data_set, rep, &mut st)
                    })?
                }
                _ => unreachable!(),
            }
            if RESULT_KINDS.contains(&s.kind) && !contributes(&data_set.results[before..]) {
                rep.warnings
                    .add(CONTRIBUTES_NOTHING, s.path.display().to_string());
            }
            if matches!(
                s.kind,
                "pupils" | "fisoko-marks" | "fisoko-journal" | "fisoko-histogram"
            ) {
                rep.year = Some(meta.year);
                rep.grade = Some(meta.grade);
                rep.subject = Some(meta.subject.clone());
                rep.assessment = Some(meta.assessment.clone());
                rep.years = vec![meta.year];
            } else if rep.years.len() == 1 {
                rep.year = rep.years.first().copied();
            }
            crate::timing(&format!("loaded {} ({})", s.path.display(), s.kind));
            reports.push(rep);
        }
    }
    drop(sheets);
    if !opts.skip_checksums {
        use rayon::prelude::*;
        let hashes: std::collections::HashMap<&str, String> = reports
            .par_iter()
            .filter(|r| table::is_tabular(Path::new(&r.path)))
            .map(|r| Ok((r.path.as_str(), sha256_file(Path::new(&r.path))?)))
            .collect::<Result<_>>()
            .map_err(|e| data(e.to_string()))?;
        let hashes: std::collections::HashMap<String, String> = hashes
            .into_iter()
            .map(|(p, h)| (p.to_string(), h))
            .collect();
        for r in reports.iter_mut() {
            if let Some(h) = hashes.get(&r.path) {
                r.sha256 = h.clone();
            }
        }
    }
    reports.sort_by(|a, b| (&a.path, &a.sheet).cmp(&(&b.path, &b.sheet)));
    let mut warnings = Warnings::default();
    crate::model::identity::finalize(&mut data_set, opts, &mut warnings)?;
    crate::timing("checked and ordered (identity, repeats)");
    Ok(Loaded {
        data: data_set,
        reports,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKS_HEADER: &str =
        "Год,Класс,Предмет,Муниципалитет,Логин,ОО,Кол-во участников,2,3,4,5\n";

    /// Load `files` (name, text) written into a fresh folder, each named on the command line.
    fn load(files: &[(&str, &str)], opts: &Opts) -> Result<Loaded> {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(name, text)| {
                let p = dir.path().join(name);
                std::fs::write(&p, text).unwrap();
                p
            })
            .collect();
        load_paths(&paths, opts)
    }

    #[test]
    fn a_truncated_record_is_a_data_error_naming_its_row() {
        let text = format!(
            "{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,СОШ 1,77,2,3,9,63\n\
             2023,4,математика,город Заречный\n\
             2023,4,математика,город Заречный,edu990003,СОШ 3,50,5,5,20,20\n"
        );
        let e = load(&[("marks.csv", &text)], &Opts::default())
            .err()
            .expect("a truncated record is an error, not an aggregate row");
        let msg = e.to_string();
        assert!(msg.contains("row 3") && msg.contains("truncated"), "{msg}");
        assert!(msg.contains("«Логин»"), "{msg}");
        // --lenient skips it with a counted warning
        let lenient = Opts {
            lenient: true,
            ..Default::default()
        };
        let l = load(&[("marks.csv", &text)], &lenient).unwrap();
        assert_eq!(l.data.results.len(), 2);
        assert!(l.data.reference.is_empty());
        assert!(l.reports[0].warnings.summary().contains("truncated"));
    }

    #[test]
    fn a_file_or_folder_matching_no_kind_is_an_error_saying_what_was_looked_for() {
        let msg = load(&[("x.csv", "a,b,c\n1,2,3\n")], &Opts::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("looked for") && msg.contains("Кол-во участников"),
            "{msg}"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.csv"), "a,b,c\n1,2,3\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "просто текст\n").unwrap();
        let e = load_paths(&[dir.path().to_path_buf()], &Opts::default())
            .err()
            .expect("a folder with nothing recognised is an error, not an empty result");
        assert!(e.to_string().contains("no input recognised"), "{e}");
        assert_eq!(crate::error::exit_code(&e), 1);
    }

    #[test]
    fn a_marks_table_without_participants_names_the_missing_column() {
        let text = "Логин,ОО,2,3,4,5\nedu990001,СОШ 1,2,3,9,63\n";
        let msg = load(&[("marks.csv", text)], &Opts::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("participants") && msg.contains("«кол-во участников»"),
            "{msg}"
        );
    }

    #[test]
    fn registry_repeats_are_dropped_and_conflicts_name_the_login() {
        let same = "login,name,settlement\nedu990002,СОШ 2,город\nedu990001,СОШ 1,село\nedu990002,СОШ 2,город\n";
        let l = load(&[("reg.csv", same)], &Opts::default()).unwrap();
        assert_eq!(l.data.schools.len(), 2);
        let w = &l.reports[0].warnings.0["exact repeated registry row dropped"];
        assert_eq!(w.count, 1);
        let differ = same.replacen("СОШ 2,город", "СОШ 2,село", 1);
        let msg = load(&[("reg.csv", &differ)], &Opts::default())
            .err()
            .expect("two different registry rows for one login are an error")
            .to_string();
        assert!(msg.contains("edu990002") && msg.contains("row 4"), "{msg}");
    }

    #[test]
    fn a_login_cell_that_is_no_login_is_named_in_the_warning() {
        let text = format!(
            "{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,СОШ 1,77,2,3,9,63\n\
             2023,4,математика,город Заречный,school1,СОШ 2,50,5,5,20,20\n"
        );
        let l = load(&[("marks.csv", &text)], &Opts::default()).unwrap();
        let w = l.reports[0].warnings.summary();
        assert!(w.contains("«school1» (строка 3)"), "{w}");
    }

    #[test]
    fn an_ege_table_takes_subject_and_assessment_from_its_name_and_percent_from_its_header() {
        let text = "Код ОО;Наименование ОО;Муниципалитет;Количество участников;Доля не преодолевших минимальный порог, %;Средний балл\n\
             000101;СОШ 1;город Заречный;40;0,8;65,2\n\
             000102;СОШ 2;город Заречный;200;0,5;61,0\n\
             000103;СОШ 3;село Лесное;100;1,0;58,3\n";
        let l = load(&[("ЕГЭ русский язык 2024.csv", text)], &Opts::default()).unwrap();
        let rows: Vec<(&str, &str, i32, Option<i32>)> = l
            .data
            .results
            .iter()
            .map(|r| (&*r.assessment, &*r.subject, r.grade, r.n2.get()))
            .collect();
        // 0,8 % of 40 is 0.32 pupils, 0,5 % of 200 is 1, 1 % of 100 is 1 (not 32, 100 and 100)
        assert_eq!(
            rows,
            [
                ("ЕГЭ", "русский язык", 11, Some(0)),
                ("ЕГЭ", "русский язык", 11, Some(1)),
                ("ЕГЭ", "русский язык", 11, Some(1)),
            ]
        );
        assert!(!l.reports[0].warnings.summary().contains("не даёт данных"));
        // a table with neither a share below the minimum nor high results contributes nothing:
        // a warning names it
        let means = "Код ОО;Количество участников;Средний балл\n000101;40;65,2\n";
        let l = load(&[("ЕГЭ русский язык 2024.csv", means)], &Opts::default()).unwrap();
        let w = l.reports[0].warnings.summary();
        assert!(
            w.contains("не даёт данных") && w.contains("ЕГЭ русский язык 2024.csv"),
            "{w}"
        );
    }

    #[test]
    fn a_bad_cell_names_its_file_line_after_quoted_line_breaks() {
        let text = format!(
            "{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,\"СОШ\n№ 1\",77,2,3,9,63\n\
             2023,4,математика,город Заречный,edu990003,СОШ 3,пятьдесят,5,5,20,20\n"
        );
        let msg = load(&[("marks.csv", &text)], &Opts::default())
            .err()
            .unwrap()
            .to_string();
        assert!(msg.contains("row 4"), "{msg}");
        assert!(msg.contains("Кол-во участников"), "{msg}");
    }
}
