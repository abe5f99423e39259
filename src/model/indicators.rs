//! A school's context indicators, stored by their name's place among the names loaders store.
use serde::Serialize;

/// Every indicator name a school may carry, in name order: the keys of
/// `input::context::INDICATORS` and a context form's `teachers`. A school's indicators store their
/// place here (one byte), not the name (16 bytes).
fn indicator_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut n: Vec<&'static str> = (crate::input::context::INDICATORS.iter())
            .map(|(k, _)| *k)
            .chain(["teachers"])
            .collect();
        n.sort_unstable();
        n.dedup();
        n
    })
}

/// An indicator name's place in `indicator_names` (none for a name no loader stores).
fn indicator_key(name: &str) -> Option<u8> {
    let i = indicator_names().binary_search(&name).ok()?;
    u8::try_from(i).ok()
}

/// An indicator's name resolved once (`IndicatorKey::of`), for a loader that stores the same
/// indicators for many schools (`Indicators::set_keyed`); ordered as the names are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndicatorKey(u8);

impl IndicatorKey {
    /// The key of an indicator name (none outside `input::context::INDICATORS` and `teachers`).
    pub fn of(name: &str) -> Option<IndicatorKey> {
        indicator_key(name).map(IndicatorKey)
    }
}

/// A school's context indicators: a short list of (name's place in `indicator_names`, value) kept
/// in name order (one allocation of 16 bytes an indicator per school, where a map would take
/// several nodes).
#[derive(Clone, Default, PartialEq)]
pub struct Indicators(Vec<(u8, f64)>);

impl std::fmt::Debug for Indicators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = indicator_names();
        f.debug_map()
            .entries(self.0.iter().map(|&(k, v)| (names[k as usize], v)))
            .finish()
    }
}

/// Names resolved once for `Indicators::values_at` (`Indicators::keys`).
pub struct IndicatorKeys(Vec<Option<u8>>);

impl Indicators {
    pub fn get(&self, name: &str) -> Option<&f64> {
        let k = indicator_key(name)?;
        let i = self.0.binary_search_by_key(&k, |&(x, _)| x).ok()?;
        Some(&self.0[i].1)
    }
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    /// Set an indicator; the value it had, if any.
    ///
    /// Panics on a name outside `input::context::INDICATORS` and `teachers` (a loader's bug: the
    /// names are the code's own).
    pub fn insert(&mut self, name: &'static str, v: f64) -> Option<f64> {
        let k = indicator_key(name).unwrap_or_else(|| panic!("unknown indicator {name}"));
        match self.0.binary_search_by_key(&k, |&(x, _)| x) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, v)),
            Err(i) => {
                self.0.insert(i, (k, v));
                None
            }
        }
    }
    /// `names` resolved for `values_at` (once for many schools).
    pub fn keys(names: &[&str]) -> IndicatorKeys {
        IndicatorKeys(names.iter().map(|n| indicator_key(n)).collect())
    }
    /// The values of `keys`' names, which must be in name order: one merge of the two sorted
    /// lists instead of a search per name.
    pub fn values_at<'s>(
        &'s self,
        keys: &'s IndicatorKeys,
    ) -> impl Iterator<Item = Option<f64>> + 's {
        let mut i = 0;
        keys.0.iter().map(move |&k| {
            let k = k?;
            while let Some(&(x, v)) = self.0.get(i) {
                match x.cmp(&k) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Equal => {
                        i += 1;
                        return Some(v);
                    }
                    std::cmp::Ordering::Greater => return None,
                }
            }
            None
        })
    }
    /// The values of `keys`, which must be in name order (`values_at` of `Indicators::keys`).
    pub fn values_of<'s>(&'s self, keys: &[&str]) -> impl Iterator<Item = Option<f64>> + 's {
        debug_assert!(keys.is_sorted());
        let keys = Self::keys(keys);
        let vals: Vec<Option<f64>> = self.values_at(&keys).collect();
        vals.into_iter()
    }
    /// Set several indicators; a school without any takes them in one allocation of their size.
    ///
    /// Panics: as `insert`.
    pub fn set_all(&mut self, vals: &[(&'static str, f64)]) {
        let key = |n: &'static str| {
            IndicatorKey::of(n).unwrap_or_else(|| panic!("unknown indicator {n}"))
        };
        let keyed: Vec<(IndicatorKey, f64)> = vals.iter().map(|&(n, v)| (key(n), v)).collect();
        self.set_keyed(&keyed);
    }
    /// `set_all` of names resolved once (`IndicatorKey::of`).
    pub fn set_keyed(&mut self, vals: &[(IndicatorKey, f64)]) {
        if self.0.is_empty() && vals.is_sorted_by(|a, b| a.0 < b.0) {
            self.0 = vals.iter().map(|&(k, v)| (k.0, v)).collect();
        } else {
            for &(k, v) in vals {
                match self.0.binary_search_by_key(&k.0, |&(x, _)| x) {
                    Ok(i) => self.0[i].1 = v,
                    Err(i) => self.0.insert(i, (k.0, v)),
                }
            }
        }
    }

    /// `vals` added where the school has no value of theirs; a value it has is kept. The
    /// indicators whose kept value differs from `vals`' as (name, kept, other), in name order.
    pub fn fill_keyed(&mut self, vals: &[(IndicatorKey, f64)]) -> Vec<(&'static str, f64, f64)> {
        let mut differ = Vec::new();
        for &(k, v) in vals {
            match self.0.binary_search_by_key(&k.0, |&(x, _)| x) {
                Ok(i) if self.0[i].1 != v => {
                    differ.push((indicator_names()[k.0 as usize], self.0[i].1, v));
                }
                Ok(_) => {}
                Err(i) => self.0.insert(i, (k.0, v)),
            }
        }
        differ
    }
}

impl FromIterator<(&'static str, f64)> for Indicators {
    fn from_iter<I: IntoIterator<Item = (&'static str, f64)>>(it: I) -> Self {
        let mut ind = Indicators::default();
        for (k, v) in it {
            ind.insert(k, v);
        }
        ind
    }
}

impl Serialize for Indicators {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let names = indicator_names();
        s.collect_map(self.0.iter().map(|&(k, v)| (names[k as usize], v)))
    }
}
