//! The report's parts: one table per sheet and CSV, in sheet order, each present or absent with
//! the reason; the selection's own filled beside the dynamics ([`Early`]).
use super::Pipeline;
use crate::config::Config;
use crate::input::Loaded;
use crate::method::select::{Context, Selection};
use crate::output::{self, xlsx, Cell, Table};
use anyhow::Result;

/// One part of the report: its sheet name, CSV file stem and table, or why it is absent.
pub struct Part {
    pub sheet: &'static str,
    pub file: &'static str,
    pub table: Result<Table, String>,
}

/// The parts built beside the dynamics (final list to objectivity, then inputs) with their sheets.
pub struct Early {
    parts: Vec<Part>,
    sheets: Vec<Option<xlsx::Worksheet>>,
}

/// The parts that read only the selection and its context, with their sheets.
pub(super) fn early(
    year: i32,
    sel: &Selection,
    ctx: &Context,
    loaded: &Loaded,
    cfg: &Config,
    book: &xlsx::Book,
) -> Result<Early> {
    let parts = early_parts(year, sel, ctx, loaded, cfg);
    crate::timing("  early: parts");
    let sheets = sheets(&parts, book)?;
    crate::timing("  early: sheets");
    Ok(Early { parts, sheets })
}

/// Each part's sheet, side by side (rayon); none for an absent part.
fn sheets(parts: &[Part], book: &xlsx::Book) -> Result<Vec<Option<xlsx::Worksheet>>> {
    use rayon::prelude::*;
    parts
        .par_iter()
        .map(|x| {
            x.table
                .as_ref()
                .ok()
                .map(|t| book.sheet(x.sheet, t))
                .transpose()
        })
        .collect()
}

/// A part; a table without rows is absent, with that reason.
fn part(sheet: &'static str, file: &'static str, table: Result<Table, String>) -> Part {
    let table = match table {
        Ok(t) if t.rows.is_empty() => {
            Err("таблица пуста: во входных данных нет ни одной её строки".into())
        }
        t => t,
    };
    Part { sheet, file, table }
}

/// Two tables made together as two parts: both present, or both absent for the same reason.
type Pair = (Result<Table, String>, Result<Table, String>);

fn split(r: Result<(Table, Table), String>) -> Pair {
    match r {
        Ok((a, b)) => (Ok(a), Ok(b)),
        Err(why) => (Err(why.clone()), Err(why)),
    }
}

/// The parts that read only the selection and its context, in sheet order (final list to
/// objectivity), then the inputs.
fn early_parts(
    year: i32,
    sel: &Selection,
    ctx: &Context,
    loaded: &Loaded,
    cfg: &Config,
) -> Vec<Part> {
    let no_index = crate::method::index::missing_reason(&ctx.frames, cfg)
        .ok()
        .flatten()
        .unwrap_or_else(|| "ИСБШ не вычислен: нет школ с показателями индекса".to_string());
    let index = (!ctx.index.schools.is_empty())
        .then(|| crate::commands::index::table(&ctx.index, &loaded.data))
        .ok_or_else(|| no_index.clone());
    let (resilience_model, resilience) = split(
        ctx.resilience
            .as_ref()
            .filter(|_| index.is_ok())
            .map(|r| crate::commands::resilient::tables(r, year, &loaded.data))
            .ok_or_else(|| no_index.to_string()),
    );
    let [fioko_index, fioko_markers, objectivity_regions, objectivity] =
        objectivity(ctx, cfg, &loaded.data);
    vec![
        part("Итоговый список", "final_list", Ok(final_list(sel, loaded))),
        part("Все школы", "schools", Ok(all_schools(sel))),
        part("12 групп", "groups", Ok(groups(sel))),
        part("ИСБШ", "index", index),
        part("Устойчивость", "resilience", resilience),
        part("Модель МНК", "resilience_model", resilience_model),
        part("Объективность (ФИОКО)", "objectivity_index", fioko_index),
        part("Маркеры ФИОКО", "objectivity_markers", fioko_markers),
        part("Объективность", "objectivity", objectivity),
        part(
            "Объективность, регион",
            "objectivity_regions",
            objectivity_regions,
        ),
        part(
            "Входные данные",
            "inputs",
            Ok(crate::commands::inspect::table_in_words(loaded)),
        ),
    ]
}

