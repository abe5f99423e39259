//! `shnor inspect`: what each input is and what it holds.
use super::{InputArgs, OutputArgs};
use crate::input::report::Warnings;
use crate::input::Loaded;
use crate::output::{self, Cell, CsvDialect, Format, Table};
use anyhow::Result;
use serde_json::json;

/// Say what each input is: kind, year, grade, subject, rows, schools, warnings.
///
/// Kinds: pupils, school-protocol, fisoko-marks, fisoko-journal, fisoko-histogram, marks, journal,
/// markers, gia, gia-summary, moscow-ege, context-form, registry, directory, crosswalk,
/// context-table, codebook, risk, scales.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Load every input and print one row per input (file or sheet) with the dataset's totals.
pub fn run(a: &Args) -> Result<()> {
    a.output.check()?;
    let loaded = a
        .inputs
        .load_writing(a.output.format, a.output.out.as_deref())?;
    let text = render(&loaded, a.output.format, a.output.dialect())?;
    a.output.emit(&text)?;
    super::at_exit(loaded);
    Ok(())
}

/// One row per input (kind or why it was skipped, year, grade, subject, rows, schools, pupils' counts,
/// warnings) and the dataset's totals; JSON: `{inputs, warnings, totals}` (docs/JSON.md).
pub fn render(l: &Loaded, format: Format, dialect: CsvDialect) -> Result<String> {
    let mut t = table(l);
    if matches!(format, Format::Csv | Format::Json) {
        // the data formats hold every warning with its examples already
        t.notes.retain(|n| n != WARNINGS_IN_FULL);
    }
    let d = &l.data;
    let mut json = json!({
        "inputs": l.reports,
        "warnings": l.warnings,
        "totals": {
            "results": d.results.height(),
            "schools": d.schools.height(),
            "journal": d.tables.journal.height(),
            "risk_profiles": d.risk.height(),
            "markers": d.tables.markers.height(),
            "reference": d.tables.reference.height(),
        }
    });
    let m = &d.names.matches;
    let mut tables = vec![t];
    if m.by_crosswalk + m.by_name + m.unmatched.len() + m.ambiguous.len() > 0 {
        json["school_names"] = serde_json::to_value(m)?;
        tables.extend(names_table(m));
    }
    output::render_in(format, dialect, &tables, &json)
}

/// Every school known only by name that no login was found for: unmatched ones, then ambiguous ones
/// with the schools their name fits; none when every name was matched.
pub fn names_table(m: &crate::model::identity::NameMatches) -> Option<Table> {
    let mut t = Table::new(&["Муниципалитет", "Школа (без логина)", "Итог", "Кандидаты"]);
    t.title = Some(format!(
        "Школы без логина: сопоставлено {} (по файлу соответствия {}, по названию {}), не найдено {}, неоднозначно {}",
        m.by_crosswalk + m.by_name,
        m.by_crosswalk,
        m.by_name,
        m.unmatched.len(),
        m.ambiguous.len()
    ));
    for s in &m.unmatched {
        t.rows.push(vec![
            s.municipality.clone().into(),
            s.name.clone().into(),
            "не найдена среди школ муниципалитета".into(),
            "".into(),
        ]);
    }
    for s in &m.ambiguous {
        let c: Vec<String> = s
            .candidates
            .iter()
            .map(|c| format!("{} «{}»", c.login, c.name))
            .collect();
        t.rows.push(vec![
            s.municipality.clone().into(),
            s.name.clone().into(),
            "неоднозначно: не сопоставлена".into(),
            c.join("; ").into(),
        ]);
    }
    (!t.rows.is_empty()).then_some(t)
}

/// Longest first warning label people read in a table row, in characters.
const WARNING_SHOWN: usize = 60;

