//! Files bundled into the binary: the CJK fonts shared by the UI and the PDF writer.
//! No dependencies; every layer may use it.

/// Noto Sans CJK SC Regular, subset by `scripts/subset-fonts.sh` (SIL OFL 1.1, see
/// `assets/fonts/OFL.txt`). Covers U+4E00–9FFF and Extension A.
pub static FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular.otf");

/// Noto Sans CJK SC Bold, same subset.
pub static FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Bold.otf");
