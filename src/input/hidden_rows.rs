//! The rows an xlsx sheet hides (`<row r="7" hidden="1">`): calamine (0.31) reads their cells as
//! any other row's and does not say they are hidden, so a loader would count them without a word.
//! Read here from the workbook's parts (zip, quick-xml: the crates calamine reads them with): the
//! sheet's part is found through `xl/workbook.xml` and its relationships, and its row tags are
//! read by quick-xml's streaming reader (the cells are skipped as events, never decoded). The same
//! pass finds the formula cells without a saved value (`formulas`), which calamine reads as empty.
use anyhow::{Context, Result};
use quick_xml::events::{BytesStart, Event};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// [`scan_sheet`] of sheet `sheet` of the xlsx file `path`; nothing found when the workbook does
/// not name the sheet.
///
/// Errors: the file is no zip of an xlsx workbook, or a part of it cannot be read.
pub(super) fn scan_file(path: &Path, sheet: &str) -> Result<SheetScan> {
    Ok(scan_workbook(path, &[sheet])?.pop().unwrap_or_default())
}

/// [`scan_sheet`] of each of `sheets` of the xlsx file `path` (the workbook opened once), in their
/// order; nothing found for a sheet the workbook does not name. A sheet whose tags show that the
/// scan can find nothing ([`nothing_to_find`]) is not scanned: its XML is read once by a plain
/// byte search instead of quick-xml's events (≈ 25 ms instead of ≈ 130 ms for a 10 MB per-pupil
/// sheet; docs/PERFORMANCE.md).
///
/// Errors: the file is no zip of an xlsx workbook, or a part of it cannot be read.
pub(super) fn scan_workbook(path: &Path, sheets: &[&str]) -> Result<Vec<SheetScan>> {
    let file = File::open(path).with_context(|| path.display().to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))?;
    let mut out = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        let Some(part) = sheet_part(&mut zip, sheet)? else {
            out.push(SheetScan::default());
            continue;
        };
        let Ok(xml) = zip.by_name(&part) else {
            out.push(SheetScan::default());
            continue;
        };
        if nothing_to_find(BufReader::with_capacity(1 << 16, xml))? {
            out.push(SheetScan::default());
            continue;
        }
        out.push(scan_sheet(zip.by_name(&part)?)?);
    }
    Ok(out)
}

/// The data rows (below the header, at 1-based line `header`) that sheet `sheet` of the xlsx
/// file `path` hides, loaded as every row is: a counted
/// warning naming them, so that rows hidden in Excel are never counted unseen. Its formula cells
/// below the header without a saved value, read as empty: a counted warning naming each cell, its
/// column (`captions`: the header's cells) and formula. An address given to two or more cells: a
/// counted warning naming it (the last cell is the one read).
///
/// Errors: the workbook's parts cannot be read (data, naming the file).
pub(super) fn report(
    path: &Path,
    sheet: Option<&str>,
    scanned: Option<&SheetScan>,
    header: u32,
    captions: &[String],
    rep: &mut super::report::InputReport,
) -> Result<()> {
    let xlsx = super::table::is_xlsx(path);
    let Some(sheet) = sheet.filter(|_| xlsx) else {
        return Ok(());
    };
    let read;
    let scan = match scanned {
        Some(scan) => scan,
        None => {
            read = scan_file(path, sheet).map_err(|e| {
                crate::error::data(format!(
                    "{} [лист «{sheet}»]: cannot read its hidden rows ({e}): expected a valid xlsx file",
                    path.display()
                ))
            })?;
            &read
        }
    };
    let unsaved: Vec<_> = scan
        .unsaved
        .iter()
        .filter(|u| u.row > header as usize)
        .collect();
    for u in &unsaved {
        let caption = captions.get(u.col).map(String::as_str).unwrap_or("");
        rep.warnings.add(
            crate::model::warning::WarningCode::UnsavedFormulas,
            format!(
                "{} (строка {}, столбец «{caption}»): {}",
                u.reference,
                u.row,
                u.shown()
            ),
        );
    }
    for &(row, col) in &scan.repeated {
        let caption = captions
            .get(col)
            .filter(|_| row > header as usize)
            .map(|c| format!(", столбец «{c}»"))
            .unwrap_or_default();
        rep.warnings.add(
            crate::model::warning::WarningCode::CellAddressRepeated,
            format!(
                "{} (строка {row}{caption})",
                super::formulas::reference(row, col)
            ),
        );
    }
    let rows: Vec<u32> = scan
        .hidden
        .iter()
        .copied()
        .filter(|&r| r > header)
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = rows.iter().take(10).map(u32::to_string).collect();
    let mut example = format!(
        "{} {}",
        if rows.len() == 1 {
            "строка"
        } else {
            "строки"
        },
        shown.join(", ")
    );
    if rows.len() > 10 {
        example.push_str(&format!(" и ещё {}", rows.len() - 10));
    }
    rep.warnings.add_n(
        crate::model::warning::WarningCode::HiddenRowsLoaded,
        rows.len(),
        example,
    );
    Ok(())
}

