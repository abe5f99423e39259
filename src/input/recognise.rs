//! Recognising inputs: each file's sheets become `Sheet`s of a kind (by their headers, or `--kind`),
//! or a skipped-file report saying why. Spreadsheets are read ahead in parallel
//! (`read_spreadsheets`); a per-pupil sheet is read to its pupils at once.
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
/// Steps: a file that is no table is skipped ([`not_a_table`]); an empty or blank one is an error
/// when named, else skipped ([`empty::empty_file`]); each sheet is detected ([`Seen::take`]); a named
/// file of which nothing loads is an error ([`Seen::nothing_loaded`]); every sheet not loaded gets
/// its line in the load report ([`Seen::report_skipped`]).
///
/// Errors: a file named on the command line (`explicit`) or forced by `--kind` that is not a table
/// or matches no kind (usage / data); an empty file named so (data).
pub(super) fn recognise(
    path: &Path,
    explicit: bool,
    extra_scales: &[PathBuf],
    opts: &Opts,
    found: &mut Recognised,
) -> Result<()> {
    let rep = InputReport {
        path: path.display().to_string(),
        ..Default::default()
    };
    if !table::is_tabular(path) {
        return not_a_table(path, explicit, rep, found.reports);
    }
    let forced = forced_kind(path, extra_scales, opts);
    let named = explicit || forced.is_some();
    if empty::is_zero_bytes(path) {
        return empty::empty_file(path, named, empty::Empty::ZeroBytes, rep, found.reports);
    }
    let (grids, mut frame) = read_grids(path, forced, found.sheets_read)?;
    if is_blank(&grids, frame.as_ref())? {
        return empty::empty_file(path, named, empty::Empty::NoRows, rep, found.reports);
    }
    let head_text = csv_head_text(&grids, frame.as_ref());
    let mut seen = Seen::new(path, named, forced, opts);
    for ra in grids {
        seen.take(ra, &mut frame, found.sheets)?;
    }
    // a CSV not loaded is read whole all the same: one that cannot be read is an error, as when
    // every CSV was read whole to be recognised
    if let Some(f) = &frame {
        f.frame()?;
    }
    if !seen.any && seen.named {
        if let Some(e) = seen.nothing_loaded(&head_text) {
            return Err(e);
        }
    }
    if !seen.any {
        other_encoding(path, &head_text)?;
    }
    seen.report_skipped(&rep, found.reports);
    Ok(())
}

/// A file that is not a CSV or spreadsheet: a usage error when named on the command line
/// (`explicit`), else a skipped line in `reports`.
fn not_a_table(
    path: &Path,
    explicit: bool,
    mut rep: InputReport,
    reports: &mut Vec<InputReport>,
) -> Result<()> {
    if explicit {
        return Err(usage(format!(
            "{}: not a CSV or spreadsheet file (expected .csv, .txt, .tsv, .xlsx or .xls)",
            path.display()
        )));
    }
    rep.kind = "skipped".into();
    rep.skipped = Some("не таблица (ожидались .csv, .xlsx, .xls)".into());
    reports.push(rep);
    Ok(())
}

/// Whether every sheet (or the CSV's first records) is blank: no pupil rows read ahead and no cell
/// that is not blank.
///
/// Errors (data): a CSV whose start is blank and that cannot be read whole.
fn is_blank(grids: &[ReadAhead], frame: Option<&csv_file::CsvFile>) -> Result<bool> {
    let blank = grids.iter().all(|ra| {
        ra.pupils.is_none()
            && ra
                .grid
                .rows
                .iter()
                .all(|r| r.iter().all(|c| c.trim().is_empty()))
    });
    if let Some(f) = frame.filter(|_| blank) {
        f.frame()?;
    }
    Ok(blank)
}

