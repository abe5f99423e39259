//! Reading the config: a TOML text merged over the defaults, a dotted key set from the command
//! line, and their errors in the user's words (the key, the value, what was expected).
use super::{Config, DEFAULT_TOML};
use crate::error::usage;
use anyhow::Result;

/// A serde error of the config as a usage error naming the key: toml reports the key path on
/// a line `in `a.b``.
fn config_error(origin: &str, e: &toml::de::Error) -> anyhow::Error {
    let text = e.to_string();
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`'));
    let message = type_error_in_words(e.message())
        .unwrap_or_else(|| e.message().replace("unknown variant", "unknown value"));
    match key {
        Some(k) => usage(format!("{origin}: config key {k}: {message}")),
        None => usage(format!("{origin}: {message}")),
    }
}

/// serde's «invalid type: string "x", expected f64» as «expected a number, found «"x"» (text)»:
/// the expected type in words and the value found. `None` for any other message.
fn type_error_in_words(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    // a whole number ≥ 0 too large for its key says the largest it may be
    let whole = found.starts_with("integer `") && !found.contains('-');
    let expected = match expected {
        "f64" | "f32" => "a number",
        "u8" if whole => "a whole number from 0 to 255",
        "u16" if whole => "a whole number from 0 to 65535",
        "u32" if whole => "a whole number from 0 to 4294967295",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number ≥ 0",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "a string" => "a word in quotes",
        "a sequence" => "a list in brackets, e.g. [\"ovz\"]",
        "a boolean" => "true or false",
        e if e.starts_with("struct ") => "a table",
        e => e,
    };
    let found = if let Some(text) = found.strip_prefix("string ") {
        format!("«{text}» (text)")
    } else if let Some((_, v)) = found.split_once(" `") {
        format!("«{}»", v.trim_end_matches('`'))
    } else {
        match found {
            "sequence" => "a list".to_string(),
            "map" => "a table".to_string(),
            f => format!("«{f}»"),
        }
    };
    Some(format!("expected {expected}, found {found}"))
}

/// The usage error for a config file that is not UTF-8 (TOML is UTF-8), `flag` the option that named
/// it: a UTF-16 file (a byte-order mark, or NUL bytes between letters: Notepad's «Unicode») says so;
/// otherwise the first line that is not UTF-8, as Windows-1251 — the likely encoding of a file saved
/// on Russian Windows — reads it.
fn not_utf8(flag: &str, path: &std::path::Path, bytes: &[u8]) -> anyhow::Error {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.contains(&0) {
        return usage(format!(
            "{flag} {}: the file is UTF-16 (Notepad's «Unicode»), not UTF-8: a config file is TOML, UTF-8 text — save it as UTF-8",
            path.display()
        ));
    }
    let at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_no = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let (found, _, _) = encoding_rs::WINDOWS_1251.decode(&bytes[start..end]);
    let found: String = found.trim_end().chars().take(80).collect();
    usage(format!(
        "{flag} {}: the file is not UTF-8 (line {line_no}; likely Windows-1251, which reads it as «{found}»): a config file is TOML, UTF-8 text — save it as UTF-8",
        path.display()
    ))
}

impl Config {
    pub fn parse(text: &str, origin: &str) -> Result<Config> {
        let value: toml::Value = toml::from_str(text).map_err(|e| not_toml(origin, text, &e))?;
        Self::from_value(value, origin)
    }

    /// A user file: keys missing from it keep their defaults; unknown keys are errors.
    pub fn from_user(text: &str, origin: &str) -> Result<Config> {
        let user: toml::Value = toml::from_str(text).map_err(|e| not_toml(origin, text, &e))?;
        let mut base: toml::Value = toml::from_str(DEFAULT_TOML).expect("default TOML");
        merge(&mut base, &user, "", origin)?;
        Self::from_value(base, origin)
    }

    fn from_value(value: toml::Value, origin: &str) -> Result<Config> {
        let cfg: Config = value
            .try_into()
            .map_err(|e: toml::de::Error| config_error(origin, &e))?;
        cfg.validate()
            .map_err(|e| usage(format!("{origin}: {e}")))?;
        Ok(cfg)
    }

