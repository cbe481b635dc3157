//! Parley's shared vocabulary: the types the browser and the server send
//! each other (`model`) and every text in five languages (`i18n`).
//!
//! Compiled into both the server and the browser's wasm, so it depends on
//! no web framework and no database.

pub mod i18n;
pub mod ids;
pub mod model;
pub mod wire;
