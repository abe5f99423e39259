//! Header rows: find the header line of a grid and look columns up by synonyms.
use super::text::norm_header;

#[derive(Debug, Clone)]
pub struct Header {
    /// Index of the header row in the grid.
    pub row: usize,
    pub names: Vec<String>,
    pub raw: Vec<String>,
    /// Per column, whether a lookup found it since the last [`Header::forget_reads`] (shared by
    /// the header's clones): the columns a loader reads, for a caption given twice
    /// (`detect::duplicated_column`: an error when read, else a warning).
    reads: std::sync::Arc<[std::sync::atomic::AtomicBool]>,
}

impl Header {
    pub fn new(row: usize, raw: &[String]) -> Header {
        Header {
            row,
            names: raw.iter().map(|s| norm_header(s)).collect(),
            raw: raw.to_vec(),
            reads: raw.iter().map(|_| Default::default()).collect(),
        }
    }
    /// First column whose normalised header equals one of `syn`.
    pub fn find(&self, syn: &[&str]) -> Option<usize> {
        let c = syn
            .iter()
            .find_map(|s| self.names.iter().position(|n| n == s));
        self.read(c)
    }
    /// The journal-mark column of a per-pupil sheet: one of [`JOURNAL`], else the first whose
    /// caption is a mark (`отметка…`, `оценка…`, `четвертная…`) of a school period or the journal
    /// — it names `четверт`, `триместр`, `полугод`, `предыдущ` or `журнал` (real exports write
    /// «Отметка за предыдущую четверть», «Отметка за четверть», «Отметка в журнале»). A caption
    /// of the ВПР mark itself («Отметка», «Отметка по пятибалльной шкале») is none.
    pub fn find_journal(&self) -> Option<usize> {
        self.find(JOURNAL).or_else(|| {
            let c = self.names.iter().position(|n| is_journal_caption(n));
            self.read(c)
        })
    }
    /// First column whose normalised header starts with one of `prefixes`.
    pub fn find_prefix(&self, prefixes: &[&str]) -> Option<usize> {
        let c = prefixes
            .iter()
            .find_map(|p| self.names.iter().position(|n| n.starts_with(p)));
        self.read(c)
    }
    /// Note column `c` as read (a lookup found it); `c` back.
    pub fn read(&self, c: Option<usize>) -> Option<usize> {
        if let Some(r) = c.and_then(|c| self.reads.get(c)) {
            r.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        c
    }
    /// Whether a lookup found column `c` since the last [`Header::forget_reads`].
    pub fn was_read(&self, c: usize) -> bool {
        self.reads
            .get(c)
            .is_some_and(|r| r.load(std::sync::atomic::Ordering::Relaxed))
    }
    /// Forget the lookups so far (those of detection), so that [`Header::was_read`] tells the
    /// columns the loader reads.
    pub fn forget_reads(&self) {
        for r in self.reads.iter() {
            r.store(false, std::sync::atomic::Ordering::Relaxed);
        }
    }
    pub fn has(&self, syn: &[&str]) -> bool {
        self.find(syn).is_some()
    }
    /// Column `c`'s header declares percents (`…, %`): its unit is decided by the header, not by
    /// the values (`text::header_says_percent`).
    pub fn is_percent(&self, c: usize) -> bool {
        self.raw
            .get(c)
            .is_some_and(|r| super::text::header_says_percent(r))
    }
    pub fn raw_name(&self, c: usize) -> &str {
        self.raw.get(c).map(|s| s.as_str()).unwrap_or("?")
    }
}

pub const LOGIN: &[&str] = &[
    "логин школы",
    "логин",
    "логин оо",
    "оо (логин школы)",
    "пользователь",
    "user",
    "login",
    "school_id",
];
pub const TOTAL: &[&str] = &["всего баллов", "итого баллов", "первичный балл", "sum"];
pub const JOURNAL: &[&str] = &[
    "отметка за предыдущую четверть/триместр",
    "отметка за предыдущий триместр/ четверть/полугодие",
    "отметка за предыдущий триместр/четверть/полугодие",
    "otc",
    "отметка по журналу",
];
/// Whether a normalised caption is a journal mark's ([`Header::find_journal`]).
pub fn is_journal_caption(n: &str) -> bool {
    let mark = ["отметка", "оценка", "четвертная"]
        .iter()
        .any(|p| n.starts_with(p));
    let period = ["четверт", "триместр", "полугод", "предыдущ", "журнал"]
        .iter()
        .any(|w| n.contains(w));
    mark && period
}
pub const VARIANT: &[&str] = &["вариант", "var-1"];
pub const YEAR: &[&str] = &["год", "year", "учебный год"];
pub const GRADE: &[&str] = &["класс", "grade", "параллель"];
pub const SUBJECT: &[&str] = &["предмет", "subject"];
pub const ASSESSMENT: &[&str] = &["процедура", "оценочная процедура", "assessment", "экзамен"];
pub const MUNICIPALITY: &[&str] = &[
    "муниципалитет",
    "муниципальное образование",
    "мо",
    "municipality",
    "район",
    "ато",
];
pub const NAME: &[&str] = &[
    "оо",
    "наименование оо",
    "школа",
    "name",
    "имя",
    "наименование",
    "образовательная организация",
];
pub const PARTICIPANTS: &[&str] = &[
    "кол-во участников",
    "количество участников",
    "участников",
    "участники",
    "participants",
    "число участников",
    "приняли участие",
];
pub const GIA_CODE: &[&str] = &["код оо", "код ое", "код оу"];
