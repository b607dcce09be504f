//! Files bundled into the binary: the CJK fonts shared by the UI and the PDF writer.
//! No dependencies; every layer may use it.

/// Noto Sans CJK SC Regular, subset by `scripts/subset-fonts.sh` (SIL OFL 1.1, see
/// `assets/fonts/OFL.txt`). Covers U+4E00–9FFF and Extension A.
pub static FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular.otf");

/// Noto Sans CJK SC Bold, same subset.
pub static FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Bold.otf");

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
