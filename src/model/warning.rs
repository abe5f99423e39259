//! Warning codes: every counted warning a loader, the model or the method can give, with its
//! Russian label for people and its stable JSON key (issue 12 «typed boundaries»).
//!
//! The key is a stable code, not prose: it is the text these warnings were keyed by before they
//! were typed, so the JSON contract (`warnings` objects, docs/JSON.md) does not change. Text,
//! Markdown, xlsx and HTML outputs show the label.
use serde::{Serialize, Serializer};
use std::cmp::Ordering;

macro_rules! warning_codes {
    ($($(#[$vm:meta])* $var:ident = $key:literal => $label:literal),+ $(,)?) => {
        /// One kind of counted warning (`input::report::Warnings`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum WarningCode {
            $($(#[$vm])* $var),+
        }

        impl WarningCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [WarningCode] = &[$(WarningCode::$var),+];

            /// The stable JSON key (docs/JSON.md): never reworded.
            pub const fn key(self) -> &'static str {
                match self {
                    $(WarningCode::$var => $key),+
                }
            }

            /// The Russian text a user reads.
            pub const fn label(self) -> &'static str {
                match self {
                    $(WarningCode::$var => $label),+
                }
            }
        }
    };
}

warning_codes! {
    // --- loaders: repeated and skipped rows
    /// A row equal to an earlier one of the same file (journal, risk table).
    RowRepeated = "exact repeated row dropped"
        => "полностью повторяющаяся строка отброшена",
    /// A result row equal to an earlier one (same school, procedure, figures).
    ResultRowRepeated = "exact repeated result row dropped"
        => "полностью повторяющаяся строка результатов отброшена",
    /// A second, different result row for one school and procedure, with `--lenient`.
    ConflictingRowSkipped = "conflicting duplicate row skipped (--lenient)"
        => "вторая строка результатов школы по той же процедуре с другими числами пропущена (--lenient)",
    /// A registry row equal to an earlier one for the same login.
    RegistryRowRepeated = "exact repeated registry row dropped"
        => "полностью повторяющаяся строка реестра отброшена",
    /// Two registries (or context tables) giving one school different enrollments or indicator
    /// values: the first read kept (`input::registry::fill_from_registry`).
    RegistryValuesDisagree = "реестры расходятся в численности или показателях школы: оставлено первое прочитанное"
        => "реестры (таблицы контекста) расходятся в численности обучающихся или показателях школы: оставлено значение файла, прочитанного первым (файлы читаются в порядке путей) — проверьте, какой из файлов верен",
    /// A context table row equal to an earlier one.
    ContextTableRowRepeated = "exact repeated context table row dropped"
        => "полностью повторяющаяся строка таблицы контекста отброшена",
    /// Journal rows equal to earlier ones, across inputs.
    JournalRowsRepeated = "exact repeated journal rows dropped"
        => "полностью повторяющиеся строки журнала отброшены",
    /// A per-pupil sheet's row equal to an earlier row of the same pupil (school and pupil code).
    PupilRowRepeated = "полностью повторяющаяся строка участника отброшена (участник учтён один раз)"
        => "полностью повторяющаяся строка участника отброшена (участник учтён один раз)",
    /// A row with a data error, skipped under `--lenient`.
    RowSkippedLenient = "строка с ошибкой данных пропущена (--lenient)"
        => "строка с ошибкой данных пропущена (--lenient)",
    /// An aggregate row of a results table (whole sample, region, municipality).
    AggregateRowApart = "aggregate row (вся выборка / регион / муниципалитет) kept apart from schools"
        => "итоговая строка (вся выборка / регион / муниципалитет) учтена отдельно от школ",
    /// An aggregate row («Итого», a municipality's row) of a per-school ОГЭ/ЕГЭ table: not a school.
    GiaAggregateRowSkipped = "итоговая строка таблицы ОГЭ/ЕГЭ по школам пропущена (итоги считаются по школам)"
        => "итоговая строка таблицы ОГЭ/ЕГЭ по школам пропущена (итоги региона и муниципалитетов считаются по строкам школ)",
    /// A per-pupil sheet's row whose login cell is an aggregate label («Итого по ОО»).
    PupilAggregateRowSkipped = "итоговая строка листа участников пропущена (не школа и не участник)"
        => "итоговая строка листа участников («Итого…», «Всего…») пропущена: не школа и не участник",
    /// A registry row whose login cell is an aggregate label («Итого», «Всего»): no school.
    RegistryTotalRowSkipped = "итоговая строка реестра пропущена (не школа)"
        => "итоговая строка реестра («Итого…», «Всего…») пропущена: не школа",
    /// A school's procedure whose score histogram (or joint school mark × score counts) a second
    /// source gave again: the first loaded kept (`model::tables::append_once`).
    ScoreGroupsRepeated = "распределение баллов школы по процедуре дано повторно (другой файл): учтено один раз"
        => "распределение первичных баллов школы по процедуре дано повторно (тот же протокол дважды или протокол и отчёт «Гистограмма первичных баллов»): учтено один раз, по первому загруженному файлу",
    /// Ranges of a spreadsheet merged down a column: each row reads the top cell's value
    /// (`input::merged`).
    MergedCellsFilled = "объединённые по вертикали ячейки: значение верхней ячейки отнесено к каждой строке диапазона"
        => "объединённые по вертикали ячейки (например, муниципалитет над своими школами): значение верхней ячейки отнесено к каждой строке диапазона, как его показывает табличный редактор",
    /// A sheet's title names another year, grade or subject than its file's name or folders:
    /// the title's is taken.
    TitleOverridesName = "заголовок листа и имя файла называют разный год, класс или предмет: взят заголовок"
        => "заголовок листа и имя файла (или папки) называют разный год, класс или предмет: взят заголовок листа — проверьте, не ошибка ли в имени файла",
    /// A flag (`--file-year`, `--grade`, `--subject`) that a file's own year, grade or subject
    /// makes moot.
    FlagNotApplied = "флаг не применён к файлу: файл сам называет год, класс или предмет"
        => "--file-year / --grade / --subject не применены к файлу: его заголовок, имя или папка сами называют год, класс или предмет (флаг дополняет только то, чего файл не называет)",
    /// A row whose only text, in its first cell, is a note («Примечание: …», «* …»): not a row
    /// of the table (`input::records::note_row`).
    NoteRowSkipped = "строка-примечание пропущена (текст только в первой ячейке)"
        => "строка-примечание («Примечание: …», «Источник: …», «* …»; текст только в первой ячейке) пропущена: не строка таблицы",
    /// A registry column that looks like a context indicator but is none shnor knows: not read.
    RegistryColumnUnknown = "столбец реестра похож на показатель контекста, но не распознан: не использован"
        => "столбец реестра похож на показатель контекста, но не распознан (не использован в ИСБШ): проверьте заголовок по списку показателей в docs/INPUTS.md",
    // --- loaders: cells and units
    /// A login cell that is no ФИС ОКО login: the school is kept under that text.
    NotALogin = "в столбце логина не логин ФИС ОКО (edu…/sch…): школа учтена под этим текстом"
        => "в столбце логина не логин ФИС ОКО (edu…/sch…): школа учтена под этим текстом",
    /// A login typed with Cyrillic look-alike letters, read as the Latin login it looks like.
    CyrillicInLogin = "в логине кириллическая буква вместо латинской: прочитан как латинский логин"
        => "в логине кириллическая буква вместо латинской (е, с, о, р, к…): прочитан как латинский логин — исправьте в источнике",
    /// Marks under a `%` header whose every school row sums to 1: fractions in cells formatted as
    /// percent, read as shares.
    PercentFormattedShares = "отметки под заголовком «%» в сумме дают 1: прочитаны как доли (ячейки в процентном формате)"
        => "отметки под заголовком «%» во всех строках школ в сумме дают 1, а не 100: это доли в ячейках процентного формата (0,023 показано как 2,3 %), прочитаны как доли",
    /// A sheet the workbook hides (often a draft or an old version), loaded as every sheet is.
    HiddenSheetLoaded = "скрытый лист книги загружен как обычный (проверьте, не черновик ли это)"
        => "скрытый лист книги загружен как обычный (проверьте, не черновик ли это или старая версия; лишний лист удалите из книги)",
    /// Rows an xlsx sheet hides (Excel's «скрыть строки»), loaded as every row is.
    HiddenRowsLoaded = "скрытые строки листа загружены как обычные (проверьте, не скрыты ли они намеренно)"
        => "скрытые строки листа загружены как обычные (проверьте, не скрыты ли они намеренно)",
    /// Two or more cells of an xlsx sheet at one address (a damaged or hand-edited file): calamine
    /// keeps the last one.
    CellAddressRepeated = "в листе две ячейки с одним адресом (файл повреждён?): взята последняя"
        => "в листе две ячейки с одним адресом (файл повреждён?): взята последняя",
    /// Formula cells of an xlsx sheet whose value was not saved (a workbook written by a program
    /// that does not compute formulas, never opened and saved in Excel or LibreOffice): calamine
    /// reads them as empty cells.
    UnsavedFormulas = "формулы без сохранённого значения прочитаны как пустые ячейки (откройте книгу в табличном редакторе и сохраните её)"
        => "формулы без сохранённого значения прочитаны как пустые ячейки (откройте книгу в табличном редакторе и сохраните её)",
    /// A caption given in two or more columns of a header, none of which the loader reads (a
    /// column it reads twice is a data error).
    ColumnRepeatedUnused = "столбец повторён в заголовке; загрузчик этот столбец не читает, копии не использованы"
        => "столбец повторён в заголовке; загрузчик этот столбец не читает, копии не использованы",
    /// Mark counts rebuilt from percents.
    CountsFromPercents = "counts reconstructed from percents"
        => "численности по отметкам восстановлены по процентам",
    /// Pupil counts per score rebuilt from percents (ФИС ОКО histogram).
    ScoreCountsFromPercents = "pupil counts per score reconstructed from percents"
        => "численности участников по баллам восстановлены по процентам",
    /// A row of a simple ОГЭ/ЕГЭ table whose share cell (below the minimum, or of «5») is empty or a
    /// dash where the table has the column: the school's result has participants but no such share.
    GiaShareMissing = "значение в строке ОГЭ/ЕГЭ не дано (пусто или прочерк): результат школы не входит в долю этого столбца"
        => "значение в строке ОГЭ/ЕГЭ не дано (пусто или прочерк): результат школы не входит в долю этого столбца",
    /// A school row of a flat ОГЭ/ЕГЭ table with no figure at all (dashes or blanks).
    GiaRowNoFigures = "строка школы без результатов (все значения — прочерк или пусто) пропущена"
        => "строка школы без результатов (все значения — прочерк или пусто) пропущена",
    /// A row of the header's column numbers (1 2 3 …) under a table's header: no school.
    ColumnNumbersRowSkipped = "строка номеров столбцов (1, 2, 3 …) под заголовком пропущена"
        => "строка номеров столбцов (1, 2, 3 …) под заголовком пропущена",
    /// A flat ОГЭ/ЕГЭ table with both the share and the count below the minimum that disagree.
    GiaCountShareDisagree = "в строке ОГЭ/ЕГЭ доля и число не преодолевших минимальный порог расходятся (взято число)"
        => "в строке ОГЭ/ЕГЭ доля и число не преодолевших минимальный порог расходятся (взято число)",
    /// A flat ОГЭ/ЕГЭ table with a login column beside «Код ОО»: the schools are keyed by code.
    GiaLoginNotRead = "в таблице ОГЭ/ЕГЭ есть и логин, и «Код ОО»: школы сопоставлены по коду ОО, столбец логина не прочитан (проверьте, что логин и код называют одну школу)"
        => "в таблице ОГЭ/ЕГЭ есть и логин, и «Код ОО»: школы сопоставлены по коду ОО, столбец логина не прочитан (проверьте, что логин и код называют одну школу)",
    /// Columns of a wide risk-profile table of fewer than ten factors that are not read.
    RiskColumnsNotRead = "в таблице рисковых профилей не все десять факторов; эти столбцы не прочитаны (если это фактор, исправьте заголовок)"
        => "в таблице рисковых профилей не все десять факторов; эти столбцы не прочитаны (если это фактор, исправьте заголовок)",
    /// A column of a wide risk-profile table that reads as a misspelt factor: not read.
    RiskColumnNotFactor = "столбец таблицы рисковых профилей похож на фактор риска, но не распознан и не прочитан (исправьте заголовок)"
        => "столбец таблицы рисковых профилей похож на фактор риска, но не распознан и не прочитан (исправьте заголовок)",
    /// A share column in which percents and fractions both give whole pupils.
    UnitAmbiguous = "столбец долей: и проценты, и доли дают целое число участников; прочитан как проценты"
        => "столбец долей: и проценты, и доли дают целое число участников; прочитан как проценты",
    /// A markers table row whose «Количество маркеров» differs from its marked columns: the marked
    /// columns are taken.
    MarkerCountDiffers = "«Количество маркеров» не равно числу отмеченных столбцов (взяты отмеченные столбцы)"
        => "«Количество маркеров» не равно числу отмеченных столбцов (взяты отмеченные столбцы)",
    // --- ЕГЭ / ОГЭ forms
    /// A sheet's title naming another year than the sheet's name.
    YearMismatch = "год в заголовке листа формы ЕГЭ/ОГЭ не совпадает с именем листа: взят год из имени листа"
        => "год в заголовке листа формы ЕГЭ/ОГЭ не совпадает с именем листа: взят год из имени листа",
    /// A municipality subtotal that differs from the sum of its schools.
    SubtotalDiffers = "итог муниципалитета в форме ЕГЭ/ОГЭ не равен сумме его школ"
        => "итог муниципалитета в форме ЕГЭ/ОГЭ не равен сумме его школ",
    /// The region total that differs from the sum of all schools.
    TotalDiffers = "итог по региону в форме ЕГЭ/ОГЭ не равен сумме школ"
        => "итог по региону в форме ЕГЭ/ОГЭ не равен сумме школ",
    /// A context table's school code that no other input maps to a school, while the inputs know
    /// schools by login: the school stays under its code with no municipality or region.
    UnmappedContextCode = "код школы из таблицы контекста не сопоставлен ни с одной школой других входов: школа учтена под кодом, без муниципалитета и региона"
        => "код школы из таблицы контекста не сопоставлен ни с одной школой других входов: школа учтена под кодом, без муниципалитета и региона",
    // --- per-pupil protocols
    /// A protocol row without the school's login.
    RowWithoutLogin = "строка без логина школы пропущена"
        => "строка без логина школы пропущена (участник не учтён)",
    /// A protocol row with no scores and no «absent» mark.
    ProtocolRowEmpty = "строка протокола без баллов и без отметки «отсутствовал»: участник считается отсутствовавшим"
        => "строка протокола без баллов и без отметки «отсутствовал»: участник считается отсутствовавшим",
    /// A protocol row with some item scores blank and others filled: the blanks scored 0.
    ProtocolItemsBlank = "строка протокола с пустыми баллами за часть заданий: пустые засчитаны как 0"
        => "строка протокола с пустыми баллами за часть заданий: пустые засчитаны как 0",
    /// A present pupil with an empty total score.
    TotalEmpty = "пустой первичный балл у присутствовавшего"
        => "пустой итоговый балл у присутствовавшего (результат участника не учтён)",
    /// A total score that is no whole number ≥ 0 (text, negative, fractional).
    TotalNotNumeric = "нечисловой первичный балл"
        => "итоговый балл — не целое неотрицательное число (результат участника не учтён)",
    /// A total score above the scale's maximum.
    TotalAboveMax = "первичный балл выше максимума"
        => "итоговый балл выше максимума (результат участника не учтён)",
    /// A per-pupil sheet's row that repeats its header (a second export pasted below the first):
    /// passed over.
    HeaderRowRepeated = "строка повторяет заголовок листа (вставлена вторая выгрузка?): строка пропущена"
        => "строка повторяет заголовок листа (вставлена вторая выгрузка?): строка пропущена",
    /// A per-pupil sheet without a journal-mark column but with a column captioned as some mark
    /// («Отметка…», «Оценка…»): named, as the journal comparison is then not computed.
    JournalColumnNotFound = "нет столбца отметки по журналу (столбец с «отметкой» не распознан): сравнение с журналом не вычислено"
        => "нет столбца отметки по журналу (столбец с «отметкой» не распознан): сравнение с журналом не вычислено",
    /// A journal mark that is neither 1–5 nor empty / «нет отметки»: the pupil kept, without one.
    JournalMarkInvalid = "отметка за четверть — не 1–5 (отметка не учтена, результат участника учтён)"
        => "отметка за четверть — не 1–5 (отметка не учтена, результат участника учтён)",
    /// A variant that is neither a whole number nor «отсутствовал»: the pupil kept by the score.
    VariantInvalid = "вариант — не номер варианта и не «отсутствовал» (участник учтён по итоговому баллу)"
        => "вариант — не номер варианта и не «отсутствовал» (участник учтён по итоговому баллу)",
    /// An item score above the maximum in its header.
    ItemAboveMax = "балл за задание выше максимума в заголовке: результат участника недействителен"
        => "балл за задание выше максимума в заголовке: результат участника недействителен",
    /// A protocol row marked «отсутствовал» that holds item scores or a total: counted absent.
    ProtocolAbsentWithScores = "строка протокола с отметкой «отсутствовал», но с баллами: участник считается отсутствовавшим"
        => "строка протокола с отметкой «отсутствовал», но с баллами: участник считается отсутствовавшим",
    /// A protocol row with item scores but no pupil code: counted as a participant.
    ProtocolCodeEmpty = "строка протокола с баллами, но без кода участника: участник учтён"
        => "строка протокола с баллами, но без кода участника: участник учтён",
    /// A protocol row with item scores and an empty «Итого баллов»: scored from the items.
    TotalFromItems = "строка протокола с пустым «Итого баллов» и баллами за задания: балл — сумма баллов за задания"
        => "строка протокола с пустым итоговым баллом и баллами за задания: балл — сумма баллов за задания",
    /// A present pupil's total of 0 beside item scores that sum to more: scored from the items
    /// (real 2022 ФИС ОКО protocols; brief FORMATS.md).
    TotalZeroFromItems = "«Итого баллов» 0 при баллах за задания: балл — сумма баллов за задания"
        => "итоговый балл 0 при баллах за задания: балл — сумма баллов за задания",
    /// A per-pupil sheet's item score that is no whole number ≥ 0 (text, negative, fractional):
    /// the cell is named, the total stays the pupil's score.
    ItemScoreInvalid = "балл за задание — не целое неотрицательное число (ячейка не учтена, балл участника — «Итого баллов»)"
        => "балл за задание — не целое неотрицательное число (ячейка не учтена, балл участника — его итоговый балл)",
    /// The total («Итого баллов», «Всего баллов»: the example quotes the file's header) differing
    /// from the sum of the item scores; the key keeps its old wording (a stable code).
    TotalNotItemSum = "«Итого баллов» не равно сумме баллов за задания (взято «Итого баллов»)"
        => "итоговый балл не равен сумме баллов за задания (взят итоговый балл)",
    /// Item maxima in the headers that do not add up to the scale's maximum.
    ItemMaxSumDiffers = "сумма максимумов заданий в заголовках не равна максимуму шкалы (используется шкала)"
        => "сумма максимумов заданий в заголовках не равна максимуму шкалы (используется шкала)",
    /// A published scale with overlapping or missing bands.
    ScaleBandsOverlap = "шкала по опубликованной таблице с перекрытием или пропуском полос"
        => "шкала по опубликованной таблице с перекрытием или пропуском полос",
    /// A scales file's row replacing a shipped (published) scale with other bands: the marks of
    /// that procedure follow the file, not the publication.
    ShippedScaleReplaced = "встроенная (опубликованная) шкала заменена шкалой из файла: отметки по шкале файла"
        => "встроенная (опубликованная) шкала заменена шкалой из файла: отметки по шкале файла",
    /// No conversion scale for a procedure: no marks, no part in the selection.
    NoScale = "нет шкалы перевода для (год, класс, предмет): отметки не вычислены, процедура не участвует в отборе"
        => "нет шкалы перевода для (год, класс, предмет): отметки не вычислены, процедура не участвует в отборе",
    // --- context: registry, questionnaires, tables
    /// A question of a context form that shnor reads and the form lacks (reworded or left out).
    ContextQuestionMissing = "в контекстной анкете не найден вопрос, нужный для отбора: показатель не определён ни у одной школы анкеты"
        => "в контекстной анкете не найден вопрос, нужный для отбора: показатель не определён ни у одной школы анкеты",
    /// An answer to question 14 (settlement) that is none of the known ones.
    Question14Unknown = "unknown answer to question 14 (settlement)"
        => "неизвестный ответ на вопрос 14 (тип населённого пункта): тип не определён",
    /// Context form 2021: a count that is no number.
    Form2021CountNotNumber = "context form 2021: a count that is no number, left unknown"
        => "контекстная анкета 2021 года: количество не является числом, значение не определено",
    /// Context form 2021: an answer that is neither Да nor Нет.
    Form2021AnswerNotYesNo = "context form 2021: an answer that is neither Да nor Нет, taken as Нет"
        => "контекстная анкета 2021 года: ответ не «Да» и не «Нет», принят за «Нет»",
    /// Context form 2021: a part above its whole.
    Form2021PartAboveWhole = "context form 2021: a part above its whole, share left unknown"
        => "контекстная анкета 2021 года: часть больше целого, доля не определена",
    /// Context form 2021: an unknown answer to the settlement question.
    Form2021SettlementUnknown = "context form 2021: unknown answer to «Где расположена Ваша образовательная организация?», settlement unknown"
        => "контекстная анкета 2021 года: неизвестный ответ на вопрос «Где расположена Ваша образовательная организация?», тип населённого пункта не определён",
    /// Context form 2021: 0 teachers in a school (an unfilled answer, not a fact): its staffing
    /// indicators are unknown, so without a risk profile its prevailing deficit is too.
    Form2021NoTeachers = "контекстная анкета 2021 года: 0 учителей в школе — кадровые показатели не определены"
        => "контекстная анкета 2021 года: 0 учителей в школе — кадровые показатели не определены",
    /// Context form 2021: no computers for pupils.
    Form2021NoComputers = "context form 2021: no computers for pupils, pupils per computer left unknown"
        => "контекстная анкета 2021 года: нет компьютеров для обучающихся, число обучающихся на компьютер не определено",
    /// Context form 2021: an unknown internet speed band.
    Form2021InternetUnknown = "context form 2021: unknown internet speed band, left unknown"
        => "контекстная анкета 2021 года: неизвестный диапазон скорости интернета, значение не определено",
    /// A context table's indicator matched to no index indicator.
    ContextIndicatorUnmatched = "показатель таблицы контекста не сопоставлен с показателями индекса (не используется)"
        => "показатель таблицы контекста не сопоставлен с показателями индекса (не используется)",
    /// A context table without the selection year: an earlier year taken.
    ContextYearEarlier = "в таблице контекста нет года отбора: взят последний более ранний"
        => "в таблице контекста нет года отбора: взят последний более ранний",
    /// A context table without the selection year or an earlier one.
    ContextYearMissing = "в таблице контекста нет года отбора и более ранних: показатели таблицы не использованы"
        => "в таблице контекста нет года отбора и более ранних: показатели таблицы не использованы",
    /// A context table and another input disagreeing on an indicator.
    ContextDisagrees = "таблица контекста и другой вход расходятся в показателе: взято значение таблицы за год"
        => "таблица контекста и другой входной файл расходятся в показателе: взято значение таблицы за год",
    // --- inputs as a whole
    /// A results table without a school key, not loaded.
    ResultsWithoutSchoolKey = "таблица результатов без ключа школы (логина, кода, названия ОО) не загружена"
        => "таблица результатов без ключа школы (логина, кода, названия ОО) не загружена",
    /// A table in a folder whose header matched no kind (no sheet of it loaded): skipped.
    TableNotRecognised = "таблица в папке не распознана (заголовок не похож ни на один вид входных данных) и пропущена: подробно — shnor inspect"
        => "таблица в папке не распознана (заголовок не похож ни на один вид входных данных) и пропущена: подробно — shnor inspect",
    /// An empty or blank table file in a folder: skipped (named on the command line it is an error).
    EmptyFileSkipped = "пустой файл в папке пропущен"
        => "пустой файл в папке пропущен (файл без байтов или без заполненных ячеек)",
    /// A marks table's «Год» column that never says the year its title or file name says: the
    /// column read.
    YearColumnDiffers = "год в столбце «Год» расходится с годом в заголовке листа или имени файла: взят столбец"
        => "год в столбце «Год» расходится с годом в заголовке листа или имени файла: взят столбец — проверьте, какой верен",
    /// A marks table's percents («2», %) that contradict its counts («2», чел.) by more than a
    /// point: the counts read.
    CountsPercentsDisagree = "проценты по отметкам расходятся с численностями (больше чем на 1 п.п.): взяты численности"
        => "проценты по отметкам расходятся с численностями той же строки (больше чем на 1 п.п.): взяты численности — проверьте файл",
    /// A table in a folder whose header was recognised with no data rows below it (a header only),
    /// in a file of which nothing loaded: skipped.
    EmptyTableSkipped = "таблица в папке без строк данных пропущена"
        => "таблица в папке без строк данных пропущена (под распознанным заголовком ничего): проверьте файл — подробно shnor inspect",
    /// A results table that gives no procedure any data.
    ContributesNothing = "таблица результатов не даёт данных ни одной процедуре (нет предмета или ни доли ниже минимума, ни высоких результатов)"
        => "таблица результатов не даёт данных ни одной процедуре (нет предмета или ни доли ниже минимума, ни высоких результатов)",
    /// Inputs disagreeing on a school's facts: the source of higher priority kept.
    SchoolFactsDisagree = "входные файлы расходятся в сведениях о школе (название, муниципалитет, код муниципалитета, вид, тип поселения): оставлено значение источника с большим приоритетом (docs/INPUTS.md)"
        => "сведения о школе расходятся — в разных входных файлах или в строках одного файла (название, муниципалитет, код муниципалитета, вид, тип поселения): оставлено значение источника с большим приоритетом, при равном — первое прочитанное (docs/INPUTS.md)",
    // --- identity: logins, codes, names
    /// Results of schools of several regions (the region code of a login or an ОГРН) in one run.
    SeveralRegions = "в одном запуске результаты школ нескольких регионов (код региона в логине или ОГРН): проверьте, что входные файлы — одного региона"
        => "в одном запуске результаты школ нескольких регионов (код региона в логине или ОГРН): проверьте, что входные файлы — одного региона",
    /// Spellings of one municipality treated as one.
    MunicipalitySpellings = "municipality spellings treated as one"
        => "разные написания одного муниципалитета объединены",
    /// A crosswalk row without a login or a name.
    CrosswalkIncomplete = "строка файла соответствия без логина или без названия школы: пропущена"
        => "строка файла соответствия без логина или без названия школы: пропущена",
    /// A school code (ГИА, ИНН, ОГРН) with no login in the crosswalk.
    CodeWithoutLogin = "school code with no login in the crosswalk (kept under its own code)"
        => "код школы не найден в файле соответствия: школа учтена под своим кодом",
    /// ГИА / ИНН / ОГРН codes no input maps to a login, matched by the school's name.
    CodeMatchedByName = "код школы сопоставлен с логином по наименованию школы (нет в файле соответствия)"
        => "код ГИА / ИНН / ОГРН не найден в реестре или файле соответствия и сопоставлен с логином по наименованию школы (одна школа с таким наименованием): проверьте или дайте реестр со столбцом кода ГИА",
    /// ГИА / ИНН / ОГРН codes matched to logins.
    CodesMatched = "ГИА / ИНН / ОГРН codes matched to logins"
        => "коды ГИА / ИНН / ОГРН сопоставлены с логинами",
    /// Names without a login matched to logins.
    NameMatched = "школы без логина сопоставлены с логинами по названию в муниципалитете или по файлу соответствия"
        => "школы без логина сопоставлены с логинами по названию в муниципалитете или по файлу соответствия",
    /// A name without a login that matches no school of its municipality.
    NameUnmatched = "школа без логина: название не найдено среди школ муниципалитета (учтена под своим названием; полный список — в shnor inspect)"
        => "школа без логина: название не найдено среди школ муниципалитета (учтена под своим названием; полный список — в shnor inspect)",
    /// A name without a login that fits several schools of its municipality.
    NameAmbiguous = "школа без логина: название подходит нескольким школам муниципалитета (не сопоставлена, учтена под своим названием; полный список с кандидатами — в shnor inspect)"
        => "школа без логина: название подходит нескольким школам муниципалитета (не сопоставлена, учтена под своим названием; полный список с кандидатами — в shnor inspect)",
    // --- selection
    /// Results of years outside the selection window: not used by the selection.
    OutsideWindow = "результаты за годы вне окна отбора не используются в отборе"
        => "результаты за годы вне окна отбора не используются в отборе",
    /// Under `stage1.rule = "bottom"`, fewer years with results in the last `n` than `k`.
    BottomRuleShort = "правило отбора по нижней доле не может дать кандидатов: лет с результатами меньше k"
        => "правило stage1.rule = \"bottom\" не может отобрать ни одного кандидата: в последних n годах меньше k лет с результатами (школа должна быть в нижней доле k лет из n)",
    /// A year of the window without results with a count below the minimum.
    WindowWithoutMarks = "окно отбора включает год без результатов с долей «2»: год не учтён, окно — годы с данными"
        => "окно отбора включает год без результатов с долей «2»: год не учтён, окно — годы с данными",
    /// Year-Y result rows without a share below the minimum.
    NoShareBelowMin = "year-Y result rows without a share below the minimum (no scale or ЕГЭ high results only): not used"
        => "результаты года отбора без доли ниже минимума (нет шкалы, у ЕГЭ только высокие результаты или доля не дана в строке): не используются",
    /// A school of unknown kind.
    KindUnknown = "school kind unknown: treated as regular"
        => "вид школы неизвестен: считается обычной",
    /// A confirmed school of unknown settlement type.
    SettlementUnknown = "settlement unknown: group «unknown»"
        => "тип населённого пункта неизвестен: школа в группе с неизвестным типом",
    /// A confirmed school of unknown prevailing deficit.
    DeficitUnknown = "deficit unknown: no risk profile and no registry staffing/equipment indicators"
        => "дефицит не определён: нет профиля рисков, а показателей кадров или оснащения (реестр, контекстная анкета) недостаточно — нужны обе стороны",
    /// Confirmed schools with neither settlement type nor deficit known, more of them than stage 3
    /// picks: they share the undetermined groups, whose quota (`stage3.per_group`) cuts the list.
    UndeterminedGroups = "confirmed schools with no settlement type and no deficit: the per-group quota of the undetermined groups limits the list (a registry or the ФИС ОКО context form would place them)"
        => "подтверждённые школы без типа населённого пункта и дефицита попадают в группы «не определён / не определён», и квота на группу сокращает список: поместить их в свои группы позволит реестр школ (тип населённого пункта, кадры, оснащение) или контекстная форма ФИС ОКО",
    /// `cluster.method = "kmeans"` with fewer than 3 confirmed schools with quality.
    KmeansTooFew = "kmeans needs at least 3 confirmed schools with quality: rule clusters kept"
        => "для кластеризации методом k-средних нужно не меньше трёх подтверждённых школ с показателем качества: оставлены кластеры по правилу",
    /// k-means asked for 3 to 5 confirmed schools with quality (fewer than two a cluster).
    KmeansFew = "kmeans on fewer than 6 confirmed schools with quality (two a cluster): rule clusters kept"
        => "для кластеризации методом k-средних мало подтверждённых школ с показателем качества (меньше шести, по две на кластер): оставлены кластеры по правилу",
    // --- objectivity
    /// A distribution rule naming an unknown subject.
    RuleUnknownSubject = "distribution rule with an unknown subject ignored"
        => "правило распределения отметок с неизвестным предметом не применено",
    /// Computed flags replaced by official markers for the years they cover.
    FlagsReplacedByMarkers = "computed flags replaced by official markers for the years they cover"
        => "вычисленные признаки заменены официальными маркерами за годы, которые те охватывают",
    // --- index
    /// An indicator with zero variance in a region.
    IndicatorZeroVariance = "indicator with zero variance dropped"
        => "показатель без разброса значений исключён",
    /// A configured indicator that is not used.
    IndicatorDropped = "configured indicator dropped"
        => "показатель из настроек не использован",
    /// Fewer than 3 schools with every indicator in a region: no index.
    PcaTooFewSchools = "pca: fewer than 3 schools with every indicator; no index"
        => "метод главных компонент: меньше трёх школ со всеми показателями, индекс не вычислен",
    /// Context rows for logins with no results.
    ContextWithoutResults = "context rows for logins with no results (indexed, not selectable)"
        => "контекстные данные для логинов без результатов (индекс вычислен, в отбор не входят)",
    /// A school without an index under the coverage rule.
    SchoolWithoutIndex = "school without an index (coverage rule)"
        => "школа без индекса (не хватает показателей по правилу полноты)",
    /// A school kept under a code (no login, no municipality) while the schools with logins are of
    /// several regions: no region, so left out of the index strata (METHOD.md §10 «Region»).
    SchoolWithoutRegion = "school without a region left out of the index"
        => "школа без региона не вошла в расчёт индекса (учтена под кодом без логина и муниципалитета, а у школ с логинами несколько регионов)",
    // --- resilience
    /// A regression term missing for some schools.
    OlsTermMissing = "OLS term dropped: missing for some schools"
        => "фактор регрессии (МНК) исключён: нет значений у части школ",
    /// A regression term constant over the schools.
    OlsTermConstant = "OLS term dropped: constant"
        => "фактор регрессии (МНК) исключён: одинаков у всех школ",
    /// A region without a school with an index.
    NoIndexNoRegression = "no school with an index: no regression"
        => "нет ни одной школы с индексом: регрессия не построена",
    /// A regression that could not be fitted.
    RegressionNotFitted = "regression not fitted"
        => "регрессия не построена",
}