/// The sheets of `path` to detect: a spreadsheet's sheets (read ahead, or read now), or a CSV's
/// first [`HEAD_ROWS`] records with the CSV itself (its text frame, read when asked).
fn read_grids(
    path: &Path,
    forced: Option<&str>,
    sheets_read: &mut std::collections::HashMap<PathBuf, Result<Vec<ReadAhead>>>,
) -> Result<(Vec<ReadAhead>, Option<csv_file::CsvFile>)> {
    if table::is_spreadsheet(path) {
        let grids = match sheets_read.remove(path) {
            Some(r) => r?,
            None => table::read_spreadsheet(path)?
                .into_iter()
                .map(|g| read_ahead(g, forced))
                .collect(),
        };
        return Ok((grids, None));
    }
    let (head, f) = csv_file::CsvFile::open(path, HEAD_ROWS)?;
    let grids = vec![ReadAhead {
        grid: head,
        pupils: None,
    }];
    Ok((grids, Some(f)))
}

/// A CSV's first records as one text, for the hint on a wrong encoding (`encoding_hint`); empty
/// for a spreadsheet.
fn csv_head_text(grids: &[ReadAhead], frame: Option<&csv_file::CsvFile>) -> String {
    match frame {
        Some(_) => grids[0]
            .grid
            .rows
            .iter()
            .flatten()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => String::new(),
    }
}

/// What the sheets of one file came to, sheet by sheet (`Seen::take`).
struct Seen<'a> {
    /// The file.
    path: &'a Path,
    /// Whether the file is named on the command line or forced by `--kind` (then what does not
    /// load is an error, not a skipped line).
    named: bool,
    /// The kind the file is forced to (`forced_kind`).
    forced: Option<&'a str>,
    opts: &'a Opts,
    /// Whether some sheet was recognised and taken.
    any: bool,
    /// The sheets not loaded and why, in the file's order.
    skipped: Vec<(Option<String>, String)>,
    /// The first unrecognised sheet's near miss (`detect::near_miss`).
    near: Option<String>,
    /// The protocol sheets taken from this workbook, to pass over a copy of one (`same_protocol`).
    protocols: Vec<(String, Vec<[String; 4]>)>,
    /// The first sheet that is a results table with no school key, and the columns it has.
    no_key: Option<(Option<String>, String)>,
    /// The first sheet with a header and nothing below it: the sheet, the header's kind and line.
    empty: Option<(Option<String>, &'static str, usize)>,
}

/// A recognised sheet of `path`.
fn sheet_of_kind(
    grid: Grid,
    frame: Option<csv_file::CsvFile>,
    header: Header,
    kind: &'static str,
    path: &Path,
    pupils: Option<Box<pupil::PupilFile>>,
) -> Sheet {
    Sheet {
        grid,
        frame,
        header,
        kind,
        path: path.to_path_buf(),
        pupils,
    }
}

impl<'a> Seen<'a> {
    /// Nothing seen yet of the file `path`.
    fn new(path: &'a Path, named: bool, forced: Option<&'a str>, opts: &'a Opts) -> Self {
        Seen {
            path,
            named,
            forced,
            opts,
            any: false,
            skipped: Vec::new(),
            near: None,
            protocols: Vec::new(),
            no_key: None,
            empty: None,
        }
    }

