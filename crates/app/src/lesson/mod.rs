//! What the lesson is made of, below any one section: the ordered outline
//! the sentence/seed helpers the toy sections share, and number formatting.

pub mod numbers;
pub mod outline;
pub mod sentences;

pub use outline::Section;
