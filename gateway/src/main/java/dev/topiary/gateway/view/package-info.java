/**
 * The job view: every job's state, built only from the event topics. {@link
 * dev.topiary.gateway.view.EventTail} reads every event topic from the beginning (a fresh consumer
 * group each start, nothing committed), so a restarted gateway rebuilds the same view; {@link
 * dev.topiary.gateway.view.JobView} folds the events into one {@link
 * dev.topiary.gateway.view.JobState} per job (idempotent: a redelivered event changes nothing;
 * order-independent: records of different topics come back in any relative order) and hands live
 * events to server-sent-event subscribers, each with its {@link
 * dev.topiary.gateway.view.EventPosition} as id; each job's state also keeps the model each
 * step ended with ({@link dev.topiary.gateway.view.ModelArtifact}), for the downloads. No database.
 */
package dev.topiary.gateway.view;
