//! Co-production in the web layer: the hierarchy of places (`places`: import, listing what each
//! facilitator and coordinator sees, assignments), the community cycle's records (`records`)
//! and the facilitators' and coordinators' pages (`pages`).
//! A facilitator or coordinator sees the places assigned to them and every place below, asked
//! of the store each time; administrators see and manage all.

pub mod cycle_pages;
pub mod form;
pub mod offline;
pub mod pages;
pub mod places;
pub mod publish;
pub mod records;