/// An input's warnings: all of them with examples as data (CSV), for people the first kind with
/// its count, shortened, and how many kinds more, so a terminal row stays readable (a folder's
/// summary ran to 1 500 characters a line).
fn warnings_cell(w: &Warnings) -> Cell {
    let Some((code, e)) = w.0.iter().next() else {
        return Cell::from("");
    };
    let label = code.label();
    let label = if label.chars().count() > WARNING_SHOWN {
        let cut: String = label.chars().take(WARNING_SHOWN - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        label.to_string()
    };
    let mut shown = format!("{label}: {}", e.count);
    if w.0.len() > 1 {
        let more = crate::output::words::count(w.0.len() - 1, ["вид", "вида", "видов"]);
        shown.push_str(&format!("; ещё {more}"));
    }
    Cell::from(w.summary()).shown(shown)
}

/// [`table`] for a report people read (the report's «Входные данные» sheet and `csv/inputs.csv`):
/// the «Вид» column holds the kind's Russian words (`words::input_kind`, as `inspect` shows it)
/// as its value, not the code.
pub fn table_in_words(l: &Loaded) -> Table {
    const KIND: usize = 2;
    let mut t = table(l);
    for row in &mut t.rows {
        if let Cell::Shown(_, words) = &row[KIND] {
            row[KIND] = Cell::from(words.as_str());
        }
    }
    t
}

/// One row per input (file or sheet) with the dataset's totals as a note.
pub fn table(l: &Loaded) -> Table {
    let mut t = Table::new(&[
        "Файл",
        "Лист",
        "Вид",
        "Год",
        "Класс",
        "Предмет",
        "Строк",
        "Школ",
        "Участников",
        "Отсутств.",
        "Невалид. баллы",
        "Школ с участниками",
        "Предупреждения",
    ]);
    t.rows.extend(l.reports.iter().map(input_row));
    table_notes(l, &mut t);
    t
}

/// The row of one input of [`table`]: file, sheet, kind (or why it was skipped), year(s), grade,
/// subject, sizes, the per-pupil counts and its warnings.
fn input_row(r: &crate::input::report::InputReport) -> Vec<Cell> {
    let p = r.pupils.as_ref();
    let opt = Cell::opt_int::<usize>;
    let file = std::path::Path::new(&r.path)
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let years = match (r.year, r.years.as_slice()) {
        (Some(y), _) => Cell::int(y),
        (None, [y]) => Cell::int(*y),
        _ => r
            .years
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(",")
            .into(),
    };
    vec![
        file.into(),
        r.sheet.clone().unwrap_or_default().trim().into(),
        if let Some(why) = &r.skipped {
            format!("пропущен: {why}").into()
        } else {
            // people read the kind in Russian, data keeps the code (as JSON `kind`)
            Cell::from(r.kind.as_str()).shown(crate::output::words::input_kind(&r.kind))
        },
        years,
        Cell::opt_int(r.grade),
        r.subject.clone().unwrap_or_default().into(),
        Cell::int(r.rows),
        Cell::int(r.schools),
        opt(p.map(|p| p.participants).or(r.participants)),
        opt(p.map(|p| p.absent)),
        opt(p.map(|p| p.invalid_totals)),
        opt(p.map(|p| p.schools_with_participants)),
        warnings_cell(&r.warnings),
    ]
}

/// The note of a table whose warnings cells are shortened: where to read them whole.
const WARNINGS_IN_FULL: &str =
    "Предупреждения полностью, с примерами строк: --format json или --format csv";

/// The notes under [`table`]: where the full warnings are, unmatched indicators, joined
/// protocols, the dataset's warnings, the context year and the totals.
fn table_notes(l: &Loaded, t: &mut Table) {
    if l.reports.iter().any(|r| !r.warnings.is_empty()) {
        t.notes.push(WARNINGS_IN_FULL.into());
    }
    for r in l.reports.iter().filter(|r| !r.unmatched.is_empty()) {
        t.notes.push(format!(
            "{}{}: показатели не сопоставлены с показателями индекса и не используются: {}",
            r.path,
            r.sheet
                .as_ref()
                .map(|s| format!(" [лист «{s}»]"))
                .unwrap_or_default(),
            r.unmatched.join("; ")
        ));
    }
    let joined: std::collections::BTreeSet<&Vec<String>> = l
        .reports
        .iter()
        .filter(|r| !r.joined.is_empty())
        .map(|r| &r.joined)
        .collect();
    for files in joined {
        t.notes.push(format!(
            "Протоколы одной школы и процедуры объединены (результат школы — по ученикам всех): {}",
            files.join("; ")
        ));
    }
    if !l.warnings.is_empty() {
        t.notes.push(format!(
            "Сводные предупреждения: {}",
            crate::model::warning::in_words(&l.warnings.summary())
        ));
    }
    if let Some(y) = l.data.context_years.applied() {
        t.notes
            .push(format!("Таблицы контекста: показатели за {y} год"));
    }
    let d = &l.data;
    t.notes.push(format!(
        "Итого: результатов {}, школ {}, строк журнала {}, рисковых профилей {}, маркеров {}, опорных строк {}",
        d.results.height(), d.schools.height(), d.tables.journal.height(), d.risk.height(), d.tables.markers.height(), d.tables.reference.height()
    ));
}