impl PartialOrd for WarningCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By key, so that `Warnings` keeps the JSON key order it had when keyed by text.
impl Ord for WarningCode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(other.key())
    }
}

/// As its key (a JSON object key in `warnings`).
impl Serialize for WarningCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl std::fmt::Display for WarningCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Prefixes of the internal school keys (`input::gia::gia_key`, `input::gia::name_key`, ИНН,
/// ОГРН) that [`in_words`] finds in a text.
const KEY_PREFIXES: [&str; 4] = ["gia:", "inn:", "ogrn:", "name:"];

/// Characters that end a `name:` key inside a sentence (its name part holds words and spaces).
const NAME_KEY_END: &[char] = &[
    ';', '|', ',', '(', ')', '«', '»', '→', '=', '<', '>', '"', '\n', '\t',
];

/// A text people read (a warning's summary, an error) with every internal school key in the user's
/// words, as tables show it (`model::identity::shown_school`): `gia:1000` → «код ГИА 1000», `inn:…`
/// → «ИНН …», `ogrn:…` → «ОГРН …», `name:ленинский муниципальный район/сош 1` → «сош 1»
/// (ленинский муниципальный район). JSON and CSV keep the key, as their `login` does. A key
/// starts after a character that is not a letter, digit or `_`; a code key is the letters and
/// digits after its prefix, a name key runs to the end of the text or
/// to one of [`NAME_KEY_END`] and must hold its `/`; anything else is left as it is.
pub fn in_words(text: &str) -> std::borrow::Cow<'_, str> {
    if !KEY_PREFIXES.iter().any(|p| text.contains(p)) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, key)) = next_key(text, rest) {
        out.push_str(&rest[..at]);
        out.push_str(&shown_key(key));
        rest = &rest[at + key.len()..];
    }
    out.push_str(rest);
    out.into()
}

