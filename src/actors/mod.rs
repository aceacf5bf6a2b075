//! Key actors: the people, organisations and places a story is about.
//!
//! (Interim: empty; lands with issue 4.)

use crate::brief::Actor;
use crate::text::Document;

/// The key actors of `doc`, most central first.
#[must_use]
pub fn key_actors(_doc: &Document) -> Vec<Actor> {
    Vec::new()
}
