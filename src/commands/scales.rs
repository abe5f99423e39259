//! `shnor scales`: the built-in primary score → mark scales, as a table or as a scales file to edit.
use super::OutputArgs;
use crate::input::scales::{ScaleKey, Scales};
use crate::output::{Cell, Format, Table};
use anyhow::Result;
use serde_json::{json, Value};

/// List the built-in primary score → mark scales: procedure, maximum, the «2» «3» «4» «5» bands and
/// the publication each was read from. `--format csv` writes a scales file that `--scales FILE`
/// takes back (edit a row to override a built-in, add rows for other years).
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Print the built-in scales in the chosen format (docs/INPUTS.md «Scales»).
pub fn run(a: &Args) -> Result<()> {
    let s = Scales::builtin();
    let table = match a.output.format {
        Format::Csv => file_table(&s),
        _ => report_table(&s),
    };
    a.output.write(&[table], &json_of(&s))
}

/// Each built-in row: key, scale and its source and note, in key order.
fn rows(s: &Scales) -> impl Iterator<Item = (&ScaleKey, i32, String, &str, &str)> {
    s.map.iter().map(|(k, sc)| {
        let info = s.info.get(k);
        (
            k,
            sc.max_score,
            sc.bands_text(),
            info.map(|i| i.source.as_str()).unwrap_or(""),
            info.and_then(|i| i.resolved.as_deref()).unwrap_or(""),
        )
    })
}

/// A row's procedure, year, grade, subject, maximum and bands.
fn key_cells(k: &ScaleKey, max: i32, bands: String) -> Vec<Cell> {
    vec![
        k.0.clone().into(),
        Cell::int(k.1),
        Cell::int(k.2),
        k.3.clone().into(),
        Cell::int(max),
        bands.into(),
    ]
}

/// The scales file: `assessment, year, grade, subject, max_score, bands, source, note` (English
/// keys, as the scales loader reads them; `note` says how a faulty published table was resolved and
/// is not read back).
fn file_table(s: &Scales) -> Table {
    let mut t = Table::new(&[
        "assessment",
        "year",
        "grade",
        "subject",
        "max_score",
        "bands",
        "source",
        "note",
    ]);
    for (k, max, bands, source, note) in rows(s) {
        let mut row = key_cells(k, max, bands);
        row.extend([source.into(), note.into()]);
        t.rows.push(row);
    }
    t
}

/// The same rows with Russian labels for a terminal or Markdown, notes below the table.
fn report_table(s: &Scales) -> Table {
    let mut t = Table::new(&[
        "Процедура",
        "Год",
        "Класс",
        "Предмет",
        "Макс.",
        "«2» / «3» / «4» / «5»",
        "Источник",
    ]);
    t.title = Some(format!(
        "Встроенные шкалы перевода первичных баллов в отметки: {}",
        s.map.len()
    ));
    for (k, max, bands, source, note) in rows(s) {
        let mut row = key_cells(k, max, bands);
        row.push(short_source(source, k).into());
        t.rows.push(row);
        if !note.is_empty() {
            t.notes
                .push(format!("{} {}, {} класс, {}: {note}", k.0, k.1, k.2, k.3));
        }
    }
    t.notes.push(format!("Источник каждой строки — {SECTION} описания работы её года, класса и предмета; полностью: `shnor scales --format csv`."));
    t.notes.push(
        "Свою шкалу (другой год, исправление): `shnor scales --format csv --out scales.csv`, правка, затем `--scales scales.csv`.".into(),
    );
    t
}

/// The section of a work's description that every built-in row is read from.
const SECTION: &str =
    "раздел «Рекомендации по переводу первичных баллов в отметки по пятибалльной шкале»";

/// A built-in row's source without what the row and the notes already say (its grade, subject and
/// section): `ФИОКО/Рособрнадзор, «Описание проверочной работы» ВПР 2021`, with what follows the
/// section kept (where the table was read: `… ВПР 2026 (таблица прочитана в перепечатке URL)`);
/// other sources whole.
fn short_source(source: &str, k: &ScaleKey) -> String {
    let tail = format!(", {} класс, {}: «", k.2, k.3);
    let Some((head, rest)) = source.split_once(&tail) else {
        return source.to_string();
    };
    match rest.split_once('»') {
        Some((section, after)) if SECTION.contains(section) => format!("{head}{after}"),
        _ => source.to_string(),
    }
}

/// `{"scales": [{assessment, year, grade, subject, max_score, min3, min4, min5, bands, source,
/// resolved}]}` (docs/JSON.md).
fn json_of(s: &Scales) -> Value {
    let v: Vec<Value> = s
        .map
        .iter()
        .map(|(k, sc)| {
            let info = s.info.get(k);
            json!({
                "assessment": k.0, "year": k.1, "grade": k.2, "subject": k.3,
                "max_score": sc.max_score, "min3": sc.min3, "min4": sc.min4, "min5": sc.min5,
                "bands": sc.bands().iter().map(|(a, b)| json!([a, b])).collect::<Vec<_>>(),
                "source": info.map(|i| i.source.clone()),
                "resolved": info.and_then(|i| i.resolved.clone()),
            })
        })
        .collect();
    json!({ "scales": v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shortens_only_the_builtin_sources() {
        let s = Scales::builtin();
        let (k, info) = s.info.iter().next().unwrap();
        assert_eq!(
            short_source(&info.source, k),
            "ФИОКО/Рособрнадзор, «Описание проверочной работы» ВПР 2021"
        );
        let user = "my.csv, строка 2";
        assert_eq!(short_source(user, k), user);
        let t = report_table(&s);
        assert_eq!(t.rows.len(), s.map.len());
        assert!(t.notes.iter().any(|n| n.contains("27–35 / 35–40")));
        let k = ("ВПР".to_string(), 2026, 4, "русский язык".to_string());
        let short = short_source(&s.info[&k].source, &k);
        assert!(
            short.starts_with("ФИОКО, «Описание проверочной работы» и образец ВПР 2026 (таблица прочитана в перепечатке https://"),
            "{short}"
        );
    }
}
