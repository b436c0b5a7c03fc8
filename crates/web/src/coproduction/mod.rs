//! Co-production in the web layer: the hierarchy of places (`places`: import, listing what each
//! facilitator and coordinator sees, assignments) and the facilitators' pages (`pages`).
//! A facilitator or coordinator sees the places assigned to them and every place below, asked
//! of the store each time; administrators see and manage all.

pub mod pages;
pub mod places;
