//! Offline reviewer kits (评查包) and score returns (回收包): signed zip files.
//!
//! Both carry `manifest.json` (the SHA-256 of every other member and the signer's public
//! key) and `signature` (Ed25519 over the manifest's bytes), and end with a trailer: an
//! Ed25519 signature over every byte of the zip before it, the signer's public key and a
//! magic tag. Reading checks the size, then the trailer's signature over every byte (streamed,
//! nothing kept), the manifest's signature, and that no member is missing or added, before
//! anything is used; each member's hash is checked as it is read: changing any byte,
//! truncating, or sending the file to the wrong project is refused and changes nothing.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ReviewError;

/// Whose key signs a kit when nobody is named: the organiser's key on this machine.
pub const DEFAULT_ORGANISER: &str = "组织者";

/// An Ed25519 key pair kept in the user's key folder.
pub struct KeyPair {
    signing: SigningKey,
}

impl KeyPair {
    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex(self.signing.verifying_key().as_bytes())
    }

    /// Signs bytes.
    fn sign(&self, bytes: &[u8]) -> Signature {
        self.signing.sign(bytes)
    }
}

/// SHA-256 of bytes, hex (how kits and returns are identified).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A public key's fingerprint as people compare it by eye or by phone: the first 8 bytes of
/// the key's SHA-256, as four groups of four hex digits (`3F2A-91C0-77D4-0B1E`).
pub fn fingerprint(public_hex: &str) -> String {
    let digest = Sha256::digest(public_hex.trim().to_lowercase().as_bytes());
    digest[..8]
        .chunks(2)
        .map(|pair| format!("{:02X}{:02X}", pair[0], pair[1]))
        .collect::<Vec<_>>()
        .join("-")
}

/// Parses a hex public key.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, ReviewError> {
    let bytes = unhex(text).ok_or_else(|| ReviewError::Refused(format!("“{text}”不是有效的公钥（64位十六进制）")))?;
    let array: [u8; 32] = bytes
        .try_into()
        .map_err(|_| ReviewError::Refused(format!("“{text}”不是有效的公钥（应为32字节）")))?;
    VerifyingKey::from_bytes(&array).map_err(|_| ReviewError::Refused(format!("“{text}”不是有效的 Ed25519 公钥")))
}

/// Where key pairs live: `$PINGCHA_KEY_DIR`, else `keys` in the user's data folder
/// (`crate::places`). Never the temp folder: without a home folder this is an error.
pub fn key_dir() -> Result<PathBuf, ReviewError> {
    if let Some(dir) = std::env::var_os("PINGCHA_KEY_DIR") {
        return Ok(PathBuf::from(dir));
    }
    crate::places::Places::of_user()
        .map(|places| places.key_dir())
        .map_err(|e| ReviewError::Refused(e.to_string()))
}

/// The key pair of `owner` (a reviewer's or organiser's name), created on first use.
pub fn key_pair(owner: &str) -> Result<KeyPair, ReviewError> {
    key_pair_in(&key_dir()?, owner)
}

/// The key pair of `owner` if this machine has one — never created (signing a return on a
/// machine without the reviewer's key is refused without leaving a new key behind).
pub fn existing_key_pair(owner: &str) -> Result<Option<KeyPair>, ReviewError> {
    let path = key_path(&key_dir()?, owner);
    if !path.is_file() {
        return Ok(None);
    }
    key_pair_in(&key_dir()?, owner).map(Some)
}

fn key_path(dir: &Path, owner: &str) -> PathBuf {
    let safe: String = owner
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    dir.join(format!("{safe}.ed25519"))
}

/// The key pair of `owner` in a given key folder, created on first use.
pub fn key_pair_in(dir: &Path, owner: &str) -> Result<KeyPair, ReviewError> {
    let dir = dir.to_path_buf();
    let path = key_path(&dir, owner);
    let io = |source| ReviewError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes = unhex(&text).ok_or_else(|| ReviewError::Refused(format!("{}: 密钥文件损坏", path.display())))?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| ReviewError::Refused(format!("{}: 密钥文件损坏", path.display())))?;
        return Ok(KeyPair {
            signing: SigningKey::from_bytes(&secret),
        });
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| ReviewError::Refused(format!("无法生成密钥：{e}")))?;
    // The folder is owner-only (created so, or refused if others can open it) and the file
    // is created owner-only: the secret is never readable by another user, even briefly.
    crate::places::private_dir(&dir).map_err(|e| ReviewError::Refused(e.to_string()))?;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut file = options.open(&tmp).map_err(io)?;
        file.write_all(hex(&secret).as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(KeyPair {
        signing: SigningKey::from_bytes(&secret),
    })
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    signer: String,
    files: BTreeMap<String, String>,
}