/// The parts of the comparison, the dynamics and the risk profiles, in sheet order.
fn late_parts(p: &Pipeline, loaded: &Loaded, cfg: &Config) -> Vec<Part> {
    let (dynamics, transitions) = split(
        p.monitor
            .as_ref()
            .map(|(years, m)| {
                let below = crate::method::procedures::below_min_kind(&loaded.data.results, years)
                    .unwrap_or(crate::method::procedures::BelowMin::Mark2);
                crate::commands::monitor::tables(m, years, cfg, below)
            })
            .map_err(Clone::clone),
    );
    let (risk, risk_selected) = split(
        p.risk
            .as_ref()
            .map(|r| crate::commands::risk::tables(r, p.year))
            .map_err(Clone::clone),
    );
    vec![
        part(
            "МО и регион",
            "municipalities",
            p.compare
                .as_ref()
                .map(|b| crate::commands::compare::flat_table(b))
                .map_err(Clone::clone),
        ),
        part("Динамика", "dynamics", dynamics),
        part("Переходы", "transitions", transitions),
        part(
            "Вход и выход",
            "list_changes",
            p.monitor
                .as_ref()
                .map(|(_, m)| crate::commands::monitor::changes(m))
                .map_err(Clone::clone),
        ),
        part("Рисковые профили", "risk", risk),
        part("Профили ШНОР", "risk_selected", risk_selected),
    ]
}

/// Every part of the report in sheet order (summary first, inputs last) with its sheet: the
/// early ones filled beside the dynamics, the others and the summary here.
pub(super) fn parts(
    p: &Pipeline,
    loaded: &Loaded,
    cfg: &Config,
    early: Early,
    book: &xlsx::Book,
) -> Result<(Vec<Part>, Vec<Option<xlsx::Worksheet>>)> {
    let Early {
        parts: mut out,
        sheets: mut filled,
    } = early;
    let late = late_parts(p, loaded, cfg);
    let late_sheets = sheets(&late, book)?;
    // the inputs stay last
    let at = out.len() - 1;
    out.splice(at..at, late);
    filled.splice(at..at, late_sheets);
    let summary = vec![part("Сводка", "summary", Ok(summary(p, cfg, &out)))];
    let summary_sheet = sheets(&summary, book)?;
    out.splice(0..0, summary);
    filled.splice(0..0, summary_sheet);
    Ok((out, filled))
}

/// The objectivity parts: ФИОКО's index per region-year and markers per procedure
/// (`commands::objectivity::fioko_tables`), the flags per school-year, and the relative screen's
/// regional figures (only under `objectivity.method` `relative` or `both`); each absent with its
/// reason when the method did not compute it or it has no rows.
fn objectivity(
    ctx: &Context,
    cfg: &Config,
    ds: &crate::model::Dataset,
) -> [Result<Table, String>; 4] {
    use crate::config::ObjectivityMethod as M;
    let s = &ctx.screen;
    let method = cfg.objectivity.method;
    let (regions, flags) = crate::commands::objectivity::tables(s, method, ds);
    let mut fioko = crate::commands::objectivity::fioko_tables(
        &s.fioko,
        cfg.objectivity.fioko_t,
        cfg.objectivity.fioko_iqr_k,
    )
    .into_iter();
    let no_fioko = match method {
        M::Relative => "objectivity.method = \"relative\": маркеры ФИОКО не вычисляются",
        _ => "маркеры ФИОКО не вычислены: нет поимённых протоколов ВПР по русскому языку и математике 4–5 кл.",
    };
    let rows = |t: Option<Table>, why: &str| {
        t.filter(|t| !t.rows.is_empty())
            .ok_or_else(|| why.to_string())
    };
    let regions = match method {
        M::Fioko => {
            Err("objectivity.method = \"fioko\": экран относительно региона не вычисляется".into())
        }
        _ => rows(
            Some(regions),
            "во входных данных нет сравнения с журналом или гистограмм баллов",
        ),
    };
    [
        rows(fioko.next(), no_fioko),
        rows(fioko.next(), no_fioko),
        regions,
        rows(
            Some(flags),
            "ни у одной школы нет признаков необъективности",
        ),
    ]
}

fn final_list(sel: &Selection, loaded: &Loaded) -> Table {
    crate::commands::select::list_table(sel, &crate::commands::select::ordered(sel, false), loaded)
}

