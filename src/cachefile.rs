//! One file of a cache in `.waymark/cache/`: framed so that only this very program trusts it,
//! checksummed so that a damaged file is noticed, and written whole.
//!
//! A file starts with its cache's magic and format version, then the stamp of the program
//! that wrote it (Waymark's version and its executable's size and time, see
//! [`crate::program::identity`]), then the payload's length, a CRC-32 of it and the payload in
//! `bincode`. Anything else (missing, short, damaged, written by another build) reads as
//! nothing, and the cache is made again: reading or writing a cache never fails a command.

use bincode::Options;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;

/// What one cache's files start with.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// Eight bytes naming the cache.
    pub magic: &'static [u8; 8],
    /// The version of its payload's layout, raised whenever the layout changes.
    pub format: u32,
}

fn options() -> impl Options {
    bincode::DefaultOptions::new().reject_trailing_bytes()
}

/// The stamp a file of `kind` must carry: this format and this very program, or `None` when
/// the program cannot say who it is (then nothing is cached).
pub fn stamp(kind: Kind) -> Option<String> {
    Some(format!("{} format {}", crate::program::identity()?, kind.format))
}

/// The bytes of a cache file of `kind` holding `value`.
pub fn encode<T: Serialize + ?Sized>(kind: Kind, stamp: &str, value: &T) -> Option<Vec<u8>> {
    let payload = options().serialize(value).ok()?;
    let mut out = Vec::with_capacity(payload.len() + stamp.len() + 32);
    out.extend_from_slice(kind.magic);
    out.extend_from_slice(&kind.format.to_le_bytes());
    out.extend_from_slice(&u32::try_from(stamp.len()).ok()?.to_le_bytes());
    out.extend_from_slice(stamp.as_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    Some(out)
}

/// The value in a cache file's bytes, if everything about them is as [`encode`] wrote them
/// for `kind` and `stamp`.
pub fn decode<T: DeserializeOwned>(kind: Kind, stamp: &str, data: &[u8]) -> Option<T> {
    decode_head(kind, stamp, data).and_then(|(value, end)| (end == data.len()).then_some(value))
}

/// The value [`encode`] framed at the start of `data` for `kind` and `stamp`, and where its
/// frame ends: a cache may keep more after it, for reading later.
pub fn decode_head<T: DeserializeOwned>(kind: Kind, stamp: &str, data: &[u8]) -> Option<(T, usize)> {
    let rest = data.strip_prefix(kind.magic)?;
    let rest = rest.strip_prefix(&kind.format.to_le_bytes())?;
    let (len, rest) = rest.split_first_chunk::<4>()?;
    let (written_by, rest) = rest.split_at_checked(u32::from_le_bytes(*len) as usize)?;
    if written_by != stamp.as_bytes() {
        return None;
    }
    let (len, rest) = rest.split_first_chunk::<8>()?;
    let (sum, rest) = rest.split_first_chunk::<4>()?;
    let payload = rest.get(..usize::try_from(u64::from_le_bytes(*len)).ok()?)?;
    if u32::from_le_bytes(*sum) != crc32fast::hash(payload) {
        return None;
    }
    // The limit keeps a length that passed the checksum by chance from asking for more than the file holds.
    let value = options().with_limit(payload.len() as u64).deserialize(payload).ok()?;
    Some((value, data.len() - rest.len() + payload.len()))
}

/// Reads from `file` (whose size is `size`) only the frame [`decode_head`] decodes, and gives
/// its value and where it ends; what follows stays unread.
pub fn read_head<T: DeserializeOwned>(
    kind: Kind,
    stamp: &str,
    file: &mut impl std::io::Read,
    size: u64,
) -> Option<(T, usize)> {
    let mut data = Vec::with_capacity(64 + stamp.len());
    let mut more = |data: &mut Vec<u8>, n: usize| {
        let at = data.len();
        data.resize(at + n, 0);
        file.read_exact(&mut data[at..]).ok()
    };
    more(&mut data, kind.magic.len() + 8)?;
    let (_, stamp_len) = data.split_last_chunk::<4>()?;
    // Another program's stamp is never this one: nothing more is read.
    if u32::from_le_bytes(*stamp_len) as usize != stamp.len() {
        return None;
    }
    more(&mut data, stamp.len() + 12)?;
    let (_, len) = data.get(..data.len() - 4)?.split_last_chunk::<8>()?;
    let len = u64::from_le_bytes(*len);
    if len > size {
        return None;
    }
    more(&mut data, usize::try_from(len).ok()?)?;
    decode_head(kind, stamp, &data)
}

/// Writes `bytes` beside `path` and renames them there, so a reader sees the old file or the new one whole.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The name of a young person's file in a per-person cache (`person-<id>.bin`), if their id is
/// safe as a file name as it stands (ids are lower-case letters, digits and hyphens).
pub fn person_file(id: &str) -> Option<String> {
    let safe = !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    safe.then(|| format!("person-{id}.bin"))
}

/// Whether `name` is a file [`person_file`] names.
pub fn is_person_file(name: &str) -> bool {
    name.strip_prefix("person-").and_then(|n| n.strip_suffix(".bin")).is_some_and(|id| person_file(id).is_some())
}

/// Removes the files in `dir` that are `ours` but not in `keep` (the files of young people who
/// are gone), leaving anything else there alone.
pub fn prune(dir: &Path, keep: &HashSet<String>, ours: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ours(&name) && !keep.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind { magic: b"WMTEST\r\n", format: 3 };

    #[test]
    fn a_value_round_trips_and_any_damage_reads_as_nothing() {
        let value = vec![("a".to_string(), 1u32), ("b".to_string(), 2)];
        let bytes = encode(KIND, "me", &value).unwrap_or_default();
        assert_eq!(decode::<Vec<(String, u32)>>(KIND, "me", &bytes), Some(value));
        assert_eq!(decode::<Vec<(String, u32)>>(KIND, "another build", &bytes), None);
        assert_eq!(decode::<Vec<(String, u32)>>(Kind { format: 4, ..KIND }, "me", &bytes), None);
        assert_eq!(decode::<Vec<(String, u32)>>(KIND, "me", &bytes[..bytes.len() - 1]), None);
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            assert_eq!(decode::<Vec<(String, u32)>>(KIND, "me", &damaged), None, "byte {at} flipped");
        }
    }

    #[test]
    fn a_head_is_read_without_what_follows_it() {
        let value = vec![("a".to_string(), 1u32)];
        let mut bytes = encode(KIND, "me", &value).unwrap_or_default();
        let frame = bytes.len();
        bytes.extend_from_slice(b"kept for later");
        assert_eq!(decode::<Vec<(String, u32)>>(KIND, "me", &bytes), None, "a whole file is only its frame");
        assert_eq!(decode_head(KIND, "me", &bytes), Some((value.clone(), frame)));
        let mut file = std::io::Cursor::new(&bytes);
        assert_eq!(read_head(KIND, "me", &mut file, bytes.len() as u64), Some((value.clone(), frame)));
        assert_eq!(file.position(), frame as u64, "nothing after the frame is read");
        let read = |bytes: &[u8], stamp: &str| {
            read_head::<Vec<(String, u32)>>(KIND, stamp, &mut std::io::Cursor::new(bytes), bytes.len() as u64)
        };
        assert_eq!(read(&bytes, "you"), None, "another program's stamp, of the same length");
        assert_eq!(read(&bytes, "another build"), None);
        assert_eq!(read(&bytes[..frame - 1], "me"), None, "a frame cut short");
        for at in 0..frame {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            assert_eq!(read(&damaged, "me"), None, "byte {at} flipped");
        }
    }

    #[test]
    fn person_files_are_named_only_for_safe_ids() {
        assert_eq!(person_file("yp-0001").as_deref(), Some("person-yp-0001.bin"));
        assert_eq!(person_file("../x"), None);
        assert_eq!(person_file("A"), None);
        assert_eq!(person_file(""), None);
        assert!(is_person_file("person-yp-0001.bin"));
        assert!(!is_person_file("staff.bin"));
        assert!(!is_person_file("person-.bin"));
    }
}
