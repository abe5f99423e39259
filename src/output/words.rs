//! Russian words for people where a value's label is an English code (strata, an unknown
//! settlement, the terms of the resilience model). Tables (terminal, Markdown, HTML, CSV, XLSX)
//! show these words; JSON keeps the codes (its contract, docs/JSON.md).
use crate::config::Combine;
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

/// How the risk rules A and B combine (`stage1.combine`), in Russian: `any` → «A или B».
pub fn combine(c: Combine) -> &'static str {
    match c {
        Combine::Any => "A или B",
        Combine::All => "A и B",
    }
}

/// A stage-3 group («cluster / settlement / deficit», `SchoolResult::group`) in Russian: its
/// settlement `unknown` → «не определён»; JSON keeps the group as it is.
pub fn group(g: &str) -> String {
    g.split(" / ")
        .map(|p| match Settlement::from_label(p) {
            Some(s) => settlement(s),
            None => p,
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// A context indicator (`input::context::INDICATORS` key) in a few Russian words for a table
/// cell: `ovz_share` → «обучающиеся с ОВЗ»; a key without words shows as it is.
pub fn indicator(key: &str) -> &str {
    match key {
        "parents_higher_ed" => "оба родителя с высшим образованием",
        "single_parent" => "неполные семьи",
        "low_income" => "малообеспеченные семьи",
        "at_risk_register" => "на профилактическом учёте",
        "non_native" => "русский язык не родной",
        "ovz_share" => "обучающиеся с ОВЗ",
        "unemployed_parents" => "безработные родители",
        "large_family" => "многодетные семьи",
        "vacancy_share" => "вакантные ставки учителей",
        "no_ped_ed_share" => "учителя без педагогического образования",
        "teachers_65plus_share" => "учителя 65 лет и старше",
        "pupils_per_computer" => "обучающихся на компьютер",
        "internet_mbps" => "скорость интернета",
        "equipped_rooms_share" => "оснащённые кабинеты",
        "teachers_pension_share" => "учителя пенсионного возраста",
        "teacher_pc_rooms_share" => "кабинеты с компьютером учителя",
        "obsolete_computers_share" => "устаревшие компьютеры",
        "internet_band" => "полоса скорости интернета",
        k => k,
    }
}

/// How the ИСБШ is computed (`index.method`), in Russian: `zscore` → «сумма z-оценок».
pub fn index_method(m: &str) -> &str {
    match crate::config::IndexMethod::from_label(m) {
        Some(crate::config::IndexMethod::Zscore) => "взвешенное среднее z-оценок",
        Some(crate::config::IndexMethod::Pca) => "первая главная компонента",
        None => m,
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
        assert_eq!(combine(Combine::Any), "A или B");
        for (key, _) in crate::input::context::INDICATORS {
            assert!(!indicator(key).is_ascii(), "{key}");
        }
        for m in crate::config::IndexMethod::LABELS {
            assert!(!index_method(m).is_ascii(), "{m}");
        }
        assert_eq!(
            group("сильно неуспевающие / unknown / кадровые"),
            "сильно неуспевающие / не определён / кадровые"
        );
        assert_eq!(
            group("умеренно неуспевающие / село / не определён"),
            "умеренно неуспевающие / село / не определён"
        );
    }
}
