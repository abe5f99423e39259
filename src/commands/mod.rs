//! One file per subcommand, each holding its clap `Args` and its `run` (the xsv/qsv habit); here the
//! argument groups they share — inputs, config, output — defined once, and the load pipeline every
//! command of the method starts with (config, then inputs).
pub mod compare;
pub mod completions;
pub mod config;
pub mod explain;
pub mod index;
pub mod inspect;
pub mod man;
pub mod monitor;
pub mod objectivity;
pub mod report;
pub mod resilient;
pub mod risk;
pub mod scales;
pub mod select;
pub mod sweep;
pub mod synth;

use crate::config::Config;
use crate::error::usage;
use crate::input::{self, Loaded, Opts};
use crate::model::domain::Assessment;
use crate::model::warning::in_words;
use crate::output::{self, Format, Table};
use anyhow::Result;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Inputs of every command that reads data: the paths and how to read them.
#[derive(clap::Args, Clone)]
pub struct InputArgs {
    /// Files or folders (searched recursively); inputs are recognised by their headers.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Force the input kind instead of detecting it (see `inspect --help`).
    #[arg(long)]
    pub kind: Option<String>,
    /// Extra primary-score → mark scales (CSV: year, grade, subject, max_score, then min3, min4, min5 or one `bands` cell «0–5 / 6–9 / 10–14 / 15–20», as `shnor scales --format csv` writes).
    #[arg(long)]
    pub scales: Vec<PathBuf>,
    /// Turn row-level data errors into skipped rows with a counted warning.
    #[arg(long)]
    pub lenient: bool,
    /// Year of files that do not say it (title, name or folders win; 2000 … 2099).
    #[arg(long = "file-year", value_parser = clap::value_parser!(i32).range(2000..=2099))]
    pub file_year: Option<i32>,
    /// Grade of files that do not say it (1 … 11).
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..=11))]
    pub grade: Option<i32>,
    /// Subject of files that do not say it (a name shnor knows: математика, русский язык, …).
    #[arg(long, value_parser = parse_subject)]
    pub subject: Option<String>,
    /// Assessment (ВПР, ОГЭ or ЕГЭ) of tables that do not say it in a column, their title or their name.
    #[arg(long)]
    pub assessment: Option<Assessment>,
    /// School (ФИС ОКО login, e.g. edu220001) of a school's own ВПР protocol, which has no school
    /// column; without it the login in the file or folder name (edu220001_4А.xlsx, edu220001/4А.xlsx)
    /// is used. A school's classes in several files are joined.
    #[arg(long, value_name = "LOGIN")]
    pub school: Option<String>,
}

impl InputArgs {
    /// Read and recognise every input. Checksums (sha256 of each file) are computed only for
    /// `format` JSON, the one output that shows them.
    ///
    /// Errors: a data error (exit 1) naming file, sheet, row and column; a usage error (exit 2)
    /// for a bad `--kind` or a missing path.
    pub fn load(&self, format: Format) -> Result<Loaded> {
        self.load_writing(format, None)
    }

    /// [`InputArgs::load`] without the inputs' checksums (each report's `sha256` left empty): for
    /// a command that hashes them itself, beside its work ([`crate::input::files::Checksums`]).
    pub fn load_unhashed(&self) -> Result<Loaded> {
        self.load_writing(Format::Table, None)
    }

    /// [`InputArgs::load`] for a command that writes `out`: a usage error (exit 2) when `out` is
    /// one of the inputs, before anything is read or written (inputs are never modified).
    pub fn load_writing(&self, format: Format, out: Option<&std::path::Path>) -> Result<Loaded> {
        if let Some(out) = out.and_then(|o| o.canonicalize().ok()) {
            for (p, _) in input::expand_paths(&self.paths)? {
                if p.canonicalize().is_ok_and(|p| p == out) {
                    return Err(crate::error::usage(format!(
                        "--out {}: this is one of the inputs; shnor never overwrites its inputs — write elsewhere",
                        p.display()
                    )));
                }
            }
        }
        if let Some(s) = self.school.as_deref() {
            if !input::text::looks_like_login(s) {
                return Err(usage(format!(
                    "--school {s}: not a ФИС ОКО school login; expected sch, edu, ksh or spo and six digits (edu220001)"
                )));
            }
        }
        let opts = Opts {
            lenient: self.lenient,
            kind: self.kind.clone(),
            scales: self.scales.clone(),
            year: self.file_year,
            grade: self.grade,
            subject: self.subject.clone(),
            assessment: self.assessment.map(|a| a.label().to_string()),
            school: self.school.clone(),
            skip_checksums: format != Format::Json,
        };
        input::load_paths(&self.paths, &opts)
    }
}

