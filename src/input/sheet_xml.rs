//! An xlsx workbook's sheet XML read beside calamine (zip, quick-xml: the crates calamine reads it
//! with). A sheet's part is found through `xl/workbook.xml` and its relationships; its tags are
//! first read as text in one plain pass ([`Tags`]), which tells whether calamine's own pass for the
//! merged ranges is needed and whether quick-xml's scan of hidden rows, unsaved formulas and
//! repeated addresses (`hidden_rows::scan_sheet`) can find anything. For a 10 MB per-pupil sheet
//! the plain pass costs ≈ 25 ms where each of those passes costs 55–130 ms (docs/PERFORMANCE.md).
use super::hidden_rows::{place, scan_sheet, SheetScan};
use anyhow::{Context, Result};
use quick_xml::events::Event;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// An xlsx workbook's zip, opened once to read its sheets' XML.
pub(super) struct SheetXml {
    zip: zip::ZipArchive<BufReader<File>>,
    /// Each sheet's part once looked up ([`sheet_part`]): the tags and the scan read one part.
    parts: std::collections::HashMap<String, Option<String>>,
}

/// What the plain pass over a sheet's tags tells ([`read_tags`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Tags {
    /// The quick-xml scan (`hidden_rows::scan_sheet`) can find nothing: no `row` tag with the word
    /// `hidden`, no element `f`, every `c` tag with a plain address after the previous cell's.
    pub(super) nothing_to_find: bool,
    /// A tag named `mergeCells` is there: calamine's pass for the merged ranges can find some.
    pub(super) merged: bool,
}

impl SheetXml {
    /// Errors: the file cannot be opened, or is no zip archive.
    pub(super) fn open(path: &Path) -> Result<SheetXml> {
        let file = File::open(path).with_context(|| path.display().to_string())?;
        Ok(SheetXml {
            zip: zip::ZipArchive::new(BufReader::new(file))?,
            parts: Default::default(),
        })
    }

    /// The zip path of sheet `sheet` ([`sheet_part`]), looked up once.
    ///
    /// Errors: the workbook's part list cannot be read.
    fn part(&mut self, sheet: &str) -> Result<Option<String>> {
        if let Some(p) = self.parts.get(sheet) {
            return Ok(p.clone());
        }
        let p = sheet_part(&mut self.zip, sheet)?;
        self.parts.insert(sheet.to_string(), p.clone());
        Ok(p)
    }

    /// The tags of sheet `sheet` ([`read_tags`]); `None` when the workbook does not name the
    /// sheet or lacks its part.
    ///
    /// Errors: a part of the workbook cannot be read.
    pub(super) fn tags(&mut self, sheet: &str) -> Result<Option<Tags>> {
        let Some(part) = self.part(sheet)? else {
            return Ok(None);
        };
        let Ok(xml) = self.zip.by_name(&part) else {
            return Ok(None);
        };
        Ok(Some(read_tags(BufReader::with_capacity(1 << 16, xml))?))
    }

    /// `hidden_rows::scan_sheet` of sheet `sheet`, not run when its tags (`tags`, read here when
    /// `None`) show it can find nothing; nothing found when the workbook does not name the sheet.
    ///
    /// Errors: a part of the workbook cannot be read.
    pub(super) fn scan(&mut self, sheet: &str, tags: Option<Tags>) -> Result<SheetScan> {
        let tags = match tags {
            Some(t) => Some(t),
            None => self.tags(sheet)?,
        };
        match tags {
            Some(t) if !t.nothing_to_find => {}
            _ => return Ok(SheetScan::default()),
        }
        let Some(part) = self.part(sheet)? else {
            return Ok(SheetScan::default());
        };
        scan_sheet(self.zip.by_name(&part)?)
    }
}

