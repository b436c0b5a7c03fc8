//! Synthetic and demo directories: realistic HSDS data from a seed.