/// The config file of every command of the method.
#[derive(clap::Args, Clone)]
pub struct ConfigArgs {
    /// TOML config (see `shnor config --print-default`); missing keys keep their defaults.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl ConfigArgs {
    /// The config file merged over the defaults (`src/config_default.toml`); without `--config`,
    /// the defaults. Errors: a usage error naming the key for a bad file.
    pub fn load(&self) -> Result<Config> {
        Config::load(self.config.as_deref())
    }
}

/// Output of every command that prints results: the format and where it goes.
#[derive(clap::Args, Clone)]
pub struct OutputArgs {
    /// Output format (`--excel` or `--csv-dialect excel` imply csv).
    #[arg(
        long,
        value_enum,
        default_value = "table",
        default_value_ifs = [("excel", clap::builder::ArgPredicate::IsPresent, Some("csv")), ("csv_dialect", "excel".into(), Some("csv"))]
    )]
    pub format: Format,
    /// Write here (atomically) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// CSV for scripts (rfc4180: `,`, `.` decimals) or for Russian Excel (excel: BOM, `;`, decimal comma).
    #[arg(long, value_enum, default_value = "rfc4180")]
    pub csv_dialect: output::CsvDialect,
    /// Same as `--csv-dialect excel`; either implies `--format csv`.
    #[arg(long)]
    pub excel: bool,
}

impl OutputArgs {
    /// Write `text` to `--out` (atomically) or standard output.
    pub fn emit(&self, text: &str) -> Result<()> {
        output::emit(text, self.out.as_deref())
    }

    /// Usage error (exit 2) when the Excel dialect is asked for with a format other than CSV
    /// (`--excel` and `--csv-dialect excel` imply `--format csv`; an explicit other format would
    /// silently ignore them), or when `--out` cannot be written ([`output::check_out`]): checked
    /// before the work, not after it.
    pub fn check(&self) -> Result<()> {
        if self.dialect() == output::CsvDialect::Excel && self.format != Format::Csv {
            return Err(crate::error::usage(format!(
                "--excel (--csv-dialect excel) writes CSV for Excel; it cannot go with --format {}",
                clap::ValueEnum::to_possible_value(&self.format)
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default()
            )));
        }
        match &self.out {
            Some(out) => output::check_out(out),
            None => Ok(()),
        }
    }

    /// The CSV dialect chosen (`--excel` wins).
    pub fn dialect(&self) -> output::CsvDialect {
        if self.excel {
            output::CsvDialect::Excel
        } else {
            self.csv_dialect
        }
    }

    /// Render `tables` (table, md, csv) or `json` in the chosen format and write it.
    pub fn write(&self, tables: &[Table], json: &Value) -> Result<()> {
        self.check()?;
        self.emit(&output::render_in(
            self.format,
            self.dialect(),
            tables,
            json,
        )?)
    }
}

/// Inputs, config and output of every command that runs the method.
#[derive(clap::Args, Clone)]
pub struct DataArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl DataArgs {
    /// The pipeline every command of the method starts with: the config, then the inputs.
    pub fn load(&self) -> Result<(Config, Loaded)> {
        let cfg = self.config.load()?;
        let loaded = self.load_inputs()?;
        Ok((cfg, loaded))
    }

    /// The inputs alone, read for this command's output format.
    pub fn load_inputs(&self) -> Result<Loaded> {
        self.output.check()?;
        self.inputs
            .load_writing(self.output.format, self.output.out.as_deref())
    }

    /// The `--format` chosen.
    pub fn format(&self) -> Format {
        self.output.format
    }

    /// [`OutputArgs::write`] with `loaded`'s load warnings added ([`with_load_warnings`]): as
    /// notes under the last table, and in JSON under `load_warnings`.
    pub fn write(&self, loaded: &Loaded, mut tables: Vec<Table>, mut json: Value) -> Result<()> {
        with_load_warnings(loaded, &mut tables, &mut json);
        self.output.write(&tables, &json)
    }
}

/// How many inputs' load warnings the notes name one by one; the rest are counted.
const LOAD_NOTE_INPUTS: usize = 5;

