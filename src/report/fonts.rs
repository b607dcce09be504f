//! The faces a document is set in. Plain documents (score sheets, kit cover sheets) use the
//! bundled Noto Sans CJK SC; 公文 (GB/T 9704-2012: the 通报 and the 整改通知书) use the fonts
//! government PCs have — 方正小标宋简体 for titles, 仿宋_GB2312 for the body, 黑体 and 楷体
//! for headings, 宋体 for page numbers — when they are installed, found by family name with
//! `fontdb`, and otherwise bundled free fallbacks (SIL OFL): Noto Serif CJK SC for 宋体 and
//! titles, Pingcha Kai (LXGW WenKai) for 楷体, Noto Sans CJK SC Bold for 黑体. The fallbacks
//! hold GB 2312; a character outside a face's font is set, glyph by glyph, in Noto Sans CJK
//! SC, which holds every CJK ideograph of the basic block and Extension A.
//!
//! Fonts are parsed on first use. A set of fonts gives the same bytes every time: which
//! system fonts are found is the only thing that varies between machines.

use std::path::PathBuf;
use std::sync::OnceLock;

use printpdf::ParsedFont;

use super::pdf::PdfError;

/// What a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    /// Noto Sans CJK SC Regular (plain documents).
    Sans,
    /// Noto Sans CJK SC Bold (plain documents).
    SansBold,
    /// 小标宋: the 发文机关标志 and the title of a 公文.
    Title,
    /// 仿宋: the body of a 公文.
    Body,
    /// 黑体: first-level headings (一、).
    Hei,
    /// 楷体: second-level headings (（一）).
    Kai,
    /// 宋体: page numbers.
    Song,
}

impl Face {
    /// The 公文 roles, in the order the settings list them.
    pub const OFFICIAL: [Face; 5] = [Self::Title, Self::Body, Self::Hei, Self::Kai, Self::Song];

    /// The role, as the settings name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sans => "普通文书",
            Self::SansBold => "普通文书（粗体）",
            Self::Title => "标题、发文机关标志（小标宋）",
            Self::Body => "正文（仿宋）",
            Self::Hei => "一级标题（黑体）",
            Self::Kai => "二级标题（楷体）",
            Self::Song => "页码（宋体）",
        }
    }

    /// Family names looked for on the machine, best first.
    pub fn wanted(self) -> &'static [&'static str] {
        match self {
            Self::Sans | Self::SansBold => &[],
            Self::Title => &[
                "方正小标宋简体",
                "FZXiaoBiaoSong-B05S",
                "方正小标宋_GBK",
                "FZXiaoBiaoSong-B05",
                "华文中宋",
                "STZhongsong",
            ],
            Self::Body => &[
                "仿宋_GB2312",
                "FangSong_GB2312",
                "仿宋",
                "FangSong",
                "华文仿宋",
                "STFangsong",
            ],
            Self::Hei => &["黑体", "SimHei", "方正黑体简体", "FZHei-B01S"],
            Self::Kai => &["楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti"],
            Self::Song => &["宋体", "SimSun", "NSimSun", "华文宋体", "STSong"],
        }
    }

    /// The bundled font used when none of [`Face::wanted`] is installed.
    fn bundled(self) -> Bundled {
        match self {
            Self::Sans => Bundled::Sans,
            Self::SansBold | Self::Hei => Bundled::SansBold,
            Self::Title => Bundled::SerifBold,
            Self::Body | Self::Song => Bundled::Serif,
            Self::Kai => Bundled::Kai,
        }
    }

    /// Whether a missing glyph falls back to the bold sans.
    fn heavy(self) -> bool {
        matches!(self, Self::SansBold | Self::Title | Self::Hei)
    }
}

/// The fonts that ship in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bundled {
    Sans,
    SansBold,
    Serif,
    SerifBold,
    Kai,
}

impl Bundled {
    const ALL: [Bundled; 5] = [Self::Sans, Self::SansBold, Self::Serif, Self::SerifBold, Self::Kai];