/// Writes a signed zip of `members` (path → bytes).
pub fn write_signed(format: &str, members: &BTreeMap<String, Vec<u8>>, key: &KeyPair) -> Result<Vec<u8>, ReviewError> {
    let manifest = Manifest {
        format: format.to_string(),
        signer: key.public_hex(),
        files: members
            .iter()
            .map(|(path, bytes)| (path.clone(), hex(&Sha256::digest(bytes))))
            .collect(),
    };
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| ReviewError::Refused(format!("无法写清单：{e}")))?;
    let signature = hex(&key.sign(&manifest_bytes).to_bytes());
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let zip_err = |e: zip::result::ZipError| ReviewError::Refused(format!("无法写压缩包：{e}"));
        for (path, bytes) in members.iter().map(|(p, b)| (p.as_str(), b.as_slice())).chain([
            ("manifest.json", manifest_bytes.as_slice()),
            ("signature", signature.as_bytes()),
        ]) {
            zip.start_file(path, options).map_err(zip_err)?;
            zip.write_all(bytes)
                .map_err(|e| ReviewError::Refused(format!("无法写压缩包：{e}")))?;
        }
        zip.finish().map_err(zip_err)?;
    }
    let mut bytes = out.into_inner();
    let whole = key.sign(&bytes).to_bytes();
    bytes.extend_from_slice(&whole);
    bytes.extend_from_slice(key.signing.verifying_key().as_bytes());
    bytes.extend_from_slice(TRAILER_MAGIC);
    Ok(bytes)
}

/// Ends every signed file, after the whole-file signature and the signer's key.
const TRAILER_MAGIC: &[u8; 8] = b"PCHSIG01";
const TRAILER_LEN: usize = 64 + 32 + 8;

/// A verified signed file: its signer and hash, and its members, read from the file when asked
/// (a kit of documents is never held in memory whole). The whole-file signature was checked
/// over every byte before this exists; each member is checked against the signed manifest
/// again as it is read, so a file changed on disk since is refused then.
pub struct Verified {
    zip: zip::ZipArchive<Body>,
    /// Member path → SHA-256 (hex) from the signed manifest.
    files: BTreeMap<String, String>,
    /// Declared uncompressed size of each member.
    sizes: BTreeMap<String, u64>,
    file: String,
    what: String,
    /// The signer's public key, hex.
    pub signer: String,
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
}

impl Verified {
    /// The members' paths (without the manifest and signature), in order.
    pub fn names(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }

    /// Whether the file holds this member.
    pub fn contains(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    fn refuse(&self, why: String) -> ReviewError {
        ReviewError::Refused(format!("{}: {why}，已拒绝，项目未作改动", self.file))
    }

    /// Reads one member whole (the JSON members; documents go through [`Self::reader`]).
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, ReviewError> {
        let mut data = Vec::new();
        let what = self.what.clone();
        let result = self.reader(name)?.read_to_end(&mut data);
        result.map_err(|e| self.refuse(format!("{what}中的 {name} 已被改动或损坏（{e}）")))?;
        Ok(data)
    }

    /// Every member, read whole (small files: a return; tests that rebuild a file).
    pub fn read_all(&mut self) -> Result<BTreeMap<String, Vec<u8>>, ReviewError> {
        let mut members = BTreeMap::new();
        for name in self.names() {
            let data = self.read(&name)?;
            members.insert(name, data);
        }
        Ok(members)
    }

    /// A reader of one member that ends in an error (`InvalidData`, in Chinese) when what it
    /// read is longer than declared or does not match the manifest's hash.
    pub fn reader(&mut self, name: &str) -> Result<impl Read + '_, ReviewError> {
        let expected = self
            .files
            .get(name)
            .cloned()
            .ok_or_else(|| self.refuse(format!("{}缺少 {name}", self.what)))?;
        let declared = self.sizes.get(name).copied().unwrap_or(0);
        let index = self
            .zip
            .index_for_name_raw(name.as_bytes())
            .ok_or_else(|| self.refuse(format!("{}缺少文件 {name}（可能不完整）", self.what)))?;
        let what = self.what.clone();
        let file = self.file.clone();
        let entry = self.zip.by_index(index).map_err(|e| {
            ReviewError::Refused(format!("{file}: {what}中的 {name} 已损坏（{e}），已拒绝，项目未作改动"))
        })?;
        Ok(Checked {
            inner: entry.take(declared + 1),
            hasher: Sha256::new(),
            expected,
            declared,
            read: 0,
        })
    }
}