/// The summary sheet: year, window, counts per stage, the config's checksum and each part's
/// presence (with the reason when absent).
fn summary(p: &Pipeline, cfg: &Config, parts: &[Part]) -> Table {
    let sm = crate::commands::select::summary(&p.sel);
    let mut t = Table::new(&["Показатель", "Значение"]);
    t.title = Some(format!("Отчёт shnor: отбор ШНОР {}", p.year));
    let count = |k: &str| Cell::opt_int(sm[k].as_u64());
    let rows: Vec<(String, Cell)> = vec![
        ("Год отбора".into(), Cell::int(p.year)),
        (
            "Окно".into(),
            crate::method::procedures::window_label(&p.sel.window).into(),
        ),
        ("Этап 1: школ".into(), count("stage1_entered")),
        ("Этап 1: кандидатов".into(), count("candidates")),
        ("Этап 2: подтверждено".into(), count("confirmed")),
        ("Этап 3: отобрано".into(), count("selected")),
        ("Пограничных".into(), count("borderline")),
        (
            "Кандидатов с признаками необъективности (скрининг)".into(),
            count("objectivity_flagged"),
        ),
        ("Непустых групп из 12".into(), count("groups_nonempty")),
        ("Конфигурация, sha256".into(), cfg.sha256().into()),
    ];
    let rows = rows.into_iter().chain(p.ctx.screen.fioko.iter().map(|r| {
        (
            format!(
                "Уровень объективности ВПР (ФИОКО), регион {}, {}",
                r.region, r.year
            ),
            Cell::num(Some(r.index), 1).shown(format!(
                "{} ({} из {} с признаками)",
                output::num(r.index, 1),
                r.marked_schools,
                output::words::count(r.schools, output::words::OF_SCHOOLS)
            )),
        )
    }));
    t.rows = rows.map(|(k, v)| vec![k.into(), v]).collect();
    for x in parts {
        let status = match &x.table {
            Ok(_) => "есть".to_string(),
            Err(why) => format!("нет: {why}"),
        };
        t.rows
            .push(vec![format!("Раздел «{}»", x.sheet).into(), status.into()]);
    }
    t
}

/// Every school of stage 1 with the stage it reached, the outcome and its ledger in brief.
fn all_schools(sel: &Selection) -> Table {
    let mut t = Table::new(&[
        "Логин",
        "Школа",
        "Муниципалитет",
        "Страта",
        "Этап",
        "Кандидат",
        "Причина исключения",
        "Кластер",
        "Группа",
        "Место в группе",
        "Отобрана",
        "Итог",
        "Правила этапа 1",
        "Журнал правил",
    ]);
    t.title = Some("Все школы этапа 1".into());
    let yn = |b: bool| Cell::from(if b { "да" } else { "нет" });
    for x in crate::commands::select::ordered(sel, true) {
        let fired: Vec<&str> = x
            .ledger
            .0
            .iter()
            .filter(|e| e.stage == 1 && e.outcome() == "fired")
            .map(|e| e.short().0)
            .collect();
        let ledger: Vec<String> = x
            .ledger
            .0
            .iter()
            .map(|e| {
                let (rule, outcome) = e.short();
                format!("{}: {} → {}", e.stage, rule, outcome)
            })
            .collect();
        t.rows.push(vec![
            crate::model::identity::shown_key(&x.login).into(),
            x.name.clone().into(),
            x.municipality.clone().into(),
            output::words::stratum(x.stratum).into(),
            Cell::int(x.stage_reached),
            yn(x.candidate),
            x.excluded_reason
                .map(|r| crate::narrative::exclusion(r, &x.ledger))
                .unwrap_or_default()
                .into(),
            x.cluster.map(|c| c.to_string()).unwrap_or_default().into(),
            output::words::group(x.group.as_deref().unwrap_or_default()).into(),
            Cell::opt_int(x.rank_in_group),
            yn(x.selected),
            crate::commands::select::why_stopped(x).into(),
            fired.join(", ").into(),
            ledger.join("; ").into(),
        ]);
    }
    t
}

/// The 12 groups (cluster × settlement × deficit) with the confirmed and selected schools.
fn groups(sel: &Selection) -> Table {
    let sm = crate::commands::select::summary(sel);
    let mut t = Table::new(&["Группа", "Подтверждено", "Отобрано"]);
    t.title = Some("Группы этапа 3".into());
    if let Some(g) = sm["per_group"].as_object() {
        for (name, v) in g {
            t.rows.push(vec![
                output::words::group(name).into(),
                Cell::opt_int(v["confirmed"].as_u64()),
                Cell::opt_int(v["selected"].as_u64()),
            ]);
        }
    }
    t
}
