//! Opening a case package: a directory with `case.toml`, a `.zip` (with `case.toml` at its
//! root or inside exactly one top-level folder; member names in UTF-8 or GBK), or a folder or
//! zip of scans without `case.toml`, imported as an incomplete case.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use super::case_toml::parse_case_toml;
use super::error::{FieldProblem, ImportError};
use super::{ImportLimits, safe_relative_path};
use crate::domain::{Case, CaseKind, CaseOrigin, Document, guess_document_type};

/// What kind of package was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    /// A directory with `case.toml`.
    Directory,
    /// A zip with `case.toml`.
    Zip,
    /// A directory or zip of scans without `case.toml`.
    Scans,
}

/// A file inside a package that the case refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Relative path with `/` separators.
    pub path: String,
    /// Size in bytes (declared, for zips).
    pub size_bytes: u64,
}

enum Source {
    Dir(PathBuf),
    Zip(Box<ZipArchive<BufReader<File>>>, BTreeMap<String, (usize, u64)>),
}

/// An opened, validated package: the case, its warnings, and access to its files.
pub struct Package {
    /// The path the package was opened from.
    pub path: PathBuf,
    /// Directory, zip or scans.
    pub kind: PackageKind,
    /// The case as read.
    pub case: Case,
    /// The raw `case.toml` (absent for scans); part of the package's fingerprint.
    pub case_toml: Option<Vec<u8>>,
    /// Warnings to show (unknown keys, unlisted files, guessed types).
    pub warnings: Vec<String>,
    /// Files the case refers to that are present, in first-reference order.
    pub members: Vec<Member>,
    source: Source,
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("number", &self.case.number)
            .field("members", &self.members.len())
            .finish()
    }
}

impl Package {
    /// Opens a member for reading. For zips the reader refuses to yield more bytes than the
    /// member declared (a lying header cannot inflate past the checked limits).
    pub fn read_member(&mut self, path: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        let io_err = |source| ImportError::Io {
            file: path.to_string(),
            source,
        };
        match &mut self.source {
            Source::Dir(root) => {
                let file = File::open(root.join(path)).map_err(io_err)?;
                Ok(Box::new(BufReader::new(file)))
            }
            Source::Zip(archive, index) => {
                let &(i, declared) = index.get(path).ok_or_else(|| ImportError::Io {
                    file: path.to_string(),
                    source: io::Error::new(io::ErrorKind::NotFound, "zip 中没有该文件"),
                })?;
                let entry = archive.by_index(i).map_err(|e| io_err(io::Error::other(e)))?;
                Ok(Box::new(DeclaredSize {
                    inner: entry,
                    remaining: declared,
                }))
            }
        }
    }
}

/// Refuses to read past the size a zip member declared.
struct DeclaredSize<R> {
    inner: R,
    remaining: u64,
}

impl<R: Read> Read for DeclaredSize<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            // One probe byte: more data than declared means a forged header.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "解压后的大小超过声明的大小（疑似压缩炸弹）",
                )),
            };
        }
        let want = buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Files that tools leave in folders and zips and that are never case documents.
fn is_junk(path: &str) -> bool {
    path.split('/').any(|part| {
        part.starts_with('.')
            || part == "__MACOSX"
            || part.eq_ignore_ascii_case("Thumbs.db")
            || part.eq_ignore_ascii_case("desktop.ini")
    })
}

/// Opens a package at `path` (directory or `.zip`).
pub fn open_package(path: &Path, limits: &ImportLimits) -> Result<Package, ImportError> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => ImportError::NotFound,
        _ => ImportError::Io {
            file: path.display().to_string(),
            source,
        },
    })?;
    if meta.is_dir() {
        open_dir(path, limits)
    } else {
        open_zip(path, limits)
    }
}

fn read_capped(reader: &mut dyn Read, cap: u64, file: &str) -> Result<Vec<u8>, ImportError> {
    let mut bytes = Vec::new();
    reader
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ImportError::Io {
            file: file.to_string(),
            source,
        })?;
    if bytes.len() as u64 > cap {
        return Err(ImportError::Layout(format!("{file} 超过 {cap} 字节，不像案卷描述文件")));
    }
    Ok(bytes)
}

fn parse_toml_bytes(file: &str, bytes: &[u8]) -> Result<(Case, Vec<String>), ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8 { file: file.to_string() })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse_case_toml(file, text)
}