    /// Detect one sheet read ahead (`ra`) and push it to `sheets` (a CSV's `frame` goes with it),
    /// or note why it is skipped.
    ///
    /// Errors: a marks table with a mark column twice (data); a protocol of an unknown school in a
    /// named file (data).
    fn take(
        &mut self,
        ra: ReadAhead,
        frame: &mut Option<csv_file::CsvFile>,
        sheets: &mut Vec<Sheet>,
    ) -> Result<()> {
        let (path, named, forced, opts) = (self.path, self.named, self.forced, self.opts);
        let g = ra.grid;
        if let Some((h, pupils)) = ra.pupils {
            self.any = true;
            sheets.push(sheet_of_kind(g, None, h, "pupils", path, Some(pupils)));
            return Ok(());
        }
        match detect(&g, forced) {
            Some((h, Detected::Kind(k))) if !has_rows_below(&g, &h) => {
                let line = g.line_of(h.row);
                self.empty.get_or_insert_with(|| (g.sheet.clone(), k, line));
                self.skipped.push((
                    g.sheet.clone(),
                    format!(
                        "{EMPTY_TABLE} (заголовок вида «{k}» в строке {line}, под ним ничего): лист не загружен"
                    ),
                ))
            }
            Some((h, Detected::Kind(protocol::KIND))) => {
                match same_protocol(path, named, opts, &g, &h, &mut self.protocols)? {
                    Some(why) => self.skipped.push((g.sheet.clone(), why)),
                    None => {
                        self.any = true;
                        sheets.push(sheet_of_kind(
                            g,
                            frame.take(),
                            h,
                            protocol::KIND,
                            path,
                            None,
                        ));
                    }
                }
            }
            Some((h, Detected::Kind(k))) => {
                if k == "marks" {
                    if let Some(dup) = duplicated_mark(&h, g.line_of(h.row)) {
                        return Err(data(format!("{}: {dup}", sheet_of(path, &g.sheet))));
                    }
                }
                self.any = true;
                sheets.push(sheet_of_kind(g, frame.take(), h, k, path, None));
            }
            Some((h, Detected::Skip(why))) if why == NO_SCHOOL_KEY => {
                let read = detect::columns_read(&h);
                self.no_key
                    .get_or_insert_with(|| (g.sheet.clone(), read.clone()));
                self.skipped
                    .push((g.sheet.clone(), format!("{why}; прочитаны столбцы {read}")))
            }
            Some((_, Detected::Skip(why))) => self.skipped.push((g.sheet.clone(), why.to_string())),
            None => {
                if self.near.is_none() {
                    self.near = near_miss(&g);
                }
                self.skipped
                    .push((g.sheet.clone(), UNRECOGNISED.to_string()))
            }
        }
        Ok(())
    }

    /// The data error for a named file of which no sheet loaded, the first that applies: a header
    /// with no rows below it, a results table with no school key, a sheet whose header matched no
    /// kind (with `forced`, the near miss, or what was looked for and the encoding hint on
    /// `head_text`). `None` when every sheet was skipped for another reason.
    fn nothing_loaded(&self, head_text: &str) -> Option<anyhow::Error> {
        let (path, forced) = (self.path, self.forced);
        if let Some((sheet, kind, line)) = &self.empty {
            return Some(data(format!(
                "{}: a table header with no data rows below it (a header of kind «{kind}» on row {line}, nothing below; the sheet is not loaded); expected the table's rows under its header (is this an instruction or template sheet?)",
                sheet_of(path, sheet)
            )));
        }
        if let Some((sheet, read)) = &self.no_key {
            return Some(data(format!(
                "{}: a results table with no school key: no login, school code («Код ОО») or school name column; read the columns {read}; expected results per school (an extract of a region's or a municipality's totals cannot be selected from)",
                sheet_of(path, sheet)
            )));
        }
        let (sheet, _) = self
            .skipped
            .iter()
            .find(|(_, why)| why.starts_with(UNRECOGNISED))?;
        let what = match (forced, &self.near) {
            (Some(k), _) => format!("no header of kind «{k}» found in the first 30 rows"),
            (None, Some(near)) => near.clone(),
            (None, None) => format!("unknown header layout: no known input kind matches the first 30 rows; {LOOKED_FOR} (see `shnor inspect --help` for the kinds; --kind forces one){}", encoding_hint(head_text)),
        };
        Some(data(format!("{}: {what}", sheet_of(path, sheet))))
    }

