package dev.topiary.service;

/** A record on an event topic that is not a valid event: it goes to the dead-letter topic with this message. */
public final class UndecodableEventException extends RuntimeException {
  UndecodableEventException(RuntimeException cause) {
    super("undecodable event: " + Failures.message(cause), cause);
  }
}
