//! Typed record identifiers and stored names. Every record's ID is its own newtype (UUIDv7,
//! stored as text), so IDs of different records never mix; every status and kind is an enum
//! stored by its name. Both map to text columns on SQLite and PostgreSQL, and a stored value
//! that does not read back is an error — never a silent default. Contexts declare theirs with
//! [`id_type!`](crate::id_type) and [`text_enum!`](crate::text_enum).

/// Declares an ID newtype over a UUIDv7: serde as its text, OpenAPI as a UUID string, diesel as
/// a `Text` column on both backends. The declaring crate needs `diesel`, `serde`, `utoipa` and
/// `uuid` among its dependencies.
#[macro_export]
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// Parses the text form; `None` when it is not a UUID.
            pub fn parse(text: &str) -> Option<Self> {
                uuid::Uuid::parse_str(text.trim()).ok().map(Self)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl db::TextValue for $name {
            const WHAT: &'static str = stringify!($name);
            fn to_text(&self) -> String {
                self.0.to_string()
            }
            fn from_text(text: &str) -> Option<Self> {
                Self::parse(text)
            }
        }

        db::text_sql!($name);
    };
}

/// Declares an enum stored and sent by name: `ALL`, `as_str`, `parse`, `Display`, serde and
/// OpenAPI by the same names, and diesel as a `Text` column on both backends.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$doc:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vdoc:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $( $(#[$vdoc])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and sent name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value with this name (exactly as stored).
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The value a person typed: trimmed, any case.
            pub fn parse_typed(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }

        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // Written out rather than derived: the derive does not see the names given through
        // this macro and would document the Rust variant names instead of the sent ones.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $crate::ids::Choice for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        impl db::TextValue for $name {
            const WHAT: &'static str = stringify!($name);
            fn to_text(&self) -> String {
                self.as_str().to_owned()
            }
            fn from_text(text: &str) -> Option<Self> {
                Self::parse(text)
            }
        }

        db::text_sql!($name);
    };
}

/// A closed set of named values (what [`text_enum!`](crate::text_enum) declares), so forms,
/// imports and validation can treat every status and kind alike.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every value.
    fn all() -> &'static [Self];
    /// Its stored name.
    fn name(self) -> &'static str;
    /// The value a person typed (trimmed, any case).
    fn typed(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::all()
            .iter()
            .copied()
            .find(|v| v.name().eq_ignore_ascii_case(text))
    }
    /// Every name, comma-separated (for "choose one of").
    fn names() -> String {
        Self::all()
            .iter()
            .map(|v| v.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

crate::id_type!(
    /// An agency (Perangkat Daerah).
    AgencyId
);
crate::id_type!(
    /// A person on an agency's staff.
    PersonId
);
crate::id_type!(
    /// An account that can sign in.
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    crate::text_enum! {
        /// A test status.
        enum Colour {
            /// Red.
            Red = "red",
            /// Dark blue.
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Colour::parse_typed(" Dark_Blue "), Some(Colour::DarkBlue));
        assert_eq!(Colour::parse("green"), None);
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        assert!(db::read_text::<Colour>("green").is_err());
        let id = AgencyId::new();
        assert_eq!(db::read_text::<AgencyId>(&id.to_string()).unwrap(), id);
        assert!(db::read_text::<AgencyId>("not-an-id").is_err());
    }
}
