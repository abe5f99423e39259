//! The page's figures (`report.html`), taken from the pipeline's results.
use super::{Part, Pipeline};
use crate::config::Config;
use crate::method::compare::Block;
use crate::method::monitor::Monitor;
use crate::method::select;
use crate::output;
use crate::output::html::{self, Flow, IndexChart, Intervals};
use anyhow::Result;

/// The page's figures, taken from the pipeline's results: shares pooled over the window (the
/// figures of stage 2) for the distribution and the clusters, the resilience model's schools and
/// expected values, the comparison's intervals and the monitor's transitions.
pub(super) fn page(p: &Pipeline, cfg: &Config, parts: &[Part]) -> Result<html::Page> {
    let table_of = |sheet: &str| {
        parts
            .iter()
            .find(|x| x.sheet == sheet)
            .and_then(|x| x.table.as_ref().ok().cloned())
            .unwrap_or_default()
    };
    // the context's sums of the window when they are those of the selection's window (as the
    // stages read them); its schools with a row in year Y only have no share and are skipped
    let pooled = match &p.ctx.pooled {
        Some(sums) if sums.fits(&p.sel.window, cfg) => {
            crate::method::procedures::pooled_map(&sums.df)?
        }
        _ => crate::method::procedures::pooled_all(&p.ctx.frames.results, &p.sel.window, cfg)?,
    };
    let confirmed: std::collections::BTreeMap<String, &select::SchoolResult> = p
        .sel
        .schools
        .iter()
        .filter(|x| x.stage_reached == 3)
        .map(|x| (crate::input::text::school_id(&x.login), x))
        .collect();
    let mut clusters = Vec::new();
    for (sid, pl) in &pooled {
        let (Some(s2), Some(q)) = (pl.share2(), pl.quality()) else {
            continue;
        };
        clusters.push(match confirmed.get(sid) {
            Some(x) => (
                x.share2.unwrap_or(s2),
                x.quality.unwrap_or(q),
                x.cluster.map(|c| c.to_string()).unwrap_or_default(),
                x.selected,
            ),
            None => (s2, q, String::new(), false),
        });
    }
    let pct0 = |v: f64| output::pct(v, 0);
    Ok(html::Page {
        title: format!("Отбор ШНОР {}: отчёт shnor", p.year),
        summary: table_of("Сводка"),
        final_list: table_of("Итоговый список"),
        shares: pooled.values().filter_map(|x| x.share2()).collect(),
        thresholds: vec![
            (
                format!("сильно неуспевающие ≥ {} %", pct0(cfg.cluster.strong)),
                cfg.cluster.strong,
            ),
            (
                format!("умеренно неуспевающие ≥ {} %", pct0(cfg.cluster.moderate)),
                cfg.cluster.moderate,
            ),
            (
                format!(
                    "порог этапа 1 (по процедуре) {} %",
                    pct0(cfg.stage1.threshold)
                ),
                cfg.stage1.threshold,
            ),
        ],
        clusters,
        index: index_chart(p, cfg),
        municipalities: p
            .compare
            .as_ref()
            .map(|b| intervals(b))
            .map_err(Clone::clone),
        flows: p
            .monitor
            .as_ref()
            .map(|(_, m)| flows(m))
            .map_err(Clone::clone),
        below: crate::method::procedures::below_min_kind(&p.ctx.frames.results, &p.sel.window)?,
        changes: parts
            .iter()
            .find(|x| x.sheet == "Вход и выход")
            .map(|x| x.table.clone())
            .unwrap_or_else(|| Err("нет динамики".into())),
    })
}

/// ИСБШ against the results score of the resilience model's schools, resilient ones marked, and
/// the least-squares line of the score on the index; without an index, why — in the words of the
/// summary (`index::missing_reason`: which indicators the inputs lack and which they carry; fresh-eyes
/// run 13: the chart said «нет показателей контекста» beside a summary naming the ones given).
fn index_chart(p: &Pipeline, cfg: &crate::config::Config) -> Result<IndexChart, String> {
    let r = p
        .ctx
        .resilience
        .as_ref()
        .filter(|_| !p.ctx.index.schools.is_empty())
        .ok_or_else(|| {
            crate::method::index::missing_reason(&p.ctx.frames, cfg)
                .ok()
                .flatten()
                .unwrap_or_else(|| "во входных данных нет показателей контекста (ИСБШ)".into())
        })?;
    let points = r
        .schools
        .iter()
        .filter_map(|s| {
            let res = s.labels.contains(&crate::method::resilience::RESILIENT);
            s.index.map(|i| (i, s.actual, res))
        })
        .collect();
    let line = crate::method::resilience::index_line(r)
        .map(|l| l.to_vec())
        .unwrap_or_default();
    Ok(IndexChart { points, line })
}

/// One chart per procedure: each municipality's share of «2» with its interval against the region.
fn intervals(blocks: &[Block]) -> Vec<Intervals> {
    blocks
        .iter()
        .filter_map(|b| {
            Some(Intervals {
                title: format!("{}, {}", b.procedure, b.year),
                below: crate::method::procedures::BelowMin::of(b.procedure.split(' ').next()),
                region: b.region.share2?,
                rows: b
                    .municipalities
                    .iter()
                    .filter_map(|m| {
                        let (v, ci) = (m.figures.share2?, m.figures.share2_ci?);
                        Some((m.municipality.clone(), v, ci[0], ci[1], m.worse))
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The monitor's transitions as flows.
fn flows(m: &Monitor) -> Vec<Flow> {
    let mut out = Vec::new();
    for t in &m.transitions {
        for (from, to) in &t.matrix {
            for (k, n) in to {
                out.push(Flow {
                    from_year: t.from_year,
                    to_year: t.to_year,
                    from: from.clone(),
                    to: k.clone(),
                    schools: *n,
                });
            }
        }
    }
    out
}
