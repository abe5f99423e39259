//! Reading files into grids of text cells: CSV (any encoding/separator) and xlsx/xls (calamine).
use super::text::{decode, fmt_cell_num};
use crate::error::data;
use anyhow::Result;
use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// One sheet (or one CSV file) as rows of text cells.
#[derive(Debug, Clone)]
pub struct Grid {
    pub file: String,
    pub sheet: Option<String>,
    /// 1-based line number of `rows[0]` in the file.
    pub first_line: usize,
    pub rows: Vec<Vec<String>>,
    /// Text encoding (CSV) or `xlsx`.
    pub encoding: &'static str,
    pub separator: Option<u8>,
}

impl Grid {
    pub fn cell(&self, r: usize, c: usize) -> &str {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .map(|s| s.as_str())
            .unwrap_or("")
    }
    pub fn line_of(&self, r: usize) -> usize {
        self.first_line + r
    }
    pub fn loc(&self, r: usize) -> crate::error::Loc {
        crate::error::Loc {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: self.line_of(r),
        }
    }
}

pub fn is_spreadsheet(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("xlsx" | "xls" | "xlsm" | "xlsb" | "ods")
    )
}

pub fn is_tabular(path: &Path) -> bool {
    is_spreadsheet(path)
        || matches!(
            path.extension()
                .and_then(|e| e.to_str())
                .map(|e| e.to_ascii_lowercase())
                .as_deref(),
            Some("csv" | "txt" | "tsv")
        )
}

/// Read every sheet of a spreadsheet as grids. Empty sheets are skipped.
pub fn read_spreadsheet(path: &Path) -> Result<Vec<Grid>> {
    let file = path.display().to_string();
    let mut wb = open_workbook_auto(path).map_err(|e| {
        data(format!(
            "{file}: cannot read as a spreadsheet ({e}); expected a valid xlsx/xls file (is it truncated or mislabelled?)"
        ))
    })?;
    let names = wb.sheet_names().to_vec();
    let mut grids = Vec::new();
    for name in names {
        let range = wb.worksheet_range(&name).map_err(|e| {
            data(format!(
                "{file} [лист «{name}»]: cannot read the sheet ({e})"
            ))
        })?;
        let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let start_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let mut rows = Vec::with_capacity(range.height());
        for row in range.rows() {
            let mut out: Vec<String> = Vec::with_capacity(row.len() + start_col);
            out.resize(start_col, String::new());
            for c in row {
                out.push(cell_text(c));
            }
            while out.last().is_some_and(|s| s.is_empty()) {
                out.pop();
            }
            rows.push(out);
        }
        if rows.iter().all(|r| r.is_empty()) {
            continue;
        }
        grids.push(Grid {
            file: file.clone(),
            sheet: Some(name),
            first_line: start_row + 1,
            rows,
            encoding: "xlsx",
            separator: None,
        });
    }
    Ok(grids)
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => fmt_cell_num(*f),
        Data::Bool(b) => {
            if *b {
                "Да".into()
            } else {
                "Нет".into()
            }
        }
        Data::DateTime(d) => fmt_cell_num(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Guess the separator from the first lines: the candidate with the most consistent, largest count.
pub fn sniff_separator(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b';', 0usize);
    for sep in [b';', b',', b'\t', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, sep as char))
            .collect();
        let max = counts.iter().copied().max().unwrap_or(0);
        // lines that reach the header width dominate; title lines above have few separators
        let score = counts.iter().filter(|&&c| c == max && c > 0).count() * max;
        if score > best.1 {
            best = (sep, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, sep: char) -> usize {
    let mut inq = false;
    let mut n = 0;
    for ch in line.chars() {
        if ch == '"' {
            inq = !inq;
        } else if ch == sep && !inq {
            n += 1;
        }
    }
    n
}

/// Decoded CSV text with its encoding and separator.
pub struct CsvText {
    pub text: String,
    pub encoding: &'static str,
    pub separator: u8,
}

pub fn read_csv_text(path: &Path) -> Result<CsvText> {
    let bytes =
        std::fs::read(path).map_err(|e| data(format!("{}: cannot read ({e})", path.display())))?;
    csv_text(path, bytes)
}

/// The first lines of a CSV (at most `max` bytes, cut at a line end), decoded as a whole file
/// would be: enough to recognise it; loaders that stream read the file themselves.
pub fn read_csv_head(path: &Path, max: usize) -> Result<CsvText> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(max.min(1 << 20));
    std::fs::File::open(path)
        .and_then(|f| f.take(max as u64).read_to_end(&mut bytes))
        .map_err(|e| data(format!("{}: cannot read ({e})", path.display())))?;
    if bytes.len() == max {
        if let Some(i) = bytes.iter().rposition(|&b| b == b'\n') {
            bytes.truncate(i + 1);
        }
    }
    csv_text(path, bytes)
}

fn csv_text(path: &Path, bytes: Vec<u8>) -> Result<CsvText> {
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(data(format!(
            "{}: NUL bytes where a text CSV was expected: a wrong encoding (UTF-16?) or not a CSV at all; expected UTF-8 or Windows-1251 text (re-save as «CSV (разделители — точки с запятой)» or UTF-8)",
            path.display()
        )));
    }
    let (text, encoding) = decode(bytes);
    let separator = sniff_separator(&text);
    Ok(CsvText {
        text,
        encoding,
        separator,
    })
}

