//! The shape of corral's id types: a `u32` index in a newtype, so that a
//! terminal is never taken for a state or a rule; and the same with one
//! value set aside for "none", where an `Option` would grow the hot
//! structures that hold the id.

/// `$name(u32)`: an index, with `new`, `index` and `as_u32`.
macro_rules! index_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(transparent)]
        pub struct $name(u32);

        impl $name {
            #[inline(always)]
            pub const fn new(i: u32) -> $name {
                $name(i)
            }

            /// The position this id stands for.
            #[inline(always)]
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            #[inline(always)]
            #[allow(dead_code, reason = "not every id type is read as a number")]
            pub const fn as_u32(self) -> u32 {
                self.0
            }
        }
    };
}

/// `$name(u32)` whose `u32::MAX` is `$name::NONE`: `new`, `is_none` and
/// `get` (the index, unless none).
macro_rules! optional_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(transparent)]
        pub struct $name(u32);

        impl $name {
            /// None.
            pub const NONE: $name = $name(u32::MAX);

            #[inline(always)]
            pub const fn new(i: u32) -> $name {
                debug_assert!(i != u32::MAX);
                $name(i)
            }

            #[inline(always)]
            pub const fn is_none(self) -> bool {
                self.0 == u32::MAX
            }

            /// The index, unless this is `NONE`.
            #[inline(always)]
            pub const fn get(self) -> Option<usize> {
                if self.is_none() {
                    None
                } else {
                    Some(self.0 as usize)
                }
            }
        }
    };
}

pub(crate) use {index_id, optional_id};