fn open_dir(root: &Path, limits: &ImportLimits) -> Result<Package, ImportError> {
    let mut files = BTreeMap::new();
    let mut links = Vec::new();
    walk_dir(root, root, &mut files, &mut links)?;
    let toml_path = root.join("case.toml");
    let toml_meta = std::fs::symlink_metadata(&toml_path);
    let Ok(toml_meta) = toml_meta else {
        let mut package = scans_package(root.to_path_buf(), Source::Dir(root.to_path_buf()), files)?;
        package.warnings.extend(ignored_links(&links));
        return Ok(package);
    };
    // case.toml must be a plain file: a folder, a link, a FIFO or a device is refused (not
    // taken for a case without one).
    if !toml_meta.file_type().is_file() {
        return Err(ImportError::Layout(
            "case.toml 不是普通文件（是文件夹、链接或设备），无法读取".into(),
        ));
    }
    let mut file = File::open(&toml_path).map_err(|source| ImportError::Io {
        file: "case.toml".into(),
        source,
    })?;
    let bytes = read_capped(&mut file, limits.max_case_toml_bytes, "case.toml")?;
    let (case, mut warnings) = parse_toml_bytes("case.toml", &bytes)?;
    files.remove("case.toml");
    // A referenced file that is a link leading out of the package is refused.
    let canonical_root = root.canonicalize().map_err(|source| ImportError::Io {
        file: root.display().to_string(),
        source,
    })?;
    let referenced = referenced_paths(&case);
    for path in &referenced {
        let full = root.join(path);
        let through_link = links.iter().any(|l| path == l || path.starts_with(&format!("{l}/")));
        match full.canonicalize() {
            Ok(real) if !real.starts_with(&canonical_root) => {
                return Err(ImportError::UnsafePath {
                    file: "case.toml".into(),
                    path: path.clone(),
                    why: "链接指向案卷包之外",
                });
            }
            // A referenced file reached through a link inside the package is read as listed.
            Ok(real) if through_link => {
                if let Ok(meta) = std::fs::metadata(&real)
                    && meta.is_file()
                {
                    files.insert(path.clone(), meta.len());
                }
            }
            Err(_) if through_link => {
                return Err(ImportError::UnsafePath {
                    file: "case.toml".into(),
                    path: path.clone(),
                    why: "链接无效（目标不存在）",
                });
            }
            _ => {}
        }
    }
    let unreferenced: Vec<String> = links
        .iter()
        .filter(|l| !referenced.iter().any(|p| p == *l || p.starts_with(&format!("{l}/"))))
        .cloned()
        .collect();
    warnings.extend(ignored_links(&unreferenced));
    let members = resolve_members(&case, &files, &mut warnings)?;
    Ok(Package {
        path: root.to_path_buf(),
        kind: PackageKind::Directory,
        case,
        case_toml: Some(bytes),
        warnings,
        members,
        source: Source::Dir(root.to_path_buf()),
    })
}

/// Lists a package folder's files without following links: a link (to a file or a folder,
/// inside or outside, dangling or not) is noted in `links` and not entered.
fn walk_dir(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, u64>,
    links: &mut Vec<String>,
) -> Result<(), ImportError> {
    let io_err = |source| ImportError::Io {
        file: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io_err)?
        .collect::<Result<_, _>>()
        .map_err(io_err)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if is_junk(&rel) {
            continue;
        }
        let kind = entry.file_type().map_err(|source| ImportError::Io {
            file: path.display().to_string(),
            source,
        })?;
        if kind.is_symlink() {
            links.push(rel);
        } else if kind.is_dir() {
            walk_dir(root, &path, files, links)?;
        } else if kind.is_file() {
            let len = entry.metadata().map_err(|source| ImportError::Io {
                file: path.display().to_string(),
                source,
            })?;
            files.insert(rel, len.len());
        }
    }
    Ok(())
}

/// One warning for the links a package holds but does not use.
fn ignored_links(links: &[String]) -> Option<String> {
    (!links.is_empty()).then(|| {
        let shown: Vec<&str> = links.iter().take(5).map(String::as_str).collect();
        format!(
            "忽略了 {} 个符号链接（未被 case.toml 引用，不读取）：{}{}",
            links.len(),
            shown.join("、"),
            if links.len() > shown.len() { " 等" } else { "" }
        )
    })
}

