//! Loading: find inputs, recognise each by its headers, run the family loader, and merge
//! everything into one `Dataset` with a load report per input.
pub mod cells;
mod journal;
mod recognise;
mod records;
use recognise::{read_spreadsheets, recognise, Recognised};
pub(super) use records::drop_truncated;
mod aggregate;
pub mod context;
pub mod context_2021;
pub mod context_table;
pub mod csv_file;
pub mod csv_text;
mod detect;
mod empty;
pub mod files;
pub mod fisoko;
pub mod flat;
mod formulas;
pub mod gia;
pub mod gia_form;
pub mod header;
mod hidden_rows;
mod loaded;
use loaded::{contributes, sheet_warnings, vpr_without_grade};
mod login;
pub mod marks;
mod merged;
mod meta;
pub mod moscow;
pub mod names;
mod notes;
pub mod protocol;
pub mod pupil;
pub mod registry;
pub mod report;
pub mod risk;
mod runs;
pub mod scales;
pub mod sheet_rows;
mod sheet_xml;
mod skipped;
pub mod table;
pub mod text;

use crate::error::{data, usage};
use crate::model::warning::WarningCode;
use crate::model::Dataset;
use anyhow::Result;
use detect::{detect, duplicated_mark, near_miss, Detected, LOOKED_FOR, NO_SCHOOL_KEY};
use files::Checksums;
pub use files::{expand_paths, meta_from_path};
use header::Header;
use report::{InputReport, Warnings};
use scales::Scales;
use std::path::{Path, PathBuf};
use table::Grid;

/// Records of a CSV that detection reads.
const HEAD_ROWS: usize = 40;
/// Input kinds, as shown by `inspect` and accepted by `--kind`.
pub const KINDS: &[(&str, &str)] = &[
    (
        "pupils",
        "per-pupil ВПР protocol (2020 dump, 2021 layout, 2022 «Протокол»)",
    ),
    (
        protocol::KIND,
        "a school's own ВПР protocol (items «1 (1б)»…, no school column: --school LOGIN)",
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
        "federal ЕГЭ/ОГЭ per-school form (subject over приняло участие / не преодолен min порог / 80-99 / 100 / средний балл)",
    ),
    ("moscow-ege", "Moscow open-data ЕГЭ per school"),
    ("context-form", "ФИС ОКО context form"),
    ("registry", "user context/registry table"),
    (
        "context-table",
        "context indicators by school code and year (ses1…, with a codebook)",
    ),
    (
        "codebook",
        "codebook of a context table: code → indicator wording",
    ),
    ("directory", "school directory (login, name, municipality)"),
    (
        "crosswalk",
        "school name + municipality → login, for tables without logins",
    ),
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
    /// Assessment (`ВПР`, `ОГЭ`, `ЕГЭ`) of tables that name it nowhere (`--assessment`).
    pub assessment: Option<String>,
    /// The school of a school's own protocol, which has no school column (`--school`; else the
    /// login in the file name).
    pub school: Option<String>,
    /// The output shows no input checksums (every format but JSON): the files are not hashed.
    pub skip_checksums: bool,
}

/// Everything a command needs from its inputs.
pub struct Loaded {
    pub data: Dataset,
    pub reports: Vec<InputReport>,
    pub warnings: Warnings,
}

struct Sheet {
    /// The sheet, or the first records of a CSV (its loader reads the text frame).
    grid: Grid,
    /// A CSV's text frame, read when its loader asks (a CSV is one sheet).
    frame: Option<csv_file::CsvFile>,
    header: Header,
    kind: &'static str,
    path: PathBuf,
    /// A per-pupil sheet's pupils, read ahead with its cells dropped (`grid` keeps the rows down to
    /// the header, for its title and detection).
    pupils: Option<Box<pupil::PupilFile>>,
}

