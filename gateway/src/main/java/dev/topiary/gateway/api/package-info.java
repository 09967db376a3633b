/**
 * The REST resources under {@code /api/v1} (jobs, their artifacts, uploads) and the mappers that turn refusals into
 * 4xx answers with one message per field ({@link dev.topiary.gateway.api.ErrorBody}). Resources
 * are thin: they read the request, call {@code submit}, {@code upload}, {@code view} or {@code
 * report}, and shape the answer.
 */
package dev.topiary.gateway.api;
