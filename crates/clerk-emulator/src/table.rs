//! A table of rows by id that remembers which rows a write changed, so the write can be
//! journaled (see `journal.rs`) before it is acknowledged.
//!
//! Reading goes through `Deref` to the `BTreeMap`; every way of changing a row is a method here
//! that marks the row, so a change the journal would miss does not compile.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug)]
pub(crate) struct Table<T> {
    rows: BTreeMap<String, T>,
    changed: BTreeSet<String>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            changed: BTreeSet::new(),
        }
    }
}

impl<T> Deref for Table<T> {
    type Target = BTreeMap<String, T>;
    fn deref(&self) -> &BTreeMap<String, T> {
        &self.rows
    }
}

impl<T> Table<T> {
    /// A row to change.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let row = self.rows.get_mut(id)?;
        if !self.changed.contains(id) {
            self.changed.insert(id.to_owned());
        }
        Some(row)
    }

    pub(crate) fn insert(&mut self, id: String, row: T) -> Option<T> {
        self.changed.insert(id.clone());
        self.rows.insert(id, row)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<T> {
        let row = self.rows.remove(id)?;
        self.changed.insert(id.to_owned());
        Some(row)
    }

    /// Keeps the rows `keep` says to keep.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str, &T) -> bool) {
        let changed = &mut self.changed;
        self.rows.retain(|id, row| {
            let kept = keep(id, row);
            if !kept {
                changed.insert(id.clone());
            }
            kept
        });
    }

    /// Changes, with `change`, every row `select` picks.
    pub(crate) fn update_where(
        &mut self,
        mut select: impl FnMut(&T) -> bool,
        mut change: impl FnMut(&mut T),
    ) {
        for (id, row) in self.rows.iter_mut() {
            if select(row) {
                change(row);
                self.changed.insert(id.clone());
            }
        }
    }
}

/// A table the journal can read changes from and replay them into.
pub(crate) trait Journaled {
    /// Writes the rows changed since the last call as journal entries (`{"t", "k", "v"}`, `v`
    /// null for a removed row) to `out`, comma-separated after `first`, and forgets them.
    fn drain_changes(
        &mut self,
        name: &str,
        out: &mut Vec<u8>,
        first: &mut bool,
    ) -> serde_json::Result<()>;

    /// Forgets the changes without writing them (no journal).
    fn forget_changes(&mut self);

    /// Replays one journal entry.
    fn apply(&mut self, id: String, row: Option<serde_json::Value>) -> serde_json::Result<()>;
}

impl<T: Serialize + DeserializeOwned> Journaled for Table<T> {
    fn drain_changes(
        &mut self,
        name: &str,
        out: &mut Vec<u8>,
        first: &mut bool,
    ) -> serde_json::Result<()> {
        for id in std::mem::take(&mut self.changed) {
            if !std::mem::take(first) {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"t\":");
            serde_json::to_writer(&mut *out, name)?;
            out.extend_from_slice(b",\"k\":");
            serde_json::to_writer(&mut *out, &id)?;
            out.extend_from_slice(b",\"v\":");
            serde_json::to_writer(&mut *out, &self.rows.get(&id))?;
            out.push(b'}');
        }
        Ok(())
    }

    fn forget_changes(&mut self) {
        self.changed.clear();
    }

    fn apply(&mut self, id: String, row: Option<serde_json::Value>) -> serde_json::Result<()> {
        match row {
            Some(value) => {
                self.rows.insert(id, serde_json::from_value(value)?);
            }
            None => {
                self.rows.remove(&id);
            }
        }
        Ok(())
    }
}

impl<T: Serialize> Serialize for Table<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Table {
            rows: BTreeMap::deserialize(d)?,
            changed: BTreeSet::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drained(t: &mut Table<i32>) -> String {
        let mut out = Vec::new();
        let mut first = true;
        t.drain_changes("n", &mut out, &mut first).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_change_is_drained_once_and_replays_to_the_same_rows() {
        let mut t = Table::default();
        t.insert("a".into(), 1);
        t.insert("b".into(), 2);
        t.insert("c".into(), 3);
        let _ = drained(&mut t);
        *t.get_mut("a").unwrap() += 10;
        assert!(t.get_mut("zz").is_none());
        t.remove("b");
        t.retain(|_, v| *v != 3);
        t.update_where(|v| *v > 5, |v| *v += 1);
        t.insert("d".into(), 4);
        let changes = drained(&mut t);
        assert_eq!(
            changes,
            r#"{"t":"n","k":"a","v":12},{"t":"n","k":"b","v":null},{"t":"n","k":"c","v":null},{"t":"n","k":"d","v":4}"#
        );
        assert_eq!(drained(&mut t), "", "drained once");

        // Replaying the entries onto the old rows gives the new ones.
        let mut replayed: Table<i32> = Table::default();
        for (k, v) in [("a", 1), ("b", 2), ("c", 3)] {
            replayed.insert(k.into(), v);
        }
        let entries: Vec<serde_json::Value> =
            serde_json::from_str(&format!("[{changes}]")).unwrap();
        for e in entries {
            let row = (!e["v"].is_null()).then(|| e["v"].clone());
            replayed
                .apply(e["k"].as_str().unwrap().to_owned(), row)
                .unwrap();
        }
        assert_eq!(*replayed, *t);
    }
}
