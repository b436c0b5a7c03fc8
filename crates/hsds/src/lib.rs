//! HSDS interchange: reading and writing Open Referral HSDS packages (3.x JSON and tabular, 1.x/2.0 tabular upgraded).
