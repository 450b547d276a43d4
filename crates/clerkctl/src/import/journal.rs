//! The import's durable journal: one JSON line per step of each input user, appended and
//! synced to disk before the step's request goes out and after its answer comes back.
//!
//! A user's states: `pending` (about to be created; the create may or may not have reached
//! Clerk), `created` (Clerk answered with its id; follow-ups may remain), `done`, or `failed`
//! (Clerk refused it; retried on the next `--resume`). After a crash, the last state of each
//! source id says what is left to do. A line torn by the crash is ignored: the step it
//! recorded is then redone or settled by looking the user up.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

/// Where a user stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The create is about to be sent or was sent without a known outcome.
    Pending,
    /// Created in Clerk; follow-ups may remain.
    Created,
    /// Created and every follow-up done.
    Done,
    /// Refused by Clerk.
    Failed,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The source id (`external_id`).
    pub ext: String,
    /// The state reached.
    pub state: State,
    /// The input line of the record.
    pub line: u64,
    /// The Clerk user id, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Clerk's error code, for `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// The journal path for an input file: `<input>.clerkctl-journal`.
pub fn path_for(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".clerkctl-journal");
    PathBuf::from(name)
}

/// Reads a journal: the last state of each source id. Unreadable lines (a line torn by a
/// crash) are skipped and counted.
pub fn load(path: &Path) -> Result<(HashMap<String, Entry>, usize), String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut map = HashMap::new();
    let mut torn = 0;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        match serde_json::from_str::<Entry>(&line) {
            Ok(entry) => {
                map.insert(entry.ext.clone(), entry);
            }
            Err(_) => torn += 1,
        }
    }
    Ok((map, torn))
}

/// The file's last byte, read without loading the file.
fn last_byte(path: &Path, len: u64) -> std::io::Result<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(len - 1))?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b)?;
    Ok(b[0])
}

type Job = (Vec<u8>, oneshot::Sender<Result<(), String>>);

/// Appends entries from any task; a background thread writes whatever is queued, syncs once
/// and then acknowledges every entry in that batch.
#[derive(Clone)]
pub struct Journal {
    tx: mpsc::Sender<Job>,
}

impl Journal {
    /// Opens (creating or appending to) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, String> {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open the journal {}: {e}", path.display()))?;
        // A torn last line from a crash must not swallow the next entry.
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len > 0 {
            let last = last_byte(path, len).unwrap_or(b'\n');
            if last != b'\n' {
                file.write_all(b"\n")
                    .map_err(|e| format!("cannot write the journal: {e}"))?;
            }
        }
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::spawn(move || writer(file, rx));
        Ok(Journal { tx })
    }

    /// Appends `entry` and returns once it is on disk.
    pub async fn append(&self, entry: &Entry) -> Result<(), String> {
        let mut line = serde_json::to_vec(entry).map_err(|e| e.to_string())?;
        line.push(b'\n');
        let (ack, done) = oneshot::channel();
        self.tx
            .send((line, ack))
            .map_err(|_| "the journal writer stopped".to_owned())?;
        done.await
            .map_err(|_| "the journal writer stopped".to_owned())?
    }
}

fn writer(mut file: File, rx: mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let mut bytes = Vec::new();
        for (line, _) in &batch {
            bytes.extend_from_slice(line);
        }
        let result = file
            .write_all(&bytes)
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("cannot write the journal: {e}"));
        for (_, ack) in batch {
            let _ = ack.send(result.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_last_state_wins_and_a_torn_line_is_skipped() {
        let dir = std::env::temp_dir().join(format!("clerkctl-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j");
        let _ = std::fs::remove_file(&path);
        let j = Journal::open(&path).unwrap();
        let e = |ext: &str, state| Entry {
            ext: ext.into(),
            state,
            line: 1,
            user_id: None,
            code: None,
        };
        j.append(&e("a", State::Pending)).await.unwrap();
        j.append(&e("a", State::Done)).await.unwrap();
        j.append(&e("b", State::Pending)).await.unwrap();
        drop(j);
        // A crash mid-write leaves half a line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"ext\":\"b\",\"sta").unwrap();
        drop(f);
        let j = Journal::open(&path).unwrap();
        j.append(&e("c", State::Failed)).await.unwrap();
        drop(j);
        let (map, torn) = load(&path).unwrap();
        assert_eq!(torn, 1);
        assert_eq!(map["a"].state, State::Done);
        assert_eq!(map["b"].state, State::Pending);
        assert_eq!(map["c"].state, State::Failed);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