/// Stream the records after the first `skip` ones in chunks of `chunk` rows, each as a grid whose
/// `first_line` keeps file line numbers (one record = one line; quoted line breaks are rare in exports).
pub fn csv_chunks(
    path: &Path,
    t: &CsvText,
    skip: usize,
    chunk: usize,
    mut f: impl FnMut(&Grid) -> Result<()>,
) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(t.separator)
        .from_reader(t.text.as_bytes());
    let mut grid = Grid {
        file: path.display().to_string(),
        sheet: None,
        first_line: skip + 1,
        rows: Vec::with_capacity(chunk),
        encoding: t.encoding,
        separator: Some(t.separator),
    };
    let mut rec = csv::StringRecord::new();
    let mut i = 0usize;
    // row buffers are reused from chunk to chunk: no allocation per cell once warmed up
    let mut n = 0usize;
    while rdr
        .read_record(&mut rec)
        .map_err(|e| data(format!("{}: CSV parse error: {e}", path.display())))?
    {
        i += 1;
        if i <= skip {
            continue;
        }
        if n == 0 {
            grid.first_line = rec.position().map(|p| p.line() as usize).unwrap_or(i);
        }
        if n == grid.rows.len() {
            grid.rows.push(Vec::new());
        }
        let row = &mut grid.rows[n];
        let mut width = rec.len();
        while width > 0 && rec[width - 1].trim().is_empty() {
            width -= 1;
        }
        row.truncate(width);
        for (j, field) in rec.iter().take(width).enumerate() {
            match row.get_mut(j) {
                Some(cell) => {
                    cell.clear();
                    cell.push_str(field);
                }
                None => row.push(field.to_string()),
            }
        }
        n += 1;
        if n == chunk {
            f(&grid)?;
            n = 0;
        }
    }
    grid.rows.truncate(n);
    if !grid.rows.is_empty() {
        f(&grid)?;
    }
    Ok(())
}

/// Parse CSV text into a grid (flexible row lengths; trailing empty cells trimmed).
pub fn csv_grid(path: &Path, t: &CsvText, max_rows: Option<usize>) -> Result<Grid> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(t.separator)
        .from_reader(t.text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        if max_rows.is_some_and(|m| i >= m) {
            break;
        }
        let rec = rec.map_err(|e| data(format!("{}: CSV parse error: {e}", path.display())))?;
        let mut row: Vec<String> = rec.iter().map(|s| s.to_string()).collect();
        while row.last().is_some_and(|s| s.trim().is_empty()) {
            row.pop();
        }
        rows.push(row);
    }
    Ok(Grid {
        file: path.display().to_string(),
        sheet: None,
        first_line: 1,
        rows,
        encoding: t.encoding,
        separator: Some(t.separator),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(sniff_separator("a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(sniff_separator("Отчёт\na,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_separator("a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_separator("\"a;x\",b,c\n1,2,3\n"), b',');
    }
}