    /// Every sheet not loaded gets its line in the load report (a copy of `rep`), also beside
    /// recognised sheets.
    fn report_skipped(self, rep: &InputReport, reports: &mut Vec<InputReport>) {
        for (sheet, why) in self.skipped {
            let unknown = why.starts_with(UNRECOGNISED);
            let mut r = rep.clone();
            r.sheet = sheet;
            r.kind = "skipped".into();
            r.skipped = Some(if self.any && unknown {
                format!("{why}; остальные листы книги загружены")
            } else {
                why
            });
            reports.push(r);
        }
    }
}

/// A spreadsheet's sheet read ahead: its grid, or for a per-pupil sheet its header and pupils with
/// the grid cut after the header row.
pub(super) struct ReadAhead {
    grid: Grid,
    pupils: Option<(Header, Box<pupil::PupilFile>)>,
}

/// Every sheet of each non-empty spreadsheet among `files`, read in parallel (rayon); a per-pupil
/// sheet is read to its pupils at once and its cells dropped, so the memory held is that of the
/// files being read, not of the folder (docs/PERFORMANCE.md).
pub(super) fn read_spreadsheets(
    files: &[(PathBuf, bool)],
    extra_scales: &[PathBuf],
    opts: &Opts,
) -> std::collections::HashMap<PathBuf, Result<Vec<ReadAhead>>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            table::is_spreadsheet(p) && std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false)
        })
        .map(|p| {
            let forced = forced_kind(p, extra_scales, opts);
            let read = sheet_rows::read_spreadsheet_rows(p, |head| stream_pupils(head, forced))
                .map(|gs| {
                    gs.into_iter()
                        .map(|(g, rows)| match rows {
                            Some(rows) => streamed(g, rows),
                            None => read_ahead(g, forced),
                        })
                        .collect()
                });
            (p.clone(), read)
        })
        .collect()
}

/// The kind a file is forced to: `scales` for a `--scales` file, else `--kind`.
fn forced_kind<'a>(path: &Path, extra_scales: &[PathBuf], opts: &'a Opts) -> Option<&'a str> {
    if extra_scales.iter().any(|s| s == path) {
        Some("scales")
    } else {
        opts.kind.as_deref()
    }
}

/// A sheet as read ahead: a per-pupil sheet becomes its pupils (`pupil::read`) and its header.
fn read_ahead(mut grid: Grid, forced: Option<&str>) -> ReadAhead {
    match detect(&grid, forced) {
        Some((h, Detected::Kind("pupils"))) => {
            let pupils = Box::new(pupil::read(&grid, &h));
            grid.rows.truncate(h.row + 1);
            grid.rows.shrink_to_fit();
            ReadAhead {
                grid,
                pupils: Some((h, pupils)),
            }
        }
        _ => ReadAhead { grid, pupils: None },
    }
}

/// The reader of a sheet's pupils row by row when the first rows of an xlsx sheet (`head`, see
/// `sheet_rows::read_spreadsheet_rows`) show a per-pupil sheet, and detection on them is detection on
/// the whole sheet: a header row is looked for in the first 30 rows, and what decides a kind lies at
/// most 12 rows below a candidate header or in its first 5 non-empty rows below (a codebook).
fn stream_pupils(head: &Grid, forced: Option<&str>) -> Option<pupil::PupilRows<'static>> {
    let (h, kind) = detect(head, forced)?;
    let filled_below = head.rows[h.row + 1..]
        .iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .count();
    let whole = head.rows.len() < sheet_rows::HEAD_ROWS;
    let decides = whole || (h.row + 13 <= head.rows.len() && filled_below >= 5);
    (kind == Detected::Kind("pupils") && decides).then(|| pupil::PupilRows::pupils(h))
}