/// A member as it is read: counted against its declared size and hashed; at its end the hash
/// must be the manifest's.
struct Checked<R> {
    inner: R,
    hasher: Sha256,
    expected: String,
    declared: u64,
    read: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.declared {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "解压后大于文件头所记大小",
            ));
        }
        self.hasher.update(&buf[..n]);
        if n == 0 && !buf.is_empty() && hex(&self.hasher.clone().finalize()) != self.expected {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "校验值不符"));
        }
        Ok(n)
    }
}

/// The zip part of a signed file: the file up to its trailer, readable and seekable as if the
/// trailer were not there.
struct Body {
    file: std::fs::File,
    len: u64,
    pos: u64,
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.len.saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.file.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for Body {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            std::io::SeekFrom::Start(n) => Some(n),
            std::io::SeekFrom::End(d) => self.len.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let target = target.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "位置无效"))?;
        self.pos = self.file.seek(std::io::SeekFrom::Start(target))?;
        Ok(self.pos)
    }
}

/// Largest return file read (marks, reasons and change history; a province-wide review
/// stays far below).
pub const MAX_RETURN_FILE: u64 = 64 << 20;
/// Largest kit file read (the reviewer's cases with their documents).
pub const MAX_KIT_FILE: u64 = 4 << 30;
/// Largest manifest read (a line per member).
const MAX_MANIFEST: u64 = 64 << 20;

