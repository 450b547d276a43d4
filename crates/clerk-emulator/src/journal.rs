//! The state file's journal: each write's changed rows, appended and synced to disk before the
//! write is answered, and folded into the snapshot from time to time.
//!
//! On disk, beside the snapshot `FILE` (which names the journal generation that continues it),
//! are the journals `FILE.journal.<generation>`. A record is one line: a JSON object, a tab,
//! and the first 16 hex digits of the JSON's SHA-256. Loading reads the snapshot, then replays
//! every journal from its generation on, in order. A last record cut short by a crash (no
//! newline, or a checksum that does not match) is dropped and cut off the file; damage anywhere
//! before the last record is an error, and the files are left as they are.
//!
//! Writes append under the database's write lock, so the journal's order is the order writes
//! were made in. Syncing happens after, outside the lock, and one `fsync` covers every record
//! appended before it (group commit): concurrent writers share the cost.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// How long the active journal grows before it is folded into the snapshot.
pub(crate) const COMPACT_AFTER_BYTES: u64 = 32 * 1024 * 1024;

/// The journal of generation `generation` beside the state file `base`.
pub(crate) fn path_of(base: &Path, generation: u64) -> PathBuf {
    let mut name = base
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".journal.{generation}"));
    base.with_file_name(name)
}

/// The generations of the journals beside `base`, in order.
fn generations(base: &Path) -> Result<Vec<u64>, String> {
    let dir = match base.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!(
        "{}.journal.",
        base.file_name().unwrap_or_default().to_string_lossy()
    );
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
    };
    let mut found: Vec<u64> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_prefix(&prefix)?.parse().ok())
        .collect();
    found.sort_unstable();
    Ok(found)
}

fn checksum(json: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, json);
    data_encoding::HEXLOWER.encode(&digest.as_ref()[..8])
}

/// One journal line for a record's JSON.
pub(crate) fn line(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + 18);
    out.extend_from_slice(json);
    out.push(b'\t');
    out.extend_from_slice(checksum(json).as_bytes());
    out.push(b'\n');
    out
}

/// Replays the journals of `base` from generation `from` on, handing each record's JSON to
/// `apply`, and cuts a torn last record off its file. Returns the generation to continue in.
pub(crate) fn replay(
    base: &Path,
    from: u64,
    mut apply: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<u64, String> {
    let mut last = from;
    for generation in generations(base)?.into_iter().filter(|g| *g >= from) {
        let path = path_of(base, generation);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut at = 0;
        while at < bytes.len() {
            let end = bytes[at..].iter().position(|&b| b == b'\n').map(|i| at + i);
            let record = end.and_then(|end| {
                let text = &bytes[at..end];
                let tab = text.iter().rposition(|&b| b == b'\t')?;
                let (json, sum) = (&text[..tab], &text[tab + 1..]);
                (sum == checksum(json).as_bytes()).then_some(json)
            });
            if let (Some(json), Some(end)) = (record, end) {
                apply(json).map_err(|e| {
                    format!(
                        "{}: a record at byte {at} does not apply: {e}",
                        path.display()
                    )
                })?;
                at = end + 1;
                continue;
            }
            let is_last = end.is_none_or(|end| end + 1 == bytes.len());
            if !is_last {
                return Err(format!(
                    "the journal {} is damaged at byte {at} (not at its end); fix or move it \
                     away, it will not be overwritten",
                    path.display()
                ));
            }
            // A damaged line with nothing after it: a write cut short by a crash, never
            // acknowledged. Drop it, and cut it off so new records follow the good ones.
            tracing::warn!(
                "{}: dropping a torn last record ({} bytes)",
                path.display(),
                bytes.len() - at
            );
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            file.set_len(at as u64)
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("cannot truncate {}: {e}", path.display()))?;
            break;
        }
        last = generation;
    }
    Ok(last)
}

/// Makes a new directory entry (a created or renamed file) durable.
pub(crate) fn sync_dir(of: &Path) -> Result<(), String> {
    let dir = match of.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| format!("cannot sync {}: {e}", dir.display()))
}

struct Active {
    file: Arc<File>,
    generation: u64,
    len: u64,
}

/// The open journal of a running emulator.
pub(crate) struct Journal {
    base: PathBuf,
    active: Mutex<Active>,
    /// Bytes appended since start, over all generations.
    appended: AtomicU64,
    /// Of those, how many are known to be on disk.
    synced: AtomicU64,
    sync_lock: tokio::sync::Mutex<()>,
    failure: Mutex<Option<String>>,
    /// Signalled when the active journal has outgrown [`COMPACT_AFTER_BYTES`].
    pub(crate) compact: Arc<Notify>,
}

fn open_append(path: &Path) -> Result<File, String> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    sync_dir(path)?;
    Ok(file)
}

impl Journal {
    /// Opens (or creates) the journal of `generation` for appending.
    pub(crate) fn open(base: &Path, generation: u64) -> Result<Journal, String> {
        let path = path_of(base, generation);
        let file = open_append(&path)?;
        let len = file
            .metadata()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .len();
        Ok(Journal {
            base: base.to_path_buf(),
            active: Mutex::new(Active {
                file: Arc::new(file),
                generation,
                len,
            }),
            appended: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            sync_lock: tokio::sync::Mutex::new(()),
            failure: Mutex::new(None),
            compact: Arc::new(Notify::new()),
        })
    }

    fn active(&self) -> std::sync::MutexGuard<'_, Active> {
        self.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn fail(&self, message: String) {
        tracing::error!("{message}");
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(message);
    }