/// The load warnings for people, one note each: the dataset's («Загрузка: …», from identity,
/// finalisation and context years), then each input's with its file and sheet («Загрузка,
/// FILE: …», in path order; after [`LOAD_NOTE_INPUTS`] inputs the rest counted, `shnor inspect`
/// lists them). Each note is a summary: every warning's count and first examples. Empty when the
/// load warned of nothing.
pub fn load_notes(l: &Loaded) -> Vec<String> {
    let mut notes = Vec::new();
    if !l.warnings.is_empty() {
        notes.push(format!("Загрузка: {}", in_words(&l.warnings.summary())));
    }
    let warned = warned_inputs(l);
    for r in warned.iter().take(LOAD_NOTE_INPUTS) {
        notes.push(format!(
            "Загрузка, {}: {}",
            input_label(r),
            in_words(&r.warnings.summary())
        ));
    }
    if warned.len() > LOAD_NOTE_INPUTS {
        use crate::output::words::plural;
        let rest = &warned[LOAD_NOTE_INPUTS..];
        let cases = rest.iter().map(|r| r.warnings.total()).sum::<usize>();
        notes.push(format!(
            "Загрузка: ещё {} {} с предупреждениями ({} {}) — полностью в shnor inspect",
            rest.len(),
            plural(rest.len() as u64, ["вход", "входа", "входов"]),
            cases,
            plural(cases as u64, ["случай", "случая", "случаев"])
        ));
    }
    notes
}

/// The `load_warnings` object of every JSON output (docs/JSON.md), `None` when the load warned of
/// nothing: `{dataset: {warning: {count, examples}}, inputs: [{path, sheet, warnings}]}` — the
/// dataset's warnings and each warned input's, inputs in path and sheet order.
pub fn load_warnings_json(l: &Loaded) -> Option<Value> {
    let warned = warned_inputs(l);
    if l.warnings.is_empty() && warned.is_empty() {
        return None;
    }
    let inputs: Vec<Value> = warned
        .iter()
        .map(|r| json!({"path": r.path, "sheet": r.sheet, "warnings": r.warnings}))
        .collect();
    Some(json!({"dataset": l.warnings, "inputs": inputs}))
}

/// Add the load warnings to a command's output: [`load_notes`] after the last table's notes, and
/// [`load_warnings_json`] as the JSON object's last key `load_warnings` (no key when there are none).
pub fn with_load_warnings(l: &Loaded, tables: &mut [Table], json: &mut Value) {
    if let Some(t) = tables.last_mut() {
        t.notes.extend(load_notes(l));
    }
    if let (Some(w), Some(obj)) = (load_warnings_json(l), json.as_object_mut()) {
        obj.insert("load_warnings".into(), w);
    }
}

/// The inputs read (skipped files left out) that warned of something, by path and sheet.
fn warned_inputs(l: &Loaded) -> Vec<&input::report::InputReport> {
    let mut v: Vec<_> = l
        .reports
        .iter()
        .filter(|r| r.skipped.is_none() && !r.warnings.is_empty())
        .collect();
    v.sort_by(|a, b| (&a.path, &a.sheet).cmp(&(&b.path, &b.sheet)));
    v
}

/// An input as the notes name it: its path, and its sheet when it is one of a workbook's.
fn input_label(r: &input::report::InputReport) -> String {
    match &r.sheet {
        Some(s) => format!("{}, лист «{s}»", r.path),
        None => r.path.clone(),
    }
}

/// The selection year (`select::resolve_year`: `--year`, the config, else the latest year with
/// results), with the context tables' values of that year laid over the schools
/// (`model::context_years::use_year`), so that the index, resilience and deficit read that year.
/// A `--year` is written into `cfg` (`selection.year`): the config the outputs record and hash is
/// the one the run used (fresh-eyes run 14: JSON said «latest» under `--year 2024`).
///
/// Errors: as `resolve_year` (no results; a year absent from them).
pub fn selection_year(loaded: &mut Loaded, cfg: &mut Config, year: Option<i32>) -> Result<i32> {
    let y = crate::method::select::resolve_year(&loaded.data, cfg, year)
        .map_err(|e| with_inputs_read(e, loaded))?;
    if year.is_some() {
        cfg.selection.year = crate::config::SelectionYear::Year(y);
    }
    crate::model::context_years::use_year(&mut loaded.data, Some(y), &mut loaded.warnings)?;
    Ok(y)
}