/// Reads and verifies a signed zip of the given format, streaming: the size is checked, then
/// the whole-file signature over every byte (read in chunks, nothing kept), then the manifest
/// and its signature, and that the members are exactly the manifest's. `what` names the file
/// kind in messages (`评查包`, `回收包`); `max_bytes` bounds what the members declare to
/// decompress to.
pub fn read_signed(path: &Path, format: &str, what: &str, max_bytes: u64) -> Result<Verified, ReviewError> {
    use std::io::Seek;
    let file = path.display().to_string();
    let refuse = |why: String| ReviewError::Refused(format!("{file}: {why}，已拒绝，项目未作改动"));
    let io = |source| ReviewError::Io {
        path: path.display().to_string(),
        source,
    };
    // The size is checked before anything is read: a file larger than what it may hold is
    // refused without being loaded (a return is marks and history; a kit, the documents).
    let meta = std::fs::metadata(path).map_err(io)?;
    let cap = if format.contains("return") {
        MAX_RETURN_FILE
    } else {
        MAX_KIT_FILE
    };
    if !meta.is_file() {
        return Err(refuse(format!("不是文件，不是{what}")));
    }
    if meta.len() > cap {
        return Err(refuse(format!(
            "文件有 {} MB，超过{what}的上限 {} MB",
            meta.len() >> 20,
            cap >> 20
        )));
    }
    let mut handle = std::fs::File::open(path).map_err(io)?;
    let len = handle.metadata().map_err(io)?.len();
    // The trailer: a signature over every byte before it.
    let trailer_len = TRAILER_LEN as u64;
    let mut trailer = [0u8; TRAILER_LEN];
    if len < trailer_len {
        return Err(refuse(format!("不是完整的{what}（缺少签名尾部，可能被截断）")));
    }
    handle.seek(std::io::SeekFrom::Start(len - trailer_len)).map_err(io)?;
    handle.read_exact(&mut trailer).map_err(io)?;
    if !trailer.ends_with(TRAILER_MAGIC) {
        return Err(refuse(format!("不是完整的{what}（缺少签名尾部，可能被截断）")));
    }
    let whole_signature = Signature::from_bytes(&trailer[..64].try_into().expect("64 bytes"));
    let whole_key: [u8; 32] = trailer[64..96].try_into().expect("32 bytes");
    let whole_signer = VerifyingKey::from_bytes(&whole_key).map_err(|_| refuse(format!("{what}的签名人公钥无效")))?;
    let body_len = len - trailer_len;
    let mut verifier = whole_signer
        .verify_stream(&whole_signature)
        .map_err(|_| refuse(format!("{what}已被改动（整体签名不符）")))?;
    let mut file_hash = Sha256::new();
    handle.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    let mut chunk = vec![0u8; 1 << 20];
    let mut left = body_len;
    while left > 0 {
        let want = chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = handle.read(&mut chunk[..want]).map_err(io)?;
        if n == 0 {
            return Err(refuse(format!("不是完整的{what}（读取时文件变短）")));
        }
        verifier.update(&chunk[..n]);
        file_hash.update(&chunk[..n]);
        left -= n as u64;
    }
    verifier
        .finalize_and_verify()
        .map_err(|_| refuse(format!("{what}已被改动（整体签名不符）")))?;
    file_hash.update(trailer);
    let body = Body {
        file: handle,
        len: body_len,
        pos: 0,
    };
    let mut zip =
        zip::ZipArchive::new(body).map_err(|e| refuse(format!("不是有效的{what}（文件不完整或已损坏：{e}）")))?;
    let mut sizes = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| refuse(format!("{what}已损坏（{e}）")))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        total = total.saturating_add(entry.size());
        if sizes.insert(name.clone(), entry.size()).is_some() {
            return Err(refuse(format!("{what}中有重名的文件 {name}")));
        }
    }
    if total > max_bytes {
        return Err(refuse(format!("{what}解压后超过 {} MB", max_bytes / 1_048_576)));
    }
    let mut small = |name: &str, cap: u64, missing: String| -> Result<Vec<u8>, ReviewError> {
        let mut entry = zip.by_name(name).map_err(|_| refuse(missing))?;
        let mut data = Vec::new();
        (&mut entry)
            .take(cap + 1)
            .read_to_end(&mut data)
            .map_err(|e| refuse(format!("{what}中的 {name} 已损坏（{e}）")))?;
        if data.len() as u64 > cap {
            return Err(refuse(format!("{what}中的 {name} 过大")));
        }
        Ok(data)
    };
    let manifest_bytes = small(
        "manifest.json",
        MAX_MANIFEST,
        format!("不是{what}（缺少 manifest.json）"),
    )?;
    let signature_text = small("signature", 1024, format!("{what}缺少签名"))?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| refuse(format!("{what}的清单无法读取（{e}）")))?;
    if manifest.format != format {
        return Err(refuse(format!("不是{what}（格式为“{}”）", manifest.format)));
    }
    let signer = parse_public_key(&manifest.signer).map_err(|_| refuse(format!("{what}的签名人公钥无效")))?;
    let signature_bytes: [u8; 64] = unhex(&String::from_utf8_lossy(&signature_text))
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| refuse(format!("{what}的签名格式无效")))?;
    signer
        .verify(&manifest_bytes, &Signature::from_bytes(&signature_bytes))
        .map_err(|_| refuse(format!("{what}的签名无效（清单被改动或不是签名人所签）")))?;
    if signer != whole_signer {
        return Err(refuse(format!("{what}的两处签名人不一致")));
    }
    sizes.remove("manifest.json");
    sizes.remove("signature");
    if let Some(name) = manifest.files.keys().find(|k| !sizes.contains_key(*k)) {
        return Err(refuse(format!("{what}缺少文件 {name}（可能不完整）")));
    }
    if let Some(extra) = sizes.keys().find(|k| !manifest.files.contains_key(*k)) {
        return Err(refuse(format!("{what}中多出清单以外的文件 {extra}")));
    }
    Ok(Verified {
        zip,
        files: manifest.files,
        sizes,
        file,
        what: what.to_string(),
        signer: manifest.signer,
        sha256: hex(&file_hash.finalize()),
    })
}