    /// Appends a record (not yet synced). A failure is kept, and every answer after it says so.
    pub(crate) fn append(&self, json: &[u8]) {
        let line = line(json);
        let mut active = self.active();
        if let Err(e) = (&*active.file).write_all(&line) {
            let message = format!("cannot append to the journal: {e}");
            drop(active);
            self.fail(message);
            return;
        }
        active.len += line.len() as u64;
        self.appended.fetch_add(line.len() as u64, Ordering::SeqCst);
        if active.len > COMPACT_AFTER_BYTES {
            self.compact.notify_one();
        }
    }

    /// Waits until every record appended so far is on disk.
    pub(crate) async fn sync(&self) -> Result<(), String> {
        if let Some(failure) = self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Err(failure);
        }
        let target = self.appended.load(Ordering::SeqCst);
        if self.synced.load(Ordering::SeqCst) >= target {
            return Ok(());
        }
        let _one_at_a_time = self.sync_lock.lock().await;
        if self.synced.load(Ordering::SeqCst) >= target {
            return Ok(());
        }
        // Everything appended up to now, ours and whoever's came after, in one sync.
        let (file, upto) = {
            let active = self.active();
            (active.file.clone(), self.appended.load(Ordering::SeqCst))
        };
        let synced = tokio::task::spawn_blocking(move || file.sync_data())
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
        match synced {
            Ok(()) => {
                self.synced.fetch_max(upto, Ordering::SeqCst);
                Ok(())
            }
            Err(e) => {
                let message = format!("cannot sync the journal: {e}");
                self.fail(message.clone());
                Err(message)
            }
        }
    }

    /// Starts the next generation: the current one is synced and closed. Call with the
    /// database's write lock held, so no write falls between the snapshot and the new journal.
    pub(crate) fn rotate(&self) -> Result<u64, String> {
        let mut active = self.active();
        active
            .file
            .sync_data()
            .map_err(|e| format!("cannot sync the journal: {e}"))?;
        self.synced
            .fetch_max(self.appended.load(Ordering::SeqCst), Ordering::SeqCst);
        let generation = active.generation + 1;
        let file = open_append(&path_of(&self.base, generation))?;
        *active = Active {
            file: Arc::new(file),
            generation,
            len: 0,
        };
        Ok(generation)
    }

    /// Deletes the journals before `generation` (folded into a snapshot on disk).
    pub(crate) fn remove_before(&self, generation: u64) {
        remove_before(&self.base, generation);
    }
}

/// Deletes the journals of `base` before `generation`.
pub(crate) fn remove_before(base: &Path, generation: u64) {
    for old in generations(base).unwrap_or_default() {
        if old < generation {
            let path = path_of(base, old);
            if let Err(e) = std::fs::remove_file(&path) {
                tracing::warn!("cannot remove {}: {e}", path.display());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "clerk-emulator-journal-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("state.json")
    }

    fn replayed(base: &Path, from: u64) -> Result<(Vec<String>, u64), String> {
        let mut seen = Vec::new();
        let last = replay(base, from, |json| {
            seen.push(String::from_utf8(json.to_vec()).unwrap());
            Ok(())
        })?;
        Ok((seen, last))
    }

    #[tokio::test]
    async fn records_replay_in_order_across_generations() {
        let base = temp("order");
        let j = Journal::open(&base, 3).unwrap();
        j.append(br#"{"n":1}"#);
        j.append(br#"{"n":2}"#);
        j.sync().await.unwrap();
        assert_eq!(j.rotate().unwrap(), 4);
        j.append(br#"{"n":3}"#);
        j.sync().await.unwrap();
        assert_eq!(
            replayed(&base, 3).unwrap(),
            (
                vec![
                    r#"{"n":1}"#.into(),
                    r#"{"n":2}"#.into(),
                    r#"{"n":3}"#.into()
                ],
                4
            )
        );
        // From the snapshot's generation on only.
        assert_eq!(replayed(&base, 4).unwrap().0, vec![r#"{"n":3}"#]);
        j.remove_before(4);
        assert_eq!(generations(&base).unwrap(), vec![4]);
    }

    #[test]
    fn a_torn_last_record_is_dropped_and_cut_off() {
        for torn in [
            &b"{\"n\":3"[..],
            b"{\"n\":3}\t0123",
            b"{\"n\":3}\t0123456789abcdef\n",
        ] {
            let base = temp("torn");
            let mut bytes = line(br#"{"n":1}"#);
            bytes.extend(line(br#"{"n":2}"#));
            let good = bytes.len() as u64;
            bytes.extend_from_slice(torn);
            std::fs::write(path_of(&base, 0), &bytes).unwrap();
            let (seen, _) = replayed(&base, 0).unwrap();
            assert_eq!(seen, vec![r#"{"n":1}"#, r#"{"n":2}"#], "{torn:?}");
            assert_eq!(
                std::fs::metadata(path_of(&base, 0)).unwrap().len(),
                good,
                "cut off"
            );
        }
    }

    #[test]
    fn damage_before_the_last_record_is_an_error_and_the_file_is_kept() {
        let base = temp("damaged");
        let mut bytes = line(br#"{"n":1}"#);
        bytes.extend_from_slice(b"{\"n\":2}\tffffffffffffffff\n");
        bytes.extend(line(br#"{"n":3}"#));
        std::fs::write(path_of(&base, 0), &bytes).unwrap();
        let err = replayed(&base, 0).unwrap_err();
        assert!(err.contains("damaged at byte"), "{err}");
        assert_eq!(std::fs::read(path_of(&base, 0)).unwrap(), bytes);
    }
}