    fn bytes(self) -> &'static [u8] {
        match self {
            Self::Sans => crate::assets::FONT_REGULAR,
            Self::SansBold => crate::assets::FONT_BOLD,
            Self::Serif => crate::assets::FONT_SERIF,
            Self::SerifBold => crate::assets::FONT_SERIF_BOLD,
            Self::Kai => crate::assets::FONT_KAI,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Sans => "Noto Sans CJK SC",
            Self::SansBold => "Noto Sans CJK SC Bold",
            Self::Serif => "Noto Serif CJK SC",
            Self::SerifBold => "Noto Serif CJK SC Bold",
            Self::Kai => "Pingcha Kai（霞鹜文楷子集）",
        }
    }

    /// The fixed PDF resource id (six capitals: it doubles as the subset tag).
    fn id(self) -> &'static str {
        match self {
            Self::Sans => "PCHREG",
            Self::SansBold => "PCHBLD",
            Self::Serif => "PCHSRF",
            Self::SerifBold => "PCHSRB",
            Self::Kai => "PCHKAI",
        }
    }
}

/// Where the font of a role comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Installed on this machine.
    System {
        /// The font file.
        path: PathBuf,
        /// The face within a collection.
        index: u32,
    },
    /// Shipped with Pingcha.
    Bundled,
}

/// The font chosen for one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontChoice {
    /// The role.
    pub face: Face,
    /// The family name.
    pub family: String,
    /// Where it comes from.
    pub source: Source,
}

impl FontChoice {
    /// `正文（仿宋）：仿宋_GB2312（系统字体 /usr/share/fonts/…/simfang.ttf）`.
    pub fn describe(&self) -> String {
        match &self.source {
            Source::System { path, .. } => {
                format!("{}：{}（系统字体 {}）", self.face.label(), self.family, path.display())
            }
            Source::Bundled => format!("{}：{}（内置替代字体，未找到系统字体）", self.face.label(), self.family),
        }
    }
}

/// One font of a set: its bytes (or where to read them), parsed on first use.
struct Entry {
    id: String,
    bundled: Option<Bundled>,
    path: Option<(PathBuf, u32)>,
    parsed: OnceLock<Result<ParsedFont, String>>,
}

impl Entry {
    fn font(&self) -> Result<&ParsedFont, PdfError> {
        self.parsed
            .get_or_init(|| {
                let (bytes, index, name): (std::borrow::Cow<'_, [u8]>, u32, String) = match (&self.bundled, &self.path)
                {
                    (Some(b), _) => (b.bytes().into(), 0, b.name().to_string()),
                    (None, Some((path, index))) => (
                        std::fs::read(path)
                            .map_err(|e| format!("{}：{}", path.display(), crate::places::io_message(&e)))?
                            .into(),
                        *index,
                        path.display().to_string(),
                    ),
                    (None, None) => return Err("字体来源缺失".into()),
                };
                ParsedFont::from_bytes(&bytes, usize::try_from(index).unwrap_or(0), &mut Vec::new())
                    .ok_or_else(|| format!("{name} 解析失败"))
            })
            .as_ref()
            .map_err(|e| PdfError::Font(e.clone()))
    }
}

/// The fonts one rendering may use: every role mapped to a font, plus the sans fallbacks.
pub struct FontSet {
    entries: Vec<Entry>,
    /// Entry of each face, indexed by `Face as usize`.
    by_face: [usize; 7],
    /// What each 公文 role uses.
    pub choices: Vec<FontChoice>,
}

fn face_index(face: Face) -> usize {
    match face {
        Face::Sans => 0,
        Face::SansBold => 1,
        Face::Title => 2,
        Face::Body => 3,
        Face::Hei => 4,
        Face::Kai => 5,
        Face::Song => 6,
    }
}

impl FontSet {
    /// A set from the bundled fonts and, per role, a system font found (if any).
    fn build(found: &[(Face, String, PathBuf, u32)]) -> Self {
        let mut entries: Vec<Entry> = Bundled::ALL
            .iter()
            .map(|b| Entry {
                id: b.id().to_string(),
                bundled: Some(*b),
                path: None,
                parsed: OnceLock::new(),
            })
            .collect();
        let bundled_index = |b: Bundled| Bundled::ALL.iter().position(|x| *x == b).unwrap_or(0);
        let mut by_face = [0usize; 7];
        let mut choices = Vec::new();
        for face in [Face::Sans, Face::SansBold].into_iter().chain(Face::OFFICIAL) {
            let system = found.iter().find(|(f, ..)| *f == face);
            let index = match system {
                Some((_, family, path, index)) => {
                    // A file chosen for two roles (宋体 also as 仿宋) is embedded once.
                    let existing = entries
                        .iter()
                        .position(|e| e.path.as_ref().is_some_and(|(p, i)| p == path && i == index));
                    choices.push(FontChoice {
                        face,
                        family: family.clone(),
                        source: Source::System {
                            path: path.clone(),
                            index: *index,
                        },
                    });
                    existing.unwrap_or_else(|| {
                        let n = entries.len();
                        entries.push(Entry {
                            // PCHSYA, PCHSYB, …
                            id: format!("PCHSY{}", char::from(b'A' + (n % 26) as u8)),
                            bundled: None,
                            path: Some((path.clone(), *index)),
                            parsed: OnceLock::new(),
                        });
                        n
                    })
                }
                None => {
                    let b = face.bundled();
                    if Face::OFFICIAL.contains(&face) {
                        choices.push(FontChoice {
                            face,
                            family: b.name().to_string(),
                            source: Source::Bundled,
                        });
                    }
                    bundled_index(b)
                }
            };
            by_face[face_index(face)] = index;
        }
        Self {
            entries,
            by_face,
            choices,
        }
    }

