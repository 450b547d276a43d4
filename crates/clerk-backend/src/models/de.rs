//! Deserializing helpers the generated models use.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Deserialize, SeqAccess, Visitor};

/// A list sized to its items. A `Vec` that grows from empty takes room for four items at once,
/// and the models' items are large (a user's enterprise account is about 800 bytes): most users
/// have one or two of each, so a page of users held twice the memory it needed (measured with
/// `benches/peers`'s `alloc_count`). The first four items get exactly the room they need.
pub(crate) fn vec<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_seq(VecVisitor(PhantomData))
}

/// [`vec`] for an optional or nullable list.
pub(crate) fn opt_vec<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            vec(d).map(Some)
        }
    }
    deserializer.deserialize_option(V(PhantomData))
}

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            if items.len() < 4 {
                items.reserve_exact(1);
            }
            items.push(item);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "super::vec")]
        items: Vec<[u64; 8]>,
        #[serde(default, deserialize_with = "super::opt_vec")]
        maybe: Option<Vec<u8>>,
    }

    #[test]
    fn short_lists_take_only_the_room_they_need() {
        let h: Holder =
            serde_json::from_str(r#"{"items":[[0,0,0,0,0,0,0,0]],"maybe":null}"#).unwrap();
        assert_eq!((h.items.len(), h.items.capacity()), (1, 1));
        assert_eq!(h.maybe, None);
        let five = r#"{"items":[[1,1,1,1,1,1,1,1],[2,2,2,2,2,2,2,2],[3,3,3,3,3,3,3,3],[4,4,4,4,4,4,4,4],[5,5,5,5,5,5,5,5]],"maybe":[7]}"#;
        let h: Holder = serde_json::from_str(five).unwrap();
        assert_eq!(h.items.len(), 5);
        assert_eq!(h.items[4][0], 5);
        assert_eq!(h.maybe, Some(vec![7]));
        let h: Holder = serde_json::from_str(r#"{"items":[]}"#).unwrap();
        assert_eq!((h.items.len(), h.maybe), (0, None));
    }
}
