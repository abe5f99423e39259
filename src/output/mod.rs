//! Rendering: terminal tables, CSV, Markdown and JSON; atomic file writes. Never computes figures.
use crate::error::internal;
use anyhow::Result;
use clap::ValueEnum;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table as Comfy};
use std::io::Write;
use std::path::Path;

pub mod cell;
mod charts;
pub mod folder;
pub mod html;
pub mod words;
pub mod xlsx;
pub use cell::{formula_like, neutralise, Cell, CsvDialect};

// The `--format` of every command that prints results: a terminal table, CSV (the first table only),
// JSON (the command's contract, docs/JSON.md) or Markdown. Plain comments here: doc comments on a
// value enum would change `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Md,
}

/// A rectangular table of typed cells ([`Cell`]) with Russian column labels: people see each cell's
/// display, CSV and XLSX its values (a cell of several values spans several data columns).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table with these column labels.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    /// Every row has one cell per column, and each column the same data columns in every row.
    /// Errors: internal (exit 3) naming the table and the row — a command that built it wrong,
    /// never the input data.
    pub fn check(&self) -> Result<()> {
        let title = self.title.as_deref().unwrap_or("");
        if let Some(i) = self.rows.iter().position(|r| r.len() != self.headers.len()) {
            return Err(internal(format!(
                "table «{title}»: row {} has {} cells for {} columns",
                i + 1,
                self.rows[i].len(),
                self.headers.len()
            )));
        }
        let headers = self.data_headers();
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| data_width(r) != headers.len())
        {
            return Err(internal(format!(
                "table «{title}»: row {} has {} data cells for {} data columns",
                i + 1,
                data_width(&self.rows[i]),
                headers.len()
            )));
        }
        Ok(())
    }

    /// The column labels of the data (CSV, XLSX): each column's label, without the percent mark
    /// for shares written as fractions, and one label per part of a cell of several values (taken
    /// from the first row; the plain labels when there is none).
    pub fn data_headers(&self) -> Vec<String> {
        let Some(first) = self.rows.first() else {
            return self.headers.clone();
        };
        self.headers
            .iter()
            .zip(first)
            .flat_map(|(h, c)| {
                c.leaves()
                    .into_iter()
                    .map(|(suffix, leaf)| cell::part_label(h, suffix, leaf.is_share()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// One row's values as data, one per data column (see [`Table::data_headers`]).
    pub fn data_row(row: &[Cell]) -> Vec<&Cell> {
        row.iter()
            .flat_map(|c| c.leaves().into_iter().map(|(_, l)| l))
            .collect()
    }

    /// Title, a box-drawn table and the notes, one per line, for a terminal.
    pub fn terminal(&self) -> String {
        let mut t = Comfy::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(self.headers.clone());
        for r in &self.rows {
            t.add_row(r.iter().map(Cell::human).collect::<Vec<_>>());
        }
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(title);
            out.push('\n');
        }
        out.push_str(&t.to_string());
        out.push('\n');
        for n in &self.notes {
            out.push_str(n);
            out.push('\n');
        }
        out
    }

    /// The data as CSV in `dialect` (RFC 4180: `,`, `.` decimals; Excel: BOM, `;`, decimal
    /// comma), quoted where needed, one value per cell, shares as fractions, text neutralised
    /// against formulas ([`neutralise`]); no title or notes.
    pub fn csv(&self, dialect: CsvDialect) -> Result<String> {
        Ok(String::from_utf8(self.csv_bytes(dialect)?)?)
    }

    /// [`Table::csv`] as the file's bytes (UTF-8), each field written through one buffer.
    pub fn csv_bytes(&self, dialect: CsvDialect) -> Result<Vec<u8>> {
        let mut b = csv::WriterBuilder::new();
        if dialect == CsvDialect::Excel {
            b.delimiter(b';');
        }
        let start = match dialect {
            CsvDialect::Rfc4180 => Vec::new(),
            CsvDialect::Excel => "\u{feff}".as_bytes().to_vec(),
        };
        let mut w = b.from_writer(start);
        w.write_record(self.data_headers())?;
        let mut field = String::new();
        for r in &self.rows {
            for c in r {
                c.for_each_leaf(&mut |leaf| {
                    field.clear();
                    leaf.push_data_text(dialect, &mut field);
                    w.write_field(&field)
                })?;
            }
            w.write_record(None::<&[u8]>)?;
        }
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Title as `##`, a pipe table (`|` escaped, line breaks as spaces) and the notes.
    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(&format!("## {}\n\n", esc(title)));
        }
        out.push_str(&format!(
            "| {} |\n",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        out.push_str(&format!("|{}\n", "---|".repeat(self.headers.len())));
        for r in &self.rows {
            out.push_str(&format!(
                "| {} |\n",
                r.iter()
                    .map(|c| esc(&c.human()))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for n in &self.notes {
                out.push_str(&format!("{}\n", esc(n)));
            }
        }
        out
    }
}

/// The data width of a row: how many data columns its cells fill.
fn data_width(row: &[Cell]) -> usize {
    row.iter().map(|c| c.leaves().len()).sum()
}

/// Render tables (table/csv/md) or a JSON value into one string, CSV in RFC 4180.
///
/// Errors: internal (exit 3) when a table to print has a row whose cells do not match its columns.
pub fn render(format: Format, tables: &[Table], json: &serde_json::Value) -> Result<String> {
    render_in(format, CsvDialect::Rfc4180, tables, json)
}

/// [`render`] with CSV in `dialect`.
pub fn render_in(
    format: Format,
    dialect: CsvDialect,
    tables: &[Table],
    json: &serde_json::Value,
) -> Result<String> {
    if format != Format::Json {
        tables.iter().try_for_each(Table::check)?;
    }
    Ok(match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(json)?;
            s.push('\n');
            s
        }
        Format::Table => tables
            .iter()
            .map(|t| t.terminal())
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Md => tables
            .iter()
            .map(|t| t.markdown())
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Csv => {
            let mut parts = Vec::new();
            for t in tables.iter().take(1) {
                parts.push(t.csv(dialect)?);
            }
            notes_to_stderr(tables);
            parts.join("\n")
        }
    })
}

/// The tables' notes (stage counts, warnings, the load's skipped rows and guesses), which CSV has no
/// place for, on standard error, one line each: a CSV user sees what the table format shows under
/// the table (docs/JSON.md: no skipped row goes unseen).
fn notes_to_stderr(tables: &[Table]) {
    let notes: Vec<&String> = tables.iter().flat_map(|t| &t.notes).collect();
    if notes.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    for n in notes {
        let _ = writeln!(err, "shnor: {n}");
    }
}

/// Write to `path` atomically (temp file in the same folder, then rename), or to stdout (no path,
/// or `-`).
pub fn emit(text: &str, out: Option<&Path>) -> Result<()> {
    match out.filter(|p| p.as_os_str() != "-") {
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(text.as_bytes())?;
            so.flush()?;
            Ok(())
        }
        Some(p) => write_atomic(p, text.as_bytes()),
    }
}

/// Write `bytes` to `path` through a temp file in the same folder and a rename, so a failed run leaves
/// no half-written file. A symbolic link is followed: the file it points to is replaced and the link
/// kept. A path that is neither a regular file nor a link to one (a device such as `/dev/stdout`, a
/// FIFO) is written in place, as it cannot be half-written in the sense a file can, and is never
/// replaced by a regular file.
///
/// Errors: usage (exit 2) when `path` is a folder, its folder does not exist, or it is a link to
/// nothing; internal (exit 3) when the write or the rename fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    check_out(path)?;
    let Ok(link) = std::fs::symlink_metadata(path) else {
        return replace_file(path, bytes);
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| internal(format!("{}: cannot read ({e})", path.display())))?;
    if !meta.is_file() && !meta.is_dir() {
        return write_in_place(path, bytes);
    }
    if link.file_type().is_symlink() && meta.is_file() {
        let target = std::fs::canonicalize(path)
            .map_err(|e| internal(format!("{}: cannot follow the link ({e})", path.display())))?;
        return replace_file(&target, bytes);
    }
    replace_file(path, bytes)
}

/// Whether `--out path` can be written, checked before a command's work so that a wrong path
/// costs no run (`-` is standard output and always can).
///
/// Errors: usage (exit 2) when `path` is a folder, a symbolic link to nothing, or a path whose
/// folder does not exist.
pub fn check_out(path: &Path) -> Result<()> {
    if path.as_os_str() == "-" {
        return Ok(());
    }
    let is_link = std::fs::symlink_metadata(path).is_ok();
    if is_link && std::fs::metadata(path).is_err() {
        return Err(crate::error::usage(format!(
            "--out {}: a symbolic link to a file that does not exist ({})",
            path.display(),
            std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default()
        )));
    }
    if path.is_dir() {
        return Err(crate::error::usage(format!(
            "--out: {} is a folder; give a file path",
            path.display()
        )));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !is_link && !dir.is_dir() {
        return Err(crate::error::usage(format!(
            "--out {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Write `bytes` into an existing device or FIFO (`/dev/stdout`, `/dev/null`, a named pipe).
fn write_in_place(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
        .map_err(|e| internal(format!("{}: cannot write ({e})", path.display())))
}

/// Replace the regular file `path` (or create it) through a temp file beside it and a rename.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let res = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(internal(format!("{}: cannot write ({e})", path.display())));
    }
    Ok(())
}

/// A fraction as a Russian percent figure without the sign: `pct(0.412, 1)` is `41,2`.
pub fn pct(x: f64, digits: usize) -> String {
    num(x * 100.0, digits)
}

/// Russian decimal formatting of a plain number: `num(0.4123, 2)` is `0,41`; a number that
/// rounds to zero shows no sign (`num(-0.01, 1)` is `0,0`, not `-0,0`).
pub fn num(x: f64, digits: usize) -> String {
    let s = format!("{:.*}", digits, x);
    let s = match s.strip_prefix('-') {
        Some(abs) if abs.bytes().all(|b| b == b'0' || b == b'.') => abs.to_string(),
        _ => s,
    };
    s.replace('.', ",")
}

/// Round to 6 decimals for stable JSON.
pub fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A p-value rounded for stable JSON and data: to 6 decimals (as [`r6`]) from 0.001 up, to six
/// significant digits below, so that a small p-value (4·10⁻⁷) is not written as an impossible 0
/// (fresh-eyes run 11: `compare --format csv` wrote `0` beside a table's «<0,0001»).
pub fn r6_p(p: f64) -> f64 {
    if p >= 0.001 || p == 0.0 || !p.is_finite() {
        return r6(p);
    }
    format!("{p:.5e}").parse().unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A p-value below 5·10⁻⁷ was rounded to 0 in `compare`'s data (fresh-eyes run 11).
    #[test]
    fn small_p_values_keep_six_significant_digits() {
        assert_eq!(r6_p(4.123456789e-7), 4.12346e-7);
        assert_eq!(r6_p(0.0123456789), 0.012346);
        assert_eq!(r6_p(0.000123456789), 0.000123457);
        assert_eq!(r6_p(0.0), 0.0);
    }

    /// `monitor` showed «-0,0» for a change that rounds to zero.
    #[test]
    fn no_negative_zero() {
        assert_eq!(num(-0.04, 1), "0,0");
        assert_eq!(num(-0.0, 2), "0,00");
        assert_eq!(num(-0.0004, 0), "0");
        assert_eq!(pct(-0.0001, 1), "0,0");
        assert_eq!(num(-0.05, 1), "-0,1");
        assert_eq!(num(-10.0, 0), "-10");
        assert_eq!(pct(-0.5, 1), "-50,0");
        assert_eq!(num(0.4123, 2), "0,41");
    }

    #[test]
    fn a_row_that_does_not_fit_its_columns_is_an_internal_error() {
        let mut t = Table::new(&["Логин", "Доля «2», %"]);
        t.title = Some("Школы".into());
        t.rows
            .push(vec!["edu990001".into(), Cell::share(Some(0.125), 1)]);
        assert!(render(Format::Csv, &[t.clone()], &serde_json::Value::Null).is_ok());
        t.rows
            .push(vec!["edu990002".into(), "7,0".into(), "лишняя".into()]);
        let e = render(Format::Table, &[t], &serde_json::Value::Null).unwrap_err();
        assert_eq!(crate::error::exit_code(&e), crate::error::EXIT_INTERNAL);
        assert_eq!(
            e.to_string(),
            "table «Школы»: row 2 has 3 cells for 2 columns"
        );
    }

    #[test]
    fn russian_decimals() {
        assert_eq!(pct(0.412, 1), "41,2");
        assert_eq!(num(0.4123, 2), "0,41");
    }
}