#[cfg(all(test, unix))]
mod key_file_tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_key_is_owner_only_and_an_open_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("keys");
        let pair = super::key_pair_in(&dir, "李评").unwrap();
        let file = dir.join("李评.ed25519");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(&dir), mode(&file)), (0o700, 0o600));
        // The same key comes back on the next call.
        assert_eq!(
            super::key_pair_in(&dir, "李评").unwrap().public_hex(),
            pair.public_hex()
        );
        // A folder others can open never receives a new private key.
        let open = tmp.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        let Err(err) = super::key_pair_in(&open, "王评") else {
            panic!("a key was made in a folder others can open");
        };
        let err = err.to_string();
        assert!(err.contains("755") && err.contains("chmod 700"), "{err}");
        assert!(!open.join("王评.ed25519").exists());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signed kit of the given members, written to a file; with its key.
    fn signed(dir: &Path, members: &[(&str, Vec<u8>)]) -> PathBuf {
        let key = key_pair_in(&dir.join("keys"), "组织者").unwrap();
        let members: BTreeMap<String, Vec<u8>> = members.iter().map(|(n, b)| (n.to_string(), b.clone())).collect();
        let path = dir.join("a.pchkit");
        std::fs::write(&path, write_signed("pingcha-kit-1", &members, &key).unwrap()).unwrap();
        path
    }

    /// Bytes that do not compress (so a flipped byte is in a member's data, not its header).
    fn noise(len: usize) -> Vec<u8> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn members_are_read_on_demand_and_checked_as_they_are_read() {
        // #19 item 12: a kit was read whole into memory before its signature was checked. Now
        // the signature is checked over the file streaming, and members are read when asked,
        // each against the signed manifest: a file changed on disk after verification is
        // refused when the changed member is read.
        let tmp = tempfile::tempdir().unwrap();
        let doc = noise(300_000);
        let path = signed(tmp.path(), &[("kit.json", b"{}".to_vec()), ("docs/a.pdf", doc.clone())]);
        let mut verified = read_signed(&path, "pingcha-kit-1", "评查包", 1 << 30).unwrap();
        assert_eq!(verified.names(), ["docs/a.pdf", "kit.json"]);
        assert_eq!(verified.sha256, sha256_hex(&std::fs::read(&path).unwrap()));
        assert_eq!(verified.read("docs/a.pdf").unwrap(), doc);
        let missing = verified.read("docs/b.pdf").err().unwrap().to_string();
        assert!(missing.contains("缺少 docs/b.pdf"), "{missing}");
        // Changed under the open verification: the member's bytes no longer match.
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes
            .windows(4096)
            .position(|w| w == &doc[100_000..104_096])
            .unwrap_or(150_000);
        bytes[at + 10] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let changed = verified.read("docs/a.pdf").err().unwrap().to_string();
        assert!(changed.contains("评查包中的 docs/a.pdf 已被改动或损坏"), "{changed}");
        // Read afresh, the whole-file signature refuses it before any member is read.
        let refused = read_signed(&path, "pingcha-kit-1", "评查包", 1 << 30)
            .err()
            .unwrap()
            .to_string();
        assert!(refused.contains("整体签名不符"), "{refused}");
    }

    #[test]
    fn what_the_members_declare_is_checked_before_any_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = signed(
            tmp.path(),
            &[("kit.json", b"{}".to_vec()), ("docs/a.pdf", noise(200_000))],
        );
        let refused = read_signed(&path, "pingcha-kit-1", "评查包", 100_000)
            .err()
            .unwrap()
            .to_string();
        assert!(refused.contains("解压后超过"), "{refused}");
        assert!(read_signed(&path, "pingcha-kit-1", "评查包", 300_000).is_ok());
        // A truncated file: no trailer.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 50]).unwrap();
        let truncated = read_signed(&path, "pingcha-kit-1", "评查包", 1 << 30)
            .err()
            .unwrap()
            .to_string();
        assert!(truncated.contains("缺少签名尾部"), "{truncated}");
    }
}
