use super::*;

#[test]
fn defaults_match_method_brief() {
    let c = Config::default();
    assert_eq!(c.stage1.threshold, 0.30);
    assert_eq!(c.stage1.min_participants, 5);
    assert_eq!(c.cluster.strong, 0.30);
    assert_eq!(c.cluster.moderate, 0.15);
    assert_eq!(c.stage3.per_group, 1);
    let zero = Config::from_user("[stage3]\nper_group = 0\n", "z.toml")
        .err()
        .unwrap();
    assert!(zero.to_string().contains("stage3.per_group"), "{zero}");
    assert_eq!(c.index.indicators.len(), 8);
}

#[test]
fn unknown_key_is_an_error_naming_it() {
    let e = Config::from_user("[stage1]\nthreshhold = 0.3\n", "x.toml").unwrap_err();
    assert!(e.to_string().contains("stage1.threshhold"), "{e}");
}

#[test]
fn out_of_range_value_names_the_key() {
    let e = Config::from_user("[stage1]\nthreshold = 1.5\n", "x.toml").unwrap_err();
    assert!(e.to_string().contains("stage1.threshold"), "{e}");
}

#[test]
fn a_typo_in_a_choice_names_the_key_and_the_allowed_values() {
    let cases = [
        (
            "[stage1]\nrule = \"botom\"\n",
            "stage1.rule",
            &["risk", "bottom"][..],
        ),
        (
            "[stage1]\ncombine = \"either\"\n",
            "stage1.combine",
            &["any", "all"],
        ),
        (
            "[cluster]\nmethod = \"k-means\"\n",
            "cluster.method",
            &["rule", "kmeans"],
        ),
        (
            "[deficit]\nsource = \"profile\"\n",
            "deficit.source",
            &["auto", "risk_profile", "registry"],
        ),
        (
            "[deficit]\ntie = \"кадры\"\n",
            "deficit.tie",
            &["кадровые", "инфраструктурные"],
        ),
        (
            "[objectivity]\npolicy = \"drop\"\n",
            "objectivity.policy",
            &["flag", "exclude", "ignore"],
        ),
        (
            "[index]\nmethod = \"pcaa\"\n",
            "index.method",
            &["zscore", "pca"],
        ),
        (
            "[stage1]\nstrata = [\"ovz\", \"rural\"]\n",
            "stage1.strata",
            &["small_rural"],
        ),
        (
            "[stage1]\nexclude_kinds = [\"вечерняя\"]\n",
            "stage1.exclude_kinds",
            &["evening"],
        ),
        (
            "[stage1]\nassessments = [\"VPR\"]\n",
            "stage1.assessments",
            &["ВПР", "ОГЭ", "ЕГЭ"],
        ),
        (
            "[selection]\nyear = \"last\"\n",
            "selection.year",
            &["latest"],
        ),
        (
            "[selection]\nyear = 99\n",
            "selection.year",
            &["latest", "four-digit year"],
        ),
    ];
    for (text, key, allowed) in cases {
        let e = Config::from_user(text, "x.toml").unwrap_err().to_string();
        assert!(e.contains(&format!("config key {key}")), "{text}: {e}");
        for a in allowed {
            assert!(e.contains(a), "{text}: {e} lacks {a}");
        }
    }
    let e = Config::from_user("[stage1]\nstrata = [\"evening\"]\n", "x.toml").unwrap_err();
    assert!(e.to_string().contains("stage1.strata"), "{e}");
}

#[test]
fn choices_parse_to_their_values_and_print_as_written() {
    let c = Config::from_user(
        "[selection]\nyear = 2024\n[stage1]\nrule = \"bottom\"\ncombine = \"all\"\nassessments = [\"ЕГЭ\"]\n[deficit]\ntie = \"инфраструктурные\"\n",
        "x.toml",
    )
    .unwrap();
    assert_eq!(c.selection.year, SelectionYear::Year(2024));
    assert_eq!(c.stage1.rule, Stage1Rule::Bottom);
    assert_eq!(c.stage1.combine, Combine::All);
    assert_eq!(c.stage1.assessments, [Assessment::Ege]);
    assert_eq!(c.deficit.tie, Deficit::Infrastructure);
    let j = c.to_json();
    assert_eq!(j["selection"]["year"], 2024);
    assert_eq!(j["stage1"]["rule"], "bottom");
    assert_eq!(j["deficit"]["tie"], "инфраструктурные");
    assert_eq!(Config::default().to_json()["selection"]["year"], "latest");
    let back = Config::default().set("stage1.rule", "bottom").unwrap();
    assert_eq!(back.stage1.rule, Stage1Rule::Bottom);
}

