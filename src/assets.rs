//! Files bundled into the binary: the CJK fonts shared by the UI and the PDF writer, the
//! holiday calendars, the default checklists and the finding library seed.
//! No dependencies; every layer may use it.

/// Noto Sans CJK SC Regular, subset by `scripts/subset-fonts.sh` (SIL OFL 1.1, see
/// `assets/fonts/OFL.txt`). Covers U+4E00–9FFF and Extension A.
pub static FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular.otf");

/// Noto Sans CJK SC Bold, same subset.
pub static FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Bold.otf");

/// Noto Serif CJK SC Regular cut to GB 2312 (SIL OFL 1.1): the 公文 fallback for 仿宋 and
/// 宋体 when the machine has neither (`scripts/subset-fonts.sh`).
pub static FONT_SERIF: &[u8] = include_bytes!("../assets/fonts/NotoSerifCJKsc-Regular-GB2312.otf");

/// Noto Serif CJK SC Bold cut to GB 2312: the fallback for 小标宋 titles.
pub static FONT_SERIF_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSerifCJKsc-Bold-GB2312.otf");

/// Pingcha Kai: LXGW WenKai Regular cut to GB 2312 and renamed, as the OFL asks of a
/// modified version of a font with reserved names (`assets/fonts/OFL-PingchaKai.txt`): the
/// fallback for 楷体.
pub static FONT_KAI: &[u8] = include_bytes!("../assets/fonts/PingchaKai-Regular-GB2312.ttf");

/// The official holiday schedules (法定节假日与调休), one TOML file per year (see
/// `assets/calendars/README.md`).
pub static CALENDARS: &[(&str, &str)] = &[
    ("2019.toml", include_str!("../assets/calendars/2019.toml")),
    ("2020.toml", include_str!("../assets/calendars/2020.toml")),
    ("2021.toml", include_str!("../assets/calendars/2021.toml")),
    ("2022.toml", include_str!("../assets/calendars/2022.toml")),
    ("2023.toml", include_str!("../assets/calendars/2023.toml")),
    ("2024.toml", include_str!("../assets/calendars/2024.toml")),
    ("2025.toml", include_str!("../assets/calendars/2025.toml")),
    ("2026.toml", include_str!("../assets/calendars/2026.toml")),
];

/// The default checklists (内置默认评查标准), each to be replaced by the official provincial
/// table (see `docs/checklist-format.md`).
pub static CHECKLISTS: &[(&str, &str)] = &[
    (
        "assets/checklists/01-penalty-general.toml",
        include_str!("../assets/checklists/01-penalty-general.toml"),
    ),
    (
        "assets/checklists/02-penalty-summary.toml",
        include_str!("../assets/checklists/02-penalty-summary.toml"),
    ),
    (
        "assets/checklists/03-inspection.toml",
        include_str!("../assets/checklists/03-inspection.toml"),
    ),
    (
        "assets/checklists/04-coercion.toml",
        include_str!("../assets/checklists/04-coercion.toml"),
    ),
    (
        "assets/checklists/05-three-systems.toml",
        include_str!("../assets/checklists/05-three-systems.toml"),
    ),
];

/// The seed of the finding library (问题库).
pub static FINDING_LIBRARY: (&str, &str) = (
    "assets/finding-library.toml",
    include_str!("../assets/finding-library.toml"),
);

/// The editable wording of the campaign report and the rectification notice.
pub static REPORT_TEMPLATES: &str = include_str!("../assets/report-templates.toml");
