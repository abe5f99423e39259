//! Pupils given twice in one per-pupil sheet ([`Repeats`]): an exact repeat of a pupil's row is
//! dropped with a counted warning naming both rows, as a repeated flat results row is; the same
//! pupil with other data is a data error naming both rows.
use crate::input::header::Header;
use crate::model::warning::WarningCode;
use std::collections::hash_map::{DefaultHasher, Entry, HashMap};
use std::hash::{Hash, Hasher};

/// The pupil codes a per-pupil sheet has shown so far, per school: for each (school, code) — kept
/// as two 64-bit hashes, 16 bytes a pupil — the file line of its first row and a hash of that row's
/// cells (trimmed, trailing empty cells ignored).
#[derive(Default)]
pub(super) struct Repeats {
    /// The pupil code column («код обучающегося», «код участника», «код»); none: no check.
    code: Option<usize>,
    seen: HashMap<(u64, u64), (u32, u64)>,
    /// The first pupil given twice with other data: its column, its code and both file lines.
    pub(super) conflict: Option<Conflict>,
}

/// A pupil code given in two rows of a sheet with other data in them.
pub(super) struct Conflict {
    pub column: String,
    pub code: String,
    pub login: String,
    pub first: usize,
    pub line: usize,
}

impl Conflict {
    /// The data error of the conflict in sheet `file` / `sheet`.
    pub(super) fn error(&self, file: &str, sheet: &Option<String>) -> anyhow::Error {
        let loc = crate::error::Loc {
            file: file.to_string(),
            sheet: sheet.clone(),
            row: self.line,
        };
        crate::error::data_err(
            &loc,
            &self.column,
            format!(
                "pupil code {} of {} is also in row {}, with other data: one pupil in two different rows (an exact repeat would be dropped with a warning); keep the row that is right and remove the other, so that the pupil is counted once",
                self.code, self.login, self.first
            ),
        )
    }
}

/// A hash of `parts`, with `seed` first (two seeds give two independent 64-bit hashes).
fn hash_of<'s>(seed: u8, parts: impl Iterator<Item = &'s str>) -> u64 {
    let mut h = DefaultHasher::new();
    seed.hash(&mut h);
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

impl Repeats {
    /// The check of a sheet under header `h` (no check when it has no pupil code column).
    pub(super) fn new(h: &Header) -> Repeats {
        Repeats {
            code: h.find(&["код обучающегося", "код участника", "код"]),
            ..Default::default()
        }
    }

    /// The row's pupil code cell, trimmed (empty without a code column).
    pub(super) fn code_of<'r>(&self, row: &'r [String]) -> &'r str {
        self.code.and_then(|c| row.get(c)).map_or("", |v| v.trim())
    }

    /// Whether `row` (file line `line`, school `sid` with login `login`) gives a pupil code an
    /// earlier row of the school gave: the row is then not read. The same cells: a
    /// [`WarningCode::PupilRowRepeated`] warning naming both rows in `warnings`; other cells: the
    /// sheet's [`Conflict`] (the first one kept). A row with an empty code is never a repeat (two
    /// pupils may score alike).
    pub(super) fn repeated(
        &mut self,
        h: &Header,
        (sid, login): (&str, &str),
        line: usize,
        row: &[String],
        warnings: &mut crate::input::report::Warnings,
    ) -> bool {
        let Some(c) = self.code else { return false };
        let code = row.get(c).map_or("", |s| s.trim());
        if code.is_empty() {
            return false;
        }
        let key = (
            hash_of(0, [sid, code].into_iter()),
            hash_of(1, [sid, code].into_iter()),
        );
        let filled = row
            .iter()
            .rposition(|s| !s.trim().is_empty())
            .map_or(0, |i| i + 1);
        let cells = hash_of(2, row[..filled].iter().map(|s| s.trim()));
        let (first, first_cells) = match self.seen.entry(key) {
            Entry::Vacant(e) => {
                e.insert((line as u32, cells));
                return false;
            }
            Entry::Occupied(e) => *e.get(),
        };
        if first_cells == cells {
            warnings.add(
                WarningCode::PupilRowRepeated,
                format!("строка {line} = строка {first} (код {code})"),
            );
        } else if self.conflict.is_none() {
            self.conflict = Some(Conflict {
                column: h.raw_name(c).trim().to_string(),
                code: code.to_string(),
                login: login.to_string(),
                first: first as usize,
                line,
            });
        }
        true
    }
}