#[test]
fn dotted_set() {
    let c = Config::default().set("stage1.threshold", "0.25").unwrap();
    assert_eq!(c.stage1.threshold, 0.25);
    assert!(Config::default().set("stage1.nope", "1").is_err());
}

#[test]
fn a_value_of_the_wrong_type_names_the_file_the_key_the_type_in_words_and_the_value() {
    let cases = [
        (
            "[stage1]\nthreshold = \"x\"\n",
            "stage1.threshold",
            "expected a number, found «\"x\"» (text)",
        ),
        (
            "[stage1]\nmin_procedures = -1\n",
            "stage1.min_procedures",
            "expected a whole number ≥ 0, found «-1»",
        ),
        (
            "[selection]\nwindow_years = 2.5\n",
            "selection.window_years",
            "expected a whole number ≥ 0, found «2.5»",
        ),
        // third fresh-eyes run: a whole number too large said «expected a whole number ≥ 0»
        (
            "[stage3]\nper_group = 9223372036854775807\n",
            "stage3.per_group",
            "expected a whole number from 0 to 4294967295, found «9223372036854775807»",
        ),
        (
            "[stage1]\nrule = 3\n",
            "stage1.rule",
            "expected a word in quotes, found «3»",
        ),
        (
            "[stage1]\nstrata = \"ovz\"\n",
            "stage1.strata",
            "expected a list in brackets",
        ),
    ];
    for (text, key, words) in cases {
        let e = Config::from_user(text, "my.toml").unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("my.toml: config key {key}: ")),
            "{text}: {e}"
        );
        assert!(e.contains(words), "{text}: {e}");
        assert!(
            !e.contains("f64") && !e.contains("u32") && !e.contains("invalid type"),
            "{e}"
        );
    }
}

#[test]
fn a_value_out_of_range_names_the_config_file() {
    let e = Config::from_user("[stage1]\nthreshold = 1.5\n", "my.toml").unwrap_err();
    assert_eq!(crate::error::exit_code(&e), crate::error::EXIT_USAGE);
    assert_eq!(
        e.to_string(),
        "my.toml: config key stage1.threshold = 1.5: expected a value in (0, 1] (at 0 every procedure fires, whatever its share of «2»)"
    );
    let e = Config::from_user("[cluster]\nmoderate = 0.4\n", "my.toml").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("my.toml: config keys cluster.moderate = 0.4"),
        "{e}"
    );
    let e = Config::default()
        .set("stage1.threshold", "1.5")
        .unwrap_err();
    assert!(
        e.to_string().starts_with("--param stage1.threshold: "),
        "{e}"
    );
}

/// A misspelt key is a usage error naming the key, with the near known key suggested; a key far
/// from every known one gets no suggestion.
#[test]
fn a_misspelt_key_suggests_the_known_one() {
    let e = Config::from_user("[stage1]\nthreshhold = 0.3\n", "c.toml")
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains(
            "c.toml: unknown config key «stage1.threshhold»; did you mean «stage1.threshold»?"
        ),
        "{e}"
    );
    // fresh-eyes #13: `sweep --param` and `--set`-style keys suggest as well
    let e = Config::default()
        .set("stage1.treshold", "0.3")
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("did you mean «stage1.threshold»?"), "{e}");
    let e = Config::from_user("[stage1]\nzzzzzzzz = 1\n", "c.toml")
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("«stage1.zzzzzzzz»") && !e.contains("did you mean"),
        "{e}"
    );
}

