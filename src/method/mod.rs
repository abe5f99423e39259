//! The method: pure functions from the loaded data + config to results + ledger. No I/O.
pub mod bottom;
pub mod cluster;
pub mod compare;
pub mod context;
pub mod frame;
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

/// `judge` of every item across rayon's threads, in chunks (eight a thread); results and warnings joined in item order, so the output does not depend on the
/// thread count.
pub fn judge_in_order<T: Sync, R: Send>(
    items: &[T],
    judge: &(impl Fn(&T, &mut Warnings) -> Option<R> + Sync),
) -> (Vec<R>, Warnings) {
    use rayon::prelude::*;
    let size = items
        .len()
        .div_ceil(8 * rayon::current_num_threads())
        .max(1);
    // rayon's indexed collect keeps the chunks in item order
    let parts: Vec<(Vec<R>, Warnings)> = items
        .par_chunks(size)
        .map(|chunk| {
            let mut w = Warnings::default();
            let v: Vec<R> = chunk.iter().filter_map(|x| judge(x, &mut w)).collect();
            (v, w)
        })
        .collect();
    let mut out = Vec::with_capacity(items.len());
    let mut warnings = Warnings::default();
    for (v, w) in parts {
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