    /// The bundled fonts only (what tests and golden files use).
    pub fn bundled() -> &'static FontSet {
        static SET: OnceLock<FontSet> = OnceLock::new();
        SET.get_or_init(|| FontSet::build(&[]))
    }

    /// The fonts of this machine: system fonts for the 公文 roles where installed (looked up
    /// once per process), bundled ones elsewhere. `PINGCHA_SYSTEM_FONTS=0` turns the lookup
    /// off; `PINGCHA_FONT_DIRS` (separated like `PATH`) adds folders to search.
    pub fn installed() -> &'static FontSet {
        static SET: OnceLock<FontSet> = OnceLock::new();
        SET.get_or_init(|| {
            if std::env::var_os("PINGCHA_SYSTEM_FONTS").is_some_and(|v| v == "0") {
                return FontSet::build(&[]);
            }
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            if let Some(dirs) = std::env::var_os("PINGCHA_FONT_DIRS") {
                for dir in std::env::split_paths(&dirs) {
                    db.load_fonts_dir(dir);
                }
            }
            FontSet::usable(find_system_fonts(&db))
        })
    }

    /// A set from the system fonts found, leaving out any that cannot be read or parsed (a
    /// damaged file): its role takes the bundled font, and every 公文 can still be written.
    fn usable(found: Vec<(Face, String, PathBuf, u32)>) -> FontSet {
        let set = FontSet::build(&found);
        let readable: Vec<_> = found
            .iter()
            .filter(|(face, ..)| set.font(set.entry_of(*face).0).is_ok())
            .cloned()
            .collect();
        if readable.len() == found.len() {
            set
        } else {
            FontSet::build(&readable)
        }
    }

    /// Entry index of the font set in `face`, and of its glyph fallback.
    pub(crate) fn entry_of(&self, face: Face) -> (usize, usize) {
        let fallback = if face.heavy() { 1 } else { 0 };
        (self.by_face[face_index(face)], fallback)
    }

    /// The parsed font of an entry.
    pub(crate) fn font(&self, entry: usize) -> Result<&ParsedFont, PdfError> {
        self.entries
            .get(entry)
            .ok_or_else(|| PdfError::Font(format!("字体 {entry} 不存在")))?
            .font()
    }

    /// The PDF resource id of an entry.
    pub(crate) fn id(&self, entry: usize) -> &str {
        self.entries.get(entry).map_or("PCHREG", |e| e.id.as_str())
    }

    /// How many entries the set has.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Per 公文 role, the first wanted family installed: (role, family, file, face index).
