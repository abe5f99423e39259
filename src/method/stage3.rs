//! Stage 3 (METHOD.md §3): severity rank within each group, `per_group` picks, then the caps.
use super::ledger::Fact;
use super::select::SchoolResult;
use crate::config::Config;
use std::collections::BTreeMap;

pub fn severity(a: &SchoolResult, b: &SchoolResult) -> std::cmp::Ordering {
    let s = |x: &SchoolResult| x.share2.unwrap_or(0.0);
    let q = |x: &SchoolResult| x.quality.unwrap_or(f64::INFINITY);
    s(b).total_cmp(&s(a))
        .then(q(a).total_cmp(&q(b)))
        .then(a.login.cmp(&b.login))
}

/// Stage 3: rank within each group, take `per_group`, then the caps.
pub fn stage3(all: &mut [SchoolResult], cfg: &Config) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in all.iter().enumerate() {
        if s.stage_reached == 3 {
            groups.entry(s.group.clone().unwrap()).or_default().push(i);
        }
    }
    let mut picked = Vec::new();
    for (g, idx) in &groups {
        let mut idx = idx.clone();
        idx.sort_by(|&a, &b| severity(&all[a], &all[b]));
        let n = idx.len();
        for (rank, &i) in idx.iter().enumerate() {
            let s = &mut all[i];
            s.rank_in_group = Some(rank as u32 + 1);
            let take = (rank as u32) < cfg.stage3.per_group;
            s.ledger.note(
                3,
                Fact::PerGroup {
                    group: g.clone(),
                    rank: rank + 1,
                    of: n,
                    per_group: cfg.stage3.per_group,
                    picked: take,
                },
            );
            if take {
                picked.push(i);
            }
        }
    }
    picked.sort_by(|&a, &b| severity(&all[a], &all[b]));
    let mut keep: Vec<usize> = picked.clone();
    if cfg.stage3.per_municipality > 0 {
        let mut count: BTreeMap<String, u32> = BTreeMap::new();
        keep.retain(|&i| {
            let m = if all[i].municipality_code.is_empty() {
                crate::input::text::municipality_key(&all[i].municipality)
            } else {
                all[i].municipality_code.clone()
            };
            let c = count.entry(m).or_default();
            *c += 1;
            let ok = *c <= cfg.stage3.per_municipality;
            if !ok {
                all[i].ledger.note(
                    3,
                    Fact::PerMunicipality {
                        rank: *c,
                        cap: cfg.stage3.per_municipality,
                    },
                );
            }
            ok
        });
    }
    if cfg.stage3.total > 0 && keep.len() > cfg.stage3.total as usize {
        for (pos, &i) in keep.iter().enumerate().skip(cfg.stage3.total as usize) {
            all[i].ledger.note(
                3,
                Fact::Total {
                    rank: pos + 1,
                    cap: cfg.stage3.total,
                },
            );
        }
        keep.truncate(cfg.stage3.total as usize);
    }
    for i in keep {
        all[i].selected = true;
    }
}
