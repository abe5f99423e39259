//! Russian words for people where a value's label is an English code (strata, an unknown
//! settlement, the terms of the resilience model). Tables (terminal, Markdown, HTML, CSV, XLSX)
//! show these words; JSON keeps the codes (its contract, docs/JSON.md).
use crate::model::domain::{Settlement, Stratum};

/// A stratum in Russian (`regular` → «обычная»); the codes are `stage1.strata` in the config.
pub fn stratum(s: Stratum) -> &'static str {
    match s {
        Stratum::Ovz => "ОВЗ",
        Stratum::Advanced => "с углублённым изучением",
        Stratum::SmallRural => "малокомплектная сельская",
        Stratum::Regular => "обычная",
        Stratum::Evening => "вечерняя",
    }
}

/// A settlement type in Russian: «город», «село», or «не определён» for `unknown`.
pub fn settlement(s: Settlement) -> &'static str {
    match s {
        Settlement::Unknown => "не определён",
        s => s.label(),
    }
}

/// A term of the resilience model in Russian: `intercept` → «константа», `index` → «ИСБШ»;
/// the other terms («село», «ln(численность)») are Russian already.
pub fn term(t: &str) -> &str {
    match t {
        "intercept" => "константа",
        "index" => "ИСБШ",
        t => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_english_code_reaches_people() {
        for s in Stratum::ALL {
            assert!(!stratum(*s).is_ascii(), "{s}");
        }
        assert_eq!(settlement(Settlement::Unknown), "не определён");
        assert_eq!(settlement(Settlement::Village), "село");
        assert_eq!(term("intercept"), "константа");
        assert_eq!(term("index"), "ИСБШ");
    }
}
