//! `shnor objectivity`: the objectivity screen of ВПР relative to the region.
use super::{inputs_json, DataArgs};
use crate::config::ObjectivityMethod;
use crate::method::fioko::{RegionIndex, Tally, MARKERS};
use crate::method::objectivity;
use crate::model::domain::Marker;
use crate::output::{num, pct, Format, Table};
use anyhow::Result;
use serde_json::json;

/// Objectivity screen of ВПР: ФИОКО's markers with the region's objectivity index
/// (`objectivity.method = "fioko"`, default), or journal comparison and the boundary peak
/// relative to the region (`"relative"`), or both.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
}

/// Print the regional figures per procedure and each school-year's flags (CSV: the flags only).
pub fn run(a: &Args) -> Result<()> {
    crate::timing("objectivity: start");
    let (cfg, loaded) = a.data.load()?;
    let frames = crate::model::frames::build(&loaded.data)?;
    crate::timing("inputs loaded, frames built");
    let s = objectivity::screen(&frames, &cfg)?;
    crate::timing("objectivity screen");
    let relative = cfg.objectivity.method != ObjectivityMethod::Fioko;
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
            let words = crate::narrative::flag_numbers(f);
            t.rows.push(vec![
                sy.login.clone(),
                sy.year.to_string(),
                match (&words, Marker::from_label(&f.marker)) {
                    (Some(_), Some(m)) => format!("{} ({})", short(m), m.label()),
                    _ => f.marker.clone(),
                },
                f.procedure.clone(),
                words.unwrap_or_else(|| f.numbers.to_string()),
                if f.doubtful {
                    "да".into()
                } else {
                    "нет (завышены отметки школы)".into()
                },
            ]);
        }
    }
    if cfg.objectivity.method != ObjectivityMethod::Relative && s.fioko.is_empty() {
        t.notes.push(
            "Маркеры ФИОКО не вычислены: нет поимённых протоколов ВПР по русскому языку и математике 4–5 кл.".into(),
        );
    }
    if !s.warnings.is_empty() {
        t.notes
            .push(format!("Предупреждения: {}", s.warnings.summary()));
    }
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"counts": s.counts, "official_years": s.official_years, "regions": s.regions, "fioko": s.fioko, "warnings": s.warnings},
        "schools": s.schools,
    });
    let tables = if a.data.format() == Format::Csv {
        vec![t]
    } else {
        let mut v = fioko_tables(&s.fioko);
        if relative {
            v.push(reg);
        }
        v.push(t);
        v
    };
    a.data.output.write(&tables, &json)
}

/// «отмечено / оценено» of a tally.
fn tally(t: Option<&Tally>) -> String {
    t.map(|t| format!("{} / {}", t.marked, t.judged))
        .unwrap_or_default()
}

/// The ФИОКО tables: the objectivity index per region-year, then the markers per procedure
/// (none under `objectivity.method = "relative"`).
fn fioko_tables(idx: &[RegionIndex]) -> Vec<Table> {
    if idx.is_empty() {
        return Vec::new();
    }
    let marker_heads: Vec<String> = MARKERS
        .iter()
        .map(|m| format!("{}: отмечено / оценено", short(*m)))
        .collect();
    let mut heads = vec![
        "Регион",
        "Год",
        "Школ",
        "С признаками",
        "Индекс объективности",
    ];
    heads.extend(marker_heads.iter().map(String::as_str));
    let mut t = Table::new(&heads);
    t.title = Some("Уровень объективности (ФИОКО): 100 − % школ хотя бы с одним признаком".into());
    let mut ph = vec![
        "Регион",
        "Год",
        "Процедура",
        "Школ (уч.)",
        "Средний балл региона, 95 % интервал",
    ];
    ph.extend(marker_heads.iter().map(String::as_str));
    ph.push("Критические K");
    let mut p = Table::new(&ph);
    p.title = Some("Маркеры ФИОКО по процедурам".into());
    for r in idx {
        let mut row = vec![
            r.region.clone(),
            r.year.to_string(),
            r.schools.to_string(),
            r.marked_schools.to_string(),
            num(r.index, 1),
        ];
        row.extend(MARKERS.iter().map(|m| tally(r.markers.get(m.label()))));
        t.rows.push(row);
        for pr in &r.procedures {
            let mut row = vec![
                r.region.clone(),
                r.year.to_string(),
                pr.procedure.clone(),
                format!("{} ({})", pr.schools, pr.pupils),
                match (pr.region_mean, pr.region_interval) {
                    (Some(m), Some([lo, hi])) => {
                        format!("{} ({}–{})", num(m, 2), num(lo, 2), num(hi, 2))
                    }
                    _ => String::new(),
                },
            ];
            row.extend(MARKERS.iter().map(|m| tally(pr.markers.get(m.label()))));
            row.push(
                pr.cohort_critical
                    .map(|[lo, hi]| format!("{} … {}", num(lo, 2), num(hi, 2)))
                    .unwrap_or_default(),
            );
            p.rows.push(row);
        }
    }
    t.notes.push(
        "Признаки: 95 % интервал среднего балла школы выше регионального; r Спирмена школьной отметки и балла < 0; K = S(4 кл., Y−1) / S(5 кл., Y) вне Q1 − 3·IQR … Q3 + 3·IQR".into(),
    );
    vec![t, p]
}

/// A ФИОКО marker's short Russian name (table headers).
fn short(m: Marker) -> &'static str {
    match m {
        Marker::InflatedMean => "завышен средний балл",
        Marker::MarksMismatch => "противоречие отметкам",
        Marker::CohortDrop => "резкое падение 4→5",
        Marker::CohortRise => "резкий рост 4→5",
        _ => m.label(),
    }
}