/// Fresh-eyes #13: a decimal comma (`threshold = 0,30`) is a TOML error with a hint; without one,
/// no hint.
#[test]
fn a_decimal_comma_gets_a_hint() {
    let e = Config::from_user("[stage1]\nthreshold = 0,30 # доля\n", "c.toml")
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("c.toml: not valid TOML"), "{e}");
    assert!(
        e.contains("в TOML дробные числа пишутся с точкой: 0.30"),
        "{e}"
    );
    let e = Config::from_user("[stage1]\nthreshold = \n", "c.toml")
        .err()
        .unwrap()
        .to_string();
    assert!(!e.contains("с точкой"), "{e}");
}

/// Fresh-eyes (h16) #1: one indicator given in a config updates that indicator only; the other
/// seven keep their defaults (docs/CONFIG.md «missing keys keep their defaults»), and a field left
/// out keeps its default too.
#[test]
fn one_indicator_given_merges_with_the_defaults() {
    let c = Config::from_user(
        "[index.indicators.low_income]\ndirection = -1\nweight = 2\n",
        "c.toml",
    )
    .unwrap();
    let d = Config::default();
    assert_eq!(c.index.indicators.len(), 8);
    assert_eq!(c.index.indicators["low_income"].weight, 2.0);
    assert_eq!(
        c.index.indicators["single_parent"],
        d.index.indicators["single_parent"]
    );
    let c = Config::from_user("[index.indicators.low_income]\nweight = 3\n", "c.toml").unwrap();
    assert_eq!(c.index.indicators["low_income"].direction, -1);
    assert_eq!(c.index.indicators["low_income"].weight, 3.0);
    // a known context indicator not in the defaults is added
    let c = Config::from_user(
        "[index.indicators.vacancy_share]\ndirection = -1\nweight = 1\n",
        "c.toml",
    )
    .unwrap();
    assert_eq!(c.index.indicators.len(), 9);
}

/// Fresh-eyes (h16) #1: a misspelt indicator name is a usage error at load (so `config --check`
/// rejects it) with the near name suggested; a far one lists the known names.
#[test]
fn an_unknown_indicator_is_an_error_with_a_hint() {
    let e = Config::from_user(
        "[index.indicators.low_incom]\ndirection = -1\nweight = 2\n",
        "c.toml",
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        e.contains("c.toml: unknown ИСБШ indicator «index.indicators.low_incom»; did you mean «index.indicators.low_income»?"),
        "{e}"
    );
    // newcomer finding 10: with its weight only, the same hint, not serde's «missing field `direction`»
    let e = Config::from_user("[index.indicators.low_incom]\nweight = 2\n", "c.toml")
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("did you mean «index.indicators.low_income»?") && !e.contains("missing field"),
        "{e}"
    );
    let e = Config::from_user(
        "[index.indicators.zzzzzzzz]\ndirection = -1\nweight = 2\n",
        "c.toml",
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("known: parents_higher_ed, "), "{e}");
    let e = Config::from_user("[index.indicators.low_income]\nwieght = 2\n", "c.toml")
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("did you mean «index.indicators.low_income.weight»?"),
        "{e}"
    );
}

#[test]
fn the_workbook_zip_level_is_one_to_nine() {
    for (text, ok) in [("0", false), ("1", true), ("9", true), ("10", false)] {
        let r = Config::from_user(&format!("[report]\nxlsx_zip_level = {text}\n"), "z.toml");
        match (r, ok) {
            (Ok(c), true) => assert_eq!(c.report.xlsx_zip_level.to_string(), text),
            (Err(e), false) => {
                let e = e.to_string();
                assert!(
                    e.contains(&format!("report.xlsx_zip_level = {text}")),
                    "{e}"
                );
                assert!(e.contains("from 1") && e.contains("to 9"), "{e}");
            }
            (r, _) => panic!("level {text}: {:?}", r.map(|c| c.report)),
        }
    }
}

