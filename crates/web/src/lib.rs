//! The HTTP layer: HSDS API, directory pages, problem details.
