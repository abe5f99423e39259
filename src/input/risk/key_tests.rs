//! Tests of the packed (rank, year, factor) keys of a long risk table.
/// `packed_keys` orders and equals rows as their (rank, year, factor) do, years below 2000
/// and far apart included (64 bits), a national file's in 32 bits; three that need more than
/// 64 bits, or a negative factor, give none.
#[test]
fn packed_keys_sort_as_rank_year_and_factor() {
    let rows: [(u32, i32, i32); 8] = [
        (3, 2021, 0),
        (0, 2023, 7),
        (3, 1999, 255),
        (u32::MAX, -5, 1),
        (0, 2023, 6),
        (3, 2021, 0),
        (1, 100_000, 0),
        (0, -5, 7),
    ];
    let (rank, years, factors): (Vec<u32>, Vec<i32>, Vec<i32>) = (
        rows.iter().map(|r| r.0).collect(),
        rows.iter().map(|r| r.1).collect(),
        rows.iter().map(|r| r.2).collect(),
    );
    let col = super::packed_keys(&rank, &years, &factors).unwrap();
    let keys: Vec<u64> = col.u64().unwrap().into_no_null_iter().collect();
    for i in 0..rows.len() {
        for j in 0..rows.len() {
            assert_eq!(keys[i].cmp(&keys[j]), rows[i].cmp(&rows[j]), "{i} {j}");
        }
    }
    // a national file's keys fit 32 bits
    let small = super::packed_keys(&[44_999, 0, 7], &[2023, 2021, 2022], &[23, 0, 23]).unwrap();
    let small: Vec<u32> = small.u32().unwrap().into_no_null_iter().collect();
    assert!(small[1] < small[2] && small[2] < small[0]);
    assert!(super::packed_keys(&[u32::MAX, 0], &[i32::MIN, i32::MAX], &[0, 1]).is_none());
    assert!(super::packed_keys(&[0], &[2021], &[-1]).is_none());
}
