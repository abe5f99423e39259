//! Files on disk: folders walked in a stable order, checksums, and what a path says about a file
//! (year, grade, subject).
use super::{text, Meta};
use crate::error::{data, usage};
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Year/grade/subject from the file name, then its folders (`2020/7/Немецкий язык.xlsx`).
pub fn meta_from_path(path: &Path) -> Meta {
    let comps: Vec<String> = path
        .components()
        .rev()
        .take(3)
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    // a download's date in its name («выгрузка от 15.05.2025») is no year of the results
    let name = super::meta::without_dates(&comps.first().cloned().unwrap_or_default());
    let mut m = Meta::default();
    let joined =
        super::meta::without_dates(&comps.iter().rev().cloned().collect::<Vec<_>>().join("/"));
    m.year = text::year_in(&name)
        .or_else(|| text::year_in(&joined))
        .unwrap_or(0);
    m.grade = text::grade_in(&name).map(|g| g as i32).unwrap_or(0);
    if m.grade == 0 {
        m.grade = grade_after_year(&joined).unwrap_or(0);
    }
    m.subject = text::subject_in(&name)
        .or_else(|| text::subject_in(&joined))
        .unwrap_or_default();
    m.assessment = assessment_in(&name)
        .or_else(|| assessment_in(&joined))
        .unwrap_or_default()
        .to_string();
    m
}

/// A grade written right after a year the way ФИС ОКО's folders and names write it (`2020_7_…`,
/// `2020/7/…`): the year, `_` or `/`, a number 1–11 without a leading zero, then `_`, `/`, `.` or
/// the end. Any other number after a year is no grade (fresh-eyes run 16: «(1)» a download's copy,
/// «2023 2» a copy's name, «2023-05» a month, «2023 № 3», «2023 5-6 классы» a range were grades).
fn grade_after_year(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    (0..b.len().saturating_sub(5)).find_map(|i| {
        let year = b[i..i + 2] == *b"20" && (i..i + 4).all(digit);
        let bounded = (i == 0 || !digit(i - 1)) && matches!(b.get(i + 4), Some(b'_' | b'/'));
        if !year || !bounded || b.get(i + 5) == Some(&b'0') {
            return None;
        }
        let n = (i + 5..b.len()).take_while(|&j| digit(j)).count();
        let end_ok = matches!(b.get(i + 5 + n), None | Some(b'_' | b'/' | b'.'));
        let g: i32 = s.get(i + 5..i + 5 + n)?.parse().ok()?;
        (end_ok && (1..=11).contains(&g)).then_some(g)
    })
}

/// The assessment a file name or path names: `ВПР`/`vpr`, `ОГЭ`/`oge`, `ЕГЭ`/`ege` as words
/// (any case); `None` when it names none or more than one.
pub fn assessment_in(s: &str) -> Option<&'static str> {
    let mut found = None;
    for w in s.split(|c: char| !c.is_alphanumeric()) {
        let a = match w.to_lowercase().as_str() {
            "впр" | "vpr" => "ВПР",
            "огэ" | "oge" => "ОГЭ",
            "егэ" | "ege" => "ЕГЭ",
            _ => continue,
        };
        if found.is_some_and(|f| f != a) {
            return None;
        }
        found = Some(a);
    }
    found
}

/// The sha256 of the tabular inputs, hashed on a thread of its own while they load: the load
/// leaves a core idle in its single-threaded steps (marks' rows, identity checks), and the hashes
/// are read only once it is done ([`Checksums::add_to`]). Not on rayon's pool, where the pipeline
/// waiting for polars' pool could take a file's hash (docs/PERFORMANCE.md, «h24-report»).
pub struct Checksums(Option<std::thread::JoinHandle<HashMap<PathBuf, String>>>);

impl Checksums {
    /// Start hashing the tabular files of `files` (nothing when `skip`). A file that cannot be
    /// read is left out here; [`Checksums::add_to`] reads it again and says why.
    pub fn start(files: &[PathBuf], skip: bool) -> Checksums {
        if skip {
            return Checksums(None);
        }
        let paths: Vec<PathBuf> = files
            .iter()
            .filter(|p| super::table::is_tabular(p))
            .cloned()
            .collect();
        let hashing = std::thread::Builder::new()
            .name("shnor-sha256".into())
            .spawn(move || {
                paths
                    .into_iter()
                    .filter_map(|p| sha256_file(&p).ok().map(|h| (p, h)))
                    .collect()
            });
        Checksums(hashing.ok())
    }

