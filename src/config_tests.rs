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
            "[index]\nmethod = \"PCA\"\n",
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
        ("[selection]\nyear = 1999\n", "selection.year", &["latest"]),
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
