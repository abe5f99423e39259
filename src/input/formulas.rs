//! Formula cells of an xlsx sheet whose value was not saved (`<c r="E2"><f>SUM(F2:I2)</f><v/></c>`:
//! a workbook written by a program that does not compute formulas, and never opened and saved in
//! Excel or LibreOffice). calamine reads such a cell as empty, so a loader would say «found an empty
//! cell»; a data error at a row of an xlsx sheet is told instead that the row holds such formulas
//! (`explain`). The sheet's XML is read only then, when a load has already failed.
use super::header::Header;
use crate::error::ShnorError;
use quick_xml::events::Event;
use std::path::Path;

/// A formula cell without a saved value: its row, column (0-based), reference (`E2`) and formula
/// (empty for a cell of a shared formula, whose text is in another cell).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Unsaved {
    /// 1-based, as the sheet numbers its rows.
    pub(super) row: usize,
    pub(super) col: usize,
    pub(super) reference: String,
    pub(super) formula: String,
}

impl Unsaved {
    /// `«=SUM(F2:I2)»`, or `a shared formula`.
    pub(super) fn shown(&self) -> String {
        match self.formula.is_empty() {
            true => "a shared formula".to_string(),
            false => format!("«={}»", self.formula),
        }
    }
}

/// One `<c>` element being read: its reference, whether it has a formula (and its text) and a
/// non-empty value.
#[derive(Default)]
struct Cell {
    reference: String,
    formula: Option<String>,
    value: bool,
    in_f: bool,
    in_v: bool,
    /// `t="str"`: a formula's text result, whose empty `<v></v>` is a saved empty string (the
    /// result of `IF(…, "")`, as Excel and LibreOffice save it), not a missing value.
    text_result: bool,
}

/// The formula cells without a saved value of a sheet's XML, fed its events in order
/// (`hidden_rows::scan_sheet`).
#[derive(Default)]
pub(super) struct Tracker {
    cell: Option<Cell>,
    pub(super) unsaved: Vec<Unsaved>,
}

impl Tracker {
    /// Take one event of the sheet's XML.
    pub(super) fn feed(&mut self, event: &Event) {
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                // the reference's buffer is reused: no allocation per cell
                let mut c = self.cell.take().unwrap_or_default();
                c.reference.clear();
                if let Ok(Some(a)) = e.try_get_attribute("r") {
                    c.reference.push_str(&String::from_utf8_lossy(&a.value));
                }
                c.text_result =
                    matches!(e.try_get_attribute("t"), Ok(Some(a)) if a.value.as_ref() == b"str");
                (c.formula, c.value, c.in_f, c.in_v) = (None, false, false, false);
                self.cell = Some(c);
            }
            Event::Start(e) => {
                if let Some(c) = self.cell.as_mut() {
                    match e.local_name().as_ref() {
                        b"f" => (c.in_f, c.formula) = (true, Some(String::new())),
                        b"v" => (c.in_v, c.value) = (true, c.value || c.text_result),
                        _ => {}
                    }
                }
            }
            Event::Empty(e) => {
                if let Some(c) = self.cell.as_mut() {
                    match e.local_name().as_ref() {
                        // a shared formula's other cells: `<f t="shared" si="0"/>`
                        b"f" => {
                            c.formula.get_or_insert_with(String::new);
                        }
                        b"v" => c.value |= c.text_result,
                        _ => {}
                    }
                }
            }
            Event::GeneralRef(r) => {
                // `&gt;`, `&quot;`, `&#62;` inside a formula (quick-xml gives them apart)
                if let Some(f) = self.cell.as_mut().filter(|c| c.in_f) {
                    let name = String::from_utf8_lossy(r);
                    let ch = match r.resolve_char_ref() {
                        Ok(Some(ch)) => ch.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("&{name};")),
                    };
                    f.formula.get_or_insert_with(String::new).push_str(&ch);
                }
            }
            Event::Text(t) => {
                if let Some(c) = self.cell.as_mut() {
                    let s = String::from_utf8_lossy(t);
                    if c.in_f {
                        c.formula.get_or_insert_with(String::new).push_str(&s);
                    } else if c.in_v && !s.trim().is_empty() {
                        c.value = true;
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"f" => self.cell.iter_mut().for_each(|c| c.in_f = false),
                b"v" => self.cell.iter_mut().for_each(|c| c.in_v = false),
                b"c" => self.close(),
                _ => {}
            },
            _ => {}
        }
    }

    /// The end of a `<c>`: kept when it has a formula and no value.
    fn close(&mut self) {
        let Some(c) = self.cell.as_mut().filter(|c| !c.value) else {
            return;
        };
        let (Some(formula), Some(col), Some(row)) =
            (c.formula.take(), col_of(&c.reference), row_of(&c.reference))
        else {
            return;
        };
        self.unsaved.push(Unsaved {
            row,
            col,
            reference: c.reference.clone(),
            formula,
        });
    }
}

/// The 1-based row of a cell reference (`E2` → 2).
pub(super) fn row_of(r: &str) -> Option<usize> {
    r.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()
}