fn referenced_paths(case: &Case) -> Vec<String> {
    case.documents
        .iter()
        .map(|d| d.file.clone())
        .chain(case.recordings.iter().filter_map(|r| r.file.clone()))
        .collect()
}

/// Matches the files `case.toml` refers to against the package's files: a missing document
/// file is an error naming it; a missing recording medium is a warning (the format allows
/// media stored outside the package); unlisted files are warnings.
fn resolve_members(
    case: &Case,
    files: &BTreeMap<String, u64>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Member>, ImportError> {
    let mut problems = Vec::new();
    let mut members: Vec<Member> = Vec::new();
    // Which paths are members already: a set, so thousands of documents stay linear.
    let mut listed: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut add = |path: &str, size: u64, members: &mut Vec<Member>| {
        if listed.insert(path.to_string()) {
            members.push(Member {
                path: path.to_string(),
                size_bytes: size,
            });
        }
    };
    for (i, doc) in case.documents.iter().enumerate() {
        match files.get(&doc.file) {
            Some(&size) => add(&doc.file, size, &mut members),
            None => problems.push(FieldProblem {
                field: format!("documents[{}].file", i + 1),
                line: None,
                message: format!("引用的文件 {} 在案卷包中不存在", doc.file),
            }),
        }
    }
    for (i, rec) in case.recordings.iter().enumerate() {
        if let Some(file) = &rec.file {
            match files.get(file) {
                Some(&size) => add(file, size, &mut members),
                None => warnings.push(format!(
                    "recordings[{}].file：{file} 不在案卷包中，按外部存储的音像资料记录",
                    i + 1
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid {
            file: "case.toml".into(),
            problems,
        });
    }
    let member_paths: std::collections::HashSet<&str> = members.iter().map(|m| m.path.as_str()).collect();
    for path in files.keys() {
        if !member_paths.contains(path.as_str()) {
            warnings.push(format!("{path}：未在 case.toml 中登记，未导入"));
        }
    }
    Ok(members)
}

/// Decodes a zip member name: UTF-8 when it is valid UTF-8 (with or without the flag), else
/// GBK/GB18030 as written by Chinese Windows tools.
fn decode_zip_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(raw).0.into_owned(),
    }
}

/// The first member name that occurs twice in a zip's central directory. The zip reader keeps
/// one entry per name (the last), so duplicates are looked for in the directory itself: the
/// end record gives its offset and size, each header its name. `None` also when the
/// directory cannot be read this way (ZIP64); the zip reader then reports what is wrong.
fn duplicate_member(file: &mut File) -> Option<String> {
    use std::io::{Seek, SeekFrom};
    let len = file.metadata().ok()?.len();
    let tail = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail)).ok()?;
    let mut buf = Vec::with_capacity(usize::try_from(tail).ok()?);
    file.take(tail).read_to_end(&mut buf).ok()?;
    let at = (0..buf.len().saturating_sub(21))
        .rev()
        .find(|&i| buf[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let size = u32_at(&buf, at + 12);
    let offset = u32_at(&buf, at + 16);
    if size == u32::MAX || offset == u32::MAX || u64::from(offset) + u64::from(size) > len {
        return None;
    }
    file.seek(SeekFrom::Start(u64::from(offset))).ok()?;
    let mut cd = Vec::with_capacity(size as usize);
    file.take(u64::from(size)).read_to_end(&mut cd).ok()?;
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    while i + 46 <= cd.len() && cd[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
        let name_len = usize::from(u16_at(&cd, i + 28));
        let extra_len = usize::from(u16_at(&cd, i + 30));
        let comment_len = usize::from(u16_at(&cd, i + 32));
        let name = cd.get(i + 46..i + 46 + name_len)?;
        if !name.ends_with(b"/") && !seen.insert(name.to_vec()) {
            return Some(decode_zip_name(name));
        }
        i += 46 + name_len + extra_len + comment_len;
    }
    None
}

fn open_zip(path: &Path, limits: &ImportLimits) -> Result<Package, ImportError> {
    let file = File::open(path).map_err(|source| ImportError::Io {
        file: path.display().to_string(),
        source,
    })?;
    let archive_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut file = file;
    // Two members of one name: which one is meant cannot be told.
    if let Some(name) = duplicate_member(&mut file) {
        return Err(ImportError::UnsafePath {
            file: "zip 成员".into(),
            path: name,
            why: "zip 中有两个同名成员",
        });
    }
    {
        use std::io::Seek;
        file.rewind().map_err(|source| ImportError::Io {
            file: path.display().to_string(),
            source,
        })?;
    }
    let mut archive =
        ZipArchive::new(BufReader::new(file)).map_err(|e| ImportError::NotZip { reason: e.to_string() })?;
    if archive.len() > limits.max_zip_entries {
        return Err(ImportError::ZipBomb {
            detail: format!("包含 {} 个文件，超过上限 {}", archive.len(), limits.max_zip_entries),
        });
    }
    // First pass over the central directory only: names, safety, declared sizes.
    let mut entries = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| ImportError::NotZip { reason: e.to_string() })?;
        let name = decode_zip_name(entry.name_raw());
        let rel = safe_relative_path(&name).map_err(|why| ImportError::UnsafePath {
            file: "zip 成员".into(),
            path: name.clone(),
            why,
        })?;
        if entry.is_symlink() {
            return Err(ImportError::UnsafePath {
                file: "zip 成员".into(),
                path: name,
                why: "不允许符号链接",
            });
        }
        // Two members of one name: which one is meant cannot be told.
        if !entry.is_dir() && !seen.insert(rel.clone()) {
            return Err(ImportError::UnsafePath {
                file: "zip 成员".into(),
                path: name,
                why: "zip 中有两个同名成员",
            });
        }
        total = total.saturating_add(entry.size());
        if !entry.is_dir() && !is_junk(&rel) {
            entries.push((rel, i, entry.size()));
        }
    }
    if total > limits.max_zip_uncompressed_bytes {
        return Err(ImportError::ZipBomb {
            detail: format!(
                "声明的解压大小 {} 字节，超过上限 {} 字节",
                total, limits.max_zip_uncompressed_bytes
            ),
        });
    }
    let ratio = total / archive_bytes.max(1);
    if ratio > limits.max_zip_ratio && total > 1024 * 1024 {
        return Err(ImportError::ZipBomb {
            detail: format!("压缩比 {ratio}:1，超过上限 {}:1", limits.max_zip_ratio),
        });
    }

    // Where case.toml is: at the root, or in exactly one top-level folder.
    let prefix = if entries.iter().any(|(p, _, _)| p == "case.toml") {
        Some(String::new())
    } else {
        let tops: Vec<&str> = entries
            .iter()
            .filter_map(|(p, _, _)| p.strip_suffix("/case.toml").filter(|d| !d.contains('/')))
            .collect();
        match tops.as_slice() {
            [] => None,
            [one] => Some(format!("{one}/")),
            many => {
                return Err(ImportError::Layout(format!(
                    "zip 中有 {} 个顶层文件夹含 case.toml（{}），一个 zip 只能装一个案卷",
                    many.len(),
                    many.join("、")
                )));
            }
        }
    };
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let Some(prefix) = prefix else {
        // No case.toml: a zip of scans. Strip a single top-level folder if there is one.
        let common = single_top_folder(&entries);
        let index: BTreeMap<String, (usize, u64)> = entries
            .iter()
            .map(|(p, i, s)| (p.strip_prefix(&common).unwrap_or(p).to_string(), (*i, *s)))
            .collect();
        let files = index.iter().map(|(p, (_, s))| (p.clone(), *s)).collect();
        let mut package = scans_package(path.to_path_buf(), Source::Zip(Box::new(archive), index), files)?;
        if package.case.number.is_empty() || package.case.number == "zip" {
            package.case.number = stem.clone();
        }
        return Ok(package);
    };
    let index: BTreeMap<String, (usize, u64)> = entries
        .iter()
        .filter_map(|(p, i, s)| p.strip_prefix(&prefix).map(|rel| (rel.to_string(), (*i, *s))))
        .collect();
    let mut source = Source::Zip(Box::new(archive), index);
    let toml_name = format!("{prefix}case.toml");
    let bytes = {
        let Source::Zip(archive, index) = &mut source else {
            unreachable!("zip source")
        };
        let &(i, declared) = index
            .get("case.toml")
            .ok_or_else(|| ImportError::Layout("zip 中找不到 case.toml".into()))?;
        let entry = archive
            .by_index(i)
            .map_err(|e| ImportError::NotZip { reason: e.to_string() })?;
        let mut reader = DeclaredSize {
            inner: entry,
            remaining: declared,
        };
        read_capped(&mut reader, limits.max_case_toml_bytes, &toml_name)?
    };
    let (case, mut warnings) = parse_toml_bytes(&toml_name, &bytes)?;
    let Source::Zip(_, index) = &source else {
        unreachable!("zip source")
    };
    let files: BTreeMap<String, u64> = index
        .iter()
        .filter(|(p, _)| p.as_str() != "case.toml")
        .map(|(p, (_, s))| (p.clone(), *s))
        .collect();
    let members = resolve_members(&case, &files, &mut warnings)?;
    Ok(Package {
        path: path.to_path_buf(),
        kind: PackageKind::Zip,
        case,
        case_toml: Some(bytes),
        warnings,
        members,
        source,
    })
}