/// The zip path of the sheet named `sheet` (`xl/worksheets/sheet1.xml`): its relationship id in
/// `xl/workbook.xml`, that id's target in `xl/_rels/workbook.xml.rels`.
fn sheet_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    sheet: &str,
) -> Result<Option<String>> {
    let rid = elements(zip, "xl/workbook.xml", b"sheet")?
        .into_iter()
        .find(|a| a.iter().any(|(k, v)| k == "name" && v == sheet))
        .and_then(|a| a.into_iter().find(|(k, _)| k == "id").map(|(_, v)| v));
    let Some(rid) = rid else { return Ok(None) };
    let target = elements(zip, "xl/_rels/workbook.xml.rels", b"Relationship")?
        .into_iter()
        .find(|a| a.iter().any(|(k, v)| k == "Id" && *v == rid))
        .and_then(|a| a.into_iter().find(|(k, _)| k == "Target").map(|(_, v)| v));
    Ok(target.map(|t| match t.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{t}"),
    }))
}

/// The attributes (local name, unescaped value) of every element named `name` in a small part.
fn elements<R: Read + std::io::Seek>(
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
                out.push(super::hidden_rows::attributes(&e));
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A sheet's XML (`xml`) read as text, each tag from its `<` to the next, told by its local name
/// (`x:c` is `c`): see [`Tags`]. Anything this does not read for sure (a `<` in a comment or
/// CDATA, a cell without a plain address) leaves `nothing_to_find` false, and the sheet is scanned:
/// true is said only where the scan finds nothing; `merged` is false only where calamine finds no
/// merged range (it reads them from a `mergeCells` element).
///
/// Errors: the XML cannot be read (its zip entry is damaged).
fn read_tags(mut xml: impl BufRead) -> std::io::Result<Tags> {
    let mut tag = Vec::with_capacity(256);
    let mut last: Option<u64> = None;
    let mut tags = Tags {
        nothing_to_find: true,
        merged: false,
    };
    // the text before the first `<` is no tag
    xml.read_until(b'<', &mut tag)?;
    loop {
        tag.clear();
        if xml.read_until(b'<', &mut tag)? == 0 {
            return Ok(tags);
        }
        let end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>' | b'<'))
            .unwrap_or(tag.len());
        let name = &tag[..end];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        let found = match local {
            b"mergeCells" => {
                tags.merged = true;
                false
            }
            _ if !tags.nothing_to_find => false,
            b"f" => true,
            b"row" => tag.windows(6).any(|w| w == b"hidden"),
            b"c" => match plain_address(&tag[end..]).and_then(place) {
                Some(key) if last.is_none_or(|l| key > l) => {
                    last = Some(key);
                    false
                }
                _ => true,
            },
            _ => false,
        };
        if found {
            tags.nothing_to_find = false;
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

#[cfg(test)]
mod tests {
    use super::*;
    /// Sheets' XML for [`read_tags`]: (xml, whether it can say «nothing»).
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
            assert_eq!(
                read_tags(xml.as_bytes()).unwrap().nothing_to_find,
                *nothing,
                "{xml}"
            );
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
            assert!(!read_tags(xml.as_bytes()).unwrap().nothing_to_find, "{xml}");
            let s = scan_sheet(xml.as_bytes()).unwrap();
            (s.hidden, s.unsaved.len(), s.repeated)
        };
        assert_eq!(found(GATED[2].0), (vec![2], 0, vec![]));
        let unsaved = r#"<sheetData><row r="1"><c r="A1"><f>B1+1</f><v></v></c></row></sheetData>"#;
        assert_eq!(found(unsaved), (vec![], 1, vec![]));
        assert_eq!(found(GATED[5].0), (vec![], 0, vec![(1, 0)]));
    }

    #[test]
    fn merged_ranges_are_seen_after_anything_else() {
        let tags = |xml: &str| read_tags(xml.as_bytes()).unwrap();
        let plain = r#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>"#;
        let merged = r#"<mergeCells count="1"><mergeCell ref="A1:A3"/></mergeCells>"#;
        let formula = r#"<sheetData><row r="1"><c r="A1"><f>1</f></c></row></sheetData>"#;
        assert_eq!(
            tags(plain),
            Tags {
                nothing_to_find: true,
                merged: false
            }
        );
        assert_eq!(
            tags(&format!("{plain}{merged}")),
            Tags {
                nothing_to_find: true,
                merged: true
            }
        );
        // a formula before the merged ranges: both still seen
        assert_eq!(
            tags(&format!("{formula}{merged}")),
            Tags {
                nothing_to_find: false,
                merged: true
            }
        );
        assert!(tags(&format!("{plain}<x:mergeCells/>")).merged);
    }
}
