//! Rendering: terminal tables, CSV, Markdown and JSON; atomic file writes. Never computes figures.
use crate::error::internal;
use anyhow::Result;
use clap::ValueEnum;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table as Comfy};
use std::io::Write;
use std::path::Path;

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

/// A rectangular table of text cells with Russian column labels.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
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

    /// Every row has one cell per column. Errors: internal (exit 3) naming the table and the row —
    /// a command that built it wrong, never the input data.
    pub fn check(&self) -> Result<()> {
        match self.rows.iter().position(|r| r.len() != self.headers.len()) {
            None => Ok(()),
            Some(i) => Err(internal(format!(
                "table «{}»: row {} has {} cells for {} columns",
                self.title.as_deref().unwrap_or(""),
                i + 1,
                self.rows[i].len(),
                self.headers.len()
            ))),
        }
    }

    /// Title, a box-drawn table and the notes, one per line, for a terminal.
    pub fn terminal(&self) -> String {
        let mut t = Comfy::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(self.headers.clone());
        for r in &self.rows {
            t.add_row(r.clone());
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

    /// Headers and rows as CSV (`,`, quoted where needed); no title or notes.
    pub fn csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.headers)?;
        for r in &self.rows {
            w.write_record(r)?;
        }
        Ok(String::from_utf8(
            w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
        )?)
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
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
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

/// Render tables (table/csv/md) or a JSON value into one string.
///
/// Errors: internal (exit 3) when a table to print has a row whose cells do not match its columns.
pub fn render(format: Format, tables: &[Table], json: &serde_json::Value) -> Result<String> {
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
                parts.push(t.csv()?);
            }
            parts.join("\n")
        }
    })
}

/// Write to `path` atomically (temp file in the same folder, then rename), or to stdout.
pub fn emit(text: &str, out: Option<&Path>) -> Result<()> {
    match out {
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
/// no half-written file. Errors: usage (exit 2) when the folder does not exist; internal (exit 3) when
/// the write or the rename fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(crate::error::usage(format!(
            "--out {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )));
    }
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
    format!("{:.*}", digits, x * 100.0).replace('.', ",")
}

/// Russian decimal formatting of a plain number: `num(0.4123, 2)` is `0,41`.
pub fn num(x: f64, digits: usize) -> String {
    format!("{:.*}", digits, x).replace('.', ",")
}

/// Round to 6 decimals for stable JSON.
pub fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_that_does_not_fit_its_columns_is_an_internal_error() {
        let mut t = Table::new(&["Логин", "Доля «2», %"]);
        t.title = Some("Школы".into());
        t.rows.push(vec!["edu990001".into(), "12,5".into()]);
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
