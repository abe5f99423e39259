//! Recognising inputs: each file's sheets become `Sheet`s of a kind (by their headers, or `--kind`),
//! or a skipped-file report saying why.
use super::*;

/// Where `recognise` puts what it finds: the recognised sheets, the reports of skipped files and
/// sheets, and the spreadsheets read ahead in parallel (taken when their turn comes).
pub(super) struct Recognised<'a> {
    pub(super) sheets: &'a mut Vec<Sheet>,
    pub(super) reports: &'a mut Vec<InputReport>,
    pub(super) sheets_read: &'a mut std::collections::HashMap<PathBuf, Result<Vec<ReadAhead>>>,
}

/// Recognise one file: each of its sheets becomes a `Sheet` of a kind, or a skipped report.
///
/// Errors: a file named on the command line (`explicit`) or forced by `--kind` that is not a table
/// or matches no kind (usage / data); an empty file (data).
pub(super) fn recognise(
    path: &Path,
    explicit: bool,
    extra_scales: &[PathBuf],
    opts: &Opts,
    found: &mut Recognised,
) -> Result<()> {
    let (sheets, reports, sheets_read) = (
        &mut *found.sheets,
        &mut *found.reports,
        &mut *found.sheets_read,
    );
    let mut rep = InputReport {
        path: path.display().to_string(),
        ..Default::default()
    };
    if !table::is_tabular(path) {
        if explicit {
            return Err(usage(format!(
                "{}: not a CSV or spreadsheet file (expected .csv, .txt, .tsv, .xlsx or .xls)",
                path.display()
            )));
        }
        rep.kind = "skipped".into();
        rep.skipped = Some("не таблица (ожидались .csv, .xlsx, .xls)".into());
        reports.push(rep);
        return Ok(());
    }
    let meta_len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if meta_len == 0 {
        return Err(data(format!(
            "{}: the file is empty; expected a table with a header row",
            path.display()
        )));
    }
    let mut frame = None;
    let forced = forced_kind(path, extra_scales, opts);
    let grids = if table::is_spreadsheet(path) {
        match sheets_read.remove(path) {
            Some(r) => r?,
            None => table::read_spreadsheet(path)?
                .into_iter()
                .map(|g| read_ahead(g, forced))
                .collect(),
        }
    } else {
        let (head, f) = csv_file::CsvFile::open(path, HEAD_ROWS)?;
        frame = Some(f);
        vec![ReadAhead {
            grid: head,
            pupils: None,
        }]
    };
    if grids.iter().all(|ra| {
        ra.pupils.is_none()
            && ra
                .grid
                .rows
                .iter()
                .all(|r| r.iter().all(|c| c.trim().is_empty()))
    }) {
        // a CSV that cannot be read is said first, as when it was read whole to be recognised
        if let Some(f) = &frame {
            f.frame()?;
        }
        return Err(data(format!(
            "{}: the file has no rows; expected a table with a header row",
            path.display()
        )));
    }
    // a CSV's first records, for the hint on a wrong encoding (`encoding_hint`)
    let grids_text = match &frame {
        Some(_) => grids[0]
            .grid
            .rows
            .iter()
            .flatten()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => String::new(),
    };
    let mut any = false;
    let mut skipped_sheets = Vec::new();
    let mut near = None;
    // the protocol sheets taken from this workbook, to pass over a copy of one (`same_protocol`)
    let mut protocols = Vec::new();
    // the first sheet that is a results table with no school key, and the columns it has
    let mut no_key = None;
    for ra in grids {
        let g = ra.grid;
        if let Some((h, pupils)) = ra.pupils {
            any = true;
            sheets.push(Sheet {
                grid: g,
                frame: None,
                header: h,
                kind: "pupils",
                path: path.to_path_buf(),
                pupils: Some(pupils),
            });
            continue;
        }
        match detect(&g, forced) {
            Some((h, Detected::Kind(k))) if !has_rows_below(&g, &h) => skipped_sheets.push((
                g.sheet.clone(),
                format!(
                    "{EMPTY_TABLE} (заголовок вида «{k}» в строке {}, под ним ничего): лист не загружен",
                    g.line_of(h.row)
                ),
            )),
            Some((h, Detected::Kind(protocol::KIND))) => {
                let why = same_protocol(path, explicit || forced.is_some(), opts, &g, &h, &mut protocols)?;
                match why {
                    Some(why) => skipped_sheets.push((g.sheet.clone(), why)),
                    None => {
                        any = true;
                        sheets.push(Sheet {
                            grid: g,
                            frame: frame.take(),
                            header: h,
                            kind: protocol::KIND,
                            path: path.to_path_buf(),
                            pupils: None,
                        });
                    }
                }
            }
            Some((h, Detected::Kind(k))) => {
                if k == "marks" {
                    if let Some(dup) = duplicated_mark(&h, g.line_of(h.row)) {
                        return Err(data(format!("{}: {dup}", sheet_of(path, &g.sheet))));
                    }
                }
                any = true;
                sheets.push(Sheet {
                    grid: g,
                    frame: frame.take(),
                    header: h,
                    kind: k,
                    path: path.to_path_buf(),
                    pupils: None,
                });
            }
            Some((h, Detected::Skip(why))) if why == NO_SCHOOL_KEY => {
                let read = detect::columns_read(&h);
                no_key.get_or_insert_with(|| (g.sheet.clone(), read.clone()));
                skipped_sheets.push((g.sheet.clone(), format!("{why}; прочитаны столбцы {read}")))
            }
            Some((_, Detected::Skip(why))) => {
                skipped_sheets.push((g.sheet.clone(), why.to_string()))
            }
            None => {
                if near.is_none() {
                    near = near_miss(&g);
                }
                skipped_sheets.push((g.sheet.clone(), UNRECOGNISED.to_string()))
            }
        }
    }
    // a CSV not loaded is read whole all the same: one that cannot be read is an error, as when
    // every CSV was read whole to be recognised
    if let Some(f) = &frame {
        f.frame()?;
    }
    if !any && (explicit || forced.is_some()) {
        if let Some((sheet, why)) = skipped_sheets
            .iter()
            .find(|(_, why)| why.starts_with(EMPTY_TABLE))
        {
            return Err(data(format!(
                "{}: a table header with no data rows below it ({why}); expected the table's rows under its header (is this an instruction or template sheet?)",
                sheet_of(path, sheet)
            )));
        }
    }
    if let Some((sheet, read)) = no_key.filter(|_| !any && (explicit || forced.is_some())) {
        return Err(data(format!(
            "{}: a results table with no school key: no login, school code («Код ОО») or school name column; read the columns {read}; expected results per school (an extract of a region's or a municipality's totals cannot be selected from)",
            sheet_of(path, &sheet)
        )));
    }
    for (sheet, why) in &skipped_sheets {
        let unknown = why.starts_with(UNRECOGNISED);
        if !any && unknown && (explicit || forced.is_some()) {
            let what = match (forced, &near) {
                (Some(k), _) => format!("no header of kind «{k}» found in the first 30 rows"),
                (None, Some(near)) => near.clone(),
                (None, None) => format!("unknown header layout: no known input kind matches the first 30 rows; {LOOKED_FOR} (see `shnor inspect --help` for the kinds; --kind forces one){}", encoding_hint(&grids_text)),
            };
            return Err(data(format!(
                "{}{}: {what}",
                path.display(),
                sheet
                    .as_ref()
                    .map(|s| format!(" [лист «{s}»]"))
                    .unwrap_or_default()
            )));
        }
        // every sheet not loaded has its line in the load report, also beside recognised sheets
        let mut r = rep.clone();
        r.sheet = sheet.clone();
        r.kind = "skipped".into();
        r.skipped = Some(if any && unknown {
            format!("{why}; остальные листы книги загружены")
        } else {
            why.clone()
        });
        reports.push(r);
    }
    Ok(())
}