/// A per-pupil sheet read row by row: its pupils, and its grid cut after the header row (as
/// `read_ahead` leaves it).
fn streamed(mut grid: Grid, rows: pupil::PupilRows<'static>) -> ReadAhead {
    let h = rows.header().clone();
    let pupils = Box::new(rows.finish(&grid));
    grid.rows.truncate(h.row + 1);
    grid.rows.shrink_to_fit();
    ReadAhead {
        grid,
        pupils: Some((h, pupils)),
    }
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

/// A CSV found in a folder that loaded nothing but whose header has known captions when read in
/// another 8-bit encoding (`text::read_as_other_encoding`): a data error, not a skipped file — it
/// holds an input's rows that would otherwise be left out of every figure with one warning.
///
/// Errors (data): such a file, naming it and the encoding.
fn other_encoding(path: &Path, head_text: &str) -> Result<()> {
    match text::read_as_other_encoding(head_text) {
        Some(name) => Err(data(format!(
            "{}: the file seems to be in {name} (read that way its header has known captions): expected UTF-8 or Windows-1251, re-save the file in one of them (a table shnor cannot read is not skipped, so that its rows are not left out of the figures)",
            path.display()
        ))),
        None => Ok(()),
    }
}

/// The hint added to an unknown CSV layout whose text looks decoded from the wrong 8-bit
/// encoding (`text::looks_misdecoded`); empty otherwise.
fn encoding_hint(text: &str) -> String {
    if let Some(name) = text::read_as_other_encoding(text) {
        return format!(
            "; the file seems to be in {name} (read that way its header has known captions): expected UTF-8 or Windows-1251, re-save the file in one of them"
        );
    }
    if text::looks_misdecoded(text) {
        "; the text looks like another encoding (KOI8-R, CP866, ISO-8859-5?): expected UTF-8 or Windows-1251, re-save the file in one of them".into()
    } else {
        String::new()
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
/// The skip reason of a sheet whose header matched no kind (`InputReport::skipped` starts with it;
/// «; остальные листы книги загружены» follows it when other sheets of the workbook loaded).
pub(super) const UNRECOGNISED: &str = "не распознан заголовок";

/// Why a sheet whose header was recognised is not loaded: nothing below the header (an
/// instruction sheet with an example header, an empty template).
pub(super) const EMPTY_TABLE: &str = "таблица без строк данных";

/// Whether some row below the header row `h.row` of `g` has a non-empty cell.
fn has_rows_below(g: &Grid, h: &Header) -> bool {
    g.rows
        .iter()
        .skip(h.row + 1)
        .any(|r| r.iter().any(|c| !c.trim().is_empty()))
}

/// `FILE` or `FILE [лист «SHEET»]`, for an error about one sheet.
fn sheet_of(path: &Path, sheet: &Option<String>) -> String {
    super::table::place(&path.display().to_string(), sheet)
}

/// ` [лист «SHEET»]`, or nothing for a CSV.
pub(super) fn in_sheet(sheet: &Option<String>) -> String {
    sheet
        .as_ref()
        .map(|s| format!(" [лист «{s}»]"))
        .unwrap_or_default()
}

/// The error for inputs in which nothing was recognised: what was skipped and what was looked for
/// (for a folder with no file at all, only that: the header catalogue would not help).
pub(super) fn no_input(paths: &[PathBuf], reports: &[InputReport]) -> anyhow::Error {
    let shown = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if reports.is_empty() {
        return data(format!(
            "no input recognised in {shown}: no file found; expected .csv, .xlsx or .xls exports in it"
        ));
    }
    let skipped: Vec<String> = reports
        .iter()
        .take(5)
        .map(|r| {
            // fresh-eyes run 15: two sheets of one workbook read as the file named twice
            let sheet = r
                .sheet
                .as_deref()
                .map(|s| format!(" [лист «{s}»]"))
                .unwrap_or_default();
            let why = r.skipped.as_deref().unwrap_or("?");
            format!("{}{sheet} ({why})", r.path)
        })
        .collect();
    data(format!(
        "no input recognised in {shown}: {} file(s) or sheet(s) skipped, e.g. {}; {LOOKED_FOR}",
        reports.len(),
        skipped.join("; ")
    ))
}