    /// Set each tabular report's `sha256` (the inputs' `sha256` in JSON and the manifest): the
    /// hash made beside the load, else (a file not hashed there) one made now; nothing when
    /// started with `skip`. Errors (data): a file cannot be read («PATH: cannot read (…)»).
    pub fn add_to(self, reports: &mut [super::report::InputReport]) -> Result<()> {
        let Some(hashing) = self.0 else {
            return Ok(());
        };
        let mut hashes = hashing.join().unwrap_or_default();
        for r in reports
            .iter_mut()
            .filter(|r| super::table::is_tabular(Path::new(&r.path)))
        {
            let path = PathBuf::from(&r.path);
            r.sha256 = match hashes.get(&path) {
                Some(h) => h.clone(),
                None => {
                    let h = sha256_file(&path)?;
                    hashes.insert(path, h.clone());
                    h
                }
            };
        }
        Ok(())
    }
}

/// The sha256 of a file's bytes as 64 lowercase hex digits, read 1 MiB at a time (`io::copy`'s
/// 8 KiB reads made 40 000 read calls for the national inputs). Errors (data): it cannot be read.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut h = Sha256::new();
    hash_into(path, &mut h).map_err(|e| data(format!("{}: cannot read ({e})", path.display())))?;
    Ok(format!("{:x}", h.finalize()))
}

/// The bytes of the file at `path` into `h`, 1 MiB per read.
fn hash_into(path: &Path, h: &mut Sha256) -> std::io::Result<()> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match f.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Expand folders recursively (sorted), keep files as given.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            found.sort();
            out.extend(found.into_iter().map(|f| (f, false)));
        } else if p.is_file() {
            out.push((p.clone(), true));
        } else {
            return Err(usage(format!("{}: no such file or folder", p.display())));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| usage(format!("{}: cannot list ({e})", dir.display())))?;
    for entry in rd {
        let p = entry?.path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{assessment_in, meta_from_path};
    use std::path::Path;

    /// Fresh-eyes run 16: a copy number and a range of grades in a file's name were grades.
    #[test]
    fn copy_numbers_and_grade_ranges_are_no_grade() {
        let grade = |p: &str| meta_from_path(Path::new(p)).grade;
        assert_eq!(grade("ВПР 2025 (1).csv"), 0);
        assert_eq!(grade("ВПР 2025 (7).csv"), 0);
        assert_eq!(grade("ВПР_5-6_классы_по_школам.csv"), 0);
        assert_eq!(grade("ВПР 5–6 кл. 2025.csv"), 0);
        // a grade is still read where the name says it
        assert_eq!(grade("2020_7_Немецкий язык.xlsx"), 7);
        assert_eq!(grade("2020/7/Немецкий язык.xlsx"), 7);
        assert_eq!(grade("ВПР 2025 5 класс (1).csv"), 5);
        // a number after a year is a grade only as ФИС ОКО's names write it (`2020_7_…`)
        for name in [
            "ВПР математика 2023 5-6 классы.csv",
            "ВПР математика 2023 2.csv",
            "ВПР математика 2023-05.csv",
            "ВПР математика 2023 № 3.csv",
            "ВПР 2023_5-6_классы.csv",
            "ВПР 2023_05.csv",
        ] {
            assert_eq!(grade(name), 0, "{name}");
        }
        assert_eq!(grade("ВПР_2023_11.csv"), 11);
        assert_eq!(
            grade("Проведение работы по математике, 4 класс. ВПР 2023.xlsx"),
            4
        );
    }

    #[test]
    fn assessments_are_words_of_the_name_in_either_alphabet() {
        assert_eq!(assessment_in("ОГЭ математика 2023.csv"), Some("ОГЭ"));
        assert_eq!(assessment_in("ВПР_5-6_классы_по_школам.csv"), Some("ВПР"));
        assert_eq!(assessment_in("vpr_flat.csv"), Some("ВПР"));
        assert_eq!(assessment_in("EGE-2024.xlsx"), Some("ЕГЭ"));
        // not a word of its own, or two different ones: none
        assert_eq!(assessment_in("впрочем.csv"), None);
        assert_eq!(assessment_in("ОГЭ и ЕГЭ.csv"), None);
        assert_eq!(assessment_in("marks.csv"), None);
    }
}
