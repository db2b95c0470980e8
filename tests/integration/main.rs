//! The one integration-test binary (one link on 2 cores). Every test that touches storage runs on
//! SQLite and, when `TANDEM_TEST_POSTGRES_URL` is set, on PostgreSQL too.

mod support;

mod audit;
mod calendar;
mod commands;
mod demo;
mod discord;
mod doc_tables;
mod docs;
mod doctor;
mod forgetting;
mod fuzz_corpora;
mod import;
mod isolation;
mod meetups;
mod metrics;
mod migrations;
mod pairing;
mod pileups;
mod privacy;
mod referee;
mod retention;
mod scheduler;
mod self_contained;
mod slack;
mod specs;
mod storage;
mod survey_exports;
mod survey_logs;
mod survey_privacy;
mod surveys;
