//! Interned texts: a result row names its school, municipality, assessment, subject and source file
//! by a 4-byte `Sym` instead of a pointer to its own copy, so a national table of 1.35 M rows holds
//! each distinct text once and its rows stay small and `Copy`. Texts live for the whole process.
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

/// An interned text; equal texts have equal symbols. Ordered by its text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sym(u32);

/// Slots of chunk `c` (chunks double in size, so a symbol is found without a lock).
const fn chunk_len(c: usize) -> usize {
    1024 << c
}
const CHUNKS: usize = 22;

struct Table {
    ids: Mutex<HashMap<&'static str, u32>>,
    chunks: [OnceLock<Box<[OnceLock<&'static str>]>>; CHUNKS],
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table {
        ids: Mutex::new(HashMap::new()),
        chunks: std::array::from_fn(|_| OnceLock::new()),
    })
}

/// (chunk, slot) of symbol `i`.
fn place(i: u32) -> (usize, usize) {
    let q = i as usize / 1024 + 1;
    let c = (usize::BITS - 1 - q.leading_zeros()) as usize;
    (c, i as usize - 1024 * ((1 << c) - 1))
}

impl Sym {
    pub fn new(s: &str) -> Sym {
        let t = table();
        let mut ids = t.ids.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&i) = ids.get(s) {
            return Sym(i);
        }
        let i = u32::try_from(ids.len()).expect("more than 4 billion distinct texts");
        let text: &'static str = Box::leak(s.into());
        let (c, k) = place(i);
        let chunk = t.chunks[c].get_or_init(|| {
            (0..chunk_len(c))
                .map(|_| OnceLock::new())
                .collect::<Vec<_>>()
                .into_boxed_slice()
        });
        let _ = chunk[k].set(text);
        ids.insert(text, i);
        Sym(i)
    }
    pub fn as_str(&self) -> &'static str {
        let (c, k) = place(self.0);
        table().chunks[c]
            .get()
            .and_then(|chunk| chunk[k].get())
            .expect("a symbol is readable once created")
    }
}

impl Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym::new(s)
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Sym {
        Sym::new(&s)
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, o: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Sym {
    fn cmp(&self, o: &Sym) -> std::cmp::Ordering {
        if self.0 == o.0 {
            std::cmp::Ordering::Equal
        } else {
            self.as_str().cmp(o.as_str())
        }
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_a_symbol_and_order_by_text() {
        let (a, b) = (Sym::new("edu220001"), Sym::new("edu110002"));
        assert_eq!(a, Sym::new("edu220001"));
        assert_ne!(a, b);
        assert_eq!(&*a, "edu220001");
        assert!(b < a);
        assert_eq!(a.to_string(), "edu220001");
    }

    #[test]
    fn result_rows_stay_small() {
        // 1.35 M rows of a national table: every byte of a row is 1.35 MB of memory to fault in
        assert!(std::mem::size_of::<crate::model::ResultRow>() <= 112);
        assert!(std::mem::size_of::<crate::model::RiskRow>() <= 32);
    }

    #[test]
    fn places_cover_every_index_once() {
        assert_eq!(place(0), (0, 0));
        assert_eq!(place(1023), (0, 1023));
        assert_eq!(place(1024), (1, 0));
        assert_eq!(place(1024 + 2047), (1, 2047));
        assert_eq!(place(1024 + 2048), (2, 0));
        let mut next = 0usize;
        for c in 0..4 {
            assert_eq!(place(next as u32), (c, 0));
            next += chunk_len(c);
            assert_eq!(place(next as u32 - 1), (c, chunk_len(c) - 1));
        }
    }

    #[test]
    fn thousands_of_symbols_cross_chunks() {
        let syms: Vec<Sym> = (0..5000)
            .map(|i| Sym::new(&format!("sym-test-{i}")))
            .collect();
        for (i, s) in syms.iter().enumerate() {
            assert_eq!(s.as_str(), format!("sym-test-{i}"));
        }
    }
}
