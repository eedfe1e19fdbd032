//! Wire names: the snake_case names that API.md gives each enumerated value.
//!
//! Every enum with a wire name is declared through [`wire_enum!`], which gives it `as_str`, an
//! exact `parse` over the names in API.md (no case folding, no aliases), `FromStr`, `Display` and
//! `ALL`, so the API layer never spells a name twice.

use std::fmt;

/// A text that is not one of the wire names of an enumerated value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    kind: &'static str,
    found: String,
    expected: Vec<&'static str>,
}

impl UnknownName {
    /// Builds the error for `found`, which is not one of `expected` names of a `kind`.
    pub fn new(kind: &'static str, found: &str, expected: Vec<&'static str>) -> Self {
        Self {
            kind,
            found: found.to_owned(),
            expected,
        }
    }

    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        "unknown_value"
    }

    /// The kind of value that was expected, for example `sex`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The wire names that would have been accepted.
    pub fn expected(&self) -> &[&'static str] {
        &self.expected
    }
}

/// What every [`UnknownName`] message says between the value and the names expected, so that a
/// parser that only sees the text can still tell this error from others.
pub const UNKNOWN_NAME_MARK: &str = "; expected one of: ";

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}{UNKNOWN_NAME_MARK}{}",
            self.found,
            self.kind,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// An enumerated value with wire names, whatever its type: what the API layer needs to read,
/// write and document any of them generically. [`wire_enum!`] implements it.
pub trait WireName:
    Copy + Sized + 'static + std::str::FromStr<Err = UnknownName> + fmt::Display
{
    /// What a value is, in words, for example `eligibility outcome`.
    const KIND: &'static str;

    /// The name a schema gives the type: its kind in PascalCase (`EligibilityOutcome`).
    fn schema_name() -> String {
        Self::KIND
            .split([' ', '-'])
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect::<String>()
                })
            })
            .collect()
    }
    /// Every value, in the order DOMAIN.md lists them.
    fn every() -> &'static [Self];
    /// The wire name.
    fn wire_name(self) -> &'static str;
}

/// Declares an enum whose values have wire names, with `as_str`, `parse`, `FromStr`, `Display`
/// and `ALL`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the order DOMAIN.md lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name, exactly as in API.md.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// Parses a wire name; only the exact snake_case names of API.md are accepted.
            pub fn parse(text: &str) -> Result<Self, $crate::wire::UnknownName> {
                match text {
                    $($wire => Ok($name::$variant),)+
                    _ => Err($crate::wire::UnknownName::new(
                        $kind,
                        text,
                        Self::ALL.iter().map(|value| value.as_str()).collect(),
                    )),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::wire::UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl $crate::wire::WireName for $name {
            const KIND: &'static str = $kind;

            fn every() -> &'static [Self] {
                Self::ALL
            }

            fn wire_name(self) -> &'static str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use wire_enum;
