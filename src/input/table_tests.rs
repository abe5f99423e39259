//! Tests of the one CSV path (`input::table`).
use super::*;

#[test]
fn separators() {
    assert_eq!(sniff_separator("a;b;c\n1;2,5;3\n"), b';');
    assert_eq!(sniff_separator("Отчёт\na,b,c\n1,2,3\n"), b',');
    assert_eq!(sniff_separator("a\tb\tc\n1\t2\t3\n"), b'\t');
    assert_eq!(sniff_separator("\"a;x\",b,c\n1,2,3\n"), b',');
    // one over-wide record (a stray «;;») among «;» records with decimal commas: still «;»
    // (was «,», and the whole file went unrecognised)
    let mut t = String::from("Год;Логин;2;3;4;5;\n");
    for i in 0..20 {
        t += &format!("2023;edu99{i:04};6,8;6,8;16,9;69,5;\n");
    }
    t += "2023;edu990099;6,8;6,8;16,9;69,5;;\n";
    assert_eq!(sniff_separator(&t), b';');
}

fn text(s: &str) -> CsvText {
    CsvText {
        text: s.to_string(),
        encoding: "utf-8",
        separator: sniff_separator(s),
    }
}

fn frame(s: &str) -> TextFrame {
    let t = text(s);
    let df = csv_frame(Path::new("t.csv"), &t).unwrap();
    let (lines, fields) = record_layout(&t, &df);
    TextFrame {
        file: "t.csv".into(),
        sheet: None,
        df,
        lines,
        fields,
        encoding: t.encoding,
        separator: t.separator,
    }
}

#[test]
fn title_lines_survive_and_missing_fields_are_told_from_empty_ones() {
    let f = frame("Отчёт\nлогин;участники;2;3\n\nedu1;10;;5;\nedu2;10\n");
    let g = f.whole();
    assert_eq!(g.rows[0], ["Отчёт"]);
    assert_eq!(g.rows[1], ["логин", "участники", "2", "3"]);
    // a trailing separator is an empty field; a short record has fewer fields
    assert_eq!(g.rows[2], ["edu1", "10", "", "5"]);
    assert_eq!(g.fields, [1, 4, 5, 2]);
    // a blank line is no record, and the lines after it keep their numbers
    assert_eq!(g.line_of(3), 5);
    assert_eq!(f.grid(2, 10).line_of(1), 5);
}

#[test]
fn crlf_lines_with_a_trailing_separator_keep_their_numbers() {
    // Excel's «CSV (разделители — точки с запятой)»: CRLF and a `;` after the last field
    let f = frame("a;b;c;\r\nx;1;2;\r\ny;3;4;\r\nz;5;6;\r\n");
    let g = f.whole();
    assert_eq!(g.rows.len(), 4);
    assert_eq!(g.rows[3][0], "z");
    assert_eq!(g.line_of(3), 4);
    assert_eq!(f.grid(2, 10).line_of(0), 3);
}

#[test]
fn an_unclosed_quote_names_its_row_not_polars_internals() {
    let t = text("a;b;c\nx;1;2\ny;\"open;4\nz;5;6\n");
    let msg = csv_frame(Path::new("q.csv"), &t).err().unwrap().to_string();
    assert!(msg.starts_with("q.csv, row 3: cannot read"), "{msg}");
    assert!(
        !msg.contains("ignore_errors") && !msg.contains("z;5;6"),
        "{msg}"
    );
}

/// A quoted field whose quote closes lines later, followed by text (`""СОШ № 1"";;30` left open
/// on line 2, closed by the quote that opens a field on line 4): the row named is where the quoted
/// field starts, not where the csv crate's last record begins.
#[test]
fn a_bad_quote_names_the_line_where_its_field_starts() {
    let t = text("a;b;c\n;\"МБОУ \"\"СОШ № 1\"\";;30\nx;1;2\n;\"МАОУ \"\"Лицей\"\"\";5\ny;3;4\n");
    assert_eq!(bad_quote_line(&t), Some(2));
    let msg = csv_frame(Path::new("q.csv"), &t).err().unwrap().to_string();
    assert!(msg.starts_with("q.csv, row 2: cannot read"), "{msg}");
    // quoted line breaks and doubled quotes are well formed
    let ok = text("a;b\n\"x\ny\";\"a \"\"b\"\"\"\nz;\"\"\n");
    assert_eq!(bad_quote_line(&ok), None);
}

