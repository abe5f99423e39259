//! Tests of the dynamics (`method::monitor`).
use super::*;
use crate::model::ResultRow;

#[test]
fn year_shares_pool_the_judged_procedures_only() {
    let mut ds = Dataset::default();
    let mut small = ResultRow::for_test(2024, "edu220001", "русский язык", 3, 3);
    small.grade = 5;
    let mut oge = ResultRow::for_test(2024, "edu220001", "математика", 30, 30);
    oge.assessment = "ОГЭ".into();
    oge.grade = 9;
    ds.set_results(&[
        ResultRow::for_test(2024, "edu220001", "математика", 20, 4),
        ResultRow::for_test(2023, "edu220001", "математика", 10, 1),
        small,
        oge,
    ]);
    let mut cfg = Config::default();
    cfg.stage1.min_participants = 5;
    // the group-by of the results, and the context's sums per year (made under `cfg`)
    let both = |cfg: &Config, years: &[i32]| {
        let f = crate::model::frames::build(&ds).unwrap();
        let grouped = year_shares_grouped(&f, cfg, years).unwrap();
        let ctx = Context::statuses(f, cfg, 2024).unwrap();
        assert!(ctx.year_sums.is_some());
        (grouped, year_shares(&ctx, cfg, years).unwrap())
    };
    let (s, from_sums) = both(&cfg, &[2024]);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s["edu220001"], [(50, 34)]);
    assert_eq!(from_sums["edu220001"], [(50, 34)]);
    cfg.stage1.assessments = vec![crate::model::domain::Assessment::Vpr];
    let (s, from_sums) = both(&cfg, &[2023, 2024]);
    assert_eq!(s["edu220001"], [(10, 1), (20, 4)]);
    assert_eq!(from_sums["edu220001"], [(10, 1), (20, 4)]);
}

#[test]
fn judged_merges_the_years_in_login_order_keeping_a_repeated_logins_last() {
    use crate::model::domain::Stratum;
    let school = |login: &str, participants: i64| {
        let mut s = SchoolResult::new(login, None, Stratum::Regular);
        s.participants = participants;
        s
    };
    let y1 = [school("edu2", 1), school("edu4", 1)];
    // not in login order, and edu3 twice: its later result counts (as a map's insert would)
    let y2 = [school("edu3", 2), school("edu1", 2), school("edu3", 3)];
    let j = Judged::new(&[&y1, &y2]);
    assert_eq!(j.logins, ["edu1", "edu2", "edu3", "edu4"]);
    let got: Vec<Vec<Option<i64>>> = (0..4)
        .map(|i| j.of(i).iter().map(|s| s.map(|s| s.participants)).collect())
        .collect();
    assert_eq!(
        got,
        [
            vec![None, Some(2)],
            vec![Some(1), None],
            vec![None, Some(3)],
            vec![Some(1), None]
        ]
    );
}
