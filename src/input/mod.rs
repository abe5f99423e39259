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
fn whole_or_streamed(s: &Sheet, mut load: impl FnMut(&Grid, usize) -> Result<()>) -> Result<()> {
    match &s.frame {
        None => load(&s.grid, s.header.row + 1),
        Some(f) => {
            let mut at = s.header.row + 1;
            while at < f.height() {
                load(&f.grid(at, CHUNK_ROWS), 0)?;
                at += CHUNK_ROWS;
            }
            Ok(())
        }
    }
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
                    skipped_sheets.push((g.sheet.clone(), "не распознан заголовок".to_string()))
                }
            }
        }
        for (sheet, why) in &skipped_sheets {
            let unknown = why == "не распознан заголовок";
            if !any && unknown && (*explicit || forced.is_some()) {
                let what = match forced {
                    Some(k) => format!("no header of kind «{k}» found in the first 30 rows"),
                    None => "unknown header layout: no known input kind matches the first 30 rows (see `shnor inspect --help` for the kinds; --kind forces one)".into(),
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
            let whole;
            let g = match &s.frame {
                Some(f) if !matches!(s.kind, "marks" | "risk") => {
                    whole = f.whole();
                    &whole
                }
                _ => &s.grid,
            };
            let h = &s.header;
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
                    whole_or_streamed(s, |g, start| {
                        flat::load_marks(g, h, start, &meta, opts, &mut data_set, &mut rep, &mut st)
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
                    whole_or_streamed(s, |g, start| {
                        risk::load(g, h, start, &meta, opts, &mut data_set, &mut rep, &mut st)
                    })?
                }
                _ => unreachable!(),
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
