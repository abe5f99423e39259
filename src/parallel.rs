//! Work spread over the cores with results in input order, so that no output depends on the
//! number of threads or on which finished first.

/// Threads to use: one per core the system gives this process.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `f` of every item, on up to one thread per core, each taking the next item when it is free (a
/// thread the host holds back does not hold the rest up); the results in item order.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (f, next) = (&f, &next);
                sc.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(k) else { break };
                        mine.push((k, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    });
    done.sort_unstable_by_key(|d| d.0);
    done.into_iter().map(|d| d.1).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_item_order() {
        let items: Vec<u64> = (0..500).collect();
        let out = super::map_in_order(&items, |x| {
            // uneven work, so that threads finish out of order
            (0..(x % 13) * 1000).fold(*x, |a, b| a.wrapping_add(b % 2))
        });
        let expected: Vec<u64> = items
            .iter()
            .map(|x| (0..(x % 13) * 1000).fold(*x, |a, b| a.wrapping_add(b % 2)))
            .collect();
        assert_eq!(out, expected);
        assert!(super::map_in_order(&[] as &[u8], |x| *x).is_empty());
    }
}
