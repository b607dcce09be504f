//! Review campaigns (评查活动): drawing cases, assigning reviewers across units (交叉评查),
//! and how far reviewers agree. Kits, returns and consensus build on these.
//!
//! May use `domain`, `scoring`, `import` and `store`. Must not use `egui`.

pub mod agreement;
pub mod assign;