/// The zip path of the sheet named `sheet` (`xl/worksheets/sheet1.xml`): its relationship id in
/// `xl/workbook.xml`, that id's target in `xl/_rels/workbook.xml.rels`.
fn sheet_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    sheet: &str,
) -> Result<Option<String>> {
    let rid = tags(zip, "xl/workbook.xml", b"sheet")?
        .into_iter()
        .find(|a| a.iter().any(|(k, v)| k == "name" && v == sheet))
        .and_then(|a| a.into_iter().find(|(k, _)| k == "id").map(|(_, v)| v));
    let Some(rid) = rid else { return Ok(None) };
    let target = tags(zip, "xl/_rels/workbook.xml.rels", b"Relationship")?
        .into_iter()
        .find(|a| a.iter().any(|(k, v)| k == "Id" && *v == rid))
        .and_then(|a| a.into_iter().find(|(k, _)| k == "Target").map(|(_, v)| v));
    Ok(target.map(|t| match t.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{t}"),
    }))
}

/// The attributes (local name, unescaped value) of every element named `name` in a small part.
fn tags<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    part: &str,
    name: &[u8],
) -> Result<Vec<Vec<(String, String)>>> {
    let mut text = String::new();
    zip.by_name(part)?.read_to_string(&mut text)?;
    let mut r = quick_xml::Reader::from_str(&text);
    let mut out = Vec::new();
    loop {
        match r.read_event()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == name => {
                out.push(attributes(&e));
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

fn attributes(e: &BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let raw = String::from_utf8_lossy(&a.value);
            let value = quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| raw.to_string());
            (key, value)
        })
        .collect()
}

/// What a sheet's XML tells that calamine does not: the rows it hides (1-based, in file order),
/// its formula cells without a saved value (`formulas::Unsaved`, read by calamine as empty) and
/// the addresses given to two or more cells (a damaged file; calamine keeps the last cell), as
/// (1-based row, 0-based column) in address order.
#[derive(Debug, Clone, Default)]
pub struct SheetScan {
    pub(super) hidden: Vec<u32>,
    pub(super) unsaved: Vec<super::formulas::Unsaved>,
    pub(super) repeated: Vec<(usize, usize)>,
}

/// The cell addresses of a sheet in file order, to find an address given twice: kept as one `u64`
/// a cell and sorted only when they come out of order (in order, no address can repeat).
#[derive(Default)]
struct Places {
    seen: Vec<u64>,
    disordered: bool,
}

impl Places {
    fn add(&mut self, e: &BytesStart) {
        let Ok(Some(a)) = e.try_get_attribute("r") else {
            return;
        };
        let Some(key) = place(&String::from_utf8_lossy(&a.value)) else {
            return;
        };
        if self.seen.last().is_some_and(|&last| key <= last) {
            self.disordered = true;
        }
        self.seen.push(key);
    }

    /// The addresses given more than once, each once, in address order.
    fn repeated(mut self) -> Vec<(usize, usize)> {
        if !self.disordered {
            return Vec::new();
        }
        self.seen.sort_unstable();
        let mut out: Vec<(usize, usize)> = self
            .seen
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| ((w[0] >> 16) as usize, (w[0] & 0xFFFF) as usize))
            .collect();
        out.dedup();
        out
    }
}

/// A cell reference (`E2`) as one number that orders cells as a sheet does (row, then column).
fn place(r: &str) -> Option<u64> {
    let (row, col) = (super::formulas::row_of(r)?, super::formulas::col_of(r)?);
    Some(((row as u64) << 16) | col as u64)
}

/// Whether a sheet's XML (`xml`) can hold nothing that [`scan_sheet`] finds, told from the text of
/// its tags alone, each read from its `<` to the next: no `row` tag with the word `hidden` in it,
/// no element `f` (a formula) and every `c` tag (a cell) with a plain address ` r="…"` after the
/// previous cell's. Tags are told by their local name (`x:c` is `c`). Anything this does not read
/// for sure (a `<` in a comment or CDATA, a cell without a plain address) answers false, and the
/// sheet is scanned by [`scan_sheet`]: the answer true is given only where the scan finds nothing.
///
/// Errors: the XML cannot be read (its zip entry is damaged).
fn nothing_to_find(mut xml: impl BufRead) -> std::io::Result<bool> {
    let mut tag = Vec::with_capacity(256);
    let mut last: Option<u64> = None;
    // the text before the first `<` is no tag
    xml.read_until(b'<', &mut tag)?;
    loop {
        tag.clear();
        if xml.read_until(b'<', &mut tag)? == 0 {
            return Ok(true);
        }
        let end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>' | b'<'))
            .unwrap_or(tag.len());
        let name = &tag[..end];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        match local {
            b"f" => return Ok(false),
            b"row" if tag.windows(6).any(|w| w == b"hidden") => return Ok(false),
            b"c" => match plain_address(&tag[end..]).and_then(place) {
                Some(key) if last.is_none_or(|l| key > l) => last = Some(key),
                _ => return Ok(false),
            },
            _ => {}
        }
    }
}

