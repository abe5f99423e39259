//! Unit tests of the ledger prose (`narrative`).
use super::text;
use crate::method::ledger::Fact;
use crate::method::strata::DeficitScore;
use crate::model::domain::Deficit;

/// The staffing and equipment indicators come from the registry or the 2021 context form: the
/// ledger names neither alone (it said «показателям реестра» when the form gave them).
#[test]
fn the_deficit_from_indicators_does_not_claim_the_registry() {
    let fact = Fact::Deficit {
        score: DeficitScore {
            source: "registry",
            staffing: 0.5,
            infrastructure: -0.25,
            year: None,
        },
        tie: Deficit::Staffing,
        deficit: Deficit::Staffing,
        year: 2021,
    };
    let t = text(&fact);
    assert!(!t.contains("реестра (z"), "{t}");
    assert!(t.contains("реестр или контекстная форма"), "{t}");
}

/// `select`, `explain` and the report said «исключённый вид: evening» and «все процедуры <
/// min_participants»: a code and the config key; JSON keeps them.
#[test]
fn the_exclusion_is_told_in_words() {
    use crate::method::ledger::Ledger;
    use crate::model::domain::{ExclusionReason, Stratum};
    let mut small = Ledger::default();
    small.note(
        1,
        Fact::TooSmall {
            min_participants: 5,
            procedures: vec![("ВПР математика 4 кл.".into(), 3)],
        },
    );
    assert_eq!(
        super::exclusion(ExclusionReason::TooSmall, &small),
        "во всех процедурах меньше минимального числа участников (5)"
    );
    let kind = ExclusionReason::ExcludedKind(Stratum::Evening);
    assert_eq!(
        super::exclusion(kind, &Ledger::default()),
        "исключённый вид: вечерняя"
    );
    assert_eq!(kind.to_string(), "исключённый вид: evening");
}

/// `explain` said «комбинирование «any»» and «группа «unknown»»: the config's codes.
#[test]
fn the_story_and_the_short_words_hold_no_english_code() {
    use crate::config::Combine;
    use crate::model::domain::{Settlement, Stratum};
    let facts = [
        Fact::RiskCombine {
            a: true,
            b: false,
            combine: Combine::Any,
            outcome: true,
        },
        Fact::Settlement(Settlement::Unknown),
        Fact::ExcludedKind {
            stratum: Stratum::Evening,
            exclude_kinds: vec![Stratum::Evening],
        },
        Fact::KindUnknown,
        Fact::PerGroup {
            group: "сильно неуспевающие / unknown / кадровые".into(),
            rank: 1,
            of: 2,
            per_group: 1,
            picked: true,
            below: crate::method::procedures::BelowMin::Mark2,
        },
    ];
    for f in &facts {
        let (rule, outcome) = super::short(f);
        for t in [text(f), rule.to_string(), outcome] {
            assert!(
                !t.chars().any(|c| c.is_ascii_lowercase() && c != 'k'),
                "{t}"
            );
        }
    }
    assert_eq!(
        text(&facts[0]),
        "Этап 1: правила объединены как «A или B» → кандидат."
    );
}

/// Fresh-eyes defect: for ЕГЭ the measure is the share below the minimum threshold, not of
/// «2»; a school with ЕГЭ and ВПР is told both names.
#[test]
fn the_share_is_named_by_the_assessment() {
    use crate::method::ledger::ProcShare;
    use crate::method::procedures::BelowMin;
    let ege = ProcShare {
        procedure: "ЕГЭ математика".into(),
        participants: 30,
        share2: 0.4,
    };
    let a = |below| Fact::RiskA {
        year: 2025,
        threshold: 0.3,
        min_procedures: 1,
        procedures: vec![ege.clone()],
        fired: vec![ege.clone()],
        outcome: true,
        below,
    };
    let t = text(&a(BelowMin::Threshold));
    assert!(
        t.starts_with("Этап 1, правило A: в 2025 доля ниже минимального порога ≥ 30,0 %"),
        "{t}"
    );
    assert!(!t.contains("«2»"), "{t}");
    let t = text(&a(BelowMin::Mixed));
    assert!(t.contains("доля «2» / ниже порога ≥ 30,0 %"), "{t}");
    let group = Fact::PerGroup {
        group: "сильно неуспевающие / город / кадровые".into(),
        rank: 1,
        of: 2,
        per_group: 1,
        picked: true,
        below: BelowMin::Threshold,
    };
    assert!(
        text(&group).contains("(доля ниже минимального порога по убыванию"),
        "{}",
        text(&group)
    );
}

/// Fresh-eyes defect: rule B said «ни одна процедура не имела долю «2» ≥ 30 % и в 2024, и в
/// 2025» when the school had no result in 2024 at all: it says there is nothing to compare.
#[test]
fn rule_b_without_the_year_before_says_so() {
    use crate::method::procedures::BelowMin;
    let b = |prev_procedures| Fact::RiskB {
        year: 2025,
        threshold: 0.3,
        both: vec![],
        outcome: false,
        prev_procedures,
        below: BelowMin::Mark2,
    };
    assert_eq!(
        text(&b(0)),
        "Этап 1, правило B: в 2024 у школы нет процедур с долей «2» и достаточным числом участников — сравнить не с чем, не сработало."
    );
    assert!(text(&b(3)).contains("и в 2024, и в 2025 — не сработало"));
}

/// Fresh-eyes (session 9) #4: with `stage1.rule = "bottom"` on ЕГЭ results the bottom rule said
/// «доля «2»» where every other sentence says «доля ниже минимального порога».
#[test]
fn the_bottom_rule_on_ege_says_below_the_minimum() {
    use crate::method::ledger::BottomYear;
    use crate::method::procedures::BelowMin;
    let fact = |below| Fact::Bottom {
        stratum: crate::model::domain::Stratum::Regular,
        years: vec![BottomYear {
            year: 2023,
            rank: Some((false, 0.0, 30, 38, 0.31).into()),
        }],
        bottom_share: 0.1,
        k: 2,
        n: 2,
        low_years: 0,
        outcome: false,
        below,
    };
    let t = text(&fact(BelowMin::Threshold));
    assert!(
        t.contains("2023: доля ниже минимального порога 0,0 %, место 30 из 38"),
        "{t}"
    );
    assert!(!t.contains("«2»"), "{t}");
    assert!(text(&fact(BelowMin::Mark2)).contains("2023: доля «2» 0,0 %"));
}
