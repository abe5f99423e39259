//! `shnor index`, `shnor resilient`, `shnor objectivity`: the context side of the method.
use super::select::inputs_json;
use crate::config::Config;
use crate::input;
use crate::method::{index, objectivity, resilience, select};
use crate::output::{self, num, pct, Format, Table};
use anyhow::Result;
use serde_json::json;

fn factors(f: &[index::Factor]) -> String {
    f.iter()
        .map(|x| {
            format!(
                "{} {}{}",
                x.indicator,
                if x.contribution >= 0.0 { "+" } else { "−" },
                num(x.contribution.abs(), 2)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn run_index(a: &super::Common) -> Result<()> {
    let cfg = Config::load(a.config)?;
    let loaded = input::load_paths(a.paths, a.opts)?;
    let r = index::compute(&crate::model::frames::build(&loaded.data)?, &cfg)?;
    if r.schools.is_empty() {
        return Err(crate::error::data("no context indicators in the inputs: the index needs a registry/context table with the ИСБШ indicators (see docs/INPUTS.md)"));
    }
    let mut t = Table::new(&[
        "Логин",
        "ИСБШ",
        "Группа",
        "Покрытие, %",
        "ШНСУ",
        "Главные факторы",
        "Примечание",
    ]);
    t.title = Some(format!(
        "ИСБШ ({}): {} школ, показатели: {}",
        r.method,
        r.schools.len(),
        r.indicators.join(", ")
    ));
    for s in &r.schools {
        t.rows.push(vec![
            s.login.clone(),
            s.index.map(|v| num(v, 3)).unwrap_or_default(),
            s.index_group.map(|g| g.to_string()).unwrap_or_default(),
            pct(s.coverage, 0),
            if s.shnsu {
                "ШНСУ".into()
            } else {
                String::new()
            },
            factors(&s.top_factors),
            s.missing_reason.clone().unwrap_or_default(),
        ]);
    }
    if !r.warnings.is_empty() {
        t.notes
            .push(format!("Предупреждения: {}", r.warnings.summary()));
    }
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"method": r.method, "indicators": r.indicators, "dropped": r.dropped, "edges": r.edges, "pca_loadings": r.pca_loadings,
            "schools": r.schools.len(), "with_index": r.schools.iter().filter(|s| s.index.is_some()).count(), "shnsu": r.schools.iter().filter(|s| s.shnsu).count(), "warnings": r.warnings},
        "schools": r.schools,
    });
    output::emit(&output::render(a.format, &[t], &json)?, a.out)
}

pub fn run_resilient(a: &super::Common) -> Result<()> {
    let cfg = Config::load(a.config)?;
    let loaded = input::load_paths(a.paths, a.opts)?;
    let year = select::resolve_year(&loaded.data, &cfg, a.year)?;
    let idx = index::compute(&crate::model::frames::build(&loaded.data)?, &cfg)?;
    let r = resilience::compute(&loaded.data, &cfg, &idx, year)?;
    let mut model = Table::new(&[
        "Регион",
        "Член",
        "Оценка",
        "Ст. ошибка",
        "t",
        "p",
        "R²",
        "n",
    ]);
    model.title = Some(format!(
        "МНК: результат (−доля «2», z) по ИСБШ, окно {}–{year}",
        r.window[0]
    ));
    for (region, f) in &r.models {
        for c in &f.coefficients {
            model.rows.push(vec![
                region.clone(),
                c.term.clone(),
                num(c.estimate, 4),
                num(c.std_error, 4),
                num(c.t, 2),
                format!("{:.4}", c.p),
                num(f.r2, 3),
                f.n.to_string(),
            ]);
        }
    }
    let mut t = Table::new(&[
        "Логин",
        "Доля «2», %",
        "Факт",
        "Ожидание",
        "Ст. остаток",
        "ИСБШ",
        "Группа",
        "Метки",
    ]);
    t.title = Some("Школы".into());
    for s in &r.schools {
        t.rows.push(vec![
            s.login.clone(),
            pct(s.share2, 1),
            num(s.actual, 2),
            s.expected.map(|v| num(v, 2)).unwrap_or_default(),
            s.residual.map(|v| num(v, 2)).unwrap_or_default(),
            s.index.map(|v| num(v, 2)).unwrap_or_default(),
            s.index_group.map(|g| g.to_string()).unwrap_or_default(),
            s.labels.join(", "),
        ]);
    }
    if !r.warnings.is_empty() {
        t.notes
            .push(format!("Предупреждения: {}", r.warnings.summary()));
    }
    let count = |l: &str| r.schools.iter().filter(|s| s.labels.contains(&l)).count();
    let json = json!({
        "year": year,
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "model": r.models,
        "summary": {"schools": r.schools.len(), "resilient": count(resilience::RESILIENT), "above_expected": count(resilience::ABOVE), "below_expected": count(resilience::BELOW), "warnings": r.warnings},
        "schools": r.schools,
    });
    let tables = if a.format == Format::Csv {
        vec![t]
    } else {
        vec![model, t]
    };
    output::emit(&output::render(a.format, &tables, &json)?, a.out)
}

pub fn run_objectivity(a: &super::Common) -> Result<()> {
    let cfg = Config::load(a.config)?;
    let loaded = input::load_paths(a.paths, a.opts)?;
    let s = objectivity::screen(&loaded.data, &cfg);
    let mut reg = Table::new(&[
        "Регион",
        "Год",
        "Процедура",
        "Уч. с отметкой журнала",
        "Повысили (регион), %",
        "Понизили (регион), %",
        "Отношение у границы «3»",
        "Школ проверено",
    ]);
    reg.title = Some("Региональные показатели по процедурам".into());
    for r in &s.regions {
        reg.rows.push(vec![
            r.region.clone(),
            r.year.to_string(),
            r.procedure.clone(),
            r.journal_pupils.to_string(),
            r.raised_rate.map(|v| pct(v, 1)).unwrap_or_default(),
            r.lowered_rate.map(|v| pct(v, 1)).unwrap_or_default(),
            match (r.boundary_ratio, r.at_min3, r.below_min3) {
                (Some(x), Some(a), Some(b)) => format!("{} ({a} / {b})", num(x, 2)),
                _ => String::new(),
            },
            format!(
                "журнал {}, гистограмма {}",
                r.schools_checked_journal, r.schools_checked_boundary
            ),
        ]);
    }
    let mut t = Table::new(&[
        "Логин",
        "Год",
        "Признак",
        "Процедура",
        "Числа",
        "Сомнение в ВПР",
    ]);
    t.title = Some(format!(
        "Признаки необъективности: {} школо-лет с сомнением",
        s.counts["flagged_school_years"]
    ));
    for sy in &s.schools {
        for f in &sy.flags {
            t.rows.push(vec![
                sy.login.clone(),
                sy.year.to_string(),
                f.marker.clone(),
                f.procedure.clone(),
                f.numbers.to_string(),
                if f.doubtful {
                    "да".into()
                } else {
                    "нет (завышены отметки школы)".into()
                },
            ]);
        }
    }
    if !s.warnings.is_empty() {
        t.notes
            .push(format!("Предупреждения: {}", s.warnings.summary()));
    }
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"counts": s.counts, "official_years": s.official_years, "regions": s.regions, "warnings": s.warnings},
        "schools": s.schools,
    });
    let tables = if a.format == Format::Csv {
        vec![t]
    } else {
        vec![reg, t]
    };
    output::emit(&output::render(a.format, &tables, &json)?, a.out)
}
