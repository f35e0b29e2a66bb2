//! 一单两库 — the enterprise and inspector registries and the item list: importing a file
//! ([`import`]) and editing one record ([`edit`]), each checked by the same row rules.

pub mod edit;
pub mod import;
