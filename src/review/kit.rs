//! Offline reviewer kits (评查包) and score returns (回收包): signed zip files.
//!
//! Both carry `manifest.json` (the SHA-256 of every other member and the signer's public
//! key) and `signature` (Ed25519 over the manifest's bytes), and end with a trailer: an
//! Ed25519 signature over every byte of the zip before it, the signer's public key and a
//! magic tag. Reading checks the trailer, the manifest's signature, every hash, and that no
//! member is missing or added, before anything is used: changing any byte, truncating, or
//! sending the file to the wrong project is refused and changes nothing.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ReviewError;

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

/// A verified signed file: its members and signer.
pub struct Verified {
    /// Members by path (without the manifest and signature).
    pub members: BTreeMap<String, Vec<u8>>,
    /// The signer's public key, hex.
    pub signer: String,
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
}

/// Largest return file read (marks, reasons and change history; a province-wide review
/// stays far below).
pub const MAX_RETURN_FILE: u64 = 64 << 20;
/// Largest kit file read (the reviewer's cases with their documents).
pub const MAX_KIT_FILE: u64 = 4 << 30;

/// Reads and verifies a signed zip of the given format. `what` names the file kind in
/// messages (`评查包`, `回收包`); `max_bytes` bounds what is decompressed.
pub fn read_signed(path: &Path, format: &str, what: &str, max_bytes: u64) -> Result<Verified, ReviewError> {
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
    let bytes = std::fs::read(path).map_err(io)?;
    // The trailer: a signature over every byte before it.
    if bytes.len() < TRAILER_LEN || !bytes.ends_with(TRAILER_MAGIC) {
        return Err(refuse(format!("不是完整的{what}（缺少签名尾部，可能被截断）")));
    }
    let body_len = bytes.len() - TRAILER_LEN;
    let (body, trailer) = bytes.split_at(body_len);
    let whole_signature: [u8; 64] = trailer[..64].try_into().expect("64 bytes");
    let whole_key: [u8; 32] = trailer[64..96].try_into().expect("32 bytes");
    let whole_signer = VerifyingKey::from_bytes(&whole_key).map_err(|_| refuse(format!("{what}的签名人公钥无效")))?;
    whole_signer
        .verify(body, &Signature::from_bytes(&whole_signature))
        .map_err(|_| refuse(format!("{what}已被改动（整体签名不符）")))?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body))
        .map_err(|e| refuse(format!("不是有效的{what}（文件不完整或已损坏：{e}）")))?;
    let mut members = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| refuse(format!("{what}已损坏（{e}）")))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mut data = Vec::new();
        (&mut entry)
            .take(max_bytes.saturating_sub(total) + 1)
            .read_to_end(&mut data)
            .map_err(|e| refuse(format!("{what}中的 {name} 已损坏（{e}）")))?;
        total += data.len() as u64;
        if total > max_bytes {
            return Err(refuse(format!("{what}解压后超过 {} MB", max_bytes / 1_048_576)));
        }
        members.insert(name, data);
    }
    let manifest_bytes = members
        .remove("manifest.json")
        .ok_or_else(|| refuse(format!("不是{what}（缺少 manifest.json）")))?;
    let signature_text = members
        .remove("signature")
        .ok_or_else(|| refuse(format!("{what}缺少签名")))?;
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
    for (name, expected) in &manifest.files {
        let data = members
            .get(name)
            .ok_or_else(|| refuse(format!("{what}缺少文件 {name}（可能不完整）")))?;
        if &hex(&Sha256::digest(data)) != expected {
            return Err(refuse(format!("{what}中的文件 {name} 已被改动（校验值不符）")));
        }
    }
    if let Some(extra) = members.keys().find(|k| !manifest.files.contains_key(*k)) {
        return Err(refuse(format!("{what}中多出清单以外的文件 {extra}")));
    }
    Ok(Verified {
        members,
        signer: manifest.signer,
        sha256: sha256_hex(&bytes),
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
