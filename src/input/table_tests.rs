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
