//! What the lesson is made of, below any one section: the ordered outline,
//! the sentence/seed helpers the toy sections share, number formatting and
//! the check-yourself questions.

pub mod layer_head;
pub mod numbers;
pub mod outline;
pub mod questions;
pub mod sentences;

pub use outline::Section;