#[test]
fn rows_keep_file_lines_after_quoted_line_breaks() {
    let f = frame("login,name,n\nedu1,\"A\nB\",3\nedu2,C,4\n");
    let g = f.whole();
    assert_eq!(g.rows.len(), 3);
    assert_eq!(g.rows[1][1], "A\nB");
    assert_eq!(g.rows[2][0], "edu2");
    assert_eq!(g.line_of(2), 4);
    assert_eq!(f.grid(2, 1).line_of(0), 4);
}

/// Rows taken by a [`RowSink`]: (grid index, file line, cells).
#[derive(Default)]
struct Taken(Vec<(usize, usize, Vec<String>)>);

impl RowSink for Taken {
    fn row(&mut self, r: usize, line: usize, cells: &[String]) {
        self.0.push((r, line, cells.to_vec()));
    }
}

/// A workbook whose first sheet starts at C3 with a title, a blank row and rows of every cell
/// type (whole and fractional numbers, booleans, empty texts, gaps) past the head; a second sheet
/// of a few rows and an empty third one.
fn workbook(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Протокол").unwrap();
    ws.write_string(2, 2, "Результаты ВПР").unwrap();
    for r in 4..150u32 {
        if r % 17 == 0 {
            continue;
        }
        ws.write_string(r, 2, format!("sch{r}")).unwrap();
        ws.write_number(r, 3, f64::from(r)).unwrap();
        ws.write_number(r, 4, f64::from(r) / 8.0).unwrap();
        ws.write_boolean(r, 5, r % 2 == 0).unwrap();
        ws.write_string(r, 7, if r % 3 == 0 { "" } else { " x " })
            .unwrap();
        if r % 5 == 0 {
            ws.write_string(r, 12, "").unwrap();
        }
    }
    ws.write_string(160, 1, "").unwrap();
    let ws = wb.add_worksheet().set_name("Лист2").unwrap();
    ws.write_string(0, 0, "a").unwrap();
    ws.write_number(3, 1, 1e20).unwrap();
    wb.add_worksheet().set_name("Пусто").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn streamed_sheets_give_the_rows_and_grids_of_whole_ones() {
    let dir = std::env::temp_dir().join(format!("shnor-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("w.xlsx");
    workbook(&path);
    let whole = read_spreadsheet(&path).unwrap();
    assert_eq!(whole.len(), 2, "the empty sheet is skipped");
    // every sheet streamed: the rows taken are the whole grid's, the grid is the head
    let streamed = read_spreadsheet_rows(&path, |_| Some(Taken::default())).unwrap();
    assert_eq!(streamed.len(), 2);
    for ((head, taken), g) in streamed.iter().zip(&whole) {
        let taken = &taken.as_ref().unwrap().0;
        assert_eq!((&head.sheet, head.first_line), (&g.sheet, g.first_line));
        assert_eq!(head.rows[..], g.rows[..head.rows.len()]);
        assert_eq!(head.rows.len(), g.rows.len().min(HEAD_ROWS));
        assert_eq!(taken.len(), g.rows.len());
        for (r, (i, line, cells)) in taken.iter().enumerate() {
            assert_eq!((*i, *line, cells), (r, g.line_of(r), &g.rows[r]));
        }
    }
    assert_eq!(whole[0].first_line, 3);
    assert_eq!(whole[0].cell(2, 4), "0.5");
    assert_eq!(whole[0].cell(3, 4), "0.625");
    assert_eq!(whole[0].cell(4, 5), "Да");
    assert_eq!(whole[1].cell(3, 1), "100000000000000000000");
    // declined: the whole grids
    let declined = read_spreadsheet_rows(&path, |_| None::<Taken>).unwrap();
    let grids: Vec<&Vec<Vec<String>>> = declined.iter().map(|(g, _)| &g.rows).collect();
    assert_eq!(grids, whole.iter().map(|g| &g.rows).collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).unwrap();
}