    pub fn load(path: Option<&std::path::Path>) -> Result<Config> {
        match path {
            None => Ok(Config::default()),
            Some(p) => Self::load_named(p, "--config"),
        }
    }

    /// The config file `path`, named in errors after the option `flag` that gave it (`--config`,
    /// `--check`). Errors: usage (exit 2) as [`Config::load`].
    pub fn load_named(path: &std::path::Path, flag: &str) -> Result<Config> {
        let bytes = std::fs::read(path)
            .map_err(|e| usage(format!("{flag} {}: cannot read ({e})", path.display())))?;
        let text = String::from_utf8(bytes).map_err(|e| not_utf8(flag, path, e.as_bytes()))?;
        Config::from_user(&text, &path.display().to_string())
    }

    /// Set a dotted key (`stage1.threshold`) to a TOML value given as text.
    pub fn set(&self, key: &str, raw: &str) -> Result<Config> {
        let mut v = toml::Value::try_from(self)?;
        let parsed: toml::Value = toml::from_str(&format!("x = {raw}"))
            .map(|t: toml::Table| t["x"].clone())
            .unwrap_or_else(|_| toml::Value::String(raw.to_string()));
        let mut cur = &mut v;
        let parts: Vec<&str> = key.split('.').collect();
        for (i, p) in parts.iter().enumerate() {
            let t = cur
                .as_table_mut()
                .ok_or_else(|| usage(format!("config key {key}: not a table at «{p}»")))?;
            if !t.contains_key(*p) {
                return Err(usage(format!(
                    "config key {key}: unknown key «{p}»{}",
                    did_you_mean(p, t.keys(), &parts[..i].join("."))
                )));
            }
            if i + 1 == parts.len() {
                t.insert(p.to_string(), parsed.clone());
                break;
            }
            cur = t.get_mut(*p).unwrap();
        }
        Self::from_value(v, &format!("--param {key}"))
    }
}

/// A config text that does not parse as TOML: the parser's message, and, when a value is written
/// with a decimal comma as Russian Excel shows numbers (`threshold = 0,30`), how TOML writes it.
fn not_toml(origin: &str, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let comma = text.lines().find_map(|l| {
        let v = l.split_once('=')?.1.split('#').next()?.trim();
        let (a, b) = v.split_once(',')?;
        let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
        (digits(a.trim_start_matches('-')) && digits(b)).then(|| format!("{a}.{b}"))
    });
    let hint = comma
        .map(|n| format!("\nв TOML дробные числа пишутся с точкой: {n}"))
        .unwrap_or_default();
    usage(format!("{origin}: not valid TOML: {e}{hint}"))
}

/// «; did you mean «stage1.threshold»?» when a known key of the same table is within two edits of
/// `key` (`strsim`'s Levenshtein distance), else nothing.
pub(super) fn did_you_mean<'a>(
    key: &str,
    known: impl Iterator<Item = &'a String>,
    prefix: &str,
) -> String {
    known
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| match prefix {
            "" => format!("; did you mean «{k}»?"),
            p => format!("; did you mean «{p}.{k}»?"),
        })
        .unwrap_or_default()
}

fn merge(base: &mut toml::Value, user: &toml::Value, prefix: &str, origin: &str) -> Result<()> {
    let (Some(bt), Some(ut)) = (base.as_table_mut(), user.as_table()) else {
        return Ok(());
    };
    for (k, v) in ut {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match bt.get_mut(k) {
            None if prefix == "index.indicators" => {
                // an indicator not among the defaults: a known one with all its fields, or a
                // misspelt one, said before serde's «missing field» for it
                super::validate::known_indicator(k).map_err(|e| usage(format!("{origin}: {e}")))?;
                bt.insert(k.clone(), v.clone());
            }
            None => {
                return Err(usage(format!(
                    "{origin}: unknown config key «{key}»{}",
                    did_you_mean(k, bt.keys(), prefix)
                )))
            }
            // tables merge key by key, `index.indicators` too: an indicator given updates its
            // fields and the others keep their defaults (docs/CONFIG.md)
            Some(b) if b.is_table() && v.is_table() => merge(b, v, &key, origin)?,
            Some(b) => *b = v.clone(),
        }
    }
    Ok(())
}