/// Fresh-eyes (session 9) #1: values that pass the old ranges but make no sense are usage errors
/// naming the key (or the entry and field) and the allowed range.
#[test]
fn senseless_values_are_errors_naming_the_key_and_range() {
    let zero_weights: String = Config::default()
        .index
        .indicators
        .iter()
        .map(|(k, ind)| format!("{k} = {{ direction = {}, weight = 0 }}\n", ind.direction))
        .collect();
    let cases: Vec<(String, &[&str])> = vec![
        (
            format!("[index.indicators]\n{zero_weights}"),
            &["index.indicators", "every weight is 0", "weight > 0"],
        ),
        (
            "[objectivity]\ndistribution = [{ subject = \"алгебра\", grade = 5, max_share2 = 0.0, min_share5 = 0.5 }]\n".into(),
            &["objectivity.distribution[1].subject = «алгебра»", "математика"],
        ),
        (
            "[objectivity]\ndistribution = [{ subject = \"математика\", grade = 5, max_share2 = 0.0, min_share5 = 0.5 }, { subject = \"математика\", grade = 9, max_share2 = 0.0, min_share5 = 0.5 }]\n".into(),
            &["objectivity.distribution[2].grade = 9", "4–8, 10–11"],
        ),
        (
            "[objectivity]\ndistribution = [{ subject = \"русский язык\", grade = 4, max_share2 = 0.0, min_share5 = 50 }]\n".into(),
            &["objectivity.distribution[1].min_share5 = 50", "[0, 1]"],
        ),
        (
            "[resilience]\ntop_quantile = 1\n".into(),
            &["resilience.top_quantile = 1", "(0, 1)"],
        ),
        (
            "[resilience]\ntop_quantile = 0\n".into(),
            &["resilience.top_quantile = 0", "(0, 1)"],
        ),
        (
            "[stage1]\nbottom_share = 0\n".into(),
            &["stage1.bottom_share = 0", "(0, 1]"],
        ),
        (
            "[objectivity]\nalpha = 0\n".into(),
            &["objectivity.alpha = 0", "(0, 1]"],
        ),
        (
            "[objectivity]\nraised_excess = 1\n".into(),
            &["objectivity.raised_excess = 1", "[0, 1)"],
        ),
        (
            "[index]\nmin_coverage = 0\n".into(),
            &["index.min_coverage = 0", "(0, 1]"],
        ),
        (
            "[cluster]\nmoderate = 0\n".into(),
            &["cluster.moderate = 0", "(0, 1]"],
        ),
        // fifth fresh-eyes run, L4: these passed `config --check`
        (
            "[objectivity]\nboundary_ratio = 0\n".into(),
            &["objectivity.boundary_ratio = 0", "(0, 1000000]"],
        ),
        (
            "[objectivity]\nfioko_iqr_k = 0\n".into(),
            &["objectivity.fioko_iqr_k = 0", "(0, 100]"],
        ),
        (
            "[objectivity]\nfioko_t = 0\n".into(),
            &["objectivity.fioko_t = 0", "(0, 10]"],
        ),
        (
            "[objectivity]\nmin_journal = -1\n".into(),
            &["objectivity.min_journal = -1", "[0, 1000000000]"],
        ),
        (
            "[objectivity]\nboundary_min_at = -5\n".into(),
            &["objectivity.boundary_min_at = -5", "[0, 1000000000]"],
        ),
    ];
    for (text, words) in cases {
        let e = Config::from_user(&text, "c.toml").unwrap_err().to_string();
        for w in words {
            assert!(e.contains(w), "{text}: «{w}» not in {e}");
        }
    }
    // the edges that stay allowed, and a valid rule
    for ok in [
        "[stage1]\nbottom_share = 1\nthreshold = 1\n",
        "[resilience]\ntop_quantile = 0.99\n",
        "[index.indicators]\nlow_income = { direction = -1, weight = 0 }\n",
        "[objectivity]\nraised_excess = 0\nalpha = 1\ndistribution = [{ subject = \"Математика\", grade = 11, max_share2 = 0.0, min_share5 = 1 }]\n",
    ] {
        Config::from_user(ok, "c.toml").unwrap();
    }
}