pub fn find_system_fonts(db: &fontdb::Database) -> Vec<(Face, String, PathBuf, u32)> {
    find_fonts(db, Face::wanted)
}

/// [`find_system_fonts`] with the wanted names given.
fn find_fonts(
    db: &fontdb::Database,
    wanted: impl Fn(Face) -> &'static [&'static str],
) -> Vec<(Face, String, PathBuf, u32)> {
    let mut found = Vec::new();
    for face in Face::OFFICIAL {
        let hit = wanted(face).iter().find_map(|wanted| {
            db.faces().find_map(|info| {
                let named =
                    info.families.iter().any(|(family, _)| family == wanted) || info.post_script_name == *wanted;
                let path = match &info.source {
                    fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => Some(path.clone()),
                    fontdb::Source::Binary(_) => None,
                };
                match (named, path) {
                    (true, Some(path)) => Some(((*wanted).to_string(), path, info.index)),
                    _ => None,
                }
            })
        });
        if let Some((family, path, index)) = hit {
            found.push((face, family, path, index));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_system_fonts_every_role_has_a_bundled_font_that_parses() {
        let set = FontSet::build(&[]);
        assert_eq!(set.choices.len(), Face::OFFICIAL.len());
        assert!(set.choices.iter().all(|c| c.source == Source::Bundled));
        for face in Face::OFFICIAL {
            let (entry, fallback) = set.entry_of(face);
            let font = set.font(entry).expect("bundled font parses");
            assert!(font.lookup_glyph_index(u32::from('评')).is_some(), "{face:?}");
            assert!(set.font(fallback).is_ok());
        }
        // GB 2312 subsets: a rare name character is only in the sans fallback.
        let (body, fallback) = set.entry_of(Face::Body);
        assert!(set.font(body).unwrap().lookup_glyph_index(u32::from('堃')).is_none());
        assert!(
            set.font(fallback)
                .unwrap()
                .lookup_glyph_index(u32::from('堃'))
                .is_some()
        );
    }

    #[test]
    fn a_damaged_system_font_leaves_its_role_to_the_bundled_font() {
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("simfang.ttf");
        std::fs::write(&broken, b"not a font").unwrap();
        let good = dir.path().join("kai.ttf");
        std::fs::write(&good, crate::assets::FONT_KAI).unwrap();
        let set = FontSet::usable(vec![
            (Face::Body, "仿宋_GB2312".into(), broken, 0),
            (Face::Kai, "楷体".into(), good.clone(), 0),
        ]);
        let source = |face| set.choices.iter().find(|c| c.face == face).unwrap().source.clone();
        assert_eq!(source(Face::Body), Source::Bundled, "the damaged file is not used");
        assert_eq!(source(Face::Kai), Source::System { path: good, index: 0 });
        assert!(set.font(set.entry_of(Face::Body).0).is_ok());
    }

    #[test]
    fn a_font_found_on_the_machine_takes_its_role_by_family_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kai.ttf");
        std::fs::write(&path, crate::assets::FONT_KAI).unwrap();
        let mut db = fontdb::Database::new();
        db.load_fonts_dir(dir.path());
        // The subset is named "Pingcha Kai", none of the wanted 楷体 names: not chosen.
        assert!(find_system_fonts(&db).is_empty());
        // Wanted by that name, it is found and takes the role.
        let found = find_fonts(&db, |f| if f == Face::Kai { &["Pingcha Kai"] } else { &[] });
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0, found[0].1.as_str(), &found[0].2),
            (Face::Kai, "Pingcha Kai", &path)
        );
        let set = FontSet::build(&found);
        let kai = set.choices.iter().find(|c| c.face == Face::Kai).unwrap();
        assert_eq!(kai.source, Source::System { path, index: 0 });
        assert!(kai.describe().contains("系统字体"));
        let (entry, _) = set.entry_of(Face::Kai);
        assert_eq!(set.id(entry), "PCHSYF");
        assert!(set.font(entry).is_ok());
    }
}
