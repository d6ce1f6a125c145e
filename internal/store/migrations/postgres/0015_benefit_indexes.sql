-- Indexes the incremental benefits path needs: the events of one run
-- (offers are made from a run's newly eligible), and the households of
-- the persons whose records changed. Without them re-deciding one
-- household scanned every decision, event and member of the country.
CREATE INDEX benefit_decisions_run ON benefit_decisions (run_id, id);
CREATE INDEX benefit_events_decision ON benefit_events (decision_id, id);
CREATE INDEX benefit_household_members_person ON benefit_household_members (person, household);
