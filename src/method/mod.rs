//! The method: pure functions from the loaded data + config to results + ledger. No I/O.
pub mod bottom;
pub mod cluster;
pub mod compare;
pub mod context;
pub mod index;
pub mod ledger;
pub mod monitor;
pub mod objectivity;
pub mod procedures;
pub mod resilience;
pub mod risk;
pub mod select;
pub mod stage3;
pub mod strata;
pub mod sweep;

use crate::input::report::Warnings;

/// `judge` of every item, on one thread per core (at most eight): eight chunks a thread, taken by
/// whichever thread is free (one the host holds back does not hold the rest up); results and
/// warnings joined in item order, so the output does not depend on the thread count.
pub fn judge_in_order<T: Sync, R: Send>(
    items: &[T],
    judge: &(impl Fn(&T, &mut Warnings) -> Option<R> + Sync),
) -> (Vec<R>, Warnings) {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunks: Vec<&[T]> = items
        .chunks(items.len().div_ceil(8 * threads).max(1))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut parts: Vec<(usize, Vec<R>, Warnings)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads.min(chunks.len()))
            .map(|_| {
                let (chunks, next) = (&chunks, &next);
                sc.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(chunk) = chunks.get(k) else { break };
                        let mut w = Warnings::default();
                        let v: Vec<R> = chunk.iter().filter_map(|x| judge(x, &mut w)).collect();
                        done.push((k, v, w));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a judging thread panicked"))
            .collect()
    });
    parts.sort_unstable_by_key(|p| p.0);
    let mut out = Vec::with_capacity(items.len());
    let mut warnings = Warnings::default();
    for (_, v, w) in parts {
        out.extend(v);
        warnings.merge(w);
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::judge_in_order;
    use crate::input::report::Warnings;

    #[test]
    fn judged_in_item_order_with_warnings_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        let (out, w) = judge_in_order(&items, &|x: &u32, w: &mut Warnings| {
            if x.is_multiple_of(7) {
                w.add("seven", x.to_string());
            }
            (!x.is_multiple_of(3)).then_some(x * 2)
        });
        let expected: Vec<u32> = items
            .iter()
            .filter(|x| *x % 3 != 0)
            .map(|x| x * 2)
            .collect();
        assert_eq!(out, expected);
        let seven = &w.0["seven"];
        assert_eq!(seven.count, 143);
        assert_eq!(seven.examples, ["0", "7", "14"]);
        assert!(
            judge_in_order(&[] as &[u32], &|_: &u32, _: &mut Warnings| Some(1))
                .0
                .is_empty()
        );
    }
}