/// A loaded sheet's header that has a caption twice (`detect::duplicated_columns`): a data error
/// when its loader read that column (which copy holds the data is unclear), else a counted warning
/// naming the row, the caption and the columns in `rep`.
pub(super) fn repeated_columns(s: &Sheet, rep: &mut InputReport) -> Result<()> {
    if let Some(e) = repeated_read(s) {
        return Err(e);
    }
    let (h, line) = (&s.header, s.grid.line_of(s.header.row));
    for r in detect::duplicated_columns(h, s.kind) {
        rep.warnings
            .add(WarningCode::ColumnRepeatedUnused, r.example(h, line));
    }
    Ok(())
}

/// The data error of the first caption a sheet's header gives twice on a column its loader read
/// (so far), naming the file, the sheet, the columns and the header.
pub(super) fn repeated_read(s: &Sheet) -> Option<anyhow::Error> {
    let (h, line) = (&s.header, s.grid.line_of(s.header.row));
    let r = detect::duplicated_columns(h, s.kind)
        .into_iter()
        .find(|r| r.read)?;
    let sheet = sheet_of(&s.path, &s.grid.sheet);
    Some(data(format!("{sheet}: {}", r.error(h, line))))
}

/// The hint added to an unknown CSV layout whose text looks decoded from the wrong 8-bit
/// encoding (`text::looks_misdecoded`); empty otherwise.
fn encoding_hint(text: &str) -> &'static str {
    if text::looks_misdecoded(text) {
        "; the text looks like another encoding (KOI8-R, CP866, ISO-8859-5?): expected UTF-8 or Windows-1251, re-save the file in one of them"
    } else {
        ""
    }
}