/// Kinds whose rows are results.
const RESULT_KINDS: &[&str] = &[
    "pupils",
    protocol::KIND,
    "fisoko-marks",
    "marks",
    "gia",
    "gia-summary",
    "moscow-ege",
];

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
    "crosswalk",
    "scales",
    "context-table",
    "codebook",
];

/// Load every input under `paths` into one dataset: recognise each file (and sheet), load scales
/// first, then every recognised sheet, then check identities across inputs.
pub fn load_paths(paths: &[PathBuf], opts: &Opts) -> Result<Loaded> {
    if let Some(k) = &opts.kind {
        if !KINDS.iter().any(|(n, _)| n == k) {
            return Err(usage(format!(
                "--kind {k}: unknown kind; expected one of {}",
                KINDS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let mut files = expand_paths(paths)?;
    let mut reports = Vec::new();
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut extra_scales = opts.scales.clone();
    extra_scales.sort();
    for s in &extra_scales {
        if !s.is_file() {
            return Err(usage(format!("--scales {}: no such file", s.display())));
        }
        // a scales file given apart from the inputs is read as one of them (named: explicit)
        let canon = s.canonicalize().ok();
        let same = |p: &PathBuf| p == s || (canon.is_some() && p.canonicalize().ok() == canon);
        if !files.iter().any(|(p, _)| same(p)) {
            files.push((s.clone(), true));
        }
    }
    let checksums = Checksums::start(
        &files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        opts.skip_checksums,
    );
    let mut progress = crate::progress::Progress::new(0, "загрузка");
    let mut sheets_read = read_spreadsheets(&files, &extra_scales, opts);
    for (path, explicit) in &files {
        let mut found = Recognised {
            sheets: &mut sheets,
            reports: &mut reports,
            sheets_read: &mut sheets_read,
        };
        recognise(path, *explicit, &extra_scales, opts, &mut found)?;
    }
    if sheets.is_empty() {
        return Err(recognise::no_input(paths, &reports));
    }
    // scales first: per-pupil files need them
    let mut scales = Scales::builtin();
    let mut data_set = Dataset::default();
    // codebooks next: context tables need them, in any file
    sheets.sort_by_key(|s| {
        let rank = match s.kind {
            "scales" => 0,
            "codebook" => 1,
            _ => 2,
        };
        (rank, s.path.clone(), s.grid.sheet.clone())
    });
    // a school's protocols: copies taken out, its classes joined
    let mut classes = protocol::classes(&mut sheets, opts, &mut reports)?;
    // risk profiles fill their own frames only: loaded beside all the other sheets (rayon; a
    // national risk table's typed read holds ≈ 100 MB beside the marks table's load), their frames
    // appended after, in the sheets' order; the first error in that order is the one said (a sheet
    // past a risk table that failed is loaded in vain, its error not said)
    let (apart, sheets): (Vec<_>, Vec<_>) = sheets
        .into_iter()
        .enumerate()
        .partition(|(_, s)| s.kind == "risk");
    let mut load = Loading {
        scales: &mut scales,
        ds: &mut data_set,
        classes: &mut classes,
    };
    let (apart, main) = rayon::join(
        || load_apart(apart, opts),
        || load_in_order(sheets, opts, &mut load, &mut reports, &mut progress),
    );
    let (risk, loaded, apart_err) = apart;
    let first_err = match (main, apart_err) {
        (Err((i, e)), Some((j, _))) if i < j => Some(e),
        (_, Some((_, e))) => Some(e),
        (Err((_, e)), None) => Some(e),
        (Ok(()), None) => None,
    };
    if let Some(e) = first_err {
        return Err(e);
    }
    for r in loaded {
        progress.step(&file_name(&r.path));
        reports.push(r);
    }
    data_set.risk_parts.extend(risk.risk_parts);
    drop(progress);
    checksums.add_to(&mut reports)?;
    reports.sort_by(|a, b| (&a.path, &a.sheet).cmp(&(&b.path, &b.sheet)));
    crate::timing("checksums");
    let mut warnings = Warnings::default();
    crate::model::identity::finalize(&mut data_set, opts, &mut warnings)?;
    crate::model::context_years::use_year(&mut data_set, None, &mut warnings)?;
    skipped::warn_skipped(&reports, &mut warnings);
    crate::timing("checked and ordered (identity, repeats)");
    Ok(Loaded {
        data: data_set,
        reports,
        warnings,
    })
}

/// Load `sheets` (each with its position among all sheets) in their order, each report pushed to
/// `reports`; on the first error, that sheet's position and the error. Each sheet (and the text
/// frame of its file, once no sheet holds it) is dropped once loaded.
fn load_in_order(
    sheets: Vec<(usize, Sheet)>,
    opts: &Opts,
    load: &mut Loading,
    reports: &mut Vec<InputReport>,
    progress: &mut crate::progress::Progress,
) -> Result<(), (usize, anyhow::Error)> {
    for (i, s) in sheets {
        let name = file_name(&s.path.display().to_string());
        reports.push(load_one(s, opts, load).map_err(|e| (i, e))?);
        progress.step(&name);
    }
    Ok(())
}

/// Load `sheets` that fill nothing but their own frames (risk profiles) into a dataset of their
/// own, in their order: the dataset, the reports, and the first error with its sheet's position.
#[allow(clippy::type_complexity)]
fn load_apart(
    sheets: Vec<(usize, Sheet)>,
    opts: &Opts,
) -> (Dataset, Vec<InputReport>, Option<(usize, anyhow::Error)>) {
    let (mut scales, mut ds) = (Scales::builtin(), Dataset::default());
    let mut classes = protocol::Classes::default();
    let mut load = Loading {
        scales: &mut scales,
        ds: &mut ds,
        classes: &mut classes,
    };
    let mut reports = Vec::new();
    for (i, s) in sheets {
        match load_one(s, opts, &mut load) {
            Ok(r) => reports.push(r),
            Err(e) => return (ds, reports, Some((i, e))),
        }
    }
    (ds, reports, None)
}

/// Kinds whose readers walk a hierarchy in row order, in which a merged cell stands for its block:
/// their cells merged down a column are read as stored (`merged::fill_grid`).
const IRREGULAR_KINDS: [&str; 6] = [
    "fisoko-marks",
    "fisoko-histogram",
    "fisoko-journal",
    "gia-summary",
    "moscow-ege",
    "context-form",
];

/// Load one recognised sheet (`load_sheet`), its error explained.
fn load_one(mut s: Sheet, opts: &Opts, load: &mut Loading) -> Result<InputReport> {
    let pre = s.pupils.take();
    let frame = s.frame.take();
    let notes = match table::is_spreadsheet(&s.path) {
        true => records::clear_trailing_notes(&mut s.grid, s.header.row + 1),
        false => Vec::new(),
    };
    if !IRREGULAR_KINDS.contains(&s.kind) {
        merged::fill_grid(&mut s.grid, s.header.row + 1);
    }
    // a loader's error on a sheet with a column it reads twice: the repeated column is said
    let loaded = load_sheet(&s, frame, pre, opts, load).map(|mut rep| {
        for (line, text) in notes {
            records::note_skipped(&mut rep, line, &text);
        }
        rep
    });
    // a formula whose value was not saved reads as an empty cell, of two cells at one address
    // the last is read: the error says so
    let loaded = loaded.map_err(|e| formulas::explain(e, &s.path, &s.header));
    loaded.map_err(|e| recognise::repeated_read(&s).unwrap_or(e))
}

/// The file name of a path, for the progress.
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// What loading sheets fills: the scales (scales sheets first), the dataset and a school's
/// protocols joined so far.
struct Loading<'a> {
    scales: &'a mut Scales,
    ds: &'a mut Dataset,
    classes: &'a mut protocol::Classes,
}

/// Load one recognised sheet into `ds` with its kind's loader; its load report.
fn load_sheet(
    s: &Sheet,
    mut frame: Option<csv_file::CsvFile>,
    pupils: Option<Box<pupil::PupilFile>>,
    opts: &Opts,
    load: &mut Loading,
) -> Result<InputReport> {
    let (scales, ds) = (&mut *load.scales, &mut *load.ds);
    let mut rep = sheet_report(s);
    let (meta, notes) = meta::sheet_meta_noted(s, opts);
    for (code, note) in notes {
        rep.warnings.add(code, note);
    }
    // marks, risk and registry tables (national scale) are read from the columns of the text frame
    let mut whole;
    let h = &s.header;
    let g = match frame.take_if(|_| !matches!(s.kind, "marks" | "risk" | "registry")) {
        Some(f) => {
            // the text frame is dropped once the grid is made
            whole = f.into_frame()?.whole();
            // the whole file tells its encoding (its start may read as UTF-8)
            rep.encoding = Some(whole.encoding.to_string());
            // a per-pupil CSV's truncated line is no pupil with an empty total
            if FLAT_KINDS.contains(&s.kind) || s.kind == "pupils" {
                drop_truncated(&mut whole, h, h.row + 1, opts, &mut rep)?;
            }
            &whole
        }
        _ => &s.grid,
    };
    let before = ds.result_parts.len();
    let mut stored = true;
    match s.kind {
        "scales" => {
            let (rows, replaced) = scales.load(g, h)?;
            rep.rows = rows;
            for r in replaced {
                rep.warnings.add(WarningCode::ShippedScaleReplaced, r);
            }
        }
        "pupils" | protocol::KIND => {
            per_pupil_meta_known(s, &meta, &rep)?;
            match pupils {
                Some(f) => pupil::finish(*f, &meta, (scales, opts.lenient), ds, &mut rep)?,
                None if s.kind == protocol::KIND => {
                    // one of a school's classes: the school's result is stored with the last
                    stored = protocol::load(s, g, &meta, opts, scales, ds, &mut rep, load.classes)?
                }
                None => pupil::load(g, h, &meta, (scales, opts.lenient), ds, &mut rep)?,
            }
        }
        "fisoko-marks" => fisoko::load_stats(g, h, &meta, opts, ds, &mut rep)?,
        "gia-summary" => gia_form::load(g, h, &meta, opts, ds, &mut rep)?,
        "fisoko-histogram" => fisoko::load_histogram_report(g, h, &meta, opts, ds, &mut rep)?,
        "fisoko-journal" => fisoko::load_journal_report(g, h, &meta, opts, ds, &mut rep)?,
        "marks" => match frame {
            // a CSV's participants and marks are read as numbers by polars where they can be
            Some(f) => marks::load_csv(f, &s.grid, h, &meta, opts, ds, &mut rep)?,
            None => marks::load(text_frame(s, None)?, h, &meta, opts, ds, &mut rep)?,
        },
        "journal" => journal::load_journal(g, h, &meta, opts, ds, &mut rep)?,
        "markers" => journal::load_markers(g, h, &meta, opts, ds, &mut rep)?,
        "gia" => gia::load_simple(g, h, &meta, opts, ds, &mut rep)?,
        "moscow-ege" => moscow::load_moscow(g, h, opts, ds, &mut rep)?,
        "context-form" => context::load_context_form(g, h, ds, &mut rep)?,
        "registry" => {
            // a CSV's cells are read from its text frame's columns, a sheet's from a frame of its grid
            let csv = frame.is_some();
            let f = text_frame(s, frame)?;
            rep.encoding = Some(f.encoding.to_string());
            registry::load_registry(f, h, csv, opts, ds, &mut rep)?
        }
        "directory" => context::load_directory(g, h, ds, &mut rep)?,
        "context-table" => context_table::load_table(g, h, opts, ds, &mut rep)?,
        "codebook" => context_table::load_codebook(g, h, ds, &mut rep)?,
        "crosswalk" => names::load_crosswalk(g, h, ds, &mut rep)?,
        "risk" => match frame {
            // a CSV's year, factor and level are read as a number and categories where they can be
            Some(f) => risk::load_csv(f, &s.grid, h, &meta, opts, ds, &mut rep)?,
            None => {
                let f = text_frame(s, None)?;
                rep.encoding = Some(f.encoding.to_string());
                risk::load_frame(f, h, &meta, opts, ds, &mut rep)?
            }
        },
        _ => unreachable!(),
    }
    crate::timing("  loader done");
    sheet_warnings(s, &mut rep)?;
    ds.flush_rows()?;
    crate::timing("  flushed");
    if s.kind == "marks" {
        vpr_without_grade(s, &mut ds.result_parts[before..], opts, &mut rep)?;
    }
    if stored && RESULT_KINDS.contains(&s.kind) && !contributes(&ds.result_parts[before..])? {
        rep.warnings.add(
            WarningCode::ContributesNothing,
            s.path.display().to_string(),
        );
    }
    report_procedure(s, &meta, &mut rep);
    crate::timing(&format!("loaded {} ({})", s.path.display(), s.kind));
    Ok(rep)
}

/// A sheet's load report before its loader runs: path, sheet (spreadsheets only), kind and the
/// encoding its start was read in.
fn sheet_report(s: &Sheet) -> InputReport {
    InputReport {
        path: s.path.display().to_string(),
        sheet: if table::is_spreadsheet(&s.path) {
            s.grid.sheet.clone()
        } else {
            None
        },
        kind: s.kind.to_string(),
        encoding: Some(s.grid.encoding.to_string()),
        ..Default::default()
    }
}

/// A per-pupil file's year, grade and subject must be known (from the sheet, its name, its
/// folders or the command line). Errors (data): one of them unknown, naming what was found.
fn per_pupil_meta_known(s: &Sheet, meta: &Meta, rep: &InputReport) -> Result<()> {
    if meta.year != 0 && meta.grade != 0 && !meta.subject.is_empty() {
        return Ok(());
    }
    Err(data(format!(
        "{}{}: cannot tell the year, grade and subject of this per-pupil file (year {}, grade {}, subject {}): expected them in the sheet, the file name («…по математике, 5 класс. ВПР 2021»), the folders (2020/7/Немецкий язык.xlsx), or --file-year/--grade/--subject",
        s.path.display(),
        recognise::in_sheet(&rep.sheet),
        found(meta.year),
        found(meta.grade),
        if meta.subject.is_empty() { "not found".to_string() } else { format!("«{}»", meta.subject) },
    )))
}

/// The procedure a loaded sheet reports: a per-pupil or ФИС ОКО report is one procedure (its
/// sheet's year, grade, subject and assessment); another table names its year when it holds one.
fn report_procedure(s: &Sheet, meta: &Meta, rep: &mut InputReport) {
    if matches!(
        s.kind,
        "pupils" | protocol::KIND | "fisoko-marks" | "fisoko-journal" | "fisoko-histogram"
    ) {
        rep.year = Some(meta.year);
        rep.grade = Some(meta.grade);
        rep.subject = Some(meta.subject.clone());
        rep.assessment = (!meta.assessment.is_empty()).then(|| meta.assessment.clone());
        rep.years = vec![meta.year];
    } else if rep.years.len() == 1 {
        rep.year = rep.years.first().copied();
    }
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "load_tests_risk.rs"]
mod tests_risk;

/// A year or grade read from a file's name or sheet, or «not found» for 0.
fn found(v: i32) -> String {
    if v == 0 {
        "not found".into()
    } else {
        v.to_string()
    }
}

/// The sheet's text frame: the CSV's own (`frame`), or one made from a spreadsheet's grid.
fn text_frame(s: &Sheet, frame: Option<csv_file::CsvFile>) -> Result<table::TextFrame> {
    match frame {
        Some(f) => f.into_frame(),
        None => table::TextFrame::from_grid(&s.grid),
    }
}
