//! What a teacher in front of a class needs: presenter mode and themes.

pub mod panels;
pub mod presenter;
pub mod theme;