/// Why a school's protocol sheet is not loaded: its school is unknown (an error when the file is
/// named or forced, else skipped), or it holds the same pupils as a protocol sheet before it in the
/// workbook (the real form's `Протокол_2`); `None` when it loads. `taken` collects the loaded
/// sheets' names and pupils.
fn same_protocol(
    path: &Path,
    named: bool,
    opts: &Opts,
    g: &Grid,
    h: &Header,
    taken: &mut Vec<(String, Vec<[String; 4]>)>,
) -> Result<Option<String>> {
    if protocol::school_of(path, opts)?.is_none() {
        if named {
            return Err(data(protocol::no_school(path, &g.sheet)));
        }
        return Ok(Some(protocol::NO_SCHOOL_SKIP.to_string()));
    }
    let pupils = protocol::pupils_signature(g, h);
    if let Some((first, _)) = taken.iter().find(|(_, p)| *p == pupils) {
        return Ok(Some(format!(
            "тот же протокол, что на листе «{first}» (те же коды, варианты, баллы и отметки): лист не загружен"
        )));
    }
    let name = g.sheet.as_deref().unwrap_or_default().trim().to_string();
    taken.push((name, pupils));
    Ok(None)
}

/// Why a sheet matched no kind (empty sheets are not read at all: `table::read_spreadsheet`).
const UNRECOGNISED: &str = "не распознан заголовок";

/// Why a sheet whose header was recognised is not loaded: nothing below the header (an
/// instruction sheet with an example header, an empty template).
const EMPTY_TABLE: &str = "таблица без строк данных";

/// Whether some row below the header row `h.row` of `g` has a non-empty cell.
fn has_rows_below(g: &Grid, h: &Header) -> bool {
    g.rows
        .iter()
        .skip(h.row + 1)
        .any(|r| r.iter().any(|c| !c.trim().is_empty()))
}

/// `FILE` or `FILE [лист «SHEET»]`, for an error about one sheet.
fn sheet_of(path: &Path, sheet: &Option<String>) -> String {
    format!("{}{}", path.display(), in_sheet(sheet))
}

/// ` [лист «SHEET»]`, or nothing for a CSV.
pub(super) fn in_sheet(sheet: &Option<String>) -> String {
    sheet
        .as_ref()
        .map(|s| format!(" [лист «{s}»]"))
        .unwrap_or_default()
}