/// The first school key in `rest` (a suffix of `text`): its byte offset in `rest` and the key.
fn next_key<'a>(text: &str, rest: &'a str) -> Option<(usize, &'a str)> {
    let base = text.len() - rest.len();
    let mut from = 0;
    loop {
        let (at, prefix) = KEY_PREFIXES
            .iter()
            .filter_map(|p| rest[from..].find(p).map(|i| (from + i, *p)))
            .min()?;
        let after = &rest[at + prefix.len()..];
        let bounded = !text[..base + at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let len = match prefix {
            "name:" => after
                .find(NAME_KEY_END)
                .map_or(after, |end| &after[..end])
                .trim_end()
                .len(),
            _ => after
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(after.len()),
        };
        let key = &rest[at..at + prefix.len() + len];
        let whole = len > 0 && (prefix != "name:" || key.contains('/'));
        if bounded && whole {
            return Some((at, key));
        }
        from = at + prefix.len();
    }
}

/// One school key in words (`identity::shown_school`; a name key with its municipality part).
fn shown_key(key: &str) -> String {
    let municipality = key
        .strip_prefix("name:")
        .and_then(|k| k.split_once('/'))
        .map_or("", |(m, _)| m);
    crate::model::identity::shown_school(key, "", municipality)
}

#[cfg(test)]
mod tests {
    use super::{in_words, WarningCode};
    use std::collections::BTreeSet;

    /// Latin terms a label may keep: an option and a command the user types, login prefixes, a
    /// document path.
    const ALLOWED: [&str; 8] = [
        "--lenient",
        "shnor inspect",
        "edu…/sch…",
        "docs/INPUTS.md",
        "--file-year",
        "--grade",
        "--subject",
        "stage1.rule = \"bottom\"",
    ];

    #[test]
    fn labels_are_russian_and_keys_unique() {
        let keys: BTreeSet<&str> = WarningCode::ALL.iter().map(|c| c.key()).collect();
        assert_eq!(keys.len(), WarningCode::ALL.len(), "a key is repeated");
        for c in WarningCode::ALL {
            let label = c.label();
            assert!(!label.trim().is_empty(), "{c:?}");
            assert!(
                label
                    .chars()
                    .any(|ch| ('а'..='я').contains(&ch.to_lowercase().next().unwrap())),
                "{c:?}: no Cyrillic"
            );
            let rest = ALLOWED
                .iter()
                .fold(label.to_string(), |s, a| s.replace(a, " "));
            let latin_word = rest
                .split(|ch: char| !ch.is_ascii_alphabetic())
                .find(|w| w.len() >= 3);
            assert_eq!(latin_word, None, "{c:?}: «{label}»");
            assert!(!label.contains("e.g."), "{c:?}");
        }
    }

    /// Tidy #2 (session 9): warnings showed `gia:1000` where tables show «код ГИА 1000».
    #[test]
    fn school_keys_read_in_the_users_words() {
        assert_eq!(in_words("gia:1003; gia:1045"), "код ГИА 1003; код ГИА 1045");
        assert_eq!(in_words("gia:1000 → edu990001"), "код ГИА 1000 → edu990001");
        assert_eq!(
            in_words("inn:2201001234, ogrn:1022200001"),
            "ИНН 2201001234, ОГРН 1022200001"
        );
        assert_eq!(
            in_words("напр. name:ленинский муниципальный район/сош 1; edu990001"),
            "напр. «сош 1» (ленинский муниципальный район); edu990001"
        );
        assert_eq!(in_words("(name:город/лицей 2)"), "(«лицей 2» (город))");
        // not keys: a word ending in a prefix, a prefix without a code, a name without `/`
        for t in [
            "username:1",
            "gia: 1000",
            "column name: «ОО»",
            "name:x",
            "edu990001",
        ] {
            assert_eq!(in_words(t), t);
        }
    }

    #[test]
    fn the_order_is_the_keys_order() {
        let mut by_code = WarningCode::ALL.to_vec();
        by_code.sort();
        let mut keys: Vec<&str> = WarningCode::ALL.iter().map(|c| c.key()).collect();
        keys.sort();
        assert_eq!(by_code.iter().map(|c| c.key()).collect::<Vec<_>>(), keys);
    }
}