/// The error «no results in the inputs» with, one line each, the inputs read and what each was
/// read as (`inspect`'s «Вид», the reason of one skipped); any other error as it is.
fn with_inputs_read(e: anyhow::Error, loaded: &Loaded) -> anyhow::Error {
    if !loaded.data.result_years().is_empty() || loaded.reports.is_empty() {
        return e;
    }
    let lines: Vec<String> = loaded
        .reports
        .iter()
        .map(|r| {
            let why = r
                .skipped
                .as_ref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            format!(
                "  {}: {}{why}",
                input_label(r),
                crate::output::words::input_kind(&r.kind)
            )
        })
        .collect();
    crate::error::data(format!(
        "{e}; the inputs were read as:\n{}",
        lines.join("\n")
    ))
}

/// The `inputs` array of every JSON output: path, sheet, sha256, kind and rows of each input that was
/// read (skipped files left out), sorted by path and sheet.
pub fn inputs_json(l: &Loaded) -> Value {
    let mut v: Vec<Value> = l
        .reports
        .iter()
        .filter(|r| r.skipped.is_none())
        .map(|r| json!({"path": r.path, "sheet": r.sheet, "sha256": r.sha256, "kind": r.kind, "rows": r.rows}))
        .collect();
    v.sort_by(|a, b| {
        (a["path"].as_str(), a["sheet"].as_str()).cmp(&(b["path"].as_str(), b["sheet"].as_str()))
    });
    Value::Array(v)
}

/// Years as a reader writes them in a message: «2024, 2025», or «no year» for none.
pub fn years_in_words<'a>(years: impl IntoIterator<Item = &'a i32>) -> String {
    let list: Vec<String> = years.into_iter().map(i32::to_string).collect();
    match list.is_empty() {
        true => "no year".to_string(),
        false => list.join(", "),
    }
}

/// A `--subject` argument, as given, when `input::text::subject` knows it (fresh-eyes run 15: an
/// unknown one, «матем», was dropped and the load failed later as a data error, exit 1).
///
/// Errors: a usage error (exit 2, clap's) listing the subjects shnor knows.
fn parse_subject(s: &str) -> std::result::Result<String, String> {
    match crate::input::text::subject(s) {
        Some(_) => Ok(s.to_string()),
        None => Err(format!(
            "not a subject shnor knows; known: {}",
            crate::input::text::subject_names().join(", ")
        )),
    }
}

/// A `--years` argument: one year or a range `Y1-Y2`, both within 2000–2099, as (first, last).
///
/// Errors: a usage error (exit 2) saying what was expected.
pub fn parse_years(s: &str) -> Result<(i32, i32)> {
    let bad = || {
        usage(format!(
            "--years {s}: expected a year or a range like 2023-2025"
        ))
    };
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        ),
        None => {
            let y = s.trim().parse().map_err(|_| bad())?;
            (y, y)
        }
    };
    if !(2000..2100).contains(&a) || !(2000..2100).contains(&b) {
        return Err(usage(format!(
            "--years {s}: expected years within 2000–2099"
        )));
    }
    if b < a {
        // fresh-eyes run 14: «2025-2023» was told only «expected a year or a range»
        return Err(usage(format!(
            "--years {s}: the range starts after it ends; write it from the earlier year ({b}-{a})"
        )));
    }
    Ok((a, b))
}

/// Hand over what a command loaded when the process is about to end: freeing a national dataset
/// object by object takes longer than the system takes to drop the whole address space.
pub fn at_exit<T>(big: T) {
    std::mem::forget(big);
}

#[cfg(test)]
mod tests {
    use super::parse_years;

    #[test]
    fn years_one_or_a_range() {
        assert_eq!(parse_years("2024").unwrap(), (2024, 2024));
        assert_eq!(parse_years("2023-2025").unwrap(), (2023, 2025));
        assert_eq!(parse_years(" 2023 - 2025 ").unwrap(), (2023, 2025));
    }

    #[test]
    fn years_out_of_order_or_range_are_usage_errors() {
        for bad in ["2025-2023", "1999", "2023-2100", "x", "2023-"] {
            let e = parse_years(bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&e), 2, "{bad}");
        }
        // fresh-eyes run 14: a reversed range says so
        let e = parse_years("2025-2023").unwrap_err().to_string();
        assert!(
            e.contains("starts after it ends") && e.contains("2023-2025"),
            "{e}"
        );
    }
}