/// The 0-based column of a cell reference (`E2` → 4).
pub(super) fn col_of(r: &str) -> Option<usize> {
    let letters: Vec<u8> = r.bytes().take_while(u8::is_ascii_alphabetic).collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0usize, |n, b| {
        n * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1
    });
    Some(n - 1)
}

/// The address of a cell (1-based row, 0-based column): (2, 4) → `E2`.
pub(super) fn reference(row: usize, col: usize) -> String {
    let (mut n, mut letters) = (col + 1, Vec::new());
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", String::from_utf8_lossy(&letters))
}

/// `err`, when it is a data error at a row of an xlsx sheet that holds formula cells without a
/// saved value, told so: the cell of its own column («found an empty cell» becomes «found a
/// formula whose value was not saved») or else the row's such cells, each with its column and
/// formula, and what to do (open and save the workbook in Excel or LibreOffice); when the row holds
/// two cells at one address, told so too (the last one is read). Any other error as it is.
pub(super) fn explain(mut err: anyhow::Error, path: &Path, h: &Header) -> anyhow::Error {
    let xlsx = super::table::is_xlsx(path);
    let Some(ShnorError::Data {
        sheet: Some(sheet),
        row: Some(row),
        column,
        expected,
        found,
        message,
        ..
    }) = err.downcast_mut::<ShnorError>().filter(|_| xlsx)
    else {
        return err;
    };
    let scan = super::hidden_rows::scan_file(path, sheet).unwrap_or_default();
    let cells: Vec<Unsaved> = scan.unsaved.into_iter().filter(|u| u.row == *row).collect();
    let repeated: Vec<usize> = scan
        .repeated
        .iter()
        .filter(|(r, _)| r == row)
        .map(|(_, c)| *c)
        .collect();
    if cells.is_empty() && repeated.is_empty() {
        return err;
    }
    let caption = |c: usize| h.raw.get(c).map(String::as_str).unwrap_or("");
    let own = cells
        .iter()
        .find(|u| column.as_deref().is_some_and(|c| c == caption(u.col)));
    let mut text = match (message.take(), expected.take(), found.take()) {
        (Some(m), _, _) => m,
        (None, Some(e), Some(f)) => format!("expected {e}, found «{f}»"),
        (None, Some(e), None) => format!("expected {e}"),
        (None, None, Some(f)) => format!("found «{f}»"),
        (None, None, None) => String::new(),
    };
    let save = "open the workbook in Excel or LibreOffice and save it, so that the values of its formulas are saved";
    match own {
        _ if cells.is_empty() => {}
        Some(u) if text.contains("found an empty cell") || text.ends_with("found «»") => {
            let what = format!(
                "found a formula whose value was not saved in the file (cell {}: {})",
                u.reference,
                u.shown()
            );
            text = text
                .replace("found an empty cell", &what)
                .replace("found «»", &what);
            text.push_str(&format!("; {save}"));
        }
        _ => {
            let listed: Vec<String> = cells
                .iter()
                .take(5)
                .map(|u| {
                    format!(
                        "{} in column «{}» ({})",
                        u.reference,
                        caption(u.col),
                        u.shown()
                    )
                })
                .collect();
            text.push_str(&format!(
                "; row {row} holds formulas whose values were not saved in the file (read as empty cells): {}; {save}",
                listed.join(", ")
            ));
        }
    }
    if !repeated.is_empty() {
        let listed: Vec<String> = repeated
            .iter()
            .map(|&c| format!("{} in column «{}»", reference(*row, c), caption(c)))
            .collect();
        text.push_str(&format!(
            "; row {row} holds two cells at one address ({}): the last one is read (is the file damaged? open it in Excel or LibreOffice and save it)",
            listed.join(", ")
        ));
    }
    *message = Some(text);
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_without_a_saved_value_are_found() {
        // H2: a saved empty text result (`t="str"`), not a missing value; E3: no `<v>` at all
        let xml = r#"<worksheet><sheetData><row r="2"><c r="A2" t="n"><v>2025</v></c><c r="E2"><f>SUM(F2:I2)</f><v /></c><c r="F2"><f>G2&gt;0</f><v>1</v></c><c r="H2" t="str"><f>IF(A2&gt;0, &quot;&quot;)</f><v></v></c><c r="G2"><f t="shared" si="0"/></c></row><row r="3"><c r="E3"><f>IF(F3&gt;0,&quot;&quot;,&#49;)</f></c></row></sheetData></worksheet>"#;
        let found = super::super::hidden_rows::scan_sheet(xml.as_bytes()).unwrap();
        let cell = |row, col, r: &str, f: &str| Unsaved {
            row,
            col,
            reference: r.into(),
            formula: f.into(),
        };
        assert_eq!(
            found.unsaved,
            vec![
                cell(2, 4, "E2", "SUM(F2:I2)"),
                cell(2, 6, "G2", ""),
                cell(3, 4, "E3", "IF(F3>0,\"\",1)"),
            ]
        );
        assert_eq!(col_of("AA10"), Some(26));
        assert_eq!(reference(10, 26), "AA10");
        assert_eq!(reference(2, 4), "E2");
        assert_eq!(row_of("AA10"), Some(10));
    }
}
