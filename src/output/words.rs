//! Russian words for people where a value's label is an English code (strata, an unknown
//! settlement, the terms of the resilience model). Tables (terminal, Markdown, HTML, CSV, XLSX)
//! show these words; JSON keeps the codes (its contract, docs/JSON.md).
use crate::config::Combine;
use crate::model::domain::{Settlement, Stratum};

/// The note beside every objectivity flag people read (METHOD.md «Objectivity screen of ВПР»,
/// OBJECTIVITY_FIOKO.md): the flag is a screen that asks for a look, never a verdict.
/// Why no school has an objectivity flag when no screen could run (`Screen::screened`).
pub const NOT_SCREENED: &str = "скрининг не проводился: во входных данных нет поимённых протоколов ВПР, гистограмм баллов, сравнения с журналом или маркеров ФИОКО";

pub const OBJECTIVITY_SCREEN_NOTE: &str = "Признаки необъективности — скрининг, а не вывод: сигнал означает, что результаты ВПР школы стоит проверить (журнал, протоколы, порядок проведения), но не доказывает необъективность.";

/// The label of the objectivity flag's column in tables people read.
pub const OBJECTIVITY_SCREEN_LABEL: &str = "Сигнал необъективности (скрининг)";

/// The label of a list's pooled participants: a sum of sittings over the school's procedures
/// (subjects, grades, years of the window), not a count of pupils.
pub const SITTINGS: &str = "Участий за окно (сумма по процедурам)";

/// The label of the share below the minimum for the results a list shows: «Доля «2»» (ВПР,
/// ОГЭ), «Доля ниже мин. порога» (ЕГЭ), or both names for a mix.
pub fn below_min(k: crate::method::procedures::BelowMin) -> &'static str {
    use crate::method::procedures::BelowMin;
    match k {
        BelowMin::Mark2 => "Доля «2»",
        BelowMin::Threshold => "Доля ниже мин. порога",
        BelowMin::Mixed => "Доля «2» / ниже порога",
    }
}

/// What is below the minimum, in words after «доля», «доли», «по доле» in prose and captions
/// (the one place these words come from, with [`below_min`]): «2» (ВПР, ОГЭ), «ниже
/// минимального порога» (ЕГЭ, whose measure is no mark), or both names for a mix.
pub fn below_min_of(k: crate::method::procedures::BelowMin) -> &'static str {
    use crate::method::procedures::BelowMin;
    match k {
        BelowMin::Mark2 => "«2»",
        BelowMin::Threshold => "ниже минимального порога",
        BelowMin::Mixed => "«2» / ниже порога",
    }
}

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

/// An input kind (`input::KINDS` code, or `skipped`) in Russian for the «Вид» column of
/// `inspect`: `context-form` → «форма контекстных данных ФИС ОКО»; JSON keeps the code. A code
/// without words shows as it is.
pub fn input_kind(code: &str) -> &str {
    match code {
        "pupils" => "поимённый протокол ВПР",
        "school-protocol" => "протокол ВПР одной школы",
        "fisoko-marks" => "ФИС ОКО: статистика по отметкам",
        "fisoko-journal" => "ФИС ОКО: сравнение с журналом",
        "fisoko-histogram" => "ФИС ОКО: гистограмма баллов",
        "marks" => "отметки по школам",
        "journal" => "сравнение с журналом по школам",
        "markers" => "маркеры необъективности",
        "gia" => "ОГЭ/ЕГЭ по школам",
        "gia-summary" => "форма ОГЭ/ЕГЭ по школам",
        "moscow-ege" => "ЕГЭ Москвы (открытые данные)",
        "context-form" => "форма контекстных данных ФИС ОКО",
        "registry" => "реестр школ",
        "context-table" => "контекстные показатели по кодам",
        "codebook" => "кодификатор показателей",
        "directory" => "справочник школ",
        "crosswalk" => "сопоставление названий с логинами",
        "risk" => "рисковые профили",
        "scales" => "шкалы перевода баллов",
        "skipped" => "пропущен",
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

/// Schools counted: 1 школа, 2 школы, 5 школ ([`count`]).
pub const SCHOOLS: [&str; 3] = ["школа", "школы", "школ"];
/// Schools after «из»: из 1 школы, из 2 школ, из 5 школ.
pub const OF_SCHOOLS: [&str; 3] = ["школы", "школ", "школ"];
/// Years counted: 1 год, 2 года, 5 лет.
pub const YEARS: [&str; 3] = ["год", "года", "лет"];
/// Years after «из»: из 1 года, из 3 лет.
pub const OF_YEARS: [&str; 3] = ["года", "лет", "лет"];
/// School-years (a school in one year) counted: 1 школо-год, 2 школо-года, 5 школо-лет.
pub const SCHOOL_YEARS: [&str; 3] = ["школо-год", "школо-года", "школо-лет"];

/// The Russian plural form of a noun for the count `n`, `forms` being (one, few, many) as in
/// («школа», «школы», «школ»): 1, 21, 101 → one; 2–4, 22–24 → few; 0, 5–20, 25–30, 111–114 → many.
pub fn plural(n: u64, forms: [&str; 3]) -> &str {
    let (d10, d100) = (n % 10, n % 100);
    if d10 == 1 && d100 != 11 {
        forms[0]
    } else if (2..=4).contains(&d10) && !(12..=14).contains(&d100) {
        forms[1]
    } else {
        forms[2]
    }
}

/// A count with its noun in agreement ([`plural`]): `count(42, SCHOOLS)` → «42 школы».
pub fn count<N: TryInto<u64>>(n: N, forms: [&str; 3]) -> String {
    let n: u64 = n.try_into().unwrap_or(0);
    format!("{n} {}", plural(n, forms))
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

    /// Fresh-eyes #7: `inspect`'s «Вид» showed the codes (`pupils`, `context-form`).
    #[test]
    fn every_input_kind_has_russian_words() {
        for (code, _) in crate::input::KINDS {
            let w = input_kind(code);
            assert!(
                w != *code && !w.contains(|c: char| c.is_ascii_lowercase()),
                "{code}"
            );
        }
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        for (n, want) in [
            (0, "0 школ"),
            (1, "1 школа"),
            (2, "2 школы"),
            (4, "4 школы"),
            (5, "5 школ"),
            (11, "11 школ"),
            (12, "12 школ"),
            (14, "14 школ"),
            (21, "21 школа"),
            (22, "22 школы"),
            (42, "42 школы"),
            (101, "101 школа"),
            (111, "111 школ"),
            (112, "112 школ"),
            (1024, "1024 школы"),
        ] {
            assert_eq!(count(n as u64, SCHOOLS), want);
        }
        assert_eq!(count(1usize, YEARS), "1 год");
        assert_eq!(count(2u32, YEARS), "2 года");
        assert_eq!(count(5i64, YEARS), "5 лет");
        assert_eq!(count(1, SCHOOL_YEARS), "1 школо-год");
        assert_eq!(count(3, SCHOOL_YEARS), "3 школо-года");
        assert_eq!(count(1, OF_SCHOOLS), "1 школы");
    }

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