fn single_top_folder(entries: &[(String, usize, u64)]) -> String {
    let mut tops = entries.iter().map(|(p, _, _)| p.split_once('/').map(|(top, _)| top));
    match tops.next() {
        Some(Some(first)) if tops.all(|t| t == Some(first)) => format!("{first}/"),
        _ => String::new(),
    }
}

/// A folder (or zip) of scans without `case.toml`: each file becomes a document whose type
/// is guessed from its name; the case is marked incomplete for the reviewer to fill in.
fn scans_package(path: PathBuf, source: Source, files: BTreeMap<String, u64>) -> Result<Package, ImportError> {
    if files.is_empty() {
        return Err(ImportError::Layout("没有 case.toml，也没有任何文件，不是案卷包".into()));
    }
    let name = path
        .file_stem()
        .map_or_else(|| "未命名案卷".to_string(), |s| s.to_string_lossy().into_owned());
    let mut warnings = vec!["未找到 case.toml，按扫描件导入：案件信息需在程序中补录".to_string()];
    let mut paths: Vec<&String> = files.keys().collect();
    paths.sort_by_cached_key(|p| crate::domain::natural_key(p));
    let mut case = Case::new(name.clone(), CaseKind::Penalty, CaseOrigin::Scans);
    case.title = name;
    let mut members = Vec::new();
    for path in paths {
        let doc_type = match guess_document_type(path) {
            Some(t) => t.to_string(),
            None => {
                warnings.push(format!("{path}：无法从文件名识别文书类型，记为“未识别”"));
                "未识别".to_string()
            }
        };
        case.documents.push(Document {
            doc_type,
            file: path.clone(),
            ..Document::default()
        });
        members.push(Member {
            path: path.clone(),
            size_bytes: files[path],
        });
    }
    let has = |t: &str| case.documents.iter().any(|d| d.doc_type == t);
    case.kind = if has("行政处罚决定书") || has("立案审批表") || has("行政处罚告知书") {
        CaseKind::Penalty
    } else if has("查封扣押决定书") {
        CaseKind::Coercion
    } else if has("现场检查记录") || has("责令限期整改指令书") {
        CaseKind::Inspection
    } else {
        CaseKind::Penalty
    };
    Ok(Package {
        path,
        kind: PackageKind::Scans,
        case,
        case_toml: None,
        warnings,
        members,
        source,
    })
}

/// Sorts `2-x` before `10-x`: digit runs compare as numbers.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_names_decode() {
        let (raw, _, _) = encoding_rs::GBK.encode("询问笔录.pdf");
        assert_eq!(decode_zip_name(&raw), "询问笔录.pdf");
        assert_eq!(decode_zip_name("立案审批表.pdf".as_bytes()), "立案审批表.pdf");
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["10-a.pdf", "2-b.pdf", "1-c.pdf"];
        v.sort_by_key(|p| crate::domain::natural_key(p));
        assert_eq!(v, ["1-c.pdf", "2-b.pdf", "10-a.pdf"]);
        // Scans named with Chinese numerals, as clerks often name them.
        let mut v = vec!["第十页.jpg", "第二页.jpg", "第一页.jpg"];
        v.sort_by_key(|p| crate::domain::natural_key(p));
        assert_eq!(v, ["第一页.jpg", "第二页.jpg", "第十页.jpg"]);
    }
}