/// The value of the attribute ` r="…"` in the rest of a tag after its name (`attributes`), when
/// it is written plainly: a space, `r="`, the value, `"`.
fn plain_address(attributes: &[u8]) -> Option<&str> {
    let at = attributes
        .windows(4)
        .position(|w| w[0].is_ascii_whitespace() && &w[1..] == b"r=\"")?;
    let value = &attributes[at + 4..];
    let end = value.iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&value[..end]).ok()
}

/// A sheet's XML read once by quick-xml's streaming reader: the `row` tags' attributes and the
/// cells' formula and value elements (see [`SheetScan`]).
pub(super) fn scan_sheet(xml: impl Read) -> Result<SheetScan> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(1 << 16, xml));
    let mut buf = Vec::with_capacity(1024);
    let mut out = Vec::new();
    let mut formulas = super::formulas::Tracker::default();
    let mut places = Places::default();
    loop {
        let event = reader.read_event_into(&mut buf)?;
        match &event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                out.extend(hidden(e));
            }
            Event::Eof => {
                return Ok(SheetScan {
                    hidden: out,
                    unsaved: formulas.unsaved,
                    repeated: places.repeated(),
                })
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                places.add(e);
                formulas.feed(&event);
            }
            _ => formulas.feed(&event),
        }
        buf.clear();
    }
}

/// The row number of a `<row …>` tag that hides its row.
fn hidden(e: &BytesStart) -> Option<u32> {
    let a = attributes(e);
    let hides = a
        .iter()
        .any(|(k, v)| k == "hidden" && (v == "1" || v == "true"));
    let row = a.iter().find(|(k, _)| k == "r")?.1.parse().ok()?;
    hides.then_some(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_tags_across_chunks_are_read() {
        // a tag cut by the 1 MiB chunk boundary, `<rows>` elsewhere and a hidden self-closing row
        let mut xml = String::from("<sheetData>");
        let pad = (1 << 20) - xml.len() - 10;
        xml.push_str(&" ".repeat(pad));
        xml.push_str(r#"<row r="3" spans="1:2" hidden="1"><c r="A3"><v>1</v></c></row>"#);
        xml.push_str(r#"<row r="4"><c r="A4"><v>2</v></c></row><row r="9" hidden="true"/>"#);
        xml.push_str(r#"<row r="10" hidden="0"/></sheetData>"#);
        assert_eq!(scan_sheet(xml.as_bytes()).unwrap().hidden, vec![3, 9]);
    }

    /// Sheets' XML for [`nothing_to_find`]: (xml, whether it can say «nothing»).
    const GATED: &[(&str, bool)] = &[
        (
            r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"/></row><row r="2"><c r="A2"><v>2</v></c></row></sheetData>"#,
            true,
        ),
        (
            r#"<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData>"#,
            true,
        ),
        (
            r#"<sheetData><row r="2" hidden="1"><c r="A2"><v>1</v></c></row></sheetData>"#,
            false,
        ),
        (
            r#"<sheetData><row r="1"><c r="A1"><f>B1+1</f><v>2</v></c></row></sheetData>"#,
            false,
        ),
        (
            r#"<sheetData><row r="1"><x:c r="A1"><x:f t="shared" si="0"/></x:c></row></sheetData>"#,
            false,
        ),
        (
            r#"<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row></sheetData>"#,
            false,
        ),
        (
            r#"<sheetData><row r="1"><c r="B1"><v>1</v></c><c r="A1"/></row></sheetData>"#,
            false,
        ),
        (
            r#"<sheetData><row r="1"><c t="n"><v>1</v></c></row></sheetData>"#,
            false,
        ),
        (
            r#"<sheetData><row r="1"><c r='A1'><v>1</v></c></row></sheetData>"#,
            false,
        ),
        (
            r#"<sheetData><!-- <c r="A1"/> --><row r="1"><c r="A1"><v>1</v></c></row></sheetData>"#,
            false,
        ),
    ];

    #[test]
    fn the_byte_search_says_nothing_only_where_the_scan_finds_nothing() {
        for (xml, nothing) in GATED {
            assert_eq!(nothing_to_find(xml.as_bytes()).unwrap(), *nothing, "{xml}");
            if *nothing {
                let scan = scan_sheet(xml.as_bytes()).unwrap();
                let found = (scan.hidden.len(), scan.unsaved.len(), scan.repeated.len());
                assert_eq!(found, (0, 0, 0), "{xml}");
            }
        }
    }

    #[test]
    fn what_the_byte_search_sends_on_is_found_by_the_scan() {
        // hidden row, formula without a value, a repeated address: each sent to the scan, found
        let found = |xml: &str| {
            assert!(!nothing_to_find(xml.as_bytes()).unwrap(), "{xml}");
            let s = scan_sheet(xml.as_bytes()).unwrap();
            (s.hidden, s.unsaved.len(), s.repeated)
        };
        assert_eq!(found(GATED[2].0), (vec![2], 0, vec![]));
        let unsaved = r#"<sheetData><row r="1"><c r="A1"><f>B1+1</f><v></v></c></row></sheetData>"#;
        assert_eq!(found(unsaved), (vec![], 1, vec![]));
        assert_eq!(found(GATED[5].0), (vec![], 0, vec![(1, 0)]));
    }
}
