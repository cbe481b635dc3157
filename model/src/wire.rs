//! Reading Parley's internally tagged enums (`{"type": "text", …}`) in the
//! browser without serde's buffering.
//!
//! serde's `#[serde(tag = "type")]` reads the whole object into a buffer
//! first, since the tag may come anywhere, and then reads every variant
//! again out of that buffer: a second copy of each type's reader in the
//! wasm (≈ 80 KB before compression, SPEC B4). The browser only ever reads
//! what Parley's server wrote, and serde writes the tag first, so there the
//! enums read the tag and then the variant's fields straight from the
//! stream. The server reads stored and outside JSON too, in any key order:
//! it keeps serde's own reader (feature `server`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, Error, IgnoredAny, MapAccess, VariantAccess, Visitor,
};

/// Reads an externally tagged enum (`T`'s derive) from an object whose
/// first key is `"type"`: the tag names the variant, the object's other
/// keys are the variant's fields.
pub fn tag_first<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(TagFirst(deserializer))
}

struct TagFirst<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for TagFirst<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(ObjectAsEnum(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct ObjectAsEnum<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectAsEnum<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object whose first key is \"type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        match map.next_key::<TypeKey>()? {
            Some(TypeKey) => self.0.visit_enum(Variant(map)),
            None => Err(A::Error::missing_field("type")),
        }
    }
}

/// The `"type"` key, and nothing else.
struct TypeKey;

impl<'de> serde::Deserialize<'de> for TypeKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor(PhantomData<TypeKey>);
        impl Visitor<'_> for KeyVisitor {
            type Value = TypeKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"type\" first")
            }
            fn visit_str<E: Error>(self, key: &str) -> Result<TypeKey, E> {
                if key == "type" {
                    Ok(TypeKey)
                } else {
                    Err(E::custom("\"type\" must come first"))
                }
            }
        }
        deserializer.deserialize_str(KeyVisitor(PhantomData))
    }
}

/// The rest of the object, after the tag: the variant's fields.
struct Variant<A>(A);

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Variant<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<(S::Value, Self), A::Error> {
        let variant = self.0.next_value_seed(seed)?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.0.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(A::Error::custom("a tagged object cannot hold a tuple"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

/// An enum written as `{"type": "<variant in snake_case>", …fields}`. With
/// feature `server`, serde's own reader (any key order); without, the
/// browser's [`tag_first`] reader through a twin of the enum that serde
/// reads externally tagged.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident $({
                    $(
                        $(#[$field_meta:meta])*
                        $field:ident : $field_type:ty
                    ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[cfg_attr(feature = "server", derive(serde::Deserialize))]
        #[serde(tag = "type", rename_all = "snake_case")]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant $({
                    $(
                        $(#[$field_meta])*
                        $field: $field_type
                    ),*
                })?
            ),*
        }

        #[cfg(not(feature = "server"))]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(serde::Deserialize)]
                #[serde(rename_all = "snake_case")]
                enum Twin {
                    $(
                        $variant $({
                            $(
                                $(#[$field_meta])*
                                $field: $field_type
                            ),*
                        })?
                    ),*
                }
                Ok(match $crate::wire::tag_first::<D, Twin>(deserializer)? {
                    $( Twin::$variant $({ $($field),* })? => $name::$variant $({ $($field),* })? ),*
                })
            }
        }
    };
}

pub(crate) use tagged_enum;

#[cfg(test)]
mod tests {
    use super::tag_first;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Shape {
        Dot,
        Line {
            length: u32,
            #[serde(default)]
            label: Option<String>,
        },
    }

    fn read(json: &str) -> Result<Shape, serde_json::Error> {
        tag_first(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn reads_the_tag_then_the_fields() {
        assert_eq!(read(r#"{"type":"dot"}"#).unwrap(), Shape::Dot);
        assert_eq!(
            read(r#"{"type":"dot","extra":[1,{"a":2}]}"#).unwrap(),
            Shape::Dot
        );
        assert_eq!(
            read(r#"{"type":"line","length":3,"unknown":true}"#).unwrap(),
            Shape::Line {
                length: 3,
                label: None
            }
        );
        assert_eq!(
            read(r#"{"type":"line","label":"x","length":3}"#).unwrap(),
            Shape::Line {
                length: 3,
                label: Some("x".into())
            }
        );
    }

    #[test]
    fn says_what_is_wrong() {
        let later = read(r#"{"length":3,"type":"line"}"#)
            .unwrap_err()
            .to_string();
        assert!(later.contains("\"type\" must come first"), "{later}");
        let unknown = read(r#"{"type":"circle"}"#).unwrap_err().to_string();
        assert!(unknown.contains("unknown variant `circle`"), "{unknown}");
        let missing = read(r#"{"type":"line"}"#).unwrap_err().to_string();
        assert!(missing.contains("missing field `length`"), "{missing}");
        assert!(read("{}").is_err());
        assert!(read("[]").is_err());
    }
}
